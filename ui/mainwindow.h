// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

namespace sitrep::app {
class AppContext;
}

namespace sitrep::ui {

/// The war-room window: incident list beside the incident workspace.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(app::AppContext &context, QWidget *parent = nullptr);

private:
    app::AppContext &m_context;
};

} // namespace sitrep::ui
