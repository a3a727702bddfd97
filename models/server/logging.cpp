// SPDX-License-Identifier: MIT
#include "server/logging.h"

namespace sitrep::server {

Q_LOGGING_CATEGORY(lcServer, "sitrep.server")
Q_LOGGING_CATEGORY(lcServerRequests, "sitrep.server.requests")

} // namespace sitrep::server
