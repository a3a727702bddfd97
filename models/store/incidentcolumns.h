// SPDX-License-Identifier: MIT
#pragma once

namespace sitrep::store {

/// The columns of the incidents table in the order the store reads and writes them (the row
/// layout of Store's incident queries; the benchmarks read raw rows with the same list).
inline constexpr const char *kIncidentColumns =
    "id, uid, number, title, description, severity, priority, impact, urgency, category, "
    "subcategory, services, cis, assignee, assignment_group, reporter, commander, responders, "
    "alert_count, state, is_open, created_at, acknowledged_at, mitigated_at, resolved_at, "
    "closed_at, "
    "updated_at, response_due, resolution_due, sla_due, sla_paused_ms, sla_paused_since, "
    "sla_breached, root_cause, resolution_note, close_code, time_spent, approvals, "
    "last_status_at, head_hash, event_count, extra";
inline constexpr int kIncidentColumnCount = 42;

/// Text columns of incidents that no index and no trigger reads: an incident UPDATE sets them
/// whether or not they changed (see Store::writeIncident), which rewrites no index entry and
/// saves SQLite copying them from the old row. A test checks the list against the schema.
inline constexpr const char *kIncidentUnindexedTextColumns[] = {
    "description",     "impact",     "urgency",   "category",   "subcategory",
    "services",        "cis",        "reporter",  "responders", "root_cause",
    "resolution_note", "close_code", "approvals", "extra"};

} // namespace sitrep::store
