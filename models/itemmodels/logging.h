// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.itemmodels"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::itemmodels {

Q_DECLARE_LOGGING_CATEGORY(lcItemModels)

} // namespace sitrep::itemmodels
