// SPDX-License-Identifier: MIT
// The dashboard: tiles and charts show MetricsQueries' numbers, range and filters reach the
// worker, clicks drill down, exports write CSV and PNG, offscreen rendering.
#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "itemmodels/incidenttablemodel.h"
#include "metrics/metricsservice.h"
#include "query/incidentquery.h"
#include "ui/dashboardintegration.h"
#include "ui/dashboards/dashboardview.h"
#include "ui/mainwindow.h"
#include "ui/wall/wallwindow.h"

#include <QtCharts/QBarSet>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QStackedBarSeries>

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace sitrep;

namespace {
const qint64 kNow = QDateTime(QDate(2026, 11, 20), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
}

class TestDashboardView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<host::AppContext> m_ctx;

    // What the incident list counts for a drill-down (the list's own SQL).
    qint64 listCount(const metrics::ListFilter &f) { return testing::listCount(m_ctx->store(), f); }

    /// Shows the dashboard at 1600x1000 and waits for its numbers.
    static bool showFullSize(ui::DashboardView &v)
    {
        v.resize(1600, 1000);
        v.show();
        return v.waitForData();
    }

    QChart *chart(ui::DashboardView &v, ui::MetricsCharts::Chart c)
    {
        return static_cast<QChartView *>(v.charts().view(c))->chart();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("SITREP_NOW", QByteArray::number(kNow));
        QVERIFY(testing::openDemoContext(m_ctx, m_dir.filePath(QStringLiteral("dash.db")),
                                         testing::demoData(800, kNow, 100), QStringLiteral("sre")));
    }

    void dashboard_showsTheServiceNumbers()
    {
        metrics::MetricsService svc(m_ctx->dbPath(), m_ctx->clock());
        ui::DashboardView v(svc);
        QVERIFY(showFullSize(v));
        metrics::MetricsQueries q(m_ctx->store());
        auto want = q.dashboard(metrics::MetricsFilter::lastDays(30, kNow), kNow);
        QVERIFY(want.ok());
        QCOMPARE(v.metrics().filter, want->filter);
        QCOMPARE(v.metrics().total(), want->total());
        QCOMPARE(v.metrics().tiles, want->tiles);
        for (int s = 1; s <= 4; ++s)
            QVERIFY(v.tileText(QStringLiteral("sev%1").arg(s))
                        .startsWith(QString::number(want->tiles.openBySeverity[s])));
        QVERIFY(v.tileText(QStringLiteral("commander"))
                    .startsWith(QString::number(want->tiles.withoutCommander)));
        QVERIFY(
            v.tileText(QStringLiteral("sla"))
                .startsWith(
                    QStringLiteral("%1 / %2").arg(want->tiles.breaching).arg(want->tiles.atRisk)));
        if (!want->tiles.oldestUnackNumber.isEmpty())
            QVERIFY(v.tileText(QStringLiteral("oldest")).contains(want->tiles.oldestUnackNumber));
        for (int c = 0; c < ui::MetricsCharts::ChartCount; ++c)
            QVERIFY2(v.charts().pointCount(ui::MetricsCharts::Chart(c)) > 0,
                     qPrintable(ui::MetricsCharts::chartName(ui::MetricsCharts::Chart(c))));
        const QImage img = v.grab().toImage();
        QCOMPARE(img.size(), QSize(1600, 1000));
    }

    void range_andFilters_reachTheQueries()
    {
        metrics::MetricsService svc(m_ctx->dbPath(), m_ctx->clock());
        ui::DashboardView v(svc);
        v.resize(1400, 900);
        QVERIFY(v.waitForData());
        v.setRangeDays(7);
        QVERIFY(v.waitForData());
        QCOMPARE(v.metrics().filter.from, kNow - 7 * metrics::DayMs);
        v.setRangeDays(90);
        QVERIFY(v.waitForData());
        QCOMPARE(v.metrics().filter.from, kNow - 90 * metrics::DayMs);
        v.setServiceFilter(QStringLiteral("kafka"));
        QVERIFY(v.waitForData());
        QCOMPARE(v.metrics().filter.service, QStringLiteral("kafka"));
        metrics::MetricsQueries q(m_ctx->store());
        auto f = metrics::MetricsFilter::lastDays(90, kNow);
        f.service = QStringLiteral("kafka");
        QCOMPARE(v.metrics().total(), q.dashboard(f, kNow)->total());
        v.setServiceFilter({});
        v.setGroupFilter(QStringLiteral("Payments"));
        QVERIFY(v.waitForData());
        QCOMPARE(v.metrics().filter.group, QStringLiteral("Payments"));
        QVERIFY(v.metrics().total().count > 0);
        const qint64 from = kNow - 40 * metrics::DayMs;
        v.setCustomRange(from, kNow - 10 * metrics::DayMs);
        QVERIFY(v.waitForData());
        QCOMPARE(
            v.metrics().filter.from,
            QDateTime(QDateTime::fromMSecsSinceEpoch(from, Qt::UTC).date(), QTime(0, 0), Qt::UTC)
                .toMSecsSinceEpoch());
    }

    void clickingABar_emitsTheMatchingListFilter()
    {
        metrics::MetricsService svc(m_ctx->dbPath(), m_ctx->clock());
        ui::DashboardView v(svc);
        v.resize(1400, 900);
        QVERIFY(v.waitForData());
        QSignalSpy drill(&v, &ui::DashboardView::drillDown);
        // Frequency chart: the SEV2 set, last week.
        auto *series = qobject_cast<QStackedBarSeries *>(
            chart(v, ui::MetricsCharts::Frequency)->series().value(0));
        QVERIFY(series);
        QBarSet *sev2 = series->barSets().value(1);
        QCOMPARE(sev2->label(), QStringLiteral("SEV2"));
        const int lastWeek = int(v.metrics().weeks.size()) - 1;
        Q_EMIT sev2->clicked(lastWeek);
        QCOMPARE(drill.size(), 1);
        auto f = drill.takeFirst().at(0).value<metrics::ListFilter>();
        QCOMPARE(f.severity, 2);
        QCOMPARE(f.from, v.metrics().weeks.last());
        QCOMPARE(f.to, v.metrics().filter.to);
        QCOMPARE(f.metric, QStringLiteral("frequency"));
        // The list behind the bar counts exactly the bar.
        QVERIFY(v.metrics().cells[lastWeek][2].count > 0);
        QCOMPARE(listCount(f), v.metrics().cells[lastWeek][2].count);
        // MTTA chart: a point of the "All" line gives a week of every severity, acknowledged.
        auto *line =
            qobject_cast<QLineSeries *>(chart(v, ui::MetricsCharts::Mtta)->series().value(0));
        QVERIFY(line && line->count() > 0);
        Q_EMIT line->clicked(line->at(0));
        QCOMPARE(drill.size(), 1);
        f = drill.takeFirst().at(0).value<metrics::ListFilter>();
        QCOMPARE(f.severity, -1);
        QCOMPARE(f.metric, QStringLiteral("mtta"));
        QVERIFY(f.from >= v.metrics().filter.from);
        QCOMPARE(listCount(f), v.metrics().week(0).acknowledged);
        // MTTR bar of SEV3: the resolved SEV3 incidents of the range.
        auto *mttr =
            qobject_cast<QStackedBarSeries *>(chart(v, ui::MetricsCharts::Mttr)->series().value(0));
        QVERIFY(mttr);
        Q_EMIT mttr->barSets().value(2)->clicked(2);
        f = drill.takeFirst().at(0).value<metrics::ListFilter>();
        QCOMPARE(f.severity, 3);
        QCOMPARE(f.metric, QStringLiteral("mttr"));
        QCOMPARE(listCount(f), v.metrics().total(3).resolved);
        // SLA compliance: a point opens the incidents of that week that missed it.
        const auto sla = chart(v, ui::MetricsCharts::Sla)->series();
        for (int k = 0; k < 2; ++k) {
            auto *l = qobject_cast<QLineSeries *>(sla.value(k));
            QVERIFY(l && l->count() > 0);
            Q_EMIT l->clicked(l->at(l->count() - 1));
            f = drill.takeFirst().at(0).value<metrics::ListFilter>();
            QCOMPARE(f.metric,
                     k == 0 ? QStringLiteral("sla-response") : QStringLiteral("sla-resolution"));
            QCOMPARE(f.severity, -1);
            const auto week =
                v.metrics().week(int(v.metrics().weeks.indexOf(metrics::weekStart(f.from))));
            QCOMPARE(listCount(f), k == 0 ? week.responseMissed : week.resolutionMissed);
        }
        // With the dashboard's service and group filters, the list keeps them (the busiest
        // service x group pair of the range).
        QString service, group;
        {
            store::Stmt *pair = m_ctx->store().db().prepare(
                QStringLiteral("SELECT s.service, i.assignment_group FROM incidents i JOIN "
                               "incident_services s ON s.incident=i.id"
                               " WHERE i.created_at>=? AND i.assignment_group<>'' GROUP BY 1, 2 "
                               "ORDER BY count(*) DESC LIMIT 1"));
            QVERIFY(pair);
            pair->bind(1, v.metrics().filter.from);
            QVERIFY(pair->step());
            store::RowReader(*pair).read(service, group);
            pair->reset();
        }
        v.setServiceFilter(service);
        QVERIFY(v.waitForData());
        v.setGroupFilter(group);
        QVERIFY(v.waitForData());
        series = qobject_cast<QStackedBarSeries *>(
            chart(v, ui::MetricsCharts::Frequency)->series().value(0));
        int week = -1, set = -1;
        for (int w = 0; w < v.metrics().weeks.size() && week < 0; ++w)
            for (int k = 0; k < series->count(); ++k)
                if (series->barSets()[k]->at(w) > 0) {
                    week = w;
                    set = k;
                    break;
                }
        QVERIFY(week >= 0);
        Q_EMIT series->barSets()[set]->clicked(week);
        f = drill.takeFirst().at(0).value<metrics::ListFilter>();
        QCOMPARE(f.service, service);
        QCOMPARE(f.group, group);
        QCOMPARE(listCount(f), qint64(series->barSets()[set]->at(week)));
    }

    void exports_writeCsvAndEveryChart()
    {
        metrics::MetricsService svc(m_ctx->dbPath(), m_ctx->clock());
        ui::DashboardView v(svc);
        QVERIFY(showFullSize(v));
        QTemporaryDir out;
        const QString csv = out.filePath(QStringLiteral("m.csv"));
        QVERIFY(v.exportCsv(csv).ok());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.startsWith("kind,week_start,severity,metric,value\n"));
        QVERIFY(text.contains("total,,all,mttr_minutes,"));
        QVERIFY(v.exportAllCharts(out.path(), QStringLiteral("x")).ok());
        for (int c = 0; c < ui::MetricsCharts::ChartCount; ++c) {
            QImage img(
                out.filePath(QStringLiteral("x-%1.png")
                                 .arg(ui::MetricsCharts::chartName(ui::MetricsCharts::Chart(c)))));
            QVERIFY(!img.isNull());
            QVERIFY(img.width() > 200);
        }
        QVERIFY(!v.exportCsv(out.filePath(QStringLiteral("no/such/dir/m.csv"))).ok());
    }

    void mainWindow_getsDashboardTabDrillDownAndWallToggle()
    {
        ui::MainWindow w(*m_ctx);
        w.setPassive(true);
        ui::attachDashboard(w, *m_ctx);
        auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("mainTabs"));
        QVERIFY(tabs);
        auto *dash = qobject_cast<ui::DashboardView *>(tabs->widget(1));
        QVERIFY(dash);
        QCOMPARE(tabs->tabText(1), QStringLiteral("Dashboard"));
        QVERIFY(dash->waitForData());
        auto *show = w.findChild<QAction *>(QStringLiteral("actionDashboard"));
        QVERIFY(show);
        show->trigger();
        QCOMPARE(tabs->currentWidget(), dash);
        // A click on a frequency bar opens the list on exactly its incidents.
        auto *series = qobject_cast<QStackedBarSeries *>(
            chart(*dash, ui::MetricsCharts::Frequency)->series().value(0));
        QVERIFY(series);
        const int lastWeek = int(dash->metrics().weeks.size()) - 1;
        const qint64 bar = dash->metrics().cells[lastWeek][3].count;
        QVERIFY(bar > 0);
        QSignalSpy ready(&w.listModel(), &itemmodels::IncidentTableModel::queryReady);
        Q_EMIT series->barSets().value(2)->clicked(lastWeek);
        QCOMPARE(tabs->currentIndex(), 0);
        QCOMPARE(w.listModel().filter().severity, 3);
        QCOMPARE(w.listModel().filter().createdFrom, dash->metrics().weeks.last());
        QCOMPARE(w.listModel().filter().createdBefore, dash->metrics().filter.to);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(w.listModel().rowCount()), bar, 10000);

        auto *wallMode = w.findChild<QAction *>(QStringLiteral("actionWallMode"));
        QVERIFY(wallMode);
        auto walls = [] {
            int n = 0;
            for (QWidget *t : QApplication::topLevelWidgets())
                n += qobject_cast<ui::WallWindow *>(t) && t->isVisible();
            return n;
        };
        wallMode->setChecked(true);
        QCOMPARE(walls(), 1);
        wallMode->setChecked(false);
        QTest::qWait(50);
        QCOMPARE(walls(), 0);
    }

    void failure_keepsNumbersAndSaysSo()
    {
        metrics::MetricsService svc(m_ctx->dbPath(), m_ctx->clock());
        ui::DashboardView v(svc);
        QVERIFY(v.waitForData());
        const auto before = v.metrics().total();
        const QString away = m_ctx->dbPath() + QStringLiteral(".away");
        QVERIFY(QFile::rename(m_ctx->dbPath(), away));
        QSignalSpy failed(&svc, &metrics::MetricsService::failed);
        v.refresh();
        QVERIFY(failed.wait(10000));
        QVERIFY(QFile::rename(away, m_ctx->dbPath()));
        QCOMPARE(v.metrics().total(), before);
        auto *status = v.findChild<QLabel *>(QStringLiteral("dashboardStatus"));
        QVERIFY(status && status->text().contains(QStringLiteral("not there")));
    }
};

QTEST_MAIN(TestDashboardView)
#include "tst_dashboardview.moc"
