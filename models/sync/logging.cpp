// SPDX-License-Identifier: MIT
#include "sync/logging.h"

namespace sitrep::sync {

Q_LOGGING_CATEGORY(lcSync, "sitrep.sync", QtWarningMsg)

} // namespace sitrep::sync
