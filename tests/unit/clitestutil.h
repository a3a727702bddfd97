// SPDX-License-Identifier: MIT
// Runs the real sitrep binary as the command-line tests do: a fixed clock and user, no
// display, its data and settings folders under the test's own temporary folder.
#pragma once

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include <sqlite3.h>

#include <memory>

namespace sitrep::testing {

struct CliRun {
    int code = -1; // -2: crashed
    QString out;
    QString err;
    QJsonDocument json() const { return QJsonDocument::fromJson(out.toUtf8()); }
};

/// The environment the tests run sitrep in: SITREP_NOW = now, XDG folders under home.
inline QProcessEnvironment sitrepEnvironment(const QString &home, const QString &now)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("SITREP_DB"));
    env.insert(QStringLiteral("SITREP_NOW"), now);
    env.insert(QStringLiteral("USER"), QStringLiteral("tester"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/xdg"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/xdg-config"));
    return env;
}

/// Starts `sitrep ARGS` in `p` with SITREP_NOW = now and XDG folders under home, without
/// waiting (for tests that act while it runs).
inline void startSitrep(QProcess &p, const QStringList &args, const QString &home,
                        const QString &now)
{
    p.setProcessEnvironment(sitrepEnvironment(home, now));
    p.start(QStringLiteral(SITREP_BINARY), args);
}

/// `sitrep ARGS` in the environment `env`; waits up to `timeoutMs`, then kills it.
inline CliRun runSitrepIn(const QProcessEnvironment &env, const QStringList &args,
                          int timeoutMs = 60000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SITREP_BINARY), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out: sitrep %1").arg(args.join(u' '));
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

/// `sitrep ARGS` with SITREP_NOW = now and XDG folders under home; waits up to a minute.
inline CliRun runSitrep(const QStringList &args, const QString &home, const QString &now)
{
    return runSitrepIn(sitrepEnvironment(home, now), args);
}

/// A database the command wrote, opened read-only to check it; closed when dropped.
using ReadOnlyDb = std::unique_ptr<sqlite3, int (*)(sqlite3 *)>;

/// Opens `path` read-only; null when it cannot be opened.
inline ReadOnlyDb openReadOnly(const QString &path)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) !=
        SQLITE_OK) {
        sqlite3_close(db);
        db = nullptr;
    }
    return ReadOnlyDb(db, &sqlite3_close);
}

} // namespace sitrep::testing
