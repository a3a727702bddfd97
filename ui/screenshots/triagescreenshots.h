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

/// `sitrep screenshot triage FILE`: the triage panel of the busiest open incident, with a
/// suggestion from the saved model (or one trained in memory; nothing is written).
QStringList triageScreenshotViews();
QWidget *createTriageScreenshot(const QString &view, host::AppContext &context, const QSize &size);

} // namespace sitrep::ui
