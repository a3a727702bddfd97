// SPDX-License-Identifier: MIT
// Every dashboard number from MetricsQueries against a brute-force fold of the event log.
#include "app/appcontext.h"
#include "demo/demogenerator.h"
#include "metrics/metricsservice.h"
#include "store/projector.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QStandardPaths>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>

using namespace sitrep;
using metrics::Bucket;
using metrics::MetricsFilter;

namespace {

const qint64 kNow = QDateTime(QDate(2026, 11, 20), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

// The definitions of the README, in plain C++ over folded incidents.
struct Brute {
    QList<domain::Incident> all;

    bool matches(const domain::Incident &i, const MetricsFilter &f) const
    {
        if (!f.group.isEmpty() && i.assignmentGroup != f.group)
            return false;
        if (!f.service.isEmpty() && !i.services.contains(f.service))
            return false;
        return true;
    }

    QList<std::array<Bucket, metrics::SeverityCount>> buckets(const MetricsFilter &f, qint64 now, QList<qint64> &weeks) const
    {
        weeks.clear();
        for (qint64 w = metrics::weekStart(f.from); w < f.to; w += metrics::WeekMs)
            weeks << w;
        QList<std::array<Bucket, metrics::SeverityCount>> cells(weeks.size());
        for (const auto &i : all) {
            if (i.createdAt < f.from || i.createdAt >= f.to || !matches(i, f))
                continue;
            const int w = int((metrics::weekStart(i.createdAt) - weeks.first()) / metrics::WeekMs);
            Bucket &b = cells[w][int(i.severity)];
            ++b.count;
            if (i.acknowledgedAt > 0) {
                ++b.acknowledged;
                b.ackSumMs += i.acknowledgedAt - i.createdAt;
            }
            if (i.resolvedAt > 0) {
                ++b.resolved;
                b.resolveSumMs += i.resolvedAt - i.createdAt;
            }
            const qint64 clockAt = i.slaPausedSince > 0 ? i.slaPausedSince : now;
            if (i.responseDue > 0) {
                const qint64 responded = i.acknowledgedAt > 0 ? i.acknowledgedAt : i.resolvedAt;
                if (responded > 0)
                    (responded <= i.responseDue ? b.responseMet : b.responseMissed)++;
                else if (i.responseDue < clockAt)
                    ++b.responseMissed;
            }
            if (i.resolutionDue > 0) {
                if (i.resolvedAt > 0)
                    (i.resolvedAt <= i.resolutionDue ? b.resolutionMet : b.resolutionMissed)++;
                else if (i.resolutionDue < clockAt)
                    ++b.resolutionMissed;
            }
        }
        return cells;
    }

    metrics::Tiles tiles(const MetricsFilter &f, qint64 now, qint64 window) const
    {
        metrics::Tiles t;
        const domain::Incident *oldest = nullptr;
        for (const auto &i : all) {
            if (!i.open || !matches(i, f))
                continue;
            ++t.open;
            ++t.openBySeverity[int(i.severity)];
            if (i.commander.isEmpty())
                ++t.withoutCommander;
            if (i.acknowledgedAt == 0) {
                ++t.unacknowledged;
                if (!oldest || i.createdAt < oldest->createdAt
                    || (i.createdAt == oldest->createdAt && i.rowid < oldest->rowid))
                    oldest = &i;
            }
            const qint64 due = i.activeDeadline();
            if (due > 0 && due <= (i.slaPausedSince > 0 ? i.slaPausedSince : now))
                ++t.breaching;
            if (due > 0 && i.slaPausedSince == 0 && due > now && due <= now + window)
                ++t.atRisk;
        }
        if (oldest) {
            t.oldestUnackNumber = oldest->number;
            t.oldestUnackTitle = oldest->title;
            t.oldestUnackSeverity = int(oldest->severity);
            t.oldestUnackCreatedAt = oldest->createdAt;
        }
        return t;
    }
};

QString dump(const Bucket &b)
{
    return QStringLiteral("n=%1 ack=%2/%3 res=%4/%5 resp=%6/%7 resol=%8/%9")
        .arg(b.count).arg(b.acknowledged).arg(b.ackSumMs).arg(b.resolved).arg(b.resolveSumMs)
        .arg(b.responseMet).arg(b.responseMissed).arg(b.resolutionMet).arg(b.resolutionMissed);
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

    struct Fixture {
        QTemporaryDir dir;
        std::unique_ptr<app::AppContext> ctx;
        Brute brute;
        QStringList services;
        QStringList groups;
    };
    QHash<QString, std::shared_ptr<Fixture>> m_fixtures;

    // Demo data plus the cases the generator never produces: paused clocks, cancelled and
    // reopened incidents, resolution without acknowledgement, no severity, commanders.
    std::shared_ptr<Fixture> fixture(const QString &preset)
    {
        if (auto f = m_fixtures.value(preset))
            return f;
        auto f = std::make_shared<Fixture>();
        qputenv("SITREP_NOW", QByteArray::number(kNow));
        auto ctx = app::AppContext::open(f->dir.filePath(QStringLiteral("m.db")), preset);
        if (!ctx) {
            qWarning() << ctx.errorMessage();
            return nullptr;
        }
        f->ctx = std::move(*ctx);
        auto &eng = f->ctx->engine();
        demo::DemoOptions o;
        o.incidents = 1500;
        o.seed = 7;
        o.now = kNow - 3 * 3600000;
        o.days = 120;
        if (auto r = demo::runDemo(eng, o); !r) {
            qWarning() << r.errorMessage();
            return nullptr;
        }
        const auto &wf = eng.workflow();
        const QString ackState = wf.acknowledgeState();
        const QString resolved = wf.stateStamping(QStringLiteral("resolved"));
        QString paused, cancelled;
        for (const auto &s : wf.states()) {
            if (s.sla == workflow::SlaMode::Paused && paused.isEmpty())
                paused = s.id;
            if (!s.open && s.stamps.isEmpty() && cancelled.isEmpty())
                cancelled = s.id;
        }
        std::mt19937 rng(11);
        store::ListQuery q;
        q.open = true;
        q.limit = 1000;
        const QList<domain::Incident> open = f->ctx->store().list(q);
        qint64 at = kNow - 2 * 3600000;
        auto exec = [&](engine::Command c) {
            c.at = (at += 60000);
            (void)eng.execute(c);
        };
        const QJsonObject resolution{{QStringLiteral("resolution_note"), QStringLiteral("fixed")},
                                     {QStringLiteral("root_cause"), QStringLiteral("configuration")},
                                     {QStringLiteral("time_spent"), 5}};
        for (int k = 0; k < open.size(); ++k) {
            const auto &inc = open[k];
            switch (k % 6) {
            case 0:
                exec(engine::Command::make(engine::Command::Kind::SetCommander, inc.uid,
                                           {{QStringLiteral("commander"), QStringLiteral("priya.raman")}}));
                break;
            case 1:
                if (!paused.isEmpty()) {
                    if (inc.acknowledgedAt == 0)
                        exec(engine::Command::make(engine::Command::Kind::Acknowledge, inc.uid, {}));
                    exec(engine::Command::transition(inc.uid, paused));
                    if (rng() % 2)
                        exec(engine::Command::transition(inc.uid, ackState));
                }
                break;
            case 2:
                if (!cancelled.isEmpty())
                    exec(engine::Command::transition(inc.uid, cancelled, QStringLiteral("user"), resolution));
                break;
            case 3:
                exec(engine::Command::make(engine::Command::Kind::Approve, inc.uid, {{QStringLiteral("for"), QStringLiteral("*")}},
                                           QStringLiteral("marcus.lee")));
                exec(engine::Command::transition(inc.uid, resolved, QStringLiteral("user"), resolution));
                if (rng() % 2)
                    exec(engine::Command::transition(inc.uid, ackState));
                break;
            default:
                break;
            }
        }
        for (int k = 0; k < 12; ++k) {
            engine::Command c = engine::Command::open({{QStringLiteral("title"), QStringLiteral("No severity %1").arg(k)},
                                                       {QStringLiteral("priority"), QStringLiteral("P%1").arg(1 + k % 4)},
                                                       {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout")}}});
            c.at = kNow - qint64(k) * 5 * 86400000 - 1000;
            auto r = eng.execute(c);
            if (!r) {
                qWarning() << r.errorMessage();
                continue;
            }
            if (k % 3 == 0) {
                // Resolved without ever being acknowledged.
                at = kNow - qint64(k) * 5 * 86400000 + 3600000;
                exec(engine::Command::make(engine::Command::Kind::Approve, r->incidentUid, {{QStringLiteral("for"), QStringLiteral("*")}},
                                           QStringLiteral("marcus.lee")));
                exec(engine::Command::transition(r->incidentUid, resolved, QStringLiteral("user"), resolution));
            }
        }

        // Brute force: fold the whole log per incident, as the projector does, in C++.
        QHash<QString, domain::Incident> byUid;
        QHash<QString, qint64> rowOf;
        qint64 seq = 0;
        for (;;) {
            const auto events = f->ctx->store().eventsAfter(seq, 5000);
            if (events.isEmpty())
                break;
            for (const auto &e : events) {
                domain::Incident &inc = byUid[e.incidentUid];
                store::applyEvent(inc, e);
                seq = e.seq;
            }
        }
        for (auto it = byUid.begin(); it != byUid.end(); ++it) {
            auto row = f->ctx->store().incidentByUid(it.key());
            it->rowid = row ? row->rowid : 0;
            f->brute.all << *it;
            for (const auto &s : it->services)
                if (!f->services.contains(s))
                    f->services << s;
            if (!it->assignmentGroup.isEmpty() && !f->groups.contains(it->assignmentGroup))
                f->groups << it->assignmentGroup;
        }
        f->services.sort();
        f->groups.sort();
        m_fixtures.insert(preset, f);
        return f;
    }

    void compare(Fixture &f, const MetricsFilter &filter)
    {
        metrics::MetricsQueries q(f.ctx->store());
        auto got = q.dashboard(filter, kNow);
        QVERIFY2(got.ok(), qPrintable(got.errorMessage()));
        QList<qint64> weeks;
        const auto want = f.brute.buckets(filter, kNow, weeks);
        QCOMPARE(got->weeks, weeks);
        QCOMPARE(got->cells.size(), want.size());
        qint64 seen = 0;
        for (int w = 0; w < want.size(); ++w)
            for (int s = 0; s < metrics::SeverityCount; ++s) {
                seen += want[w][s].count;
                QVERIFY2(got->cells[w][s] == want[w][s],
                         qPrintable(QStringLiteral("week %1 sev %2: sql %3 / brute %4")
                                        .arg(w).arg(s).arg(dump(got->cells[w][s]), dump(want[w][s]))));
            }
        QCOMPARE(got->total().count, seen);
        const auto tiles = f.brute.tiles(filter, kNow, metrics::DefaultAtRiskWindowMs);
        QCOMPARE(got->tiles.openBySeverity, tiles.openBySeverity);
        QCOMPARE(got->tiles.open, tiles.open);
        QCOMPARE(got->tiles.breaching, tiles.breaching);
        QCOMPARE(got->tiles.atRisk, tiles.atRisk);
        QCOMPARE(got->tiles.withoutCommander, tiles.withoutCommander);
        QCOMPARE(got->tiles.unacknowledged, tiles.unacknowledged);
        QCOMPARE(got->tiles.oldestUnackNumber, tiles.oldestUnackNumber);
        QCOMPARE(got->tiles.oldestUnackCreatedAt, tiles.oldestUnackCreatedAt);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void weekStart_isMondayUtc()
    {
        const qint64 wed = QDateTime(QDate(2026, 11, 18), QTime(23, 59), Qt::UTC).toMSecsSinceEpoch();
        const qint64 mon = QDateTime(QDate(2026, 11, 16), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        QCOMPARE(metrics::weekStart(wed), mon);
        QCOMPARE(metrics::weekStart(mon), mon);
        QCOMPARE(metrics::weekStart(mon - 1), mon - metrics::WeekMs);
        QCOMPARE(metrics::weekStart(0), -3 * metrics::DayMs); // 1969-12-29, a Monday
    }

    void bucket_derivedValues()
    {
        Bucket b;
        QCOMPARE(b.mttaMs(), -1.0);
        QCOMPARE(b.responseCompliancePct(), -1.0);
        b.acknowledged = 2;
        b.ackSumMs = 300000;
        b.resolved = 1;
        b.resolveSumMs = 600000;
        b.responseMet = 3;
        b.responseMissed = 1;
        QCOMPARE(b.mttaMs(), 150000.0);
        QCOMPARE(b.mttrMs(), 600000.0);
        QCOMPARE(b.responseCompliancePct(), 75.0);
    }

    void sqlMatchesBruteForce_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("days");
        QTest::addColumn<int>("filterKind"); // 0 none, 1 service, 2 group, 3 both, 4 custom range
        for (const char *p : {"sre", "itil", "pipeline"})
            for (int d : {7, 30, 90})
                for (int k = 0; k < 4; ++k)
                    QTest::addRow("%s-%dd-f%d", p, d, k) << QString::fromLatin1(p) << d << k;
        QTest::addRow("sre-custom") << QStringLiteral("sre") << 0 << 4;
        QTest::addRow("itil-custom") << QStringLiteral("itil") << 0 << 4;
        QTest::addRow("sre-all") << QStringLiteral("sre") << 400 << 0;
    }

    void sqlMatchesBruteForce()
    {
        QFETCH(QString, preset);
        QFETCH(int, days);
        QFETCH(int, filterKind);
        auto f = fixture(preset);
        QVERIFY(f);
        QVERIFY2(f->brute.all.size() > 1500, qPrintable(QString::number(f->brute.all.size())));
        QVERIFY(!f->services.isEmpty());
        QVERIFY(!f->groups.isEmpty());
        MetricsFilter filter = MetricsFilter::lastDays(days, kNow);
        if (filterKind == 4) {
            filter.from = kNow - 47 * metrics::DayMs + 12345;
            filter.to = kNow - 9 * metrics::DayMs - 777;
        }
        if (filterKind == 1 || filterKind == 3)
            filter.service = f->services.value(days % f->services.size());
        if (filterKind == 2 || filterKind == 3)
            filter.group = f->groups.value(days % f->groups.size());
        compare(*f, filter);
    }

    void dataCoversTheEdgeCases()
    {
        auto f = fixture(QStringLiteral("itil"));
        QVERIFY(f);
        int paused = 0, cancelled = 0, resolvedNoAck = 0, noSeverity = 0, missed = 0, met = 0;
        for (const auto &i : f->brute.all) {
            paused += i.slaPausedMs > 0 || (i.open && i.slaPausedSince > 0);
            cancelled += !i.open && i.resolvedAt == 0;
            resolvedNoAck += i.resolvedAt > 0 && i.acknowledgedAt == 0;
            noSeverity += i.severity == domain::Severity::Unknown;
            missed += i.acknowledgedAt > i.responseDue && i.responseDue > 0;
            met += i.acknowledgedAt > 0 && i.acknowledgedAt <= i.responseDue;
        }
        QVERIFY(paused > 0);
        QVERIFY(cancelled > 0);
        QVERIFY(resolvedNoAck > 0);
        QVERIFY(noSeverity > 0);
        QVERIFY(missed > 0);
        QVERIFY(met > 0);
    }

    void everyPresetGivesNumbers_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::newRow("sre") << QStringLiteral("sre");
        QTest::newRow("itil") << QStringLiteral("itil");
        QTest::newRow("pipeline") << QStringLiteral("pipeline");
    }

    void everyPresetGivesNumbers()
    {
        QFETCH(QString, preset);
        auto f = fixture(preset);
        QVERIFY(f);
        metrics::MetricsQueries q(f->ctx->store());
        auto m = q.dashboard(MetricsFilter::lastDays(90, kNow), kNow);
        QVERIFY(m.ok());
        for (int s = 1; s <= 4; ++s) {
            QVERIFY2(m->total(s).mttrMs() > 0, qPrintable(QStringLiteral("SEV%1").arg(s)));
            QVERIFY(m->total(s).mttaMs() > 0);
        }
        // Seed 001's shape: SEV1 is acknowledged and resolved faster than SEV4.
        QVERIFY(m->total(1).mttaMs() < m->total(4).mttaMs());
        QVERIFY(m->total(1).mttrMs() < m->total(4).mttrMs());
        QVERIFY(m->total().responseCompliancePct() > 0);
        QVERIFY(m->total().responseCompliancePct() < 100);
    }

    void activeIncidents_mostSevereFirstWithStatus()
    {
        auto f = fixture(QStringLiteral("sre"));
        QVERIFY(f);
        metrics::MetricsQueries q(f->ctx->store());
        auto a = q.activeIncidents({}, kNow, 1000);
        QVERIFY(a.ok());
        qint64 open = 0;
        for (const auto &i : f->brute.all)
            open += i.open;
        QCOMPARE(qint64(a->size()), open);
        bool withStatus = false;
        for (int k = 1; k < a->size(); ++k) {
            auto key = [](const metrics::ActiveIncident &x) {
                return std::make_tuple(x.priority > 0 ? x.priority : 9, x.createdAt);
            };
            QVERIFY(key((*a)[k - 1]) <= key((*a)[k]));
            withStatus |= !(*a)[k].lastStatusText.isEmpty();
        }
        QVERIFY(withStatus);
        auto limited = q.activeIncidents({}, kNow, 5);
        QCOMPARE(limited->size(), 5);
    }

    void filterValues_listServicesAndGroups()
    {
        auto f = fixture(QStringLiteral("sre"));
        QVERIFY(f);
        metrics::MetricsQueries q(f->ctx->store());
        QCOMPARE(*q.services(), f->services);
        QCOMPARE(*q.groups(), f->groups);
    }

    void csv_hasTilesWeeksAndTotals()
    {
        auto f = fixture(QStringLiteral("sre"));
        QVERIFY(f);
        metrics::MetricsQueries q(f->ctx->store());
        auto m = q.dashboard(MetricsFilter::lastDays(30, kNow), kNow);
        QVERIFY(m.ok());
        const QByteArray csv = m->toCsv();
        const QList<QByteArray> lines = csv.trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("kind,week_start,severity,metric,value"));
        for (const auto &l : lines)
            QCOMPARE(l.count(','), 4);
        QVERIFY(csv.contains("tile,,SEV1,open,"));
        QVERIFY(csv.contains("total,,all,mttr_minutes,"));
        QVERIFY(csv.contains(QStringLiteral("total,,all,incidents,%1\n").arg(m->total().count).toUtf8()));
    }

    void listFilter_mapsToListQuery()
    {
        metrics::ListFilter lf;
        lf.severity = 2;
        lf.from = 1000;
        lf.service = QStringLiteral("kafka");
        const auto q = lf.toListQuery();
        QCOMPARE(q.severity, 2);
        QCOMPARE(*q.createdAfter, qint64(1000));
        QCOMPARE(q.service, QStringLiteral("kafka"));
    }

    void service_servesOnWorkerAndRecoversWhenFileReturns()
    {
        auto f = fixture(QStringLiteral("sre"));
        QVERIFY(f);
        const QString path = f->ctx->dbPath();
        engine::ManualClock clock(kNow);
        metrics::MetricsService svc(path, clock);
        QSignalSpy ready(&svc, &metrics::MetricsService::dashboardReady);
        QSignalSpy failed(&svc, &metrics::MetricsService::failed);
        svc.requestDashboard(MetricsFilter::lastDays(30, kNow));
        QVERIFY(ready.wait(10000));
        const auto first = ready.takeFirst().at(0).value<metrics::DashboardMetrics>();
        QVERIFY(first.total().count > 0);

        const QString away = path + QStringLiteral(".away");
        QVERIFY(QFile::rename(path, away));
        svc.requestDashboard(MetricsFilter::lastDays(30, kNow));
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toString(), QStringLiteral("dashboard"));
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("not there")));

        QVERIFY(QFile::rename(away, path));
        svc.requestDashboard(MetricsFilter::lastDays(30, kNow));
        QVERIFY(ready.wait(10000));
        const auto again = ready.takeFirst().at(0).value<metrics::DashboardMetrics>();
        QCOMPARE(again.total(), first.total());
    }

    void service_coalescesRequests()
    {
        auto f = fixture(QStringLiteral("sre"));
        QVERIFY(f);
        engine::ManualClock clock(kNow);
        metrics::MetricsService svc(f->ctx->dbPath(), clock);
        QSignalSpy ready(&svc, &metrics::MetricsService::dashboardReady);
        for (int d = 1; d <= 20; ++d)
            svc.requestDashboard(MetricsFilter::lastDays(d, kNow));
        QVERIFY(ready.wait(10000));
        QTest::qWait(200);
        QVERIFY(ready.size() < 20);
        const auto last = ready.last().at(0).value<metrics::DashboardMetrics>();
        QCOMPARE(last.filter, MetricsFilter::lastDays(20, kNow));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
