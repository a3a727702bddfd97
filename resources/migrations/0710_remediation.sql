-- SPDX-License-Identifier: MIT
-- Auto-remediation (seed 002): maintenance windows and changes per configuration item,
-- the state of every remediation decision, its durable dispatch queue and the
-- append-only audit trail. remediations and remediation_dispatch are written only by the
-- engine commit hook that sees the remediation.* events, so a decision, its timeline event
-- and its queued message commit together or not at all.

CREATE TABLE remediation_maintenance(
  id         INTEGER PRIMARY KEY,
  ci         TEXT NOT NULL,             -- configuration item (a service name)
  starts_at  INTEGER NOT NULL,          -- ms since epoch
  ends_at    INTEGER NOT NULL,          -- ms since epoch, > starts_at
  reason     TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX remediation_maintenance_ci ON remediation_maintenance(ci, ends_at);

CREATE TABLE remediation_changes(
  id             INTEGER PRIMARY KEY,
  ci             TEXT NOT NULL,
  implemented_at INTEGER NOT NULL,      -- ms since epoch
  summary        TEXT NOT NULL,
  ref            TEXT NOT NULL DEFAULT '', -- change ticket (CHG0001234, PR URL, ...)
  created_by     TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX remediation_changes_ci ON remediation_changes(ci, implemented_at);

-- One row per decision (incident x rule): its current status.
CREATE TABLE remediations(
  correlation_id TEXT PRIMARY KEY,
  incident       TEXT NOT NULL,          -- incident UUID
  number         TEXT NOT NULL,
  rule           TEXT NOT NULL,
  action_type    TEXT NOT NULL,
  target         TEXT NOT NULL,
  spec           TEXT NOT NULL,          -- JSON: the message body that is (or would be) sent
  priority       TEXT NOT NULL,
  transport      TEXT NOT NULL,          -- sqs | hook:<id>
  destination    TEXT NOT NULL,          -- queue name or hook endpoint
  status         TEXT NOT NULL,          -- skipped | awaiting_approval | queued | sent | succeeded | failed | dismissed
  control        TEXT NOT NULL DEFAULT '', -- the safety control that stopped it
  reason         TEXT NOT NULL DEFAULT '',
  approved_by    TEXT NOT NULL DEFAULT '',
  attempt        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  last_event     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX remediations_incident ON remediations(incident, rule);
CREATE INDEX remediations_status ON remediations(status, updated_at);

-- Messages waiting to leave (the remediation outbox): one row per attempt.
CREATE TABLE remediation_dispatch(
  id             INTEGER PRIMARY KEY,
  correlation_id TEXT NOT NULL,
  attempt        INTEGER NOT NULL,
  transport      TEXT NOT NULL,           -- sqs | hook:<id>
  destination    TEXT NOT NULL,           -- queue name or endpoint URL
  method         TEXT NOT NULL DEFAULT 'POST',
  group_id       TEXT NOT NULL,           -- MessageGroupId (the incident)
  dedup_id       TEXT NOT NULL,           -- MessageDeduplicationId / Idempotency-Key
  body           TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending', -- pending | sent | failed
  tries          INTEGER NOT NULL DEFAULT 0,
  next_at        INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT NOT NULL DEFAULT '',
  remote_id      TEXT NOT NULL DEFAULT '',
  UNIQUE(correlation_id, attempt)
);
CREATE INDEX remediation_dispatch_due ON remediation_dispatch(status, next_at, id);

-- The audit trail (seed 002): every action's result. Append-only: no UPDATE ever, and a
-- DELETE only for rows older than the retention period (pruning).
CREATE TABLE remediation_audit(
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  recorded_at      INTEGER NOT NULL,
  incident         TEXT NOT NULL,
  number           TEXT NOT NULL,
  workflow         TEXT NOT NULL,
  workflow_version TEXT NOT NULL,
  rule             TEXT NOT NULL,
  action_type      TEXT NOT NULL,
  target           TEXT NOT NULL,
  result           TEXT NOT NULL CHECK (result IN ('success', 'failure', 'skipped')),
  control          TEXT NOT NULL DEFAULT '',
  identity         TEXT NOT NULL DEFAULT '',  -- executing identity (IAM role) or the person/system
  approved_by      TEXT NOT NULL DEFAULT '',
  event_id         TEXT NOT NULL DEFAULT '',  -- CloudTrail event id of the AWS API call
  correlation_id   TEXT NOT NULL,
  attempt          INTEGER NOT NULL DEFAULT 1,
  sitrep_event     TEXT NOT NULL,             -- the timeline event that recorded it
  output           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX remediation_audit_time ON remediation_audit(recorded_at);

CREATE TABLE remediation_audit_policy(
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  retention_days INTEGER NOT NULL CHECK (retention_days >= 1)
);
INSERT INTO remediation_audit_policy(id, retention_days) VALUES (1, 2557); -- seven years

CREATE TRIGGER remediation_audit_no_update BEFORE UPDATE ON remediation_audit
BEGIN
  SELECT RAISE(ABORT, 'remediation audit records are append-only');
END;

CREATE TRIGGER remediation_audit_retention BEFORE DELETE ON remediation_audit
WHEN OLD.recorded_at >= CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)
                        - (SELECT retention_days FROM remediation_audit_policy WHERE id = 1) * 86400000
BEGIN
  SELECT RAISE(ABORT, 'remediation audit records are kept for the retention period');
END;

CREATE TRIGGER remediation_audit_policy_no_delete BEFORE DELETE ON remediation_audit_policy
BEGIN
  SELECT RAISE(ABORT, 'the audit retention policy cannot be removed');
END;
