// SPDX-License-Identifier: MIT
#include "itemmodels/incidentcolumns.h"

#include "query/incidentquery.h"

#include <QCoreApplication>

#include <iterator>

namespace sitrep::itemmodels {

using namespace IncidentColumn;

// The columns' headers and sort orders, in IncidentColumn order. Duration sorts by creation
// (longest first when descending: oldest creation first); Affected services, which does not
// sort, falls back to it too.
static const char *const kColumnTitles[] = {
    QT_TRANSLATE_NOOP("IncidentColumns", "ID"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Title"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Severity"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Status"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Assignee"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Duration"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Affected services"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Created"),
    QT_TRANSLATE_NOOP("IncidentColumns", "Priority"),
    QT_TRANSLATE_NOOP("IncidentColumns", "SLA")};
static_assert(std::size(kColumnTitles) == Count);
using Sort = query::IncidentSort;
static constexpr Sort kColumnSorts[] = {
    Sort::Id,      Sort::Title,   Sort::Severity, Sort::State,    Sort::Assignee,
    Sort::Created, Sort::Created, Sort::Created,  Sort::Priority, Sort::SlaDue};
static_assert(std::size(kColumnSorts) == Count);

static bool isColumn(int column)
{
    return column >= 0 && column < Count;
}

QString incidentColumnTitle(int column)
{
    return isColumn(column) ? QCoreApplication::translate("IncidentColumns", kColumnTitles[column])
                            : QString();
}

bool incidentColumnSortable(int column)
{
    return isColumn(column) && column != Services;
}

query::IncidentSort incidentColumnSort(int column)
{
    return isColumn(column) ? kColumnSorts[column] : Sort::Created;
}

QString severityText(int severity)
{
    static const char *const names[] = {
        QT_TRANSLATE_NOOP("Severity", "SEV1 critical"), QT_TRANSLATE_NOOP("Severity", "SEV2 high"),
        QT_TRANSLATE_NOOP("Severity", "SEV3 medium"), QT_TRANSLATE_NOOP("Severity", "SEV4 low")};
    if (severity < 1 || severity > int(std::size(names)))
        return QStringLiteral("SEV?");
    return QCoreApplication::translate("Severity", names[severity - 1]);
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

} // namespace sitrep::itemmodels
