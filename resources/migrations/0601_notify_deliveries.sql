-- SPDX-License-Identifier: MIT
-- Durable notification delivery queue: one row per (event, channel), so a notification is
-- queued once however often the log is scanned, retried until delivered or given up, and
-- never sent twice once delivered. Rebuildable from the log: the requesting events give
-- the rows, notification.delivered / notification.failed events give their outcome.
CREATE TABLE notify_deliveries(
  event_id   TEXT NOT NULL,               -- the event that asked for it
  channel    TEXT NOT NULL,               -- channel name (page_oncall, sla_topic, slack:war_room, ...)
  incident   TEXT NOT NULL,               -- incident UUID
  seq        INTEGER NOT NULL,            -- the event's log position (delivery order)
  transport  TEXT NOT NULL,               -- sns | slack | webhook
  message    TEXT NOT NULL,               -- JSON: what to send
  status     TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | failed
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    INTEGER NOT NULL DEFAULT 0,  -- ms since epoch
  last_error TEXT NOT NULL DEFAULT '',
  remote_id  TEXT NOT NULL DEFAULT '',    -- SNS MessageId, Slack ts, webhook status
  PRIMARY KEY(event_id, channel)
) WITHOUT ROWID;
CREATE INDEX notify_deliveries_due ON notify_deliveries(status, next_at, seq);

-- The Slack war-room channel of each incident (also recorded on the timeline).
CREATE TABLE notify_slack_rooms(
  incident   TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  name       TEXT NOT NULL
) WITHOUT ROWID;
