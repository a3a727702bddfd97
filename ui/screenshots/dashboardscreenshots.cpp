// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "ui/dashboards/dashboardview.h"
#include "ui/wall/wallwindow.h"

#include <QVBoxLayout>

namespace sitrep::ui {

static QWidget *createDashboardScreenshot(const QString &view, host::AppContext &context,
                                          const QSize &size)
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
    return nullptr;
}

ScreenshotArea dashboardScreenshots()
{
    return {{QStringLiteral("dashboard")}, &createDashboardScreenshot, false};
}

} // namespace sitrep::ui
