// SPDX-License-Identifier: MIT
#pragma once

#include "problems/problemstore.h"

#include "itemmodels/tablemodel.h"

namespace sitrep::problems {

/// Problems as a table for the problems view: number, title, status, linked incidents,
/// known errors, owner, last update. Small (problems are few), so it loads all rows.
class ProblemListModel final : public itemmodels::TableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemListModel)
public:
    enum Column { Number, Title, Status, Incidents, KnownErrors, Owner, Updated, ColumnCount };
    /// The problem number of a row (any column).
    static constexpr int NumberRole = Qt::UserRole + 1;
    /// The raw value a column sorts on.
    static constexpr int SortRole = Qt::UserRole + 2;

    explicit ProblemListModel(ProblemStore &store, QObject *parent = nullptr);

    /// Re-reads the problems; with openOnly, only open and known-error ones.
    void refresh();
    void setOpenOnly(bool on);
    bool openOnly() const { return m_openOnly; }
    /// Row of a problem number, -1 if not shown.
    int rowOf(const QString &number) const;
    const Problem &problemAt(int row) const { return m_rows.at(row).problem; }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    /// Human label of a problem status ("Known error").
    static QString statusLabel(const QString &status);

private:
    int size() const override { return int(m_rows.size()); }
    struct Row {
        Problem problem;
        int knownErrors = 0;
    };
    ProblemStore &m_store;
    QList<Row> m_rows;
    bool m_openOnly = false;
};

} // namespace sitrep::problems
