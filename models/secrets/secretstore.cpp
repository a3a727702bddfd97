// SPDX-License-Identifier: MIT
#include "secrets/secretstore.h"

#include <QDir>
#include <QFile>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>
#include <utility>

namespace sitrep::secrets {

void SecretStore::value(const QString &name, std::function<void(const QString &)> done)
{
    read(name, [done = std::move(done)](Result<QString> r) { done(r ? *r : QString()); });
}

void SecretStore::store(const QString &name, const QString &value, Done done)
{
    if (value.isEmpty())
        remove(name, std::move(done));
    else
        write(name, value, std::move(done));
}

void SecretStore::sequence(QList<std::function<void(Done)>> steps, Done done)
{
    if (steps.isEmpty())
        return done({});
    auto first = steps.takeFirst();
    first([steps = std::move(steps), done = std::move(done)](Status s) mutable {
        if (!s)
            return done(s);
        sequence(std::move(steps), std::move(done));
    });
}

void MemorySecretStore::read(const QString &name, ReadDone done)
{
    done(peek(name));
}

Result<QString> MemorySecretStore::peek(const QString &name) const
{
    const auto it = m_values.constFind(name);
    if (it == m_values.cend())
        return Result<QString>::fail(QStringLiteral("no secret '%1'").arg(name),
                                     QStringLiteral("not_found"));
    return *it;
}

void MemorySecretStore::write(const QString &name, const QString &value, Done done)
{
    m_values.insert(name, value);
    done({});
}

void MemorySecretStore::remove(const QString &name, Done done)
{
    m_values.remove(name);
    done({});
}

namespace {

// How a keychain job ended: empty `error` when it succeeded.
struct JobOutcome {
    QString error;
    bool notFound = false;
};

// Starts a keychain job; `done` runs once with its outcome, from the event loop. QtKeychain
// reports a backend as available even when no Secret Service answers, so silence past
// `timeoutMs` is an outcome too. The job deletes itself once it has answered or given up.
void runJob(QKeychain::Job *job, int timeoutMs, std::function<void(const JobOutcome &)> done)
{
    job->setAutoDelete(false);
    auto answered = std::make_shared<bool>(false);
    QObject::connect(job, &QKeychain::Job::finished, job, [job, answered, done] {
        job->deleteLater();
        if (std::exchange(*answered, true))
            return;
        if (job->error() == QKeychain::NoError)
            return done({});
        done({QStringLiteral("system keychain: %1").arg(job->errorString()),
              job->error() == QKeychain::EntryNotFound});
    });
    QTimer::singleShot(timeoutMs, job, [job, answered, done, timeoutMs] {
        if (std::exchange(*answered, true))
            return;
        job->deleteLater();
        done({QStringLiteral("the system keychain did not answer within %1 s (is it locked?)")
                  .arg(timeoutMs / 1000),
              false});
    });
    job->start();
}

} // namespace

std::optional<QString> credentialFile(const QString &name)
{
    const QString dir = qEnvironmentVariable("CREDENTIALS_DIRECTORY");
    // Only plain names: a name never reaches outside the folder.
    if (dir.isEmpty() || name.isEmpty() || name.startsWith(u'.') || name.contains(u'/') ||
        name.contains(u'\\'))
        return std::nullopt;
    QFile f(QDir(dir).filePath(name));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QString value = QString::fromUtf8(f.read(64 * 1024));
    while (value.endsWith(u'\n') || value.endsWith(u'\r'))
        value.chop(1);
    return value;
}

void KeychainSecretStore::read(const QString &name, ReadDone done)
{
    // A service started with credentials (systemd LoadCredential=) reads them from files.
    if (const auto file = credentialFile(name))
        return done(*file);
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(name);
    runJob(job, m_timeoutMs, [job, name, done = std::move(done)](const JobOutcome &o) {
        if (o.error.isEmpty())
            return done(job->textData());
        done(Result<QString>::fail(
            o.notFound ? QStringLiteral("no secret '%1' in the system keychain").arg(name)
                       : o.error,
            o.notFound ? QStringLiteral("not_found") : QStringLiteral("keychain")));
    });
}

void KeychainSecretStore::write(const QString &name, const QString &value, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(name);
    job->setTextData(value);
    runJob(job, m_timeoutMs, [done = std::move(done)](const JobOutcome &o) {
        done(o.error.isEmpty() ? Status() : Status::fail(o.error, QStringLiteral("keychain")));
    });
}

void KeychainSecretStore::remove(const QString &name, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(name);
    runJob(job, m_timeoutMs, [done = std::move(done)](const JobOutcome &o) {
        done(o.error.isEmpty() || o.notFound ? Status()
                                             : Status::fail(o.error, QStringLiteral("keychain")));
    });
}

} // namespace sitrep::secrets
