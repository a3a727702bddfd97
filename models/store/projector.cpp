// SPDX-License-Identifier: MIT
#include "store/projector.h"

#include <QJsonArray>
#include <QUuid>

#include <algorithm>
#include <array>
#include <vector>

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
// opening knows them all, so a link folded twice counts once. `byName`: no once-only
// alert.linked event makes this link (the opening's links, an event under another id), so
// the store looks it up by name (Incident::linkedByName) unless such an event follows.
static void linkAlert(Incident &inc, const QString &alert, bool byName)
{
    const qsizetype known = inc.linkedHere.size();
    inc.linkedHere.insert(alert);
    if (inc.linkedHere.size() == known) {
        if (!byName)
            inc.linkedByName.remove(alert);
        return;
    }
    inc.alerts << alert;
    ++inc.alertCount;
    if (byName)
        inc.linkedByName.insert(alert);
}

// True when `e` (an alert.linked of `alert`) is the link's once-only event: its id is
// domain::onceEventId() of the incident, the kind and the alert, in any spelling of the UUID.
static bool isOnceLink(const Event &e, const QString &alert)
{
    const QString once = onceEventId(e.incidentUid, e.kind, alert);
    return e.id == once || QUuid::fromString(e.id) == QUuid::fromString(once);
}

bool isBackgroundKind(const QString &kind)
{
    return kind == kinds::SlaBreached || kind == kinds::Reminder || kind == kinds::Escalation ||
           kind == kinds::NotificationRequested || kind.startsWith(u"notification.") ||
           kind.startsWith(u"sync.");
}

// The payload's response_minutes and resolution_minutes (Undefined where it has none: an
// object holds no Undefined value, so that is "not there").
static void setDeadlines(Incident &inc, const QJsonValue &response, const QJsonValue &resolution)
{
    if (!response.isUndefined()) {
        const qint64 r = response.toInteger();
        inc.responseDue = r > 0 ? inc.createdAt + r * 60000 + inc.slaPausedMs : 0;
    }
    if (!resolution.isUndefined()) {
        const qint64 r = resolution.toInteger();
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

template <QString Incident::*field> void setText(Incident &inc, const QJsonValue &v)
{
    inc.*field = v.toString();
}
template <QString Incident::*field> QJsonValue getText(const Incident &inc)
{
    return inc.*field;
}
template <QStringList Incident::*field> void setList(Incident &inc, const QJsonValue &v)
{
    inc.*field = toList(v);
}
template <QStringList Incident::*field> QJsonValue getList(const Incident &inc)
{
    return QJsonArray::fromStringList(inc.*field);
}
static void setSeverity(Incident &inc, const QJsonValue &v)
{
    inc.severity = parseSeverity(v.toString());
}
static QJsonValue getSeverity(const Incident &inc)
{
    return severityName(inc.severity);
}
static void setPriority(Incident &inc, const QJsonValue &v)
{
    inc.priority = parsePriority(v.toString());
}
static QJsonValue getPriority(const Incident &inc)
{
    return priorityName(inc.priority);
}
static void setTimeSpent(Incident &inc, const QJsonValue &v)
{
    inc.timeSpentMinutes = v.toInt();
}
static QJsonValue getTimeSpent(const Incident &inc)
{
    return inc.timeSpentMinutes;
}

// The fields an event sets by name: a field update names one, and the opening carries those
// it is opened with under the same names.
struct FieldSpec {
    const char16_t *name;
    void (*set)(Incident &, const QJsonValue &);
    QJsonValue (*get)(const Incident &); // the value as Incident::toJson() spells it
    bool opening;
};
static const FieldSpec kFields[] = {
    {u"title", setText<&Incident::title>, getText<&Incident::title>, true},
    {u"description", setText<&Incident::description>, getText<&Incident::description>, true},
    {u"severity", setSeverity, getSeverity, true},
    {u"priority", setPriority, getPriority, true},
    {u"impact", setText<&Incident::impact>, getText<&Incident::impact>, true},
    {u"urgency", setText<&Incident::urgency>, getText<&Incident::urgency>, true},
    {u"category", setText<&Incident::category>, getText<&Incident::category>, true},
    {u"subcategory", setText<&Incident::subcategory>, getText<&Incident::subcategory>, true},
    {u"services", setList<&Incident::services>, getList<&Incident::services>, true},
    {u"cis", setList<&Incident::cis>, getList<&Incident::cis>, true},
    {u"assignee", setText<&Incident::assignee>, getText<&Incident::assignee>, true},
    {u"assignment_group", setText<&Incident::assignmentGroup>, getText<&Incident::assignmentGroup>,
     true},
    {u"reporter", setText<&Incident::reporter>, getText<&Incident::reporter>, true},
    {u"commander", setText<&Incident::commander>, getText<&Incident::commander>, true},
    {u"responders", setList<&Incident::responders>, getList<&Incident::responders>, false},
    {u"root_cause", setText<&Incident::rootCause>, getText<&Incident::rootCause>, false},
    {u"resolution_note", setText<&Incident::resolutionNote>, getText<&Incident::resolutionNote>,
     false},
    {u"close_code", setText<&Incident::closeCode>, getText<&Incident::closeCode>, false},
    {u"time_spent", setTimeSpent, getTimeSpent, false},
};

// A field update: a field of kFields, else kept in `extra` as it came.
static void applyField(Incident &inc, const QString &field, const QJsonValue &v)
{
    for (const FieldSpec &f : kFields) {
        if (field == QStringView(f.name)) {
            f.set(inc, v);
            return;
        }
    }
    inc.extra[field] = v;
}

namespace {
// What an opening reads of its payload, besides the fields of kFields it carries.
enum OpeningSlot : int {
    Number = int(std::size(kFields)),
    Alerts,
    State,
    Open,
    Sla,
    ResponseMinutes,
    ResolutionMinutes,
    OpeningSlots
};

// The names an opening reads, sorted for a binary search, each with its slot: a field of
// kFields has its index there as its slot.
struct OpeningName {
    QStringView name;
    int slot;
};
const std::vector<OpeningName> &openingNames()
{
    static const std::vector<OpeningName> names = [] {
        std::vector<OpeningName> out;
        for (size_t i = 0; i < std::size(kFields); ++i)
            if (kFields[i].opening)
                out.push_back({QStringView(kFields[i].name), int(i)});
        out.push_back({u"number", Number});
        out.push_back({u"alerts", Alerts});
        out.push_back({u"state", State});
        out.push_back({u"open", Open});
        out.push_back({u"sla", Sla});
        out.push_back({u"response_minutes", ResponseMinutes});
        out.push_back({u"resolution_minutes", ResolutionMinutes});
        std::sort(out.begin(), out.end(),
                  [](const OpeningName &a, const OpeningName &b) { return a.name < b.name; });
        return out;
    }();
    return names;
}
} // namespace

// The fold of an incident's opening. Its payload carries a dozen or more names the fold
// reads: one walk over its keys, where a lookup each would search the keys for every one.
static void applyOpening(Incident &inc, const Event &e)
{
    const std::vector<OpeningName> &names = openingNames();
    std::array<QJsonValue, OpeningSlots> v; // Undefined: not in the payload
    for (auto it = e.payload.constBegin(); it != e.payload.constEnd(); ++it) {
        const QString key = it.key();
        const auto at =
            std::lower_bound(names.begin(), names.end(), QStringView(key),
                             [](const OpeningName &n, QStringView k) { return n.name < k; });
        if (at != names.end() && at->name == key)
            v[size_t(at->slot)] = it.value();
    }
    inc.uid = e.incidentUid;
    inc.number = v[Number].toString();
    for (size_t i = 0; i < std::size(kFields); ++i)
        if (kFields[i].opening)
            kFields[i].set(inc, v[i]);
    for (const auto &a : v[Alerts].toArray())
        linkAlert(inc, a.toString(), true);
    inc.state = v[State].toString();
    inc.open = v[Open].toBool(true);
    inc.createdAt = e.ts;
    setDeadlines(inc, v[ResponseMinutes], v[ResolutionMinutes]);
    applySlaMode(inc, v[Sla].toString(), e.ts);
}

QJsonValue fieldValue(const Incident &inc, const QString &field)
{
    for (const FieldSpec &f : kFields)
        if (field == QStringView(f.name))
            return f.get(inc);
    return inc.toJson().value(field);
}

void applyEvent(Incident &inc, const Event &e)
{
    const QJsonObject &p = e.payload;
    if (e.kind == kinds::Opened && inc.eventCount > 0) {
        // A second opening of an incident already opened: it opens nothing and resets nothing
        // (the merge does not append one; a log that holds one folds the same way).
    } else if (e.kind == kinds::Opened) {
        applyOpening(inc, e);
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
        setDeadlines(inc, p[u"response_minutes"], p[u"resolution_minutes"]);
    } else if (e.kind == kinds::Assigned) {
        inc.assignee = p[u"assignee"].toString();
        if (p.contains(u"group"))
            inc.assignmentGroup = p[u"group"].toString();
    } else if (e.kind == kinds::AlertLinked) {
        const QString alert = p[u"alert"].toString();
        linkAlert(inc, alert, !isOnceLink(e, alert));
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
