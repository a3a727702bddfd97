// SPDX-License-Identifier: MIT
#include "viewfactory.h"

#include "mainwindow.h"

namespace sitrep::ui {

QStringList screenshotViews()
{
    return {QStringLiteral("list")};
}

QWidget *createScreenshotView(const QString &view, app::AppContext &context, const QSize &size)
{
    QWidget *w = nullptr;
    if (view == u"list")
        w = new MainWindow(context);
    if (w)
        w->resize(size);
    return w;
}

} // namespace sitrep::ui
