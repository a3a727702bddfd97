// SPDX-License-Identifier: MIT
#include "runbooks/logging.h"

namespace sitrep::runbooks {

Q_LOGGING_CATEGORY(lcRunbooks, "sitrep.runbooks", QtWarningMsg)

} // namespace sitrep::runbooks
