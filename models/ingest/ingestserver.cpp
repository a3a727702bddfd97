// SPDX-License-Identifier: MIT
#include "ingest/ingestserver.h"

#include "ingest/logging.h"

#include "ingest/ingestpipeline.h"
#include "ingest/normalizer.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <optional>

#include <sys/resource.h>

namespace sitrep::ingest {

struct IngestServer::Connection {
    HttpRequestParser parser;
    QTimer timer;
    QElapsedTimer started; // since the request's first byte
    quint64 since = 0;     // when it connected or last finished a request (eviction order)
    bool continued = false;
    bool closing = false;
    bool working = false; // a big body is being committed slice by slice
    QByteArray held;      // what arrived meanwhile (a pipelined next request)
};

/// A request checked up to the pipeline: either its answer, or the work to do.
struct IngestServer::Prepared {
    QString path;
    QString source;
    std::optional<Response> answer;
    QByteArray body; // generic events
    QList<Alert> alerts;
};

/// A big body being committed slice by slice.
struct IngestServer::SliceJob {
    QPointer<QTcpSocket> socket;
    Prepared work;
    qsizetype next = 0;
    IngestResult total;
    bool keepAlive = false;
};

namespace {

IngestServer::Response jsonError(int status, const QString &message, const QString &code = {})
{
    QJsonObject o{{QStringLiteral("error"), message}};
    if (!code.isEmpty())
        o[u"code"] = code;
    return {status, QJsonDocument(o).toJson(QJsonDocument::Compact), {}};
}

/// Compares secrets in time that does not depend on where they differ.
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    if (a.isEmpty() || b.isEmpty())
        return false;
    const QByteArray ha = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray hb = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < ha.size(); ++i)
        diff |= static_cast<unsigned char>(ha[i] ^ hb[i]);
    return diff == 0;
}

/// Raises this process's soft limit on open files towards `wanted` (at most the hard
/// limit) and returns the limit in force.
qint64 raiseOpenFilesLimit(qint64 wanted)
{
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) != 0)
        return wanted;
    if (l.rlim_cur != RLIM_INFINITY && qint64(l.rlim_cur) < wanted) {
        rlimit want = l;
        want.rlim_cur =
            l.rlim_max == RLIM_INFINITY ? rlim_t(wanted) : qMin<rlim_t>(l.rlim_max, rlim_t(wanted));
        if (::setrlimit(RLIMIT_NOFILE, &want) == 0)
            l = want;
    }
    return l.rlim_cur == RLIM_INFINITY ? wanted : qint64(l.rlim_cur);
}

int statusFor(const QString &code)
{
    if (code == errors::Invalid)
        return 400;
    if (code == errors::UnknownSource || code == errors::NotFound)
        return 404;
    if (code == errors::Forbidden)
        return 403;
    if (code == errors::Conflict)
        return 409;
    if (code == errors::Database)
        return 503;
    return 400;
}

} // namespace

IngestServer::IngestServer(IngestPipeline &pipeline, IngestServerOptions options, QObject *parent)
    : QObject(parent), m_pipeline(pipeline), m_options(std::move(options))
{
    m_clock.start();
}

IngestServer::~IngestServer()
{
    close();
}

Result<QPair<QHostAddress, quint16>> IngestServer::parseListen(const QString &text)
{
    using RL = Result<QPair<QHostAddress, quint16>>;
    QString host, port = text.trimmed();
    if (port.startsWith(u'[')) {
        const qsizetype end = port.indexOf(u']');
        if (end < 0)
            return RL::fail(QStringLiteral("--listen '%1': missing ']'").arg(text));
        host = port.mid(1, end - 1);
        port = port.mid(end + 1);
        if (!port.startsWith(u':'))
            return RL::fail(QStringLiteral("--listen '%1': expected [address]:port").arg(text));
        port = port.mid(1);
    } else if (const qsizetype c = port.lastIndexOf(u':'); c >= 0) {
        host = port.left(c);
        port = port.mid(c + 1);
    }
    bool ok = false;
    const uint p = port.toUInt(&ok);
    if (!ok || p > 65535)
        return RL::fail(
            QStringLiteral("--listen '%1': '%2' is not a port (0-65535)").arg(text, port));
    QHostAddress addr(QHostAddress::LocalHost);
    if (!host.isEmpty()) {
        if (host == u"localhost")
            addr = QHostAddress(QHostAddress::LocalHost);
        else if (!addr.setAddress(host))
            return RL::fail(
                QStringLiteral("--listen '%1': '%2' is not an IP address").arg(text, host));
    }
    return qMakePair(addr, quint16(p));
}

Status IngestServer::listen()
{
    if (m_options.token.trimmed().isEmpty())
        return Status::fail(
            QStringLiteral("no ingest token configured: every request must be authenticated"));
    close();
    // Every connection is a file: room for the cap, plus what the rest of the process uses.
    constexpr int Reserve = 128;
    const qint64 files = raiseOpenFilesLimit(qint64(m_options.maxConnections) + Reserve);
    if (files - Reserve < m_options.maxConnections) {
        qCWarning(lcIngest) << "open files limit" << files << "allows"
                            << qMax<qint64>(1, files - Reserve) << "connections, not"
                            << m_options.maxConnections;
        m_options.maxConnections = int(qMax<qint64>(1, files - Reserve));
    }
    m_server = new QTcpServer(this);
    m_server->setMaxPendingConnections(m_options.maxConnections);
    // A burst of connections (clients reconnecting at once) waits in the kernel's queue
    // rather than having its SYNs dropped, which costs a sender a second or more.
    m_server->setListenBacklogSize(qMax(128, m_options.maxConnections));
    connect(m_server, &QTcpServer::newConnection, this, &IngestServer::onNewConnection);
    if (!m_server->listen(m_options.address, m_options.port)) {
        const QString err = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return Status::fail(QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(m_options.address.toString())
                                .arg(m_options.port)
                                .arg(err));
    }
    return {};
}

void IngestServer::close()
{
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        it.key()->deleteLater();
        delete it.value();
    }
    m_connections.clear();
    if (m_server) {
        m_server->close();
        delete m_server;
        m_server = nullptr;
    }
}

bool IngestServer::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 IngestServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QHostAddress IngestServer::address() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

void IngestServer::onNewConnection()
{
    while (QTcpSocket *s = m_server->nextPendingConnection()) {
        // At the cap, the connection that has waited longest without a complete request (idle
        // keep-alive, or slow to send) makes room: a valid alert arrives in one go and is
        // answered at once, so holding slots open cannot starve it.
        if (m_connections.size() >= m_options.maxConnections && !evictOne()) {
            // Nothing to evict: 503 with Retry-After, and what the client still sends is read
            // and dropped until it closes, so it sees an answer, never a reset.
            noteRejection(QStringLiteral("too many connections"));
            connect(s, &QTcpSocket::readyRead, s, [s] { s->readAll(); });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            Response busy = jsonError(503, QStringLiteral("too many connections"));
            busy.headers.push_back({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
            respond(s, busy, false);
            continue;
        }
        auto *c = new Connection;
        c->since = ++m_sequence;
        c->parser = HttpRequestParser(m_options.limits);
        c->timer.setSingleShot(true);
        c->timer.setInterval(m_options.requestTimeoutMs);
        m_connections.insert(s, c);
        connect(&c->timer, &QTimer::timeout, this, [this, s]() {
            Connection *conn = m_connections.value(s);
            if (!conn || conn->closing)
                return;
            if (conn->working)
                return;
            if (!conn->parser.headersComplete() && conn->parser.hasBufferedData()) {
                noteRejection(QStringLiteral("request headers not complete in time"));
                respond(s,
                        jsonError(408, QStringLiteral("request headers not complete within %1 ms")
                                           .arg(headerDeadline())),
                        false);
            } else if (conn->parser.headersComplete()) {
                noteRejection(QStringLiteral("request not complete in time"));
                respond(s,
                        jsonError(408, QStringLiteral("request not complete within %1 ms")
                                           .arg(m_options.requestTimeoutMs)),
                        false);
            } else {
                s->disconnectFromHost(); // idle keep-alive connection
            }
        });
        connect(s, &QTcpSocket::readyRead, this, [this, s]() { onReadyRead(s); });
        connect(s, &QTcpSocket::disconnected, this, [this, s]() {
            delete m_connections.take(s);
            s->deleteLater();
        });
        c->timer.start();
        if (s->bytesAvailable() > 0)
            onReadyRead(s);
    }
}

bool IngestServer::evictOne()
{
    QTcpSocket *oldest = nullptr;
    quint64 since = 0;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        const Connection *c = it.value();
        if (c->closing || c->working ||
            (c->parser.headersComplete() && !c->parser.hasBufferedData()))
            continue;
        if (!oldest || c->since < since) {
            oldest = it.key();
            since = c->since;
        }
    }
    if (!oldest)
        return false;
    Connection *c = m_connections.value(oldest);
    const bool idle = !c->parser.hasBufferedData() && !c->parser.headersComplete();
    noteRejection(idle ? QStringLiteral("idle connection closed to make room")
                       : QStringLiteral("incomplete request dropped to make room"));
    // Its slot is free now, whatever the peer does next.
    c->closing = true;
    c->timer.stop();
    m_connections.remove(oldest);
    QObject::disconnect(oldest, nullptr, this, nullptr);
    connect(oldest, &QTcpSocket::readyRead, oldest, [oldest] { oldest->readAll(); });
    connect(oldest, &QTcpSocket::disconnected, oldest, &QObject::deleteLater);
    if (!idle) {
        Response busy = jsonError(503, QStringLiteral("request too slow while the listener is "
                                                      "full; send it again"));
        busy.headers.push_back({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
        respond(oldest, busy, false);
    } else {
        oldest->disconnectFromHost();
    }
    delete c;
    return true;
}

void IngestServer::noteRejection(const QString &reason, const QString &detail)
{
    // Every rejection counts; the log says so at most once a second per reason, with the
    // number since the last line, so abuse cannot flood it. Reasons are a fixed few (what a
    // client sent goes in `detail`, never in the key), so the tally stays small.
    auto &[count, lastLogged] = m_rejections[reason];
    ++count;
    const qint64 now = m_clock.elapsed();
    if (lastLogged != 0 && now - lastLogged < 1000)
        return;
    qCWarning(lcIngest).noquote() << "listener rejected" << count << "request(s):" << reason
                                  << (detail.isEmpty()
                                          ? QString()
                                          : QStringLiteral("(latest: %1)").arg(detail.left(200)));
    count = 0;
    lastLogged = qMax<qint64>(now, 1);
}

void IngestServer::onReadyRead(QTcpSocket *socket)
{
    Connection *c = m_connections.value(socket);
    if (!c || c->closing) {
        socket->readAll();
        return;
    }
    if (c->working) {
        // The next request waits until the big one is answered (HTTP/1.1 answers in order);
        // what it may hold is bounded like any request.
        c->held += socket->readAll();
        if (c->held.size() > m_options.limits.maxBodyBytes + 65536) {
            c->held.clear();
            c->closing = true;
            socket->abort();
        }
        return;
    }
    process(socket, socket->readAll());
}

void IngestServer::process(QTcpSocket *socket, QByteArray data)
{
    Connection *c = m_connections.value(socket);
    if (!c || c->closing)
        return;
    for (;;) {
        if (!c->parser.hasBufferedData() && !c->parser.headersComplete() && !data.isEmpty()) {
            // The clock runs per request, from its first byte: first for the headers, then
            // for the whole request.
            c->started.start();
            c->timer.start(headerDeadline());
        }
        const bool hadHeaders = c->parser.headersComplete();
        const auto state = c->parser.feed(data);
        data.clear();
        if (state == HttpRequestParser::State::Error) {
            noteRejection(
                QStringLiteral("malformed request (HTTP %1)").arg(c->parser.errorStatus()),
                c->parser.errorMessage());
            respond(socket,
                    jsonError(c->parser.errorStatus(), c->parser.errorMessage(),
                              QStringLiteral("http")),
                    false);
            return;
        }
        if (state == HttpRequestParser::State::NeedMore) {
            const HttpRequest &r = c->parser.request();
            if (c->parser.headersComplete() && !hadHeaders)
                c->timer.start(
                    int(qMax<qint64>(1, m_options.requestTimeoutMs - c->started.elapsed())));
            if (c->parser.headersComplete() && r.expectContinue && !c->continued) {
                c->continued = true;
                socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            return;
        }
        const HttpRequest request = c->parser.request();
        const QByteArray rest = c->parser.takeRemainder();
        Prepared work = prepare(request);
        if (!work.answer && work.alerts.size() > qMax(1, m_options.alertsPerSlice)) {
            // A big body: committed slice by slice, other connections served in between.
            suspend(c, rest);
            auto job = std::make_shared<SliceJob>();
            job->socket = socket;
            job->work = std::move(work);
            job->keepAlive = request.keepAlive;
            runSlice(job);
            return;
        }
        Response resp;
        if (work.answer) {
            resp = finish(work, *work.answer);
        } else {
            const auto result = run(work);
            if (result && m_gate && !result->eventIds.isEmpty()) {
                suspend(c, rest);
                gateThen(socket, work, *result, request.keepAlive);
                return;
            }
            resp = finish(work, answer(work, result));
        }
        respond(socket, resp, request.keepAlive);
        if (!nextRequest(socket) || rest.isEmpty())
            return;
        data = rest;
    }
}

Result<IngestResult> IngestServer::run(const Prepared &work)
{
    return work.source == u"generic" ? m_pipeline.ingest(work.source, work.body, {})
                                     : m_pipeline.ingestAlerts(work.alerts);
}

void IngestServer::suspend(Connection *c, const QByteArray &rest)
{
    c->working = true;
    c->timer.stop();
    c->held = rest;
}

bool IngestServer::nextRequest(QTcpSocket *socket)
{
    Connection *c = m_connections.value(socket);
    if (!c || c->closing)
        return false;
    c->working = false;
    c->parser.reset();
    c->continued = false;
    c->since = ++m_sequence;
    c->timer.start(m_options.requestTimeoutMs);
    return true;
}

void IngestServer::runSlice(const std::shared_ptr<SliceJob> &job)
{
    const int per = qMax(1, m_options.alertsPerSlice);
    const QList<Alert> slice = job->work.alerts.mid(job->next, per);
    auto r = m_pipeline.ingestAlerts(slice);
    bool done = !r || job->next + slice.size() >= job->work.alerts.size();
    if (r) {
        job->total.add(*r);
        job->next += slice.size();
    }
    if (!done) {
        QTimer::singleShot(0, this, [this, job] { runSlice(job); });
        return;
    }
    // Slices already committed stay: a sender that retries after an error repeats alerts
    // Sitrep already has, which deduplicate.
    if (r && m_gate && !job->total.eventIds.isEmpty())
        return gateThen(job->socket, job->work, job->total, job->keepAlive);
    answerLater(job->socket,
                finish(job->work, r ? answer(job->work, job->total)
                                    : answer(job->work, Result<IngestResult>(r.error()))),
                job->keepAlive);
}

void IngestServer::gateThen(QTcpSocket *socket, const Prepared &work, const IngestResult &result,
                            bool keepAlive)
{
    QPointer<IngestServer> self(this);
    QPointer<QTcpSocket> sock(socket);
    m_gate(result, [self, sock, work, result, keepAlive](Status confirmed) {
        if (!self)
            return;
        Response resp;
        if (confirmed) {
            resp = self->answer(work, result);
        } else {
            self->noteRejection(QStringLiteral("not confirmed by the team back end"),
                                confirmed.errorMessage());
            resp = jsonError(503,
                             QStringLiteral("stored here, but %1; send it again (a repeat is "
                                            "deduplicated)")
                                 .arg(confirmed.errorMessage()),
                             QStringLiteral("backend"));
            resp.headers.push_back({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5")});
        }
        self->answerLater(sock, self->finish(work, resp), keepAlive);
    });
}

void IngestServer::answerLater(QTcpSocket *socket, const Response &response, bool keepAlive)
{
    Connection *c = socket ? m_connections.value(socket) : nullptr;
    if (!c || c->closing)
        return;
    respond(socket, response, keepAlive);
    if (!nextRequest(socket))
        return;
    const QByteArray next = std::exchange(m_connections.value(socket)->held, QByteArray());
    if (!next.isEmpty())
        process(socket, next);
}

void IngestServer::respond(QTcpSocket *socket, const Response &r, bool keepAlive)
{
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + httpReason(r.status) + "\r\n";
    out += "Content-Type: application/json\r\n";
    out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
    for (const auto &[k, v] : r.headers)
        out += k + ": " + v + "\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    out += r.body;
    socket->write(out);
    if (!keepAlive) {
        if (Connection *c = m_connections.value(socket)) {
            c->closing = true;
            c->timer.stop();
        }
        socket->disconnectFromHost();
    }
}

bool IngestServer::authorized(const QString &source, const HttpRequest &request) const
{
    const QByteArray auth = request.headers.value("authorization");
    if (auth.size() > 7 && auth.left(7).toLower() == "bearer " &&
        sameSecret(auth.mid(7).trimmed(), m_options.token.trimmed()))
        return true;
    if (source == u"sentry") {
        const QByteArray sig = request.headers.value("sentry-hook-signature").trimmed().toLower();
        const QByteArray secret =
            m_options.sentrySecret.isEmpty() ? m_options.token.trimmed() : m_options.sentrySecret;
        if (!sig.isEmpty()) {
            const QByteArray expected =
                QMessageAuthenticationCode::hash(request.body, secret, QCryptographicHash::Sha256)
                    .toHex();
            if (sameSecret(sig, expected))
                return true;
        }
    }
    if (source == u"pagerduty") {
        const QByteArray key = m_options.pagerDutyRoutingKey.isEmpty()
                                   ? m_options.token.trimmed()
                                   : m_options.pagerDutyRoutingKey;
        const QJsonDocument doc = QJsonDocument::fromJson(request.body);
        const QByteArray given = doc.object().value(u"routing_key").toString().toUtf8();
        if (sameSecret(given, key))
            return true;
    }
    return false;
}

IngestServer::Response IngestServer::handle(const HttpRequest &request)
{
    const Prepared work = prepare(request);
    if (work.answer)
        return finish(work, *work.answer);
    return finish(work, answer(work, run(work)));
}

IngestServer::Response IngestServer::finish(const Prepared &work, Response response)
{
    QString message;
    if (response.status >= 400)
        message = QJsonDocument::fromJson(response.body).object().value(u"error").toString();
    Q_EMIT requestHandled(response.status, work.path, message);
    return response;
}

IngestServer::Prepared IngestServer::prepare(const HttpRequest &request)
{
    Prepared work;
    work.path = QString::fromLatin1(request.path);
    const QString &path = work.path;
    auto reply = [&](Response r) {
        work.answer = std::move(r);
        return work;
    };
    if (request.method == "GET" && (path == u"/healthz" || path == u"/-/ready"))
        return reply({200, QByteArrayLiteral("{\"status\":\"ok\"}"), {}});
    QString source;
    if (path == u"/ingest")
        source = QStringLiteral("generic");
    else if (path.startsWith(QLatin1String("/hooks/")))
        source = path.mid(7);
    else {
        const QString m = QStringLiteral("unknown endpoint '%1' (POST /ingest or /hooks/{%2})")
                              .arg(path.left(100), webhookSources().join(u','));
        return reply(jsonError(404, m, QStringLiteral("not_found")));
    }
    if (source != u"generic" && !webhookSources().contains(source)) {
        const QString m = QStringLiteral("unknown source '%1' (%2)")
                              .arg(source.left(64), webhookSources().join(QStringLiteral(", ")));
        return reply(jsonError(404, m, errors::UnknownSource));
    }
    if (request.method != "POST") {
        const QString m = QStringLiteral("method %1 is not allowed on %2; use POST")
                              .arg(QString::fromLatin1(request.method.left(16)), path);
        Response r = jsonError(405, m, QStringLiteral("method"));
        r.headers << qMakePair(QByteArray("Allow"), QByteArray("POST"));
        return reply(r);
    }
    // Credentials before content: an unauthenticated caller learns nothing about the payload.
    if (!authorized(source, request)) {
        const QString m =
            request.headers.contains("authorization") ||
                    request.headers.contains("sentry-hook-signature")
                ? QStringLiteral("wrong credentials")
                : QStringLiteral("missing credentials: send Authorization: Bearer <token>");
        Response r = jsonError(401, m, QStringLiteral("unauthorized"));
        r.headers << qMakePair(QByteArray("WWW-Authenticate"),
                               QByteArray("Bearer realm=\"sitrep\""));
        return reply(r);
    }
    const QByteArray ctype = request.headers.value("content-type");
    const QByteArray mediaType = ctype.split(';').first().trimmed().toLower();
    if (mediaType != "application/json") {
        const QString m =
            ctype.isEmpty()
                ? QStringLiteral("missing Content-Type: send application/json")
                : QStringLiteral("Content-Type '%1' is not accepted: send application/json")
                      .arg(QString::fromLatin1(ctype.left(100)));
        return reply(jsonError(415, m, QStringLiteral("content_type")));
    }
    work.source = source;
    if (source == u"generic") {
        work.body = request.body;
        return work;
    }
    auto alerts = normalize(source, request.body, m_pipeline.config(), request.headers);
    if (!alerts)
        return reply(answer(work, Result<IngestResult>(alerts.error())));
    work.alerts = std::move(*alerts);
    return work;
}

IngestServer::Response IngestServer::answer(const Prepared &work,
                                            const Result<IngestResult> &result)
{
    const QString &source = work.source;
    if (!result) {
        const int status = statusFor(result.error().code);
        Response r = jsonError(status, result.errorMessage(), result.error().code);
        if (status == 503)
            r.headers << qMakePair(QByteArray("Retry-After"), QByteArray("5"));
        return r;
    }
    if (source == u"pagerduty") {
        // The Events API v2 answer, so PagerDuty clients pointed here are content.
        const QJsonObject o{{QStringLiteral("status"), QStringLiteral("success")},
                            {QStringLiteral("message"), QStringLiteral("Event processed")},
                            {QStringLiteral("dedup_key"), result->fingerprints.value(0)}};
        return {202, QJsonDocument(o).toJson(QJsonDocument::Compact), {}};
    }
    QJsonObject o = result->toJson();
    o[u"status"] = QStringLiteral("ok");
    return {200, QJsonDocument(o).toJson(QJsonDocument::Compact), {}};
}

} // namespace sitrep::ingest
