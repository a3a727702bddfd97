// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "store/store.h"
#include "util/result.h"

#include <QHash>
#include <QStringList>
#include <QUuid>

namespace sitrep::sync {

/// Loads a back end's whole history into an empty database, in one transaction: events are
/// re-chained onto this replica's hash chain (as the engine's merge does) and appended with
/// the secondary indexes dropped, while each incident is folded in memory through the
/// projector in (hlc, id) order (out-of-order incidents are refolded from the log); then the
/// rows are written, and search, services and the indexes are rebuilt set-wise. The result
/// is what Store::rebuildProjection() gives for the same log.
class BulkLoader {
    struct Folding {
        domain::Incident incident;
        QString uid;
        qint64 lastHlc = 0;
        QString lastId;
        qint64 openSeq = 0;   // order of the incident.opened event: the row id order
        bool dirty = false;   // an event arrived out of (hlc, id) order: refold from the log
    };

public:
    explicit BulkLoader(store::Store &store) : m_store(store) {}
    ~BulkLoader();
    BulkLoader(const BulkLoader &) = delete;
    BulkLoader &operator=(const BulkLoader &) = delete;

    /// Fails unless the database holds no events.
    Status begin();
    Status add(const QList<domain::Event> &events);
    /// Commits the events, rebuilds projection, search and indexes.
    Status finish();
    /// Drops everything added since begin().
    void cancel();
    qint64 loaded() const { return m_loaded; }

    /// Puts back indexes a bulk load dropped, if it was interrupted between its steps.
    static Status recover(store::Store &store);

private:
    store::Store &m_store;
    bool m_active = false;
    qint64 m_loaded = 0;
    QHash<QUuid, Folding> m_folding;
};

} // namespace sitrep::sync
