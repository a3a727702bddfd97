-- SPDX-License-Identifier: MIT
-- Alerts are looked up by group only while their group waits below the threshold (no incident
-- yet), and then only the firing ones. Indexing every alert by group cost an index entry per
-- alert, and a moved one per status change, for a lookup a group with an incident never makes.
-- An alert joins a group with an incident with that incident set, so this partial index holds
-- every alert the lookup can find.
DROP INDEX ingest_alerts_by_group;
CREATE INDEX ingest_alerts_waiting ON ingest_alerts(group_id) WHERE incident = '' AND status = 'firing';
