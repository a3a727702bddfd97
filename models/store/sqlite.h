// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <vector>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace sitrep::store {

/// A prepared statement. Bind indexes start at 1, column indexes at 0.
class Stmt {
public:
    Stmt() = default;
    explicit Stmt(sqlite3_stmt *s, bool owned = false) : m_stmt(s), m_owned(owned) {}
    ~Stmt();
    Stmt(const Stmt &) = delete;
    Stmt &operator=(const Stmt &) = delete;
    Stmt &bind(int i, qint64 v);
    Stmt &bind(int i, int v) { return bind(i, qint64(v)); }
    Stmt &bind(int i, double v);
    Stmt &bind(int i, const QString &v);
    Stmt &bind(int i, const char *v) { return bind(i, QString::fromUtf8(v)); }
    Stmt &bindBlob(int i, const QByteArray &v);
    Stmt &bindNull(int i);
    /// Runs one step: true when a row is available. Errors land in error().
    bool step();
    /// Steps to completion; returns false on error.
    bool exec();
    void reset();
    qint64 int64(int col) const;
    double real(int col) const;
    QString text(int col) const;
    QByteArray blob(int col) const;
    bool isNull(int col) const;
    QString error() const { return m_error; }
    sqlite3_stmt *handle() const { return m_stmt; }

private:
    sqlite3_stmt *m_stmt = nullptr;
    bool m_owned = false;
    QString m_error;
    // UTF-8 of the bound text per parameter, bound without a copy: each stays valid until
    // that parameter is bound again (statements are reused, so the buffers are too).
    std::vector<QByteArray> m_text;
};

/// One SQLite connection (not shared across threads) with a statement cache.
class Db {
public:
    Db() = default;
    ~Db();
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    Status open(const QString &path, bool readOnly = false);
    void close();
    bool isOpen() const { return m_db != nullptr; }
    Status exec(const QString &sql);
    /// A cached prepared statement, reset and with bindings cleared.
    Stmt *prepare(const QString &sql);
    /// A fresh statement (for one-off queries); null on error, see lastError().
    std::unique_ptr<Stmt> prepareOnce(const QString &sql);
    QString lastError() const;
    qint64 lastInsertRowId() const;
    int changes() const;
    sqlite3 *handle() const { return m_db; }
    QString path() const { return m_path; }

    Status begin(); // BEGIN IMMEDIATE
    Status commit();
    void rollback();
    bool inTransaction() const;

private:
    sqlite3 *m_db = nullptr;
    QString m_path;
    QHash<QString, Stmt *> m_cache;
};

} // namespace sitrep::store
