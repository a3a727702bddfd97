// SPDX-License-Identifier: MIT
#pragma once

#include "aws/awsclient.h"
#include "util/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>

namespace sitrep::aws {

/// A message attribute (String, Number or Binary; Binary travels base64 in JSON).
struct MessageAttribute {
    QString dataType = QStringLiteral("String");
    QString stringValue;
    QByteArray binaryValue;
};
using MessageAttributes = QMap<QString, MessageAttribute>;

struct SqsMessage {
    QString messageId;
    QString receiptHandle;
    QString body;
    QString md5OfBody;
    QMap<QString, QString>
        attributes; // system attributes: ApproximateReceiveCount, MessageGroupId, ...
    MessageAttributes messageAttributes;
    int receiveCount() const
    {
        return attributes.value(QStringLiteral("ApproximateReceiveCount")).toInt();
    }
};

struct SqsSendEntry {
    QString id; // batch entry id (batch calls only)
    QString body;
    int delaySeconds = -1;
    QString messageGroupId;         // FIFO queues
    QString messageDeduplicationId; // FIFO queues without content-based dedup
    MessageAttributes attributes;
};

struct SqsSendResult {
    QString id;
    QString messageId;
    QString sequenceNumber;
    QString md5OfBody;
};

struct SqsBatchError {
    QString id;
    QString code;
    QString message;
    bool senderFault = false;
};

struct SqsBatchResult {
    QList<SqsSendResult> successful; // for deletes only `id` is set
    QList<SqsBatchError> failed;
};

struct SqsReceiveRequest {
    QString queueUrl;
    int maxMessages = 10;       // 1..10
    int waitSeconds = 20;       // long poll, 0..20
    int visibilityTimeout = -1; // seconds; -1: the queue's
    QStringList messageAttributeNames{QStringLiteral("All")};
    QStringList systemAttributeNames{QStringLiteral("All")};
    QString receiveRequestAttemptId; // FIFO retry of a failed receive
};

/// Amazon SQS over the JSON 1.0 protocol (X-Amz-Target: AmazonSQS.<Op>). Asynchronous;
/// each callback is invoked exactly once, on this object's thread.
class SqsClient final : public AwsClient {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqsClient)
public:
    template <typename T> using Callback = std::function<void(Result<T>)>;
    using StatusCallback = std::function<void(Status)>;

    SqsClient(QNetworkAccessManager &nam, AwsEndpoint endpoint,
              std::shared_ptr<CredentialsProvider> credentials, QObject *parent = nullptr);

    void createQueue(const QString &name, const QMap<QString, QString> &attributes,
                     Callback<QString> done);
    void getQueueUrl(const QString &name, Callback<QString> done);
    void getQueueAttributes(const QString &queueUrl, const QStringList &names,
                            Callback<QMap<QString, QString>> done);
    void sendMessage(const QString &queueUrl, const SqsSendEntry &entry,
                     Callback<SqsSendResult> done);
    void sendMessageBatch(const QString &queueUrl, const QList<SqsSendEntry> &entries,
                          Callback<SqsBatchResult> done);
    void receiveMessage(const SqsReceiveRequest &request, Callback<QList<SqsMessage>> done);
    void deleteMessage(const QString &queueUrl, const QString &receiptHandle, StatusCallback done);
    /// Entries: (batch id, receipt handle).
    void deleteMessageBatch(const QString &queueUrl, const QList<QPair<QString, QString>> &entries,
                            Callback<SqsBatchResult> done);
    void changeMessageVisibility(const QString &queueUrl, const QString &receiptHandle, int seconds,
                                 StatusCallback done);

    /// Sends one JSON 1.0 operation; the callback gets the decoded answer or the service
    /// error as "Code: message" (Error::code holds the short error code).
    void call(const QString &operation, const QJsonObject &input, int timeoutMs,
              Callback<QJsonObject> done);

    static QJsonObject attributesToJson(const MessageAttributes &attributes);
    static MessageAttributes attributesFromJson(const QJsonObject &json);

private:
    /// A *Batch operation on a queue: the entries in, the per-entry results out.
    void batchCall(const QString &operation, const QString &queueUrl, const QJsonArray &entries,
                   Callback<SqsBatchResult> done);
};

} // namespace sitrep::aws
