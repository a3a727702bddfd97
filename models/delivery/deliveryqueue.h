// SPDX-License-Identifier: MIT
#pragma once

#include "delivery/backoffpolicy.h"
#include "store/store.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace sitrep::delivery {

/// The queues that share the deliveries table.
namespace queues {
inline const QString Sync = QStringLiteral("sync");               // local events to the back end
inline const QString Notify = QStringLiteral("notify");           // SNS, Slack, webhooks
inline const QString Remediation = QStringLiteral("remediation"); // SQS, remediation hooks
} // namespace queues

/// Where a delivery stands; stored as its name.
enum class State {
    Pending,   // waiting for its (next) try
    Delivered, // the receiver took it
    Failed,    // the receiver refused it for good
    Dead,      // given up after the policy's attempts: a dead letter
};
QString stateName(State state);
std::optional<State> stateFromName(const QString &name);

/// One queued delivery.
struct Item {
    qint64 id = 0; // enqueue order
    QString queue;
    QString key;            // unique in its queue; the idempotency key the receiver sees
    QString subject;        // what it is about (an incident UUID); see DeliveryQueue::heldBack
    qint64 eventSeq = 0;    // log position of the event that asked for it
    QString transport;      // rest | sns | slack | webhook | none | sqs | hook:<id>
    QString destination;    // notify channel, queue name or endpoint
    QJsonObject attributes; // what the transport needs besides the body
    QByteArray body;
    State state = State::Pending;
    int attempts = 0;
    qint64 nextAt = 0;    // ms since epoch; not before
    qint64 startedAt = 0; // first send started (committed before it left); 0: never
    QString lastError;
    QString remoteId;
};

/// How many deliveries of a queue are in each state, for status bars and the command line.
struct Counts {
    qint64 pending = 0;
    qint64 delivered = 0;
    qint64 failed = 0;
    qint64 dead = 0;
    /// Refused for good or given up.
    qint64 undeliverable() const { return failed + dead; }
    qint64 total() const { return pending + delivered + failed + dead; }
    /// The count of the deliveries in `state`.
    qint64 &of(State state);
};

/// What leaves this machine, durably queued: one table (`deliveries`) with a queue column,
/// one set of states and one backoff policy for sync, notifications and remediation.
///
/// Items are written in the caller's transaction (an engine commit hook, a scan), so an event
/// and what it asks to send commit together or not at all. A key is queued once per queue,
/// whatever its state: retries never duplicate a delivery. Items go out oldest first. A
/// transient failure counts the attempt and waits as the policy says; a permanent one, or
/// giving up (dead letter), settles the item for good.
class DeliveryQueue {
public:
    /// `keepDelivered` false: a delivered item is deleted (what was sent is in the event log
    /// already); true: it stays, as the record that it was sent.
    DeliveryQueue(store::Store &store, QString queue, BackoffPolicy policy = {},
                  bool keepDelivered = true);

    const QString &name() const { return m_queue; }
    BackoffPolicy &policy() { return m_policy; }
    const BackoffPolicy &policy() const { return m_policy; }

    /// Queues `item` (its queue, id and outcome fields are ignored) unless its key is queued
    /// already; answers whether it was added.
    Result<bool> enqueue(const Item &item);

    /// Pending items, oldest first, whether due or not (at most `limit`; -1: all).
    QList<Item> pending(int limit = -1);
    /// Pending items due at `now`, oldest first; items of `skipTransport` stay where they are.
    QList<Item> due(qint64 now, int limit = -1, const QString &skipTransport = {});
    /// Items in `state` (all without one), oldest first.
    QList<Item> items(std::optional<State> state = std::nullopt);
    /// Items about `subject`, oldest first.
    QList<Item> forSubject(const QString &subject);
    std::optional<Item> find(const QString &key);
    /// An earlier item of the same subject and destination is still pending: `item` waits
    /// for it, so what is sent about one incident to one place arrives in order.
    bool heldBack(const Item &item);

    Counts counts();
    /// Items in `state`, of one transport when `transport` is given.
    qint64 count(State state, const QString &transport = {});

    /// Notes that the first send of `id` started (once; later calls keep the first time).
    Status markStarted(qint64 id, qint64 now);
    /// Tries `id` again at `at` without counting an attempt (its outcome could not be kept).
    Status postpone(qint64 id, qint64 at);
    /// A transient failure: counts the attempt and schedules the next one by the policy (a
    /// receiver's delay, Retry-After, is honoured within the policy's clamp). Answers when.
    Result<qint64> retryLater(qint64 id, const QString &error, qint64 now,
                              qint64 serverDelayMs = BackoffPolicy::NoServerDelay);
    /// The receiver took `id`.
    Status markDelivered(qint64 id, const QString &remoteId = {});
    /// The receiver refused `id` for good.
    Status markFailed(qint64 id, const QString &error);
    /// Gives `id` up: a dead letter, kept for a person to look at.
    Status deadLetter(qint64 id, const QString &error);
    /// Settles the pending item `key` as an outcome event says (Delivered, Failed or Dead);
    /// `attempts` is the count the event saw (-1: one more than stored). An item settled
    /// already does not change.
    Status settle(const QString &key, State state, const QString &remoteId, const QString &error,
                  int attempts = -1);
    /// Empties this queue (a queue derived from the log is rebuilt from it).
    Status clear();

private:
    /// UPDATE deliveries SET `setWhere`, where ?1 is `value`, ?2 this queue, ?3 the id.
    Status setOn(qint64 id, const QString &setWhere, qint64 value);
    QList<Item> select(const QString &where, const std::function<void(store::Stmt &)> &bind,
                       int limit);
    Status finish(const QString &column, const std::function<void(store::Stmt &, int)> &bind,
                  State state, const QString &remoteId, const QString &error, int attempts);

    store::Store &m_store;
    QString m_queue;
    BackoffPolicy m_policy;
    bool m_keepDelivered = true;
};

} // namespace sitrep::delivery
