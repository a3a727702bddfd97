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

/// `sitrep screenshot` views of the wall: wall (active incidents), wall-charts.
QStringList wallScreenshotViews();
/// The wall with its numbers already loaded (it waits for the worker); null if unknown.
QWidget *createWallScreenshot(const QString &view, host::AppContext &context, const QSize &size);

} // namespace sitrep::ui
