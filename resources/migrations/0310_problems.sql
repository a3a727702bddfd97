-- SPDX-License-Identifier: MIT
-- Problem management (ITIL): problems linking incidents, the known-error database, and
-- knowledge-base articles built from known errors and resolution notes.
CREATE TABLE problems(
  id          INTEGER PRIMARY KEY,
  number      TEXT NOT NULL UNIQUE,            -- PRB0000001
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'known_error', 'resolved', 'closed')),
  root_cause  TEXT NOT NULL DEFAULT '',
  workaround  TEXT NOT NULL DEFAULT '',
  owner       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE problem_incidents(
  problem_id   INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  incident_uid TEXT NOT NULL,
  number       TEXT NOT NULL,
  linked_at    INTEGER NOT NULL,
  linked_by    TEXT NOT NULL,
  PRIMARY KEY(problem_id, incident_uid)
) WITHOUT ROWID;
CREATE INDEX problem_incidents_incident ON problem_incidents(incident_uid);

CREATE TABLE known_errors(
  id             INTEGER PRIMARY KEY,
  number         TEXT NOT NULL UNIQUE,         -- KE0000001
  problem_id     INTEGER REFERENCES problems(id) ON DELETE SET NULL,
  title          TEXT NOT NULL,
  symptom        TEXT NOT NULL,
  workaround     TEXT NOT NULL DEFAULT '',
  root_cause     TEXT NOT NULL DEFAULT '',
  services       TEXT NOT NULL DEFAULT '[]',
  incident_count INTEGER NOT NULL DEFAULT 0,
  last_seen_at   INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE known_error_incidents(
  known_error_id INTEGER NOT NULL REFERENCES known_errors(id) ON DELETE CASCADE,
  incident_uid   TEXT NOT NULL,
  number         TEXT NOT NULL,
  linked_at      INTEGER NOT NULL,
  PRIMARY KEY(known_error_id, incident_uid)
) WITHOUT ROWID;

-- Knowledge base: one article per known error (id "KE0000001") and per resolved incident
-- with a resolution note (id "resolution:INC0000001"). The resolution articles are derived
-- from the log and rebuilt by ProblemStore::rebuildKnowledgeBase().
CREATE TABLE kb_articles(
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('known_error', 'resolution')),
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  tags       TEXT NOT NULL DEFAULT '[]',
  source_ref TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
CREATE INDEX kb_articles_kind ON kb_articles(kind, updated_at);
