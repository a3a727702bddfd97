-- SPDX-License-Identifier: MIT
-- When a delivery's send was first started (ms since epoch, 0: never). Written and
-- committed before the request leaves, so a delivery that was sent but whose outcome was
-- never committed (a crash between Slack's answer and the local commit) is known to be
-- possibly sent: its retry first looks for the message's marker in the channel history.
ALTER TABLE notify_deliveries ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;
