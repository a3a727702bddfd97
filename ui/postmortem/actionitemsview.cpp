// SPDX-License-Identifier: MIT
#include "ui/postmortem/actionitemsview.h"

#include "engine/lifecycleengine.h"
#include "postmortem/actionitemmodel.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace sitrep::ui {

using engine::Command;
using postmortem::ActionItemModel;

/// Only errors are said here: a change that worked shows in the table.
static void styleErrorMessage(QLabel *label, bool)
{
    label->setStyleSheet(QStringLiteral("background:#fdecea; color:#8a1c1c; padding:3px;"));
}

ActionItemsView::ActionItemsView(engine::LifecycleEngine &engine, const QString &me,
                                 QWidget *parent)
    : EnginePanel(engine, QString(), me, parent), m_store(engine)
{
    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(6, 6, 6, 6);
    auto *bar = new QHBoxLayout;
    m_summary = new QLabel(this);
    QFont f = m_summary->font();
    f.setBold(true);
    m_summary->setFont(f);
    bar->addWidget(m_summary, 1);
    m_openOnly = new QCheckBox(tr("Open only"), this);
    m_openOnly->setChecked(true);
    bar->addWidget(m_openOnly);
    auto *start = new QPushButton(tr("In progress"), this);
    auto *done = new QPushButton(tr("Mark done"), this);
    auto *reopen = new QPushButton(tr("Reopen"), this);
    auto *open = new QPushButton(tr("Open incident"), this);
    bar->addWidget(start);
    bar->addWidget(done);
    bar->addWidget(reopen);
    bar->addWidget(open);
    root->addLayout(bar);
    addMessage(root, QString(), styleErrorMessage);

    m_model = new ActionItemModel(m_store, this);
    m_model->setOpenOnly(true);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ActionItemModel::RawRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(false); // the model's order (overdue first) is the useful one
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(ActionItemModel::Title, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ActionItemModel::Incident,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ActionItemModel::Due,
                                                      QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    root->addWidget(m_table, 1);

    connect(m_openOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setOpenOnly(on);
        reload();
    });
    connect(start, &QPushButton::clicked, this,
            [this] { setStatus(selectedRow(), QStringLiteral("in_progress")); });
    connect(done, &QPushButton::clicked, this,
            [this] { setStatus(selectedRow(), QStringLiteral("done")); });
    connect(reopen, &QPushButton::clicked, this,
            [this] { setStatus(selectedRow(), QStringLiteral("open")); });
    connect(open, &QPushButton::clicked, this, [this] {
        if (const int r = selectedRow(); r >= 0)
            Q_EMIT openIncident(m_model->item(r).incidentUid);
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &ix) {
        Q_EMIT openIncident(m_model->item(m_proxy->mapToSource(ix).row()).incidentUid);
    });
    connect(
        &m_engine, &engine::LifecycleEngine::eventsAppended, this, [this] { reload(); },
        Qt::QueuedConnection);
    reload();
}

int ActionItemsView::selectedRow() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_proxy->mapToSource(rows.first()).row();
}

void ActionItemsView::reload()
{
    const QString today = QDateTime::fromMSecsSinceEpoch(m_engine.clock().nowMs(), Qt::UTC)
                              .date()
                              .toString(Qt::ISODate);
    m_model->reload(today);
    m_summary->setText(
        tr("%1 action items · %2 overdue").arg(m_model->rowCount()).arg(m_model->overdueCount()));
}

bool ActionItemsView::setStatus(int row, const QString &status)
{
    if (row < 0 || row >= m_model->rowCount())
        return false;
    const auto &a = m_model->item(row);
    auto r = m_engine.execute(Command::make(Command::Kind::ActionItem, a.incidentUid,
                                            {{QStringLiteral("op"), QStringLiteral("update")},
                                             {QStringLiteral("id"), a.id},
                                             {QStringLiteral("status"), status},
                                             {QStringLiteral("done"), status == u"done"}},
                                            m_me));
    if (!r) {
        showMessage(r.errorMessage(), true);
        return false;
    }
    showMessage({}, false);
    reload();
    return true;
}

} // namespace sitrep::ui
