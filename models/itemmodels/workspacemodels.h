// SPDX-License-Identifier: MIT
#pragma once

#include "itemmodels/incidentdetails.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace sitrep::itemmodels {

/// An incident's evidence (links and attached files), one row per item in the order they
/// were attached. setItems() applies a new list as the rows that changed: appended items
/// are inserted, vanished ones removed, edited ones repainted, so a view keeps its
/// selection and scroll position while the incident changes.
class EvidenceModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EvidenceModel)
public:
    enum Column { Kind = 0, Title, Who, When, ColumnCount };
    enum Role { UrlRole = Qt::UserRole + 1, Sha256Role, IsImageRole, TimestampRole };

    explicit EvidenceModel(QObject *parent = nullptr);
    void setItems(const QList<EvidenceItem> &items);
    const QList<EvidenceItem> &items() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<EvidenceItem> m_rows;
    QStringList m_keys;
};

/// An incident's status updates (Communication), oldest first, updated row by row as
/// EvidenceModel is.
class StatusUpdateModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusUpdateModel)
public:
    enum Column { Time = 0, Audience, Status, Who, Message, ColumnCount };
    enum Role { VisibilityRole = Qt::UserRole + 1, TimestampRole };

    explicit StatusUpdateModel(QObject *parent = nullptr);
    void setItems(const QList<StatusUpdateItem> &items);
    const QList<StatusUpdateItem> &items() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<StatusUpdateItem> m_rows;
    QStringList m_keys;
};

} // namespace sitrep::itemmodels
