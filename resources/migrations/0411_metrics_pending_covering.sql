-- SPDX-License-Identifier: MIT
-- The partial indexes of 0410 name every column their queries read, so counting the SLA
-- clocks still running never visits the wide incident rows (a busy database can have tens
-- of thousands of them).
DROP INDEX incidents_response_pending;
DROP INDEX incidents_resolution_pending;
DROP INDEX incidents_open_running_due;
CREATE INDEX incidents_response_pending
  ON incidents(response_due, created_at, severity, assignment_group, acknowledged_at, resolved_at, sla_paused_since)
  WHERE response_due>0 AND acknowledged_at=0 AND resolved_at=0 AND sla_paused_since=0;
CREATE INDEX incidents_resolution_pending
  ON incidents(resolution_due, created_at, severity, assignment_group, resolved_at, sla_paused_since)
  WHERE resolution_due>0 AND resolved_at=0 AND sla_paused_since=0;
CREATE INDEX incidents_open_running_due
  ON incidents(sla_due, severity, assignment_group, is_open, sla_paused_since)
  WHERE is_open=1 AND sla_due>0 AND sla_paused_since=0;
