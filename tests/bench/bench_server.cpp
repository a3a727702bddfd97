// SPDX-License-Identifier: MIT
// bench_server: the team back end (sitrep-server on a throwaway PostgreSQL 15 cluster, two
// instances behind HAProxy), each measure against the bare database doing the same work in
// the same run:
//   1. append: concurrent clients POSTing batches of events through HAProxy, against raw
//      PostgreSQL inserting the same batches (one multi-row INSERT and transaction per batch)
//      over as many connections; the server once with its default pool of database
//      connections (8 per instance) and once per --pool size on fresh instances;
//   2. live fan-out: clients long-polling the change feed on both instances while one writer
//      appends a note per round; append-to-delivery latency per client and round;
//   3. server memory (VmRSS of each instance) idle and with the long-polling clients;
//   4. initial sync of N incidents from the server into an empty client cache, against raw
//      SQLite inserting the same rows.
//
//   bench_server [--clients N] [--batches N] [--batch N] [--spread N] [--pool LIST] [--fanout LIST]
//                [--rounds N] [--interval MS] [--incidents N]
//
// A size of 0 (or an empty --fanout) skips that part.
#include "benchutil.h"
#include "fixtures/httpmessage.h"
#include "fixtures/teamserver/teamserver.h"
#include "host/appcontext.h"
#include "server/pg.h"
#include "sync/restclient.h"
#include "sync/syncservice.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

#include <sqlite3.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <latch>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

using namespace sitrep;
using bench::num;
using bench::Stopwatch;
using bench::Table;
using testing::TeamBackEnd;

namespace {

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// Runs the event loop until `done()` holds or `timeoutMs` pass; returns done().
bool pumpUntil(const std::function<bool()> &done, int timeoutMs)
{
    QTimer tick; // wakes the loop so the timeout is seen even when nothing arrives
    tick.start(5);
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return done();
}

/// A bare HTTP/1.1 keep-alive client on one socket, one request at a time: far lighter than
/// a QNetworkAccessManager per client (which also keeps at most six connections per host),
/// so a thousand of them fit in this process.
class HttpClient {
public:
    using Handler = std::function<void(int status, const QByteArray &body)>;

    explicit HttpClient(quint16 port) : m_port(port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { onReadyRead(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
            if (auto h = std::exchange(m_handler, {}))
                h(0, QByteArray("connection closed"));
        });
    }
    ~HttpClient()
    {
        // No answer handler may run once the owner is gone (the socket's destructor closes).
        m_handler = {};
        QObject::disconnect(&m_socket, nullptr, nullptr, nullptr);
    }
    Q_DISABLE_COPY_MOVE(HttpClient)
    /// Lives as long as this client: the context for timers that act on it.
    QObject *context() { return &m_socket; }
    bool open()
    {
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
        return m_socket.waitForConnected(10000);
    }
    void send(const QByteArray &method, const QByteArray &path, const QByteArray &token,
              const QByteArray &body, Handler handler, const QByteArray &extraHeaders = {})
    {
        m_handler = std::move(handler);
        QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!token.isEmpty())
            req += "Authorization: Bearer " + token + "\r\n";
        req += extraHeaders;
        if (!body.isNull())
            req += "Content-Type: application/json\r\nContent-Length: " +
                   QByteArray::number(body.size()) + "\r\n";
        req += "\r\n" + body;
        m_socket.write(req);
    }
    /// Sends and waits for the answer (set-up only: it runs the event loop).
    QPair<int, QByteArray> call(const QByteArray &method, const QByteArray &path,
                                const QByteArray &token = {}, const QByteArray &body = {},
                                const QByteArray &extraHeaders = {})
    {
        QPair<int, QByteArray> out{-1, {}};
        bool done = false;
        send(
            method, path, token, body,
            [&](int s, const QByteArray &b) {
                out = {s, b};
                done = true;
            },
            extraHeaders);
        pumpUntil([&] { return done; }, 120000);
        return out;
    }

private:
    void onReadyRead()
    {
        m_buf += m_socket.readAll();
        while (const auto m = testing::takeHttpMessage(m_buf))
            if (auto h = std::exchange(m_handler, {}))
                h(m->status(), m->body);
    }

    QTcpSocket m_socket;
    quint16 m_port;
    QByteArray m_buf;
    Handler m_handler;
};

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

qint64 rssKiB(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

/// CPU seconds (user + system) a process has used so far.
double processCpuSeconds(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    // Fields after the command name (which may hold spaces): state is the 3rd, utime the 14th.
    const QList<QByteArray> v = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (v.size() < 13)
        return 0;
    return double(v[11].toLongLong() + v[12].toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

/// CPU seconds the PostgreSQL cluster listening on `port` has used so far: the postmaster
/// with the children it has reaped, plus every live child (the backends of open connections).
double clusterCpuSeconds(quint16 port)
{
    auto fields = [](qint64 pid) {
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return QList<QByteArray>();
        const QByteArray stat = f.readAll();
        return stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    };
    const double tick = double(sysconf(_SC_CLK_TCK));
    qint64 postmaster = 0;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &pid : pids) {
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> args = f.readAll().split('\0');
        if (!args.value(0).endsWith("postgres"))
            continue;
        const qsizetype p = args.indexOf("-p");
        if (p >= 0 && args.value(p + 1).toUInt() == port)
            postmaster = pid.toLongLong();
        // pg_ctl -o passes the options as one argument
        for (const QByteArray &a : args)
            if (a.contains("-p " + QByteArray::number(port) + ' '))
                postmaster = pid.toLongLong();
    }
    if (postmaster == 0)
        return 0;
    const QList<QByteArray> pm = fields(postmaster);
    double cpu = double(pm.value(11).toLongLong() + pm.value(12).toLongLong() +
                        pm.value(13).toLongLong() + pm.value(14).toLongLong()) /
                 tick;
    for (const QString &pid : pids) {
        const QList<QByteArray> v = fields(pid.toLongLong());
        if (v.size() > 12 && v[1].toLongLong() == postmaster)
            cpu += double(v[11].toLongLong() + v[12].toLongLong()) / tick;
    }
    return cpu;
}

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const qsizetype i =
        qBound<qsizetype>(0, qsizetype(std::ceil(p * double(v.size()))) - 1, v.size() - 1);
    return v[i];
}

QByteArray cursorOf(const QByteArray &body)
{
    const qsizetype k = body.indexOf("\"cursor\"");
    const qsizetype a = k < 0 ? -1 : body.indexOf('"', body.indexOf(':', k) + 1);
    const qsizetype b = a < 0 ? -1 : body.indexOf('"', a + 1);
    return b < 0 ? QByteArray() : body.mid(a + 1, b - a - 1);
}

/// The end of the change feed now (reads it page by page).
QByteArray feedEnd(quint16 port, const QByteArray &token)
{
    HttpClient c(port);
    if (!c.open())
        return {};
    QByteArray cursor = "0";
    for (;;) {
        const auto [status, body] =
            c.call("GET", "/api/changes?limit=20000&since=" + cursor, token);
        if (status != 200)
            return {};
        cursor = cursorOf(body);
        if (!body.contains("\"more\":true"))
            return cursor;
    }
}

qint64 hlcNow()
{
    static qint64 last = 0;
    last = qMax(last + 1, nowMs() << 16);
    return last;
}

QJsonObject wireEvent(const QString &incident, const QString &kind, const QString &actor,
                      const QJsonObject &payload, const QString &id = uuid())
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("incidentId"), incident},
            {QStringLiteral("hlc"), QString::number(hlcNow())},
            {QStringLiteral("ts"), nowMs()},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("payload"), payload},
            {QStringLiteral("origin"), QStringLiteral("bench")}};
}

QJsonObject openedEvent(const QString &incident, const QString &actor, int i)
{
    return wireEvent(
        incident, QStringLiteral("incident.opened"), actor,
        {{QStringLiteral("number"), QStringLiteral("L-%1").arg(i)},
         {QStringLiteral("title"), QStringLiteral("checkout latency above SLO %1").arg(i)},
         {QStringLiteral("severity"), QStringLiteral("high")},
         {QStringLiteral("priority"), QStringLiteral("P2")},
         {QStringLiteral("state"), QStringLiteral("triggered")},
         {QStringLiteral("open"), true},
         {QStringLiteral("sla"), QStringLiteral("running")},
         {QStringLiteral("response_minutes"), 15},
         {QStringLiteral("resolution_minutes"), 240}});
}

/// Opens `n` incidents as `user` (one batch) and returns their ids.
QStringList openIncidents(quint16 port, const QString &user, const QString &token, int n)
{
    QJsonArray evs;
    QStringList ids;
    for (int i = 0; i < n; ++i) {
        ids << uuid();
        evs << openedEvent(ids.last(), user, i);
    }
    HttpClient c(port);
    if (!c.open())
        return {};
    const auto [status, body] =
        c.call("POST", "/api/events", token.toUtf8(), compact({{QStringLiteral("events"), evs}}),
               "Idempotency-Key: " + uuid().toLatin1() + "\r\n");
    if (status != 200) {
        fprintf(stderr, "opening incidents failed: %d %s\n", status, body.constData());
        return {};
    }
    return ids;
}

// --- 1. Append -----------------------------------------------------------------------------

struct Batch {
    QByteArray request; // POST /api/events body
    // The same events as the server stores them, for the raw INSERT.
    QList<QByteArray> id, incident, kind, actor, body;
    QByteArray sentBy;
};

/// Two instances behind HAProxy without the rate limit (a benchmark is one heavy client).
bool startUnlimited(TeamBackEnd &team)
{
    if (team.start(2, {QStringLiteral("--rate-limit"), QStringLiteral("0")}))
        return true;
    fprintf(stderr, "the team back end did not start\n");
    return false;
}

void benchAppend(int clients, int batches, int batchSize, int spread, const QList<int> &pools)
{
    printf("\n## Append: %d clients x %d batches x %d events (%d incidents each), through HAProxy "
           "to 2 instances\n\n",
           clients, batches, batchSize, spread);
    fflush(stdout);
    TeamBackEnd team;
    if (!startUnlimited(team))
        return;
    // Set-up, not timed: users, their incidents, every batch generated up front (new event
    // ids for each run, the same shape).
    QList<QByteArray> tokens;
    QList<QString> users;
    QList<QStringList> incidents;
    for (int c = 0; c < clients; ++c) {
        users << QStringLiteral("bench-c%1").arg(c);
        tokens << team.addUser(users.last(), QStringLiteral("responder")).toUtf8();
        incidents << openIncidents(team.proxy.port(), users.last(),
                                   QString::fromUtf8(tokens.last()), spread);
        if (tokens.last().isEmpty() || incidents.last().size() != spread)
            return;
    }
    auto generate = [&] {
        QList<QList<Batch>> work(clients);
        for (int c = 0; c < clients; ++c) {
            const QString &user = users[c];
            for (int b = 0; b < batches; ++b) {
                Batch batch;
                batch.sentBy = user.toUtf8();
                QJsonArray evs;
                for (int i = 0; i < batchSize; ++i) {
                    const QJsonObject e = wireEvent(
                        incidents[c][i % spread], QStringLiteral("note.added"), user,
                        {{QStringLiteral("text"),
                          QStringLiteral("checked the dashboards, error rate back under 1% (%1/%2)")
                              .arg(b)
                              .arg(i)}});
                    evs << e;
                    QJsonObject stored = e;
                    stored.insert(
                        QStringLiteral("sentBy"),
                        QJsonObject{{QStringLiteral("user"), user},
                                    {QStringLiteral("role"), QStringLiteral("responder")}});
                    batch.id << e.value(u"id").toString().toUtf8();
                    batch.incident << e.value(u"incidentId").toString().toUtf8();
                    batch.kind << "note.added";
                    batch.actor << batch.sentBy;
                    batch.body << compact(stored);
                }
                batch.request = compact({{QStringLiteral("events"), evs}});
                work[c] << batch;
            }
        }
        return work;
    };
    const QList<QList<Batch>> work = generate();
    const qint64 total = qint64(clients) * batches * batchSize;

    // One row of the table: what appended, how long it took, the CPU it cost and the batches
    // that failed.
    struct Run {
        QString what;
        double secs = 0;
        double serverCpu = 0; // sitrep-server's instances; none for raw PostgreSQL
        double pgCpu = 0;
        int failures = 0;
        qint64 stored = 0;
    };

    // Raw PostgreSQL: a table shaped like the event log (same columns, defaults, indexes),
    // the same batches, one multi-row INSERT in one transaction per batch, one connection and
    // thread per client.
    Run raw;
    raw.what =
        QStringLiteral("raw PostgreSQL: multi-row INSERT, 1 tx/batch, %1 connections").arg(clients);
    raw.stored = total;
    {
        server::pg::Connection admin(team.pg.url());
        if (!admin.open() ||
            !admin.execScript(
                "CREATE TABLE raw_events (seq bigserial PRIMARY KEY, id uuid NOT NULL "
                "UNIQUE, incident uuid NOT NULL, xid xid8 NOT NULL DEFAULT "
                "pg_current_xact_id(), kind text NOT NULL, actor text NOT NULL, "
                "sent_by text NOT NULL, sent_role text NOT NULL, received_at "
                "timestamptz NOT NULL DEFAULT now(), body text NOT NULL);"
                "CREATE INDEX raw_events_feed ON raw_events (xid, seq);"
                "CREATE INDEX raw_events_by_incident ON raw_events (incident, seq);")) {
            fprintf(stderr, "raw table: %s\n", qPrintable(admin.lastError()));
            return;
        }
        QByteArray sql =
            "INSERT INTO raw_events(id, incident, kind, actor, sent_by, sent_role, body) VALUES ";
        for (int i = 0; i < batchSize; ++i) {
            const int p = i * 7;
            sql += (i ? ",(" : "(") +
                   QByteArray("$%1::uuid,$%2::uuid,$%3,$%4,$%5,$%6,$%7")
                       .replace("%1", QByteArray::number(p + 1))
                       .replace("%2", QByteArray::number(p + 2))
                       .replace("%3", QByteArray::number(p + 3))
                       .replace("%4", QByteArray::number(p + 4))
                       .replace("%5", QByteArray::number(p + 5))
                       .replace("%6", QByteArray::number(p + 6))
                       .replace("%7", QByteArray::number(p + 7)) +
                   ')';
        }
        std::vector<std::unique_ptr<server::pg::Connection>> conns;
        for (int c = 0; c < clients; ++c) {
            conns.push_back(std::make_unique<server::pg::Connection>(team.pg.url()));
            if (!conns.back()->open()) {
                fprintf(stderr, "raw connection: %s\n", qPrintable(conns.back()->lastError()));
                return;
            }
        }
        std::latch go(clients + 1);
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c)
            threads.emplace_back([&, c] {
                server::pg::Connection &db = *conns[size_t(c)];
                go.arrive_and_wait();
                for (const Batch &b : work[c]) {
                    server::pg::Params params;
                    params.reserve(qsizetype(batchSize) * 7);
                    for (int i = 0; i < batchSize; ++i)
                        params << b.id[i] << b.incident[i] << b.kind[i] << b.actor[i] << b.sentBy
                               << "responder" << b.body[i];
                    db.exec("BEGIN");
                    if (!db.exec(sql, params).ok()) {
                        ++failures;
                        db.exec("ROLLBACK");
                        continue;
                    }
                    if (!db.exec("COMMIT").ok())
                        ++failures;
                }
            });
        const double pg0 = clusterCpuSeconds(team.pg.port());
        Stopwatch t;
        go.arrive_and_wait();
        for (auto &th : threads)
            th.join();
        raw.secs = t.seconds();
        raw.pgCpu = clusterCpuSeconds(team.pg.port()) - pg0;
        raw.failures = failures.load();
    }

    // Sitrep: the same batches as POST /api/events through HAProxy, each client one request
    // at a time on its own keep-alive connection. Once with the instances' default pool, then
    // once per extra pool size on fresh instances of the same cluster (new event ids).
    const auto onPool = [](int pool) {
        Run run;
        run.what = QStringLiteral("sitrep-server: POST /api/events, HAProxy, 2 instances x pool %1")
                       .arg(pool);
        return run;
    };
    auto runServer = [&](const testing::Haproxy &proxy, const QList<qint64> &pids,
                         const QList<QList<Batch>> &batchesOf, Run &run) {
        std::vector<std::unique_ptr<HttpClient>> http;
        for (int c = 0; c < clients; ++c) {
            http.push_back(std::make_unique<HttpClient>(proxy.port()));
            if (!http.back()->open())
                return;
        }
        int running = clients;
        QList<int> next(clients, 0);
        QByteArray lastError;
        std::function<void(int)> sendNext = [&](int c) {
            if (next[c] >= batches) {
                --running;
                return;
            }
            const Batch &b = batchesOf[c][next[c]++];
            http[size_t(c)]->send(
                "POST", "/api/events", tokens[c], b.request,
                [&, c](int status, const QByteArray &body) {
                    if (status != 200 || body.contains("\"status\":\"refused\"")) {
                        ++run.failures;
                        lastError = QByteArray::number(status) + ' ' + body.left(300);
                    }
                    sendNext(c);
                },
                "Idempotency-Key: " + b.id.first() + "\r\n");
        };
        const qint64 before =
            team.pg.sql(QStringLiteral("SELECT count(*) FROM events WHERE kind = 'note.added'"))
                .toLongLong();
        double cpu0 = 0;
        for (qint64 pid : pids)
            cpu0 += processCpuSeconds(pid);
        const double pg0 = clusterCpuSeconds(team.pg.port());
        Stopwatch t;
        for (int c = 0; c < clients; ++c)
            sendNext(c);
        pumpUntil([&] { return running == 0; }, 3600 * 1000);
        run.secs = t.seconds();
        run.pgCpu = clusterCpuSeconds(team.pg.port()) - pg0;
        for (qint64 pid : pids)
            run.serverCpu += processCpuSeconds(pid);
        run.serverCpu -= cpu0;
        run.stored =
            team.pg.sql(QStringLiteral("SELECT count(*) FROM events WHERE kind = 'note.added'"))
                .toLongLong() -
            before;
        if (run.failures)
            fprintf(stderr, "append: %d failed batches, last: %s\n", run.failures,
                    lastError.constData());
    };
    QList<Run> runs;
    {
        Run run = onPool(8); // sitrep-server's default
        QList<qint64> pids;
        for (const auto &s : team.servers)
            pids << s->pid();
        runServer(team.proxy, pids, work, run);
        runs << run;
    }
    for (int pool : pools) {
        if (pool == 8)
            continue;
        testing::ServerProcess a, b;
        const QStringList args{QStringLiteral("--rate-limit"), QStringLiteral("0"),
                               QStringLiteral("--pool"), QString::number(pool)};
        testing::Haproxy proxy;
        if (!a.start(team.pg.url(), args) || !b.start(team.pg.url(), args) ||
            !proxy.start({a.port(), b.port()})) {
            fprintf(stderr, "instances with --pool %d did not start\n", pool);
            continue;
        }
        Run run = onPool(pool);
        runServer(proxy, {a.pid(), b.pid()}, generate(), run);
        runs << run;
    }

    Table t({QStringLiteral("append"), QStringLiteral("events stored"),
             QStringLiteral("failed batches"), QStringLiteral("wall time"),
             QStringLiteral("events/s"), QStringLiteral("vs raw PostgreSQL"),
             QStringLiteral("sitrep-server CPU"), QStringLiteral("PostgreSQL CPU")});
    const QList<Run> rows = QList<Run>{raw} + runs; // the baseline first
    for (const Run &r : rows) {
        const bool baseline = &r == &rows.first();
        t.add({r.what, num(double(r.stored)), QString::number(r.failures),
               QStringLiteral("%1 s").arg(r.secs, 0, 'f', 2), num(double(total) / r.secs),
               baseline ? QStringLiteral("1.00 (baseline)")
                        : QString::number(raw.secs / r.secs, 'f', 2),
               baseline ? QStringLiteral("-") : QStringLiteral("%1 s").arg(r.serverCpu, 0, 'f', 2),
               QStringLiteral("%1 s").arg(r.pgCpu, 0, 'f', 2)});
    }
    t.print();
}

// --- 2 and 3. Live fan-out and server memory -----------------------------------------------

struct FanoutResult {
    int clients = 0;
    QList<double> latencies;
    int missed = 0;
    int errors = 0;
    QList<qint64> rss; // KiB per instance, with the clients waiting
};

FanoutResult fanout(TeamBackEnd &team, const QList<QByteArray> &tokens,
                    const QByteArray &writerToken, const QString &writer, const QString &incident,
                    int clients, int rounds, int intervalMs)
{
    FanoutResult res;
    res.clients = clients;
    const QByteArray start = feedEnd(team.servers[0]->port(), tokens[0]);
    if (start.isEmpty()) {
        fprintf(stderr, "fan-out: cannot read the feed\n");
        return res;
    }
    struct Client {
        std::unique_ptr<HttpClient> http;
        QByteArray cursor;
        QByteArray token;
        int nextRound = 0; // the first round this client has not received yet
    };
    std::vector<Client> cs(static_cast<size_t>(clients));
    QList<QByteArray> noteIds;
    QList<qint64> sentAt; // ns on the monotonic clock
    QList<int> delivered;
    for (int r = 0; r < rounds; ++r) {
        noteIds << uuid().toLatin1();
        delivered << 0;
    }
    QElapsedTimer clock;
    clock.start();
    std::function<void(size_t)> poll = [&](size_t i) {
        Client &c = cs[i];
        c.http->send("GET", "/api/changes?wait=25&since=" + c.cursor, c.token, QByteArray(),
                     [&, i](int status, const QByteArray &body) {
                         const qint64 at = clock.nsecsElapsed();
                         Client &me = cs[i];
                         if (status != 200) {
                             ++res.errors;
                             QTimer::singleShot(100, me.http->context(), [&, i] { poll(i); });
                             return;
                         }
                         for (int r = me.nextRound; r < sentAt.size(); ++r) {
                             if (!body.contains(noteIds[r]))
                                 break;
                             res.latencies << double(at - sentAt[r]) / 1e6;
                             ++delivered[r];
                             me.nextRound = r + 1;
                         }
                         me.cursor = cursorOf(body);
                         poll(i);
                     });
    };
    for (int i = 0; i < clients; ++i) {
        Client &c = cs[size_t(i)];
        c.http = std::make_unique<HttpClient>(team.servers[size_t(i % 2)]->port());
        c.cursor = start;
        c.token = tokens[i % tokens.size()];
        if (!c.http->open()) {
            fprintf(stderr, "fan-out: client %d cannot connect\n", i);
            return res;
        }
    }
    for (size_t i = 0; i < cs.size(); ++i)
        poll(i);
    // Every client parked on its instance (the servers count their waiters).
    HttpClient m0(team.servers[0]->port()), m1(team.servers[1]->port());
    m0.open();
    m1.open();
    auto waiters = [](HttpClient &m) {
        const QByteArray body = m.call("GET", "/metrics").second;
        const qsizetype k = body.indexOf("\nsitrep_live_waiters ");
        return k < 0 ? 0 : body.mid(k + 21, body.indexOf('\n', k + 1) - k - 21).toInt();
    };
    QElapsedTimer t;
    t.start();
    while (waiters(m0) + waiters(m1) < clients && t.elapsed() < 60000)
        pumpUntil([] { return false; }, 100);
    for (const auto &s : team.servers)
        res.rss << rssKiB(s->pid());

    HttpClient w(team.proxy.port());
    w.open();
    for (int r = 0; r < rounds; ++r) {
        const QByteArray body =
            compact({{QStringLiteral("events"),
                      QJsonArray{wireEvent(
                          incident, QStringLiteral("note.added"), writer,
                          {{QStringLiteral("text"),
                            QStringLiteral("status: mitigated, watching (round %1)").arg(r)}},
                          QString::fromLatin1(noteIds[r]))}}});
        bool written = false;
        sentAt << clock.nsecsElapsed(); // just before the append leaves
        w.send(
            "POST", "/api/events", writerToken, body,
            [&](int status, const QByteArray &b) {
                written = true;
                if (status != 200)
                    fprintf(stderr, "fan-out writer: %d %s\n", status, b.left(300).constData());
            },
            "Idempotency-Key: " + noteIds[r] + "\r\n");
        pumpUntil([&] { return written && delivered[r] == clients; }, 20000);
        const qint64 next = sentAt[r] + qint64(intervalMs) * 1000000;
        pumpUntil([&] { return clock.nsecsElapsed() >= next; }, intervalMs + 1000);
    }
    pumpUntil([&] { return delivered.last() == clients; }, 5000);
    for (int r = 0; r < rounds; ++r)
        res.missed += clients - delivered[r];
    return res;
}

void benchFanout(const QList<int> &sizes, int rounds, int intervalMs)
{
    printf("\n## Live fan-out: long polls (wait=25) split over 2 instances, 1 writer through "
           "HAProxy, %d rounds every ~%d ms\n\n",
           rounds, intervalMs);
    fflush(stdout);
    TeamBackEnd team;
    if (!startUnlimited(team))
        return;
    QList<QByteArray> tokens;
    for (int i = 0; i < 8; ++i)
        tokens << team.addUser(QStringLiteral("bench-wall%1").arg(i), QStringLiteral("viewer"))
                      .toUtf8();
    const QString writer = QStringLiteral("bench-writer");
    const QString writerToken = team.addUser(writer, QStringLiteral("responder"));
    const QStringList incident = openIncidents(team.proxy.port(), writer, writerToken, 1);
    if (incident.isEmpty() || tokens.contains(QByteArray()))
        return;
    QList<qint64> idle;
    for (const auto &s : team.servers)
        idle << rssKiB(s->pid());

    QList<FanoutResult> results;
    for (int n : sizes)
        results << fanout(team, tokens, writerToken.toUtf8(), writer, incident.first(), n, rounds,
                          intervalMs);

    Table lat({QStringLiteral("append-to-delivery"), QStringLiteral("clients"),
               QStringLiteral("deliveries"), QStringLiteral("missed"), QStringLiteral("errors"),
               QStringLiteral("p50"), QStringLiteral("p99"), QStringLiteral("max")});
    for (const auto &r : results)
        lat.add({QStringLiteral("note appended, long polls answered"), num(r.clients),
                 num(double(r.latencies.size())), QString::number(r.missed),
                 QString::number(r.errors),
                 QStringLiteral("%1 ms").arg(percentile(r.latencies, 0.50), 0, 'f', 1),
                 QStringLiteral("%1 ms").arg(percentile(r.latencies, 0.99), 0, 'f', 1),
                 QStringLiteral("%1 ms").arg(percentile(r.latencies, 1.0), 0, 'f', 1)});
    lat.print();

    printf("\n## Server memory (VmRSS per sitrep-server instance)\n\n");
    Table mem({QStringLiteral("connected long-polling clients"), QStringLiteral("instance 1"),
               QStringLiteral("instance 2"), QStringLiteral("per client (both instances)")});
    auto kib = [](qint64 k) { return k < 0 ? QStringLiteral("?") : bench::bytes(k * 1024); };
    mem.add({QStringLiteral("0 (started, before the clients connect)"), kib(idle.value(0)),
             kib(idle.value(1)), QStringLiteral("-")});
    for (const auto &r : results) {
        const qint64 grown = r.rss.value(0) + r.rss.value(1) - idle.value(0) - idle.value(1);
        mem.add({num(r.clients), kib(r.rss.value(0)), kib(r.rss.value(1)),
                 QStringLiteral("%1 KiB").arg(double(grown) / r.clients, 0, 'f', 1)});
    }
    mem.print();
}

// --- 4. Initial sync -----------------------------------------------------------------------

// The server's rows for N incidents, written by SQL the way the server stores an opened
// incident: its incidents row, the client's incident.opened event and the back end's
// incident.renumbered event (bodies in the stored form of server/eventlog.cpp).
const char *kSeedSql = R"SQL(
SET statement_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
BEGIN;
INSERT INTO users(name, role) VALUES ('bench-loader', 'responder');
INSERT INTO incidents(id, number, state, priority, sla_deadline, max_hlc, created_by)
SELECT md5('i' || g)::uuid, 'INC' || lpad(g::text, 7, '0'),
       CASE WHEN g % 3 = 0 THEN 'triggered' ELSE 'resolved' END, 'P' || (g % 4 + 1),
       1767225600000 + g * 1000 + 240 * 60000, ((1767225600000 + g * 1000) << 16) + 1, 'bench-loader'
FROM generate_series(1, :N) g;
INSERT INTO events(id, incident, kind, actor, sent_by, sent_role, body)
SELECT CASE WHEN k = 0 THEN md5('o' || g)::uuid ELSE md5('r' || g)::uuid END, md5('i' || g)::uuid,
       CASE WHEN k = 0 THEN 'incident.opened' ELSE 'incident.renumbered' END,
       CASE WHEN k = 0 THEN 'bench-loader' ELSE 'backend' END,
       CASE WHEN k = 0 THEN 'bench-loader' ELSE 'backend' END,
       CASE WHEN k = 0 THEN 'responder' ELSE 'backend' END,
       json_build_object(
         'id', CASE WHEN k = 0 THEN md5('o' || g)::uuid ELSE md5('r' || g)::uuid END,
         'incidentId', md5('i' || g)::uuid,
         'hlc', (((1767225600000 + g * 1000) << 16) + k)::text,
         'ts', 1767225600000 + g * 1000,
         'actor', CASE WHEN k = 0 THEN 'bench-loader' ELSE 'backend' END,
         'kind', CASE WHEN k = 0 THEN 'incident.opened' ELSE 'incident.renumbered' END,
         'payload', CASE WHEN k = 0 THEN json_build_object(
             'number', 'L-' || g,
             'title', (ARRAY['checkout','payments','search','auth','api','db'])[g % 6 + 1]
                      || ' latency above SLO on node ' || (g % 977),
             'description', 'p99 over threshold',
             'severity', (ARRAY['critical','high','medium','low'])[g % 4 + 1],
             'priority', 'P' || (g % 4 + 1),
             'services', json_build_array((ARRAY['checkout','payments','search','auth','api','db'])[g % 6 + 1]),
             'state', CASE WHEN g % 3 = 0 THEN 'triggered' ELSE 'resolved' END,
             'open', g % 3 = 0,
             'sla', 'running',
             'response_minutes', 15,
             'resolution_minutes', 240)
           ELSE json_build_object(
             'number', 'INC' || lpad(g::text, 7, '0'),
             'provisional', 'L-' || g,
             'message', 'numbered INC' || lpad(g::text, 7, '0') || ' by the back end (was L-' || g || ')')
           END,
         'sentBy', CASE WHEN k = 0 THEN json_build_object('user', 'bench-loader', 'role', 'responder')
                   ELSE json_build_object('user', 'backend', 'role', 'backend') END,
         'origin', CASE WHEN k = 0 THEN 'bench' ELSE 'backend' END)::text
FROM generate_series(1, :N) g CROSS JOIN (VALUES (0), (1)) AS kk(k)
ORDER BY g, k;
SELECT setval('incident_number_seq', :N);
COMMIT;
ANALYZE incidents;
ANALYZE events;
)SQL";

void benchInitialSync(qint64 n)
{
    printf("\n## Initial sync: %s incidents (%s events) from the server into an empty client\n\n",
           qPrintable(num(double(n))), qPrintable(num(double(2 * n))));
    fflush(stdout);
    TeamBackEnd team;
    if (!startUnlimited(team))
        return;
    const QString token = team.addUser(QStringLiteral("bench-client"), QStringLiteral("viewer"));
    server::pg::Connection db(team.pg.url());
    if (!db.open() || token.isEmpty())
        return;
    Stopwatch seed;
    if (auto s = db.execScript(QByteArray(kSeedSql).replace(":N", QByteArray::number(n))); !s) {
        fprintf(stderr, "seeding: %s\n", qPrintable(s.errorMessage()));
        return;
    }
    fprintf(stderr, "seeded %lld incidents by SQL in %.1f s\n", qlonglong(n), seed.seconds());
    QTemporaryDir dir;

    // Raw SQLite: the same event rows (read from the server's database first, not timed) into
    // a table shaped like the client's event log, one transaction, as bench_sync does it.
    double rawSecs = 0, rawCpu = 0;
    qint64 rawRows = 0;
    {
        bench::RawEventLog raw(dir.filePath(QStringLiteral("raw.db")));
        sqlite3_stmt *st = raw.insert();
        qint64 last = 0;
        for (;;) {
            server::pg::Result rows =
                db.exec("SELECT seq, id::text, incident::text, body::json->>'hlc', "
                        "body::json->>'ts', actor, kind, "
                        "(body::json->'payload')::text, body::json->>'origin' FROM events WHERE "
                        "seq > $1 ORDER BY seq LIMIT 20000",
                        {QByteArray::number(last)});
            if (!rows.ok() || rows.rows() == 0)
                break;
            QList<QList<QByteArray>> chunk;
            for (int r = 0; r < rows.rows(); ++r) {
                server::pg::RowReader row(rows, r);
                last = row.int64();
                QList<QByteArray> v;
                for (int c = 1; c < 9; ++c)
                    v << row.value();
                chunk << v;
            }
            Stopwatch t;
            for (const auto &v : chunk) {
                const QByteArray id = QUuid::fromString(QLatin1String(v[0])).toRfc4122();
                const QByteArray inc = QUuid::fromString(QLatin1String(v[1])).toRfc4122();
                sqlite3_bind_blob(st, 1, id.constData(), int(id.size()), SQLITE_TRANSIENT);
                sqlite3_bind_blob(st, 2, inc.constData(), int(inc.size()), SQLITE_TRANSIENT);
                sqlite3_bind_int64(st, 3, v[2].toLongLong());
                sqlite3_bind_int64(st, 4, v[3].toLongLong());
                sqlite3_bind_text(st, 5, v[4].constData(), int(v[4].size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(st, 6, v[5].constData(), int(v[5].size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(st, 7, v[6].constData(), int(v[6].size()), SQLITE_TRANSIENT);
                sqlite3_bind_blob(st, 8, "", 0, SQLITE_STATIC);
                sqlite3_bind_blob(st, 9, id.constData(), int(id.size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(st, 10, v[7].constData(), int(v[7].size()), SQLITE_TRANSIENT);
                sqlite3_step(st);
                sqlite3_reset(st);
            }
            rawSecs += t.seconds();
            rawCpu += t.cpuSeconds();
            rawRows += chunk.size();
        }
        Stopwatch t;
        raw.commit();
        rawSecs += t.seconds();
        rawCpu += t.cpuSeconds();
    }

    // The feed alone: every page GET through HAProxy, the body only searched for its cursor
    // (what the server and the network cost, without the client's parsing and loading).
    double feedSecs = 0;
    qint64 feedBytes = 0;
    {
        HttpClient c(team.proxy.port());
        c.open();
        QByteArray cursor = "0";
        Stopwatch t;
        for (;;) {
            const auto [status, body] =
                c.call("GET", "/api/changes?limit=5000&since=" + cursor, token.toUtf8());
            if (status != 200) {
                fprintf(stderr, "feed: %d %s\n", status, body.left(300).constData());
                break;
            }
            feedBytes += body.size();
            cursor = cursorOf(body);
            if (!body.contains("\"more\":true"))
                break;
        }
        feedSecs = t.seconds();
    }

    // Sitrep: a fresh client's initial sync through HAProxy into an empty cache, end to end.
    double syncSecs = 0, syncCpu = 0;
    qint64 loaded = 0, incidents = 0;
    {
        const QString path = dir.filePath(QStringLiteral("client.db"));
        auto ctx = host::AppContext::open(path);
        if (!ctx) {
            fprintf(stderr, "client: %s\n", qPrintable(ctx.errorMessage()));
            return;
        }
        sync::SyncOptions o;
        o.url = team.url();
        o.token = token;
        o.requestTimeoutMs = 120000;
        sync::SyncService svc((*ctx)->engine(), o);
        Stopwatch t;
        std::optional<Result<qint64>> answer;
        svc.initialSync({}, [&answer](Result<qint64> n) { answer.emplace(std::move(n)); });
        const Result<qint64> r =
            pumpUntil([&answer] { return answer.has_value(); }, 3600 * 1000)
                ? std::move(*answer)
                : Result<qint64>::fail(QStringLiteral("no answer within an hour"));
        syncSecs = t.seconds();
        syncCpu = t.cpuSeconds();
        if (!r)
            fprintf(stderr, "initial sync: %s\n", qPrintable(r.errorMessage()));
        else
            loaded = *r;
        incidents = (*ctx)->store().incidentCount();
    }

    Table t({QStringLiteral("initial sync"), QStringLiteral("events"), QStringLiteral("incidents"),
             QStringLiteral("wall time"), QStringLiteral("events/s"),
             QStringLiteral("vs raw SQLite"), QStringLiteral("CPU (this process)")});
    t.add({QStringLiteral("raw SQLite: same event rows, one transaction"), num(double(rawRows)),
           QStringLiteral("-"), QStringLiteral("%1 s").arg(rawSecs, 0, 'f', 2),
           num(double(rawRows) / rawSecs), QStringLiteral("1.00x (baseline)"),
           QStringLiteral("%1 s").arg(rawCpu, 0, 'f', 2)});
    t.add({QStringLiteral("feed only: GET /api/changes pages (%1), not parsed")
               .arg(bench::bytes(feedBytes)),
           num(double(rawRows)), QStringLiteral("-"),
           QStringLiteral("%1 s").arg(feedSecs, 0, 'f', 2), num(double(rawRows) / feedSecs),
           QStringLiteral("%1x").arg(feedSecs / rawSecs, 0, 'f', 2), QStringLiteral("-")});
    t.add({QStringLiteral("Sitrep SyncService::initialSync, end to end"), num(double(loaded)),
           num(double(incidents)), QStringLiteral("%1 s").arg(syncSecs, 0, 'f', 2),
           num(double(loaded) / syncSecs), QStringLiteral("%1x").arg(syncSecs / rawSecs, 0, 'f', 2),
           QStringLiteral("%1 s").arg(syncCpu, 0, 'f', 2)});
    t.print();
}

} // namespace

int main(int argc, char **argv)
{
    // A thousand long polls need a descriptor each here and in the servers (which inherit it).
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(
        app, {{"clients", "Concurrent appending clients.", "n", "50"},
              {"batches", "Batches per client (0: skip append).", "n", "20"},
              {"batch", "Events per batch.", "n", "100"},
              {"spread", "Incidents each client's batches touch.", "n", "5"},
              {"pool", "Append: also run instances with these --pool sizes.", "list", "25"},
              {"fanout", "Long-polling client counts (empty: skip).", "list", "200,1000"},
              {"rounds", "Notes the writer appends.", "n", "20"},
              {"interval", "Milliseconds between notes.", "ms", "200"},
              {"incidents", "Incidents for the initial sync (0: skip).", "n", "1000000"}});

    const int clients = qMax(1, args.value("clients").toInt());
    const int batches = args.value("batches").toInt();
    const int batch = qBound(1, args.value("batch").toInt(), 5000);
    const int spread = qBound(1, args.value("spread").toInt(), batch);
    QList<int> pools;
    for (const QString &s : args.value("pool").split(u',', Qt::SkipEmptyParts))
        if (s.toInt() > 0)
            pools << s.toInt();
    QList<int> sizes;
    for (const QString &s : args.value("fanout").split(u',', Qt::SkipEmptyParts))
        if (s.toInt() > 0)
            sizes << s.toInt();
    const int rounds = qMax(1, args.value("rounds").toInt());
    const int interval = qMax(1, args.value("interval").toInt());
    const qint64 incidents = args.value("incidents").toLongLong();

    printf("# bench_server (rlimit nofile %llu)\n", static_cast<unsigned long long>(lim.rlim_cur));
    if (batches > 0)
        benchAppend(clients, batches, batch, spread, pools);
    if (!sizes.isEmpty())
        benchFanout(sizes, rounds, interval);
    if (incidents > 0)
        benchInitialSync(incidents);
    return 0;
}
