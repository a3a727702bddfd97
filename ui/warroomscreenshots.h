// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>

class QWidget;

namespace sitrep::app {
class AppContext;
}

namespace sitrep::ui {

/// The war-room views for `sitrep screenshot`: "list" (main window, first page loaded),
/// "incident" (the busiest open critical incident in a tab), "create" (the new-incident
/// dialog filled in, showing the live priority).
QWidget *createWarRoomScreenshot(const QString &view, app::AppContext &context, const QSize &size);

} // namespace sitrep::ui
