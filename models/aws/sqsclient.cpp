// SPDX-License-Identifier: MIT
#include "aws/sqsclient.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace sitrep::aws {

namespace {

QJsonObject sendEntryJson(const SqsSendEntry &e)
{
    QJsonObject o{{QStringLiteral("MessageBody"), e.body}};
    if (!e.id.isEmpty())
        o[u"Id"] = e.id;
    if (e.delaySeconds >= 0)
        o[u"DelaySeconds"] = e.delaySeconds;
    if (!e.messageGroupId.isEmpty())
        o[u"MessageGroupId"] = e.messageGroupId;
    if (!e.messageDeduplicationId.isEmpty())
        o[u"MessageDeduplicationId"] = e.messageDeduplicationId;
    if (!e.attributes.isEmpty())
        o[u"MessageAttributes"] = SqsClient::attributesToJson(e.attributes);
    return o;
}

SqsSendResult sendResultFromJson(const QJsonObject &o)
{
    return {o[u"Id"].toString(), o[u"MessageId"].toString(), o[u"SequenceNumber"].toString(),
            o[u"MD5OfMessageBody"].toString()};
}

SqsBatchResult batchFromJson(const QJsonObject &o)
{
    SqsBatchResult r;
    for (const auto &v : o[u"Successful"].toArray())
        r.successful << sendResultFromJson(v.toObject());
    for (const auto &v : o[u"Failed"].toArray()) {
        const auto f = v.toObject();
        r.failed << SqsBatchError{f[u"Id"].toString(), f[u"Code"].toString(),
                                  f[u"Message"].toString(), f[u"SenderFault"].toBool()};
    }
    return r;
}

} // namespace

SqsClient::SqsClient(QNetworkAccessManager &nam, AwsEndpoint endpoint,
                     std::shared_ptr<CredentialsProvider> credentials, QObject *parent)
    : AwsClient(nam, std::move(endpoint), std::move(credentials), QStringLiteral("sqs"), parent)
{
}

QJsonObject SqsClient::attributesToJson(const MessageAttributes &attributes)
{
    QJsonObject o;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        QJsonObject v{{QStringLiteral("DataType"), it->dataType}};
        if (it->dataType.startsWith(u"Binary"))
            v[u"BinaryValue"] = QString::fromLatin1(it->binaryValue.toBase64());
        else
            v[u"StringValue"] = it->stringValue;
        o[it.key()] = v;
    }
    return o;
}

MessageAttributes SqsClient::attributesFromJson(const QJsonObject &json)
{
    MessageAttributes m;
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        const auto v = it->toObject();
        MessageAttribute a;
        a.dataType = v[u"DataType"].toString();
        a.stringValue = v[u"StringValue"].toString();
        if (v.contains(u"BinaryValue"))
            a.binaryValue = QByteArray::fromBase64(v[u"BinaryValue"].toString().toLatin1());
        m.insert(it.key(), a);
    }
    return m;
}

void SqsClient::call(const QString &operation, const QJsonObject &input, int timeoutMs,
                     Callback<QJsonObject> done)
{
    const QByteArray body = QJsonDocument(input).toJson(QJsonDocument::Compact);
    post("application/x-amz-json-1.0", "AmazonSQS." + operation.toLatin1(), body, timeoutMs,
         [operation, done = std::move(done)](Result<AwsResponse> r) {
             if (!r) {
                 done(r.error());
                 return;
             }
             QJsonParseError pe{};
             const QJsonDocument doc = r->body.isEmpty() ? QJsonDocument(QJsonObject())
                                                         : QJsonDocument::fromJson(r->body, &pe);
             const QJsonObject o = doc.object();
             if (r->httpStatus / 100 != 2) {
                 // JSON 1.0 errors: {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message":
                 // ...}
                 QString code = o[u"__type"].toString();
                 code = code.mid(code.lastIndexOf(u'#') + 1);
                 const QString msg = o[u"message"].toString(
                     o[u"Message"].toString(QString::fromUtf8(r->body.left(200))));
                 if (code.isEmpty())
                     code = QStringLiteral("HTTP%1").arg(r->httpStatus);
                 done(Result<QJsonObject>::fail(
                     QStringLiteral("SQS %1 failed: %2: %3").arg(operation, code, msg), code));
                 return;
             }
             if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                 done(Result<QJsonObject>::fail(
                     QStringLiteral("SQS %1 answered with malformed JSON: %2")
                         .arg(operation, pe.errorString()),
                     QStringLiteral("protocol")));
                 return;
             }
             done(o);
         });
}

void SqsClient::createQueue(const QString &name, const QMap<QString, QString> &attributes,
                            Callback<QString> done)
{
    QJsonObject in{{QStringLiteral("QueueName"), name}};
    if (!attributes.isEmpty()) {
        QJsonObject a;
        for (auto it = attributes.cbegin(); it != attributes.cend(); ++it)
            a[it.key()] = it.value();
        in[u"Attributes"] = a;
    }
    call(QStringLiteral("CreateQueue"), in, 0, [done = std::move(done)](Result<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(r->value(u"QueueUrl").toString());
    });
}

void SqsClient::getQueueUrl(const QString &name, Callback<QString> done)
{
    call(QStringLiteral("GetQueueUrl"), {{QStringLiteral("QueueName"), name}}, 0,
         [done = std::move(done)](Result<QJsonObject> r) {
             if (!r)
                 return done(r.error());
             done(r->value(u"QueueUrl").toString());
         });
}

void SqsClient::getQueueAttributes(const QString &queueUrl, const QStringList &names,
                                   Callback<QMap<QString, QString>> done)
{
    const QJsonObject in{
        {QStringLiteral("QueueUrl"), queueUrl},
        {QStringLiteral("AttributeNames"),
         QJsonArray::fromStringList(names.isEmpty() ? QStringList{QStringLiteral("All")} : names)}};
    call(QStringLiteral("GetQueueAttributes"), in, 0,
         [done = std::move(done)](Result<QJsonObject> r) {
             if (!r)
                 return done(r.error());
             QMap<QString, QString> m;
             const auto a = r->value(u"Attributes").toObject();
             for (auto it = a.constBegin(); it != a.constEnd(); ++it)
                 m.insert(it.key(), it->toString());
             done(m);
         });
}

void SqsClient::sendMessage(const QString &queueUrl, const SqsSendEntry &entry,
                            Callback<SqsSendResult> done)
{
    QJsonObject in = sendEntryJson(entry);
    in.remove(u"Id");
    in[u"QueueUrl"] = queueUrl;
    call(QStringLiteral("SendMessage"), in, 0, [done = std::move(done)](Result<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(sendResultFromJson(*r));
    });
}

void SqsClient::batchCall(const QString &action, const QString &queueUrl, const QJsonArray &entries,
                          Callback<SqsBatchResult> done)
{
    call(action, {{QStringLiteral("QueueUrl"), queueUrl}, {QStringLiteral("Entries"), entries}}, 0,
         [done = std::move(done)](Result<QJsonObject> r) {
             if (!r)
                 return done(r.error());
             done(batchFromJson(*r));
         });
}

void SqsClient::sendMessageBatch(const QString &queueUrl, const QList<SqsSendEntry> &entries,
                                 Callback<SqsBatchResult> done)
{
    QJsonArray arr;
    for (int i = 0; i < entries.size(); ++i) {
        QJsonObject e = sendEntryJson(entries[i]);
        if (entries[i].id.isEmpty())
            e[u"Id"] = QString::number(i);
        arr << e;
    }
    batchCall(QStringLiteral("SendMessageBatch"), queueUrl, arr, std::move(done));
}

void SqsClient::receiveMessage(const SqsReceiveRequest &request, Callback<QList<SqsMessage>> done)
{
    const int wait = std::clamp(request.waitSeconds, 0, 20);
    QJsonObject in{{QStringLiteral("QueueUrl"), request.queueUrl},
                   {QStringLiteral("MaxNumberOfMessages"), std::clamp(request.maxMessages, 1, 10)},
                   {QStringLiteral("WaitTimeSeconds"), wait}};
    if (request.visibilityTimeout >= 0)
        in[u"VisibilityTimeout"] = request.visibilityTimeout;
    if (!request.messageAttributeNames.isEmpty())
        in[u"MessageAttributeNames"] = QJsonArray::fromStringList(request.messageAttributeNames);
    if (!request.systemAttributeNames.isEmpty()) {
        // Both spellings: older endpoints and emulators know only AttributeNames.
        in[u"MessageSystemAttributeNames"] =
            QJsonArray::fromStringList(request.systemAttributeNames);
        in[u"AttributeNames"] = QJsonArray::fromStringList(request.systemAttributeNames);
    }
    if (!request.receiveRequestAttemptId.isEmpty())
        in[u"ReceiveRequestAttemptId"] = request.receiveRequestAttemptId;
    // The transfer timeout must outlast the long poll, or every quiet poll would fail.
    const int timeout = wait * 1000 + endpoint().timeoutMs;
    call(QStringLiteral("ReceiveMessage"), in, timeout,
         [done = std::move(done)](Result<QJsonObject> r) {
             if (!r)
                 return done(r.error());
             QList<SqsMessage> out;
             for (const auto &v : r->value(u"Messages").toArray()) {
                 const auto o = v.toObject();
                 SqsMessage m;
                 m.messageId = o[u"MessageId"].toString();
                 m.receiptHandle = o[u"ReceiptHandle"].toString();
                 m.body = o[u"Body"].toString();
                 m.md5OfBody = o[u"MD5OfBody"].toString();
                 const auto a = o[u"Attributes"].toObject();
                 for (auto it = a.constBegin(); it != a.constEnd(); ++it)
                     m.attributes.insert(it.key(), it->toString());
                 m.messageAttributes = attributesFromJson(o[u"MessageAttributes"].toObject());
                 out << m;
             }
             done(out);
         });
}

void SqsClient::deleteMessage(const QString &queueUrl, const QString &receiptHandle,
                              StatusCallback done)
{
    call(QStringLiteral("DeleteMessage"),
         {{QStringLiteral("QueueUrl"), queueUrl}, {QStringLiteral("ReceiptHandle"), receiptHandle}},
         0, [done = std::move(done)](Result<QJsonObject> r) {
             done(r ? Status() : Status(r.error()));
         });
}

void SqsClient::deleteMessageBatch(const QString &queueUrl,
                                   const QList<QPair<QString, QString>> &entries,
                                   Callback<SqsBatchResult> done)
{
    QJsonArray arr;
    for (const auto &[id, handle] : entries)
        arr << QJsonObject{{QStringLiteral("Id"), id}, {QStringLiteral("ReceiptHandle"), handle}};
    batchCall(QStringLiteral("DeleteMessageBatch"), queueUrl, arr, std::move(done));
}

void SqsClient::changeMessageVisibility(const QString &queueUrl, const QString &receiptHandle,
                                        int seconds, StatusCallback done)
{
    call(QStringLiteral("ChangeMessageVisibility"),
         {{QStringLiteral("QueueUrl"), queueUrl},
          {QStringLiteral("ReceiptHandle"), receiptHandle},
          {QStringLiteral("VisibilityTimeout"), seconds}},
         0, [done = std::move(done)](Result<QJsonObject> r) {
             done(r ? Status() : Status(r.error()));
         });
}

} // namespace sitrep::aws
