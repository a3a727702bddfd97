// SPDX-License-Identifier: MIT
#include "metrics/metricsservice.h"

#include "store/metricsrollup.h"
#include "util/csv.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QThread>

#include <sqlite3.h>

#include <functional>
#include <utility>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace sitrep::metrics {

using store::Stmt;

// 1970-01-05 was a Monday.
static constexpr qint64 kFirstMonday = 4 * DayMs;

qint64 weekStart(qint64 ms)
{
    const qint64 rel = ms - kFirstMonday;
    qint64 w = rel / WeekMs;
    if (rel < 0 && rel % WeekMs != 0)
        --w;
    return w * WeekMs + kFirstMonday;
}

MetricsFilter MetricsFilter::lastDays(int days, qint64 now)
{
    MetricsFilter f;
    f.from = now - qint64(days) * DayMs;
    f.to = now + 1;
    return f;
}

void Bucket::add(const Bucket &o)
{
    count += o.count;
    acknowledged += o.acknowledged;
    ackSumMs += o.ackSumMs;
    resolved += o.resolved;
    resolveSumMs += o.resolveSumMs;
    responseMet += o.responseMet;
    responseMissed += o.responseMissed;
    resolutionMet += o.resolutionMet;
    resolutionMissed += o.resolutionMissed;
}

double Bucket::responseCompliancePct() const
{
    const qint64 n = responseMet + responseMissed;
    return n ? 100.0 * double(responseMet) / double(n) : -1.0;
}

double Bucket::resolutionCompliancePct() const
{
    const qint64 n = resolutionMet + resolutionMissed;
    return n ? 100.0 * double(resolutionMet) / double(n) : -1.0;
}

Bucket DashboardMetrics::week(int weekIndex, int severity) const
{
    Bucket b;
    if (weekIndex < 0 || weekIndex >= cells.size())
        return b;
    for (int s = 0; s < SeverityCount; ++s)
        if (severity < 0 || s == severity)
            b.add(cells[weekIndex][s]);
    return b;
}

Bucket DashboardMetrics::total(int severity) const
{
    Bucket b;
    for (int w = 0; w < cells.size(); ++w)
        b.add(week(w, severity));
    return b;
}

static QString sevText(int s)
{
    return s >= 1 && s <= 4 ? QStringLiteral("SEV%1").arg(s) : QStringLiteral("unset");
}

static QString isoDay(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

static QString num(double v, int decimals = 2)
{
    return v < 0 ? QString() : QString::number(v, 'f', decimals);
}

QByteArray DashboardMetrics::toCsv() const
{
    QByteArray out = "kind,week_start,severity,metric,value\n";
    auto row = [&](const char *kind, const QString &week, const QString &sev, const char *metric,
                   const QString &value) {
        out += kind;
        out +=
            ',' + week.toUtf8() + ',' + sev.toUtf8() + ',' + metric + ',' + value.toUtf8() + '\n';
    };
    row("range", isoDay(filter.from), QString(), "from",
        QDateTime::fromMSecsSinceEpoch(filter.from, Qt::UTC).toString(Qt::ISODate));
    row("range", isoDay(filter.from), QString(), "to",
        QDateTime::fromMSecsSinceEpoch(filter.to, Qt::UTC).toString(Qt::ISODate));
    if (!filter.service.isEmpty())
        row("filter", QString(), QString(), "service", util::csvCell(filter.service));
    if (!filter.group.isEmpty())
        row("filter", QString(), QString(), "group", util::csvCell(filter.group));
    for (int s = 1; s < SeverityCount; ++s)
        row("tile", QString(), sevText(s), "open", QString::number(tiles.openBySeverity[s]));
    row("tile", QString(), QString(), "open", QString::number(tiles.open));
    row("tile", QString(), QString(), "sla_breaching", QString::number(tiles.breaching));
    row("tile", QString(), QString(), "sla_at_risk", QString::number(tiles.atRisk));
    row("tile", QString(), QString(), "without_commander", QString::number(tiles.withoutCommander));
    row("tile", QString(), QString(), "unacknowledged", QString::number(tiles.unacknowledged));
    if (tiles.oldestUnackCreatedAt > 0)
        row("tile", QString(), sevText(tiles.oldestUnackSeverity),
            "oldest_unacknowledged_age_minutes",
            num(double(now - tiles.oldestUnackCreatedAt) / 60000.0, 1));
    auto bucketRows = [&](const char *kind, const QString &week, const QString &sev,
                          const Bucket &b) {
        row(kind, week, sev, "incidents", QString::number(b.count));
        row(kind, week, sev, "acknowledged", QString::number(b.acknowledged));
        row(kind, week, sev, "mtta_minutes", num(b.mttaMs() / 60000.0));
        row(kind, week, sev, "resolved", QString::number(b.resolved));
        row(kind, week, sev, "mttr_minutes", num(b.mttrMs() / 60000.0));
        row(kind, week, sev, "response_sla_met", QString::number(b.responseMet));
        row(kind, week, sev, "response_sla_missed", QString::number(b.responseMissed));
        row(kind, week, sev, "response_sla_compliance_pct", num(b.responseCompliancePct()));
        row(kind, week, sev, "resolution_sla_met", QString::number(b.resolutionMet));
        row(kind, week, sev, "resolution_sla_missed", QString::number(b.resolutionMissed));
        row(kind, week, sev, "resolution_sla_compliance_pct", num(b.resolutionCompliancePct()));
    };
    for (int w = 0; w < weeks.size(); ++w) {
        for (int s = 0; s < SeverityCount; ++s)
            if (cells[w][s].count > 0)
                bucketRows("week", isoDay(weeks[w]), sevText(s), cells[w][s]);
        bucketRows("week", isoDay(weeks[w]), QStringLiteral("all"), week(w));
    }
    for (int s = 0; s < SeverityCount; ++s)
        if (total(s).count > 0)
            bucketRows("total", QString(), sevText(s), total(s));
    bucketRows("total", QString(), QStringLiteral("all"), total());
    return out;
}

query::IncidentFilter ListFilter::toIncidentFilter() const
{
    query::IncidentFilter f;
    if (severity > 0)
        f.severity = severity;
    else if (severity == 0)
        f.noSeverity = true;
    f.createdFrom = from;
    f.createdBefore = to;
    f.service = service;
    f.group = group;
    f.now = now;
    using C = query::IncidentFilter::Counted;
    if (metric == u"mtta")
        f.counted = C::Acknowledged;
    else if (metric == u"mttr")
        f.counted = C::Resolved;
    else if (metric == u"sla-response")
        f.counted = C::ResponseSlaMissed;
    else if (metric == u"sla-resolution")
        f.counted = C::ResolutionSlaMissed;
    return f;
}

qint64 ListFilter::valueIn(const DashboardMetrics &m) const
{
    Bucket b;
    for (int w = 0; w < m.weeks.size(); ++w) {
        const qint64 a = qMax(m.weeks[w], m.filter.from);
        const qint64 e = qMin(m.weeks[w] + WeekMs, m.filter.to);
        if (a >= from && e <= to)
            b.add(m.week(w, severity));
    }
    if (metric == u"mtta")
        return b.acknowledged;
    if (metric == u"mttr")
        return b.resolved;
    if (metric == u"sla-response")
        return b.responseMissed;
    if (metric == u"sla-resolution")
        return b.resolutionMissed;
    return b.count;
}

// ---------------------------------------------------------------------------------------
// SQL. Every dashboard number comes from these statements.

namespace {

// Filter fragment over `incidents`: ?20 = assignment group, ?21 = service. A walk over many
// incidents tests the service against the list of the service's incidents (built once per
// run of the statement); `probe` looks each row up instead, cheaper for the few rows of a
// partial day or of the running SLA clocks.
QString filterSql(const MetricsFilter &f, bool probe = false)
{
    QString w;
    if (!f.group.isEmpty())
        w += QStringLiteral(" AND assignment_group=?20");
    if (!f.service.isEmpty())
        w += probe ? QStringLiteral(" AND EXISTS(SELECT 1 FROM incident_services s WHERE "
                                    "s.service=?21 AND s.incident=incidents.id)")
                   : QStringLiteral(
                         " AND id IN (SELECT incident FROM incident_services WHERE service=?21)");
    return w;
}

void bindFilter(Stmt *s, const MetricsFilter &f)
{
    if (!f.group.isEmpty())
        s->bind(20, f.group);
    if (!f.service.isEmpty())
        s->bind(21, f.service);
}

// One read transaction around the statements of a request: the rollups and the running
// clocks subtracted from them come from the same snapshot, whatever commits meanwhile.
// Nested uses (and a caller's own transaction) leave it alone.
class ReadSnapshot {
public:
    explicit ReadSnapshot(store::Db &db) : m_db(db)
    {
        m_began = db.isOpen() && !db.inTransaction() && db.exec(QStringLiteral("BEGIN")).ok();
    }
    ~ReadSnapshot()
    {
        if (m_began)
            m_db.rollback(); // nothing was written; ends the read transaction
    }
    Q_DISABLE_COPY_MOVE(ReadSnapshot)

private:
    store::Db &m_db;
    bool m_began = false;
};

Error dbError(store::Store &st, const QString &what, const QString &detail = {})
{
    const QString msg = detail.isEmpty() ? st.db().lastError() : detail;
    return Error{QStringLiteral("%1: %2").arg(what, msg), QStringLiteral("db")};
}

// A query that names an index, or the same query without it when the planner refuses it (a
// database from before the index): the same rows, slower.
Stmt *prepareIndexed(store::Db &db, const QString &sql, const QString &index)
{
    if (Stmt *s = db.prepare(sql))
        return s;
    return db.prepare(QString(sql).remove(QStringLiteral(" INDEXED BY ") + index));
}

// Adds a row of open counts by severity (severity, open, without commander, unacknowledged,
// breaching, x) to the tiles; returns x, which the rollup and the exact query count apart.
qint64 addOpenCounts(Tiles &t, const Stmt &s)
{
    store::RowReader row(s);
    const int sev = int(row.int64());
    const qint64 n = row.int64();
    if (sev >= 0 && sev < SeverityCount)
        t.openBySeverity[sev] += n;
    t.open += n;
    t.withoutCommander += row.int64();
    t.unacknowledged += row.int64();
    t.breaching += row.int64();
    return row.int64();
}

} // namespace

Result<Tiles> MetricsQueries::tiles(const MetricsFilter &filter, qint64 now, qint64 window)
{
    using R = Result<Tiles>;
    if (!m_store.db().isOpen())
        return R::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    ReadSnapshot snapshot(m_store.db());
    Tiles t;
    if (!m_exactOnly && store::hasMetricsRollups(m_store.db())) {
        // The counts that do not depend on "now" come from the open rollup (a few rows);
        // the running clocks not yet past their deadline are read off their partial index.
        // Every other running clock is breaching.
        Stmt *r = m_store.db().prepare(
            QStringLiteral("SELECT severity, sum(open), sum(without_commander), "
                           "sum(unacknowledged), sum(breached_paused), sum(running_due)"
                           " FROM metrics_open WHERE service=?1%1 GROUP BY severity")
                .arg(filter.group.isEmpty() ? QString() : QStringLiteral(" AND grp=?2")));
        if (!r)
            return dbError(m_store, QStringLiteral("tiles"));
        r->bind(1, filter.service);
        if (!filter.group.isEmpty())
            r->bind(2, filter.group);
        qint64 runningDue = 0;
        while (r->step())
            runningDue += addOpenCounts(t, *r);
        if (!r->error().isEmpty())
            return dbError(m_store, QStringLiteral("tiles"), r->error());
        r->reset();
        // ?1 = now, ?2 = now + at-risk window. query::slaAtRiskSql() counted on the partial
        // index of running clocks: those not yet due, and of them those due within the window.
        const QString due =
            QStringLiteral(
                "SELECT count(*), total(sla_due <= ?2) FROM incidents INDEXED BY "
                "incidents_open_running_due"
                " WHERE is_open=1 AND sla_due>0 AND sla_paused_since=0 AND sla_due > ?1%1")
                .arg(filterSql(filter, true));
        Stmt *d = prepareIndexed(m_store.db(), due, QStringLiteral("incidents_open_running_due"));
        if (!d)
            return dbError(m_store, QStringLiteral("tiles"));
        d->bind(1, now).bind(2, now + window);
        bindFilter(d, filter);
        if (d->step()) {
            store::RowReader row(*d);
            t.breaching += runningDue - row.int64();
            t.atRisk = qint64(row.real());
        }
        if (!d->error().isEmpty())
            return dbError(m_store, QStringLiteral("tiles"), d->error());
        d->reset();
    } else {
        // ?1 = now, ?2 = at-risk window. A paused clock counts from where it stopped.
        // The exact form, the rollups' reference (tests, bench_dashboard): it walks a partial
        // index of the open incidents and reads their rows. It has no covering index of its
        // own any more (migration 0990): nothing else read one, and every index costs each
        // incident write and the bulk load.
        const QString sql =
            QStringLiteral("SELECT severity, count(*), sum(commander=''), sum(acknowledged_at=0), "
                           "sum(%2), sum(%3)"
                           " FROM incidents WHERE is_open=1%1 "
                           "GROUP BY severity")
                .arg(filterSql(filter), query::slaBreachingSql(QStringLiteral("?1")),
                     query::slaAtRiskSql(QStringLiteral("?1"), QStringLiteral("?1 + ?2")));
        Stmt *s = m_store.db().prepare(sql);
        if (!s)
            return dbError(m_store, QStringLiteral("tiles"));
        s->bind(1, now).bind(2, window);
        bindFilter(s, filter);
        while (s->step())
            t.atRisk += addOpenCounts(t, *s);
        if (!s->error().isEmpty())
            return dbError(m_store, QStringLiteral("tiles"), s->error());
        s->reset();
    }

    const QString oldest =
        QStringLiteral("SELECT number, title, severity, created_at FROM incidents"
                       " WHERE is_open=1 AND acknowledged_at=0%1 ORDER BY created_at, id LIMIT 1")
            .arg(filterSql(filter));
    Stmt *o = m_store.db().prepare(oldest);
    if (!o)
        return dbError(m_store, QStringLiteral("oldest unacknowledged"));
    bindFilter(o, filter);
    if (o->step()) {
        store::RowReader row(*o);
        row.read(t.oldestUnackNumber, t.oldestUnackTitle, t.oldestUnackSeverity,
                 t.oldestUnackCreatedAt);
    }
    if (!o->error().isEmpty())
        return dbError(m_store, QStringLiteral("oldest unacknowledged"), o->error());
    o->reset();
    return t;
}

namespace {

using Cells = QList<std::array<Bucket, SeverityCount>>;

// The cell of the week holding `ms`, or -1 outside the range.
int weekIndex(const QList<qint64> &weeks, qint64 ms)
{
    if (weeks.isEmpty())
        return -1;
    const qint64 i = (weekStart(ms) - weeks.first()) / WeekMs;
    return i >= 0 && i < weeks.size() ? int(i) : -1;
}

// Exact numbers for incidents created in [from, to) off the incidents_metrics covering
// index, one pass per (severity, week): ?1 severity, ?2/?3 created range, ?4 now.
// "Responded" is the acknowledgement, or the resolution when an incident was resolved
// without one. A response SLA is decided once the incident responded or its clock
// (stopped or paused clocks count from where they stopped) passed the deadline; undecided
// ones are left out. Deadlines already include paused time.
Status addExact(store::Store &st, const MetricsFilter &filter, qint64 now,
                const QList<qint64> &weeks, Cells &cells, qint64 from, qint64 to)
{
    if (to <= from)
        return {};
    const QString sql =
        QStringLiteral(
            "SELECT count(*),"
            " sum(acknowledged_at>0), total(CASE WHEN acknowledged_at>0 THEN "
            "acknowledged_at-created_at END),"
            " sum(resolved_at>0), total(CASE WHEN resolved_at>0 THEN resolved_at-created_at END),"
            " sum(response_due>0 AND (acknowledged_at>0 OR resolved_at>0)"
            "     AND (CASE WHEN acknowledged_at>0 THEN acknowledged_at ELSE resolved_at END) <= "
            "response_due),"
            " sum(%2),"
            " sum(resolution_due>0 AND resolved_at>0 AND resolved_at <= resolution_due),"
            " sum(%3)"
            " FROM incidents INDEXED BY incidents_metrics"
            " WHERE severity=?1 AND created_at>=?2 AND created_at<?3%1")
            .arg(filterSql(filter, to - from <= DayMs),
                 query::responseMissedSql(QStringLiteral("?4")),
                 query::resolutionMissedSql(QStringLiteral("?4")));
    Stmt *s = prepareIndexed(st.db(), sql, QStringLiteral("incidents_metrics"));
    if (!s)
        return dbError(st, QStringLiteral("weekly metrics"));
    for (int sev = 0; sev < SeverityCount; ++sev) {
        for (int w = 0; w < weeks.size(); ++w) {
            const qint64 a = qMax(from, weeks[w]);
            const qint64 b = qMin(to, weeks[w] + WeekMs);
            if (b <= a)
                continue;
            s->reset();
            s->bind(1, sev).bind(2, a).bind(3, b).bind(4, now);
            bindFilter(s, filter);
            if (!s->step()) {
                if (!s->error().isEmpty())
                    return dbError(st, QStringLiteral("weekly metrics"), s->error());
                continue;
            }
            Bucket c;
            store::RowReader row(*s);
            row.read(c.count, c.acknowledged);
            c.ackSumMs = qint64(row.real());
            c.resolved = row.int64();
            c.resolveSumMs = qint64(row.real());
            row.read(c.responseMet, c.responseMissed, c.resolutionMet, c.resolutionMissed);
            cells[w][sev].add(c);
        }
    }
    s->reset();
    return {};
}

// Whole UTC days [fromDay, toDay) from the daily rollup. Undecided SLAs with a running
// clock are counted as pending there; they are missed once "now" passed their deadline,
// so the pending ones whose deadline is still ahead (a partial index) are taken away.
Status addRollup(store::Store &st, const MetricsFilter &filter, qint64 now,
                 const QList<qint64> &weeks, Cells &cells, qint64 fromDay, qint64 toDay)
{
    if (toDay <= fromDay)
        return {};
    // 1970-01-05 (day 4) was a Monday: (day - 4) / 7 numbers the weeks.
    Stmt *r = st.db().prepare(
        QStringLiteral("SELECT (day-4)/7, severity, sum(incidents), sum(acknowledged), "
                       "sum(ack_sum), sum(resolved), sum(resolve_sum),"
                       " sum(response_met), sum(response_missed), sum(response_pending), "
                       "sum(resolution_met), sum(resolution_missed),"
                       " sum(resolution_pending) FROM metrics_daily WHERE service=?1 AND day>=?2 "
                       "AND day<?3%1 GROUP BY 1, 2")
            .arg(filter.group.isEmpty() ? QString() : QStringLiteral(" AND grp=?4")));
    if (!r)
        return dbError(st, QStringLiteral("weekly rollup"));
    r->bind(1, filter.service).bind(2, fromDay).bind(3, toDay);
    if (!filter.group.isEmpty())
        r->bind(4, filter.group);
    while (r->step()) {
        store::RowReader row(*r);
        const int w = weekIndex(weeks, (row.int64() * 7 + 4) * DayMs);
        const int sev = int(row.int64());
        Bucket c;
        row.read(c.count, c.acknowledged, c.ackSumMs, c.resolved, c.resolveSumMs, c.responseMet);
        c.responseMissed = row.int64(); // missed, then pending (corrected below)
        c.responseMissed += row.int64();
        row.read(c.resolutionMet, c.resolutionMissed);
        c.resolutionMissed += row.int64();
        if (w >= 0 && sev >= 0 && sev < SeverityCount)
            cells[w][sev].add(c);
    }
    if (!r->error().isEmpty())
        return dbError(st, QStringLiteral("weekly rollup"), r->error());
    r->reset();

    // ?1 = now, ?2/?3 = created range.
    const QString notDue =
        QStringLiteral("SELECT created_at, severity FROM incidents INDEXED BY %1 WHERE %2 AND "
                       "%3>=?1 AND created_at>=?2 AND created_at<?3%4");
    const struct {
        const char *index;
        const char *pending;
        const char *due;
        qint64 Bucket::*missed;
    } kinds[] = {
        {"incidents_response_pending",
         "response_due>0 AND acknowledged_at=0 AND resolved_at=0 AND sla_paused_since=0",
         "response_due", &Bucket::responseMissed},
        {"incidents_resolution_pending",
         "resolution_due>0 AND resolved_at=0 AND sla_paused_since=0", "resolution_due",
         &Bucket::resolutionMissed},
    };
    for (const auto &k : kinds) {
        Stmt *q = prepareIndexed(st.db(),
                                 notDue.arg(QLatin1String(k.index), QLatin1String(k.pending),
                                            QLatin1String(k.due), filterSql(filter, true)),
                                 QLatin1String(k.index));
        if (!q)
            return dbError(st, QStringLiteral("pending SLAs"));
        q->bind(1, now).bind(2, fromDay * DayMs).bind(3, toDay * DayMs);
        bindFilter(q, filter);
        while (q->step()) {
            store::RowReader row(*q);
            const int w = weekIndex(weeks, row.int64());
            const int sev = int(row.int64());
            if (w >= 0 && sev >= 0 && sev < SeverityCount)
                --(cells[w][sev].*(k.missed));
        }
        if (!q->error().isEmpty())
            return dbError(st, QStringLiteral("pending SLAs"), q->error());
        q->reset();
    }
    return {};
}

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

} // namespace

Result<QList<std::array<Bucket, SeverityCount>>>
MetricsQueries::buckets(const MetricsFilter &filter, qint64 now, QList<qint64> *weeksOut)
{
    using R = Result<QList<std::array<Bucket, SeverityCount>>>;
    if (!m_store.db().isOpen())
        return R::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    ReadSnapshot snapshot(m_store.db());
    QList<qint64> weeks;
    Cells cells;
    if (filter.to > filter.from) {
        for (qint64 w = weekStart(filter.from); w < filter.to; w += WeekMs)
            weeks << w;
    }
    cells.resize(weeks.size());
    // Whole days from the rollup, the partial days at either end exactly.
    qint64 fromDay = floorDiv(filter.from + DayMs - 1, DayMs);
    qint64 toDay = floorDiv(filter.to, DayMs);
    if (m_exactOnly || toDay <= fromDay || !store::hasMetricsRollups(m_store.db()))
        fromDay = toDay = floorDiv(filter.to, DayMs) + 1; // nothing from the rollup
    const qint64 midFrom = qBound(filter.from, fromDay * DayMs, filter.to);
    const qint64 midTo = qBound(midFrom, toDay * DayMs, filter.to);
    if (auto s = addExact(m_store, filter, now, weeks, cells, filter.from, midFrom); !s)
        return s.error();
    if (auto s = addRollup(m_store, filter, now, weeks, cells, fromDay, toDay); !s)
        return s.error();
    if (auto s = addExact(m_store, filter, now, weeks, cells, midTo, filter.to); !s)
        return s.error();
    if (weeksOut)
        *weeksOut = weeks;
    return cells;
}

Result<DashboardMetrics> MetricsQueries::dashboard(const MetricsFilter &filter, qint64 now,
                                                   qint64 window)
{
    ReadSnapshot snapshot(m_store.db());
    DashboardMetrics m;
    m.filter = filter;
    m.now = now;
    m.atRiskWindowMs = window;
    auto t = tiles(filter, now, window);
    if (!t)
        return t.error();
    m.tiles = *t;
    auto c = buckets(filter, now, &m.weeks);
    if (!c)
        return c.error();
    m.cells = *c;
    return m;
}

Result<QList<ActiveIncident>> MetricsQueries::activeIncidents(const MetricsFilter &filter, qint64,
                                                              int limit)
{
    using R = Result<QList<ActiveIncident>>;
    if (!m_store.db().isOpen())
        return R::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    const QString sql = QStringLiteral(
        "SELECT uid, number, title, severity, priority, state, created_at, acknowledged_at, "
        "sla_due,"
        " sla_paused_since, commander, assignee, last_status_at FROM incidents WHERE is_open=1%1"
        " AND %2 ORDER BY priority, created_at LIMIT ?1");
    // Prioritised incidents first, oldest first within a priority, straight off the
    // (is_open, priority, created_at) index; the ones without a priority after them.
    QList<ActiveIncident> out;
    for (const QString &part : {QStringLiteral("priority>0"), QStringLiteral("priority=0")}) {
        if (out.size() >= limit)
            break;
        Stmt *s = m_store.db().prepare(sql.arg(filterSql(filter), part));
        if (!s)
            return dbError(m_store, QStringLiteral("active incidents"));
        s->bind(1, limit - int(out.size()));
        bindFilter(s, filter);
        while (s->step()) {
            ActiveIncident a;
            store::RowReader row(*s);
            a.uid = store::Store::blobToUuid(row.blob());
            row.read(a.number, a.title, a.severity, a.priority, a.state, a.createdAt,
                     a.acknowledgedAt, a.slaDue, a.slaPausedSince, a.commander, a.assignee,
                     a.lastStatusAt);
            out << a;
        }
        if (!s->error().isEmpty())
            return dbError(m_store, QStringLiteral("active incidents"), s->error());
        s->reset();
    }
    Stmt *e =
        m_store.db().prepare(QStringLiteral("SELECT payload FROM events WHERE incident=?1 AND "
                                            "kind='status.update' ORDER BY seq DESC LIMIT 1"));
    if (!e)
        return dbError(m_store, QStringLiteral("status updates"));
    for (ActiveIncident &a : out) {
        if (a.lastStatusAt == 0)
            continue;
        e->reset();
        e->bindBlob(1, store::Store::uuidToBlob(a.uid));
        if (e->step())
            a.lastStatusText = QJsonDocument::fromJson(store::RowReader(*e).text().toUtf8())
                                   .object()
                                   .value(u"message")
                                   .toString();
        if (!e->error().isEmpty())
            return dbError(m_store, QStringLiteral("status updates"), e->error());
    }
    e->reset();
    return out;
}

static Result<QStringList> column(store::Store &st, const QString &sql, const QString &what)
{
    if (!st.db().isOpen())
        return Result<QStringList>::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    Stmt *s = st.db().prepare(sql);
    if (!s)
        return dbError(st, what);
    QStringList out;
    while (s->step())
        out << store::RowReader(*s).text();
    if (!s->error().isEmpty())
        return dbError(st, what, s->error());
    s->reset();
    return out;
}

Result<QStringList> MetricsQueries::services()
{
    // Skip-scan over the (service, incident) primary key: one probe per distinct service.
    return column(m_store,
                  QStringLiteral("SELECT DISTINCT service FROM incident_services ORDER BY service"),
                  QStringLiteral("services"));
}

Result<QStringList> MetricsQueries::groups()
{
    return column(m_store,
                  QStringLiteral("SELECT DISTINCT assignment_group FROM incidents"
                                 " WHERE assignment_group<>'' ORDER BY assignment_group"),
                  QStringLiteral("assignment groups"));
}

// ---------------------------------------------------------------------------------------
// The worker: its own read-only connection, touched only on the worker thread.

class MetricsService::Worker final : public QObject {
public:
    QString path;
    store::Store store;
    qint64 inode = -1;
    int busyMs = 1500;

    static qint64 fileId(const QString &p)
    {
#ifdef Q_OS_UNIX
        struct stat st;
        if (::stat(QFile::encodeName(p).constData(), &st) != 0)
            return -1;
        return qint64(st.st_ino);
#else
        return QFileInfo::exists(p) ? 0 : -1;
#endif
    }

    // Opens (or reopens after the file went away or was replaced) the connection.
    Status ensureOpen()
    {
        const qint64 id = fileId(path);
        if (id < 0) {
            store.close();
            inode = -1;
            return Status::fail(
                QStringLiteral("database %1 is not there").arg(QFileInfo(path).fileName()),
                QStringLiteral("db"));
        }
        if (store.db().isOpen() && id == inode)
            return {};
        store.close();
        if (auto s = store.openReadOnly(path); !s) {
            store.close();
            return s;
        }
        sqlite3_busy_timeout(store.db().handle(), busyMs);
        inode = id;
        return {};
    }

    template <typename T> Result<T> run(const std::function<Result<T>(MetricsQueries &)> &job)
    {
        if (auto s = ensureOpen(); !s)
            return s.error();
        MetricsQueries q(store);
        Result<T> r = job(q);
        if (!r) {
            // Start from a clean connection next time (locks, a replaced file, I/O errors).
            store.close();
            inode = -1;
        }
        return r;
    }
};

MetricsService::MetricsService(const QString &dbPath, const engine::Clock &clock, QObject *parent)
    : QObject(parent), m_path(dbPath), m_clock(clock)
{
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("sitrep-metrics"));
    m_worker = new Worker;
    m_worker->path = dbPath;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start(QThread::LowPriority);
}

MetricsService::~MetricsService()
{
    {
        QMutexLocker lock(&m_mutex);
        m_pendingDashboard.reset();
        m_pendingWall.reset();
        m_pendingFilters = false;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void MetricsService::requestDashboard(const MetricsFilter &filter)
{
    QMutexLocker lock(&m_mutex);
    m_pendingDashboard = filter;
    lock.unlock();
    schedule();
}

void MetricsService::requestWall(const MetricsFilter &filter, int activeLimit, bool withCharts)
{
    QMutexLocker lock(&m_mutex);
    // A pending request that wanted the charts keeps wanting them.
    const bool charts = withCharts || (m_pendingWall && m_pendingWall->withCharts);
    m_pendingWall = WallRequest{filter, activeLimit, charts};
    lock.unlock();
    schedule();
}

void MetricsService::requestFilterValues()
{
    QMutexLocker lock(&m_mutex);
    m_pendingFilters = true;
    lock.unlock();
    schedule();
}

// Hands a worker's result to the service's thread: `ready` with the value, else failed().
template <class T>
static void deliver(MetricsService *service, const Result<T> &r, const QString &what,
                    void (MetricsService::*ready)(const T &))
{
    QMetaObject::invokeMethod(
        service,
        [service, r, what, ready] {
            if (r)
                Q_EMIT(service->*ready)(*r);
            else
                Q_EMIT service->failed(what, r.errorMessage());
        },
        Qt::QueuedConnection);
}

void MetricsService::schedule()
{
    QMutexLocker lock(&m_mutex);
    if (m_scheduled)
        return;
    m_scheduled = true;
    lock.unlock();
    // The worker drains every pending request; results hop back to this object's thread.
    QMetaObject::invokeMethod(
        m_worker,
        [this] {
            for (;;) {
                QMutexLocker l(&m_mutex);
                auto dash = std::exchange(m_pendingDashboard, std::nullopt);
                auto wall = std::exchange(m_pendingWall, std::nullopt);
                const bool filters = std::exchange(m_pendingFilters, false);
                if (!dash && !wall && !filters) {
                    m_scheduled = false;
                    return;
                }
                l.unlock();
                m_worker->busyMs = m_busyTimeoutMs.load();
                const qint64 now = m_clock.nowMs();
                if (filters) {
                    QStringList svc, grp;
                    auto r =
                        m_worker->run<QStringList>([&](MetricsQueries &q) -> Result<QStringList> {
                            auto a = q.services();
                            if (!a)
                                return a;
                            svc = *a;
                            return q.groups();
                        });
                    if (r)
                        grp = *r;
                    QMetaObject::invokeMethod(
                        this,
                        [this, r, svc, grp] {
                            if (r)
                                Q_EMIT filterValuesReady(svc, grp);
                            else
                                Q_EMIT failed(QStringLiteral("filters"), r.errorMessage());
                        },
                        Qt::QueuedConnection);
                }
                if (dash) {
                    deliver(this, m_worker->run<DashboardMetrics>([&](MetricsQueries &q) {
                        return q.dashboard(*dash, now);
                    }),
                            QStringLiteral("dashboard"), &MetricsService::dashboardReady);
                }
                if (wall) {
                    auto r =
                        m_worker->run<WallSnapshot>([&](MetricsQueries &q) -> Result<WallSnapshot> {
                            WallSnapshot w;
                            w.now = now;
                            auto a = q.activeIncidents(wall->filter, now, wall->limit);
                            if (!a)
                                return a.error();
                            w.active = *a;
                            w.withCharts = wall->withCharts;
                            if (wall->withCharts) {
                                auto m = q.dashboard(wall->filter, now);
                                if (!m)
                                    return m.error();
                                w.metrics = *m;
                            } else {
                                auto t = q.tiles(wall->filter, now);
                                if (!t)
                                    return t.error();
                                w.metrics.filter = wall->filter;
                                w.metrics.now = now;
                                w.metrics.tiles = *t;
                            }
                            return w;
                        });
                    deliver(this, r, QStringLiteral("wall"), &MetricsService::wallReady);
                }
            }
        },
        Qt::QueuedConnection);
}

} // namespace sitrep::metrics
