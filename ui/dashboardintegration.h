// SPDX-License-Identifier: MIT
#pragma once

namespace sitrep::app {
class AppContext;
}

namespace sitrep::ui {

class MainWindow;

/// Adds the Dashboard tab and View > Dashboard / Wall mode to the war-room window: one
/// metrics worker for both; a chart click opens the matching incidents in the list; wall
/// mode opens full screen on the window's screen and Esc (or the toggle) leaves it.
/// Everything is owned by `window`.
void attachDashboard(MainWindow &window, app::AppContext &context);

} // namespace sitrep::ui
