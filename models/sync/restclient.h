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
    /// The body is one JSON object (what every answer of the contract is).
    bool isJsonObject() const;
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
    /// Inactivity timeout: no byte for this long ends the request.
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    /// Total deadline of a request beyond its own timeout: an answer trickled byte by byte
    /// ends here even though it is never idle for long.
    void setDeadlineMs(int ms) { m_deadlineMs = ms; }
    /// The largest answer taken; a longer one is cut off and is an error.
    void setMaxAnswerBytes(qint64 bytes) { m_maxAnswerBytes = bytes; }
    qint64 maxAnswerBytes() const { return m_maxAnswerBytes; }
    QUrl baseUrl() const { return m_base; }

    using Done = std::function<void(const HttpReply &)>;
    /// Sends one request; `done` runs once with the answer. The returned reply may be
    /// aborted (done then gets a transport error); it deletes itself after `done`.
    /// `timeoutMs` overrides the client's timeout for this request (long polls). Whatever
    /// the server does, `done` comes within timeout + deadline and with at most
    /// maxAnswerBytes of body; a redirect is never followed and comes back as a failure
    /// without a status (so it is retried, never taken as a refusal).
    QNetworkReply *send(const QByteArray &method, const QString &pathAndQuery,
                        const QJsonObject *body, const QHash<QByteArray, QByteArray> &headers,
                        Done done, int timeoutMs = -1);

private:
    QUrl m_base;
    QString m_token;
    int m_timeoutMs = 15000;
    int m_deadlineMs = 60000;
    qint64 m_maxAnswerBytes = 64 * 1024 * 1024;
    QNetworkAccessManager *m_nam;
};

} // namespace sitrep::sync
