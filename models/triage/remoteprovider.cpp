// SPDX-License-Identifier: MIT
#include "triage/remoteprovider.h"

#include "sync/wire.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <memory>

namespace sitrep::triage {

static constexpr qint64 kMaxAnswer = 1024 * 1024;

RemoteProvider::RemoteProvider(QUrl url, int timeoutMs, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_timeoutMs(timeoutMs),
      m_nam(new QNetworkAccessManager(this))
{
}

Status RemoteProvider::checkUrl(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return Status::fail(QStringLiteral("'%1' is not a valid URL").arg(url.toString()),
                            QStringLiteral("invalid"));
    if (!url.userInfo().isEmpty())
        return Status::fail(QStringLiteral("put no credentials in the triage provider URL"),
                            QStringLiteral("invalid"));
    return sync::checkEndpoint(url);
}

void RemoteProvider::suggest(const domain::Incident &incident, Callback done)
{
    if (auto s = checkUrl(m_url); !s) {
        done(Result<TriageResult>(s.error()));
        return;
    }
    QNetworkRequest req(m_url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Accept", "application/json");
    req.setTransferTimeout(m_timeoutMs);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_nam->post(
        req, QJsonDocument(incidentRequestJson(incident)).toJson(QJsonDocument::Compact));
    const QString uid = incident.uid, number = incident.number;
    auto answered = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxAnswer)
            reply->abort();
    });
    connect(
        reply, &QNetworkReply::finished, this, [reply, done, uid, number, answered, url = m_url] {
            reply->deleteLater();
            if (*answered)
                return;
            *answered = true;
            using R = Result<TriageResult>;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            if (reply->error() != QNetworkReply::NoError && status == 0) {
                const QString why = reply->error() == QNetworkReply::OperationCanceledError
                                        ? QStringLiteral("timed out or answered more than 1 MiB")
                                        : reply->errorString();
                done(R::fail(QStringLiteral("triage provider %1: %2").arg(url.toString(), why),
                             QStringLiteral("network")));
                return;
            }
            if (status < 200 || status > 299) {
                done(R::fail(QStringLiteral("triage provider %1 answered HTTP %2: %3")
                                 .arg(url.toString())
                                 .arg(status)
                                 .arg(QString::fromUtf8(body.left(200))),
                             QStringLiteral("http")));
                return;
            }
            QJsonParseError pe;
            const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
            if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                done(R::fail(
                    QStringLiteral(
                        "triage provider %1 answered something that is not a JSON object (%2)")
                        .arg(url.toString(), pe.error != QJsonParseError::NoError
                                                 ? pe.errorString()
                                                 : QStringLiteral("not an object")),
                    QStringLiteral("invalid")));
                return;
            }
            auto r = TriageResult::fromJson(doc.object());
            if (!r) {
                done(R::fail(
                    QStringLiteral("triage provider %1: %2").arg(url.toString(), r.errorMessage()),
                    r.error().code));
                return;
            }
            r->incidentUid = uid;
            r->number = number;
            if (r->modelVersion.isEmpty())
                r->modelVersion = QStringLiteral("remote");
            done(std::move(*r));
        });
}

} // namespace sitrep::triage
