-- SPDX-License-Identifier: MIT
-- War-room reminders are checked for every open incident, not only those open in a
-- window: one range seek per reminder kind. "No commander" starts at creation; "no status
-- update" at the later of creation and the last update; "postmortem due" at resolution,
-- for resolved incidents not closed yet (resolved states are not open).
CREATE INDEX incidents_reminder_commander ON incidents(is_open, resolved_at, commander, created_at);
CREATE INDEX incidents_reminder_status ON incidents(is_open, resolved_at, MAX(last_status_at, created_at));
CREATE INDEX incidents_reminder_postmortem ON incidents(closed_at, resolved_at);
