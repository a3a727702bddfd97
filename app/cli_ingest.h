// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace sitrep::cli {

/// `sitrep serve [--listen ADDR:PORT] [--token-file FILE] [--db PATH] ...`: the headless
/// webhook listener. Runs until the process is stopped.
int runServe(const QStringList &args);

} // namespace sitrep::cli
