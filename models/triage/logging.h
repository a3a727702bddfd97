// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.triage"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::triage {

Q_DECLARE_LOGGING_CATEGORY(lcTriage)

} // namespace sitrep::triage
