// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace sitrep::host {
class AppContext;
}

namespace sitrep::cli {

/// `sitrep triage ...`: suggest, accept, reject, train, eval, status.
int runTriage(const QStringList &args);
/// Suggests for an incident the command line just opened and records it (when triage.auto
/// is on and a model exists, or a provider is configured). Never fails the command that
/// opened it: a problem is reported on stderr.
void suggestForNewIncident(host::AppContext &ctx, const QString &number);

} // namespace sitrep::cli
