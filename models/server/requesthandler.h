// SPDX-License-Identifier: MIT
#pragma once

#include "http/httprequestparser.h"
#include "server/apiserver.h"

#include <QJsonObject>

namespace sitrep::server {

namespace pg {
class Connection;
}

/// Answers one request that needs the database, on a worker thread with its own connection:
/// authentication, the identity rules, idempotency and the event log. `route` receives the
/// route template for metrics ("/api/incidents/{id}/events").
ApiResponse handleRequest(pg::Connection &db, const http::HttpRequest &request,
                          ServerMetrics &metrics, int maxWaitSeconds, const FeedHead &head,
                          QString *route);

/// Re-reads the change feed for waiters at `cursor` (no authentication: the waiting request
/// was authenticated when it came).
ApiResponse readChanges(pg::Connection &db, const Cursor &cursor, int limit);

/// A JSON answer with `status` and `body`.
ApiResponse jsonResponse(int status, const QJsonObject &body);

/// A JSON error answer: {"error": code, "message": message}.
ApiResponse errorResponse(int status, const QString &code, const QString &message);

/// The route template of a path, for metrics.
QString routeOf(const QByteArray &method, const QByteArray &path);

} // namespace sitrep::server
