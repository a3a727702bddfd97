// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::domain {
struct Incident;
}

namespace sitrep::query {

// The SLA definitions, in one place: where an incident's active clock stands (for the list,
// the workspace, the wall and the command line), and the same rules as SQL conditions over
// one `incidents` row (for the dashboard's exact queries and the list a chart drills down
// to), so every view counts and colours the same incidents.

/// A running clock whose deadline is at most this far away is "at risk" (the README's
/// "SLA breaching / at risk": ends within 30 minutes on a running clock).
inline constexpr qint64 SlaAtRiskWindowMs = 30 * 60 * 1000;

/// How an active SLA clock stands. The values are what the list's SlaLevelRole answers.
enum class SlaLevel : int {
    OnTrack = 0,  // more than the at-risk window left, a paused clock, or no active clock
    AtRisk = 1,   // a running clock within SlaAtRiskWindowMs of its deadline
    Breached = 2, // the deadline has come (paused or not)
};

/// An incident's active SLA clock at one moment.
struct SlaStatus {
    bool active = false;    // an open incident with a deadline: there is a clock to show
    bool paused = false;    // the clock stopped (a paused state); it counts from then
    qint64 remainingMs = 0; // to the deadline, negative once past; 0 when not active
    SlaLevel level = SlaLevel::OnTrack;

    bool atRisk() const { return level == SlaLevel::AtRisk; }
    bool breached() const { return level == SlaLevel::Breached; }
};

/// The clock with active deadline `due` (ms; 0: none, as for an incident that is not open,
/// whose SLA was met or that has none) and paused since `pausedSince` (ms; 0: running), at
/// `now`. The remaining time of a paused clock counts from where it stopped. Breached when
/// no time is left; at risk when a running clock has at most SlaAtRiskWindowMs left.
SlaStatus slaStatus(qint64 due, qint64 pausedSince, qint64 now);
/// The incident's active clock (Incident::activeDeadline(): the response deadline until it
/// is acknowledged, then the resolution deadline; none once it is no longer open).
SlaStatus slaStatus(const domain::Incident &incident, qint64 now);

// SQL conditions over one `incidents` row. `now` (and `windowEnd`) are SQL expressions: a
// parameter ("?4") or a number. Deadlines already include paused time; a paused or stopped
// clock counts from where it stopped.

/// The active deadline has come: slaStatus(...).breached() (sla_due is the active deadline).
inline QString slaBreachingSql(const QString &now)
{
    return QStringLiteral(
               "(sla_due>0 AND sla_due <= CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE "
               "%1 END)")
        .arg(now);
}

/// A running clock within the at-risk window: slaStatus(...).atRisk(). `windowEnd` is now
/// plus the window (SlaAtRiskWindowMs).
inline QString slaAtRiskSql(const QString &now, const QString &windowEnd)
{
    return QStringLiteral("(sla_due>0 AND sla_paused_since=0 AND sla_due > %1 AND sla_due <= %2)")
        .arg(now, windowEnd);
}

/// "Responded" is the acknowledgement, or the resolution when there was none.
inline QString respondedAtSql()
{
    return QStringLiteral(
        "(CASE WHEN acknowledged_at>0 THEN acknowledged_at ELSE resolved_at END)");
}

/// The response SLA was missed: responded after the deadline, or not yet responded and the
/// clock passed it.
inline QString responseMissedSql(const QString &now)
{
    return QStringLiteral("(response_due>0 AND CASE WHEN acknowledged_at>0 OR resolved_at>0 THEN "
                          "%1 > response_due"
                          " ELSE response_due < (CASE WHEN sla_paused_since>0 THEN "
                          "sla_paused_since ELSE %2 END) END)")
        .arg(respondedAtSql(), now);
}

/// The resolution SLA was missed: resolved after the deadline, or not yet resolved and the
/// clock passed it.
inline QString resolutionMissedSql(const QString &now)
{
    return QStringLiteral(
               "(resolution_due>0 AND CASE WHEN resolved_at>0 THEN resolved_at > resolution_due"
               " ELSE resolution_due < (CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE %1 "
               "END) END)")
        .arg(now);
}

} // namespace sitrep::query
