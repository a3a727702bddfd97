// SPDX-License-Identifier: MIT
#pragma once

#include "itemmodels/incidentdetails.h"

#include "itemmodels/tablemodel.h"

#include <QList>
#include <QStringList>

namespace sitrep::itemmodels {

/// Items with a key each. setItems() of a subclass applies a new list as the rows that
/// changed: appended items are inserted, vanished ones removed, edited ones repainted, so a
/// view keeps its selection and scroll position while the incident changes.
template <class T> class KeyedTableModel : public TableModel {
public:
    const QList<T> &items() const { return m_rows; }
    /// The cell of a valid index: display() for Qt::DisplayRole, roleData() for the others.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const final;

protected:
    using TableModel::TableModel;
    /// What column `column` of `item` shows.
    virtual QVariant display(const T &item, int column) const = 0;
    /// A role of a cell other than Qt::DisplayRole.
    virtual QVariant roleData(const T &item, int column, int role) const = 0;
    /// Applies `items`, whose keys are `keys` (repeats are told apart here); an item whose
    /// key stays is repainted unless `same` says it looks the same.
    void apply(const QList<T> &items, const QStringList &keys, bool (*same)(const T &, const T &));

private:
    int size() const override { return int(m_rows.size()); }

    QList<T> m_rows;
    QStringList m_keys;
};

/// An incident's evidence (links and attached files), one row per item in the order they
/// were attached.
class EvidenceModel final : public KeyedTableModel<EvidenceItem> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EvidenceModel)
public:
    enum Column { Kind = 0, Title, Who, When, ColumnCount };
    enum Role { UrlRole = Qt::UserRole + 1, Sha256Role, IsImageRole, TimestampRole };

    explicit EvidenceModel(QObject *parent = nullptr);
    void setItems(const QList<EvidenceItem> &items);

private:
    QVariant display(const EvidenceItem &item, int column) const override;
    QVariant roleData(const EvidenceItem &item, int column, int role) const override;
};

/// An incident's status updates (Communication), oldest first.
class StatusUpdateModel final : public KeyedTableModel<StatusUpdateItem> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusUpdateModel)
public:
    enum Column { Time = 0, Audience, Status, Who, Message, ColumnCount };
    enum Role { VisibilityRole = Qt::UserRole + 1, TimestampRole };

    explicit StatusUpdateModel(QObject *parent = nullptr);
    void setItems(const QList<StatusUpdateItem> &items);

private:
    QVariant display(const StatusUpdateItem &item, int column) const override;
    QVariant roleData(const StatusUpdateItem &item, int column, int role) const override;
};

} // namespace sitrep::itemmodels
