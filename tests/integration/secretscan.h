// SPDX-License-Identifier: MIT
#pragma once
// Runs the sitrep binary with a private HOME and finds where a secret ended up.

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStringList>

namespace sitrep::testing {

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline QProcessEnvironment privateEnv(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    // Every sitrep logging category at every level: the logs must stay clean too.
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("sitrep.*=true"));
    env.remove(QStringLiteral("SITREP_BACKEND_TOKEN"));
    return env;
}

inline CliRun runCli(const QStringList &args, const QProcessEnvironment &env,
                     const QByteArray &stdinData = {})
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SITREP_BINARY), args);
    p.waitForStarted(10000);
    if (!stdinData.isNull())
        p.write(stdinData);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

/// Files under `dir` whose bytes contain `secret` (also as UTF-16).
inline QStringList filesContaining(const QString &dir, const QByteArray &secret)
{
    QStringList hits;
    const QString text = QString::fromUtf8(secret);
    const QByteArray wide(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray data = f.readAll();
        if (data.contains(secret) || data.contains(wide))
            hits << path;
    }
    return hits;
}

} // namespace sitrep::testing
