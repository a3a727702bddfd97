// SPDX-License-Identifier: MIT
#pragma once

#include <Qt>

#include <QString>

namespace sitrep::query {
enum class IncidentSort; // query/incidentquery.h, which needs the store's headers
} // namespace sitrep::query

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
    SlaLevelRole,                // int(query::SlaLevel): 0 none / on track, 1 at risk, 2 breached
    LoadedRole,                  // false while the row's page is still on its way
};
} // namespace IncidentRole

/// Header text of a column.
QString incidentColumnTitle(int column);
/// True for every column but Affected Services.
bool incidentColumnSortable(int column);
/// The order a column sorts by (Duration sorts by creation; Affected Services, which does
/// not sort, falls back to it too).
query::IncidentSort incidentColumnSort(int column);

/// "SEV1 critical" in the user's language ("SEV?" when unknown).
QString severityText(int severity);
/// A workflow state's label (or id) in the user's language: the presets' states are
/// translated, a state of the user's own workflow shows as written.
QString workflowStateLabel(const QString &labelOrId);

} // namespace sitrep::itemmodels
