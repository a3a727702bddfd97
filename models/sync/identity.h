// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"
#include "util/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace sitrep::sync {

/// The user a back end's token belongs to (GET /api/me).
struct BackendUser {
    QString user;
    QString role; // viewer, responder, commander, agent, admin

    /// "alice (commander)".
    QString display() const;
    /// A viewer (a wall display) writes nothing.
    bool mayWrite() const { return role != u"viewer"; }
    /// Parses the /api/me answer; fails on a missing user or an unknown role.
    static Result<BackendUser> fromJson(const QJsonObject &o);
};

/// What a front end was told about who is acting, before the rule is applied.
struct ActorInputs {
    bool optionSet = false; // --actor was given (command line)
    QString option;         // its value
    QString environment;    // SITREP_USER
    QString setting;        // the window's user/name setting

    /// A command line: --actor as given, SITREP_USER from the environment.
    static ActorInputs commandLine(bool optionSet, const QString &option);
    /// The window: its user/name setting, SITREP_USER from the environment.
    static ActorInputs window(const QString &setting);
};

/// The one rule for "who is acting", used by the command line, the window and the wall:
///
/// - With a back end (backend.url set) that knows identities (/api/me), the actor is always
///   the token's user. It is learned from /api/me on every sync and connection test and
///   cached in the database's meta table, next to backend.url: it belongs to that back end,
///   is not a secret, and the headless sync loop can refresh it without the window's
///   settings. --actor, SITREP_USER and user/name are refused there, since the back end
///   would refuse events naming anyone else.
/// - Without one (or with an older back end that has no /api/me), the actor is --actor
///   (scripts on a single-seat database), else user/name, else SITREP_USER, else the login
///   name.
class Identity {
public:
    explicit Identity(store::Store &store) : m_store(store) {}

    /// Error codes of resolve().
    static inline const QString ActorOptionRefused =
        QStringLiteral("actor_option"); // a usage error
    static inline const QString OverrideRefused =
        QStringLiteral("actor_override"); // SITREP_USER or user/name
    static inline const QString Unknown =
        QStringLiteral("identity_unknown"); // never reached the back end
    static inline const QString ReadOnly = QStringLiteral("read_only"); // a viewer token

    /// The back end is set up for this database.
    bool hasBackend();
    /// The token's user as last learned from the configured back end (none when the URL
    /// changed since, or it was never reached).
    std::optional<BackendUser> cached();
    /// The configured back end answered /api/health without "me": it knows no identities.
    bool backendWithoutIdentities();
    /// Saves what /api/me answered for the configured back end.
    Status remember(const BackendUser &user);
    /// Records that the configured back end has no /api/me (an older back end).
    Status rememberNoIdentities();

    /// Who acts for a command that writes.
    Result<QString> resolve(const ActorInputs &in);
    /// Who acts, for display only: like resolve(), but never fails (an unknown identity or
    /// a refused override gives the best name known and leaves the error to the writer).
    QString displayName(const ActorInputs &in);

    /// The login name of this process ($USER, $LOGNAME, the password database).
    static QString loginName();

private:
    store::Store &m_store;
};

} // namespace sitrep::sync
