// SPDX-License-Identifier: MIT
// The SQS JSON 1.0 client against the fauxqs emulator on 127.0.0.1: round trip, FIFO
// order per group, deduplication, visibility timeout and redelivery, dead-letter queue.
#include "aws/sqsclient.h"
#include "fauxqsfixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::aws;
using sitrep::testing::await;

class TestSqs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sendReceiveDelete_roundTripsBodyAndAttributes();
    void receive_longPollOnEmptyQueueAnswersEmpty();
    void fifo_keepsOrderWithinEachGroup();
    void fifo_deduplicatesByDeduplicationId();
    void visibilityTimeout_redeliversUndeletedMessage();
    void changeVisibility_zeroMakesMessageVisibleAgain();
    void deadLetterQueue_receivesAfterMaxReceiveCount();
    void unknownQueue_failsWithServiceErrorCode();
    void plainHttpToRemoteHost_isRefused();

private:
    QString createQueue(const QString &name, const QMap<QString, QString> &attrs = {});
    QList<SqsMessage> receive(const QString &url, int max = 10, int wait = 1, int visibility = -1);
    bool send(const QString &url, const QString &body);

    testing::FauxqsProcess m_fauxqs;
    QNetworkAccessManager m_nam;
    std::unique_ptr<SqsClient> m_sqs;
};

void TestSqs::initTestCase()
{
    if (const QString why = m_fauxqs.startWithClients(m_nam, m_sqs); !why.isEmpty())
        QSKIP(qPrintable(why));
}

void TestSqs::cleanupTestCase()
{
    m_sqs.reset();
    m_fauxqs.stop();
}

QString TestSqs::createQueue(const QString &name, const QMap<QString, QString> &attrs)
{
    auto r = await<QString>([&](auto cb) { m_sqs->createQueue(name, attrs, cb); });
    if (!r) {
        qWarning() << r.errorMessage();
        return {};
    }
    return *r;
}

/// Sends one plain message with `body`; whether SQS took it.
bool TestSqs::send(const QString &url, const QString &body)
{
    SqsSendEntry e;
    e.body = body;
    return await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); }).ok();
}

QList<SqsMessage> TestSqs::receive(const QString &url, int max, int wait, int visibility)
{
    SqsReceiveRequest req;
    req.queueUrl = url;
    req.maxMessages = max;
    req.waitSeconds = wait;
    req.visibilityTimeout = visibility;
    auto r = await<QList<SqsMessage>>([&](auto cb) { m_sqs->receiveMessage(req, cb); });
    if (!r) {
        qWarning() << r.errorMessage();
        return {};
    }
    return *r;
}

void TestSqs::sendReceiveDelete_roundTripsBodyAndAttributes()
{
    const QString url = createQueue(QStringLiteral("roundtrip"));
    QVERIFY(!url.isEmpty());
    SqsSendEntry e;
    e.body = QStringLiteral(R"({"alert":"disk full","ünïcode":"✓"})");
    e.attributes[QStringLiteral("source")] =
        MessageAttribute{QStringLiteral("String"), QStringLiteral("alertmanager"), {}};
    auto sent = await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); });
    QVERIFY2(sent, qPrintable(sent.errorMessage()));
    QVERIFY(!sent->messageId.isEmpty());

    auto attrs = await<QMap<QString, QString>>([&](auto cb) {
        m_sqs->getQueueAttributes(url, {QStringLiteral("ApproximateNumberOfMessages")}, cb);
    });
    QVERIFY2(attrs, qPrintable(attrs.errorMessage()));
    QCOMPARE(attrs->value(QStringLiteral("ApproximateNumberOfMessages")), QStringLiteral("1"));

    const auto msgs = receive(url);
    QCOMPARE(msgs.size(), 1);
    QCOMPARE(msgs[0].messageId, sent->messageId);
    QCOMPARE(msgs[0].body, e.body);
    QCOMPARE(msgs[0].messageAttributes.value(QStringLiteral("source")).stringValue,
             QStringLiteral("alertmanager"));
    QCOMPARE(msgs[0].receiveCount(), 1);

    auto del = await<void>([&](auto cb) { m_sqs->deleteMessage(url, msgs[0].receiptHandle, cb); });
    QVERIFY2(del, qPrintable(del.errorMessage()));
    QVERIFY(receive(url, 10, 0).isEmpty());
}

void TestSqs::receive_longPollOnEmptyQueueAnswersEmpty()
{
    const QString url = createQueue(QStringLiteral("empty"));
    QElapsedTimer t;
    t.start();
    SqsReceiveRequest req;
    req.queueUrl = url;
    req.waitSeconds = 2;
    auto r = await<QList<SqsMessage>>([&](auto cb) { m_sqs->receiveMessage(req, cb); });
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QVERIFY(r->isEmpty());
}

void TestSqs::fifo_keepsOrderWithinEachGroup()
{
    const QString url = createQueue(QStringLiteral("orders.fifo"),
                                    {{QStringLiteral("FifoQueue"), QStringLiteral("true")}});
    QVERIFY(!url.isEmpty());
    // Two groups interleaved, sent in two batches.
    QList<SqsSendEntry> batch;
    for (int i = 0; i < 20; ++i) {
        SqsSendEntry e;
        e.id = QStringLiteral("m%1").arg(i);
        const QString group = i % 2 ? QStringLiteral("b") : QStringLiteral("a");
        e.body = QStringLiteral("%1:%2").arg(group).arg(i);
        e.messageGroupId = group;
        e.messageDeduplicationId = QStringLiteral("dedup-%1").arg(i);
        batch << e;
        if (batch.size() == 10) {
            auto r =
                await<SqsBatchResult>([&](auto cb) { m_sqs->sendMessageBatch(url, batch, cb); });
            QVERIFY2(r, qPrintable(r.errorMessage()));
            QCOMPARE(r->successful.size(), 10);
            QVERIFY(r->failed.isEmpty());
            batch.clear();
        }
    }
    QMap<QString, QList<int>> seen;
    int guard = 0;
    int total = 0;
    while (total < 20 && guard++ < 20) {
        const auto msgs = receive(url, 10, 1);
        QList<QPair<QString, QString>> handles;
        for (const auto &m : msgs) {
            const auto parts = m.body.split(u':');
            QCOMPARE(m.attributes.value(QStringLiteral("MessageGroupId")), parts[0]);
            seen[parts[0]] << parts[1].toInt();
            handles.append({QStringLiteral("h%1").arg(handles.size()), m.receiptHandle});
        }
        total += msgs.size();
        if (!handles.isEmpty()) {
            auto d = await<SqsBatchResult>(
                [&](auto cb) { m_sqs->deleteMessageBatch(url, handles, cb); });
            QVERIFY2(d, qPrintable(d.errorMessage()));
            QCOMPARE(d->successful.size(), handles.size());
        }
    }
    QCOMPARE(total, 20);
    for (const QString &g : {QStringLiteral("a"), QStringLiteral("b")}) {
        QList<int> sorted = seen[g];
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(seen[g], sorted);
        QCOMPARE(seen[g].size(), 10);
    }
}

void TestSqs::fifo_deduplicatesByDeduplicationId()
{
    const QString url = createQueue(QStringLiteral("dedup.fifo"),
                                    {{QStringLiteral("FifoQueue"), QStringLiteral("true")}});
    QString firstId;
    for (int i = 0; i < 3; ++i) {
        SqsSendEntry e;
        e.body = QStringLiteral("attempt %1").arg(i);
        e.messageGroupId = QStringLiteral("g");
        e.messageDeduplicationId = QStringLiteral("same-event-uuid");
        auto r = await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(url, e, cb); });
        QVERIFY2(r, qPrintable(r.errorMessage()));
        if (i == 0)
            firstId = r->messageId;
        else
            QCOMPARE(r->messageId, firstId); // a duplicate answers with the original's id
    }
    const auto msgs = receive(url, 10, 1);
    QCOMPARE(msgs.size(), 1);
    QCOMPARE(msgs[0].body, QStringLiteral("attempt 0"));
}

void TestSqs::visibilityTimeout_redeliversUndeletedMessage()
{
    const QString url = createQueue(QStringLiteral("visibility"));
    QVERIFY(send(url, QStringLiteral("redeliver me")));
    const auto first = receive(url, 1, 1, 1);
    QCOMPARE(first.size(), 1);
    // Hidden while the timeout runs...
    QVERIFY(receive(url, 1, 0).isEmpty());
    // ...and back once it expired: same message, new receipt handle, counted twice.
    QList<SqsMessage> again;
    for (int i = 0; i < 5 && again.isEmpty(); ++i)
        again = receive(url, 1, 2, 30);
    QCOMPARE(again.size(), 1);
    QCOMPARE(again[0].messageId, first[0].messageId);
    QVERIFY(again[0].receiptHandle != first[0].receiptHandle);
    QCOMPARE(again[0].receiveCount(), 2);
}

void TestSqs::changeVisibility_zeroMakesMessageVisibleAgain()
{
    const QString url = createQueue(QStringLiteral("nack"));
    QVERIFY(send(url, QStringLiteral("nack me")));
    const auto first = receive(url, 1, 1, 60);
    QCOMPARE(first.size(), 1);
    auto c = await<void>(
        [&](auto cb) { m_sqs->changeMessageVisibility(url, first[0].receiptHandle, 0, cb); });
    QVERIFY2(c, qPrintable(c.errorMessage()));
    const auto again = receive(url, 1, 1);
    QCOMPARE(again.size(), 1);
    QCOMPARE(again[0].messageId, first[0].messageId);
}

void TestSqs::deadLetterQueue_receivesAfterMaxReceiveCount()
{
    const QString dlq = createQueue(QStringLiteral("alerts-dlq"));
    auto dlqAttrs = await<QMap<QString, QString>>(
        [&](auto cb) { m_sqs->getQueueAttributes(dlq, {QStringLiteral("QueueArn")}, cb); });
    QVERIFY2(dlqAttrs, qPrintable(dlqAttrs.errorMessage()));
    const QString dlqArn = dlqAttrs->value(QStringLiteral("QueueArn"));
    QVERIFY(!dlqArn.isEmpty());
    const QString redrive =
        QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("deadLetterTargetArn"), dlqArn},
                                                    {QStringLiteral("maxReceiveCount"), 2}})
                              .toJson(QJsonDocument::Compact));
    const QString url =
        createQueue(QStringLiteral("alerts-main"), {{QStringLiteral("RedrivePolicy"), redrive}});
    QVERIFY(!url.isEmpty());
    QVERIFY(send(url, QStringLiteral("poison")));
    // Two receives without delete (a consumer that keeps failing on it), each given back.
    for (int i = 0; i < 2; ++i) {
        const auto m = receive(url, 1, 1, 30);
        QCOMPARE(m.size(), 1);
        QVERIFY(await<void>(
            [&](auto cb) { m_sqs->changeMessageVisibility(url, m[0].receiptHandle, 0, cb); }));
    }
    // The third receive moves it to the DLQ instead of handing it out again.
    QVERIFY(receive(url, 1, 1).isEmpty());
    const auto dead = receive(dlq, 1, 2);
    QCOMPARE(dead.size(), 1);
    QCOMPARE(dead[0].body, QStringLiteral("poison"));
}

void TestSqs::unknownQueue_failsWithServiceErrorCode()
{
    SqsSendEntry e;
    e.body = QStringLiteral("x");
    auto r = await<SqsSendResult>([&](auto cb) {
        m_sqs->sendMessage(m_fauxqs.url().toString() + QStringLiteral("000000000000/nope"), e, cb);
    });
    QVERIFY(!r);
    QVERIFY2(r.error().code.contains(QStringLiteral("NonExistent")) ||
                 r.error().code.contains(QStringLiteral("QueueDoesNotExist")),
             qPrintable(r.errorMessage()));
}

void TestSqs::plainHttpToRemoteHost_isRefused()
{
    AwsEndpoint ep;
    ep.url = QUrl(QStringLiteral("http://sqs.us-east-1.amazonaws.com/"));
    SqsClient remote(m_nam, ep,
                     std::make_shared<StaticCredentialsProvider>(
                         AwsCredentials{QStringLiteral("a"), QStringLiteral("b"), {}}));
    auto r = await<QString>([&](auto cb) { remote.getQueueUrl(QStringLiteral("q"), cb); });
    QVERIFY(!r);
    QVERIFY(r.errorMessage().contains(QStringLiteral("https")));
}

QTEST_GUILESS_MAIN(TestSqs)
#include "tst_sqs.moc"
