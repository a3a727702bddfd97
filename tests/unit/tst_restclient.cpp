// SPDX-License-Identifier: MIT
// The REST client and the sync cycle against a hostile back end: an answer that never ends is
// cut off at the size cap, an announced oversize answer is refused before it is read, an
// answer trickled byte by byte ends at the total deadline, a redirect is a failure to retry
// (never a refusal, never followed), Retry-After is clamped, an append answered with garbage
// leaves the event queued, and a change feed that always says "more" cannot hold a cycle.
// The test bounds itself: its heap is limited, so a client that buffers without limit fails
// here instead of exhausting the machine.
#include "unit/asynctestutil.h"
#include "unit/synctestutil.h"

#include "domain/digest.h"
#include "fixtures/appcontext.h"
#include "sync/digestcheck.h"
#include "sync/outbox.h"
#include "sync/restclient.h"
#include "sync/syncservice.h"
#include "sync/wire.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sys/resource.h>

#include <climits>
#include <functional>

using namespace sitrep;

namespace {

/// A back end that answers every request with what `behave` writes on the socket.
class HostileServer : public QObject {
public:
    using Behave = std::function<void(QTcpSocket *, const QByteArray &requestHead)>;
    explicit HostileServer(Behave behave) : m_behave(std::move(behave))
    {
        if (!m_server.listen(QHostAddress(QHostAddress::LocalHost), 0))
            qFatal("cannot listen on 127.0.0.1");
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                // Requests one after the other on a kept-alive connection: head, then a body
                // of Content-Length bytes, which is skipped.
                auto buffer = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    for (qsizetype end; (end = buffer->indexOf("\r\n\r\n")) >= 0;) {
                        const QByteArray head = buffer->left(end + 4);
                        qsizetype length = 0;
                        for (const QByteArray &line : head.split('\n'))
                            if (line.toLower().startsWith("content-length:"))
                                length = line.mid(15).trimmed().toLongLong();
                        if (buffer->size() < end + 4 + length)
                            return;
                        buffer->remove(0, end + 4 + length);
                        ++requests;
                        m_behave(s, head);
                    }
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    int requests = 0;

private:
    Behave m_behave;
    QTcpServer m_server;
};

void answer(QTcpSocket *s, const QByteArray &status, const QByteArray &body,
            const QByteArray &extraHeaders = {})
{
    s->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
             QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body);
}

sync::HttpReply get(sync::RestClient &client, const QString &path)
{
    return testing::awaitCallback<sync::HttpReply>(
        [&](auto done) {
            client.send("GET", path, nullptr, {}, [done](const sync::HttpReply &r) { done(r); });
        },
        30000);
}

} // namespace

class TestRestClient : public QObject {
    Q_OBJECT

    testing::Replicas m_replicas;

    std::unique_ptr<host::AppContext> replica(const QUrl &url) { return m_replicas.open(url); }
    /// Opens an incident of high severity titled `title` on `ctx`, by `actor`.
    static Result<engine::Outcome> openHigh(host::AppContext &ctx, const QString &title,
                                            const QString &actor = QStringLiteral("bob"))
    {
        return ctx.engine().execute(
            engine::Command::open({{QStringLiteral("title"), title},
                                   {QStringLiteral("severity"), QStringLiteral("high")}},
                                  actor));
    }
    /// A replica syncing with `url` that has one incident of its own waiting in the outbox.
    std::unique_ptr<host::AppContext> replicaWithOneIncident(const QUrl &url)
    {
        auto ctx = replica(url);
        if (!openHigh(*ctx, QStringLiteral("t"), QStringLiteral("alice")).ok())
            qFatal("cannot open the test incident");
        return ctx;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // 1.5 GiB of heap at most: an unbounded client fails this test, not the machine.
        const rlimit heap{rlim_t(1536) << 20, rlim_t(1536) << 20};
        QCOMPARE(setrlimit(RLIMIT_DATA, &heap), 0);
    }

    void neverEndingAnswer_isCutOffAtTheCap()
    {
        HostileServer server([](QTcpSocket *s, const QByteArray &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: "
                     "close\r\n\r\n[");
            auto *t = new QTimer(s);
            connect(t, &QTimer::timeout, s, [s] {
                if (s->bytesToWrite() < (1 << 20))
                    s->write(QByteArray(256 * 1024, ' '));
            });
            t->start(1);
        });
        sync::RestClient client(server.url(), QStringLiteral("t"));
        client.setMaxAnswerBytes(4 << 20);
        QElapsedTimer clock;
        clock.start();
        const auto r = get(client, QStringLiteral("/api/changes?since=0"));
        QVERIFY(r.networkError());
        QVERIFY2(r.error.contains(QStringLiteral("larger than 4194304 bytes")),
                 qPrintable(r.error));
        QVERIFY(r.body.isEmpty());
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
    }

    void announcedOversizeAnswer_isRefusedBeforeItIsRead()
    {
        HostileServer server([](QTcpSocket *s, const QByteArray &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     "1000000000000\r\n\r\n{");
        });
        sync::RestClient client(server.url(), QStringLiteral("t"));
        client.setMaxAnswerBytes(1 << 20);
        const auto r = get(client, QStringLiteral("/api/me"));
        QVERIFY(r.networkError());
        QVERIFY2(r.error.contains(QStringLiteral("1000000000000 bytes")), qPrintable(r.error));
    }

    void tricklingAnswer_endsAtTheTotalDeadline()
    {
        // One byte every 200 ms: never idle long enough for the inactivity timeout.
        HostileServer server([](QTcpSocket *s, const QByteArray &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     "100000\r\n\r\n");
            auto *t = new QTimer(s);
            connect(t, &QTimer::timeout, s, [s] { s->write(" "); });
            t->start(200);
        });
        sync::RestClient client(server.url(), QStringLiteral("t"));
        client.setTimeoutMs(1000);
        client.setDeadlineMs(1500);
        QElapsedTimer clock;
        clock.start();
        const auto r = get(client, QStringLiteral("/api/me"));
        const qint64 took = clock.elapsed();
        QVERIFY(r.networkError());
        QVERIFY2(r.error.contains(QStringLiteral("did not finish its answer within 2.5 s")),
                 qPrintable(r.error));
        QVERIFY2(took >= 2000 && took < 10000, qPrintable(QString::number(took)));
    }

    void redirect_isAFailureToRetry_notARefusal()
    {
        HostileServer server([](QTcpSocket *s, const QByteArray &) {
            answer(s, "302 Found", "{}", "Location: https://elsewhere.example.com/api\r\n");
        });
        sync::RestClient client(server.url(), QStringLiteral("t"));
        const auto r = get(client, QStringLiteral("/api/me"));
        QVERIFY(r.networkError());
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains(QStringLiteral("HTTP 302")) &&
                     r.error.contains(QStringLiteral("elsewhere.example.com")),
                 qPrintable(r.error));
        QCOMPARE(server.requests, 1); // not followed

        // In a sync cycle the event stays queued and the cycle reports the failure.
        auto ctx = replicaWithOneIncident(server.url());
        sync::SyncService svc(ctx->engine(), testing::syncOptions(server.url()));
        const auto report = testing::syncOnce(svc);
        QVERIFY(!report.ok);
        QCOMPARE(report.rejected, 0);
        QVERIFY(sync::Outbox(ctx->store()).pendingCount() > 0);
    }

    void retryAfter_isHonouredAndClamped()
    {
        HostileServer server([](QTcpSocket *s, const QByteArray &head) {
            answer(s, "503 Service Unavailable", "{\"error\":\"busy\"}",
                   head.contains("/big") ? "Retry-After: 3000000\r\n" : "Retry-After: 7\r\n");
        });
        sync::RestClient client(server.url(), QStringLiteral("t"));
        QCOMPARE(get(client, QStringLiteral("/small")).retryAfterMs, 7000);
        QCOMPARE(get(client, QStringLiteral("/big")).retryAfterMs, INT_MAX); // no overflow
    }

    void appendAnsweredWithGarbage_leavesTheEventQueued()
    {
        HostileServer server([](QTcpSocket *s, const QByteArray &head) {
            if (head.startsWith("GET /api/health"))
                return answer(s, "200 OK", "{\"status\":\"ok\"}");
            if (head.startsWith("GET"))
                return answer(s, "200 OK", "{\"events\":[],\"cursor\":\"0\",\"more\":false}");
            answer(s, "200 OK", "<html>proxy login</html>");
        });
        auto ctx = replicaWithOneIncident(server.url());
        const qint64 pending = sync::Outbox(ctx->store()).pendingCount();
        QVERIFY(pending > 0);
        sync::SyncService svc(ctx->engine(), testing::syncOptions(server.url()));
        const auto report = testing::syncOnce(svc);
        QVERIFY(!report.ok);
        QVERIFY2(report.error.contains(QStringLiteral("not a JSON object")),
                 qPrintable(report.error));
        QCOMPARE(report.sent, 0);
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), pending);
    }

    void wireEvent_carriesItsOriginAndHashRule_andMergesUnderThem()
    {
        auto here = replica(QUrl(QStringLiteral("http://127.0.0.1:9")));
        auto opened = openHigh(*here, QStringLiteral("origin"));
        QVERIFY(opened);
        const domain::Event &e = opened->events.first();
        const QString replicaId = here->store().meta(QStringLiteral("replica_id"));
        QCOMPARE(e.origin, replicaId);
        const QJsonObject wire = sync::eventToWire(e, QStringLiteral("ignored"));
        QCOMPARE(wire.value(u"origin").toString(), replicaId);
        QCOMPARE(wire.value(u"hashRule").toInt(), 2);
        const auto back = sync::eventFromWire(wire);
        QVERIFY(back);
        QCOMPARE(back->rule, domain::HashRule::WithOrigin);
        QCOMPARE(back->origin, replicaId);

        // Another replica merges it under the writer's origin and rule; its log verifies,
        // and the event's content hash is the writer's.
        auto there = replica(QUrl(QStringLiteral("http://127.0.0.1:9")));
        auto merged = there->engine().mergeRemote(opened->events);
        QVERIFY2(merged, qPrintable(merged.errorMessage()));
        const QList<domain::Event> log = there->store().timeline(opened->incidentUid);
        QCOMPARE(log.size(), opened->events.size());
        for (qsizetype i = 0; i < log.size(); ++i) {
            QCOMPARE(log[i].origin, replicaId);
            QCOMPARE(log[i].rule, domain::HashRule::WithOrigin);
            QCOMPARE(domain::contentHash(log[i]), domain::contentHash(opened->events[i]));
        }
        QVERIFY(there->engine().verify().ok);

        // An older writer's event (no rule) is rule 1; a rule this build does not know, or
        // rule 2 without the writer's own origin, is outside the contract.
        QJsonObject old = wire;
        old.remove(u"hashRule");
        old.remove(u"origin");
        const auto older = sync::eventFromWire(old);
        QVERIFY(older);
        QCOMPARE(older->rule, domain::HashRule::Original);
        for (const QJsonValue &origin : {QJsonValue(), QJsonValue(QStringLiteral("local")),
                                         QJsonValue(QString()), QJsonValue(7)}) {
            QJsonObject bad = wire;
            if (origin.isNull())
                bad.remove(u"origin");
            else
                bad[u"origin"] = origin;
            const auto r = sync::eventFromWire(bad);
            QVERIFY(!r);
            QVERIFY2(r.errorMessage().contains(u"origin"), qPrintable(r.errorMessage()));
        }
        QJsonObject unknown = wire;
        unknown[u"hashRule"] = 3;
        QVERIFY(!sync::eventFromWire(unknown));
    }

    void digests_inBatches_olderBackEndOnePerIncident_badAnswerIsAnError()
    {
        auto ctx = replica(QUrl(QStringLiteral("http://127.0.0.1:9")));
        QStringList uids;
        for (int i = 0; i < 3; ++i) {
            auto r = openHigh(*ctx, QStringLiteral("digest %1").arg(i));
            QVERIFY(r);
            uids << r->incidentUid;
        }
        const QString wrong(64, u'0');
        const auto remoteDigest = [&](const QString &uid) {
            return uid == uids[1] ? wrong : sync::localDigest(ctx->store(), uid);
        };
        enum class Mode { Batch, Older, Garbled } mode = Mode::Batch;
        HostileServer server([&](QTcpSocket *s, const QByteArray &head) {
            if (head.startsWith("POST /api/digests")) {
                if (mode == Mode::Older)
                    return answer(s, "404 Not Found", "{\"error\":\"not_found\"}");
                QJsonArray list;
                for (const QString &uid : std::as_const(uids))
                    if (uid != uids[2]) // the back end holds none of the third's events
                        list.append(QJsonObject{
                            {QStringLiteral("incidentId"), uid},
                            {QStringLiteral("events"), 1},
                            {QStringLiteral("digest"),
                             mode == Mode::Garbled ? QStringLiteral("zz") : remoteDigest(uid)}});
                return answer(s, "200 OK",
                              QJsonDocument(QJsonObject{{QStringLiteral("digests"), list}})
                                  .toJson(QJsonDocument::Compact));
            }
            const QString uid = QString::fromLatin1(head).section(u'/', 3, 3);
            answer(s, "200 OK",
                   QJsonDocument(QJsonObject{{QStringLiteral("incidentId"), uid},
                                             {QStringLiteral("events"), 1},
                                             {QStringLiteral("digest"), remoteDigest(uid)}})
                       .toJson(QJsonDocument::Compact));
        });
        sync::RestClient rest(server.url(), QStringLiteral("token"));
        const auto compare = [&] {
            return testing::awaitCallback<Result<QList<sync::DigestMismatch>>>(
                [&](auto done) { sync::compareDigests(ctx->store(), rest, done); });
        };
        auto diff = compare();
        QVERIFY2(diff, qPrintable(diff.errorMessage()));
        QCOMPARE(server.requests, 1); // all three in one request
        QCOMPARE(diff->size(), 2);
        QStringList differ{diff->at(0).incidentUid, diff->at(1).incidentUid};
        differ.sort();
        QStringList want{uids[1], uids[2]};
        want.sort();
        QCOMPARE(differ, want);

        mode = Mode::Older;
        server.requests = 0;
        diff = compare();
        QVERIFY2(diff, qPrintable(diff.errorMessage()));
        QCOMPARE(server.requests, 1 + 3);
        QCOMPARE(diff->size(), 1);
        QCOMPARE(diff->first().incidentUid, uids[1]);

        mode = Mode::Garbled;
        diff = compare();
        QVERIFY(!diff);
        QVERIFY2(diff.errorMessage().contains(u"contract"), qPrintable(diff.errorMessage()));
    }

    void feedThatAlwaysHasMore_cannotHoldTheCycle()
    {
        // One real event, served again and again with "more": first with a cursor that never
        // moves, then with one that always moves.
        auto origin = replica(QUrl(QStringLiteral("http://127.0.0.1:9")));
        auto opened = openHigh(*origin, QStringLiteral("from elsewhere"));
        QVERIFY(opened);
        const QJsonObject wire = sync::eventToWire(opened->events.first(), QStringLiteral("b"));
        bool moving = false;
        int page = 0;
        HostileServer server([&](QTcpSocket *s, const QByteArray &head) {
            if (head.startsWith("GET /api/health"))
                return answer(s, "200 OK", "{\"status\":\"ok\"}");
            const QString cursor = moving ? QString::number(++page) : QStringLiteral("7");
            answer(s, "200 OK",
                   QJsonDocument(QJsonObject{{QStringLiteral("events"), QJsonArray{wire}},
                                             {QStringLiteral("cursor"), cursor},
                                             {QStringLiteral("more"), true}})
                       .toJson(QJsonDocument::Compact));
        });
        auto ctx = replica(server.url());
        sync::SyncService svc(ctx->engine(), testing::syncOptions(server.url()));
        auto report = testing::syncOnce(svc);
        QVERIFY(!report.ok);
        QVERIFY2(report.error.contains(QStringLiteral("cursor did not move")),
                 qPrintable(report.error));
        QVERIFY2(server.requests < 10, qPrintable(QString::number(server.requests)));

        moving = true;
        const int before = server.requests;
        report = testing::syncOnce(svc);
        QVERIFY2(report.ok, qPrintable(report.error));
        QVERIFY(report.more);
        QCOMPARE(report.pages, 200);
        QVERIFY(server.requests - before <= 205);
        QVERIFY(ctx->store().findIncident(opened->incidentUid)); // the event itself merged
    }

    void changeFeedOutsideTheContract_isAnError_data()
    {
        QTest::addColumn<QByteArray>("page");
        QTest::addColumn<QString>("expected");
        QTest::newRow("html") << QByteArray("<html>proxy login</html>")
                              << QStringLiteral("not a JSON object");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("not a JSON object");
        QTest::newRow("empty object") << QByteArray("{}") << QStringLiteral("'events'");
        QTest::newRow("events not an array")
            << QByteArray("{\"events\":{},\"cursor\":\"1\",\"more\":false}")
            << QStringLiteral("'events' is not an array");
        QTest::newRow("no cursor")
            << QByteArray("{\"events\":[],\"more\":false}") << QStringLiteral("no cursor");
        QTest::newRow("more a string")
            << QByteArray("{\"events\":[],\"cursor\":\"1\",\"more\":\"no\"}")
            << QStringLiteral("'more' is not a boolean");
        QTest::newRow("total negative")
            << QByteArray("{\"events\":[],\"cursor\":\"1\",\"more\":false,\"total\":-4}")
            << QStringLiteral("'total' is not a count");
    }

    void changeFeedOutsideTheContract_isAnError()
    {
        // Before, a garbled page was taken for an empty one and the cycle said "in sync".
        QFETCH(QByteArray, page);
        QFETCH(QString, expected);
        HostileServer server([&](QTcpSocket *s, const QByteArray &head) {
            if (head.startsWith("GET /api/health"))
                return answer(s, "200 OK", "{\"status\":\"ok\"}");
            answer(s, "200 OK", page);
        });
        auto ctx = replica(server.url());
        sync::SyncService svc(ctx->engine(), testing::syncOptions(server.url()));
        const auto report = testing::syncOnce(svc);
        QVERIFY(!report.ok);
        QVERIFY2(report.error.contains(expected), qPrintable(report.error));
        QCOMPARE(ctx->store().meta(QStringLiteral("sync.cursor"), QStringLiteral("0")),
                 QStringLiteral("0"));

        // The initial sync of an empty replica refuses it the same way, keeping nothing.
        auto fresh = replica(server.url());
        sync::SyncService svc2(fresh->engine(), testing::syncOptions(server.url()));
        const auto loaded = testing::awaitCallback<Result<qint64>>(
            [&](auto done) { svc2.initialSync({}, done); }, 30000);
        QVERIFY(!loaded);
        QVERIFY2(loaded.errorMessage().contains(expected), qPrintable(loaded.errorMessage()));
        QCOMPARE(fresh->store().incidentCount(), 0);
    }

    void batchAnswerOutsideTheContract_leavesEventsQueued_data()
    {
        QTest::addColumn<QByteArray>("reply"); // %1: the event id
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown status")
            << QByteArray("{\"accepted\":1,\"duplicates\":0,\"refused\":0,\"results\":[{\"id\":"
                          "\"%1\",\"status\":\"ok\"}]}")
            << QStringLiteral("unknown status 'ok'");
        QTest::newRow("other id")
            << QByteArray("{\"accepted\":1,\"duplicates\":0,\"refused\":0,\"results\":[{\"id\":"
                          "\"x\",\"status\":\"accepted\"}]}")
            << QStringLiteral("names event x");
        QTest::newRow("counts disagree")
            << QByteArray("{\"accepted\":0,\"duplicates\":0,\"refused\":0,\"results\":[{\"id\":"
                          "\"%1\",\"status\":\"accepted\"}]}")
            << QStringLiteral("'accepted' does not match");
        QTest::newRow("no results")
            << QByteArray("{\"accepted\":1}") << QStringLiteral("no results");
        QTest::newRow("bad added event")
            << QByteArray("{\"accepted\":1,\"duplicates\":0,\"refused\":0,\"results\":[{\"id\":"
                          "\"%1\",\"status\":\"accepted\"}],\"events\":[{\"id\":\"nope\"}]}")
            << QStringLiteral("without a valid id");
    }

    void batchAnswerOutsideTheContract_leavesEventsQueued()
    {
        // Before, any status but "refused" counted as delivered.
        QFETCH(QByteArray, reply);
        QFETCH(QString, expected);
        std::unique_ptr<host::AppContext> ctx;
        HostileServer server([&](QTcpSocket *s, const QByteArray &head) {
            if (head.startsWith("GET /api/health"))
                return answer(s, "200 OK", "{\"status\":\"ok\",\"features\":[\"events.batch\"]}");
            if (head.startsWith("POST /api/events")) {
                const QString id = sync::Outbox(ctx->store()).pending(1).value(0).event.id;
                return answer(s, "200 OK", QString::fromUtf8(reply).arg(id).toUtf8());
            }
            answer(s, "200 OK", "{\"events\":[],\"cursor\":\"0\",\"more\":false}");
        });
        ctx = replicaWithOneIncident(server.url());
        const qint64 pending = sync::Outbox(ctx->store()).pendingCount();
        QVERIFY(pending > 0);
        auto o = testing::syncOptions(server.url());
        o.batchSize = 1; // the answer above speaks of the first event only
        sync::SyncService svc(ctx->engine(), o);
        const auto report = testing::syncOnce(svc);
        QVERIFY(!report.ok);
        QVERIFY2(report.error.contains(expected), qPrintable(report.error));
        QCOMPARE(report.sent, 0);
        QCOMPARE(report.rejected, 0);
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), pending);
    }
};

QTEST_GUILESS_MAIN(TestRestClient)
#include "tst_restclient.moc"
