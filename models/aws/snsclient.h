// SPDX-License-Identifier: MIT
#pragma once

#include "aws/awsclient.h"
#include "aws/sqsclient.h"
#include "util/result.h"

#include <QMap>
#include <QString>

#include <functional>

namespace sitrep::aws {

struct SnsPublishRequest {
    QString topicArn;
    QString message;
    QString subject;
    MessageAttributes attributes;
    QString messageGroupId;         // FIFO topics
    QString messageDeduplicationId; // FIFO topics
};

/// Amazon SNS over the Query protocol (form-encoded Action=...&Version=2010-03-31, XML
/// answers). Asynchronous; each callback is invoked exactly once.
class SnsClient final : public AwsClient {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SnsClient)
public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    SnsClient(QNetworkAccessManager &nam, AwsEndpoint endpoint,
              std::shared_ptr<CredentialsProvider> credentials, QObject *parent = nullptr);

    /// Answers the topic ARN (creating is idempotent for the same name and attributes).
    void createTopic(const QString &name, const QMap<QString, QString> &attributes,
                     Callback<QString> done);
    /// Answers the subscription ARN. Attributes e.g. RawMessageDelivery=true.
    void subscribe(const QString &topicArn, const QString &protocol, const QString &endpoint,
                   const QMap<QString, QString> &attributes, Callback<QString> done);
    /// Answers the message id.
    void publish(const SnsPublishRequest &request, Callback<QString> done);

    /// One Query operation: `params` without Action/Version. Answers the XML body; service
    /// errors come back as "Code: message" with Error::code set to the code.
    void call(const QString &action, const QList<QPair<QString, QString>> &params,
              Callback<QByteArray> done);
    /// The same for an answer that must carry `element`: `done` gets its text, or a
    /// "protocol" error naming the missing element.
    void call(const QString &action, const QList<QPair<QString, QString>> &params,
              const QString &element, Callback<QString> done);

    /// The text of the first element named `name` in an XML answer.
    static QString xmlValue(const QByteArray &xml, const QString &name);
    /// The form encoding of a parameter list, as SigV4 canonicalizes it.
    static QByteArray formEncode(const QList<QPair<QString, QString>> &params);
};

} // namespace sitrep::aws
