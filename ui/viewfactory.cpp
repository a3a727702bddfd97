// SPDX-License-Identifier: MIT
#include "viewfactory.h"

#include "mainwindow.h"
#include "postmortem/postmortemscreenshots.h"
#include "warroomscreenshots.h"

namespace sitrep::ui {

QStringList screenshotViews()
{
    return QStringList{QStringLiteral("list"), QStringLiteral("incident"), QStringLiteral("create")} + postmortemScreenshotViews();
}

QWidget *createScreenshotView(const QString &view, app::AppContext &context, const QSize &size)
{
    QWidget *w = nullptr;
    if (view == u"list" || view == u"incident" || view == u"create")
        w = createWarRoomScreenshot(view, context, size);
    else if (postmortemScreenshotViews().contains(view))
        w = createPostmortemScreenshot(view, context, size);
    if (w)
        w->resize(size);
    return w;
}

} // namespace sitrep::ui
