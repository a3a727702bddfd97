-- SPDX-License-Identifier: MIT
-- The indexes that lead with is_open are read only for open incidents (every query that
-- uses them says `is_open=1` literally), and a large cache is almost all closed incidents:
-- they become partial indexes of the open rows. Same names, same column order after
-- is_open, so the plans and the INDEXED BY hints stay as they were; a bulk load and every
-- write keep a fraction of the entries.
DROP INDEX incidents_open;
CREATE INDEX incidents_open ON incidents(priority, created_at) WHERE is_open=1;
DROP INDEX incidents_updated;
CREATE INDEX incidents_updated ON incidents(updated_at) WHERE is_open=1;
DROP INDEX incidents_open_tiles;
CREATE INDEX incidents_open_tiles ON incidents(severity, acknowledged_at, sla_due, sla_paused_since, commander, assignment_group)
  WHERE is_open=1;
DROP INDEX incidents_open_unacked;
CREATE INDEX incidents_open_unacked ON incidents(acknowledged_at, created_at) WHERE is_open=1;
DROP INDEX incidents_reminder_commander;
CREATE INDEX incidents_reminder_commander ON incidents(resolved_at, commander, created_at) WHERE is_open=1;
DROP INDEX incidents_reminder_status;
CREATE INDEX incidents_reminder_status ON incidents(resolved_at, MAX(last_status_at, created_at)) WHERE is_open=1;
