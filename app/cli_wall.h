// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::host {
class AppContext;
}

namespace sitrep::gui {

/// `sitrep wall [--screen N] [--rotate SECONDS]`: the NOC wall, full screen, until Esc.
/// Needs a QApplication; returns the exit code.
int runWall(host::AppContext &context, const QString &screen, const QString &rotateSeconds);

} // namespace sitrep::gui
