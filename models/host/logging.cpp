// SPDX-License-Identifier: MIT
#include "host/logging.h"

namespace sitrep::host {

Q_LOGGING_CATEGORY(lcHost, "sitrep.host", QtWarningMsg)

} // namespace sitrep::host
