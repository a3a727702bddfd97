-- SPDX-License-Identifier: MIT
-- The list opens on the "Open" view (is_open=1), a small share of a large cache. The full
-- per-column indexes would walk past every closed incident to find a page of open ones;
-- these partial indexes hold only the open rows in each sort order, so every sort of the
-- Open, My incidents and Breaching SLA views is an index walk without a temp b-tree.
-- Queries must say is_open=1 literally (not a bound parameter) for the planner to use them.
-- Priority is served by incidents_open(is_open, priority, created_at).
CREATE INDEX incidents_open_title    ON incidents(title) WHERE is_open=1;
CREATE INDEX incidents_open_severity ON incidents(severity, created_at) WHERE is_open=1;
CREATE INDEX incidents_open_state    ON incidents(state, created_at) WHERE is_open=1;
CREATE INDEX incidents_open_assignee ON incidents(assignee, created_at) WHERE is_open=1;
CREATE INDEX incidents_open_created  ON incidents(created_at) WHERE is_open=1;
CREATE INDEX incidents_open_sla_due  ON incidents(sla_due) WHERE is_open=1;
CREATE INDEX incidents_open_id       ON incidents(id) WHERE is_open=1;
