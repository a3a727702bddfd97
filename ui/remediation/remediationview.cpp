// SPDX-License-Identifier: MIT
#include "ui/remediation/remediationview.h"

#include "engine/lifecycleengine.h"
#include "remediation/remediator.h"
#include "ui/style/bannerstyle.h"
#include "ui/style/formrows.h"

#include <QDateTime>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sitrep::ui {

using namespace sitrep::remediation;

namespace {

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                        .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                  : QStringLiteral("-");
}

QTableWidget *makeTable(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    return t;
}

void fill(QTableWidget *t, const QList<QStringList> &rows, const QStringList &ids)
{
    t->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < rows[r].size(); ++c) {
            auto *item = new QTableWidgetItem(rows[r][c]);
            if (c == 0)
                item->setData(Qt::UserRole, ids.value(r));
            t->setItem(r, c, item);
        }
    t->resizeColumnsToContents();
}

template <typename T> Status statusOf(const Result<T> &r)
{
    return r ? Status() : Status(r.error());
}

void styleOutcome(QLabel *label, bool error)
{
    styleAsBanner(label, error ? BannerKind::Error : BannerKind::Success);
}

/// Empties the fields of a form whose entry was recorded.
void clearFields(std::initializer_list<QLineEdit *> fields)
{
    for (QLineEdit *field : fields)
        field->clear();
}

QDateTimeEdit *timeEdit(qint64 ms, QWidget *parent)
{
    auto *e = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC), parent);
    e->setTimeSpec(Qt::UTC);
    e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    e->setCalendarPopup(true);
    return e;
}

} // namespace

RemediationView::RemediationView(engine::LifecycleEngine &engine, const QString &me,
                                 remediation::Remediator *remediator, const QString &unavailable,
                                 QWidget *parent)
    : EnginePanel(engine, QString(), me, parent), m_remediator(remediator)
{
    auto *layout = new QVBoxLayout(this);
    addMessage(layout, QStringLiteral("remediationMessage"), styleOutcome);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildMaintenancePage(), tr("Maintenance and changes"));
    m_tabs->addTab(buildApprovalsPage(), tr("Awaiting approval"));
    m_tabs->addTab(buildFailedPage(), tr("Failed remediations"));
    layout->addWidget(m_tabs);

    if (!m_remediator)
        showMessage(tr("Remediation rules cannot be loaded: %1").arg(unavailable), true);
    connect(&engine, &engine::LifecycleEngine::eventsAppended, this, &RemediationView::reload);
    reload();
}

RemediationView::~RemediationView() = default;

QWidget *RemediationView::buildMaintenancePage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    const qint64 now = m_engine.clock().nowMs();

    auto *winBox = new QGroupBox(
        tr("Maintenance windows: no automatic remediation on the service while one is active"),
        page);
    auto *wl = new QVBoxLayout(winBox);
    m_windows = makeTable(
        {tr("Service"), tr("Starts"), tr("Ends"), tr("Status"), tr("By"), tr("Reason")}, winBox);
    m_windows->setObjectName(QStringLiteral("maintenanceTable"));
    wl->addWidget(m_windows);
    auto *winCi = new QLineEdit(winBox);
    winCi->setPlaceholderText(tr("service"));
    auto *winStart = timeEdit(now, winBox);
    auto *winEnd = timeEdit(now + 3600000, winBox);
    auto *winReason = new QLineEdit(winBox);
    winReason->setPlaceholderText(tr("reason"));
    auto *add = new QPushButton(tr("&Add window"), winBox);
    auto *end = new QPushButton(tr("&End now"), winBox);
    auto *rm = new QPushButton(tr("Remove"), winBox);
    addRow(wl, {{winCi, 2},
                {new QLabel(tr("from"), winBox)},
                {winStart},
                {new QLabel(tr("to"), winBox)},
                {winEnd},
                {winReason, 3},
                {add},
                {end},
                {rm}});
    connect(add, &QPushButton::clicked, this, [=, this] {
        if (addWindow(winCi->text(), winStart->dateTime().toMSecsSinceEpoch(),
                      winEnd->dateTime().toMSecsSinceEpoch(), winReason->text()))
            clearFields({winCi, winReason});
    });
    connect(end, &QPushButton::clicked, this, [this] { endSelectedWindow(); });
    connect(rm, &QPushButton::clicked, this, [this] { removeSelectedWindow(); });
    v->addWidget(winBox, 1);

    const int changeMinutes = RemediationConfig::load(m_engine.store()).changeWindowMinutes;
    auto *chgBox = new QGroupBox(
        tr("Changes: a change on the service in the last %1 minutes blocks automatic remediation")
            .arg(changeMinutes),
        page);
    auto *cl = new QVBoxLayout(chgBox);
    m_changes = makeTable(
        {tr("Service"), tr("Implemented"), tr("Reference"), tr("By"), tr("Summary")}, chgBox);
    m_changes->setObjectName(QStringLiteral("changesTable"));
    cl->addWidget(m_changes);
    auto *chgCi = new QLineEdit(chgBox);
    chgCi->setPlaceholderText(tr("service"));
    auto *chgAt = timeEdit(now, chgBox);
    auto *chgRef = new QLineEdit(chgBox);
    chgRef->setPlaceholderText(tr("CHG0001234"));
    auto *chgSummary = new QLineEdit(chgBox);
    chgSummary->setPlaceholderText(tr("what changed"));
    auto *addC = new QPushButton(tr("Add &change"), chgBox);
    auto *rmC = new QPushButton(tr("Remove"), chgBox);
    addRow(cl, {{chgCi, 2}, {chgAt}, {chgRef, 1}, {chgSummary, 3}, {addC}, {rmC}});
    connect(addC, &QPushButton::clicked, this, [=, this] {
        if (addChange(chgCi->text(), chgAt->dateTime().toMSecsSinceEpoch(), chgSummary->text(),
                      chgRef->text()))
            clearFields({chgCi, chgSummary, chgRef});
    });
    connect(rmC, &QPushButton::clicked, this, [this] { removeSelectedChange(); });
    v->addWidget(chgBox, 1);
    return page;
}

QWidget *RemediationView::buildApprovalsPage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    auto *hint = new QLabel(tr("P1 remediations wait here for a person. Approving checks "
                               "maintenance windows and recent "
                               "changes again, then queues the action with your name on it."),
                            page);
    hint->setWordWrap(true);
    v->addWidget(hint);
    m_approvals = makeTable({tr("Incident"), tr("Priority"), tr("Action"), tr("Target"), tr("Rule"),
                             tr("Since"), tr("Correlation id")},
                            page);
    m_approvals->setObjectName(QStringLiteral("approvalsTable"));
    v->addWidget(m_approvals, 1);
    auto *row = new QHBoxLayout;
    auto *approve = new QPushButton(tr("&Approve as %1").arg(m_me), page);
    row->addStretch(1);
    row->addWidget(approve);
    v->addLayout(row);
    connect(approve, &QPushButton::clicked, this, [this] { approveSelected(); });
    return page;
}

QWidget *RemediationView::buildFailedPage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    auto *hint = new QLabel(
        tr("Remediations the executors gave up on (dead-letter queue) or that reported a failure. "
           "Retry queues a new attempt; dismiss closes it without running it again."),
        page);
    hint->setWordWrap(true);
    v->addWidget(hint);
    m_failed = makeTable({tr("Incident"), tr("Priority"), tr("Action"), tr("Target"), tr("Attempt"),
                          tr("Failed at"), tr("Why"), tr("Correlation id")},
                         page);
    m_failed->setObjectName(QStringLiteral("failedTable"));
    v->addWidget(m_failed, 1);
    auto *reason = new QLineEdit(page);
    reason->setPlaceholderText(tr("reason for dismissing (optional)"));
    auto *retry = new QPushButton(tr("&Retry"), page);
    auto *dismiss = new QPushButton(tr("&Dismiss"), page);
    addRow(v, {{reason, 1}, {retry}, {dismiss}});
    connect(retry, &QPushButton::clicked, this, [this] { retrySelected(); });
    connect(dismiss, &QPushButton::clicked, this, [this, reason] {
        if (dismissSelected(reason->text()))
            reason->clear();
    });
    return page;
}

void RemediationView::showPage(Page page)
{
    m_tabs->setCurrentIndex(int(page));
}

QString RemediationView::selectedId(QTableWidget *table) const
{
    const auto rows = table->selectionModel()->selectedRows();
    const int r = rows.isEmpty() ? table->currentRow() : rows.first().row();
    if (r < 0 || !table->item(r, 0))
        return {};
    return table->item(r, 0)->data(Qt::UserRole).toString();
}

void RemediationView::reload()
{
    RemediationStore rs(m_engine.store());
    const qint64 now = m_engine.clock().nowMs();
    QList<QStringList> rows;
    QStringList ids;
    for (const auto &w : rs.maintenance(now, false)) {
        rows << QStringList{w.ci,           when(w.startsAt),
                            when(w.endsAt), w.activeAt(now) ? tr("active") : tr("planned"),
                            w.createdBy,    w.reason};
        ids << QString::number(w.id);
    }
    fill(m_windows, rows, ids);
    rows.clear();
    ids.clear();
    for (const auto &c : rs.changes(now - 7LL * 86400000)) {
        rows << QStringList{c.ci, when(c.implementedAt), c.ref, c.createdBy, c.summary};
        ids << QString::number(c.id);
    }
    fill(m_changes, rows, ids);
    rows.clear();
    ids.clear();
    for (const auto &r : rs.remediations({QStringLiteral("awaiting_approval")})) {
        rows << QStringList{r.number, r.priority,        r.actionType,   r.target,
                            r.rule,   when(r.updatedAt), r.correlationId};
        ids << r.correlationId;
    }
    fill(m_approvals, rows, ids);
    rows.clear();
    ids.clear();
    for (const auto &r : rs.failed()) {
        rows << QStringList{
            r.number,          r.priority, r.actionType,   r.target, QString::number(r.attempt),
            when(r.updatedAt), r.reason,   r.correlationId};
        ids << r.correlationId;
    }
    fill(m_failed, rows, ids);
    m_tabs->setTabText(1, tr("Awaiting approval (%1)").arg(m_approvals->rowCount()));
    m_tabs->setTabText(2, tr("Failed remediations (%1)").arg(m_failed->rowCount()));
}

QString RemediationView::selectedOrSay(QTableWidget *table, const QString &selectFirst)
{
    const QString id = selectedId(table);
    if (id.isEmpty())
        showMessage(selectFirst, true);
    return id;
}

QString RemediationView::selectedRemediation(QTableWidget *table, const QString &selectFirst)
{
    const QString id = selectedId(table);
    if (id.isEmpty() || !m_remediator) {
        showMessage(id.isEmpty() ? selectFirst : tr("Remediation rules are not loaded."), true);
        return {};
    }
    return id;
}

bool RemediationView::addWindow(const QString &ci, qint64 startsAt, qint64 endsAt,
                                const QString &reason)
{
    auto r = RemediationStore(m_engine.store())
                 .addMaintenance(ci, startsAt, endsAt, reason, m_me, m_engine.clock().nowMs());
    return conclude(statusOf(r), tr("Maintenance window on %1 added.").arg(ci.trimmed()));
}

bool RemediationView::addChange(const QString &ci, qint64 implementedAt, const QString &summary,
                                const QString &ref)
{
    auto r = RemediationStore(m_engine.store())
                 .addChange(ci, implementedAt, summary, ref, m_me, m_engine.clock().nowMs());
    return conclude(statusOf(r), tr("Change on %1 recorded.").arg(ci.trimmed()));
}

bool RemediationView::endSelectedWindow()
{
    const QString id = selectedOrSay(m_windows, tr("Select a maintenance window first."));
    return !id.isEmpty() && conclude(RemediationStore(m_engine.store())
                                         .endMaintenance(id.toLongLong(), m_engine.clock().nowMs()),
                                     tr("Maintenance window ended."));
}

bool RemediationView::removeSelectedWindow()
{
    const QString id = selectedOrSay(m_windows, tr("Select a maintenance window first."));
    return !id.isEmpty() &&
           conclude(RemediationStore(m_engine.store()).removeMaintenance(id.toLongLong()),
                    tr("Maintenance window removed."));
}

bool RemediationView::removeSelectedChange()
{
    const QString id = selectedOrSay(m_changes, tr("Select a change first."));
    return !id.isEmpty() &&
           conclude(RemediationStore(m_engine.store()).removeChange(id.toLongLong()),
                    tr("Change removed."));
}

bool RemediationView::approveSelected()
{
    const QString id = selectedRemediation(m_approvals, tr("Select a remediation first."));
    if (id.isEmpty())
        return false;
    auto r = m_remediator->approve(id, m_me);
    if (!r)
        reload(); // the gate may have moved on meanwhile
    return conclude(
        statusOf(r),
        r ? tr("%1 on %2 approved by %3 and queued.").arg(r->actionType, r->target, m_me)
          : QString());
}

bool RemediationView::retrySelected()
{
    const QString id = selectedRemediation(m_failed, tr("Select a failed remediation first."));
    if (id.isEmpty())
        return false;
    auto r = m_remediator->retry(id, m_me);
    return conclude(
        statusOf(r),
        r ? tr("%1 on %2 queued again (attempt %3).").arg(r->actionType, r->target).arg(r->attempt)
          : QString());
}

bool RemediationView::dismissSelected(const QString &reason)
{
    const QString id = selectedRemediation(m_failed, tr("Select a failed remediation first."));
    if (id.isEmpty())
        return false;
    auto r = m_remediator->dismiss(id, m_me, reason);
    return conclude(statusOf(r),
                    r ? tr("%1 on %2 dismissed.").arg(r->actionType, r->target) : QString());
}

} // namespace sitrep::ui
