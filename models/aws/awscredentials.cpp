// SPDX-License-Identifier: MIT
#include "aws/awscredentials.h"

#include "secrets/secretstore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QScopeGuard>

namespace sitrep::aws {

using RC = Result<AwsCredentials>;

RC StaticCredentialsProvider::credentials() const
{
    if (!m_creds.isValid())
        return RC::fail(QStringLiteral("no AWS access key configured"),
                        QStringLiteral("credentials"));
    return m_creds;
}

RC EnvironmentCredentialsProvider::credentials() const
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

RC ProfileCredentialsProvider::credentials() const
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

RC KeychainCredentialsProvider::credentials() const
{
    QMutexLocker lock(&m_mutex);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_readAt >= 0 && now - m_readAt < m_cacheMs)
        return m_cached;
    if (m_reading)
        return m_readAt >= 0
                   ? m_cached
                   : RC::fail(QStringLiteral(
                                  "the system keychain is still being asked for the AWS keys"),
                              QStringLiteral("credentials"));
    m_reading = true;
    const auto done = qScopeGuard([this] { m_reading = false; });
    auto id = m_secrets.read(secrets::AwsAccessKeyIdSecret);
    if (!id) {
        // Not stored, or a keychain that cannot answer: a miss that lets the chain go on,
        // remembered too so a locked keychain does not stall every request.
        const bool missing = id.error().code == u"not_found";
        m_cached =
            RC::fail(missing ? QStringLiteral("no aws.access_key_id stored") : id.errorMessage(),
                     QStringLiteral("credentials"));
        m_readAt = now;
        return m_cached;
    }
    auto secret = m_secrets.read(secrets::AwsSecretAccessKeySecret);
    if (!secret)
        return RC::fail(
            secret.error().code == u"not_found"
                ? QStringLiteral("aws.access_key_id is stored but aws.secret_access_key is not")
                : secret.errorMessage(),
            QStringLiteral("credentials"));
    auto token = m_secrets.read(secrets::AwsSessionTokenSecret);
    m_cached = AwsCredentials{*id, *secret, token ? *token : QString()};
    m_readAt = now;
    return m_cached;
}

void KeychainCredentialsProvider::invalidate()
{
    QMutexLocker lock(&m_mutex);
    m_readAt = -1;
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

RC ChainCredentialsProvider::credentials() const
{
    QStringList tried;
    for (const auto &p : m_chain) {
        auto c = p->credentials();
        if (c)
            return c;
        tried << QStringLiteral("%1: %2").arg(p->describe(), c.errorMessage());
    }
    return RC::fail(
        QStringLiteral("no AWS credentials found (%1)").arg(tried.join(QStringLiteral("; "))),
        QStringLiteral("credentials"));
}

QString ChainCredentialsProvider::describe() const
{
    QStringList d;
    for (const auto &p : m_chain)
        d << p->describe();
    return d.join(QStringLiteral(", then "));
}

} // namespace sitrep::aws
