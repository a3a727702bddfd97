// SPDX-License-Identifier: MIT
// Damage done to a database behind the store's back, for the tests of tamper detection.
#pragma once

#include <QByteArray>
#include <QString>

#include <sqlite3.h>

namespace sitrep::testing {

/// Runs `sql` on the database at `path` over a connection of its own, after dropping the
/// append-only `trigger` that would refuse it. Empty when done, else SQLite's message.
inline QString rewriteEventLog(const QString &path, const char *trigger, const QString &sql)
{
    sqlite3 *db = nullptr;
    QString error;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK)
        error = QStringLiteral("cannot open %1").arg(path);
    sqlite3_busy_timeout(db, 5000);
    for (const QByteArray &statement : {QByteArray("DROP TRIGGER ") + trigger, sql.toUtf8()}) {
        char *message = nullptr;
        if (error.isEmpty() &&
            sqlite3_exec(db, statement.constData(), nullptr, nullptr, &message) != SQLITE_OK)
            error = QString::fromUtf8(message ? message : "error");
        sqlite3_free(message);
    }
    sqlite3_close(db);
    return error;
}

} // namespace sitrep::testing
