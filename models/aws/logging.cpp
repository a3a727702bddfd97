// SPDX-License-Identifier: MIT
#include "aws/logging.h"

namespace sitrep::aws {

Q_LOGGING_CATEGORY(lcAws, "sitrep.aws", QtWarningMsg)

} // namespace sitrep::aws
