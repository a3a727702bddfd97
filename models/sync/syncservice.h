// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "sync/identity.h"
#include "sync/outbox.h"
#include "sync/restclient.h"
#include "util/result.h"

#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <list>
#include <memory>
#include <optional>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::sync {

struct SyncOptions {
    QUrl url;
    QString token;
    int pageSize = 500;
    int batchSize = 500;         // events per POST /api/events (back ends with "events.batch")
    qint64 batchBytes = 4 << 20; // and at most this many bytes of events per request (one
                                 // larger event still goes, alone)
    int waitSeconds = 25;        // long poll of the change feed when idle ("changes.wait"); 0: off
    int intervalMs = 5000;       // between cycles while in sync
    int baseBackoffMs = 500;     // first retry delay; doubles per failure, with jitter (see
    int maxBackoffMs = 60000;    // delivery::BackoffPolicy)
    int requestTimeoutMs = 10000;
    quint32 seed = 0; // jitter seed (0: random)
    bool pull = true; // false: only drain the outbox (benchmarks)
};

/// What one sync cycle did.
struct SyncReport {
    int sent = 0;       // outbox rows acknowledged
    int rejected = 0;   // outbox rows the back end refused for good
    int pulled = 0;     // remote events merged
    int duplicates = 0; // remote events already known
    int conflicts = 0;  // conflict events recorded
    int pages = 0;      // change-feed pages read
    bool more = false;  // the feed had more than one cycle reads: the next cycle goes on
    bool ok = true;
    QString error;
};

/// Online/offline and the outbox size, for the window's status bar.
class SyncStatus final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncStatus)
public:
    using QObject::QObject;
    bool online() const { return m_online; }
    qint64 pending() const { return m_pending; }
    qint64 rejected() const { return m_rejected; }
    QString lastError() const { return m_lastError; }
    /// "offline, 3 changes waiting", "syncing, 12 changes waiting", "in sync".
    QString text() const;
    void update(bool online, qint64 pending, qint64 rejected, const QString &lastError);
    /// Who the token belongs to ("alice (commander)"), empty when not known.
    QString identity() const { return m_identity; }
    void setIdentity(const QString &identity);
    /// The back end refused the token (HTTP 401): retried with backoff, shown in text().
    bool unauthorized() const { return m_unauthorized; }
    void setUnauthorized(bool refused);

Q_SIGNALS:
    void changed();

private:
    bool m_online = false;
    bool m_known = false;
    qint64 m_pending = 0;
    qint64 m_rejected = 0;
    QString m_lastError;
    QString m_identity;
    bool m_unauthorized = false;
};

/// The sync loop: learns what the back end offers and who the token belongs to (/api/health,
/// /api/me), drains the outbox in order (in batches through /api/events where offered, else
/// one event at a time with its id as Idempotency-Key), then pulls the change feed from the
/// cursor and merges it through the engine. When idle it long-polls the feed where offered
/// (a local change interrupts the wait), else it polls every intervalMs. Failures back off
/// exponentially with jitter; when the network returns the loop drains by itself. Events the
/// back end refuses for good (403, or a refused result in a batch) are not retried: their
/// outbox row becomes rejected and the incident gets a sync.rejected event saying why.
class SyncService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncService)
public:
    SyncService(engine::LifecycleEngine &engine, SyncOptions options, QObject *parent = nullptr);
    ~SyncService() override;

    SyncStatus *status() { return &m_status; }
    const SyncOptions &options() const { return m_options; }
    void setUrl(const QUrl &url);

    /// Starts the background loop (first cycle at once).
    void start();
    void stop();
    bool running() const { return m_running; }
    /// Runs one cycle by hand (drain, then pull until the feed is exhausted), after the one
    /// under way if any, learning again what the back end offers; `done` gets its report
    /// (as cycleFinished() does) once it is over. Returns at once.
    void syncOnce(std::function<void(const SyncReport &)> done);
    /// Starts one cycle; cycleFinished() says how it went.
    void runCycle();
    bool busy() const { return m_busy; }

    /// The delay before retry number `failures` (1-based), by the sync queue's backoff
    /// policy (base and cap from the options).
    int backoffMs(int failures);

    /// First sync of an empty database: pages through the whole change feed and loads it
    /// in bulk (see store::BulkLoader). `progress(done, total)` returning false cancels, leaving
    /// the database as it was. Returns at once; `done` gets how many events were loaded.
    void initialSync(std::function<bool(qint64 done, qint64 total)> progress,
                     std::function<void(Result<qint64>)> done);

    /// Refreshes the status from the outbox without a network round trip.
    void refreshStatus();

    /// What the back end listed in /api/health "features" at the last connection.
    QStringList features() const { return m_features; }
    /// A long poll of the change feed is waiting for news.
    bool waiting() const { return m_poll != nullptr; }
    /// Calls `done` once the back end has stored every one of `eventIds` (their outbox rows
    /// are gone): at once when none is waiting, else after the cycle that sends them. It
    /// fails when one is refused, or when `timeoutMs` passes first (the events stay queued
    /// and go out later). Used to answer an alert source only once the team has its alerts.
    void whenDelivered(const QStringList &eventIds, int timeoutMs,
                       std::function<void(Status)> done);
    /// The Idempotency-Key of a batch (or of one event sent alone): a UUID (v5) of its events'
    /// ids and chain hashes, so a retry of the same batch repeats the key and a different batch
    /// never does, not even another replica's batch of the same once-only event ids (whose
    /// bodies differ: with the event id alone as the key, the back end would refuse the second
    /// as a reused key instead of taking it as the no-op it is).
    static QString batchKey(const QList<OutboxEntry> &rows);

Q_SIGNALS:
    void cycleFinished(const sitrep::sync::SyncReport &report);

private:
    struct Waiter;
    void checkWaiters();
    /// The first of `ids` still waiting or refused: its state, or nothing when all are stored.
    std::optional<std::pair<QString, delivery::State>> firstUndelivered(const QStringList &ids);
    std::list<std::shared_ptr<Waiter>> m_waiters;
    struct InitialLoad;
    void initialPage(const std::shared_ptr<InitialLoad> &load);
    void initialPageArrived(const std::shared_ptr<InitialLoad> &load, const HttpReply &r);
    struct Refusal {
        OutboxEntry entry;
        int code = 0;
        QString reason;
    };
    void onTimer();
    /// A callback for one request of a cycle: nothing once this service is gone, else the
    /// answer is noted (online, token refused) and handed to `handle`.
    RestClient::Done answered(std::function<void(SyncService &, const HttpReply &)> handle);
    void probe();
    void drainNext();
    void sendEntry(const OutboxEntry &entry);
    void sendBatch(QList<OutboxEntry> rows);
    void pullNext(int waitSeconds = 0);
    void schedulePoll();
    void abortPoll();
    Status markFailed(const QList<OutboxEntry> &rows, const HttpReply &r);
    Status reject(const QList<Refusal> &refusals);
    void finish(bool ok, const QString &error);
    void noteReply(const HttpReply &r);
    Status mergeEvents(const QList<domain::Event> &events);
    void scheduleNext(int ms);
    bool retryable(const HttpReply &r) const;

    engine::LifecycleEngine &m_engine;
    SyncOptions m_options;
    RestClient m_client;
    Outbox m_outbox;
    SyncStatus m_status;
    QTimer m_timer;
    bool m_running = false;
    bool m_busy = false;
    bool m_online = false;
    int m_failures = 0;
    SyncReport m_report;
    QList<domain::Event> m_deferred;
    QString m_replica;
    Identity m_identity;
    QStringList m_features;
    bool m_probed = false;     // features and identity learned since the last failure
    bool m_nextIsPoll = false; // the timer starts a long poll rather than a cycle
    int m_batchLimit = 500;
    QPointer<QNetworkReply> m_poll;
    quint64 m_pollGeneration = 0;
};

} // namespace sitrep::sync
