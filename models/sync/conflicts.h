// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "engine/command.h"
#include "util/result.h"

#include <QList>
#include <QString>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::sync {

/// One side of a conflict: a transition event of the log.
struct ConflictTransition {
    QString eventId; // empty: the incident was still in the state it was opened in
    QString from;
    QString to;
    QString actor;
    qint64 ts = 0;
};

/// A `conflict` event a merge recorded, with the two transitions that competed and, once
/// someone settled it, how (from the `conflict.resolved` event that names it).
struct Conflict {
    QString id; // the conflict event's id (the same on every replica)
    QString incidentUid;
    qint64 ts = 0;
    QString state;               // the state the incident was in where the rejected one folded
    ConflictTransition applied;  // the transition in force there
    ConflictTransition rejected; // the one that no longer fitted and was not applied
    // A remote event the merge's checks refused (LifecycleEngine::remoteRejection): its kind
    // and why; both empty for two competing transitions. `rejected` names its id and actor
    // (and, for a transition, its states).
    QString refusedKind;
    QString reason;
    bool resolved = false;
    QString choice;        // "applied", "rejected" or "dismissed"
    QString resolvedState; // the state chosen (empty when dismissed)
    QString resolvedBy;
    qint64 resolvedAt = 0;
};

enum class ConflictChoice { KeepApplied, TakeRejected, Dismiss };
QString conflictChoiceName(ConflictChoice c);

/// The conflicts of one incident's timeline, in fold (hlc, id) order. A conflict is
/// resolved by the first `conflict.resolved` event (in that order) that names it, so
/// every replica holding the same events shows the same answer.
QList<Conflict> conflictsOf(const QList<domain::Event> &timeline);

/// Settles a conflict as `actor`: picking a side runs a normal transition to that side's
/// target state through the engine (guards and all; nothing when the incident is already
/// there), then records `conflict.resolved` with the choice; dismissing records only that.
/// Fails, changing nothing, when the conflict is unknown, already resolved, or the
/// transition is refused (the engine's message).
Result<engine::Outcome> resolveConflict(engine::LifecycleEngine &engine, const QString &incidentUid,
                                        const QString &conflictId, ConflictChoice choice,
                                        const QString &actor);

} // namespace sitrep::sync
