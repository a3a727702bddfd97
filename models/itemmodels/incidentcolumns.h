// SPDX-License-Identifier: MIT
#pragma once

#include <Qt>

#include <QString>

namespace sitrep::itemmodels {

/// Columns of the incident list, in display order.
namespace IncidentColumn {
enum Column : int {
    Id = 0,
    Title,
    Severity,
    Status,
    Assignee,
    Duration, // live: since creation, or creation to resolution
    Services, // affected services (not sortable)
    Created,
    Priority,
    Sla, // live countdown to the active SLA deadline
    Count
};
} // namespace IncidentColumn

/// Roles of the incident list (and of the timeline model where they make sense).
namespace IncidentRole {
enum Role : int {
    SortRole = Qt::UserRole + 1, // the raw value the column sorts on
    UidRole,                     // incident UUID
    NumberRole,                  // INC0000042
    SeverityRole,                // int 0..4 (domain::Severity)
    PriorityRole,                // int 0..4
    StateRole,                   // state id
    OpenRole,                    // bool
    SlaRemainingRole,            // qint64 ms left on the active deadline (negative: breached)
    SlaLevelRole,                // 0 fine / none, 1 amber (under 25% or 15 min left), 2 red (breached)
    LoadedRole,                  // false while the row's page is still on its way
};
} // namespace IncidentRole

/// Header text of a column.
QString incidentColumnTitle(int column);
/// True for every column but Affected Services.
bool incidentColumnSortable(int column);

/// "1h 05m", "3d 4h", "42s": a compact, readable duration for timers and the list.
QString formatDuration(qint64 ms);

/// "SEV1 critical" in the user's language ("SEV?" when unknown).
QString severityText(int severity);
/// A workflow state's label (or id) in the user's language: the presets' states are
/// translated, a state of the user's own workflow shows as written.
QString workflowStateLabel(const QString &labelOrId);

} // namespace sitrep::itemmodels
