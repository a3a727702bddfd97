// SPDX-License-Identifier: MIT
#pragma once

#include <QLabel>

#include <functional>
#include <utility>

namespace sitrep::host {
class AwsServices;
}
namespace sitrep::sync {
class SyncStatus;
}

namespace sitrep::ui {

/// A state for a status bar that leads to its settings: clicking it asks for them
/// (settingsRequested). The state shows with a symbol as well as a colour, so it survives
/// colour blindness. It follows a source: whenever the source says it changed, the label
/// asks its state function again.
class SettingsStatusLabel final : public QLabel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsStatusLabel)
public:
    /// What the label shows: `symbol` and `text`, in bold red when `alarm`, with `toolTip`.
    struct State {
        QString symbol;
        QString text;
        bool alarm = false;
        QString toolTip;
    };

    /// Shows `state()` now and each time `source` emits `changed`.
    template <typename Source>
    SettingsStatusLabel(const QString &objectName, Source &source, void (Source::*changed)(),
                        std::function<State()> state, QWidget *parent = nullptr)
        : SettingsStatusLabel(objectName, std::move(state), parent)
    {
        connect(&source, changed, this, &SettingsStatusLabel::refresh);
        refresh();
    }

Q_SIGNALS:
    void settingsRequested();

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    SettingsStatusLabel(const QString &objectName, std::function<State()> state, QWidget *parent);
    void refresh();

    std::function<State()> m_state;
};

/// The sync state: "offline, 3 changes waiting", "in sync", after whom the token belongs
/// to. Clicking it asks for the back-end settings.
SettingsStatusLabel *syncStatusLabel(sync::SyncStatus &status, QWidget *parent = nullptr);
/// The AWS state, beside the sync state: "AWS: alerts: listening, 3 ingested ·
/// notifications: 2 sent, 0 waiting", or the last error. Clicking it asks for the settings.
SettingsStatusLabel *awsStatusLabel(host::AwsServices &services, QWidget *parent = nullptr);

} // namespace sitrep::ui
