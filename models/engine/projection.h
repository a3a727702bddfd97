// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sitrep::store {
class Store;
}

namespace sitrep::engine {

/// Tables derived from the event log and nothing else (the knowledge base, the action
/// items, ...). Registered once with the LifecycleEngine, which folds every event into it
/// exactly once, in log order and inside the transaction that appends the event: local
/// commands, merged remote events and a bulk load alike. Its place in the log is its row of
/// projection_cursors, moved in the same transaction.
///
/// The incidents table is the store's own projection (store/projector.h); these come on top
/// of it and may read it: when apply() runs, the incidents rows already include the events.
class Projection {
public:
    virtual ~Projection() = default;

    /// Stable and unique: the key of its cursor.
    virtual QString name() const = 0;
    /// The event kinds apply() needs; other events only move the cursor. Empty: every kind.
    virtual QStringList kinds() const { return {}; }
    /// Folds events (log order, seq and payload set) into its tables. Must not depend on how
    /// the events are split into calls, so a rebuild gives what the live path gave. Fails only
    /// when it cannot write: an event it cannot use is skipped, since the log decides what
    /// happened (a remote event may name a record this replica does not have). A failure rolls
    /// back the transaction.
    virtual Status apply(store::Store &store, const QList<domain::Event> &events) = 0;
    /// Puts its tables back to "no event applied", inside the caller's transaction.
    virtual Status reset(store::Store &store) = 0;
    /// The tables apply() and reset() write, compared by `verify` after a rebuild.
    virtual QStringList tables() const = 0;
};

} // namespace sitrep::engine
