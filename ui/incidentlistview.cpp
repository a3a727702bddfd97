// SPDX-License-Identifier: MIT
#include "ui/incidentlistview.h"

#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "ui/style/formrows.h"
#include "ui/style/messagebar.h"
#include "ui/style/severitystyle.h"
#include "workflow/workflow.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <set>

namespace sitrep::ui {

using namespace sitrep::itemmodels;
using namespace sitrep::query;

IncidentListView::IncidentListView(IncidentTableModel &model, const workflow::Workflow &workflow,
                                   const QString &me, QWidget *parent)
    : QWidget(parent), m_model(model), m_me(me)
{
    setObjectName(QStringLiteral("incidentList"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);

    // Saved views
    auto *viewsRow = new QHBoxLayout;
    auto *viewsLabel = new QLabel(tr("Views:"), this);
    viewsRow->addWidget(viewsLabel);
    m_views = new QButtonGroup(this);
    m_views->setExclusive(true);
    QList<QPair<QString, QString>> views;
    for (const auto &v : savedViews(me, QDateTime::currentMSecsSinceEpoch()))
        views << qMakePair(v.id, v.name);
    views << qMakePair(QStringLiteral("all"), tr("All"));
    for (const auto &[id, name] : views) {
        auto *b = new QPushButton(name, this);
        b->setCheckable(true);
        b->setFlat(true);
        b->setObjectName(QStringLiteral("view_") + id);
        b->setProperty("viewId", id);
        b->setAccessibleName(tr("Saved view %1").arg(name));
        b->setChecked(id == m_view);
        m_views->addButton(b);
        viewsRow->addWidget(b);
        connect(b, &QPushButton::clicked, this, [this, id = id] { setSavedView(id); });
    }
    viewsRow->addStretch(1);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("incidentCount"));
    viewsRow->addWidget(m_count);
    outer->addLayout(viewsRow);

    // Filters
    auto *filters = new QHBoxLayout;
    m_search = namedLineEdit(QStringLiteral("search"), tr("Search incidents"),
                             tr("Search titles, descriptions and notes (Ctrl+F)"), this);
    m_search->setClearButtonEnabled(true);
    filters->addWidget(m_search, 3);

    m_state = namedComboBox(QStringLiteral("stateFilter"), tr("Filter by state"), this);
    m_state->addItem(tr("Any state"), QString());
    for (const auto &s : workflow.states())
        m_state->addItem(s.label.isEmpty() ? s.id : s.label, s.id);
    filters->addWidget(m_state);

    m_severity = namedComboBox(QStringLiteral("severityFilter"), tr("Filter by severity"), this);
    m_severity->addItem(tr("Any severity"), 0);
    for (int s = 1; s <= 4; ++s)
        m_severity->addItem(severityIcon(s), QStringLiteral("SEV%1").arg(s), s);
    filters->addWidget(m_severity);

    m_priority = namedComboBox(QStringLiteral("priorityFilter"), tr("Filter by priority"), this);
    m_priority->addItem(tr("Any priority"), 0);
    for (int p = 1; p <= 4; ++p)
        m_priority->addItem(QStringLiteral("P%1").arg(p), p);
    filters->addWidget(m_priority);

    m_service = namedLineEdit(QStringLiteral("serviceFilter"), tr("Filter by affected service"),
                              tr("Service"), this);
    m_service->setClearButtonEnabled(true);
    filters->addWidget(m_service, 1);

    m_assignee = namedLineEdit(QStringLiteral("assigneeFilter"), tr("Filter by assignee"),
                               tr("Assignee"), this);
    m_assignee->setClearButtonEnabled(true);
    filters->addWidget(m_assignee, 1);
    outer->addLayout(filters);

    // Inline question for list actions (note, assignee, ...) and the outcome of the last one.
    m_askBar = new QFrame(this);
    m_askBar->setObjectName(QStringLiteral("listAskBar"));
    m_askBar->setFrameShape(QFrame::StyledPanel);
    auto *askRow = new QHBoxLayout(m_askBar);
    askRow->setContentsMargins(6, 4, 6, 4);
    m_askPrompt = new QLabel(m_askBar);
    askRow->addWidget(m_askPrompt);
    m_askEdit = new QLineEdit(m_askBar);
    m_askEdit->setObjectName(QStringLiteral("listAskEdit"));
    askRow->addWidget(m_askEdit, 1);
    auto *askOk = new QPushButton(tr("Apply"), m_askBar);
    askOk->setObjectName(QStringLiteral("listAskApply"));
    askRow->addWidget(askOk);
    auto *askCancel = new QPushButton(tr("Cancel"), m_askBar);
    askRow->addWidget(askCancel);
    m_askBar->hide();
    outer->addWidget(m_askBar);
    const auto submit = [this] {
        auto done = std::move(m_askDone);
        m_askDone = nullptr;
        m_askBar->hide();
        m_table->setFocus();
        if (done)
            done(m_askEdit->text());
    };
    connect(m_askEdit, &QLineEdit::returnPressed, this, submit);
    connect(askOk, &QPushButton::clicked, this, submit);
    const auto cancel = [this] {
        m_askDone = nullptr;
        m_askBar->hide();
        m_table->setFocus();
    };
    connect(askCancel, &QPushButton::clicked, this, cancel);
    // Escape in the question drops it (the line edit leaves the key to its parent).
    m_askBar->installEventFilter(this);

    m_message = new MessageBar(QStringLiteral("listMessage"), QStringLiteral("listMessageText"),
                               QMargins(6, 4, 6, 4), this);
    outer->addWidget(m_message);

    m_decorator = new IncidentListDecorator(this);
    m_decorator->setSourceModel(&m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("incidentTable"));
    m_table->setAccessibleName(tr("Incidents"));
    m_table->setModel(m_decorator);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Several rows at once: the window's actions (acknowledge, assign, ...) act on them all.
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // The indicator first: enabling sorting sorts by whatever it shows.
    m_table->horizontalHeader()->setSortIndicator(m_model.sortColumn(), m_model.sortOrder());
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(IncidentColumn::Title, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    // Fixed row height: the view never has to measure a million rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    const QFontMetrics fm = fontMetrics();
    const auto width = [&fm](const QString &sample) { return fm.horizontalAdvance(sample) + 28; };
    m_table->setColumnWidth(IncidentColumn::Id, width(QStringLiteral("INC0000000")));
    m_table->setColumnWidth(IncidentColumn::Severity, width(QStringLiteral("SEV1 critical")) + 20);
    m_table->setColumnWidth(IncidentColumn::Status, width(QStringLiteral("Investigating")));
    m_table->setColumnWidth(IncidentColumn::Assignee, width(QStringLiteral("alice.nguyen")));
    m_table->setColumnWidth(IncidentColumn::Duration, width(QStringLiteral("12h 59m")));
    m_table->setColumnWidth(IncidentColumn::Services, width(QStringLiteral("checkout, payments")));
    m_table->setColumnWidth(IncidentColumn::Created, width(QStringLiteral("2026-11-23 12:00")));
    m_table->setColumnWidth(IncidentColumn::Priority, width(QStringLiteral("Priority")));
    m_table->setColumnWidth(IncidentColumn::Sla, width(QStringLiteral("overdue 12h 59m")));
    outer->addWidget(m_table, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &IncidentListView::pinSelection);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &IncidentListView::pinSelection);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &idx) {
        const QString uid = idx.data(IncidentRole::UidRole).toString();
        if (!uid.isEmpty())
            Q_EMIT openIncident(uid);
    });

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &IncidentListView::applyFilter);
    for (QLineEdit *e : {m_search, m_service, m_assignee})
        connect(e, &QLineEdit::textChanged, this, &IncidentListView::scheduleApply);
    for (QComboBox *c : {m_state, m_severity, m_priority})
        connect(c, &QComboBox::currentIndexChanged, this, &IncidentListView::applyFilter);
    connect(&m_model, &IncidentTableModel::countChanged, this, &IncidentListView::updateCount);
    connect(&m_model, &IncidentTableModel::queryReady, this, &IncidentListView::updateCount);
    // A new filter starts at the top; a new sort shows the selected incident where it went.
    connect(&m_model, &IncidentTableModel::queryReady, this, [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid() &&
            m_table->selectionModel()->isRowSelected(current.row(), current.parent()))
            m_table->scrollTo(current, QAbstractItemView::PositionAtCenter);
        else
            m_table->scrollToTop();
    });
    applyFilter();
}

void IncidentListView::scheduleApply()
{
    m_debounce->start();
}

void IncidentListView::setSavedView(const QString &id)
{
    m_view = id;
    for (QAbstractButton *b : m_views->buttons())
        b->setChecked(b->property("viewId").toString() == id);
    applyFilter();
}

IncidentFilter IncidentListView::currentFilter() const
{
    IncidentFilter f;
    for (const auto &v : savedViews(m_me, QDateTime::currentMSecsSinceEpoch()))
        if (v.id == m_view)
            f = v.filter;
    if (const QString st = m_state->currentData().toString(); !st.isEmpty()) {
        f.states = {st};
        f.open.reset();
    }
    if (const int s = m_severity->currentData().toInt(); s > 0)
        f.severity = s;
    if (const int p = m_priority->currentData().toInt(); p > 0)
        f.priority = p;
    if (const QString s = m_service->text().trimmed(); !s.isEmpty())
        f.service = s;
    if (const QString a = m_assignee->text().trimmed(); !a.isEmpty())
        f.assignee = a;
    f.search = m_search->text().trimmed();
    return f;
}

void IncidentListView::applyFilter()
{
    m_debounce->stop();
    m_model.setFilter(currentFilter());
}

void IncidentListView::updateCount()
{
    m_count->setText(tr("%1 incidents").arg(QLocale().toString(qint64(m_model.rowCount()))));
}

QString IncidentListView::selectedUid() const
{
    // The current row first: with several selected, it is the one the keyboard is on.
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid() &&
        m_table->selectionModel()->isRowSelected(current.row(), current.parent()))
        return current.siblingAtColumn(0).data(IncidentRole::UidRole).toString();
    const QStringList all = selectedUids();
    return all.isEmpty() ? QString() : all.first();
}

QStringList IncidentListView::selectedUids() const
{
    // From the ranges, not selectedRows(): a select-all over a million rows stays cheap.
    std::set<int> rows;
    for (const QItemSelectionRange &r : m_table->selectionModel()->selection())
        for (int row = r.top(); row <= r.bottom() && int(rows.size()) < MaxActionRows; ++row)
            rows.insert(row);
    QStringList out;
    for (int row : rows) {
        const QString uid = m_decorator->index(row, 0).data(IncidentRole::UidRole).toString();
        if (!uid.isEmpty() && !out.contains(uid))
            out << uid;
    }
    return out;
}

qint64 IncidentListView::selectedCount() const
{
    qint64 n = 0;
    for (const QItemSelectionRange &r : m_table->selectionModel()->selection())
        n += r.height();
    return n;
}

bool IncidentListView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_askBar && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        m_askDone = nullptr;
        m_askBar->hide();
        m_table->setFocus();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void IncidentListView::pinSelection()
{
    QList<QPersistentModelIndex> pins;
    const auto pin = [&](int row) {
        if (row >= 0 && pins.size() < IncidentTableModel::MaxTrackedRows)
            pins << QPersistentModelIndex(m_decorator->mapToSource(m_decorator->index(row, 0)));
    };
    pin(m_table->currentIndex().row());
    for (const QItemSelectionRange &r : m_table->selectionModel()->selection())
        for (int row = r.top();
             row <= r.bottom() && pins.size() < IncidentTableModel::MaxTrackedRows; ++row)
            pin(row);
    m_pins = pins;
}

void IncidentListView::ask(const QString &prompt, const QString &initial,
                           const QStringList &choices, std::function<void(const QString &)> done)
{
    m_askPrompt->setText(prompt);
    m_askEdit->setText(initial);
    m_askEdit->setAccessibleName(prompt);
    if (!choices.isEmpty()) {
        auto *c = new QCompleter(choices, m_askEdit);
        c->setCaseSensitivity(Qt::CaseInsensitive);
        m_askEdit->setCompleter(c);
    } else {
        m_askEdit->setCompleter(nullptr);
    }
    m_askDone = std::move(done);
    m_message->hide();
    m_askBar->show();
    m_askEdit->selectAll();
    m_askEdit->setFocus(Qt::ShortcutFocusReason);
}

void IncidentListView::showMessage(const QString &text, bool error)
{
    m_message->say(text, error);
}

QString IncidentListView::messageText() const
{
    return m_message->text();
}

bool IncidentListView::selectUid(const QString &uid)
{
    for (int r = 0; r < m_model.rowCount(); ++r) {
        const IncidentRow *row = m_model.rowAt(r);
        if (!row)
            continue; // only loaded pages: no query on the GUI thread
        if (row->uid == uid) {
            const QModelIndex i = m_decorator->index(r, 0);
            m_table->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect |
                                                              QItemSelectionModel::Rows);
            m_table->scrollTo(i);
            return true;
        }
    }
    return false;
}

void IncidentListView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

} // namespace sitrep::ui
