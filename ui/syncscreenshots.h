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

/// Screenshot views of the sync area: conflict (an incident workspace with the banner).
QStringList syncScreenshotViews();
/// Builds one of them (null for other names). The conflict is staged between two scratch
/// replicas in a temporary folder the widget owns, so the user's database is not touched;
/// the context only lends its workflow.
QWidget *createSyncScreenshot(const QString &view, app::AppContext &context, const QSize &size);

} // namespace sitrep::ui
