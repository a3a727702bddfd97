// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::metrics {

// The SLA definitions as SQL conditions over one `incidents` row, shared by the dashboard's
// exact queries and the list a chart drills down to, so both count the same incidents.
// `now` is an SQL expression: a parameter ("?4") or a number. Deadlines already include
// paused time; a paused or stopped clock counts from where it stopped.

/// "Responded" is the acknowledgement, or the resolution when there was none.
inline QString respondedAtSql()
{
    return QStringLiteral("(CASE WHEN acknowledged_at>0 THEN acknowledged_at ELSE resolved_at END)");
}

/// The response SLA was missed: responded after the deadline, or not yet responded and the
/// clock passed it.
inline QString responseMissedSql(const QString &now)
{
    return QStringLiteral("(response_due>0 AND CASE WHEN acknowledged_at>0 OR resolved_at>0 THEN %1 > response_due"
                          " ELSE response_due < (CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE %2 END) END)")
        .arg(respondedAtSql(), now);
}

/// The resolution SLA was missed: resolved after the deadline, or not yet resolved and the
/// clock passed it.
inline QString resolutionMissedSql(const QString &now)
{
    return QStringLiteral("(resolution_due>0 AND CASE WHEN resolved_at>0 THEN resolved_at > resolution_due"
                          " ELSE resolution_due < (CASE WHEN sla_paused_since>0 THEN sla_paused_since ELSE %1 END) END)")
        .arg(now);
}

} // namespace sitrep::metrics
