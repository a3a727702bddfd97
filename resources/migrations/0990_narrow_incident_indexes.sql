-- SPDX-License-Identifier: MIT
-- Every index of the incidents table is written by every incident write and built again by
-- the bulk load of a first sync (a million rows sorted per index): each one holds only what
-- the queries that read it need.
--
-- incidents_open_tiles (0401/0800) served the dashboard tiles counted from the incidents;
-- since 0410 the tiles come from metrics_open, and only the exact form kept as the rollups'
-- reference (tests, bench_dashboard's "before") read it. That form walks a partial index of
-- the open rows now and reads the rows.
DROP INDEX IF EXISTS incidents_open_tiles;
-- The reminder scans and the oldest unacknowledged incident test their other columns with
-- literal equalities (is_open = 1, resolved_at = 0, commander = '', closed_at = 0 AND
-- resolved_at > 0, acknowledged_at = 0): those go into the partial index's WHERE, so each
-- index holds only the rows its query can return (the postmortem one held every incident).
-- The key columns stay as they were: without statistics the planner counts the equality
-- columns of an index's key, and with one column fewer it picks the group or priority
-- index and a sort instead (the dashboard's group filter, the per-priority status scans).
DROP INDEX IF EXISTS incidents_reminder_commander;
CREATE INDEX incidents_reminder_commander ON incidents(resolved_at, commander, created_at)
  WHERE is_open=1 AND resolved_at=0 AND commander='';
DROP INDEX IF EXISTS incidents_reminder_status;
CREATE INDEX incidents_reminder_status ON incidents(resolved_at, MAX(last_status_at, created_at))
  WHERE is_open=1 AND resolved_at=0;
DROP INDEX IF EXISTS incidents_reminder_postmortem;
CREATE INDEX incidents_reminder_postmortem ON incidents(closed_at, resolved_at)
  WHERE closed_at=0 AND resolved_at>0;
DROP INDEX IF EXISTS incidents_open_unacked;
CREATE INDEX incidents_open_unacked ON incidents(acknowledged_at, created_at)
  WHERE is_open=1 AND acknowledged_at=0;
