// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QTextStream>

namespace sitrep::cli {

/// Standard output for every command, buffered; flushed before anything goes to stderr.
QTextStream &out();

/// Prints "sitrep[ COMMAND]: MESSAGE" on stderr after flushing out(); returns exit code 1.
int failWith(const char *command, const QString &message);

} // namespace sitrep::cli
