// SPDX-License-Identifier: MIT
// The SQS alert consumer against fauxqs: SNS envelopes and raw messages are ingested and
// deleted only after commit; a redelivered message (consumer gone between commit and
// delete, or SNS delivering twice) creates nothing new; bad and failing payloads are not
// deleted.
#include "aws/snsclient.h"
#include "engine/command.h"
#include "fauxqsfixture.h"
#include "host/appcontext.h"
#include "ingest/ingestpipeline.h"
#include "ingest/sqsconsumer.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::aws;
using namespace sitrep::host;
using namespace sitrep::ingest;
using sitrep::testing::await;

class TestSqsConsumer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void snsEnvelope_isIngestedThenDeleted();
    void killedBetweenCommitAndDelete_redeliveryCreatesNothingNew();
    void duplicateSnsDelivery_createsNothingNew();
    void rawDelivery_takesSourceFromMessageAttribute();
    void invalidPayload_isNotDeletedAndNoted();
    void transientFailure_isRetriedLater();
    void poisonMessage_endsInDeadLetterQueueAfterMaxReceiveCount();
    void attachedConsumer_writesInboxRowInTheIngestTransaction();
    void runningConsumer_drainsQueue();
    void envelope_feedsIngestPipeline();
    void cliConsumerKilledBetweenCommitAndDelete_createsNothingNew();

private:
    QString newQueue(const QString &name);
    QString subscribedQueue(const QString &name, bool raw);
    QString publish(const QString &message, const QString &source);
    int queueDepth(const QString &url);
    SqsConsumerConfig config(const QString &url, int visibility = 30);
    IngestHandler openingHandler();

    testing::FauxqsProcess m_fauxqs;
    QNetworkAccessManager m_nam;
    std::unique_ptr<SqsClient> m_sqs;
    std::unique_ptr<SnsClient> m_sns;
    QString m_topic;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<host::AppContext> m_ctx;
    QList<InboundAlert> m_seen;
    int m_queueNo = 0;
};

void TestSqsConsumer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    if (const QString why = m_fauxqs.startWithClients(m_nam, m_sqs, m_sns); !why.isEmpty())
        QSKIP(qPrintable(why));
    auto t = await<QString>(
        [&](auto cb) { m_sns->createTopic(QStringLiteral("sitrep-inbound-alerts"), {}, cb); });
    QVERIFY2(t, qPrintable(t.errorMessage()));
    m_topic = *t;
}

void TestSqsConsumer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto ctx =
        host::AppContext::open(m_dir->filePath(QStringLiteral("sitrep.db")), QStringLiteral("sre"));
    QVERIFY2(ctx, qPrintable(ctx.errorMessage()));
    m_ctx = std::move(*ctx);
    m_seen.clear();
}

void TestSqsConsumer::cleanup()
{
    m_ctx.reset();
    m_dir.reset();
}

void TestSqsConsumer::cleanupTestCase()
{
    m_sns.reset();
    m_sqs.reset();
    m_fauxqs.stop();
}

QString TestSqsConsumer::newQueue(const QString &name)
{
    auto url = await<QString>([&](auto cb) {
        m_sqs->createQueue(QStringLiteral("%1-%2").arg(name).arg(++m_queueNo), {}, cb);
    });
    return url ? *url : QString();
}

QString TestSqsConsumer::subscribedQueue(const QString &name, bool raw)
{
    const QString url = newQueue(name);
    auto a = await<QMap<QString, QString>>(
        [&](auto cb) { m_sqs->getQueueAttributes(url, {QStringLiteral("QueueArn")}, cb); });
    if (!a)
        return {};
    QMap<QString, QString> attrs;
    if (raw)
        attrs[QStringLiteral("RawMessageDelivery")] = QStringLiteral("true");
    auto s = await<QString>([&](auto cb) {
        m_sns->subscribe(m_topic, QStringLiteral("sqs"), a->value(QStringLiteral("QueueArn")),
                         attrs, cb);
    });
    return s ? url : QString();
}

QString TestSqsConsumer::publish(const QString &message, const QString &source)
{
    SnsPublishRequest p;
    p.topicArn = m_topic;
    p.message = message;
    p.attributes[QStringLiteral("source")] = MessageAttribute{QStringLiteral("String"), source, {}};
    auto id = await<QString>([&](auto cb) { m_sns->publish(p, cb); });
    return id ? *id : QString();
}

int TestSqsConsumer::queueDepth(const QString &url)
{
    auto a = await<QMap<QString, QString>>([&](auto cb) {
        m_sqs->getQueueAttributes(url,
                                  {QStringLiteral("ApproximateNumberOfMessages"),
                                   QStringLiteral("ApproximateNumberOfMessagesNotVisible")},
                                  cb);
    });
    if (!a)
        return -1;
    return a->value(QStringLiteral("ApproximateNumberOfMessages")).toInt() +
           a->value(QStringLiteral("ApproximateNumberOfMessagesNotVisible")).toInt();
}

SqsConsumerConfig TestSqsConsumer::config(const QString &url, int visibility)
{
    SqsConsumerConfig c;
    c.queueUrl = url;
    c.waitSeconds = 1;
    c.visibilityTimeout = visibility;
    c.retryDelaySeconds = 1;
    return c;
}

/// Stands in for the ingestion pipeline: opens one incident per payload through the engine.
IngestHandler TestSqsConsumer::openingHandler()
{
    return [this](const InboundAlert &a) -> Status {
        m_seen << a;
        const QJsonObject o = QJsonDocument::fromJson(a.body).object();
        if (o.value(u"title").toString().isEmpty())
            return Status::fail(QStringLiteral("payload has no title"), QStringLiteral("invalid"));
        auto r = m_ctx->engine().execute(
            engine::Command::open({{QStringLiteral("title"), o.value(u"title").toString()},
                                   {QStringLiteral("severity"), QStringLiteral("high")}},
                                  QStringLiteral("sqs")));
        if (!r)
            return r.error();
        return {};
    };
}

void TestSqsConsumer::snsEnvelope_isIngestedThenDeleted()
{
    const QString url = subscribedQueue(QStringLiteral("envelope"), false);
    QVERIFY(!url.isEmpty());
    const QString snsId =
        publish(QStringLiteral(R"({"title":"checkout 5xx"})"), QStringLiteral("generic"));
    QVERIFY(!snsId.isEmpty());

    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), openingHandler(), config(url));
    auto n = await<int>([&](auto cb) { consumer.pollOnce(cb); });
    QVERIFY2(n, qPrintable(n.errorMessage()));
    QCOMPARE(*n, 1);
    QCOMPARE(m_seen.size(), 1);
    QVERIFY(m_seen[0].snsEnvelope);
    QCOMPARE(m_seen[0].source, QStringLiteral("generic"));
    QCOMPARE(m_seen[0].dedupKey, QStringLiteral("sns:") + snsId);
    QCOMPARE(m_seen[0].body, QByteArray(R"({"title":"checkout 5xx"})"));
    QCOMPARE(m_ctx->store().incidentCount(), 1);
    QCOMPARE(consumer.stats().deleted, 1);
    QCOMPARE(queueDepth(url), 0);
}

void TestSqsConsumer::killedBetweenCommitAndDelete_redeliveryCreatesNothingNew()
{
    const QString url = subscribedQueue(QStringLiteral("killed"), false);
    QVERIFY(!publish(QStringLiteral(R"({"title":"db primary down"})"), QStringLiteral("generic"))
                 .isEmpty());
    {
        // The first consumer commits the incident and dies before its delete.
        SqsAlertConsumer first(*m_sqs, m_ctx->store(), openingHandler(), config(url, 1));
        first.attachTo(m_ctx->engine());
        first.setBeforeDeleteHook([](const SqsMessage &) { return false; });
        auto n = await<int>([&](auto cb) { first.pollOnce(cb); });
        QVERIFY2(n, qPrintable(n.errorMessage()));
        QCOMPARE(*n, 1);
        QCOMPARE(first.stats().deleted, 0);
    }
    QCOMPARE(m_ctx->store().incidentCount(), 1);
    QCOMPARE(queueDepth(url), 1); // still there, invisible for a second

    // A fresh consumer gets the redelivery once the visibility timeout ran out.
    SqsAlertConsumer second(*m_sqs, m_ctx->store(), openingHandler(), config(url));
    int received = 0;
    for (int i = 0; i < 6 && received == 0; ++i) {
        auto n = await<int>([&](auto cb) { second.pollOnce(cb); });
        QVERIFY2(n, qPrintable(n.errorMessage()));
        received += *n;
    }
    QCOMPARE(received, 1);
    QCOMPARE(second.stats().duplicates, 1);
    QCOMPARE(second.stats().deleted, 1);
    QCOMPARE(m_ctx->store().incidentCount(), 1);
    QCOMPARE(m_seen.size(), 1); // the handler never saw it again
    QCOMPARE(queueDepth(url), 0);
}

void TestSqsConsumer::duplicateSnsDelivery_createsNothingNew()
{
    // SNS delivers at least once: the same envelope can arrive as two SQS messages.
    const QString url = newQueue(QStringLiteral("twice"));
    const QJsonObject env{
        {QStringLiteral("Type"), QStringLiteral("Notification")},
        {QStringLiteral("MessageId"), QStringLiteral("4f3c0d9e-sns-duplicate")},
        {QStringLiteral("TopicArn"), m_topic},
        {QStringLiteral("Message"), QStringLiteral(R"({"title":"queue backlog"})")},
        {QStringLiteral("MessageAttributes"),
         QJsonObject{{QStringLiteral("source"),
                      QJsonObject{{QStringLiteral("Type"), QStringLiteral("String")},
                                  {QStringLiteral("Value"), QStringLiteral("generic")}}}}}};
    SqsSendEntry e;
    e.body = QString::fromUtf8(QJsonDocument(env).toJson(QJsonDocument::Compact));
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); }));
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); }));
    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), openingHandler(), config(url));
    int received = 0;
    for (int i = 0; i < 4 && received < 2; ++i) {
        auto n = await<int>([&](auto cb) { consumer.pollOnce(cb); });
        QVERIFY(n);
        received += *n;
    }
    QCOMPARE(received, 2);
    QCOMPARE(consumer.stats().ingested, 1);
    QCOMPARE(consumer.stats().duplicates, 1);
    QCOMPARE(consumer.stats().deleted, 2);
    QCOMPARE(m_ctx->store().incidentCount(), 1);
}

void TestSqsConsumer::rawDelivery_takesSourceFromMessageAttribute()
{
    const QString url = subscribedQueue(QStringLiteral("raw"), true);
    QVERIFY(!publish(QStringLiteral(R"({"title":"latency p99"})"), QStringLiteral("datadog"))
                 .isEmpty());
    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), openingHandler(), config(url));
    auto n = await<int>([&](auto cb) { consumer.pollOnce(cb); });
    QVERIFY(n);
    QCOMPARE(*n, 1);
    QCOMPARE(m_seen.size(), 1);
    QVERIFY(!m_seen[0].snsEnvelope);
    QCOMPARE(m_seen[0].source, QStringLiteral("datadog"));
    QVERIFY(m_seen[0].dedupKey.startsWith(QStringLiteral("sqs:")));
    QCOMPARE(m_seen[0].body, QByteArray(R"({"title":"latency p99"})"));
}

void TestSqsConsumer::invalidPayload_isNotDeletedAndNoted()
{
    const QString url = newQueue(QStringLiteral("invalid"));
    SqsSendEntry e;
    e.body = QStringLiteral(R"({"no":"title"})");
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); }));
    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), openingHandler(), config(url));
    QSignalSpy rejected(&consumer, &SqsAlertConsumer::messageRejected);
    auto n = await<int>([&](auto cb) { consumer.pollOnce(cb); });
    QVERIFY(n);
    QCOMPARE(consumer.stats().rejected, 1);
    QCOMPARE(consumer.stats().deleted, 0);
    QCOMPARE(rejected.size(), 1);
    QVERIFY(rejected[0][1].toString().contains(QStringLiteral("no title")));
    QCOMPARE(queueDepth(url), 1); // left for the dead-letter policy
    QCOMPARE(m_ctx->store().incidentCount(), 0);
    auto s =
        m_ctx->store().db().prepareOnce(QStringLiteral("SELECT status, detail FROM aws_inbox"));
    QVERIFY(s && s->step());
    QCOMPARE(store::RowReader(*s).text(), QStringLiteral("rejected"));
}

void TestSqsConsumer::transientFailure_isRetriedLater()
{
    const QString url = newQueue(QStringLiteral("transient"));
    SqsSendEntry e;
    e.body = QStringLiteral(R"({"title":"cache evictions"})");
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); }));
    int calls = 0;
    auto inner = openingHandler();
    SqsAlertConsumer consumer(
        *m_sqs, m_ctx->store(),
        [&](const InboundAlert &a) -> Status {
            if (++calls == 1)
                return Status::fail(QStringLiteral("database is locked"), QStringLiteral("db"));
            return inner(a);
        },
        config(url));
    auto n = await<int>([&](auto cb) { consumer.pollOnce(cb); });
    QVERIFY(n);
    QCOMPARE(consumer.stats().retried, 1);
    QCOMPARE(m_ctx->store().incidentCount(), 0);
    for (int i = 0; i < 5 && consumer.stats().ingested == 0; ++i)
        QVERIFY(await<int>([&](auto cb) { consumer.pollOnce(cb); }));
    QCOMPARE(consumer.stats().ingested, 1);
    QCOMPARE(m_ctx->store().incidentCount(), 1);
    QCOMPARE(queueDepth(url), 0);
}

void TestSqsConsumer::attachedConsumer_writesInboxRowInTheIngestTransaction()
{
    const QString url = subscribedQueue(QStringLiteral("atomic"), false);
    QVERIFY(!publish(QStringLiteral(R"({"title":"payments timeouts"})"), QStringLiteral("generic"))
                 .isEmpty());
    auto inner = openingHandler();
    bool rowWithCommit = false;
    std::unique_ptr<SqsAlertConsumer> consumer;
    consumer = std::make_unique<SqsAlertConsumer>(
        *m_sqs, m_ctx->store(),
        [&](const InboundAlert &a) -> Status {
            // The row must be there the moment the engine's commit returns.
            const Status st = inner(a);
            auto q = m_ctx->store().db().prepareOnce(
                QStringLiteral("SELECT status FROM aws_inbox WHERE dedup_key=?"));
            q->bind(1, a.dedupKey);
            rowWithCommit = q->step() && store::RowReader(*q).text() == u"ingested";
            return st;
        },
        config(url));
    consumer->attachTo(m_ctx->engine());
    auto n = await<int>([&](auto cb) { consumer->pollOnce(cb); });
    QVERIFY(n);
    QCOMPARE(*n, 1);
    QVERIFY2(rowWithCommit, "the inbox row was not committed with the incident");
    QCOMPARE(consumer->stats().ingested, 1);
    QCOMPARE(m_ctx->store().incidentCount(), 1);
    // A rejected command commits nothing: no row is left behind for it.
    SqsSendEntry e;
    e.body = QStringLiteral(R"({"no":"title"})");
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); }));
    QVERIFY(await<int>([&](auto cb) { consumer->pollOnce(cb); }));
    auto q = m_ctx->store().db().prepareOnce(
        QStringLiteral("SELECT count(*) FROM aws_inbox WHERE status='ingested'"));
    QVERIFY(q->step());
    QCOMPARE(store::RowReader(*q).int64(), 1);
}

void TestSqsConsumer::poisonMessage_endsInDeadLetterQueueAfterMaxReceiveCount()
{
    const QString dlq = newQueue(QStringLiteral("poison-dlq"));
    auto arn = await<QMap<QString, QString>>(
        [&](auto cb) { m_sqs->getQueueAttributes(dlq, {QStringLiteral("QueueArn")}, cb); });
    QVERIFY(arn);
    const QString redrive =
        QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("deadLetterTargetArn"),
                                                     arn->value(QStringLiteral("QueueArn"))},
                                                    {QStringLiteral("maxReceiveCount"), 2}})
                              .toJson(QJsonDocument::Compact));
    auto url = await<QString>([&](auto cb) {
        m_sqs->createQueue(QStringLiteral("poison-main-%1").arg(++m_queueNo),
                           {{QStringLiteral("RedrivePolicy"), redrive}}, cb);
    });
    QVERIFY(url);
    SqsSendEntry bad;
    bad.body = QStringLiteral("not json at all");
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(*url, bad, cb); }));
    SqsSendEntry good;
    good.body = QStringLiteral(R"({"title":"after the poison"})");
    QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(*url, good, cb); }));

    // The consumer keeps going past the message it cannot ingest; after two receives the
    // queue's redrive policy moves it to the dead-letter queue.
    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), openingHandler(), config(*url, 1));
    for (int i = 0; i < 8 && (consumer.stats().ingested == 0 || queueDepth(*url) > 0); ++i)
        QVERIFY(await<int>([&](auto cb) { consumer.pollOnce(cb); }));
    QCOMPARE(consumer.stats().ingested, 1);
    QCOMPARE(consumer.stats().rejected, 2);
    QCOMPARE(queueDepth(*url), 0);
    QCOMPARE(m_ctx->store().incidentCount(), 1);
    SqsReceiveRequest req;
    req.queueUrl = dlq;
    req.waitSeconds = 1;
    auto dead = await<QList<SqsMessage>>([&](auto cb) { m_sqs->receiveMessage(req, cb); });
    QVERIFY(dead);
    QCOMPARE(dead->size(), 1);
    QCOMPARE(dead->at(0).body, QStringLiteral("not json at all"));
    auto q = m_ctx->store().db().prepareOnce(
        QStringLiteral("SELECT received, status FROM aws_inbox WHERE status='rejected'"));
    QVERIFY(q->step());
    QCOMPARE(store::RowReader(*q).int64(), 2);
}

void TestSqsConsumer::runningConsumer_drainsQueue()
{
    const QString url = subscribedQueue(QStringLiteral("loop"), false);
    for (int i = 0; i < 25; ++i)
        QVERIFY(
            !publish(QStringLiteral(R"({"title":"alert %1"})").arg(i), QStringLiteral("generic"))
                 .isEmpty());
    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), openingHandler(), config(url));
    consumer.start();
    QTRY_COMPARE_WITH_TIMEOUT(consumer.stats().deleted, 25, 20000);
    consumer.stop();
    QCOMPARE(m_ctx->store().incidentCount(), 25);
    QTRY_VERIFY_WITH_TIMEOUT(m_sqs->pending() == 0, 5000);
}

void TestSqsConsumer::envelope_feedsIngestPipeline()
{
    QFile f(QStringLiteral(SITREP_TESTDATA_DIR
                           "/payloads/alertmanager_webhook_v4_example_grafana_oncall.json"));
    if (!f.open(QIODevice::ReadOnly))
        QSKIP("Alertmanager example payload not found under SITREP_TESTDATA_DIR/payloads");
    const QByteArray payload = f.readAll();
    ingest::IngestPipeline pipeline(m_ctx->engine());
    {
        // Probe: until the pipeline is complete this says so instead of failing here.
        auto probe = pipeline.ingest(QStringLiteral("alertmanager"), QByteArray("{}"));
        if (!probe && probe.errorMessage().contains(QStringLiteral("not implemented")))
            QSKIP("the ingestion pipeline is not implemented in this tree yet");
    }
    const QString url = subscribedQueue(QStringLiteral("pipeline"), false);
    QVERIFY(!publish(QString::fromUtf8(payload), QStringLiteral("alertmanager")).isEmpty());
    SqsAlertConsumer consumer(*m_sqs, m_ctx->store(), SqsAlertConsumer::pipelineHandler(pipeline),
                              config(url, 1));
    consumer.attachTo(m_ctx->engine());
    consumer.setBeforeDeleteHook([](const SqsMessage &) { return false; });
    auto n = await<int>([&](auto cb) { consumer.pollOnce(cb); });
    QVERIFY(n);
    QCOMPARE(consumer.stats().ingested, 1);
    const qint64 incidents = m_ctx->store().incidentCount();
    const qint64 events = m_ctx->store().maxSeq();
    QVERIFY(incidents >= 1);
    // Redelivered after the lost delete: nothing new.
    consumer.setBeforeDeleteHook({});
    for (int i = 0; i < 6 && consumer.stats().duplicates == 0; ++i)
        QVERIFY(await<int>([&](auto cb) { consumer.pollOnce(cb); }));
    QCOMPARE(consumer.stats().duplicates, 1);
    QCOMPARE(m_ctx->store().incidentCount(), incidents);
    QCOMPARE(m_ctx->store().maxSeq(), events);
}

void TestSqsConsumer::cliConsumerKilledBetweenCommitAndDelete_createsNothingNew()
{
    // A real process: `sitrep aws consume --once` dies (fault switch) right after its
    // commit, before the delete; the next run gets the redelivery and adds nothing.
    const QString url = subscribedQueue(QStringLiteral("cli"), false);
    const QByteArray generic =
        testing::genericAlert(QStringLiteral("search latency"), QStringLiteral("search"),
                              QStringLiteral("high"), QStringLiteral("search-latency"));
    QVERIFY(!publish(QString::fromUtf8(generic), QStringLiteral("generic")).isEmpty());
    const QString db = m_dir->filePath(QStringLiteral("cli.db"));
    const auto run = [&](bool crash, QByteArray *out) {
        QProcess proc;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDTEST"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("secret"));
        env.remove(QStringLiteral("SITREP_FAULT"));
        if (crash)
            env.insert(QStringLiteral("SITREP_FAULT"), QStringLiteral("exit_before_delete"));
        proc.setProcessEnvironment(env);
        proc.start(QStringLiteral(SITREP_BINARY),
                   {QStringLiteral("aws"), QStringLiteral("consume"), QStringLiteral("--once"),
                    QStringLiteral("--queue"), url, QStringLiteral("--endpoint"),
                    m_fauxqs.url().toString(), QStringLiteral("--wait"), QStringLiteral("1"),
                    QStringLiteral("--visibility"), QStringLiteral("1"), QStringLiteral("--db"),
                    db});
        if (!proc.waitForFinished(30000))
            return -1;
        if (out)
            *out = proc.readAllStandardOutput();
        if (proc.exitCode() != 0 && proc.exitCode() != 3)
            qWarning() << proc.readAllStandardError();
        return proc.exitCode();
    };
    QCOMPARE(run(true, nullptr), 3);
    const auto incidents = [&]() -> qint64 {
        auto ctx = host::AppContext::open(db);
        return ctx ? (*ctx)->store().incidentCount() : -1;
    };
    QCOMPARE(incidents(), 1);
    QCOMPARE(queueDepth(url), 1);
    QJsonObject summary;
    for (int i = 0; i < 6 && summary.value(u"duplicates").toInt() == 0; ++i) {
        QByteArray out;
        QCOMPARE(run(false, &out), 0);
        summary = QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
    }
    QCOMPARE(summary.value(u"duplicates").toInt(), 1);
    QCOMPARE(summary.value(u"ingested").toInt(), 0);
    QCOMPARE(summary.value(u"deleted").toInt(), 1);
    QCOMPARE(incidents(), 1);
    QCOMPARE(queueDepth(url), 0);
}

QTEST_GUILESS_MAIN(TestSqsConsumer)
#include "tst_sqsconsumer.moc"
