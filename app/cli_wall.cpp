// SPDX-License-Identifier: MIT
#include "cli_wall.h"

#include "app/appcontext.h"
#include "metrics/metricsservice.h"
#include "wall/wallwindow.h"

#include <QApplication>
#include <QGuiApplication>
#include <QScreen>

#include <cstdio>

namespace sitrep::gui {

int runWall(app::AppContext &context, const QString &screen, const QString &rotateSeconds)
{
    bool ok1 = false, ok2 = false;
    const int n = screen.toInt(&ok1);
    const int rotate = rotateSeconds.toInt(&ok2);
    const int screens = int(QGuiApplication::screens().size());
    if (!ok1 || n < 0 || n >= screens) {
        fprintf(stderr, "sitrep: --screen must be between 0 and %d\n", screens - 1);
        return 1;
    }
    if (!ok2 || rotate < 3 || rotate > 3600) {
        fprintf(stderr, "sitrep: --rotate must be between 3 and 3600 seconds\n");
        return 1;
    }
    metrics::MetricsService service(context.dbPath(), context.clock());
    ui::WallWindow::Options o;
    o.rotateSeconds = rotate;
    ui::WallWindow wall(service, o);
    QObject::connect(&wall, &ui::WallWindow::exitRequested, qApp, &QApplication::quit);
    wall.showOnScreen(n);
    return QApplication::exec();
}

} // namespace sitrep::gui
