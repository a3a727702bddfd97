// SPDX-License-Identifier: MIT
#include "itemmodels/incidentcolumns.h"

#include <QCoreApplication>

namespace sitrep::itemmodels {

using namespace IncidentColumn;

QString incidentColumnTitle(int column)
{
    switch (column) {
    case Id:
        return QCoreApplication::translate("IncidentColumns", "ID");
    case Title:
        return QCoreApplication::translate("IncidentColumns", "Title");
    case Severity:
        return QCoreApplication::translate("IncidentColumns", "Severity");
    case Status:
        return QCoreApplication::translate("IncidentColumns", "Status");
    case Assignee:
        return QCoreApplication::translate("IncidentColumns", "Assignee");
    case Duration:
        return QCoreApplication::translate("IncidentColumns", "Duration");
    case Services:
        return QCoreApplication::translate("IncidentColumns", "Affected services");
    case Created:
        return QCoreApplication::translate("IncidentColumns", "Created");
    case Priority:
        return QCoreApplication::translate("IncidentColumns", "Priority");
    case Sla:
        return QCoreApplication::translate("IncidentColumns", "SLA");
    default:
        break;
    }
    return {};
}

bool incidentColumnSortable(int column)
{
    return column >= 0 && column < Count && column != Services;
}

QString severityText(int severity)
{
    switch (severity) {
    case 1:
        return QCoreApplication::translate("Severity", "SEV1 critical");
    case 2:
        return QCoreApplication::translate("Severity", "SEV2 high");
    case 3:
        return QCoreApplication::translate("Severity", "SEV3 medium");
    case 4:
        return QCoreApplication::translate("Severity", "SEV4 low");
    default:
        break;
    }
    return QStringLiteral("SEV?");
}

// The states of the presets (labels and ids), so lupdate lists them for translators.
[[maybe_unused]] static const char *const kPresetStates[] = {
    // sre
    QT_TRANSLATE_NOOP("WorkflowState", "Triggered"),
    QT_TRANSLATE_NOOP("WorkflowState", "Acknowledged"),
    QT_TRANSLATE_NOOP("WorkflowState", "Investigating"),
    QT_TRANSLATE_NOOP("WorkflowState", "Mitigating"),
    QT_TRANSLATE_NOOP("WorkflowState", "Resolved"),
    QT_TRANSLATE_NOOP("WorkflowState", "Postmortem"),
    QT_TRANSLATE_NOOP("WorkflowState", "triggered"),
    QT_TRANSLATE_NOOP("WorkflowState", "acknowledged"),
    QT_TRANSLATE_NOOP("WorkflowState", "investigating"),
    QT_TRANSLATE_NOOP("WorkflowState", "mitigating"),
    QT_TRANSLATE_NOOP("WorkflowState", "resolved"),
    QT_TRANSLATE_NOOP("WorkflowState", "postmortem"),
    // itil
    QT_TRANSLATE_NOOP("WorkflowState", "New"),
    QT_TRANSLATE_NOOP("WorkflowState", "In Progress"),
    QT_TRANSLATE_NOOP("WorkflowState", "Pending Customer"),
    QT_TRANSLATE_NOOP("WorkflowState", "Pending Vendor"),
    QT_TRANSLATE_NOOP("WorkflowState", "Closed"),
    QT_TRANSLATE_NOOP("WorkflowState", "Cancelled"),
    // pipeline
    QT_TRANSLATE_NOOP("WorkflowState", "DETECTED"),
    QT_TRANSLATE_NOOP("WorkflowState", "TRIAGE"),
    QT_TRANSLATE_NOOP("WorkflowState", "MITIGATING"),
    QT_TRANSLATE_NOOP("WorkflowState", "RESOLVED"),
    QT_TRANSLATE_NOOP("WorkflowState", "POST_MORTEM"),
};

QString workflowStateLabel(const QString &labelOrId)
{
    return QCoreApplication::translate("WorkflowState", labelOrId.toUtf8().constData());
}

query::IncidentSort incidentColumnSort(int column)
{
    switch (column) {
    case Id:
        return query::IncidentSort::Id;
    case Title:
        return query::IncidentSort::Title;
    case Severity:
        return query::IncidentSort::Severity;
    case Status:
        return query::IncidentSort::State;
    case Assignee:
        return query::IncidentSort::Assignee;
    case Priority:
        return query::IncidentSort::Priority;
    case Sla:
        return query::IncidentSort::SlaDue;
    case Duration: // longest first when descending: oldest creation first
    case Created:
    default:
        break;
    }
    return query::IncidentSort::Created;
}

} // namespace sitrep::itemmodels
