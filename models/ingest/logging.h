// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.ingest"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::ingest {

Q_DECLARE_LOGGING_CATEGORY(lcIngest)

} // namespace sitrep::ingest
