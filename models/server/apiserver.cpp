// SPDX-License-Identifier: MIT
#include "server/apiserver.h"

#include "server/logging.h"
#include "server/pg.h"
#include "server/requesthandler.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <libpq-fe.h>

#include <atomic>
#include <cmath>

namespace sitrep::server {

namespace {

std::atomic<int> g_dbOpen{0};

// Each worker thread keeps one database connection (the pool is the threads).
struct WorkerDb {
    QByteArray url;
    std::unique_ptr<pg::Connection> conn;
    ~WorkerDb()
    {
        if (conn)
            --g_dbOpen;
    }
};
thread_local WorkerDb t_db;

pg::Connection *workerDb(const QByteArray &url, QString *error)
{
    if (t_db.conn && t_db.url == url && t_db.conn->isOpen())
        return t_db.conn.get();
    if (t_db.conn) {
        t_db.conn.reset();
        --g_dbOpen;
    }
    auto c = std::make_unique<pg::Connection>(url);
    if (auto s = c->open(); !s) {
        *error = s.errorMessage();
        return nullptr;
    }
    t_db.conn = std::move(c);
    t_db.url = url;
    ++g_dbOpen;
    return t_db.conn.get();
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

struct ApiServer::Connection {
    quint64 id = 0;
    QTcpSocket *socket = nullptr;
    http::HttpRequestParser parser;
    QByteArray pending; // bytes of the next request, read while this one was answered
    QTimer timer;
    bool busy = false;
    bool partial = false;
    bool closeAfter = false;
    bool sentContinue = false;
};

ApiServer::ApiServer(ServerOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_pool.setMaxThreadCount(qMax(1, m_options.poolSize));
    m_pool.setExpiryTimeout(-1);
    m_metrics.setPoolSize(m_pool.maxThreadCount());
    m_clock.start();
    m_waiterTimer.setInterval(200);
    connect(&m_waiterTimer, &QTimer::timeout, this, &ApiServer::expireWaiters);
    m_listenRetry.setSingleShot(true);
    m_listenRetry.setInterval(1000);
    connect(&m_listenRetry, &QTimer::timeout, this, &ApiServer::openListener);
}

ApiServer::~ApiServer()
{
    m_pool.waitForDone();
    for (Connection *c : std::as_const(m_connections)) {
        c->socket->disconnect(this);
        c->socket->abort();
        delete c->socket;
        delete c;
    }
    m_connections.clear();
}

Result<QPair<QHostAddress, quint16>> ApiServer::parseListen(const QString &text)
{
    using R = Result<QPair<QHostAddress, quint16>>;
    QString host = QStringLiteral("127.0.0.1");
    QString port = text;
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon >= 0) {
        host = text.left(colon);
        port = text.mid(colon + 1);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        if (host == u"localhost")
            host = QStringLiteral("127.0.0.1");
    }
    bool ok = false;
    const uint p = port.toUInt(&ok);
    const QHostAddress addr(host);
    if (!ok || p > 65535 || addr.isNull())
        return R::fail(
            QStringLiteral("'%1' is not ADDRESS:PORT (for example 127.0.0.1:8443)").arg(text));
    return qMakePair(addr, quint16(p));
}

Status ApiServer::start()
{
    const bool tls = !m_options.tlsCert.isEmpty() || !m_options.tlsKey.isEmpty();
    if (!tls && !m_options.address.isLoopback())
        return Status::fail(
            QStringLiteral(
                "plain HTTP is only for loopback: give --tls-cert and --tls-key to listen on %1")
                .arg(m_options.address.toString()));
    if (tls) {
        if (m_options.tlsCert.isEmpty() || m_options.tlsKey.isEmpty())
            return Status::fail(QStringLiteral("TLS needs both --tls-cert and --tls-key"));
        QFile certFile(m_options.tlsCert), keyFile(m_options.tlsKey);
        if (!certFile.open(QIODevice::ReadOnly))
            return Status::fail(QStringLiteral("cannot read the certificate %1: %2")
                                    .arg(m_options.tlsCert, certFile.errorString()));
        if (!keyFile.open(QIODevice::ReadOnly))
            return Status::fail(QStringLiteral("cannot read the key %1: %2")
                                    .arg(m_options.tlsKey, keyFile.errorString()));
        const QList<QSslCertificate> chain =
            QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
        if (chain.isEmpty() || key.isNull())
            return Status::fail(QStringLiteral("%1 / %2: not a PEM certificate and private key")
                                    .arg(m_options.tlsCert, m_options.tlsKey));
        auto *ssl = new QSslServer(this);
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setLocalCertificateChain(chain);
        conf.setPrivateKey(key);
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
        ssl->setSslConfiguration(conf);
        connect(ssl, &QSslServer::errorOccurred, this,
                [](QSslSocket *s, QAbstractSocket::SocketError) {
                    qCInfo(lcServer) << "TLS connection failed:" << s->errorString();
                });
        m_server = ssl;
    } else {
        m_server = new QTcpServer(this);
    }
    m_server->setMaxPendingConnections(256);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &ApiServer::onNewConnection);
    if (!m_server->listen(m_options.address, m_options.port))
        return Status::fail(QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(m_options.address.toString())
                                .arg(m_options.port)
                                .arg(m_server->errorString()));
    openListener();
    qCInfo(lcServer) << "listening on" << m_options.address.toString() << m_server->serverPort()
                     << (tls ? "(TLS)" : "(loopback HTTP)");
    return {};
}

quint16 ApiServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void ApiServer::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QTcpSocket *s = m_server->nextPendingConnection();
        if (!s)
            break;
        adopt(s);
    }
}

void ApiServer::adopt(QTcpSocket *socket)
{
    if (m_stopping || m_connections.size() >= m_options.maxConnections) {
        // Overload is an answer, never a reset.
        ApiResponse r =
            errorResponse(503, QStringLiteral("unavailable"),
                          m_stopping ? QStringLiteral("the server is shutting down")
                                     : QStringLiteral("too many connections: try again"));
        QByteArray out = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                         "application/json\r\nRetry-After: 1\r\nContent-Length: " +
                         QByteArray::number(r.body.size()) + "\r\nConnection: close\r\n\r\n" +
                         r.body;
        socket->write(out);
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        qCInfo(lcServer) << "refused a connection:"
                         << (m_stopping ? "shutting down" : "connection limit");
        return;
    }
    auto *c = new Connection;
    c->id = m_nextId++;
    c->socket = socket;
    c->parser = http::HttpRequestParser(m_options.limits);
    c->timer.setSingleShot(true);
    m_connections.insert(c->id, c);
    m_metrics.setConnections(int(m_connections.size()));
    connect(&c->timer, &QTimer::timeout, this, [this, c] { onDeadline(c); });
    connect(socket, &QTcpSocket::readyRead, this, [this, c] { onReadyRead(c); });
    connect(socket, &QTcpSocket::disconnected, this, [this, c] { closeConnection(c); });
    armIdle(c);
    if (socket->bytesAvailable() > 0)
        onReadyRead(c);
}

void ApiServer::armIdle(Connection *c)
{
    c->partial = false;
    c->sentContinue = false;
    c->timer.start(m_options.idleTimeoutMs);
}

void ApiServer::onDeadline(Connection *c)
{
    if (c->busy)
        return;
    if (c->partial) {
        qCInfo(lcServer) << "request timed out before it arrived completely";
        write(c,
              errorResponse(408, QStringLiteral("timeout"),
                            QStringLiteral("the request did not arrive in time")),
              true);
        return;
    }
    c->socket->disconnectFromHost();
}

void ApiServer::closeConnection(Connection *c)
{
    if (!m_connections.contains(c->id))
        return;
    m_connections.remove(c->id);
    for (qsizetype i = 0; i < m_waiters.size(); ++i)
        if (m_waiters[i].connection == c->id)
            m_waiters.removeAt(i--);
    m_metrics.setWaiters(int(m_waiters.size()));
    m_metrics.setConnections(int(m_connections.size()));
    c->timer.stop();
    c->socket->deleteLater();
    delete c;
}

void ApiServer::onReadyRead(Connection *c)
{
    if (c->busy)
        return; // one request at a time per connection; the rest waits in the socket
    QByteArray data = c->pending + c->socket->readAll();
    c->pending.clear();
    if (data.isEmpty())
        return;
    const auto state = c->parser.feed(data);
    if (state == http::HttpRequestParser::State::Error) {
        qCInfo(lcServer) << "bad request:" << c->parser.errorMessage();
        write(c,
              errorResponse(c->parser.errorStatus(), QStringLiteral("bad_request"),
                            c->parser.errorMessage()),
              true);
        return;
    }
    if (state == http::HttpRequestParser::State::NeedMore) {
        if (!c->partial) {
            c->partial = true;
            c->timer.start(m_options.requestTimeoutMs);
        }
        if (c->parser.headersComplete() && c->parser.request().expectContinue && !c->sentContinue) {
            c->sentContinue = true;
            c->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return;
    }
    const http::HttpRequest request = c->parser.request();
    c->pending = c->parser.takeRemainder();
    c->parser.reset();
    c->timer.stop();
    c->busy = true;
    c->closeAfter = !request.keepAlive;
    dispatch(c, request);
}

bool ApiServer::takeToken(const QByteArray &authorization, int *retryAfterSeconds)
{
    if (m_options.rateLimit <= 0)
        return true;
    const QByteArray key = QCryptographicHash::hash(authorization, QCryptographicHash::Sha256);
    const qint64 now = m_clock.elapsed();
    if (m_buckets.size() > 10000)
        m_buckets.clear();
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, qMakePair(double(m_options.rateBurst), now));
    double tokens = qMin(double(m_options.rateBurst),
                         it->first + double(now - it->second) / 1000.0 * m_options.rateLimit);
    it->second = now;
    if (tokens >= 1) {
        it->first = tokens - 1;
        return true;
    }
    it->first = tokens;
    *retryAfterSeconds = qMax(1, int(std::ceil((1 - tokens) / m_options.rateLimit)));
    return false;
}

void ApiServer::dispatch(Connection *c, const http::HttpRequest &request)
{
    const QString route = routeOf(request.method, request.path);
    if (request.path == "/healthz" && request.method == "GET") {
        ApiResponse r;
        if (m_stopping)
            r = errorResponse(503, QStringLiteral("unavailable"),
                              QStringLiteral("the server is shutting down"));
        else
            r.body = "{\"ok\":true}";
        deliver(c->id, r, route);
        return;
    }
    if (request.path == "/metrics" && request.method == "GET") {
        m_metrics.setDbOpen(g_dbOpen.load());
        ApiResponse r;
        r.contentType = "text/plain; version=0.0.4";
        r.body = m_metrics.render();
        deliver(c->id, r, route);
        return;
    }
    if (m_stopping) {
        c->closeAfter = true;
        deliver(c->id,
                errorResponse(503, QStringLiteral("unavailable"),
                              QStringLiteral("the server is shutting down")),
                route);
        return;
    }
    if (request.path.startsWith("/api/")) {
        int retryAfter = 1;
        if (!takeToken(request.headers.value("authorization"), &retryAfter)) {
            ApiResponse r =
                errorResponse(429, QStringLiteral("rate_limited"),
                              QStringLiteral("too many requests for this token: slow down"));
            r.headers.clear();
            r.headers << qMakePair(QByteArray("Retry-After"), QByteArray::number(retryAfter));
            qCInfo(lcServer) << "rate-limited a token on" << route;
            deliver(c->id, r, route);
            return;
        }
    }
    const quint64 id = c->id;
    const QByteArray url = m_options.databaseUrl;
    const int maxWait = m_options.maxWaitSeconds;
    ServerMetrics *metrics = &m_metrics;
    const FeedHead head = feedHead();
    const qint64 dispatched = nowMs();
    m_pool.start([this, id, request, url, maxWait, metrics, head, dispatched] {
        QString error;
        QString route;
        ApiResponse r;
        if (pg::Connection *db = workerDb(url, &error)) {
            metrics->dbBusy(1);
            r = handleRequest(*db, request, *metrics, maxWait, head, &route);
            // A connection that broke (the database restarted since this thread last used
            // it): once more on a fresh one. Writes are safe to repeat: a commit that did
            // happen is found again through its Idempotency-Key.
            if (!db->isOpen()) {
                if ((db = workerDb(url, &error)))
                    r = handleRequest(*db, request, *metrics, maxWait, head, &route);
            }
            metrics->dbBusy(-1);
        } else {
            route = routeOf(request.method, request.path);
            qCWarning(lcServer) << error;
            r = errorResponse(503, QStringLiteral("unavailable"),
                              QStringLiteral("the database is not reachable: try again"));
        }
        QMetaObject::invokeMethod(
            this, [this, id, r, route, dispatched] { deliver(id, r, route, dispatched); },
            Qt::QueuedConnection);
    });
}

FeedHead ApiServer::feedHead() const
{
    FeedHead h;
    h.known = m_headReadMs >= 0 && m_lastChangeMs < m_headReadMs;
    h.cursor = m_head;
    return h;
}

void ApiServer::noteHead(const ApiResponse &r, qint64 readStartedMs)
{
    if (r.status == 200 && r.atHead && readStartedMs >= m_headReadMs) {
        m_head = r.head;
        m_headReadMs = readStartedMs;
    }
}

void ApiServer::deliver(quint64 id, const ApiResponse &response, const QString &route,
                        qint64 dispatchedMs)
{
    if (response.appended)
        onLocalAppend();
    noteHead(response, dispatchedMs);
    Connection *c = m_connections.value(id);
    if (!c)
        return;
    if (response.wait && response.waitSeconds > 0 && !m_stopping) {
        addWaiter(id, response);
        // Something changed while the worker looked: every waiter looks again.
        if (m_lastChangeMs >= dispatchedMs)
            wakeWaiters();
        return;
    }
    m_metrics.countRequest(route, response.status);
    write(c, response, c->closeAfter || m_stopping);
}

void ApiServer::write(Connection *c, const ApiResponse &r, bool close)
{
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + http::httpReason(r.status) + "\r\n";
    if (r.status != 204) // No Content: no body, so neither its type nor its length
        out += "Content-Type: " + r.contentType +
               "\r\nContent-Length: " + QByteArray::number(r.body.size()) + "\r\n";
    for (const auto &h : r.headers)
        out += h.first + ": " + h.second + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n" + r.body;
    c->socket->write(out);
    c->busy = false;
    if (close) {
        c->timer.stop();
        c->socket->disconnectFromHost();
        return;
    }
    armIdle(c);
    if (!c->pending.isEmpty() || c->socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(
            this,
            [this, id = c->id] {
                if (Connection *again = m_connections.value(id))
                    onReadyRead(again);
            },
            Qt::QueuedConnection);
}

// --- The live change feed -------------------------------------------------------------

void ApiServer::addWaiter(quint64 connection, const ApiResponse &r)
{
    m_waiters.append(Waiter{connection, r.cursor, r.limit, nowMs() + qint64(r.waitSeconds) * 1000});
    m_metrics.setWaiters(int(m_waiters.size()));
    if (!m_waiterTimer.isActive())
        m_waiterTimer.start();
}

void ApiServer::expireWaiters()
{
    const qint64 now = nowMs();
    for (qsizetype i = 0; i < m_waiters.size(); ++i) {
        const Waiter w = m_waiters[i];
        if (w.deadline > now && !m_stopping)
            continue;
        m_waiters.removeAt(i--);
        if (Connection *c = m_connections.value(w.connection)) {
            ApiResponse empty;
            empty.body = "{\"events\":[],\"cursor\":\"" + w.cursor.toString().toLatin1() +
                         "\",\"more\":false}";
            m_metrics.countRequest(QStringLiteral("GET /api/changes"), 200);
            write(c, empty, c->closeAfter || m_stopping);
        }
    }
    m_metrics.setWaiters(int(m_waiters.size()));
    if (m_waiters.isEmpty()) {
        m_waiterTimer.stop();
        return;
    }
    // A notification whose rows were not yet visible (an older transaction still open):
    // look again for a little while.
    if (now - m_lastNotifyMs < 3000)
        wakeWaiters();
}

void ApiServer::wakeWaiters()
{
    if (m_waiters.isEmpty() || m_stopping)
        return;
    if (m_waking) {
        m_wakeAgain = true;
        return;
    }
    m_waking = true;
    m_wakeAgain = false;
    // Waiters at the same position share one query.
    QHash<QPair<QString, int>, Cursor> groups;
    for (const Waiter &w : std::as_const(m_waiters))
        groups.insert(qMakePair(w.cursor.toString(), w.limit), w.cursor);
    auto remaining = std::make_shared<int>(int(groups.size()));
    const QByteArray url = m_options.databaseUrl;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        const Cursor cursor = it.value();
        const int limit = it.key().second;
        const qint64 started = nowMs();
        m_pool.start([this, url, cursor, limit, remaining, started] {
            QString error;
            ApiResponse r;
            if (pg::Connection *db = workerDb(url, &error))
                r = readChanges(*db, cursor, limit);
            else
                r.wait = true; // nothing to say yet: the waiters keep waiting
            QMetaObject::invokeMethod(
                this,
                [this, r, cursor, limit, remaining, started] {
                    noteHead(r, started);
                    if (!r.wait && r.status == 200) {
                        for (qsizetype i = 0; i < m_waiters.size(); ++i) {
                            const Waiter w = m_waiters[i];
                            if (!(w.cursor == cursor) || w.limit != limit)
                                continue;
                            m_waiters.removeAt(i--);
                            if (Connection *c = m_connections.value(w.connection)) {
                                m_metrics.countRequest(QStringLiteral("GET /api/changes"), 200);
                                write(c, r, c->closeAfter);
                            }
                        }
                        m_metrics.setWaiters(int(m_waiters.size()));
                    }
                    if (--*remaining == 0) {
                        m_waking = false;
                        if (m_wakeAgain)
                            wakeWaiters();
                    }
                },
                Qt::QueuedConnection);
        });
    }
}

void ApiServer::onLocalAppend()
{
    m_lastNotifyMs = nowMs();
    m_lastChangeMs = m_lastNotifyMs;
    wakeWaiters();
    sendNotify();
}

void ApiServer::sendNotify()
{
    // Other instances learn of the append through PostgreSQL; notifications are coalesced so
    // a storm of appends costs one NOTIFY at a time.
    if (m_notifyRunning) {
        m_notifyAgain = true;
        return;
    }
    m_notifyRunning = true;
    m_notifyAgain = false;
    const QByteArray url = m_options.databaseUrl;
    m_pool.start([this, url] {
        QString error;
        if (pg::Connection *db = workerDb(url, &error))
            db->exec("NOTIFY sitrep_changes");
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_notifyRunning = false;
                if (m_notifyAgain)
                    sendNotify();
            },
            Qt::QueuedConnection);
    });
}

void ApiServer::openListener()
{
    if (m_stopping)
        return;
    delete m_listenNotifier;
    m_listenNotifier = nullptr;
    m_listen = std::make_unique<pg::Connection>(m_options.databaseUrl);
    if (auto s = m_listen->open(2); !s) {
        qCWarning(lcServer) << "change notifications unavailable, retrying:" << s.errorMessage();
        m_listen.reset();
        m_listenRetry.start();
        return;
    }
    if (pg::Result r = m_listen->exec("LISTEN sitrep_changes"); !r.ok()) {
        qCWarning(lcServer) << "LISTEN failed, retrying:" << r.error();
        m_listen.reset();
        m_listenRetry.start();
        return;
    }
    m_ownPid = PQbackendPID(m_listen->raw());
    m_listenNotifier =
        new QSocketNotifier(qintptr(m_listen->socket()), QSocketNotifier::Read, this);
    connect(m_listenNotifier, &QSocketNotifier::activated, this, &ApiServer::onNotification);
    // Anything appended while we were not listening.
    m_lastNotifyMs = nowMs();
    m_lastChangeMs = m_lastNotifyMs;
    wakeWaiters();
}

void ApiServer::onNotification()
{
    if (!m_listen)
        return;
    if (!PQconsumeInput(m_listen->raw()) || PQstatus(m_listen->raw()) != CONNECTION_OK) {
        qCWarning(lcServer) << "lost the notification connection:" << m_listen->lastError();
        m_listenNotifier->setEnabled(false);
        m_listenNotifier->deleteLater();
        m_listenNotifier = nullptr;
        m_listen.reset();
        m_listenRetry.start();
        return;
    }
    bool other = false;
    while (PGnotify *n = PQnotifies(m_listen->raw())) {
        if (n->be_pid != m_ownPid)
            other = true;
        PQfreemem(n);
    }
    if (other) {
        m_metrics.countNotify();
        m_lastNotifyMs = nowMs();
        m_lastChangeMs = m_lastNotifyMs;
        wakeWaiters();
    }
}

void ApiServer::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcServer) << "shutting down:" << m_waiters.size() << "waiters," << m_connections.size()
                     << "connections";
    if (m_server)
        m_server->close();
    m_listenRetry.stop();
    expireWaiters(); // every waiter gets its (empty) answer now
    auto *poll = new QTimer(this);
    QElapsedTimer since;
    since.start();
    connect(poll, &QTimer::timeout, this, [this, poll, since] {
        bool busy = false;
        for (Connection *c : std::as_const(m_connections))
            busy = busy || c->busy;
        if (busy && since.elapsed() < m_options.shutdownGraceMs)
            return;
        poll->stop();
        m_pool.waitForDone(m_options.shutdownGraceMs);
        for (Connection *c : m_connections.values()) {
            c->socket->flush();
            c->socket->disconnectFromHost();
        }
        delete m_listenNotifier;
        m_listenNotifier = nullptr;
        m_listen.reset();
        Q_EMIT stopped();
    });
    poll->start(20);
}

} // namespace sitrep::server
