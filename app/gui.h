// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace sitrep::gui {

/// True if args name a GUI entry point: no command, --demo, wall, screenshot.
bool isGuiCommand(const QStringList &args);
/// Runs the GUI (or renders a screenshot); returns the exit code.
int run(int &argc, char **argv);

} // namespace sitrep::gui
