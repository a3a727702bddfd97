// SPDX-License-Identifier: MIT
#include "ingest/logging.h"

namespace sitrep::ingest {

Q_LOGGING_CATEGORY(lcIngest, "sitrep.ingest", QtWarningMsg)

} // namespace sitrep::ingest
