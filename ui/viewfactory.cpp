// SPDX-License-Identifier: MIT
#include "viewfactory.h"

#include "dashboards/dashboardscreenshots.h"
#include "mainwindow.h"
#include "postmortem/postmortemscreenshots.h"
#include "triage/triagescreenshots.h"
#include "problems/problemsscreenshots.h"
#include "remediation/remediationscreenshots.h"
#include "settings/settingsscreenshots.h"
#include "sync/syncscreenshots.h"
#include "warroomscreenshots.h"

namespace sitrep::ui {

QStringList screenshotViews()
{
    return warRoomScreenshotViews() + postmortemScreenshotViews() + problemsScreenshotViews() +
           dashboardScreenshotViews() + settingsScreenshotViews() + triageScreenshotViews() +
           syncScreenshotViews() + remediationScreenshotViews();
}

QWidget *createScreenshotView(const QString &view, app::AppContext &context, const QSize &size)
{
    QWidget *w = nullptr;
    if (warRoomScreenshotViews().contains(view))
        w = createWarRoomScreenshot(view, context, size);
    else if (postmortemScreenshotViews().contains(view))
        w = createPostmortemScreenshot(view, context, size);
    else if (dashboardScreenshotViews().contains(view))
        w = createDashboardScreenshot(view, context, size);
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

} // namespace sitrep::ui
