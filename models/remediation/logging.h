// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.remediation"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::remediation {

Q_DECLARE_LOGGING_CATEGORY(lcRemediation)

} // namespace sitrep::remediation
