// SPDX-License-Identifier: MIT
#include "itemmodels/timelinemodel.h"

#include "itemmodels/incidentdetails.h"

#include <QDateTime>

namespace sitrep::itemmodels {

TimelineModel::TimelineModel(QObject *parent)
    : TableModel(staticMetaObject.className(),
                 {QT_TR_NOOP("Time"), QT_TR_NOOP("Who"), QT_TR_NOOP("Kind"), QT_TR_NOOP("What")},
                 parent)
{
}

void TimelineModel::setEvents(const QList<domain::Event> &events)
{
    // Appends stay appends, so a view keeps its place while new events arrive.
    bool prefix = events.size() >= m_all.size();
    for (int i = 0; prefix && i < m_all.size(); ++i)
        prefix = events[i].id == m_all[i].id;
    if (prefix && m_filter.isEmpty()) {
        if (events.size() == m_all.size())
            return;
        beginInsertRows({}, int(m_all.size()), int(events.size() - 1));
        for (int i = int(m_all.size()); i < events.size(); ++i)
            m_visible << i;
        m_all = events;
        endInsertRows();
        return;
    }
    beginResetModel();
    m_all = events;
    rebuild();
    endResetModel();
}

void TimelineModel::setKindFilter(const QSet<QString> &kinds)
{
    beginResetModel();
    m_filter = kinds;
    rebuild();
    endResetModel();
}

void TimelineModel::rebuild()
{
    m_visible.clear();
    for (int i = 0; i < m_all.size(); ++i)
        if (m_filter.isEmpty() || m_filter.contains(m_all[i].kind))
            m_visible << i;
}

QStringList TimelineModel::kinds() const
{
    QStringList out;
    for (const auto &e : m_all)
        if (!out.contains(e.kind))
            out << e.kind;
    std::sort(out.begin(), out.end());
    return out;
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const domain::Event &e = m_all[m_visible[index.row()]];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.ts).toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Actor:
            return e.actor;
        case Kind:
            return timelineKindLabel(e.kind);
        case What:
            return describeTimelineEvent(e);
        default:
            break;
        }
    }
    if (role == KindRole)
        return e.kind;
    if (role == TimestampRole)
        return e.ts;
    if (role == SeqRole)
        return e.seq;
    return {};
}

} // namespace sitrep::itemmodels
