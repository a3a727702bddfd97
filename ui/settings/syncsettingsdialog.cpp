// SPDX-License-Identifier: MIT
#include "settings/syncsettingsdialog.h"

#include "sync/syncsettings.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace sitrep::ui {

SyncSettingsDialog::SyncSettingsDialog(sync::SyncSettings &settings, QWidget *parent)
    : QDialog(parent),
      m_settings(settings),
      m_url(new QLineEdit(this)),
      m_token(new QLineEdit(this)),
      m_test(new QPushButton(tr("&Test connection"), this)),
      m_result(new QLabel(this))
{
    setWindowTitle(tr("Back end"));
    m_url->setText(m_settings.url());
    m_url->setPlaceholderText(QStringLiteral("https://sitrep.example.com"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(m_settings.hasToken() ? tr("stored in the system keychain (type to replace)")
                                                      : tr("bearer token, stored in the system keychain"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("T&oken:"), m_token);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_result);
    layout->addWidget(buttons);

    connect(m_test, &QPushButton::clicked, this, &SyncSettingsDialog::testConnection);
    connect(buttons, &QDialogButtonBox::accepted, this, &SyncSettingsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, sizeHint().height());
}

QString SyncSettingsDialog::resultText() const
{
    return m_result->text();
}

void SyncSettingsDialog::showResult(bool ok, const QString &text)
{
    m_result->setText(text);
    // Shape and colour both carry the outcome.
    m_result->setStyleSheet(ok ? QStringLiteral("color: #1a7f37;") : QStringLiteral("color: #b42318; font-weight: bold;"));
}

void SyncSettingsDialog::testConnection()
{
    m_test->setEnabled(false);
    showResult(true, tr("Testing…"));
    QPointer<SyncSettingsDialog> self(this);
    const QUrl url(m_url->text().trimmed(), QUrl::StrictMode);
    // An empty field tests the stored token without showing it.
    const QString token = m_token->text().isEmpty() ? m_settings.token() : m_token->text();
    sync::SyncSettings::testConnection(url, token, 10000, [self](const Status &s, const QString &msg) {
        if (!self)
            return;
        self->m_test->setEnabled(true);
        self->showResult(s.ok(), s ? QStringLiteral("✔ ") + msg : QStringLiteral("✘ ") + s.errorMessage());
    });
}

void SyncSettingsDialog::save()
{
    if (auto s = m_settings.setUrl(m_url->text()); !s) {
        showResult(false, QStringLiteral("✘ ") + s.errorMessage());
        return;
    }
    if (!m_token->text().isEmpty()) {
        if (auto s = m_settings.setToken(m_token->text()); !s) {
            showResult(false, QStringLiteral("✘ ") + s.errorMessage());
            return;
        }
        m_token->clear();
    }
    accept();
}

} // namespace sitrep::ui
