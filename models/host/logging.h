// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.host"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::host {

Q_DECLARE_LOGGING_CATEGORY(lcHost)

} // namespace sitrep::host
