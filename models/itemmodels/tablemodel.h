// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

namespace sitrep::itemmodels {

/// A flat table with fixed column titles: the row and column counts and the horizontal
/// header, which every such model answers the same way. A subclass gives the number of
/// its rows and their data; it translates the titles it passes (tr() in its constructor).
class TableModel : public QAbstractTableModel {
public:
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

protected:
    TableModel(const QStringList &titles, QObject *parent);
    /// The number of rows.
    virtual int size() const = 0;

private:
    QStringList m_titles;
};

} // namespace sitrep::itemmodels
