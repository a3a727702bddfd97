// SPDX-License-Identifier: MIT
#pragma once

#include "delivery/deliveryqueue.h"
#include "store/store.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sitrep::remediation {

/// What a person recorded about a configuration item: a maintenance window or a change.
struct CiRecord {
    qint64 id = 0;
    QString ci;
    QString createdBy;
    qint64 createdAt = 0;

protected:
    /// The JSON form: `more` with these fields.
    QJsonObject recordJson(QJsonObject more) const;
};

/// A period in which nothing may be remediated automatically on a configuration item.
struct MaintenanceWindow : CiRecord {
    qint64 startsAt = 0;
    qint64 endsAt = 0;
    QString reason;
    bool activeAt(qint64 now) const { return startsAt <= now && now < endsAt; }
    QJsonObject toJson() const;
};

/// A change implemented on a configuration item (deploy, config change, migration).
struct ChangeRecord : CiRecord {
    qint64 implementedAt = 0;
    QString summary;
    QString ref;
    QJsonObject toJson() const;
};

/// The current status of one remediation decision.
struct RemediationRow {
    QString correlationId;
    QString incident;
    QString number;
    QString rule;
    QString actionType;
    QString target;
    QJsonObject message; // the message body that is (or would be) sent
    QString priority;
    QString transport;
    QString destination;
    QString status;
    QString control;
    QString reason;
    QString approvedBy;
    int attempt = 1;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QString lastEvent;
    QJsonObject toJson() const;
};

/// One audit record (seed 002's fields).
struct AuditRecord {
    qint64 id = 0;
    qint64 recordedAt = 0;
    QString incident;
    QString number;
    QString workflow;
    QString workflowVersion;
    QString rule;
    QString actionType;
    QString target;
    QString result; // success | failure | skipped
    QString control;
    QString identity;
    QString approvedBy;
    QString eventId;
    QString correlationId;
    int attempt = 1;
    QString sitrepEvent;
    QString output;
    QJsonObject toJson() const;
};

/// One queued message of the remediation queue (delivery::queues::Remediation, keyed by
/// the deduplication id), as the dispatcher reads it.
struct DispatchRow {
    qint64 id = 0;
    QString correlationId;
    int attempt = 1;
    QString transport;   // sqs | hook:<id>
    QString destination; // queue name or endpoint URL
    QString method;
    QString groupId;
    QString dedupId;
    QByteArray body;
    QString status; // pending | delivered | failed | dead
    int tries = 0;
    qint64 nextAt = 0;
    QString lastError;
};

/// Settings of the remediation module, kept in the database (meta remediation.*).
struct RemediationConfig {
    bool dryRun = false;
    double confidenceThreshold = 0.8;
    int changeWindowMinutes = 30;
    QString rules; // file or folder; empty: the built-in defaults
    QString p1Queue = QStringLiteral("sitrep-remediation-p1.fifo");
    QString standardQueue = QStringLiteral("sitrep-remediation-standard.fifo");
    QString dlq = QStringLiteral("sitrep-remediation-dlq.fifo");
    QString resultsQueue = QStringLiteral("sitrep-remediation-results.fifo");
    int p1VisibilityTimeout = 30;        // seconds: the P1 queue hides a message shorter...
    int standardVisibilityTimeout = 120; // ...than the standard queue
    int p1Consumers = 4;                 // ...and is worked by more consumers
    int standardConsumers = 1;
    int maxReceiveCount = 3; // receives before the DLQ
    QString autoIdentity = QStringLiteral("sitrep-auto-remediation");

    static RemediationConfig load(store::Store &store);
    /// The keys `sitrep remediation config` knows, with a one-line help each.
    static QList<QPair<QString, QString>> keys();
    /// Validates and stores one setting.
    static Status set(store::Store &store, const QString &key, const QString &value);
    static QString get(store::Store &store, const QString &key);
};

/// Maintenance windows, changes, remediation rows and the audit trail.
class RemediationStore {
public:
    /// Hooks are tried this often before the remediation counts as failed; SQS sends are
    /// retried until SQS takes them (its redrive policy gives up on the executors' side).
    static constexpr int DefaultMaxHookTries = 8;

    explicit RemediationStore(store::Store &store)
        : m_store(store), m_dispatch(store, delivery::queues::Remediation,
                                     delivery::BackoffPolicy(500, 60000, DefaultMaxHookTries))
    {
    }

    Result<qint64> addMaintenance(const QString &ci, qint64 startsAt, qint64 endsAt,
                                  const QString &reason, const QString &by, qint64 now);
    /// Windows that have not ended at `now` (all of them with includeEnded).
    QList<MaintenanceWindow> maintenance(qint64 now, bool includeEnded = false);
    /// Ends a running window at `now`.
    Status endMaintenance(qint64 id, qint64 now);
    Status removeMaintenance(qint64 id);
    /// A window active at `now` on any of `cis`.
    std::optional<MaintenanceWindow> activeMaintenance(const QStringList &cis, qint64 now);

    Result<qint64> addChange(const QString &ci, qint64 implementedAt, const QString &summary,
                             const QString &ref, const QString &by, qint64 now);
    /// Changes implemented after `since` (all with since = 0), newest first.
    QList<ChangeRecord> changes(qint64 since = 0);
    Status removeChange(qint64 id);
    /// The latest change on any of `cis` implemented in (now - windowMs, now].
    std::optional<ChangeRecord> recentChange(const QStringList &cis, qint64 now, qint64 windowMs);

    /// Remediation rows, newest first; `statuses` empty for all, `incident` a UUID or empty.
    QList<RemediationRow> remediations(const QStringList &statuses = {},
                                       const QString &incident = {}, int limit = 500);
    std::optional<RemediationRow> remediation(const QString &correlationId);
    /// Failed remediations (a DLQ message or a failed result) a person can retry or dismiss.
    QList<RemediationRow> failed() { return remediations({QStringLiteral("failed")}); }

    /// Pending rows due at `now`, oldest first; without `includeSqs` only those that go out
    /// by HTTP (hooks), for a dispatcher that has no SQS endpoint.
    QList<DispatchRow> dueDispatch(qint64 now, int limit, bool includeSqs = true);
    qint64 pendingDispatchCount() { return m_dispatch.count(delivery::State::Pending); }
    /// Pending rows that go out through SQS.
    qint64 pendingSqsCount()
    {
        return m_dispatch.count(delivery::State::Pending, QStringLiteral("sqs"));
    }
    /// The remediation queue itself (sends, failures, its backoff policy).
    delivery::DeliveryQueue &dispatchQueue() { return m_dispatch; }

    QList<AuditRecord> audit(qint64 from = 0, qint64 to = 0);
    int retentionDays();
    Status setRetentionDays(int days);
    /// Deletes audit records older than the retention period; answers how many.
    Result<int> pruneAudit();
    /// CSV (RFC 4180, header row) or JSON (array) of the audit records.
    static QByteArray exportAudit(const QList<AuditRecord> &records, const QString &format);

private:
    store::Store &m_store;
    delivery::DeliveryQueue m_dispatch;
};

} // namespace sitrep::remediation
