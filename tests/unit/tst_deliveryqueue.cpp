// SPDX-License-Identifier: MIT
// The one delivery queue and its backoff policy: order, due times, backoff growth and cap, a
// receiver's delay clamped, permanent failures, dead letters, persistence, and the upgrade
// that moves the rows of the three outboxes it replaced.
#include "delivery/deliveryqueue.h"
#include "fixtures/support.h"
#include "remediation/remediationstore.h"
#include "store/store.h"
#include "sync/outbox.h"
#include "unit/migrationtestutil.h"

#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace sitrep;
using delivery::BackoffPolicy;
using delivery::DeliveryQueue;
using delivery::Item;
using delivery::State;

namespace {

Item item(const QString &key, const QString &subject = {}, const QString &destination = {},
          qint64 nextAt = 0)
{
    Item x;
    x.key = key;
    x.subject = subject;
    x.destination = destination;
    x.transport = QStringLiteral("webhook");
    x.body = QByteArrayLiteral("{\"text\":\"hello\"}");
    x.nextAt = nextAt;
    return x;
}

QStringList keys(const QList<Item> &items)
{
    QStringList out;
    for (const auto &x : items)
        out << x.key;
    return out;
}

bool tableExists(store::Store &st, const QString &name)
{
    auto q = st.db().prepareOnce(
        QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
    q->bind(1, name);
    return q->step();
}

const QString kMigration = QStringLiteral("0900_deliveries");

} // namespace

class TestDeliveryQueue : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;

    std::optional<store::Store> m_store;

    QString newPath() { return m_dir.filePath(QStringLiteral("q%1.db").arg(++m_n)); }

    /// A store on a new database for this test function, closed by cleanup().
    store::Store &freshStore()
    {
        m_store.emplace();
        if (const auto s = m_store->open(newPath()); !s)
            qFatal("cannot open a fresh store: %s", qPrintable(s.errorMessage()));
        return *m_store;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }
    void cleanup() { m_store.reset(); }

    // ------------------------------------------------------------ the backoff policy

    void backoff_growsExponentiallyWithJitterUpToTheCap()
    {
        BackoffPolicy p(100, 5000);
        p.seed(7);
        for (int n = 1; n <= 14; ++n)
            QCOMPARE(p.capMs(n), qMin<qint64>(5000, 100LL << (n - 1)));
        const QString problem =
            testing::backoffProblem([&](int n) { return p.delayMs(n); }, 100, 5000, 14);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // Far past the cap the shift does not overflow.
        QCOMPARE(p.capMs(1000), qint64(5000));
        QCOMPARE(p.capMs(0), qint64(100));
    }

    void backoff_sameSeedSameSchedule()
    {
        BackoffPolicy a(500, 60000), b(500, 60000);
        a.seed(42);
        b.seed(42);
        for (int n = 1; n < 10; ++n)
            QCOMPARE(a.delayMs(n), b.delayMs(n));
    }

    void backoff_honoursAServerDelayButClampsAHugeOne()
    {
        BackoffPolicy p(100, 1000);
        p.seed(1);
        // Longer than its own delay: the receiver's wins.
        QCOMPARE(p.delayMs(1, 30000), qint64(30000));
        // Shorter: its own (jittered) delay stays.
        const qint64 own = p.delayMs(4, 10);
        QVERIFY(own >= 400 && own <= 800);
        // A delay of days (a broken or hostile Retry-After) is clamped.
        QCOMPARE(p.delayMs(1, qint64(30) * 24 * 3600 * 1000), p.maxServerDelayMs());
        QCOMPARE(p.maxServerDelayMs(), qint64(15) * 60 * 1000);
        p.setMaxServerDelayMs(120000);
        QCOMPARE(p.delayMs(1, std::numeric_limits<qint64>::max()), qint64(120000));
        QCOMPARE(p.clampServerDelay(-5), qint64(0));
        QCOMPARE(p.nextAt(1000, 1, 5000), qint64(6000));
    }

    void backoff_givesUpAfterMaxAttempts()
    {
        BackoffPolicy unlimited(100, 1000);
        QVERIFY(!unlimited.exhausted(1000000));
        BackoffPolicy p(100, 1000, 3);
        QVERIFY(!p.exhausted(2));
        QVERIFY(p.exhausted(3));
        QVERIFY(p.exhausted(4));
    }

    // ------------------------------------------------------------ the queue

    void enqueue_keepsOrderAndQueuesAKeyOnce()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Notify);
        for (const char *k : {"c", "a", "b"}) {
            auto added = q.enqueue(item(QString::fromLatin1(k)));
            QVERIFY(added);
            QVERIFY(*added);
        }
        // The same key again, whatever its state, is not queued a second time.
        auto again = q.enqueue(item(QStringLiteral("a")));
        QVERIFY(again);
        QVERIFY(!*again);
        QCOMPARE(keys(q.pending()), (QStringList{"c", "a", "b"}));
        QCOMPARE(keys(q.pending(2)), (QStringList{"c", "a"}));
        QCOMPARE(q.counts().pending, qint64(3));
        const auto first = q.find(QStringLiteral("c"));
        QVERIFY(first);
        QCOMPARE(first->queue, delivery::queues::Notify);
        QCOMPARE(first->transport, QStringLiteral("webhook"));
        QCOMPARE(first->body, QByteArrayLiteral("{\"text\":\"hello\"}"));
        QCOMPARE(first->state, State::Pending);
        QVERIFY(!q.find(QStringLiteral("nope")));
    }

    void queues_shareTheTableNotTheirItems()
    {
        store::Store &st = freshStore();
        DeliveryQueue a(st, delivery::queues::Notify);
        DeliveryQueue b(st, delivery::queues::Remediation);
        QVERIFY(*a.enqueue(item(QStringLiteral("k"))));
        QVERIFY(*b.enqueue(item(QStringLiteral("k")))); // the same key in another queue
        QCOMPARE(a.counts().pending, qint64(1));
        QCOMPARE(b.counts().pending, qint64(1));
        QVERIFY(a.clear());
        QCOMPARE(a.counts().pending, qint64(0));
        QCOMPARE(b.counts().pending, qint64(1));
    }

    void due_waitsForNextAtAndCanSkipATransport()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Remediation);
        QVERIFY(*q.enqueue(item(QStringLiteral("later"), {}, {}, 5000)));
        QVERIFY(*q.enqueue(item(QStringLiteral("now"), {}, {}, 1000)));
        Item sqs = item(QStringLiteral("sqs"), {}, {}, 0);
        sqs.transport = QStringLiteral("sqs");
        QVERIFY(*q.enqueue(sqs));
        QCOMPARE(keys(q.due(999)), (QStringList{"sqs"}));
        QCOMPARE(keys(q.due(1000)), (QStringList{"now", "sqs"}));
        QCOMPARE(keys(q.due(5000)), (QStringList{"later", "now", "sqs"}));
        QCOMPARE(keys(q.due(5000, 1)), (QStringList{"later"}));
        QCOMPARE(keys(q.due(5000, -1, QStringLiteral("sqs"))), (QStringList{"later", "now"}));
        QCOMPARE(q.count(State::Pending, QStringLiteral("sqs")), qint64(1));
        // pending() does not look at due times.
        QCOMPARE(keys(q.pending()), (QStringList{"later", "now", "sqs"}));
        // Postponed without counting an attempt.
        QVERIFY(q.postpone(q.find(QStringLiteral("sqs"))->id, 9000));
        QCOMPARE(keys(q.due(5000)), (QStringList{"later", "now"}));
        QCOMPARE(q.find(QStringLiteral("sqs"))->attempts, 0);
    }

    void retryLater_countsTheAttemptAndBacksOffByThePolicy()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Notify, BackoffPolicy(1000, 8000));
        q.policy().seed(3);
        QVERIFY(*q.enqueue(item(QStringLiteral("x"))));
        const qint64 id = q.find(QStringLiteral("x"))->id;
        const qint64 now = 1'000'000;
        qint64 lastCap = 0;
        for (int n = 1; n <= 6; ++n) {
            auto at = q.retryLater(id, QStringLiteral("HTTP 503"), now);
            QVERIFY2(at, qPrintable(at.errorMessage()));
            const qint64 cap = qMin<qint64>(8000, 1000LL << (n - 1));
            QVERIFY2(*at >= now + cap / 2 && *at <= now + cap,
                     qPrintable(QStringLiteral("%1 after %2 failures").arg(*at - now).arg(n)));
            QVERIFY(cap >= lastCap);
            lastCap = cap;
            const auto x = q.find(QStringLiteral("x"));
            QCOMPARE(x->attempts, n);
            QCOMPARE(x->nextAt, *at);
            QCOMPARE(x->lastError, QStringLiteral("HTTP 503"));
            QCOMPARE(x->state, State::Pending);
            QVERIFY(q.due(now).isEmpty());
            QCOMPARE(q.due(*at).size(), 1);
        }
        QCOMPARE(lastCap, qint64(8000));
        // A receiver's delay (Retry-After) is honoured, within the clamp.
        auto told = q.retryLater(id, QStringLiteral("HTTP 429"), now, 120000);
        QCOMPARE(*told, now + 120000);
        auto huge = q.retryLater(id, QStringLiteral("HTTP 429"), now, qint64(365) * 86400 * 1000);
        QCOMPARE(*huge, now + q.policy().maxServerDelayMs());
        // Only a pending item can be retried.
        QVERIFY(q.markDelivered(id, QStringLiteral("m-1")));
        const auto gone = q.retryLater(id, QStringLiteral("late"), now);
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, QStringLiteral("not_found"));
    }

    void heldBack_keepsOneSubjectAndDestinationInOrder()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Notify);
        QVERIFY(*q.enqueue(
            item(QStringLiteral("1"), QStringLiteral("inc-a"), QStringLiteral("slack"))));
        QVERIFY(*q.enqueue(
            item(QStringLiteral("2"), QStringLiteral("inc-a"), QStringLiteral("slack"))));
        QVERIFY(
            *q.enqueue(item(QStringLiteral("3"), QStringLiteral("inc-a"), QStringLiteral("sns"))));
        QVERIFY(*q.enqueue(
            item(QStringLiteral("4"), QStringLiteral("inc-b"), QStringLiteral("slack"))));
        const auto first = *q.find(QStringLiteral("1"));
        const auto second = *q.find(QStringLiteral("2"));
        QVERIFY(!q.heldBack(first));
        QVERIFY(q.heldBack(second)); // waits for the first
        QVERIFY(!q.heldBack(*q.find(QStringLiteral("3"))));
        QVERIFY(!q.heldBack(*q.find(QStringLiteral("4"))));
        // Still waiting while the first backs off...
        QVERIFY(q.retryLater(first.id, QStringLiteral("timeout"), 0));
        QVERIFY(q.heldBack(second));
        // ...free once it is settled, whichever way.
        QVERIFY(q.markFailed(first.id, QStringLiteral("channel_not_found")));
        QVERIFY(!q.heldBack(second));
        QCOMPARE(keys(q.forSubject(QStringLiteral("inc-a"))), (QStringList{"1", "2", "3"}));
    }

    void markFailed_isPermanentAndCountedAsUndeliverable()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Sync);
        QVERIFY(*q.enqueue(item(QStringLiteral("x"))));
        const qint64 id = q.find(QStringLiteral("x"))->id;
        QVERIFY(q.markFailed(id, QStringLiteral("HTTP 403: viewers cannot write")));
        const auto x = *q.find(QStringLiteral("x"));
        QCOMPARE(x.state, State::Failed);
        QCOMPARE(x.attempts, 1);
        QCOMPARE(x.lastError, QStringLiteral("HTTP 403: viewers cannot write"));
        QVERIFY(q.pending().isEmpty());
        QVERIFY(q.due(std::numeric_limits<qint64>::max()).isEmpty());
        QCOMPARE(q.counts().failed, qint64(1));
        QCOMPARE(q.counts().undeliverable(), qint64(1));
        // Settled for good: neither a delivery nor a retry changes it.
        QVERIFY(q.markDelivered(id));
        QVERIFY(!q.retryLater(id, QStringLiteral("again"), 0));
        QCOMPARE(q.find(QStringLiteral("x"))->state, State::Failed);
    }

    void deadLetter_givesUpAfterThePolicysAttempts()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Remediation, BackoffPolicy(0, 0, 3));
        QVERIFY(*q.enqueue(item(QStringLiteral("hook-1"))));
        QVERIFY(*q.enqueue(item(QStringLiteral("hook-2"))));
        auto x = *q.find(QStringLiteral("hook-1"));
        // The caller asks the policy before each try is counted, as the dispatcher does.
        while (!q.policy().exhausted(x.attempts + 1)) {
            QVERIFY(q.retryLater(x.id, QStringLiteral("HTTP 502"), 0));
            x = *q.find(QStringLiteral("hook-1"));
        }
        QCOMPARE(x.attempts, 2);
        QVERIFY(q.deadLetter(x.id, QStringLiteral("HTTP 502 three times")));
        x = *q.find(QStringLiteral("hook-1"));
        QCOMPARE(x.state, State::Dead);
        QCOMPARE(x.attempts, 3);
        QCOMPARE(keys(q.items(State::Dead)), (QStringList{"hook-1"}));
        QCOMPARE(keys(q.due(0)), (QStringList{"hook-2"}));
        const auto c = q.counts();
        QCOMPARE(c.dead, qint64(1));
        QCOMPARE(c.pending, qint64(1));
        QCOMPARE(c.undeliverable(), qint64(1));
    }

    void settle_appliesAnOutcomeByKeyOnce()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Notify);
        QVERIFY(*q.enqueue(item(QStringLiteral("e1:page"))));
        QVERIFY(*q.enqueue(item(QStringLiteral("e1:slack"))));
        QVERIFY(
            q.settle(QStringLiteral("e1:page"), State::Delivered, QStringLiteral("msg-1"), {}, 3));
        auto x = *q.find(QStringLiteral("e1:page"));
        QCOMPARE(x.state, State::Delivered);
        QCOMPARE(x.remoteId, QStringLiteral("msg-1"));
        QCOMPARE(x.attempts, 3);
        // The same outcome read again from the log (a rebuild, another replica) is a no-op.
        QVERIFY(q.settle(QStringLiteral("e1:page"), State::Failed, {}, QStringLiteral("late"), 9));
        QCOMPARE(q.find(QStringLiteral("e1:page"))->state, State::Delivered);
        // -1: one attempt more than stored.
        QVERIFY(
            q.settle(QStringLiteral("e1:slack"), State::Dead, {}, QStringLiteral("gave up"), -1));
        x = *q.find(QStringLiteral("e1:slack"));
        QCOMPARE(x.state, State::Dead);
        QCOMPARE(x.attempts, 1);
        QVERIFY(!q.settle(QStringLiteral("e1:slack"), State::Pending, {}, {}));
        QCOMPARE(q.counts().delivered, qint64(1));
        QCOMPARE(keys(q.items()), (QStringList{"e1:page", "e1:slack"}));
    }

    void delivered_isDeletedWhenTheQueueDoesNotKeepIt()
    {
        store::Store &st = freshStore();
        DeliveryQueue kept(st, delivery::queues::Notify);
        DeliveryQueue dropped(st, delivery::queues::Sync, {}, false);
        QVERIFY(*kept.enqueue(item(QStringLiteral("k"))));
        QVERIFY(*dropped.enqueue(item(QStringLiteral("d"))));
        QVERIFY(kept.markDelivered(kept.find(QStringLiteral("k"))->id));
        QVERIFY(dropped.markDelivered(dropped.find(QStringLiteral("d"))->id));
        QCOMPARE(kept.counts().delivered, qint64(1));
        QVERIFY(!dropped.find(QStringLiteral("d")));
        QCOMPARE(dropped.counts().delivered, qint64(0));
    }

    void markStarted_keepsTheFirstTime()
    {
        DeliveryQueue q(freshStore(), delivery::queues::Notify);
        QVERIFY(*q.enqueue(item(QStringLiteral("x"))));
        const qint64 id = q.find(QStringLiteral("x"))->id;
        QVERIFY(q.markStarted(id, 111));
        QVERIFY(q.markStarted(id, 222));
        QCOMPARE(q.find(QStringLiteral("x"))->startedAt, qint64(111));
    }

    void items_surviveAReopen()
    {
        const QString path = newPath();
        qint64 nextAt = 0;
        {
            store::Store st;
            QVERIFY(st.open(path));
            DeliveryQueue q(st, delivery::queues::Remediation);
            Item x =
                item(QStringLiteral("corr-1"), QStringLiteral("inc"), QStringLiteral("q.fifo"));
            x.attributes = {{QStringLiteral("attempt"), 2},
                            {QStringLiteral("method"), QStringLiteral("PUT")}};
            x.eventSeq = 42;
            QVERIFY(*q.enqueue(x));
            QVERIFY(*q.enqueue(item(QStringLiteral("corr-2"))));
            auto at = q.retryLater(q.find(QStringLiteral("corr-1"))->id,
                                   QStringLiteral("throttled"), 1000);
            QVERIFY(at);
            nextAt = *at;
            QVERIFY(q.markDelivered(q.find(QStringLiteral("corr-2"))->id, QStringLiteral("m-2")));
        }
        store::Store st;
        QVERIFY(st.open(path));
        DeliveryQueue q(st, delivery::queues::Remediation);
        const auto x = q.find(QStringLiteral("corr-1"));
        QVERIFY(x);
        QCOMPARE(x->state, State::Pending);
        QCOMPARE(x->attempts, 1);
        QCOMPARE(x->nextAt, nextAt);
        QCOMPARE(x->lastError, QStringLiteral("throttled"));
        QCOMPARE(x->subject, QStringLiteral("inc"));
        QCOMPARE(x->destination, QStringLiteral("q.fifo"));
        QCOMPARE(x->eventSeq, qint64(42));
        QCOMPARE(x->attributes.value(QStringLiteral("method")).toString(), QStringLiteral("PUT"));
        QCOMPARE(x->attributes.value(QStringLiteral("attempt")).toInt(), 2);
        const auto y = q.find(QStringLiteral("corr-2"));
        QCOMPARE(y->state, State::Delivered);
        QCOMPARE(y->remoteId, QStringLiteral("m-2"));
        QVERIFY(q.due(nextAt - 1).isEmpty());
        QCOMPARE(keys(q.due(nextAt)), (QStringList{"corr-1"}));
    }

    // ------------------------------------------------------------ the upgrade

    void upgrade_movesTheRowsOfEveryOldOutbox()
    {
        const QString path = newPath();
        const QString eventId = QStringLiteral("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
        const QString rejectedId = QStringLiteral("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
        const QString incident = QStringLiteral("11111111-2222-4333-8444-555555555555");
        {
            store::Db db;
            QVERIFY(db.open(path));
            const auto migrated = testing::applyMigrationsBefore(db, kMigration);
            QVERIFY2(migrated, qPrintable(migrated.errorMessage()));
            auto ev =
                db.prepareOnce(QStringLiteral("INSERT INTO events(seq, id, incident, hlc, ts, "
                                              "actor, kind, payload, prev_hash, hash) "
                                              "VALUES(?, ?, ?, ?, 1700000000000, 'alice', "
                                              "'note.added', '{\"text\":\"x\"}', x'', x'00')"));
            for (const auto &[seq, id] : {qMakePair(7, eventId), qMakePair(8, rejectedId)}) {
                ev->reset();
                ev->bind(1, seq)
                    .bindBlob(2, store::Store::uuidToBlob(id))
                    .bindBlob(3, store::Store::uuidToBlob(incident))
                    .bind(4, qint64(seq) << 16);
                QVERIFY2(ev->exec(), qPrintable(ev->error()));
            }
            // The sync outbox: one waiting after two failures, one refused for good.
            auto so =
                db.prepareOnce(QStringLiteral("INSERT INTO sync_outbox(seq, event_id, event_seq, "
                                              "attempts, next_at, status, last_error) "
                                              "VALUES(?, ?, ?, ?, ?, ?, ?)"));
            so->bind(1, 1)
                .bindBlob(2, store::Store::uuidToBlob(eventId))
                .bind(3, 7)
                .bind(4, 2)
                .bind(5, qint64(1700000005000))
                .bind(6, "pending")
                .bind(7, "HTTP 503");
            QVERIFY2(so->exec(), qPrintable(so->error()));
            so->reset();
            so->bind(1, 2)
                .bindBlob(2, store::Store::uuidToBlob(rejectedId))
                .bind(3, 8)
                .bind(4, 1)
                .bind(5, 0)
                .bind(6, "rejected")
                .bind(7, "HTTP 403");
            QVERIFY2(so->exec(), qPrintable(so->error()));
            // Notifications: a Slack post started but not known to be delivered, one delivered.
            QVERIFY(db.exec(
                QStringLiteral("INSERT INTO notify_deliveries(event_id, channel, incident, seq, "
                               "transport, message, status, "
                               "attempts, next_at, last_error, remote_id, started_at) VALUES "
                               "('%1', 'slack:war_room', '%2', 7, 'slack', '{\"war_room\":true}', "
                               "'pending', 1, 1700000009000, "
                               "'Slack chat.postMessage: HTTP 503', '', 1700000001000), "
                               "('%1', 'page_oncall', '%2', 7, 'sns', '{\"topic\":\"page\"}', "
                               "'delivered', 1, 0, '', 'sns-1', 0)")
                    .arg(eventId, incident)));
            // Remediation: attempt 2 of a hook (PUT) waiting, attempt 1 of an SQS action sent.
            QVERIFY(
                db.exec(QStringLiteral(
                            "INSERT INTO remediation_dispatch(correlation_id, attempt, transport, "
                            "destination, method, group_id, "
                            "dedup_id, body, status, tries, next_at, last_error, remote_id) VALUES "
                            "('corr-h', 2, 'hook:restart', 'https://ops.example.com/restart', "
                            "'PUT', '%1', 'corr-h.2', "
                            "'{\"attempt\":2}', 'pending', 3, 1700000020000, 'HTTP 502', ''), "
                            "('corr-s', 1, 'sqs', 'sitrep-remediation-p1.fifo', 'POST', '%1', "
                            "'corr-s', '{\"attempt\":1}', "
                            "'sent', 1, 0, '', 'sqs-msg-1')")
                            .arg(incident)));
        }

        store::Store st;
        QVERIFY(st.open(path)); // applies the delivery queue's migration
        QVERIFY(!tableExists(st, QStringLiteral("sync_outbox")));
        QVERIFY(!tableExists(st, QStringLiteral("notify_deliveries")));
        QVERIFY(!tableExists(st, QStringLiteral("remediation_dispatch")));

        // Sync: the waiting event still goes out, with its failures; the refusal stays counted.
        sync::Outbox outbox(st);
        QCOMPARE(outbox.pendingCount(), qint64(1));
        QCOMPARE(outbox.rejectedCount(), qint64(1));
        const auto waiting = outbox.pending(10);
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.first().event.id, eventId);
        QCOMPARE(waiting.first().event.incidentUid, incident);
        QCOMPARE(waiting.first().attempts, 2);
        QCOMPARE(waiting.first().nextAt, qint64(1700000005000));
        DeliveryQueue sq(st, delivery::queues::Sync);
        const auto refused = sq.find(rejectedId);
        QVERIFY(refused);
        QCOMPARE(refused->state, State::Failed);
        QCOMPARE(refused->lastError, QStringLiteral("HTTP 403"));
        QCOMPARE(sq.find(eventId)->subject, incident);
        // Queuing the same event again (the hook, enable()) finds it there.
        QVERIFY(!*sq.enqueue(item(eventId)));

        // Notify: keyed "<event>:<channel>", the started Slack post still knows it started.
        DeliveryQueue nq(st, delivery::queues::Notify);
        const auto slack = nq.find(eventId + QStringLiteral(":slack:war_room"));
        QVERIFY(slack);
        QCOMPARE(slack->state, State::Pending);
        QCOMPARE(slack->subject, incident);
        QCOMPARE(slack->destination, QStringLiteral("slack:war_room"));
        QCOMPARE(slack->transport, QStringLiteral("slack"));
        QCOMPARE(slack->eventSeq, qint64(7));
        QCOMPARE(slack->attempts, 1);
        QCOMPARE(slack->nextAt, qint64(1700000009000));
        QCOMPARE(slack->startedAt, qint64(1700000001000));
        QCOMPARE(slack->body, QByteArrayLiteral("{\"war_room\":true}"));
        const auto page = nq.find(eventId + QStringLiteral(":page_oncall"));
        QCOMPARE(page->state, State::Delivered);
        QCOMPARE(page->remoteId, QStringLiteral("sns-1"));
        QCOMPARE(nq.counts().pending, qint64(1));
        QCOMPARE(nq.counts().delivered, qint64(1));

        // Remediation: the waiting hook keeps its attempt, method and tries; the sent one stays
        // sent.
        remediation::RemediationStore rs(st);
        QCOMPARE(rs.pendingDispatchCount(), qint64(1));
        QCOMPARE(rs.pendingSqsCount(), qint64(0));
        const auto due = rs.dueDispatch(1700000020000, 10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().correlationId, QStringLiteral("corr-h"));
        QCOMPARE(due.first().attempt, 2);
        QCOMPARE(due.first().dedupId, QStringLiteral("corr-h.2"));
        QCOMPARE(due.first().method, QStringLiteral("PUT"));
        QCOMPARE(due.first().transport, QStringLiteral("hook:restart"));
        QCOMPARE(due.first().destination, QStringLiteral("https://ops.example.com/restart"));
        QCOMPARE(due.first().groupId, incident);
        QCOMPARE(due.first().tries, 3);
        QCOMPARE(due.first().lastError, QStringLiteral("HTTP 502"));
        QCOMPARE(due.first().body, QByteArrayLiteral("{\"attempt\":2}"));
        QVERIFY(rs.dueDispatch(1700000019999, 10).isEmpty());
        const auto sent = rs.dispatchQueue().find(QStringLiteral("corr-s"));
        QCOMPARE(sent->state, State::Delivered);
        QCOMPARE(sent->remoteId, QStringLiteral("sqs-msg-1"));
    }

    void freshDatabase_hasOnlyTheOneQueue()
    {
        store::Store &st = freshStore();
        QVERIFY(tableExists(st, QStringLiteral("deliveries")));
        QVERIFY(!tableExists(st, QStringLiteral("sync_outbox")));
        QVERIFY(!tableExists(st, QStringLiteral("notify_deliveries")));
        QVERIFY(!tableExists(st, QStringLiteral("remediation_dispatch")));
    }
};

QTEST_GUILESS_MAIN(TestDeliveryQueue)
#include "tst_deliveryqueue.moc"
