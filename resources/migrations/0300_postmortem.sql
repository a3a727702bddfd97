-- SPDX-License-Identifier: MIT
-- Postmortem documents: authored content (not an incident projection), with every saved
-- version kept. Status changes and publishing are also recorded as events in the log.
CREATE TABLE postmortems(
  incident_uid TEXT PRIMARY KEY,
  number       TEXT NOT NULL,
  title        TEXT NOT NULL DEFAULT '',
  body         TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published')),
  owners       TEXT NOT NULL DEFAULT '[]',
  review_at    INTEGER NOT NULL DEFAULT 0,
  version      INTEGER NOT NULL DEFAULT 0,   -- latest saved version
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  autosaved_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX postmortems_status ON postmortems(status, updated_at);

CREATE TABLE postmortem_versions(
  id           INTEGER PRIMARY KEY,
  incident_uid TEXT NOT NULL REFERENCES postmortems(incident_uid) ON DELETE CASCADE,
  version      INTEGER NOT NULL,
  body         TEXT NOT NULL,
  status       TEXT NOT NULL,
  author       TEXT NOT NULL,
  note         TEXT NOT NULL DEFAULT '',
  saved_at     INTEGER NOT NULL,
  UNIQUE(incident_uid, version)
);

-- Projection of the action_item events (rebuildable from the log; the cursor is the meta
-- key action_items.seq).
CREATE TABLE action_items(
  id           TEXT PRIMARY KEY,
  incident_uid TEXT NOT NULL,
  number       TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL,
  owner        TEXT NOT NULL DEFAULT '',
  due          TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'open',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX action_items_status ON action_items(status, due);
CREATE INDEX action_items_incident ON action_items(incident_uid);
