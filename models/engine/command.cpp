// SPDX-License-Identifier: MIT
#include "engine/command.h"

namespace sitrep::engine {

Command Command::make(Kind kind, const QString &incident, const QJsonObject &args,
                      const QString &actor)
{
    Command c;
    c.kind = kind;
    c.incident = incident;
    c.args = args;
    c.actor = actor;
    return c;
}

Command Command::make(Kind kind, const QString &incident, domain::CanonicalObject args,
                      const QString &actor)
{
    Command c = make(kind, incident, args.object(), actor);
    c.canonicalArgs = std::move(args);
    return c;
}

Command Command::open(const QJsonObject &args, const QString &actor)
{
    return make(Kind::Open, {}, args, actor);
}

Command Command::transition(const QString &incident, const QString &to, const QString &actor,
                            const QJsonObject &extra)
{
    QJsonObject a = extra;
    a[u"to"] = to;
    return make(Kind::Transition, incident, a, actor);
}

Command Command::note(const QString &incident, const QString &text, const QString &actor)
{
    return make(Kind::Note, incident, {{QStringLiteral("text"), text}}, actor);
}

Command Command::approve(const QString &incident, const QString &actor, const QString &forState)
{
    return make(Kind::Approve, incident, {{QStringLiteral("for"), forState}}, actor);
}

QString commandKindName(Command::Kind k)
{
    switch (k) {
    case Command::Kind::Open:
        return QStringLiteral("open");
    case Command::Kind::Acknowledge:
        return QStringLiteral("acknowledge");
    case Command::Kind::Assign:
        return QStringLiteral("assign");
    case Command::Kind::Transition:
        return QStringLiteral("transition");
    case Command::Kind::Note:
        return QStringLiteral("note");
    case Command::Kind::SetField:
        return QStringLiteral("set");
    case Command::Kind::LinkAlert:
        return QStringLiteral("link-alert");
    case Command::Kind::Approve:
        return QStringLiteral("approve");
    case Command::Kind::AttachEvidence:
        return QStringLiteral("attach");
    case Command::Kind::StatusUpdate:
        return QStringLiteral("status");
    case Command::Kind::SetCommander:
        return QStringLiteral("commander");
    case Command::Kind::AddResponder:
        return QStringLiteral("responder");
    case Command::Kind::ActionItem:
        return QStringLiteral("action-item");
    case Command::Kind::Record:
        return QStringLiteral("record");
    case Command::Kind::MapState:
        return QStringLiteral("map-state");
    }
    return {};
}

} // namespace sitrep::engine
