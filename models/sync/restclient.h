// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace sitrep::sync {

/// One answer from the back end, or why there was none.
struct HttpReply {
    int status = 0; // 0 when no HTTP answer arrived
    QByteArray body;
    QByteArray etag;
    QString error;          // transport error text (empty when an answer arrived)
    int retryAfterMs = -1;  // from Retry-After, when given
    int transportError = 0; // QNetworkReply::NetworkError when no answer arrived
    bool networkError() const { return status == 0; }
    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject json() const;
    /// "HTTP 503: <message from the body>" or the transport error.
    QString describe() const;
};

/// A small REST client for the back-end contract: bearer token, JSON bodies, per-request
/// timeout. Asynchronous only: the answer arrives through the callback of send().
class RestClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestClient)
public:
    explicit RestClient(QUrl base, QString token, QObject *parent = nullptr);
    ~RestClient() override;

    void setToken(const QString &token) { m_token = token; }
    void setBaseUrl(const QUrl &url) { m_base = url; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    QUrl baseUrl() const { return m_base; }

    using Done = std::function<void(const HttpReply &)>;
    /// Sends one request; `done` runs once with the answer. The returned reply may be
    /// aborted (done then gets a transport error); it deletes itself after `done`.
    /// `timeoutMs` overrides the client's timeout for this request (long polls).
    QNetworkReply *send(const QByteArray &method, const QString &pathAndQuery,
                        const QJsonObject *body, const QHash<QByteArray, QByteArray> &headers,
                        Done done, int timeoutMs = -1);

private:
    QUrl m_base;
    QString m_token;
    int m_timeoutMs = 15000;
    QNetworkAccessManager *m_nam;
};

} // namespace sitrep::sync
