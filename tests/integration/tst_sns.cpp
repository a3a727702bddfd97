// SPDX-License-Identifier: MIT
// The SNS Query client against the fauxqs emulator on 127.0.0.1: publish with message
// attributes, fan-out to SQS queues (SNS envelope and raw delivery), service errors.
#include "aws/snsclient.h"
#include "aws/sqsclient.h"
#include "fauxqsfixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::aws;
using sitrep::testing::await;

class TestSns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void publish_fansOutToEverySubscribedQueue();
    void publish_unknownTopicFailsWithCode();
    void formEncode_encodesLikeSigV4();

private:
    QList<SqsMessage> receive(const QString &url);

    testing::FauxqsProcess m_fauxqs;
    QNetworkAccessManager m_nam;
    std::unique_ptr<SqsClient> m_sqs;
    std::unique_ptr<SnsClient> m_sns;
};

void TestSns::initTestCase()
{
    if (const QString why = m_fauxqs.startWithClients(m_nam, m_sqs, m_sns); !why.isEmpty())
        QSKIP(qPrintable(why));
}

void TestSns::cleanupTestCase()
{
    m_sns.reset();
    m_sqs.reset();
    m_fauxqs.stop();
}

QList<SqsMessage> TestSns::receive(const QString &url)
{
    SqsReceiveRequest req;
    req.queueUrl = url;
    req.waitSeconds = 2;
    auto r = await<QList<SqsMessage>>([&](auto cb) { m_sqs->receiveMessage(req, cb); });
    return r ? *r : QList<SqsMessage>{};
}

void TestSns::publish_fansOutToEverySubscribedQueue()
{
    auto topic = await<QString>(
        [&](auto cb) { m_sns->createTopic(QStringLiteral("sitrep-alerts"), {}, cb); });
    QVERIFY2(topic, qPrintable(topic.errorMessage()));
    QVERIFY(topic->startsWith(QStringLiteral("arn:aws:sns:")));

    QStringList urls, arns;
    for (const QString &name : {QStringLiteral("fan-envelope"), QStringLiteral("fan-raw")}) {
        auto url = await<QString>([&](auto cb) { m_sqs->createQueue(name, {}, cb); });
        QVERIFY2(url, qPrintable(url.errorMessage()));
        auto attrs = await<QMap<QString, QString>>(
            [&](auto cb) { m_sqs->getQueueAttributes(*url, {QStringLiteral("QueueArn")}, cb); });
        QVERIFY(attrs);
        urls << *url;
        arns << attrs->value(QStringLiteral("QueueArn"));
    }
    auto s1 = await<QString>(
        [&](auto cb) { m_sns->subscribe(*topic, QStringLiteral("sqs"), arns[0], {}, cb); });
    QVERIFY2(s1, qPrintable(s1.errorMessage()));
    auto s2 = await<QString>([&](auto cb) {
        m_sns->subscribe(*topic, QStringLiteral("sqs"), arns[1],
                         {{QStringLiteral("RawMessageDelivery"), QStringLiteral("true")}}, cb);
    });
    QVERIFY2(s2, qPrintable(s2.errorMessage()));

    SnsPublishRequest p;
    p.topicArn = *topic;
    p.subject = QStringLiteral("SLA breached");
    p.message = QStringLiteral(R"({"incident":"INC0000001","text":"a & b = c; ü"})");
    p.attributes[QStringLiteral("source")] =
        MessageAttribute{QStringLiteral("String"), QStringLiteral("alertmanager"), {}};
    p.attributes[QStringLiteral("priority")] =
        MessageAttribute{QStringLiteral("Number"), QStringLiteral("1"), {}};
    auto id = await<QString>([&](auto cb) { m_sns->publish(p, cb); });
    QVERIFY2(id, qPrintable(id.errorMessage()));
    QVERIFY(!id->isEmpty());

    // The envelope queue gets the SNS notification JSON with the message inside.
    const auto env = receive(urls[0]);
    QCOMPARE(env.size(), 1);
    const QJsonObject o = QJsonDocument::fromJson(env[0].body.toUtf8()).object();
    QCOMPARE(o[u"Type"].toString(), QStringLiteral("Notification"));
    QCOMPARE(o[u"MessageId"].toString(), *id);
    QCOMPARE(o[u"TopicArn"].toString(), *topic);
    QCOMPARE(o[u"Message"].toString(), p.message);
    QCOMPARE(o[u"MessageAttributes"].toObject()[u"source"].toObject()[u"Value"].toString(),
             QStringLiteral("alertmanager"));

    // Raw delivery: the message itself, attributes as SQS message attributes.
    const auto raw = receive(urls[1]);
    QCOMPARE(raw.size(), 1);
    QCOMPARE(raw[0].body, p.message);
    QCOMPARE(raw[0].messageAttributes.value(QStringLiteral("source")).stringValue,
             QStringLiteral("alertmanager"));
}

void TestSns::publish_unknownTopicFailsWithCode()
{
    SnsPublishRequest p;
    p.topicArn = QStringLiteral("arn:aws:sns:us-east-1:000000000000:does-not-exist");
    p.message = QStringLiteral("x");
    auto r = await<QString>([&](auto cb) { m_sns->publish(p, cb); });
    QVERIFY(!r);
    QVERIFY2(r.error().code.contains(QStringLiteral("NotFound")), qPrintable(r.errorMessage()));
}

void TestSns::formEncode_encodesLikeSigV4()
{
    QCOMPARE(SnsClient::formEncode({{QStringLiteral("Message"), QStringLiteral("a b&c=ü~")}}),
             QByteArray("Message=a%20b%26c%3D%C3%BC~"));
}

QTEST_GUILESS_MAIN(TestSns)
#include "tst_sns.moc"
