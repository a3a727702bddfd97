// SPDX-License-Identifier: MIT
// What the lease tests watch of a keeper: which jobs it holds now, and when it acquired and
// lost each one (ms on the test's clock).
#pragma once

#include "sync/leasekeeper.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

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

/// Starts `holder`, waits up to `timeoutMs` until it holds every job, then starts `standby`.
/// False if the holder never held them all.
inline bool startHolderThenStandby(WatchedKeeper &holder, WatchedKeeper &standby, int timeoutMs)
{
    holder.leases->start();
    if (!QTest::qWaitFor([&holder] { return holder.holdsAll(); }, timeoutMs))
        return false;
    standby.leases->start();
    return true;
}

/// The live keepers of a lease test, and each moment (sampled) two of them held one job.
template <typename Keeper> class KeeperPool {
public:
    Keeper *add(std::unique_ptr<Keeper> keeper)
    {
        Keeper *raw = keeper.get();
        m_live.push_back(std::move(keeper));
        return raw;
    }
    /// The keeper dies: no stop(), no release, no more renewals.
    void kill(Keeper *keeper)
    {
        std::erase_if(m_live,
                      [keeper](const std::unique_ptr<Keeper> &x) { return x.get() == keeper; });
    }
    void clear() { m_live.clear(); }
    auto begin() const { return m_live.begin(); }
    auto end() const { return m_live.end(); }

    /// Every `intervalMs` from now on, notes each job two live keepers hold at once.
    void sampleOverlaps(const QElapsedTimer &clock, int intervalMs)
    {
        m_sampler.setInterval(intervalMs);
        QObject::connect(&m_sampler, &QTimer::timeout, &m_sampler, [this, &clock] {
            for (const QString &job : sync::jobs::all())
                if (holders(*this, job) > 1)
                    m_overlaps << QStringLiteral("%1 at %2 ms").arg(job).arg(clock.elapsed());
        });
        m_sampler.start();
    }
    const QStringList &overlaps() const { return m_overlaps; }

private:
    std::vector<std::unique_ptr<Keeper>> m_live;
    QTimer m_sampler;
    QStringList m_overlaps;
};

} // namespace sitrep::testing
