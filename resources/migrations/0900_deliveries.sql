-- SPDX-License-Identifier: MIT
-- One delivery queue for everything that leaves this machine: events for the back end
-- (sync), notifications (SNS, Slack, webhooks) and remediation messages (SQS, hooks). It
-- replaces sync_outbox, notify_deliveries and remediation_dispatch, which had the same
-- columns and each its own retry code; their rows move here, in their send order, so
-- nothing accepted before the upgrade is lost or sent twice. Delivery state, not a
-- projection (notify's rows can be derived again from the log; see Notifier::rebuild).
CREATE TABLE deliveries(
  id          INTEGER PRIMARY KEY,             -- enqueue order: a queue sends its oldest first
  queue       TEXT NOT NULL,                   -- sync | notify | remediation
  key         TEXT NOT NULL,                   -- unique in its queue; the idempotency key sent
  subject     TEXT NOT NULL DEFAULT '',        -- what it is about (incident UUID)
  event_seq   INTEGER NOT NULL DEFAULT 0,      -- events.seq of the event that asked for it
  transport   TEXT NOT NULL DEFAULT '',        -- rest | sns | slack | webhook | none | sqs | hook:<id>
  destination TEXT NOT NULL DEFAULT '',        -- notify channel, SQS queue name or endpoint URL
  attributes  TEXT NOT NULL DEFAULT '{}',      -- JSON: what the transport needs besides the body
  body        TEXT NOT NULL DEFAULT '',        -- what to send (sync sends the event itself)
  status      TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | failed (refused) | dead (given up)
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_at     INTEGER NOT NULL DEFAULT 0,      -- ms since epoch; not before
  started_at  INTEGER NOT NULL DEFAULT 0,      -- first send started, committed before it left
  last_error  TEXT NOT NULL DEFAULT '',
  remote_id   TEXT NOT NULL DEFAULT '',        -- SNS/SQS MessageId, Slack ts, HTTP status
  UNIQUE(queue, key)
);
CREATE INDEX deliveries_order ON deliveries(queue, status, id);
CREATE INDEX deliveries_subject ON deliveries(queue, subject);

-- Sync: the key is the event's UUID (its Idempotency-Key), in text form; a refusal by the
-- back end ('rejected') is a failed delivery.
INSERT INTO deliveries(queue, key, subject, event_seq, transport, status, attempts, next_at, last_error)
SELECT 'sync',
       lower(substr(hex(o.event_id), 1, 8) || '-' || substr(hex(o.event_id), 9, 4) || '-' ||
             substr(hex(o.event_id), 13, 4) || '-' || substr(hex(o.event_id), 17, 4) || '-' ||
             substr(hex(o.event_id), 21, 12)),
       coalesce((SELECT lower(substr(hex(e.incident), 1, 8) || '-' || substr(hex(e.incident), 9, 4) || '-' ||
                              substr(hex(e.incident), 13, 4) || '-' || substr(hex(e.incident), 17, 4) || '-' ||
                              substr(hex(e.incident), 21, 12))
                 FROM events e WHERE e.seq = o.event_seq), ''),
       o.event_seq, 'rest',
       CASE o.status WHEN 'rejected' THEN 'failed' ELSE 'pending' END,
       o.attempts, o.next_at, o.last_error
FROM sync_outbox o ORDER BY o.seq;

-- Notify: one delivery per (event, channel); the key is the receiver's idempotency key.
INSERT INTO deliveries(queue, key, subject, event_seq, transport, destination, body, status,
                       attempts, next_at, started_at, last_error, remote_id)
SELECT 'notify', event_id || ':' || channel, incident, seq, transport, channel, message, status,
       attempts, next_at, started_at, last_error, remote_id
FROM notify_deliveries ORDER BY seq, channel;

-- Remediation: the key is the attempt's deduplication id; 'sent' is delivered.
INSERT INTO deliveries(queue, key, subject, transport, destination, attributes, body, status,
                       attempts, next_at, last_error, remote_id)
SELECT 'remediation', dedup_id, group_id, transport, destination,
       json_object('correlation_id', correlation_id, 'attempt', attempt, 'method', method), body,
       CASE status WHEN 'sent' THEN 'delivered' ELSE status END,
       tries, next_at, last_error, remote_id
FROM remediation_dispatch ORDER BY id;

DROP TABLE sync_outbox;
DROP TABLE notify_deliveries;
DROP TABLE remediation_dispatch;
