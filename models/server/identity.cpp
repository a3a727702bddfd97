// SPDX-License-Identifier: MIT
#include "server/identity.h"

#include "util/enumnames.h"

#include <QSet>

namespace sitrep::server {

constexpr util::EnumName<Role> RoleNames[] = {{Role::Viewer, "viewer"},
                                              {Role::Responder, "responder"},
                                              {Role::Commander, "commander"},
                                              {Role::Agent, "agent"},
                                              {Role::Admin, "admin"}};

QString roleName(Role role)
{
    return util::nameOf(RoleNames, role);
}

Result<Role> parseRole(const QString &name)
{
    if (const auto role = util::valueOf(RoleNames, name))
        return *role;
    return Result<Role>::fail(
        QStringLiteral("unknown role '%1' (viewer, responder, commander, agent or admin)")
            .arg(name));
}

bool canWrite(Role role)
{
    return role != Role::Viewer;
}

bool isSystemActor(const QString &actor)
{
    // The engine's own actor, the alert sources' names (ingest/normalizer), the classifier.
    static const QSet<QString> names{QStringLiteral("system"),    QStringLiteral("alertmanager"),
                                     QStringLiteral("pagerduty"), QStringLiteral("sentry"),
                                     QStringLiteral("grafana"),   QStringLiteral("datadog"),
                                     QStringLiteral("generic")};
    return names.contains(actor) || actor.startsWith(u"triage");
}

static Status forbidden(const QString &message)
{
    return Status::fail(message, QStringLiteral("forbidden"));
}

Status checkEvent(const Principal &sender, const QJsonObject &event)
{
    if (!canWrite(sender.role))
        return forbidden(QStringLiteral("%1 is a viewer and cannot write").arg(sender.name));
    const QString kind = event.value(u"kind").toString();
    const QString actor = event.value(u"actor").toString();
    const QJsonObject payload = event.value(u"payload").toObject();
    if (kind == u"incident.renumbered" || actor == u"backend")
        return forbidden(
            QStringLiteral("only the back end numbers incidents and writes as 'backend'"));
    if (!isSystemActor(actor) && actor != sender.name)
        return forbidden(
            QStringLiteral("%1 cannot record an event as '%2'").arg(sender.name, actor));
    const bool approver = sender.role == Role::Commander || sender.role == Role::Admin;
    if (kind == u"approval.granted") {
        if (actor != sender.name)
            return forbidden(
                QStringLiteral("an approval is recorded under the approver's own name"));
        if (!approver)
            return forbidden(QStringLiteral("%1 is a %2: only a commander or an admin approves")
                                 .arg(sender.name, roleName(sender.role)));
    }
    // A person's approval of a remediation (the automatic policy records its own identity).
    if (kind == u"remediation.queued") {
        const QString by = payload.value(u"approved_by").toString();
        if (!by.isEmpty() && !isSystemActor(by) && !by.startsWith(u"sitrep")) {
            if (by != sender.name)
                return forbidden(
                    QStringLiteral("%1 cannot record an approval by '%2'").arg(sender.name, by));
            if (!approver)
                return forbidden(
                    QStringLiteral(
                        "%1 is a %2: only a commander or an admin approves a remediation")
                        .arg(sender.name, roleName(sender.role)));
        }
    }
    return {};
}

} // namespace sitrep::server
