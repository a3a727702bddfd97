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

/// Screenshot views of this area: postmortem, runbook, action-items.
QStringList postmortemScreenshotViews();
/// Builds one of them on the context's data (null for other names). Picks a resolved
/// incident with a long timeline for the postmortem, an open one with a matching runbook
/// for the checklist.
QWidget *createPostmortemScreenshot(const QString &view, host::AppContext &context,
                                    const QSize &size);

} // namespace sitrep::ui
