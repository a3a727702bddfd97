// SPDX-License-Identifier: MIT
#include "app/cliio.h"
#include "app/clicommands.h"

#include "host/appcontext.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace sitrep::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

int failWith(const char *command, const QString &message)
{
    out().flush();
    // Messages quote what users, servers and payloads sent: never raw terminal controls.
    const QByteArray text = printable(message).toUtf8();
    if (command && *command)
        fprintf(stderr, "sitrep %s: %s\n", command, text.constData());
    else
        fprintf(stderr, "sitrep: %s\n", text.constData());
    return 1;
}

Result<QString> databasePath(const QString &dbOption, bool mayCreate, bool *created)
{
    const QString path = host::resolveDatabasePath(dbOption);
    const QFileInfo file(path);
    if (created)
        *created = !file.exists();
    if (file.exists())
        return path;
    if (!mayCreate)
        return Result<QString>::fail(
            QStringLiteral("no database at %1 (sitrep create or sitrep demo starts one)")
                .arg(path));
    if (!file.absoluteDir().exists()) {
        if (!dbOption.isEmpty() || !qEnvironmentVariableIsEmpty("SITREP_DB"))
            return Result<QString>::fail(
                QStringLiteral("no folder %1 for the database %2 (create the folder first)")
                    .arg(QDir::toNativeSeparators(file.absolutePath()), file.fileName()));
        if (!QDir().mkpath(file.absolutePath()))
            return Result<QString>::fail(QStringLiteral("cannot create the folder %1")
                                             .arg(QDir::toNativeSeparators(file.absolutePath())));
    }
    return path;
}

} // namespace sitrep::cli
