// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace sitrep::domain {

/// Which fields an event's hash covers. Rule 1 (events written before the replica's id was
/// recorded): prevHash, id, incident, hlc, ts, actor, kind, payload. Rule 2 (every event
/// appended since): a marker, those fields and the origin, so a log whose events were moved
/// between replicas after the fact no longer verifies. Each event keeps the rule it was
/// hashed under, so older events verify under the old rule; lowering an event's rule
/// changes its hash as well.
enum class HashRule : int { Original = 1, WithOrigin = 2 };
inline constexpr HashRule kCurrentHashRule = HashRule::WithOrigin;

/// One entry of the append-only event log. `hash` chains each incident's events:
/// hash = SHA-256 over the fields its `rule` names (see HashRule).
struct Event {
    qint64 seq = 0; // local append order
    QString id;     // UUID, global identity (merge key)
    QString incidentUid;
    qint64 hlc = 0; // hybrid logical clock: (ms << 16) | counter
    qint64 ts = 0;  // wall time in ms since epoch (UTC)
    QString actor;
    QString kind; // incident.opened, incident.transitioned, note.added, ...
    QJsonObject payload;
    QString prevHash;
    QString hash;
    // The id of the replica that appended it ("local", "remote" or "backend" in events of
    // hash rule 1, written before every database had a replica id).
    QString origin;
    HashRule rule = kCurrentHashRule;
    // Who the back end says relayed the event (its `sentBy`): user and role, empty when not
    // known (an older back end). Not part of the hash and not stored: the merge checks it.
    QString sentBy;
    QString sentRole;

    QByteArray payloadRaw; // the payload exactly as stored, when loaded from the log

    /// The canonical payload text: payloadRaw when loaded, else compact JSON.
    QByteArray payloadJson() const;
    /// chainHash() of this event, in hex.
    QString computeHash() const;
    QJsonObject toJson() const;
};

/// The chain hash of an event (raw SHA-256, 32 bytes): the one definition of what the hash
/// covers. `prevHashHex` is the previous event's hash of the same incident in lower-case hex
/// (empty for the first event), ids in the log's UUID spelling (lower case, no braces), the
/// payload in its canonical text; `origin` counts only under HashRule::WithOrigin.
/// Event::computeHash() and the store's bulk loader both call it, so the live path, a
/// merge, a bulk load and `verify` cannot disagree.
QByteArray chainHash(HashRule rule, QByteArrayView prevHashHex, QByteArrayView id,
                     QByteArrayView incidentUid, qint64 hlc, qint64 ts, QByteArrayView actor,
                     QByteArrayView kind, QByteArrayView origin, QByteArrayView payload);

/// The hash rule a stored or received number names; nullopt for one this build does not know
/// (a newer writer's), which nobody may silently hash under another rule.
std::optional<HashRule> hashRuleFrom(qint64 number);

/// The order an incident's events fold in, the same on every replica: its opening first (a
/// replica that opened the incident itself may hold the opening under a later clock than the
/// other replicas' events on it), then by (hlc, id).
bool foldsBefore(const Event &a, const Event &b);

/// The event id of a once-only event: a name-based UUID (version 5, under Sitrep's fixed
/// namespace) of the incident, the event kind and the key that names the occurrence (the SLA
/// deadline, the reminder and its start, the escalation step, the alert linked). Every
/// replica that records the same occurrence gives it the same id, so the log, a merge and
/// the back end hold it once: recording it again is a no-op. `incidentUid` in any UUID
/// spelling; the result in the log's spelling (lower case, no braces).
QString onceEventId(const QString &incidentUid, const QString &kind, const QString &key);

/// The uid of the incident an alert group opens: a name-based UUID of the correlation key
/// and its epoch (how many earlier incidents of that key have ended). Two agents that
/// correlate the same alerts open the same incident; see docs/DESIGN.md.
QString correlatedIncidentUid(const QString &correlationKey, int epoch);

/// The id of the `conflict` event recorded for a remote event a merge did not apply: the same
/// on every replica, so replicas that find the same conflict record it once.
QString conflictIdFor(const QString &eventId);

/// The `conflict` event for a remote event that cannot be applied (`why` says why). The
/// rejected event is not appended to the log: the conflict carries it whole (`rejected`), with
/// who the back end says sent it, so nothing is lost and the conflict panel can show it. It
/// takes the rejected event's place in the fold order (same hlc and ts); the caller sets its
/// origin and chains it.
Event rejectionConflict(const Event &rejected, const QString &state, const QString &why);

namespace kinds {
inline const QString Opened = QStringLiteral("incident.opened");
inline const QString Transitioned = QStringLiteral("incident.transitioned");
inline const QString FieldSet = QStringLiteral("incident.field_set");
inline const QString Assigned = QStringLiteral("incident.assigned");
inline const QString NoteAdded = QStringLiteral("note.added");
inline const QString AlertLinked = QStringLiteral("alert.linked");
inline const QString ApprovalGranted = QStringLiteral("approval.granted");
inline const QString EvidenceAttached = QStringLiteral("evidence.attached");
inline const QString StatusUpdate = QStringLiteral("status.update");
inline const QString CommanderSet = QStringLiteral("commander.set");
inline const QString ResponderAdded = QStringLiteral("responder.added");
inline const QString ActionItem = QStringLiteral("action_item");
inline const QString SlaBreached = QStringLiteral("sla.breached");
inline const QString NotificationRequested = QStringLiteral("notification.requested");
inline const QString PostmortemDrafted = QStringLiteral("postmortem.drafted");
inline const QString RemediationRequested = QStringLiteral("remediation.requested");
inline const QString Reminder = QStringLiteral("reminder");
inline const QString Escalation = QStringLiteral("escalation");
inline const QString Conflict = QStringLiteral("conflict");
inline const QString Renumbered = QStringLiteral("incident.renumbered");
// Sync turned on for a database that already held incidents: each gets a provisional
// number until the back end assigns the real one (incident.renumbered wins over it).
inline const QString ProvisionalNumber = QStringLiteral("sync.provisional_number");
// A person settled a conflict: payload conflict (event id), choice, state.
inline const QString ConflictResolved = QStringLiteral("conflict.resolved");
} // namespace kinds

} // namespace sitrep::domain
