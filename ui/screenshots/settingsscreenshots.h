// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QStringList>

class QWidget;

namespace sitrep::host {
class AppContext;
}

namespace sitrep::ui {

/// `settings`: the back-end, AWS and notification settings dialog.
QStringList settingsScreenshotViews();
QWidget *createSettingsScreenshot(const QString &view, host::AppContext &context,
                                  const QSize &size);

} // namespace sitrep::ui
