// SPDX-License-Identifier: MIT
#pragma once

#include "http/httprequestparser.h"
#include "server/eventlog.h"
#include "server/servermetrics.h"
#include "util/result.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <memory>

class QTcpServer;
class QTcpSocket;
class QSocketNotifier;

namespace sitrep::server {

namespace pg {
class Connection;
}

struct ServerOptions {
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0; // 0: any free port
    QByteArray databaseUrl;
    QString tlsCert; // PEM files; both or neither
    QString tlsKey;
    int poolSize = 8;       // database connections (worker threads) of this instance
    double rateLimit = 200; // requests per second per token (0: no limit)
    int rateBurst = 1000;
    http::HttpLimits limits{16 * 1024, 64, 16 * 1024 * 1024};
    int requestTimeoutMs = 10000; // a request arrives completely within this
    int idleTimeoutMs = 60000;    // keep-alive connections idle for longer are closed
    int maxConnections = 4096;
    int maxWaitSeconds = 60;
    int shutdownGraceMs = 10000;
};

/// One HTTP answer.
struct ApiResponse {
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    // A change-feed request that found nothing and may wait (set by the worker).
    bool wait = false;
    Cursor cursor;
    int limit = 0;
    int waitSeconds = 0;
    bool appended = false; // new events committed: wake the feed
    // A change-feed page that reached the end of the feed: where the end was.
    bool atHead = false;
    Cursor head;
};

/// What the event loop knows of the end of the feed when it hands a request to a worker: a
/// long poll at exactly that position parks without reading the feed again, unless an
/// append or a notification came since that end was read.
struct FeedHead {
    bool known = false;
    Cursor cursor;
};

/// sitrep-server's HTTP front: the contract of resources/api/sitrep.yaml on PostgreSQL.
///
/// The event loop thread owns the sockets, parses requests with the shared strict parser,
/// keeps long-polling waiters and the LISTEN connection; requests that touch the database
/// run on a pool of worker threads, each with its own connection. Nothing another instance
/// needs is kept here: any number of instances serve one database.
class ApiServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)
public:
    explicit ApiServer(ServerOptions options, QObject *parent = nullptr);
    ~ApiServer() override;

    Status start();
    quint16 port() const;
    /// Stops taking requests, answers every waiter, lets running requests finish (up to the
    /// grace time), then closes; emits stopped().
    void shutdown();
    ServerMetrics &metrics() { return m_metrics; }

    /// Parses "host:port" or "port" (loopback when no host is given).
    static Result<QPair<QHostAddress, quint16>> parseListen(const QString &text);

Q_SIGNALS:
    void stopped();

private:
    struct Connection;
    struct Waiter {
        quint64 connection = 0;
        Cursor cursor;
        int limit = 0;
        qint64 deadline = 0;
    };

    void onNewConnection();
    void adopt(QTcpSocket *socket);
    void onReadyRead(Connection *c);
    void onDeadline(Connection *c);
    void dispatch(Connection *c, const http::HttpRequest &request);
    void deliver(quint64 connection, const ApiResponse &response, const QString &route,
                 qint64 dispatchedMs = 0);
    void noteHead(const ApiResponse &response, qint64 readStartedMs);
    FeedHead feedHead() const;
    void write(Connection *c, const ApiResponse &response, bool close);
    void closeConnection(Connection *c);
    void armIdle(Connection *c);
    bool takeToken(const QByteArray &authorization, int *retryAfterSeconds);

    // The live change feed.
    void addWaiter(quint64 connection, const ApiResponse &r);
    void wakeWaiters();
    void expireWaiters();
    void onLocalAppend();
    void openListener();
    void onNotification();
    void sendNotify();

    ServerOptions m_options;
    QTcpServer *m_server = nullptr;
    QThreadPool m_pool;
    ServerMetrics m_metrics;
    QHash<quint64, Connection *> m_connections;
    quint64 m_nextId = 1;
    QList<Waiter> m_waiters;
    bool m_waking = false;
    bool m_wakeAgain = false;
    QTimer m_waiterTimer; // expiry and the safety re-check
    qint64 m_lastNotifyMs = 0;
    // The end of the feed as last read, and when the read that found it started; any change
    // signalled after that start makes it stale.
    Cursor m_head;
    qint64 m_headReadMs = -1;
    qint64 m_lastChangeMs = 0;
    std::unique_ptr<pg::Connection> m_listen;
    QSocketNotifier *m_listenNotifier = nullptr;
    QTimer m_listenRetry;
    int m_ownPid = 0;
    bool m_notifyRunning = false;
    bool m_notifyAgain = false;
    QHash<QByteArray, QPair<double, qint64>> m_buckets; // token hash -> (tokens, last ms)
    QElapsedTimer m_clock;
    bool m_stopping = false;
};

} // namespace sitrep::server
