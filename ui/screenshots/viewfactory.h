// SPDX-License-Identifier: MIT
#pragma once

#include <QPixmap>
#include <QSize>
#include <QString>
#include <QStringList>

class QWidget;

namespace sitrep::host {
class AppContext;
}

namespace sitrep::ui {

/// Names accepted by `sitrep screenshot VIEW FILE`.
QStringList screenshotViews();
/// Builds a top-level widget showing `view` on the context's data, ready to be grabbed;
/// null for an unknown view. The caller owns it.
QWidget *createScreenshotView(const QString &view, host::AppContext &context, const QSize &size);
/// Shows `view`, lets it settle and renders it at exactly `size` (logical pixels; the
/// pixmap has the device pixel ratio's pixels). A view that keeps its own size (a dialog)
/// is drawn centred on a canvas of that size. `note` says when the view could not be made
/// that small and was cut.
QPixmap renderScreenshot(QWidget *view, const QSize &size, QString *note = nullptr);

} // namespace sitrep::ui
