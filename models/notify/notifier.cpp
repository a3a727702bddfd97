// SPDX-License-Identifier: MIT
#include "notify/notifier.h"

#include "aws/snsclient.h"
#include "domain/incident.h"
#include "engine/command.h"
#include "engine/lifecycleengine.h"
#include "notify/logging.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

namespace sitrep::notify {

using domain::Event;
namespace kinds = domain::kinds;

namespace {

const QString kCursorKey = QStringLiteral("notify.cursor");
const QString kSlaChannel = QStringLiteral("sla_topic");
const QString kStatusChannel = QStringLiteral("status_topic");
const QString kWarRoomChannel = QStringLiteral("slack:war_room");

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString deliveryKey(const QString &eventId, const QString &channel)
{
    return eventId + u':' + channel;
}

Delivery fromItem(const delivery::Item &x)
{
    Delivery d;
    d.id = x.id;
    d.eventId = x.key.section(u':', 0, 0); // a UUID: the channel follows the first colon
    d.channel = x.destination;
    d.incident = x.subject;
    d.seq = x.eventSeq;
    d.transport = x.transport;
    d.message = QJsonDocument::fromJson(x.body).object();
    d.status = delivery::stateName(x.state);
    d.attempts = x.attempts;
    d.nextAt = x.nextAt;
    d.lastError = x.lastError;
    d.remoteId = x.remoteId;
    d.startedAt = x.startedAt;
    return d;
}

QList<Delivery> fromItems(const QList<delivery::Item> &items)
{
    QList<Delivery> out;
    out.reserve(items.size());
    for (const auto &x : items)
        out << fromItem(x);
    return out;
}

/// Slack answers ok:false with these for requests that can never succeed as they are.
bool slackPermanent(const QString &error)
{
    static const QStringList p{QStringLiteral("invalid_auth"),
                               QStringLiteral("not_authed"),
                               QStringLiteral("account_inactive"),
                               QStringLiteral("token_revoked"),
                               QStringLiteral("channel_not_found"),
                               QStringLiteral("not_in_channel"),
                               QStringLiteral("is_archived"),
                               QStringLiteral("invalid_name"),
                               QStringLiteral("invalid_name_specials"),
                               QStringLiteral("missing_scope"),
                               QStringLiteral("msg_too_long"),
                               QStringLiteral("no_text"),
                               QStringLiteral("name_taken")};
    return p.contains(error);
}

} // namespace

Notifier::Notifier(engine::LifecycleEngine &engine, NotifyConfig config, QNetworkAccessManager &nam,
                   TopicPublisher sns, SecretLookup secrets, QObject *parent)
    : QObject(parent), m_engine(engine), m_config(std::move(config)),
      m_queue(
          engine.store(), delivery::queues::Notify,
          delivery::BackoffPolicy(m_config.retryBaseMs, m_config.retryMaxMs, m_config.maxAttempts)),
      m_nam(nam), m_sns(std::move(sns)), m_secrets(std::move(secrets))
{
}

Notifier::~Notifier() = default;

// ---------------------------------------------------------------- queueing

Status Notifier::enqueue(const Event &e, const QString &channel, const QString &transport,
                         QJsonObject message)
{
    const auto inc = m_engine.store().incidentByUid(e.incidentUid);
    if (inc) {
        message[u"incident"] =
            QJsonObject{{QStringLiteral("uid"), inc->uid},
                        {QStringLiteral("number"), inc->number},
                        {QStringLiteral("title"), inc->title},
                        {QStringLiteral("priority"), domain::priorityName(inc->priority)},
                        {QStringLiteral("severity"), domain::severityName(inc->severity)},
                        {QStringLiteral("state"), inc->state}};
    }
    message[u"event_id"] = e.id;
    message[u"event_kind"] = e.kind;
    message[u"channel"] = channel;
    message[u"at"] = QDateTime::fromMSecsSinceEpoch(e.ts, Qt::UTC).toString(Qt::ISODateWithMs);
    delivery::Item item;
    item.key = deliveryKey(e.id, channel);
    item.subject = e.incidentUid;
    item.eventSeq = e.seq;
    item.transport = transport;
    item.destination = channel;
    item.body = compact(message).toUtf8();
    if (auto r = m_queue.enqueue(item); !r)
        return Status(r.error());
    return {};
}

bool Notifier::hasWarRoom(const QString &incident)
{
    store::Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT 1 FROM notify_slack_rooms WHERE incident=?"));
    if (!s)
        return false;
    s->bind(1, incident);
    const bool known = s->step();
    s->reset();
    if (known)
        return true;
    for (const auto &x : m_queue.forSubject(incident))
        if (x.transport == u"slack" &&
            QJsonDocument::fromJson(x.body).object()[u"war_room"].toBool())
            return true;
    return false;
}

Status Notifier::plan(const Event &e)
{
    // Deliveries are the business of the replica whose event asked for them: a client that
    // merged another's events from the back end must not notify a second time. Outcomes
    // (delivered/failed) count from any replica.
    const bool foreign =
        !e.origin.isEmpty() && e.origin != u"local" && e.origin != m_engine.replicaId();
    if (foreign && e.kind != DeliveredKind && e.kind != FailedKind)
        return {};
    if (e.kind == kinds::NotificationRequested) {
        const QString reason = e.payload[u"reason"].toString();
        for (const auto &v : e.payload[u"channels"].toArray()) {
            const QString name = v.toString();
            const auto it = m_config.channels.constFind(name);
            QJsonObject msg{{QStringLiteral("type"), QStringLiteral("declaration")},
                            {QStringLiteral("reason"), reason}};
            if (it == m_config.channels.cend()) {
                if (auto s = enqueue(e, name, QStringLiteral("none"), msg); !s)
                    return s;
                continue;
            }
            const QString transport = transportName(it->transport);
            if (it->transport == ChannelDef::Transport::Sns)
                msg[u"topic"] = it->topic;
            else if (it->transport == ChannelDef::Transport::Webhook)
                msg[u"url"] = it->url.toString();
            else if (it->transport == ChannelDef::Transport::Slack) {
                msg[u"war_room"] = it->warRoom;
                if (!it->warRoom) {
                    msg[u"slack_channel"] = it->slackChannel;
                } else if (hasWarRoom(e.incidentUid)) {
                    // The room was declared already: later requests are notices, and the
                    // resolution gets its own post from the transition itself.
                    const QString to = reason.startsWith(QStringLiteral("transition to "))
                                           ? reason.mid(14)
                                           : QString();
                    const auto *st = to.isEmpty() ? nullptr : m_engine.workflow().state(to);
                    if (st && st->stamps == u"resolved")
                        continue;
                    msg[u"type"] = QStringLiteral("notice");
                }
            }
            if (auto s = enqueue(e, name, transport, msg); !s)
                return s;
        }
    } else if (e.kind == kinds::SlaBreached) {
        if (!m_config.slaTopic.isEmpty())
            return enqueue(e, kSlaChannel, QStringLiteral("sns"),
                           {{QStringLiteral("type"), QStringLiteral("sla_breach")},
                            {QStringLiteral("topic"), m_config.slaTopic},
                            {QStringLiteral("breach"), e.payload}});
    } else if (e.kind == kinds::StatusUpdate) {
        const QJsonObject base{{QStringLiteral("type"), QStringLiteral("status")},
                               {QStringLiteral("message_text"), e.payload[u"message"].toString()},
                               {QStringLiteral("status"), e.payload[u"status"].toString()},
                               {QStringLiteral("visibility"), e.payload[u"visibility"].toString()}};
        if (e.payload[u"visibility"].toString() == u"external" && !m_config.statusTopic.isEmpty()) {
            QJsonObject m = base;
            m[u"topic"] = m_config.statusTopic;
            if (auto s = enqueue(e, kStatusChannel, QStringLiteral("sns"), m); !s)
                return s;
        }
        if (hasWarRoom(e.incidentUid)) {
            QJsonObject m = base;
            m[u"war_room"] = true;
            return enqueue(e, kWarRoomChannel, QStringLiteral("slack"), m);
        }
    } else if (e.kind == kinds::Transitioned) {
        if (e.payload[u"stamps"].toString() == u"resolved" && hasWarRoom(e.incidentUid))
            return enqueue(e, kWarRoomChannel, QStringLiteral("slack"),
                           {{QStringLiteral("type"), QStringLiteral("resolution")},
                            {QStringLiteral("war_room"), true},
                            {QStringLiteral("note"), e.payload[u"note"].toString()}});
    } else if (e.kind == DeliveredKind || e.kind == FailedKind) {
        // The outcome as the log has it (also what rebuild() relies on).
        const auto state = e.kind == DeliveredKind              ? delivery::State::Delivered
                           : e.payload[u"dead_letter"].toBool() ? delivery::State::Dead
                                                                : delivery::State::Failed;
        if (auto s = m_queue.settle(
                deliveryKey(e.payload[u"event_id"].toString(), e.payload[u"channel"].toString()),
                state, e.payload[u"remote_id"].toString(), e.payload[u"error"].toString(),
                e.payload[u"attempts"].toInt());
            !s)
            return s;
        const QString room = e.payload[u"slack_channel_id"].toString();
        if (!room.isEmpty()) {
            store::Stmt *r = m_engine.store().db().prepare(
                QStringLiteral("INSERT OR IGNORE INTO notify_slack_rooms(incident, channel_id, "
                               "name) VALUES(?,?,?)"));
            r->bind(1, e.incidentUid)
                .bind(2, room)
                .bind(3, e.payload[u"slack_channel_name"].toString());
            if (!r->exec())
                return Status::fail(r->error(), QStringLiteral("db"));
        }
    }
    return {};
}

Result<int> Notifier::scan()
{
    auto &store = m_engine.store();
    int queued = 0;
    for (;;) {
        const qint64 cursor = store.meta(kCursorKey, QStringLiteral("0")).toLongLong();
        const QList<Event> events = store.eventsAfter(cursor, 500);
        if (events.isEmpty())
            return queued;
        if (auto s = store.db().begin(); !s)
            return s.error();
        const auto count = [this] { return int(m_queue.counts().total()); };
        const int before = count();
        for (const Event &e : events) {
            if (auto s = plan(e); !s) {
                store.db().rollback();
                return s.error();
            }
        }
        if (auto s = store.setMeta(kCursorKey, QString::number(events.last().seq)); !s) {
            store.db().rollback();
            return s.error();
        }
        queued += count() - before;
        if (auto s = store.db().commit(); !s)
            return s.error();
    }
}

Status Notifier::rebuild()
{
    auto &db = m_engine.store().db();
    if (auto s = db.begin(); !s)
        return s;
    if (auto s = m_queue.clear(); !s) {
        db.rollback();
        return s;
    }
    if (auto s = db.exec(QStringLiteral("DELETE FROM notify_slack_rooms")); !s) {
        db.rollback();
        return s;
    }
    if (auto s = m_engine.store().setMeta(kCursorKey, QStringLiteral("0")); !s) {
        db.rollback();
        return s;
    }
    if (auto s = db.commit(); !s)
        return s;
    auto r = scan();
    if (!r)
        return r.error();
    // What was started before is not in the log: a Slack delivery still pending after the
    // rebuild checks the channel history once before it posts.
    for (const auto &x : m_queue.pending())
        if (x.transport == u"slack")
            if (auto s = m_queue.markStarted(x.id, 1); !s)
                return s;
    return {};
}

QList<Delivery> Notifier::deliveries(const QString &status)
{
    if (status.isEmpty())
        return fromItems(m_queue.items());
    const auto state = delivery::stateFromName(status);
    return state ? fromItems(m_queue.items(*state)) : QList<Delivery>();
}

int Notifier::pendingCount()
{
    return int(m_queue.count(delivery::State::Pending));
}

// ---------------------------------------------------------------- delivery

void Notifier::deliverDue(std::function<void(int)> done)
{
    auto queue = std::make_shared<QList<Delivery>>(fromItems(m_queue.due(nowMs())));
    m_busy = true;
    deliverNext(queue, 0, std::move(done));
}

void Notifier::deliverNext(std::shared_ptr<QList<Delivery>> queue, int attempts,
                           std::function<void(int)> done)
{
    // One at a time, in log order: a war room's declaration goes before its updates, and a
    // delivery that is waiting for its retry holds back the later ones of its incident.
    while (!queue->isEmpty()) {
        const Delivery d = queue->takeFirst();
        delivery::Item item;
        item.id = d.id;
        item.subject = d.incident;
        item.destination = d.channel;
        if (m_queue.heldBack(item))
            continue;
        std::weak_ptr<bool> alive = m_alive;
        attempt(d, [this, alive, d, queue, attempts, done](Result<QString> r, bool permanent) {
            if (alive.expired())
                return;
            if (!m_afterAttempt || m_afterAttempt(d))
                finish(d, r, permanent);
            deliverNext(queue, attempts + 1, done);
        });
        return;
    }
    m_busy = false;
    if (done)
        done(attempts);
    Q_EMIT idle();
}

void Notifier::finish(const Delivery &d, const Result<QString> &r, bool permanent)
{
    auto &db = m_engine.store().db();
    const int attempts = d.attempts + 1;
    const bool exhausted = !r && !permanent && m_queue.policy().exhausted(attempts);
    const bool giveUp = !r && (permanent || exhausted);
    if (r || giveUp) {
        // The outcome goes on the timeline; the row follows (the log is what rebuild reads).
        QJsonObject payload{{QStringLiteral("event_id"), d.eventId},
                            {QStringLiteral("channel"), d.channel},
                            {QStringLiteral("transport"), d.transport},
                            {QStringLiteral("attempts"), attempts},
                            {QStringLiteral("about"), d.message[u"event_kind"].toString()}};
        if (r) {
            QString remote = *r;
            const int bar = remote.indexOf(u'|');
            if (bar >= 0) { // slack: "ts|channel id|channel name"
                const QStringList parts = remote.split(u'|');
                payload[u"slack_channel_id"] = parts.value(1);
                payload[u"slack_channel_name"] = parts.value(2);
                remote = parts.value(0);
            }
            payload[u"remote_id"] = remote;
        } else {
            payload[u"error"] = r.errorMessage();
            if (exhausted)
                payload[u"dead_letter"] = true; // given up after max_attempts, not refused
        }
        auto rec = m_engine.execute(
            engine::Command::make(engine::Command::Kind::Record, d.incident,
                                  {{QStringLiteral("kind"), r ? DeliveredKind : FailedKind},
                                   {QStringLiteral("payload"), payload}},
                                  engine::SystemActor));
        if (!rec) {
            // Not recorded: leave it pending and try again later rather than lose it.
            qCWarning(lcNotify) << "cannot record delivery outcome of" << d.eventId << d.channel
                                << rec.errorMessage();
            (void)m_queue.postpone(d.id, nowMs() + m_config.retryBaseMs);
            return;
        }
        const auto state = r           ? delivery::State::Delivered
                           : exhausted ? delivery::State::Dead
                                       : delivery::State::Failed;
        (void)m_queue.settle(deliveryKey(d.eventId, d.channel), state,
                             payload[u"remote_id"].toString(), r ? QString() : r.errorMessage(),
                             attempts);
        const QString room = payload[u"slack_channel_id"].toString();
        if (!room.isEmpty()) {
            store::Stmt *rm =
                db.prepare(QStringLiteral("INSERT OR IGNORE INTO notify_slack_rooms(incident, "
                                          "channel_id, name) VALUES(?,?,?)"));
            rm->bind(1, d.incident)
                .bind(2, room)
                .bind(3, payload[u"slack_channel_name"].toString());
            (void)rm->exec();
        }
        if (r)
            Q_EMIT delivered(d.eventId, d.channel);
        else
            Q_EMIT failed(d.eventId, d.channel, r.errorMessage());
        return;
    }
    // Transient: the queue's backoff policy says when to try again.
    (void)m_queue.retryLater(d.id, r.errorMessage(), nowMs());
    qCDebug(lcNotify) << "delivery" << d.eventId << d.channel
                      << "failed, retrying:" << r.errorMessage();
}

void Notifier::attempt(const Delivery &d, std::function<void(Result<QString>, bool)> done)
{
    if (d.transport == u"none")
        return done(
            Result<QString>::fail(
                QStringLiteral("notification channel '%1' is not configured").arg(d.channel)),
            true);
    if (d.transport == u"sns")
        return sendSns(d, d.message[u"topic"].toString(), std::move(done));
    if (d.transport == u"slack")
        return sendSlack(d, std::move(done));
    if (d.transport == u"webhook")
        return sendWebhook(d, std::move(done));
    done(Result<QString>::fail(QStringLiteral("unknown transport '%1'").arg(d.transport)), true);
}

namespace {

/// ": text", or nothing when there is no text (an optional reason or note after a message).
QString colonSuffix(const QString &text)
{
    return text.isEmpty() ? QString() : QStringLiteral(": ") + text;
}

QString describe(const QJsonObject &m)
{
    const QJsonObject inc = m[u"incident"].toObject();
    const QString head =
        QStringLiteral("%1 %2").arg(inc[u"number"].toString(), inc[u"title"].toString());
    const QString type = m[u"type"].toString();
    if (type == u"declaration")
        return QStringLiteral(":rotating_light: %1 declared (%2, %3, state %4)%5")
            .arg(head, inc[u"priority"].toString(), inc[u"severity"].toString(),
                 inc[u"state"].toString(), colonSuffix(m[u"reason"].toString()));
    if (type == u"status")
        return QStringLiteral(":mega: %1 status update (%2): %3")
            .arg(head, m[u"status"].toString(), m[u"message_text"].toString());
    if (type == u"resolution")
        return QStringLiteral(":white_check_mark: %1 resolved%2")
            .arg(head, colonSuffix(m[u"note"].toString()));
    if (type == u"notice")
        return QStringLiteral(":information_source: %1: %2 (%3)")
            .arg(head, m[u"reason"].toString(), inc[u"state"].toString());
    if (type == u"sla_breach")
        return QStringLiteral(":alarm_clock: %1 breached its %2 SLA")
            .arg(head, m[u"breach"].toObject()[u"sla"].toString(QStringLiteral("response")));
    return head;
}

} // namespace

void Notifier::sendSns(const Delivery &d, const QString &topic,
                       std::function<void(Result<QString>, bool)> done)
{
    if (!m_sns.isSet())
        return done(Result<QString>::fail(
                        QStringLiteral("no SNS endpoint configured for topic '%1'").arg(topic)),
                    true);
    std::weak_ptr<bool> alive = m_alive;
    const auto publish = [this, alive, d, done](const QString &arn) {
        TopicMessage p;
        p.topicArn = arn;
        QJsonObject body = d.message;
        body[u"text"] = describe(d.message);
        p.message = compact(body);
        p.subject = describe(d.message).section(u' ', 1).left(99);
        const QJsonObject inc = d.message[u"incident"].toObject();
        p.attributes[QStringLiteral("event_kind")] = d.message[u"event_kind"].toString();
        p.attributes[QStringLiteral("channel")] = d.channel;
        if (!inc[u"priority"].toString().isEmpty())
            p.attributes[QStringLiteral("priority")] = inc[u"priority"].toString();
        if (!inc[u"number"].toString().isEmpty())
            p.attributes[QStringLiteral("incident")] = inc[u"number"].toString();
        if (arn.endsWith(QStringLiteral(".fifo"))) {
            // FIFO topics drop a repeat with the same id: a retry after a lost answer stays single.
            p.messageGroupId = d.incident;
            p.messageDeduplicationId = QString::fromLatin1(
                QCryptographicHash::hash((d.eventId + u':' + d.channel).toUtf8(),
                                         QCryptographicHash::Sha256)
                    .toHex());
        }
        m_sns.publish(p, [alive, done](Result<QString> r) {
            if (alive.expired())
                return;
            const bool permanent =
                !r && (r.error().code.contains(QStringLiteral("NotFound")) ||
                       r.error().code == u"config" || r.error().code == u"credentials" ||
                       r.error().code.contains(QStringLiteral("InvalidParameter")) ||
                       r.error().code.contains(QStringLiteral("AuthorizationError")));
            done(r, permanent);
        });
    };
    if (topic.startsWith(QStringLiteral("arn:")))
        return publish(topic);
    if (const auto it = m_topicArns.constFind(topic); it != m_topicArns.cend())
        return publish(*it);
    // A topic name: CreateTopic is idempotent and answers its ARN.
    m_sns.createTopic(topic, [this, alive, topic, publish, done](Result<QString> r) {
        if (alive.expired())
            return;
        if (!r)
            return done(Result<QString>(r.error()),
                        r.error().code == u"config" || r.error().code == u"credentials");
        m_topicArns.insert(topic, *r);
        publish(*r);
    });
}

void Notifier::withSecret(const QString &name, std::function<void(const QString &)> then)
{
    if (!m_secrets)
        return then({});
    std::weak_ptr<bool> alive = m_alive;
    m_secrets(name, [alive, then = std::move(then)](const QString &value) {
        if (!alive.expired())
            then(value);
    });
}

void Notifier::post(QNetworkRequest req, const QByteArray &payload,
                    std::function<void(int, QNetworkReply &)> answered)
{
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setTransferTimeout(m_config.timeoutMs);
    QNetworkReply *reply = m_nam.post(req, payload);
    std::weak_ptr<bool> alive = m_alive;
    connect(reply, &QNetworkReply::finished, this, [reply, alive, answered]() {
        reply->deleteLater();
        if (alive.expired())
            return;
        answered(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), *reply);
    });
}

void Notifier::slackCall(const QString &method, const QJsonObject &body,
                         std::function<void(Result<QJsonObject>, bool)> done, bool form)
{
    withSecret(m_config.slackTokenSecret, [this, method, body, done, form](const QString &token) {
        if (token.isEmpty())
            return done(
                Result<QJsonObject>::fail(
                    QStringLiteral("no Slack token (secret '%1')").arg(m_config.slackTokenSecret)),
                true);
        slackPost(method, body, token, done, form);
    });
}

void Notifier::slackPost(const QString &method, const QJsonObject &body, const QString &token,
                         std::function<void(Result<QJsonObject>, bool)> done, bool form)
{
    QNetworkRequest req(m_config.slackBaseUrl.resolved(QUrl(method)));
    QByteArray payload;
    if (form) {
        // Slack's read methods (conversations.list) take form parameters, not JSON.
        QUrlQuery q;
        for (auto it = body.constBegin(); it != body.constEnd(); ++it)
            q.addQueryItem(it.key(), it->isString() ? it->toString() : it->toVariant().toString());
        payload = q.toString(QUrl::FullyEncoded).toUtf8();
        req.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    } else {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        req.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/json; charset=utf-8"));
    }
    req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    post(req, payload, [method, done](int status, QNetworkReply &reply) {
        const QByteArray data = reply.readAll();
        if (status == 0)
            return done(Result<QJsonObject>::fail(
                            QStringLiteral("Slack %1: %2").arg(method, reply.errorString())),
                        false);
        if (status == 429 || status >= 500)
            return done(Result<QJsonObject>::fail(
                            QStringLiteral("Slack %1: HTTP %2").arg(method).arg(status)),
                        false);
        const QJsonObject o = QJsonDocument::fromJson(data).object();
        if (status / 100 != 2 || !o[u"ok"].toBool()) {
            const QString err = o[u"error"].toString(QStringLiteral("HTTP %1").arg(status));
            return done(
                Result<QJsonObject>::fail(QStringLiteral("Slack %1: %2").arg(method, err), err),
                slackPermanent(err) || (status / 100 == 4));
        }
        done(o, false);
    });
}

void Notifier::slackPages(const QString &method, QJsonObject params, const QString &cursor,
                          std::function<bool(const QJsonObject &, const QString &)> page,
                          std::function<void(const Error &, bool)> failed)
{
    if (!cursor.isEmpty())
        params[u"cursor"] = cursor;
    std::weak_ptr<bool> alive = m_alive;
    slackCall(
        method, params,
        [this, alive, method, params, page, failed](Result<QJsonObject> r, bool permanent) {
            if (alive.expired())
                return;
            if (!r)
                return failed(r.error(), permanent);
            const QString next =
                r->value(u"response_metadata").toObject()[u"next_cursor"].toString();
            if (!page(*r, next))
                slackPages(method, params, next, page, failed);
        },
        true);
}

void Notifier::findSlackChannel(const QString &name, const QString &cursor,
                                std::function<void(Result<QJsonObject>, bool)> done)
{
    slackPages(
        QStringLiteral("conversations.list"),
        {{QStringLiteral("types"), QStringLiteral("public_channel")},
         {QStringLiteral("exclude_archived"), QStringLiteral("true")},
         {QStringLiteral("limit"), QStringLiteral("1000")}},
        cursor,
        [name, done](const QJsonObject &page, const QString &next) {
            for (const auto &v : page.value(u"channels").toArray())
                if (v.toObject()[u"name"].toString() == name) {
                    done(v.toObject(), false);
                    return true;
                }
            if (!next.isEmpty())
                return false;
            done(Result<QJsonObject>::fail(
                     QStringLiteral(
                         "Slack says #%1 exists but it is not listed (archived or private?)")
                         .arg(name)),
                 true);
            return true;
        },
        [done](const Error &e, bool permanent) { done(Result<QJsonObject>(e), permanent); });
}

QString slackDeliveryMarker(const QString &eventId, const QString &channel)
{
    return QStringLiteral("sitrep-") +
           QString::fromLatin1(QCryptographicHash::hash((eventId + u':' + channel).toUtf8(),
                                                        QCryptographicHash::Sha256)
                                   .toHex()
                                   .left(32));
}

void Notifier::markStarted(const Delivery &d)
{
    if (!m_queue.markStarted(d.id, nowMs()))
        qCWarning(lcNotify) << "cannot mark delivery" << d.eventId << d.channel << "as started";
}

void Notifier::findSlackPost(const QString &channel, const QString &marker, const QString &oldest,
                             const QString &cursor, std::function<void(Result<QString>, bool)> done)
{
    slackPages(
        QStringLiteral("conversations.history"),
        {{QStringLiteral("channel"), channel},
         {QStringLiteral("oldest"), oldest},
         {QStringLiteral("include_all_metadata"), QStringLiteral("true")},
         {QStringLiteral("limit"), QStringLiteral("200")}},
        cursor,
        [marker, done](const QJsonObject &page, const QString &next) {
            for (const auto &v : page.value(u"messages").toArray()) {
                const QJsonObject m = v.toObject();
                if (m[u"metadata"]
                        .toObject()[u"event_payload"]
                        .toObject()[u"delivery"]
                        .toString() == marker) {
                    done(m[u"ts"].toString(), false);
                    return true;
                }
            }
            if (!next.isEmpty() && page.value(u"has_more").toBool(true))
                return false;
            done(QString(), false);
            return true;
        },
        [done](const Error &e, bool permanent) { done(Result<QString>(e), permanent); });
}

void Notifier::sendSlack(const Delivery &d, std::function<void(Result<QString>, bool)> done)
{
    if (!isAllowedUrl(m_config.slackBaseUrl))
        return done(Result<QString>::fail(QStringLiteral("Slack base URL must be https")), true);
    const QString text = describe(d.message);
    std::weak_ptr<bool> alive = m_alive;
    const QString marker = slackDeliveryMarker(d.eventId, d.channel);
    const auto send = [this, alive, d, text, marker, done](const QString &channel,
                                                           const QString &name, bool created) {
        // Committed before the request leaves: if the answer (or our commit of it) is lost,
        // the next attempt knows to look for the marker first.
        markStarted(d);
        const QJsonObject metadata{
            {QStringLiteral("event_type"), QStringLiteral("sitrep_delivery")},
            {QStringLiteral("event_payload"),
             QJsonObject{{QStringLiteral("delivery"), marker},
                         {QStringLiteral("incident"),
                          d.message[u"incident"].toObject()[u"number"].toString()}}}};
        slackCall(QStringLiteral("chat.postMessage"),
                  {{QStringLiteral("channel"), channel},
                   {QStringLiteral("text"), text},
                   {QStringLiteral("metadata"), metadata}},
                  [channel, name, created, done](Result<QJsonObject> r, bool permanent) {
                      if (!r)
                          return done(Result<QString>(r.error()), permanent);
                      QString id = r->value(u"ts").toString();
                      if (created)
                          id += u'|' + channel + u'|' + name;
                      done(id, false);
                  });
    };
    const auto post = [this, alive, d, marker, send, done](const QString &channel,
                                                           const QString &name, bool created) {
        if (d.startedAt <= 0)
            return send(channel, name, created);
        // An earlier attempt may have posted without its outcome being committed: look for
        // its marker in the channel before posting again. Nothing can predate the event.
        const qint64 at = QDateTime::fromString(d.message[u"at"].toString(), Qt::ISODateWithMs)
                              .toMSecsSinceEpoch();
        const QString oldest =
            QString::number(std::max<qint64>(0, at / 1000 - 600)) + QStringLiteral(".000000");
        findSlackPost(
            channel, marker, oldest, {},
            [alive, channel, name, created, send, done](Result<QString> f, bool permanent) {
                if (alive.expired())
                    return;
                if (!f && f.error().code == u"missing_scope") {
                    // The token may not read history (channels:history): post rather than stall.
                    qCWarning(lcNotify)
                        << "cannot check Slack history before a repeat post:" << f.errorMessage();
                    return send(channel, name, created);
                }
                if (!f)
                    return done(Result<QString>(f.error()), permanent);
                if (f->isEmpty())
                    return send(channel, name, created);
                qCDebug(lcNotify) << "Slack message already posted by an earlier attempt:" << *f;
                QString id = *f;
                if (created)
                    id += u'|' + channel + u'|' + name;
                done(id, false);
            });
    };
    if (!d.message[u"war_room"].toBool())
        return post(d.message[u"slack_channel"].toString(), {}, false);
    store::Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT channel_id, name FROM notify_slack_rooms WHERE incident=?"));
    s->bind(1, d.incident);
    if (s->step()) {
        store::RowReader row(*s);
        const QString channel = row.text();
        return post(channel, row.text(), false);
    }
    // The war room does not exist yet: create it, named after the incident.
    const QJsonObject inc = d.message[u"incident"].toObject();
    QString slug = inc[u"title"].toString().toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    QString name = QStringLiteral("%1-%2-%3")
                       .arg(m_config.warRoomPrefix, inc[u"number"].toString().toLower(), slug)
                       .left(80);
    while (name.endsWith(u'-'))
        name.chop(1);
    slackCall(QStringLiteral("conversations.create"),
              {{QStringLiteral("name"), name}, {QStringLiteral("is_private"), false}},
              [this, alive, name, post, done](Result<QJsonObject> r, bool permanent) {
                  if (alive.expired())
                      return;
                  if (!r && r.error().code == u"name_taken") {
                      // Created by an earlier attempt whose answer was lost: use that room
                      // rather than open a second one.
                      return findSlackChannel(
                          name, {}, [alive, post, done](Result<QJsonObject> f, bool perm) {
                              if (alive.expired())
                                  return;
                              if (!f)
                                  return done(Result<QString>(f.error()), perm);
                              post(f->value(u"id").toString(), f->value(u"name").toString(), true);
                          });
                  }
                  if (!r)
                      return done(Result<QString>(r.error()), permanent);
                  const QJsonObject ch = r->value(u"channel").toObject();
                  post(ch[u"id"].toString(), ch[u"name"].toString(), true);
              });
}

void Notifier::sendWebhook(const Delivery &d, std::function<void(Result<QString>, bool)> done)
{
    const QUrl url(d.message[u"url"].toString());
    if (!isAllowedUrl(url))
        return done(Result<QString>::fail(
                        QStringLiteral("webhook URL '%1' must be https").arg(url.toString())),
                    true);
    const auto it = m_config.channels.constFind(d.channel);
    if (it == m_config.channels.cend() || it->secret.isEmpty() || !m_secrets)
        return postWebhook(d, {}, std::move(done));
    const QString secret = it->secret;
    withSecret(secret, [this, d, secret, done](const QString &token) {
        if (token.isEmpty())
            return done(
                Result<QString>::fail(
                    QStringLiteral("no secret '%1' for channel '%2'").arg(secret, d.channel)),
                true);
        postWebhook(d, token, done);
    });
}

void Notifier::postWebhook(const Delivery &d, const QString &token,
                           std::function<void(Result<QString>, bool)> done)
{
    const QUrl url(d.message[u"url"].toString());
    QJsonObject body = d.message;
    body.remove(u"url");
    body[u"text"] = describe(d.message);
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    // The receiver can drop a repeat: a retry after a lost answer carries the same key.
    req.setRawHeader("Idempotency-Key", (d.eventId + u':' + d.channel).toUtf8());
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    post(req, QJsonDocument(body).toJson(QJsonDocument::Compact),
         [url, done](int status, QNetworkReply &reply) {
             if (status / 100 == 2)
                 return done(QStringLiteral("HTTP %1").arg(status), false);
             if (status == 0)
                 return done(
                     Result<QString>::fail(
                         QStringLiteral("webhook %1: %2").arg(url.toString(), reply.errorString())),
                     false);
             const bool permanent = status / 100 == 4 && status != 408 && status != 429;
             done(
                 Result<QString>::fail(
                     QStringLiteral("webhook %1 answered HTTP %2").arg(url.toString()).arg(status)),
                 permanent);
         });
}

// ---------------------------------------------------------------- running

void Notifier::start()
{
    m_wakeup.start(std::max(250, std::min(m_config.retryBaseMs, 5000)));
}

void Notifier::stop()
{
    m_wakeup.stop();
}

void Notifier::kick()
{
    if (!m_wakeup.running())
        return;
    if (m_busy) {
        m_again = true;
        return;
    }
    if (auto r = scan(); !r)
        qCWarning(lcNotify) << "cannot queue notifications:" << r.errorMessage();
    std::weak_ptr<bool> alive = m_alive;
    deliverDue([this, alive](int) {
        if (alive.expired())
            return;
        if (m_again) {
            m_again = false;
            QTimer::singleShot(0, this, &Notifier::kick);
        }
    });
}

} // namespace sitrep::notify
