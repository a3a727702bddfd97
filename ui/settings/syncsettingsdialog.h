// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QList>

#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QUrl;
class QVBoxLayout;

namespace sitrep::sync {
class SyncSettings;
}
namespace sitrep::host {
class AwsSettings;
struct AwsConfig;
} // namespace sitrep::host
namespace sitrep::aws {
class CredentialsProvider;
}

namespace sitrep::ui {

/// Back-end settings: URL, token (kept in the system keychain), and, given AwsSettings,
/// the AWS section (endpoint, region, keys, alert queue, topics) and the notification
/// channels (Slack base URL and token, webhooks). Secrets go to the keychain and are never
/// shown back. "Test connection" says exactly what failed, line by line.
class SyncSettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncSettingsDialog)
public:
    explicit SyncSettingsDialog(sync::SyncSettings &settings, QWidget *parent = nullptr);
    SyncSettingsDialog(sync::SyncSettings &settings, host::AwsSettings *aws,
                       QWidget *parent = nullptr);
    ~SyncSettingsDialog() override;

    /// The text of the last test or save result (for tests).
    QString resultText() const;
    /// "ok", "failed", or "note" (neither: nothing to test, a test running).
    QString resultOutcome() const;
    /// True while a connection test runs.
    bool testing() const;

public Q_SLOTS:
    void testConnection();
    void save();

private:
    void showResult(bool ok, const QString &text);
    /// Neither success nor failure (nothing to test): neutral colour, an information mark.
    void showNote(const QString &text);
    void buildAws(QVBoxLayout *layout);
    void testBackend(const QUrl &url, const QString &token);
    void testAws(const QString &prefix);
    void testAwsWith(const QString &prefix, const host::AwsConfig &config,
                     const std::shared_ptr<aws::CredentialsProvider> &creds,
                     const QString &slackToken);
    QLineEdit *secretEdit(const QString &name, const QString &what);
    /// A callback for a secret's value: once it is known to be stored, the fields say so
    /// (the value itself is never shown).
    std::function<void(const QString &)> storedMarker(QList<QLineEdit *> edits);

    sync::SyncSettings &m_settings;
    host::AwsSettings *m_aws = nullptr;
    QLineEdit *m_url;
    QLineEdit *m_token;
    QPushButton *m_test;
    QLabel *m_result;
    QLineEdit *m_endpoint = nullptr;
    QLineEdit *m_region = nullptr;
    QLineEdit *m_profile = nullptr;
    QLineEdit *m_keyId = nullptr;
    QLineEdit *m_secretKey = nullptr;
    QLineEdit *m_sessionToken = nullptr;
    QLineEdit *m_queue = nullptr;
    QLineEdit *m_slaTopic = nullptr;
    QLineEdit *m_statusTopic = nullptr;
    QLineEdit *m_notifyFile = nullptr;
    QLineEdit *m_slackBase = nullptr;
    QLineEdit *m_slackToken = nullptr;
    QPlainTextEdit *m_channels = nullptr;
    QString m_slackSecret;
};

} // namespace sitrep::ui
