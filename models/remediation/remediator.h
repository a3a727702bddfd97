// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "remediation/remediationstore.h"
#include "remediation/rules.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::remediation {

/// Timeline event kinds of the remediation module.
namespace kinds {
inline const QString Skipped = QStringLiteral("remediation.skipped");
inline const QString AwaitingApproval = QStringLiteral("remediation.awaiting_approval");
inline const QString Queued = QStringLiteral("remediation.queued");
inline const QString Sent = QStringLiteral("remediation.sent");
inline const QString Succeeded = QStringLiteral("remediation.succeeded");
inline const QString Failed = QStringLiteral("remediation.failed");
inline const QString DeadLettered = QStringLiteral("remediation.dead_lettered");
inline const QString Retried = QStringLiteral("remediation.retried");
inline const QString Dismissed = QStringLiteral("remediation.dismissed");
// The triage contract: the classifier records triage.suggested (payload category,
// confidence); a person's acceptance records triage.accepted.
inline const QString TriageSuggested = QStringLiteral("triage.suggested");
inline const QString TriageAccepted = QStringLiteral("triage.accepted");
} // namespace kinds

/// Names of the safety controls, as recorded in a skipped decision.
namespace controls {
inline const QString PriorityPolicy = QStringLiteral("auto_remediation");
inline const QString ConfidenceThreshold = QStringLiteral("confidence_threshold");
inline const QString MaintenanceWindow = QStringLiteral("maintenance_window");
inline const QString RecentChange = QStringLiteral("recent_change");
inline const QString DryRun = QStringLiteral("dry_run");
inline const QString ApprovalRequired = QStringLiteral("approval_required");
} // namespace controls

/// What triage says about an incident: the latest triage.suggested, unless a person set
/// the category (a category field change by a person, a category given when opening, or
/// triage.accepted), which counts with confidence 1.0.
struct TriageFacts {
    QString category;
    double confidence = 0.0;
    QString source; // none | suggested | accepted | person
};
TriageFacts triageFacts(const QList<domain::Event> &timeline);

/// The outcome of evaluating one incident.
struct Decision {
    const Rule *rule = nullptr; // null: no rule matched (nothing is recorded)
    QString kind;               // kinds::Skipped / AwaitingApproval / Queued
    QString control;            // the control that stopped it (skipped, awaiting approval)
    QString reason;
    QJsonObject payload; // the event payload (message included)
};

/// Decides remediations and records every step on the incident's timeline through the
/// engine. The rows (remediations, the dispatch outbox, the audit trail) are written by a
/// commit hook from those events, so a decision and its queued message commit together.
/// No network here: RemediationDispatcher sends what is queued.
class Remediator {
public:
    Remediator(engine::LifecycleEngine &engine, RuleSet rules, RemediationConfig config);

    /// Installs the row-writing commit hook on `engine` (once per engine).
    static void attach(engine::LifecycleEngine &engine);
    /// Builds one with the database's settings and rules (remediation.rules or the defaults).
    static Result<Remediator> fromSettings(engine::LifecycleEngine &engine);

    const RuleSet &rules() const { return m_rules; }
    const RemediationConfig &config() const { return m_config; }
    void setConfig(const RemediationConfig &c) { m_config = c; }
    RemediationStore &store() { return m_rstore; }
    engine::LifecycleEngine &engine() { return m_engine; }

    /// Evaluates incidents that were opened or got a new triage result since the last
    /// scan and records the decisions; answers how many decisions were recorded.
    Result<int> scan();
    /// What would be decided for the incident now, without recording anything.
    Result<Decision> preview(const QString &incidentRef);

    /// A person approves a remediation waiting at the approval gate; the other controls
    /// are checked again first. `ref` is a correlation id, or an incident with exactly one
    /// remediation waiting.
    Result<RemediationRow> approve(const QString &ref, const QString &actor);
    /// Queues a failed remediation again as a new attempt (new deduplication id).
    Result<RemediationRow> retry(const QString &correlationId, const QString &actor);
    Result<RemediationRow> dismiss(const QString &correlationId, const QString &actor,
                                   const QString &reason);

    /// Outcomes reported by the dispatcher.
    Status recordSent(const DispatchRow &d, const QString &remoteId);
    /// Many sends at once (one transaction): (row, SQS message id) pairs.
    Status recordSent(const QList<QPair<DispatchRow, QString>> &sent);
    /// A result message from the executors. Answers false for a result already recorded
    /// or one for no known remediation (the message can be deleted either way).
    Result<bool> recordResult(const QJsonObject &result);
    /// A message found in the dead-letter queue (the original action message).
    Result<bool> recordDeadLetter(const QJsonObject &message, int receiveCount);
    /// The answer of an HTTP remediation hook (success, or a final failure; `deadLetter`:
    /// given up after the queue's attempts rather than refused).
    Status recordHookOutcome(const DispatchRow &d, bool success, const QString &output,
                             bool deadLetter = false);

    /// Deterministic: the same incident, rule and trigger give the same id.
    static QString correlationId(const QString &incidentUid, const QString &ruleId,
                                 const QString &triggerEventId);
    /// The deduplication id / idempotency key of an attempt.
    static QString dedupId(const QString &correlationId, int attempt);

private:
    Decision decide(const domain::Incident &inc, const TriageFacts &facts, const QString &trigger,
                    qint64 now);
    /// The controls that apply again at approval and retry time (maintenance, change, dry run).
    QPair<QString, QString> recheck(const domain::Incident &inc, const RemediationRow &row,
                                    qint64 now);
    Status record(const QString &incidentUid, const QString &kind, const QJsonObject &payload,
                  const QString &actor);
    /// The remediation, or "no remediation ..." (not_found).
    Result<RemediationRow> existing(const QString &correlationId);
    /// The remediation when it failed, else why it cannot be `verb`ed ("retried").
    Result<RemediationRow> failedOne(const QString &correlationId, const QString &verb);
    /// The remediation whose attempt `attempt` is in flight (queued or sent); none for an
    /// answer to another attempt or a repeat, and none, with a warning naming `what`, for
    /// an unknown one.
    std::optional<RemediationRow> inFlight(const QString &correlationId, int attempt,
                                           const char *what);

    engine::LifecycleEngine &m_engine;
    RuleSet m_rules;
    RemediationConfig m_config;
    RemediationStore m_rstore;
};

} // namespace sitrep::remediation
