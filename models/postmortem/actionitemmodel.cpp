// SPDX-License-Identifier: MIT
#include "postmortem/actionitemmodel.h"

#include "postmortem/postmortemstore.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace sitrep::postmortem {

ActionItemModel::ActionItemModel(PostmortemStore &store, QObject *parent)
    : TableModel(staticMetaObject.className(),
                 {"Incident", "Action item", "Owner", "Due", "Status"}, parent),
      m_store(store)
{
}

void ActionItemModel::reload(const QString &today)
{
    beginResetModel();
    m_today = today;
    m_items = m_store.actionItems(today, m_openOnly);
    endResetModel();
}

bool ActionItemModel::overdue(const ActionItem &a) const
{
    return !a.isDone() && !a.due.isEmpty() && a.due < m_today;
}

int ActionItemModel::overdueCount() const
{
    int n = 0;
    for (const auto &a : m_items)
        n += overdue(a) ? 1 : 0;
    return n;
}

static QString statusText(const QString &s)
{
    if (s == u"in_progress")
        return QStringLiteral("In progress");
    if (s == u"done")
        return QStringLiteral("Done");
    return QStringLiteral("Open");
}

QVariant ActionItemModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const ActionItem &a = m_items.at(index.row());
    const bool late = overdue(a);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Owner:
            return a.owner.isEmpty() ? QStringLiteral("—") : a.owner;
        case Due:
            return a.due.isEmpty() ? QStringLiteral("—")
                                   : (late ? QStringLiteral("%1 (overdue)").arg(a.due) : a.due);
        case Status:
            return statusText(a.status);
        }
        [[fallthrough]]; // the other columns show their raw value
    case RawRole:
        switch (index.column()) {
        case Incident:
            return a.number;
        case Title:
            return a.title;
        case Owner:
            return a.owner;
        case Due:
            return a.due.isEmpty() ? QStringLiteral("9999-99-99") : a.due;
        case Status:
            return a.status;
        }
        break;
    case OverdueRole:
        return late;
    case IdRole:
        return a.id;
    case IncidentUidRole:
        return a.incidentUid;
    case Qt::ForegroundRole:
        if (late)
            return QBrush(QColor(0xb0, 0x1c, 0x1c));
        if (a.isDone())
            return QBrush(QColor(0x6c, 0x75, 0x7d));
        break;
    case Qt::FontRole:
        if (late && index.column() == Due) {
            QFont f;
            f.setBold(true);
            return f;
        }
        break;
    case Qt::ToolTipRole:
        return late ? QStringLiteral("Overdue since %1").arg(a.due) : QVariant();
    default:
        break;
    }
    return {};
}

} // namespace sitrep::postmortem
