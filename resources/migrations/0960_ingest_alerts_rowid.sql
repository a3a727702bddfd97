-- SPDX-License-Identifier: MIT
-- Alert state moves to a rowid table. Keyed by "source:fingerprint" (a hash, so random) and
-- WITHOUT ROWID, each new alert went into a random page of a table whose rows carry the whole
-- normalized alert: four rows to a page, so a storm of new alerts dirtied a page per alert, and
-- the two indexes, which carried that random key too, another page each. With a rowid the rows
-- append in arrival order, the indexes' entries append at the end of their incident's and
-- group's range, and only the narrow UNIQUE index on the key is written at random.
CREATE TABLE ingest_alerts_by_rowid(
  id           TEXT NOT NULL UNIQUE,    -- "source:fingerprint"
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
);
INSERT INTO ingest_alerts_by_rowid(id, group_id, incident, status, reported, severity, first_seen,
                                   last_seen, flap_start, flap_changes, flapping, alert)
  SELECT id, group_id, incident, status, reported, severity, first_seen, last_seen, flap_start,
         flap_changes, flapping, alert
  FROM ingest_alerts ORDER BY first_seen, id;
DROP TABLE ingest_alerts;
ALTER TABLE ingest_alerts_by_rowid RENAME TO ingest_alerts;
CREATE INDEX ingest_alerts_by_group ON ingest_alerts(group_id, status);
CREATE INDEX ingest_alerts_by_incident ON ingest_alerts(incident, status);
