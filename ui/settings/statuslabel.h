// SPDX-License-Identifier: MIT
#pragma once

#include <QLabel>

namespace sitrep::ui {

/// A state for a status bar that leads to its settings: clicking it asks for them
/// (settingsRequested). The state shows with a symbol as well as a colour, so it survives
/// colour blindness.
class SettingsStatusLabel : public QLabel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsStatusLabel)
public:
    explicit SettingsStatusLabel(const QString &objectName, QWidget *parent = nullptr);

Q_SIGNALS:
    void settingsRequested();

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    /// Shows `symbol` and `text`, in bold red when `alarm`, with `toolTip`.
    void showState(const QString &symbol, const QString &text, bool alarm, const QString &toolTip);
};

} // namespace sitrep::ui
