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

/// Screenshot views of this area: maintenance (maintenance windows and changes),
/// remediation-failed (failed remediations from the dead-letter queue).
QStringList remediationScreenshotViews();
/// Builds one of them. The database's own windows, changes and failed remediations are
/// shown when it has some; otherwise a scratch database with a small demo history and a
/// few of each is rendered, so the user's database is never written.
QWidget *createRemediationScreenshot(const QString &view, host::AppContext &context,
                                     const QSize &size);

} // namespace sitrep::ui
