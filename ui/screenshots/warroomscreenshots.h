// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

#include <QSize>
#include <QString>

class QWidget;

namespace sitrep::host {
class AppContext;
}

namespace sitrep::ui {

/// The war-room views for `sitrep screenshot`: "list" (main window, first page loaded),
/// "incident" (the busiest open critical incident in a tab), "create" (the new-incident
/// dialog filled in, showing the live priority).
/// list, incident, create, incident-edit (the field editor open), list-selection
/// (several incidents selected, the list asking whom to assign them to).
QStringList warRoomScreenshotViews();
QWidget *createWarRoomScreenshot(const QString &view, host::AppContext &context, const QSize &size);

} // namespace sitrep::ui
