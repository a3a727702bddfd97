// SPDX-License-Identifier: MIT
#include "server/users.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace sitrep::server {

QString Users::newToken()
{
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), raw.size() / 4);
    return QStringLiteral("sitrep_") +
           QString::fromLatin1(
               raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray Users::hashToken(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

Status Users::checkName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    if (!re.match(name).hasMatch())
        return Status::fail(
            QStringLiteral(
                "'%1' is not a user name: lower-case letters, digits, '.', '_' and '-', up to 64")
                .arg(name));
    if (isSystemActor(name) || name == u"backend" || name == u"user" || name.startsWith(u"sitrep"))
        return Status::fail(QStringLiteral("'%1' is reserved for the system").arg(name));
    return {};
}

Result<QString> Users::add(const QString &name, Role role)
{
    using R = Result<QString>;
    if (auto s = checkName(name); !s)
        return R(s.error());
    const QString token = newToken();
    pg::Result r = m_db.exec(
        "INSERT INTO users(name, role, token_hash, token_set_at) VALUES ($1, $2, $3, now()) "
        "ON CONFLICT (name) DO NOTHING",
        {name.toUtf8(), roleName(role).toUtf8(), hashToken(token.toUtf8())});
    if (!r.ok())
        return R::fail(r.error());
    if (r.affected() == 0)
        return R::fail(
            QStringLiteral("user '%1' exists (use 'token rotate %1' for a new token)").arg(name));
    return token;
}

Result<QList<UserRow>> Users::list()
{
    using R = Result<QList<UserRow>>;
    pg::Result r = m_db.exec(
        "SELECT name, role, disabled, to_char(created_at AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "coalesce(to_char(token_set_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
        "FROM users ORDER BY name");
    if (!r.ok())
        return R::fail(r.error());
    QList<UserRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        pg::RowReader row(r, i);
        UserRow u;
        u.name = row.text();
        u.role = parseRole(row.text()).value();
        row.read(u.disabled, u.createdAt, u.tokenSetAt);
        out << u;
    }
    return out;
}

Status Users::disable(const QString &name)
{
    pg::Result r = m_db.exec("UPDATE users SET disabled = true, token_hash = NULL WHERE name = $1",
                             {name.toUtf8()});
    if (!r.ok())
        return Status::fail(r.error());
    if (r.affected() == 0)
        return Status::fail(QStringLiteral("no user '%1'").arg(name));
    return {};
}

Result<QString> Users::rotateToken(const QString &name)
{
    using R = Result<QString>;
    const QString token = newToken();
    pg::Result r =
        m_db.exec("UPDATE users SET token_hash = $2, token_set_at = now() WHERE name = $1",
                  {name.toUtf8(), hashToken(token.toUtf8())});
    if (!r.ok())
        return R::fail(r.error());
    if (r.affected() == 0)
        return R::fail(QStringLiteral("no user '%1'").arg(name));
    return token;
}

Result<std::optional<Principal>> Users::authenticate(const QByteArray &token)
{
    using R = Result<std::optional<Principal>>;
    if (!token.startsWith("sitrep_") || token.size() > 200)
        return std::optional<Principal>();
    pg::Result r =
        m_db.execPrepared("SELECT id, name, role FROM users WHERE token_hash = $1 AND NOT disabled",
                          {hashToken(token)});
    if (!r.ok())
        return R::fail(r.error(), QStringLiteral("unavailable"));
    if (r.rows() == 0)
        return std::optional<Principal>();
    pg::RowReader row(r, 0);
    Principal p;
    row.read(p.id, p.name);
    auto role = parseRole(row.text());
    if (!role)
        return std::optional<Principal>();
    p.role = *role;
    return std::optional<Principal>(p);
}

} // namespace sitrep::server
