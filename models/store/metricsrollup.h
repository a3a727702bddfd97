// SPDX-License-Identifier: MIT
#pragma once

#include "store/sqlite.h"
#include "util/result.h"

#include <QString>
#include <QStringList>

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

} // namespace sitrep::store
