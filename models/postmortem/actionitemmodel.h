// SPDX-License-Identifier: MIT
#pragma once

#include "postmortem/draft.h"

#include "itemmodels/tablemodel.h"

#include <QList>

namespace sitrep::postmortem {

class PostmortemStore;

/// Action items across incidents (from the action_items projection): open before done,
/// overdue first. Sorts on raw values (Qt::UserRole), displays text.
class ActionItemModel final : public itemmodels::TableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActionItemModel)
public:
    enum Column { Incident, Title, Owner, Due, Status, ColumnCount };
    enum Role { RawRole = Qt::UserRole, OverdueRole, IdRole, IncidentUidRole };

    explicit ActionItemModel(PostmortemStore &store, QObject *parent = nullptr);

    /// Re-reads the projection. `today` is YYYY-MM-DD.
    void reload(const QString &today);
    void setOpenOnly(bool on) { m_openOnly = on; }
    bool openOnly() const { return m_openOnly; }
    const ActionItem &item(int row) const { return m_items.at(row); }
    int overdueCount() const;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    int size() const override { return int(m_items.size()); }
    bool overdue(const ActionItem &a) const;

    PostmortemStore &m_store;
    QList<ActionItem> m_items;
    QString m_today;
    bool m_openOnly = false;
};

} // namespace sitrep::postmortem
