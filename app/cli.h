// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace sitrep::cli {

/// True if args[1] names a headless subcommand.
bool isCliCommand(const QStringList &args);
/// Runs a headless subcommand; returns the process exit code.
int run(const QStringList &args);

} // namespace sitrep::cli
