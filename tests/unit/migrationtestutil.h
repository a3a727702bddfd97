// SPDX-License-Identifier: MIT
#pragma once

// An older database for the upgrade tests: the schema as it was just before a migration.

#include "store/sqlite.h"
#include "util/result.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

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
    const QFileInfoList files =
        QDir(QStringLiteral(":/sitrep/migrations"))
            .entryInfoList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QFileInfo &f : files) {
        const QString name = f.completeBaseName();
        if (name >= migration)
            break;
        QFile file(f.filePath());
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
