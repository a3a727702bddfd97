// SPDX-License-Identifier: MIT
#include "ui/dashboardintegration.h"

#include "host/appcontext.h"
#include "itemmodels/incidenttablemodel.h"
#include "query/incidentquery.h"
#include "ui/dashboardintegration.h"
#include "ui/dashboards/dashboardview.h"
#include "ui/incidentlistview.h"
#include "ui/mainwindow.h"
#include "ui/style/menus.h"
#include "ui/wall/wallwindow.h"

#include <QAction>
#include <QDateTime>
#include <QGuiApplication>
#include <QMenu>
#include <QPointer>
#include <QScreen>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>

namespace sitrep::ui {

void attachDashboard(MainWindow &window, host::AppContext &context)
{
    auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("mainTabs"));
    if (!tabs)
        return;
    auto *service = new metrics::MetricsService(context.dbPath(), context.clock(), &window);
    auto *dashboard = new DashboardView(*service, tabs);
    const int index = tabs->insertTab(1, dashboard, QObject::tr("Dashboard"));
    tabs->tabBar()->setTabButton(index, QTabBar::RightSide, nullptr);
    tabs->tabBar()->setTabButton(index, QTabBar::LeftSide, nullptr);

    // A click on a chart: the list shows exactly the incidents behind that bar or point
    // (created in its week or range, its severity, the dashboard's service and group
    // filters, and for MTTA/MTTR/SLA the acknowledged/resolved/missed ones).
    QObject::connect(
        dashboard, &DashboardView::drillDown, &window,
        [&window, &context, tabs](const metrics::ListFilter &f) {
            tabs->setCurrentIndex(0);
            window.listView()->setSavedView(QStringLiteral("all"));
            query::IncidentFilter filter = f.toIncidentFilter();
            if (filter.now <= 0)
                filter.now = context.clock().nowMs();
            window.listModel().setFilter(filter);
            const auto day = [](qint64 ms) {
                return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                    .toString(QStringLiteral("d MMM"));
            };
            QString what;
            if (f.metric == u"mtta")
                what = QObject::tr("acknowledged ");
            else if (f.metric == u"mttr")
                what = QObject::tr("resolved ");
            else if (f.metric == u"sla-response")
                what = QObject::tr("response SLA missed, ");
            else if (f.metric == u"sla-resolution")
                what = QObject::tr("resolution SLA missed, ");
            QStringList scope;
            if (f.severity > 0)
                scope << QStringLiteral("SEV%1").arg(f.severity);
            else if (f.severity == 0)
                scope << QObject::tr("no severity");
            if (!f.service.isEmpty())
                scope << f.service;
            if (!f.group.isEmpty())
                scope << f.group;
            window.statusBar()->showMessage(
                QObject::tr("From the dashboard: %1 incidents, %2created %3 – %4")
                    .arg(scope.isEmpty() ? QObject::tr("all") : scope.join(QStringLiteral(", ")),
                         what, day(f.from), day(f.to - 1)),
                15000);
        });

    QMenu *view = menuNamed(window, QObject::tr("View"), QObject::tr("&View"));
    view->addSeparator();
    auto *showDash = view->addAction(QObject::tr("&Dashboard"));
    showDash->setObjectName(QStringLiteral("actionDashboard"));
    showDash->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    QObject::connect(showDash, &QAction::triggered, dashboard,
                     [tabs, dashboard] { tabs->setCurrentWidget(dashboard); });
    auto *wallMode = view->addAction(QObject::tr("&Wall mode"));
    wallMode->setObjectName(QStringLiteral("actionWallMode"));
    wallMode->setCheckable(true);
    wallMode->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    auto *wall = new QPointer<WallWindow>;
    QObject::connect(wallMode, &QObject::destroyed, [wall] { delete wall; });
    QObject::connect(
        wallMode, &QAction::toggled, &window, [&window, service, wall, wallMode](bool on) {
            if (on && !*wall) {
                auto *w = new WallWindow(*service);
                w->setAttribute(Qt::WA_DeleteOnClose);
                QObject::connect(w, &WallWindow::exitRequested, wallMode,
                                 [wallMode] { wallMode->setChecked(false); });
                QObject::connect(&window, &QObject::destroyed, w, &QWidget::close);
                *wall = w;
                const int screen = int(QGuiApplication::screens().indexOf(window.screen()));
                w->showOnScreen(qMax(0, screen));
            } else if (!on && *wall) {
                (*wall)->close();
            }
        });
}

} // namespace sitrep::ui
