-- SPDX-License-Identifier: MIT
-- Dashboard tiles read only the open incidents, and a busy database can hold hundreds of
-- thousands of them: a covering index per severity for the tile counts, and a direct seek
-- for the oldest unacknowledged one.
CREATE INDEX incidents_open_tiles ON incidents(is_open, severity, acknowledged_at, sla_due, sla_paused_since,
  commander, assignment_group);
CREATE INDEX incidents_open_unacked ON incidents(is_open, acknowledged_at, created_at);
