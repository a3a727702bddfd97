-- SPDX-License-Identifier: MIT
-- Evidence files and screenshots, stored with the incident, addressed by content hash.
CREATE TABLE attachments(
  sha256     BLOB PRIMARY KEY,
  name       TEXT NOT NULL,
  mime       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  data       BLOB NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
