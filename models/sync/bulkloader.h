// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "store/store.h"
#include "util/result.h"

#include <QHash>
#include <QStringList>
#include <QUuid>

namespace sitrep::sync {

/// Loads a back end's whole history into an empty database: events are appended in one
/// transaction with the secondary indexes dropped, then the projection, search and the
/// indexes are rebuilt from the log in bulk. Remote events are re-chained onto this
/// replica's hash chain exactly like the engine's merge does.
class BulkLoader {
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
    QHash<QUuid, QString> m_heads;
};

} // namespace sitrep::sync
