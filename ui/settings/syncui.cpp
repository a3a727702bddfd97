// SPDX-License-Identifier: MIT
#include "ui/settings/syncui.h"

#include "host/appcontext.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "host/servicehost.h"
#include "sync/syncservice.h"
#include "sync/syncsettings.h"
#include "ui/settings/awsstatuslabel.h"
#include "ui/settings/syncsettingsdialog.h"
#include "ui/settings/syncstatuslabel.h"
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
        if (!service)
            return;
        m_label = new SyncStatusLabel(*service->status(), &m_window);
        m_window.statusBar()->addPermanentWidget(m_label);
        connect(m_label, &SyncStatusLabel::settingsRequested, this, &SyncHolder::showSettings);
        // The label goes with the service it shows.
        connect(service, &QObject::destroyed, m_label, &QObject::deleteLater);
    }

    void showAws(host::AwsServices *services)
    {
        delete m_awsLabel;
        if (!services)
            return;
        m_awsLabel = new AwsStatusLabel(*services, &m_window);
        m_window.statusBar()->addPermanentWidget(m_awsLabel);
        connect(m_awsLabel, &AwsStatusLabel::settingsRequested, this, &SyncHolder::showSettings);
        connect(services, &QObject::destroyed, m_awsLabel, &QObject::deleteLater);
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
    QPointer<SyncStatusLabel> m_label;
    QPointer<AwsStatusLabel> m_awsLabel;
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
