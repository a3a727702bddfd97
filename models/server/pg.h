// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

struct pg_conn;
struct pg_result;

namespace sitrep::server::pg {

class RowReader;

/// Whether T is a std::optional (RowReader::read fills those with the nullable reads).
template <class T> inline constexpr bool isOptional = false;
template <class T> inline constexpr bool isOptional<std::optional<T>> = true;

/// One answer of PostgreSQL: rows as text (read with a RowReader), or the error with its
/// SQLSTATE.
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
    qint64 affected() const;
    QString error() const { return m_error; }
    QByteArray sqlState() const { return m_sqlState; }
    /// Worth running the whole transaction again (deadlock, serialization failure).
    bool retryable() const { return m_sqlState == "40001" || m_sqlState == "40P01"; }
    bool uniqueViolation() const { return m_sqlState == "23505"; }

private:
    friend class RowReader;
    pg_result *m_r = nullptr;
    bool m_ok = false;
    QString m_error;
    QByteArray m_sqlState;
};

/// Reads one row of a result column by column, in SELECT order, so that the mapping of a row
/// sits next to its column list and no index is written twice (the PostgreSQL side of
/// store::RowReader):
///
///     pg::RowReader row(r, i);        // i < r.rows()
///     row.read(x.name, x.version);    // each column by the type of its field
///     x.fields = row.json();
///
/// Each read checks the column's type (its PostgreSQL type, the same for every row) and moves
/// to the next column: int64() takes smallint, integer, bigint and oid; text() text, varchar,
/// char and name; boolean() boolean; uuid() uuid (in its canonical lower-case form); json()
/// and jsonText() json, jsonb and text holding JSON (the event log keeps bodies as text);
/// bytea() bytea (decoded). NULL reads as 0, false, an empty string or object; the nullable
/// variants tell NULL apart (nothing). error() tells whether the row matched the reads: the
/// row exists, every column read once, none past the end, every type fitting. A reader that
/// did not match and whose error() nobody asked warns when it goes out of scope (and asserts
/// in debug builds), so a mapping that drifted from its SELECT shows in any test that reads
/// such a row.
class RowReader {
public:
    RowReader(const Result &result, int row);
    ~RowReader();
    Q_DISABLE_COPY_MOVE(RowReader)

    qint64 int64();
    QString text();
    bool boolean();
    QString uuid();
    QJsonObject json();
    /// The JSON as PostgreSQL sent it (to pass on without parsing).
    QByteArray jsonText();
    QByteArray bytea();
    std::optional<qint64> nullableInt64();
    std::optional<QString> nullableText();
    std::optional<bool> nullableBoolean();
    std::optional<QString> nullableUuid();
    std::optional<QJsonObject> nullableJson();
    /// Any column as its text form, null for NULL (for code that walks columns it does not
    /// know, such as a copy of rows).
    QByteArray value();
    /// Reads the next columns into `fields`, in order, each by its type: QString (text), bool
    /// (boolean), other integers and enums (int64, converted), QJsonObject (json), and
    /// std::optional of those (nothing for NULL).
    template <class... T> void read(T &...fields) { (readInto(fields), ...); }
    /// Skips columns the caller does not map (they count as read).
    void skip(int n = 1);
    /// Whether the next column is NULL; does not move to the next column.
    bool isNull() const;
    /// Index of the next column, and the number of columns of the row.
    int column() const { return m_col; }
    int columnCount() const { return m_count; }
    /// Empty when the row matched the reads so far and every column was read; otherwise
    /// what went wrong first (column index and name, expected and found type).
    QString error() const;

private:
    enum class Want { Int, Text, Bool, Uuid, Json, Bytea, Any };
    /// Moves to the next column; false (and the first mismatch noted) when it does not
    /// exist or its type does not fit `want`.
    bool accept(Want want);
    /// The text of the column just accepted, null for NULL.
    QByteArray current() const;
    template <class T> void readInto(T &field)
    {
        if constexpr (std::is_same_v<T, QString>)
            field = text();
        else if constexpr (std::is_same_v<T, bool>)
            field = boolean();
        else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
            field = T(int64());
        else if constexpr (std::is_same_v<T, QJsonObject>)
            field = json();
        else if constexpr (isOptional<T>) {
            const bool null = isNull();
            typename T::value_type v{};
            readInto(v);
            field = null ? T() : T(std::move(v));
        } else
            static_assert(sizeof(T) == 0, "pg::RowReader::read: no column type for this field");
    }

    const pg_result *m_r;
    int m_row;
    bool m_noRow; // the result has no such row
    int m_count;
    int m_col = 0;
    int m_badCol = -1; // first column read with a type it does not hold, or past the end
    Want m_badWant = Want::Any;
    mutable bool m_checked = false;
};

/// A parameter: text, or NULL for a null QByteArray.
using Params = QList<QByteArray>;

/// A one-dimensional array parameter in PostgreSQL's binary form (what array_send writes),
/// built element by element: the server reads each element by its length, where the text
/// form (`{"...","..."}`) has it scan and unescape every byte, which for a batch of event
/// bodies cost more than the insert. Pass it with its bit set in execPrepared's `binary`.
class BinaryArray {
public:
    /// The element type: text, or uuid (elements of 16 bytes).
    enum class Type : quint32 { Text = 25, Uuid = 2950 };
    explicit BinaryArray(Type type) : m_type(type) {}
    /// A text element (UTF-8), or the 16 bytes of a uuid.
    void add(QByteArrayView bytes);
    /// A uuid element from its text form (any spelling QUuid reads).
    void addUuid(const QString &uuid);
    QByteArray data() const;

private:
    Type m_type;
    qint32 m_count = 0;
    QByteArray m_elements;
};

/// One statement of a pipeline (see Connection::pipeline).
struct Statement {
    QByteArray sql;
    Params params = {};
    quint64 binary = 0; // as in execPrepared
};

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
    /// Runs one statement prepared on this connection the first time it runs (PQprepare): later
    /// runs skip PostgreSQL's parsing and planning. For the statements of the hot paths, whose
    /// SQL text is a constant (every distinct text stays prepared while the connection lives).
    /// Parameters whose bit is set in `binary` (bit 0: $1) are sent in PostgreSQL's binary
    /// form (see BinaryArray).
    Result execPrepared(const QByteArray &sql, const Params &params = {}, quint64 binary = 0);
    /// Runs statements in one round trip (libpq's pipeline mode), each with parameters prepared
    /// as execPrepared does. They run in order; after the first that fails, the later ones do
    /// not run and answer an error. A pipeline is not a transaction of its own: send BEGIN in
    /// it, or COMMIT, as the caller's transaction needs.
    std::vector<Result> pipeline(const QList<Statement> &statements);
    /// Runs statements without parameters, one after the other, stopping at the first error.
    Status execScript(const QByteArray &sql);
    pg_conn *raw() const { return m_conn; }
    QString lastError() const;
    int socket() const;

private:
    /// The name of `sql` prepared on this connection, preparing it first if need be (empty on
    /// failure, with the error in `*failed`).
    QByteArray prepared(const QByteArray &sql, int params, Result *failed);

    QByteArray m_url;
    pg_conn *m_conn = nullptr;
    QHash<QByteArray, QByteArray> m_prepared; // SQL text -> statement name
};

/// Quotes an identifier ("name") for use in SQL text (LISTEN channels, never user input).
QByteArray quoteIdentifier(const QByteArray &name);

} // namespace sitrep::server::pg
