// SPDX-License-Identifier: MIT
// The webhook listener: the strict HTTP/1.1 parser, and a real server on 127.0.0.1 taking
// good and bad requests over TCP. Bad input gets a clear 4xx and stores nothing.
#include "engine/lifecycleengine.h"
#include "fixtures/ingestserver.h"
#include "host/workflowactions.h"
#include "http/httprequestparser.h"
#include "ingest/ingestpipeline.h"
#include "ingest/ingestserver.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sitrep;
using namespace sitrep::ingest;
using namespace sitrep::http;

namespace {

const QByteArray Token = "s3cret-token";

struct Reply {
    int status = 0;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

/// Sends raw bytes and reads one HTTP response (the server's answers carry Content-Length).
Reply exchange(quint16 port, const QByteArray &raw, int timeoutMs = 5000)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    Reply r;
    if (!s.waitForConnected(timeoutMs))
        return r;
    s.write(raw);
    QByteArray buf;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (!s.waitForReadyRead(100) && s.state() != QAbstractSocket::ConnectedState &&
            s.bytesAvailable() == 0)
            break;
        buf += s.readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            continue;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        r.status = lines.first().split(' ').value(1).toInt();
        if (r.status == 100) { // interim answer to Expect: 100-continue
            buf.remove(0, end + 4);
            continue;
        }
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray l = lines[i].trimmed();
            const qsizetype c = l.indexOf(':');
            r.headers.insert(l.left(c).toLower(), l.mid(c + 1).trimmed());
        }
        const qint64 len = r.headers.value("content-length").toLongLong();
        if (buf.size() - end - 4 >= len) {
            r.body = buf.mid(end + 4, len);
            return r;
        }
    }
    return r;
}

QByteArray post(const QByteArray &path, const QByteArray &body,
                const QList<QPair<QByteArray, QByteArray>> &headers = {}, bool json = true,
                bool bearer = true)
{
    QByteArray raw = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (json)
        raw += "Content-Type: application/json\r\n";
    if (bearer)
        raw += "Authorization: Bearer " + Token + "\r\n";
    for (const auto &[k, v] : headers)
        raw += k + ": " + v + "\r\n";
    raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return raw;
}

const QByteArray AmBody =
    R"({"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighLatency","service":"checkout","instance":"web-1"},"annotations":{"summary":"slow"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]})";

struct Server : sitrep::testing::IngestServerFixture {
    bool start(IngestServerOptions opt = {})
    {
        return IngestServerFixture::start(opt, Token, true);
    }
};

/// Runs the exchange on a helper thread so the server's event loop here keeps serving.
Reply call(Server &srv, const QByteArray &raw, int timeoutMs = 5000)
{
    Reply r;
    bool done = false;
    std::unique_ptr<QThread> t(QThread::create([&]() {
        r = exchange(srv.server->port(), raw, timeoutMs);
        done = true;
    }));
    t->start();
    QElapsedTimer el;
    el.start();
    while (!t->isFinished() && el.elapsed() < timeoutMs + 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    t->wait();
    Q_UNUSED(done);
    return r;
}

} // namespace

class TestIngestHttp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parser_completeRequest_inPieces()
    {
        HttpRequestParser p;
        const QByteArray raw = post("/hooks/alertmanager?x=1", AmBody);
        for (qsizetype i = 0; i < raw.size() - 1; ++i)
            QCOMPARE(p.feed(raw.mid(i, 1)), HttpRequestParser::State::NeedMore);
        QCOMPARE(p.feed(raw.right(1)), HttpRequestParser::State::Complete);
        QCOMPARE(p.request().method, QByteArray("POST"));
        QCOMPARE(p.request().path, QByteArray("/hooks/alertmanager"));
        QCOMPARE(p.request().headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(p.request().body, AmBody);
        QVERIFY(p.request().keepAlive);
    }

    void parser_pipelinedRequests_keepRemainder()
    {
        HttpRequestParser p;
        const QByteArray two = post("/a", "{}") + post("/b", "[]");
        QCOMPARE(p.feed(two), HttpRequestParser::State::Complete);
        QCOMPARE(p.request().path, QByteArray("/a"));
        const QByteArray rest = p.takeRemainder();
        p.reset();
        QCOMPARE(p.feed(rest), HttpRequestParser::State::Complete);
        QCOMPARE(p.request().path, QByteArray("/b"));
        QCOMPARE(p.request().body, QByteArray("[]"));
    }

    void parser_rejects_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mentions");
        // The status the parser answers, what its message mentions, and the request.
        struct Case {
            const char *tag;
            int status;
            const char *mentions, *raw;
        };
        const Case cases[] = {
            {"no length", 411, "Content-Length", "POST / HTTP/1.1\r\nHost: x\r\n\r\n"},
            {"chunked", 501, "Transfer-Encoding",
             "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"},
            {"two lengths", 400, "more than one",
             "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"},
            {"bad length", 400, "Content-Length", "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"},
            {"too large", 413, "limit", "POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"},
            {"bare LF", 400, "CRLF", "POST / HTTP/1.1\nContent-Length: 0\n\r\n\r\n"},
            {"folding", 400, "folding",
             "POST / HTTP/1.1\r\nA: b\r\n c\r\nContent-Length: 0\r\n\r\n"},
            {"version", 505, "HTTP/2.0", "POST / HTTP/2.0\r\nContent-Length: 0\r\n\r\n"},
            {"request line", 400, "request line", "POST /\r\n\r\n"},
            {"target", 400, "absolute path",
             "POST http://x/ HTTP/1.1\r\nContent-Length: 0\r\n\r\n"},
            {"header name", 400, "header name",
             "POST / HTTP/1.1\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n"},
            {"control char", 400, "control",
             "POST / HTTP/1.1\r\nX: a\x01z\r\nContent-Length: 0\r\n\r\n"},
        };
        for (const Case &c : cases)
            QTest::newRow(c.tag) << QByteArray(c.raw) << c.status << QString::fromUtf8(c.mentions);
        QTest::newRow("huge head")
            << (QByteArray("POST / HTTP/1.1\r\nX: ") + QByteArray(20000, 'a')) << 431 << "larger";
    }
    void parser_rejects()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(QString, mentions);
        HttpRequestParser p;
        QCOMPARE(p.feed(raw), HttpRequestParser::State::Error);
        QCOMPARE(p.errorStatus(), status);
        QVERIFY2(p.errorMessage().contains(mentions), qPrintable(p.errorMessage()));
    }

    void parser_tooManyHeaders()
    {
        HttpLimits lim;
        lim.maxHeaders = 5;
        HttpRequestParser p(lim);
        QByteArray raw = "POST / HTTP/1.1\r\n";
        for (int i = 0; i < 10; ++i)
            raw += "X-" + QByteArray::number(i) + ": v\r\n";
        raw += "Content-Length: 0\r\n\r\n";
        QCOMPARE(p.feed(raw), HttpRequestParser::State::Error);
        QCOMPARE(p.errorStatus(), 431);
    }

    void parseListen_forms()
    {
        QCOMPARE(IngestServer::parseListen(QStringLiteral("127.0.0.1:9095"))->second,
                 quint16(9095));
        QCOMPARE(IngestServer::parseListen(QStringLiteral("8080"))->first,
                 QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(IngestServer::parseListen(QStringLiteral("[::1]:80"))->first,
                 QHostAddress(QHostAddress::LocalHostIPv6));
        QVERIFY(!IngestServer::parseListen(QStringLiteral("127.0.0.1:http")).ok());
        QVERIFY(!IngestServer::parseListen(QStringLiteral("nowhere:80")).ok());
    }

    void server_refusesToStartWithoutToken()
    {
        Server srv;
        QVERIFY(srv.store.open(srv.dir.filePath(QStringLiteral("t.db"))).ok());
        srv.engine = std::make_unique<engine::LifecycleEngine>(
            srv.store, *workflow::Workflow::load(QStringLiteral("sre")),
            *workflow::OnCallSchedule::load({}), srv.clock);
        host::registerWorkflowActions(*srv.engine);
        srv.pipeline = std::make_unique<IngestPipeline>(*srv.engine);
        IngestServer s(*srv.pipeline, {});
        QVERIFY(!s.listen().ok());
    }

    void server_bindsLoopbackByDefault()
    {
        Server srv;
        QVERIFY(srv.start());
        QCOMPARE(srv.server->address(), QHostAddress(QHostAddress::LocalHost));
    }

    void server_alertmanagerHook_commitsThenAnswers200()
    {
        Server srv;
        QVERIFY(srv.start());
        const Reply r = call(srv, post("/hooks/alertmanager", AmBody));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"opened").toInt(), 1);
        QCOMPARE(r.json().value(u"incidents").toArray().first().toString(),
                 QStringLiteral("INC0000001"));
        QCOMPARE(srv.store.incidentCount(), 1);
    }

    void server_badInput_clear4xx_nothingStored_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("malformed JSON")
            << post("/hooks/alertmanager", "{\"alerts\": [") << 400 << "malformed JSON";
        QTest::newRow("wrong content type")
            << post("/hooks/alertmanager", AmBody, {{"Content-Type", "text/plain"}}, false) << 415
            << "text/plain";
        QTest::newRow("no content type")
            << post("/hooks/alertmanager", AmBody, {}, false) << 415 << "Content-Type";
        QTest::newRow("oversized body")
            << post("/hooks/alertmanager", QByteArray(1024 * 1024 + 10, ' ')) << 413 << "limit";
        QTest::newRow("missing fields")
            << post("/hooks/alertmanager", "{\"version\":\"4\"}") << 400 << "'alerts'";
        QTest::newRow("generic missing title")
            << post("/ingest", R"({"type":"alert.triggered","payload":{"id":"x"}})") << 400
            << "payload.title";
        QTest::newRow("unknown source") << post("/hooks/nagios", AmBody) << 404 << "nagios";
        QTest::newRow("unknown path") << post("/webhook", AmBody) << 404 << "/webhook";
        QTest::newRow("wrong token")
            << post("/hooks/alertmanager", AmBody, {{"Authorization", "Bearer nope"}}, true, false)
            << 401 << "wrong credentials";
        QTest::newRow("missing token")
            << post("/hooks/alertmanager", AmBody, {}, true, false) << 401 << "missing credentials";
        QTest::newRow("basic auth") << post("/hooks/alertmanager", AmBody,
                                            {{"Authorization", "Basic czNjcmV0"}}, true, false)
                                    << 401 << "credentials";
        QTest::newRow("GET") << QByteArray(
                                    "GET /hooks/alertmanager HTTP/1.1\r\nAuthorization: Bearer " +
                                    Token + "\r\n\r\n")
                             << 405 << "POST";
        QTest::newRow("no length")
            << QByteArray("POST /ingest HTTP/1.1\r\nContent-Type: application/json\r\n\r\n") << 411
            << "Content-Length";
        QTest::newRow("sentry bad signature")
            << post("/hooks/sentry", "{}", {{"Sentry-Hook-Signature", "00ff"}}, true, false) << 401
            << "wrong";
        QTest::newRow("pagerduty wrong key")
            << post("/hooks/pagerduty", R"({"routing_key":"nope","event_action":"trigger"})", {},
                    true, false)
            << 401 << "credentials";
    }
    void server_badInput_clear4xx_nothingStored()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(QString, mentions);
        Server srv;
        QVERIFY(srv.start());
        const Reply r = call(srv, raw);
        QCOMPARE(r.status, status);
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        const QString err = r.json().value(u"error").toString();
        QVERIFY2(err.contains(mentions), qPrintable(err));
        QCOMPARE(srv.stored(), 0);
        QCOMPARE(srv.store.incidentCount(), 0);
        if (status == 401)
            QVERIFY(r.headers.contains("www-authenticate"));
    }

    void server_sentrySignature_accepted()
    {
        Server srv;
        IngestServerOptions opt;
        opt.sentrySecret = "sentry-client-secret";
        QVERIFY(srv.start(opt));
        const QByteArray body =
            R"({"action":"triggered","data":{"event":{"issue_id":"42","title":"TypeError: x","level":"error","url":"https://sentry.io/api/0/projects/acme/web/events/1/"},"triggered_rule":"errors"}})";
        const QByteArray sig =
            QMessageAuthenticationCode::hash(body, opt.sentrySecret, QCryptographicHash::Sha256)
                .toHex();
        const Reply r = call(
            srv, post("/hooks/sentry", body,
                      {{"Sentry-Hook-Resource", "event_alert"}, {"Sentry-Hook-Signature", sig}},
                      true, false));
        QCOMPARE(r.status, 200);
        QCOMPARE(srv.store.incidentCount(), 1);
        // The same signature over a changed body is refused.
        QByteArray tampered = body;
        tampered.replace("42", "43");
        const Reply bad = call(
            srv, post("/hooks/sentry", tampered, {{"Sentry-Hook-Signature", sig}}, true, false));
        QCOMPARE(bad.status, 401);
        QCOMPARE(srv.store.incidentCount(), 1);
    }

    void server_pagerDutyRoutingKey_accepted_answers202()
    {
        Server srv;
        IngestServerOptions opt;
        opt.pagerDutyRoutingKey = "e93facc04764012d7bfb002500d5d1a6";
        QVERIFY(srv.start(opt));
        QFile f(QStringLiteral(SITREP_TESTDATA_DIR "/payloads/pagerduty_events_v2_enqueue.json"));
        if (!f.open(QIODevice::ReadOnly))
            QSKIP("reference payload pagerduty_events_v2_enqueue.json not found");
        const Reply r = call(srv, post("/hooks/pagerduty", f.readAll(), {}, true, false));
        QCOMPARE(r.status, 202);
        QCOMPARE(r.json().value(u"status").toString(), QStringLiteral("success"));
        QCOMPARE(r.json().value(u"dedup_key").toString(), QStringLiteral("srv01/mysql"));
        QCOMPARE(srv.store.incidentCount(), 1);
    }

    void server_databaseCannotCommit_503()
    {
        Server srv;
        QVERIFY(srv.start());
        QVERIFY(srv.store.db().exec(QStringLiteral("PRAGMA query_only = 1")).ok());
        const Reply r = call(srv, post("/hooks/alertmanager", AmBody));
        QCOMPARE(r.status, 503);
        QCOMPARE(r.headers.value("retry-after"), QByteArray("5"));
        QVERIFY(!r.json().value(u"error").toString().isEmpty());
        QVERIFY(srv.store.db().exec(QStringLiteral("PRAGMA query_only = 0")).ok());
        QCOMPARE(srv.stored(), 0);
    }

    void server_keepAlive_twoRequestsOneConnection()
    {
        Server srv;
        QVERIFY(srv.start());
        const QByteArray generic =
            R"({"type":"alert.triggered","payload":{"id":"t1","severity":"P3","title":"Queue backlog"}})";
        Reply first, second;
        std::unique_ptr<QThread> t(QThread::create([&]() {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, srv.server->port());
            if (!s.waitForConnected(3000))
                return;
            auto readOne = [&]() {
                Reply r;
                QByteArray buf;
                QElapsedTimer el;
                el.start();
                while (el.elapsed() < 5000) {
                    s.waitForReadyRead(100);
                    buf += s.readAll();
                    const qsizetype end = buf.indexOf("\r\n\r\n");
                    if (end < 0)
                        continue;
                    r.status = buf.mid(9, 3).toInt();
                    const qsizetype cl = buf.toLower().indexOf("content-length: ");
                    const qint64 len =
                        buf.mid(cl + 16, buf.indexOf("\r\n", cl) - cl - 16).toLongLong();
                    if (buf.size() >= end + 4 + len) {
                        r.body = buf.mid(end + 4, len);
                        break;
                    }
                }
                return r;
            };
            s.write(post("/ingest", generic));
            first = readOne();
            s.write(post("/ingest", generic));
            second = readOne();
        }));
        t->start();
        QElapsedTimer el;
        el.start();
        while (!t->isFinished() && el.elapsed() < 15000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        t->wait();
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        QCOMPARE(QJsonDocument::fromJson(second.body).object().value(u"deduplicated").toInt(), 1);
    }

    void server_slowRequest_times_out_408()
    {
        Server srv;
        IngestServerOptions opt;
        opt.requestTimeoutMs = 300;
        QVERIFY(srv.start(opt));
        const Reply r = call(srv,
                             "POST /ingest HTTP/1.1\r\nContent-Type: "
                             "application/json\r\nContent-Length: 100\r\n\r\n{",
                             3000);
        QCOMPARE(r.status, 408);
        QCOMPARE(srv.stored(), 0);
    }

    void server_health_withoutToken()
    {
        Server srv;
        QVERIFY(srv.start());
        const Reply r = call(srv, "GET /healthz HTTP/1.1\r\n\r\n");
        QCOMPARE(r.status, 200);
    }
};

QTEST_GUILESS_MAIN(TestIngestHttp)
#include "tst_ingesthttp.moc"
