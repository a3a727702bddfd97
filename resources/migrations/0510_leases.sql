-- SPDX-License-Identifier: MIT
-- Leases of singleton jobs between processes that share this database file and no back end
-- (sync/localleases.h): which process runs each job, until when. Not history: rows are
-- overwritten and deleted, and never synced.
CREATE TABLE leases(
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at INTEGER NOT NULL -- ms since the epoch, the wall clock of the machine
) WITHOUT ROWID;
