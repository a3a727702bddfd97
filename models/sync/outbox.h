// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "store/store.h"
#include "util/result.h"

#include <QList>
#include <QString>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::sync {

/// One queued event waiting for the back end.
struct OutboxEntry {
    qint64 seq = 0;
    domain::Event event;
    int attempts = 0;
    qint64 nextAt = 0;
};

/// The durable queue of local events to send. Rows are written by an engine commit hook,
/// so an event and its outbox row commit together or not at all.
class Outbox {
public:
    explicit Outbox(store::Store &store) : m_store(store) {}

    /// Installs the commit hook on `engine` when the database is set up for sync
    /// (meta sync.enabled = 1). Safe to call for every engine a front end builds.
    static void attach(engine::LifecycleEngine &engine);
    /// Turns sync on for this database: gives it a replica id, switches new incident
    /// numbers to provisional ones, gives incidents opened before (never numbered by the
    /// back end) a provisional number too (sync.provisional_number events), and queues
    /// every local event not yet queued.
    static Status enable(store::Store &store);
    static bool enabled(store::Store &store);
    /// The hook itself: queues `events` (callers hold the transaction).
    static Status enqueue(store::Store &store, const QList<domain::Event> &events);
    /// Events that stay on this replica (a refusal by the back end is shown here, not sent).
    static bool localOnly(const domain::Event &event);

    /// Pending entries in send order (at most `limit`).
    QList<OutboxEntry> pending(int limit);
    qint64 pendingCount();
    qint64 rejectedCount();
    Status markSent(qint64 seq);
    Status markFailed(qint64 seq, const QString &error, qint64 nextAt);
    Status markRejected(qint64 seq, const QString &error);

private:
    store::Store &m_store;
};

} // namespace sitrep::sync
