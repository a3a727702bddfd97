// SPDX-License-Identifier: MIT
#include "store/logging.h"

namespace sitrep::store {

Q_LOGGING_CATEGORY(lcStore, "sitrep.store", QtWarningMsg)

} // namespace sitrep::store
