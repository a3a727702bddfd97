// SPDX-License-Identifier: MIT
#pragma once

#include "postmortem/postmortemstore.h"
#include "ui/style/enginepanel.h"

class QCheckBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace sitrep::postmortem {
class ActionItemModel;
}

namespace sitrep::ui {

/// Action items of all incidents, overdue first: owner, due date, status. Marking an item
/// done or in progress goes through the engine (an action_item update event).
class ActionItemsView final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActionItemsView)
public:
    ActionItemsView(engine::LifecycleEngine &engine, const QString &me, QWidget *parent = nullptr);

    void reload() override;
    postmortem::ActionItemModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// Sets the status (open | in_progress | done) of the item in `row` (model row).
    bool setStatus(int row, const QString &status);

Q_SIGNALS:
    /// The user asked to open the incident an item belongs to.
    void openIncident(const QString &incidentUid);

private:
    int selectedRow() const;

    postmortem::PostmortemStore m_store;
    postmortem::ActionItemModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QCheckBox *m_openOnly = nullptr;
    QLabel *m_summary = nullptr;
};

} // namespace sitrep::ui
