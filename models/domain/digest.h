// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"

#include <QList>
#include <QString>

namespace sitrep::domain {

/// An event's content hash (hex): chainHash() with no previous hash, so it is the same on
/// every replica and on the back end, whatever order each one appended the event in.
QString contentHash(const Event &event);

/// An event in the wire form (id, hlc as text, ts, actor, kind, payload, origin, hashRule)
/// as far as its content hash needs it: what the back end stores and what a conflict keeps of
/// the event it refused. No `hashRule` means rule 1, as does one this build does not know
/// (the append and the merge refuse those, so only a damaged copy can name one).
Event eventForDigest(const QJsonObject &wire, const QString &incidentUid);

/// Why an event of `rule` cannot carry `origin` (empty when it can): rule 2 hashes the
/// origin, so it must name the replica that wrote it (not "local", at most 200 characters).
/// The sync client and the back end both check events they receive with it.
QString originProblem(HashRule rule, const QString &origin);

/// The events an incident's digest covers, from its timeline in a replica's log: every event
/// but the `conflict` events (each replica records its own), plus each remote event the
/// replica refused, from the copy its conflict carries (the back end holds it).
QList<Event> digestEvents(const QList<Event> &timeline);

/// The order-independent digest of one incident (hex): SHA-256 over "id hash\n" for each
/// event, sorted by event id. The back end computes it the same way from what it stores
/// (GET /api/incidents/{id}/digest), so a replica and the back end that hold the same events
/// agree, and any event added, dropped or changed on either side shows.
QString incidentDigest(const QList<Event> &events);

} // namespace sitrep::domain
