// SPDX-License-Identifier: MIT
// Every dashboard number from MetricsQueries against a brute-force fold of the event log.
#include "demo/demogenerator.h"
#include "host/appcontext.h"
#include "metrics/metricsservice.h"
#include "query/incidentquery.h"
#include "store/projector.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
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

    QList<std::array<Bucket, metrics::SeverityCount>> buckets(const MetricsFilter &f, qint64 now,
                                                              QList<qint64> &weeks) const
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
                if (!oldest || i.createdAt < oldest->createdAt ||
                    (i.createdAt == oldest->createdAt && i.rowid < oldest->rowid))
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

// Folds the whole log per incident, as the projector does, in C++: each incident's events
// in (hlc, id) order, the order replicas agree on after a merge.
QList<domain::Incident> foldLog(store::Store &st)
{
    QHash<QString, QList<domain::Event>> byUid;
    QStringList order;
    qint64 seq = 0;
    for (;;) {
        const auto events = st.eventsAfter(seq, 5000);
        if (events.isEmpty())
            break;
        for (const auto &e : events) {
            if (!byUid.contains(e.incidentUid))
                order << e.incidentUid;
            byUid[e.incidentUid] << e;
            seq = e.seq;
        }
    }
    QList<domain::Incident> out;
    for (const QString &uid : std::as_const(order)) {
        QList<domain::Event> &evs = byUid[uid];
        std::stable_sort(evs.begin(), evs.end(),
                         [](const domain::Event &x, const domain::Event &y) {
                             return x.hlc != y.hlc ? x.hlc < y.hlc : x.id < y.id;
                         });
        domain::Incident i;
        for (const auto &e : std::as_const(evs))
            store::applyEvent(i, e);
        auto row = st.incidentByUid(uid);
        i.rowid = row ? row->rowid : 0;
        out << i;
    }
    return out;
}

QString dump(const Bucket &b)
{
    return QStringLiteral("n=%1 ack=%2/%3 res=%4/%5 resp=%6/%7 resol=%8/%9")
        .arg(b.count)
        .arg(b.acknowledged)
        .arg(b.ackSumMs)
        .arg(b.resolved)
        .arg(b.resolveSumMs)
        .arg(b.responseMet)
        .arg(b.responseMissed)
        .arg(b.resolutionMet)
        .arg(b.resolutionMissed);
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

    struct Fixture {
        QTemporaryDir dir;
        std::unique_ptr<host::AppContext> ctx;
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
        auto ctx = host::AppContext::open(f->dir.filePath(QStringLiteral("m.db")), preset);
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
        const QJsonObject resolution{
            {QStringLiteral("resolution_note"), QStringLiteral("fixed")},
            {QStringLiteral("root_cause"), QStringLiteral("configuration")},
            {QStringLiteral("time_spent"), 5}};
        for (int k = 0; k < open.size(); ++k) {
            const auto &inc = open[k];
            switch (k % 6) {
            case 0:
                exec(engine::Command::make(
                    engine::Command::Kind::SetCommander, inc.uid,
                    {{QStringLiteral("commander"), QStringLiteral("priya.raman")}}));
                break;
            case 1:
                if (!paused.isEmpty()) {
                    if (inc.acknowledgedAt == 0)
                        exec(
                            engine::Command::make(engine::Command::Kind::Acknowledge, inc.uid, {}));
                    exec(engine::Command::transition(inc.uid, paused));
                    if (rng() % 2)
                        exec(engine::Command::transition(inc.uid, ackState));
                }
                break;
            case 2:
                if (!cancelled.isEmpty())
                    exec(engine::Command::transition(inc.uid, cancelled, QStringLiteral("user"),
                                                     resolution));
                break;
            case 3:
                exec(engine::Command::make(engine::Command::Kind::Approve, inc.uid,
                                           {{QStringLiteral("for"), QStringLiteral("*")}},
                                           QStringLiteral("marcus.lee")));
                exec(engine::Command::transition(inc.uid, resolved, QStringLiteral("user"),
                                                 resolution));
                if (rng() % 2)
                    exec(engine::Command::transition(inc.uid, ackState));
                break;
            default:
                break;
            }
        }
        // The engine gives every new incident a severity; these come from an older
        // replica that opened incidents by priority alone, merged as remote events.
        for (int k = 0; k < 12; ++k) {
            const auto prio = domain::Priority(1 + k % 4);
            const auto pol = wf.policy(prio);
            domain::Event e;
            e.id = store::Store::newUuid();
            e.incidentUid = store::Store::newUuid();
            e.ts = kNow - qint64(k) * 5 * 86400000 - 1000;
            e.hlc = e.ts << 16;
            e.actor = QStringLiteral("old-client");
            e.kind = domain::kinds::Opened;
            e.payload = {
                {QStringLiteral("number"),
                 QStringLiteral("INC09%1").arg(k, 5, 10, QLatin1Char('0'))},
                {QStringLiteral("title"), QStringLiteral("No severity %1").arg(k)},
                {QStringLiteral("priority"), domain::priorityName(prio)},
                {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout")}},
                {QStringLiteral("state"), wf.initialState()},
                {QStringLiteral("open"), true},
                {QStringLiteral("sla"), workflow::slaModeName(wf.state(wf.initialState())->sla)},
                {QStringLiteral("response_minutes"), pol.responseMinutes},
                {QStringLiteral("resolution_minutes"), pol.resolutionMinutes},
                {QStringLiteral("workflow"), wf.name()}};
            if (auto m = eng.mergeRemote({e}); !m) {
                qWarning() << m.errorMessage();
                continue;
            }
            if (k % 3 == 0) {
                // Resolved without ever being acknowledged.
                at = kNow - qint64(k) * 5 * 86400000 + 3600000;
                exec(engine::Command::make(engine::Command::Kind::Approve, e.incidentUid,
                                           {{QStringLiteral("for"), QStringLiteral("*")}},
                                           QStringLiteral("marcus.lee")));
                exec(engine::Command::transition(e.incidentUid, resolved, QStringLiteral("user"),
                                                 resolution));
            }
        }

        // Brute force: fold the whole log per incident, as the projector does, in C++.
        f->brute.all = foldLog(f->ctx->store());
        for (const auto &i : std::as_const(f->brute.all)) {
            for (const auto &s : i.services)
                if (!f->services.contains(s))
                    f->services << s;
            if (!i.assignmentGroup.isEmpty() && !f->groups.contains(i.assignmentGroup))
                f->groups << i.assignmentGroup;
        }
        f->services.sort();
        f->groups.sort();
        m_fixtures.insert(preset, f);
        return f;
    }

    static void compare(store::Store &st, const Brute &brute, const MetricsFilter &filter,
                        qint64 now = kNow, bool exactOnly = false)
    {
        metrics::MetricsQueries q(st);
        q.setExactOnly(exactOnly);
        auto got = q.dashboard(filter, now);
        QVERIFY2(got.ok(), qPrintable(got.errorMessage()));
        QList<qint64> weeks;
        const auto want = brute.buckets(filter, now, weeks);
        QCOMPARE(got->weeks, weeks);
        QCOMPARE(got->cells.size(), want.size());
        qint64 seen = 0;
        for (int w = 0; w < want.size(); ++w)
            for (int s = 0; s < metrics::SeverityCount; ++s) {
                seen += want[w][s].count;
                QVERIFY2(got->cells[w][s] == want[w][s],
                         qPrintable(QStringLiteral("week %1 sev %2: sql %3 / brute %4")
                                        .arg(w)
                                        .arg(s)
                                        .arg(dump(got->cells[w][s]), dump(want[w][s]))));
            }
        QCOMPARE(got->total().count, seen);
        const auto tiles = brute.tiles(filter, now, metrics::DefaultAtRiskWindowMs);
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
        const qint64 wed =
            QDateTime(QDate(2026, 11, 18), QTime(23, 59), Qt::UTC).toMSecsSinceEpoch();
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
        compare(f->ctx->store(), f->brute, filter);
        if (QTest::currentTestFailed())
            return;
        // The same numbers without the rollups (straight off the incidents).
        compare(f->ctx->store(), f->brute, filter, kNow, true);
    }

    // The rollups hold what does not depend on "now"; what does (SLAs still running) is
    // worked out at query time: other "now"s, ranges that start and end mid-day.
    void rollupsMatchBruteForceAtOtherTimes_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<int>("days");
        QTest::addColumn<int>("filterKind"); // 0 none, 1 service, 2 group, 3 both
        const qint64 h = 3600000;
        for (const char *p : {"sre", "itil"})
            for (qint64 now :
                 {kNow - 5 * h - 37 * 60000, kNow + 31 * h + 13, kNow + 9 * metrics::DayMs + 1})
                for (int k = 0; k < 4; ++k)
                    QTest::addRow("%s-%lld-f%d", p, qlonglong((now - kNow) / 60000), k)
                        << QString::fromLatin1(p) << now << (k == 0 ? 90 : 30) << k;
    }

    void rollupsMatchBruteForceAtOtherTimes()
    {
        QFETCH(QString, preset);
        QFETCH(qint64, now);
        QFETCH(int, days);
        QFETCH(int, filterKind);
        auto f = fixture(preset);
        QVERIFY(f);
        MetricsFilter filter = MetricsFilter::lastDays(days, now);
        if (filterKind & 1)
            filter.service = f->services.value(1 % f->services.size());
        if (filterKind & 2)
            filter.group = f->groups.value(1 % f->groups.size());
        compare(f->ctx->store(), f->brute, filter, now);
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
        QVERIFY(csv.contains(
            QStringLiteral("total,,all,incidents,%1\n").arg(m->total().count).toUtf8()));
    }

    void listFilter_mapsToIncidentFilter()
    {
        metrics::ListFilter lf;
        lf.severity = 2;
        lf.from = 1000;
        lf.to = 5000;
        lf.service = QStringLiteral("kafka");
        lf.group = QStringLiteral("Payments");
        lf.metric = QStringLiteral("sla-response");
        lf.now = 4000;
        auto q = lf.toIncidentFilter();
        QCOMPARE(q.severity, 2);
        QVERIFY(!q.noSeverity);
        QCOMPARE(q.createdFrom, qint64(1000));
        QCOMPARE(q.createdBefore, qint64(5000));
        QCOMPARE(q.service, QStringLiteral("kafka"));
        QCOMPARE(q.group, QStringLiteral("Payments"));
        QCOMPARE(q.now, qint64(4000));
        QCOMPARE(q.counted, query::IncidentFilter::Counted::ResponseSlaMissed);
        lf.severity = 0;
        lf.metric = QStringLiteral("mttr");
        q = lf.toIncidentFilter();
        QCOMPARE(q.severity, 0);
        QVERIFY(q.noSeverity);
        QCOMPARE(q.counted, query::IncidentFilter::Counted::Resolved);
        lf.severity = -1;
        lf.metric = QStringLiteral("frequency");
        q = lf.toIncidentFilter();
        QCOMPARE(q.severity, 0);
        QVERIFY(!q.noSeverity);
        QCOMPARE(q.counted, query::IncidentFilter::Counted::All);
    }

    // Every bar and point of every chart: the list a click opens counts exactly the chart's
    // value (the list's own SQL, not the dashboard's).
    void drillDown_listCountEqualsTheChartValue_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("filterKind"); // 0 none, 1 service, 2 group, 3 both, 4 custom range
        for (const char *p : {"sre", "itil"})
            for (int k = 0; k < 5; ++k)
                QTest::addRow("%s-f%d", p, k) << QString::fromLatin1(p) << k;
    }

    void drillDown_listCountEqualsTheChartValue()
    {
        QFETCH(QString, preset);
        QFETCH(int, filterKind);
        auto f = fixture(preset);
        QVERIFY(f);
        MetricsFilter filter = MetricsFilter::lastDays(60, kNow);
        if (filterKind == 4) {
            filter.from = kNow - 47 * metrics::DayMs + 12345;
            filter.to = kNow - 9 * metrics::DayMs - 777;
        }
        if (filterKind == 1 || filterKind == 3)
            filter.service = f->services.value(0);
        if (filterKind == 2 || filterKind == 3)
            filter.group = f->groups.value(0);
        metrics::MetricsQueries mq(f->ctx->store());
        auto m = mq.dashboard(filter, kNow);
        QVERIFY(m.ok());
        auto listCount = [&](const metrics::ListFilter &lf) -> qint64 {
            query::IncidentQuery iq(lf.toIncidentFilter(), query::IncidentSort::Id, true);
            QList<QVariant> binds;
            store::Stmt *st = f->ctx->store().db().prepare(iq.countSql(binds));
            if (!st)
                return -1;
            st->bindAll(binds);
            const qint64 n = st->step() ? store::RowReader(*st).int64() : -1;
            st->reset();
            return n;
        };
        int checked = 0;
        qint64 nonZero = 0;
        auto check = [&](int sev, qint64 from, qint64 to, const char *metric) {
            metrics::ListFilter lf;
            lf.severity = sev;
            lf.from = qMax(from, filter.from);
            lf.to = qMin(to, filter.to);
            lf.service = filter.service;
            lf.group = filter.group;
            lf.metric = QString::fromLatin1(metric);
            lf.now = m->now;
            const qint64 want = lf.valueIn(*m);
            const qint64 got = listCount(lf);
            QVERIFY2(got == want, qPrintable(QStringLiteral("%1 sev %2 %3..%4: list %5, chart %6")
                                                 .arg(lf.metric)
                                                 .arg(sev)
                                                 .arg(lf.from)
                                                 .arg(lf.to)
                                                 .arg(got)
                                                 .arg(want)));
            ++checked;
            nonZero += want;
        };
        for (int s = -1; s < metrics::SeverityCount; ++s) {
            check(s, filter.from, filter.to, "mttr");
            if (QTest::currentTestFailed())
                return;
            for (int w = 0; w < m->weeks.size(); ++w)
                for (const char *metric : {"frequency", "mtta", "sla-response", "sla-resolution"}) {
                    check(s, m->weeks[w], m->weeks[w] + metrics::WeekMs, metric);
                    if (QTest::currentTestFailed())
                        return;
                }
        }
        QVERIFY(checked > 50);
        QVERIFY(nonZero > 0);
        // A single bar's value, spelled out: the frequency bar of SEV2 in the last week.
        metrics::ListFilter lf;
        lf.severity = 2;
        lf.from = m->weeks.last();
        lf.to = filter.to;
        lf.service = filter.service;
        lf.group = filter.group;
        lf.metric = QStringLiteral("frequency");
        QCOMPARE(listCount(lf), m->cells.last()[2].count);
    }

    // The rollups follow every kind of change through the engine's write path (severity
    // and group moving an incident between buckets, services, acknowledgement, pauses,
    // resolution, reopening, cancelling) and through a merge of another replica's events
    // that refolds incidents; `verify` rebuilds them from the log and finds them equal, and
    // finds a tampered rollup.
    void rollups_followEditsMergesAndRebuild()
    {
        QTemporaryDir dir;
        qputenv("SITREP_NOW", QByteArray::number(kNow));
        auto a =
            host::AppContext::open(dir.filePath(QStringLiteral("a.db")), QStringLiteral("itil"));
        QVERIFY2(a.ok(), qPrintable(a.errorMessage()));
        auto b =
            host::AppContext::open(dir.filePath(QStringLiteral("b.db")), QStringLiteral("itil"));
        QVERIFY2(b.ok(), qPrintable(b.errorMessage()));
        (*b)->engine().setReplicaId(QStringLiteral("replica-b"));
        demo::DemoOptions o;
        o.incidents = 250;
        o.seed = 23;
        o.now = kNow - 2 * metrics::DayMs;
        o.days = 40;
        QVERIFY(demo::runDemo((*a)->engine(), o).ok());
        // B gets A's history by merge.
        {
            auto merged = (*b)->engine().mergeRemote((*a)->store().eventsAfter(0, 1000000));
            QVERIFY2(merged.ok(), qPrintable(merged.errorMessage()));
            QVERIFY(merged->applied > 0);
        }
        store::ListQuery lq;
        lq.limit = 100000;
        const QList<domain::Incident> all = (*a)->store().list(lq);
        QVERIFY(all.size() >= 250);
        const QStringList groups{QStringLiteral("Payments"), QStringLiteral("Platform"),
                                 QStringLiteral("Network Ops"), QString()};
        const QStringList services{QStringLiteral("checkout"), QStringLiteral("kafka"),
                                   QStringLiteral("search")};
        const QStringList severities{QStringLiteral("critical"), QStringLiteral("high"),
                                     QStringLiteral("medium"), QStringLiteral("low")};
        std::mt19937 rng(99);
        qint64 at = kNow - 2 * metrics::DayMs + 60000;
        int accepted = 0;
        auto randomEdits = [&](host::AppContext &ctx, int n) {
            auto &e = ctx.engine();
            for (int k = 0; k < n; ++k) {
                const auto cur = ctx.store().incidentByUid(all[int(rng() % all.size())].uid);
                if (!cur)
                    continue;
                engine::Command c;
                switch (rng() % 8) {
                case 0:
                    c = engine::Command::make(
                        engine::Command::Kind::SetField, cur->uid,
                        {{QStringLiteral("field"), QStringLiteral("severity")},
                         {QStringLiteral("value"), severities[int(rng() % 4)]}});
                    break;
                case 1:
                    c = engine::Command::make(
                        engine::Command::Kind::Assign, cur->uid,
                        {{QStringLiteral("assignee"), QStringLiteral("sam.okafor")},
                         {QStringLiteral("group"), groups[int(rng() % groups.size())]}});
                    break;
                case 2: {
                    QJsonArray svc;
                    for (const QString &s : services)
                        if (rng() % 2)
                            svc << s;
                    c = engine::Command::make(
                        engine::Command::Kind::SetField, cur->uid,
                        {{QStringLiteral("field"), QStringLiteral("services")},
                         {QStringLiteral("value"), svc}});
                    break;
                }
                case 3:
                    c = engine::Command::make(
                        engine::Command::Kind::SetCommander, cur->uid,
                        {{QStringLiteral("commander"),
                          rng() % 2 ? QStringLiteral("priya.raman") : QString()}});
                    break;
                case 4:
                    c = engine::Command::make(engine::Command::Kind::Acknowledge, cur->uid, {});
                    break;
                default: {
                    // Any transition the workflow allows from here: pause, resolve, reopen, cancel
                    // ...
                    const QStringList to = e.allowedTransitions(*cur);
                    if (to.isEmpty())
                        continue;
                    engine::Command approve =
                        engine::Command::approve(cur->uid, QStringLiteral("marcus.lee"));
                    approve.at = (at += 30000);
                    (void)e.execute(approve);
                    c = engine::Command::transition(
                        cur->uid, to[int(rng() % to.size())], QStringLiteral("user"),
                        {{QStringLiteral("resolution_note"), QStringLiteral("fixed")},
                         {QStringLiteral("root_cause"), QStringLiteral("configuration")},
                         {QStringLiteral("close_code"), QStringLiteral("solved")},
                         {QStringLiteral("time_spent"), 5}});
                    break;
                }
                }
                c.at = (at += 45000);
                accepted += e.execute(c).ok();
            }
        };
        auto checkAll = [&](host::AppContext &ctx, const char *when) {
            const auto rep = ctx.store().verify();
            QVERIFY2(rep.ok, qPrintable(QStringLiteral("%1: %2").arg(
                                 QLatin1String(when), rep.faults.join(QStringLiteral("; ")))));
            const Brute brute{foldLog(ctx.store())};
            for (qint64 now : {at, at + 5 * 3600000, at + 4 * metrics::DayMs}) {
                for (int k = 0; k < 4; ++k) {
                    MetricsFilter filter = MetricsFilter::lastDays(k == 0 ? 45 : 20, now);
                    if (k & 1)
                        filter.service = services[k % services.size()];
                    if (k & 2)
                        filter.group = groups[0];
                    compare(ctx.store(), brute, filter, now);
                    if (QTest::currentTestFailed()) {
                        qWarning("failed %s", when);
                        return;
                    }
                }
            }
        };
        randomEdits(**a, 600);
        QVERIFY2(accepted > 300, qPrintable(QString::number(accepted)));
        checkAll(**a, "after edits");
        if (QTest::currentTestFailed())
            return;

        // B edits the same incidents on its own, then both exchange: B refolds incidents in
        // (hlc, id) order with A's events in between its own.
        randomEdits(**b, 200);
        {
            auto merged = (*b)->engine().mergeRemote((*a)->store().eventsAfter(0, 1000000));
            QVERIFY2(merged.ok(), qPrintable(merged.errorMessage()));
            QVERIFY(merged->applied > 0);
        }
        checkAll(**b, "after merge");
        if (QTest::currentTestFailed())
            return;

        // A rebuild from the log gives the same rollups.
        metrics::MetricsQueries q((*b)->store());
        const auto before = q.dashboard(MetricsFilter::lastDays(45, at), at);
        QVERIFY(before.ok());
        QVERIFY((*b)->store().rebuildProjection().ok());
        checkAll(**b, "after rebuild");
        const auto after = q.dashboard(MetricsFilter::lastDays(45, at), at);
        QCOMPARE(after->cells, before->cells);
        QCOMPARE(after->tiles, before->tiles);

        // A tampered rollup is found.
        QVERIFY((*b)->store()
                    .db()
                    .exec(QStringLiteral("UPDATE metrics_daily SET incidents=incidents+1 WHERE "
                                         "service='' AND day=(SELECT max(day) FROM metrics_daily)"))
                    .ok());
        const auto rep = (*b)->store().verify();
        QVERIFY(!rep.ok);
        QVERIFY2(rep.faults.join(u'\n').contains(QStringLiteral("metrics_daily")),
                 qPrintable(rep.faults.join(u'\n')));
        QVERIFY((*b)->store().rebuildProjection().ok());
        QVERIFY((*b)->store().verify().ok);
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
