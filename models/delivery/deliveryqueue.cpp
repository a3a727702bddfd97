// SPDX-License-Identifier: MIT
#include "delivery/deliveryqueue.h"

#include "util/enumnames.h"

#include <QJsonDocument>

namespace sitrep::delivery {

using store::Stmt;

namespace {

const char *const kColumns =
    "id, queue, key, subject, event_seq, transport, destination, attributes, body, status, "
    "attempts, next_at, started_at, last_error, remote_id";

Item readItem(const Stmt &s)
{
    Item x;
    store::RowReader row(s);
    row.read(x.id, x.queue, x.key, x.subject, x.eventSeq, x.transport, x.destination);
    x.attributes = QJsonDocument::fromJson(row.text().toUtf8()).object();
    x.body = row.text().toUtf8();
    x.state = stateFromName(row.text()).value_or(State::Pending);
    row.read(x.attempts, x.nextAt, x.startedAt, x.lastError, x.remoteId);
    return x;
}

Status run(store::Db &db, Stmt *s)
{
    if (!s)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    if (!s->exec())
        return Status::fail(s->error(), QStringLiteral("db"));
    return {};
}

} // namespace

constexpr util::EnumName<State> StateNames[] = {{State::Pending, "pending"},
                                                {State::Delivered, "delivered"},
                                                {State::Failed, "failed"},
                                                {State::Dead, "dead"}};

QString stateName(State state)
{
    return util::nameOf(StateNames, state);
}

std::optional<State> stateFromName(const QString &name)
{
    return util::valueOf(StateNames, name);
}

DeliveryQueue::DeliveryQueue(store::Store &store, QString queue, BackoffPolicy policy,
                             bool keepDelivered)
    : m_store(store), m_queue(std::move(queue)), m_policy(std::move(policy)),
      m_keepDelivered(keepDelivered)
{
}

Result<bool> DeliveryQueue::enqueue(const Item &item)
{
    auto &db = m_store.db();
    Stmt *s = db.prepare(QStringLiteral(
        "INSERT OR IGNORE INTO deliveries(queue, key, subject, event_seq, transport, destination, "
        "attributes, body, next_at) VALUES(?,?,?,?,?,?,?,?,?)"));
    if (!s)
        return Result<bool>::fail(db.lastError(), QStringLiteral("db"));
    const QString attributes =
        item.attributes.isEmpty()
            ? QStringLiteral("{}")
            : QString::fromUtf8(QJsonDocument(item.attributes).toJson(QJsonDocument::Compact));
    s->bind(1, m_queue)
        .bind(2, item.key)
        .bind(3, item.subject)
        .bind(4, item.eventSeq)
        .bind(5, item.transport)
        .bind(6, item.destination)
        .bind(7, attributes)
        .bind(8, QString::fromUtf8(item.body))
        .bind(9, item.nextAt);
    if (!s->exec())
        return Result<bool>::fail(
            QStringLiteral("cannot queue %1 delivery %2: %3").arg(m_queue, item.key, s->error()),
            QStringLiteral("db"));
    return db.changes() == 1;
}

QList<Item> DeliveryQueue::select(const QString &where, const std::function<void(Stmt &)> &bind,
                                  int limit)
{
    QList<Item> out;
    Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT %1 FROM deliveries WHERE queue = ?1 AND (%2) ORDER BY id LIMIT ?2")
            .arg(QLatin1String(kColumns), where));
    if (!s)
        return out;
    s->bind(1, m_queue).bind(2, limit);
    if (bind)
        bind(*s);
    while (s->step())
        out << readItem(*s);
    s->reset();
    return out;
}

QList<Item> DeliveryQueue::pending(int limit)
{
    return select(QStringLiteral("status = 'pending'"), {}, limit);
}

QList<Item> DeliveryQueue::due(qint64 now, int limit, const QString &skipTransport)
{
    return select(
        QStringLiteral("status = 'pending' AND next_at <= ?3 AND (?4 = '' OR transport <> ?4)"),
        [&](Stmt &s) { s.bind(3, now).bind(4, skipTransport); }, limit);
}

QList<Item> DeliveryQueue::items(std::optional<State> state)
{
    if (!state)
        return select(QStringLiteral("1"), {}, -1);
    return select(
        QStringLiteral("status = ?3"), [&](Stmt &s) { s.bind(3, stateName(*state)); }, -1);
}

QList<Item> DeliveryQueue::forSubject(const QString &subject)
{
    return select(
        QStringLiteral("subject = ?3"), [&](Stmt &s) { s.bind(3, subject); }, -1);
}

std::optional<Item> DeliveryQueue::find(const QString &key)
{
    const auto found = select(
        QStringLiteral("key = ?3"), [&](Stmt &s) { s.bind(3, key); }, 1);
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

bool DeliveryQueue::heldBack(const Item &item)
{
    Stmt *s = m_store.db().prepare(QStringLiteral(
        "SELECT 1 FROM deliveries WHERE queue = ? AND subject = ? AND destination = ? "
        "AND status = 'pending' AND id < ? LIMIT 1"));
    if (!s)
        return false;
    s->bind(1, m_queue).bind(2, item.subject).bind(3, item.destination).bind(4, item.id);
    const bool held = s->step();
    s->reset();
    return held;
}

qint64 &Counts::of(State state)
{
    // In the order of State.
    static constexpr qint64 Counts::*Members[] = {&Counts::pending, &Counts::delivered,
                                                  &Counts::failed, &Counts::dead};
    return this->*Members[int(state)];
}

Counts DeliveryQueue::counts()
{
    Counts c;
    Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT status, count(*) FROM deliveries WHERE queue = ? GROUP BY status"));
    if (!s)
        return c;
    s->bind(1, m_queue);
    while (s->step()) {
        store::RowReader row(*s);
        const QString state = row.text();
        const qint64 n = row.int64();
        c.of(stateFromName(state).value_or(State::Pending)) += n;
    }
    s->reset();
    return c;
}

qint64 DeliveryQueue::count(State state, const QString &transport)
{
    Stmt *s =
        m_store.db().prepare(QStringLiteral("SELECT count(*) FROM deliveries WHERE queue = ? AND "
                                            "status = ? AND (?3 = '' OR transport = ?3)"));
    if (!s)
        return 0;
    s->bind(1, m_queue).bind(2, stateName(state)).bind(3, transport);
    const qint64 n = s->step() ? store::RowReader(*s).int64() : 0;
    s->reset();
    return n;
}

Status DeliveryQueue::markStarted(qint64 id, qint64 now)
{
    return setOn(
        id, QStringLiteral("started_at = ?1 WHERE queue = ?2 AND id = ?3 AND started_at = 0"), now);
}

Status DeliveryQueue::postpone(qint64 id, qint64 at)
{
    return setOn(
        id, QStringLiteral("next_at = ?1 WHERE queue = ?2 AND id = ?3 AND status = 'pending'"), at);
}

Status DeliveryQueue::setOn(qint64 id, const QString &setWhere, qint64 value)
{
    Stmt *s = m_store.db().prepare(QStringLiteral("UPDATE deliveries SET ") + setWhere);
    if (s)
        s->bind(1, value).bind(2, m_queue).bind(3, id);
    return run(m_store.db(), s);
}

Result<qint64> DeliveryQueue::retryLater(qint64 id, const QString &error, qint64 now,
                                         qint64 serverDelayMs)
{
    using R = Result<qint64>;
    auto &db = m_store.db();
    Stmt *q = db.prepare(QStringLiteral(
        "SELECT attempts FROM deliveries WHERE queue = ? AND id = ? AND status = 'pending'"));
    if (!q)
        return R::fail(db.lastError(), QStringLiteral("db"));
    q->bind(1, m_queue).bind(2, id);
    if (!q->step())
        return R::fail(QStringLiteral("no pending %1 delivery %2").arg(m_queue).arg(id),
                       QStringLiteral("not_found"));
    const int attempts = int(store::RowReader(*q).int64()) + 1;
    q->reset();
    const qint64 at = m_policy.nextAt(now, attempts, serverDelayMs);
    Stmt *s = db.prepare(QStringLiteral(
        "UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?"));
    if (s)
        s->bind(1, attempts).bind(2, at).bind(3, error.left(1000)).bind(4, id);
    if (auto r = run(db, s); !r)
        return R(r.error());
    return at;
}

Status DeliveryQueue::finish(const QString &column, const std::function<void(Stmt &, int)> &bind,
                             State state, const QString &remoteId, const QString &error,
                             int attempts)
{
    auto &db = m_store.db();
    Stmt *s = nullptr;
    if (state == State::Delivered && !m_keepDelivered) {
        s = db.prepare(QStringLiteral("DELETE FROM deliveries WHERE queue = ?1 AND "
                                      "status = 'pending' AND %1 = ?2")
                           .arg(column));
        if (s) {
            s->bind(1, m_queue);
            bind(*s, 2);
        }
        return run(db, s);
    }
    s = db.prepare(
        QStringLiteral("UPDATE deliveries SET status = ?1, remote_id = ?2, last_error = ?3, "
                       "attempts = CASE WHEN ?4 < 0 THEN attempts + 1 ELSE max(attempts, ?4) END "
                       "WHERE queue = ?5 AND status = 'pending' AND %1 = ?6")
            .arg(column));
    if (s) {
        s->bind(1, stateName(state))
            .bind(2, remoteId)
            .bind(3, error.left(1000))
            .bind(4, attempts)
            .bind(5, m_queue);
        bind(*s, 6);
    }
    return run(db, s);
}

Status DeliveryQueue::markDelivered(qint64 id, const QString &remoteId)
{
    return finish(
        QStringLiteral("id"), [id](Stmt &s, int i) { s.bind(i, id); }, State::Delivered, remoteId,
        {}, -1);
}

Status DeliveryQueue::markFailed(qint64 id, const QString &error)
{
    return finish(
        QStringLiteral("id"), [id](Stmt &s, int i) { s.bind(i, id); }, State::Failed, {}, error,
        -1);
}

Status DeliveryQueue::deadLetter(qint64 id, const QString &error)
{
    return finish(
        QStringLiteral("id"), [id](Stmt &s, int i) { s.bind(i, id); }, State::Dead, {}, error, -1);
}

Status DeliveryQueue::settle(const QString &key, State state, const QString &remoteId,
                             const QString &error, int attempts)
{
    if (state == State::Pending)
        return Status::fail(QStringLiteral("a delivery is settled as delivered, failed or dead"),
                            QStringLiteral("invalid"));
    return finish(
        QStringLiteral("key"), [&key](Stmt &s, int i) { s.bind(i, key); }, state, remoteId, error,
        attempts);
}

Status DeliveryQueue::clear()
{
    Stmt *s = m_store.db().prepare(QStringLiteral("DELETE FROM deliveries WHERE queue = ?"));
    if (s)
        s->bind(1, m_queue);
    return run(m_store.db(), s);
}

} // namespace sitrep::delivery
