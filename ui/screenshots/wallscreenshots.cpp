// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "ui/wall/wallwindow.h"

namespace sitrep::ui {

static QWidget *createWallScreenshot(const QString &view, host::AppContext &context,
                                     const QSize &size)
{
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

ScreenshotArea wallScreenshots()
{
    return {{QStringLiteral("wall"), QStringLiteral("wall-charts")}, &createWallScreenshot, false};
}

} // namespace sitrep::ui
