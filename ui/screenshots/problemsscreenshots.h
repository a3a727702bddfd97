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

/// Screenshot views of this area: problems (problems and known errors), knowledge-base.
QStringList problemsScreenshotViews();
/// Builds one of them on the context's data (null for other names); shows the problem with
/// the most linked incidents. Reads only.
QWidget *createProblemsScreenshot(const QString &view, host::AppContext &context,
                                  const QSize &size);

} // namespace sitrep::ui
