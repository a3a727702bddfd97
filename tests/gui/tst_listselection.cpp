// SPDX-License-Identifier: MIT
// The incident list keeps the selection, the current row and anything else that points
// at a row on the same incident while incidents arrive, leave and are re-sorted: the
// model on its own (with the model tester), then the window, driven like a commander
// would drive it while another shell opens incidents.

#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "ui/incidentlistview.h"
#include "ui/incidentworkspace.h"
#include "ui/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::itemmodels;
using namespace sitrep::query;

class TestListSelection : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<host::AppContext> m_ctx;

    static bool refreshNow(IncidentTableModel &m)
    {
        QSignalSpy spy(&m, &IncidentTableModel::refreshed);
        m.refresh();
        return spy.wait(10000);
    }
    QString open(const QString &title, const QString &severity)
    {
        auto r = m_ctx->engine().execute(engine::Command::open(
            {{QStringLiteral("title"), title}, {QStringLiteral("severity"), severity}}));
        return r ? r->incidentUid : QString();
    }
    /// Makes row `row` of `m` the current and only selected one (whole rows, as the list
    /// selects); that row's uid.
    static QString selectRow(QItemSelectionModel &sel, IncidentTableModel &m, int row)
    {
        sel.setCurrentIndex(m.index(row, 0),
                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        return m.rowAt(row)->uid;
    }
    /// Lowers incident `uid` to severity low (the filter on SEV2 then drops it): true, or a
    /// warning with the engine's reason.
    bool lowerSeverity(const QString &uid)
    {
        auto r = m_ctx->engine().execute(
            engine::Command::make(engine::Command::Kind::SetField, uid,
                                  {{QStringLiteral("field"), QStringLiteral("severity")},
                                   {QStringLiteral("value"), QStringLiteral("low")}}));
        if (!r)
            qWarning("cannot lower %s: %s", qPrintable(uid), qPrintable(r.errorMessage()));
        return r.ok();
    }
    /// Shows `w` (passive) with its list on the saved view `view`, loaded: the list, or null
    /// when the window did not load.
    static ui::IncidentListView *showList(ui::MainWindow &w, const QString &view)
    {
        w.setPassive(true);
        w.show();
        if (!w.waitUntilLoaded())
            return nullptr;
        w.listView()->setSavedView(view);
        return w.waitUntilLoaded() ? w.listView() : nullptr;
    }
    // The uid at `row`, loading its page if needed.
    static QString uidAt(IncidentTableModel &m, int row)
    {
        if (!m.rowAt(row)) {
            QSignalSpy loaded(&m, &IncidentTableModel::pageLoaded);
            m.fetchRow(row);
            if (!loaded.wait(10000))
                return {};
        }
        return m.rowAt(row) ? m.rowAt(row)->uid : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // More than two pages, so a re-sort can move a row off the first.
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("selection.db"),
                                               testing::demoData(520), &m_db));
    }

    void model_selectionFollowsItsIncidentThroughInsertRemoveAndSort()
    {
        IncidentTableModel model(m_db);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QItemSelectionModel sel(&model);
        QVERIFY(testing::waitForQuery(model));
        QVERIFY(model.rowCount() > 400);

        const int start = 7;
        const QString picked = selectRow(sel, model, start);
        QPersistentModelIndex context(
            model.index(start, IncidentColumn::Title)); // e.g. an open editor

        // A new incident sorts first (newest on top): everything below moves down a row.
        const QString fresh =
            open(QStringLiteral("New incident from another shell"), QStringLiteral("high"));
        QVERIFY(refreshNow(model));
        QCOMPARE(model.rowAt(0)->uid, fresh);
        QCOMPARE(sel.currentIndex().row(), start + 1);
        QCOMPARE(sel.currentIndex().data(IncidentRole::UidRole).toString(), picked);
        QCOMPARE(sel.selectedRows().size(), 1);
        QCOMPARE(sel.selectedRows().first().data(IncidentRole::UidRole).toString(), picked);
        QCOMPARE(context.row(), start + 1);
        QCOMPARE(context.data(IncidentRole::UidRole).toString(), picked);

        // Two incidents above it leave the list (the view shows SEV2 only).
        IncidentFilter highOnly;
        highOnly.severity = 2;
        model.setFilter(highOnly);
        QVERIFY(testing::waitForQuery(model));
        QVERIFY(model.rowCount() > 6);
        const int row = 4;
        const QString kept = selectRow(sel, model, row);
        for (int r : {0, 2})
            QVERIFY(lowerSeverity(model.rowAt(r)->uid));
        QVERIFY(refreshNow(model));
        QCOMPARE(sel.currentIndex().row(), row - 2);
        QCOMPARE(sel.currentIndex().data(IncidentRole::UidRole).toString(), kept);
        QVERIFY(sel.isRowSelected(row - 2, {}));

        // The selected incident itself leaves: nothing else gets selected in its place.
        QVERIFY(lowerSeverity(kept));
        QVERIFY(refreshNow(model));
        QVERIFY(!sel.currentIndex().isValid());
        QVERIFY(sel.selectedRows().isEmpty());

        // A re-sort puts the rows in another order: the selection goes where its incident went,
        // also when that is a page that is not loaded yet.
        model.setFilter({});
        QVERIFY(testing::waitForQuery(model));
        const QString target = selectRow(sel, model, 3);
        model.sort(IncidentColumn::Title, Qt::DescendingOrder);
        QVERIFY(testing::waitForQuery(model));
        QVERIFY(sel.currentIndex().isValid());
        const int moved = sel.currentIndex().row();
        QCOMPARE(uidAt(model, moved), target);
        QVERIFY(sel.isRowSelected(moved, {}));
    }

    void window_enterOpensTheSelectedIncidentAfterAnotherShellOpensOne()
    {
        ui::MainWindow w(*m_ctx);
        ui::IncidentListView *list = showList(w, QStringLiteral("open"));
        QVERIFY(list);
        QTableView *table = list->table();
        QVERIFY(table->model()->rowCount() > 3);
        const QString picked = table->model()->index(2, 0).data(IncidentRole::UidRole).toString();
        QVERIFY(list->selectUid(picked));
        const int rows = table->model()->rowCount();

        QCOMPARE(testing::runSitrepOn(m_db, QStringLiteral("create"),
                                      {QStringLiteral("--title"), QStringLiteral("Checkout 502s"),
                                       QStringLiteral("--severity"), QStringLiteral("high")}),
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), rows + 1, 5000);
        QCOMPARE(list->selectedUid(), picked);
        QCOMPARE(table->currentIndex().row(), 3);

        table->setFocus();
        QTest::keyClick(table, Qt::Key_Return);
        QVERIFY(w.currentWorkspace());
        QCOMPARE(w.currentWorkspace()->uid(), picked);
    }

    void window_headerSortKeepsTheSelectedIncidentSelectedAndInView()
    {
        ui::MainWindow w(*m_ctx);
        w.resize(1200, 800);
        ui::IncidentListView *list = showList(w, QStringLiteral("all"));
        QVERIFY(list);
        QTableView *table = list->table();
        const QString picked = table->model()->index(5, 0).data(IncidentRole::UidRole).toString();
        QVERIFY(list->selectUid(picked));
        QSignalSpy ready(&w.listModel(), &IncidentTableModel::queryReady);
        QHeaderView *header = table->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(IncidentColumn::Title) + 5, 5));
        QVERIFY(ready.wait(5000));
        QCOMPARE(w.listModel().sortColumn(), int(IncidentColumn::Title));
        const int row = table->currentIndex().row();
        QCOMPARE(uidAt(w.listModel(), row), picked); // its page may come after the sort
        QCOMPARE(list->selectedUids(), QStringList{picked});
        // Scrolled to where it went.
        QTRY_VERIFY(table->viewport()->rect().intersects(table->visualRect(table->currentIndex())));
    }
};

QTEST_MAIN(TestListSelection)
#include "tst_listselection.moc"
