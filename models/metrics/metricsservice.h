// SPDX-License-Identifier: MIT
#pragma once

#include "engine/clock.h"
#include "query/incidentquery.h"
#include "query/sla.h"
#include "store/store.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <atomic>
#include <optional>

class QThread;

namespace sitrep::metrics {

/// Severity slots: 0 = not set, 1..4 = SEV1..SEV4 (domain::Severity values).
inline constexpr int SeverityCount = 5;
inline constexpr qint64 DayMs = 86400000LL;
inline constexpr qint64 WeekMs = 7 * DayMs;
/// Open incidents whose running SLA clock ends within this window are "at risk".
inline constexpr qint64 DefaultAtRiskWindowMs = query::SlaAtRiskWindowMs;

/// Monday 00:00 UTC of the week holding `ms`. Weekly charts bucket by this.
qint64 weekStart(qint64 ms);

/// What a dashboard looks at. Range metrics cover incidents *created* in [from, to);
/// the tiles describe the open incidents now. Empty service/group do not filter.
struct MetricsFilter {
    qint64 from = 0;
    qint64 to = 0;
    QString service; // an affected service (incident_services)
    QString group;   // assignment group
    /// The last `days` days up to `now`.
    static MetricsFilter lastDays(int days, qint64 now);
    bool operator==(const MetricsFilter &o) const = default;
};

/// Aggregates of one cohort of incidents (a week x severity cell, or a sum of cells).
/// Durations are sums in milliseconds; the averages are derived.
struct Bucket {
    qint64 count = 0;          // incidents created
    qint64 acknowledged = 0;   // with acknowledged_at
    qint64 ackSumMs = 0;       // sum of acknowledged_at - created_at
    qint64 resolved = 0;       // with resolved_at
    qint64 resolveSumMs = 0;   // sum of resolved_at - created_at
    qint64 responseMet = 0;    // response SLA decided and met
    qint64 responseMissed = 0; // response SLA decided and missed
    qint64 resolutionMet = 0;
    qint64 resolutionMissed = 0;

    void add(const Bucket &o);
    /// Mean time to acknowledge / resolve in ms; -1 when nothing was acknowledged/resolved.
    double mttaMs() const { return acknowledged ? double(ackSumMs) / double(acknowledged) : -1.0; }
    double mttrMs() const { return resolved ? double(resolveSumMs) / double(resolved) : -1.0; }
    /// Share of decided response SLAs that were met, 0..100; -1 when none was decided.
    double responseCompliancePct() const;
    double resolutionCompliancePct() const;
    bool operator==(const Bucket &o) const = default;
};

/// The "now" numbers of the dashboard, over open incidents (filters apply, the range not).
struct Tiles {
    std::array<qint64, SeverityCount> openBySeverity{};
    qint64 open = 0;
    qint64 breaching = 0; // active SLA deadline passed
    qint64 atRisk = 0;    // running clock ends within the at-risk window
    qint64 withoutCommander = 0;
    qint64 unacknowledged = 0;
    QString oldestUnackNumber; // empty when every open incident is acknowledged
    QString oldestUnackTitle;
    int oldestUnackSeverity = 0;
    qint64 oldestUnackCreatedAt = 0;
    bool operator==(const Tiles &o) const = default;
};

/// Everything the dashboard shows, computed in one place (MetricsQueries::dashboard).
struct DashboardMetrics {
    MetricsFilter filter;
    qint64 now = 0;
    qint64 atRiskWindowMs = DefaultAtRiskWindowMs;
    Tiles tiles;
    QList<qint64> weeks;                            // week starts covering the range
    QList<std::array<Bucket, SeverityCount>> cells; // [week][severity]

    /// One cell, or all severities of a week (severity < 0).
    Bucket week(int weekIndex, int severity = -1) const;
    /// All weeks of one severity, or everything (severity < 0).
    Bucket total(int severity = -1) const;
    /// Long-format CSV: kind,week_start,severity,metric,value.
    QByteArray toCsv() const;
};

/// A row of the wall's active-incident page.
struct ActiveIncident : query::IncidentHeadline {
    qint64 createdAt = 0;
    qint64 acknowledgedAt = 0;
    qint64 slaDue = 0; // the active deadline, 0 = none
    qint64 slaPausedSince = 0;
    QString commander;
    QString assignee;
    qint64 lastStatusAt = 0;
    QString lastStatusText;

    /// P1 (or SEV1 without a priority): what interrupts the wall's rotation.
    bool isP1() const { return priority == 1 || (priority == 0 && severity == 1); }
    /// The active SLA clock at `now` (remaining time, at risk, breached).
    query::SlaStatus sla(qint64 now) const { return query::slaStatus(slaDue, slaPausedSince, now); }
    bool operator==(const ActiveIncident &o) const = default;
};

/// What the wall shows: the open incidents (most severe first) and the dashboard numbers.
struct WallSnapshot {
    qint64 now = 0;
    QList<ActiveIncident> active;
    DashboardMetrics metrics; // tiles always; weeks/cells only when withCharts
    bool withCharts = true;
};

/// A drill-down from a chart: exactly the incidents a bar or point counts.
struct ListFilter {
    int severity = -1; // -1 = any, 0 = without a severity, 1..4
    qint64 from = 0;   // created_at >= from
    qint64 to = 0;     // created_at < to (0 = open end)
    QString service;
    QString group;
    /// Which chart value: frequency (created), mtta (acknowledged), mttr (resolved),
    /// sla-response / sla-resolution (the SLA was missed, measured at `now`).
    QString metric;
    qint64 now = 0;
    /// The incident list's filter for these incidents.
    query::IncidentFilter toIncidentFilter() const;
    /// The number of incidents the chart shows for this filter in `m` (the weeks inside
    /// [from, to)): what the list must count.
    qint64 valueIn(const DashboardMetrics &m) const;
};

/// The dashboard's SQL, synchronous, on a Store connection the caller owns (normally a
/// read-only one on a worker thread). Whole days of a range come from the daily rollup
/// (migration 0410), the partial days at its ends from the incidents_metrics covering index;
/// tiles come from the open rollup plus the running SLA clocks not yet due. Without the
/// rollups (an older database) everything is read from the incidents, with the same numbers.
class MetricsQueries {
public:
    explicit MetricsQueries(store::Store &store) : m_store(store) {}

    /// Ignore the rollups and read every number from the incidents (tests and the benchmark
    /// compare both ways).
    void setExactOnly(bool on) { m_exactOnly = on; }

    Result<Tiles> tiles(const MetricsFilter &filter, qint64 now,
                        qint64 atRiskWindowMs = DefaultAtRiskWindowMs);
    /// Week x severity buckets over the filter's range.
    Result<QList<std::array<Bucket, SeverityCount>>>
    buckets(const MetricsFilter &filter, qint64 now, QList<qint64> *weeks = nullptr);
    /// Tiles and buckets together.
    Result<DashboardMetrics> dashboard(const MetricsFilter &filter, qint64 now,
                                       qint64 atRiskWindowMs = DefaultAtRiskWindowMs);
    /// Open incidents, most severe and oldest first, with their last status update.
    Result<QList<ActiveIncident>> activeIncidents(const MetricsFilter &filter, qint64 now,
                                                  int limit = 40);
    /// Values for the filter pickers.
    Result<QStringList> services();
    Result<QStringList> groups();

private:
    store::Store &m_store;
    bool m_exactOnly = false;
};

/// Runs MetricsQueries on a worker thread with its own read-only connection, so no
/// dashboard SQL ever runs on the GUI thread. Requests are coalesced (only the latest of
/// each kind runs). Results and failures arrive as signals on the owner's thread.
/// The connection is reopened after any failure and when the file was replaced, so a
/// database that is locked, moved away or restored recovers on the next request.
class MetricsService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsService)
public:
    MetricsService(const QString &dbPath, const engine::Clock &clock, QObject *parent = nullptr);
    ~MetricsService() override;

    QString dbPath() const { return m_path; }
    /// The clock the service computes "now" with.
    qint64 now() const { return m_clock.nowMs(); }
    /// How long a query waits for a lock before the request fails (default 1500 ms).
    void setBusyTimeoutMs(int ms) { m_busyTimeoutMs = ms; }

    void requestDashboard(const MetricsFilter &filter);
    /// Active incidents and tiles; the weekly chart buckets too when `withCharts` (they cost
    /// a walk over the range, so the wall asks for them less often).
    void requestWall(const MetricsFilter &filter, int activeLimit = 40, bool withCharts = true);
    void requestFilterValues();

Q_SIGNALS:
    void dashboardReady(const sitrep::metrics::DashboardMetrics &metrics);
    void wallReady(const sitrep::metrics::WallSnapshot &snapshot);
    void filterValuesReady(const QStringList &services, const QStringList &groups);
    /// A request failed (database locked, missing, unreadable). `what` is "dashboard",
    /// "wall" or "filters".
    void failed(const QString &what, const QString &message);

private:
    class Worker;
    void schedule();

    QString m_path;
    const engine::Clock &m_clock;
    std::atomic<int> m_busyTimeoutMs{1500};
    QThread *m_thread = nullptr;
    Worker *m_worker = nullptr;
    QMutex m_mutex;
    std::optional<MetricsFilter> m_pendingDashboard;
    struct WallRequest {
        MetricsFilter filter;
        int limit = 40;
        bool withCharts = true;
    };
    std::optional<WallRequest> m_pendingWall;
    bool m_pendingFilters = false;
    bool m_scheduled = false;
};

} // namespace sitrep::metrics

Q_DECLARE_METATYPE(sitrep::metrics::DashboardMetrics)
Q_DECLARE_METATYPE(sitrep::metrics::WallSnapshot)
Q_DECLARE_METATYPE(sitrep::metrics::ListFilter)
