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
    engine.addCommitHook(
        QStringLiteral("sync.outbox"),
        [](store::Store &s, const QList<Event> &events) { return enqueue(s, events); });
}

// One sync.provisional_number event per local incident the back end has not numbered,
// chained and folded like any event (so verify and a rebuild give the same rows), later in
// HLC order than everything already in the log.
static Status numberProvisionally(store::Store &store, const QString &replica,
                                  const QString &prefix)
{
    auto &db = store.db();
    QStringList uids;
    {
        auto q = db.prepareOnce(
            QStringLiteral("SELECT i.uid FROM incidents i WHERE i.number NOT LIKE 'TMP-%' "
                           "AND EXISTS (SELECT 1 FROM events o WHERE o.incident = i.uid AND o.kind "
                           "= 'incident.opened' AND o.origin NOT IN ('remote', 'backend')) "
                           "AND NOT EXISTS (SELECT 1 FROM events r WHERE r.incident = i.uid AND "
                           "r.kind = 'incident.renumbered') ORDER BY i.id"));
        if (!q)
            return Status::fail(db.lastError(), QStringLiteral("db"));
        while (q->step())
            uids << store::Store::blobToUuid(store::RowReader(*q).blob());
        if (!q->error().isEmpty())
            return Status::fail(q->error(), QStringLiteral("db"));
    }
    if (uids.isEmpty())
        return {};
    qint64 maxHlc = 0;
    if (auto q = db.prepareOnce(QStringLiteral("SELECT coalesce(max(hlc), 0) FROM events"));
        q && q->step())
        maxHlc = store::RowReader(*q).int64();
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
        e.payload = {
            {QStringLiteral("number"), number},
            {QStringLiteral("was"), before->number},
            {QStringLiteral("message"),
             QStringLiteral(
                 "numbered %1 until the back end assigns a number (was %2 before sync was on)")
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
    // Every database has its replica id from its first migration (0950).
    const QString replica = store.meta(QStringLiteral("replica_id"));
    if (replica.isEmpty()) {
        db.rollback();
        return Status::fail(QStringLiteral("the database has no replica id"), QStringLiteral("db"));
    }
    const QString prefix = QStringLiteral("TMP-%1-").arg(replica.left(6).toUpper());
    for (const auto &[k, v] : {qMakePair(QStringLiteral("number_prefix"), prefix),
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
    // Everything this database wrote before sync was on goes out first, in log order, keyed
    // by the event's UUID in text form (as Store::blobToUuid writes it).
    if (auto s = db.exec(QStringLiteral(
            "INSERT OR IGNORE INTO deliveries(queue, key, subject, event_seq, transport) "
            "SELECT 'sync', lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || "
            "substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12)), "
            "lower(substr(i, 1, 8) || '-' || substr(i, 9, 4) || '-' || substr(i, 13, 4) || '-' || "
            "substr(i, 17, 4) || '-' || substr(i, 21, 12)), seq, 'rest' "
            "FROM (SELECT hex(id) AS h, hex(incident) AS i, seq FROM events WHERE origin NOT IN "
            "('remote', 'backend') AND kind <> 'sync.rejected') ORDER BY seq"));
        !s) {
        db.rollback();
        return s;
    }
    return db.commit();
}

Status Outbox::enqueue(store::Store &store, const QList<Event> &events)
{
    delivery::DeliveryQueue queue(store, delivery::queues::Sync);
    for (const Event &e : events) {
        if (localOnly(e))
            continue;
        delivery::Item item;
        item.key = e.id;
        item.subject = e.incidentUid;
        item.eventSeq = e.seq;
        item.transport = QStringLiteral("rest");
        if (auto r = queue.enqueue(item); !r)
            return Status::fail(
                QStringLiteral("cannot queue event for sync: %1").arg(r.errorMessage()),
                QStringLiteral("db"));
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
    store::Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT d.id, d.attempts, d.next_at, e.seq, e.id, e.incident, e.hlc, e.ts, "
                       "e.actor, e.kind, e.payload, e.origin, e.hash_rule, e.hash "
                       "FROM deliveries d JOIN events e ON e.seq = d.event_seq "
                       "WHERE d.queue = ? AND d.status = 'pending' ORDER BY d.id LIMIT ?"));
    s->bind(1, m_queue.name()).bind(2, limit);
    while (s->step()) {
        OutboxEntry x;
        store::RowReader row(*s);
        row.read(x.id, x.attempts, x.nextAt);
        Event &e = x.event;
        e.seq = row.int64();
        e.id = store::Store::blobToUuid(row.blob());
        e.incidentUid = store::Store::blobToUuid(row.blob());
        row.read(e.hlc, e.ts, e.actor, e.kind);
        e.payloadRaw = row.text().toUtf8();
        e.payload = QJsonDocument::fromJson(e.payloadRaw).object();
        e.origin = row.text();
        e.rule = domain::HashRule(row.int64());
        // The chain hash goes into the batch's Idempotency-Key (SyncService::batchKey).
        e.hash = QString::fromLatin1(row.blob().toHex());
        out << x;
    }
    s->reset();
    return out;
}

} // namespace sitrep::sync
