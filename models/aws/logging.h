// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.aws"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::aws {

Q_DECLARE_LOGGING_CATEGORY(lcAws)

} // namespace sitrep::aws
