// SPDX-License-Identifier: MIT
#pragma once

#include "domain/canonicaljson.h"
#include "domain/event.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sitrep::engine {

/// Something a person or a system asks the engine to do to an incident.
struct Command {
    enum class Kind {
        Open,        // args: title, description, severity, impact, urgency, priority, category, ...
        Acknowledge, // -
        Assign,      // assignee, group
        Transition,  // to, note, resolution_note, root_cause, close_code, time_spent
        Note,        // text
        SetField,    // field, value
        LinkAlert,   // alert, source, title, status
        Approve,     // for (target state, default "*")
        AttachEvidence, // kind, title, url | path
        StatusUpdate,   // message, status, visibility
        SetCommander,   // commander
        AddResponder,   // responder
        ActionItem,     // op (add|update), id, title, owner, due, done
        Record,   // kind, payload: a non-projection event from a module (reminder, escalation, ...)
        MapState, // to: an open incident moves to a state of a newly chosen workflow, no guards
    };
    Kind kind = Kind::Note;
    QString incident; // number or UUID; empty for Open
    QString actor = QStringLiteral("user");
    QJsonObject args;
    /// `args` with its canonical bytes, when whoever made the command wrote them already
    /// (make() from a CanonicalObject): the engine then stores and hashes those bytes as the
    /// event's payload instead of writing them again, as long as `args` is still that object
    /// (a change to `args` after make() is honoured, and the bytes are written anew).
    std::optional<domain::CanonicalObject> canonicalArgs;
    std::optional<qint64> at; // event time override (demo data, imports); default: the clock

    static Command open(const QJsonObject &args, const QString &actor = QStringLiteral("user"));
    static Command transition(const QString &incident, const QString &to,
                              const QString &actor = QStringLiteral("user"),
                              const QJsonObject &extra = {});
    static Command note(const QString &incident, const QString &text,
                        const QString &actor = QStringLiteral("user"));
    static Command approve(const QString &incident, const QString &actor,
                           const QString &forState = QStringLiteral("*"));
    static Command make(Kind kind, const QString &incident, const QJsonObject &args,
                        const QString &actor = QStringLiteral("user"));
    static Command make(Kind kind, const QString &incident, domain::CanonicalObject args,
                        const QString &actor = QStringLiteral("user"));
};

QString commandKindName(Command::Kind k);

/// What a successful command did.
struct Outcome {
    QString incidentUid;
    QString number;
    QList<domain::Event> events;
    bool noop = false; // accepted, nothing to change (e.g. an alert already linked)
};

} // namespace sitrep::engine
