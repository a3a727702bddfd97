// SPDX-License-Identifier: MIT
#include "sync/syncservice.h"

#include "engine/lifecycleengine.h"
#include "sync/bulkloader.h"
#include "sync/wire.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSync, "sitrep.sync", QtWarningMsg)

namespace sitrep::sync {

using namespace sitrep::domain;

QString SyncStatus::text() const
{
    if (!m_known)
        return m_pending > 0 ? tr("not synced yet, %n change(s) waiting", nullptr, int(m_pending)) : tr("not synced yet");
    QString s;
    if (!m_online)
        s = m_pending > 0 ? tr("offline, %n change(s) waiting", nullptr, int(m_pending)) : tr("offline");
    else
        s = m_pending > 0 ? tr("syncing, %n change(s) waiting", nullptr, int(m_pending)) : tr("in sync");
    if (m_rejected > 0)
        s += tr(", %n change(s) refused by the back end", nullptr, int(m_rejected));
    return s;
}

void SyncStatus::update(bool online, qint64 pending, qint64 rejected, const QString &lastError)
{
    if (m_known && online == m_online && pending == m_pending && rejected == m_rejected && lastError == m_lastError)
        return;
    m_known = true;
    m_online = online;
    m_pending = pending;
    m_rejected = rejected;
    m_lastError = lastError;
    Q_EMIT changed();
}

SyncService::SyncService(engine::LifecycleEngine &engine, SyncOptions options, QObject *parent)
    : QObject(parent),
      m_engine(engine),
      m_options(std::move(options)),
      m_client(m_options.url, m_options.token),
      m_outbox(engine.store()),
      m_rng(m_options.seed ? m_options.seed : std::random_device{}())
{
    m_client.setTimeoutMs(m_options.requestTimeoutMs);
    m_replica = engine.store().meta(QStringLiteral("replica_id"), engine.replicaId());
    if (auto s = BulkLoader::recover(engine.store()); !s)
        qCWarning(lcSync) << "cannot restore indexes after an interrupted initial sync:" << s.errorMessage();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SyncService::runCycle);
    // Local changes go out soon after they commit.
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this, [this] {
        refreshStatus();
        if (m_running && !m_busy && m_failures == 0)
            scheduleNext(200);
    });
}

SyncService::~SyncService() = default;

void SyncService::setUrl(const QUrl &url)
{
    m_options.url = url;
    m_client.setBaseUrl(url);
}

void SyncService::refreshStatus()
{
    m_status.update(m_online, m_outbox.pendingCount(), m_outbox.rejectedCount(), m_report.error);
}

void SyncService::start()
{
    m_running = true;
    scheduleNext(0);
}

void SyncService::stop()
{
    m_running = false;
    m_timer.stop();
}

void SyncService::scheduleNext(int ms)
{
    if (!m_running)
        return;
    m_timer.start(ms);
}

int SyncService::backoffMs(int failures)
{
    const int n = qBound(1, failures, 30);
    const double raw = double(m_options.baseBackoffMs) * double(1LL << qMin(n - 1, 20));
    const int capped = int(qMin<double>(raw, m_options.maxBackoffMs));
    std::uniform_int_distribution<int> jitter(0, qMax(0, capped / 2));
    return capped - capped / 2 + jitter(m_rng);
}

SyncReport SyncService::syncOnce()
{
    QEventLoop loop;
    SyncReport out;
    const auto c = connect(this, &SyncService::cycleFinished, &loop, [&](const SyncReport &r) {
        out = r;
        loop.quit();
    });
    if (m_busy) {
        loop.exec(); // let the running cycle end first
        out = {};
    }
    runCycle();
    if (m_busy)
        loop.exec();
    disconnect(c);
    return out;
}

void SyncService::runCycle()
{
    if (m_busy)
        return;
    m_timer.stop();
    if (auto s = checkEndpoint(m_options.url); !s) {
        m_report = {};
        finish(false, s.errorMessage());
        return;
    }
    m_busy = true;
    m_report = {};
    drainNext();
}

bool SyncService::retryable(const HttpReply &r) const
{
    return r.networkError() || r.status == 429 || r.status >= 500 || r.status == 401 || r.status == 403
           || r.status == 404 || r.status == 408;
}

void SyncService::drainNext()
{
    const auto rows = m_outbox.pending(1);
    if (rows.isEmpty()) {
        if (m_options.pull)
            pullNext();
        else
            finish(true, {});
        return;
    }
    sendEntry(rows.first());
}

void SyncService::sendEntry(const OutboxEntry &entry)
{
    const Event &e = entry.event;
    const QJsonObject wire = eventToWire(e, m_replica);
    QHash<QByteArray, QByteArray> headers{{"Idempotency-Key", e.id.toLatin1()}};
    QJsonObject body;
    QString path;
    if (e.kind == kinds::Opened) {
        const QJsonObject &p = e.payload;
        path = QStringLiteral("/api/incidents");
        body = {{QStringLiteral("incidentId"), e.incidentUid},
                {QStringLiteral("short_description"), p[u"title"]},
                {QStringLiteral("description"), p[u"description"]},
                {QStringLiteral("priority"), p[u"priority"]},
                {QStringLiteral("severity"), p[u"severity"]},
                {QStringLiteral("category"), p[u"category"]},
                {QStringLiteral("subcategory"), p[u"subcategory"]},
                {QStringLiteral("assignment_group"), p[u"assignment_group"]},
                {QStringLiteral("event"), wire}};
    } else {
        path = QStringLiteral("/api/incidents/%1/events").arg(e.incidentUid);
        body = {{QStringLiteral("events"), QJsonArray{wire}}};
    }
    QPointer<SyncService> self(this);
    m_client.send("POST", path, &body, headers, [self, entry](const HttpReply &r) {
        if (!self)
            return;
        SyncService &me = *self;
        me.m_online = !r.networkError();
        if (r.ok()) {
            // The create answer carries the back end's renumbering: merge it right away.
            QList<Event> extra;
            for (const auto &v : r.json().value(u"events").toArray())
                if (auto ev = eventFromWire(v.toObject()))
                    extra << *ev;
            if (!extra.isEmpty())
                if (auto s = me.mergeEvents(extra); !s)
                    return me.finish(false, s.errorMessage());
            if (auto s = me.m_outbox.markSent(entry.seq); !s)
                return me.finish(false, s.errorMessage());
            ++me.m_report.sent;
            me.drainNext();
            return;
        }
        const QString why = r.describe();
        if (me.retryable(r) && !(r.status == 404 && entry.attempts >= 20)) {
            const int delay = qMax(r.retryAfterMs, me.backoffMs(me.m_failures + 1));
            (void)me.m_outbox.markFailed(entry.seq, why, QDateTime::currentMSecsSinceEpoch() + delay);
            me.finish(false, why);
            return;
        }
        qCWarning(lcSync) << "back end refused event" << entry.event.id << entry.event.kind << why;
        (void)me.m_outbox.markRejected(entry.seq, why);
        ++me.m_report.rejected;
        me.drainNext();
    });
}

Status SyncService::mergeEvents(const QList<Event> &events)
{
    QList<Event> all = m_deferred;
    all += events;
    auto r = m_engine.mergeRemote(all);
    if (!r)
        return Status(r.error());
    m_deferred = r->deferred;
    m_report.pulled += r->applied;
    m_report.duplicates += r->duplicates;
    m_report.conflicts += int(r->conflicts.size());
    return {};
}

void SyncService::pullNext()
{
    store::Store &st = m_engine.store();
    const QString cursor = st.meta(QStringLiteral("sync.cursor"), QStringLiteral("0"));
    const QString path = QStringLiteral("/api/changes?since=%1&limit=%2").arg(cursor).arg(m_options.pageSize);
    QPointer<SyncService> self(this);
    m_client.send("GET", path, nullptr, {}, [self](const HttpReply &r) {
        if (!self)
            return;
        SyncService &me = *self;
        me.m_online = !r.networkError();
        if (!r.ok())
            return me.finish(false, r.describe());
        const QJsonObject o = r.json();
        QList<Event> events;
        for (const auto &v : o.value(u"events").toArray()) {
            auto e = eventFromWire(v.toObject());
            if (!e)
                return me.finish(false, QStringLiteral("bad change feed: %1").arg(e.errorMessage()));
            events << *e;
        }
        if (auto s = me.mergeEvents(events); !s)
            return me.finish(false, s.errorMessage());
        const QString next = o.value(u"cursor").toString();
        if (!next.isEmpty())
            if (auto s = me.m_engine.store().setMeta(QStringLiteral("sync.cursor"), next); !s)
                return me.finish(false, s.errorMessage());
        if (o.value(u"more").toBool() && !events.isEmpty())
            me.pullNext();
        else
            me.finish(true, {});
    });
}

Result<qint64> SyncService::initialSync(const std::function<bool(qint64, qint64)> &progress)
{
    using R = Result<qint64>;
    if (auto s = checkEndpoint(m_options.url); !s)
        return R(s.error());
    store::Store &st = m_engine.store();
    BulkLoader loader(st);
    if (auto s = loader.begin(); !s)
        return R(s.error());
    QString cursor = QStringLiteral("0");
    const int page = qMax(m_options.pageSize, 5000);
    for (;;) {
        const HttpReply r = m_client.call("GET", QStringLiteral("/api/changes?since=%1&limit=%2").arg(cursor).arg(page));
        m_online = !r.networkError();
        if (!r.ok()) {
            loader.cancel();
            refreshStatus();
            return R::fail(QStringLiteral("initial sync: %1").arg(r.describe()));
        }
        const QJsonObject o = r.json();
        QList<Event> events;
        for (const auto &v : o.value(u"events").toArray()) {
            auto e = eventFromWire(v.toObject());
            if (!e) {
                loader.cancel();
                return R::fail(QStringLiteral("initial sync: bad change feed: %1").arg(e.errorMessage()));
            }
            events << *e;
        }
        if (loader.loaded() == 0)
            loader.reserve(o.value(u"total").toInteger());
        if (auto s = loader.add(events); !s) {
            loader.cancel();
            return R(s.error());
        }
        cursor = o.value(u"cursor").toString(cursor);
        if (progress && !progress(loader.loaded(), o.value(u"total").toInteger(loader.loaded()))) {
            loader.cancel();
            return R::fail(QStringLiteral("initial sync cancelled; nothing was kept"), QStringLiteral("cancelled"));
        }
        if (!o.value(u"more").toBool() || events.isEmpty())
            break;
    }
    const qint64 n = loader.loaded();
    if (auto s = loader.finish(); !s)
        return R(s.error());
    if (auto s = st.setMeta(QStringLiteral("sync.cursor"), cursor); !s)
        return R(s.error());
    refreshStatus();
    return n;
}

void SyncService::finish(bool ok, const QString &error)
{
    m_busy = false;
    m_report.ok = ok;
    m_report.error = error;
    if (ok)
        m_failures = 0;
    else
        ++m_failures;
    refreshStatus();
    if (!ok)
        qCInfo(lcSync) << "sync cycle failed:" << error;
    const SyncReport report = m_report;
    if (m_running)
        scheduleNext(ok ? (m_outbox.pendingCount() > 0 ? 0 : m_options.intervalMs) : backoffMs(m_failures));
    Q_EMIT cycleFinished(report);
}

} // namespace sitrep::sync
