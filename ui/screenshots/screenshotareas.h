// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

class QWidget;

namespace sitrep::host {
class AppContext;
}

namespace sitrep::ui {

/// One area's `sitrep screenshot` views: the names it knows, and how it builds one of them
/// on the context's data (null for a name it does not know).
struct ScreenshotArea {
    QStringList views;
    QWidget *(*create)(const QString &view, host::AppContext &context, const QSize &size) = nullptr;
    /// A dialog keeps its own size; the other views are resized to the picture.
    bool keepsOwnSize = false;
};

/// The war room: "list" (main window, first page loaded), "incident" (the busiest open
/// critical incident in a tab), "create" (the new-incident dialog filled in, showing the
/// live priority), "incident-edit" (the field editor open), "list-selection" (several
/// incidents selected, the list asking whom to assign them to).
ScreenshotArea warRoomScreenshots();
/// postmortem, runbook, action-items. Picks a resolved incident with a long timeline for
/// the postmortem, an open one with a matching runbook for the checklist.
ScreenshotArea postmortemScreenshots();
/// problems (problems and known errors), knowledge-base; shows the problem with the most
/// linked incidents. Reads only.
ScreenshotArea problemsScreenshots();
/// dashboard, with its numbers already loaded (it waits for the worker).
ScreenshotArea dashboardScreenshots();
/// The wall: wall (active incidents), wall-charts, with the numbers already loaded.
ScreenshotArea wallScreenshots();
/// settings: the back-end, AWS and notification settings dialog.
ScreenshotArea settingsScreenshots();
/// triage: the triage panel of the busiest open incident, with a suggestion from the saved
/// model (or one trained in memory; nothing is written).
ScreenshotArea triageScreenshots();
/// conflict (an incident workspace with the banner), team. The conflict is staged between
/// two scratch replicas in a temporary folder the widget owns, so the user's database is
/// not touched; the context only lends its workflow.
ScreenshotArea syncScreenshots();
/// maintenance (maintenance windows and changes), remediation-failed (failed remediations
/// from the dead-letter queue). The database's own windows, changes and failed
/// remediations are shown when it has some; otherwise a scratch database with a small demo
/// history and a few of each is rendered, so the user's database is never written.
ScreenshotArea remediationScreenshots();

} // namespace sitrep::ui
