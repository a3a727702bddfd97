// SPDX-License-Identifier: MIT
// The sync outbox: rows commit with their events, provisional numbers, backoff, offline status.
#include "fixtures/appcontext.h"
#include "fixtures/network.h"
#include "host/appcontext.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "sync/wire.h"
#include "unit/synctestutil.h"

#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using engine::Command;

class TestOutbox : public QObject {
    Q_OBJECT

    std::unique_ptr<host::AppContext> open(QTemporaryDir &dir, bool enable)
    {
        return testing::openReplica(dir.filePath(QStringLiteral("a.db")), enable);
    }

    static QJsonObject openArgs(const QString &title)
    {
        return {{QStringLiteral("title"), title},
                {QStringLiteral("severity"), QStringLiteral("high")}};
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void commit_queuesEveryEventInTheSameTransaction()
    {
        QTemporaryDir dir;
        auto ctx = open(dir, true);
        QVERIFY(ctx);
        auto r = ctx->engine().execute(Command::open(openArgs(QStringLiteral("Database down"))));
        QVERIFY2(r, qPrintable(r.errorMessage()));
        QVERIFY(ctx->engine().execute(Command::note(r->incidentUid, QStringLiteral("looking"))));
        sync::Outbox box(ctx->store());
        QCOMPARE(box.pendingCount(), ctx->store().maxSeq());
        const auto rows = box.pending(100);
        QCOMPARE(rows.first().event.kind, domain::kinds::Opened);
        QCOMPARE(rows.last().event.kind, domain::kinds::NoteAdded);
        for (int i = 1; i < rows.size(); ++i)
            QVERIFY(rows[i].event.seq > rows[i - 1].event.seq);
    }

    void pending_carriesEachEventsChainHash_soABatchKeyTellsBodiesApart()
    {
        QTemporaryDir dir;
        auto ctx = open(dir, true);
        QVERIFY(ctx);
        auto r = ctx->engine().execute(Command::open(openArgs(QStringLiteral("Queue stuck"))));
        QVERIFY(r);
        QVERIFY(ctx->engine().execute(Command::note(r->incidentUid, QStringLiteral("draining"))));
        QHash<QString, QString> hashes;
        for (const auto &e : ctx->store().eventsAfter(0, 100))
            hashes.insert(e.id, e.hash);
        const auto rows = sync::Outbox(ctx->store()).pending(100);
        QVERIFY(rows.size() >= 2);
        for (const auto &row : rows) {
            QVERIFY(!row.event.hash.isEmpty());
            QCOMPARE(row.event.hash, hashes.value(row.event.id));
        }
        // The same event ids with another body (another replica's copy of a once-only event)
        // make another key: the back end takes it as the duplicate it is, not as a reused key.
        auto other = rows;
        other[0].event.hash = QString(64, u'0');
        QVERIFY(sync::SyncService::batchKey(other) != sync::SyncService::batchKey(rows));
    }

    void failingHook_rollsBackTheEventsToo()
    {
        QTemporaryDir dir;
        auto ctx = open(dir, true);
        QVERIFY(ctx);
        ctx->engine().addCommitHook([](store::Store &, const QList<domain::Event> &) {
            return Status::fail(QStringLiteral("disk full"));
        });
        auto r = ctx->engine().execute(Command::open(openArgs(QStringLiteral("x"))));
        QVERIFY(!r);
        QCOMPARE(ctx->store().maxSeq(), qint64(0));
        QCOMPARE(ctx->store().incidentCount(), qint64(0));
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), qint64(0));
    }

    void enable_queuesEarlierEventsAndNumbersProvisionally()
    {
        QTemporaryDir dir;
        QString earlier;
        {
            auto ctx = open(dir, false);
            QVERIFY(ctx);
            auto r = ctx->engine().execute(Command::open(openArgs(QStringLiteral("before sync"))));
            QVERIFY(r);
            QCOMPARE(r->number, QStringLiteral("INC0000001"));
            earlier = r->incidentUid;
            QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), qint64(0));
        }
        auto ctx = open(dir, true);
        QVERIFY(ctx);
        const qint64 before = ctx->store().maxSeq();
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), before);
        // The incident opened before sync was on cannot keep INC0000001 (the back end hands
        // that out too): it is provisional now, through an event of its log.
        const auto inc = ctx->store().incidentByUid(earlier);
        const QString prefix = ctx->store().meta(QStringLiteral("number_prefix"));
        QCOMPARE(inc->number, prefix + QStringLiteral("0000001"));
        QCOMPARE(ctx->store().timeline(earlier).last().kind, domain::kinds::ProvisionalNumber);
        QVERIFY(!ctx->store().incidentByNumber(QStringLiteral("INC0000001")));
        const auto v = ctx->store().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        // Enabling again changes nothing.
        QVERIFY(sync::Outbox::enable(ctx->store()));
        QCOMPARE(ctx->store().maxSeq(), before);
        auto r = ctx->engine().execute(Command::open(openArgs(QStringLiteral("after sync"))));
        QVERIFY(r);
        QVERIFY2(r->number.startsWith(u"TMP-"), qPrintable(r->number));
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), ctx->store().maxSeq());
        QCOMPARE(r->events.first().origin, ctx->store().meta(QStringLiteral("replica_id")));
    }

    void endpoints_needHttpsUnlessLoopback()
    {
        QVERIFY(sync::checkEndpoint(QUrl(QStringLiteral("http://127.0.0.1:8080"))));
        QVERIFY(sync::checkEndpoint(QUrl(QStringLiteral("http://localhost:8080/api"))));
        QVERIFY(sync::checkEndpoint(QUrl(QStringLiteral("http://[::1]:9/"))));
        QVERIFY(sync::checkEndpoint(QUrl(QStringLiteral("https://sitrep.example.com"))));
        const auto plain = sync::checkEndpoint(QUrl(QStringLiteral("http://sitrep.example.com")));
        QVERIFY(!plain);
        QVERIFY(plain.errorMessage().contains(u"https"));
        QVERIFY(!sync::checkEndpoint(QUrl(QStringLiteral("ftp://127.0.0.1/"))));
        QVERIFY(!sync::checkEndpoint(QUrl(QStringLiteral("not a url"))));
    }

    void backoff_growsExponentiallyWithJitterAndACap()
    {
        QTemporaryDir dir;
        auto ctx = open(dir, true);
        sync::SyncOptions o;
        o.url = QUrl(QStringLiteral("http://127.0.0.1:9"));
        o.baseBackoffMs = 100;
        o.maxBackoffMs = 5000;
        o.seed = 7;
        sync::SyncService svc(ctx->engine(), o);
        const QString problem =
            testing::backoffProblem([&](int n) { return qint64(svc.backoffMs(n)); }, 100, 5000, 12);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void unreachableBackend_saysOfflineWithTheQueueSize()
    {
        QTemporaryDir dir;
        auto ctx = open(dir, true);
        for (int i = 0; i < 3; ++i)
            QVERIFY(ctx->engine().execute(
                Command::open(openArgs(QStringLiteral("offline %1").arg(i)))));
        const quint16 port = testing::freePort(); // nobody listens there
        QVERIFY(port != 0);
        sync::SyncOptions o;
        o.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        sync::SyncService svc(ctx->engine(), o);
        const auto r = testing::syncOnce(svc);
        QVERIFY(!r.ok);
        QVERIFY(!svc.status()->online());
        const qint64 waiting = sync::Outbox(ctx->store()).pendingCount();
        QVERIFY(waiting >= 3);
        QCOMPARE(svc.status()->pending(), waiting);
        QVERIFY2(svc.status()->text().startsWith(QStringLiteral("offline, %1 change").arg(waiting)),
                 qPrintable(svc.status()->text()));
        // Nothing was lost or marked sent; nothing was even tried, since the connection
        // check (/api/health) that starts a cycle found nobody.
        QCOMPARE(sync::Outbox(ctx->store()).pending(1).first().attempts, 0);
    }

    void plainHttpToARemoteHost_isRefusedBeforeAnyRequest()
    {
        QTemporaryDir dir;
        auto ctx = open(dir, true);
        sync::SyncOptions o;
        o.url = QUrl(QStringLiteral("http://sitrep.example.com"));
        sync::SyncService svc(ctx->engine(), o);
        const auto r = testing::syncOnce(svc);
        QVERIFY(!r.ok);
        QVERIFY(r.error.contains(u"https"));
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
