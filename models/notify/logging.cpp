// SPDX-License-Identifier: MIT
#include "notify/logging.h"

namespace sitrep::notify {

Q_LOGGING_CATEGORY(lcNotify, "sitrep.notify", QtWarningMsg)

} // namespace sitrep::notify
