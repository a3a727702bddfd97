// SPDX-License-Identifier: MIT
// Dashboard and wall cost at 1,000,000 incidents: every dashboard query together (tiles +
// week x severity buckets) per range and filter, against one full scan of the incidents
// table in the same run; the wall's refresh (worker query + UI update) and paint.
//
// The data set: --db PATH, else the core benchmark's cached database (copied, because the
// metrics migration adds an index to it), else one generated here through the engine with
// the demo generator (slow: minutes to an hour) and cached.
#include "benchutil.h"
#include "demo/demogenerator.h"
#include "fixtures/wall.h"
#include "host/appcontext.h"
#include "metrics/metricsservice.h"
#include "store/store.h"
#include "ui/wall/wallwindow.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPixmap>

#include <sqlite3.h>

#include <functional>

using namespace sitrep;
using bench::Stopwatch;

namespace {

int fail(const QString &m)
{
    fprintf(stderr, "bench_dashboard: %s\n", m.toUtf8().constData());
    return 1;
}

bool complete(const QString &path)
{
    if (!QFileInfo::exists(path))
        return false;
    store::Store s;
    if (!s.openReadOnly(path))
        return false;
    return s.incidentCount() > 0;
}

bool copyDb(const QString &from, const QString &to)
{
    QFile::remove(to + QStringLiteral(".part"));
    // The source may be in WAL mode with a live -wal: the backup API copies a consistent view.
    sqlite3 *src = nullptr, *dst = nullptr;
    bool ok = sqlite3_open_v2(from.toUtf8().constData(), &src, SQLITE_OPEN_READONLY, nullptr) ==
                  SQLITE_OK &&
              sqlite3_open((to + QStringLiteral(".part")).toUtf8().constData(), &dst) == SQLITE_OK;
    if (ok) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        ok = b && sqlite3_backup_step(b, -1) == SQLITE_DONE;
        if (b)
            sqlite3_backup_finish(b);
    }
    sqlite3_close(src);
    sqlite3_close(dst);
    return ok && QFile::rename(to + QStringLiteral(".part"), to);
}

struct Timing {
    double medianMs = 0;
    double cpuMs = 0;
};

Timing measure(int runs, const std::function<void()> &fn)
{
    fn(); // warm the page cache and the statement cache
    QList<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        Stopwatch sw;
        fn();
        wall << sw.millis();
        cpu << sw.cpuSeconds() * 1000.0;
    }
    return {bench::median(wall), bench::median(cpu)};
}

QString ms(double v)
{
    return QString::number(v, 'f', v < 10 ? 2 : 1);
}

} // namespace

int main(int argc, char **argv)
{
    // As the app has it, for both sides of every comparison: before any connection.
    store::configureSqlite();
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const bench::CommandLine args(
        app, {{"db", "Use this database (copied first).", "path"},
              {"runs", "Timed runs per measure.", "n", "7"},
              {"incidents", "Incidents to generate when no cached set exists.", "n", "1000000"},
              {"in-place", "Use --db as it is (it gets the metrics index)."}});
    const int runs = qMax(1, args.value("runs").toInt());
    const qint64 wanted = args.value("incidents").toLongLong();
    const QString cacheDir = QStringLiteral(SITREP_BENCH_CACHE_DIR);
    QDir().mkpath(cacheDir);

    // ---- the data set ----
    QStringList looked;
    QString source = args.value("db");
    if (source.isEmpty()) {
        const QStringList candidates{
            qEnvironmentVariable("SITREP_BENCH_DB"),
            QDir(cacheDir).filePath(QStringLiteral("core-1-%1.db").arg(wanted)),
            QDir(QStringLiteral(SITREP_SOURCE_DIR))
                .filePath(QStringLiteral("build-bench/bench-cache/core-1-%1.db").arg(wanted)),
        };
        for (const QString &c : candidates) {
            if (c.isEmpty())
                continue;
            looked << c;
            if (complete(c)) {
                source = c;
                break;
            }
        }
    }
    const QString path =
        args.isSet("in-place") && !source.isEmpty()
            ? source
            : QDir(cacheDir).filePath(
                  QStringLiteral("dashboard-%1.db")
                      .arg(source.isEmpty() ? wanted : qint64(QFileInfo(source).size())));
    if (!QFileInfo::exists(path)) {
        if (!source.isEmpty()) {
            fprintf(stderr, "copying %s to %s ...\n", qPrintable(source), qPrintable(path));
            if (!copyDb(source, path))
                return fail(QStringLiteral("cannot copy %1").arg(source));
        } else {
            fprintf(stderr,
                    "no cached data set (looked at: %s); generating %lld incidents through the "
                    "engine ...\n",
                    qPrintable(looked.join(QStringLiteral(", "))), qlonglong(wanted));
            const QString tmp = path + QStringLiteral(".part");
            QFile::remove(tmp);
            auto ctx = host::AppContext::open(tmp, QStringLiteral("sre"));
            if (!ctx)
                return fail(ctx.errorMessage());
            const qint64 chunk = 50000;
            for (qint64 done = 0, i = 0; done < wanted; done += chunk, ++i) {
                demo::DemoOptions o;
                o.incidents = int(qMin(chunk, wanted - done));
                o.seed = 1000 + quint64(i);
                o.now = 1795392000000; // 2026-11-23T00:00:00Z
                o.days = 90;
                if (auto r = demo::runDemo((*ctx)->engine(), o); !r)
                    return fail(r.errorMessage());
                fprintf(stderr, "\r%lld incidents", qlonglong(done + o.incidents));
            }
            fprintf(stderr, "\n");
            ctx->reset();
            if (!QFile::rename(tmp, path))
                return fail(QStringLiteral("cannot move %1 into place").arg(tmp));
        }
    }
    // Migrations (the metrics index) run on a read-write open; time the index build.
    Stopwatch mig;
    {
        store::Store rw;
        if (auto s = rw.open(path); !s)
            return fail(s.errorMessage());
    }
    const double migrateMs = mig.millis();

    store::Store st;
    if (auto s = st.openReadOnly(path); !s)
        return fail(s.errorMessage());
    const qint64 incidents = st.incidentCount();
    qint64 now = 0;
    {
        auto q = st.db().prepareOnce(QStringLiteral("SELECT max(created_at) FROM incidents"));
        now = q && q->step() ? store::RowReader(*q).int64() + 60000 : 0;
    }
    QString someService, someGroup;
    {
        metrics::MetricsQueries q(st);
        someService = q.services()->value(0);
        someGroup = q.groups()->value(0);
    }

    printf("bench_dashboard: %s incidents in %s (%s)\n", qPrintable(bench::num(double(incidents))),
           qPrintable(path), qPrintable(bench::bytes(QFileInfo(path).size())));
    printf("data set: %s\n", source.isEmpty() ? "generated/cached here"
                                              : qPrintable(QStringLiteral("copy of ") + source));
    if (!looked.isEmpty())
        printf("looked for a cached set at: %s\n", qPrintable(looked.join(QStringLiteral(", "))));
    printf("\"now\" = newest incident + 1 min; median of %d runs after one warm-up; open + migrate "
           "(index build if new) %s ms\n\n",
           runs, qPrintable(ms(migrateMs)));

    // ---- the reference: one full scan of the incidents table ----
    qint64 scanned = 0;
    const Timing scan = measure(runs, [&] {
        auto q =
            st.db().prepareOnce(QStringLiteral("SELECT count(*), total(acknowledged_at>0), "
                                               "total(resolved_at) FROM incidents NOT INDEXED"));
        if (q && q->step())
            scanned = store::RowReader(*q).int64();
    });

    // "before": every number straight off the incidents (the covering indexes), as before the
    // rollups; "after": whole days from the rollups, partial days and running SLA clocks exact.
    bench::Table t({QStringLiteral("measure"), QStringLiteral("incidents in range"),
                    QStringLiteral("before: median ms"), QStringLiteral("before: ratio"),
                    QStringLiteral("after: median ms"), QStringLiteral("after: CPU ms"),
                    QStringLiteral("after: ratio to full scan")});
    const auto ratio = [&](double v) { return QString::number(v / scan.medianMs, 'f', 3); };
    t.add({QStringLiteral("full scan of incidents (raw SQLite, reference)"),
           bench::num(double(scanned)), ms(scan.medianMs), QStringLiteral("1.000"),
           ms(scan.medianMs), ms(scan.cpuMs), QStringLiteral("1.000")});
    metrics::MetricsQueries q(st);
    metrics::MetricsQueries exact(st);
    exact.setExactOnly(true);
    struct Case {
        QString name;
        metrics::MetricsFilter f;
    };
    QList<Case> cases;
    for (int d : {7, 30, 90})
        cases << Case{QStringLiteral("all dashboard queries, %1 days").arg(d),
                      metrics::MetricsFilter::lastDays(d, now)};
    {
        auto f = metrics::MetricsFilter::lastDays(30, now);
        f.service = someService;
        cases << Case{QStringLiteral("all dashboard queries, 30 days, service %1").arg(someService),
                      f};
        f.service.clear();
        f.group = someGroup;
        cases << Case{QStringLiteral("all dashboard queries, 30 days, group %1").arg(someGroup), f};
        auto all = metrics::MetricsFilter::lastDays(3650, now);
        cases << Case{QStringLiteral("all dashboard queries, everything (10 years)"), all};
    }
    // A custom range that starts and ends mid-day (partial days at both ends).
    {
        metrics::MetricsFilter f;
        f.from = now - 17 * metrics::DayMs - 5 * 3600000 - 17 * 60000;
        f.to = now - 2 * metrics::DayMs + 7 * 3600000;
        cases << Case{QStringLiteral("all dashboard queries, custom 15-day range, mid-day ends"),
                      f};
    }
    int differ = 0;
    for (const Case &c : cases) {
        qint64 rows = 0, rowsBefore = 0;
        metrics::DashboardMetrics a, b;
        const Timing before = measure(runs, [&] {
            auto m = exact.dashboard(c.f, now);
            rowsBefore = m ? m->total().count : -1;
            if (m)
                b = *m;
        });
        const Timing after = measure(runs, [&] {
            auto m = q.dashboard(c.f, now);
            rows = m ? m->total().count : -1;
            if (m)
                a = *m;
        });
        // Both ways give the same numbers (the unit tests check this against a brute force).
        if (rows != rowsBefore || a.cells != b.cells || a.tiles != b.tiles)
            ++differ;
        t.add({c.name, bench::num(double(rows)), ms(before.medianMs), ratio(before.medianMs),
               ms(after.medianMs), ms(after.cpuMs), ratio(after.medianMs)});
    }
    {
        const Timing before = measure(runs, [&] { (void)exact.tiles({}, now); });
        const Timing tiles = measure(runs, [&] { (void)q.tiles({}, now); });
        t.add({QStringLiteral("  of which tiles (open incidents)"), QStringLiteral("open now"),
               ms(before.medianMs), ratio(before.medianMs), ms(tiles.medianMs), ms(tiles.cpuMs),
               ratio(tiles.medianMs)});
        const Timing active = measure(runs, [&] { (void)q.activeIncidents({}, now, 40); });
        t.add({QStringLiteral("wall: 40 active incidents + last status"),
               QStringLiteral("open now"), QString(), QString(), ms(active.medianMs),
               ms(active.cpuMs), ratio(active.medianMs)});
    }

    // ---- the wall: refresh through the worker and UI update, then paint ----
    {
        engine::ManualClock clock(now);
        metrics::MetricsService svc(path, clock);
        for (int every : {1, 1 << 30}) {
            ui::WallWindow wall(svc, testing::steadyWall(3600000, every));
            if (!testing::showWall(wall, QSize(1920, 1080), 120000))
                return fail(QStringLiteral("the wall got no data"));
            const Timing refresh = measure(runs, [&] {
                wall.refresh();
                wall.waitForRefresh(120000);
            });
            t.add({every == 1
                       ? QStringLiteral("wall refresh with charts (every 12th): worker (40 active "
                                        "+ 30-day dashboard) + UI")
                       : QStringLiteral(
                             "wall refresh, usual (every 5 s): worker (40 active + tiles) + UI"),
                   QStringLiteral("30 days"), QString(), QString(), ms(refresh.medianMs),
                   QStringLiteral("(worker)"), ratio(refresh.medianMs)});
        }
        ui::WallWindow wall(svc, testing::steadyWall(3600000));
        if (!testing::showWall(wall, QSize(1920, 1080), 120000))
            return fail(QStringLiteral("the wall got no data"));
        for (int page : {0, 3}) {
            while (wall.page() != page)
                wall.rotate();
            const Timing paint = measure(runs, [&] { (void)wall.grab(); });
            t.add({QStringLiteral("wall paint 1920x1080, page %1").arg(wall.pageName()), QString(),
                   QString(), QString(), ms(paint.medianMs), ms(paint.cpuMs),
                   ratio(paint.medianMs)});
        }
    }
    t.print();
    if (differ) {
        fprintf(stderr,
                "bench_dashboard: %d cases gave different numbers with and without the rollups\n",
                differ);
        return 1;
    }
    printf("\nrollups and exact queries gave identical numbers in every case\n");
    return 0;
}
