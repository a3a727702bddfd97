// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QString>

namespace sitrep::server {

/// What a user may do. `agent` is a headless Sitrep: it relays alert sources and runs the
/// system's jobs, but never approves.
enum class Role { Viewer, Responder, Commander, Agent, Admin };

QString roleName(Role role);
Result<Role> parseRole(const QString &name);

/// The authenticated sender of a request.
struct Principal {
    qint64 id = 0;
    QString name;
    Role role = Role::Viewer;
};

/// True for an actor that is not a person: the system, the back end, an alert source, or
/// the local classifier. Such events are accepted from any writer (recorded with who
/// relayed them); every other actor names a person.
bool isSystemActor(const QString &actor);

/// The identity rules for one event sent by `sender` (see resources/api/sitrep.yaml):
/// a viewer writes nothing; an event that names a person names the sender; only the back
/// end numbers incidents; approvals come from a commander or an admin under their own name.
/// The error's code is "forbidden" (HTTP 403).
Status checkEvent(const Principal &sender, const QJsonObject &event);

/// Whether `role` may write at all.
bool canWrite(Role role);

} // namespace sitrep::server
