// SPDX-License-Identifier: MIT
#include "sync/syncservice.h"

#include "domain/synckinds.h"
#include "engine/lifecycleengine.h"
#include "sync/logging.h"
#include "sync/wire.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QUuid>

namespace sitrep::sync {

using namespace sitrep::domain;

QString SyncStatus::text() const
{
    if (!m_known)
        return m_pending > 0 ? tr("not synced yet, %n change(s) waiting", nullptr, int(m_pending))
                             : tr("not synced yet");
    QString s;
    if (!m_online)
        s = m_pending > 0 ? tr("offline, %n change(s) waiting", nullptr, int(m_pending))
                          : tr("offline");
    else if (m_unauthorized)
        s = m_pending > 0 ? tr("token refused, %n change(s) waiting", nullptr, int(m_pending))
                          : tr("token refused");
    else
        s = m_pending > 0 ? tr("syncing, %n change(s) waiting", nullptr, int(m_pending))
                          : tr("in sync");
    if (m_rejected > 0)
        s += tr(", %n change(s) refused by the back end", nullptr, int(m_rejected));
    return s;
}

void SyncStatus::update(bool online, qint64 pending, qint64 rejected, const QString &lastError)
{
    if (m_known && online == m_online && pending == m_pending && rejected == m_rejected &&
        lastError == m_lastError)
        return;
    m_known = true;
    m_online = online;
    m_pending = pending;
    m_rejected = rejected;
    m_lastError = lastError;
    Q_EMIT changed();
}

void SyncStatus::setIdentity(const QString &identity)
{
    if (identity == m_identity)
        return;
    m_identity = identity;
    Q_EMIT changed();
}

void SyncStatus::setUnauthorized(bool refused)
{
    if (refused == m_unauthorized)
        return;
    m_unauthorized = refused;
    Q_EMIT changed();
}

struct SyncService::Waiter {
    QStringList ids;
    std::function<void(Status)> done;
    QTimer timer;
};

SyncService::SyncService(engine::LifecycleEngine &engine, SyncOptions options, QObject *parent)
    : QObject(parent), m_engine(engine), m_options(std::move(options)),
      m_client(m_options.url, m_options.token),
      m_outbox(engine.store(),
               delivery::BackoffPolicy(m_options.baseBackoffMs, m_options.maxBackoffMs)),
      m_identity(engine.store())
{
    m_outbox.queue().policy().seed(m_options.seed);
    m_client.setTimeoutMs(m_options.requestTimeoutMs);
    m_batchLimit = qMax(1, m_options.batchSize);
    m_replica = engine.store().meta(QStringLiteral("replica_id"), engine.replicaId());
    if (const auto me = m_identity.cached())
        m_status.setIdentity(me->display());
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SyncService::onTimer);
    // Local changes go out soon after they commit; one that arrives during a long poll
    // ends the wait so it is sent at once.
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this, [this] {
        refreshStatus();
        if (!m_running || m_failures != 0)
            return;
        if (m_poll) {
            if (m_outbox.pendingCount() > 0) {
                abortPoll();
                scheduleNext(0);
            }
            return;
        }
        if (!m_busy)
            scheduleNext(200);
    });
}

SyncService::~SyncService()
{
    m_running = false;
    abortPoll();
    for (const auto &w : std::exchange(m_waiters, {})) {
        w->timer.stop();
        w->done(Status::fail(QStringLiteral("sync stopped before the team back end confirmed it")));
    }
}

void SyncService::setUrl(const QUrl &url)
{
    m_options.url = url;
    m_client.setBaseUrl(url);
    m_probed = false;
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
    abortPoll();
}

void SyncService::scheduleNext(int ms)
{
    if (!m_running)
        return;
    m_nextIsPoll = false;
    m_timer.start(ms);
}

void SyncService::schedulePoll()
{
    if (!m_running)
        return;
    m_nextIsPoll = true;
    m_timer.start(0);
}

void SyncService::onTimer()
{
    if (m_nextIsPoll && !m_busy) {
        m_nextIsPoll = false;
        m_busy = true;
        m_report = {};
        pullNext(m_options.waitSeconds);
        return;
    }
    runCycle();
}

void SyncService::abortPoll()
{
    if (!m_poll)
        return;
    // The reply's callback sees a newer generation and ignores the answer.
    ++m_pollGeneration;
    QNetworkReply *reply = m_poll;
    m_poll = nullptr;
    m_busy = false;
    reply->abort();
}

int SyncService::backoffMs(int failures)
{
    return int(m_outbox.queue().policy().delayMs(failures));
}

void SyncService::syncOnce(std::function<void(const SyncReport &)> done)
{
    abortPoll();
    auto startOne = [this, done = std::move(done)] {
        // A sync asked for by hand refreshes what the back end offers and who the token is.
        m_probed = false;
        connect(
            this, &SyncService::cycleFinished, this,
            [done](const SyncReport &r) {
                if (done)
                    done(r);
            },
            Qt::SingleShotConnection);
        runCycle();
    };
    if (m_busy) // let the running cycle end first
        connect(this, &SyncService::cycleFinished, this, startOne, Qt::SingleShotConnection);
    else
        startOne();
}

void SyncService::runCycle()
{
    if (m_busy)
        return;
    m_timer.stop();
    m_nextIsPoll = false;
    if (auto s = checkEndpoint(m_options.url); !s) {
        m_report = {};
        finish(false, s.errorMessage());
        return;
    }
    m_busy = true;
    m_report = {};
    m_batchLimit = qMax(1, m_options.batchSize);
    if (m_probed)
        drainNext();
    else
        probe();
}

RestClient::Done SyncService::answered(std::function<void(SyncService &, const HttpReply &)> handle)
{
    QPointer<SyncService> self(this);
    return [self, handle = std::move(handle)](const HttpReply &r) {
        if (!self)
            return;
        self->noteReply(r);
        handle(*self, r);
    };
}

// What the back end offers (/api/health "features") and who the token belongs to (/api/me),
// cached for the command line and the window.
void SyncService::probe()
{
    m_client.send("GET", QStringLiteral("/api/health"), nullptr, {},
                  answered([](SyncService &me, const HttpReply &r) {
                      if (!r.ok())
                          return me.finish(false, r.describe());
                      me.m_features.clear();
                      for (const auto &v : r.json().value(u"features").toArray())
                          me.m_features << v.toString();
                      const bool ownUrl = me.m_engine.store().meta(QStringLiteral("backend.url")) ==
                                          me.m_options.url.toString();
                      if (!me.m_features.contains(QStringLiteral("me"))) {
                          // An older back end: no identities, the actor stays the local one.
                          if (ownUrl)
                              (void)me.m_identity.rememberNoIdentities();
                          me.m_status.setIdentity({});
                          me.m_probed = true;
                          return me.drainNext();
                      }
                      me.m_client.send("GET", QStringLiteral("/api/me"), nullptr, {},
                                       me.answered([ownUrl](SyncService &me2, const HttpReply &r2) {
                                           if (!r2.ok())
                                               return me2.finish(false, r2.describe());
                                           auto user = BackendUser::fromJson(r2.json());
                                           if (!user)
                                               return me2.finish(false, user.errorMessage());
                                           if (ownUrl)
                                               if (auto s = me2.m_identity.remember(*user); !s)
                                                   return me2.finish(false, s.errorMessage());
                                           me2.m_status.setIdentity(user->display());
                                           me2.m_probed = true;
                                           me2.drainNext();
                                       }));
                  }));
}

bool SyncService::retryable(const HttpReply &r) const
{
    // 403 is a rule of the back end (identity, role): retrying cannot change the answer.
    // 401 may be fixed by setting the token again, so it is retried with backoff.
    return r.networkError() || r.status == 429 || r.status >= 500 || r.status == 401 ||
           r.status == 404 || r.status == 408;
}

void SyncService::drainNext()
{
    const bool batch = m_features.contains(QStringLiteral("events.batch"));
    const auto rows = m_outbox.pending(batch ? m_batchLimit : 1);
    if (rows.isEmpty()) {
        if (m_options.pull)
            pullNext();
        else
            finish(true, {});
        return;
    }
    if (batch)
        sendBatch(rows);
    else
        sendEntry(rows.first());
}

Status SyncService::markFailed(const QList<OutboxEntry> &rows, const HttpReply &r)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto &db = m_engine.store().db();
    if (auto s = db.begin(); !s)
        return s;
    for (const auto &row : rows)
        if (auto s = m_outbox.queue().retryLater(row.id, r.describe(), now, r.retryAfterMs);
            !s && s.error().code != u"not_found") { // settled meanwhile (another process)
            db.rollback();
            return Status(s.error());
        }
    return db.commit();
}

// Pages of the change feed one cycle reads at most (at the default page size, 100,000
// events); a longer backlog goes on in the next cycle.
static constexpr int kMaxPagesPerCycle = 200;

static QString kindLabel(const QString &kind)
{
    static const QHash<QString, QString> labels{
        {kinds::Opened, QStringLiteral("the new incident")},
        {kinds::NoteAdded, QStringLiteral("a note")},
        {kinds::ApprovalGranted, QStringLiteral("an approval")},
        {kinds::Transitioned, QStringLiteral("a state change")},
        {kinds::Assigned, QStringLiteral("an assignment")},
        {kinds::FieldSet, QStringLiteral("a field change")}};
    return labels.value(kind, QStringLiteral("a change (%1)").arg(kind));
}

// Marks the rows rejected and puts one sync.rejected event on each incident concerned, in
// one transaction each, so the refusal shows where the change was made.
Status SyncService::reject(const QList<Refusal> &refusals)
{
    if (refusals.isEmpty())
        return {};
    auto &db = m_engine.store().db();
    if (auto s = db.begin(); !s)
        return s;
    for (const auto &x : refusals)
        if (auto s = m_outbox.queue().markFailed(x.entry.id, x.reason); !s) {
            db.rollback();
            return s;
        }
    if (auto s = db.commit(); !s)
        return s;
    QList<engine::Command> commands;
    for (const auto &x : refusals) {
        const Event &e = x.entry.event;
        qCWarning(lcSync) << "back end refused event" << e.id << e.kind << x.code << x.reason;
        const QString message =
            QStringLiteral(
                "Not shared: the back end refused %1 by %2 (%3). It stays on this machine only.")
                .arg(kindLabel(e.kind), e.actor, x.reason);
        commands << engine::Command::make(
            engine::Command::Kind::Record, e.incidentUid,
            {{QStringLiteral("kind"), kinds::SyncRejected},
             {QStringLiteral("payload"), QJsonObject{{QStringLiteral("event"), e.id},
                                                     {QStringLiteral("kind"), e.kind},
                                                     {QStringLiteral("actor"), e.actor},
                                                     {QStringLiteral("code"), x.code},
                                                     {QStringLiteral("reason"), x.reason},
                                                     {QStringLiteral("message"), message}}}},
            engine::SystemActor);
    }
    auto r = m_engine.executeBatch(commands);
    if (!r)
        return Status(r.error());
    for (const auto &one : *r)
        if (!one)
            qCWarning(lcSync) << "cannot record a refusal on its incident:" << one.errorMessage();
    m_report.rejected += int(refusals.size());
    return {};
}

void SyncService::sendEntry(const OutboxEntry &entry)
{
    const Event &e = entry.event;
    const QJsonObject wire = eventToWire(e, m_replica);
    QHash<QByteArray, QByteArray> headers{{"Idempotency-Key", batchKey({entry}).toLatin1()}};
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
    m_client.send(
        "POST", path, &body, headers, answered([entry](SyncService &me, const HttpReply &r) {
            if (r.ok() && !r.isJsonObject()) {
                // Not the contract's answer: the event is not known to be stored, so
                // it stays queued and is sent again.
                HttpReply bad = r;
                bad.status = 0;
                bad.error =
                    QStringLiteral("the back end's answer to an append is not a JSON object");
                if (auto s = me.markFailed({entry}, bad); !s)
                    qCWarning(lcSync) << "cannot note the failure:" << s.errorMessage();
                return me.finish(false, bad.error);
            }
            if (r.ok()) {
                // The create answer carries the back end's renumbering: merge it right
                // away.
                QList<Event> extra;
                for (const auto &v : r.json().value(u"events").toArray())
                    if (auto ev = eventFromWire(v.toObject()))
                        extra << *ev;
                if (!extra.isEmpty())
                    if (auto s = me.mergeEvents(extra); !s)
                        return me.finish(false, s.errorMessage());
                if (auto s = me.m_outbox.queue().markDelivered(entry.id); !s)
                    return me.finish(false, s.errorMessage());
                ++me.m_report.sent;
                me.drainNext();
                return;
            }
            const QString why = r.describe();
            if (me.retryable(r) && !(r.status == 404 && entry.attempts >= 20)) {
                if (auto s = me.markFailed({entry}, r); !s)
                    qCWarning(lcSync) << "cannot note the failure:" << s.errorMessage();
                me.finish(false, why);
                return;
            }
            if (auto s = me.reject({Refusal{entry, r.status, why}}); !s)
                return me.finish(false, s.errorMessage());
            me.drainNext();
        }));
}

QString SyncService::batchKey(const QList<OutboxEntry> &rows)
{
    static const QUuid ns(QStringLiteral("{5b0e7c1e-3f4a-5d2b-9c61-7a8e2f40b1d3}"));
    QByteArray ids;
    ids.reserve(rows.size() * 102);
    for (const auto &row : rows)
        ids += row.event.id.toLatin1() + ':' + row.event.hash.toLatin1() + ',';
    return QUuid::createUuidV5(ns, ids).toString(QUuid::WithoutBraces);
}

void SyncService::sendBatch(QList<OutboxEntry> rows)
{
    // Bounded by count (the rows asked for) and by bytes: the rows that fit under
    // batchBytes, at least one. The same rows give the same cut, so a retry repeats the
    // request and its key.
    QJsonArray events;
    qint64 bytes = 0;
    qsizetype n = 0;
    for (; n < rows.size(); ++n) {
        QJsonObject wire = eventToWire(rows[n].event, m_replica);
        const qint64 size = QJsonDocument(wire).toJson(QJsonDocument::Compact).size() + 1;
        if (n > 0 && bytes + size > m_options.batchBytes)
            break;
        bytes += size;
        events << std::move(wire);
    }
    rows.resize(n);
    const QJsonObject body{{QStringLiteral("events"), events}};
    const QHash<QByteArray, QByteArray> headers{{"Idempotency-Key", batchKey(rows).toLatin1()}};
    m_client.send(
        "POST", QStringLiteral("/api/events"), &body, headers,
        answered([rows](SyncService &me, const HttpReply &r) {
            if (r.ok()) {
                QStringList ids;
                for (const auto &row : rows)
                    ids << row.event.id;
                // Checked against the contract before the outbox lets go of anything: a
                // garbled answer leaves every event queued, to be sent again.
                auto answer = r.isJsonObject()
                                  ? batchAnswerFromWire(r.json(), ids)
                                  : Result<BatchAnswer>::fail(QStringLiteral(
                                        "the back end's answer to a batch append is not a "
                                        "JSON object"));
                if (!answer) {
                    HttpReply bad = r;
                    bad.status = 0;
                    bad.error = answer.errorMessage();
                    if (auto s = me.markFailed(rows, bad); !s)
                        qCWarning(lcSync) << "cannot note the failure:" << s.errorMessage();
                    return me.finish(false, bad.error);
                }
                // The renumbering of new incidents first, so the numbers are right when the
                // rows are gone.
                if (!answer->events.isEmpty())
                    if (auto s = me.mergeEvents(answer->events); !s)
                        return me.finish(false, s.errorMessage());
                QList<Refusal> refused;
                auto &db = me.m_engine.store().db();
                if (auto s = db.begin(); !s)
                    return me.finish(false, s.errorMessage());
                for (qsizetype i = 0; i < rows.size(); ++i) {
                    const AppendResult &res = answer->results[i];
                    if (res.status == u"refused") {
                        refused << Refusal{
                            rows[i], res.code,
                            QStringLiteral("HTTP %1: %2").arg(res.code).arg(res.error)};
                        continue;
                    }
                    if (auto s = me.m_outbox.queue().markDelivered(rows[i].id); !s) {
                        db.rollback();
                        return me.finish(false, s.errorMessage());
                    }
                    ++me.m_report.sent;
                }
                if (auto s = db.commit(); !s)
                    return me.finish(false, s.errorMessage());
                if (auto s = me.reject(refused); !s)
                    return me.finish(false, s.errorMessage());
                me.checkWaiters(); // answered as soon as their batch is stored
                return me.drainNext();
            }
            // Too large, or a body the back end cannot take as a whole: smaller batches, down to
            // one event, which is then refused on its own.
            if (r.status == 413 || ((r.status == 400 || r.status == 422) && rows.size() > 1)) {
                if (rows.size() > 1) {
                    me.m_batchLimit = int(qMax<qsizetype>(1, rows.size() / 2));
                    return me.drainNext();
                }
            }
            if (me.retryable(r) && r.status != 404) {
                if (auto s = me.markFailed(rows, r); !s)
                    qCWarning(lcSync) << "cannot note the failure:" << s.errorMessage();
                return me.finish(false, r.describe());
            }
            if (rows.size() > 1 && r.status != 403) {
                me.m_batchLimit = int(qMax<qsizetype>(1, rows.size() / 2));
                return me.drainNext();
            }
            // 403 for the whole request (a viewer's token), or one event refused on its own.
            QList<Refusal> refused;
            for (const auto &row : rows)
                refused << Refusal{row, r.status, r.describe()};
            if (auto s = me.reject(refused); !s)
                return me.finish(false, s.errorMessage());
            me.drainNext();
        }));
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

// The events of a change-feed page. One the contract cannot carry (no valid id, incident,
// hlc or kind) is left out and logged: it must not stop the feed for everyone after it.
static QString changesPath(const QString &cursor, int limit, int waitSeconds)
{
    // The cursor is the back end's opaque string: passed on as it came, encoded.
    // (Concatenated, not .arg(): an encoded cursor holds "%2F" and the like.)
    QString path = QStringLiteral("/api/changes?since=") +
                   QString::fromLatin1(QUrl::toPercentEncoding(cursor)) +
                   QStringLiteral("&limit=") + QString::number(limit);
    if (waitSeconds > 0)
        path += QStringLiteral("&wait=") + QString::number(waitSeconds);
    return path;
}

void SyncService::pullNext(int waitSeconds)
{
    store::Store &st = m_engine.store();
    const QString cursor = st.meta(QStringLiteral("sync.cursor"), QStringLiteral("0"));
    const QString path = changesPath(cursor, m_options.pageSize, waitSeconds);
    QPointer<SyncService> self(this);
    const quint64 generation = ++m_pollGeneration;
    QNetworkReply *reply = m_client.send(
        "GET", path, nullptr, {},
        [self, generation, waitSeconds, cursor](const HttpReply &r) {
            if (!self)
                return;
            SyncService &me = *self;
            if (generation != me.m_pollGeneration)
                return; // a long poll given up for a local change
            if (waitSeconds > 0)
                me.m_poll = nullptr;
            me.noteReply(r);
            if (!r.ok())
                return me.finish(false, r.describe());
            auto page = r.isJsonObject() ? changePageFromWire(r.json())
                                         : Result<ChangePage>::fail(QStringLiteral(
                                               "bad change feed: the answer is not a JSON object"));
            if (!page)
                return me.finish(false, page.errorMessage());
            const QList<Event> &events = page->events;
            if (auto s = me.mergeEvents(events); !s)
                return me.finish(false, s.errorMessage());
            const QString next = page->cursor;
            if (!next.isEmpty())
                if (auto s = me.m_engine.store().setMeta(QStringLiteral("sync.cursor"), next); !s)
                    return me.finish(false, s.errorMessage());
            ++me.m_report.pages;
            if (!page->more || page->received == 0)
                return me.finish(true, {});
            // A feed that always has more must not hold the cycle: the cursor has to move, and
            // one cycle reads a bounded number of pages; the next cycle goes on from there.
            if (next.isEmpty() || next == cursor)
                return me.finish(false, QStringLiteral("bad change feed: it says there is more, "
                                                       "but its cursor did not move from '%1'")
                                            .arg(cursor.left(64)));
            if (me.m_report.pages >= kMaxPagesPerCycle) {
                me.m_report.more = true;
                return me.finish(true, {});
            }
            me.pullNext();
        },
        // A long poll may be held for `wait` seconds: its timeout is that plus ten.
        waitSeconds > 0 ? waitSeconds * 1000 + 10000 : -1);
    if (waitSeconds > 0)
        m_poll = reply;
}

// The state of a running initial sync, carried from one page to the next.
struct SyncService::InitialLoad {
    explicit InitialLoad(engine::LifecycleEngine &engine) : loader(engine.bulkLoader()) {}
    // The store writes the log and the projections; the engine's projections fold the
    // loaded events in before the load commits.
    store::BulkLoader loader;
    QString cursor = QStringLiteral("0");
    int page = 0;
    std::function<bool(qint64, qint64)> progress;
    std::function<void(Result<qint64>)> done;
};

void SyncService::initialSync(std::function<bool(qint64, qint64)> progress,
                              std::function<void(Result<qint64>)> done)
{
    if (auto s = checkEndpoint(m_options.url); !s)
        return done(Result<qint64>(s.error()));
    auto load = std::make_shared<InitialLoad>(m_engine);
    if (auto s = load->loader.begin(); !s)
        return done(Result<qint64>(s.error()));
    load->page = qMax(m_options.pageSize, 5000);
    load->progress = std::move(progress);
    load->done = std::move(done);
    initialPage(load);
}

void SyncService::initialPage(const std::shared_ptr<InitialLoad> &load)
{
    using R = Result<qint64>;
    QPointer<SyncService> self(this);
    m_client.send("GET", changesPath(load->cursor, load->page, 0), nullptr, {},
                  [self, load](const HttpReply &r) {
                      if (!self) {
                          load->loader.cancel();
                          return load->done(R::fail(QStringLiteral("initial sync stopped")));
                      }
                      self->initialPageArrived(load, r);
                  });
}

void SyncService::initialPageArrived(const std::shared_ptr<InitialLoad> &load, const HttpReply &r)
{
    using R = Result<qint64>;
    store::BulkLoader &loader = load->loader;
    const auto fail = [&](R failure) {
        loader.cancel();
        load->done(std::move(failure));
    };
    m_online = !r.networkError();
    if (!r.ok()) {
        loader.cancel();
        refreshStatus();
        return load->done(R::fail(QStringLiteral("initial sync: %1").arg(r.describe())));
    }
    auto page = r.isJsonObject() ? changePageFromWire(r.json())
                                 : Result<ChangePage>::fail(QStringLiteral(
                                       "bad change feed: the answer is not a JSON object"));
    if (!page)
        return fail(R::fail(QStringLiteral("initial sync: %1").arg(page.errorMessage())));
    const QList<Event> &events = page->events;
    if (loader.loaded() == 0)
        loader.reserve(qMax<qint64>(0, page->total));
    if (auto s = loader.add(events); !s)
        return fail(R(s.error()));
    const QString previous = load->cursor;
    load->cursor = page->cursor;
    if (page->more && page->received > 0 && load->cursor == previous)
        return fail(R::fail(QStringLiteral("initial sync: bad change feed: it says there is more, "
                                           "but its cursor did not move from '%1'")
                                .arg(previous.left(64))));
    if (load->progress &&
        !load->progress(loader.loaded(), page->total >= 0 ? page->total : loader.loaded()))
        return fail(R::fail(QStringLiteral("initial sync cancelled; nothing was kept"),
                            QStringLiteral("cancelled")));
    if (page->more && page->received > 0)
        return initialPage(load);
    const qint64 n = loader.loaded();
    if (auto s = loader.finish(); !s)
        return load->done(R(s.error()));
    // Events of incidents the feed never opened wait for their incident, as in a merge.
    m_deferred += loader.deferred();
    if (auto s = m_engine.store().setMeta(QStringLiteral("sync.cursor"), load->cursor); !s)
        return load->done(R(s.error()));
    refreshStatus();
    load->done(n);
}

// Every answer tells whether the back end is reachable and whether it took the token.
void SyncService::noteReply(const HttpReply &r)
{
    m_online = !r.networkError();
    m_status.setUnauthorized(r.status == 401);
}

std::optional<std::pair<QString, delivery::State>>
SyncService::firstUndelivered(const QStringList &ids)
{
    for (const QString &id : ids)
        if (const auto item = m_outbox.queue().find(id);
            item && item->state != delivery::State::Delivered)
            return std::pair{id, item->state};
    return std::nullopt;
}

void SyncService::whenDelivered(const QStringList &eventIds, int timeoutMs,
                                std::function<void(Status)> done)
{
    if (!firstUndelivered(eventIds))
        return done({});
    auto w = std::make_shared<Waiter>();
    w->ids = eventIds;
    w->done = std::move(done);
    w->timer.setSingleShot(true);
    std::weak_ptr<Waiter> weak = w;
    connect(&w->timer, &QTimer::timeout, this, [this, weak] {
        auto w = weak.lock();
        if (!w)
            return;
        m_waiters.remove(w);
        w->done(Status::fail(QStringLiteral("the team back end has not confirmed it yet%1")
                                 .arg(m_status.lastError().isEmpty()
                                          ? QString()
                                          : QStringLiteral(" (%1)").arg(m_status.lastError()))));
    });
    w->timer.start(qMax(1, timeoutMs));
    m_waiters.push_back(w);
    // Sent at once rather than after the usual short gathering delay.
    if (m_running && m_failures == 0 && !m_busy) {
        if (m_poll)
            abortPoll();
        scheduleNext(0);
    }
}

void SyncService::checkWaiters()
{
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        auto w = *it;
        const auto left = firstUndelivered(w->ids);
        if (left && left->second == delivery::State::Pending) {
            ++it;
            continue;
        }
        it = m_waiters.erase(it);
        w->timer.stop();
        w->done(left ? Status::fail(
                           QStringLiteral("the team back end refused event %1").arg(left->first))
                     : Status{});
    }
}

void SyncService::finish(bool ok, const QString &error)
{
    m_busy = false;
    checkWaiters();
    m_report.ok = ok;
    m_report.error = error;
    if (ok) {
        m_failures = 0;
    } else {
        ++m_failures;
        m_probed = false; // learn features and identity again when the back end is back
    }
    refreshStatus();
    if (!ok)
        qCInfo(lcSync) << "sync cycle failed:" << error;
    const SyncReport report = m_report;
    if (m_running) {
        const bool idle = m_outbox.pendingCount() == 0;
        if (ok && idle && m_options.waitSeconds > 0 &&
            m_features.contains(QStringLiteral("changes.wait")))
            schedulePoll(); // the live feed: wait for news instead of polling
        else
            scheduleNext(ok ? (idle ? m_options.intervalMs : 0) : backoffMs(m_failures));
    }
    Q_EMIT cycleFinished(report);
}

} // namespace sitrep::sync
