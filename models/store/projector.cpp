// SPDX-License-Identifier: MIT
#include "store/projector.h"

#include <QJsonArray>

namespace sitrep::store {

using namespace sitrep::domain;

static QStringList toList(const QJsonValue &v)
{
    QStringList out;
    for (const auto &x : v.toArray())
        out << x.toString();
    return out;
}

// One link: appended where it is new to this copy. A copy read from the store does not know
// the links in the table (the engine asks the store before it links); a fold from the
// opening knows them all, so a link folded twice counts once.
static void linkAlert(Incident &inc, const QString &alert)
{
    const qsizetype known = inc.linkedHere.size();
    inc.linkedHere.insert(alert);
    if (inc.linkedHere.size() == known)
        return;
    inc.alerts << alert;
    ++inc.alertCount;
}

bool isBackgroundKind(const QString &kind)
{
    return kind == kinds::SlaBreached || kind == kinds::Reminder || kind == kinds::Escalation ||
           kind == kinds::NotificationRequested || kind.startsWith(u"notification.") ||
           kind.startsWith(u"sync.");
}

static void setDeadlines(Incident &inc, const QJsonObject &p)
{
    if (p.contains(u"response_minutes")) {
        const qint64 r = p[u"response_minutes"].toInteger();
        inc.responseDue = r > 0 ? inc.createdAt + r * 60000 + inc.slaPausedMs : 0;
    }
    if (p.contains(u"resolution_minutes")) {
        const qint64 r = p[u"resolution_minutes"].toInteger();
        inc.resolutionDue = r > 0 ? inc.createdAt + r * 60000 + inc.slaPausedMs : 0;
    }
}

static void applySlaMode(Incident &inc, const QString &mode, qint64 ts)
{
    if (mode == u"running") {
        if (inc.slaPausedSince > 0) {
            const qint64 delta = qMax<qint64>(0, ts - inc.slaPausedSince);
            inc.slaPausedMs += delta;
            if (inc.responseDue > 0)
                inc.responseDue += delta;
            if (inc.resolutionDue > 0)
                inc.resolutionDue += delta;
            inc.slaPausedSince = 0;
        }
    } else if (mode == u"paused" || mode == u"stopped") {
        if (inc.slaPausedSince == 0)
            inc.slaPausedSince = ts;
    }
}

static void applyField(Incident &inc, const QString &field, const QJsonValue &v)
{
    if (field == u"title")
        inc.title = v.toString();
    else if (field == u"description")
        inc.description = v.toString();
    else if (field == u"severity")
        inc.severity = parseSeverity(v.toString());
    else if (field == u"priority")
        inc.priority = parsePriority(v.toString());
    else if (field == u"impact")
        inc.impact = v.toString();
    else if (field == u"urgency")
        inc.urgency = v.toString();
    else if (field == u"category")
        inc.category = v.toString();
    else if (field == u"subcategory")
        inc.subcategory = v.toString();
    else if (field == u"services")
        inc.services = toList(v);
    else if (field == u"cis")
        inc.cis = toList(v);
    else if (field == u"assignee")
        inc.assignee = v.toString();
    else if (field == u"assignment_group")
        inc.assignmentGroup = v.toString();
    else if (field == u"reporter")
        inc.reporter = v.toString();
    else if (field == u"commander")
        inc.commander = v.toString();
    else if (field == u"responders")
        inc.responders = toList(v);
    else if (field == u"root_cause")
        inc.rootCause = v.toString();
    else if (field == u"resolution_note")
        inc.resolutionNote = v.toString();
    else if (field == u"close_code")
        inc.closeCode = v.toString();
    else if (field == u"time_spent")
        inc.timeSpentMinutes = v.toInt();
    else
        inc.extra[field] = v;
}

void applyEvent(Incident &inc, const Event &e)
{
    const QJsonObject &p = e.payload;
    if (e.kind == kinds::Opened && inc.eventCount > 0) {
        // A second opening of an incident already opened: it opens nothing and resets nothing
        // (the merge does not append one; a log that holds one folds the same way).
    } else if (e.kind == kinds::Opened) {
        inc.uid = e.incidentUid;
        inc.number = p[u"number"].toString();
        inc.title = p[u"title"].toString();
        inc.description = p[u"description"].toString();
        inc.severity = parseSeverity(p[u"severity"].toString());
        inc.priority = parsePriority(p[u"priority"].toString());
        inc.impact = p[u"impact"].toString();
        inc.urgency = p[u"urgency"].toString();
        inc.category = p[u"category"].toString();
        inc.subcategory = p[u"subcategory"].toString();
        inc.services = toList(p[u"services"]);
        inc.cis = toList(p[u"cis"]);
        inc.assignee = p[u"assignee"].toString();
        inc.assignmentGroup = p[u"assignment_group"].toString();
        inc.reporter = p[u"reporter"].toString();
        inc.commander = p[u"commander"].toString();
        for (const auto &a : p[u"alerts"].toArray())
            linkAlert(inc, a.toString());
        inc.state = p[u"state"].toString();
        inc.open = p[u"open"].toBool(true);
        inc.createdAt = e.ts;
        setDeadlines(inc, p);
        applySlaMode(inc, p[u"sla"].toString(), e.ts);
    } else if (e.kind == kinds::Transitioned && p.contains(u"from") &&
               p[u"from"].toString() != inc.state) {
        // A merged transition made from a state the incident had already left: a conflict
        // (recorded as its own event by the merge), not applied, so replicas agree.
    } else if (e.kind == kinds::Transitioned) {
        inc.state = p[u"to"].toString();
        inc.open = p[u"open"].toBool(true);
        const QString stamp = p[u"stamps"].toString();
        // "acknowledges": the engine saw the incident leave its initial state for a
        // working state; that is the response even where the state stamps nothing.
        if (p[u"acknowledges"].toBool() && inc.acknowledgedAt == 0)
            inc.acknowledgedAt = e.ts;
        if (stamp == u"acknowledged" && inc.acknowledgedAt == 0)
            inc.acknowledgedAt = e.ts;
        else if (stamp == u"mitigated" && inc.mitigatedAt == 0)
            inc.mitigatedAt = e.ts;
        else if (stamp == u"resolved")
            inc.resolvedAt = e.ts;
        else if (stamp == u"closed") {
            inc.closedAt = e.ts;
            if (inc.resolvedAt == 0)
                inc.resolvedAt = e.ts;
        }
        if (inc.open && stamp != u"resolved") {
            inc.resolvedAt = 0; // reopened
            inc.closedAt = 0;
        }
        applySlaMode(inc, p[u"sla"].toString(), e.ts);
    } else if (e.kind == kinds::FieldSet) {
        const QString field = p[u"field"].toString();
        applyField(inc, field, p[u"value"]);
        setDeadlines(inc, p);
    } else if (e.kind == kinds::Assigned) {
        inc.assignee = p[u"assignee"].toString();
        if (p.contains(u"group"))
            inc.assignmentGroup = p[u"group"].toString();
    } else if (e.kind == kinds::AlertLinked) {
        linkAlert(inc, p[u"alert"].toString());
    } else if (e.kind == kinds::ApprovalGranted) {
        inc.approvals[p[u"for"].toString(QStringLiteral("*"))] = p[u"approver"].toString();
    } else if (e.kind == kinds::StatusUpdate) {
        inc.lastStatusUpdateAt = e.ts;
    } else if (e.kind == kinds::CommanderSet) {
        inc.commander = p[u"commander"].toString();
    } else if (e.kind == kinds::ResponderAdded) {
        const QString r = p[u"responder"].toString();
        if (!inc.responders.contains(r))
            inc.responders << r;
    } else if (e.kind == kinds::SlaBreached) {
        inc.slaBreached |=
            p[u"sla"].toString() == u"response" ? SlaResponseBreached : SlaResolutionBreached;
    } else if (e.kind == kinds::PostmortemDrafted) {
        inc.extra[QStringLiteral("postmortem")] = QStringLiteral("draft");
    } else if (e.kind == kinds::Renumbered) {
        inc.number = p[u"number"].toString();
        inc.numberedByBackend = true;
    } else if (e.kind == kinds::ProvisionalNumber) {
        // Recorded when sync was turned on; the back end's number (earlier in fold order,
        // later in arrival) stays.
        if (!inc.numberedByBackend)
            inc.number = p[u"number"].toString();
    }
    if (!isBackgroundKind(e.kind))
        inc.updatedAt = qMax(inc.updatedAt, e.ts);
    inc.headHash = e.hash;
    ++inc.eventCount;
}

} // namespace sitrep::store
