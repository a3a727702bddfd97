// SPDX-License-Identifier: MIT
#include "remediation/logging.h"

namespace sitrep::remediation {

Q_LOGGING_CATEGORY(lcRemediation, "sitrep.remediation", QtInfoMsg)

} // namespace sitrep::remediation
