// SPDX-License-Identifier: MIT
// AwsClient against a local HTTP server on 127.0.0.1 that keeps the raw requests: every call
// is a POST signed with AWS4-HMAC-SHA256 (credential scope with the region and the service,
// X-Amz-Date, X-Amz-Target when given, the session token when there is one, the content
// type) and the signature recomputed from the received request matches; any HTTP status is
// a response, not an error; a server that never answers gives a timeout error within the
// timeout; a closed port gives an error; pending() counts the calls in flight; and
// AwsEndpoint::validate allows plain http on loopback only.
#include "aws/awsclient.h"
#include "aws/sigv4.h"
#include "localhttpserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>

#include <optional>
#include <utility>

using namespace sitrep;
using namespace sitrep::aws;
using sitrep::testing::RawRequest;
using sitrep::testing::RecordingServer;

namespace {

const AwsCredentials kCreds{
    QStringLiteral("AKIDEXAMPLE"), QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), {}};

std::shared_ptr<CredentialsProvider> provider(const AwsCredentials &c = kCreds)
{
    return std::make_shared<StaticCredentialsProvider>(c);
}

AwsEndpoint endpoint(const QUrl &url, const QString &region = QStringLiteral("eu-west-2"))
{
    AwsEndpoint e;
    e.url = url;
    e.region = region;
    e.timeoutMs = 5000;
    return e;
}

/// Posts and waits for the callback; fails the test if it never comes.
struct Call {
    std::optional<Result<AwsResponse>> result;
    int calls = 0;
    AwsClient::RawCallback callback()
    {
        return [this](Result<AwsResponse> r) {
            ++calls;
            result = std::move(r);
        };
    }
};

/// The time of an X-Amz-Date value (20260302T100000Z).
qint64 parseAmzDate(const QByteArray &v)
{
    QDateTime t =
        QDateTime::fromString(QString::fromLatin1(v), QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    t.setTimeZone(QTimeZone::utc());
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

/// Signs the received request again, as the client should have: same headers, same time.
SigV4Signature resign(const RawRequest &r, const AwsCredentials &c, const QString &region,
                      const QString &service)
{
    SigV4Request req;
    const QList<QByteArray> parts = r.startLine.split(' ');
    req.method = parts.value(0);
    req.path = parts.value(1);
    req.headers = {{"Host", r.header("Host")}, {"Content-Type", r.header("Content-Type")}};
    if (r.has("X-Amz-Target"))
        req.headers.append({"X-Amz-Target", r.header("X-Amz-Target")});
    req.body = r.body;
    SigV4Options o;
    o.region = region;
    o.service = service;
    o.timeMs = parseAmzDate(r.header("X-Amz-Date"));
    o.signedHeaderNames = {"host", "content-type", "x-amz-date", "x-amz-target",
                           "x-amz-security-token"};
    return SigV4Signer::sign(req, c, o);
}

} // namespace

class TestAwsClient : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void post_isSignedAndTheSignatureVerifies()
    {
        RecordingServer srv;
        srv.body = "{\"MessageId\":\"m-1\"}";
        QNetworkAccessManager nam;
        AwsClient client(nam, endpoint(srv.url()), provider(), QStringLiteral("sqs"));
        QCOMPARE(client.service(), QStringLiteral("sqs"));
        Call call;
        const QByteArray payload = "{\"QueueUrl\":\"q\",\"MessageBody\":\"hello\"}";
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        client.post("application/x-amz-json-1.0", "AmazonSQS.SendMessage", payload, 5000,
                    call.callback());
        QTRY_VERIFY(call.result.has_value());
        QVERIFY2(*call.result, qPrintable(call.result->errorMessage()));
        QCOMPARE((*call.result)->httpStatus, 200);
        QCOMPARE((*call.result)->body, srv.body);
        QCOMPARE(srv.requests.size(), 1);

        const RawRequest &r = srv.requests.first();
        QCOMPARE(r.startLine, QByteArray("POST / HTTP/1.1"));
        QCOMPARE(r.body, payload);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/x-amz-json-1.0"));
        QCOMPARE(r.header("X-Amz-Target"), QByteArray("AmazonSQS.SendMessage"));
        QCOMPARE(r.header("Host"), "127.0.0.1:" + QByteArray::number(srv.port()));
        QVERIFY(!r.has("X-Amz-Security-Token"));
        // Signed now, in the AWS basic format.
        const QByteArray amzDate = r.header("X-Amz-Date");
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d{8}T\\d{6}Z$"))
                     .match(QString::fromLatin1(amzDate))
                     .hasMatch(),
                 amzDate.constData());
        const qint64 signedAt = parseAmzDate(amzDate);
        QVERIFY(signedAt >= before / 1000 * 1000);
        QVERIFY(signedAt <= QDateTime::currentMSecsSinceEpoch());
        // Authorization: algorithm, scope (date/region/service), signed headers, signature.
        const QByteArray auth = r.header("Authorization");
        const QByteArray scope = amzDate.left(8) + "/eu-west-2/sqs/aws4_request";
        QVERIFY2(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope + ", "),
                 auth.constData());
        QVERIFY2(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target, "),
                 auth.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("Signature=[0-9a-f]{64}$"))
                     .match(QString::fromLatin1(auth))
                     .hasMatch(),
                 auth.constData());
        // The signature is the one SigV4 gives for what arrived.
        const SigV4Signature expected =
            resign(r, kCreds, QStringLiteral("eu-west-2"), QStringLiteral("sqs"));
        QCOMPARE(auth, expected.authorization);
        QCOMPARE(expected.scope, scope);
        // ...and not for anything else (the check would see a tampered body or region).
        RawRequest tampered = r;
        tampered.body += ' ';
        QVERIFY(resign(tampered, kCreds, QStringLiteral("eu-west-2"), QStringLiteral("sqs"))
                    .authorization != auth);
        QVERIFY(
            resign(r, kCreds, QStringLiteral("us-east-1"), QStringLiteral("sqs")).authorization !=
            auth);
        QCOMPARE(client.pending(), 0);
    }

    void post_withoutTarget_withSessionToken()
    {
        RecordingServer srv;
        QNetworkAccessManager nam;
        AwsCredentials temp = kCreds;
        temp.sessionToken = QStringLiteral("FQoGZXIvYXdzEXAMPLETOKEN");
        AwsClient client(nam, endpoint(srv.url(), QStringLiteral("us-west-1")), provider(temp),
                         QStringLiteral("sns"));
        Call call;
        const QByteArray form = "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Ax&Message=hi";
        client.post("application/x-www-form-urlencoded; charset=utf-8", {}, form, 5000,
                    call.callback());
        QTRY_VERIFY(call.result.has_value());
        QVERIFY(*call.result);
        const RawRequest &r = srv.requests.first();
        QVERIFY(!r.has("X-Amz-Target"));
        QCOMPARE(r.header("Content-Type"),
                 QByteArray("application/x-www-form-urlencoded; charset=utf-8"));
        QCOMPARE(r.header("X-Amz-Security-Token"), temp.sessionToken.toLatin1());
        const QByteArray auth = r.header("Authorization");
        QVERIFY2(auth.contains("/us-west-1/sns/aws4_request, "), auth.constData());
        QVERIFY2(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "),
                 auth.constData());
        QCOMPARE(auth,
                 resign(r, temp, QStringLiteral("us-west-1"), QStringLiteral("sns")).authorization);
    }

    void post_endpointWithAPath()
    {
        RecordingServer srv;
        QNetworkAccessManager nam;
        QUrl url = srv.url();
        url.setPath(QStringLiteral("/emulator/sqs"));
        AwsClient client(nam, endpoint(url), provider(), QStringLiteral("sqs"));
        Call call;
        client.post("application/x-amz-json-1.0", "AmazonSQS.ListQueues", "{}", 5000,
                    call.callback());
        QTRY_VERIFY(call.result.has_value());
        QVERIFY(*call.result);
        const RawRequest &r = srv.requests.first();
        QCOMPARE(r.startLine, QByteArray("POST /emulator/sqs HTTP/1.1"));
        QCOMPARE(
            r.header("Authorization"),
            resign(r, kCreds, QStringLiteral("eu-west-2"), QStringLiteral("sqs")).authorization);
    }

    void anyHttpStatus_isAResponse_data()
    {
        QTest::addColumn<int>("status");
        for (int s : {200, 201, 204, 301, 400, 403, 404, 413, 429, 500, 503})
            QTest::newRow(qPrintable(QString::number(s))) << s;
    }
    void anyHttpStatus_isAResponse()
    {
        QFETCH(int, status);
        RecordingServer srv;
        srv.status = status;
        srv.body = status == 204
                       ? QByteArray()
                       : QByteArray("{\"__type\":\"com.amazonaws.sqs#X\",\"message\":\"m\"}");
        QNetworkAccessManager nam;
        AwsClient client(nam, endpoint(srv.url()), provider(), QStringLiteral("sqs"));
        Call call;
        client.post("application/x-amz-json-1.0", "AmazonSQS.GetQueueUrl", "{}", 5000,
                    call.callback());
        QTRY_VERIFY(call.result.has_value());
        QVERIFY2(*call.result, qPrintable(call.result->errorMessage()));
        QCOMPARE((*call.result)->httpStatus, status);
        QCOMPARE((*call.result)->body, srv.body);
        QCOMPARE(call.calls, 1);
        QCOMPARE(srv.requests.size(), 1); // a redirect is not followed
    }

    void silentServer_timesOutWithinTheTimeout()
    {
        RecordingServer srv;
        srv.hold = true;
        QNetworkAccessManager nam;
        AwsClient client(nam, endpoint(srv.url()), provider(), QStringLiteral("sqs"));
        Call call;
        QElapsedTimer t;
        t.start();
        client.post("application/x-amz-json-1.0", "AmazonSQS.ReceiveMessage", "{}", 300,
                    call.callback());
        QCOMPARE(client.pending(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(call.result.has_value(), 5000);
        const qint64 took = t.elapsed();
        QVERIFY(!*call.result);
        QCOMPARE(call.result->error().code, QStringLiteral("timeout"));
        QVERIFY2(call.result->errorMessage().contains(QStringLiteral("timed out")),
                 qPrintable(call.result->errorMessage()));
        QVERIFY2(took >= 250 && took < 3000, qPrintable(QString::number(took)));
        QCOMPARE(srv.requests.size(), 1);
        QCOMPARE(client.pending(), 0);
        QCOMPARE(call.calls, 1);
    }

    void silentServer_endpointTimeoutWhenNoneGiven()
    {
        RecordingServer srv;
        srv.hold = true;
        QNetworkAccessManager nam;
        AwsEndpoint e = endpoint(srv.url());
        e.timeoutMs = 300;
        AwsClient client(nam, e, provider(), QStringLiteral("sqs"));
        Call call;
        QElapsedTimer t;
        t.start();
        client.post("application/x-amz-json-1.0", {}, "{}", 0, call.callback());
        QTRY_VERIFY_WITH_TIMEOUT(call.result.has_value(), 5000);
        QVERIFY(!*call.result);
        QCOMPARE(call.result->error().code, QStringLiteral("timeout"));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    void closedPort_isAnError()
    {
        quint16 port = 0;
        {
            QTcpServer s;
            QVERIFY(s.listen(QHostAddress(QHostAddress::LocalHost), 0));
            port = s.serverPort();
        }
        QNetworkAccessManager nam;
        AwsClient client(nam, endpoint(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))),
                         provider(), QStringLiteral("sqs"));
        Call call;
        client.post("application/x-amz-json-1.0", "AmazonSQS.ListQueues", "{}", 5000,
                    call.callback());
        QTRY_VERIFY(call.result.has_value());
        QVERIFY(!*call.result);
        QCOMPARE(call.result->error().code, QStringLiteral("refused"));
        QVERIFY2(call.result->errorMessage().contains(QStringLiteral("sqs endpoint")),
                 qPrintable(call.result->errorMessage()));
        QCOMPARE(client.pending(), 0);
    }

    void pending_countsCallsInFlight()
    {
        RecordingServer srv;
        srv.hold = true;
        QNetworkAccessManager nam;
        AwsClient client(nam, endpoint(srv.url()), provider(), QStringLiteral("sqs"));
        QCOMPARE(client.pending(), 0);
        Call a, b, c;
        client.post("application/x-amz-json-1.0", "T.A", "{}", 5000, a.callback());
        QCOMPARE(client.pending(), 1);
        client.post("application/x-amz-json-1.0", "T.B", "{}", 5000, b.callback());
        client.post("application/x-amz-json-1.0", "T.C", "{}", 5000, c.callback());
        QCOMPARE(client.pending(), 3);
        QTRY_COMPARE(srv.held.size(), 3);
        QCOMPARE(client.pending(), 3);
        srv.answerAll();
        QTRY_COMPARE(client.pending(), 0);
        QVERIFY(a.result && *a.result && b.result && *b.result && c.result && *c.result);
        QCOMPARE(a.calls + b.calls + c.calls, 3);
        QSet<QByteArray> targets;
        for (const auto &r : srv.requests)
            targets.insert(r.header("X-Amz-Target"));
        QCOMPARE(targets, (QSet<QByteArray>{"T.A", "T.B", "T.C"}));
    }

    void refusedBeforeSending_noRequest()
    {
        RecordingServer srv;
        QNetworkAccessManager nam;
        // Plain http to a remote host.
        AwsClient remote(nam, endpoint(QUrl(QStringLiteral("http://sqs.eu-west-2.example.com"))),
                         provider(), QStringLiteral("sqs"));
        Call call;
        remote.post("application/x-amz-json-1.0", "AmazonSQS.ListQueues", "{}", 5000,
                    call.callback());
        QVERIFY(call.result.has_value()); // at once
        QVERIFY(!*call.result);
        QCOMPARE(call.result->error().code, QStringLiteral("config"));
        QCOMPARE(remote.pending(), 0);
        // No credentials.
        AwsClient anonymous(nam, endpoint(srv.url()), nullptr, QStringLiteral("sqs"));
        Call none;
        anonymous.post("application/x-amz-json-1.0", {}, "{}", 5000, none.callback());
        QVERIFY(none.result.has_value());
        QVERIFY(!*none.result);
        QCOMPARE(anonymous.pending(), 0);
        QTest::qWait(50);
        QVERIFY(srv.requests.isEmpty());
    }

    void validate_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("region");
        QTest::addColumn<bool>("ok");
        const QString region = QStringLiteral("eu-west-1");
        // Endpoints of the region by row name: https anywhere, plain http only to this machine.
        const std::pair<const char *, const char *> accepted[] = {
            {"https region", "https://sqs.eu-west-1.amazonaws.com"},
            {"https vpc endpoint", "https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com/"},
            {"https private ip", "https://10.0.0.5"},
            {"http 127.0.0.1", "http://127.0.0.1:4566"},
            {"http 127.0.0.2", "http://127.0.0.2:9324"},
            {"http localhost", "http://localhost:9324"},
            {"http ::1", "http://[::1]:9324"},
        };
        const std::pair<const char *, const char *> refused[] = {
            {"http remote name", "http://sqs.example.com"},
            {"http private ip", "http://10.0.0.5:4566"},
            {"http localhost lookalike", "http://localhost.example.com"},
            {"http 127 as a name", "http://127.0.0.1.example.com"},
            {"ftp loopback", "ftp://127.0.0.1"},
            {"no scheme", "sqs.eu-west-1.amazonaws.com"},
            {"empty", ""},
        };
        for (const auto &[tag, url] : accepted)
            QTest::newRow(tag) << QString::fromUtf8(url) << region << true;
        for (const auto &[tag, url] : refused)
            QTest::newRow(tag) << QString::fromUtf8(url) << region << false;
        QTest::newRow("no region") << "https://sqs.eu-west-1.amazonaws.com"
                                   << "  " << false;
    }
    void validate()
    {
        QFETCH(QString, url);
        QFETCH(QString, region);
        QFETCH(bool, ok);
        AwsEndpoint e;
        e.url = QUrl(url);
        e.region = region;
        const Status s = e.validate();
        QCOMPARE(bool(s), ok);
        if (!ok)
            QCOMPARE(s.error().code, QStringLiteral("config"));
    }
};

QTEST_GUILESS_MAIN(TestAwsClient)
#include "tst_awsclient.moc"
