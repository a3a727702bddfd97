// SPDX-License-Identifier: MIT
#include "domain/incident.h"

#include <QDateTime>
#include <QJsonArray>

namespace sitrep::domain {

namespace {
// The words for each severity, Critical to Low: its name first, then what else parses to it.
const char16_t *const kSeverityWords[4][5] = {
    {u"critical", u"sev1", u"1", u"crit", u"sev-1"},
    {u"high", u"sev2", u"2", u"major", u"sev-2"},
    {u"medium", u"sev3", u"3", u"moderate", u"sev-3"},
    {u"low", u"sev4", u"4", u"minor", u"sev-4"},
};
} // namespace

QString severityName(Severity s)
{
    const int i = int(s) - 1;
    return i >= 0 && i < 4 ? QString::fromUtf16(kSeverityWords[i][0]) : QString();
}

QString severityLabel(Severity s)
{
    if (s == Severity::Unknown)
        return QStringLiteral("SEV?");
    return QStringLiteral("SEV%1").arg(int(s));
}

Severity parseSeverity(const QString &in)
{
    const QString s = in.trimmed().toLower();
    for (int i = 0; i < 4; ++i)
        for (const char16_t *word : kSeverityWords[i])
            if (s == QStringView(word))
                return Severity(i + 1);
    return Severity::Unknown;
}

QString priorityName(Priority p)
{
    return p == Priority::None ? QString() : QStringLiteral("P%1").arg(int(p));
}

Priority parsePriority(const QString &in)
{
    QString s = in.trimmed().toUpper();
    if (s.startsWith(u'P'))
        s = s.mid(1);
    bool ok = false;
    const int n = s.toInt(&ok);
    return ok && n >= 1 && n <= 4 ? Priority(n) : Priority::None;
}

Priority priorityForSeverity(Severity s)
{
    return s == Severity::Unknown ? Priority::None : Priority(int(s));
}

Severity severityForPriority(Priority p)
{
    return p == Priority::None ? Severity::Unknown : Severity(int(p));
}

void Incident::asRead()
{
    alerts.clear();
    linkedHere.clear();
    linkedByName.clear();
    alertsInTable = alertCount;
    numberedByBackend = false;
}

qint64 Incident::activeDeadline() const
{
    if (!open)
        return 0;
    if (acknowledgedAt == 0 && responseDue > 0)
        return responseDue;
    return resolutionDue;
}

static QString iso(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs)
                  : QString();
}

QJsonObject Incident::toJson() const
{
    QJsonObject o;
    o[u"uid"] = uid;
    o[u"number"] = number;
    o[u"title"] = title;
    o[u"description"] = description;
    o[u"severity"] = severityName(severity);
    o[u"severity_label"] = severityLabel(severity);
    o[u"priority"] = priorityName(priority);
    o[u"impact"] = impact;
    o[u"urgency"] = urgency;
    o[u"category"] = category;
    o[u"subcategory"] = subcategory;
    o[u"affected_services"] = QJsonArray::fromStringList(services);
    o[u"affected_cis"] = QJsonArray::fromStringList(cis);
    o[u"assignee"] = assignee;
    o[u"assignment_group"] = assignmentGroup;
    o[u"reporter"] = reporter;
    o[u"incident_commander"] = commander;
    o[u"responders"] = QJsonArray::fromStringList(responders);
    o[u"related_alerts"] = QJsonArray::fromStringList(alerts); // as far as this copy has them
    o[u"alert_count"] = alertCount;
    o[u"state"] = state;
    o[u"open"] = open;
    o[u"created_at"] = iso(createdAt);
    o[u"acknowledged_at"] = iso(acknowledgedAt);
    o[u"mitigated_at"] = iso(mitigatedAt);
    o[u"resolved_at"] = iso(resolvedAt);
    o[u"closed_at"] = iso(closedAt);
    o[u"updated_at"] = iso(updatedAt);
    o[u"response_due"] = iso(responseDue);
    o[u"resolution_due"] = iso(resolutionDue);
    o[u"sla_paused"] = slaPausedSince > 0;
    o[u"sla_paused_ms"] = slaPausedMs;
    o[u"sla_response_breached"] = bool(slaBreached & SlaResponseBreached);
    o[u"sla_resolution_breached"] = bool(slaBreached & SlaResolutionBreached);
    o[u"root_cause_category"] = rootCause;
    o[u"resolution_note"] = resolutionNote;
    o[u"close_code"] = closeCode;
    o[u"time_spent_minutes"] = timeSpentMinutes;
    o[u"approvals"] = approvals;
    if (!extra.isEmpty())
        o[u"extra"] = extra;
    return o;
}

} // namespace sitrep::domain
