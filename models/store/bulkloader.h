// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "store/store.h"
#include "util/result.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <QUuid>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace sitrep::store {

/// Loads a back end's whole history into an empty database, in one transaction: events are
/// re-chained onto this replica's hash chain (as the engine's merge does) and appended with
/// the secondary indexes, the unique keys (declared again as named unique indexes while the
/// tables are empty) and the rollup triggers dropped. One thread prepares each batch (ids,
/// repeats, payload, chain, fold) while the caller's thread writes the previous one. Each
/// incident is folded in memory through the projector in (hlc, id) order (out-of-order
/// incidents are refolded from the log); then the rows are written, and search (on a thread
/// of its own, in a scratch database, copied in), services, the dashboard rollups and the
/// indexes are rebuilt set-wise. The result is what
/// Store::rebuildProjection() gives for the same log. The chain hash is domain::chainHash(),
/// the function behind Event::computeHash().
///
/// Get one from LifecycleEngine::bulkLoader(): its projections then fold the loaded events in
/// before the load commits (see AfterLoad).
class BulkLoader {
    // One per incident of the load: a million of them at once, so what only some need is
    // allocated when needed.
    struct Folding {
        domain::Incident incident;
        QString uid;
        QByteArray uidBlob; // the uid as the log and the projection store it (RFC 4122 bytes)
        QByteArray head;    // raw SHA-256 of the last appended event (the chain head)
        qint64 lastHlc = 0;
        QString lastId;
        qint64 openSeq = 0; // order of the incident.opened event: the row id order
        bool dirty = false; // an event arrived out of (hlc, id) order: refold from the log
        std::unique_ptr<domain::Incident> arrival; // once dirty: the fold in arrival order
        QList<domain::Event> held;                 // arrived before the incident.opened event
    };
    // What needs no state of the load about one event: its ids parsed and in the log's
    // spelling, its payload's canonical text, and an opening folded into an incident of its
    // own (what the opening makes of an incident not opened yet: the usual case).
    struct Digest {
        QUuid id, incident;
        QString idText, incidentText;
        QByteArray payload;
        std::unique_ptr<domain::Incident> opened;
    };
    // One event ready to be written: bytes as the log stores them, and the row id it gets.
    struct Ready {
        QByteArray id, incident, actor, kind, payload, prevHash, hash, origin;
        qint64 rule = 1; // domain::HashRule
        qint64 hlc = 0;
        qint64 ts = 0;
        qint64 seq = 0;
    };

public:
    /// Runs inside the load's transaction once the log, the incidents projection, search and
    /// every index are written, just before COMMIT, with the kinds of the loaded events: the
    /// engine's projection registry folds the loaded events in there, so they commit with the
    /// log or not at all. A failure cancels the load.
    using AfterLoad = std::function<Status(Store &, const QSet<QString> &loadedKinds)>;

    /// Why a remote event cannot be applied to its incident as folded before it (empty when
    /// it can): the engine's LifecycleEngine::remoteRejection(). `numberHolder` names the
    /// incident that holds a number in the load so far.
    using Check = std::function<QString(const domain::Incident &, const domain::Event &,
                                        const std::function<QString(const QString &)> &)>;

    explicit BulkLoader(Store &store, AfterLoad afterLoad = {}, Check check = {},
                        QString origin = {})
        : m_store(store), m_afterLoad(std::move(afterLoad)), m_check(std::move(check)),
          m_origin(std::move(origin))
    {
    }
    ~BulkLoader();
    BulkLoader(const BulkLoader &) = delete;
    BulkLoader &operator=(const BulkLoader &) = delete;

    /// Fails unless the database holds no events. While the load runs, the database uses a
    /// rollback journal (new pages are written once instead of to the WAL and again at the
    /// checkpoint); finish() and cancel() put WAL back, and Store::open() always opens in
    /// WAL mode. finish() reads the database through a memory map (PRAGMA mmap_size) while
    /// it builds the indexes, and the load keeps temporary storage in files (PRAGMA
    /// temp_store: the index sorts run in parallel runs); the settings are put back when the
    /// load commits or is cancelled.
    Status begin();
    /// How many incidents to expect (from the change feed's total): sizes the working set.
    void reserve(qint64 incidents);
    Status add(const QList<domain::Event> &events);
    /// Rebuilds projection, search and indexes, runs the AfterLoad step and commits.
    Status finish();
    /// Drops everything added since begin().
    void cancel();
    qint64 loaded() const { return m_loaded; }
    /// Events the check rejected: each was replaced by a `conflict` event on its incident
    /// (domain::rejectionConflict), as the merge does.
    qint64 rejected() const { return m_rejected; }
    /// After finish(): the events of incidents whose incident.opened never came. They are not
    /// written (an incident without its opening cannot be folded: events that arrive before
    /// it wait in memory until it comes); the caller hands them to the merge, which holds
    /// them until the incident is known.
    const QList<domain::Event> &deferred() const { return m_deferred; }

    /// Where finish() spent its time, step by step (thread CPU and wall seconds), for the
    /// benchmark and the sync log.
    struct Step {
        QString name;
        double cpu = 0; ///< the calling thread's
        double wall = 0;
        double allCpu = 0; ///< every thread of the process (sorts, search build, conversion)
    };
    const QList<Step> &steps() const { return m_steps; }

    /// Puts back indexes and triggers a bulk load dropped, if it was interrupted between its
    /// steps. Store::open() runs it.
    static Status recover(Store &store);

private:
    void restoreSettings();
    static void digest(const QList<domain::Event> &events, qsizetype from, qsizetype to,
                       Digest *out);
    Status prepare(const QList<domain::Event> &events, qsizetype from, qsizetype to,
                   std::vector<Digest> &digests, std::vector<Ready> &out);
    void prepareOne(domain::Event e, const QUuid &id, Folding &f, std::vector<Ready> &out,
                    std::unique_ptr<domain::Incident> opened = {});
    Status write(const std::vector<Ready> &batch);

    Store &m_store;
    AfterLoad m_afterLoad;
    Check m_check;
    QString m_origin; // of the conflict events the check's rejections become
    bool m_active = false;
    qint64 m_loaded = 0;
    qint64 m_rejected = 0;
    QHash<QString, QString> m_numbers; // incident number -> incident uid, as folded so far
    QList<domain::Event> m_deferred;
    std::deque<Folding> m_rows; // stable addresses; first-seen order
    QHash<QUuid, Folding *> m_index;
    QSet<QUuid> m_seen;    // event ids added
    QSet<QString> m_kinds; // their kinds
    qint64 m_lastSeq = 0;  // the row id of the last event prepared
    QString m_journalMode; // to restore; empty when unchanged
    QString m_mmapSize;    // to restore; empty when unchanged
    QString m_tempStore;   // to restore; empty when unchanged
    QList<Step> m_steps;
};

} // namespace sitrep::store
