// SPDX-License-Identifier: MIT
#pragma once

#include "itemmodels/incidentquery.h"

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace sitrep::workflow {
class Workflow;
}
namespace sitrep::itemmodels {
class IncidentTableModel;
}

namespace sitrep::ui {

class IncidentListDecorator;

/// The incident list: saved views, filters, FTS search and the lazy table.
class IncidentListView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentListView)
public:
    IncidentListView(itemmodels::IncidentTableModel &model, const workflow::Workflow &workflow, const QString &me,
                     QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QLineEdit *searchEdit() const { return m_search; }
    /// Selects a saved view by id (open, mine, p1, breaching, resolved_week, all).
    void setSavedView(const QString &id);
    QString savedView() const { return m_view; }
    /// The filter the controls describe now.
    itemmodels::IncidentFilter currentFilter() const;
    /// UID of the selected incident, empty if none.
    QString selectedUid() const;
    void focusSearch();
    /// Applies the controls to the model now (instead of after the typing pause).
    void applyFilter();

Q_SIGNALS:
    void openIncident(const QString &uid);

private:
    void scheduleApply();
    void updateCount();

    itemmodels::IncidentTableModel &m_model;
    IncidentListDecorator *m_decorator = nullptr;
    QString m_me;
    QString m_view = QStringLiteral("open");
    QButtonGroup *m_views = nullptr;
    QComboBox *m_state = nullptr;
    QComboBox *m_severity = nullptr;
    QComboBox *m_priority = nullptr;
    QLineEdit *m_service = nullptr;
    QLineEdit *m_assignee = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    QTimer *m_debounce = nullptr;
};

} // namespace sitrep::ui
