// SPDX-License-Identifier: MIT
#include "sync/restclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <climits>
#include <memory>

namespace sitrep::sync {

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

bool HttpReply::isJsonObject() const
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    return err.error == QJsonParseError::NoError && doc.isObject();
}

QString HttpReply::describe() const
{
    if (networkError())
        return error.isEmpty() ? QStringLiteral("no answer from the back end") : error;
    const QJsonObject o = json();
    const QString msg = o.value(u"message").toString(o.value(u"error").toString());
    return msg.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                         : QStringLiteral("HTTP %1: %2").arg(status).arg(msg);
}

RestClient::RestClient(QUrl base, QString token, QObject *parent)
    : QObject(parent), m_base(std::move(base)), m_token(std::move(token)),
      m_nam(new QNetworkAccessManager(this))
{
    // Plain redirects could carry the bearer token elsewhere: never follow them.
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

RestClient::~RestClient() = default;

QNetworkReply *RestClient::send(const QByteArray &method, const QString &pathAndQuery,
                                const QJsonObject *body,
                                const QHash<QByteArray, QByteArray> &headers, Done done,
                                int timeoutMs)
{
    QString base = m_base.toString();
    while (base.endsWith(u'/'))
        base.chop(1);
    QNetworkRequest req(QUrl(base + pathAndQuery));
    req.setTransferTimeout(timeoutMs > 0 ? timeoutMs : m_timeoutMs);
    req.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        req.setRawHeader(it.key(), it.value());
    QByteArray payload;
    if (body) {
        payload = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }
    QNetworkReply *reply = m_nam->sendCustomRequest(req, method, payload);
    // Why this client cut the answer off (empty: it did not).
    auto cutOff = std::make_shared<QString>();
    const qint64 cap = m_maxAnswerBytes;
    const auto cut = [reply, cutOff](const QString &why) {
        if (!cutOff->isEmpty() || reply->isFinished())
            return;
        *cutOff = why;
        reply->abort();
    };
    connect(reply, &QNetworkReply::downloadProgress, reply, [cap, cut](qint64 received, qint64) {
        if (received > cap)
            cut(QStringLiteral("the back end's answer is larger than %1 bytes").arg(cap));
    });
    connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, cap, cut] {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid() && length.toLongLong() > cap)
            cut(QStringLiteral("the back end announces an answer of %1 bytes, more than %2")
                    .arg(length.toLongLong())
                    .arg(cap));
    });
    const int totalMs = (timeoutMs > 0 ? timeoutMs : m_timeoutMs) + m_deadlineMs;
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, reply, [cut, totalMs] {
        cut(QStringLiteral("the back end did not finish its answer within %1 s")
                .arg(totalMs / 1000.0, 0, 'f', 1));
    });
    deadline->start(totalMs);
    connect(reply, &QNetworkReply::finished, this, [reply, cutOff, done = std::move(done)] {
        reply->deleteLater();
        HttpReply r;
        const QVariant code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        r.status = code.isValid() ? code.toInt() : 0;
        if (!cutOff->isEmpty()) {
            // Nothing of a cut-off answer is used.
            r.status = 0;
            r.transportError = int(QNetworkReply::OperationCanceledError);
            r.error = *cutOff;
            return done(r);
        }
        if (r.status >= 300 && r.status < 400) {
            // Not followed (it could carry the token elsewhere), and not a refusal of what was
            // sent: a failure to retry, named as what it is.
            const QByteArray where = reply->rawHeader("Location");
            r.error = QStringLiteral("the back end answered HTTP %1 (a redirect%2), which is "
                                     "not followed: check the back-end URL")
                          .arg(r.status)
                          .arg(where.isEmpty()
                                   ? QString()
                                   : QStringLiteral(" to ") + QString::fromUtf8(where.left(200)));
            r.status = 0;
            r.transportError = int(QNetworkReply::ProtocolUnknownError);
            return done(r);
        }
        if (reply->isOpen())
            r.body = reply->readAll();
        r.etag = reply->rawHeader("ETag");
        if (r.status == 0)
            r.transportError = int(reply->error());
        if (r.status == 0)
            r.error = reply->error() == QNetworkReply::OperationCanceledError
                          ? QStringLiteral("the back end did not answer in time")
                          : reply->errorString();
        bool ok = false;
        const int ra = reply->rawHeader("Retry-After").toInt(&ok);
        if (ok && ra >= 0)
            r.retryAfterMs = int(qMin<qint64>(qint64(ra) * 1000, INT_MAX)); // the queue clamps it
        done(r);
    });
    return reply;
}

} // namespace sitrep::sync
