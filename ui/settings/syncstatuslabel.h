// SPDX-License-Identifier: MIT
#pragma once

#include "ui/settings/statuslabel.h"

namespace sitrep::sync {
class SyncStatus;
}

namespace sitrep::ui {

/// The sync state for a status bar: "offline, 3 changes waiting", "in sync". Clicking it
/// asks for the back-end settings (settingsRequested).
class SyncStatusLabel final : public SettingsStatusLabel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncStatusLabel)
public:
    explicit SyncStatusLabel(sync::SyncStatus &status, QWidget *parent = nullptr);

private:
    void refresh();
    sync::SyncStatus &m_status;
};

} // namespace sitrep::ui
