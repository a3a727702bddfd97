// SPDX-License-Identifier: MIT
#include "itemmodels/incidentdetails.h"

#include "domain/synckinds.h"
#include "itemmodels/incidentcolumns.h"
#include "postmortem/draft.h"
#include "remediation/remediator.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <QCoreApplication>
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
    for (const auto &a : postmortem::actionItemsFrom(d.timeline))
        d.actionItems << ActionItemRow{a.id, a.title, a.owner, a.due, a.isDone()};

    QHash<QString, QPair<int, int>> alertsBySvc; // service -> (worst severity, firing)
    QHash<QString, QString> alertService;
    QHash<QString, int> alertSeverity;
    QHash<QString, bool> alertFiring;
    QHash<QString, QPair<int, QString>> overrides;
    for (const Event &e : std::as_const(d.timeline)) {
        const QJsonObject &p = e.payload;
        if (e.kind == kinds::EvidenceAttached) {
            EvidenceItem ev;
            ev.kind = p[u"kind"].toString();
            ev.title = p[u"title"].toString();
            ev.url = p[u"url"].toString();
            ev.sha256 = p[u"sha256"].toString();
            ev.name = p[u"name"].toString();
            ev.mime = p[u"mime"].toString();
            ev.size = p[u"size"].toInteger();
            ev.at = e.ts;
            ev.actor = e.actor;
            d.evidence << ev;
        } else if (e.kind == kinds::StatusUpdate) {
            d.statusUpdates << StatusUpdateItem{p[u"message"].toString(), p[u"status"].toString(),
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
            overrides.insert(p[u"service"].toString(), qMakePair(int(p[u"severity"].toInteger()), e.actor));
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

static bool recorded(const IncidentDetails &d, const QString &id, qint64 since)
{
    for (const Event &e : d.timeline)
        if (e.kind == kinds::Reminder && e.payload[u"reminder"].toString() == id && e.payload[u"since"].toInteger() == since)
            return true;
    return false;
}

QList<Reminder> warRoomReminders(const IncidentDetails &d, qint64 now)
{
    QList<Reminder> out;
    const Incident &inc = d.incident;
    const auto tr = [](const char *s) { return QCoreApplication::translate("sitrep::itemmodels", s); };
    if (inc.open && inc.resolvedAt == 0 && inc.commander.isEmpty() && now - inc.createdAt >= NoCommanderAfterMs) {
        Reminder r{QStringLiteral("no_commander"),
                   tr("No incident commander for %1: assign one now").arg(formatDuration(now - inc.createdAt)), inc.createdAt, false};
        r.recorded = recorded(d, r.id, r.since);
        out << r;
    }
    if (inc.open && inc.resolvedAt == 0) {
        const qint64 last = std::max(inc.lastStatusUpdateAt, inc.createdAt);
        if (now - last >= StatusUpdateEveryMs) {
            Reminder r{QStringLiteral("no_status_update"),
                       tr("No status update for %1: post one (every 15 minutes)").arg(formatDuration(now - last)), last, false};
            r.recorded = recorded(d, r.id, r.since);
            out << r;
        }
    }
    // Resolved but not yet closed (a state that stamps "closed", e.g. sre's postmortem):
    // resolved states are not open, so `open` cannot tell.
    if (inc.resolvedAt > 0 && inc.closedAt == 0 && now - inc.resolvedAt >= PostmortemDueMs) {
        Reminder r{QStringLiteral("postmortem_due"),
                   tr("Postmortem was due %1 ago (48 hours after resolution)").arg(formatDuration(now - inc.resolvedAt - PostmortemDueMs)),
                   inc.resolvedAt, false};
        r.recorded = recorded(d, r.id, r.since);
        out << r;
    }
    return out;
}

QJsonObject reminderPayload(const Reminder &r)
{
    return {{QStringLiteral("reminder"), r.id}, {QStringLiteral("since"), r.since}, {QStringLiteral("text"), r.text}};
}

QByteArray attachmentData(store::Store &store, const QString &sha256)
{
    store::Stmt *s = store.db().prepare(QStringLiteral("SELECT data FROM attachments WHERE sha256=?"));
    if (!s)
        return {};
    s->bindBlob(1, QByteArray::fromHex(sha256.toLatin1()));
    const QByteArray data = s->step() ? s->blob(0) : QByteArray();
    s->reset();
    return data;
}

QString describeTimelineEvent(const Event &e)
{
    const QJsonObject &p = e.payload;
    const auto tr = [](const char *s) { return QCoreApplication::translate("sitrep::itemmodels", s); };
    if (e.kind == kinds::Opened)
        return tr("Opened: %1 (%2, %3)").arg(p[u"title"].toString(), severityLabel(parseSeverity(p[u"severity"].toString())), p[u"priority"].toString());
    if (e.kind == kinds::Transitioned)
        return tr("%1 → %2").arg(p[u"from"].toString(), p[u"to"].toString());
    if (e.kind == kinds::FieldSet)
        return tr("Set %1 to %2").arg(p[u"field"].toString(), p[u"value"].toVariant().toString());
    if (e.kind == kinds::Assigned)
        return tr("Assigned to %1%2").arg(p[u"assignee"].toString(), p.contains(u"group") ? QStringLiteral(" (%1)").arg(p[u"group"].toString()) : QString());
    if (e.kind == kinds::NoteAdded)
        return p[u"text"].toString();
    if (e.kind == kinds::AlertLinked)
        return tr("Alert linked: %1 %2").arg(p[u"alert"].toString(), p[u"title"].toString());
    if (e.kind == kinds::ApprovalGranted)
        return tr("Approved by %1 for %2").arg(p[u"approver"].toString(), p[u"for"].toString());
    if (e.kind == kinds::EvidenceAttached)
        return tr("Evidence (%1): %2").arg(p[u"kind"].toString(), p[u"title"].toString());
    if (e.kind == kinds::StatusUpdate)
        return tr("Status update (%1): %2").arg(p[u"visibility"].toString(), p[u"message"].toString());
    if (e.kind == kinds::CommanderSet)
        return tr("Incident commander: %1").arg(p[u"commander"].toString());
    if (e.kind == kinds::ResponderAdded)
        return tr("Responder joined: %1").arg(p[u"responder"].toString());
    if (e.kind == kinds::ActionItem)
        return tr("Action item %1: %2").arg(p[u"op"].toString(), p[u"title"].toString(p[u"id"].toString()));
    if (e.kind == kinds::SlaBreached)
        return tr("SLA breached (%1)").arg(p[u"clock"].toString(p[u"which"].toString()));
    if (e.kind == kinds::Reminder)
        return tr("Reminder: %1").arg(p[u"text"].toString(p[u"reminder"].toString()));
    if (e.kind == kinds::PostmortemDrafted)
        return tr("Postmortem draft written");
    if (e.kind == kinds::NotificationRequested)
        return tr("Notification: %1").arg(p[u"channel"].toString(p[u"channels"].toVariant().toStringList().join(QStringLiteral(", "))));
    if (const QString r = remediation::describeRemediationEvent(e); !r.isEmpty())
        return r;
    // Sync events carry their own sentence (conflicts, their resolution, numbering).
    if (e.kind == kinds::Conflict || e.kind == kinds::ConflictResolved ||
        e.kind == kinds::Renumbered || e.kind == kinds::ProvisionalNumber ||
        e.kind == kinds::SyncRejected)
        if (const QString m = p[u"message"].toString(); !m.isEmpty())
            return m;
    QStringList parts;
    for (auto it = p.constBegin(); it != p.constEnd(); ++it)
        if (it.value().isString() || it.value().isDouble())
            parts << QStringLiteral("%1=%2").arg(it.key(), it.value().toVariant().toString());
    return parts.join(QStringLiteral(", "));
}

} // namespace sitrep::itemmodels
