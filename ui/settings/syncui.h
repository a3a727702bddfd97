// SPDX-License-Identifier: MIT
#pragma once

class QMainWindow;
class QObject;

namespace sitrep::host {
class ServiceHost;
}

namespace sitrep::ui {

/// Shows the service host's sync and AWS services in a main window: their state in the
/// status bar (labels follow the host as it rebuilds them), and the settings (click a
/// status, or Ctrl+Alt+S, also in the Settings menu). Saved settings restart the host's
/// services. Builds no service. `services` must outlive the window. Returns the object that
/// holds the labels and settings (a child of `window`).
QObject *attachSync(QMainWindow &window, host::ServiceHost &services);

} // namespace sitrep::ui
