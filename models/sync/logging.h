// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.sync"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::sync {

Q_DECLARE_LOGGING_CATEGORY(lcSync)

} // namespace sitrep::sync
