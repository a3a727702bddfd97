// SPDX-License-Identifier: MIT
#include "ingest/sqsconsumer.h"

#include "engine/lifecycleengine.h"
#include "ingest/ingestpipeline.h"
#include "ingest/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace sitrep::ingest {

namespace {

bool isPermanent(const QString &code)
{
    return code == u"invalid" || code == u"unknown_source" || code == u"not_found";
}

} // namespace

SqsAlertConsumer::SqsAlertConsumer(aws::SqsClient &sqs, store::Store &store, IngestHandler handler,
                                   SqsConsumerConfig config, QObject *parent)
    : QObject(parent), m_sqs(sqs), m_store(store), m_handler(std::move(handler)),
      m_config(std::move(config)), m_backoff(m_config.errorBackoffMs, m_config.maxErrorBackoffMs)
{
}

struct SqsAlertConsumer::Staged {
    std::function<Status()> write; // set while a handler runs
    bool written = false;
};

SqsAlertConsumer::~SqsAlertConsumer()
{
    m_running = false;
}

void SqsAlertConsumer::attachTo(engine::LifecycleEngine &engine)
{
    if (m_staged)
        return;
    m_staged = std::make_shared<Staged>();
    std::weak_ptr<Staged> weak = m_staged;
    engine.addCommitHook([weak](store::Store &, const QList<domain::Event> &events) -> Status {
        const auto staged = weak.lock();
        if (!staged || !staged->write || staged->written || events.isEmpty())
            return {};
        if (auto s = staged->write(); !s)
            return s;
        staged->written = true;
        return {};
    });
}

IngestHandler SqsAlertConsumer::pipelineHandler(ingest::IngestPipeline &pipeline)
{
    return [&pipeline](const InboundAlert &a) -> Status {
        auto r = pipeline.ingest(a.source, a.body, a.headers);
        if (!r)
            return r.error();
        return {};
    };
}

InboundAlert SqsAlertConsumer::decode(const aws::SqsMessage &m, const SqsConsumerConfig &config)
{
    InboundAlert a;
    a.body = m.body.toUtf8();
    a.source = m.messageAttributes.value(config.sourceAttribute).stringValue;
    a.headers.insert("x-amz-sqs-message-id", m.messageId.toUtf8());
    const QString fifoDedup = m.attributes.value(QStringLiteral("MessageDeduplicationId"));
    a.dedupKey = fifoDedup.isEmpty() ? QStringLiteral("sqs:") + m.messageId
                                     : QStringLiteral("fifo:") + fifoDedup;

    // An SNS envelope (no raw delivery): the payload is its Message, the attributes are
    // {"Type": "String", "Value": ...} objects, and its MessageId is stable across
    // duplicate deliveries that reach the queue as different SQS messages.
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(a.body, &pe);
    const QJsonObject o = doc.object();
    if (pe.error == QJsonParseError::NoError && o.value(u"Type").toString() == u"Notification" &&
        o.value(u"Message").isString() && o.contains(u"TopicArn")) {
        a.snsEnvelope = true;
        a.body = o.value(u"Message").toString().toUtf8();
        const QString src = o.value(u"MessageAttributes")
                                .toObject()
                                .value(config.sourceAttribute)
                                .toObject()
                                .value(u"Value")
                                .toString();
        if (!src.isEmpty())
            a.source = src;
        const QString snsId = o.value(u"MessageId").toString();
        if (!snsId.isEmpty())
            a.dedupKey = QStringLiteral("sns:") + snsId;
        a.headers.insert("x-amz-sns-message-id", snsId.toUtf8());
        a.headers.insert("x-amz-sns-topic-arn", o.value(u"TopicArn").toString().toUtf8());
        if (o.contains(u"Subject"))
            a.headers.insert("x-amz-sns-subject", o.value(u"Subject").toString().toUtf8());
    }
    if (a.source.isEmpty())
        a.source = config.defaultSource;
    a.headers.insert("x-sitrep-idempotency-key", a.dedupKey.toUtf8());
    return a;
}

bool SqsAlertConsumer::known(const QString &key)
{
    store::Stmt *s =
        m_store.db().prepare(QStringLiteral("SELECT status FROM aws_inbox WHERE dedup_key=?"));
    if (!s)
        return false;
    s->bind(1, key);
    return s->step() && store::RowReader(*s).text() == u"ingested";
}

Status SqsAlertConsumer::record(const InboundAlert &a, const QString &status, const QString &detail)
{
    store::Stmt *s = m_store.db().prepare(
        QStringLiteral("INSERT INTO aws_inbox(dedup_key, queue, source, status, detail, received, "
                       "handled_at) VALUES(?,?,?,?,?,1,?) "
                       "ON CONFLICT(dedup_key) DO UPDATE SET received=received+1, status=CASE WHEN "
                       "status='ingested' THEN status "
                       "ELSE excluded.status END, detail=CASE WHEN status='ingested' THEN detail "
                       "ELSE excluded.detail END, "
                       "handled_at=excluded.handled_at"));
    if (!s)
        return Status::fail(m_store.db().lastError(), QStringLiteral("db"));
    s->bind(1, a.dedupKey)
        .bind(2, m_config.queueUrl)
        .bind(3, a.source)
        .bind(4, status)
        .bind(5, detail.left(2000))
        .bind(6, QDateTime::currentMSecsSinceEpoch());
    if (!s->exec())
        return Status::fail(s->error(), QStringLiteral("db"));
    return {};
}

SqsAlertConsumer::Outcome SqsAlertConsumer::handle(const aws::SqsMessage &m)
{
    ++m_stats.received;
    const InboundAlert a = decode(m, m_config);
    if (known(a.dedupKey)) {
        // Handled before (the delete was lost, or SNS delivered twice): nothing new.
        ++m_stats.duplicates;
        (void)record(a, QStringLiteral("ingested"), {});
        Q_EMIT messageHandled(a.dedupKey, true);
        return Outcome::Delete;
    }
    if (m_staged) {
        m_staged->written = false;
        m_staged->write = [this, a]() { return record(a, QStringLiteral("ingested"), {}); };
    }
    const Status st =
        m_handler ? m_handler(a) : Status::fail(QStringLiteral("no ingestion configured"));
    const bool writtenInCommit = m_staged && m_staged->written;
    if (m_staged) {
        m_staged->write = nullptr;
        m_staged->written = false;
    }
    if (!st) {
        if (isPermanent(st.error().code)) {
            // It can never succeed: left for the queue's dead-letter policy, noted here.
            ++m_stats.rejected;
            qCWarning(lcIngest) << "SQS message" << a.dedupKey << "rejected:" << st.errorMessage();
            (void)record(a, QStringLiteral("rejected"), st.errorMessage());
            Q_EMIT messageRejected(a.dedupKey, st.errorMessage());
            return Outcome::Leave;
        }
        ++m_stats.retried;
        qCWarning(lcIngest) << "SQS message" << a.dedupKey
                            << "not ingested, will retry:" << st.errorMessage();
        return Outcome::Retry;
    }
    // Committed. With attachTo() the key went into the same transaction; otherwise (or
    // when ingestion committed no event) it is written now, and a crash in between is
    // caught by the pipeline's own alert dedup (same fingerprint and status: no new incident).
    if (!writtenInCommit)
        if (auto r = record(a, QStringLiteral("ingested"), {}); !r)
            qCWarning(lcIngest) << "cannot record SQS message" << a.dedupKey << r.errorMessage();
    ++m_stats.ingested;
    Q_EMIT messageHandled(a.dedupKey, false);
    return Outcome::Delete;
}

void SqsAlertConsumer::pollOnce(std::function<void(Result<int>)> done)
{
    aws::SqsReceiveRequest req;
    req.queueUrl = m_config.queueUrl;
    req.maxMessages = m_config.maxMessages;
    req.waitSeconds = m_config.waitSeconds;
    req.visibilityTimeout = m_config.visibilityTimeout;
    req.messageAttributeNames = {QStringLiteral("All")};
    std::weak_ptr<bool> alive = m_alive;
    m_sqs.receiveMessage(req, [this, alive,
                               done = std::move(done)](Result<QList<aws::SqsMessage>> r) {
        if (alive.expired())
            return;
        if (!r)
            return done(r.error());
        const QList<aws::SqsMessage> messages = *r;
        QList<QPair<QString, QString>> toDelete;
        QList<QString> toRetry;
        for (const aws::SqsMessage &m : messages) {
            switch (handle(m)) {
            case Outcome::Delete:
                if (!m_beforeDelete || m_beforeDelete(m))
                    toDelete.append({QString::number(toDelete.size()), m.receiptHandle});
                break;
            case Outcome::Retry:
                toRetry << m.receiptHandle;
                break;
            case Outcome::Leave:
                break;
            }
        }
        const int count = messages.size();
        auto outstanding = std::make_shared<int>(int(!toDelete.isEmpty()) + int(toRetry.size()));
        auto finish = [alive, outstanding, count, done]() {
            if (alive.expired() || --*outstanding > 0)
                return;
            done(count);
        };
        if (*outstanding == 0)
            return done(count);
        if (!toDelete.isEmpty()) {
            m_sqs.deleteMessageBatch(
                m_config.queueUrl, toDelete, [this, alive, finish](Result<aws::SqsBatchResult> d) {
                    if (alive.expired())
                        return;
                    if (!d) {
                        // Not deleted: it comes back after the visibility timeout and is then
                        // recognised as handled.
                        qCWarning(lcIngest) << "SQS delete failed:" << d.errorMessage();
                    } else {
                        m_stats.deleted += d->successful.size();
                        for (const auto &f : d->failed)
                            qCWarning(lcIngest) << "SQS delete of entry" << f.id
                                                << "failed:" << f.code << f.message;
                    }
                    finish();
                });
        }
        for (const QString &handle : std::as_const(toRetry))
            m_sqs.changeMessageVisibility(m_config.queueUrl, handle, m_config.retryDelaySeconds,
                                          [finish](Status) { finish(); });
    });
}

void SqsAlertConsumer::start()
{
    if (m_running)
        return;
    m_running = true;
    scheduleNext(0);
}

void SqsAlertConsumer::stop()
{
    m_running = false;
}

void SqsAlertConsumer::scheduleNext(int delayMs)
{
    std::weak_ptr<bool> alive = m_alive;
    QTimer::singleShot(delayMs, this, [this, alive]() {
        if (alive.expired() || !m_running || m_polling)
            return;
        m_polling = true;
        pollOnce([this, alive](Result<int> r) {
            if (alive.expired())
                return;
            m_polling = false;
            if (!r) {
                const int delay = int(m_backoff.delayMs(++m_pollFailures));
                Q_EMIT pollFailed(r.errorMessage());
                if (m_running)
                    scheduleNext(delay);
                return;
            }
            m_pollFailures = 0;
            Q_EMIT polled(*r);
            if (m_running)
                scheduleNext(0);
        });
    });
}

} // namespace sitrep::ingest
