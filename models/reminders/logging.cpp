// SPDX-License-Identifier: MIT
#include "reminders/logging.h"

namespace sitrep::reminders {

Q_LOGGING_CATEGORY(lcReminders, "sitrep.reminders", QtWarningMsg)

} // namespace sitrep::reminders
