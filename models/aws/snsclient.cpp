// SPDX-License-Identifier: MIT
#include "aws/snsclient.h"

#include "aws/sigv4.h"

#include <QXmlStreamReader>

namespace sitrep::aws {

using Params = QList<QPair<QString, QString>>;

namespace {

void addMap(Params &p, const QString &prefix, const QMap<QString, QString> &m)
{
    int i = 1;
    for (auto it = m.cbegin(); it != m.cend(); ++it, ++i) {
        p.append({QStringLiteral("%1.entry.%2.key").arg(prefix).arg(i), it.key()});
        p.append({QStringLiteral("%1.entry.%2.value").arg(prefix).arg(i), it.value()});
    }
}

} // namespace

SnsClient::SnsClient(QNetworkAccessManager &nam, AwsEndpoint endpoint,
                     std::shared_ptr<CredentialsProvider> credentials, QObject *parent)
    : AwsClient(nam, std::move(endpoint), std::move(credentials), QStringLiteral("sns"), parent)
{
}

QByteArray SnsClient::formEncode(const Params &params)
{
    QByteArray out;
    for (const auto &[k, v] : params) {
        if (!out.isEmpty())
            out += '&';
        out += SigV4Signer::uriEncode(k.toUtf8()) + '=' + SigV4Signer::uriEncode(v.toUtf8());
    }
    return out;
}

QString SnsClient::xmlValue(const QByteArray &xml, const QString &name)
{
    QXmlStreamReader r(xml);
    while (!r.atEnd()) {
        if (r.readNext() == QXmlStreamReader::StartElement && r.name() == name)
            return r.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    return {};
}

void SnsClient::call(const QString &action, const Params &params, const QString &element,
                     Callback<QString> done)
{
    call(action, params, [action, element, done = std::move(done)](Result<QByteArray> r) {
        if (!r)
            return done(r.error());
        const QString value = xmlValue(*r, element);
        if (value.isEmpty())
            return done(Result<QString>::fail(
                QStringLiteral("SNS %1 answered without a %2").arg(action, element),
                QStringLiteral("protocol")));
        done(value);
    });
}

void SnsClient::call(const QString &action, const Params &params, Callback<QByteArray> done)
{
    Params all{{QStringLiteral("Action"), action},
               {QStringLiteral("Version"), QStringLiteral("2010-03-31")}};
    all += params;
    post("application/x-www-form-urlencoded; charset=utf-8", {}, formEncode(all), 0,
         [action, done = std::move(done)](Result<AwsResponse> r) {
             if (!r)
                 return done(r.error());
             if (r->httpStatus / 100 != 2) {
                 QString code = xmlValue(r->body, QStringLiteral("Code"));
                 QString msg = xmlValue(r->body, QStringLiteral("Message"));
                 if (code.isEmpty())
                     code = QStringLiteral("HTTP%1").arg(r->httpStatus);
                 if (msg.isEmpty())
                     msg = QString::fromUtf8(r->body.left(200));
                 return done(Result<QByteArray>::fail(
                     QStringLiteral("SNS %1 failed: %2: %3").arg(action, code, msg), code));
             }
             done(r->body);
         });
}

void SnsClient::createTopic(const QString &name, const QMap<QString, QString> &attributes,
                            Callback<QString> done)
{
    Params p{{QStringLiteral("Name"), name}};
    addMap(p, QStringLiteral("Attributes"), attributes);
    call(QStringLiteral("CreateTopic"), p, QStringLiteral("TopicArn"), std::move(done));
}

void SnsClient::subscribe(const QString &topicArn, const QString &protocol, const QString &endpoint,
                          const QMap<QString, QString> &attributes, Callback<QString> done)
{
    Params p{{QStringLiteral("TopicArn"), topicArn},
             {QStringLiteral("Protocol"), protocol},
             {QStringLiteral("Endpoint"), endpoint},
             {QStringLiteral("ReturnSubscriptionArn"), QStringLiteral("true")}};
    addMap(p, QStringLiteral("Attributes"), attributes);
    call(QStringLiteral("Subscribe"), p, [done = std::move(done)](Result<QByteArray> r) {
        if (!r)
            return done(r.error());
        done(xmlValue(*r, QStringLiteral("SubscriptionArn")));
    });
}

void SnsClient::publish(const SnsPublishRequest &request, Callback<QString> done)
{
    Params p{{QStringLiteral("TopicArn"), request.topicArn},
             {QStringLiteral("Message"), request.message}};
    if (!request.subject.isEmpty())
        p.append({QStringLiteral("Subject"), request.subject});
    if (!request.messageGroupId.isEmpty())
        p.append({QStringLiteral("MessageGroupId"), request.messageGroupId});
    if (!request.messageDeduplicationId.isEmpty())
        p.append({QStringLiteral("MessageDeduplicationId"), request.messageDeduplicationId});
    int i = 1;
    for (auto it = request.attributes.cbegin(); it != request.attributes.cend(); ++it, ++i) {
        const QString base = QStringLiteral("MessageAttributes.entry.%1.").arg(i);
        p.append({base + QStringLiteral("Name"), it.key()});
        p.append({base + QStringLiteral("Value.DataType"), it->dataType});
        if (it->dataType.startsWith(u"Binary"))
            p.append({base + QStringLiteral("Value.BinaryValue"),
                      QString::fromLatin1(it->binaryValue.toBase64())});
        else
            p.append({base + QStringLiteral("Value.StringValue"), it->stringValue});
    }
    call(QStringLiteral("Publish"), p, QStringLiteral("MessageId"), std::move(done));
}

} // namespace sitrep::aws
