// SPDX-License-Identifier: MIT
#include "ui/settings/syncui.h"

#include "host/appcontext.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "host/servicehost.h"
#include "sync/syncservice.h"
#include "sync/syncsettings.h"
#include "ui/settings/statuslabel.h"
#include "ui/settings/syncsettingsdialog.h"
#include "ui/style/menus.h"

#include <QAction>
#include <QCoreApplication>
#include <QMainWindow>
#include <QMenu>
#include <QPointer>
#include <QStatusBar>

namespace sitrep::ui {

namespace {

// The window's side of the host's sync and AWS services: their labels and the settings.
class SyncHolder final : public QObject {
    Q_DECLARE_TR_FUNCTIONS(sitrep::ui::SyncHolder)
public:
    SyncHolder(QMainWindow &window, host::ServiceHost &services)
        : QObject(&window), m_window(window), m_services(services),
          m_settings(services.context().store(), services.secrets()),
          m_aws(services.context().store(), services.secrets())
    {
        setObjectName(QStringLiteral("syncHolder"));
        connect(&services, &host::ServiceHost::syncServiceChanged, this, &SyncHolder::showSync);
        connect(&services, &host::ServiceHost::awsServicesChanged, this, &SyncHolder::showAws);
        connect(&services, &host::ServiceHost::awsNotStarted, this, [this](const QString &m) {
            if (m_awsLabel)
                m_awsLabel->setText(QStringLiteral("⚠ ") + tr("AWS not started: %1").arg(m));
        });
        showSync(services.syncService());
        showAws(services.awsServices());
    }

    ~SyncHolder() override
    {
        delete m_awsLabel;
        delete m_label;
    }

    void showSync(sync::SyncService *service)
    {
        delete m_label;
        if (service)
            m_label = place(syncStatusLabel(*service->status(), &m_window), service);
    }

    void showAws(host::AwsServices *services)
    {
        delete m_awsLabel;
        if (services)
            m_awsLabel = place(awsStatusLabel(*services, &m_window), services);
    }

    /// Puts `label` in the status bar, leading to the settings, for as long as `service`
    /// (what it shows) lives.
    SettingsStatusLabel *place(SettingsStatusLabel *label, QObject *service)
    {
        m_window.statusBar()->addPermanentWidget(label);
        connect(label, &SettingsStatusLabel::settingsRequested, this, &SyncHolder::showSettings);
        connect(service, &QObject::destroyed, label, &QObject::deleteLater);
        return label;
    }

    void showSettings()
    {
        SyncSettingsDialog dlg(m_settings, &m_aws, &m_window);
        if (dlg.exec() == QDialog::Accepted)
            m_services.restart();
    }

private:
    QMainWindow &m_window;
    host::ServiceHost &m_services;
    sync::SyncSettings m_settings;
    host::AwsSettings m_aws;
    QPointer<SettingsStatusLabel> m_label;
    QPointer<SettingsStatusLabel> m_awsLabel;
};

} // namespace

QObject *attachSync(QMainWindow &window, host::ServiceHost &services)
{
    auto *holder = new SyncHolder(window, services);
    auto *settings = new QAction(QObject::tr("Back-end and AWS settings…"), &window);
    settings->setObjectName(QStringLiteral("syncSettings"));
    settings->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+S")));
    settings->setMenuRole(QAction::PreferencesRole);
    QObject::connect(settings, &QAction::triggered, holder, &SyncHolder::showSettings);
    window.addAction(settings);
    // Reachable without knowing the shortcut: the Settings menu, and so the command palette.
    menuNamed(window, QObject::tr("Settings"), QObject::tr("&Settings"))->addAction(settings);
    return holder;
}

} // namespace sitrep::ui
