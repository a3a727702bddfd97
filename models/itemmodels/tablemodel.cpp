// SPDX-License-Identifier: MIT
#include "itemmodels/tablemodel.h"

namespace sitrep::itemmodels {

TableModel::TableModel(const QStringList &titles, QObject *parent)
    : QAbstractTableModel(parent), m_titles(titles)
{
}

int TableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : size();
}

int TableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_titles.size());
}

QVariant TableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section >= 0 && section < m_titles.size() ? QVariant(m_titles[section]) : QVariant();
}

} // namespace sitrep::itemmodels
