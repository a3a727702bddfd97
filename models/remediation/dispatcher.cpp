// SPDX-License-Identifier: MIT
#include "remediation/dispatcher.h"

#include "aws/sqsclient.h"
#include "engine/lifecycleengine.h"
#include "remediation/logging.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace sitrep::remediation {

using aws::SqsMessage;
using aws::SqsReceiveRequest;
using aws::SqsSendEntry;

namespace {

bool loopback(const QUrl &u)
{
    const QString h = u.host();
    if (h == u"localhost")
        return true;
    QHostAddress a;
    return a.setAddress(h) && a.isLoopback();
}

} // namespace

QJsonObject RoundStats::toJson() const
{
    return {{QStringLiteral("decided"), decided},
            {QStringLiteral("sent"), sent},
            {QStringLiteral("send_errors"), sendErrors},
            {QStringLiteral("results"), results},
            {QStringLiteral("dead_letters"), deadLetters}};
}

RemediationDispatcher::RemediationDispatcher(Remediator &remediator, QNetworkAccessManager &nam,
                                             aws::SqsClient *sqs, QObject *parent)
    : QObject(parent), m_remediator(remediator), m_nam(nam), m_sqs(sqs)
{
}

RemediationDispatcher::~RemediationDispatcher()
{
    *m_alive = false;
}

void RemediationDispatcher::queueUrl(const QString &name, std::function<void(Result<QString>)> done)
{
    if (!m_sqs) {
        done(Result<QString>::fail(
            QStringLiteral("no SQS endpoint is configured (aws.endpoint / aws.region)"),
            QStringLiteral("config")));
        return;
    }
    if (const auto it = m_urls.constFind(name); it != m_urls.cend()) {
        done(*it);
        return;
    }
    auto alive = m_alive;
    m_sqs->getQueueUrl(name, [this, alive, name, done](Result<QString> r) {
        if (!*alive)
            return;
        if (r)
            m_urls.insert(name, *r);
        done(r);
    });
}

void RemediationDispatcher::provisionQueues(std::function<void(Status)> done)
{
    if (!m_sqs) {
        done(Status::fail(QStringLiteral("no SQS endpoint is configured")));
        return;
    }
    const RemediationConfig cfg = m_remediator.config();
    auto alive = m_alive;
    const QMap<QString, QString> fifo{
        {QStringLiteral("FifoQueue"), QStringLiteral("true")},
        {QStringLiteral("ContentBasedDeduplication"), QStringLiteral("false")}};
    m_sqs->createQueue(cfg.dlq, fifo, [=, this](Result<QString> dlq) {
        if (!*alive)
            return;
        if (!dlq)
            return done(Status(dlq.error()));
        m_urls.insert(cfg.dlq, *dlq);
        m_sqs->getQueueAttributes(
            *dlq, {QStringLiteral("QueueArn")}, [=, this](Result<QMap<QString, QString>> attrs) {
                if (!*alive)
                    return;
                if (!attrs)
                    return done(Status(attrs.error()));
                const QString redrive = QString::fromUtf8(
                    QJsonDocument(
                        QJsonObject{{QStringLiteral("deadLetterTargetArn"),
                                     attrs->value(QStringLiteral("QueueArn"))},
                                    {QStringLiteral("maxReceiveCount"), cfg.maxReceiveCount}})
                        .toJson(QJsonDocument::Compact));
                struct Spec {
                    QString name;
                    QMap<QString, QString> attrs;
                };
                auto specs = std::make_shared<QList<Spec>>();
                auto p1 = fifo, standard = fifo;
                p1.insert(QStringLiteral("VisibilityTimeout"),
                          QString::number(cfg.p1VisibilityTimeout));
                p1.insert(QStringLiteral("RedrivePolicy"), redrive);
                standard.insert(QStringLiteral("VisibilityTimeout"),
                                QString::number(cfg.standardVisibilityTimeout));
                standard.insert(QStringLiteral("RedrivePolicy"), redrive);
                *specs << Spec{cfg.p1Queue, p1} << Spec{cfg.standardQueue, standard}
                       << Spec{cfg.resultsQueue, fifo};
                auto next = std::make_shared<std::function<void()>>();
                std::weak_ptr<std::function<void()>> weak = next;
                *next = [=, this]() {
                    if (!*alive)
                        return;
                    if (specs->isEmpty())
                        return done({});
                    const Spec s = specs->takeFirst();
                    auto self = weak.lock();
                    m_sqs->createQueue(s.name, s.attrs, [=, this](Result<QString> url) {
                        if (!*alive)
                            return;
                        if (!url)
                            return done(Status(url.error()));
                        m_urls.insert(s.name, *url);
                        (*self)();
                    });
                };
                (*next)();
            });
    });
}

void RemediationDispatcher::failSend(const DispatchRow &d, const QString &error)
{
    qCWarning(lcRemediation) << "send of" << d.correlationId << "attempt" << d.attempt
                             << "failed:" << error;
    (void)m_remediator.store().dispatchQueue().retryLater(d.id, error,
                                                          m_remediator.engine().clock().nowMs());
}

void RemediationDispatcher::sendBatch(const QList<DispatchRow> &rows,
                                      std::function<void(int, int)> done)
{
    auto alive = m_alive;
    const QString queue = rows.first().destination;
    queueUrl(queue, [=, this](Result<QString> url) {
        if (!*alive)
            return;
        if (!url) {
            for (const DispatchRow &d : rows)
                failSend(d, url.errorMessage());
            return done(0, int(rows.size()));
        }
        QList<SqsSendEntry> entries;
        for (int i = 0; i < rows.size(); ++i) {
            const DispatchRow &d = rows[i];
            SqsSendEntry e;
            e.id = QString::number(i);
            e.body = QString::fromUtf8(d.body);
            e.messageGroupId = d.groupId;
            e.messageDeduplicationId = d.dedupId;
            e.attributes.insert(QStringLiteral("correlation_id"),
                                {QStringLiteral("String"), d.correlationId, {}});
            e.attributes.insert(QStringLiteral("attempt"),
                                {QStringLiteral("Number"), QString::number(d.attempt), {}});
            entries << e;
        }
        m_sqs->sendMessageBatch(*url, entries, [=, this](Result<aws::SqsBatchResult> r) {
            if (!*alive)
                return;
            if (!r) {
                if (r.error().code == u"AWS.SimpleQueueService.NonExistentQueue" ||
                    r.error().code == u"QueueDoesNotExist")
                    m_urls.remove(queue);
                for (const DispatchRow &d : rows)
                    failSend(d, r.errorMessage());
                return done(0, int(rows.size()));
            }
            // SQS took these; the same deduplication ids make a repeat of the send a no-op.
            QList<QPair<DispatchRow, QString>> sent;
            for (const auto &ok : r->successful)
                sent << qMakePair(rows.value(ok.id.toInt()), ok.messageId);
            for (const auto &bad : r->failed)
                failSend(rows.value(bad.id.toInt()),
                         QStringLiteral("%1: %2").arg(bad.code, bad.message));
            if (auto s = m_remediator.recordSent(sent); !s) {
                for (const auto &p : sent)
                    failSend(p.first, s.errorMessage());
                return done(0, int(rows.size()));
            }
            done(int(sent.size()), int(r->failed.size()));
        });
    });
}

void RemediationDispatcher::sendHook(const DispatchRow &d, std::function<void(bool)> done)
{
    const QUrl url(d.destination);
    if (!url.isValid() ||
        (url.scheme() != u"https" && !(url.scheme() == u"http" && loopback(url)))) {
        (void)m_remediator.recordHookOutcome(
            d, false,
            QStringLiteral("hook endpoint %1 must be https (http only on loopback)")
                .arg(d.destination));
        return done(false);
    }
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Idempotency-Key", d.dedupId.toUtf8());
    req.setRawHeader("X-Sitrep-Correlation-Id", d.correlationId.toUtf8());
    req.setTransferTimeout(15000);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    QNetworkReply *reply = d.method == u"PUT" ? m_nam.put(req, d.body) : m_nam.post(req, d.body);
    auto alive = m_alive;
    connect(reply, &QNetworkReply::finished, this, [=, this]() {
        reply->deleteLater();
        if (!*alive)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString body = QString::fromUtf8(reply->readAll().left(8000));
        if (status >= 200 && status < 300) {
            if (auto s = m_remediator.recordHookOutcome(d, true, body); !s) {
                failSend(d, s.errorMessage());
                return done(false);
            }
            return done(true);
        }
        const bool permanent = status >= 400 && status < 500 && status != 408 && status != 409 &&
                               status != 425 && status != 429;
        const QString why = status
                                ? QStringLiteral("HTTP %1 from %2: %3")
                                      .arg(status)
                                      .arg(d.destination, body.left(300))
                                : QStringLiteral("%1: %2").arg(d.destination, reply->errorString());
        const bool exhausted = m_remediator.store().dispatchQueue().policy().exhausted(d.tries + 1);
        if (permanent || exhausted) {
            (void)m_remediator.recordHookOutcome(d, false, why, !permanent);
            return done(false);
        }
        failSend(d, why);
        done(false);
    });
}

void RemediationDispatcher::sendDue(std::function<void(RoundStats)> done)
{
    // No endpoint is not a failure to retry with backoff: SQS messages stay pending,
    // untouched, until one is configured, and that is said (once), not logged every round.
    if (!m_sqs) {
        const qint64 waiting = m_remediator.store().pendingSqsCount();
        if (waiting != m_waitingForSqs) {
            m_waitingForSqs = waiting;
            Q_EMIT waitingForSqs(waiting);
        }
    }
    auto rows = std::make_shared<QList<DispatchRow>>(m_remediator.store().dueDispatch(
        m_remediator.engine().clock().nowMs(), 100, m_sqs != nullptr));
    auto stats = std::make_shared<RoundStats>();
    auto alive = m_alive;
    // The step holds itself only weakly; each pending send holds it strongly, so it lives
    // exactly as long as there is something in flight.
    auto next = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weak = next;
    *next = [=, this]() {
        if (!*alive)
            return;
        if (rows->isEmpty())
            return done(*stats);
        auto self = weak.lock();
        const DispatchRow d = rows->takeFirst();
        if (d.transport == u"sqs") {
            // Consecutive messages for the same queue go out ten at a time.
            QList<DispatchRow> batch{d};
            while (batch.size() < 10 && !rows->isEmpty() && rows->first().transport == u"sqs" &&
                   rows->first().destination == d.destination)
                batch << rows->takeFirst();
            sendBatch(batch, [=](int sent, int failed) {
                stats->sent += sent;
                stats->sendErrors += failed;
                (*self)();
            });
            return;
        }
        sendHook(d, [=](bool ok) {
            if (ok)
                ++stats->sent;
            else
                ++stats->sendErrors;
            (*self)();
        });
    };
    (*next)();
}

void RemediationDispatcher::pollQueue(const QString &name, bool deadLetters,
                                      std::function<void(Result<int>)> done)
{
    auto alive = m_alive;
    queueUrl(name, [=, this](Result<QString> url) {
        if (!*alive)
            return;
        if (!url)
            return done(Result<int>(url.error()));
        SqsReceiveRequest rq;
        rq.queueUrl = *url;
        rq.maxMessages = 10;
        rq.waitSeconds = m_waitSeconds;
        rq.visibilityTimeout = 30;
        m_sqs->receiveMessage(rq, [=, this](Result<QList<SqsMessage>> msgs) {
            if (!*alive)
                return;
            if (!msgs)
                return done(Result<int>(msgs.error()));
            int recorded = 0;
            QList<QPair<QString, QString>> toDelete;
            for (const SqsMessage &m : *msgs) {
                QJsonParseError pe{};
                const QJsonObject body = QJsonDocument::fromJson(m.body.toUtf8(), &pe).object();
                Result<bool> r =
                    pe.error != QJsonParseError::NoError
                        ? Result<bool>::fail(QStringLiteral("not JSON: %1").arg(pe.errorString()),
                                             QStringLiteral("invalid"))
                    : deadLetters
                        ? m_remediator.recordDeadLetter(body, m_remediator.config().maxReceiveCount)
                        : m_remediator.recordResult(body);
                if (!r && r.error().code != u"invalid") {
                    // Not recorded (database busy...): the message comes back after its visibility
                    // timeout.
                    qCWarning(lcRemediation)
                        << name << "message" << m.messageId << "not recorded:" << r.errorMessage();
                    continue;
                }
                if (!r)
                    qCWarning(lcRemediation)
                        << name << "message" << m.messageId << "dropped:" << r.errorMessage();
                else if (*r)
                    ++recorded;
                toDelete << qMakePair(QString::number(toDelete.size()), m.receiptHandle);
            }
            if (toDelete.isEmpty())
                return done(recorded);
            m_sqs->deleteMessageBatch(*url, toDelete, [=](Result<aws::SqsBatchResult> r) {
                if (!*alive)
                    return;
                if (!r)
                    qCWarning(lcRemediation)
                        << "delete from" << name << "failed:" << r.errorMessage();
                done(recorded);
            });
        });
    });
}

void RemediationDispatcher::pollQueues(std::function<void(Result<RoundStats>)> done)
{
    if (!m_sqs) {
        done(RoundStats{});
        return;
    }
    auto alive = m_alive;
    const RemediationConfig cfg = m_remediator.config();
    pollQueue(cfg.resultsQueue, false, [=, this](Result<int> results) {
        if (!*alive)
            return;
        if (!results)
            return done(Result<RoundStats>(results.error()));
        pollQueue(cfg.dlq, true, [=](Result<int> dead) {
            if (!dead)
                return done(Result<RoundStats>(dead.error()));
            RoundStats s;
            s.results = *results;
            s.deadLetters = *dead;
            done(s);
        });
    });
}

void RemediationDispatcher::runOnce(std::function<void(Result<RoundStats>)> done)
{
    auto decided = m_remediator.scan();
    if (!decided)
        return done(Result<RoundStats>(decided.error()));
    const int n = *decided;
    auto alive = m_alive;
    sendDue([=, this](RoundStats sent) {
        if (!*alive)
            return;
        pollQueues([=, this](Result<RoundStats> polled) {
            if (!*alive)
                return;
            RoundStats s = sent;
            s.decided = n;
            if (polled) {
                s.results = polled->results;
                s.deadLetters = polled->deadLetters;
            }
            if (s.decided || s.sent || s.results || s.deadLetters)
                Q_EMIT changed();
            if (!polled)
                return done(Result<RoundStats>(polled.error()));
            done(s);
        });
    });
}

void RemediationDispatcher::start(int intervalMs)
{
    m_wakeup.start(intervalMs);
}

void RemediationDispatcher::stop()
{
    m_wakeup.stop();
}

void RemediationDispatcher::kick()
{
    if (!m_wakeup.running())
        return;
    if (m_busy) {
        m_again = true;
        return;
    }
    m_busy = true;
    m_again = false;
    // Off the commit path: the commit that woke us has finished before the round starts.
    QTimer::singleShot(0, this, [this, alive = m_alive]() {
        if (!*alive)
            return;
        runOnce([this, alive](Result<RoundStats> r) {
            if (!*alive)
                return;
            if (!r)
                Q_EMIT roundFailed(r.errorMessage());
            m_busy = false;
            if (m_again && m_wakeup.running())
                kick();
        });
    });
}

} // namespace sitrep::remediation
