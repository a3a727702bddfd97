-- SPDX-License-Identifier: MIT
-- Core schema: the append-only event log, the incidents projection, search.
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE events(
  seq       INTEGER PRIMARY KEY,
  id        BLOB NOT NULL UNIQUE,      -- UUID, 16 bytes
  incident  BLOB NOT NULL,             -- incident UUID, 16 bytes
  hlc       INTEGER NOT NULL,
  ts        INTEGER NOT NULL,          -- ms since epoch, UTC
  actor     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  payload   TEXT NOT NULL,             -- canonical compact JSON
  prev_hash BLOB NOT NULL,             -- 32 bytes, empty for the first event
  hash      BLOB NOT NULL,             -- SHA-256
  origin    TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX events_by_incident ON events(incident, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

CREATE TABLE incidents(
  id               INTEGER PRIMARY KEY,
  uid              BLOB NOT NULL UNIQUE,
  number           TEXT NOT NULL UNIQUE,
  title            TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  severity         INTEGER NOT NULL DEFAULT 0,
  priority         INTEGER NOT NULL DEFAULT 0,
  impact           TEXT NOT NULL DEFAULT '',
  urgency          TEXT NOT NULL DEFAULT '',
  category         TEXT NOT NULL DEFAULT '',
  subcategory      TEXT NOT NULL DEFAULT '',
  services         TEXT NOT NULL DEFAULT '[]',
  cis              TEXT NOT NULL DEFAULT '[]',
  assignee         TEXT NOT NULL DEFAULT '',
  assignment_group TEXT NOT NULL DEFAULT '',
  reporter         TEXT NOT NULL DEFAULT '',
  commander        TEXT NOT NULL DEFAULT '',
  responders       TEXT NOT NULL DEFAULT '[]',
  alerts           TEXT NOT NULL DEFAULT '[]',
  state            TEXT NOT NULL,
  is_open          INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  acknowledged_at  INTEGER NOT NULL DEFAULT 0,
  mitigated_at     INTEGER NOT NULL DEFAULT 0,
  resolved_at      INTEGER NOT NULL DEFAULT 0,
  closed_at        INTEGER NOT NULL DEFAULT 0,
  updated_at       INTEGER NOT NULL,
  response_due     INTEGER NOT NULL DEFAULT 0,
  resolution_due   INTEGER NOT NULL DEFAULT 0,
  sla_due          INTEGER NOT NULL DEFAULT 0,   -- the deadline that matters now; 0 = none
  sla_paused_ms    INTEGER NOT NULL DEFAULT 0,
  sla_paused_since INTEGER NOT NULL DEFAULT 0,
  sla_breached     INTEGER NOT NULL DEFAULT 0,
  root_cause       TEXT NOT NULL DEFAULT '',
  resolution_note  TEXT NOT NULL DEFAULT '',
  close_code       TEXT NOT NULL DEFAULT '',
  time_spent       INTEGER NOT NULL DEFAULT 0,
  approvals        TEXT NOT NULL DEFAULT '{}',
  last_status_at   INTEGER NOT NULL DEFAULT 0,
  head_hash        BLOB NOT NULL DEFAULT x'',
  event_count      INTEGER NOT NULL DEFAULT 0,
  extra            TEXT NOT NULL DEFAULT '{}'
);
-- One index per sortable list column (the rowid is the implicit tie-breaker), plus the
-- filters the saved views use.
CREATE INDEX incidents_title    ON incidents(title);
CREATE INDEX incidents_severity ON incidents(severity, created_at);
CREATE INDEX incidents_priority ON incidents(priority, created_at);
CREATE INDEX incidents_state    ON incidents(state, created_at);
CREATE INDEX incidents_assignee ON incidents(assignee, created_at);
CREATE INDEX incidents_created  ON incidents(created_at);
CREATE INDEX incidents_sla_due  ON incidents(sla_due);
CREATE INDEX incidents_open     ON incidents(is_open, priority, created_at);
CREATE INDEX incidents_updated  ON incidents(is_open, updated_at);

CREATE TABLE incident_services(
  service  TEXT NOT NULL,
  incident INTEGER NOT NULL,
  PRIMARY KEY(service, incident)
) WITHOUT ROWID;
CREATE INDEX incident_services_by_incident ON incident_services(incident);

-- Search documents: rowid = incident id for title+description, 10^12 + event seq for notes.
CREATE VIRTUAL TABLE search USING fts5(body, incident UNINDEXED, tokenize = 'unicode61');

CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters VALUES ('incident_number', 0);
