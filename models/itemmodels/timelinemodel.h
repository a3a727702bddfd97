// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"

#include "itemmodels/tablemodel.h"

#include <QList>
#include <QSet>

namespace sitrep::itemmodels {

/// One incident's events in log order, optionally limited to some kinds.
class TimelineModel final : public TableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineModel)
public:
    enum Column : int { Time = 0, Actor, Kind, What, ColumnCount };
    enum Role : int { KindRole = Qt::UserRole + 1, TimestampRole, SeqRole };

    explicit TimelineModel(QObject *parent = nullptr);

    /// Replaces the events (keeps the kind filter).
    void setEvents(const QList<domain::Event> &events);
    /// Shows only these kinds; empty shows all.
    void setKindFilter(const QSet<QString> &kinds);
    /// Every kind present, for the filter menu.
    QStringList kinds() const;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    int size() const override { return int(m_visible.size()); }
    void rebuild();

    QList<domain::Event> m_all;
    QList<int> m_visible; // indexes into m_all
    QSet<QString> m_filter;
};

} // namespace sitrep::itemmodels
