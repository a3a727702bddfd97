// SPDX-License-Identifier: MIT
#include "sync/outbox.h"

#include "domain/synckinds.h"
#include "engine/lifecycleengine.h"
#include "store/projector.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>

namespace sitrep::sync {

using namespace sitrep::domain;

bool Outbox::enabled(store::Store &store)
{
    return store.meta(QStringLiteral("sync.enabled")) == u"1";
}

void Outbox::attach(engine::LifecycleEngine &engine)
{
    if (!enabled(engine.store()))
        return;
    const QString replica = engine.store().meta(QStringLiteral("replica_id"));
    if (!replica.isEmpty())
        engine.setReplicaId(replica);
    engine.addCommitHook([](store::Store &s, const QList<Event> &events) { return enqueue(s, events); });
}

// One sync.provisional_number event per local incident the back end has not numbered,
// chained and folded like any event (so verify and a rebuild give the same rows), later in
// HLC order than everything already in the log.
static Status numberProvisionally(store::Store &store, const QString &replica, const QString &prefix)
{
    auto &db = store.db();
    QStringList uids;
    {
        auto q = db.prepareOnce(QStringLiteral(
            "SELECT i.uid FROM incidents i WHERE i.number NOT LIKE 'TMP-%' "
            "AND EXISTS (SELECT 1 FROM events o WHERE o.incident = i.uid AND o.kind = 'incident.opened' AND o.origin NOT IN ('remote', 'backend')) "
            "AND NOT EXISTS (SELECT 1 FROM events r WHERE r.incident = i.uid AND r.kind = 'incident.renumbered') ORDER BY i.id"));
        if (!q)
            return Status::fail(db.lastError(), QStringLiteral("db"));
        while (q->step())
            uids << store::Store::blobToUuid(q->blob(0));
        if (!q->error().isEmpty())
            return Status::fail(q->error(), QStringLiteral("db"));
    }
    if (uids.isEmpty())
        return {};
    qint64 maxHlc = 0;
    if (auto q = db.prepareOnce(QStringLiteral("SELECT coalesce(max(hlc), 0) FROM events")); q && q->step())
        maxHlc = q->int64(0);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 hlc = qMax(maxHlc + 1, now << 16);
    static const QRegularExpression digits(QStringLiteral("(\\d+)$"));
    for (const QString &uid : std::as_const(uids)) {
        auto before = store.incidentByUid(uid);
        if (!before)
            continue;
        const auto m = digits.match(before->number);
        QString number = m.hasMatch() ? prefix + m.captured(1) : QString();
        if (number.isEmpty() || store.incidentByNumber(number)) {
            auto n = store.nextNumber(prefix);
            if (!n)
                return Status(n.error());
            number = *n;
        }
        Event e;
        e.id = store::Store::newUuid();
        e.incidentUid = uid;
        e.hlc = hlc++;
        e.ts = now;
        e.actor = QStringLiteral("system");
        e.kind = kinds::ProvisionalNumber;
        e.payload = {{QStringLiteral("number"), number},
                     {QStringLiteral("was"), before->number},
                     {QStringLiteral("message"), QStringLiteral("numbered %1 until the back end assigns a number (was %2 before sync was on)")
                                                     .arg(number, before->number)}};
        e.origin = replica;
        e.prevHash = before->headHash;
        e.hash = e.computeHash();
        if (auto s = store.appendEvent(e); !s)
            return s;
        domain::Incident inc = *before;
        store::applyEvent(inc, e);
        if (auto s = store.writeIncident(inc, &*before); !s)
            return s;
    }
    return {};
}

Status Outbox::enable(store::Store &store)
{
    if (enabled(store))
        return {};
    auto &db = store.db();
    if (auto s = db.begin(); !s)
        return s;
    QString replica = store.meta(QStringLiteral("replica_id"));
    if (replica.isEmpty())
        replica = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString prefix = QStringLiteral("TMP-%1-").arg(replica.left(6).toUpper());
    for (const auto &[k, v] : {qMakePair(QStringLiteral("replica_id"), replica), qMakePair(QStringLiteral("number_prefix"), prefix),
                               qMakePair(QStringLiteral("sync.enabled"), QStringLiteral("1"))}) {
        if (auto s = store.setMeta(k, v); !s) {
            db.rollback();
            return s;
        }
    }
    // Incidents opened before sync was on carry numbers the back end will hand out too:
    // they become provisional, like incidents opened offline, and the back end's number
    // replaces them on the first acknowledgement.
    if (auto s = numberProvisionally(store, replica, prefix); !s) {
        db.rollback();
        return s;
    }
    // Everything this database wrote before sync was on goes out first, in log order.
    if (auto s = db.exec(QStringLiteral("INSERT OR IGNORE INTO sync_outbox(event_id, event_seq) "
                                        "SELECT id, seq FROM events WHERE origin NOT IN ('remote', "
                                        "'backend') AND kind <> 'sync.rejected' ORDER BY seq"));
        !s) {
        db.rollback();
        return s;
    }
    return db.commit();
}

Status Outbox::enqueue(store::Store &store, const QList<Event> &events)
{
    store::Stmt *s = store.db().prepare(QStringLiteral("INSERT OR IGNORE INTO sync_outbox(event_id, event_seq) VALUES(?,?)"));
    for (const Event &e : events) {
        if (localOnly(e))
            continue;
        s->reset();
        s->bindBlob(1, store::Store::uuidToBlob(e.id)).bind(2, e.seq);
        if (!s->exec())
            return Status::fail(QStringLiteral("cannot queue event for sync: %1").arg(s->error()), QStringLiteral("db"));
    }
    return {};
}

bool Outbox::localOnly(const Event &event)
{
    return event.kind == kinds::SyncRejected;
}

QList<OutboxEntry> Outbox::pending(int limit)
{
    QList<OutboxEntry> out;
    store::Stmt *s = m_store.db().prepare(QStringLiteral(
        "SELECT o.seq, o.attempts, o.next_at, e.seq, e.id, e.incident, e.hlc, e.ts, e.actor, e.kind, e.payload, e.origin "
        "FROM sync_outbox o JOIN events e ON e.seq = o.event_seq WHERE o.status = 'pending' ORDER BY o.seq LIMIT ?"));
    s->bind(1, limit);
    while (s->step()) {
        OutboxEntry x;
        x.seq = s->int64(0);
        x.attempts = int(s->int64(1));
        x.nextAt = s->int64(2);
        Event &e = x.event;
        e.seq = s->int64(3);
        e.id = store::Store::blobToUuid(s->blob(4));
        e.incidentUid = store::Store::blobToUuid(s->blob(5));
        e.hlc = s->int64(6);
        e.ts = s->int64(7);
        e.actor = s->text(8);
        e.kind = s->text(9);
        e.payloadRaw = s->text(10).toUtf8();
        e.payload = QJsonDocument::fromJson(e.payloadRaw).object();
        e.origin = s->text(11);
        out << x;
    }
    s->reset();
    return out;
}

static qint64 countWhere(store::Store &store, const char *status)
{
    store::Stmt *s = store.db().prepare(QStringLiteral("SELECT count(*) FROM sync_outbox WHERE status = ?"));
    s->bind(1, QString::fromLatin1(status));
    const qint64 n = s->step() ? s->int64(0) : 0;
    s->reset();
    return n;
}

qint64 Outbox::pendingCount() { return countWhere(m_store, "pending"); }
qint64 Outbox::rejectedCount() { return countWhere(m_store, "rejected"); }

Status Outbox::markSent(qint64 seq)
{
    store::Stmt *s = m_store.db().prepare(QStringLiteral("DELETE FROM sync_outbox WHERE seq = ?"));
    s->bind(1, seq);
    if (!s->exec())
        return Status::fail(s->error(), QStringLiteral("db"));
    return {};
}

Status Outbox::markFailed(qint64 seq, const QString &error, qint64 nextAt)
{
    store::Stmt *s = m_store.db().prepare(
        QStringLiteral("UPDATE sync_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?"));
    s->bind(1, nextAt).bind(2, error.left(500)).bind(3, seq);
    if (!s->exec())
        return Status::fail(s->error(), QStringLiteral("db"));
    return {};
}

Status Outbox::markRejected(qint64 seq, const QString &error)
{
    store::Stmt *s = m_store.db().prepare(
        QStringLiteral("UPDATE sync_outbox SET status = 'rejected', attempts = attempts + 1, last_error = ? WHERE seq = ?"));
    s->bind(1, error.left(500)).bind(2, seq);
    if (!s->exec())
        return Status::fail(s->error(), QStringLiteral("db"));
    return {};
}

} // namespace sitrep::sync
