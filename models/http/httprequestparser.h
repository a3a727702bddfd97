// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace sitrep::http {

/// Limits of the request parser (webhook listener and team back end).
struct HttpLimits {
    int maxHeaderBytes = 16 * 1024; // request line + headers
    int maxHeaders = 64;
    qint64 maxBodyBytes = 1024 * 1024;
};

struct HttpRequest {
    QByteArray method;
    QByteArray target;                     // path and query as sent
    QByteArray path;                       // target without the query
    QByteArray version;                    // HTTP/1.1 or HTTP/1.0
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    bool keepAlive = true;
    bool expectContinue = false;
};

/// A strict, small, incremental HTTP/1.1 request parser, shared by the webhook listener and
/// the team back end: CRLF line ends, no obsolete line folding, no Transfer-Encoding
/// (Content-Length is required for a body), one Content-Length, bounded header and body size.
/// Anything else is an error with the HTTP status to answer and a message naming the problem.
class HttpRequestParser {
public:
    enum class State { NeedMore, Complete, Error };

    explicit HttpRequestParser(HttpLimits limits = {}) : m_limits(limits) {}

    /// Appends bytes and parses as far as they go.
    State feed(const QByteArray &data);
    State state() const { return m_state; }
    /// True once the request line and headers are parsed (the body may still be pending).
    bool headersComplete() const { return m_headersDone; }
    const HttpRequest &request() const { return m_request; }
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }
    /// Bytes received after the complete request (a pipelined next request).
    QByteArray takeRemainder();
    /// Ready for the next request on the same connection; keeps nothing.
    void reset();
    bool hasBufferedData() const { return !m_buffer.isEmpty(); }

private:
    State fail(int status, const QString &message);
    State parseHead(qsizetype end);

    HttpLimits m_limits;
    QByteArray m_buffer;
    HttpRequest m_request;
    State m_state = State::NeedMore;
    bool m_headersDone = false;
    qint64 m_contentLength = 0;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

/// The reason phrase of a status code ("Not Found").
QByteArray httpReason(int status);

} // namespace sitrep::http
