// SPDX-License-Identifier: MIT
#pragma once

#include "aws/sqsclient.h"
#include "delivery/backoffpolicy.h"
#include "store/store.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace sitrep::ingest {
class IngestPipeline;
}
namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::ingest {

struct SqsConsumerConfig {
    QString queueUrl;
    int waitSeconds = 20; // long poll
    int maxMessages = 10;
    int visibilityTimeout = -1; // -1: the queue's own
    /// Message attribute naming the ingestion source (SNS envelope or SQS attribute).
    QString sourceAttribute = QStringLiteral("source");
    /// Source when a message names none.
    QString defaultSource = QStringLiteral("generic");
    /// Seconds a message stays hidden after a transient failure (database busy).
    int retryDelaySeconds = 5;
    /// Pause after a failed receive, doubled up to the maximum (delivery::BackoffPolicy).
    int errorBackoffMs = 1000;
    int maxErrorBackoffMs = 30000;
};

/// One alert payload taken out of an SQS message.
struct InboundAlert {
    QString dedupKey; // sns:<id> | fifo:<dedup id> | sqs:<id>
    QString source;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names, as a webhook would have them
    bool snsEnvelope = false;
};

/// Hands a payload to ingestion; returns once it committed. Error::code "invalid",
/// "unknown_source" or "not_found" mean the message can never succeed (it is left to the
/// queue's dead-letter policy); anything else is retried.
using IngestHandler = std::function<Status(const InboundAlert &alert)>;

struct ConsumerStats {
    int received = 0;
    int ingested = 0;
    int duplicates = 0;
    int rejected = 0;
    int retried = 0;
    int deleted = 0;
};

/// Long-polls an SQS queue whose messages are alert payloads (an SNS envelope whose
/// Message is the payload, or the payload itself with raw delivery), ingests each one and
/// deletes it only after the ingestion committed and its key was recorded. A redelivered
/// message whose key is known is deleted without ingesting it again.
class SqsAlertConsumer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqsAlertConsumer)
public:
    SqsAlertConsumer(aws::SqsClient &sqs, store::Store &store, IngestHandler handler,
                     SqsConsumerConfig config, QObject *parent = nullptr);
    ~SqsAlertConsumer() override;

    /// The handler that feeds the ingestion pipeline.
    static IngestHandler pipelineHandler(ingest::IngestPipeline &pipeline);
    /// Decodes a received message: envelope or raw, the source, the dedup key.
    static InboundAlert decode(const aws::SqsMessage &message, const SqsConsumerConfig &config);

    /// Writes each message's inbox row inside the engine transaction that commits its
    /// ingestion (a commit hook), so "ingested" and "known" can never disagree, even when
    /// the process dies right after the commit. Without it the row follows the commit.
    void attachTo(engine::LifecycleEngine &engine);

    /// Polls until stop().
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    /// One receive-ingest-delete round; `done` gets how many messages it received.
    void pollOnce(std::function<void(Result<int>)> done);

    /// Test hook, called after a message committed and before its delete; returning false
    /// abandons the message there, as if the process died at that point.
    void setBeforeDeleteHook(std::function<bool(const aws::SqsMessage &)> hook)
    {
        m_beforeDelete = std::move(hook);
    }

    const ConsumerStats &stats() const { return m_stats; }
    const SqsConsumerConfig &config() const { return m_config; }

Q_SIGNALS:
    void messageHandled(const QString &dedupKey, bool duplicate);
    void messageRejected(const QString &dedupKey, const QString &reason);
    void pollFailed(const QString &error);
    /// A receive round of the running loop finished (`count` messages).
    void polled(int count);

private:
    enum class Outcome { Delete, Retry, Leave };
    Outcome handle(const aws::SqsMessage &message);
    bool known(const QString &key);
    Status record(const InboundAlert &alert, const QString &status, const QString &detail);
    void scheduleNext(int delayMs);

    aws::SqsClient &m_sqs;
    store::Store &m_store;
    IngestHandler m_handler;
    SqsConsumerConfig m_config;
    std::function<bool(const aws::SqsMessage &)> m_beforeDelete;
    ConsumerStats m_stats;
    bool m_running = false;
    bool m_polling = false;
    delivery::BackoffPolicy m_backoff;
    int m_pollFailures = 0;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
    struct Staged; // the message whose ingestion is running, for the commit hook
    std::shared_ptr<Staged> m_staged;
};

} // namespace sitrep::ingest
