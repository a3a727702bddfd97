// SPDX-License-Identifier: MIT
#include "ui/screenshots/viewfactory.h"

#include "ui/mainwindow.h"
#include "ui/screenshots/dashboardscreenshots.h"
#include "ui/screenshots/postmortemscreenshots.h"
#include "ui/screenshots/problemsscreenshots.h"
#include "ui/screenshots/remediationscreenshots.h"
#include "ui/screenshots/settingsscreenshots.h"
#include "ui/screenshots/syncscreenshots.h"
#include "ui/screenshots/triagescreenshots.h"
#include "ui/screenshots/wallscreenshots.h"
#include "ui/screenshots/warroomscreenshots.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>

namespace sitrep::ui {

QStringList screenshotViews()
{
    return warRoomScreenshotViews() + postmortemScreenshotViews() + problemsScreenshotViews() +
           dashboardScreenshotViews() + wallScreenshotViews() + settingsScreenshotViews() +
           triageScreenshotViews() + syncScreenshotViews() + remediationScreenshotViews();
}

QWidget *createScreenshotView(const QString &view, host::AppContext &context, const QSize &size)
{
    QWidget *w = nullptr;
    if (warRoomScreenshotViews().contains(view))
        w = createWarRoomScreenshot(view, context, size);
    else if (postmortemScreenshotViews().contains(view))
        w = createPostmortemScreenshot(view, context, size);
    else if (dashboardScreenshotViews().contains(view))
        w = createDashboardScreenshot(view, context, size);
    else if (wallScreenshotViews().contains(view))
        w = createWallScreenshot(view, context, size);
    else if (problemsScreenshotViews().contains(view))
        w = createProblemsScreenshot(view, context, size);
    else if (triageScreenshotViews().contains(view))
        w = createTriageScreenshot(view, context, size);
    else if (remediationScreenshotViews().contains(view))
        w = createRemediationScreenshot(view, context, size);
    else if (syncScreenshotViews().contains(view))
        w = createSyncScreenshot(view, context, size);
    else if (settingsScreenshotViews().contains(view))
        return createSettingsScreenshot(view, context, size); // a dialog keeps its own size
    if (w)
        w->resize(size);
    return w;
}

QPixmap renderScreenshot(QWidget *view, const QSize &size, QString *note)
{
    view->show();
    // Let layouts, lazy models and timers settle before grabbing.
    for (int i = 0; i < 5; ++i)
        QApplication::processEvents();
    const QPixmap shot = view->grab();
    if (view->size() == size)
        return shot;
    if (note && (view->width() > size.width() || view->height() > size.height()))
        *note = QStringLiteral("the view needs at least %1x%2; the picture is cut to %3x%4")
                    .arg(view->width())
                    .arg(view->height())
                    .arg(size.width())
                    .arg(size.height());
    const qreal dpr = shot.devicePixelRatio();
    QPixmap canvas(size * dpr);
    canvas.setDevicePixelRatio(dpr);
    canvas.fill(view->palette().color(QPalette::Window).darker(140));
    QPainter p(&canvas);
    p.drawPixmap(QPoint(std::max(0, (size.width() - view->width()) / 2),
                        std::max(0, (size.height() - view->height()) / 2)),
                 shot);
    p.end();
    return canvas;
}

} // namespace sitrep::ui
