// SPDX-License-Identifier: MIT
#include "sync/identity.h"

#include <QDateTime>

#include <pwd.h>
#include <unistd.h>

namespace sitrep::sync {

namespace {

const QString UrlKey = QStringLiteral("backend.url");
const QString UserKey = QStringLiteral("backend.user");
const QString RoleKey = QStringLiteral("backend.role");
// The URL the user was learned from: a cached identity is only good for that back end.
const QString SourceKey = QStringLiteral("backend.user_url");
const QString CheckedKey = QStringLiteral("backend.user_checked_at");
// "none": the back end answered /api/health without the "me" feature.
const QString NoIdentities = QStringLiteral("none");

const QStringList &roles()
{
    static const QStringList r{QStringLiteral("viewer"), QStringLiteral("responder"),
                               QStringLiteral("commander"), QStringLiteral("agent"),
                               QStringLiteral("admin")};
    return r;
}

} // namespace

ActorInputs ActorInputs::commandLine(bool optionSet, const QString &option)
{
    return ActorInputs{optionSet, option, qEnvironmentVariable("SITREP_USER"), {}};
}

ActorInputs ActorInputs::window(const QString &setting)
{
    return ActorInputs{false, {}, qEnvironmentVariable("SITREP_USER"), setting};
}

QString BackendUser::display() const
{
    return role.isEmpty() ? user : QStringLiteral("%1 (%2)").arg(user, role);
}

Result<BackendUser> BackendUser::fromJson(const QJsonObject &o)
{
    BackendUser u{o.value(u"user").toString().trimmed(), o.value(u"role").toString().trimmed()};
    if (u.user.isEmpty())
        return Result<BackendUser>::fail(QStringLiteral("the back end's /api/me names no user"));
    if (!roles().contains(u.role))
        return Result<BackendUser>::fail(
            QStringLiteral("the back end's /api/me names an unknown role '%1'").arg(u.role));
    return u;
}

bool Identity::hasBackend()
{
    return !m_store.meta(UrlKey).isEmpty();
}

std::optional<BackendUser> Identity::cached()
{
    const QString url = m_store.meta(UrlKey);
    if (url.isEmpty() || m_store.meta(SourceKey) != url)
        return std::nullopt;
    const QString user = m_store.meta(UserKey);
    if (user.isEmpty() || user == NoIdentities)
        return std::nullopt;
    return BackendUser{user, m_store.meta(RoleKey)};
}

bool Identity::backendWithoutIdentities()
{
    const QString url = m_store.meta(UrlKey);
    return !url.isEmpty() && m_store.meta(SourceKey) == url &&
           m_store.meta(UserKey) == NoIdentities;
}

static Status save(store::Store &store, const QString &user, const QString &role)
{
    const QString url = store.meta(UrlKey);
    if (url.isEmpty())
        return Status::fail(QStringLiteral("no back end configured"));
    // Unchanged: no write (the sync loop refreshes it on every connection).
    if (store.meta(SourceKey) == url && store.meta(UserKey) == user && store.meta(RoleKey) == role)
        return {};
    for (const auto &[k, v] :
         {qMakePair(UserKey, user), qMakePair(RoleKey, role), qMakePair(SourceKey, url),
          qMakePair(CheckedKey, QString::number(QDateTime::currentMSecsSinceEpoch()))})
        if (auto s = store.setMeta(k, v); !s)
            return s;
    return {};
}

Status Identity::remember(const BackendUser &user)
{
    if (user.user.isEmpty() || user.user == NoIdentities)
        return Status::fail(QStringLiteral("not a user name: '%1'").arg(user.user));
    return save(m_store, user.user, user.role);
}

Status Identity::rememberNoIdentities()
{
    return save(m_store, NoIdentities, {});
}

QString Identity::loginName()
{
    for (const char *var : {"USER", "LOGNAME"})
        if (const QString v = qEnvironmentVariable(var).trimmed(); !v.isEmpty())
            return v;
    if (const passwd *pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
    return QStringLiteral("user");
}

static QString localActor(const ActorInputs &in)
{
    if (in.optionSet && !in.option.trimmed().isEmpty())
        return in.option.trimmed();
    if (const QString s = in.setting.trimmed(); !s.isEmpty())
        return s;
    if (const QString e = in.environment.trimmed(); !e.isEmpty())
        return e;
    return Identity::loginName();
}

Result<QString> Identity::resolve(const ActorInputs &in)
{
    using R = Result<QString>;
    if (!hasBackend() || backendWithoutIdentities())
        return localActor(in);
    const auto me = cached();
    if (!me)
        return R::fail(QStringLiteral("who you are on the back end is not known yet: run `sitrep "
                                      "sync` (or Test connection "
                                      "in the back-end settings) once"),
                       Unknown);
    if (in.optionSet)
        return R::fail(
            QStringLiteral(
                "--actor is not accepted with a back end: you act as %1, the token's user")
                .arg(me->user),
            ActorOptionRefused);
    if (const QString e = in.environment.trimmed(); !e.isEmpty() && e != me->user)
        return R::fail(QStringLiteral("SITREP_USER=%1 is not accepted with a back end: you act as "
                                      "%2, the token's user; unset it")
                           .arg(e, me->user),
                       OverrideRefused);
    if (const QString s = in.setting.trimmed(); !s.isEmpty() && s != me->user)
        return R::fail(QStringLiteral("the user name setting (%1) is not used with a back end: you "
                                      "act as %2, the token's user")
                           .arg(s, me->user),
                       OverrideRefused);
    if (!me->mayWrite())
        return R::fail(
            QStringLiteral("%1 is a viewer on the back end: viewers change nothing").arg(me->user),
            ReadOnly);
    return me->user;
}

QString Identity::displayName(const ActorInputs &in)
{
    if (!hasBackend() || backendWithoutIdentities())
        return localActor(in);
    if (const auto me = cached())
        return me->user;
    return localActor(in);
}

} // namespace sitrep::sync
