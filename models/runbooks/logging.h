// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.runbooks"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::runbooks {

Q_DECLARE_LOGGING_CATEGORY(lcRunbooks)

} // namespace sitrep::runbooks
