// SPDX-License-Identifier: MIT
#include "ui/screenshots/viewfactory.h"

#include "ui/mainwindow.h"
#include "ui/screenshots/screenshotareas.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>

namespace sitrep::ui {

static const QList<ScreenshotArea> &screenshotAreas()
{
    static const QList<ScreenshotArea> areas{
        warRoomScreenshots(),   postmortemScreenshots(), problemsScreenshots(),
        dashboardScreenshots(), wallScreenshots(),       settingsScreenshots(),
        triageScreenshots(),    syncScreenshots(),       remediationScreenshots()};
    return areas;
}

QStringList screenshotViews()
{
    QStringList views;
    for (const ScreenshotArea &area : screenshotAreas())
        views += area.views;
    return views;
}

QWidget *createScreenshotView(const QString &view, host::AppContext &context, const QSize &size)
{
    for (const ScreenshotArea &area : screenshotAreas()) {
        if (!area.views.contains(view))
            continue;
        QWidget *w = area.create(view, context, size);
        if (w && !area.keepsOwnSize)
            w->resize(size);
        return w;
    }
    return nullptr;
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
