// SPDX-License-Identifier: MIT
// bench_reminders: the war-room reminder scan over every open incident.
//
//   bench_reminders [--incidents N] [--seed S] [--scans N]
//
// On a generated incident history (default 1,000,000 incidents, cached by seed and size):
// the first scan of a window or `sitrep serve` (the whole catch-up horizon, recording what
// is due), the steady-state scans every 30 seconds of clock (only what fell due since the
// previous one), and, for scale, a naive check that loads every open incident with its
// timeline and asks it for due reminders. Ratios are against raw SQLite counting the open
// incidents (SELECT count(*) ... WHERE is_open = 1) on the same connection in the same run.

#include "benchutil.h"
#include "incidentset.h"

#include "engine/clock.h"
#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "itemmodels/incidentdetails.h"
#include "query/warroomreminders.h"
#include "reminders/reminderservice.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cstdio>

using namespace sitrep;
using bench::Stopwatch;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(app, {{"incidents", "Incidents in the data set.", "N", "1000000"},
                                        {"seed", "Random seed.", "S", "1"},
                                        {"scans", "Steady-state scans to time.", "N", "40"}});
    bench::IncidentSetOptions o;
    o.incidents = args.value("incidents").toLongLong();
    o.seed = args.value("seed").toULongLong();
    const int scans = args.value("scans").toInt();
    if (o.incidents < 1000 || scans < 5) {
        fprintf(stderr,
                "bench_reminders: --incidents must be at least 1000 and --scans at least 5\n");
        return 1;
    }

    QDir().mkpath(QStringLiteral(SITREP_BENCH_CACHE_DIR));
    const QString path =
        QDir(QStringLiteral(SITREP_BENCH_CACHE_DIR))
            .filePath(QStringLiteral("reminders-%1-%2.db").arg(o.seed).arg(o.incidents));
    const bool fresh = !QFile::exists(path);
    store::Store st;
    if (auto s = st.open(path); !s) {
        fprintf(stderr, "bench_reminders: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    if (fresh) {
        Stopwatch gen;
        if (auto s = bench::generateIncidentSet(st, o); !s) {
            fprintf(stderr, "bench_reminders: %s\n", qPrintable(s.errorMessage()));
            QFile::remove(path);
            return 1;
        }
        fprintf(stderr, "generated %lld incidents in %.1f s\n", o.incidents, gen.seconds());
    }
    auto wf = workflow::Workflow::load(QStringLiteral("sre"));
    auto oc = workflow::OnCallSchedule::load({});
    // The clock continues where the last run left it (a run records what fell due).
    const qint64 start =
        std::max(o.now,
                 st.meta(QStringLiteral("bench.reminders.now"), QStringLiteral("0")).toLongLong()) +
        60000;
    engine::ManualClock clock(start);
    engine::LifecycleEngine eng(st, *wf, *oc, clock);
    host::registerWorkflowActions(eng);

    auto rawCount = [&] {
        QList<double> t;
        qint64 n = 0;
        for (int i = 0; i < 9; ++i) {
            Stopwatch sw;
            auto q = st.db().prepareOnce(
                QStringLiteral("SELECT count(*) FROM incidents WHERE is_open = 1"));
            n = q && q->step() ? store::RowReader(*q).int64() : -1;
            t << sw.millis();
        }
        return qMakePair(bench::median(t), n);
    };
    const auto [rawMs, open] = rawCount();

    reminders::ReminderService svc(eng, clock);
    Stopwatch first;
    auto r = svc.scan();
    const double firstMs = first.millis();
    if (!r) {
        fprintf(stderr, "bench_reminders: %s\n", qPrintable(r.errorMessage()));
        return 1;
    }
    const qsizetype firstRecorded = r->size();

    QList<double> steady;
    qsizetype steadyRecorded = 0;
    for (int i = 0; i < scans; ++i) {
        clock.advance(30000);
        Stopwatch sw;
        auto s = svc.scan();
        steady << sw.millis();
        steadyRecorded += s ? s->size() : 0;
    }
    if (auto m = st.setMeta(QStringLiteral("bench.reminders.now"), QString::number(clock.nowMs()));
        !m)
        qFatal("cannot save the clock: %s", qPrintable(m.errorMessage()));

    // Naive: every open incident with its timeline, asked for its reminders.
    Stopwatch naive;
    QStringList uids;
    {
        auto q = st.db().prepareOnce(QStringLiteral("SELECT uid FROM incidents WHERE is_open = 1"));
        while (q && q->step())
            uids << store::Store::blobToUuid(store::RowReader(*q).blob());
    }
    qsizetype naiveDue = 0;
    for (const QString &uid : std::as_const(uids))
        if (auto d = itemmodels::loadIncidentDetails(st, uid))
            naiveDue += query::warRoomReminders(d->incident, d->timeline, clock.nowMs()).size();
    const double naiveMs = naive.millis();

    printf("bench_reminders: %s incidents, %s open (seed %llu)\n\n",
           qPrintable(bench::num(double(o.incidents))), qPrintable(bench::num(double(open))),
           static_cast<unsigned long long>(o.seed));
    bench::Table t({QStringLiteral("what"), QStringLiteral("time"),
                    QStringLiteral("ratio to raw count"), QStringLiteral("reminders")});
    t.add({QStringLiteral("raw SQLite: count open incidents"),
           bench::num(rawMs, 2) + QStringLiteral(" ms"), QStringLiteral("1.0"),
           QStringLiteral("-")});
    t.add({QStringLiteral("first scan (24 h horizon, records)"),
           bench::num(firstMs, 2) + QStringLiteral(" ms"), bench::num(firstMs / rawMs, 1),
           QString::number(firstRecorded)});
    t.add({QStringLiteral("steady scan, median of %1 (30 s apart)").arg(scans),
           bench::num(bench::median(steady), 2) + QStringLiteral(" ms"),
           bench::num(bench::median(steady) / rawMs, 2), QString::number(steadyRecorded)});
    t.add({QStringLiteral("naive: every open incident + timeline"),
           bench::num(naiveMs, 1) + QStringLiteral(" ms"), bench::num(naiveMs / rawMs, 1),
           QStringLiteral("%1 due (not recorded)").arg(naiveDue)});
    t.print();
    return 0;
}
