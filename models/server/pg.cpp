// SPDX-License-Identifier: MIT
#include "server/pg.h"

#include <QJsonDocument>
#include <QUuid>
#include <QtEndian>

#include <libpq-fe.h>

#include <vector>

namespace sitrep::server::pg {

Result::Result(pg_result *r) : m_r(r)
{
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    m_ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!m_ok) {
        m_error = st == PGRES_PIPELINE_ABORTED
                      ? QStringLiteral("not run: an earlier statement of its pipeline failed")
                  : r ? QString::fromUtf8(PQresultErrorMessage(r)).trimmed()
                      : QStringLiteral("no answer from the database");
        if (r)
            if (const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE))
                m_sqlState = s;
    }
}

Result::Result(Result &&o) noexcept
    : m_r(std::exchange(o.m_r, nullptr)), m_ok(o.m_ok), m_error(std::move(o.m_error)),
      m_sqlState(std::move(o.m_sqlState))
{
}

Result &Result::operator=(Result &&o) noexcept
{
    if (this != &o) {
        if (m_r)
            PQclear(m_r);
        m_r = std::exchange(o.m_r, nullptr);
        m_ok = o.m_ok;
        m_error = std::move(o.m_error);
        m_sqlState = std::move(o.m_sqlState);
    }
    return *this;
}

Result::~Result()
{
    if (m_r)
        PQclear(m_r);
}

int Result::rows() const
{
    return m_r ? PQntuples(m_r) : 0;
}

qint64 Result::affected() const
{
    return m_r ? QByteArray(PQcmdTuples(m_r)).toLongLong() : 0;
}

namespace {

// The built-in type OIDs the server reads (fixed by PostgreSQL, see pg_type).
enum TypeOid : Oid {
    Bool = 16,
    Bytea = 17,
    Char = 18,
    Name = 19,
    Int8 = 20,
    Int2 = 21,
    Int4 = 23,
    Text = 25,
    OidType = 26,
    Json = 114,
    Unknown = 705,
    Bpchar = 1042,
    Varchar = 1043,
    Uuid = 2950,
    Jsonb = 3802,
};

bool isText(Oid t)
{
    return t == Text || t == Varchar || t == Bpchar || t == Name || t == Char || t == Unknown;
}

QString typeName(Oid t)
{
    switch (t) {
    case Bool:
        return QStringLiteral("boolean");
    case Bytea:
        return QStringLiteral("bytea");
    case Char:
        return QStringLiteral("char");
    case Name:
        return QStringLiteral("name");
    case Int8:
        return QStringLiteral("bigint");
    case Int2:
        return QStringLiteral("smallint");
    case Int4:
        return QStringLiteral("integer");
    case Text:
        return QStringLiteral("text");
    case OidType:
        return QStringLiteral("oid");
    case Json:
        return QStringLiteral("json");
    case Unknown:
        return QStringLiteral("unknown");
    case Bpchar:
        return QStringLiteral("character");
    case Varchar:
        return QStringLiteral("varchar");
    case Uuid:
        return QStringLiteral("uuid");
    case Jsonb:
        return QStringLiteral("jsonb");
    default:
        return QStringLiteral("type %1").arg(t);
    }
}

} // namespace

RowReader::RowReader(const Result &result, int row)
    : m_r(result.m_r), m_row(row), m_noRow(!m_r || row < 0 || row >= PQntuples(m_r)),
      m_count(m_noRow ? 0 : PQnfields(m_r))
{
}

RowReader::~RowReader()
{
    if (m_checked || (m_badCol < 0 && !m_noRow && m_col == m_count))
        return;
    const QString e = error();
    qWarning("sitrep.server: row does not match its reads: %s", qPrintable(e));
    Q_ASSERT_X(false, "pg::RowReader", qPrintable(e));
}

bool RowReader::accept(Want want)
{
    const int col = m_col++;
    bool fits = false;
    if (col < m_count) {
        const Oid t = PQftype(m_r, col);
        switch (want) {
        case Want::Int:
            fits = t == Int8 || t == Int4 || t == Int2 || t == OidType;
            break;
        case Want::Text:
            fits = isText(t);
            break;
        case Want::Bool:
            fits = t == Bool;
            break;
        case Want::Uuid:
            fits = t == Uuid;
            break;
        case Want::Json:
            fits = t == Json || t == Jsonb || isText(t);
            break;
        case Want::Bytea:
            fits = t == Bytea;
            break;
        case Want::Any:
            fits = true;
            break;
        }
    }
    if (!fits && m_badCol < 0) {
        m_badCol = col;
        m_badWant = want;
    }
    return fits;
}

QByteArray RowReader::current() const
{
    const int col = m_col - 1;
    if (PQgetisnull(m_r, m_row, col))
        return {};
    return QByteArray(PQgetvalue(m_r, m_row, col), PQgetlength(m_r, m_row, col));
}

qint64 RowReader::int64()
{
    return accept(Want::Int) ? current().toLongLong() : 0;
}

QString RowReader::text()
{
    return accept(Want::Text) ? QString::fromUtf8(current()) : QString();
}

bool RowReader::boolean()
{
    return accept(Want::Bool) && current() == "t";
}

QString RowReader::uuid()
{
    return accept(Want::Uuid) ? QString::fromLatin1(current()) : QString();
}

QJsonObject RowReader::json()
{
    return QJsonDocument::fromJson(jsonText()).object();
}

QByteArray RowReader::jsonText()
{
    return accept(Want::Json) ? current() : QByteArray();
}

QByteArray RowReader::bytea()
{
    if (!accept(Want::Bytea) || PQgetisnull(m_r, m_row, m_col - 1))
        return {};
    size_t length = 0;
    unsigned char *raw = PQunescapeBytea(
        reinterpret_cast<const unsigned char *>(PQgetvalue(m_r, m_row, m_col - 1)), &length);
    if (!raw)
        return {};
    QByteArray out(reinterpret_cast<const char *>(raw), qsizetype(length));
    PQfreemem(raw);
    return out;
}

namespace {

// A nullable read: the column is read (and its type checked) either way.
template <class T> std::optional<T> orNothing(RowReader &row, T (RowReader::*read)())
{
    const bool null = row.isNull();
    T v = (row.*read)();
    return null ? std::nullopt : std::optional<T>(std::move(v));
}

} // namespace

std::optional<qint64> RowReader::nullableInt64()
{
    return orNothing(*this, &RowReader::int64);
}

std::optional<QString> RowReader::nullableText()
{
    return orNothing(*this, &RowReader::text);
}

std::optional<bool> RowReader::nullableBoolean()
{
    return orNothing(*this, &RowReader::boolean);
}

std::optional<QString> RowReader::nullableUuid()
{
    return orNothing(*this, &RowReader::uuid);
}

std::optional<QJsonObject> RowReader::nullableJson()
{
    return orNothing(*this, &RowReader::json);
}

QByteArray RowReader::value()
{
    return accept(Want::Any) ? current() : QByteArray();
}

void RowReader::skip(int n)
{
    m_col += n;
    if (m_col > m_count && m_badCol < 0) {
        m_badCol = m_count;
        m_badWant = Want::Any;
    }
}

bool RowReader::isNull() const
{
    return m_col < m_count && PQgetisnull(m_r, m_row, m_col);
}

QString RowReader::error() const
{
    m_checked = true;
    static const char *const wants[] = {"an integer", "text",  "a boolean", "a uuid",
                                        "JSON",       "bytea", "a value"};
    if (m_noRow)
        return QStringLiteral("no row %1 in a result of %2 rows")
            .arg(m_row)
            .arg(m_r ? PQntuples(m_r) : 0);
    if (m_badCol >= m_count)
        return QStringLiteral("read column %1 of a row of %2 columns").arg(m_badCol).arg(m_count);
    if (m_badCol >= 0)
        return QStringLiteral("column %1 (%2) holds %3, read as %4")
            .arg(m_badCol)
            .arg(QString::fromUtf8(PQfname(m_r, m_badCol)), typeName(PQftype(m_r, m_badCol)),
                 QString::fromLatin1(wants[int(m_badWant)]));
    if (m_col < m_count)
        return QStringLiteral("read %1 of %2 columns").arg(m_col).arg(m_count);
    return {};
}

Connection::Connection(QByteArray url) : m_url(std::move(url)) {}

Connection::~Connection()
{
    if (m_conn)
        PQfinish(m_conn);
}

Status Connection::open(int connectTimeoutSeconds)
{
    if (m_conn)
        PQfinish(m_conn);
    const QByteArray timeout = QByteArray::number(connectTimeoutSeconds);
    const char *keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char *values[] = {m_url.constData(), timeout.constData(), "sitrep-server", nullptr};
    m_prepared.clear();
    m_conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(m_conn) != CONNECTION_OK) {
        const QString why = lastError();
        PQfinish(m_conn);
        m_conn = nullptr;
        return Status::fail(QStringLiteral("cannot connect to the database: %1").arg(why),
                            QStringLiteral("unavailable"));
    }
    // Answers are bounded in time too: no statement of the server runs for longer.
    exec("SET client_min_messages = warning");
    exec("SET statement_timeout = '15s'");
    exec("SET lock_timeout = '10s'");
    exec("SET idle_in_transaction_session_timeout = '30s'");
    return {};
}

bool Connection::isOpen() const
{
    return m_conn && PQstatus(m_conn) == CONNECTION_OK;
}

namespace {

// The parameters of a statement as libpq takes them (pointers into `params`).
struct ParamArrays {
    explicit ParamArrays(const Params &params, quint64 binary = 0)
    {
        values.reserve(size_t(params.size()));
        lengths.reserve(size_t(params.size()));
        formats.reserve(size_t(params.size()));
        for (const QByteArray &p : params) {
            values.push_back(p.isNull() ? nullptr : p.constData());
            lengths.push_back(int(p.size()));
            formats.push_back(formats.size() < 64 && (binary >> formats.size()) & 1 ? 1 : 0);
        }
    }
    std::vector<const char *> values;
    std::vector<int> lengths;
    std::vector<int> formats;
};

void appendInt32(QByteArray &out, quint32 v)
{
    char be[4];
    qToBigEndian(v, be);
    out.append(be, 4);
}

} // namespace

Result Connection::exec(const QByteArray &sql, const Params &params)
{
    if (!m_conn)
        return Result(nullptr);
    const ParamArrays p(params);
    return Result(PQexecParams(m_conn, sql.constData(), int(params.size()), nullptr,
                               p.values.data(), p.lengths.data(), nullptr, 0));
}

QByteArray Connection::prepared(const QByteArray &sql, int params, Result *failed)
{
    if (const auto it = m_prepared.constFind(sql); it != m_prepared.cend())
        return *it;
    const QByteArray name = "sitrep_" + QByteArray::number(m_prepared.size() + 1);
    Result r(PQprepare(m_conn, name.constData(), sql.constData(), params, nullptr));
    if (!r.ok()) {
        *failed = std::move(r);
        return {};
    }
    m_prepared.insert(sql, name);
    return name;
}

Result Connection::execPrepared(const QByteArray &sql, const Params &params, quint64 binary)
{
    if (!m_conn)
        return Result(nullptr);
    Result failed;
    const QByteArray name = prepared(sql, int(params.size()), &failed);
    if (name.isEmpty())
        return failed;
    const ParamArrays p(params, binary);
    return Result(PQexecPrepared(m_conn, name.constData(), int(params.size()), p.values.data(),
                                 p.lengths.data(), p.formats.data(), 0));
}

void BinaryArray::add(QByteArrayView bytes)
{
    appendInt32(m_elements, quint32(bytes.size()));
    m_elements.append(bytes);
    ++m_count;
}

void BinaryArray::addUuid(const QString &uuid)
{
    add(QUuid::fromString(uuid).toRfc4122());
}

QByteArray BinaryArray::data() const
{
    // Dimensions, no NULLs, the element type; then the one dimension's length and lower
    // bound, then each element as its length and bytes.
    QByteArray out;
    out.reserve(20 + m_elements.size());
    appendInt32(out, m_count ? 1 : 0);
    appendInt32(out, 0);
    appendInt32(out, quint32(m_type));
    if (m_count) {
        appendInt32(out, quint32(m_count));
        appendInt32(out, 1);
    }
    return out + m_elements;
}

std::vector<Result> Connection::pipeline(const QList<Statement> &statements)
{
    std::vector<Result> out;
    out.reserve(size_t(statements.size()));
    // Nothing ran: the first statement answers why, the others that they did not run.
    auto fail = [&](Result why) {
        out.push_back(std::move(why));
        while (out.size() < size_t(statements.size()))
            out.push_back(Result(nullptr));
    };
    if (!m_conn) {
        fail(Result(nullptr));
        return out;
    }
    // Prepared first (once per connection), so the pipeline itself only binds and runs.
    QList<QByteArray> names;
    for (const Statement &s : statements) {
        Result failed;
        names << (s.params.isEmpty() ? QByteArray()
                                     : prepared(s.sql, int(s.params.size()), &failed));
        if (!s.params.isEmpty() && names.last().isEmpty()) {
            fail(std::move(failed));
            return out;
        }
    }
    if (!PQenterPipelineMode(m_conn)) {
        fail(Result(nullptr));
        return out;
    }
    bool sent = true;
    for (qsizetype i = 0; i < statements.size() && sent; ++i) {
        const Statement &s = statements[i];
        const ParamArrays p(s.params, s.binary);
        sent = s.params.isEmpty()
                   ? PQsendQueryParams(m_conn, s.sql.constData(), 0, nullptr, nullptr, nullptr,
                                       nullptr, 0)
                   : PQsendQueryPrepared(m_conn, names[i].constData(), int(s.params.size()),
                                         p.values.data(), p.lengths.data(), p.formats.data(), 0);
    }
    sent = sent && PQpipelineSync(m_conn);
    if (sent) {
        for (qsizetype i = 0; i < statements.size(); ++i) {
            PGresult *r = PQgetResult(m_conn);
            if (!r)
                break;
            out.push_back(Result(r));
            // Each statement's results end with a null.
            while (PGresult *more = PQgetResult(m_conn))
                PQclear(more);
        }
        // The end of the pipeline.
        if (PGresult *sync = PQgetResult(m_conn))
            PQclear(sync);
    }
    PQexitPipelineMode(m_conn);
    while (out.size() < size_t(statements.size()))
        out.push_back(Result(nullptr));
    return out;
}

Status Connection::execScript(const QByteArray &sql)
{
    Result r(PQexec(m_conn, sql.constData()));
    if (!r.ok())
        return Status::fail(r.error());
    return {};
}

QString Connection::lastError() const
{
    return m_conn ? QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()
                  : QStringLiteral("not connected");
}

int Connection::socket() const
{
    return m_conn ? PQsocket(m_conn) : -1;
}

QByteArray quoteIdentifier(const QByteArray &name)
{
    QByteArray out = "\"";
    for (char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

} // namespace sitrep::server::pg
