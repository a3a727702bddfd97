// SPDX-License-Identifier: MIT
#pragma once

#include "delivery/deliveryqueue.h"
#include "domain/event.h"
#include "engine/wakeup.h"
#include "notify/notifyconfig.h"
#include "util/result.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::notify {

/// Looks a secret up by name (keychain, token file) and hands it to `done`, empty when
/// there is none; `done` may run later, from the event loop (the keychain answers so).
using SecretLookup =
    std::function<void(const QString &name, std::function<void(const QString &value)> done)>;

/// One message for an SNS topic.
struct TopicMessage {
    QString topicArn;
    QString message;
    QString subject;
    QMap<QString, QString> attributes; // message attributes, all of data type String
    QString messageGroupId;            // FIFO topics
    QString messageDeduplicationId;    // FIFO topics
};

/// Where the SNS channels publish. The AWS layer provides one over its SNS client
/// (host::snsTopicPublisher), so this module does not depend on it. Each callback is
/// invoked exactly once; errors keep the service's code in Error::code.
struct TopicPublisher {
    /// Answers the ARN of the topic named `name` (creating a topic is idempotent).
    std::function<void(const QString &name, std::function<void(Result<QString>)> done)> createTopic;
    /// Answers the message id.
    std::function<void(const TopicMessage &message, std::function<void(Result<QString>)> done)>
        publish;

    bool isSet() const { return createTopic && publish; }
};

/// Kinds of the events the notifier records on the incident's timeline.
inline const QString DeliveredKind = QStringLiteral("notification.delivered");
inline const QString FailedKind = QStringLiteral("notification.failed");

/// One queued delivery of the notify queue (delivery::queues::Notify), as the notifier
/// reads it.
struct Delivery {
    qint64 id = 0;
    QString eventId;
    QString channel;
    QString incident;
    qint64 seq = 0;
    QString transport;
    QJsonObject message;
    QString status; // pending | delivered | failed | dead (given up after max_attempts)
    int attempts = 0;
    qint64 nextAt = 0;
    QString lastError;
    QString remoteId;
    qint64 startedAt = 0; // first send started (committed before the request left); 0: never
};

/// The marker a Slack message of a delivery carries in its metadata
/// (event_type sitrep_delivery, event_payload.delivery): the same for every attempt, so a
/// retry can find a message an unrecorded earlier attempt posted.
QString slackDeliveryMarker(const QString &eventId, const QString &channel);

/// Delivers what the log asks to be told to people and systems: notification.requested
/// (the workflow's channels for the incident's priority), SLA breaches (SNS topic),
/// external status updates (SNS topic), and the incident's Slack war room (declaration,
/// status updates, resolution). Deliveries are queued durably once per (event, channel),
/// sent in log order, retried with backoff and jitter, never sent again once delivered,
/// and recorded on the timeline as notification.delivered / notification.failed. The queue
/// is the notify queue of the one delivery queue, keyed "<event id>:<channel>" (the
/// webhook's Idempotency-Key; FIFO topics get its hash as the deduplication id).
class Notifier final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Notifier)
public:
    /// `sns` may be empty when no SNS channel is configured.
    Notifier(engine::LifecycleEngine &engine, NotifyConfig config, QNetworkAccessManager &nam,
             TopicPublisher sns, SecretLookup secrets, QObject *parent = nullptr);
    ~Notifier() override;

    /// Queues deliveries for events appended since the last scan; answers how many.
    Result<int> scan();
    /// Attempts every due delivery once, one after the other; `done` gets the number of
    /// attempts made.
    void deliverDue(std::function<void(int)> done);
    /// Scans and delivers after every commit of the engine, and retries on a timer.
    void start();
    void stop();
    /// Drops the queue and derives it again from the log (outcomes included).
    Status rebuild();

    QList<Delivery> deliveries(const QString &status = {});
    int pendingCount();
    delivery::Counts counts() { return m_queue.counts(); }
    bool busy() const { return m_busy; }

    /// Test hook, called after an attempt answered and before its outcome is committed;
    /// returning false drops the outcome there, as if the process died at that point.
    void setAfterAttemptHook(std::function<bool(const Delivery &)> hook)
    {
        m_afterAttempt = std::move(hook);
    }

Q_SIGNALS:
    void delivered(const QString &eventId, const QString &channel);
    void failed(const QString &eventId, const QString &channel, const QString &error);
    /// A delivery round finished with nothing in flight.
    void idle();

private:
    struct Attempt;
    Status plan(const domain::Event &e);
    Status enqueue(const domain::Event &e, const QString &channel, const QString &transport,
                   QJsonObject message);
    bool hasWarRoom(const QString &incident);
    void attempt(const Delivery &d, std::function<void(Result<QString>, bool permanent)> done);
    void sendSns(const Delivery &d, const QString &topic,
                 std::function<void(Result<QString>, bool)> done);
    void sendSlack(const Delivery &d, std::function<void(Result<QString>, bool)> done);
    /// `then` gets the secret (empty when there is none or no lookup), unless this
    /// notifier is gone by the time it is known.
    void withSecret(const QString &name, std::function<void(const QString &)> then);
    /// Posts `payload` as HTTP/1.1 within the configured timeout; `answered` gets the HTTP
    /// status (0 when none came) and the reply, unless this notifier is gone by then.
    void post(QNetworkRequest req, const QByteArray &payload,
              std::function<void(int status, QNetworkReply &reply)> answered);
    void slackCall(const QString &method, const QJsonObject &body,
                   std::function<void(Result<QJsonObject>, bool permanent)> done,
                   bool form = false);
    void slackPost(const QString &method, const QJsonObject &body, const QString &token,
                   std::function<void(Result<QJsonObject>, bool permanent)> done, bool form);
    /// Calls Slack's read method `method` (form parameters) from page `cursor` on: `page`
    /// gets each page with the cursor of the next one (empty after the last) and returns
    /// true once it has answered; a failed call goes to `failed`.
    void slackPages(const QString &method, QJsonObject params, const QString &cursor,
                    std::function<bool(const QJsonObject &page, const QString &next)> page,
                    std::function<void(const Error &, bool permanent)> failed);
    void findSlackChannel(const QString &name, const QString &cursor,
                          std::function<void(Result<QJsonObject>, bool permanent)> done);
    /// Looks for the delivery's marker in the channel's history; answers the message ts,
    /// or an empty string when it is not there.
    void findSlackPost(const QString &channel, const QString &marker, const QString &oldest,
                       const QString &cursor,
                       std::function<void(Result<QString>, bool permanent)> done);
    void markStarted(const Delivery &d);
    void sendWebhook(const Delivery &d, std::function<void(Result<QString>, bool)> done);
    void postWebhook(const Delivery &d, const QString &token,
                     std::function<void(Result<QString>, bool)> done);
    void finish(const Delivery &d, const Result<QString> &result, bool permanent);
    void deliverNext(std::shared_ptr<QList<Delivery>> queue, int attempts,
                     std::function<void(int)> done);
    void kick();

    engine::LifecycleEngine &m_engine;
    NotifyConfig m_config;
    delivery::DeliveryQueue m_queue;
    QNetworkAccessManager &m_nam;
    TopicPublisher m_sns;
    SecretLookup m_secrets;
    std::function<bool(const Delivery &)> m_afterAttempt;
    QHash<QString, QString> m_topicArns;
    engine::Wakeup m_wakeup{m_engine, this, [this] { kick(); }};
    bool m_busy = false;
    bool m_again = false;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace sitrep::notify
