// SPDX-License-Identifier: MIT
#include "http/httprequestparser.h"

#include <QList>

namespace sitrep::http {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTokenChar(c))
            return false;
    return true;
}

bool validFieldValue(const QByteArray &v)
{
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QString printable(const QByteArray &s, int max = 40)
{
    QString out;
    for (char c : s.left(max))
        out += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : QChar(u'?');
    return out;
}

} // namespace

QByteArray httpReason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

HttpRequestParser::State HttpRequestParser::fail(int status, const QString &message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = message;
    return m_state;
}

void HttpRequestParser::reset()
{
    m_buffer.clear();
    m_request = HttpRequest();
    m_state = State::NeedMore;
    m_headersDone = false;
    m_contentLength = 0;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

QByteArray HttpRequestParser::takeRemainder()
{
    if (m_state != State::Complete)
        return {};
    QByteArray rest = m_buffer;
    m_buffer.clear();
    return rest;
}

HttpRequestParser::State HttpRequestParser::parseHead(qsizetype end)
{
    const QByteArray head = m_buffer.left(end + 2); // every line with its CRLF
    m_buffer.remove(0, end + 4);
    QList<QByteArray> lines = head.split('\n');
    lines.removeLast(); // after the last '\n'
    for (QByteArray &l : lines) {
        if (!l.endsWith('\r'))
            return fail(400, QStringLiteral("header lines must end with CRLF"));
        l.chop(1);
        if (l.contains('\r'))
            return fail(400, QStringLiteral("stray CR in the request head"));
    }
    // The request line: METHOD SP target SP HTTP/1.x
    const QByteArray &rl = lines.first();
    const QList<QByteArray> parts = rl.split(' ');
    if (parts.size() != 3)
        return fail(400, QStringLiteral("malformed request line '%1'").arg(printable(rl)));
    if (!isToken(parts[0]))
        return fail(400, QStringLiteral("malformed method '%1'").arg(printable(parts[0])));
    m_request.method = parts[0];
    m_request.target = parts[1];
    if (m_request.target.isEmpty() || m_request.target.at(0) != '/')
        return fail(400, QStringLiteral("request target must be an absolute path, not '%1'")
                             .arg(printable(parts[1])));
    for (char c : m_request.target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return fail(400, QStringLiteral("request target contains a control or non-ASCII byte"));
    }
    const qsizetype q = m_request.target.indexOf('?');
    m_request.path = q < 0 ? m_request.target : m_request.target.left(q);
    m_request.version = parts[2];
    if (m_request.version != "HTTP/1.1" && m_request.version != "HTTP/1.0") {
        if (m_request.version.startsWith("HTTP/"))
            return fail(505, QStringLiteral("HTTP version '%1' is not supported (HTTP/1.1)")
                                 .arg(printable(parts[2])));
        return fail(400, QStringLiteral("malformed HTTP version '%1'").arg(printable(parts[2])));
    }
    bool sawLength = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &l = lines[i];
        if (l.isEmpty())
            return fail(400, QStringLiteral("empty header line"));
        if (l.at(0) == ' ' || l.at(0) == '\t')
            return fail(400, QStringLiteral("obsolete header line folding is not accepted"));
        const qsizetype colon = l.indexOf(':');
        if (colon <= 0)
            return fail(400, QStringLiteral("malformed header line '%1'").arg(printable(l)));
        const QByteArray name = l.left(colon).toLower();
        if (!isToken(name))
            return fail(400,
                        QStringLiteral("malformed header name '%1'").arg(printable(l.left(colon))));
        const QByteArray value = l.mid(colon + 1).trimmed();
        if (!validFieldValue(value))
            return fail(400, QStringLiteral("header '%1' has a control character")
                                 .arg(QString::fromLatin1(name)));
        if (m_request.headers.size() >= m_limits.maxHeaders && !m_request.headers.contains(name))
            return fail(431, QStringLiteral("more than %1 headers").arg(m_limits.maxHeaders));
        if (name == "content-length") {
            if (sawLength)
                return fail(400, QStringLiteral("more than one Content-Length"));
            sawLength = true;
            if (value.isEmpty() || value.size() > 18)
                return fail(400,
                            QStringLiteral("invalid Content-Length '%1'").arg(printable(value)));
            for (char c : value)
                if (c < '0' || c > '9')
                    return fail(
                        400, QStringLiteral("invalid Content-Length '%1'").arg(printable(value)));
            m_contentLength = value.toLongLong();
        }
        if (m_request.headers.contains(name) && name != "content-length")
            m_request.headers[name] += ", " + value; // repeated fields combine (RFC 9110 5.3)
        else
            m_request.headers.insert(name, value);
    }
    if (m_request.headers.contains("transfer-encoding"))
        return fail(501,
                    QStringLiteral(
                        "Transfer-Encoding is not supported; send the body with a Content-Length"));
    if (!sawLength && m_request.method == "POST")
        return fail(411, QStringLiteral("Content-Length is required"));
    if (m_contentLength > m_limits.maxBodyBytes)
        return fail(413, QStringLiteral("body of %1 bytes is larger than the limit of %2 bytes")
                             .arg(m_contentLength)
                             .arg(m_limits.maxBodyBytes));
    const QByteArray conn = m_request.headers.value("connection").toLower();
    if (m_request.version == "HTTP/1.1")
        m_request.keepAlive = !conn.contains("close");
    else
        m_request.keepAlive = conn.contains("keep-alive");
    m_request.expectContinue = m_request.headers.value("expect").toLower() == "100-continue";
    m_headersDone = true;
    return State::NeedMore;
}

HttpRequestParser::State HttpRequestParser::feed(const QByteArray &data)
{
    if (m_state != State::NeedMore) {
        if (m_state == State::Complete)
            m_buffer += data; // pipelined: kept for takeRemainder()
        return m_state;
    }
    m_buffer += data;
    if (!m_headersDone) {
        // Leading empty lines before a request line are tolerated (RFC 9112 2.2).
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > m_limits.maxHeaderBytes)
                return fail(431, QStringLiteral("request head is larger than %1 bytes")
                                     .arg(m_limits.maxHeaderBytes));
            return State::NeedMore;
        }
        if (end > m_limits.maxHeaderBytes)
            return fail(431, QStringLiteral("request head is larger than %1 bytes")
                                 .arg(m_limits.maxHeaderBytes));
        if (end == 0)
            return fail(400, QStringLiteral("missing request line"));
        if (parseHead(end) == State::Error)
            return m_state;
    }
    if (m_buffer.size() < m_contentLength)
        return State::NeedMore;
    m_request.body = m_buffer.left(m_contentLength);
    m_buffer.remove(0, m_contentLength);
    m_state = State::Complete;
    return m_state;
}

} // namespace sitrep::http
