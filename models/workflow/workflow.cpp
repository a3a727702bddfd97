// SPDX-License-Identifier: MIT
#include "workflow/workflow.h"

#include "util/enumnames.h"
#include "util/findbyid.h"
#include "workflow/yamlutil.h"

#include <QFile>
#include <QFileInfo>

namespace sitrep::workflow {

using domain::Priority;

QString slaModeName(SlaMode m)
{
    static constexpr util::EnumName<SlaMode> names[] = {
        {SlaMode::Running, "running"}, {SlaMode::Paused, "paused"}, {SlaMode::Stopped, "stopped"}};
    return util::nameOf(names, m);
}

// A list written as words separated by spaces.
static QStringList words(const char *spaced)
{
    return QString::fromLatin1(spaced).split(u' ');
}

const QStringList &Workflow::knownGuards()
{
    static const QStringList g = words("severity_defined approval_if_p1 approval_or_severity_check "
                                       "approval_required resolution_required commander_assigned "
                                       "always_true");
    return g;
}

const QStringList &Workflow::knownActions()
{
    static const QStringList a = words("assign_on_call draft_postmortem create_postmortem_ticket "
                                       "notify execute_remediation_steps none");
    return a;
}

QStringList Workflow::presetNames()
{
    return {QStringLiteral("sre"), QStringLiteral("itil"), QStringLiteral("pipeline")};
}

Result<Workflow> Workflow::load(const QString &nameOrPath)
{
    const QString n = nameOrPath.isEmpty() ? QStringLiteral("sre") : nameOrPath;
    QString path = n;
    if (presetNames().contains(n.toLower()))
        path = QStringLiteral(":/sitrep/workflows/%1.yaml").arg(n.toLower());
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Workflow>::fail(
            QStringLiteral("%1: cannot read workflow: %2").arg(path, f.errorString()),
            QStringLiteral("io"));
    return fromYaml(f.readAll(), path);
}

static Result<SlaMode> parseSla(const YAML::Node &n, const QString &src)
{
    const QString s = str(n, QStringLiteral("running")).toLower();
    if (s == u"running" || s == u"yes" || s == u"true")
        return SlaMode::Running;
    if (s == u"paused" || s == u"pause")
        return SlaMode::Paused;
    if (s == u"stopped" || s == u"no" || s == u"false" || s == u"stop")
        return SlaMode::Stopped;
    return Result<SlaMode>::fail(yamlError(
        src, n.Mark(), QStringLiteral("sla must be running, paused or stopped, not '%1'").arg(s)));
}

static Result<PriorityPolicy> parsePolicy(const YAML::Node &n, const QString &src)
{
    using R = Result<PriorityPolicy>;
    if (!n.IsMap())
        return R::fail(
            yamlError(src, n.Mark(), QStringLiteral("a priority policy must be a mapping")));
    PriorityPolicy p;
    auto num = [&](const char *key, int &out) -> Status {
        if (!n[key])
            return {};
        bool ok = false;
        out = str(n[key]).toInt(&ok);
        if (!ok || out < 0)
            return Status::fail(yamlError(src, n[key].Mark(),
                                          QStringLiteral("%1 must be a whole number of minutes")
                                              .arg(QString::fromLatin1(key))));
        return {};
    };
    int sla = 0;
    for (auto [k, out] :
         {std::pair{"response_minutes", &p.responseMinutes},
          std::pair{"resolution_minutes", &p.resolutionMinutes}, std::pair{"sla_minutes", &sla}}) {
        if (auto s = num(k, *out); !s)
            return R(s.error());
    }
    if (p.responseMinutes == 0)
        p.responseMinutes = sla;
    if (p.resolutionMinutes == 0)
        p.resolutionMinutes = sla > 0 ? sla * 8 : 0;
    auto flag = [&](const char *key) {
        const QString v = str(n[key]).toLower();
        return v == u"true" || v == u"yes";
    };
    p.autoRemediation = flag("auto_remediation");
    p.approvalRequired = flag("approval_required");
    p.notificationChannels = strList(n["notification_channels"]);
    // Present but empty (or 0): no status-update reminder for this priority.
    if (const YAML::Node su = n["status_update_minutes"]; su) {
        if (su.IsNull() || str(su).trimmed().isEmpty())
            p.statusUpdateMinutes = 0;
        else if (auto s = num("status_update_minutes", p.statusUpdateMinutes); !s)
            return R(s.error());
    }
    return p;
}

Result<Workflow> Workflow::fromYaml(const QByteArray &text, const QString &source)
{
    return parseYamlDocument<Workflow>(
        text, source, [&](const YAML::Node &root) { return fromRoot(root, source); });
}

Result<Workflow> Workflow::fromRoot(const YAML::Node &root, const QString &source)
{
    using R = Result<Workflow>;
    if (!root.IsMap())
        return R::fail(
            yamlError(source, root.Mark(), QStringLiteral("a workflow must be a YAML mapping")));

    Workflow w;
    w.m_source = source;
    w.m_name = str(root["name"], QFileInfo(source).baseName());
    w.m_version = str(root["version"], QStringLiteral("1"));

    // States.
    const YAML::Node states = root["states"];
    if (!states || !states.IsSequence() || states.size() == 0)
        return R::fail(yamlError(source, root.Mark(),
                                 QStringLiteral("workflow needs a non-empty 'states' list")));
    for (const auto &sn : states) {
        StateDef s;
        if (sn.IsScalar()) {
            s.id = str(sn);
        } else if (sn.IsMap()) {
            s.id = str(sn["id"]);
            s.label = str(sn["label"]);
            auto sla = parseSla(sn["sla"], source);
            if (!sla)
                return R(sla.error());
            s.sla = *sla;
            s.stamps = str(sn["stamps"]).toLower();
            if (!s.stamps.isEmpty() &&
                !QStringList{QStringLiteral("acknowledged"), QStringLiteral("mitigated"),
                             QStringLiteral("resolved"), QStringLiteral("closed")}
                     .contains(s.stamps))
                return R::fail(yamlError(
                    source, sn["stamps"].Mark(),
                    QStringLiteral(
                        "unknown timestamp '%1' (acknowledged, mitigated, resolved, closed)")
                        .arg(s.stamps)));
            const QString open = str(sn["open"]).toLower();
            if (!open.isEmpty())
                s.open = open == u"true" || open == u"yes";
            else
                s.open = !(s.stamps == u"resolved" || s.stamps == u"closed");
        } else {
            return R::fail(yamlError(source, sn.Mark(),
                                     QStringLiteral("a state must be a name or a mapping")));
        }
        if (s.id.isEmpty())
            return R::fail(yamlError(source, sn.Mark(), QStringLiteral("state without an id")));
        if (w.state(s.id))
            return R::fail(
                yamlError(source, sn.Mark(), QStringLiteral("duplicate state '%1'").arg(s.id)));
        if (s.label.isEmpty())
            s.label = s.id;
        w.m_states.append(s);
    }
    w.m_initial = str(root["initial"], w.m_states.first().id);
    if (!w.state(w.m_initial))
        return R::fail(
            yamlError(source, root["initial"].Mark(),
                      QStringLiteral("initial state '%1' is not a state").arg(w.m_initial)));

    // Transitions: the native list, and seed 003's workflow_rules ("A -> B").
    auto addTransition = [&](const YAML::Node &tn, QStringList froms, QStringList tos) -> Status {
        const QStringList guards =
            strList(tn["guards"]) + strList(tn["validator"]) + strList(tn["validators"]);
        const QStringList actions = strList(tn["actions"]) + strList(tn["action"]);
        // Every name is one of `known`, else "unknown WHAT 'NAME' (known: ...)".
        const auto checkKnown = [&](const QStringList &names, const QStringList &known,
                                    const char *what) -> Status {
            for (const QString &n : names)
                if (!known.contains(n))
                    return Status::fail(yamlError(
                        source, tn.Mark(),
                        QStringLiteral("unknown %1 '%2' (known: %3)")
                            .arg(QLatin1String(what), n, known.join(QStringLiteral(", ")))));
            return {};
        };
        if (auto known = checkKnown(guards, knownGuards(), "guard"); !known)
            return known;
        if (auto known = checkKnown(actions, knownActions(), "action"); !known)
            return known;
        const QString appr = str(tn["approval"]).toLower();
        for (const QString &f : froms) {
            if (f != u"*" && !w.state(f))
                return Status::fail(
                    yamlError(source, tn.Mark(),
                              QStringLiteral("transition from unknown state '%1'").arg(f)));
            for (const QString &t : tos) {
                if (!w.state(t))
                    return Status::fail(
                        yamlError(source, tn.Mark(),
                                  QStringLiteral("transition to unknown state '%1'").arg(t)));
                TransitionDef td;
                td.from = f;
                td.to = t;
                td.guards = guards;
                td.actions = actions;
                td.approval = appr == u"true" || appr == u"yes" || appr == u"required";
                td.line = tn.Mark().line + 1;
                w.m_transitions.append(td);
            }
        }
        return {};
    };
    if (const YAML::Node tr = root["transitions"]) {
        if (!tr.IsSequence())
            return R::fail(
                yamlError(source, tr.Mark(), QStringLiteral("'transitions' must be a list")));
        for (const auto &tn : tr) {
            if (!tn.IsMap())
                return R::fail(
                    yamlError(source, tn.Mark(), QStringLiteral("a transition must be a mapping")));
            const QStringList froms = strList(tn["from"]);
            const QStringList tos = strList(tn["to"]);
            if (froms.isEmpty() || tos.isEmpty())
                return R::fail(yamlError(source, tn.Mark(),
                                         QStringLiteral("a transition needs 'from' and 'to'")));
            if (auto s = addTransition(tn, froms, tos); !s)
                return R(s.error());
        }
    }
    if (const YAML::Node rules = root["workflow_rules"]) {
        if (!rules.IsSequence())
            return R::fail(
                yamlError(source, rules.Mark(), QStringLiteral("'workflow_rules' must be a list")));
        for (const auto &tn : rules) {
            const QString spec = str(tn["transition"]);
            const auto parts = spec.split(QStringLiteral("->"));
            if (parts.size() != 2)
                return R::fail(yamlError(
                    source, tn.Mark(),
                    QStringLiteral("transition must read 'FROM -> TO', not '%1'").arg(spec)));
            if (auto s = addTransition(tn, {parts[0].trimmed()}, {parts[1].trimmed()}); !s)
                return R(s.error());
        }
    }
    if (w.m_transitions.isEmpty())
        return R::fail(
            yamlError(source, root.Mark(), QStringLiteral("workflow has no transitions")));

    // Priorities: native 'priorities' or seed 003's 'severity_matrix'.
    for (const char *key : {"severity_matrix", "priorities"}) {
        const YAML::Node pm = root[key];
        if (!pm)
            continue;
        if (!pm.IsMap())
            return R::fail(yamlError(
                source, pm.Mark(),
                QStringLiteral("'%1' must map P1..P4 to policies").arg(QString::fromLatin1(key))));
        for (const auto &kv : pm) {
            const Priority p = domain::parsePriority(str(kv.first));
            if (p == Priority::None)
                return R::fail(
                    yamlError(source, kv.first.Mark(),
                              QStringLiteral("'%1' is not a priority (P1-P4)").arg(str(kv.first))));
            auto pol = parsePolicy(kv.second, source);
            if (!pol)
                return R(pol.error());
            w.m_policies[int(p)] = *pol;
        }
    }
    for (int p = 1; p <= 4; ++p) // SLA defaults where the file says nothing
        if (!w.m_policies.contains(p)) {
            static const int resp[] = {0, 15, 60, 240, 1440};
            static const int res[] = {0, 240, 480, 1440, 4320};
            PriorityPolicy pol;
            pol.responseMinutes = resp[p];
            pol.resolutionMinutes = res[p];
            pol.approvalRequired = p == 1;
            w.m_policies[p] = pol;
        }

    if (const YAML::Node m = root["priority_matrix"]) {
        auto pm = PriorityMatrix::fromYaml(m, source);
        if (!pm)
            return R(pm.error());
        w.m_matrix = *pm;
    }

    w.m_acknowledge = str(root["acknowledge"], w.stateStamping(QStringLiteral("acknowledged")));
    if (!w.m_acknowledge.isEmpty() && !w.state(w.m_acknowledge))
        return R::fail(yamlError(
            source, root["acknowledge"].Mark(),
            QStringLiteral("acknowledge state '%1' is not a state").arg(w.m_acknowledge)));
    w.m_staleClose = str(root["stale_close"]);
    if (w.m_staleClose.isEmpty())
        w.m_staleClose = w.stateStamping(QStringLiteral("closed"));
    if (w.m_staleClose.isEmpty())
        w.m_staleClose = w.stateStamping(QStringLiteral("resolved"));
    if (!w.m_staleClose.isEmpty() && !w.state(w.m_staleClose))
        return R::fail(
            yamlError(source, root["stale_close"].Mark(),
                      QStringLiteral("stale_close state '%1' is not a state").arg(w.m_staleClose)));
    w.m_onOpen = strList(root["on_open"]);
    for (const QString &a : w.m_onOpen)
        if (!knownActions().contains(a))
            return R::fail(yamlError(source, root["on_open"].Mark(),
                                     QStringLiteral("unknown action '%1'").arg(a)));
    if (const YAML::Node ar = root["all_alerts_resolved"]) {
        w.m_allResolved.mode = str(ar["mode"], QStringLiteral("suggest")).toLower();
        w.m_allResolved.state = str(ar["state"]);
        if (!QStringList{QStringLiteral("record"), QStringLiteral("suggest"),
                         QStringLiteral("transition")}
                 .contains(w.m_allResolved.mode))
            return R::fail(yamlError(
                source, ar.Mark(),
                QStringLiteral("all_alerts_resolved.mode must be record, suggest or transition")));
        if (w.m_allResolved.mode == u"transition" && !w.state(w.m_allResolved.state))
            return R::fail(yamlError(source, ar.Mark(),
                                     QStringLiteral("all_alerts_resolved.state '%1' is not a state")
                                         .arg(w.m_allResolved.state)));
    }
    if (w.m_allResolved.state.isEmpty())
        w.m_allResolved.state = w.stateStamping(QStringLiteral("resolved"));
    return w;
}

const StateDef *Workflow::state(const QString &id) const
{
    return util::findById(m_states, id);
}

QString Workflow::canonicalState(const QString &name) const
{
    for (const auto &s : m_states)
        if (s.id.compare(name, Qt::CaseInsensitive) == 0 ||
            s.label.compare(name, Qt::CaseInsensitive) == 0)
            return s.id;
    QString n = name;
    n.replace(u'-', u'_').replace(u' ', u'_');
    for (const auto &s : m_states) {
        QString id = s.id;
        id.replace(u' ', u'_');
        if (id.compare(n, Qt::CaseInsensitive) == 0)
            return s.id;
    }
    return {};
}

const TransitionDef *Workflow::transition(const QString &from, const QString &to) const
{
    for (const auto &t : m_transitions)
        if (t.from == from && t.to == to)
            return &t;
    const StateDef *fs = state(from);
    for (const auto &t : m_transitions)
        if (t.from == u"*" && t.to == to && to != from && fs && fs->open)
            return &t;
    return nullptr;
}

QStringList Workflow::allowedTargets(const QString &from) const
{
    QStringList out;
    for (const auto &s : m_states)
        if (transition(from, s.id))
            out << s.id;
    return out;
}

PriorityPolicy Workflow::policy(Priority p) const
{
    return m_policies.value(int(p == Priority::None ? Priority::P3 : p));
}

QString Workflow::stateStamping(const QString &stamp) const
{
    for (const auto &s : m_states)
        if (s.stamps == stamp)
            return s.id;
    return {};
}

QStringList Workflow::openStates() const
{
    QStringList out;
    for (const auto &s : m_states)
        if (s.open)
            out << s.id;
    return out;
}

} // namespace sitrep::workflow
