// SPDX-License-Identifier: MIT
// The auto-remediation view: maintenance windows and changes managed from the window,
// the P1 approval gate passed by the signed-in person, failed remediations retried and
// dismissed; errors show inline.
#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "remediation/remediator.h"
#include "store/store.h"
#include "ui/remediation/remediationview.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QApplication>
#include <QJsonArray>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace sitrep;
using namespace sitrep::remediation;
using sitrep::ui::RemediationView;

class TestRemediationView : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    store::Store m_store;
    engine::ManualClock m_clock{
        QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch()};
    std::unique_ptr<engine::LifecycleEngine> m_engine;
    std::unique_ptr<Remediator> m_rem;

    QString decide(const QString &severity, const QString &service)
    {
        auto r = m_engine->execute(engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("%1 down").arg(service)},
             {QStringLiteral("severity"), severity},
             {QStringLiteral("services"), QJsonArray{service}},
             {QStringLiteral("category"), QStringLiteral("database")}},
            QStringLiteral("carol")));
        if (!r || !m_rem->scan())
            return {};
        return m_rem->store().remediations({}, r->incidentUid).value(0).correlationId;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("view.db"))));
        m_engine = std::make_unique<engine::LifecycleEngine>(
            m_store, *workflow::Workflow::load(QStringLiteral("pipeline")),
            *workflow::OnCallSchedule::load({}), m_clock);
        host::registerWorkflowActions(*m_engine);
        m_rem = std::make_unique<Remediator>(*m_engine, *RuleSet::defaults(), RemediationConfig{});
    }

    void maintenanceAndChanges_addEndRemove()
    {
        RemediationView v(*m_engine, QStringLiteral("alice"), m_rem.get());
        const qint64 now = m_clock.nowMs();
        QVERIFY(!v.addWindow(QString(), now, now + 3600000, {}));
        QVERIFY(v.message().contains(QStringLiteral("configuration item")));
        QVERIFY(v.addWindow(QStringLiteral("orders-db"), now - 60000, now + 3600000,
                            QStringLiteral("upgrade")));
        QCOMPARE(v.maintenanceTable()->rowCount(), 1);
        QCOMPARE(v.maintenanceTable()->item(0, 0)->text(), QStringLiteral("orders-db"));
        QCOMPARE(v.maintenanceTable()->item(0, 3)->text(), QStringLiteral("active"));
        QCOMPARE(v.maintenanceTable()->item(0, 4)->text(), QStringLiteral("alice"));
        QVERIFY(!v.endSelectedWindow()); // nothing selected
        v.maintenanceTable()->selectRow(0);
        QVERIFY(v.endSelectedWindow());
        QCOMPARE(v.maintenanceTable()->rowCount(), 0); // ended windows leave the list
        QVERIFY(v.addChange(QStringLiteral("cart-db"), now - 5 * 60000,
                            QStringLiteral("pool size 80"), QStringLiteral("CHG42")));
        QCOMPARE(v.changesTable()->rowCount(), 1);
        v.changesTable()->selectRow(0);
        QVERIFY(v.removeSelectedChange());
        QCOMPARE(v.changesTable()->rowCount(), 0);
    }

    void approvalGate_approvedByTheSignedInPerson()
    {
        const QString corr = decide(QStringLiteral("critical"), QStringLiteral("ledger-db"));
        QVERIFY(!corr.isEmpty());
        RemediationView v(*m_engine, QStringLiteral("alice"), m_rem.get());
        v.showPage(RemediationView::Page::Approvals);
        QCOMPARE(v.approvalsTable()->rowCount(), 1);
        v.approvalsTable()->selectRow(0);
        QVERIFY2(v.approveSelected(), qPrintable(v.message()));
        QCOMPARE(v.approvalsTable()->rowCount(), 0);
        const auto row = m_rem->store().remediation(corr);
        QCOMPARE(row->status, QStringLiteral("queued"));
        QCOMPARE(row->approvedBy, QStringLiteral("alice"));
    }

    void failedRemediations_retryAndDismiss()
    {
        const QString a = decide(QStringLiteral("high"), QStringLiteral("stock-db"));
        const QString b = decide(QStringLiteral("high"), QStringLiteral("price-db"));
        for (const QString &corr : {a, b})
            QVERIFY(*m_rem->recordDeadLetter(m_rem->store().remediation(corr)->message, 3));
        RemediationView v(*m_engine, QStringLiteral("bob"), m_rem.get());
        v.showPage(RemediationView::Page::Failed);
        QCOMPARE(v.failedTable()->rowCount(), 2);
        v.failedTable()->selectRow(0);
        const QString first = v.failedTable()->item(0, 0)->data(Qt::UserRole).toString();
        QVERIFY2(v.retrySelected(), qPrintable(v.message()));
        QCOMPARE(m_rem->store().remediation(first)->attempt, 2);
        QCOMPARE(v.failedTable()->rowCount(), 1);
        v.failedTable()->selectRow(0);
        QVERIFY(v.dismissSelected(QStringLiteral("fixed by hand")));
        QCOMPARE(v.failedTable()->rowCount(), 0);
        QVERIFY(v.message().contains(QStringLiteral("dismissed")));
    }
};

QTEST_MAIN(TestRemediationView)
#include "tst_remediationview.moc"
