// SPDX-License-Identifier: MIT
#include "triage/logging.h"

namespace sitrep::triage {

Q_LOGGING_CATEGORY(lcTriage, "sitrep.triage", QtWarningMsg)

} // namespace sitrep::triage
