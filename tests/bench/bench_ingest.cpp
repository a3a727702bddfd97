// SPDX-License-Identifier: MIT
// bench_ingest: alert ingestion throughput, end to end over HTTP on loopback and in process
// (normalizer -> correlator -> engine -> SQLite), against raw SQLite inserting the same rows
// (one event row, one alert-state row and one alert-link row per alert, one incident row
// update per webhook body, one transaction per body) in the same run. The storm run sends N alerts
// of one alert name over S services from many hosts and checks it ends as exactly S incidents.
// Every alert carries its fingerprint, as Alertmanager sends it, and raw SQLite keys its alert
// rows by the same ids the pipeline stores (the earlier baseline, with ordered ids, is printed
// beside it for comparison).
//
//   bench_ingest [--alerts N] [--services S] [--batch B] [--http-alerts M]
//                [--one-incident LIST] [--big-storm N] [--rounds N]
//
// Defaults: 100,000 alerts over 50 services in Alertmanager webhooks of 100 alerts; 20,000
// alerts over HTTP; 1,000, 10,000 and 100,000 alerts into one incident (the cost of an alert
// must not grow with the alerts the incident has; a size runs several times, on empty
// databases, up to about 100,000 alerts in all and at least --rounds times, the sizes taking
// turns, and its median run counts; each run's time
// ends with the write-back of what its commits logged, a checkpoint, for Sitrep and raw SQLite
// alike: a run that logs fewer pages than the automatic checkpoint waits for would otherwise
// leave that work outside its time, and a larger one pay it inside; Sitrep's write-back waits
// for its store's checkpoint thread first). --big-storm 1000000
// adds a storm of a million alerts over the same services, against raw SQLite writing its rows in
// the same run (opt in: several minutes on two cores). Every figure is wall time on this machine;
// CPU seconds beside it, of the measuring thread only (not the store's checkpoint thread).

#include "benchutil.h"

#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "ingest/ingestpipeline.h"
#include "ingest/ingestserver.h"
#include "ingest/normalizer.h"
#include "store/store.h"
#include "store/walcheckpointer.h"
#include "util/allocator.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <sqlite3.h>

#include <algorithm>
#include <vector>

#include <cstdio>
#include <functional>
#include <memory>

using namespace sitrep;
using bench::Stopwatch;

namespace {

constexpr qint64 kStart = 1767225600000; // 2026-01-01T00:00:00Z

/// One Alertmanager v4 body of the storm: alerts [first, end); alert i belongs to service
/// i % S, host i / S, so every body mixes services the way a storm does.
/// Alert i's fingerprint, as Alertmanager sends one with every alert (a hash of its labels:
/// 16 hex digits). Raw SQLite keys its alert rows by the same ids the pipeline stores.
QByteArray alertFingerprint(qint64 i)
{
    return QCryptographicHash::hash("storm-alert-" + QByteArray::number(i),
                                    QCryptographicHash::Sha256)
        .toHex()
        .left(16);
}

QByteArray stormBody(int first, int end, int services, const QString &status)
{
    {
        QJsonArray arr;
        for (int i = first; i < end; ++i) {
            const QString svc = QStringLiteral("svc-%1").arg(i % services, 2, 10, QChar(u'0'));
            const QString host = QStringLiteral("%1-host-%2:9100").arg(svc).arg(i / services);
            arr << QJsonObject{
                {QStringLiteral("status"), status},
                {QStringLiteral("fingerprint"), QString::fromLatin1(alertFingerprint(i))},
                {QStringLiteral("labels"),
                 QJsonObject{{QStringLiteral("alertname"), QStringLiteral("HighErrorRate")},
                             {QStringLiteral("service"), svc},
                             {QStringLiteral("instance"), host},
                             {QStringLiteral("severity"), QStringLiteral("critical")}}},
                {QStringLiteral("annotations"),
                 QJsonObject{
                     {QStringLiteral("summary"), QStringLiteral("Error rate above 5% on ") + svc},
                     {QStringLiteral("description"), QStringLiteral("5xx ratio over 5 minutes")}}},
                {QStringLiteral("startsAt"), QStringLiteral("2026-01-01T00:00:00Z")},
                {QStringLiteral("endsAt"), QStringLiteral("0001-01-01T00:00:00Z")},
                {QStringLiteral("generatorURL"),
                 QStringLiteral("http://prometheus:9090/graph?g0.expr=errors")}};
        }
        return QJsonDocument(QJsonObject{{QStringLiteral("version"), QStringLiteral("4")},
                                         {QStringLiteral("status"), status},
                                         {QStringLiteral("receiver"), QStringLiteral("sitrep")},
                                         {QStringLiteral("groupKey"), QStringLiteral("{}:{}")},
                                         {QStringLiteral("alerts"), arr}})
            .toJson(QJsonDocument::Compact);
    }
}

/// The storm's bodies of B alerts, in order.
QList<QByteArray> stormBodies(int alerts, int services, int batch,
                              const QString &status = QStringLiteral("firing"))
{
    QList<QByteArray> bodies;
    for (int first = 0; first < alerts; first += batch)
        bodies << stormBody(first, qMin(alerts, first + batch), services, status);
    return bodies;
}

struct Sitrep {
    QTemporaryDir dir;
    engine::ManualClock clock{kStart};
    store::Store store;
    std::unique_ptr<engine::LifecycleEngine> engine;
    std::unique_ptr<ingest::IngestPipeline> pipeline;

    bool open(const QString &name)
    {
        if (!store.open(dir.filePath(name)))
            return false;
        engine = std::make_unique<engine::LifecycleEngine>(
            store, *workflow::Workflow::load(QStringLiteral("sre")),
            *workflow::OnCallSchedule::load({}), clock);
        host::registerWorkflowActions(*engine);
        pipeline = std::make_unique<ingest::IngestPipeline>(*engine);
        return true;
    }
    qint64 scalar(const char *sql)
    {
        auto q = store.db().prepareOnce(QString::fromLatin1(sql));
        return q && q->step() ? store::RowReader(*q).int64() : -1;
    }
};

struct Run {
    bench::Elapsed time;
    qint64 alerts = 0;
    /// The checkpoint after the run: writing back to the database file the pages its commits
    /// left in the write-ahead log (timed apart from `time`).
    bench::Elapsed writeBack;
    double perSecond() const { return time.seconds > 0 ? double(alerts) / time.seconds : 0; }
};

/// Ingests `count` bodies, body i being body(i); only the ingestion is timed (a body is made
/// just before it goes in, so a storm of a million alerts is never held in memory at once).
Run inProcess(Sitrep &s, int count, const std::function<QByteArray(int)> &body, bool *ok)
{
    Run r;
    for (int i = 0; i < count; ++i) {
        const QByteArray b = body(i);
        Stopwatch w;
        s.clock.advance(10);
        auto res = s.pipeline->ingest(QStringLiteral("alertmanager"), b);
        r.time += w.elapsed();
        if (!res) {
            fprintf(stderr, "ingest failed: %s\n", qPrintable(res.errorMessage()));
            *ok = false;
            break;
        }
        r.alerts += res->received;
    }
    return r;
}

Run inProcess(Sitrep &s, const QList<QByteArray> &bodies, bool *ok)
{
    return inProcess(
        s, int(bodies.size()), [&bodies](int i) { return bodies.at(i); }, ok);
}

/// The storm of `alerts` alerts over `services` services, made body by body as it goes in.
Run inProcessStorm(Sitrep &s, int alerts, int services, int batch, bool *ok)
{
    return inProcess(
        s, (alerts + batch - 1) / batch,
        [=](int i) {
            return stormBody(i * batch, qMin(alerts, (i + 1) * batch), services,
                             QStringLiteral("firing"));
        },
        ok);
}

Run normalizeOnly(const QList<QByteArray> &bodies)
{
    Run r;
    const auto cfg = ingest::IngestConfig::defaults();
    Stopwatch w;
    for (const QByteArray &b : bodies)
        r.alerts += ingest::normalize(QStringLiteral("alertmanager"), b, cfg)->size();
    r.time = w.elapsed();
    return r;
}

/// The client side of the HTTP run: one keep-alive connection, one body at a time, each
/// waiting for its answer (which comes only after the commit).
struct HttpClient {
    quint16 port = 0;
    QByteArray token;
    QList<QByteArray> bodies;
    int ok = 0, failed = 0;
    QString firstError;

    void run()
    {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (!s.waitForConnected(5000)) {
            failed = int(bodies.size());
            return;
        }
        QByteArray buf;
        for (const QByteArray &b : bodies) {
            s.write("POST /hooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    "application/json\r\nAuthorization: Bearer " +
                    token + "\r\nContent-Length: " + QByteArray::number(b.size()) + "\r\n\r\n" + b);
            for (;;) {
                const qsizetype end = buf.indexOf("\r\n\r\n");
                if (end >= 0) {
                    const qsizetype cl = buf.indexOf("Content-Length: ");
                    const qint64 len =
                        buf.mid(cl + 16, buf.indexOf("\r\n", cl) - cl - 16).toLongLong();
                    if (buf.size() >= end + 4 + len) {
                        const int status = buf.mid(9, 3).toInt();
                        if (status == 200)
                            ++ok;
                        else if (++failed == 1)
                            firstError = QString::fromUtf8(buf.left(end + 4 + len));
                        buf.remove(0, end + 4 + len);
                        break;
                    }
                }
                if (!s.waitForReadyRead(30000)) {
                    ++failed;
                    return;
                }
                buf += s.readAll();
            }
        }
    }
};

Run overHttp(Sitrep &s, const QList<QByteArray> &bodies, int alertsPerBody, int *failures,
             QString *firstError)
{
    ingest::IngestServerOptions opt;
    opt.token = "bench-token";
    opt.requestTimeoutMs = 60000;
    ingest::IngestServer server(*s.pipeline, opt);
    if (!server.listen()) {
        *failures = int(bodies.size());
        return {};
    }
    HttpClient client;
    client.port = server.port();
    client.token = opt.token;
    client.bodies = bodies;
    Run r;
    Stopwatch w;
    // The server's thread waits for its sockets as the listener does in the app and the
    // agents (an event loop, not a loop that polls: that took a core from the client and the
    // log's write-back thread).
    std::unique_ptr<QThread> t(QThread::create([&client]() { client.run(); }));
    QEventLoop loop;
    QObject::connect(t.get(), &QThread::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
    t->start();
    loop.exec();
    t->wait();
    r.time = w.elapsed(); // CPU: server side only (the client runs on its own thread)
    r.alerts = qint64(client.ok) * alertsPerBody;
    *failures = client.failed;
    *firstError = client.firstError;
    return r;
}

bool check(int rc, sqlite3 *db, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return true;
    fprintf(stderr, "raw sqlite %s: %s\n", what, sqlite3_errmsg(db));
    return false;
}

/// Raw SQLite writing what the ingest path writes per alert, with the same pragmas: one
/// event row (UUID, incident, hlc, payload of the same size, hash), one alert-state upsert
/// and one alert-link row per alert; one incident row update per body; one transaction per
/// body.
/// `earlier`: the baseline before alert ids matched, kept for comparison. Its alert ids were
/// numbers in insertion order ("alertmanager:1f"), which no source sends, in a WITHOUT ROWID
/// table keyed by them: every new alert went to the end of the table.
Run rawSqlite(const QString &path, int bodies, int services, int alertsPerBody,
              bool earlier = false)
{
    Run r;
    sqlite3 *db = nullptr;
    if (!check(sqlite3_open_v2(path.toUtf8().constData(), &db,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
               db, "open"))
        return r;
    for (const char *p :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY",
          "PRAGMA cache_size=-65536", "PRAGMA wal_autocheckpoint=10000",
          "CREATE TABLE events(seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, "
          "incident BLOB NOT NULL, hlc INTEGER, ts INTEGER,"
          " actor TEXT, kind TEXT, payload TEXT, prev_hash BLOB, hash BLOB)",
          "CREATE INDEX events_by_incident ON events(incident, seq)",
          "CREATE TABLE incidents(id INTEGER PRIMARY KEY, uid BLOB UNIQUE, "
          "alert_count INTEGER, updated_at INTEGER, event_count INTEGER)",
          // As Sitrep keeps alert links (migration 1000): keyed in link order, with the
          // partial index of the links looked up by name (empty in a storm).
          "CREATE TABLE incident_alerts(incident INTEGER NOT NULL, ord INTEGER NOT NULL, "
          "alert TEXT NOT NULL, once INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(incident, ord)) "
          "WITHOUT ROWID",
          "CREATE UNIQUE INDEX incident_alerts_by_name ON incident_alerts(incident, alert) "
          "WHERE once = 0",
          // As Sitrep keeps alert state (migration 0960): rows in arrival order, the random
          // key in a narrow index of its own.
          earlier ? "CREATE TABLE alerts(id TEXT PRIMARY KEY, incident BLOB, status TEXT, "
                    "last_seen INTEGER, alert TEXT) WITHOUT ROWID"
                  : "CREATE TABLE alerts(id TEXT NOT NULL UNIQUE, incident BLOB, status TEXT, "
                    "last_seen INTEGER, alert TEXT)"})
        if (!check(sqlite3_exec(db, p, nullptr, nullptr, nullptr), db, p))
            return r;
    sqlite3_stmt *ev = nullptr, *al = nullptr, *inc = nullptr, *newInc = nullptr, *link = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO incident_alerts(incident, alert, ord, once) VALUES(?,?,?,1)",
                       -1, &link, nullptr);
    sqlite3_prepare_v2(db,
                       "INSERT INTO events(id, incident, hlc, ts, actor, kind, payload, prev_hash, "
                       "hash) VALUES(?,?,?,?,?,?,?,?,?)",
                       -1, &ev, nullptr);
    sqlite3_prepare_v2(db,
                       "INSERT INTO alerts(id, incident, status, last_seen, alert) "
                       "VALUES(?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                       "status=excluded.status, last_seen=excluded.last_seen, alert=excluded.alert",
                       -1, &al, nullptr);
    sqlite3_prepare_v2(
        db,
        "UPDATE incidents SET alert_count=alert_count+?, updated_at=?, event_count=event_count+? "
        "WHERE uid=?",
        -1, &inc, nullptr);
    sqlite3_prepare_v2(
        db, "INSERT INTO incidents(uid, alert_count, updated_at, event_count) VALUES(?, 0, 0, 0)",
        -1, &newInc, nullptr);
    QList<QByteArray> uids;
    for (int i = 0; i < services; ++i) {
        uids << QUuid::createUuid().toRfc4122();
        sqlite3_bind_blob(newInc, 1, uids.last().constData(), 16, SQLITE_TRANSIENT);
        sqlite3_step(newInc);
        sqlite3_reset(newInc);
    }
    const QByteArray payload(280, 'p');   // about the size of an alert.linked payload
    const QByteArray alertJson(520, 'a'); // about the size of a stored normalized alert
    // The alert ids are input, as the bodies are on Sitrep's side: made before the clock runs.
    QList<QByteArray> alertIds;
    alertIds.reserve(qsizetype(bodies) * alertsPerBody);
    for (qint64 i = 0; i < qint64(bodies) * alertsPerBody; ++i)
        alertIds << "alertmanager:" + (earlier ? QByteArray::number(i, 16) : alertFingerprint(i));
    qint64 n = 0;
    Stopwatch w;
    for (int body = 0; body < bodies; ++body) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        QByteArray prev(32, '\0');
        for (int k = 0; k < alertsPerBody; ++k, ++n) {
            const QByteArray &uid = uids[int(n % services)];
            const QByteArray id = QUuid::createUuid().toRfc4122();
            const QByteArray hash =
                QCryptographicHash::hash(prev + id + payload, QCryptographicHash::Sha256);
            sqlite3_bind_blob(ev, 1, id.constData(), 16, SQLITE_TRANSIENT);
            sqlite3_bind_blob(ev, 2, uid.constData(), 16, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ev, 3, (kStart + n) << 16);
            sqlite3_bind_int64(ev, 4, kStart + n);
            sqlite3_bind_text(ev, 5, "alertmanager", -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 6, "alert.linked", -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 7, payload.constData(), int(payload.size()), SQLITE_STATIC);
            sqlite3_bind_blob(ev, 8, prev.constData(), 32, SQLITE_TRANSIENT);
            sqlite3_bind_blob(ev, 9, hash.constData(), 32, SQLITE_TRANSIENT);
            if (!check(sqlite3_step(ev), db, "insert event"))
                return r;
            sqlite3_reset(ev);
            prev = hash;
            const QByteArray &aid = alertIds.at(n);
            sqlite3_bind_text(al, 1, aid.constData(), int(aid.size()), SQLITE_TRANSIENT);
            sqlite3_bind_blob(al, 2, uid.constData(), 16, SQLITE_TRANSIENT);
            sqlite3_bind_text(al, 3, "firing", -1, SQLITE_STATIC);
            sqlite3_bind_int64(al, 4, kStart + n);
            sqlite3_bind_text(al, 5, alertJson.constData(), int(alertJson.size()), SQLITE_STATIC);
            if (!check(sqlite3_step(al), db, "upsert alert"))
                return r;
            sqlite3_reset(al);
            sqlite3_bind_int64(link, 1, n % services + 1);
            sqlite3_bind_text(link, 2, aid.constData(), int(aid.size()), SQLITE_TRANSIENT);
            sqlite3_bind_int64(link, 3, n / services + 1);
            if (!check(sqlite3_step(link), db, "insert alert link"))
                return r;
            sqlite3_reset(link);
        }
        for (const QByteArray &uid : std::as_const(uids)) {
            sqlite3_bind_int64(inc, 1, alertsPerBody / services);
            sqlite3_bind_int64(inc, 2, kStart + n);
            sqlite3_bind_int64(inc, 3, alertsPerBody / services);
            sqlite3_bind_blob(inc, 4, uid.constData(), 16, SQLITE_TRANSIENT);
            sqlite3_step(inc);
            sqlite3_reset(inc);
            if (services > alertsPerBody)
                break; // a body touches at most alertsPerBody incidents
        }
        if (!check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit"))
            return r;
    }
    r.time = w.elapsed();
    r.alerts = n;
    {
        Stopwatch c;
        if (!check(sqlite3_exec(db, "PRAGMA wal_checkpoint(PASSIVE)", nullptr, nullptr, nullptr),
                   db, "checkpoint"))
            return r;
        r.writeBack = c.elapsed();
    }
    sqlite3_finalize(ev);
    sqlite3_finalize(al);
    sqlite3_finalize(inc);
    sqlite3_finalize(newInc);
    sqlite3_finalize(link);
    sqlite3_close(db);
    return r;
}

QStringList row(const QString &what, const Run &r, const Run &raw)
{
    return {what,
            bench::num(double(r.alerts)),
            bench::num(r.time.seconds, 2),
            bench::num(r.time.cpuSeconds, 2),
            bench::num(r.perSecond()),
            raw.perSecond() > 0
                ? QStringLiteral("%1x").arg(r.perSecond() / raw.perSecond(), 0, 'f', 3)
                : QStringLiteral("-")};
}

} // namespace

int main(int argc, char **argv)
{
    // As the app has it, for both sides of every comparison: before any connection.
    store::configureSqlite();
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(app,
                                  {{"alerts", "Alerts in the in-process storm.", "N", "100000", 1},
                                   {"services", "Services the storm spreads over.", "S", "50", 1},
                                   {"batch", "Alerts per webhook body.", "B", "100", 1},
                                   {"http-alerts", "Alerts sent over HTTP.", "M", "20000", 1},
                                   {"one-incident",
                                    "Alert counts sent into one incident, comma-separated "
                                    "(cost per alert as the incident grows; empty: skip).",
                                    "LIST", "1000,10000,100000"},
                                   {"big-storm",
                                    "Alerts of a second, larger storm over the same services "
                                    "(e.g. 1000000; 0: skip).",
                                    "N", "0", 0},
                                   {"rounds",
                                    "Rounds of the storm and HTTP comparisons, each on fresh "
                                    "databases; with more than one, each round's ratios and "
                                    "their median are printed. Each one-incident size also "
                                    "runs at least this many times.",
                                    "N", "1", 1}});
    const int alerts = args.value("alerts").toInt();
    const int services = args.value("services").toInt();
    const int batch = args.value("batch").toInt();
    const int httpAlerts = args.value("http-alerts").toInt();
    const int bigStorm = args.value("big-storm").toInt();
    const int rounds = args.value("rounds").toInt();
    if (httpAlerts < batch || alerts % batch || httpAlerts % batch || bigStorm % batch) {
        fprintf(stderr,
                "bench_ingest: alerts and http-alerts must be positive multiples of --batch\n");
        return 2;
    }
    printf("bench_ingest: %d alerts over %d services in Alertmanager webhooks of %d alerts; %d "
           "over HTTP; allocator %s\n",
           alerts, services, batch, httpAlerts, qPrintable(util::processAllocator()));

    const QList<QByteArray> storm = stormBodies(alerts, services, batch);
    const QList<QByteArray> httpBodies = stormBodies(httpAlerts, services, batch);
    QTemporaryDir rawDir;

    // Raw SQLite first for both sizes, then Sitrep, all in this run on the same disk.
    const Run rawStorm = rawSqlite(rawDir.filePath(QStringLiteral("raw-storm.db")),
                                   int(storm.size()), services, batch);
    const Run rawHttp = rawSqlite(rawDir.filePath(QStringLiteral("raw-http.db")),
                                  int(httpBodies.size()), services, batch);
    const Run rawEarlier = rawSqlite(rawDir.filePath(QStringLiteral("raw-earlier.db")),
                                     int(storm.size()), services, batch, true);
    const Run parse = normalizeOnly(storm);

    bool ok = true;
    Sitrep inproc;
    if (!inproc.open(QStringLiteral("storm.db")))
        return 1;
    const Run storm1 = inProcess(inproc, storm, &ok);
    const qint64 stormIncidents = inproc.store.incidentCount();
    const qint64 linked = inproc.scalar("SELECT COUNT(*) FROM events WHERE kind='alert.linked'");
    // The same storm again: every alert a repeat (dedup path), still no new incident.
    const Run storm2 = inProcess(inproc, storm, &ok);
    const qint64 afterRepeat = inproc.store.incidentCount();
    const auto resolvedBodies = stormBodies(alerts, services, batch, QStringLiteral("resolved"));
    const Run storm3 = inProcess(inproc, resolvedBodies, &ok);
    const qint64 suggestions =
        inproc.scalar("SELECT COUNT(*) FROM events WHERE kind='alerts.all_resolved'");

    Sitrep http;
    if (!http.open(QStringLiteral("http.db")))
        return 1;
    int httpFailures = 0;
    QString httpError;
    const Run overNet = overHttp(http, httpBodies, batch, &httpFailures, &httpError);
    const qint64 httpIncidents = http.store.incidentCount();

    bench::Table t({QStringLiteral("path"), QStringLiteral("alerts"), QStringLiteral("wall s"),
                    QStringLiteral("cpu s"), QStringLiteral("alerts/s"),
                    QStringLiteral("vs raw SQLite")});
    t.add(row(QStringLiteral("raw SQLite, same rows (storm size)"), rawStorm, rawStorm));
    t.add(row(QStringLiteral("normalize only (Alertmanager JSON)"), parse, rawStorm));
    t.add(row(QStringLiteral("in process: storm, new alerts"), storm1, rawStorm));
    t.add(row(QStringLiteral("in process: storm repeated (dedup)"), storm2, rawStorm));
    t.add(row(QStringLiteral("in process: storm resolved"), storm3, rawStorm));
    t.add(row(QStringLiteral("raw SQLite, earlier baseline (ordered ids)"), rawEarlier, rawStorm));
    t.add(row(QStringLiteral("raw SQLite, same rows (HTTP size)"), rawHttp, rawHttp));
    t.add(row(QStringLiteral("HTTP loopback, keep-alive, end to end"), overNet, rawHttp));
    // The big storm: raw SQLite and Sitrep on the same number of rows, one after the other.
    qint64 bigIncidents = 0, bigLinked = 0;
    if (bigStorm > 0) {
        const Run rawBig = rawSqlite(rawDir.filePath(QStringLiteral("raw-big.db")),
                                     bigStorm / batch, services, batch);
        Sitrep big;
        if (!big.open(QStringLiteral("big.db")))
            return 1;
        const Run bigRun = inProcessStorm(big, bigStorm, services, batch, &ok);
        bigIncidents = big.store.incidentCount();
        bigLinked = big.scalar("SELECT COUNT(*) FROM events WHERE kind='alert.linked'");
        t.add(row(QStringLiteral("raw SQLite, same rows (big storm)"), rawBig, rawBig));
        t.add(row(QStringLiteral("in process: big storm, new alerts"), bigRun, rawBig));
    }
    t.print();
    if (rawEarlier.perSecond() > 0)
        printf("\nagainst the earlier baseline (ordered alert ids): storm new %.3fx, repeated "
               "%.3fx, resolved %.3fx\n",
               storm1.perSecond() / rawEarlier.perSecond(),
               storm2.perSecond() / rawEarlier.perSecond(),
               storm3.perSecond() / rawEarlier.perSecond());
    printf("\nstorm: %d alerts over %d services -> %lld incidents (expected %d), %lld alert links; "
           "after the repeat %lld; "
           "all-alerts-resolved suggestions %lld\n",
           alerts, services, qlonglong(stormIncidents), services, qlonglong(linked),
           qlonglong(afterRepeat), qlonglong(suggestions));
    if (store::WalCheckpointer *c = inproc.store.checkpointer()) {
        const store::WalCheckpointer::Counts n = c->counts();
        printf("log written back in the three storms: %lld checkpoints on the store's thread, %lld "
               "by the committing thread, %lld failed\n",
               n.background, n.onCommit, n.failed);
    }
    if (bigStorm > 0)
        printf("big storm: %d alerts over %d services -> %lld incidents (expected %d), %lld "
               "alert links\n",
               bigStorm, services, qlonglong(bigIncidents), services, qlonglong(bigLinked));
    printf("http: %d bodies, %d failed -> %lld incidents (expected %d)%s%s\n",
           int(httpBodies.size()), httpFailures, qlonglong(httpIncidents), services,
           httpError.isEmpty() ? "" : "; first error: ", qPrintable(httpError.left(300)));
    // More rounds of the storm and HTTP rows: the machine's speed moves between runs, and a
    // round's ratios (raw SQLite and Sitrep on fresh files, one after the other) are what can
    // be compared. Each round checks its outcome as the first did.
    if (rounds > 1) {
        const QStringList names{
            QStringLiteral("storm, new alerts"), QStringLiteral("storm repeated (dedup)"),
            QStringLiteral("storm resolved"), QStringLiteral("HTTP keep-alive")};
        QList<QList<double>> ratios(names.size());
        const auto ratio = [](const Run &r, const Run &raw) {
            return raw.perSecond() > 0 ? r.perSecond() / raw.perSecond() : 0.0;
        };
        ratios[0] << ratio(storm1, rawStorm);
        ratios[1] << ratio(storm2, rawStorm);
        ratios[2] << ratio(storm3, rawStorm);
        ratios[3] << ratio(overNet, rawHttp);
        for (int r = 2; r <= rounds && ok; ++r) {
            const Run raw = rawSqlite(rawDir.filePath(QStringLiteral("raw-storm-%1.db").arg(r)),
                                      int(storm.size()), services, batch);
            const Run rawNet = rawSqlite(rawDir.filePath(QStringLiteral("raw-http-%1.db").arg(r)),
                                         int(httpBodies.size()), services, batch);
            Sitrep s;
            Sitrep h;
            if (!s.open(QStringLiteral("storm.db")) || !h.open(QStringLiteral("http.db")))
                return 1;
            const Run fresh = inProcess(s, storm, &ok);
            ok = ok && s.store.incidentCount() == services;
            const Run repeated = inProcess(s, storm, &ok);
            const Run resolved = inProcess(s, resolvedBodies, &ok);
            ok = ok && s.store.incidentCount() == services &&
                 s.scalar("SELECT COUNT(*) FROM events WHERE kind='alerts.all_resolved'") ==
                     services;
            int failures = 0;
            QString error;
            const Run net = overHttp(h, httpBodies, batch, &failures, &error);
            ok = ok && failures == 0 && h.store.incidentCount() == services;
            ratios[0] << ratio(fresh, raw);
            ratios[1] << ratio(repeated, raw);
            ratios[2] << ratio(resolved, raw);
            ratios[3] << ratio(net, rawNet);
        }
        bench::Table m({QStringLiteral("vs raw SQLite, round by round"),
                        QStringLiteral("each round"), QStringLiteral("median")});
        for (qsizetype i = 0; i < names.size(); ++i) {
            m.add({names[i], bench::each(ratios[i], 3, QStringLiteral("x")),
                   QStringLiteral("%1x").arg(bench::median(ratios[i]), 0, 'f', 3)});
        }
        printf("\n");
        m.print();
    }
    // One incident that keeps growing: the cost of an alert must not grow with the alerts the
    // incident already has.
    bool grew = true;
    const QStringList sizes = args.value("one-incident").split(u',', Qt::SkipEmptyParts);
    if (!sizes.isEmpty()) {
        bench::Table g({QStringLiteral("alerts into one incident"),
                        QStringLiteral("wall s per run"), QStringLiteral("cpu s per run"),
                        QStringLiteral("µs/alert (cpu)"), QStringLiteral("vs the smallest"),
                        QStringLiteral("without write-back"), QStringLiteral("raw SQLite µs/alert"),
                        QStringLiteral("raw vs its smallest")});
        double first = 0, worst = 1, rawFirst = 0, firstBare = 0, worstBare = 1;
        // CPU µs per alert of a run, with or without its write-back.
        const auto perAlert = [](const Run &x, bool withWriteBack) {
            const double c = x.time.cpuSeconds + (withWriteBack ? x.writeBack.cpuSeconds : 0.0);
            return c * 1e6 / double(qMax<qint64>(1, x.alerts));
        };
        // One size's runs: CPU µs per alert of each, Sitrep with and without its write-back,
        // and raw SQLite's.
        struct Size {
            int n = 0;
            int repeats = 0;
            std::vector<double> sitrepUs, bareUs, rawUs;
            double wall = 0, cpu = 0;
        };
        std::vector<Size> runs;
        int turns = 0;
        for (const QString &size : sizes) {
            const int n = size.toInt();
            if (n < batch || n % batch) {
                fprintf(stderr,
                        "bench_ingest: --one-incident sizes must be multiples of --batch\n");
                return 2;
            }
            // A small incident takes a few hundredths of a second, too short to time once:
            // each size runs until about 100,000 alerts are sent in all (at most 9 times,
            // each on an empty database), and at least --rounds times; its median run counts,
            // for raw SQLite alike.
            runs.push_back({n, qMax(qBound(1, 100000 / n, 9), rounds) | 1, {}, {}, {}});
            turns = qMax(turns, runs.back().repeats);
        }
        // The sizes take turns (1,000, 10,000, 100,000, then 1,000 again...): the machine's
        // speed moves over tens of seconds, and sizes run one after the other would each
        // catch a different phase of it.
        for (int k = 0; k < turns; ++k) {
            for (Size &z : runs) {
                if (k >= z.repeats)
                    continue;
                const int n = z.n;
                Sitrep one;
                if (!one.open(QStringLiteral("one.db")))
                    return 1;
                // Raw SQLite writing the same rows into one incident: how much of the growth
                // is the database's own (its b-trees deepen, a commit dirties more pages).
                const Run raw =
                    rawSqlite(rawDir.filePath(QStringLiteral("raw-one-%1-%2.db").arg(n).arg(k)),
                              n / batch, 1, batch);
                z.rawUs.push_back(perAlert(raw, true));
                Run r = inProcessStorm(one, n, 1, batch, &ok);
                {
                    Stopwatch c;
                    // The store's own write-back first (its thread may be copying still), then
                    // whatever it left (its CPU is its thread's, not counted here).
                    if (store::WalCheckpointer *bg = one.store.checkpointer())
                        bg->waitIdle();
                    if (auto s =
                            one.store.db().exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
                        !s) {
                        fprintf(stderr, "checkpoint: %s\n", qPrintable(s.errorMessage()));
                        ok = false;
                    }
                    r.writeBack = c.elapsed();
                }
                z.sitrepUs.push_back(perAlert(r, true));
                z.bareUs.push_back(perAlert(r, false));
                z.wall += r.time.seconds + r.writeBack.seconds;
                z.cpu += r.time.cpuSeconds + r.writeBack.cpuSeconds;
                grew = grew && one.store.incidentCount() == 1 &&
                       one.scalar("SELECT alert_count FROM incidents") == n &&
                       one.scalar("SELECT count(*) FROM incident_alerts") == n;
            }
        }
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        for (const Size &z : runs) {
            const double rawUs = median(z.rawUs);
            if (rawFirst == 0)
                rawFirst = rawUs;
            const double us = median(z.sitrepUs), bare = median(z.bareUs);
            if (first == 0) {
                first = us;
                firstBare = bare;
            }
            worst = qMax(worst, us / first);
            worstBare = qMax(worstBare, bare / firstBare);
            g.add({QStringLiteral("%1 (median of %2)").arg(bench::num(double(z.n))).arg(z.repeats),
                   bench::num(z.wall / z.repeats, 2), bench::num(z.cpu / z.repeats, 2),
                   bench::num(us, 1), QStringLiteral("%1x").arg(us / first, 0, 'f', 2),
                   QStringLiteral("%1 (%2x)")
                       .arg(bench::num(bare, 1))
                       .arg(bare / firstBare, 0, 'f', 2),
                   bench::num(rawUs, 1), QStringLiteral("%1x").arg(rawUs / rawFirst, 0, 'f', 2)});
        }
        printf("\n");
        g.print();
        printf("largest cost per alert: %.2fx the smallest's (aim: within 1.5x); without the "
               "write-back after each run, %.2fx\n",
               worst, worstBare);
    }
    const bool pass = ok && grew && stormIncidents == services && afterRepeat == services &&
                      linked == alerts && httpFailures == 0 && httpIncidents == services &&
                      suggestions == services &&
                      (bigStorm == 0 || (bigIncidents == services && bigLinked == bigStorm));
    printf("%s\n", pass ? "result: as expected" : "result: NOT as expected");
    return pass ? 0 : 1;
}
