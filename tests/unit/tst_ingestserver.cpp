// SPDX-License-Identifier: MIT
// IngestServer on 127.0.0.1 and a free port, driven by real sockets on the test's own
// event loop: authentication, malformed and oversized requests, accepted Alertmanager and
// generic payloads that are in the store once answered, keep-alive and pipelining,
// several clients at once, the connection limit and the request deadline.
// (tst_ingesthttp covers the request parser and each source's authentication.)
#include "engine/clock.h"
#include "engine/lifecycleengine.h"
#include "fixtures/httpmessage.h"
#include "fixtures/ingestserver.h"
#include "ingest/ingestpipeline.h"
#include "ingest/ingestserver.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

using namespace sitrep;
using namespace sitrep::ingest;

namespace {

const QByteArray Token = "ingest-test-token";
constexpr int Wait = 10000; // generous: the machine may be busy

struct Answer {
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString error() const { return json().value(u"error").toString(); }
};

/// A client on the test's event loop: writes whatever it is told and collects every
/// complete answer (Content-Length framed), interim 100 Continue answers apart.
class Client {
public:
    explicit Client(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::connected, &socket, [this] { wasConnected = true; });
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { read(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] {
            if (socket.bytesAvailable() > 0)
                read();
            closed = true;
        });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    ~Client()
    {
        // The socket outlives the members its handlers use: no signal may reach them.
        QObject::disconnect(&socket, nullptr, &socket, nullptr);
        socket.abort();
    }
    /// Connected once (the server may have answered and closed since).
    bool connected() const { return wasConnected; }
    void send(const QByteArray &raw)
    {
        socket.write(raw);
        socket.flush();
    }

    QTcpSocket socket;
    QByteArray buffer;
    QList<Answer> answers;
    int interim = 0;
    bool wasConnected = false;
    bool closed = false;

private:
    void read()
    {
        buffer += socket.readAll();
        while (const auto m = testing::takeHttpMessage(buffer)) {
            Answer a;
            a.status = m->status();
            a.headers = m->headersByLowerName<QHash<QByteArray, QByteArray>>();
            a.body = m->body;
            if (a.status == 100)
                ++interim;
            else
                answers << a;
        }
    }
};

QByteArray request(const QByteArray &path, const QByteArray &body,
                   const QByteArray &extraHeaders = {}, const QByteArray &auth = "Bearer " + Token)
{
    QByteArray raw =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    if (!auth.isEmpty())
        raw += "Authorization: " + auth + "\r\n";
    raw += extraHeaders;
    raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return raw;
}

QByteArray alertmanager(const QByteArray &alertname, const QByteArray &status = "firing",
                        const QByteArray &severity = "critical")
{
    const QString name = QString::fromLatin1(alertname), st = QString::fromLatin1(status);
    const QJsonObject alert{
        {QStringLiteral("status"), st},
        {QStringLiteral("labels"),
         QJsonObject{{QStringLiteral("alertname"), name},
                     {QStringLiteral("service"), QStringLiteral("checkout")},
                     {QStringLiteral("instance"), QStringLiteral("web-1:9100")},
                     {QStringLiteral("severity"), QString::fromLatin1(severity)}}},
        {QStringLiteral("annotations"),
         QJsonObject{{QStringLiteral("summary"), QStringLiteral("Checkout error rate above 5%")},
                     {QStringLiteral("description"), QStringLiteral("5xx ratio 7.2% for 5m")}}},
        {QStringLiteral("startsAt"), QStringLiteral("2026-01-01T00:00:00Z")},
        {QStringLiteral("endsAt"), QStringLiteral("0001-01-01T00:00:00Z")},
        {QStringLiteral("generatorURL"), QStringLiteral("http://prometheus.local/graph")}};
    const QJsonObject body{
        {QStringLiteral("version"), QStringLiteral("4")},
        {QStringLiteral("status"), st},
        {QStringLiteral("receiver"), QStringLiteral("sitrep")},
        {QStringLiteral("groupKey"), QStringLiteral("{}:{alertname=\"%1\"}").arg(name)},
        {QStringLiteral("alerts"), QJsonArray{alert}},
        {QStringLiteral("externalURL"), QStringLiteral("http://alertmanager.local")}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray generic(const QByteArray &type, const QByteArray &payload)
{
    return R"({"type":")" + type + R"(","payload":)" + payload + "}";
}

struct Fixture : sitrep::testing::IngestServerFixture {
    bool start(IngestServerOptions options = {})
    {
        options.address = QHostAddress(QHostAddress::LocalHost);
        options.port = 0; // a free port
        return IngestServerFixture::start(options, Token, false);
    }
    /// Starts with a request deadline of `ms` (headers and body together).
    bool startWithRequestTimeout(int ms)
    {
        IngestServerOptions o;
        o.requestTimeoutMs = ms;
        return start(o);
    }
    /// Starts with room for a body of 4 MiB, committed `alertsPerSlice` alerts at a time.
    bool startSliced(int alertsPerSlice)
    {
        IngestServerOptions o;
        o.limits.maxBodyBytes = 4 * 1024 * 1024;
        o.alertsPerSlice = alertsPerSlice;
        return start(o);
    }
    std::unique_ptr<Client> client()
    {
        auto c = std::make_unique<Client>(server->port());
        QElapsedTimer t;
        t.start();
        while (!c->connected() && t.elapsed() < Wait)
            QTest::qWait(5);
        return c;
    }
};

} // namespace

class TestIngestServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void listen_loopbackFreePort_andClose();
    void auth_refused401_nothingStored_data();
    void auth_refused401_nothingStored();
    void auth_checkedBeforeContent();
    void auth_bearerSchemeIsCaseInsensitive();
    void malformed_400_nothingStored_data();
    void malformed_400_nothingStored();
    void oversize_413_answeredBeforeTheBody();
    void oversize_limitIsExact();
    void oversize_headers_431();
    void alertmanager_accepted_incidentInStoreWhenAnswered();
    void alertmanager_resolvedAlert_resolvesItsAlert();
    void generic_triggerThenAck_byTheSource_engineerNoted();
    void generic_refusedTransition_409();
    void generic_approval_refused403_nothingStored();
    void datadog_noAlert_400_nothingStored_data();
    void datadog_noAlert_400_nothingStored();
    void keepAlive_severalRequestsOneConnection();
    void keepAlive_pipelinedRequestsAnsweredInOrder();
    void keepAlive_errorAnswerKeepsTheConnection();
    void connectionClose_andHttp10_closeAfterAnswer();
    void expectContinue_interimThenAnswer();
    void concurrentClients_allAnsweredAllStored();
    void maxConnections_idleConnectionMakesRoom();
    void maxConnections_slowSendersCannotStarveAlerts();
    void headerDeadline_trickledHeaders_408();
    void bodyDeadline_incompleteBody_408();
    void idleConnection_closedWithoutAnswer();
    void headerDeadline_shorterThanTheRequestDeadline();
    void bigBody_otherRequestsAnsweredMeanwhile();
    void bigBody_pipelinedRequestWaitsItsTurn();
    void answerGate_holdsTheAnswerUntilConfirmed();
};

void TestIngestServer::listen_loopbackFreePort_andClose()
{
    Fixture fx;
    QVERIFY(fx.start());
    QVERIFY(fx.server->isListening());
    QVERIFY(fx.server->port() != 0);
    QCOMPARE(fx.server->address(), QHostAddress(QHostAddress::LocalHost));
    // Two servers on port 0 get two different free ports.
    Fixture other;
    QVERIFY(other.start());
    QVERIFY(other.server->port() != fx.server->port());

    auto c = fx.client();
    QVERIFY(c->connected());
    fx.server->close();
    QVERIFY(!fx.server->isListening());
    QCOMPARE(fx.server->port(), quint16(0));
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait); // open connections are dropped
    QTcpSocket late;
    late.connectToHost(QHostAddress::LocalHost, other.server->port());
    QVERIFY(late.waitForConnected(Wait)); // the other one still serves

    // No token, no listener.
    Fixture none;
    QVERIFY(none.store.open(none.dir.filePath(QStringLiteral("x.db"))));
    none.engine = std::make_unique<engine::LifecycleEngine>(
        none.store, *workflow::Workflow::load(QStringLiteral("sre")),
        *workflow::OnCallSchedule::load({}), none.clock);
    none.pipeline = std::make_unique<IngestPipeline>(*none.engine);
    IngestServerOptions blank;
    blank.token = "   ";
    IngestServer s(*none.pipeline, blank);
    const Status st = s.listen();
    QVERIFY(!st);
    QCOMPARE(st.errorMessage(),
             QStringLiteral("no ingest token configured: every request must be authenticated"));
    QVERIFY(!s.isListening());
}

void TestIngestServer::auth_refused401_nothingStored_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("no header") << QByteArray() << QByteArray("/hooks/alertmanager")
                               << "missing credentials: send Authorization: Bearer <token>";
    QTest::newRow("wrong token") << QByteArray("Bearer not-the-token")
                                 << QByteArray("/hooks/alertmanager") << "wrong credentials";
    QTest::newRow("token prefix") << QByteArray("Bearer " + Token.left(Token.size() - 1))
                                  << QByteArray("/hooks/alertmanager") << "wrong credentials";
    QTest::newRow("token and more")
        << QByteArray("Bearer " + Token + "x") << QByteArray("/ingest") << "wrong credentials";
    QTest::newRow("scheme only") << QByteArray("Bearer") << QByteArray("/ingest")
                                 << "wrong credentials";
    QTest::newRow("basic") << QByteArray("Basic " + Token.toBase64()) << QByteArray("/ingest")
                           << "wrong credentials";
    QTest::newRow("bare token") << Token << QByteArray("/ingest") << "wrong credentials";
}

void TestIngestServer::auth_refused401_nothingStored()
{
    QFETCH(QByteArray, auth);
    QFETCH(QByteArray, path);
    QFETCH(QString, message);
    Fixture fx;
    QVERIFY(fx.start());
    QSignalSpy handled(fx.server.get(), &IngestServer::requestHandled);
    auto c = fx.client();
    const QByteArray body =
        path == "/ingest" ? generic("alert.triggered", R"({"id":"a1","title":"x","severity":"P2"})")
                          : alertmanager("HighErrorRate");
    c->send(request(path, body, {}, auth));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    const Answer &a = c->answers.first();
    QCOMPARE(a.status, 401);
    QCOMPARE(a.error(), message);
    QCOMPARE(a.json().value(u"code").toString(), QStringLiteral("unauthorized"));
    QCOMPARE(a.headers.value("www-authenticate"), QByteArray("Bearer realm=\"sitrep\""));
    QCOMPARE(a.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(fx.stored(), 0);
    QCOMPARE(fx.store.incidentCount(), 0);
    QCOMPARE(handled.count(), 1);
    QCOMPARE(handled[0][0].toInt(), 401);
    QCOMPARE(handled[0][1].toString(), QString::fromLatin1(path));
    QCOMPARE(handled[0][2].toString(), message);
}

void TestIngestServer::auth_checkedBeforeContent()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    // Malformed JSON and a wrong content type: an unauthenticated caller learns nothing of them.
    c->send(request("/hooks/alertmanager", "{\"alerts\": [", {}, {}));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 401);
    c->send("POST /ingest HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi");
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 401);
    QCOMPARE(fx.stored(), 0);
}

void TestIngestServer::auth_bearerSchemeIsCaseInsensitive()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", alertmanager("HighErrorRate"), {},
                    "bearer   " + Token + "  "));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::malformed_400_nothingStored_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("closes");
    // Bodies the normalizers refuse: 400 "invalid", and the connection stays usable.
    const auto invalid = [](const char *tag, const QByteArray &raw, const char *message) {
        QTest::newRow(tag) << raw << 400 << QString::fromUtf8(message) << QStringLiteral("invalid")
                           << false;
    };
    // Requests the HTTP parser refuses: answered, then the connection is closed.
    const auto refusedByParser = [](const char *tag, const QByteArray &raw, int status,
                                    const char *message) {
        QTest::newRow(tag) << raw << status << QString::fromUtf8(message) << QStringLiteral("http")
                           << true;
    };
    invalid("truncated JSON", request("/hooks/alertmanager", "{\"version\":\"4\",\"alerts\":["),
            "malformed JSON at offset");
    invalid("empty body", request("/hooks/alertmanager", ""), "empty body: expected a JSON object");
    invalid("array at top", request("/ingest", "[1,2]"), "expected a JSON object at the top level");
    invalid("no alerts", request("/hooks/alertmanager", R"({"version":"4","status":"firing"})"),
            "missing field 'alerts'");
    invalid("alertmanager version",
            request("/hooks/alertmanager", R"({"version":"3","alerts":[]})"),
            "unsupported Alertmanager webhook version '3' (expected 4)");
    invalid("alert without labels",
            request("/hooks/alertmanager",
                    R"({"version":"4","status":"firing","alerts":[{"status":"firing"}]})"),
            "alerts[0].labels is missing or not an object");
    invalid("generic without title",
            request("/ingest", generic("alert.triggered", R"({"id":"x","severity":"P2"})")),
            "missing field 'payload.title'");
    invalid("generic unknown type",
            request("/ingest", generic("alert.exploded", R"({"id":"x","title":"t"})")),
            "unknown event type 'alert.exploded' (alert.triggered, engineer.ack, "
            "mitigation.approved, alert.resolved, postmortem.created)");
    invalid("generic ack without id",
            request("/ingest", generic("engineer.ack", R"({"engineer":"grace.kim"})")),
            "missing field 'payload.id'");
    // An empty object or junk names no alert for any source: 400, nothing created.
    invalid("alertmanager {}", request("/hooks/alertmanager", "{}"), "missing field 'alerts'");
    invalid("grafana {}", request("/hooks/grafana", "{}"), "missing field 'alerts'");
    invalid("pagerduty {}", request("/hooks/pagerduty", "{}"), "missing field 'event_action'");
    invalid("sentry {}", request("/hooks/sentry", "{}"), "missing field 'data'");
    invalid("generic {}", request("/ingest", "{}"), "missing field 'type'");
    invalid("sentry junk", request("/hooks/sentry", "not json"), "malformed JSON");
    refusedByParser("request line", QByteArray("HELLO\r\n\r\n"), 400, "request line");
    refusedByParser(
        "header without colon",
        QByteArray("POST /ingest HTTP/1.1\r\nAuthorization Bearer x\r\nContent-Length: 0\r\n\r\n"),
        400, "header");
    refusedByParser("bare LF", QByteArray("POST /ingest HTTP/1.1\nContent-Length: 0\n\r\n\r\n"),
                    400, "CRLF");
    refusedByParser(
        "two lengths",
        QByteArray("POST /ingest HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
        400, "more than one");
    refusedByParser(
        "chunked",
        QByteArray("POST /ingest HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 501,
        "Transfer-Encoding");
}

void TestIngestServer::malformed_400_nothingStored()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(QString, message);
    QFETCH(QString, code);
    QFETCH(bool, closes);
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(raw);
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    const Answer &a = c->answers.first();
    QCOMPARE(a.status, status);
    QVERIFY2(a.error().contains(message), qPrintable(a.error()));
    QCOMPARE(a.json().value(u"code").toString(), code);
    QCOMPARE(fx.stored(), 0);
    QCOMPARE(fx.store.incidentCount(), 0);
    if (closes) {
        QCOMPARE(a.headers.value("connection"), QByteArray("close"));
        QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
        return;
    }
    QCOMPARE(a.headers.value("connection"), QByteArray("keep-alive"));
    c->send(request("/hooks/alertmanager", alertmanager("AfterTheBadOne")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 200);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::oversize_413_answeredBeforeTheBody()
{
    Fixture fx;
    QVERIFY(fx.start()); // default limit: 1 MiB
    auto c = fx.client();
    // Only the head is sent: the declared length alone is refused, no megabytes are read first.
    c->send("POST /hooks/alertmanager HTTP/1.1\r\nAuthorization: Bearer " + Token +
            "\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 413);
    QVERIFY2(c->answers[0].error().contains(QStringLiteral("limit")),
             qPrintable(c->answers[0].error()));
    QCOMPARE(c->answers[0].headers.value("connection"), QByteArray("close"));
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
    QCOMPARE(fx.stored(), 0);
}

void TestIngestServer::oversize_limitIsExact()
{
    Fixture fx;
    IngestServerOptions o;
    o.limits.maxBodyBytes = 4096;
    QVERIFY(fx.start(o));
    QByteArray fits = alertmanager("AtTheLimit");
    fits += QByteArray(4096 - fits.size(), ' '); // JSON allows trailing white space
    QCOMPARE(fits.size(), 4096);
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", fits));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(fx.store.incidentCount(), 1);
    const qint64 before = fx.stored();

    auto d = fx.client();
    d->send(request("/hooks/alertmanager", alertmanager("OverTheLimit") + QByteArray(4097, ' ')));
    QTRY_COMPARE_WITH_TIMEOUT(d->answers.size(), 1, Wait);
    QCOMPARE(d->answers[0].status, 413);
    QTRY_VERIFY_WITH_TIMEOUT(d->closed, Wait);
    QCOMPARE(fx.stored(), before);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::oversize_headers_431()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    // Never finished: the head alone passes the limit (16 KiB).
    c->send("POST /ingest HTTP/1.1\r\nX-Padding: " + QByteArray(20000, 'a'));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 431);
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
    QCOMPARE(fx.stored(), 0);
}

void TestIngestServer::alertmanager_accepted_incidentInStoreWhenAnswered()
{
    Fixture fx;
    QVERIFY(fx.start());
    // The store is read the moment the answer is out: 2xx only after the commit. A second
    // connection sees committed rows only: the incident with its count and its alert link.
    std::optional<domain::Incident> seen;
    QStringList linksSeen;
    qint64 countSeen = -1;
    store::Store reader;
    QVERIFY(reader.openReadOnly(fx.dir.filePath(QStringLiteral("ingest.db"))));
    connect(fx.server.get(), &IngestServer::requestHandled, this, [&](int status) {
        if (status != 200)
            return;
        seen = fx.store.findIncident(QStringLiteral("INC0000001"));
        if (const auto committed = reader.findIncident(QStringLiteral("INC0000001"))) {
            countSeen = committed->alertCount;
            linksSeen = reader.alerts(committed->rowid);
        }
    });
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", alertmanager("HighErrorRate")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    const Answer &a = c->answers.first();
    QCOMPARE(a.status, 200);
    QCOMPARE(a.headers.value("content-type"), QByteArray("application/json"));
    const QJsonObject j = a.json();
    QCOMPARE(j.value(u"status").toString(), QStringLiteral("ok"));
    QCOMPARE(j.value(u"received").toInt(), 1);
    QCOMPARE(j.value(u"opened").toInt(), 1);
    QCOMPARE(j.value(u"incidents").toArray(), QJsonArray{QStringLiteral("INC0000001")});
    QVERIFY(seen.has_value());
    QCOMPARE(countSeen, qint64(1));
    QCOMPARE(linksSeen.size(), 1);

    const auto inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QVERIFY(inc);
    // The service is named in the summary already, so the title is not prefixed with it.
    QCOMPARE(inc->title, QStringLiteral("Checkout error rate above 5%"));
    QCOMPARE(inc->severity, domain::Severity::Critical); // severity label "critical"
    QCOMPARE(inc->priority, domain::Priority::P1);
    QCOMPARE(inc->state, QStringLiteral("triggered"));
    QCOMPARE(inc->services, QStringList{QStringLiteral("checkout")});
    QCOMPARE(inc->cis, QStringList{QStringLiteral("web-1:9100")});
    QCOMPARE(inc->alertCount, qint64(1));
    QCOMPARE(fx.store.alerts(inc->rowid), linksSeen);
    QVERIFY(inc->description.startsWith(QStringLiteral("5xx ratio 7.2% for 5m")));
    const auto tl = fx.store.timeline(inc->uid);
    QCOMPARE(tl.first().kind, domain::kinds::Opened);
    QCOMPARE(tl.first().actor, QStringLiteral("alertmanager"));

    // The same alert again is deduplicated, not a second incident.
    c->send(request("/hooks/alertmanager", alertmanager("HighErrorRate")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 200);
    QCOMPARE(c->answers[1].json().value(u"deduplicated").toInt(), 1);
    QCOMPARE(c->answers[1].json().value(u"opened").toInt(), 0);
    QCOMPARE(fx.store.incidentCount(), 1);
    QVERIFY(fx.store.verify().ok);
}

void TestIngestServer::alertmanager_resolvedAlert_resolvesItsAlert()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", alertmanager("DiskFull", "firing", "warning")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    const auto inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QVERIFY(inc);
    QCOMPARE(inc->severity, domain::Severity::Medium); // "warning"
    fx.clock.advance(60 * 1000);
    c->send(request("/hooks/alertmanager", alertmanager("DiskFull", "resolved", "warning")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 200);
    QCOMPARE(c->answers[1].json().value(u"resolved").toInt(), 1);
    QCOMPARE(c->answers[1].json().value(u"opened").toInt(), 0);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::generic_triggerThenAck_byTheSource_engineerNoted()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request(
        "/ingest",
        generic(
            "alert.triggered",
            R"({"id":"orders-7","title":"Orders queue backlog","severity":"P2","service":"orders"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(c->answers[0].json().value(u"opened").toInt(), 1);
    auto inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QVERIFY(inc);
    QCOMPARE(inc->severity, domain::Severity::High); // P2 -> high
    QCOMPARE(inc->priority, domain::Priority::P2);
    QVERIFY2(inc->title.contains(QStringLiteral("Orders queue backlog")), qPrintable(inc->title));

    fx.clock.advance(4 * 60 * 1000);
    c->send(
        request("/ingest", generic("engineer.ack", R"({"id":"orders-7","engineer":"grace.kim"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 200);
    QCOMPARE(c->answers[1].json().value(u"incidents").toArray(),
             QJsonArray{QStringLiteral("INC0000001")});
    inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QCOMPARE(inc->state, QStringLiteral("acknowledged"));
    QCOMPARE(inc->acknowledgedAt, 1767225600000 + 4 * 60 * 1000);
    // The ingest token speaks for the alert source, not for a person: the acknowledgement is
    // recorded under the source, and the engineer it names is only noted.
    bool noted = false;
    for (const auto &e : fx.store.timeline(inc->uid)) {
        if (e.ts < inc->acknowledgedAt)
            continue; // the alert that opened it
        QCOMPARE(e.actor, QStringLiteral("ingest"));
        if (e.kind == domain::kinds::NoteAdded &&
            e.payload.value(u"text").toString().contains(QStringLiteral("by grace.kim")))
            noted = true;
    }
    QVERIFY(noted);

    // Acknowledged twice: a no-op, still 2xx.
    c->send(
        request("/ingest", generic("engineer.ack", R"({"id":"orders-7","engineer":"grace.kim"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 3, Wait);
    QCOMPARE(c->answers[2].status, 200);
    QCOMPARE(c->answers[2].json().value(u"deduplicated").toInt(), 1);

    // An event for an alert nobody sent: 404.
    c->send(request("/ingest", generic("engineer.ack", R"({"id":"nope","engineer":"grace.kim"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 4, Wait);
    QCOMPARE(c->answers[3].status, 404);
    QCOMPARE(c->answers[3].json().value(u"code").toString(), QStringLiteral("not_found"));
}

void TestIngestServer::generic_refusedTransition_409()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request("/ingest", generic("alert.triggered",
                                       R"({"id":"db-1","title":"Primary down","severity":"P1"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    const qint64 before = fx.stored();
    // The postmortem state is not reachable from triggered: the workflow's own message, 409.
    c->send(request("/ingest", generic("postmortem.created", R"({"id":"db-1"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 409);
    QCOMPARE(c->answers[1].error(),
             QStringLiteral(
                 "cannot move INC0000001 from 'triggered' to 'postmortem'; allowed: acknowledged, "
                 "investigating, resolved"));
    QCOMPARE(fx.stored(), before);
}

void TestIngestServer::generic_approval_refused403_nothingStored()
{
    // Alert sources report alerts; approvals come only from people. With the workflow's
    // actions registered, an approval would also request remediation.
    Fixture fx;
    IngestServerOptions options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    QVERIFY(fx.IngestServerFixture::start(options, Token, true));
    auto c = fx.client();
    c->send(request("/ingest", generic("alert.triggered",
                                       R"({"id":"db-1","title":"Primary down","severity":"P1"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    auto inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QVERIFY(inc);
    QCOMPARE(inc->priority, domain::Priority::P1);
    // A person moves it to where only the P1 approval stands between it and mitigating.
    for (const char *to : {"acknowledged", "investigating"}) {
        auto r = fx.engine->execute(
            engine::Command::transition(inc->uid, QString::fromLatin1(to), QStringLiteral("ana")));
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
    }
    inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QCOMPARE(inc->state, QStringLiteral("investigating"));
    const qint64 before = fx.stored();
    const auto timeline = fx.store.timeline(inc->uid);

    c->send(request(
        "/ingest", generic("mitigation.approved", R"({"id":"db-1","approver":"vp.engineering"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    const Answer &a = c->answers[1];
    QCOMPARE(a.status, 403);
    QCOMPARE(a.json().value(u"code").toString(), QStringLiteral("forbidden"));
    QVERIFY2(a.error().contains(u"mitigation.approved"), qPrintable(a.error()));
    QCOMPARE(fx.stored(), before);
    inc = fx.store.findIncident(QStringLiteral("INC0000001"));
    QCOMPARE(inc->state, QStringLiteral("investigating"));
    QCOMPARE(fx.store.timeline(inc->uid).size(), timeline.size());

    // Refused for any incident reference, known or not, before anything is looked up.
    c->send(request("/ingest", generic("mitigation.approved",
                                       R"({"id":"INC0000001","approver":"vp.engineering"})")));
    c->send(request(
        "/ingest", generic("mitigation.approved", R"({"id":"nope","approver":"vp.engineering"})")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 4, Wait);
    QCOMPARE(c->answers[2].status, 403);
    QCOMPARE(c->answers[3].status, 403);
    QCOMPARE(fx.stored(), before);
}

void TestIngestServer::datadog_noAlert_400_nothingStored_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty object") << QByteArray("{}") << "names no alert";
    QTest::newRow("not JSON") << QByteArray("hello, datadog") << "malformed JSON";
    QTest::newRow("junk fields") << QByteArray(R"({"foo":"bar","n":1})") << "names no alert";
    QTest::newRow("unfilled template")
        << QByteArray(R"({"body":"$EVENT_MSG","title":"$EVENT_TITLE","id":"$ID",)"
                      R"("org":{"id":"$ORG_ID","name":"$ORG_NAME"}})")
        << "names no alert";
    QTest::newRow("only an event id") << QByteArray(R"({"id":"7"})") << "names no alert";
}

void TestIngestServer::datadog_noAlert_400_nothingStored()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request("/hooks/datadog", body));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    const Answer &a = c->answers.first();
    QCOMPARE(a.status, 400);
    QVERIFY2(a.error().contains(message), qPrintable(a.error()));
    QCOMPARE(a.json().value(u"code").toString(), QStringLiteral("invalid"));
    QCOMPARE(fx.stored(), 0);
    QCOMPARE(fx.store.incidentCount(), 0);
}

void TestIngestServer::keepAlive_severalRequestsOneConnection()
{
    Fixture fx;
    QVERIFY(fx.start());
    QSignalSpy handled(fx.server.get(), &IngestServer::requestHandled);
    auto c = fx.client();
    const int n = 6;
    for (int i = 0; i < n; ++i) {
        c->send(request("/hooks/alertmanager", alertmanager("Alert" + QByteArray::number(i))));
        QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), i + 1, Wait);
        QCOMPARE(c->answers[i].status, 200);
        QCOMPARE(c->answers[i].headers.value("connection"), QByteArray("keep-alive"));
        QCOMPARE(c->answers[i].json().value(u"incidents").toArray(),
                 QJsonArray{QStringLiteral("INC%1").arg(i + 1, 7, 10, QLatin1Char('0'))});
    }
    QVERIFY(!c->closed);
    QCOMPARE(handled.count(), n);
    QCOMPARE(fx.store.incidentCount(), n);
    // A health check on the same connection, without a token.
    c->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), n + 1, Wait);
    QCOMPARE(c->answers[n].status, 200);
    QCOMPARE(c->answers[n].json().value(u"status").toString(), QStringLiteral("ok"));
}

void TestIngestServer::keepAlive_pipelinedRequestsAnsweredInOrder()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    QByteArray all;
    all += request("/hooks/alertmanager", alertmanager("First"));
    all += request("/hooks/alertmanager", "{oops");
    all += request("/ingest",
                   generic("alert.triggered", R"({"id":"third","title":"Third","severity":"P4"})"));
    all += "GET /healthz HTTP/1.1\r\n\r\n";
    c->send(all); // one write: the server finds four requests in its buffer
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 4, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(c->answers[0].json().value(u"incidents").toArray(),
             QJsonArray{QStringLiteral("INC0000001")});
    QCOMPARE(c->answers[1].status, 400);
    QCOMPARE(c->answers[2].status, 200);
    QCOMPARE(c->answers[2].json().value(u"incidents").toArray(),
             QJsonArray{QStringLiteral("INC0000002")});
    QCOMPARE(c->answers[3].status, 200);
    QCOMPARE(fx.store.incidentCount(), 2);
    QVERIFY(!c->closed);
}

void TestIngestServer::keepAlive_errorAnswerKeepsTheConnection()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", alertmanager("A"), {}, "Bearer wrong"));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 401);
    c->send(request("/hooks/nagios", alertmanager("A")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, Wait);
    QCOMPARE(c->answers[1].status, 404);
    c->send("GET /hooks/alertmanager HTTP/1.1\r\nAuthorization: Bearer " + Token + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 3, Wait);
    QCOMPARE(c->answers[2].status, 405);
    QCOMPARE(c->answers[2].headers.value("allow"), QByteArray("POST"));
    c->send(request("/hooks/alertmanager", alertmanager("A")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 4, Wait);
    QCOMPARE(c->answers[3].status, 200);
    QVERIFY(!c->closed);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::connectionClose_andHttp10_closeAfterAnswer()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", alertmanager("Closing"), "Connection: close\r\n"));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(c->answers[0].headers.value("connection"), QByteArray("close"));
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
    QCOMPARE(fx.store.incidentCount(), 1); // committed before the answer, kept after the close

    auto d = fx.client();
    QByteArray raw = request("/hooks/alertmanager", alertmanager("OldClient"));
    raw.replace("HTTP/1.1", "HTTP/1.0");
    d->send(raw);
    QTRY_COMPARE_WITH_TIMEOUT(d->answers.size(), 1, Wait);
    QCOMPARE(d->answers[0].status, 200);
    QCOMPARE(d->answers[0].headers.value("connection"), QByteArray("close"));
    QTRY_VERIFY_WITH_TIMEOUT(d->closed, Wait);
    QCOMPARE(fx.store.incidentCount(), 2);
}

void TestIngestServer::expectContinue_interimThenAnswer()
{
    Fixture fx;
    QVERIFY(fx.start());
    auto c = fx.client();
    const QByteArray body = alertmanager("Continue");
    const QByteArray raw = request("/hooks/alertmanager", body, "Expect: 100-continue\r\n");
    c->send(raw.left(raw.size() - body.size())); // the head only
    QTRY_COMPARE_WITH_TIMEOUT(c->interim, 1, Wait);
    QCOMPARE(c->answers.size(), 0);
    c->send(body);
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(c->interim, 1);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::concurrentClients_allAnsweredAllStored()
{
    Fixture fx;
    QVERIFY(fx.start());
    const int n = 12;
    std::vector<std::unique_ptr<Client>> clients;
    QList<QByteArray> raws;
    for (int i = 0; i < n; ++i) {
        clients.push_back(fx.client());
        QVERIFY(clients.back()->connected());
        raws << request("/hooks/alertmanager", alertmanager("Concurrent" + QByteArray::number(i)));
    }
    // Every client sends half its request, then every client the rest, in reverse order:
    // the server holds twelve partial requests at once and answers each on its own socket.
    for (int i = 0; i < n; ++i)
        clients[i]->send(raws[i].left(raws[i].size() / 2));
    QTest::qWait(50);
    for (int i = n - 1; i >= 0; --i)
        clients[i]->send(raws[i].mid(raws[i].size() / 2));
    for (int i = 0; i < n; ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(clients[i]->answers.size(), 1, Wait);
        QCOMPARE(clients[i]->answers[0].status, 200);
        QCOMPARE(clients[i]->answers[0].json().value(u"opened").toInt(), 1);
    }
    QCOMPARE(fx.store.incidentCount(), n);
    QSet<QString> numbers;
    for (int i = 0; i < n; ++i)
        numbers.insert(
            clients[i]->answers[0].json().value(u"incidents").toArray().first().toString());
    QCOMPARE(numbers.size(), n);
    QVERIFY(fx.store.verify().ok);
}

void TestIngestServer::maxConnections_idleConnectionMakesRoom()
{
    Fixture fx;
    IngestServerOptions o;
    o.maxConnections = 2;
    QVERIFY(fx.start(o));
    auto a = fx.client();
    auto b = fx.client();
    // The server registers a connection when its event loop accepts it.
    a->send("GET /healthz HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(a->answers.size(), 1, Wait);
    b->send("GET /healthz HTTP/1.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(b->answers.size(), 1, Wait);
    // Both slots hold idle keep-alive connections: the one idle longest (a) makes room for
    // a new client, which is served; the eviction is logged with its reason.
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral(
                             "listener rejected 1 request\\(s\\): idle connection closed")));
    auto extra = fx.client();
    extra->send(request("/hooks/alertmanager", alertmanager("WhileFull")));
    QTRY_COMPARE_WITH_TIMEOUT(extra->answers.size(), 1, Wait);
    QCOMPARE(extra->answers[0].status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(a->closed, Wait);
    QVERIFY(!b->closed);
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestIngestServer::maxConnections_slowSendersCannotStarveAlerts()
{
    Fixture fx;
    IngestServerOptions o;
    o.maxConnections = 4;
    QVERIFY(fx.start(o));
    // Every slot taken by a client that sent part of its headers and stalls.
    std::vector<std::unique_ptr<Client>> slow;
    for (int i = 0; i < 4; ++i) {
        slow.push_back(fx.client());
        slow.back()->send("POST /hooks/alertmanager HTTP/1.1\r\nHost: x\r\n");
    }
    QTest::qWait(100);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                                           "listener rejected .*incomplete request dropped")));
    // Valid alerts still get in, one connection each (kept open), every one answered 200.
    std::vector<std::unique_ptr<Client>> valid;
    for (int i = 0; i < 6; ++i) {
        valid.push_back(fx.client());
        Client *c = valid.back().get();
        c->send(request("/hooks/alertmanager",
                        alertmanager(QByteArray("Starved") + QByteArray::number(i))));
        QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
        QCOMPARE(c->answers[0].status, 200);
    }
    QCOMPARE(fx.store.incidentCount(), 6);
    // The stalled clients made room: each was answered 503 JSON with Retry-After, then
    // closed (an answer, not a reset).
    int answered = 0;
    for (const auto &c : slow) {
        QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
        QCOMPARE(c->socket.error() == QAbstractSocket::RemoteHostClosedError ||
                     c->socket.error() == QAbstractSocket::UnknownSocketError,
                 true);
        if (!c->answers.isEmpty()) {
            QCOMPARE(c->answers[0].status, 503);
            QCOMPARE(c->answers[0].headers.value("retry-after"), QByteArray("1"));
            ++answered;
        }
    }
    QCOMPARE(answered, 4);
}

void TestIngestServer::headerDeadline_trickledHeaders_408()
{
    Fixture fx;
    QVERIFY(fx.startWithRequestTimeout(400));
    auto c = fx.client();
    // A slow client that keeps sending header lines: activity does not extend the deadline,
    // which runs from the request's first byte.
    QElapsedTimer clock;
    clock.start();
    c->send("POST /ingest HTTP/1.1\r\n");
    QTimer drip;
    int lines = 0;
    connect(&drip, &QTimer::timeout, this, [&] {
        if (!c->closed)
            c->send("X-Slow-" + QByteArray::number(++lines) + ": still coming\r\n");
    });
    drip.start(50);
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    const qint64 elapsed = clock.elapsed();
    drip.stop();
    QCOMPARE(c->answers[0].status, 408);
    QCOMPARE(c->answers[0].error(), QStringLiteral("request headers not complete within 400 ms"));
    QVERIFY2(elapsed >= 350, qPrintable(QString::number(elapsed)));
    QVERIFY(lines >= 3); // it was still sending when the answer came
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
    QCOMPARE(fx.stored(), 0);
}

void TestIngestServer::bodyDeadline_incompleteBody_408()
{
    Fixture fx;
    QVERIFY(fx.startWithRequestTimeout(300));
    auto c = fx.client();
    const QByteArray raw = request("/hooks/alertmanager", alertmanager("Slow"));
    c->send(raw.left(raw.size() - 10)); // ten bytes short
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 408);
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
    QCOMPARE(fx.stored(), 0);

    // The deadline is per request: on a keep-alive connection each request gets its own,
    // so three requests 0.6 deadlines apart are all answered.
    Fixture slow;
    QVERIFY(slow.startWithRequestTimeout(1000));
    auto d = slow.client();
    for (int i = 0; i < 3; ++i) {
        if (i > 0)
            QTest::qWait(600);
        d->send(request("/hooks/alertmanager", alertmanager("Quick" + QByteArray::number(i))));
        QTRY_COMPARE_WITH_TIMEOUT(d->answers.size(), i + 1, Wait);
        QCOMPARE(d->answers[i].status, 200);
    }
    QVERIFY(!d->closed);
}

void TestIngestServer::idleConnection_closedWithoutAnswer()
{
    Fixture fx;
    QVERIFY(fx.startWithRequestTimeout(300));
    // Connected, nothing sent: closed quietly (no 408 for a request that never began).
    auto c = fx.client();
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);
    QCOMPARE(c->answers.size(), 0);
    QVERIFY(c->buffer.isEmpty());

    // Idle after an answered request: the same.
    auto d = fx.client();
    d->send(request("/hooks/alertmanager", alertmanager("ThenIdle")));
    QTRY_COMPARE_WITH_TIMEOUT(d->answers.size(), 1, Wait);
    QTRY_VERIFY_WITH_TIMEOUT(d->closed, Wait);
    QCOMPARE(d->answers.size(), 1);
    QCOMPARE(d->answers[0].status, 200);
}

void TestIngestServer::headerDeadline_shorterThanTheRequestDeadline()
{
    Fixture fx;
    IngestServerOptions o;
    o.requestTimeoutMs = 10000;
    o.headerTimeoutMs = 300;
    QVERIFY(fx.start(o));
    // Headers that never end (a bare request line) hold the slot for the header deadline
    // only, not for the request deadline.
    auto c = fx.client();
    QElapsedTimer clock;
    clock.start();
    c->send("POST /hooks/alertmanager HTTP/1.1\r\nHost: x\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, 3000);
    QCOMPARE(c->answers[0].status, 408);
    QCOMPARE(c->answers[0].error(), QStringLiteral("request headers not complete within 300 ms"));
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(c->closed, Wait);

    // Headers in time and a body that takes longer than the header deadline: the body has
    // the rest of the request deadline.
    auto d = fx.client();
    const QByteArray raw = request("/hooks/alertmanager", alertmanager("SlowBody"));
    const qsizetype headerEnd = raw.indexOf("\r\n\r\n") + 4;
    d->send(raw.left(headerEnd + 5));
    QTest::qWait(700);
    QCOMPARE(d->answers.size(), 0);
    d->send(raw.mid(headerEnd + 5));
    QTRY_COMPARE_WITH_TIMEOUT(d->answers.size(), 1, Wait);
    QCOMPARE(d->answers[0].status, 200);
}

namespace {

/// An Alertmanager body with `n` alerts of one group, each from its own host.
QByteArray bigAlertmanager(int n)
{
    QJsonArray alerts;
    for (int i = 0; i < n; ++i)
        alerts << QJsonObject{
            {QStringLiteral("status"), QStringLiteral("firing")},
            {QStringLiteral("labels"),
             QJsonObject{{QStringLiteral("alertname"), QStringLiteral("Storm")},
                         {QStringLiteral("service"), QStringLiteral("checkout")},
                         {QStringLiteral("instance"), QStringLiteral("web-%1:9100").arg(i)},
                         {QStringLiteral("severity"), QStringLiteral("critical")}}},
            {QStringLiteral("annotations"),
             QJsonObject{{QStringLiteral("summary"), QStringLiteral("error rate high")}}},
            {QStringLiteral("startsAt"), QStringLiteral("2026-01-01T00:00:00Z")}};
    return QJsonDocument(QJsonObject{{QStringLiteral("version"), QStringLiteral("4")},
                                     {QStringLiteral("status"), QStringLiteral("firing")},
                                     {QStringLiteral("groupKey"), QStringLiteral("storm")},
                                     {QStringLiteral("alerts"), alerts}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

void TestIngestServer::bigBody_otherRequestsAnsweredMeanwhile()
{
    Fixture fx;
    QVERIFY(fx.startSliced(200));
    // 8,000 alerts in one body (about 1.3 MB). Once its first slice is committed, a small
    // alert on another connection is sent: it is answered before the big body, which is
    // answered only after all of it is committed.
    const int n = 8000;
    auto big = fx.client();
    auto small = fx.client();
    int slices = 0;
    QList<QString> order;
    connect(fx.pipeline.get(), &IngestPipeline::ingested, this, [&] {
        if (++slices == 1)
            small->send(request("/hooks/alertmanager", alertmanager("Meanwhile")));
    });
    QTimer watch;
    connect(&watch, &QTimer::timeout, this, [&] {
        if (small->answers.size() == 1 && !order.contains(u"small"))
            order << QStringLiteral("small");
        if (big->answers.size() == 1 && !order.contains(u"big"))
            order << QStringLiteral("big");
    });
    watch.start(1);
    big->send(request("/hooks/alertmanager", bigAlertmanager(n)));
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 60000);
    QCOMPARE(order, (QList<QString>{QStringLiteral("small"), QStringLiteral("big")}));
    QCOMPARE(small->answers[0].status, 200);
    QCOMPARE(big->answers[0].status, 200);
    const QJsonObject r = big->answers[0].json();
    QCOMPARE(r.value(u"received").toInt(), n);
    QCOMPARE(r.value(u"attached").toInt(), n);
    QCOMPARE(r.value(u"opened").toInt(), 1);
    QCOMPARE(r.value(u"incidents").toArray().size(), 1);
    QVERIFY(slices >= n / 200);
    // Everything the answer reports is stored: one incident with every alert.
    auto q = fx.store.db().prepareOnce(
        QStringLiteral("SELECT COUNT(*) FROM ingest_alerts WHERE status = 'firing'"));
    QVERIFY(q && q->step());
    QVERIFY(store::RowReader(*q).int64() >= n);
}

void TestIngestServer::bigBody_pipelinedRequestWaitsItsTurn()
{
    Fixture fx;
    QVERIFY(fx.startSliced(100));
    // A big body and a small one pipelined on one connection: answered in order.
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", bigAlertmanager(1000)) +
            request("/hooks/alertmanager", alertmanager("Second")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 2, 60000);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(c->answers[0].json().value(u"received").toInt(), 1000);
    QCOMPARE(c->answers[1].status, 200);
    QCOMPARE(c->answers[1].json().value(u"received").toInt(), 1);
    QVERIFY(!c->closed);
}

void TestIngestServer::answerGate_holdsTheAnswerUntilConfirmed()
{
    Fixture fx;
    QVERIFY(fx.start());
    std::function<void(Status)> release;
    QStringList heldEvents;
    fx.server->setAnswerGate([&](const IngestResult &r, std::function<void(Status)> done) {
        heldEvents = r.eventIds;
        release = std::move(done);
    });
    // Held: committed here, no answer until the gate says so.
    auto c = fx.client();
    c->send(request("/hooks/alertmanager", alertmanager("Held")));
    QTRY_VERIFY_WITH_TIMEOUT(bool(release), Wait);
    QVERIFY(!heldEvents.isEmpty());
    QVERIFY(fx.stored() > 0);
    QTest::qWait(200);
    QCOMPARE(c->answers.size(), 0);
    // Another connection is served meanwhile (its answer is held too, and released).
    std::exchange(release, {})(Status{});
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 1, Wait);
    QCOMPARE(c->answers[0].status, 200);
    QCOMPARE(c->answers[0].json().value(u"opened").toInt(), 1);

    // Not confirmed: 503 with Retry-After, the alert stays stored, and the connection goes
    // on (a pipelined repeat is answered after it, as a duplicate the gate has nothing for).
    const qint64 before = fx.stored();
    c->send(request("/hooks/alertmanager", alertmanager("Unconfirmed")) +
            request("/hooks/alertmanager", alertmanager("Unconfirmed")));
    QTRY_VERIFY_WITH_TIMEOUT(bool(release), Wait);
    std::exchange(release, {})(Status::fail(QStringLiteral("the back end is away")));
    QTRY_COMPARE_WITH_TIMEOUT(c->answers.size(), 3, Wait);
    QCOMPARE(c->answers[1].status, 503);
    QCOMPARE(c->answers[1].headers.value("retry-after"), QByteArray("5"));
    QVERIFY2(
        c->answers[1].error().contains(QStringLiteral("stored here, but the back end is away")),
        qPrintable(c->answers[1].error()));
    QCOMPARE(c->answers[2].status, 200);
    QCOMPARE(c->answers[2].json().value(u"deduplicated").toInt(), 1);
    QVERIFY(fx.stored() > before);
}

QTEST_GUILESS_MAIN(TestIngestServer)
#include "tst_ingestserver.moc"
