// SPDX-License-Identifier: MIT
#include "postmortem/logging.h"

namespace sitrep::postmortem {

Q_LOGGING_CATEGORY(lcPostmortem, "sitrep.postmortem", QtWarningMsg)

} // namespace sitrep::postmortem
