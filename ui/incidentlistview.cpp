// SPDX-License-Identifier: MIT
#include "incidentlistview.h"

#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "severitystyle.h"
#include "workflow/workflow.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace sitrep::ui {

using namespace sitrep::itemmodels;

IncidentListView::IncidentListView(IncidentTableModel &model, const workflow::Workflow &workflow, const QString &me, QWidget *parent)
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
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search titles, descriptions and notes (Ctrl+F)"));
    m_search->setAccessibleName(tr("Search incidents"));
    m_search->setClearButtonEnabled(true);
    filters->addWidget(m_search, 3);

    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("stateFilter"));
    m_state->setAccessibleName(tr("Filter by state"));
    m_state->addItem(tr("Any state"), QString());
    for (const auto &s : workflow.states())
        m_state->addItem(s.label.isEmpty() ? s.id : s.label, s.id);
    filters->addWidget(m_state);

    m_severity = new QComboBox(this);
    m_severity->setObjectName(QStringLiteral("severityFilter"));
    m_severity->setAccessibleName(tr("Filter by severity"));
    m_severity->addItem(tr("Any severity"), 0);
    for (int s = 1; s <= 4; ++s)
        m_severity->addItem(severityIcon(s), QStringLiteral("SEV%1").arg(s), s);
    filters->addWidget(m_severity);

    m_priority = new QComboBox(this);
    m_priority->setObjectName(QStringLiteral("priorityFilter"));
    m_priority->setAccessibleName(tr("Filter by priority"));
    m_priority->addItem(tr("Any priority"), 0);
    for (int p = 1; p <= 4; ++p)
        m_priority->addItem(QStringLiteral("P%1").arg(p), p);
    filters->addWidget(m_priority);

    m_service = new QLineEdit(this);
    m_service->setObjectName(QStringLiteral("serviceFilter"));
    m_service->setPlaceholderText(tr("Service"));
    m_service->setAccessibleName(tr("Filter by affected service"));
    m_service->setClearButtonEnabled(true);
    filters->addWidget(m_service, 1);

    m_assignee = new QLineEdit(this);
    m_assignee->setObjectName(QStringLiteral("assigneeFilter"));
    m_assignee->setPlaceholderText(tr("Assignee"));
    m_assignee->setAccessibleName(tr("Filter by assignee"));
    m_assignee->setClearButtonEnabled(true);
    filters->addWidget(m_assignee, 1);
    outer->addLayout(filters);

    m_decorator = new IncidentListDecorator(this);
    m_decorator->setSourceModel(&m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("incidentTable"));
    m_table->setAccessibleName(tr("Incidents"));
    m_table->setModel(m_decorator);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
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
    // A new sort or filter starts at the top.
    connect(&m_model, &IncidentTableModel::queryReady, m_table, &QTableView::scrollToTop);
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
    const QModelIndexList sel = m_table->selectionModel()->selectedRows();
    return sel.isEmpty() ? QString() : sel.first().data(IncidentRole::UidRole).toString();
}

void IncidentListView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

} // namespace sitrep::ui
