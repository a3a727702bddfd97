// SPDX-License-Identifier: MIT
#include "postmortem/draft.h"

#include <QDateTime>

namespace sitrep::postmortem {

using namespace sitrep::domain;

QStringList defaultSections()
{
    return {QStringLiteral("Summary"),          QStringLiteral("Impact"),
            QStringLiteral("Timeline"),         QStringLiteral("Root Cause"),
            QStringLiteral("Resolution"),       QStringLiteral("Action Items"),
            QStringLiteral("What went well"),   QStringLiteral("What could be improved"),
            QStringLiteral("Lessons learned")};
}

bool isKeyEvent(const Event &e)
{
    return e.kind == kinds::Opened || e.kind == kinds::Transitioned || e.kind == kinds::NoteAdded
           || e.kind == kinds::ApprovalGranted || e.kind == kinds::StatusUpdate
           || e.kind == kinds::CommanderSet || e.kind == kinds::SlaBreached
           || e.kind == kinds::Assigned || e.kind == kinds::Escalation || e.kind == kinds::Conflict;
}

static QString hhmm(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

QString describeEvent(const Event &e)
{
    const QJsonObject &p = e.payload;
    if (e.kind == kinds::Opened)
        return QStringLiteral("Incident opened: %1 (%2, %3)")
            .arg(p[u"title"].toString(), severityLabel(parseSeverity(p[u"severity"].toString())), p[u"priority"].toString());
    if (e.kind == kinds::Transitioned)
        return QStringLiteral("State %1 → %2").arg(p[u"from"].toString(), p[u"to"].toString());
    if (e.kind == kinds::NoteAdded)
        return QStringLiteral("Note: %1").arg(p[u"text"].toString());
    if (e.kind == kinds::ApprovalGranted)
        return QStringLiteral("Approved by %1 (for %2)").arg(p[u"approver"].toString(), p[u"for"].toString());
    if (e.kind == kinds::StatusUpdate)
        return QStringLiteral("Status update (%1): %2").arg(p[u"visibility"].toString(), p[u"message"].toString());
    if (e.kind == kinds::CommanderSet)
        return QStringLiteral("Incident commander: %1").arg(p[u"commander"].toString());
    if (e.kind == kinds::Assigned)
        return QStringLiteral("Assigned to %1%2").arg(p[u"assignee"].toString(),
                                                       p[u"group"].toString().isEmpty() ? QString() : QStringLiteral(" (%1)").arg(p[u"group"].toString()));
    if (e.kind == kinds::SlaBreached)
        return QStringLiteral("SLA breached (%1)").arg(p[u"sla"].toString());
    if (e.kind == kinds::FieldSet)
        return QStringLiteral("%1 set to %2").arg(p[u"field"].toString(), p[u"value"].toVariant().toString());
    if (e.kind == kinds::AlertLinked)
        return QStringLiteral("Alert linked: %1").arg(p[u"title"].toString(p[u"alert"].toString()));
    if (e.kind == kinds::EvidenceAttached)
        return QStringLiteral("Evidence: %1").arg(p[u"title"].toString());
    if (e.kind == kinds::Escalation)
        return QStringLiteral("Escalated to %1").arg(p[u"contact"].toString());
    if (p.contains(u"message"))
        return QStringLiteral("%1: %2").arg(e.kind, p[u"message"].toString());
    return e.kind;
}

QString draftMarkdown(const Incident &inc, const QList<Event> &timeline, const QStringList &sections)
{
    const qint64 end = inc.resolvedAt > 0 ? inc.resolvedAt : (timeline.isEmpty() ? inc.createdAt : timeline.last().ts);
    const double minutes = (end - inc.createdAt) / 60000.0;
    QString md = QStringLiteral("# Incident Postmortem: %1 — %2\n\n").arg(inc.number, inc.title);
    for (const QString &section : sections) {
        md += QStringLiteral("## %1\n\n").arg(section);
        const QString s = section.toLower();
        if (s == u"summary") {
            md += QStringLiteral("- **Date:** %1\n- **Duration:** %2 minutes\n- **Severity:** %3 (%4)\n- **Priority:** %5\n"
                                 "- **Commander:** %6\n- **Services:** %7\n\n%8\n\n")
                      .arg(hhmm(inc.createdAt), QString::number(minutes, 'f', 1), severityLabel(inc.severity),
                           severityName(inc.severity), priorityName(inc.priority),
                           inc.commander.isEmpty() ? QStringLiteral("(none recorded)") : inc.commander,
                           inc.services.join(QStringLiteral(", ")),
                           inc.description.isEmpty() ? QStringLiteral("[What happened]") : inc.description);
        } else if (s == u"impact") {
            md += QStringLiteral("- **User impact:** [Describe customer impact]\n- **Services:** %1\n"
                                 "- **Data impact:** [None known]\n- **Financial impact:** [Estimate]\n\n")
                      .arg(inc.services.isEmpty() ? QStringLiteral("[none recorded]") : inc.services.join(QStringLiteral(", ")));
        } else if (s == u"timeline") {
            md += QStringLiteral("| Time | Actor | Event |\n|---|---|---|\n");
            for (const Event &e : timeline)
                if (isKeyEvent(e))
                    md += QStringLiteral("| %1 | %2 | %3 |\n").arg(hhmm(e.ts), e.actor,
                                                                   describeEvent(e).replace(u'|', u'/').replace(u'\n', u' '));
            md += u'\n';
        } else if (s == u"root cause") {
            md += QStringLiteral("- **Category:** %1\n\n[Technical root cause analysis]\n\n")
                      .arg(inc.rootCause.isEmpty() ? QStringLiteral("[not set]") : inc.rootCause);
        } else if (s == u"resolution") {
            md += (inc.resolutionNote.isEmpty() ? QStringLiteral("[Steps taken to resolve]") : inc.resolutionNote) + QStringLiteral("\n\n");
        } else if (s == u"action items") {
            md += QStringLiteral("| Action | Owner | Due |\n|---|---|---|\n| [Preventive measure] | [owner] | [date] |\n\n");
        } else {
            md += QStringLiteral("- \n\n");
        }
    }
    return md;
}

} // namespace sitrep::postmortem
