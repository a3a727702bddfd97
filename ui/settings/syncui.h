// SPDX-License-Identifier: MIT
#pragma once

class QMainWindow;
class QObject;

namespace sitrep::host {
class AppContext;
}

namespace sitrep::secrets {
class SecretStore;
}

namespace sitrep::ui {

/// Wires sync into a main window: starts the sync loop when the database has a back end
/// (token from the system keychain), the SQS alert consumer when an alert queue is set and
/// the notifier when notification channels are (AWS keys: keychain, environment, then
/// ~/.aws/credentials), shows their state in the status bar, and offers the settings
/// (click a status, or Ctrl+Alt+S). Everything is owned by `window` and stops when the
/// application quits. `secrets` replaces the system keychain (tests); it must outlive
/// the window. Returns the object that holds it all (its children: the services).
QObject *attachSync(QMainWindow &window, host::AppContext &context,
                    secrets::SecretStore *secrets = nullptr);

} // namespace sitrep::ui
