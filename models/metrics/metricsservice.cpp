// SPDX-License-Identifier: MIT
#include "metrics/metricsservice.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QThread>

#include <sqlite3.h>

#include <functional>
#include <utility>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

Q_LOGGING_CATEGORY(lcMetrics, "sitrep.metrics", QtWarningMsg)

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
    auto row = [&](const char *kind, const QString &week, const QString &sev, const char *metric, const QString &value) {
        out += kind;
        out += ',' + week.toUtf8() + ',' + sev.toUtf8() + ',' + metric + ',' + value.toUtf8() + '\n';
    };
    row("range", isoDay(filter.from), QString(), "from", QDateTime::fromMSecsSinceEpoch(filter.from, Qt::UTC).toString(Qt::ISODate));
    row("range", isoDay(filter.from), QString(), "to", QDateTime::fromMSecsSinceEpoch(filter.to, Qt::UTC).toString(Qt::ISODate));
    if (!filter.service.isEmpty())
        row("filter", QString(), QString(), "service", QString(filter.service).remove(u',').remove(u'"'));
    if (!filter.group.isEmpty())
        row("filter", QString(), QString(), "group", QString(filter.group).remove(u',').remove(u'"'));
    for (int s = 1; s < SeverityCount; ++s)
        row("tile", QString(), sevText(s), "open", QString::number(tiles.openBySeverity[s]));
    row("tile", QString(), QString(), "open", QString::number(tiles.open));
    row("tile", QString(), QString(), "sla_breaching", QString::number(tiles.breaching));
    row("tile", QString(), QString(), "sla_at_risk", QString::number(tiles.atRisk));
    row("tile", QString(), QString(), "without_commander", QString::number(tiles.withoutCommander));
    row("tile", QString(), QString(), "unacknowledged", QString::number(tiles.unacknowledged));
    if (tiles.oldestUnackCreatedAt > 0)
        row("tile", QString(), sevText(tiles.oldestUnackSeverity), "oldest_unacknowledged_age_minutes",
            num(double(now - tiles.oldestUnackCreatedAt) / 60000.0, 1));
    auto bucketRows = [&](const char *kind, const QString &week, const QString &sev, const Bucket &b) {
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

qint64 ActiveIncident::slaRemaining(qint64 now) const
{
    if (slaDue == 0)
        return 0;
    return slaDue - (slaPausedSince > 0 ? slaPausedSince : now);
}

store::ListQuery ListFilter::toListQuery() const
{
    store::ListQuery q;
    q.severity = severity;
    if (from > 0)
        q.createdAfter = from;
    q.service = service;
    q.sort = store::SortKey::Created;
    q.descending = true;
    return q;
}

// ---------------------------------------------------------------------------------------
// SQL. Every dashboard number comes from these statements.

namespace {

// Filter fragment over `incidents`: ?20 = assignment group, ?21 = service.
QString filterSql(const MetricsFilter &f)
{
    QString w;
    if (!f.group.isEmpty())
        w += QStringLiteral(" AND assignment_group=?20");
    if (!f.service.isEmpty())
        w += QStringLiteral(" AND id IN (SELECT incident FROM incident_services WHERE service=?21)");
    return w;
}

void bindFilter(Stmt *s, const MetricsFilter &f)
{
    if (!f.group.isEmpty())
        s->bind(20, f.group);
    if (!f.service.isEmpty())
        s->bind(21, f.service);
}

Error dbError(store::Store &st, const QString &what, const QString &detail = {})
{
    const QString msg = detail.isEmpty() ? st.db().lastError() : detail;
    return Error{QStringLiteral("%1: %2").arg(what, msg), QStringLiteral("db")};
}

} // namespace

Result<Tiles> MetricsQueries::tiles(const MetricsFilter &filter, qint64 now, qint64 window)
{
    using R = Result<Tiles>;
    if (!m_store.db().isOpen())
        return R::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    Tiles t;
    // ?1 = now, ?2 = at-risk window. A paused clock counts from where it stopped.
    const QString sql = QStringLiteral(
        "SELECT severity, count(*), sum(commander=''), sum(acknowledged_at=0),"
        " sum(sla_due>0 AND sla_due <= CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE ?1 END),"
        " sum(sla_due>0 AND sla_paused_since=0 AND sla_due > ?1 AND sla_due <= ?1 + ?2)"
        " FROM incidents INDEXED BY incidents_open_tiles WHERE is_open=1%1 GROUP BY severity").arg(filterSql(filter));
    Stmt *s = m_store.db().prepare(sql);
    if (!s) // a database from before the tiles index: same numbers, slower
        s = m_store.db().prepare(QString(sql).remove(QStringLiteral(" INDEXED BY incidents_open_tiles")));
    if (!s)
        return dbError(m_store, QStringLiteral("tiles"));
    s->bind(1, now).bind(2, window);
    bindFilter(s, filter);
    while (s->step()) {
        const int sev = int(s->int64(0));
        const qint64 n = s->int64(1);
        if (sev >= 0 && sev < SeverityCount)
            t.openBySeverity[sev] += n;
        t.open += n;
        t.withoutCommander += s->int64(2);
        t.unacknowledged += s->int64(3);
        t.breaching += s->int64(4);
        t.atRisk += s->int64(5);
    }
    if (!s->error().isEmpty())
        return dbError(m_store, QStringLiteral("tiles"), s->error());
    s->reset();

    const QString oldest = QStringLiteral(
        "SELECT number, title, severity, created_at FROM incidents"
        " WHERE is_open=1 AND acknowledged_at=0%1 ORDER BY created_at, id LIMIT 1").arg(filterSql(filter));
    Stmt *o = m_store.db().prepare(oldest);
    if (!o)
        return dbError(m_store, QStringLiteral("oldest unacknowledged"));
    bindFilter(o, filter);
    if (o->step()) {
        t.oldestUnackNumber = o->text(0);
        t.oldestUnackTitle = o->text(1);
        t.oldestUnackSeverity = int(o->int64(2));
        t.oldestUnackCreatedAt = o->int64(3);
    }
    if (!o->error().isEmpty())
        return dbError(m_store, QStringLiteral("oldest unacknowledged"), o->error());
    o->reset();
    return t;
}

Result<QList<std::array<Bucket, SeverityCount>>> MetricsQueries::buckets(const MetricsFilter &filter, qint64 now,
                                                                         QList<qint64> *weeksOut)
{
    using R = Result<QList<std::array<Bucket, SeverityCount>>>;
    if (!m_store.db().isOpen())
        return R::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    QList<qint64> weeks;
    QList<std::array<Bucket, SeverityCount>> cells;
    if (filter.to > filter.from) {
        for (qint64 w = weekStart(filter.from); w < filter.to; w += WeekMs)
            weeks << w;
    }
    cells.resize(weeks.size());
    // One pass over the covering index per (severity, week): ?1 severity, ?2/?3 created
    // range, ?4 now. "Responded" is the acknowledgement, or the resolution when an incident
    // was resolved without one. A response SLA is decided once the incident responded or
    // its clock (stopped or paused clocks count from where they stopped) passed the
    // deadline; undecided ones are left out. Deadlines already include paused time.
    const QString sql = QStringLiteral(
        "SELECT count(*),"
        " sum(acknowledged_at>0), total(CASE WHEN acknowledged_at>0 THEN acknowledged_at-created_at END),"
        " sum(resolved_at>0), total(CASE WHEN resolved_at>0 THEN resolved_at-created_at END),"
        " sum(response_due>0 AND (acknowledged_at>0 OR resolved_at>0)"
        "     AND (CASE WHEN acknowledged_at>0 THEN acknowledged_at ELSE resolved_at END) <= response_due),"
        " sum(response_due>0 AND CASE WHEN acknowledged_at>0 OR resolved_at>0"
        "     THEN (CASE WHEN acknowledged_at>0 THEN acknowledged_at ELSE resolved_at END) > response_due"
        "     ELSE response_due < (CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE ?4 END) END),"
        " sum(resolution_due>0 AND resolved_at>0 AND resolved_at <= resolution_due),"
        " sum(resolution_due>0 AND CASE WHEN resolved_at>0 THEN resolved_at > resolution_due"
        "     ELSE resolution_due < (CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE ?4 END) END)"
        " FROM incidents INDEXED BY incidents_metrics"
        " WHERE severity=?1 AND created_at>=?2 AND created_at<?3%1").arg(filterSql(filter));
    Stmt *s = m_store.db().prepare(sql);
    if (!s) {
        // A database from before the metrics index: same numbers, slower.
        QString plain = sql;
        plain.remove(QStringLiteral(" INDEXED BY incidents_metrics"));
        s = m_store.db().prepare(plain);
    }
    if (!s)
        return dbError(m_store, QStringLiteral("weekly metrics"));
    for (int sev = 0; sev < SeverityCount; ++sev) {
        for (int w = 0; w < weeks.size(); ++w) {
            const qint64 a = qMax(filter.from, weeks[w]);
            const qint64 b = qMin(filter.to, weeks[w] + WeekMs);
            s->reset();
            s->bind(1, sev).bind(2, a).bind(3, b).bind(4, now);
            bindFilter(s, filter);
            if (!s->step()) {
                if (!s->error().isEmpty())
                    return dbError(m_store, QStringLiteral("weekly metrics"), s->error());
                continue;
            }
            Bucket &c = cells[w][sev];
            c.count = s->int64(0);
            c.acknowledged = s->int64(1);
            c.ackSumMs = qint64(s->real(2));
            c.resolved = s->int64(3);
            c.resolveSumMs = qint64(s->real(4));
            c.responseMet = s->int64(5);
            c.responseMissed = s->int64(6);
            c.resolutionMet = s->int64(7);
            c.resolutionMissed = s->int64(8);
        }
    }
    s->reset();
    if (weeksOut)
        *weeksOut = weeks;
    return cells;
}

Result<DashboardMetrics> MetricsQueries::dashboard(const MetricsFilter &filter, qint64 now, qint64 window)
{
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

Result<QList<ActiveIncident>> MetricsQueries::activeIncidents(const MetricsFilter &filter, qint64, int limit)
{
    using R = Result<QList<ActiveIncident>>;
    if (!m_store.db().isOpen())
        return R::fail(QStringLiteral("database not open"), QStringLiteral("db"));
    const QString sql = QStringLiteral(
        "SELECT uid, number, title, severity, priority, state, created_at, acknowledged_at, sla_due,"
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
        a.uid = store::Store::blobToUuid(s->blob(0));
        a.number = s->text(1);
        a.title = s->text(2);
        a.severity = int(s->int64(3));
        a.priority = int(s->int64(4));
        a.state = s->text(5);
        a.createdAt = s->int64(6);
        a.acknowledgedAt = s->int64(7);
        a.slaDue = s->int64(8);
        a.slaPausedSince = s->int64(9);
        a.commander = s->text(10);
        a.assignee = s->text(11);
        a.lastStatusAt = s->int64(12);
        out << a;
    }
    if (!s->error().isEmpty())
        return dbError(m_store, QStringLiteral("active incidents"), s->error());
    s->reset();
    }
    Stmt *e = m_store.db().prepare(QStringLiteral(
        "SELECT payload FROM events WHERE incident=?1 AND kind='status.update' ORDER BY seq DESC LIMIT 1"));
    if (!e)
        return dbError(m_store, QStringLiteral("status updates"));
    for (ActiveIncident &a : out) {
        if (a.lastStatusAt == 0)
            continue;
        e->reset();
        e->bindBlob(1, store::Store::uuidToBlob(a.uid));
        if (e->step())
            a.lastStatusText = QJsonDocument::fromJson(e->text(0).toUtf8()).object().value(u"message").toString();
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
        out << s->text(0);
    if (!s->error().isEmpty())
        return dbError(st, what, s->error());
    s->reset();
    return out;
}

Result<QStringList> MetricsQueries::services()
{
    // Skip-scan over the (service, incident) primary key: one probe per distinct service.
    return column(m_store, QStringLiteral("SELECT DISTINCT service FROM incident_services ORDER BY service"),
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
            return Status::fail(QStringLiteral("database %1 is not there").arg(QFileInfo(path).fileName()),
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

    template <typename T>
    Result<T> run(const std::function<Result<T>(MetricsQueries &)> &job)
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

void MetricsService::schedule()
{
    QMutexLocker lock(&m_mutex);
    if (m_scheduled)
        return;
    m_scheduled = true;
    lock.unlock();
    // The worker drains every pending request; results hop back to this object's thread.
    QMetaObject::invokeMethod(m_worker, [this] {
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
                auto r = m_worker->run<QStringList>([&](MetricsQueries &q) -> Result<QStringList> {
                    auto a = q.services();
                    if (!a)
                        return a;
                    svc = *a;
                    return q.groups();
                });
                if (r)
                    grp = *r;
                QMetaObject::invokeMethod(this, [this, r, svc, grp] {
                    if (r)
                        Q_EMIT filterValuesReady(svc, grp);
                    else
                        Q_EMIT failed(QStringLiteral("filters"), r.errorMessage());
                }, Qt::QueuedConnection);
            }
            if (dash) {
                auto r = m_worker->run<DashboardMetrics>([&](MetricsQueries &q) { return q.dashboard(*dash, now); });
                QMetaObject::invokeMethod(this, [this, r] {
                    if (r)
                        Q_EMIT dashboardReady(*r);
                    else
                        Q_EMIT failed(QStringLiteral("dashboard"), r.errorMessage());
                }, Qt::QueuedConnection);
            }
            if (wall) {
                auto r = m_worker->run<WallSnapshot>([&](MetricsQueries &q) -> Result<WallSnapshot> {
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
                QMetaObject::invokeMethod(this, [this, r] {
                    if (r)
                        Q_EMIT wallReady(*r);
                    else
                        Q_EMIT failed(QStringLiteral("wall"), r.errorMessage());
                }, Qt::QueuedConnection);
            }
        }
    }, Qt::QueuedConnection);
}

} // namespace sitrep::metrics
