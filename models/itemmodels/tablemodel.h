// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace sitrep::itemmodels {

/// A flat table with fixed column titles: the row and column counts and the horizontal
/// header, which every such model answers the same way. A subclass gives the number of its
/// rows and their data, and its titles marked with QT_TR_NOOP: the header translates them in
/// the subclass's context when asked, so it follows a language installed later.
class TableModel : public QAbstractTableModel {
public:
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

protected:
    TableModel(const char *context, const QList<const char *> &titles, QObject *parent);
    /// The number of rows.
    virtual int size() const = 0;

private:
    const char *m_context;
    QList<const char *> m_titles;
};

} // namespace sitrep::itemmodels
