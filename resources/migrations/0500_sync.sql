-- SPDX-License-Identifier: MIT
-- Sync outbox: events this replica produced that the back end has not acknowledged yet.
-- Rows are written in the same transaction as their events (engine commit hook) and
-- removed once the back end answered 2xx. Not a projection: it is delivery state.
CREATE TABLE sync_outbox(
  seq        INTEGER PRIMARY KEY,          -- send order
  event_id   BLOB NOT NULL UNIQUE,         -- the event's UUID, also the Idempotency-Key
  event_seq  INTEGER NOT NULL,             -- events.seq of the event
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    INTEGER NOT NULL DEFAULT 0,   -- ms since epoch; not before
  status     TEXT NOT NULL DEFAULT 'pending', -- pending | rejected (the back end refused it for good)
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_outbox_pending ON sync_outbox(status, seq);
