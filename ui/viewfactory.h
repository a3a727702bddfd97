// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

class QWidget;

namespace sitrep::app {
class AppContext;
}

namespace sitrep::ui {

/// Names accepted by `sitrep screenshot VIEW FILE`.
QStringList screenshotViews();
/// Builds a top-level widget showing `view` on the context's data, ready to be grabbed;
/// null for an unknown view. The caller owns it.
QWidget *createScreenshotView(const QString &view, app::AppContext &context, const QSize &size);

} // namespace sitrep::ui
