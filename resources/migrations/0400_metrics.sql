-- SPDX-License-Identifier: MIT
-- Dashboard metrics: one covering index walked per (severity, week) for MTTA, MTTR,
-- frequency and SLA compliance, so those never read the wide projection rows; and the
-- assignment group picker.
CREATE INDEX incidents_metrics ON incidents(severity, created_at, acknowledged_at, resolved_at,
  response_due, resolution_due, sla_paused_since, assignment_group);
CREATE INDEX incidents_group ON incidents(assignment_group);
