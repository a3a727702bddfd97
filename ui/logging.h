// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.ui"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::ui {

Q_DECLARE_LOGGING_CATEGORY(lcUi)

} // namespace sitrep::ui
