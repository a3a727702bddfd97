// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace sitrep::cli {

/// `sitrep aws consume|notify ...`: the SQS alert consumer and notification delivery,
/// headless.
int runAws(const QStringList &args);

} // namespace sitrep::cli
