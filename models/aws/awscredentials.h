// SPDX-License-Identifier: MIT
#pragma once

#include "aws/sigv4.h"
#include "util/result.h"

#include <QList>
#include <QRecursiveMutex>
#include <QString>

#include <memory>

namespace sitrep::secrets {
class SecretStore;
}

namespace sitrep::aws {

/// Where AWS keys come from. Implementations read them where users keep them (keychain,
/// environment, ~/.aws/credentials) on every call and never copy them anywhere.
class CredentialsProvider {
public:
    virtual ~CredentialsProvider() = default;
    virtual Result<AwsCredentials> credentials() const = 0;
    /// Short description for error messages ("environment", "profile default in ...").
    virtual QString describe() const = 0;
};

/// Fixed keys (tests, emulators, keys handed over by the keychain layer).
class StaticCredentialsProvider final : public CredentialsProvider {
public:
    explicit StaticCredentialsProvider(AwsCredentials c) : m_creds(std::move(c)) {}
    Result<AwsCredentials> credentials() const override;
    QString describe() const override { return QStringLiteral("static credentials"); }

private:
    AwsCredentials m_creds;
};

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
class EnvironmentCredentialsProvider final : public CredentialsProvider {
public:
    Result<AwsCredentials> credentials() const override;
    QString describe() const override { return QStringLiteral("environment (AWS_ACCESS_KEY_ID)"); }
};

/// A profile of the shared credentials file: AWS_SHARED_CREDENTIALS_FILE or
/// ~/.aws/credentials, profile AWS_PROFILE or "default" unless given.
class ProfileCredentialsProvider final : public CredentialsProvider {
public:
    explicit ProfileCredentialsProvider(QString profile = {}, QString path = {});
    Result<AwsCredentials> credentials() const override;
    QString describe() const override;
    static QString defaultPath();
    /// Parses the INI text of a credentials file ([profile] sections, key = value,
    /// '#'/';' comments); fails naming the profile or the missing key.
    static Result<AwsCredentials> parse(const QByteArray &text, const QString &profile);

private:
    QString m_profile;
    QString m_path;
};

/// Keys Sitrep stored in the system keychain (aws.access_key_id, aws.secret_access_key,
/// optional aws.session_token). The keychain is asked on the first call and again after
/// `cacheMs`; the answer is held in memory only (a keychain round trip per signed request
/// would put a D-Bus call in every poll). "No keys stored" is remembered the same way.
class KeychainCredentialsProvider final : public CredentialsProvider {
public:
    explicit KeychainCredentialsProvider(secrets::SecretStore &secrets, qint64 cacheMs = 300000)
        : m_secrets(secrets), m_cacheMs(cacheMs)
    {
    }
    Result<AwsCredentials> credentials() const override;
    QString describe() const override
    {
        return QStringLiteral("system keychain (aws.access_key_id)");
    }
    /// Forget the held answer (after the keys were changed).
    void invalidate();

private:
    secrets::SecretStore &m_secrets;
    qint64 m_cacheMs;
    // Recursive, with a reading flag: a keychain read runs a local event loop, in which
    // another request of the same thread may ask again; it gets the last answer instead
    // of a second nested read (or a deadlock).
    mutable QRecursiveMutex m_mutex;
    mutable bool m_reading = false;
    mutable qint64 m_readAt = -1;
    mutable Result<AwsCredentials> m_cached = Result<AwsCredentials>::fail(QString());
};

/// The first provider that has keys wins; the error lists everything that was tried.
class ChainCredentialsProvider final : public CredentialsProvider {
public:
    explicit ChainCredentialsProvider(QList<std::shared_ptr<CredentialsProvider>> chain)
        : m_chain(std::move(chain))
    {
    }
    /// Environment, then the shared credentials file.
    static std::shared_ptr<CredentialsProvider> standard(const QString &profile = {});
    /// Sitrep's order: the environment (AWS_ACCESS_KEY_ID, a per-run override), then the
    /// keys stored in the system keychain, then the shared credentials file (profile
    /// `profile`, else AWS_PROFILE, else default).
    static std::shared_ptr<CredentialsProvider> withKeychain(secrets::SecretStore &secrets,
                                                             const QString &profile = {});
    Result<AwsCredentials> credentials() const override;
    QString describe() const override;

private:
    QList<std::shared_ptr<CredentialsProvider>> m_chain;
};

} // namespace sitrep::aws
