// SPDX-License-Identifier: MIT
#include "app/cli_wall.h"
#include "app/cliio.h"

#include "host/appcontext.h"
#include "metrics/metricsservice.h"
#include "secrets/secretstore.h"
#include "sync/syncservice.h"
#include "ui/wall/wallwindow.h"

#include <QApplication>
#include <QGuiApplication>
#include <QScreen>

#include <cstdio>
#include <memory>

namespace sitrep::gui {

int runWall(host::AppContext &context, const QString &screen, const QString &rotateSeconds)
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
    // A wall on a team back end follows it live (the same sync loop as the window: long
    // poll where offered) and recovers by itself when the connection returns.
    std::unique_ptr<sync::SyncService> feed;
    if (const QString url = context.store().meta(QStringLiteral("backend.url")); !url.isEmpty()) {
        secrets::KeychainSecretStore keychain;
        const auto token = cli::waitFor<QString>(
            [&](auto done) { keychain.read(secrets::BackendTokenSecret, std::move(done)); });
        sync::SyncOptions o;
        o.url = QUrl(url);
        o.token = token ? *token : QString();
        feed = std::make_unique<sync::SyncService>(context.engine(), o);
        feed->start();
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
