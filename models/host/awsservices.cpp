// SPDX-License-Identifier: MIT
#include "host/awsservices.h"

#include "aws/snsclient.h"
#include "aws/sqsclient.h"
#include "engine/lifecycleengine.h"
#include "host/logging.h"
#include "ingest/ingestpipeline.h"
#include "ingest/sqsconsumer.h"

namespace sitrep::host {
using namespace sitrep::aws;
using namespace sitrep::ingest;

notify::TopicPublisher snsTopicPublisher(SnsClient *sns)
{
    if (!sns)
        return {};
    notify::TopicPublisher p;
    p.createTopic = [sns](const QString &name, std::function<void(Result<QString>)> done) {
        sns->createTopic(name, {}, std::move(done));
    };
    p.publish = [sns](const notify::TopicMessage &m, std::function<void(Result<QString>)> done) {
        SnsPublishRequest r;
        r.topicArn = m.topicArn;
        r.message = m.message;
        r.subject = m.subject;
        for (auto it = m.attributes.cbegin(); it != m.attributes.cend(); ++it)
            r.attributes[it.key()] = {QStringLiteral("String"), it.value(), {}};
        r.messageGroupId = m.messageGroupId;
        r.messageDeduplicationId = m.messageDeduplicationId;
        sns->publish(r, std::move(done));
    };
    return p;
}

AwsServices::AwsServices(engine::LifecycleEngine &engine, AwsConfig config,
                         std::shared_ptr<CredentialsProvider> credentials,
                         notify::SecretLookup secrets, QObject *parent)
    : QObject(parent), m_engine(engine), m_config(std::move(config)),
      m_credentials(std::move(credentials)), m_secrets(std::move(secrets))
{
}

AwsServices::~AwsServices()
{
    stop();
    // Consumers of answers go before the clients, the clients before the network manager.
    m_notifier.reset();
    m_consumer.reset();
    m_pipeline.reset();
    m_sns.reset();
    m_sqs.reset();
}

Status AwsServices::start()
{
    if (m_consumer || m_notifier)
        return {};
    if (auto v = m_config.validate(); !v)
        return v;
    // Ask for the keys once now, before any request is in flight: the keychain answers
    // later, and the answer is then held for the requests to come (which wait for it).
    if (m_credentials)
        m_credentials->credentials([](const Result<aws::AwsCredentials> &) {});
    std::unique_ptr<SqsClient> sqs;
    std::unique_ptr<SnsClient> sns;
    std::unique_ptr<notify::Notifier> notifier;
    if (m_config.consumerConfigured()) {
        auto ep = m_config.sqsEndpoint();
        if (!ep)
            return ep.error();
        sqs = std::make_unique<SqsClient>(m_nam, *ep, m_credentials);
    }
    if (m_config.notifierConfigured()) {
        auto nc = AwsSettings::notifyConfig(m_config);
        if (!nc)
            return nc.error();
        auto ep = m_config.snsEndpoint();
        if (!ep)
            return ep.error();
        sns = std::make_unique<SnsClient>(m_nam, *ep, m_credentials);
        notifier = std::make_unique<notify::Notifier>(m_engine, *nc, m_nam,
                                                      snsTopicPublisher(sns.get()), m_secrets);
    }
    m_sqs = std::move(sqs);
    m_sns = std::move(sns);
    m_notifier = std::move(notifier);
    if (m_sqs) {
        m_pipeline = std::make_unique<ingest::IngestPipeline>(m_engine);
        SqsConsumerConfig cfg;
        cfg.queueUrl = m_config.alertQueue.trimmed();
        m_consumer = std::make_unique<SqsAlertConsumer>(
            *m_sqs, m_engine.store(), SqsAlertConsumer::pipelineHandler(*m_pipeline), cfg);
        m_consumer->attachTo(m_engine);
        connect(m_consumer.get(), &SqsAlertConsumer::pollFailed, this, &AwsServices::setError);
        connect(m_consumer.get(), &SqsAlertConsumer::polled, this, [this](int) {
            m_polledOk = true;
            setError({});
        });
        connect(m_consumer.get(), &SqsAlertConsumer::messageHandled, this,
                [this](const QString &, bool) {
                    m_lastError.clear();
                    Q_EMIT changed();
                });
        connect(m_consumer.get(), &SqsAlertConsumer::messageRejected, this,
                [this](const QString &key, const QString &why) {
                    setError(QStringLiteral("alert %1 rejected: %2").arg(key, why));
                });
        m_consumer->start();
    }
    if (m_notifier) {
        connect(m_notifier.get(), &notify::Notifier::delivered, this, [this] {
            ++m_delivered;
            m_lastError.clear();
            Q_EMIT changed();
        });
        connect(m_notifier.get(), &notify::Notifier::failed, this,
                [this](const QString &, const QString &channel, const QString &error) {
                    ++m_failed;
                    setError(QStringLiteral("%1: %2").arg(channel, error));
                });
        connect(m_notifier.get(), &notify::Notifier::idle, this, [this] {
            const int pending = m_notifier->pendingCount();
            if (pending != m_pending) {
                m_pending = pending;
                Q_EMIT changed();
            }
        });
        m_notifier->start();
    }
    Q_EMIT changed();
    return {};
}

void AwsServices::stop()
{
    const bool was = consumerRunning() || notifierRunning();
    if (m_consumer)
        m_consumer->stop();
    if (m_notifier)
        m_notifier->stop();
    m_notifierStopped = true;
    if (was)
        Q_EMIT changed();
}

bool AwsServices::consumerRunning() const
{
    return m_consumer && m_consumer->isRunning();
}

bool AwsServices::notifierRunning() const
{
    return m_notifier && !m_notifierStopped;
}

int AwsServices::alertsIngested() const
{
    return m_consumer ? m_consumer->stats().ingested : 0;
}

QString AwsServices::statusText() const
{
    QStringList parts;
    if (m_consumer) {
        if (!m_consumer->isRunning())
            parts << tr("alerts: stopped");
        else
            parts << tr("alerts: listening, %n ingested", nullptr, alertsIngested());
    }
    if (m_notifier) {
        if (m_notifierStopped)
            parts << tr("notifications: stopped");
        else
            parts << tr("notifications: %1 sent, %2 waiting").arg(m_delivered).arg(m_pending) +
                         (m_failed ? tr(", %1 failed").arg(m_failed) : QString());
    }
    return parts.join(QStringLiteral(" · "));
}

void AwsServices::setError(const QString &error)
{
    if (!error.isEmpty())
        qCWarning(lcHost) << error;
    if (error == m_lastError)
        return;
    m_lastError = error;
    Q_EMIT changed();
}

} // namespace sitrep::host
