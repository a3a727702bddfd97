// SPDX-License-Identifier: MIT
#include "aws/awscredentials.h"

#include "secrets/secretstore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

namespace sitrep::aws {

using RC = Result<AwsCredentials>;

RC StaticCredentialsProvider::read() const
{
    if (!m_creds.isValid())
        return RC::fail(QStringLiteral("no AWS access key configured"),
                        QStringLiteral("credentials"));
    return m_creds;
}

RC EnvironmentCredentialsProvider::read() const
{
    AwsCredentials c{qEnvironmentVariable("AWS_ACCESS_KEY_ID"),
                     qEnvironmentVariable("AWS_SECRET_ACCESS_KEY"),
                     qEnvironmentVariable("AWS_SESSION_TOKEN")};
    if (!c.isValid())
        return RC::fail(
            QStringLiteral("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set"),
            QStringLiteral("credentials"));
    return c;
}

ProfileCredentialsProvider::ProfileCredentialsProvider(QString profile, QString path)
    : m_profile(std::move(profile)), m_path(std::move(path))
{
    if (m_profile.isEmpty())
        m_profile = qEnvironmentVariable("AWS_PROFILE", QStringLiteral("default"));
    if (m_path.isEmpty())
        m_path = defaultPath();
}

QString ProfileCredentialsProvider::defaultPath()
{
    const QString env = qEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
    if (!env.isEmpty())
        return env;
    return QDir::homePath() + QStringLiteral("/.aws/credentials");
}

QString ProfileCredentialsProvider::describe() const
{
    return QStringLiteral("profile '%1' in %2").arg(m_profile, m_path);
}

RC ProfileCredentialsProvider::read() const
{
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly))
        return RC::fail(QStringLiteral("cannot read %1: %2").arg(m_path, f.errorString()),
                        QStringLiteral("credentials"));
    return parse(f.readAll(), m_profile);
}

RC ProfileCredentialsProvider::parse(const QByteArray &text, const QString &profile)
{
    bool inProfile = false;
    bool found = false;
    AwsCredentials c;
    for (QByteArray line : text.split('\n')) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith('#') || line.startsWith(';'))
            continue;
        if (line.startsWith('[')) {
            const int end = line.indexOf(']');
            QString name = QString::fromUtf8(line.mid(1, end < 0 ? -1 : end - 1)).trimmed();
            // ~/.aws/config style "[profile name]" is accepted too.
            if (name.startsWith(QStringLiteral("profile ")))
                name = name.mid(8).trimmed();
            inProfile = name == profile;
            found = found || inProfile;
            continue;
        }
        if (!inProfile)
            continue;
        const int eq = line.indexOf('=');
        if (eq < 0)
            continue;
        const QByteArray key = line.left(eq).trimmed().toLower();
        const QString value = QString::fromUtf8(line.mid(eq + 1).trimmed());
        if (key == "aws_access_key_id")
            c.accessKeyId = value;
        else if (key == "aws_secret_access_key")
            c.secretAccessKey = value;
        else if (key == "aws_session_token" || key == "aws_security_token")
            c.sessionToken = value;
    }
    if (!found)
        return RC::fail(QStringLiteral("no profile '%1' in the credentials file").arg(profile),
                        QStringLiteral("credentials"));
    if (c.accessKeyId.isEmpty())
        return RC::fail(QStringLiteral("profile '%1' has no aws_access_key_id").arg(profile),
                        QStringLiteral("credentials"));
    if (c.secretAccessKey.isEmpty())
        return RC::fail(QStringLiteral("profile '%1' has no aws_secret_access_key").arg(profile),
                        QStringLiteral("credentials"));
    return c;
}

void KeychainCredentialsProvider::credentials(Done done) const
{
    const std::shared_ptr<State> state = m_state;
    QMutexLocker lock(&state->mutex);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (state->readAt >= 0 && now - state->readAt < m_cacheMs) {
        const RC cached = state->cached;
        lock.unlock();
        return done(cached);
    }
    state->waiting << std::move(done);
    if (state->reading)
        return;
    state->reading = true;
    const quint64 generation = state->generation;
    lock.unlock();
    // Held only when no invalidate() came while the keychain was asked.
    const auto heldAt = [state, generation, now] {
        QMutexLocker l(&state->mutex);
        return generation == state->generation ? now : -1;
    };
    secrets::SecretStore &keychain = m_secrets;
    // The id first: without it the other two are not asked for.
    keychain.read(secrets::AwsAccessKeyIdSecret, [state, heldAt, &keychain](Result<QString> id) {
        if (!id) {
            // Not stored, or a keychain that cannot answer: a miss that lets the chain go
            // on, remembered too so a locked keychain does not stall every request.
            const bool missing = id.error().code == u"not_found";
            return state->answer(RC::fail(missing ? QStringLiteral("no aws.access_key_id stored")
                                                  : id.errorMessage(),
                                          QStringLiteral("credentials")),
                                 heldAt());
        }
        keychain.read(secrets::AwsSecretAccessKeySecret, [state, heldAt, &keychain,
                                                          id](Result<QString> secret) {
            if (!secret)
                return state->answer(
                    RC::fail(
                        secret.error().code == u"not_found"
                            ? QStringLiteral(
                                  "aws.access_key_id is stored but aws.secret_access_key is not")
                            : secret.errorMessage(),
                        QStringLiteral("credentials")),
                    -1);
            keychain.read(secrets::AwsSessionTokenSecret, [state, heldAt, id,
                                                           secret](Result<QString> token) {
                state->answer(AwsCredentials{*id, *secret, token ? *token : QString()}, heldAt());
            });
        });
    });
}

// Hands the keychain's answer to every request that waited for it; `at` >= 0 holds it.
void KeychainCredentialsProvider::State::answer(const RC &result, qint64 at)
{
    QMutexLocker lock(&mutex);
    if (at >= 0) {
        cached = result;
        readAt = at;
    }
    reading = false;
    const QList<Done> asked = std::exchange(waiting, {});
    lock.unlock();
    for (const auto &done : asked)
        done(result);
}

void KeychainCredentialsProvider::invalidate()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->readAt = -1;
    ++m_state->generation;
}

std::shared_ptr<CredentialsProvider>
ChainCredentialsProvider::withKeychain(secrets::SecretStore &secrets, const QString &profile)
{
    return std::make_shared<ChainCredentialsProvider>(QList<std::shared_ptr<CredentialsProvider>>{
        std::make_shared<EnvironmentCredentialsProvider>(),
        std::make_shared<KeychainCredentialsProvider>(secrets),
        std::make_shared<ProfileCredentialsProvider>(profile)});
}

std::shared_ptr<CredentialsProvider> ChainCredentialsProvider::standard(const QString &profile)
{
    return std::make_shared<ChainCredentialsProvider>(QList<std::shared_ptr<CredentialsProvider>>{
        std::make_shared<EnvironmentCredentialsProvider>(),
        std::make_shared<ProfileCredentialsProvider>(profile)});
}

// Asks the providers in order; the first with keys wins, else the error lists them all.
static void firstWithKeys(QList<std::shared_ptr<CredentialsProvider>> rest, QStringList tried,
                          CredentialsProvider::Done done)
{
    if (rest.isEmpty())
        return done(RC::fail(
            QStringLiteral("no AWS credentials found (%1)").arg(tried.join(QStringLiteral("; "))),
            QStringLiteral("credentials")));
    const auto p = rest.takeFirst();
    p->credentials([p, rest = std::move(rest), tried = std::move(tried),
                    done = std::move(done)](RC c) mutable {
        if (c)
            return done(std::move(c));
        tried << QStringLiteral("%1: %2").arg(p->describe(), c.errorMessage());
        firstWithKeys(std::move(rest), std::move(tried), std::move(done));
    });
}

void ChainCredentialsProvider::credentials(Done done) const
{
    firstWithKeys(m_chain, {}, std::move(done));
}

QString ChainCredentialsProvider::describe() const
{
    QStringList d;
    for (const auto &p : m_chain)
        d << p->describe();
    return d.join(QStringLiteral(", then "));
}

} // namespace sitrep::aws
