// SPDX-License-Identifier: MIT
#include "itemmodels/logging.h"

namespace sitrep::itemmodels {

Q_LOGGING_CATEGORY(lcItemModels, "sitrep.itemmodels", QtWarningMsg)

} // namespace sitrep::itemmodels
