// SPDX-License-Identifier: MIT
#pragma once

#include "secrets/secretstore.h"
#include "store/store.h"
#include "util/result.h"

#include <QUrl>

#include <functional>

namespace sitrep::sync {

/// The back-end settings behind the settings dialog and `sitrep config`: the URL lives in
/// the database's meta table, the token only in the SecretStore (the system keychain).
class SyncSettings {
public:
    SyncSettings(store::Store &store, secrets::SecretStore &secrets)
        : m_store(store), m_secrets(secrets)
    {
    }

    QString url();
    /// Checks the endpoint policy (https unless loopback, no credentials in the URL),
    /// saves it and turns sync on for the database.
    Status setUrl(const QString &url);
    /// The stored token, empty when there is none; `done` gets it when the secret store
    /// has answered (see SecretStore).
    void token(std::function<void(const QString &)> done);
    /// Stores the token, or removes it when `token` is empty.
    void setToken(const QString &token, secrets::SecretStore::Done done);

    store::Store &store() { return m_store; }

    /// One authenticated GET /api/health, then GET /api/me where the back end offers it.
    /// `done` gets "connected ... as alice (commander)" or exactly what failed (bad URL,
    /// nothing listening, name not found, TLS, timeout, token refused, not a Sitrep back
    /// end). With `remember`, whose backend.url is `url`, the user is cached there (see
    /// Identity) as a sync would.
    static void testConnection(const QUrl &url, const QString &token, int timeoutMs,
                               const std::function<void(const Status &, const QString &)> &done,
                               store::Store *remember = nullptr);

private:
    store::Store &m_store;
    secrets::SecretStore &m_secrets;
};

} // namespace sitrep::sync
