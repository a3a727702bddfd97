-- SPDX-License-Identifier: MIT
-- Search finds incidents by their services, assignee and assignment group too: the
-- incident documents (rowid = incident id; notes live from 1000000000000 on) are written
-- again with them, as Store::searchDocument writes them from now on.
DELETE FROM search WHERE rowid < 1000000000000;
INSERT INTO search(rowid, body, incident)
  SELECT id, number || ' ' || title || char(10) || description || char(10) || services || ' ' || assignee || ' ' || assignment_group, id
  FROM incidents;
