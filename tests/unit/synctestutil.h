// SPDX-License-Identifier: MIT
// The sync client's asynchronous calls, waited for in a test (see asynctestutil.h).
#pragma once

#include "fixtures/appcontext.h"
#include "sync/restclient.h"
#include "sync/syncservice.h"
#include "unit/asynctestutil.h"

#include <QTemporaryDir>

#include <memory>

namespace sitrep::testing {

/// One request and its answer.
inline sync::HttpReply call(sync::RestClient &client, const QByteArray &method,
                            const QString &pathAndQuery, const QJsonObject *body = nullptr,
                            const QHash<QByteArray, QByteArray> &headers = {})
{
    return awaitCallback<sync::HttpReply>([&](auto done) {
        client.send(method, pathAndQuery, body, headers,
                    [done](const sync::HttpReply &r) { done(r); });
    });
}

/// Replicas of a test, each a new database in one temporary folder.
class Replicas {
public:
    /// A new database set up for sync with `url` as its back end (null if it did not open).
    std::unique_ptr<host::AppContext> open(const QUrl &url)
    {
        return openReplica(m_dir.filePath(QStringLiteral("replica%1.db").arg(++m_opened)), true,
                           url);
    }

private:
    QTemporaryDir m_dir;
    int m_opened = 0;
};

/// Sync options for a test against `url`: alice's token, short backoffs, a fixed seed, and an
/// interval long enough that only what the test starts runs.
inline sync::SyncOptions syncOptions(const QUrl &url)
{
    sync::SyncOptions o;
    o.url = url;
    o.token = QStringLiteral("token-of-alice");
    o.baseBackoffMs = 20;
    o.maxBackoffMs = 200;
    o.intervalMs = 60000;
    o.seed = 7;
    return o;
}

/// One sync cycle by hand, and its report.
inline sync::SyncReport syncOnce(sync::SyncService &service)
{
    return awaitCallback<sync::SyncReport>(
        [&](auto done) { service.syncOnce([done](const sync::SyncReport &r) { done(r); }); });
}

} // namespace sitrep::testing
