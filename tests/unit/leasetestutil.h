// SPDX-License-Identifier: MIT
// What the lease tests watch of a keeper: which jobs it holds now, and when it acquired and
// lost each one (ms on the test's clock).
#pragma once

#include "sync/leasekeeper.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <algorithm>
#include <memory>

namespace sitrep::testing {

struct WatchedKeeper {
    // The stamps outlive the keeper: a keeper may still say lost() as it goes.
    QHash<QString, qint64> acquiredAt, lostAt;
    std::unique_ptr<sync::LeaseKeeper> leases;

    /// Keeps `keeper`, stamps its acquisitions and losses with `clock` (signals delivered
    /// to `context`) and wants every job.
    void watch(std::unique_ptr<sync::LeaseKeeper> keeper, QObject *context,
               const QElapsedTimer &clock)
    {
        leases = std::move(keeper);
        QObject::connect(leases.get(), &sync::Leases::acquired, context,
                         [this, &clock](const QString &job) { acquiredAt[job] = clock.elapsed(); });
        QObject::connect(leases.get(), &sync::Leases::lost, context,
                         [this, &clock](const QString &job) { lostAt[job] = clock.elapsed(); });
        for (const QString &job : sync::jobs::all())
            leases->want(job);
    }
    /// How many of the jobs it holds now.
    int held() const
    {
        const QStringList all = sync::jobs::all();
        return int(std::count_if(all.begin(), all.end(),
                                 [this](const QString &job) { return leases->holds(job); }));
    }
    bool holdsAll() const { return held() == sync::jobs::all().size(); }
    bool holdsNone() const { return held() == 0; }
};

/// How many of `keepers` (pointers to WatchedKeeper) hold `job` now.
template <typename Keepers> int holders(const Keepers &keepers, const QString &job)
{
    return int(std::count_if(keepers.begin(), keepers.end(),
                             [&job](const auto &k) { return k->leases->holds(job); }));
}

/// Every job held by exactly one of `keepers`.
template <typename Keepers> bool oneHolderEach(const Keepers &keepers)
{
    const QStringList all = sync::jobs::all();
    return std::all_of(all.begin(), all.end(),
                       [&keepers](const QString &job) { return holders(keepers, job) == 1; });
}

} // namespace sitrep::testing
