// SPDX-License-Identifier: MIT
#pragma once

#include "delivery/deliveryqueue.h"
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
    qint64 id = 0; // its delivery
    domain::Event event;
    int attempts = 0;
    qint64 nextAt = 0;
};

/// The sync queue of the one delivery queue (delivery::queues::Sync): local events to send
/// to the back end, keyed by event UUID. Rows are written by an engine commit hook, so an
/// event and its delivery commit together or not at all. A delivered row is deleted (the
/// log has the event); a refused one stays, failed, and is counted as rejected.
class Outbox {
public:
    explicit Outbox(store::Store &store, delivery::BackoffPolicy policy = {})
        : m_store(store), m_queue(store, delivery::queues::Sync, std::move(policy), false)
    {
    }

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

    /// Pending entries in send order (at most `limit`), due or not: the sync loop keeps its
    /// own schedule, and a sync asked for by hand sends at once.
    QList<OutboxEntry> pending(int limit);
    qint64 pendingCount() { return m_queue.count(delivery::State::Pending); }
    /// Refused by the back end for good.
    qint64 rejectedCount() { return m_queue.counts().undeliverable(); }
    delivery::DeliveryQueue &queue() { return m_queue; }

private:
    store::Store &m_store;
    delivery::DeliveryQueue m_queue;
};

} // namespace sitrep::sync
