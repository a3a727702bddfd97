// SPDX-License-Identifier: MIT
#include "secrets/credentialfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace sitrep::secrets {

CredentialFileStore::CredentialFileStore(QString directory, QHash<QString, QString> files,
                                         SecretStore *fallback)
    : m_directory(std::move(directory)), m_files(std::move(files)), m_fallback(fallback)
{
}

QString CredentialFileStore::systemdDirectory()
{
    return qEnvironmentVariable("CREDENTIALS_DIRECTORY");
}

QString CredentialFileStore::credentialName(const QString &secret)
{
    // The back end is "the server" wherever an operator reads it (sitrep-server).
    if (secret == BackendTokenSecret)
        return QStringLiteral("server-token");
    QString name = secret;
    name.replace(u'.', u'-').replace(u'_', u'-');
    return name;
}

QString CredentialFileStore::fileOf(const QString &name) const
{
    for (const QString &key : {name, credentialName(name)})
        if (const auto it = m_files.constFind(key); it != m_files.cend())
            return *it;
    if (m_directory.isEmpty())
        return {};
    const QString path = QDir(m_directory).filePath(credentialName(name));
    return QFileInfo::exists(path) ? path : QString();
}

void CredentialFileStore::read(const QString &name, ReadDone done)
{
    const QString path = fileOf(name);
    if (path.isEmpty()) {
        if (m_fallback)
            m_fallback->read(name, std::move(done));
        else
            done(Result<QString>::fail(QStringLiteral("no credential file for %1").arg(name),
                                       QStringLiteral("not_found")));
        return;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        done(
            Result<QString>::fail(QStringLiteral("cannot read %1: %2").arg(path, f.errorString())));
        return;
    }
    // One secret a file; a trailing newline (echo, editors) is not part of it.
    const QString value = QString::fromUtf8(f.read(64 * 1024)).trimmed();
    if (value.isEmpty())
        done(Result<QString>::fail(QStringLiteral("%1 is empty").arg(path),
                                   QStringLiteral("not_found")));
    else
        done(value);
}

void CredentialFileStore::write(const QString &name, const QString &, Done done)
{
    done(Status::fail(
        QStringLiteral("%1 comes from credential files, which Sitrep never writes").arg(name),
        QStringLiteral("read_only")));
}

void CredentialFileStore::remove(const QString &name, Done done)
{
    write(name, {}, std::move(done));
}

} // namespace sitrep::secrets
