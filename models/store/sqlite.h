// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace sitrep::store {

/// Appends the UTF-8 of `s` to `out`, as Stmt binds text; returns the bytes appended. Within
/// `out`'s capacity it allocates nothing.
qsizetype appendUtf8(QByteArray &out, QStringView s);

/// A prepared statement. Bind indexes start at 1; rows are read with a RowReader.
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
    /// Binds UTF-8 bytes as text (JSON already serialised, for one).
    Stmt &bindText(int i, const QByteArray &utf8);
    Stmt &bindNull(int i);
    /// Binds `values` to the parameters from `first` on: strings as text, byte arrays as
    /// blobs, anything else as an integer.
    Stmt &bindAll(const QList<QVariant> &values, int first = 1);
    /// Binds `values` to the parameters from `first` on, each by its type: QString (text),
    /// QByteArray (blob), floating point, integers, enums and bool (as integers).
    template <class... T> Stmt &bindValues(int first, const T &...values)
    {
        int i = first;
        (bindValue(i++, values), ...);
        return *this;
    }
    /// Runs one step: true when a row is available. Errors land in error().
    bool step();
    /// Steps to completion; returns false on error.
    bool exec();
    void reset();
    /// Every row, each mapped by `read` (a function of the statement, see RowReader); resets.
    template <class F> auto all(F &&read)
    {
        QList<std::decay_t<std::invoke_result_t<F &, const Stmt &>>> out;
        while (step())
            out << read(std::as_const(*this));
        reset();
        return out;
    }
    /// The first row mapped by `read`, or nothing when there is none; resets.
    template <class F> auto one(F &&read)
    {
        std::optional<std::decay_t<std::invoke_result_t<F &, const Stmt &>>> out;
        if (step())
            out = read(std::as_const(*this));
        reset();
        return out;
    }
    QString error() const { return m_error; }
    sqlite3_stmt *handle() const { return m_stmt; }

private:
    template <class T> void bindValue(int i, const T &v)
    {
        if constexpr (std::is_same_v<T, QString>)
            bind(i, v);
        else if constexpr (std::is_same_v<T, QByteArray>)
            bindBlob(i, v);
        else if constexpr (std::is_floating_point_v<T>)
            bind(i, double(v));
        else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
            bind(i, qint64(v));
        else
            static_assert(sizeof(T) == 0, "Stmt::bindValues: no parameter type for this value");
    }

    sqlite3_stmt *m_stmt = nullptr;
    bool m_owned = false;
    QString m_error;
    // UTF-8 of the bound text per parameter, bound without a copy: each stays valid until
    // that parameter is bound again (statements are reused, so the buffers are too).
    std::vector<QByteArray> m_text;
};

/// Reads the current row of a statement column by column, in SELECT order, so that the
/// mapping of a row sits next to its column list and no index is written twice:
///
///     RowReader r(*s);          // after s->step() returned true
///     r.read(x.id, x.name);     // each column by the type of its field
///     x.uid = blobToUuid(r.blob());
///
/// Each read checks the column's storage class and moves to the next column. NULL reads as
/// 0, empty text or an empty blob; int64() and real() take integers and floats; text() takes
/// anything but a blob; blob() takes blobs and text. error() tells whether the row matched
/// the reads: every column read once, none past the end, every type fitting. A reader that
/// did not match and whose error() nobody asked warns when it goes out of scope (and
/// asserts in debug builds), so a mapping that drifted from its SELECT shows in any test
/// that reads such a row. The reads are the same sqlite3_column_* calls as before, with one
/// type check per column and no lookup by name.
class RowReader {
public:
    explicit RowReader(const Stmt &s);
    ~RowReader();
    RowReader(const RowReader &) = delete;
    RowReader &operator=(const RowReader &) = delete;

    qint64 int64();
    double real();
    QString text();
    QByteArray blob();
    /// Any column as what it holds: null, qint64, double, QString or QByteArray (for code
    /// that walks columns it does not know, such as a table dump).
    QVariant value();
    /// Reads the next columns into `fields`, in order, each by its type: QString (text),
    /// QByteArray (blob), floating point (real), bool (non-zero), other integers and enums
    /// (int64, converted).
    template <class... T> void read(T &...fields) { (readInto(fields), ...); }
    /// Skips columns the caller does not map (they count as read).
    void skip(int n = 1);
    /// Whether the next column is NULL / holds text; neither moves to the next column.
    bool isNull() const;
    bool isText() const;
    /// Index of the next column, and the number of columns of the row.
    int column() const { return m_col; }
    int columnCount() const { return m_count; }
    /// Empty when the row matched the reads so far and every column was read; otherwise
    /// what went wrong first (column index and name, expected and found type).
    QString error() const;

private:
    bool accept(int allowedTypes);
    template <class T> void readInto(T &field)
    {
        if constexpr (std::is_same_v<T, QString>)
            field = text();
        else if constexpr (std::is_same_v<T, QByteArray>)
            field = blob();
        else if constexpr (std::is_same_v<T, bool>)
            field = int64() != 0;
        else if constexpr (std::is_floating_point_v<T>)
            field = T(real());
        else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
            field = T(int64());
        else
            static_assert(sizeof(T) == 0, "RowReader::read: no column type for this field");
    }

    sqlite3_stmt *m_stmt;
    int m_col = 0;
    int m_count;
    int m_badCol = -1; // first column read with a type it does not hold, or past the end
    int m_badType = 0;
    int m_badWant = 0;
    mutable bool m_checked = false;
};

/// Process-wide SQLite settings, made before SQLite starts: memory statistics off. They take a
/// global lock on every allocation SQLite makes, and nothing here reads them (no heap limit,
/// no sqlite3_memory_used()). Db::open() calls it; a program that also uses SQLite directly
/// calls it first. Once SQLite has started it changes nothing; later calls do nothing.
void configureSqlite();

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
    /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE) with `values` bound from
    /// the first parameter on (see Stmt::bindValues); fails with the database's message.
    template <class... T> Status run(const QString &sql, const T &...values)
    {
        Stmt *s = prepare(sql);
        if (!s)
            return Status::fail(lastError(), QStringLiteral("db"));
        s->bindValues(1, values...);
        if (!s->exec())
            return Status::fail(s->error(), QStringLiteral("db"));
        return {};
    }
    /// The integer in the first column of the first row of `sql` run with `binds` (a count, a
    /// maximum, a setting), or `fallback` when there is no row or the query cannot run.
    qint64 scalar(const QString &sql, const QList<QVariant> &binds = {}, qint64 fallback = 0);
    /// The first column of every row of `sql` run with `binds`, as text (empty when the query
    /// cannot run).
    QStringList texts(const QString &sql, const QList<QVariant> &binds = {});
    /// A fresh statement (for one-off queries); null on error, see lastError().
    std::unique_ptr<Stmt> prepareOnce(const QString &sql);
    QString lastError() const;
    qint64 lastInsertRowId() const;
    int changes() const;
    sqlite3 *handle() const { return m_db; }
    QString path() const { return m_path; }

    Status begin(); // BEGIN IMMEDIATE
    /// A read transaction on a snapshot of the database (BEGIN DEFERRED and a first read):
    /// in WAL mode it never blocks writers, who go on committing while it reads. Writes to
    /// temp tables inside it take no lock on the main database. End it with rollback().
    Status beginRead();
    /// Copies a consistent snapshot of the database into a new file at `path` (the SQLite
    /// backup API, in one step: a read transaction, so writers are never blocked).
    Status copyTo(const QString &path);
    Status commit();
    void rollback();
    bool inTransaction() const;

private:
    sqlite3 *m_db = nullptr;
    QString m_path;
    QHash<QString, Stmt *> m_cache;
    // The same statements, for SQL written as a literal, by where its text is (see prepare()).
    QHash<std::pair<const void *, qsizetype>, Stmt *> m_literals;
};

} // namespace sitrep::store
