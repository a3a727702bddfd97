// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QString>
#include <QTextStream>

namespace sitrep::cli {

/// Standard output for every command, buffered; flushed before anything goes to stderr.
QTextStream &out();

/// Prints "sitrep[ COMMAND]: MESSAGE" on stderr after flushing out(), without terminal
/// control characters; returns exit code 1.
int failWith(const char *command, const QString &message);

/// The database a command works on: --db, else $SITREP_DB, else the application data
/// folder. A missing file is an error unless the command may start a database
/// (`mayCreate`), and a missing folder is an error for a path the user gave: a mistyped
/// --db never becomes a silently empty cache somewhere new. The default folder is made on
/// first use. `created` says whether the file is not there yet.
Result<QString> databasePath(const QString &dbOption, bool mayCreate, bool *created = nullptr);

} // namespace sitrep::cli
