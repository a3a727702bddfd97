// SPDX-License-Identifier: MIT
#include "ui/settings/syncsettingsdialog.h"

#include "host/awssettings.h"
#include "secrets/secretstore.h"
#include "sync/syncsettings.h"
#include "sync/wire.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace sitrep::ui {

using host::AwsConfig;

SyncSettingsDialog::SyncSettingsDialog(sync::SyncSettings &settings, QWidget *parent)
    : SyncSettingsDialog(settings, nullptr, parent)
{
}

SyncSettingsDialog::SyncSettingsDialog(sync::SyncSettings &settings, host::AwsSettings *aws,
                                       QWidget *parent)
    : QDialog(parent), m_settings(settings), m_aws(aws), m_url(new QLineEdit(this)),
      m_token(new QLineEdit(this)), m_test(new QPushButton(tr("&Test connection"), this)),
      m_result(new QLabel(this))
{
    setObjectName(QStringLiteral("syncSettingsDialog"));
    setWindowTitle(m_aws ? tr("Back end, AWS and notifications") : tr("Back end"));
    m_url->setObjectName(QStringLiteral("backendUrl"));
    m_url->setText(m_settings.url());
    m_url->setPlaceholderText(QStringLiteral("https://sitrep.example.com"));
    m_token->setObjectName(QStringLiteral("backendToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("bearer token, stored in the system keychain"));
    m_settings.token(storedMarker({m_token}));
    m_result->setObjectName(QStringLiteral("testResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("T&oken:"), m_token);
    if (m_aws) {
        auto *box = new QGroupBox(tr("REST back end"), this);
        box->setLayout(form);
        layout->addWidget(box);
        buildAws(layout);
    } else {
        layout->addLayout(form);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    // Grows with a long test result instead of squeezing the form.
    layout->setSizeConstraint(QLayout::SetMinimumSize);

    connect(m_test, &QPushButton::clicked, this, &SyncSettingsDialog::testConnection);
    connect(buttons, &QDialogButtonBox::accepted, this, &SyncSettingsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(m_aws ? 760 : 520, sizeHint().height());
}

SyncSettingsDialog::~SyncSettingsDialog() = default;

QLineEdit *SyncSettingsDialog::secretEdit(const QString &name, const QString &what)
{
    auto *e = new QLineEdit(this);
    e->setObjectName(name);
    e->setEchoMode(QLineEdit::Password);
    // Never shown back: an empty field keeps what the keychain holds.
    e->setPlaceholderText(what);
    return e;
}

std::function<void(const QString &)> SyncSettingsDialog::storedMarker(QList<QLineEdit *> edits)
{
    QPointer<SyncSettingsDialog> self(this);
    return [self, edits](const QString &value) {
        if (!self || value.isEmpty())
            return;
        for (QLineEdit *e : edits)
            e->setPlaceholderText(tr("stored in the system keychain (type to replace)"));
    };
}

void SyncSettingsDialog::buildAws(QVBoxLayout *layout)
{
    const AwsConfig c = m_aws->load();
    auto line = [this](const QString &name, const QString &value, const QString &placeholder) {
        auto *e = new QLineEdit(value, this);
        e->setObjectName(name);
        e->setPlaceholderText(placeholder);
        return e;
    };
    m_endpoint = line(QStringLiteral("awsEndpoint"), c.endpoint,
                      tr("empty: the region's AWS endpoints; https, or http on loopback"));
    m_region = line(QStringLiteral("awsRegion"), c.region, QStringLiteral("us-east-1"));
    m_profile = line(QStringLiteral("awsProfile"), c.profile,
                     tr("profile in ~/.aws/credentials (default)"));
    m_keyId = secretEdit(QStringLiteral("awsAccessKeyId"),
                         tr("access key id (AKIA…), stored in the system keychain"));
    m_secretKey = secretEdit(QStringLiteral("awsSecretAccessKey"),
                             tr("secret access key, stored in the system keychain"));
    m_sessionToken =
        secretEdit(QStringLiteral("awsSessionToken"), tr("session token (temporary keys only)"));
    m_aws->secret(secrets::AwsAccessKeyIdSecret, storedMarker({m_keyId, m_secretKey}));
    m_queue =
        line(QStringLiteral("awsAlertQueue"), c.alertQueue,
             QStringLiteral("https://sqs.us-east-1.amazonaws.com/123456789012/sitrep-alerts"));
    m_slaTopic = line(QStringLiteral("awsSlaTopic"), c.slaTopic,
                      tr("topic name or ARN, e.g. sitrep-sla-alerts"));
    m_statusTopic = line(QStringLiteral("awsStatusTopic"), c.statusTopic,
                         tr("topic for external status updates"));

    auto *aws = new QGroupBox(tr("AWS (SQS alerts, SNS topics)"), this);
    auto *af = new QFormLayout(aws);
    af->addRow(tr("&Endpoint:"), m_endpoint);
    af->addRow(tr("&Region:"), m_region);
    auto *keys = new QHBoxLayout;
    keys->addWidget(m_keyId, 2);
    keys->addWidget(m_secretKey, 3);
    auto *keysLabel = new QLabel(tr("Access &key:"), this);
    keysLabel->setBuddy(m_keyId);
    af->addRow(keysLabel, keys);
    af->addRow(tr("Session toke&n:"), m_sessionToken);
    af->addRow(tr("Credentials &profile:"), m_profile);
    auto *order = new QLabel(tr("Keys used: AWS_ACCESS_KEY_ID if set, else the keys stored here, "
                                "else ~/.aws/credentials"),
                             this);
    order->setStyleSheet(QStringLiteral("color: palette(mid);"));
    af->addRow(order);
    af->addRow(tr("Alert &queue:"), m_queue);
    af->addRow(tr("S&LA topic:"), m_slaTopic);
    af->addRow(tr("Status top&ic:"), m_statusTopic);
    layout->addWidget(aws);

    auto nc = host::AwsSettings::notifyConfig(c);
    m_slackSecret = nc ? nc->slackTokenSecret : QStringLiteral("slack_bot_token");
    m_notifyFile =
        line(QStringLiteral("notifyConfig"), c.notifyConfig, tr("channels YAML file (optional)"));
    m_slackBase = line(QStringLiteral("slackBaseUrl"), c.slackBaseUrl,
                       QStringLiteral("https://slack.com/api/"));
    m_slackToken = secretEdit(QStringLiteral("slackToken"),
                              tr("bot token (xoxb-…), stored in the system keychain"));
    m_aws->secret(m_slackSecret, storedMarker({m_slackToken}));
    m_channels = new QPlainTextEdit(c.channels, this);
    m_channels->setObjectName(QStringLiteral("notifyChannels"));
    m_channels->setPlaceholderText(
        QStringLiteral("team_channel webhook https://chat.example.com/hooks/team\n"
                       "slack_critical slack war_room\n"
                       "page_oncall sns sitrep-page-oncall"));
    m_channels->setTabChangesFocus(true);
    m_channels->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_channels->setFixedHeight(m_channels->fontMetrics().lineSpacing() * 4 + 12);
    auto *notify = new QGroupBox(tr("Notifications"), this);
    auto *nf = new QFormLayout(notify);
    nf->addRow(tr("Slack &base URL:"), m_slackBase);
    nf->addRow(tr("Sl&ack token:"), m_slackToken);
    nf->addRow(tr("&Channels:"), m_channels);
    nf->addRow(tr("Channels &file:"), m_notifyFile);
    layout->addWidget(notify);
}

bool SyncSettingsDialog::testing() const
{
    return !m_test->isEnabled();
}

QString SyncSettingsDialog::resultOutcome() const
{
    return m_result->property("outcome").toString();
}

QString SyncSettingsDialog::resultText() const
{
    return m_result->text();
}

void SyncSettingsDialog::showNote(const QString &text)
{
    m_result->setText(text);
    m_result->setStyleSheet(QString());
    m_result->setProperty("outcome", QStringLiteral("note"));
}

void SyncSettingsDialog::showResult(bool ok, const QString &text)
{
    m_result->setProperty("outcome", ok ? QStringLiteral("ok") : QStringLiteral("failed"));
    m_result->setText(text);
    // Shape and colour both carry the outcome.
    m_result->setStyleSheet(ok ? QStringLiteral("color: #1a7f37;")
                               : QStringLiteral("color: #b42318; font-weight: bold;"));
}

void SyncSettingsDialog::testConnection()
{
    m_test->setEnabled(false);
    showNote(tr("Testing…"));
    QPointer<SyncSettingsDialog> self(this);
    const bool backend = !m_aws || !m_url->text().trimmed().isEmpty();
    if (!backend)
        return testAws({});
    const QUrl url(m_url->text().trimmed(), QUrl::StrictMode);
    // An empty field tests the stored token without showing it.
    if (!m_token->text().isEmpty())
        return testBackend(url, m_token->text());
    m_settings.token([self, url](const QString &token) {
        if (self)
            self->testBackend(url, token);
    });
}

void SyncSettingsDialog::testBackend(const QUrl &url, const QString &token)
{
    QPointer<SyncSettingsDialog> self(this);
    // The test tells who the token belongs to; for the stored back end that is kept, as a
    // sync would, so the window knows who acts.
    sync::SyncSettings::testConnection(
        url, token, 10000,
        [self](const Status &s, const QString &msg) {
            if (!self)
                return;
            const QString line =
                s ? QStringLiteral("✔ ") + (self->m_aws ? tr("Back end: ") : QString()) + msg
                  : QStringLiteral("✘ ") + (self->m_aws ? tr("Back end: ") : QString()) +
                        s.errorMessage();
            if (self->m_aws)
                return self->testAws(line);
            self->m_test->setEnabled(true);
            self->showResult(s.ok(), line);
        },
        &m_settings.store());
}

static AwsConfig fieldsOf(QLineEdit *endpoint, QLineEdit *region, QLineEdit *profile,
                          QLineEdit *queue, QLineEdit *sla, QLineEdit *status, QLineEdit *file,
                          QLineEdit *slack, QPlainTextEdit *channels)
{
    AwsConfig c;
    c.endpoint = endpoint->text().trimmed();
    c.region = region->text().trimmed();
    c.profile = profile->text().trimmed();
    c.alertQueue = queue->text().trimmed();
    c.slaTopic = sla->text().trimmed();
    c.statusTopic = status->text().trimmed();
    c.notifyConfig = file->text().trimmed();
    c.slackBaseUrl = slack->text().trimmed();
    c.channels = channels->toPlainText().trimmed();
    return c;
}

void SyncSettingsDialog::testAws(const QString &prefix)
{
    const AwsConfig c = fieldsOf(m_endpoint, m_region, m_profile, m_queue, m_slaTopic,
                                 m_statusTopic, m_notifyFile, m_slackBase, m_channels);
    const bool anything = c.consumerConfigured() || c.notifierConfigured() ||
                          !c.endpoint.isEmpty() || !c.slackBaseUrl.isEmpty();
    if (!anything) {
        m_test->setEnabled(true);
        // Nothing configured is neither a pass nor a failure: said plainly, not in green.
        if (prefix.isEmpty())
            return showNote(QStringLiteral("ℹ ") + tr("Nothing to test yet: enter a back-end URL, "
                                                      "an alert queue, a topic or a channel."));
        showResult(!prefix.startsWith(QStringLiteral("✘")), prefix);
        return;
    }
    // Keys typed here are tested as typed; otherwise environment, keychain, profile.
    std::shared_ptr<aws::CredentialsProvider> creds;
    if (!m_keyId->text().trimmed().isEmpty())
        creds = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
            m_keyId->text().trimmed(), m_secretKey->text(), m_sessionToken->text()});
    else
        creds = m_aws->credentials(c);
    QString slackSecret = m_slackSecret;
    if (auto nc = host::AwsSettings::notifyConfig(c))
        slackSecret = nc->slackTokenSecret;
    // A stored token is read only to test it, never put into a widget.
    if (!m_slackToken->text().isEmpty())
        return testAwsWith(prefix, c, creds, m_slackToken->text());
    QPointer<SyncSettingsDialog> self(this);
    m_aws->secret(slackSecret, [self, prefix, c, creds](const QString &slackToken) {
        if (self)
            self->testAwsWith(prefix, c, creds, slackToken);
    });
}

void SyncSettingsDialog::testAwsWith(const QString &prefix, const AwsConfig &c,
                                     const std::shared_ptr<aws::CredentialsProvider> &creds,
                                     const QString &slackToken)
{
    QPointer<SyncSettingsDialog> self(this);
    m_aws->testConnection(
        c, creds, slackToken, 10000, [self, prefix](QList<host::ConnectionCheck> checks) {
            if (!self)
                return;
            QStringList lines;
            if (!prefix.isEmpty())
                lines << prefix;
            bool ok = !prefix.startsWith(QStringLiteral("✘"));
            for (const auto &ch : checks) {
                lines << QStringLiteral("%1 %2: %3")
                             .arg(ch.ok ? QStringLiteral("✔") : QStringLiteral("✘"), ch.subject,
                                  ch.detail);
                ok = ok && ch.ok;
            }
            self->m_test->setEnabled(true);
            self->showResult(ok, lines.join(u'\n'));
        });
}

void SyncSettingsDialog::save()
{
    const bool backend = !m_aws || !m_url->text().trimmed().isEmpty();
    if (m_aws) {
        // Everything is checked before anything is written.
        const AwsConfig c = fieldsOf(m_endpoint, m_region, m_profile, m_queue, m_slaTopic,
                                     m_statusTopic, m_notifyFile, m_slackBase, m_channels);
        if (auto v = c.validate(); !v) {
            showResult(false, QStringLiteral("✘ ") + v.errorMessage());
            return;
        }
        if (!m_keyId->text().trimmed().isEmpty())
            if (auto s = host::AwsSettings::checkAccessKey(m_keyId->text(), m_secretKey->text());
                !s) {
                showResult(false, QStringLiteral("✘ ") + s.errorMessage());
                return;
            }
        if (backend) {
            const QUrl url(m_url->text().trimmed(), QUrl::StrictMode);
            if (auto s = sync::checkEndpoint(url); !s) {
                showResult(false, QStringLiteral("✘ ") + s.errorMessage());
                return;
            }
        }
    }
    // The secrets go to the keychain one after the other; the first failure stops there.
    using Done = secrets::SecretStore::Done;
    QList<std::function<void(Done)>> steps;
    QPointer<SyncSettingsDialog> self(this);
    if (backend) {
        if (auto s = m_settings.setUrl(m_url->text()); !s) {
            showResult(false, QStringLiteral("✘ ") + s.errorMessage());
            return;
        }
        if (!m_token->text().isEmpty())
            steps << [self](Done next) {
                self->m_settings.setToken(self->m_token->text(), [self, next](const Status &s) {
                    if (s && self)
                        self->m_token->clear();
                    next(s);
                });
            };
    }
    if (m_aws) {
        const AwsConfig c = fieldsOf(m_endpoint, m_region, m_profile, m_queue, m_slaTopic,
                                     m_statusTopic, m_notifyFile, m_slackBase, m_channels);
        steps << [self, c](Done next) { next(self->m_aws->save(c)); };
        if (!m_keyId->text().trimmed().isEmpty())
            steps << [self](Done next) {
                self->m_aws->setAccessKey(self->m_keyId->text(), self->m_secretKey->text(),
                                          self->m_sessionToken->text(), next);
            };
        steps << [self](Done next) {
            self->m_keyId->clear();
            self->m_secretKey->clear();
            self->m_sessionToken->clear();
            next({});
        };
        if (!m_slackToken->text().isEmpty()) {
            QString slackSecret = m_slackSecret;
            if (auto nc = host::AwsSettings::notifyConfig(c))
                slackSecret = nc->slackTokenSecret;
            steps << [self, slackSecret](Done next) {
                self->m_aws->setSecret(slackSecret, self->m_slackToken->text(),
                                       [self, next](const Status &s) {
                                           if (s && self)
                                               self->m_slackToken->clear();
                                           next(s);
                                       });
            };
        }
    }
    // Each step runs while the dialog is there: a step that comes back after it closed
    // stops the rest.
    for (auto &step : steps)
        step = [self, step](Done next) {
            if (!self)
                return next(Status::fail(QStringLiteral("the settings dialog was closed")));
            step(std::move(next));
        };
    secrets::SecretStore::sequence(steps, [self](const Status &s) {
        if (!self)
            return;
        if (!s)
            return self->showResult(false, QStringLiteral("✘ ") + s.errorMessage());
        self->accept();
    });
}

} // namespace sitrep::ui
