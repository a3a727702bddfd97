// SPDX-License-Identifier: MIT
#pragma once

#include "aws/sigv4.h"
#include "util/result.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <functional>
#include <memory>

namespace sitrep::secrets {
class SecretStore;
}

namespace sitrep::aws {

/// Where AWS keys come from. Implementations read them where users keep them (keychain,
/// environment, ~/.aws/credentials) on every call and never copy them anywhere.
/// Asynchronous: `done` runs once, on the calling thread, possibly before the call returns
/// (the environment and files answer at once; the keychain later, from the event loop).
class CredentialsProvider {
public:
    using Done = std::function<void(Result<AwsCredentials>)>;
    virtual ~CredentialsProvider() = default;
    virtual void credentials(Done done) const = 0;
    /// Short description for error messages ("environment", "profile default in ...").
    virtual QString describe() const = 0;
};

/// A provider that answers at once, from memory, the environment or a file: read() is
/// its answer.
class LocalCredentialsProvider : public CredentialsProvider {
public:
    virtual Result<AwsCredentials> read() const = 0;
    void credentials(Done done) const final { done(read()); }
};

/// Fixed keys (tests, emulators, keys handed over by the keychain layer).
class StaticCredentialsProvider final : public LocalCredentialsProvider {
public:
    explicit StaticCredentialsProvider(AwsCredentials c) : m_creds(std::move(c)) {}
    Result<AwsCredentials> read() const override;
    QString describe() const override { return QStringLiteral("static credentials"); }

private:
    AwsCredentials m_creds;
};

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
class EnvironmentCredentialsProvider final : public LocalCredentialsProvider {
public:
    Result<AwsCredentials> read() const override;
    QString describe() const override { return QStringLiteral("environment (AWS_ACCESS_KEY_ID)"); }
};

/// A profile of the shared credentials file: AWS_SHARED_CREDENTIALS_FILE or
/// ~/.aws/credentials, profile AWS_PROFILE or "default" unless given.
class ProfileCredentialsProvider final : public LocalCredentialsProvider {
public:
    explicit ProfileCredentialsProvider(QString profile = {}, QString path = {});
    Result<AwsCredentials> read() const override;
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
/// Requests that ask while the keychain is being asked wait for that same answer.
class KeychainCredentialsProvider final : public CredentialsProvider {
public:
    explicit KeychainCredentialsProvider(secrets::SecretStore &secrets, qint64 cacheMs = 300000)
        : m_secrets(secrets), m_cacheMs(cacheMs)
    {
    }
    void credentials(Done done) const override;
    QString describe() const override
    {
        return QStringLiteral("system keychain (aws.access_key_id)");
    }
    /// Forget the held answer (after the keys were changed).
    void invalidate();

private:
    secrets::SecretStore &m_secrets;
    qint64 m_cacheMs;
    // Shared with the reads under way, which may answer after this provider is gone.
    struct State {
        QMutex mutex;
        QList<Done> waiting; // asked while a read is under way
        bool reading = false;
        quint64 generation = 0; // invalidate() makes a read under way stale
        qint64 readAt = -1;
        Result<AwsCredentials> cached = Result<AwsCredentials>::fail(QString());
        void answer(const Result<AwsCredentials> &answer, qint64 at);
    };
    std::shared_ptr<State> m_state = std::make_shared<State>();
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
    void credentials(Done done) const override;
    QString describe() const override;

private:
    QList<std::shared_ptr<CredentialsProvider>> m_chain;
};

} // namespace sitrep::aws
