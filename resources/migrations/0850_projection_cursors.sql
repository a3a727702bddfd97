-- SPDX-License-Identifier: MIT
-- One cursor per projection of the event log (engine/projectionregistry.h): the seq of the
-- last event the projection has folded in. The registry moves it in the transaction that
-- applies the events, so a projection sees every event once, whoever appended it.
CREATE TABLE projection_cursors(
  name TEXT PRIMARY KEY,
  seq  INTEGER NOT NULL
) WITHOUT ROWID;

-- The cursors that used to live in meta carry over, so nothing is folded twice or skipped.
-- The knowledge base started at the end of the log when it was first attached (its history
-- came from a rebuild); a database that never had one keeps that rule. The action items
-- were folded from the first event.
INSERT INTO projection_cursors(name, seq)
  SELECT 'knowledge_base', COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'kb.seq'),
                                    (SELECT COALESCE(MAX(seq), 0) FROM events));
INSERT INTO projection_cursors(name, seq)
  SELECT 'action_items', COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'action_items.seq'), 0);
DELETE FROM meta WHERE key IN ('kb.seq', 'action_items.seq');
