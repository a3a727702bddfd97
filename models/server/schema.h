// SPDX-License-Identifier: MIT
#pragma once

#include "server/pg.h"
#include "util/result.h"

namespace sitrep::server {

/// The newest schema version this build knows.
int schemaVersion();

/// Creates or upgrades the schema, one versioned migration per transaction, under an
/// advisory lock so that instances starting together never run one twice. Returns how many
/// migrations ran (0 when the schema was already current).
Result<int> migrate(pg::Connection &db);

/// The version the database is at (0 for an empty database), or an error.
Result<int> currentSchemaVersion(pg::Connection &db);

} // namespace sitrep::server
