-- SPDX-License-Identifier: MIT
-- Triage: trained classifier versions. Feedback (triage.accepted / triage.rejected) lives in
-- the event log like every other change; the partial index finds it without a scan.
CREATE TABLE triage_models(
  version        INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  examples       INTEGER NOT NULL,            -- labelled incidents and exemplars trained on
  resolved_count INTEGER NOT NULL,            -- resolved incidents in the cache at training time
  feedback_seq   INTEGER NOT NULL DEFAULT 0,  -- last feedback event (events.seq) used
  feedback_count INTEGER NOT NULL DEFAULT 0,
  model          BLOB NOT NULL                -- TriageModel::serialize()
);
CREATE INDEX events_triage_feedback ON events(seq) WHERE kind IN ('triage.accepted', 'triage.rejected');
