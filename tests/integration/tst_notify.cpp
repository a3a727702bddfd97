// SPDX-License-Identifier: MIT
// Notification delivery against real peers: SNS topics on the fauxqs emulator (read back
// through subscribed SQS queues), a Slack Web API stand-in and webhook receivers on a
// local HTTP server. Delivered once, retried on failure, recorded on the timeline.
#include "aws/snsclient.h"
#include "aws/sqsclient.h"
#include "engine/command.h"
#include "fauxqsfixture.h"
#include "host/appcontext.h"
#include "host/awsservices.h"
#include "httpreceiver.h"
#include "notify/notifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::aws;
using namespace sitrep::host;
using namespace sitrep::notify;
using sitrep::testing::await;
using sitrep::testing::HttpAnswer;
using sitrep::testing::HttpRequest;

class TestNotify : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void p1Opened_deliversToEveryChannelOnce();
    void warRoom_getsStatusUpdatesAndResolution();
    void slaBreach_publishesToSlaTopic();
    void failingWebhook_isRetriedAndDeliveredOnce();
    void rejectedWebhook_recordsFailureOnTimeline();
    void webhookFailingEveryTime_isDeadLetteredAfterMaxAttempts();
    void warRoomCreatedEarlier_isFoundNotDoubled();
    void unconfiguredChannel_recordsFailure();
    void restartAndRebuild_sendNothingTwice();
    void runningNotifier_deliversAfterCommit();
    void slackAnsweredButNotCommitted_retryFindsMarkerAndDoesNotRepost();
    void slackPostLostBeforeSlack_isPostedOnce();
    void slackCrashInAChildProcess_restartDoesNotRepost();
    void config_loadsYamlAndRefusesPlainHttp();

private:
    QString open(const QString &priority, const QString &severity);
    QString openP3WithFlakyWebhook(int failures, int status);
    int deliverAll(Notifier &n);
    void deliverUntilDrained(Notifier &n, int maxRounds);
    QString topicQueue(const QString &topic);
    QList<QJsonObject> drain(const QString &queueUrl);
    QList<domain::Event> timelineOf(const QString &number, const QString &kind);
    NotifyConfig config();
    std::unique_ptr<Notifier> notifier();

    testing::FauxqsProcess m_fauxqs;
    QNetworkAccessManager m_nam;
    std::unique_ptr<SqsClient> m_sqs;
    std::unique_ptr<SnsClient> m_sns;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<host::AppContext> m_ctx;
    std::unique_ptr<testing::HttpReceiver> m_http;
    QString m_pageQueue, m_slaQueue, m_statusQueue;
    int m_round = 0;
    /// The state of the Slack and webhook stand-ins, fresh for every test.
    struct StandIns {
        int slackChannels = 0;
        bool nameTaken = false;
        QString lastRoomName;
        QList<QJsonObject> slackMessages; // what Slack holds (chat.postMessage)
        int postFailures = 0;             // posts lost before Slack stores them
        int webhookFailures = 0;
        int webhookStatus = 500;
    } m_standIns;
};

void TestNotify::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    if (const QString why = m_fauxqs.startWithClients(m_nam, m_sqs, m_sns); !why.isEmpty())
        QSKIP(qPrintable(why));
}

void TestNotify::init()
{
    ++m_round;
    m_dir = std::make_unique<QTemporaryDir>();
    auto ctx =
        host::AppContext::open(m_dir->filePath(QStringLiteral("sitrep.db")), QStringLiteral("sre"));
    QVERIFY2(ctx, qPrintable(ctx.errorMessage()));
    m_ctx = std::move(*ctx);
    m_http = std::make_unique<testing::HttpReceiver>();
    QVERIFY(m_http->listen());
    m_standIns = {};
    m_http->setHandler([this](const HttpRequest &r) -> HttpAnswer {
        if (r.path == "/api/conversations.create") {
            if (r.headers.value("authorization") != "Bearer xoxb-test")
                return {200, R"({"ok":false,"error":"invalid_auth"})"};
            const QJsonObject in = QJsonDocument::fromJson(r.body).object();
            m_standIns.lastRoomName = in[u"name"].toString();
            if (m_standIns.nameTaken)
                return {200, R"({"ok":false,"error":"name_taken"})"};
            const QJsonObject ch{
                {QStringLiteral("id"), QStringLiteral("CWAR%1").arg(++m_standIns.slackChannels)},
                {QStringLiteral("name"), in[u"name"]}};
            return {200, QJsonDocument(QJsonObject{{QStringLiteral("ok"), true},
                                                   {QStringLiteral("channel"), ch}})
                             .toJson()};
        }
        if (r.path == "/api/conversations.list") {
            const QJsonObject other{{QStringLiteral("id"), QStringLiteral("COTHER")},
                                    {QStringLiteral("name"), QStringLiteral("general")}};
            const QJsonObject mine{{QStringLiteral("id"), QStringLiteral("CEXIST")},
                                   {QStringLiteral("name"), m_standIns.lastRoomName}};
            return {200, QJsonDocument(
                             QJsonObject{{QStringLiteral("ok"), true},
                                         {QStringLiteral("channels"), QJsonArray{other, mine}},
                                         {QStringLiteral("response_metadata"),
                                          QJsonObject{{QStringLiteral("next_cursor"), QString()}}}})
                             .toJson()};
        }
        if (r.path == "/api/chat.postMessage") {
            if (m_standIns.postFailures-- > 0) // lost before Slack stored it
                return {503, "{}"};
            QJsonObject m = QJsonDocument::fromJson(r.body).object();
            m[u"ts"] = QStringLiteral("1700000000.%1")
                           .arg(m_standIns.slackMessages.size() + 100, 6, 10, QLatin1Char('0'));
            m_standIns.slackMessages << m;
            return {200, QJsonDocument(QJsonObject{{QStringLiteral("ok"), true},
                                                   {QStringLiteral("ts"), m[u"ts"]}})
                             .toJson()};
        }
        if (r.path == "/api/conversations.history") {
            const QUrlQuery q(QString::fromUtf8(r.body));
            QJsonArray out;
            for (const auto &m : std::as_const(m_standIns.slackMessages))
                if (m[u"channel"].toString() == q.queryItemValue(QStringLiteral("channel")))
                    out.prepend(q.queryItemValue(QStringLiteral("include_all_metadata")) == u"true"
                                    ? m
                                    : QJsonObject{{QStringLiteral("ts"), m[u"ts"]},
                                                  {QStringLiteral("text"), m[u"text"]}});
            return {200, QJsonDocument(QJsonObject{{QStringLiteral("ok"), true},
                                                   {QStringLiteral("messages"), out},
                                                   {QStringLiteral("has_more"), false}})
                             .toJson()};
        }
        if (r.path == "/hooks/flaky" && m_standIns.webhookFailures-- > 0)
            return {m_standIns.webhookStatus, R"({"error":"try later"})"};
        return {202, "{}"};
    });
    // Fresh topics per test, each read back through an SQS queue.
    m_pageQueue = topicQueue(QStringLiteral("page-%1").arg(m_round));
    m_slaQueue = topicQueue(QStringLiteral("sla-%1").arg(m_round));
    m_statusQueue = topicQueue(QStringLiteral("status-%1").arg(m_round));
    QVERIFY(!m_pageQueue.isEmpty() && !m_slaQueue.isEmpty() && !m_statusQueue.isEmpty());
}

void TestNotify::cleanup()
{
    m_http.reset();
    m_ctx.reset();
    m_dir.reset();
}

void TestNotify::cleanupTestCase()
{
    m_sns.reset();
    m_sqs.reset();
    m_fauxqs.stop();
}

QString TestNotify::topicQueue(const QString &topic)
{
    auto arn = await<QString>([&](auto cb) { m_sns->createTopic(topic, {}, cb); });
    auto url =
        await<QString>([&](auto cb) { m_sqs->createQueue(topic + QStringLiteral("-q"), {}, cb); });
    if (!arn || !url)
        return {};
    auto a = await<QMap<QString, QString>>(
        [&](auto cb) { m_sqs->getQueueAttributes(*url, {QStringLiteral("QueueArn")}, cb); });
    auto s = await<QString>([&](auto cb) {
        m_sns->subscribe(*arn, QStringLiteral("sqs"), a->value(QStringLiteral("QueueArn")),
                         {{QStringLiteral("RawMessageDelivery"), QStringLiteral("true")}}, cb);
    });
    return s ? *url : QString();
}

QList<QJsonObject> TestNotify::drain(const QString &queueUrl)
{
    QList<QJsonObject> out;
    for (;;) {
        SqsReceiveRequest req;
        req.queueUrl = queueUrl;
        req.waitSeconds = 0;
        auto r = await<QList<SqsMessage>>([&](auto cb) { m_sqs->receiveMessage(req, cb); });
        if (!r || r->isEmpty())
            return out;
        for (const auto &m : *r) {
            out << QJsonDocument::fromJson(m.body.toUtf8()).object();
            (void)await<void>(
                [&](auto cb) { m_sqs->deleteMessage(queueUrl, m.receiptHandle, cb); });
        }
    }
}

NotifyConfig TestNotify::config()
{
    NotifyConfig c;
    c.channels.insert(QStringLiteral("page_oncall"), {QStringLiteral("page_oncall"),
                                                      ChannelDef::Transport::Sns,
                                                      QStringLiteral("page-%1").arg(m_round),
                                                      false,
                                                      {},
                                                      {},
                                                      {}});
    c.channels.insert(QStringLiteral("notify_leadership"),
                      {QStringLiteral("notify_leadership"),
                       ChannelDef::Transport::Webhook,
                       {},
                       false,
                       {},
                       QUrl(m_http->url(QStringLiteral("/hooks/leadership"))),
                       {}});
    c.channels.insert(
        QStringLiteral("slack_critical"),
        {QStringLiteral("slack_critical"), ChannelDef::Transport::Slack, {}, true, {}, {}, {}});
    c.channels.insert(QStringLiteral("slack_ops"), {QStringLiteral("slack_ops"),
                                                    ChannelDef::Transport::Slack,
                                                    {},
                                                    false,
                                                    QStringLiteral("C0OPS"),
                                                    {},
                                                    {}});
    c.channels.insert(QStringLiteral("team_channel"),
                      {QStringLiteral("team_channel"),
                       ChannelDef::Transport::Webhook,
                       {},
                       false,
                       {},
                       QUrl(m_http->url(QStringLiteral("/hooks/flaky"))),
                       {}});
    c.slaTopic = QStringLiteral("sla-%1").arg(m_round);
    c.statusTopic = QStringLiteral("status-%1").arg(m_round);
    c.slackBaseUrl = QUrl(m_http->url(QStringLiteral("/api/")));
    c.retryBaseMs = 0;
    c.maxAttempts = 4;
    return c;
}

std::unique_ptr<Notifier> TestNotify::notifier()
{
    return std::make_unique<Notifier>(
        m_ctx->engine(), config(), m_nam, host::snsTopicPublisher(m_sns.get()),
        [](const QString &name, const std::function<void(const QString &)> &done) {
            done(name == u"slack_bot_token" ? QStringLiteral("xoxb-test") : QString());
        });
}

QString TestNotify::open(const QString &priority, const QString &severity)
{
    auto r = m_ctx->engine().execute(engine::Command::open(
        {{QStringLiteral("title"), QStringLiteral("Checkout API 5xx")},
         {QStringLiteral("severity"), severity},
         {QStringLiteral("priority"), priority},
         {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout")}}}));
    if (!r) {
        qWarning() << r.errorMessage();
        return {};
    }
    return r->number;
}

/// A P3 incident: it notifies team_channel, the webhook /hooks/flaky, which answers `status`
/// to the first `failures` requests.
QString TestNotify::openP3WithFlakyWebhook(int failures, int status)
{
    m_standIns.webhookFailures = failures;
    m_standIns.webhookStatus = status;
    return open(QStringLiteral("P3"), QStringLiteral("medium"));
}

int TestNotify::deliverAll(Notifier &n)
{
    auto q = n.scan();
    if (!q)
        qWarning() << q.errorMessage();
    auto attempts = await<int>([&](auto cb) { n.deliverDue([cb](int a) { cb(a); }); });
    return attempts ? *attempts : -1;
}

/// One round of deliverAll(), then more while anything is pending, `maxRounds` at most.
void TestNotify::deliverUntilDrained(Notifier &n, int maxRounds)
{
    for (int i = 0; i < maxRounds && (i == 0 || n.pendingCount() > 0); ++i)
        deliverAll(n);
}

QList<domain::Event> TestNotify::timelineOf(const QString &number, const QString &kind)
{
    QList<domain::Event> out;
    const auto inc = m_ctx->store().findIncident(number);
    if (!inc)
        return out;
    for (const auto &e : m_ctx->store().timeline(inc->uid))
        if (e.kind == kind)
            out << e;
    return out;
}

void TestNotify::p1Opened_deliversToEveryChannelOnce()
{
    const QString number = open(QStringLiteral("P1"), QStringLiteral("critical"));
    QVERIFY(!number.isEmpty());
    auto n = notifier();
    QCOMPARE(deliverAll(*n), 3);

    // SNS page topic.
    const auto pages = drain(m_pageQueue);
    QCOMPARE(pages.size(), 1);
    QCOMPARE(pages[0][u"incident"].toObject()[u"number"].toString(), number);
    QCOMPARE(pages[0][u"event_kind"].toString(), domain::kinds::NotificationRequested);
    // Slack war room: created once, declaration posted into it.
    const auto creates = m_http->requestsTo("/api/conversations.create");
    QCOMPARE(creates.size(), 1);
    QVERIFY(QJsonDocument::fromJson(creates[0].body)
                .object()[u"name"]
                .toString()
                .startsWith(QStringLiteral("inc-") + number.toLower()));
    const auto posts = m_http->requestsTo("/api/chat.postMessage");
    QCOMPARE(posts.size(), 1);
    const QJsonObject post = QJsonDocument::fromJson(posts[0].body).object();
    QCOMPARE(post[u"channel"].toString(), QStringLiteral("CWAR1"));
    QVERIFY(post[u"text"].toString().contains(number));
    // Webhook with its idempotency key.
    const auto hooks = m_http->requestsTo("/hooks/leadership");
    QCOMPARE(hooks.size(), 1);
    QVERIFY(hooks[0].headers.value("idempotency-key").endsWith(":notify_leadership"));
    QCOMPARE(QJsonDocument::fromJson(hooks[0].body)
                 .object()[u"incident"]
                 .toObject()[u"priority"]
                 .toString(),
             QStringLiteral("P1"));

    // On the timeline, once per channel.
    const auto delivered = timelineOf(number, DeliveredKind);
    QCOMPARE(delivered.size(), 3);
    QStringList channels;
    for (const auto &e : delivered)
        channels << e.payload[u"channel"].toString();
    channels.sort();
    QCOMPARE(channels,
             (QStringList{QStringLiteral("notify_leadership"), QStringLiteral("page_oncall"),
                          QStringLiteral("slack_critical")}));

    // Scanning and delivering again sends nothing.
    QCOMPARE(deliverAll(*n), 0);
    QCOMPARE(m_http->requests().size(), 3);
    QCOMPARE(drain(m_pageQueue).size(), 0);
    QCOMPARE(n->pendingCount(), 0);
}

void TestNotify::warRoom_getsStatusUpdatesAndResolution()
{
    const QString number = open(QStringLiteral("P1"), QStringLiteral("critical"));
    auto n = notifier();
    QCOMPARE(deliverAll(*n), 3);
    drain(m_pageQueue);

    auto s1 = m_ctx->engine().execute(
        engine::Command::make(engine::Command::Kind::StatusUpdate, number,
                              {{QStringLiteral("message"), QStringLiteral("Rolling back 4.2")},
                               {QStringLiteral("visibility"), QStringLiteral("internal")}}));
    QVERIFY2(s1, qPrintable(s1.errorMessage()));
    auto s2 = m_ctx->engine().execute(engine::Command::make(
        engine::Command::Kind::StatusUpdate, number,
        {{QStringLiteral("message"), QStringLiteral("Checkout is degraded; a fix is rolling out")},
         {QStringLiteral("visibility"), QStringLiteral("external")}}));
    QVERIFY2(s2, qPrintable(s2.errorMessage()));
    auto res = m_ctx->engine().execute(engine::Command::transition(
        number, QStringLiteral("resolved"), QStringLiteral("user"),
        {{QStringLiteral("resolution_note"), QStringLiteral("rolled back")},
         {QStringLiteral("root_cause"), QStringLiteral("configuration")}}));
    QVERIFY2(res, qPrintable(res.errorMessage()));
    deliverAll(*n);

    // War room: declaration, two status updates, the resolution; still one channel.
    QCOMPARE(m_http->requestsTo("/api/conversations.create").size(), 1);
    const auto posts = m_http->requestsTo("/api/chat.postMessage");
    QStringList texts;
    for (const auto &p : posts) {
        const auto o = QJsonDocument::fromJson(p.body).object();
        QCOMPARE(o[u"channel"].toString(), QStringLiteral("CWAR1"));
        texts << o[u"text"].toString();
    }
    QCOMPARE(texts.size(), 4);
    QVERIFY(texts[1].contains(QStringLiteral("Rolling back 4.2")));
    QVERIFY(texts[2].contains(QStringLiteral("rolling out")));
    QVERIFY(texts[3].contains(QStringLiteral("resolved")));
    // Only the external update went to the status topic.
    const auto status = drain(m_statusQueue);
    QCOMPARE(status.size(), 1);
    QCOMPARE(status[0][u"message_text"].toString(),
             QStringLiteral("Checkout is degraded; a fix is rolling out"));
    // The resolve transition notified the page topic again (the workflow's notify action).
    QCOMPARE(drain(m_pageQueue).size(), 1);
    QCOMPARE(n->pendingCount(), 0);
    QCOMPARE(n->deliveries(QStringLiteral("failed")).size(), 0);
}

void TestNotify::slaBreach_publishesToSlaTopic()
{
    const QString number = open(QStringLiteral("P1"), QStringLiteral("critical"));
    auto breaches = m_ctx->engine().checkSla(m_ctx->clock().nowMs() + 24LL * 3600 * 1000);
    QVERIFY2(breaches, qPrintable(breaches.errorMessage()));
    QVERIFY(*breaches >= 1);
    auto n = notifier();
    deliverAll(*n);
    const auto sla = drain(m_slaQueue);
    QVERIFY(sla.size() >= 1);
    QCOMPARE(sla[0][u"event_kind"].toString(), domain::kinds::SlaBreached);
    QCOMPARE(sla[0][u"incident"].toObject()[u"number"].toString(), number);
    QVERIFY(sla[0][u"text"].toString().contains(QStringLiteral("SLA")));
    bool recorded = false;
    for (const auto &e : timelineOf(number, DeliveredKind))
        recorded = recorded || e.payload[u"channel"].toString() == u"sla_topic";
    QVERIFY(recorded);
}

void TestNotify::failingWebhook_isRetriedAndDeliveredOnce()
{
    // P3 notifies team_channel: a webhook that fails twice before it accepts.
    const QString number = openP3WithFlakyWebhook(2, 503);
    auto n = notifier();
    deliverUntilDrained(*n, 5);
    const auto hits = m_http->requestsTo("/hooks/flaky");
    QCOMPARE(hits.size(), 3);
    QCOMPARE(hits[0].headers.value("idempotency-key"), hits[2].headers.value("idempotency-key"));
    const auto delivered = timelineOf(number, DeliveredKind);
    QCOMPARE(delivered.size(), 1);
    QCOMPARE(delivered[0].payload[u"attempts"].toInt(), 3);
    QCOMPARE(timelineOf(number, FailedKind).size(), 0);
    QCOMPARE(deliverAll(*n), 0);
    QCOMPARE(m_http->requestsTo("/hooks/flaky").size(), 3);
}

void TestNotify::rejectedWebhook_recordsFailureOnTimeline()
{
    const QString number = openP3WithFlakyWebhook(100, 400);
    auto n = notifier();
    QSignalSpy failed(n.get(), &Notifier::failed);
    deliverAll(*n);
    QCOMPARE(m_http->requestsTo("/hooks/flaky").size(), 1); // a 400 is not retried
    QCOMPARE(failed.size(), 1);
    const auto f = timelineOf(number, FailedKind);
    QCOMPARE(f.size(), 1);
    QVERIFY(f[0].payload[u"error"].toString().contains(QStringLiteral("HTTP 400")));
    QCOMPARE(n->deliveries(QStringLiteral("failed")).size(), 1);
}

void TestNotify::webhookFailingEveryTime_isDeadLetteredAfterMaxAttempts()
{
    // 503 is transient: retried by the queue's backoff policy until max_attempts (4), then
    // given up as a dead letter, on the timeline and in the queue, also after a rebuild.
    const QString number = openP3WithFlakyWebhook(100, 503);
    auto n = notifier();
    deliverUntilDrained(*n, 8);
    QCOMPARE(m_http->requestsTo("/hooks/flaky").size(), 4);
    const auto f = timelineOf(number, FailedKind);
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].payload[u"attempts"].toInt(), 4);
    QVERIFY(f[0].payload[u"dead_letter"].toBool());
    QCOMPARE(n->deliveries(QStringLiteral("dead")).size(), 1);
    QCOMPARE(n->deliveries(QStringLiteral("failed")).size(), 0);
    QCOMPARE(n->counts().undeliverable(), qint64(1));
    QVERIFY(n->rebuild());
    QCOMPARE(n->deliveries(QStringLiteral("dead")).size(), 1);
    QCOMPARE(deliverAll(*n), 0);
    QCOMPARE(m_http->requestsTo("/hooks/flaky").size(), 4);
}

void TestNotify::warRoomCreatedEarlier_isFoundNotDoubled()
{
    // An earlier attempt created the room but its answer was lost: Slack says name_taken.
    m_standIns.nameTaken = true;
    const QString number = open(QStringLiteral("P1"), QStringLiteral("critical"));
    auto n = notifier();
    deliverAll(*n);
    const auto lists = m_http->requestsTo("/api/conversations.list");
    QCOMPARE(lists.size(), 1);
    QCOMPARE(lists[0].headers.value("content-type"),
             QByteArray("application/x-www-form-urlencoded"));
    const auto posts = m_http->requestsTo("/api/chat.postMessage");
    QCOMPARE(posts.size(), 1);
    QCOMPARE(QJsonDocument::fromJson(posts[0].body).object()[u"channel"].toString(),
             QStringLiteral("CEXIST"));
    bool recorded = false;
    for (const auto &e : timelineOf(number, DeliveredKind))
        recorded = recorded || e.payload[u"slack_channel_id"].toString() == u"CEXIST";
    QVERIFY(recorded);
}

void TestNotify::unconfiguredChannel_recordsFailure()
{
    // P4 asks for "ticket", which this configuration does not define.
    const QString number = open(QStringLiteral("P4"), QStringLiteral("low"));
    auto n = notifier();
    deliverAll(*n);
    const auto f = timelineOf(number, FailedKind);
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].payload[u"channel"].toString(), QStringLiteral("ticket"));
    QVERIFY(f[0].payload[u"error"].toString().contains(QStringLiteral("not configured")));
}

void TestNotify::restartAndRebuild_sendNothingTwice()
{
    const QString number = open(QStringLiteral("P1"), QStringLiteral("critical"));
    {
        auto first = notifier();
        QCOMPARE(deliverAll(*first), 3);
    }
    const int sent = m_http->requests().size();
    drain(m_pageQueue);

    // A new process on the same database: nothing is queued or sent again.
    auto second = notifier();
    QCOMPARE(deliverAll(*second), 0);
    // The queue dropped and derived again from the log keeps every outcome.
    QVERIFY(second->rebuild());
    const auto rows = second->deliveries();
    QCOMPARE(rows.size(), 3);
    for (const auto &d : rows)
        QCOMPARE(d.status, QStringLiteral("delivered"));
    QCOMPARE(deliverAll(*second), 0);
    QCOMPARE(m_http->requests().size(), sent);
    QCOMPARE(drain(m_pageQueue).size(), 0);

    // The war room survived the rebuild: a status update goes to the same channel.
    QVERIFY(m_ctx->engine().execute(
        engine::Command::make(engine::Command::Kind::StatusUpdate, number,
                              {{QStringLiteral("message"), QStringLiteral("still on it")}})));
    deliverAll(*second);
    QCOMPARE(m_http->requestsTo("/api/conversations.create").size(), 1);
    const auto posts = m_http->requestsTo("/api/chat.postMessage");
    QCOMPARE(QJsonDocument::fromJson(posts.last().body).object()[u"channel"].toString(),
             QStringLiteral("CWAR1"));
}

void TestNotify::runningNotifier_deliversAfterCommit()
{
    auto n = notifier();
    n->start();
    const QString number = open(QStringLiteral("P2"), QStringLiteral("high"));
    // P2: page_oncall (SNS) and slack_ops (fixed channel).
    QTRY_COMPARE_WITH_TIMEOUT(timelineOf(number, DeliveredKind).size(), 2, 15000);
    n->stop();
    const auto posts = m_http->requestsTo("/api/chat.postMessage");
    QCOMPARE(posts.size(), 1);
    QCOMPARE(QJsonDocument::fromJson(posts[0].body).object()[u"channel"].toString(),
             QStringLiteral("C0OPS"));
    QCOMPARE(m_http->requestsTo("/api/conversations.create").size(), 0);
    QCOMPARE(drain(m_pageQueue).size(), 1);
}

static QString n1Delivery(const QJsonObject &slackMessage)
{
    return slackMessage[u"metadata"]
        .toObject()[u"event_payload"]
        .toObject()[u"delivery"]
        .toString();
}

void TestNotify::slackAnsweredButNotCommitted_retryFindsMarkerAndDoesNotRepost()
{
    // P2: page_oncall (SNS) and slack_ops (fixed channel).
    const QString number = open(QStringLiteral("P2"), QStringLiteral("high"));
    {
        // Slack answers, then the process "dies" before the outcome is committed.
        auto first = notifier();
        first->setAfterAttemptHook([](const Delivery &d) { return d.transport != u"slack"; });
        deliverAll(*first);
    }
    QCOMPARE(m_standIns.slackMessages.size(), 1);
    const auto delivery = n1Delivery(m_standIns.slackMessages[0]);
    QVERIFY(delivery.startsWith(QStringLiteral("sitrep-")));
    QCOMPARE(timelineOf(number, DeliveredKind).size(), 1); // only the SNS page

    // The next run finds the marker in the channel history and records the delivery
    // with the message that is there, without posting again.
    auto second = notifier();
    QCOMPARE(deliverAll(*second), 1);
    QCOMPARE(m_http->requestsTo("/api/conversations.history").size(), 1);
    QCOMPARE(m_http->requestsTo("/api/chat.postMessage").size(), 1);
    QCOMPARE(m_standIns.slackMessages.size(), 1);
    const auto delivered = timelineOf(number, DeliveredKind);
    QCOMPARE(delivered.size(), 2);
    bool slack = false;
    for (const auto &e : delivered)
        if (e.payload[u"channel"].toString() == u"slack_ops") {
            slack = true;
            QCOMPARE(e.payload[u"remote_id"].toString(),
                     m_standIns.slackMessages[0][u"ts"].toString());
        }
    QVERIFY(slack);
    QCOMPARE(second->pendingCount(), 0);
    // A first attempt never asks the history.
    const QString p3 = open(QStringLiteral("P2"), QStringLiteral("high"));
    deliverAll(*second);
    QCOMPARE(m_http->requestsTo("/api/conversations.history").size(), 1);
    QCOMPARE(m_standIns.slackMessages.size(), 2);
    QCOMPARE(timelineOf(p3, DeliveredKind).size(), 2);
}

void TestNotify::slackPostLostBeforeSlack_isPostedOnce()
{
    m_standIns.postFailures = 1;
    const QString number = open(QStringLiteral("P2"), QStringLiteral("high"));
    auto n = notifier();
    deliverUntilDrained(*n, 4);
    // Two requests, one message: the retry looked, found nothing, posted.
    QCOMPARE(m_http->requestsTo("/api/chat.postMessage").size(), 2);
    QCOMPARE(m_http->requestsTo("/api/conversations.history").size(), 1);
    QCOMPARE(m_standIns.slackMessages.size(), 1);
    QCOMPARE(timelineOf(number, DeliveredKind).size(), 2);
    QCOMPARE(n->pendingCount(), 0);
}

void TestNotify::slackCrashInAChildProcess_restartDoesNotRepost()
{
    // A real process (`sitrep aws notify --once`) is killed right after Slack answered;
    // the next run on the same database does not post again.
    const QString number = open(QStringLiteral("P2"), QStringLiteral("high"));
    const QString db = m_ctx->dbPath();
    m_ctx.reset();
    QFile cfg(m_dir->filePath(QStringLiteral("notify.yaml")));
    QVERIFY(cfg.open(QIODevice::WriteOnly));
    cfg.write(QStringLiteral("slack: {base_url: \"%1\"}\nsla_topic: \"\"\nstatus_topic: \"\"\n"
                             "channels:\n  slack_ops: {type: slack, channel: C0OPS}\n")
                  .arg(m_http->url(QStringLiteral("/api/")))
                  .toUtf8());
    cfg.close();
    QFile token(m_dir->filePath(QStringLiteral("slack.token")));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("xoxb-test\n");
    token.close();
    const auto run = [&](bool crash) {
        QProcess p;
        auto env = QProcessEnvironment::systemEnvironment();
        if (crash)
            env.insert(QStringLiteral("SITREP_FAULT"), QStringLiteral("exit_after_slack_answer"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SITREP_BINARY),
                {QStringLiteral("aws"), QStringLiteral("notify"), QStringLiteral("--once"),
                 QStringLiteral("--db"), db, QStringLiteral("--config"), cfg.fileName(),
                 QStringLiteral("--endpoint"), m_fauxqs.url().toString(),
                 QStringLiteral("--slack-token-file"), token.fileName()});
        // The receiver lives in this thread: keep the event loop running while it works.
        QElapsedTimer t;
        t.start();
        while (p.state() != QProcess::NotRunning && t.elapsed() < 30000)
            QTest::qWait(20);
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != (crash ? 3 : 0))
            qWarning() << p.readAllStandardError();
        return p.exitCode();
    };
    QCOMPARE(run(true), 3);
    QCOMPARE(m_standIns.slackMessages.size(), 1);
    QCOMPARE(run(false), 0);
    QCOMPARE(m_standIns.slackMessages.size(), 1);
    QCOMPARE(m_http->requestsTo("/api/chat.postMessage").size(), 1);
    QCOMPARE(m_http->requestsTo("/api/conversations.history").size(), 1);
    auto ctx = host::AppContext::open(db, QStringLiteral("sre"));
    QVERIFY(ctx);
    m_ctx = std::move(*ctx);
    int slack = 0;
    for (const auto &e : timelineOf(number, DeliveredKind))
        slack += e.payload[u"channel"].toString() == u"slack_ops";
    QCOMPARE(slack, 1);
}

void TestNotify::config_loadsYamlAndRefusesPlainHttp()
{
    auto ok = NotifyConfig::fromYaml(R"(
sla_topic: ops-sla
status_topic: status-page
slack: {base_url: "http://127.0.0.1:9/api", token_secret: slack_token}
delivery: {max_attempts: 5, retry_base_ms: 100}
channels:
  page_oncall: {type: sns, topic: "arn:aws:sns:us-east-1:123456789012:page"}
  slack_critical: {type: slack, war_room: true}
  ticket: {type: webhook, url: "https://tickets.example.com/hooks/sitrep", secret: ticket_token}
)",
                                     QStringLiteral("notifications.yaml"));
    QVERIFY2(ok, qPrintable(ok.errorMessage()));
    QCOMPARE(ok->slaTopic, QStringLiteral("ops-sla"));
    QCOMPARE(ok->channels.size(), 3);
    QCOMPARE(ok->channels[QStringLiteral("slack_critical")].warRoom, true);
    QCOMPARE(ok->slackBaseUrl.toString(), QStringLiteral("http://127.0.0.1:9/api/"));
    QCOMPARE(ok->maxAttempts, 5);

    // The shipped example is valid and names the channels of every preset's policies.
    auto shipped = NotifyConfig::load(QStringLiteral(":/sitrep/config/notifications.yaml"));
    QVERIFY2(shipped, qPrintable(shipped.errorMessage()));
    for (const char *name : {"page_oncall", "notify_leadership", "slack_critical", "slack_ops",
                             "team_channel", "ticket"})
        QVERIFY2(shipped->channels.contains(QString::fromLatin1(name)), name);
    QCOMPARE(shipped->slaTopic, QStringLiteral("sitrep-sla-alerts"));

    auto bad = NotifyConfig::fromYaml(
        "channels:\n  t: {type: webhook, url: \"http://tickets.example.com/x\"}\n",
        QStringLiteral("n.yaml"));
    QVERIFY(!bad);
    QVERIFY(bad.errorMessage().contains(QStringLiteral("https")));
    auto unknown =
        NotifyConfig::fromYaml("channels:\n  t: {type: pigeon}\n", QStringLiteral("n.yaml"));
    QVERIFY(!unknown);
    QVERIFY2(unknown.errorMessage().contains(QStringLiteral("n.yaml:2")),
             qPrintable(unknown.errorMessage()));
}

QTEST_GUILESS_MAIN(TestNotify)
#include "tst_notify.moc"
