// SPDX-License-Identifier: MIT
#include "store/metricsrollup.h"

#include "domain/incident.h"

#include <QDate>

#include <iterator>
#include <tuple>

namespace sitrep::store {

namespace {

struct Column {
    const char *name;
    const char *expr;                          // over one incident row, "{p}" = its alias
    qint64 (*value)(const domain::Incident &); // the same over an incident in memory
};

using domain::Incident;

// CASE WHEN acknowledged_at>0 THEN acknowledged_at ELSE resolved_at END
qint64 respondedAt(const Incident &i)
{
    return i.acknowledgedAt > 0 ? i.acknowledgedAt : i.resolvedAt;
}

// The same expressions as the triggers of migration 0410 (a test rebuilds and compares),
// each with its C++ twin for the bulk loader (tst_sync_merge loads a demo set and compares).
static const Column kDaily[] = {
    {"incidents", "1", [](const Incident &) -> qint64 { return 1; }},
    {"acknowledged", "{p}acknowledged_at>0",
     [](const Incident &i) -> qint64 { return i.acknowledgedAt > 0; }},
    {"ack_sum", "CASE WHEN {p}acknowledged_at>0 THEN {p}acknowledged_at-{p}created_at ELSE 0 END",
     [](const Incident &i) -> qint64 {
         return i.acknowledgedAt > 0 ? i.acknowledgedAt - i.createdAt : 0;
     }},
    {"resolved", "{p}resolved_at>0", [](const Incident &i) -> qint64 { return i.resolvedAt > 0; }},
    {"resolve_sum", "CASE WHEN {p}resolved_at>0 THEN {p}resolved_at-{p}created_at ELSE 0 END",
     [](const Incident &i) -> qint64 { return i.resolvedAt > 0 ? i.resolvedAt - i.createdAt : 0; }},
    {"response_met",
     "{p}response_due>0 AND ({p}acknowledged_at>0 OR {p}resolved_at>0) AND (CASE WHEN "
     "{p}acknowledged_at>0 THEN {p}acknowledged_at ELSE {p}resolved_at END)<={p}response_due",
     [](const Incident &i) -> qint64 {
         return i.responseDue > 0 && respondedAt(i) > 0 && respondedAt(i) <= i.responseDue;
     }},
    {"response_missed",
     "{p}response_due>0 AND CASE WHEN {p}acknowledged_at>0 OR {p}resolved_at>0 THEN (CASE WHEN "
     "{p}acknowledged_at>0 THEN {p}acknowledged_at ELSE {p}resolved_at END)>{p}response_due ELSE "
     "{p}sla_paused_since>0 AND {p}response_due<{p}sla_paused_since END",
     [](const Incident &i) -> qint64 {
         return i.responseDue > 0 &&
                (respondedAt(i) > 0 ? respondedAt(i) > i.responseDue
                                    : i.slaPausedSince > 0 && i.responseDue < i.slaPausedSince);
     }},
    {"response_pending",
     "{p}response_due>0 AND {p}acknowledged_at=0 AND {p}resolved_at=0 AND {p}sla_paused_since=0",
     [](const Incident &i) -> qint64 {
         return i.responseDue > 0 && i.acknowledgedAt == 0 && i.resolvedAt == 0 &&
                i.slaPausedSince == 0;
     }},
    {"resolution_met",
     "{p}resolution_due>0 AND {p}resolved_at>0 AND {p}resolved_at<={p}resolution_due",
     [](const Incident &i) -> qint64 {
         return i.resolutionDue > 0 && i.resolvedAt > 0 && i.resolvedAt <= i.resolutionDue;
     }},
    {"resolution_missed",
     "{p}resolution_due>0 AND CASE WHEN {p}resolved_at>0 THEN {p}resolved_at>{p}resolution_due "
     "ELSE {p}sla_paused_since>0 AND {p}resolution_due<{p}sla_paused_since END",
     [](const Incident &i) -> qint64 {
         return i.resolutionDue > 0 &&
                (i.resolvedAt > 0 ? i.resolvedAt > i.resolutionDue
                                  : i.slaPausedSince > 0 && i.resolutionDue < i.slaPausedSince);
     }},
    {"resolution_pending", "{p}resolution_due>0 AND {p}resolved_at=0 AND {p}sla_paused_since=0",
     [](const Incident &i) -> qint64 {
         return i.resolutionDue > 0 && i.resolvedAt == 0 && i.slaPausedSince == 0;
     }},
};
// sla_due is Incident::activeDeadline().
static const Column kOpen[] = {
    {"open", "1", [](const Incident &) -> qint64 { return 1; }},
    {"without_commander", "{p}commander=''",
     [](const Incident &i) -> qint64 { return i.commander.isEmpty(); }},
    {"unacknowledged", "{p}acknowledged_at=0",
     [](const Incident &i) -> qint64 { return i.acknowledgedAt == 0; }},
    {"breached_paused",
     "{p}sla_due>0 AND {p}sla_paused_since>0 AND {p}sla_due<={p}sla_paused_since",
     [](const Incident &i) -> qint64 {
         const qint64 due = i.activeDeadline();
         return due > 0 && i.slaPausedSince > 0 && due <= i.slaPausedSince;
     }},
    {"running_due", "{p}sla_due>0 AND {p}sla_paused_since=0",
     [](const Incident &i) -> qint64 { return i.activeDeadline() > 0 && i.slaPausedSince == 0; }},
};
constexpr int kDailyCount = int(std::size(kDaily));
constexpr int kOpenCount = int(std::size(kOpen));

template <size_t N> QString names(const Column (&cols)[N])
{
    QStringList out;
    for (const Column &c : cols)
        out << QString::fromLatin1(c.name);
    return out.join(QStringLiteral(", "));
}

template <size_t N> QString sums(const Column (&cols)[N])
{
    QStringList out;
    for (const Column &c : cols)
        out << QStringLiteral("sum(%1) AS %2")
                   .arg(QString::fromLatin1(c.expr).replace(QStringLiteral("{p}"),
                                                            QStringLiteral("i.")),
                        QString::fromLatin1(c.name));
    return out.join(QStringLiteral(", "));
}

template <size_t N> QString nonZero(const Column (&cols)[N])
{
    QStringList out;
    for (const Column &c : cols)
        out << QString::fromLatin1(c.name) + QStringLiteral("<>0");
    return out.join(QStringLiteral(" OR "));
}

const QString kDailyKeys = QStringLiteral("service, day, severity, grp");
const QString kOpenKeys = QStringLiteral("service, severity, grp");

// SELECTs of both rollups over `from` (incidents aliased i; services aliased s.service).
QString dailySelect(const QString &service, const QString &from, const QString &where)
{
    return QStringLiteral("SELECT %1 AS service, i.created_at/86400000 AS day, i.severity AS "
                          "severity, i.assignment_group AS grp, %2"
                          " FROM %3 WHERE %4 GROUP BY 1, 2, 3, 4")
        .arg(service, sums(kDaily), from, where);
}

QString openSelect(const QString &service, const QString &from, const QString &where)
{
    return QStringLiteral(
               "SELECT %1 AS service, i.severity AS severity, i.assignment_group AS grp, %2"
               " FROM %3 WHERE i.is_open=1 AND %4 GROUP BY 1, 2, 3")
        .arg(service, sums(kOpen), from, where);
}

} // namespace

bool hasMetricsRollups(Db &db)
{
    auto q = db.prepareOnce(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='table' "
                                           "AND name IN ('metrics_daily','metrics_open')"));
    return q && q->step() && RowReader(*q).int64() == 2;
}

Status rebuildMetricsRollups(Db &db)
{
    if (!hasMetricsRollups(db))
        return {};
    const QString all = QStringLiteral("incidents i");
    const QString bySvc = QStringLiteral("incident_services s JOIN incidents i ON i.id=s.incident");
    const QString one = QStringLiteral("1");
    const QString named = QStringLiteral("s.service<>''");
    const QStringList sql{
        QStringLiteral("DELETE FROM metrics_daily"),
        QStringLiteral("DELETE FROM metrics_open"),
        QStringLiteral("INSERT INTO metrics_daily(%1, %2) %3")
            .arg(kDailyKeys, names(kDaily), dailySelect(QStringLiteral("''"), all, one)),
        QStringLiteral("INSERT INTO metrics_daily(%1, %2) %3")
            .arg(kDailyKeys, names(kDaily), dailySelect(QStringLiteral("s.service"), bySvc, named)),
        QStringLiteral("INSERT INTO metrics_open(%1, %2) %3")
            .arg(kOpenKeys, names(kOpen), openSelect(QStringLiteral("''"), all, one)),
        QStringLiteral("INSERT INTO metrics_open(%1, %2) %3")
            .arg(kOpenKeys, names(kOpen), openSelect(QStringLiteral("s.service"), bySvc, named)),
    };
    for (const QString &s : sql)
        if (auto r = db.exec(s); !r)
            return Status::fail(
                QStringLiteral("cannot rebuild the dashboard rollups: %1").arg(r.errorMessage()),
                QStringLiteral("db"));
    return {};
}

QStringList compareMetricsRollups(Db &db, const QString &source, int maxFaults)
{
    QStringList faults;
    if (!hasMetricsRollups(db))
        return faults;
    // Services as the log gives them: the JSON list, each name once.
    const QString all = source + QStringLiteral(" i");
    const QString bySvc = source + QStringLiteral(" i, json_each(i.services) s0");
    const QString named =
        QStringLiteral("s0.value<>'' AND NOT EXISTS(SELECT 1 FROM json_each(i.services) k WHERE "
                       "k.value=s0.value AND k.key<s0.key)");
    const QString one = QStringLiteral("1");
    (void)db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rollup_daily"));
    (void)db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rollup_open"));
    const QStringList build{
        QStringLiteral("CREATE TEMP TABLE rollup_daily AS %1 UNION ALL %2")
            .arg(dailySelect(QStringLiteral("''"), all, one),
                 dailySelect(QStringLiteral("s0.value"), bySvc, named)),
        QStringLiteral("CREATE TEMP TABLE rollup_open AS %1 UNION ALL %2")
            .arg(openSelect(QStringLiteral("''"), all, one),
                 openSelect(QStringLiteral("s0.value"), bySvc, named)),
    };
    for (const QString &s : build)
        if (auto r = db.exec(s); !r) {
            faults << QStringLiteral("cannot recompute the dashboard rollups: %1")
                          .arg(r.errorMessage());
            return faults;
        }
    auto diff = [&](const QString &stored, const QString &rebuilt, const QString &keys,
                    const QString &cols, const QString &nz, const QString &what) {
        const QString storedRows =
            QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4").arg(keys, cols, stored, nz);
        const QString rebuiltRows =
            QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4").arg(keys, cols, rebuilt, nz);
        for (const auto &[a, b, says] :
             {std::tuple{storedRows, rebuiltRows,
                         QStringLiteral("stored row differs from the log")},
              std::tuple{rebuiltRows, storedRows,
                         QStringLiteral("the log gives a row the rollup lacks or differs from")}}) {
            auto q = db.prepareOnce(QStringLiteral("SELECT %1 FROM (%2 EXCEPT %3) LIMIT %4")
                                        .arg(keys, a, b)
                                        .arg(maxFaults));
            if (!q) {
                faults << QStringLiteral("cannot compare %1: %2").arg(what, db.lastError());
                return;
            }
            while (q->step() && faults.size() < maxFaults) {
                QStringList key;
                RowReader row(*q);
                for (const QString &name : keys.split(QStringLiteral(", "))) {
                    QString v;
                    if (name == u"day")
                        v = QDate(1970, 1, 1).addDays(row.int64()).toString(Qt::ISODate);
                    else if (v = row.text(); name == u"service" && v.isEmpty())
                        v = QStringLiteral("(all)");
                    key << name + u'=' + v;
                }
                faults << QStringLiteral("%1 (%2): %3")
                              .arg(what, key.join(QStringLiteral(", ")), says);
            }
        }
    };
    diff(QStringLiteral("main.metrics_daily"), QStringLiteral("temp.rollup_daily"), kDailyKeys,
         names(kDaily), nonZero(kDaily), QStringLiteral("dashboard rollup metrics_daily"));
    diff(QStringLiteral("main.metrics_open"), QStringLiteral("temp.rollup_open"), kOpenKeys,
         names(kOpen), nonZero(kOpen), QStringLiteral("dashboard rollup metrics_open"));
    (void)db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rollup_daily"));
    (void)db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rollup_open"));
    return faults;
}

static_assert(std::tuple_size_v<decltype(MetricsRollupBuilder::DailySums{})> ==
              size_t(kDailyCount));
static_assert(std::tuple_size_v<decltype(MetricsRollupBuilder::OpenSums{})> == size_t(kOpenCount));

void MetricsRollupBuilder::add(const domain::Incident &inc)
{
    const qint64 day = inc.createdAt / 86400000; // as SQLite's integer division
    const int severity = int(inc.severity);
    const auto addTo = [&](const QString &service) {
        auto &d = m_daily[DailyKey{service, day, severity, inc.assignmentGroup}];
        for (int c = 0; c < kDailyCount; ++c)
            d[c] += kDaily[c].value(inc);
        if (inc.open) {
            auto &o = m_open[OpenKey{service, severity, inc.assignmentGroup}];
            for (int c = 0; c < kOpenCount; ++c)
                o[c] += kOpen[c].value(inc);
        }
    };
    addTo(QString());
    // incident_services keeps each named service once.
    for (qsizetype k = 0; k < inc.services.size(); ++k) {
        const QString &svc = inc.services[k];
        if (!svc.isEmpty() && !inc.services.first(k).contains(svc))
            addTo(svc);
    }
}

// Inserts every (key, sums) of `rows` into `table`; bindKey binds the key columns from 1 and
// returns the next parameter number.
template <typename Rows, typename BindKey>
static Status insertSums(Db &db, const QString &table, const QString &keys, const QString &columns,
                         int keyCount, const Rows &rows, BindKey bindKey)
{
    const int columnCount = int(columns.count(u',')) + 1;
    QStringList marks;
    for (int c = 0; c < keyCount + columnCount; ++c)
        marks << QStringLiteral("?");
    Stmt *s = db.prepare(QStringLiteral("INSERT INTO %1(%2, %3) VALUES(%4)")
                             .arg(table, keys, columns, marks.join(u',')));
    if (!s)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        s->reset();
        const int first = bindKey(s, it.key());
        for (int c = 0; c < columnCount; ++c)
            s->bind(first + c, it.value()[c]);
        if (!s->exec())
            return Status::fail(s->error(), QStringLiteral("db"));
    }
    return {};
}

Status MetricsRollupBuilder::write(Db &db) const
{
    if (!hasMetricsRollups(db))
        return {};
    Status r;
    for (const char *sql : {"DELETE FROM metrics_daily", "DELETE FROM metrics_open"})
        if (r = db.exec(QString::fromLatin1(sql)); !r)
            break;
    if (r)
        r = insertSums(db, QStringLiteral("metrics_daily"), kDailyKeys, names(kDaily), 4, m_daily,
                       [](Stmt *s, const DailyKey &k) {
                           s->bind(1, k.service).bind(2, k.day).bind(3, k.severity).bind(4, k.grp);
                           return 5;
                       });
    if (r)
        r = insertSums(db, QStringLiteral("metrics_open"), kOpenKeys, names(kOpen), 3, m_open,
                       [](Stmt *s, const OpenKey &k) {
                           s->bind(1, k.service).bind(2, k.severity).bind(3, k.grp);
                           return 4;
                       });
    if (!r)
        return Status::fail(
            QStringLiteral("cannot write the dashboard rollups: %1").arg(r.errorMessage()),
            QStringLiteral("db"));
    return {};
}

} // namespace sitrep::store
