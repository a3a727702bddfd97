// SPDX-License-Identifier: MIT
#include "ui/settings/syncui.h"

#include "host/appcontext.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "secrets/secretstore.h"
#include "sync/syncservice.h"
#include "sync/syncsettings.h"
#include "ui/settings/awsstatuslabel.h"
#include "ui/settings/syncsettingsdialog.h"
#include "ui/settings/syncstatuslabel.h"

#include <QAction>
#include <QCoreApplication>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QStatusBar>
#include <QTimer>

namespace sitrep::ui {

namespace {

// Owns the non-QObject parts for the window's lifetime.
class SyncHolder final : public QObject {
    Q_DECLARE_TR_FUNCTIONS(sitrep::ui::SyncHolder)
public:
    SyncHolder(QMainWindow &window, host::AppContext &context, secrets::SecretStore *secrets)
        : QObject(&window), m_window(window), m_context(context),
          m_keychain(QStringLiteral("sitrep"), 5000),
          m_secrets(secrets ? *secrets : static_cast<secrets::SecretStore &>(m_keychain)),
          m_settings(context.store(), m_secrets), m_aws(context.store(), m_secrets)
    {
        setObjectName(QStringLiteral("syncHolder"));
        // Stopped before the event loop ends, so nothing is half-way when the window goes.
        connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, this,
                &SyncHolder::stopAll);
    }

    ~SyncHolder() override
    {
        // The services use the secret store and settings held here: they go first.
        stopAll();
        delete m_awsLabel;
        delete m_awsServices;
        delete m_label;
        delete m_service;
    }

    void restart()
    {
        delete m_service;
        m_service = nullptr;
        delete m_label;
        m_label = nullptr;
        const QString url = m_settings.url();
        const quint64 generation = ++m_generation;
        if (!url.isEmpty()) {
            // The token comes from the keychain, which answers from the event loop.
            QPointer<SyncHolder> self(this);
            m_settings.token([self, generation, url](const QString &token) {
                if (self && generation == self->m_generation)
                    self->startSync(url, token);
            });
        }
        restartAws();
    }

    void startSync(const QString &url, const QString &token)
    {
        sync::SyncOptions o;
        o.url = QUrl(url);
        o.token = token;
        m_service = new sync::SyncService(m_context.engine(), o, this);
        m_label = new SyncStatusLabel(*m_service->status(), &m_window);
        m_window.statusBar()->addPermanentWidget(m_label);
        connect(m_label, &SyncStatusLabel::settingsRequested, this, &SyncHolder::showSettings);
        m_service->refreshStatus();
        m_service->start();
    }

    void restartAws()
    {
        delete m_awsLabel;
        m_awsLabel = nullptr;
        delete m_awsServices;
        m_awsServices = nullptr;
        const host::AwsConfig config = m_aws.load();
        if (!config.consumerConfigured() && !config.notifierConfigured())
            return;
        // Webhook tokens typed into the channel lines go to the keychain first (the lines keep
        // their names); then the services start, once, whatever the keychain answered.
        if (config.hasPlainSecrets() && !m_movingSecrets) {
            m_movingSecrets = true;
            QPointer<SyncHolder> self(this);
            m_aws.moveChannelSecrets([self](Result<int> moved) {
                if (!self)
                    return;
                if (!moved)
                    qWarning("webhook secrets stay in the settings: %s",
                             qPrintable(moved.errorMessage()));
                self->restartAws();
                self->m_movingSecrets = false;
            });
            return;
        }
        auto *services = new host::AwsServices(
            m_context.engine(), config, m_aws.credentials(config),
            [this](const QString &name, std::function<void(const QString &)> done) {
                m_secrets.value(name, std::move(done));
            },
            this);
        services->setObjectName(QStringLiteral("awsServices"));
        m_awsServices = services;
        m_awsLabel = new AwsStatusLabel(*services, &m_window);
        m_window.statusBar()->addPermanentWidget(m_awsLabel);
        connect(m_awsLabel, &AwsStatusLabel::settingsRequested, this, &SyncHolder::showSettings);
        // Started from the event loop: the window paints first, and a first keychain
        // lookup for the keys happens after that.
        QPointer<host::AwsServices> p(services);
        QTimer::singleShot(0, services, [p, this] {
            if (!p)
                return;
            if (auto s = p->start(); !s)
                m_awsLabel->setText(QStringLiteral("⚠ ") +
                                    tr("AWS not started: %1").arg(s.errorMessage()));
        });
    }

    void stopAll()
    {
        if (m_awsServices)
            m_awsServices->stop();
        if (m_service)
            m_service->stop();
    }

    void showSettings()
    {
        SyncSettingsDialog dlg(m_settings, &m_aws, &m_window);
        if (dlg.exec() == QDialog::Accepted)
            restart();
    }

private:
    QMainWindow &m_window;
    host::AppContext &m_context;
    secrets::KeychainSecretStore m_keychain;
    secrets::SecretStore &m_secrets;
    sync::SyncSettings m_settings;
    host::AwsSettings m_aws;
    QPointer<sync::SyncService> m_service;
    quint64 m_generation = 0; // of restart(): a token that comes late for an older one is dropped
    QPointer<SyncStatusLabel> m_label;
    QPointer<host::AwsServices> m_awsServices;
    bool m_movingSecrets = false;
    QPointer<AwsStatusLabel> m_awsLabel;
};

} // namespace

QObject *attachSync(QMainWindow &window, host::AppContext &context, secrets::SecretStore *secrets)
{
    auto *holder = new SyncHolder(window, context, secrets);
    auto *settings = new QAction(QObject::tr("Back-end and AWS settings…"), &window);
    settings->setObjectName(QStringLiteral("syncSettings"));
    settings->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+S")));
    settings->setMenuRole(QAction::PreferencesRole);
    QObject::connect(settings, &QAction::triggered, holder, &SyncHolder::showSettings);
    window.addAction(settings);
    // Reachable without knowing the shortcut: the Settings menu, and so the command palette.
    QMenu *menu = nullptr;
    for (QAction *a : window.menuBar()->actions())
        if (a->menu() && a->text().remove(u'&') == QObject::tr("Settings"))
            menu = a->menu();
    if (!menu)
        menu = window.menuBar()->addMenu(QObject::tr("&Settings"));
    menu->addAction(settings);
    holder->restart();
    return holder;
}

} // namespace sitrep::ui
