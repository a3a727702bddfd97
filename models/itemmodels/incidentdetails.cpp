// SPDX-License-Identifier: MIT
#include "itemmodels/incidentdetails.h"

#include "domain/actionitem.h"
#include "domain/synckinds.h"
#include "itemmodels/incidentcolumns.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>

namespace sitrep::itemmodels {

using namespace sitrep::domain;

std::optional<IncidentDetails> loadIncidentDetails(store::Store &store, const QString &ref)
{
    auto inc = store.incidentByUid(ref);
    if (!inc)
        inc = store.findIncident(ref);
    if (!inc)
        return std::nullopt;
    IncidentDetails d;
    d.incident = *inc;
    d.timeline = store.timeline(inc->uid);
    // One fold of action items for the whole app (the postmortem view reads the same one),
    // so an item closed there shows as done here too.
    for (const auto &a : actionItemsFrom(d.timeline))
        d.actionItems << ActionItemRow{a.id, a.title, a.owner, a.due, a.isDone()};

    QHash<QString, QPair<int, int>> alertsBySvc; // service -> (worst severity, firing)
    QHash<QString, QString> alertService;
    QHash<QString, int> alertSeverity;
    QHash<QString, bool> alertFiring;
    QHash<QString, QPair<int, QString>> overrides;
    for (const Event &e : std::as_const(d.timeline)) {
        const QJsonObject &p = e.payload;
        if (e.kind == kinds::EvidenceAttached) {
            d.evidence << EvidenceItem{p[u"kind"].toString(),
                                       p[u"title"].toString(),
                                       p[u"url"].toString(),
                                       p[u"sha256"].toString(),
                                       p[u"name"].toString(),
                                       p[u"mime"].toString(),
                                       p[u"size"].toInteger(),
                                       e.ts,
                                       e.actor};
        } else if (e.kind == kinds::StatusUpdate) {
            d.statusUpdates << StatusUpdateItem{
                p[u"message"].toString(), p[u"status"].toString(),
                p[u"visibility"].toString(QStringLiteral("internal")), e.actor, e.ts};
        } else if (e.kind == kinds::AlertLinked || e.kind == QLatin1String("alert.updated")) {
            const QString id = p[u"alert"].toString();
            QString svc = p[u"service"].toString();
            if (svc.isEmpty())
                svc = p[u"labels"].toObject()[u"service"].toString();
            if (!svc.isEmpty())
                alertService.insert(id, svc);
            if (p.contains(u"severity"))
                alertSeverity.insert(id, int(parseSeverity(p[u"severity"].toString())));
            const QString status = p[u"status"].toString(QStringLiteral("firing")).toLower();
            alertFiring.insert(id, status != u"resolved");
        } else if (e.kind == QLatin1String("service.health")) {
            overrides.insert(p[u"service"].toString(),
                             qMakePair(int(p[u"severity"].toInteger()), e.actor));
        } else if (e.kind == kinds::ApprovalGranted) {
            d.approver = p[u"approver"].toString(e.actor);
        }
    }
    for (auto it = alertFiring.cbegin(); it != alertFiring.cend(); ++it) {
        if (!it.value())
            continue;
        // An alert without a service counts against every affected service.
        const QString svc = alertService.value(it.key());
        const int sev = alertSeverity.value(it.key(), int(d.incident.severity));
        for (const QString &s : d.incident.services) {
            if (!svc.isEmpty() && svc != s)
                continue;
            auto &cur = alertsBySvc[s];
            cur.second += 1;
            if (sev > 0 && (cur.first == 0 || sev < cur.first))
                cur.first = sev;
        }
    }
    for (const QString &s : d.incident.services) {
        ServiceHealth h;
        h.service = s;
        h.severity = alertsBySvc.value(s).first;
        h.firingAlerts = alertsBySvc.value(s).second;
        if (overrides.contains(s)) {
            h.overridden = true;
            h.severity = overrides[s].first;
            h.overriddenBy = overrides[s].second;
        }
        d.services << h;
    }
    return d;
}

QByteArray attachmentData(store::Store &store, const QString &sha256)
{
    store::Stmt *s =
        store.db().prepare(QStringLiteral("SELECT data FROM attachments WHERE sha256=?"));
    if (!s)
        return {};
    s->bindBlob(1, QByteArray::fromHex(sha256.toLatin1()));
    const QByteArray data = s->step() ? store::RowReader(*s).blob() : QByteArray();
    s->reset();
    return data;
}

static QString whenText(const QJsonValue &v)
{
    // Times travel as epoch milliseconds (numbers or strings); people read a date.
    const qint64 ms = v.isString() ? v.toString().toLongLong() : v.toInteger();
    if (ms <= 0)
        return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

static QString listText(const QJsonValue &v)
{
    if (v.isArray()) {
        QStringList out;
        for (const auto &x : v.toArray())
            out << x.toVariant().toString();
        return out.join(QStringLiteral(", "));
    }
    return v.toVariant().toString();
}

static QString fieldLabel(const QString &field)
{
    const auto tr = [](const char *s) {
        return QCoreApplication::translate("sitrep::itemmodels", s);
    };
    static const QHash<QString, const char *> names{
        {QStringLiteral("title"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "title")},
        {QStringLiteral("description"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "description")},
        {QStringLiteral("severity"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "severity")},
        {QStringLiteral("priority"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "priority")},
        {QStringLiteral("impact"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "impact")},
        {QStringLiteral("urgency"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "urgency")},
        {QStringLiteral("category"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "category")},
        {QStringLiteral("subcategory"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "subcategory")},
        {QStringLiteral("services"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "affected services")},
        {QStringLiteral("cis"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "configuration items")},
        {QStringLiteral("assignee"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "assignee")},
        {QStringLiteral("assignment_group"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "assignment group")},
        {QStringLiteral("reporter"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "reporter")},
        {QStringLiteral("commander"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "incident commander")},
        {QStringLiteral("responders"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "responders")},
        {QStringLiteral("root_cause"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "root cause")},
        {QStringLiteral("resolution_note"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "resolution note")},
        {QStringLiteral("close_code"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "close code")},
        {QStringLiteral("time_spent"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "time spent (minutes)")},
    };
    const auto it = names.constFind(field);
    return it == names.cend() ? field : tr(*it);
}

QString timelineKindLabel(const QString &kind)
{
    const auto tr = [](const char *s) {
        return QCoreApplication::translate("sitrep::itemmodels", s);
    };
    static const QHash<QString, const char *> names{
        {kinds::Opened, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Opened")},
        {kinds::Transitioned, QT_TRANSLATE_NOOP("sitrep::itemmodels", "State")},
        {kinds::FieldSet, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Field")},
        {kinds::Assigned, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Assignment")},
        {kinds::NoteAdded, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Note")},
        {kinds::AlertLinked, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Alert")},
        {QStringLiteral("alert.updated"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Alert")},
        {QStringLiteral("alert.resolved"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Alert")},
        {kinds::ApprovalGranted, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Approval")},
        {kinds::EvidenceAttached, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Evidence")},
        {kinds::StatusUpdate, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Status update")},
        {kinds::CommanderSet, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Commander")},
        {kinds::ResponderAdded, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Responder")},
        {kinds::ActionItem, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Action item")},
        {kinds::SlaBreached, QT_TRANSLATE_NOOP("sitrep::itemmodels", "SLA")},
        {kinds::NotificationRequested, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Notification")},
        {QStringLiteral("notification.delivered"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Notification")},
        {QStringLiteral("notification.failed"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Notification")},
        {kinds::PostmortemDrafted, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Postmortem")},
        {QStringLiteral("postmortem.created"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Postmortem")},
        {QStringLiteral("postmortem.status_changed"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Postmortem")},
        {QStringLiteral("postmortem.published"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Postmortem")},
        {QStringLiteral("postmortem.restored"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Postmortem")},
        {kinds::RemediationRequested, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Remediation")},
        {kinds::Reminder, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Reminder")},
        {kinds::Escalation, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Escalation")},
        {kinds::Conflict, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Sync conflict")},
        {kinds::ConflictResolved, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Sync conflict")},
        {kinds::Renumbered, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Number")},
        {kinds::ProvisionalNumber, QT_TRANSLATE_NOOP("sitrep::itemmodels", "Number")},
        {QStringLiteral("runbook.step_checked"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Runbook")},
        {QStringLiteral("runbook.attached"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Runbook")},
        {QStringLiteral("service.health"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Service health")},
        {QStringLiteral("problem.linked"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Problem")},
        {QStringLiteral("problem.unlinked"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Problem")},
        {QStringLiteral("known_error.linked"),
         QT_TRANSLATE_NOOP("sitrep::itemmodels", "Known error")},
        {QStringLiteral("triage.suggested"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Triage")},
        {QStringLiteral("triage.accepted"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Triage")},
        {QStringLiteral("triage.rejected"), QT_TRANSLATE_NOOP("sitrep::itemmodels", "Triage")},
    };
    if (const auto it = names.constFind(kind); it != names.cend())
        return tr(*it);
    if (kind.startsWith(u"remediation."))
        return tr("Remediation");
    // An unknown kind (a newer replica's): its words, not its dots and underscores.
    QString words = kind;
    words.replace(u'.', u' ').replace(u'_', u' ');
    if (!words.isEmpty())
        words[0] = words[0].toUpper();
    return words;
}

// The remediation module's timeline events (remediation.*). Its translation context is kept,
// so the existing translations apply.
static QString describeRemediationEvent(const Event &e)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("sitrep::remediation", text);
    };
    const QJsonObject &p = e.payload;
    const QJsonObject action = p.value(QStringLiteral("action")).toObject();
    const QString what = QStringLiteral("%1 on %2")
                             .arg(action.value(QStringLiteral("type"))
                                      .toString(p.value(QStringLiteral("action_type")).toString()),
                                  action.value(QStringLiteral("target"))
                                      .toString(p.value(QStringLiteral("target")).toString()));
    const int attempt = p.value(QStringLiteral("attempt")).toInt(1);
    const QString &kind = e.kind;
    if (kind == u"remediation.queued")
        return tr("Remediation queued: %1 to %2 (rule %3, approved by %4)")
            .arg(what, p.value(QStringLiteral("destination")).toString(),
                 p.value(QStringLiteral("rule")).toString(),
                 p.value(QStringLiteral("approved_by")).toString());
    if (kind == u"remediation.skipped")
        return tr("Remediation skipped by %1: %2")
            .arg(p.value(QStringLiteral("control")).toString(),
                 p.value(QStringLiteral("reason")).toString());
    if (kind == u"remediation.awaiting_approval")
        return tr("Remediation waiting for approval: %1")
            .arg(p.value(QStringLiteral("reason")).toString());
    if (kind == u"remediation.sent")
        return tr("Remediation sent to %1 (attempt %2)")
            .arg(p.value(QStringLiteral("destination")).toString())
            .arg(attempt);
    if (kind == u"remediation.succeeded")
        return tr("Remediation succeeded: %1: %2")
            .arg(what, p.value(QStringLiteral("output")).toString().left(300));
    if (kind == u"remediation.failed")
        return tr("Remediation failed: %1: %2")
            .arg(what, p.value(QStringLiteral("reason")).toString().left(300));
    if (kind == u"remediation.dead_lettered")
        return tr("Remediation failed: %1, dead-lettered after %2 receives")
            .arg(what)
            .arg(p.value(QStringLiteral("receive_count")).toInt());
    if (kind == u"remediation.retried")
        return tr("Failed remediation retried (attempt %1)").arg(attempt);
    if (kind == u"remediation.dismissed") {
        const QString why = p.value(QStringLiteral("reason")).toString();
        return why.isEmpty() ? tr("Failed remediation dismissed")
                             : tr("Failed remediation dismissed: %1").arg(why);
    }
    return {};
}

QString describeTimelineEvent(const Event &e)
{
    const QJsonObject &p = e.payload;
    const auto tr = [](const char *s) {
        return QCoreApplication::translate("sitrep::itemmodels", s);
    };
    const auto state = [&](const char *key) {
        return workflowStateLabel(p[QLatin1String(key)].toString());
    };
    const auto sevOf = [&](const QJsonValue &v) {
        const auto sv = parseSeverity(v.toVariant().toString());
        return sv == Severity::Unknown ? tr("no severity") : severityText(int(sv));
    };
    if (e.kind == kinds::Opened)
        return tr("Opened: %1 (%2, %3)")
            .arg(p[u"title"].toString(), sevOf(p[u"severity"]), p[u"priority"].toString());
    if (e.kind == kinds::Transitioned)
        return p[u"acknowledges"].toBool()
                   ? tr("Moved from %1 to %2 (counts as the response)")
                         .arg(state("from"), state("to"))
                   : tr("Moved from %1 to %2").arg(state("from"), state("to"));
    if (e.kind == kinds::FieldSet) {
        const QString field = p[u"field"].toString();
        QString value = field == u"severity" ? sevOf(p[u"value"]) : listText(p[u"value"]);
        if (value.isEmpty())
            return tr("Cleared the %1").arg(fieldLabel(field));
        if (value.size() > 200)
            value = value.left(200) + QStringLiteral("…");
        return tr("Set the %1 to %2").arg(fieldLabel(field), value);
    }
    if (e.kind == kinds::Assigned) {
        const QString who = p[u"assignee"].toString();
        const QString group = p[u"group"].toString();
        const bool oncall = p[u"via"].toString() == u"on-call";
        if (who.isEmpty())
            return tr("Assigned to the group %1").arg(group);
        if (group.isEmpty())
            return tr("Assigned to %1").arg(who);
        return oncall ? tr("Assigned to %1 (%2, on call)").arg(who, group)
                      : tr("Assigned to %1 (%2)").arg(who, group);
    }
    if (e.kind == kinds::NoteAdded)
        return p[u"text"].toString();
    if (e.kind == kinds::AlertLinked) {
        const QString title = p[u"title"].toString();
        return title.isEmpty() ? tr("Alert %1 linked").arg(p[u"alert"].toString())
                               : tr("Alert %1 linked: %2").arg(p[u"alert"].toString(), title);
    }
    if (e.kind == QLatin1String("alert.updated"))
        return tr("Alert %1 is %2")
            .arg(p[u"alert"].toString(), p[u"status"].toString(QStringLiteral("firing")));
    if (e.kind == QLatin1String("alert.resolved")) {
        const QString title = p[u"title"].toString();
        return title.isEmpty() ? tr("Alert %1 resolved at %2")
                                     .arg(p[u"alert"].toString(), whenText(p[u"ended_at"]))
                               : tr("Alert %1 resolved at %2: %3")
                                     .arg(p[u"alert"].toString(), whenText(p[u"ended_at"]), title);
    }
    if (e.kind == kinds::ApprovalGranted) {
        const QString target = p[u"for"].toString();
        const QString comment = p[u"comment"].toString();
        const QString base =
            target.isEmpty() || target == u"*"
                ? tr("Approved by %1 for any gated step").arg(p[u"approver"].toString())
                : tr("Approved by %1 for %2")
                      .arg(p[u"approver"].toString(), workflowStateLabel(target));
        return comment.isEmpty() ? base : QStringLiteral("%1: %2").arg(base, comment);
    }
    if (e.kind == kinds::EvidenceAttached)
        return tr("Evidence (%1): %2").arg(p[u"kind"].toString(), p[u"title"].toString());
    if (e.kind == kinds::StatusUpdate)
        return p[u"visibility"].toString() == u"external"
                   ? tr("Status update (external): %1").arg(p[u"message"].toString())
                   : tr("Status update (internal): %1").arg(p[u"message"].toString());
    if (e.kind == kinds::CommanderSet)
        return tr("Incident commander: %1").arg(p[u"commander"].toString());
    if (e.kind == kinds::ResponderAdded)
        return tr("Responder joined: %1").arg(p[u"responder"].toString());
    if (e.kind == kinds::ActionItem) {
        const QString title = p[u"title"].toString();
        if (p[u"op"].toString() == u"add")
            return p[u"due"].toString().isEmpty()
                       ? tr("Action item added: %1 (owner %2)")
                             .arg(title, p[u"owner"].toString(tr("none")))
                       : tr("Action item added: %1 (owner %2, due %3)")
                             .arg(title, p[u"owner"].toString(tr("none")), p[u"due"].toString());
        if (p.contains(u"done"))
            return p[u"done"].toBool()
                       ? tr("Action item done: %1").arg(title.isEmpty() ? tr("(an item)") : title)
                       : tr("Action item reopened: %1")
                             .arg(title.isEmpty() ? tr("(an item)") : title);
        return tr("Action item changed: %1").arg(title.isEmpty() ? tr("(an item)") : title);
    }
    if (e.kind == kinds::SlaBreached) {
        const QString which = p[u"sla"].toString(p[u"clock"].toString(p[u"which"].toString()));
        const QString due = whenText(p[u"due"]);
        if (which == u"response")
            return tr("Response SLA breached: no response by %1").arg(due);
        if (which == u"resolution")
            return tr("Resolution SLA breached: not resolved by %1").arg(due);
        return tr("SLA breached (due %1)").arg(due);
    }
    if (e.kind == kinds::Reminder)
        return tr("Reminder: %1").arg(p[u"text"].toString(p[u"reminder"].toString()));
    if (e.kind == kinds::Escalation)
        return tr("Escalated to %1 (runbook %2, after %3, until %4)")
            .arg(p[u"contact"].toString(), p[u"runbook"].toString(), p[u"after"].toString(),
                 p[u"until"].toString());
    if (e.kind == kinds::PostmortemDrafted)
        return tr("Postmortem draft written; review due %1").arg(whenText(p[u"review_due"]));
    if (e.kind == QLatin1String("postmortem.created"))
        return tr("Postmortem opened; owners %1; review meeting %2")
            .arg(listText(p[u"owners"]), whenText(p[u"review_at"]));
    if (e.kind == QLatin1String("postmortem.status_changed"))
        return tr("Postmortem moved from %1 to %2 (version %3)")
            .arg(p[u"from"].toString(), p[u"to"].toString())
            .arg(p[u"version"].toInt());
    if (e.kind == QLatin1String("postmortem.published"))
        return tr("Postmortem published (version %1)").arg(p[u"version"].toInt());
    if (e.kind == QLatin1String("postmortem.restored"))
        return tr("Postmortem restored from version %1 as version %2")
            .arg(p[u"from_version"].toInt())
            .arg(p[u"version"].toInt());
    if (e.kind == kinds::NotificationRequested) {
        const QString channels =
            p.contains(u"channels") ? listText(p[u"channels"]) : p[u"channel"].toString();
        return channels.isEmpty()
                   ? tr("Notification requested (%1); no channel configured")
                         .arg(p[u"reason"].toString())
                   : tr("Notification requested (%1) to %2").arg(p[u"reason"].toString(), channels);
    }
    if (e.kind == QLatin1String("notification.delivered"))
        return tr("Notification delivered to %1 by %2 (attempt %3)")
            .arg(p[u"channel"].toString(), p[u"transport"].toString())
            .arg(p[u"attempts"].toInt(1));
    if (e.kind == QLatin1String("notification.failed"))
        return tr("Notification to %1 failed (attempt %2): %3")
            .arg(p[u"channel"].toString())
            .arg(p[u"attempts"].toInt(1))
            .arg(p[u"error"].toString());
    if (e.kind == kinds::RemediationRequested)
        return p[u"approval_required"].toBool()
                   ? tr("Remediation requested on entering %1; needs an approval")
                         .arg(state("state"))
                   : tr("Remediation requested on entering %1").arg(state("state"));
    if (const QString r = describeRemediationEvent(e); !r.isEmpty())
        return r;
    if (e.kind == QLatin1String("runbook.step_checked")) {
        const QString rb = p[u"runbook_name"].toString(p[u"runbook"].toString());
        const int step = p[u"step"].toInt() + 1;
        return p[u"checked"].toBool() ? tr("Runbook %1: step %2 done (%3)")
                                            .arg(rb)
                                            .arg(step)
                                            .arg(p[u"step_name"].toString())
                                      : tr("Runbook %1: step %2 unchecked (%3)")
                                            .arg(rb)
                                            .arg(step)
                                            .arg(p[u"step_name"].toString());
    }
    if (e.kind == QLatin1String("runbook.attached"))
        return tr("Runbook attached: %1")
            .arg(p[u"runbook_name"].toString(p[u"runbook"].toString()));
    if (e.kind == QLatin1String("service.health")) {
        const int sev = p[u"severity"].toInt();
        return sev > 0 ? tr("Service %1 marked %2").arg(p[u"service"].toString(), severityText(sev))
                       : tr("Service %1 marked healthy").arg(p[u"service"].toString());
    }
    if (e.kind == QLatin1String("problem.linked"))
        return tr("Linked to problem %1: %2").arg(p[u"problem"].toString(), p[u"title"].toString());
    if (e.kind == QLatin1String("problem.unlinked"))
        return tr("Unlinked from problem %1: %2")
            .arg(p[u"problem"].toString(), p[u"title"].toString());
    if (e.kind == QLatin1String("known_error.linked"))
        return tr("Linked to known error %1: %2")
            .arg(p[u"known_error"].toString(), p[u"title"].toString());
    if (e.kind == QLatin1String("triage.suggested"))
        return tr("Triage suggests category %1, priority %2, group %3 (confidence %4%)")
            .arg(p[u"category"].toString(QStringLiteral("—")),
                 p[u"priority"].toString(QStringLiteral("—")),
                 p[u"assignment_group"].toString(QStringLiteral("—")))
            .arg(qRound(p[u"confidence"].toDouble() * 100));
    if (e.kind == QLatin1String("triage.accepted"))
        return tr("Triage suggestion accepted: %1 = %2")
            .arg(fieldLabel(p[u"field"].toString()), p[u"value"].toString());
    if (e.kind == QLatin1String("triage.rejected")) {
        const QString corrected = p[u"corrected"].toString();
        return corrected.isEmpty()
                   ? tr("Triage suggestion rejected: %1 = %2")
                         .arg(fieldLabel(p[u"field"].toString()), p[u"value"].toString())
                   : tr("Triage suggestion rejected: %1 = %2, corrected to %3")
                         .arg(fieldLabel(p[u"field"].toString()), p[u"value"].toString(),
                              corrected);
    }
    if (e.kind == kinds::Conflict && p.contains(u"to"))
        return tr("Sync conflict: %1 moved it from %2 to %3, but it was already %4; not applied")
            .arg(p[u"by"].toString(), state("from"), state("to"), state("state"));
    if (e.kind == kinds::Renumbered)
        return tr("Numbered %1 by the back end").arg(p[u"number"].toString());
    if (e.kind == kinds::ProvisionalNumber)
        return tr("Provisional number %1 until the back end numbers it")
            .arg(p[u"number"].toString());
    // Sync conflicts and anything else that carries its own sentence.
    if (const QString m = p[u"message"].toString(); !m.isEmpty())
        return m;
    // An unknown kind: its name and its text values in words, times as dates.
    QStringList parts;
    for (auto it = p.constBegin(); it != p.constEnd(); ++it) {
        if (it.value().isString() && !it.value().toString().isEmpty())
            parts << (it.key().endsWith(QLatin1String("_at")) ? whenText(it.value())
                                                              : it.value().toString());
        else if (it.value().isArray())
            parts << listText(it.value());
    }
    return parts.isEmpty() ? timelineKindLabel(e.kind)
                           : QStringLiteral("%1: %2").arg(timelineKindLabel(e.kind),
                                                          parts.join(QStringLiteral("; ")));
}

} // namespace sitrep::itemmodels
