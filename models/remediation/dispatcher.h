// SPDX-License-Identifier: MIT
#pragma once

#include "engine/wakeup.h"
#include "remediation/remediator.h"
#include "util/result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace sitrep::aws {
class SqsClient;
}

namespace sitrep::remediation {

/// What one round of the dispatcher did.
struct RoundStats {
    int decided = 0;     // decisions recorded by the scan
    int sent = 0;        // messages accepted by SQS or a hook
    int sendErrors = 0;  // sends that will be retried
    int results = 0;     // results recorded from the results queue
    int deadLetters = 0; // failed remediations found in the DLQ
    QJsonObject toJson() const;
};

/// Sends what the Remediator queued (SQS FIFO: MessageGroupId = incident, deduplication
/// id = the attempt's correlation id; HTTP hooks: Idempotency-Key = the same id), with
/// retries by the remediation queue's backoff policy, and reads the results queue and the
/// dead-letter queue back onto the timeline. Every outcome goes through the Remediator (an event,
/// then the rows).
class RemediationDispatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemediationDispatcher)
public:
    /// `sqs` may be null: SQS actions then wait in the outbox, hooks still go out.
    RemediationDispatcher(Remediator &remediator, QNetworkAccessManager &nam, aws::SqsClient *sqs,
                          QObject *parent = nullptr);
    ~RemediationDispatcher() override;

    /// Long-poll seconds for the results and dead-letter queues (0..20).
    void setWaitSeconds(int s) { m_waitSeconds = s; }
    /// Tries per hook message before it counts as a failed remediation (the remediation
    /// queue's policy; SQS sends are retried until SQS takes them).
    void setMaxHookTries(int n) { m_remediator.store().dispatchQueue().policy().setMaxAttempts(n); }

    /// Creates the FIFO queues: the DLQ, the P1 queue (short visibility timeout) and the
    /// standard queue, both with a redrive policy to the DLQ, and the results queue.
    void provisionQueues(std::function<void(Status)> done);

    /// Sends every due outbox message once; `done` gets the stats.
    void sendDue(std::function<void(RoundStats)> done);
    /// One receive on the results queue, then one on the DLQ.
    void pollQueues(std::function<void(Result<RoundStats>)> done);
    /// Scan, send, poll: one full round.
    void runOnce(std::function<void(Result<RoundStats>)> done);

    /// Runs rounds after every engine commit and every `intervalMs`.
    void start(int intervalMs = 2000);
    void stop();
    bool busy() const { return m_busy; }
    /// SQS messages waiting for an endpoint (only without one).
    qint64 waitingForSqsCount() const { return m_waitingForSqs; }

Q_SIGNALS:
    /// Something was recorded (a decision, a send, a result, a dead letter).
    void changed();
    void roundFailed(const QString &error);
    /// Without an SQS endpoint, SQS messages wait in the outbox instead of being retried:
    /// said once each time the number waiting changes (0: none waits any more).
    void waitingForSqs(qint64 messages);

private:
    void queueUrl(const QString &name, std::function<void(Result<QString>)> done);
    void sendHook(const DispatchRow &d, std::function<void(bool ok)> done);
    /// Up to ten SQS messages for one queue in one SendMessageBatch; `done` gets (sent, failed).
    void sendBatch(const QList<DispatchRow> &rows, std::function<void(int, int)> done);
    void failSend(const DispatchRow &d, const QString &error);
    void pollQueue(const QString &name, bool deadLetters, std::function<void(Result<int>)> done);
    void kick();

    Remediator &m_remediator;
    QNetworkAccessManager &m_nam;
    aws::SqsClient *m_sqs;
    QHash<QString, QString> m_urls;
    int m_waitSeconds = 1;
    engine::Wakeup m_wakeup{m_remediator.engine(), this, [this] { kick(); }};
    bool m_busy = false;
    bool m_again = false;
    qint64 m_waitingForSqs = 0;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace sitrep::remediation
