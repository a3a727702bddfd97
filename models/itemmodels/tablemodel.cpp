// SPDX-License-Identifier: MIT
#include "itemmodels/tablemodel.h"

#include <QCoreApplication>

namespace sitrep::itemmodels {

TableModel::TableModel(const char *context, const QList<const char *> &titles, QObject *parent)
    : QAbstractTableModel(parent), m_context(context), m_titles(titles)
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
    if (section < 0 || section >= m_titles.size())
        return {};
    return QCoreApplication::translate(m_context, m_titles[section]);
}

} // namespace sitrep::itemmodels
