// SPDX-License-Identifier: MIT
// bench_core: the core write path (lifecycle engine -> event log + projection) and the
// store's read path on a generated data set of 1,000,000 incidents with about 5 events
// each, against raw SQLite writing the same rows into the same schema in the same run.
//
//   bench_core [--incidents N] [--seed S] [--sample N] [--batch N] [--cache DIR] [--regenerate]
//              [--rounds N]
//
// The big database is generated once per (seed, incidents) through the engine and cached
// under the cache folder; later runs reuse it. Write throughput is measured on a fresh
// sample (the first --sample commands of the same stream) on empty databases, so engine and
// raw SQLite start from the same state and the run stays short.

#include "benchutil.h"

#include "demo/demoservices.h"
#include "engine/command.h"
#include "engine/lifecycleengine.h"
#include "host/appcontext.h"
#include "store/incidentcolumns.h"
#include "store/store.h"
#include "util/allocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

using namespace sitrep;
using bench::Stopwatch;
using engine::Command;

namespace {

constexpr qint64 kEpoch = 1735689600000;         // 2025-01-01T00:00:00Z
constexpr qint64 kSlotMs = 2000;                 // a new incident every 2 s of simulated time
constexpr qint64 kNoteDocBase = 1000000000000LL; // search rowids of notes (see store.cpp)

using sitrep::demo::DemoService;
const QList<DemoService> &kServices = sitrep::demo::demoServices();
const int kServiceCount = int(kServices.size());
const char *const kPeople[] = {"alice.nguyen", "bob.okafor",  "carla.diaz",
                               "dev.patel",    "erin.walsh",  "farid.haddad",
                               "grace.kim",    "hiro.tanaka", "ines.moreau"};
const char *const kCommanders[] = {"priya.raman", "marcus.lee", "sofia.rossi"};
const char *const kSeverities[] = {"critical", "high", "medium", "low"};

// Follow-ups arrive this many incident slots after the incident was opened, so they land
// in later batches than the open and the engine loads the incident back from the store.
enum Step { Ack, Investigate, Note, Resolve, Postmortem, StepCount };
constexpr qint64 kDelay[StepCount] = {700, 1000, 1300, 2500, 4000};
constexpr qint64 kMaxDelay = 4000;

quint64 splitmix(quint64 x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// What happens to incident i: about 5.4 events per incident on average (open 3, ack 1,
// 40% a note, 15% investigate + resolve with postmortem draft, half of those closed).
struct Plan {
    int service, title, person, severity, cause, commander;
    bool note, resolve, postmortem;
};

Plan planFor(quint64 seed, qint64 i)
{
    quint64 h = splitmix(seed * 0x100000001B3ULL + quint64(i));
    auto take = [&h](int n) {
        const int v = int(h % quint64(n));
        h = splitmix(h);
        return v;
    };
    Plan p{};
    p.service = take(kServiceCount);
    p.title = take(3);
    p.person = take(9);
    const int r = take(100);
    p.severity = r < 6 ? 0 : r < 26 ? 1 : r < 70 ? 2 : 3;
    p.cause = take(2);
    p.commander = take(3);
    p.note = take(100) < 40;
    p.resolve = take(100) < 15;
    p.postmortem = p.resolve && take(2) == 0;
    return p;
}

QString numberOf(qint64 i)
{
    return QStringLiteral("INC%1").arg(i + 1, 7, 10, QLatin1Char('0'));
}

/// The deterministic command stream: slot s opens incident s and carries the follow-ups
/// of earlier incidents that are due.
class CommandStream {
public:
    CommandStream(quint64 seed, qint64 incidents) : m_seed(seed), m_incidents(incidents) {}
    bool atEnd() const { return m_slot >= m_incidents + kMaxDelay + 1; }
    qint64 openedSoFar() const { return qMin(m_slot, m_incidents); }

    /// Appends the commands of the next slot; returns how many.
    int next(QList<Command> &out)
    {
        const qint64 s = m_slot++;
        const qint64 at = kEpoch + s * kSlotMs;
        int n = 0;
        if (s < m_incidents) {
            const Plan p = planFor(m_seed, s);
            const DemoService &sd = kServices[p.service];
            const QString svc = QString::fromLatin1(sd.name);
            const QString title = QString::fromLatin1(sd.titles[p.title]);
            Command c = Command::open(
                {{QStringLiteral("title"), title},
                 {QStringLiteral("description"),
                  QStringLiteral("%1 detected on %2 (host h%3). Alert fired from monitoring; "
                                 "customers may see errors.")
                      .arg(title, svc)
                      .arg(s % 20011)},
                 {QStringLiteral("severity"), QString::fromLatin1(kSeverities[p.severity])},
                 {QStringLiteral("category"), QString::fromLatin1(sd.category)},
                 {QStringLiteral("services"), QJsonArray{svc}}},
                QStringLiteral("alertmanager"));
            c.at = at;
            out << c;
            ++n;
        }
        for (int step = 0; step < StepCount; ++step) {
            const qint64 i = s - kDelay[step];
            if (i < 0 || i >= m_incidents)
                continue;
            const Plan p = planFor(m_seed, i);
            const QString number = numberOf(i);
            const QString person = QString::fromLatin1(kPeople[p.person]);
            Command c;
            switch (Step(step)) {
            case Ack:
                c = Command::make(Command::Kind::Acknowledge, number, {}, person);
                break;
            case Investigate:
                if (!p.resolve)
                    continue;
                c = Command::transition(number, QStringLiteral("investigating"), person);
                break;
            case Note:
                if (!p.note)
                    continue;
                c = Command::note(
                    number,
                    QStringLiteral("Looking at %1 dashboards; error budget burn is %2x.")
                        .arg(QString::fromLatin1(kServices[p.service].name))
                        .arg(2 + i % 12),
                    person);
                break;
            case Resolve:
                if (!p.resolve)
                    continue;
                c = Command::transition(
                    number, QStringLiteral("resolved"), person,
                    {{QStringLiteral("resolution_note"),
                      QStringLiteral("Rolled back and scaled out; error rate back to baseline.")},
                     {QStringLiteral("root_cause"),
                      QString::fromLatin1(kServices[p.service].causes[p.cause])},
                     {QStringLiteral("time_spent"), int(kDelay[Resolve] * kSlotMs / 60000)}});
                break;
            case Postmortem:
                if (!p.postmortem)
                    continue;
                c = Command::transition(number, QStringLiteral("postmortem"),
                                        QString::fromLatin1(kCommanders[p.commander]));
                break;
            case StepCount:
                continue;
            }
            c.at = at + step + 1;
            out << c;
            ++n;
        }
        return n;
    }

    /// Incident index a command refers to (the open of slot s is incident s).
    static qint64 incidentIndex(const Command &c, qint64 openIndex)
    {
        if (c.kind == Command::Kind::Open)
            return openIndex;
        return c.incident.mid(3).toLongLong() - 1;
    }

private:
    quint64 m_seed;
    qint64 m_incidents;
    qint64 m_slot = 0;
};

/// What one engine batch did, so raw SQLite can write exactly the same rows.
struct BatchLog {
    qint64 events = 0;
    qint64 firstNew = 0, newCount = 0; // incident rowids [firstNew, firstNew+newCount)
    std::vector<qint64> updated;       // rowids of earlier incidents the batch rewrote
};

struct RunStats {
    qint64 commands = 0;
    qint64 rejected = 0;
    qint64 events = 0;
    bench::Elapsed time;
    QString firstError;
};

/// Runs batches through the engine, checking every command was accepted.
RunStats runBatches(engine::LifecycleEngine &engine, const QList<QList<Command>> &batches,
                    std::vector<BatchLog> *logs, qint64 &nextIndex)
{
    RunStats st;
    Stopwatch sw;
    for (const auto &b : batches) {
        auto r = engine.executeBatch(b);
        if (!r) {
            st.firstError = r.errorMessage();
            break;
        }
        BatchLog log;
        log.firstNew = nextIndex + 1;
        QSet<qint64> touched;
        for (qsizetype k = 0; k < r->size(); ++k) {
            const auto &o = (*r)[k];
            ++st.commands;
            if (!o) {
                ++st.rejected;
                if (st.firstError.isEmpty())
                    st.firstError = o.errorMessage();
                continue;
            }
            st.events += o->events.size();
            log.events += o->events.size();
            if (b[k].kind == Command::Kind::Open) {
                if (o->number != numberOf(nextIndex) && st.firstError.isEmpty())
                    st.firstError = QStringLiteral("expected %1, engine gave %2")
                                        .arg(numberOf(nextIndex), o->number);
                ++nextIndex;
                ++log.newCount;
            } else {
                const qint64 idx = CommandStream::incidentIndex(b[k], -1);
                if (idx + 1 < log.firstNew)
                    touched.insert(idx + 1);
            }
        }
        if (logs) {
            log.updated.assign(touched.cbegin(), touched.cend());
            std::sort(log.updated.begin(), log.updated.end());
            logs->push_back(std::move(log));
        }
    }
    st.time = sw.elapsed();
    return st;
}

// ---- raw SQLite side -------------------------------------------------------------------

struct Cell {
    int type = SQLITE_NULL;
    sqlite3_int64 i = 0;
    double d = 0;
    std::string s;
};
using Row = std::vector<Cell>;

bool check(int rc, sqlite3 *db, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return true;
    fprintf(stderr, "bench_core: %s: %s\n", what, sqlite3_errmsg(db));
    return false;
}

std::vector<Row> readRows(sqlite3 *db, const char *sql)
{
    std::vector<Row> rows;
    sqlite3_stmt *st = nullptr;
    if (!check(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), db, sql))
        return rows;
    const int n = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
        Row r(n);
        for (int c = 0; c < n; ++c) {
            Cell &x = r[c];
            x.type = sqlite3_column_type(st, c);
            if (x.type == SQLITE_INTEGER)
                x.i = sqlite3_column_int64(st, c);
            else if (x.type == SQLITE_FLOAT)
                x.d = sqlite3_column_double(st, c);
            else if (x.type == SQLITE_TEXT || x.type == SQLITE_BLOB)
                x.s.assign(static_cast<const char *>(sqlite3_column_blob(st, c)),
                           size_t(sqlite3_column_bytes(st, c)));
        }
        rows.push_back(std::move(r));
    }
    sqlite3_finalize(st);
    return rows;
}

void bindCell(sqlite3_stmt *st, int idx, const Cell &c)
{
    switch (c.type) {
    case SQLITE_INTEGER:
        sqlite3_bind_int64(st, idx, c.i);
        break;
    case SQLITE_FLOAT:
        sqlite3_bind_double(st, idx, c.d);
        break;
    case SQLITE_TEXT:
        sqlite3_bind_text(st, idx, c.s.data(), int(c.s.size()), SQLITE_STATIC);
        break;
    case SQLITE_BLOB:
        sqlite3_bind_blob(st, idx, c.s.data(), int(c.s.size()), SQLITE_STATIC);
        break;
    default:
        sqlite3_bind_null(st, idx);
        break;
    }
}

bool run(sqlite3_stmt *st, sqlite3 *db, const char *what)
{
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return check(rc, db, what);
}

using sitrep::store::kIncidentColumns;

/// The rows the engine wrote, read back from its database (not timed).
struct RawData {
    std::vector<Row>
        events; // id, incident, hlc, ts, actor, kind, payload, prev_hash, hash, origin, seq
    std::vector<Row> incidents; // kIncidentColumns, by id
    std::vector<Row> services;  // service, incident
    std::vector<Row> search;    // rowid, body, incident
};

RawData readBack(const QString &path)
{
    RawData d;
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    d.events = readRows(db, "SELECT id, incident, hlc, ts, actor, kind, payload, prev_hash, hash, "
                            "origin, seq FROM events ORDER BY seq");
    d.incidents = readRows(
        db, (std::string("SELECT ") + kIncidentColumns + " FROM incidents ORDER BY id").c_str());
    d.services = readRows(db, "SELECT service, incident FROM incident_services ORDER BY incident");
    d.search = readRows(db, "SELECT rowid, body, incident FROM search ORDER BY rowid");
    sqlite3_close(db);
    return d;
}

/// Writes the same rows as the engine did, batch by batch, with the sqlite3 C API and
/// prepared statements: incident inserts and updates, services, search documents, events,
/// the number counter. Returns wall seconds (cpu: CPU seconds), or -1 on error.
double rawWrite(const QString &path, const RawData &d, const std::vector<BatchLog> &logs,
                double &cpu)
{
    sqlite3 *db = nullptr;
    if (!check(sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr), db,
               "open"))
        return -1;
    for (const char *p :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
          "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-65536"})
        sqlite3_exec(db, p, nullptr, nullptr, nullptr);

    // Index the read-back rows by incident rowid and by search rowid.
    std::vector<const Row *> incById(d.incidents.size() + 2, nullptr);
    for (const Row &r : d.incidents)
        if (size_t(r[0].i) < incById.size())
            incById[size_t(r[0].i)] = &r;
    std::vector<std::vector<const Row *>> svcById(incById.size());
    for (const Row &r : d.services)
        if (size_t(r[1].i) < svcById.size())
            svcById[size_t(r[1].i)].push_back(&r);
    std::vector<const Row *> docById(incById.size(), nullptr);
    std::unordered_map<sqlite3_int64, const Row *> noteDocs;
    for (const Row &r : d.search) {
        if (r[0].i >= kNoteDocBase)
            noteDocs.emplace(r[0].i - kNoteDocBase, &r);
        else if (size_t(r[0].i) < docById.size())
            docById[size_t(r[0].i)] = &r;
    }

    auto prep = [&](const std::string &sql) {
        sqlite3_stmt *st = nullptr;
        check(sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr), db,
              sql.c_str());
        return st;
    };
    std::string ph, sets;
    {
        const QStringList cols = QString::fromLatin1(kIncidentColumns).split(QStringLiteral(", "));
        for (int i = 0; i < cols.size(); ++i) {
            ph += i ? ",?" : "?";
            if (i > 0)
                sets += (i > 1 ? "," : "") + cols[i].toStdString() + "=?";
        }
    }
    sqlite3_stmt *insInc =
        prep(std::string("INSERT INTO incidents(") + kIncidentColumns + ") VALUES(" + ph + ")");
    sqlite3_stmt *updInc = prep("UPDATE incidents SET " + sets + " WHERE id=?");
    sqlite3_stmt *insSvc =
        prep("INSERT OR IGNORE INTO incident_services(service, incident) VALUES(?,?)");
    sqlite3_stmt *insDoc = prep("INSERT INTO search(rowid, body, incident) VALUES(?,?,?)");
    sqlite3_stmt *insEv = prep("INSERT INTO events(id, incident, hlc, ts, actor, kind, payload, "
                               "prev_hash, hash, origin) VALUES(?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *counter = prep(
        "UPDATE counters SET value = value + 1 WHERE name = 'incident_number' RETURNING value");
    sqlite3_stmt *begin = prep("BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prep("COMMIT");

    const std::string noteKind = "note.added";
    size_t ev = 0;
    bool ok = true;
    Stopwatch sw;
    for (const BatchLog &b : logs) {
        ok = ok && run(begin, db, "begin");
        for (qint64 id = b.firstNew; ok && id < b.firstNew + b.newCount; ++id) {
            ok = ok && run(counter, db, "counter");
            const Row &r = *incById[size_t(id)];
            for (int c = 0; c < int(r.size()); ++c)
                bindCell(insInc, c + 1, r[c]);
            ok = ok && run(insInc, db, "insert incident");
            for (const Row *s : svcById[size_t(id)]) {
                bindCell(insSvc, 1, (*s)[0]);
                bindCell(insSvc, 2, (*s)[1]);
                ok = ok && run(insSvc, db, "insert service");
            }
            if (const Row *doc = docById[size_t(id)]) {
                for (int c = 0; c < 3; ++c)
                    bindCell(insDoc, c + 1, (*doc)[c]);
                ok = ok && run(insDoc, db, "insert search");
            }
        }
        for (qint64 id : b.updated) {
            const Row &r = *incById[size_t(id)];
            for (int c = 1; c < int(r.size()); ++c)
                bindCell(updInc, c, r[c]);
            sqlite3_bind_int64(updInc, int(r.size()), id);
            ok = ok && run(updInc, db, "update incident");
        }
        for (qint64 k = 0; ok && k < b.events && ev < d.events.size(); ++k, ++ev) {
            const Row &e = d.events[ev];
            for (int c = 0; c < 10; ++c)
                bindCell(insEv, c + 1, e[c]);
            ok = ok && run(insEv, db, "insert event");
            if (e[5].s == noteKind)
                if (auto it = noteDocs.find(e[10].i); it != noteDocs.end()) {
                    for (int c = 0; c < 3; ++c)
                        bindCell(insDoc, c + 1, (*it->second)[c]);
                    ok = ok && run(insDoc, db, "insert note");
                }
        }
        ok = ok && run(commit, db, "commit");
        if (!ok)
            break;
    }
    const double secs = sw.seconds();
    cpu = sw.cpuSeconds();
    for (sqlite3_stmt *st : {insInc, updInc, insSvc, insDoc, insEv, counter, begin, commit})
        sqlite3_finalize(st);
    sqlite3_close(db);
    return ok ? secs : -1;
}

qint64 fileSize(const QString &path)
{
    qint64 n = 0;
    for (const char *suffix : {"", "-wal", "-shm"})
        n += QFileInfo(path + QString::fromLatin1(suffix)).size();
    return n;
}

void removeDb(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QString::fromLatin1(suffix));
}

int fail(const QString &m)
{
    fprintf(stderr, "bench_core: %s\n", m.toUtf8().constData());
    return 1;
}

void progressLine(const char *what, qint64 done, qint64 total, double secs)
{
    fprintf(stderr, "\r%s: %lld / %lld incidents, %.0f s   ", what, (long long)done,
            (long long)total, secs);
    fflush(stderr);
}

} // namespace

int main(int argc, char **argv)
{
    // As the app has it, for both sides of every comparison: before any connection.
    store::configureSqlite();
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(
        app,
        {{"incidents", "Incidents in the big data set.", "N", "1000000"},
         {"seed", "Data set seed.", "S", "1"},
         {"sample", "Commands in the fresh throughput sample.", "N", "100000"},
         {"batch", "Commands per engine batch (one transaction).", "N", "2000"},
         {"cache", "Folder for generated databases.", "dir", SITREP_BENCH_CACHE_DIR},
         {"regenerate", "Generate the big data set even if it is cached."},
         {"skip-rebuild", "Do not time the projection rebuild."},
         {"sample-only", "Only the write throughput sample (for profiling)."},
         {"rounds",
          "Rounds of the write throughput comparison, each on fresh databases; with more than "
          "one, each round's ratio and their median are printed.",
          "N", "1", 1}},
        QStringLiteral("Sitrep core benchmark: engine vs raw SQLite, list and search at scale"));

    const qint64 incidents = args.value("incidents").toLongLong();
    const quint64 seed = args.value("seed").toULongLong();
    const qint64 sample = args.value("sample").toLongLong();
    const int batch = args.value("batch").toInt();
    const int rounds = args.value("rounds").toInt();
    if (incidents < 1 || sample < 1 || batch < 1)
        return fail(QStringLiteral("--incidents, --sample and --batch must be positive"));
    const QString cacheDir = args.value("cache");
    if (!QDir().mkpath(cacheDir))
        return fail(QStringLiteral("cannot create %1").arg(cacheDir));
    const QString bigPath =
        QDir(cacheDir).filePath(QStringLiteral("core-%1-%2.db").arg(seed).arg(incidents));

    bench::Table t({QStringLiteral("measure"), QStringLiteral("result"), QStringLiteral("notes")});

    // ---- 1. Write throughput on a fresh sample: engine, then raw SQLite, same rows ----
    {
        const QString engPath = QDir(cacheDir).filePath(
            QStringLiteral("sample-engine-%1.db").arg(QCoreApplication::applicationPid()));
        const QString rawPath = QDir(cacheDir).filePath(
            QStringLiteral("sample-raw-%1.db").arg(QCoreApplication::applicationPid()));
        removeDb(engPath);
        removeDb(rawPath);
        // Commands are built before the clock starts: the engine is measured, not the caller.
        CommandStream stream(seed, incidents);
        QList<QList<Command>> batches;
        qint64 total = 0;
        QList<Command> cur;
        while (total < sample && !stream.atEnd()) {
            total += stream.next(cur);
            if (cur.size() >= batch) {
                batches << cur;
                cur.clear();
            }
        }
        if (!cur.isEmpty())
            batches << cur;
        // One timed run of the engine over the batches, on a fresh database at engPath.
        QString openError;
        const auto engineRun = [&](std::vector<BatchLog> *out) -> std::optional<RunStats> {
            auto ctx = host::AppContext::open(engPath, QStringLiteral("sre"));
            if (!ctx) {
                openError = ctx.errorMessage();
                return std::nullopt;
            }
            qint64 next = 0;
            return runBatches((*ctx)->engine(), batches, out, next);
        };
        std::vector<BatchLog> logs;
        RunStats st;
        {
            const std::optional<RunStats> run = engineRun(&logs);
            if (!run)
                return fail(openError);
            st = *run;
            if (st.rejected || !st.firstError.isEmpty())
                return fail(QStringLiteral("sample: %1 of %2 commands rejected: %3")
                                .arg(st.rejected)
                                .arg(st.commands)
                                .arg(st.firstError));
        }
        {
            store::Store s; // the raw database gets exactly the engine's schema (all migrations)
            if (auto r = s.open(rawPath); !r)
                return fail(r.errorMessage());
        }
        const RawData data = readBack(engPath);
        if (qint64(data.events.size()) != st.events)
            return fail(QStringLiteral("read back %1 events, engine reported %2")
                            .arg(data.events.size())
                            .arg(st.events));
        qint64 updates = 0;
        for (const auto &l : logs)
            updates += qint64(l.updated.size());
        double rawCpu = 0;
        const double rawSecs = rawWrite(rawPath, data, logs, rawCpu);
        if (rawSecs < 0)
            return fail(QStringLiteral("raw SQLite run failed"));
        const double engEvS = double(st.events) / st.time.seconds;
        const double rawEvS = double(st.events) / rawSecs;
        const QString what =
            QStringLiteral("fresh sample on empty databases: %1 commands -> %2 events, %3 "
                           "incidents opened, %4 incident row updates, %5 batches of %6")
                .arg(bench::num(double(st.commands)), bench::num(double(st.events)),
                     bench::num(double(data.incidents.size())), bench::num(double(updates)),
                     bench::num(double(batches.size())), bench::num(batch));
        t.add({QStringLiteral("engine write throughput (batched)"),
               QStringLiteral("%1 commands/s, %2 events/s")
                   .arg(bench::num(double(st.commands) / st.time.seconds), bench::num(engEvS)),
               what + QStringLiteral("; %1 s wall, %2 s CPU")
                          .arg(st.time.seconds, 0, 'f', 2)
                          .arg(st.time.cpuSeconds, 0, 'f', 2)});
        t.add({QStringLiteral("raw SQLite, same rows"),
               QStringLiteral("%1 events/s").arg(bench::num(rawEvS)),
               QStringLiteral("sqlite3 C API, prepared statements, same schema and indexes, same "
                              "transactions; %1 s wall, %2 s CPU")
                   .arg(rawSecs, 0, 'f', 2)
                   .arg(rawCpu, 0, 'f', 2)});
        t.add({QStringLiteral("ratio engine / raw"),
               QStringLiteral("%1 (wall), %2 (CPU)")
                   .arg(rawSecs / st.time.seconds, 0, 'f', 2)
                   .arg(rawCpu / st.time.cpuSeconds, 0, 'f', 2),
               QStringLiteral(
                   "throughput ratio, aim >= 0.7; CPU time is steadier on a busy machine")});
        // More rounds: the engine and raw SQLite again on fresh files, one after the other (the
        // machine's speed moves between runs; a round's ratio is what can be compared). Raw
        // SQLite writes the first round's rows again.
        if (rounds > 1) {
            QList<double> wall{rawSecs / st.time.seconds}, cpu{rawCpu / st.time.cpuSeconds};
            for (int r = 2; r <= rounds; ++r) {
                removeDb(engPath);
                removeDb(rawPath);
                std::vector<BatchLog> again;
                const std::optional<RunStats> run = engineRun(&again);
                if (!run)
                    return fail(openError);
                const RunStats &rs = *run;
                if (rs.rejected || !rs.firstError.isEmpty() || rs.events != st.events)
                    return fail(QStringLiteral("round %1: %2 of %3 commands rejected, %4 events "
                                               "(first round %5): %6")
                                    .arg(r)
                                    .arg(rs.rejected)
                                    .arg(rs.commands)
                                    .arg(rs.events)
                                    .arg(st.events)
                                    .arg(rs.firstError));
                {
                    store::Store s;
                    if (auto o = s.open(rawPath); !o)
                        return fail(o.errorMessage());
                }
                double cpuRaw = 0;
                const double secsRaw = rawWrite(rawPath, data, logs, cpuRaw);
                if (secsRaw < 0)
                    return fail(QStringLiteral("raw SQLite run failed"));
                wall << secsRaw / rs.time.seconds;
                cpu << cpuRaw / rs.time.cpuSeconds;
            }
            t.add({QStringLiteral("ratio engine / raw, %1 rounds").arg(rounds),
                   QStringLiteral("%1 (wall), %2 (CPU), medians")
                       .arg(bench::median(wall), 0, 'f', 2)
                       .arg(bench::median(cpu), 0, 'f', 2),
                   QStringLiteral("each round, wall: %1; CPU: %2")
                       .arg(bench::each(wall, 2), bench::each(cpu, 2))});
        }
        removeDb(engPath);
        removeDb(rawPath);
    }

    if (args.isSet("sample-only")) {
        t.print();
        return 0;
    }

    // ---- 2. The big data set, generated through the engine once per seed ----
    if (args.isSet("regenerate"))
        removeDb(bigPath);
    if (!QFileInfo::exists(bigPath)) {
        const QString tmp = bigPath + QStringLiteral(".part");
        removeDb(tmp);
        RunStats total;
        {
            auto ctx = host::AppContext::open(tmp, QStringLiteral("sre"));
            if (!ctx)
                return fail(ctx.errorMessage());
            CommandStream stream(seed, incidents);
            qint64 next = 0;
            Stopwatch sw;
            while (!stream.atEnd()) {
                QList<QList<Command>> one{{}};
                while (one[0].size() < batch && !stream.atEnd())
                    stream.next(one[0]);
                const RunStats st = runBatches((*ctx)->engine(), one, nullptr, next);
                total.commands += st.commands;
                total.events += st.events;
                total.rejected += st.rejected;
                if (!st.firstError.isEmpty())
                    return fail(QStringLiteral("generation: %1").arg(st.firstError));
                if ((next % 50000) < 600 || stream.atEnd())
                    progressLine("generating", stream.openedSoFar(), incidents, sw.seconds());
            }
            total.time.seconds = sw.seconds();
            fprintf(stderr, "\n");
            if (auto r =
                    (*ctx)->store().setMeta(QStringLiteral("bench_complete"), QStringLiteral("1"));
                !r)
                return fail(r.errorMessage());
        }
        if (!QFile::rename(tmp, bigPath))
            return fail(QStringLiteral("cannot move %1 into place").arg(tmp));
        t.add({QStringLiteral("generation of the data set (engine)"),
               QStringLiteral("%1 s").arg(total.time.seconds, 0, 'f', 1),
               QStringLiteral("%1 commands -> %2 events, %3 commands/s incl. building the "
                              "commands, growing database")
                   .arg(bench::num(double(total.commands)), bench::num(double(total.events)),
                        bench::num(double(total.commands) / total.time.seconds))});
    } else {
        t.add({QStringLiteral("generation of the data set (engine)"), QStringLiteral("cached"),
               QFileInfo(bigPath).fileName()});
    }

    // ---- 3. Reads at scale ----
    const qint64 size = fileSize(bigPath);
    store::Store s;
    if (auto r = s.open(bigPath); !r)
        return fail(r.errorMessage());
    const qint64 n = s.incidentCount();
    const qint64 events = s.maxSeq();
    t.add({QStringLiteral("data set"),
           QStringLiteral("%1 incidents, %2 events")
               .arg(bench::num(double(n)), bench::num(double(events))),
           QStringLiteral("%1 events per incident, seed %2")
               .arg(double(events) / double(qMax<qint64>(1, n)), 0, 'f', 2)
               .arg(seed)});
    t.add({QStringLiteral("database size"), bench::bytes(size),
           QStringLiteral("%1 bytes per incident (log, projection, indexes, FTS)")
               .arg(bench::num(double(size) / double(qMax<qint64>(1, n))))});

    auto timeList = [&](const QString &label, const store::ListQuery &q, const QString &note) {
        Stopwatch first;
        const auto rows = s.list(q);
        const double firstMs = first.millis();
        QList<double> runs;
        for (int i = 0; i < 20; ++i) {
            Stopwatch sw;
            s.list(q);
            runs << sw.millis();
        }
        Stopwatch c;
        const qint64 matches = s.count(q);
        const double countMs = c.millis();
        t.add({label,
               QStringLiteral("%1 ms first, %2 ms median of 20")
                   .arg(firstMs, 0, 'f', 2)
                   .arg(bench::median(runs), 0, 'f', 2),
               QStringLiteral("%1; %2 rows of %3 matches (count: %4 ms)")
                   .arg(note)
                   .arg(rows.size())
                   .arg(bench::num(double(matches)))
                   .arg(countMs, 0, 'f', 1)});
    };
    {
        store::ListQuery q;
        q.open = true;
        q.priority = 1;
        q.limit = 50;
        timeList(QStringLiteral("list first page: open P1"), q,
                 QStringLiteral("newest first, 50 rows"));
    }
    {
        store::ListQuery q;
        q.search = QStringLiteral("rebalance");
        q.limit = 50;
        timeList(QStringLiteral("list first page: search (common word)"), q,
                 QStringLiteral("FTS5 'rebalance', newest first"));
    }
    {
        store::ListQuery q;
        q.search = QStringLiteral("h4242");
        q.limit = 50;
        timeList(QStringLiteral("list first page: search (rare word)"), q,
                 QStringLiteral("FTS5 'h4242', newest first"));
    }

    if (!args.isSet("skip-rebuild")) {
        Stopwatch sw;
        if (auto r = s.rebuildProjection(); !r)
            return fail(QStringLiteral("rebuild: %1").arg(r.errorMessage()));
        const double secs = sw.seconds();
        if (auto r = s.db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")); !r)
            return fail(r.errorMessage());
        t.add({QStringLiteral("projection rebuild"), QStringLiteral("%1 s").arg(secs, 0, 'f', 1),
               QStringLiteral("incidents, services and search from %1 events (%2 events/s)")
                   .arg(bench::num(double(events)), bench::num(double(events) / secs))});
    }
    s.close();

    printf("\nbench_core (seed %llu, %lld incidents, batch %d, allocator %s)\n\n",
           (unsigned long long)seed, (long long)incidents, batch,
           qPrintable(util::processAllocator()));
    t.print();
    return 0;
}
