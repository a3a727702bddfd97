// SPDX-License-Identifier: MIT
#pragma once

#include "http/httprequestparser.h"
#include "server/apiserver.h"
#include "server/identity.h"

namespace sitrep::server {

namespace pg {
class Connection;
}

/// Bounds of a lease request (resources/api/sitrep.yaml).
namespace leaselimits {
constexpr int MinTtlMs = 1000;
constexpr int MaxTtlMs = 300000;
constexpr int MaxHolder = 200;
} // namespace leaselimits

/// Answers `/api/leases` (GET: the leases held now) and `/api/leases/{name}` (PUT: take or
/// renew, DELETE: release) for an authenticated `who`. Only agents and admins take or
/// release leases. Expiry is the database's clock: the take is one statement that succeeds
/// only for the same holder or over an expired lease, so any number of instances agree.
ApiResponse handleLeaseRequest(pg::Connection &db, const Principal &who,
                               const http::HttpRequest &request, ServerMetrics &metrics);

} // namespace sitrep::server
