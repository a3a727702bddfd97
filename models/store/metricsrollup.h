// SPDX-License-Identifier: MIT
#pragma once

#include "store/sqlite.h"
#include "util/result.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <array>

namespace sitrep::domain {
struct Incident;
}

namespace sitrep::store {

/// The dashboard rollups (metrics_daily, metrics_open; migration 0410). Triggers on the
/// projection keep them current inside every write transaction; these functions recompute
/// them set-wise, for a rebuild and for `verify`.

/// True when the database has the rollup tables.
bool hasMetricsRollups(Db &db);

/// Recomputes both rollups from the incidents projection and its services (the caller
/// holds a transaction).
Status rebuildMetricsRollups(Db &db);

/// Recomputes the rollups from `source`, a table with the incidents columns (services taken
/// from its JSON `services` column, as the log gives them), and compares them with the
/// stored ones. Returns one fault per differing row (at most `maxFaults`); empty = equal.
QStringList compareMetricsRollups(Db &db, const QString &source, int maxFaults = 20);

/// Both rollups summed in memory over incidents as they are written, for a bulk load that
/// already holds every incident: one pass instead of grouping the whole table twice. The
/// sums are the expressions of the triggers, written in C++ next to their SQL.
class MetricsRollupBuilder {
public:
    using DailySums = std::array<qint64, 11>; // the columns of metrics_daily after its keys
    using OpenSums = std::array<qint64, 5>;   // the columns of metrics_open after its keys

    void add(const domain::Incident &incident);
    /// Replaces the stored rollups with the sums (the caller holds a transaction).
    Status write(Db &db) const;

private:
    struct DailyKey {
        QString service;
        qint64 day;
        int severity;
        QString grp;
        bool operator==(const DailyKey &) const = default;
    };
    struct OpenKey {
        QString service;
        int severity;
        QString grp;
        bool operator==(const OpenKey &) const = default;
    };
    friend size_t qHash(const DailyKey &k, size_t seed = 0)
    {
        return qHashMulti(seed, k.service, k.day, k.severity, k.grp);
    }
    friend size_t qHash(const OpenKey &k, size_t seed = 0)
    {
        return qHashMulti(seed, k.service, k.severity, k.grp);
    }
    QHash<DailyKey, DailySums> m_daily;
    QHash<OpenKey, OpenSums> m_open;
};

} // namespace sitrep::store
