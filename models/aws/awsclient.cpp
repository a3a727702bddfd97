// SPDX-License-Identifier: MIT
#include "aws/awsclient.h"

#include "aws/logging.h"
#include "aws/sigv4.h"

#include <QDateTime>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace sitrep::aws {

Status AwsEndpoint::validate() const
{
    if (!url.isValid() || url.host().isEmpty())
        return Status::fail(
            QStringLiteral("AWS endpoint '%1' is not a valid URL").arg(url.toString()),
            QStringLiteral("config"));
    if (region.trimmed().isEmpty())
        return Status::fail(QStringLiteral("no AWS region configured"), QStringLiteral("config"));
    if (url.scheme() == u"https")
        return {};
    const QString host = url.host();
    const QHostAddress addr(host);
    const bool loopback = host == u"localhost" || (!addr.isNull() && addr.isLoopback());
    if (url.scheme() == u"http" && loopback)
        return {};
    return Status::fail(
        QStringLiteral("AWS endpoint %1 must use https (plain http only on loopback)")
            .arg(url.toString()),
        QStringLiteral("config"));
}

AwsClient::AwsClient(QNetworkAccessManager &nam, AwsEndpoint endpoint,
                     std::shared_ptr<CredentialsProvider> credentials, QString service,
                     QObject *parent)
    : QObject(parent), m_nam(nam), m_endpoint(std::move(endpoint)),
      m_credentials(std::move(credentials)), m_service(std::move(service))
{
}

void AwsClient::post(const QByteArray &contentType, const QByteArray &target,
                     const QByteArray &body, int timeoutMs, RawCallback done)
{
    if (auto v = m_endpoint.validate(); !v) {
        done(v.error());
        return;
    }
    if (!m_credentials) {
        done(Result<AwsResponse>::fail(QStringLiteral("no AWS credentials provider")));
        return;
    }
    ++m_pending; // from the question for the keys on
    QPointer<AwsClient> self(this);
    m_credentials->credentials([self, contentType, target, body, timeoutMs,
                                done = std::move(done)](Result<AwsCredentials> creds) mutable {
        if (!self)
            return;
        --self->m_pending;
        if (!creds)
            return done(creds.error());
        self->send(contentType, target, body, timeoutMs, *creds, std::move(done));
    });
}

void AwsClient::send(const QByteArray &contentType, const QByteArray &target,
                     const QByteArray &body, int timeoutMs, const AwsCredentials &creds,
                     RawCallback done)
{
    QUrl url = m_endpoint.url;
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty()) {
        path = "/";
        url.setPath(QStringLiteral("/"));
    }
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    const int defaultPort = url.scheme() == u"https" ? 443 : 80;
    if (url.port(defaultPort) != defaultPort)
        host += ':' + QByteArray::number(url.port());

    SigV4Request req;
    req.method = "POST";
    req.path = path;
    req.headers = {{"Host", host}, {"Content-Type", contentType}};
    if (!target.isEmpty())
        req.headers.append(qMakePair(QByteArray("X-Amz-Target"), target));
    req.body = body;
    SigV4Options opt;
    opt.region = m_endpoint.region;
    opt.service = m_service;
    opt.timeMs = QDateTime::currentMSecsSinceEpoch();
    opt.signedHeaderNames = {"host", "content-type", "x-amz-date", "x-amz-target",
                             "x-amz-security-token"};
    const SigV4Signature sig = SigV4Signer::sign(req, creds, opt);

    QNetworkRequest nr(url);
    for (const auto &[name, value] : sig.headers)
        nr.setRawHeader(name, value);
    nr.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    nr.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                    QNetworkRequest::ManualRedirectPolicy);
    nr.setTransferTimeout(timeoutMs > 0 ? timeoutMs : m_endpoint.timeoutMs);

    QNetworkReply *reply = m_nam.post(nr, body);
    ++m_pending;
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)]() {
        --m_pending;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        // A reply cancelled by its timeout is closed: nothing to read.
        const QByteArray data = reply->isOpen() ? reply->readAll() : QByteArray();
        if (status == 0) {
            const QString what = reply->error() == QNetworkReply::OperationCanceledError
                                     ? QStringLiteral("timed out")
                                     : reply->errorString();
            qCDebug(lcAws) << m_service << "transport error" << what;
            // The code names the kind of failure, so settings can say what to fix.
            QString code = QStringLiteral("network");
            switch (reply->error()) {
            case QNetworkReply::HostNotFoundError:
                code = QStringLiteral("dns");
                break;
            case QNetworkReply::SslHandshakeFailedError:
                code = QStringLiteral("tls");
                break;
            case QNetworkReply::ConnectionRefusedError:
                code = QStringLiteral("refused");
                break;
            case QNetworkReply::OperationCanceledError:
            case QNetworkReply::TimeoutError:
                code = QStringLiteral("timeout");
                break;
            default:
                break;
            }
            done(Result<AwsResponse>::fail(QStringLiteral("%1 endpoint %2: %3")
                                               .arg(m_service, m_endpoint.url.toString(), what),
                                           code));
            return;
        }
        done(AwsResponse{status, data});
    });
}

} // namespace sitrep::aws
