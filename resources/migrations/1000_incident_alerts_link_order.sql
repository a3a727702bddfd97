-- SPDX-License-Identifier: MIT
-- Alert links keyed in link order. Keyed by (incident, alert), each link of a storm went into
-- a random page of its incident's range (alert ids are hashes): once an incident held more
-- links than a commit writes, every link dirtied a page of its own, and the cost of a link grew
-- with the links the incident had. Keyed by (incident, ord), links append.
--
-- "Is this alert linked already?" (Store::alertLinked()) then asks the log for most links: a
-- link made by its once-only alert.linked event (domain::onceEventId() of the incident, the
-- kind and the alert: every link the engine makes, here or on another replica) is found by that
-- event's id in the log's id index. The other links (those an opening names, and alert.linked
-- events recorded under another id, as replicas before once-only events wrote them) have
-- `once` = 0 and are found by name in a partial index that holds only them, so a storm's links
-- write no random key here. The projection sets `once` from the log the same way on every path
-- (projector, rebuild, bulk load); verify compares it with the rest of the row.
CREATE TABLE incident_alerts_in_link_order(
  incident INTEGER NOT NULL,   -- incidents.id
  ord      INTEGER NOT NULL,   -- 1, 2, ... in the order the log folds the links
  alert    TEXT NOT NULL,      -- the alert id of the link
  once     INTEGER NOT NULL DEFAULT 0, -- 1: the log holds the link's once-only alert.linked event
  PRIMARY KEY(incident, ord)
) WITHOUT ROWID;
INSERT INTO incident_alerts_in_link_order(incident, ord, alert, once)
  SELECT a.incident, a.ord, a.alert,
         EXISTS(SELECT 1 FROM events e
                WHERE e.id = sitrep_once_event_id(i.uid, 'alert.linked', a.alert)
                  AND e.kind = 'alert.linked')
  FROM incident_alerts a LEFT JOIN incidents i ON i.id = a.incident;
DROP TABLE incident_alerts;
ALTER TABLE incident_alerts_in_link_order RENAME TO incident_alerts;
CREATE UNIQUE INDEX incident_alerts_by_name ON incident_alerts(incident, alert) WHERE once = 0;
