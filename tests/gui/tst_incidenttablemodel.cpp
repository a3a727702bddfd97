// SPDX-License-Identifier: MIT
// The lazy incident list model against a real database on disk.

#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::itemmodels;
using namespace sitrep::query;

class TestIncidentTableModel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<host::AppContext> m_ctx;

private Q_SLOTS:
    void initTestCase()
    {
        // More than three pages.
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("list.db"),
                                               testing::demoData(650, 1790000000000LL), &m_db));
    }

    void passesModelTester()
    {
        IncidentTableModel model(m_db);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(testing::waitForQuery(model));
        QCOMPARE(model.rowCount(), int(m_ctx->store().incidentCount()));
        QCOMPARE(model.columnCount(), int(IncidentColumn::Count));
        model.sort(IncidentColumn::Title, Qt::AscendingOrder);
        QVERIFY(testing::waitForQuery(model));
        IncidentFilter f;
        f.severity = 2;
        model.setFilter(f);
        QVERIFY(testing::waitForQuery(model));
        model.refresh();
        QSignalSpy refreshed(&model, &IncidentTableModel::refreshed);
        QVERIFY(refreshed.wait(10000));
    }

    void sortsOnRawValuesEveryColumn()
    {
        IncidentTableModel model(m_db);
        QVERIFY(testing::waitForQuery(model));
        for (int col = 0; col < IncidentColumn::Count; ++col) {
            if (!incidentColumnSortable(col))
                continue;
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                model.sort(col, order);
                QVERIFY(testing::waitForQuery(model));
                QVariant prev;
                for (int r = 0; r < 150; ++r) {
                    const QVariant v = model.index(r, col).data(IncidentRole::SortRole);
                    QVERIFY(v.isValid());
                    if (prev.isValid()) {
                        const auto c = QVariant::compare(prev, v);
                        QVERIFY2(order == Qt::AscendingOrder ? c != QPartialOrdering::Greater
                                                             : c != QPartialOrdering::Less,
                                 qPrintable(QStringLiteral("column %1 row %2").arg(col).arg(r)));
                    }
                    prev = v;
                }
            }
        }
    }

    void keysetPagesMatchOffsetPages()
    {
        IncidentTableModel model(m_db);
        model.sort(IncidentColumn::Severity, Qt::AscendingOrder);
        QVERIFY(testing::waitForQuery(model));
        const int pages =
            (model.rowCount() + IncidentTableModel::PageSize - 1) / IncidentTableModel::PageSize;
        QTRY_VERIFY_WITH_TIMEOUT(model.anchorCount() >= pages, 10000);
        // Page 2 comes by keyset from its anchor; compare with the store's OFFSET listing.
        const int row = 2 * IncidentTableModel::PageSize + 5;
        QVERIFY(!model.rowAt(row));
        QSignalSpy loaded(&model, &IncidentTableModel::pageLoaded);
        model.fetchRow(row);
        QVERIFY(loaded.wait(10000));
        QVERIFY(model.rowAt(row));
        store::ListQuery q;
        q.limit = 1000;
        q.sort = store::SortKey::Created; // the model's tie-break: severity, created, id
        const auto all = m_ctx->store().list(q);
        QList<QPair<int, QPair<qint64, qint64>>> keys;
        for (const auto &i : all)
            keys << qMakePair(int(i.severity), qMakePair(i.createdAt, i.rowid));
        std::sort(keys.begin(), keys.end());
        QCOMPARE(model.rowAt(row)->id, keys[row].second.second);
        QCOMPARE(model.index(row, IncidentColumn::Id).data().toString(), model.rowAt(row)->number);
    }

    void filtersAndSearchAreSql()
    {
        IncidentTableModel model(m_db);
        QVERIFY(testing::waitForQuery(model));
        IncidentFilter f;
        f.severity = 1;
        f.open = false;
        model.setFilter(f);
        QVERIFY(testing::waitForQuery(model));
        store::ListQuery q;
        q.severity = 1;
        q.open = false;
        QCOMPARE(qint64(model.rowCount()), m_ctx->store().count(q));
        for (int r = 0; r < std::min(model.rowCount(), 50); ++r) {
            QCOMPARE(model.index(r, 0).data(IncidentRole::SeverityRole).toInt(), 1);
            QCOMPARE(model.index(r, 0).data(IncidentRole::OpenRole).toBool(), false);
        }
        IncidentFilter s;
        s.search = QStringLiteral("kafka");
        model.setFilter(s);
        QVERIFY(testing::waitForQuery(model));
        store::ListQuery sq;
        sq.search = QStringLiteral("kafka");
        QCOMPARE(qint64(model.rowCount()), m_ctx->store().count(sq));
        QVERIFY(model.rowCount() > 0);
        // Saved views are filters too.
        for (const auto &v : savedViews(QStringLiteral("nobody"), 1790000000000LL)) {
            model.setFilter(v.filter);
            QVERIFY2(testing::waitForQuery(model), qPrintable(v.id));
        }
    }

    void searchForms_giveTheSameRowsInEverySort()
    {
        // Few matches are sorted; many walk the sort index (+id IN); matches in most rows are
        // checked row by row (EXISTS). Low thresholds make this small database take all three.
        auto &db = m_ctx->store().db();
        auto ids = [&db](const IncidentQuery &q) {
            QList<QVariant> binds;
            const QString sql = q.offsetPageSql(0, 5000, binds);
            auto *st = db.prepare(sql);
            if (!st)
                return QList<qint64>();
            return st->bindAll(binds).all(
                [](const store::Stmt &s) { return IncidentQuery::readRow(s).id; });
        };
        bool sawWide = false, sawDense = false;
        // Prefix words list their matches (never row by row); an exact word in quotes can.
        for (const QString &word : {QStringLiteral("kafka"), QStringLiteral("customers"),
                                    QStringLiteral("\"customers\"")}) {
            IncidentFilter f;
            f.search = word;
            for (int col = 0; col < IncidentColumn::Count; ++col) {
                if (!incidentColumnSortable(col))
                    continue;
                for (bool desc : {false, true}) {
                    const IncidentQuery narrow(f, incidentColumnSort(col), desc);
                    IncidentQuery planned(f, incidentColumnSort(col), desc);
                    planned.planSearch(db, 10);
                    sawWide = sawWide || (planned.wideSearch() && !planned.denseSearch());
                    sawDense = sawDense || planned.denseSearch();
                    QVERIFY(!planned.denseSearch() || word.startsWith(u'"'));
                    const QList<qint64> a = ids(narrow), b = ids(planned);
                    QVERIFY(!a.isEmpty());
                    QCOMPARE(b, a);
                }
            }
        }
        QVERIFY(sawWide);
        QVERIFY(sawDense);
    }

    void refreshShowsNewIncidentsAndLiveColumns()
    {
        IncidentTableModel model(m_db);
        QVERIFY(testing::waitForQuery(model));
        const int before = model.rowCount();
        auto r = m_ctx->engine().execute(engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("Fresh fire in the list")},
             {QStringLiteral("severity"), QStringLiteral("critical")}}));
        QVERIFY(r);
        QSignalSpy rows(&model, &QAbstractItemModel::rowsInserted);
        model.refresh();
        QVERIFY(rows.wait(10000));
        QCOMPARE(model.rowCount(), before + 1);
        // Newest first: the new incident is row 0.
        QCOMPARE(model.index(0, IncidentColumn::Id).data().toString(), r->number);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QString d1 = model.index(0, IncidentColumn::Duration).data().toString();
        model.setNow(model.now() + 3600 * 1000);
        QVERIFY(!changed.isEmpty());
        QVERIFY(model.index(0, IncidentColumn::Duration).data().toString() != d1);
    }

    void cacheStaysBounded()
    {
        IncidentTableModel model(m_db);
        QVERIFY(testing::waitForQuery(model));
        for (int row = 0; row < model.rowCount(); row += IncidentTableModel::PageSize) {
            QSignalSpy loaded(&model, &IncidentTableModel::pageLoaded);
            model.fetchRow(row);
            if (!model.rowAt(row))
                QVERIFY(loaded.wait(10000));
        }
        QVERIFY(model.cachedPages() <= IncidentTableModel::MaxCachedPages);
    }
};

QTEST_MAIN(TestIncidentTableModel)
#include "tst_incidenttablemodel.moc"
