// SPDX-License-Identifier: MIT
#pragma once

#include "query/incidentquery.h"

#include <QPersistentModelIndex>
#include <QWidget>

#include <functional>

class QButtonGroup;
class QComboBox;
class QFrame;
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

class MessageBar;

class IncidentListDecorator;

/// The incident list: saved views, filters, FTS search and the lazy table.
class IncidentListView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentListView)
public:
    IncidentListView(itemmodels::IncidentTableModel &model, const workflow::Workflow &workflow,
                     const QString &me, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QLineEdit *searchEdit() const { return m_search; }
    /// Selects a saved view by id (open, mine, p1, breaching, resolved_week, all).
    void setSavedView(const QString &id);
    QString savedView() const { return m_view; }
    /// The filter the controls describe now.
    query::IncidentFilter currentFilter() const;
    /// UID of the selected incident (the current row when several are), empty if none.
    QString selectedUid() const;
    /// Most incidents one action acts on at once.
    static constexpr int MaxActionRows = 1000;
    /// UIDs of the selected incidents, in list order (up to MaxActionRows, loaded rows only).
    QStringList selectedUids() const;
    /// How many rows are selected.
    qint64 selectedCount() const;
    /// Selects the incident's row if its page is loaded; false otherwise.
    bool selectUid(const QString &uid);
    void focusSearch();
    /// Applies the controls to the model now (instead of after the typing pause).
    void applyFilter();

    /// Asks inline, above the table, for the text an action needs (a note, an assignee):
    /// Enter runs `done` with it, Escape or Cancel drops it. `choices` complete the input.
    void ask(const QString &prompt, const QString &initial, const QStringList &choices,
             std::function<void(const QString &)> done);
    QLineEdit *askEdit() const { return m_askEdit; }
    /// What the last action did (or why it did nothing), inline above the table.
    void showMessage(const QString &text, bool error);
    QString messageText() const;

Q_SIGNALS:
    void openIncident(const QString &uid);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void scheduleApply();
    void updateCount();
    void pinSelection();

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
    QFrame *m_askBar = nullptr;
    QLabel *m_askPrompt = nullptr;
    QLineEdit *m_askEdit = nullptr;
    std::function<void(const QString &)> m_askDone;
    MessageBar *m_message = nullptr;
    // Source indexes of the selected and current rows: the model moves them with their
    // incidents when rows come, go or are sorted (the proxy holds none of its own).
    QList<QPersistentModelIndex> m_pins;
};

} // namespace sitrep::ui
