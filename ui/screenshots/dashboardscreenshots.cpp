// SPDX-License-Identifier: MIT
#include "ui/screenshots/dashboardscreenshots.h"

#include "host/appcontext.h"
#include "ui/dashboards/dashboardview.h"
#include "ui/wall/wallwindow.h"

#include <QVBoxLayout>

namespace sitrep::ui {

QStringList dashboardScreenshotViews()
{
    return {QStringLiteral("dashboard"), QStringLiteral("wall"), QStringLiteral("wall-charts")};
}

QWidget *createDashboardScreenshot(const QString &view, host::AppContext &context, const QSize &size)
{
    if (view == u"dashboard") {
        auto *host = new QWidget;
        auto *service = new metrics::MetricsService(context.dbPath(), context.clock(), host);
        auto *l = new QVBoxLayout(host);
        l->setContentsMargins(0, 0, 0, 0);
        auto *dash = new DashboardView(*service, host);
        l->addWidget(dash);
        host->resize(size);
        dash->setRangeDays(90);
        dash->waitForData();
        return host;
    }
    if (view == u"wall" || view == u"wall-charts") {
        auto *service = new metrics::MetricsService(context.dbPath(), context.clock());
        WallWindow::Options o;
        o.rotateSeconds = 3600;
        auto *wall = new WallWindow(*service, o);
        service->setParent(wall);
        wall->resize(size);
        wall->waitForRefresh();
        if (view == u"wall-charts")
            for (int i = 0; i < 3; ++i)
                wall->rotate();
        return wall;
    }
    return nullptr;
}

} // namespace sitrep::ui
