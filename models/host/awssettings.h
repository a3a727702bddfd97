// SPDX-License-Identifier: MIT
#pragma once

#include "aws/awsclient.h"
#include "aws/awscredentials.h"
#include "notify/notifyconfig.h"
#include "secrets/secretstore.h"
#include "store/store.h"
#include "util/result.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace sitrep::host {

/// In a webhook channel line, "secret:NAME" names the secret holding the channel's bearer
/// token (the system keychain, or the file $CREDENTIALS_DIRECTORY/NAME for a service);
/// anything else written there is the token itself, which never stays in the database.
inline const QString SecretReferencePrefix = QStringLiteral("secret:");
/// Where the token written into the line of `channel` is kept: notify.webhook.CHANNEL.
QString channelSecretName(const QString &channel);
/// Letters, digits and _ . : - (a keychain key and a file name alike).
bool isSecretName(const QString &name);

/// The AWS and notification settings (database meta keys, never secrets): what the
/// settings dialog edits, `sitrep config set` writes, and the window and `sitrep aws` run.
struct AwsConfig {
    QString endpoint;     // aws.endpoint: SQS/SNS endpoint (empty: the region's AWS endpoints)
    QString region;       // aws.region (empty: AWS_REGION, else us-east-1)
    QString profile;      // aws.profile: profile in the shared credentials file
    QString alertQueue;   // aws.alert_queue: queue URL the alert consumer long-polls
    QString slaTopic;     // aws.sla_topic: SNS topic for SLA breaches (overrides the YAML)
    QString statusTopic;  // aws.status_topic: SNS topic for external status updates
    QString notifyConfig; // notify.config: channels YAML file
    QString slackBaseUrl; // notify.slack_base_url: Slack Web API base URL
    QString channels;     // notify.channels: one channel a line, "NAME webhook URL" and so on

    /// The meta keys, in the order above.
    static QStringList keys();
    static AwsConfig load(store::Store &store);
    /// Sets the field of a meta key; false for a key that is not one of keys().
    bool set(const QString &key, const QString &value);
    QString value(const QString &key) const;
    QString effectiveRegion() const;
    /// The alert consumer runs when a queue is set.
    bool consumerConfigured() const { return !alertQueue.trimmed().isEmpty(); }
    /// The notifier runs when a channels file, a channel or a topic is set.
    bool notifierConfigured() const;
    /// Every URL valid, https unless loopback, channel lines parse.
    Status validate() const;
    /// Where SQS lives: aws.endpoint, else the queue URL's host, else the region's endpoint.
    Result<aws::AwsEndpoint> sqsEndpoint() const;
    Result<aws::AwsEndpoint> snsEndpoint() const;
    /// The channel lines: "NAME webhook URL [SECRET]", "NAME slack war_room",
    /// "NAME slack CHANNEL_ID", "NAME sns TOPIC". Blank lines and '#' comments are skipped.
    static Result<QList<notify::ChannelDef>> parseChannels(const QString &text);
    /// Whether a channel line holds a token itself rather than a "secret:NAME" reference.
    bool hasPlainSecrets() const;
};

/// Reads and writes AwsConfig (meta table) and the secrets behind it (keychain only).
struct ConnectionCheck;

class AwsSettings {
public:
    AwsSettings(store::Store &store, secrets::SecretStore &secrets);
    ~AwsSettings();

    AwsConfig load();
    /// Validates everything first; writes all keys in one transaction or nothing.
    Status save(const AwsConfig &config);

    /// Stores the keys in the keychain; an empty id removes all three. `done` runs once
    /// the keychain has answered (at once for keys that fail checkAccessKey()).
    void setAccessKey(const QString &accessKeyId, const QString &secretAccessKey,
                      const QString &sessionToken, secrets::SecretStore::Done done);
    /// Fails for an id that is not an access key id, or an id without its secret.
    static Status checkAccessKey(const QString &accessKeyId, const QString &secretAccessKey);
    /// A stored secret, empty when there is none (whether a secret is stored, and
    /// connection tests only); `done` gets it when the keychain has answered.
    void secret(const QString &name, std::function<void(const QString &)> done);
    /// Stores the secret, or removes it when `value` is empty.
    void setSecret(const QString &name, const QString &value, secrets::SecretStore::Done done);

    /// Moves every token written into the channel lines `channels` into the secret store and
    /// gives the lines back with "secret:NAME" in its place (NAME: channelSecretName()). A
    /// token that is the name of a secret the store holds (older versions took it so)
    /// becomes a reference to it; a secret that already holds the token (a credential file)
    /// is not written again. Fails when the store cannot keep a token.
    void storeChannelSecrets(const QString &channels, std::function<void(Result<QString>)> done);
    /// storeChannelSecrets() on the saved notify.channels, then the setting rewritten and the
    /// database vacuumed, so that its files keep no copy of a token. `done` gets how many
    /// tokens moved (0, at once, when no line holds one).
    void moveChannelSecrets(std::function<void(Result<int>)> done);
    /// The notification channels in effect: the YAML file (or none), then the topics,
    /// Slack base URL and channel lines of the settings on top.
    static Result<notify::NotifyConfig> notifyConfig(const AwsConfig &config);
    /// Environment, then the keychain, then the shared credentials file.
    std::shared_ptr<aws::CredentialsProvider> credentials(const AwsConfig &config);
    /// testAwsConnection below, on a network manager these settings own (created on first use).
    void testConnection(const AwsConfig &config,
                        std::shared_ptr<aws::CredentialsProvider> credentials,
                        const QString &slackToken, int timeoutMs,
                        std::function<void(QList<ConnectionCheck>)> done);

private:
    store::Store &m_store;
    secrets::SecretStore &m_secrets;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

/// One line of a connection test.
struct ConnectionCheck {
    QString
        subject; // "credentials", "SQS alert queue", "SNS topic sitrep-sla-alerts", "Slack", ...
    bool ok = false;
    QString detail; // what was found, or exactly what failed
};

/// Tests what the settings name, one call each, without sending anything to people:
/// credentials found, SQS GetQueueAttributes on the alert queue, SNS ListTopics (and the
/// topics' existence), Slack auth.test, webhook URLs checked but not called. Each failure
/// says what failed: DNS, TLS, connection refused, timeout, HTTP status, or the AWS error
/// code (InvalidClientTokenId, SignatureDoesNotMatch, AWS.SimpleQueueService.NonExistentQueue...).
void testAwsConnection(QNetworkAccessManager &nam, const AwsConfig &config,
                       std::shared_ptr<aws::CredentialsProvider> credentials,
                       const QString &slackToken, int timeoutMs,
                       std::function<void(QList<ConnectionCheck>)> done);

/// A sentence for a failed AWS call (its Error from SqsClient/SnsClient).
QString explainAwsError(const Error &error, const QUrl &endpoint);

} // namespace sitrep::host
