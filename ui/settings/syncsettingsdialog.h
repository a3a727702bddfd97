// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace sitrep::sync {
class SyncSettings;
}

namespace sitrep::ui {

/// Back-end settings: URL, token (kept in the system keychain), and a "Test connection"
/// button that says exactly what failed.
class SyncSettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncSettingsDialog)
public:
    explicit SyncSettingsDialog(sync::SyncSettings &settings, QWidget *parent = nullptr);

    /// The text of the last test or save result (for tests).
    QString resultText() const;

public Q_SLOTS:
    void testConnection();
    void save();

private:
    void showResult(bool ok, const QString &text);

    sync::SyncSettings &m_settings;
    QLineEdit *m_url;
    QLineEdit *m_token;
    QPushButton *m_test;
    QLabel *m_result;
};

} // namespace sitrep::ui
