// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"
#include "sync/restclient.h"
#include "util/result.h"

#include <functional>

namespace sitrep::sync {

/// An incident whose digest differs from the back end's.
struct DigestMismatch {
    QString incidentUid;
    QString number;
    QString local;
    QString backEnd; // empty: the back end holds no event of it
    QString describe() const;
};

/// The digest of one incident in this replica's log: domain::incidentDigest over
/// domain::digestEvents of its timeline.
QString localDigest(store::Store &store, const QString &incidentUid);

/// Compares every incident's digest with the back end's, 500 incidents per request (POST
/// /api/digests; one GET /api/incidents/{id}/digest at a time with a back end older than
/// that). `done` gets the incidents whose digests differ, or the first
/// failure (the back end unreachable, a refused token, an answer outside the contract).
void compareDigests(store::Store &store, RestClient &client,
                    std::function<void(Result<QList<DigestMismatch>>)> done);

} // namespace sitrep::sync
