// SPDX-License-Identifier: MIT
#pragma once

class QMainWindow;

namespace sitrep::app {
class AppContext;
}

namespace sitrep::ui {

/// Wires sync into a main window: starts the sync loop when the database has a back end
/// (token from the system keychain), shows its state in the status bar, and offers the
/// back-end settings (click the status, or Ctrl+Alt+S). Everything is owned by `window`.
void attachSync(QMainWindow &window, app::AppContext &context);

} // namespace sitrep::ui
