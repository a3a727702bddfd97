// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

#include <memory>

class QObject;

namespace sitrep::host {
class AppContext;
}

namespace sitrep::cli {

/// `sitrep maintenance add|list|end|rm`: maintenance windows per configuration item.
int runMaintenance(const QStringList &args);
/// `sitrep change add|list|rm`: changes implemented on configuration items.
int runChange(const QStringList &args);
/// `sitrep remediation
/// list|failed|retry|dismiss|approve|audit|run|setup-queues|config|rules|preview`.
int runRemediation(const QStringList &args);

} // namespace sitrep::cli
