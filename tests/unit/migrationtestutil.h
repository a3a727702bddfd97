// SPDX-License-Identifier: MIT
#pragma once

// An older database for the upgrade tests: the schema as it was just before a migration.

#include "store/sqlite.h"
#include "util/result.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <algorithm>

namespace sitrep::testing {

/// Applies every migration of the resources named before `migration`, in name order and
/// recorded in schema_migrations, as Store::migrate does: `db` then holds the schema a
/// database had before that migration. Fails with the migration that did not apply.
inline Status applyMigrationsBefore(store::Db &db, const QString &migration)
{
    if (auto s = db.exec(QStringLiteral("CREATE TABLE schema_migrations(name TEXT PRIMARY KEY, "
                                        "applied_at INTEGER NOT NULL)"));
        !s)
        return s;
    QStringList files;
    QDirIterator it(QStringLiteral(":/sitrep/migrations"), {QStringLiteral("*.sql")}, QDir::Files);
    while (it.hasNext())
        files << it.next();
    std::sort(files.begin(), files.end(), [](const QString &a, const QString &b) {
        return QFileInfo(a).fileName() < QFileInfo(b).fileName();
    });
    for (const QString &f : std::as_const(files)) {
        const QString name = QFileInfo(f).completeBaseName();
        if (name >= migration)
            break;
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly))
            return Status::fail(name + QStringLiteral(": ") + file.errorString());
        if (auto s = db.exec(QString::fromUtf8(file.readAll())); !s)
            return Status::fail(name + QStringLiteral(": ") + s.errorMessage());
        if (auto s = db.run(QStringLiteral("INSERT INTO schema_migrations VALUES(?, 0)"), name); !s)
            return Status::fail(name + QStringLiteral(": ") + s.errorMessage());
    }
    return {};
}

} // namespace sitrep::testing
