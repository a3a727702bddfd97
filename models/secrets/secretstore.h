// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace sitrep::secrets {

/// Where Sitrep keeps the secrets it stores itself (back-end tokens, AWS keys). The only
/// real implementation is the system keychain; nothing else in Sitrep persists a secret.
/// Every call is asynchronous: it returns at once and `done` runs exactly once, on the
/// calling thread, when the store has answered (a store that needs no round trip, such
/// as MemorySecretStore, may answer before the call returns). Nothing waits in a loop.
class SecretStore {
public:
    using ReadDone = std::function<void(Result<QString>)>;
    using Done = std::function<void(Status)>;

    virtual ~SecretStore() = default;
    /// The secret, or an error with code "not_found" when there is none.
    virtual void read(const QString &name, ReadDone done) = 0;
    virtual void write(const QString &name, const QString &value, Done done) = 0;
    /// Removing a secret that is not there succeeds.
    virtual void remove(const QString &name, Done done) = 0;

    /// The value of a secret, empty when there is none or the store cannot answer.
    void value(const QString &name, std::function<void(const QString &)> done);
    /// Writes `value`, or removes the secret when `value` is empty.
    void store(const QString &name, const QString &value, Done done);
    /// Runs the steps one after the other; stops at the first failure, which `done` gets.
    static void sequence(QList<std::function<void(Done)>> steps, Done done);
};

/// For unit tests: lives and dies with the process. Answers before the call returns.
class MemorySecretStore final : public SecretStore {
public:
    void read(const QString &name, ReadDone done) override;
    void write(const QString &name, const QString &value, Done done) override;
    void remove(const QString &name, Done done) override;
    /// What is stored, without the callback (tests look with it).
    Result<QString> peek(const QString &name) const;

private:
    QHash<QString, QString> m_values;
};

/// The secret `name` from the file $CREDENTIALS_DIRECTORY/NAME (systemd's LoadCredential=
/// and the like: a headless service without a keychain), without its trailing newline;
/// nothing when the variable is unset, the name is not a plain file name or there is no
/// such file.
std::optional<QString> credentialFile(const QString &name);

/// The system keychain through QtKeychain (Secret Service on Linux). Reads look in
/// $CREDENTIALS_DIRECTORY first (credentialFile()); writes always go to the keychain. A call starts
/// a keychain job and returns; the job's answer, or "did not answer" after `timeoutMs`, reaches
/// `done` through the calling thread's event loop.
class KeychainSecretStore final : public SecretStore {
public:
    explicit KeychainSecretStore(QString service = QStringLiteral("sitrep"), int timeoutMs = 15000)
        : m_service(std::move(service)), m_timeoutMs(timeoutMs)
    {
    }
    void read(const QString &name, ReadDone done) override;
    void write(const QString &name, const QString &value, Done done) override;
    void remove(const QString &name, Done done) override;

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
