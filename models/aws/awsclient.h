// SPDX-License-Identifier: MIT
#pragma once

#include "aws/awscredentials.h"
#include "util/result.h"

#include <QByteArray>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace sitrep::aws {

/// Where a service lives: the endpoint (an AWS region endpoint, a VPC endpoint or an
/// emulator) and the region the requests are signed for.
struct AwsEndpoint {
    QUrl url;
    QString region = QStringLiteral("us-east-1");
    /// Transfer timeout of ordinary calls; long polls use their wait time plus this.
    int timeoutMs = 15000;

    /// Fails for anything but https, except on loopback (emulators, tests).
    Status validate() const;
};

/// One signed AWS call's raw answer.
struct AwsResponse {
    int httpStatus = 0;
    QByteArray body;
};

/// Signs and sends AWS requests (POST to the endpoint root, as the SQS JSON 1.0 and SNS
/// Query protocols do). Signs a fixed set of headers, so headers Qt adds later do not
/// break the signature; HTTP/2 is off (GOAWAY handling has bitten others); every request
/// has a transfer timeout. Errors come back as values through the callback, never thrown.
class AwsClient : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsClient)
public:
    using RawCallback = std::function<void(Result<AwsResponse>)>;

    AwsClient(QNetworkAccessManager &nam, AwsEndpoint endpoint,
              std::shared_ptr<CredentialsProvider> credentials, QString service,
              QObject *parent = nullptr);

    const AwsEndpoint &endpoint() const { return m_endpoint; }
    QString service() const { return m_service; }
    /// Requests in flight (for orderly shutdown and tests).
    int pending() const { return m_pending; }

    /// Signs and posts `body` once the credentials provider has answered. `target`
    /// (X-Amz-Target) may be empty. The callback gets the response for any HTTP status;
    /// transport failures, timeouts and missing keys are errors.
    void post(const QByteArray &contentType, const QByteArray &target, const QByteArray &body,
              int timeoutMs, RawCallback done);

private:
    void send(const QByteArray &contentType, const QByteArray &target, const QByteArray &body,
              int timeoutMs, const AwsCredentials &creds, RawCallback done);

    QNetworkAccessManager &m_nam;
    AwsEndpoint m_endpoint;
    std::shared_ptr<CredentialsProvider> m_credentials;
    QString m_service;
    int m_pending = 0;
};

} // namespace sitrep::aws
