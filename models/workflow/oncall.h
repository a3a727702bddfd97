// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace YAML {
class Node;
}

namespace sitrep::workflow {

struct OnCallOverride {
    QString member;
    qint64 from = 0; // ms, inclusive
    qint64 to = 0;   // ms, exclusive
};

/// An assignment group with its rotation: members take turns of `rotationHours`, handing
/// off at `handoff` (UTC time of day) counted from `start`.
struct AssignmentGroup {
    QString name;
    QStringList members;
    int rotationHours = 168;
    qint64 start = 0; // first hand-off, ms
    QList<OnCallOverride> overrides;
};

struct RoutingRule {
    QString category; // empty = any
    QString service;  // empty = any
    QString group;
};

struct OnCallAnswer {
    QString group;
    QString member;
    bool override = false;
    qint64 shiftStart = 0;
    qint64 shiftEnd = 0;
};

/// Assignment groups, on-call rotations and routing rules, loaded from YAML.
class OnCallSchedule {
public:
    static Result<OnCallSchedule> load(const QString &path); // empty = the built-in default
    static Result<OnCallSchedule> fromYaml(const QByteArray &text, const QString &source);

    const QList<AssignmentGroup> &groups() const { return m_groups; }
    const AssignmentGroup *group(const QString &name) const;
    Result<OnCallAnswer> onCall(const QString &group, qint64 atMs) const;
    /// Routing: the first rule matching category and any of the services, else the default.
    QString route(const QString &category, const QStringList &services) const;

private:
    static Result<OnCallSchedule> fromRoot(const YAML::Node &root, const QString &source);

    QList<AssignmentGroup> m_groups;
    QList<RoutingRule> m_rules;
    QString m_defaultGroup;
};

} // namespace sitrep::workflow
