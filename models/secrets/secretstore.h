// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QHash>
#include <QString>

namespace sitrep::secrets {

/// Where Sitrep keeps the secrets it stores itself (back-end tokens, AWS keys). The only
/// real implementation is the system keychain; nothing else in Sitrep persists a secret.
class SecretStore {
public:
    virtual ~SecretStore() = default;
    /// The secret, or an error with code "not_found" when there is none.
    virtual Result<QString> read(const QString &name) = 0;
    virtual Status write(const QString &name, const QString &value) = 0;
    virtual Status remove(const QString &name) = 0;
};

/// For unit tests: lives and dies with the process.
class MemorySecretStore final : public SecretStore {
public:
    Result<QString> read(const QString &name) override;
    Status write(const QString &name, const QString &value) override;
    Status remove(const QString &name) override;

private:
    QHash<QString, QString> m_values;
};

/// The system keychain through QtKeychain (Secret Service on Linux). Calls block on a
/// local event loop until the job finishes or `timeoutMs` passes.
class KeychainSecretStore final : public SecretStore {
public:
    explicit KeychainSecretStore(QString service = QStringLiteral("sitrep"), int timeoutMs = 15000)
        : m_service(std::move(service)), m_timeoutMs(timeoutMs)
    {
    }
    Result<QString> read(const QString &name) override;
    Status write(const QString &name, const QString &value) override;
    Status remove(const QString &name) override;

private:
    QString m_service;
    int m_timeoutMs;
};

/// Names of the secrets Sitrep knows.
inline const QString BackendTokenSecret = QStringLiteral("backend.token");
/// Bearer token the alert listener accepts (`sitrep secret set ingest.token`).
inline const QString IngestTokenSecret = QStringLiteral("ingest.token");
/// AWS keys entered in the settings dialog or with `sitrep secret set` (session token optional).
inline const QString AwsAccessKeyIdSecret = QStringLiteral("aws.access_key_id");
inline const QString AwsSecretAccessKeySecret = QStringLiteral("aws.secret_access_key");
inline const QString AwsSessionTokenSecret = QStringLiteral("aws.session_token");

} // namespace sitrep::secrets
