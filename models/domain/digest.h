// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"

#include <QList>
#include <QString>

namespace sitrep::domain {

/// An event's content hash (hex): chainHash() with no previous hash, so it is the same on
/// every replica and on the back end, whatever order each one appended the event in.
QString contentHash(const Event &event);

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
