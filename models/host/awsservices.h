// SPDX-License-Identifier: MIT
#pragma once

#include "host/awssettings.h"
#include "notify/notifier.h"
#include "util/result.h"

#include <QNetworkAccessManager>
#include <QObject>

#include <memory>

namespace sitrep::engine {
class LifecycleEngine;
}
namespace sitrep::ingest {
class IngestPipeline;
class SqsAlertConsumer;
} // namespace sitrep::ingest
namespace sitrep::aws {
class SqsClient;
class SnsClient;
} // namespace sitrep::aws

namespace sitrep::host {

/// The notifier's SNS channels over `sns` (which must outlive the notifier); empty when
/// `sns` is null.
notify::TopicPublisher snsTopicPublisher(aws::SnsClient *sns);

/// The AWS side of a running Sitrep (the window, or anything with an event loop): the SQS
/// alert consumer when an alert queue is set, the notifier when notification channels are.
/// Everything is asynchronous on the owner's thread (network replies drive it; only short
/// transactions run in between), so a window that owns it keeps painting. stop() ends
/// polling and delivery; a message received but not yet committed simply comes back after
/// its visibility timeout, a delivery in flight is found by its marker or key next time.
class AwsServices final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsServices)
public:
    AwsServices(engine::LifecycleEngine &engine, host::AwsConfig config,
                std::shared_ptr<aws::CredentialsProvider> credentials, notify::SecretLookup secrets,
                QObject *parent = nullptr);
    ~AwsServices() override;

    /// Builds and starts what the configuration asks for; fails (starting nothing) when
    /// the configuration is invalid.
    Status start();
    void stop();

    bool consumerRunning() const;
    bool notifierRunning() const;
    ingest::SqsAlertConsumer *consumer() const { return m_consumer.get(); }
    notify::Notifier *notifier() const { return m_notifier.get(); }

    /// One line for a status bar: "alerts: listening, 3 ingested · notifications: 0 waiting".
    QString statusText() const;
    /// The last error (poll or delivery); empty once things work again.
    QString lastError() const { return m_lastError; }
    int alertsIngested() const;
    int notificationsDelivered() const { return m_delivered; }
    int notificationsFailed() const { return m_failed; }

Q_SIGNALS:
    void changed();

private:
    void setError(const QString &error);

    engine::LifecycleEngine &m_engine;
    host::AwsConfig m_config;
    std::shared_ptr<aws::CredentialsProvider> m_credentials;
    notify::SecretLookup m_secrets;
    // Declared first, destroyed last: replies still in flight are aborted only after
    // everything that could receive their answers is gone.
    QNetworkAccessManager m_nam;
    std::unique_ptr<aws::SqsClient> m_sqs;
    std::unique_ptr<aws::SnsClient> m_sns;
    std::unique_ptr<ingest::IngestPipeline> m_pipeline;
    std::unique_ptr<ingest::SqsAlertConsumer> m_consumer;
    std::unique_ptr<notify::Notifier> m_notifier;
    QString m_lastError;
    bool m_polledOk = false;
    bool m_notifierStopped = false;
    int m_delivered = 0;
    int m_failed = 0;
    int m_pending = 0;
};

} // namespace sitrep::host
