// SPDX-License-Identifier: MIT
#include "viewfactory.h"

#include "mainwindow.h"
#include "warroomscreenshots.h"

namespace sitrep::ui {

QStringList screenshotViews()
{
    return {QStringLiteral("list"), QStringLiteral("incident"), QStringLiteral("create")};
}

QWidget *createScreenshotView(const QString &view, app::AppContext &context, const QSize &size)
{
    QWidget *w = nullptr;
    if (view == u"list" || view == u"incident" || view == u"create")
        w = createWarRoomScreenshot(view, context, size);
    if (w)
        w->resize(size);
    return w;
}

} // namespace sitrep::ui
