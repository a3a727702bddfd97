-- SPDX-License-Identifier: MIT
-- Alert links leave the incident row: one row per link, written by the projection as one
-- INSERT per alert.linked (the row's JSON list was rewritten whole on every link, so linking
-- cost grew with the alerts an incident already had), and the row keeps their count.
CREATE TABLE incident_alerts(
  incident INTEGER NOT NULL,   -- incidents.id
  alert    TEXT NOT NULL,      -- the alert id of the link (alert.linked's "alert")
  ord      INTEGER NOT NULL,   -- 1, 2, ... in the order the log folds the links
  PRIMARY KEY(incident, alert)
) WITHOUT ROWID;
CREATE INDEX incident_alerts_in_order ON incident_alerts(incident, ord);
ALTER TABLE incidents ADD COLUMN alert_count INTEGER NOT NULL DEFAULT 0;
INSERT OR IGNORE INTO incident_alerts(incident, alert, ord)
  SELECT i.id, j.value, j.key + 1 FROM incidents i, json_each(i.alerts) j WHERE i.alerts <> '[]';
UPDATE incidents SET alert_count = (SELECT count(*) FROM incident_alerts a WHERE a.incident = incidents.id)
  WHERE alerts <> '[]';
ALTER TABLE incidents DROP COLUMN alerts;
