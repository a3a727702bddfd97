// SPDX-License-Identifier: MIT
#pragma once

#include "engine/projection.h"

#include <QSet>

#include <functional>
#include <memory>
#include <vector>

namespace sitrep::engine {

/// The projections of one engine, and the only code that moves their cursors. Every method
/// that writes runs inside the caller's transaction, except verify(), which works on a copy.
class ProjectionRegistry {
public:
    ProjectionRegistry() = default;
    ~ProjectionRegistry();
    ProjectionRegistry(const ProjectionRegistry &) = delete;
    ProjectionRegistry &operator=(const ProjectionRegistry &) = delete;

    /// Adds a projection. False, and the projection is dropped, when one of that name is
    /// registered already: each projection runs once per event.
    bool add(std::unique_ptr<Projection> projection);
    bool isEmpty() const { return m_projections.empty(); }
    QStringList names() const;

    /// Brings every projection up to the last of `appended`, the events this transaction just
    /// appended (seq set, log order): first the events before them it has not seen (appended
    /// by a process or a code path that did not run it), read from the log, then those.
    /// With `appended` empty, up to the end of the log. Each cursor moves to where its
    /// projection got.
    Status run(store::Store &store, const QList<domain::Event> &appended)
    {
        return run(store, appended, nullptr);
    }
    /// run() after a bulk load into an empty log, whose events are of `loadedKinds` only: a
    /// projection that reads none of them moves its cursor without a pass over the log.
    Status runAfterLoad(store::Store &store, const QSet<QString> &loadedKinds)
    {
        return run(store, {}, &loadedKinds);
    }
    /// Empties every projection and folds the whole log into it again, through run().
    Status rebuild(store::Store &store);
    /// Rebuilds every projection on a snapshot of `store` copied to a temporary file (the
    /// live database is only read), comparing its tables with the stored ones. One fault per
    /// table that differs; empty when all agree.
    QStringList verify(store::Store &store,
                       const std::function<void(const QString &)> &progress = {});

private:
    /// verify() on the copy: rebuilds in a transaction that is rolled back and compares.
    QStringList compareWithRebuild(store::Store &store);
    Status run(store::Store &store, const QList<domain::Event> &appended,
               const QSet<QString> *onlyKinds);

    struct Entry {
        std::unique_ptr<Projection> projection;
        QString name;
        QStringList kinds;
    };
    std::vector<Entry> m_projections;
};

} // namespace sitrep::engine
