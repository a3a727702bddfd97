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

/// `sitrep screenshot` views of this folder: dashboard.
QStringList dashboardScreenshotViews();
/// The view with its numbers already loaded (it waits for the worker); null if unknown.
QWidget *createDashboardScreenshot(const QString &view, host::AppContext &context,
                                   const QSize &size);

} // namespace sitrep::ui
