// SPDX-License-Identifier: MIT
#include "secrets/secretstore.h"

#include <QEventLoop>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace sitrep::secrets {

Result<QString> MemorySecretStore::read(const QString &name)
{
    const auto it = m_values.constFind(name);
    if (it == m_values.cend())
        return Result<QString>::fail(QStringLiteral("no secret '%1'").arg(name),
                                     QStringLiteral("not_found"));
    return *it;
}

Status MemorySecretStore::write(const QString &name, const QString &value)
{
    m_values.insert(name, value);
    return {};
}

Status MemorySecretStore::remove(const QString &name)
{
    m_values.remove(name);
    return {};
}

// Runs a keychain job to its end. QtKeychain reports a backend as available even when no
// Secret Service answers, so every outcome, including silence, is handled as an error.
static QString runJob(QKeychain::Job *job, int timeoutMs, bool *notFound = nullptr)
{
    QEventLoop loop;
    bool finished = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!finished)
        loop.exec();
    if (!finished)
        return QStringLiteral("the system keychain did not answer within %1 s (is it locked?)")
            .arg(timeoutMs / 1000);
    if (job->error() == QKeychain::NoError)
        return {};
    if (notFound)
        *notFound = job->error() == QKeychain::EntryNotFound;
    return QStringLiteral("system keychain: %1").arg(job->errorString());
}

Result<QString> KeychainSecretStore::read(const QString &name)
{
    QKeychain::ReadPasswordJob job(m_service);
    job.setAutoDelete(false);
    job.setKey(name);
    bool notFound = false;
    if (const QString err = runJob(&job, m_timeoutMs, &notFound); !err.isEmpty())
        return Result<QString>::fail(
            notFound ? QStringLiteral("no secret '%1' in the system keychain").arg(name) : err,
            notFound ? QStringLiteral("not_found") : QStringLiteral("keychain"));
    return job.textData();
}

Status KeychainSecretStore::write(const QString &name, const QString &value)
{
    QKeychain::WritePasswordJob job(m_service);
    job.setAutoDelete(false);
    job.setKey(name);
    job.setTextData(value);
    if (const QString err = runJob(&job, m_timeoutMs); !err.isEmpty())
        return Status::fail(err, QStringLiteral("keychain"));
    return {};
}

Status KeychainSecretStore::remove(const QString &name)
{
    QKeychain::DeletePasswordJob job(m_service);
    job.setAutoDelete(false);
    job.setKey(name);
    bool notFound = false;
    if (const QString err = runJob(&job, m_timeoutMs, &notFound); !err.isEmpty() && !notFound)
        return Status::fail(err, QStringLiteral("keychain"));
    return {};
}

} // namespace sitrep::secrets
