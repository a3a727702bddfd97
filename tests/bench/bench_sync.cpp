// SPDX-License-Identifier: MIT
// bench_sync: (1) outbox drain rate to the team back end (sitrep-server on a throwaway
// PostgreSQL cluster, two instances behind HAProxy; tests/fixtures/teamserver) against a bare
// client making the same HTTP calls in the same run; (2) bulk initial sync of N incidents
// (default 1,000,000) against raw SQLite inserting the same rows.
//
//   bench_sync [--drain N] [--bulk N] [--rounds N]
#include "benchutil.h"
#include "fixtures/appcontext.h"
#include "fixtures/teamserver/teamserver.h"
#include "host/appcontext.h"
#include "store/bulkloader.h"
#include "store/store.h"
#include "sync/outbox.h"
#include "sync/restclient.h"
#include "sync/syncservice.h"
#include "sync/wire.h"
#include "util/allocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QUuid>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>

using namespace sitrep;

namespace {

// The benchmark is a program of its own: it waits for each answer in one event loop here.
template <typename T, typename Start> T waitFor(Start &&start)
{
    std::optional<T> out;
    QEventLoop loop;
    start([&](T value) {
        out.emplace(std::move(value));
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

// CPU seconds of this process: on a shared, loaded machine the wall clock mostly measures
// the neighbours; both are printed.
double cpuNow()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

void row(const char *what, double n, double secs, const char *unit, double base = 0,
         double cpu = -1, double cpuBase = 0)
{
    const QString ratio = base > 0 ? QString::number(secs / base, 'f', 2) + QStringLiteral("x")
                                   : QStringLiteral("1.00x (baseline)");
    const QString cpuText =
        cpu < 0 ? QStringLiteral("-")
                : QString::number(cpu, 'f', 3) + QStringLiteral(" s") +
                      (cpuBase > 0 ? QStringLiteral(" (%1x)").arg(cpu / cpuBase, 0, 'f', 2)
                                   : QString());
    printf("| %-52s | %10.0f | %9.3f s | %12.0f %s/s | %-16s | %-18s |\n", what, n, secs, n / secs,
           unit, qPrintable(ratio), qPrintable(cpuText));
}

domain::Event syntheticOpen(qint64 i, qint64 baseMs)
{
    domain::Event e;
    e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.incidentUid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.ts = baseMs + i * 1000;
    e.hlc = e.ts << 16;
    e.actor = QStringLiteral("ingest");
    e.kind = domain::kinds::Opened;
    static const char *sev[] = {"critical", "high", "medium", "low"};
    static const char *svc[] = {"checkout", "payments", "search", "auth", "api", "db"};
    e.payload = {
        {QStringLiteral("number"), QStringLiteral("INC%1").arg(i + 1, 7, 10, QLatin1Char('0'))},
        {QStringLiteral("title"), QStringLiteral("%1 latency above SLO on node %2")
                                      .arg(QLatin1String(svc[i % 6]))
                                      .arg(i % 977)},
        {QStringLiteral("description"), QStringLiteral("p99 over threshold")},
        {QStringLiteral("severity"), QLatin1String(sev[i % 4])},
        {QStringLiteral("priority"), QStringLiteral("P%1").arg(i % 4 + 1)},
        {QStringLiteral("services"), QJsonArray{QLatin1String(svc[i % 6])}},
        {QStringLiteral("state"), i % 3 ? QStringLiteral("resolved") : QStringLiteral("triggered")},
        {QStringLiteral("open"), i % 3 == 0},
        {QStringLiteral("sla"), QStringLiteral("running")},
        {QStringLiteral("response_minutes"), 15},
        {QStringLiteral("resolution_minutes"), 240}};
    e.origin = QStringLiteral("backend");
    return e;
}

// The header of the table row() prints a line of.
void header()
{
    printf("| %-52s | %10s | %11s | %18s | %-16s | %-18s |\n", "measure", "items", "wall time",
           "rate (wall)", "wall vs baseline", "CPU time (ratio)");
    printf("|%s|%s|%s|%s|%s|%s|\n", QByteArray(54, '-').constData(),
           QByteArray(12, '-').constData(), QByteArray(13, '-').constData(),
           QByteArray(20, '-').constData(), QByteArray(18, '-').constData(),
           QByteArray(20, '-').constData());
}

// One round of the bulk comparison in `dir`: raw SQLite, then Sitrep's bulk loader.
struct BulkRound {
    double rawSecs = 0, rawCpu = 0, appendSecs = 0, appendCpu = 0, finishSecs = 0, finishCpu = 0;
    double total() const { return appendSecs + finishSecs; }
    double totalCpu() const { return appendCpu + finishCpu; }
};

std::optional<BulkRound> bulkRound(const QString &dir, qint64 nBulk)
{
    const qint64 base = 1767225600000LL;
    const int chunk = 20000;
    // Raw SQLite: the same event rows into a same-shaped table, one transaction.
    double rawSecs = 0, rawCpu = 0;
    {
        bench::RawEventLog raw(QDir(dir).filePath(QStringLiteral("raw.db")));
        sqlite3_stmt *st = raw.insert();
        for (qint64 i = 0; i < nBulk; i += chunk) {
            QList<domain::Event> evs;
            for (qint64 k = i; k < qMin(nBulk, i + chunk); ++k)
                evs << syntheticOpen(k, base);
            QElapsedTimer t;
            t.start();
            const double c0 = cpuNow();
            for (const auto &e : evs) {
                const QByteArray id = QUuid::fromString(e.id).toRfc4122(),
                                 inc = QUuid::fromString(e.incidentUid).toRfc4122();
                const QByteArray payload = e.payloadJson(), actor = e.actor.toUtf8(),
                                 kind = e.kind.toUtf8();
                sqlite3_bind_blob(st, 1, id.constData(), int(id.size()), SQLITE_TRANSIENT);
                sqlite3_bind_blob(st, 2, inc.constData(), int(inc.size()), SQLITE_TRANSIENT);
                sqlite3_bind_int64(st, 3, e.hlc);
                sqlite3_bind_int64(st, 4, e.ts);
                sqlite3_bind_text(st, 5, actor.constData(), int(actor.size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(st, 6, kind.constData(), int(kind.size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(st, 7, payload.constData(), int(payload.size()),
                                  SQLITE_TRANSIENT);
                sqlite3_bind_blob(st, 8, "", 0, SQLITE_STATIC);
                sqlite3_bind_blob(st, 9, id.constData(), int(id.size()), SQLITE_TRANSIENT);
                sqlite3_bind_text(st, 10, "backend", 7, SQLITE_STATIC);
                sqlite3_step(st);
                sqlite3_reset(st);
            }
            rawSecs += double(t.nsecsElapsed()) / 1e9;
            rawCpu += cpuNow() - c0;
        }
        QElapsedTimer t;
        t.start();
        const double c0 = cpuNow();
        raw.commit();
        rawSecs += double(t.nsecsElapsed()) / 1e9;
        rawCpu += cpuNow() - c0;
    }
    // Sitrep: the engine's bulk loader, as initialSync() uses it (re-chain + append with
    // indexes dropped), then the projection, search and indexes rebuilt from the log and
    // the registered projections folded in.
    auto ctx = host::AppContext::open(QDir(dir).filePath(QStringLiteral("bulk.db")));
    if (!ctx)
        return std::nullopt;
    store::Store &st = (*ctx)->store();
    store::BulkLoader loader = (*ctx)->engine().bulkLoader();
    double appendSecs = 0, appendCpu = 0;
    QElapsedTimer t;
    t.start();
    double c0 = cpuNow();
    if (!loader.begin())
        return std::nullopt;
    loader.reserve(nBulk); // initialSync passes the change feed's total
    appendSecs += double(t.nsecsElapsed()) / 1e9;
    appendCpu += cpuNow() - c0;
    for (qint64 i = 0; i < nBulk; i += chunk) {
        QList<domain::Event> evs;
        for (qint64 k = i; k < qMin(nBulk, i + chunk); ++k)
            evs << syntheticOpen(k, base);
        t.restart();
        c0 = cpuNow();
        if (auto s = loader.add(evs); !s)
            return fprintf(stderr, "%s\n", qPrintable(s.errorMessage())), std::nullopt;
        appendSecs += double(t.nsecsElapsed()) / 1e9;
        appendCpu += cpuNow() - c0;
    }
    t.restart();
    c0 = cpuNow();
    if (auto s = loader.finish(); !s)
        return fprintf(stderr, "%s\n", qPrintable(s.errorMessage())), std::nullopt;
    const double finishSecs = double(t.nsecsElapsed()) / 1e9;
    const double finishCpu = cpuNow() - c0;
    if (st.incidentCount() != nBulk)
        return fprintf(stderr, "expected %lld incidents, got %lld\n", qlonglong(nBulk),
                       qlonglong(st.incidentCount())),
               std::nullopt;
    row("bulk: raw SQLite, same event rows, one transaction", double(nBulk), rawSecs, "ev", 0,
        rawCpu);
    row("bulk: Sitrep append (re-chain, hash, insert)", double(nBulk), appendSecs, "ev", rawSecs,
        appendCpu, rawCpu);
    row("bulk: Sitrep projection + search + indexes rebuild", double(nBulk), finishSecs, "inc", 0,
        finishCpu);
    row("bulk: Sitrep initial sync, database time total", double(nBulk), appendSecs + finishSecs,
        "inc", rawSecs, appendCpu + finishCpu, rawCpu);
    printf("\nWhere finish() spent its time (CPU of its thread, then of every thread):\n\n"
           "| %-60s | %9s | %9s | %9s |\n|%s|%s|%s|%s|\n",
           "step", "CPU s", "all CPU s", "wall s", QByteArray(62, '-').constData(),
           QByteArray(11, '-').constData(), QByteArray(11, '-').constData(),
           QByteArray(11, '-').constData());
    for (const auto &s : loader.steps())
        printf("| %-60s | %9.3f | %9.3f | %9.3f |\n", qPrintable(s.name.left(60)), s.cpu, s.allCpu,
               s.wall);
    BulkRound out;
    out.rawSecs = rawSecs;
    out.rawCpu = rawCpu;
    out.appendSecs = appendSecs;
    out.appendCpu = appendCpu;
    out.finishSecs = finishSecs;
    out.finishCpu = finishCpu;
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    // As the app has it, for both sides of every comparison: before any connection.
    store::configureSqlite();
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(app, {{"drain", "Incidents to drain.", "n", "2000"},
                                        {"bulk", "Incidents to bulk load.", "n", "1000000"},
                                        {"rounds", "Rounds of the bulk comparison.", "n", "1"}});
    const int nDrain = args.value("drain").toInt();
    const qint64 nBulk = args.value("bulk").toLongLong();
    const int rounds = qMax(1, args.value("rounds").toInt());
    QTemporaryDir dir;

    printf("bench_sync: allocator %s\n\n", qPrintable(util::processAllocator()));
    header();

    if (nDrain > 0) {
        // Sitrep: queued incidents, drained by the SyncService (reads the outbox, POSTs with
        // the Idempotency-Key, merges the renumbering, deletes the row).
        testing::TeamBackEnd team;
        if (!team.start(2))
            return fprintf(stderr, "%s\n", testing::TeamBackEnd::kNotStarted), 1;
        // Events name their author; the server checks it against the token's user.
        const QString user = QStringLiteral("bench");
        const QString token = team.addUser(user, QStringLiteral("responder"));
        if (token.isEmpty())
            return 1;
        const QString dbPath = dir.filePath(QStringLiteral("client.db"));
        auto ctx = testing::openReplica(dbPath);
        if (!ctx)
            return 1;
        auto &engine = ctx->engine();
        QList<engine::Command> cmds;
        for (int i = 0; i < nDrain; ++i)
            cmds << engine::Command::open(
                {{QStringLiteral("title"), QStringLiteral("bench %1").arg(i)},
                 {QStringLiteral("severity"), QStringLiteral("low")}},
                user);
        if (!engine.executeBatch(cmds))
            return 1;
        sync::Outbox box(ctx->store());
        const auto rows = box.pending(1000000);
        sync::SyncOptions o;
        o.url = team.url();
        o.token = token;
        o.pull = false;
        sync::SyncService svc(engine, o);
        QElapsedTimer t;
        t.start();
        double c0 = cpuNow();
        const auto rep = waitFor<sync::SyncReport>(
            [&](auto done) { svc.syncOnce([done](const sync::SyncReport &r) { done(r); }); });
        const double sitrepSecs = double(t.nsecsElapsed()) / 1e9;
        const double sitrepCpu = cpuNow() - c0;
        if (!rep.ok || box.pendingCount() != 0)
            return fprintf(stderr, "drain failed: %s\n", qPrintable(rep.error)), 1;

        // Bare client: the same POSTs, one after another, no database. The back end already
        // holds these events, so each is sent under fresh ids (a repeat would only be
        // recognised as a duplicate, which is less work than the drain did).
        sync::RestClient bare(team.url(), token);
        QHash<QString, QString> fresh;
        t.restart();
        c0 = cpuNow();
        for (const auto &r : rows) {
            domain::Event e = r.event;
            e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            QString &inc = fresh[e.incidentUid];
            if (inc.isEmpty())
                inc = QUuid::createUuid().toString(QUuid::WithoutBraces);
            e.incidentUid = inc;
            const bool create = e.kind == domain::kinds::Opened;
            const QJsonObject body =
                create ? QJsonObject{{QStringLiteral("incidentId"), e.incidentUid},
                                     {QStringLiteral("short_description"), e.payload[u"title"]},
                                     {QStringLiteral("event"),
                                      sync::eventToWire(e, QStringLiteral("bare"))}}
                       : QJsonObject{{QStringLiteral("events"),
                                      QJsonArray{sync::eventToWire(e, QStringLiteral("bare"))}}};
            const QString path =
                create ? QStringLiteral("/api/incidents")
                       : QStringLiteral("/api/incidents/%1/events").arg(e.incidentUid);
            const auto reply = waitFor<sync::HttpReply>([&](auto done) {
                bare.send("POST", path, &body, {{"Idempotency-Key", e.id.toLatin1()}},
                          [done](const sync::HttpReply &r) { done(r); });
            });
            if (!reply.ok())
                return fprintf(stderr, "bare client: %s\n", qPrintable(reply.describe())), 1;
        }
        const double bareSecs = double(t.nsecsElapsed()) / 1e9;
        const double bareCpu = cpuNow() - c0;
        row("outbox drain, bare HTTP client (same calls, HAProxy)", rows.size(), bareSecs, "req", 0,
            bareCpu);
        row("outbox drain, Sitrep SyncService (HAProxy)", rep.sent, sitrepSecs, "req", bareSecs,
            sitrepCpu, bareCpu);
    }

    if (nBulk > 0) {
        // The machine's speed moves between runs (a shared host): each round measures raw
        // SQLite and then Sitrep on fresh files, and the ratio of each round is printed with
        // their median.
        QList<double> ratios, cpuRatios;
        for (int r = 1; r <= rounds; ++r) {
            if (rounds > 1)
                printf("\nRound %d of %d\n\n", r, rounds), header();
            const QString sub = dir.filePath(QStringLiteral("bulk-%1").arg(r));
            QDir().mkpath(sub);
            const std::optional<BulkRound> round = bulkRound(sub, nBulk);
            if (!round)
                return 1;
            ratios << round->total() / round->rawSecs;
            cpuRatios << round->totalCpu() / round->rawCpu;
            QDir(sub).removeRecursively();
        }
        if (rounds > 1) {
            printf("\n| %-52s | %-40s | %-8s |\n|%s|%s|%s|\n", "bulk initial sync vs raw SQLite",
                   "each round", "median", QByteArray(54, '-').constData(),
                   QByteArray(42, '-').constData(), QByteArray(10, '-').constData());
            const auto line = [](const char *what, QList<double> v) {
                const QString each = bench::each(v, 2, QStringLiteral("x"));
                std::sort(v.begin(), v.end());
                const double median =
                    v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
                printf("| %-52s | %-40s | %7.2fx |\n", what, qPrintable(each), median);
            };
            line("wall time", ratios);
            line("CPU time", cpuRatios);
        }
    }
    return 0;
}
