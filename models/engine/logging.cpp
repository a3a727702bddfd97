// SPDX-License-Identifier: MIT
#include "engine/logging.h"

namespace sitrep::engine {

Q_LOGGING_CATEGORY(lcEngine, "sitrep.engine", QtWarningMsg)

} // namespace sitrep::engine
