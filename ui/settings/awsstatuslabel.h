// SPDX-License-Identifier: MIT
#pragma once

#include "ui/settings/statuslabel.h"

namespace sitrep::host {
class AwsServices;
}

namespace sitrep::ui {

/// The AWS state for a status bar, beside the sync state: "AWS: alerts: listening, 3
/// ingested · notifications: 2 sent, 0 waiting", or the last error. Clicking it asks for
/// the settings (settingsRequested).
class AwsStatusLabel final : public SettingsStatusLabel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsStatusLabel)
public:
    explicit AwsStatusLabel(host::AwsServices &services, QWidget *parent = nullptr);

private:
    void refresh();
    host::AwsServices &m_services;
};

} // namespace sitrep::ui
