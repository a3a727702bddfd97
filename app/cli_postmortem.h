// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace sitrep::cli {

/// `sitrep postmortem ...`: show, export (md|html|pdf), status, versions, restore, save,
/// ics, sync-actions, actions, template.
int runPostmortem(const QStringList &args);
/// `sitrep runbook ...`: list, show, validate, match, check, tick (escalations).
int runRunbook(const QStringList &args);
/// `sitrep problem ...`: create, list, show, link, update, known-error, known-errors,
/// resolve, kb.
int runProblem(const QStringList &args);

} // namespace sitrep::cli
