// SPDX-License-Identifier: MIT
#include "workflow/oncall.h"

#include "domain/isotime.h"
#include "workflow/yamlutil.h"

#include <QTime>

namespace sitrep::workflow {

static qint64 parseTime(const QString &s)
{
    return domain::parseIsoTime(s);
}

Result<OnCallSchedule> OnCallSchedule::load(const QString &path)
{
    const QString p = path.isEmpty() ? QStringLiteral(":/sitrep/config/oncall.yaml") : path;
    return loadSourceFile<OnCallSchedule>(p, fromYaml);
}

Result<OnCallSchedule> OnCallSchedule::fromYaml(const QByteArray &text, const QString &source)
{
    return parseYamlDocument<OnCallSchedule>(
        text, source, [&](const YAML::Node &root) { return fromRoot(root, source); });
}

Result<OnCallSchedule> OnCallSchedule::fromRoot(const YAML::Node &root, const QString &source)
{
    using R = Result<OnCallSchedule>;
    OnCallSchedule s;
    const YAML::Node groups = root["groups"];
    if (!groups || !groups.IsSequence())
        return R::fail(
            yamlError(source, root.Mark(), QStringLiteral("on-call file needs a 'groups' list")));
    for (const auto &g : groups) {
        AssignmentGroup ag;
        ag.name = str(g["name"]);
        ag.members = strList(g["members"]);
        if (ag.name.isEmpty())
            return R::fail(yamlError(source, g.Mark(), QStringLiteral("group without a name")));
        if (ag.members.isEmpty())
            return R::fail(yamlError(source, g.Mark(),
                                     QStringLiteral("group '%1' has no members").arg(ag.name)));
        for (const QString &m : std::as_const(ag.members))
            if (m.trimmed().isEmpty()) // "" or a bare tag: nobody would be paged
                return R::fail(
                    yamlError(source, g["members"].Mark(),
                              QStringLiteral("group '%1' has an empty member name").arg(ag.name)));
        const YAML::Node rot = g["rotation"];
        QString start = QStringLiteral("2026-01-05");
        QString handoff = QStringLiteral("09:00");
        if (rot) {
            bool ok = true;
            // At most ten years a turn; days are bounded before they are multiplied.
            constexpr int maxHours = 3660 * 24;
            if (rot["length_hours"]) {
                ag.rotationHours = str(rot["length_hours"]).toInt(&ok);
            } else if (rot["length_days"]) {
                const int days = str(rot["length_days"]).toInt(&ok);
                ok = ok && days > 0 && days <= maxHours / 24;
                ag.rotationHours = ok ? days * 24 : 0;
            }
            if (!ok || ag.rotationHours <= 0 || ag.rotationHours > maxHours)
                return R::fail(
                    yamlError(source, rot.Mark(),
                              QStringLiteral("rotation length must be a positive number")));
            start = str(rot["start"], start);
            handoff = str(rot["handoff"], handoff);
        }
        const QTime ht = QTime::fromString(handoff, QStringLiteral("HH:mm"));
        const QDate sd = QDate::fromString(start, Qt::ISODate);
        if (!ht.isValid() || !sd.isValid())
            return R::fail(
                yamlError(source, rot ? rot.Mark() : g.Mark(),
                          QStringLiteral("rotation needs start YYYY-MM-DD and handoff HH:MM")));
        ag.start = QDateTime(sd, ht, Qt::UTC).toMSecsSinceEpoch();
        for (const auto &o : g["overrides"]) {
            OnCallOverride ov;
            ov.member = str(o["member"]);
            ov.from = parseTime(str(o["from"]));
            ov.to = parseTime(str(o["to"]));
            if (ov.member.isEmpty() || ov.from < 0 || ov.to <= ov.from)
                return R::fail(yamlError(
                    source, o.Mark(),
                    QStringLiteral("override needs member, from and to (ISO times, from < to)")));
            ag.overrides.append(ov);
        }
        s.m_groups.append(ag);
    }
    for (const auto &r : root["routing"]) {
        const QString g = str(r["group"]);
        if (!s.group(g))
            return R::fail(yamlError(source, r.Mark(),
                                     QStringLiteral("routing names unknown group '%1'").arg(g)));
        if (str(r["default"]).toLower() == u"true") {
            s.m_defaultGroup = g;
            continue;
        }
        s.m_rules.append({str(r["category"]), str(r["service"]), g});
    }
    if (s.m_defaultGroup.isEmpty() && !s.m_groups.isEmpty())
        s.m_defaultGroup = s.m_groups.first().name;
    return s;
}

const AssignmentGroup *OnCallSchedule::group(const QString &name) const
{
    for (const auto &g : m_groups)
        if (g.name.compare(name, Qt::CaseInsensitive) == 0)
            return &g;
    return nullptr;
}

Result<OnCallAnswer> OnCallSchedule::onCall(const QString &name, qint64 at) const
{
    const AssignmentGroup *g = group(name);
    if (!g)
        return Result<OnCallAnswer>::fail(
            QStringLiteral("unknown assignment group '%1'").arg(name));
    OnCallAnswer a;
    a.group = g->name;
    for (const auto &o : g->overrides)
        if (at >= o.from && at < o.to) {
            a.member = o.member;
            a.override = true;
            a.shiftStart = o.from;
            a.shiftEnd = o.to;
            return a;
        }
    const qint64 len = qint64(g->rotationHours) * 3600 * 1000;
    qint64 k = (at - g->start) / len;
    if (at < g->start && (at - g->start) % len != 0)
        --k; // floor for times before the first hand-off
    const qint64 n = g->members.size();
    a.member = g->members[int(((k % n) + n) % n)];
    a.shiftStart = g->start + k * len;
    a.shiftEnd = a.shiftStart + len;
    return a;
}

QString OnCallSchedule::route(const QString &category, const QStringList &services) const
{
    for (const auto &r : m_rules) {
        const bool catOk =
            r.category.isEmpty() || r.category.compare(category, Qt::CaseInsensitive) == 0;
        bool svcOk = r.service.isEmpty();
        for (const QString &s : services)
            svcOk = svcOk || r.service.compare(s, Qt::CaseInsensitive) == 0;
        if (catOk && svcOk && !(r.category.isEmpty() && r.service.isEmpty()))
            return r.group;
    }
    return m_defaultGroup;
}

} // namespace sitrep::workflow
