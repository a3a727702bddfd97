-- SPDX-License-Identifier: MIT
-- Messages the SQS alert consumer has handled, by a key that survives redelivery (the SNS
-- MessageId of an envelope, else the FIFO deduplication id, else the SQS MessageId). A
-- redelivered message whose key is here is deleted without being ingested again. Not
-- derived from the event log: it records what arrived from outside.
CREATE TABLE aws_inbox(
  dedup_key   TEXT PRIMARY KEY,
  queue       TEXT NOT NULL,
  source      TEXT NOT NULL,
  status      TEXT NOT NULL,              -- ingested | rejected
  detail      TEXT NOT NULL DEFAULT '',   -- what ingest did, or why it was rejected
  received    INTEGER NOT NULL DEFAULT 1, -- deliveries seen
  handled_at  INTEGER NOT NULL
) WITHOUT ROWID;
