// SPDX-License-Identifier: MIT
#include "settings/syncui.h"

#include "app/appcontext.h"
#include "settings/syncsettingsdialog.h"
#include "settings/syncstatuslabel.h"
#include "sync/secretstore.h"
#include "sync/syncservice.h"
#include "sync/syncsettings.h"

#include <QAction>
#include <QMainWindow>
#include <QPointer>
#include <QStatusBar>

namespace sitrep::ui {

namespace {

// Owns the non-QObject parts for the window's lifetime.
class SyncHolder final : public QObject {
public:
    SyncHolder(QMainWindow &window, app::AppContext &context)
        : QObject(&window), m_window(window), m_context(context), m_keychain(QStringLiteral("sitrep"), 5000),
          m_settings(context.store(), m_keychain)
    {
    }

    void restart()
    {
        delete m_service;
        m_service = nullptr;
        delete m_label;
        m_label = nullptr;
        const QString url = m_settings.url();
        if (url.isEmpty())
            return;
        sync::SyncOptions o;
        o.url = QUrl(url);
        o.token = m_settings.token();
        m_service = new sync::SyncService(m_context.engine(), o, this);
        m_label = new SyncStatusLabel(*m_service->status(), &m_window);
        m_window.statusBar()->addPermanentWidget(m_label);
        connect(m_label, &SyncStatusLabel::settingsRequested, this, &SyncHolder::showSettings);
        m_service->refreshStatus();
        m_service->start();
    }

    void showSettings()
    {
        SyncSettingsDialog dlg(m_settings, &m_window);
        if (dlg.exec() == QDialog::Accepted)
            restart();
    }

private:
    QMainWindow &m_window;
    app::AppContext &m_context;
    sync::KeychainSecretStore m_keychain;
    sync::SyncSettings m_settings;
    QPointer<sync::SyncService> m_service;
    QPointer<SyncStatusLabel> m_label;
};

} // namespace

void attachSync(QMainWindow &window, app::AppContext &context)
{
    auto *holder = new SyncHolder(window, context);
    auto *settings = new QAction(QObject::tr("Back-end settings…"), &window);
    settings->setObjectName(QStringLiteral("syncSettings"));
    settings->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+S")));
    QObject::connect(settings, &QAction::triggered, holder, &SyncHolder::showSettings);
    window.addAction(settings);
    holder->restart();
}

} // namespace sitrep::ui
