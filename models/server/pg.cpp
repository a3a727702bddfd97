// SPDX-License-Identifier: MIT
#include "server/pg.h"

#include <libpq-fe.h>

#include <vector>

namespace sitrep::server::pg {

Result::Result(pg_result *r) : m_r(r)
{
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    m_ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!m_ok) {
        m_error = r ? QString::fromUtf8(PQresultErrorMessage(r)).trimmed()
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

QByteArray Result::value(int row, int col) const
{
    if (!m_r || row >= PQntuples(m_r) || col >= PQnfields(m_r) || PQgetisnull(m_r, row, col))
        return {};
    return QByteArray(PQgetvalue(m_r, row, col), PQgetlength(m_r, row, col));
}

bool Result::isNull(int row, int col) const
{
    return !m_r || PQgetisnull(m_r, row, col);
}

qint64 Result::affected() const
{
    return m_r ? QByteArray(PQcmdTuples(m_r)).toLongLong() : 0;
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

Result Connection::exec(const QByteArray &sql, const Params &params)
{
    if (!m_conn)
        return Result(nullptr);
    std::vector<const char *> values;
    std::vector<int> lengths;
    values.reserve(params.size());
    lengths.reserve(params.size());
    for (const QByteArray &p : params) {
        values.push_back(p.isNull() ? nullptr : p.constData());
        lengths.push_back(int(p.size()));
    }
    return Result(PQexecParams(m_conn, sql.constData(), int(params.size()), nullptr, values.data(),
                               lengths.data(), nullptr, 0));
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
