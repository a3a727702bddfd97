// SPDX-License-Identifier: MIT
// The logging category of this module, "sitrep.server"; docs/DESIGN.md lists every module's
// category and how to turn one on (QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

namespace sitrep::server {

Q_DECLARE_LOGGING_CATEGORY(lcServer)
/// One line per request (method, path, status, time): "sitrep.server.requests".
Q_DECLARE_LOGGING_CATEGORY(lcServerRequests)

} // namespace sitrep::server
