// SPDX-License-Identifier: MIT
#pragma once

#include "server/identity.h"
#include "server/pg.h"
#include "util/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace sitrep::server {

struct UserRow {
    QString name;
    Role role = Role::Viewer;
    bool disabled = false;
    QString createdAt;
    QString tokenSetAt;
};

/// Users and their API tokens. A token is shown once, when made; the database keeps only
/// its SHA-256, so a copy of the database lets nobody act as anyone.
class Users {
public:
    explicit Users(pg::Connection &db) : m_db(db) {}

    /// Adds a user and returns their new token.
    Result<QString> add(const QString &name, Role role);
    Result<QList<UserRow>> list();
    /// Disables a user: their token fails on the next request.
    Status disable(const QString &name);
    /// Gives a user a new token (the old one fails on the next request) and returns it.
    Result<QString> rotateToken(const QString &name);
    /// The enabled user the token belongs to; an empty optional for an unknown, disabled or
    /// rotated token; an error when the database cannot answer.
    Result<std::optional<Principal>> authenticate(const QByteArray &token);

    /// A new random token ("sitrep_" and 43 URL-safe characters: 256 bits).
    static QString newToken();
    static QByteArray hashToken(const QByteArray &token);
    /// Names users may have: lower case, digits, '.', '_' and '-', not a system actor.
    static Status checkName(const QString &name);

private:
    pg::Connection &m_db;
};

} // namespace sitrep::server
