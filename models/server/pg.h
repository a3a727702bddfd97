// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

struct pg_conn;
struct pg_result;

namespace sitrep::server::pg {

/// One answer of PostgreSQL: rows as text, or the error with its SQLSTATE.
class Result {
public:
    Result() = default;
    explicit Result(pg_result *r);
    Result(Result &&) noexcept;
    Result &operator=(Result &&) noexcept;
    ~Result();
    Q_DISABLE_COPY(Result)

    bool ok() const { return m_ok; }
    int rows() const;
    QByteArray value(int row, int col) const;
    qint64 int64(int row, int col) const { return value(row, col).toLongLong(); }
    QString text(int row, int col) const { return QString::fromUtf8(value(row, col)); }
    bool isNull(int row, int col) const;
    qint64 affected() const;
    QString error() const { return m_error; }
    QByteArray sqlState() const { return m_sqlState; }
    /// Worth running the whole transaction again (deadlock, serialization failure).
    bool retryable() const { return m_sqlState == "40001" || m_sqlState == "40P01"; }
    bool uniqueViolation() const { return m_sqlState == "23505"; }

private:
    pg_result *m_r = nullptr;
    bool m_ok = false;
    QString m_error;
    QByteArray m_sqlState;
};

/// A parameter: text, or NULL for a null QByteArray.
using Params = QList<QByteArray>;

/// One libpq connection, used by one thread at a time.
class Connection {
public:
    /// `url`: a postgresql:// URI or a libpq key=value string.
    explicit Connection(QByteArray url);
    ~Connection();
    Q_DISABLE_COPY_MOVE(Connection)

    Status open(int connectTimeoutSeconds = 5);
    bool isOpen() const;
    /// Runs one statement (parameters as text, $1, $2 ...).
    Result exec(const QByteArray &sql, const Params &params = {});
    /// Runs statements without parameters, one after the other, stopping at the first error.
    Status execScript(const QByteArray &sql);
    pg_conn *raw() const { return m_conn; }
    QString lastError() const;
    int socket() const;

private:
    QByteArray m_url;
    pg_conn *m_conn = nullptr;
};

/// Quotes an identifier ("name") for use in SQL text (LISTEN channels, never user input).
QByteArray quoteIdentifier(const QByteArray &name);

} // namespace sitrep::server::pg
