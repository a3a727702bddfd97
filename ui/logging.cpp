// SPDX-License-Identifier: MIT
#include "ui/logging.h"

namespace sitrep::ui {

Q_LOGGING_CATEGORY(lcUi, "sitrep.ui", QtWarningMsg)

} // namespace sitrep::ui
