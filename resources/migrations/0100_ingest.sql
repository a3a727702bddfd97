-- SPDX-License-Identifier: MIT
-- Alert correlation state (models/ingest): which alerts were seen, in which group, linked to
-- which incident, with their flap-damping counters. Written in the same transaction as the
-- engine events the alerts caused, so a restart keeps groups and never double-opens.
-- Alerts held below a group's open threshold live only here (they are not incident events).
CREATE TABLE ingest_groups(
  id         TEXT PRIMARY KEY,          -- UUID
  group_key  TEXT NOT NULL,             -- "alertname=X\x1fservice=Y" by the configured fields
  incident   TEXT NOT NULL DEFAULT '',  -- incident UUID, '' while below the threshold
  severity   INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ingest_groups_by_key ON ingest_groups(group_key, last_seen);
CREATE INDEX ingest_groups_by_incident ON ingest_groups(incident);

CREATE TABLE ingest_alerts(
  id           TEXT PRIMARY KEY,        -- "source:fingerprint"
  group_id     TEXT NOT NULL,
  incident     TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL,           -- firing | resolved: the latest the source said
  reported     TEXT NOT NULL,           -- the latest status turned into an incident event
  severity     INTEGER NOT NULL DEFAULT 0,
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  flap_start   INTEGER NOT NULL DEFAULT 0,
  flap_changes INTEGER NOT NULL DEFAULT 0,
  flapping     INTEGER NOT NULL DEFAULT 0,
  alert        TEXT NOT NULL            -- the last normalized alert, JSON
) WITHOUT ROWID;
CREATE INDEX ingest_alerts_by_group ON ingest_alerts(group_id, status);
CREATE INDEX ingest_alerts_by_incident ON ingest_alerts(incident, status);
