// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "engine/command.h"

#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <functional>

class QAction;
class QLabel;
class QMenu;
class QSystemTrayIcon;
class QTabWidget;
class QTimer;

namespace sitrep::host {
class AppContext;
class ServiceHost;
} // namespace sitrep::host
namespace sitrep::reminders {
struct FiredReminder;
}
namespace sitrep::itemmodels {
class ChangeWatcher;
class IncidentTableModel;
} // namespace sitrep::itemmodels

namespace sitrep::ui {

class IncidentListView;
class IncidentWorkspace;
class ProblemsView;

/// The war-room window: the incident list and one tab per open incident, a command
/// palette, shortcuts for the common actions, desktop notifications for new P1s and SLA
/// breaches, and live updates from other processes writing the same database. The
/// background services (SLA clock, reminders, escalations, remediation, sync, AWS...) are
/// the service host's: the window shows what they do and builds none itself. Without a
/// host it only shows (tests, screenshots).
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(host::AppContext &context, host::ServiceHost *services = nullptr,
                        QWidget *parent = nullptr);
    ~MainWindow() override;

    itemmodels::IncidentTableModel &listModel() { return *m_model; }
    IncidentListView *listView() const { return m_list; }
    /// Opens (or switches to) the incident's tab.
    IncidentWorkspace *openIncident(const QString &uid);
    IncidentWorkspace *currentWorkspace() const;
    QList<IncidentWorkspace *> workspaces() const;
    /// Shows the create dialog (modal); returns the new incident's UID, empty if cancelled.
    QString newIncident();
    void showCommandPalette();
    /// Opens (or switches to) the problems and known-errors tab.
    ProblemsView *showProblems();
    /// Waits (running the event loop) until the list shows its first page.
    bool waitUntilLoaded(int timeoutMs = 5000);
    /// The last desktop notification raised (title, incident uid), for tests.
    QPair<QString, QString> lastNotification() const { return m_lastNotification; }
    /// Every action the palette offers: the window's own and those other parts put in its
    /// menus (settings, dashboard, ...).
    QList<QAction *> paletteActions() const;
    /// The incidents the window's actions act on: the incident of the current tab, else
    /// the incidents selected in the list (empty: nothing to act on).
    QStringList actionTargets() const;
    /// Runs one command per target in one batch and says what happened inline (in the
    /// incident's tab or above the list) and in the status bar. Nothing selected: says so.
    void runOnTargets(const QString &what,
                      const std::function<engine::Command(const QString &uid)> &make);
    /// The transitions every target allows now.
    QStringList commonTransitions() const;
    /// One tick of the live timers and the tabs' reminders (also run by a timer).
    void tick();
    host::ServiceHost *services() const;
    /// A passive window only shows: its tabs record no reminder events (screenshots).
    void setPassive(bool passive) { m_passive = passive; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildEditActions(QMenu *menu);
    /// Says why an action did nothing or what it did, where the user is looking.
    void report(const QString &text, bool error);
    /// The list's inline question, or the incident tab's field editor when one is open.
    void askOnTargets(
        const QString &field, const QString &prompt, const QStringList &choices,
        const std::function<engine::Command(const QString &uid, const QString &value)> &make);
    void onEvents(const QList<domain::Event> &events, const QSet<QString> &uids);
    void notify(const QString &title, const QString &text, const QString &uid);
    /// War-room reminders the host recorded: a tab shows its own in its banner, the others
    /// reach the commander through the tray.
    void onReminders(const QList<reminders::FiredReminder> &list);
    void updateStatus();

    host::AppContext &m_context;
    QPointer<host::ServiceHost> m_services;
    QString m_me;
    bool m_identityPending = false; // a back end whose user is not known yet
    itemmodels::IncidentTableModel *m_model = nullptr;
    itemmodels::ChangeWatcher *m_watcher = nullptr;
    IncidentListView *m_list = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTimer *m_tick = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QLabel *m_status = nullptr;
    QList<QAction *> m_paletteActions;
    QPair<QString, QString> m_lastNotification;
    qint64 m_lastChangeAt = 0;
    bool m_passive = false;
};

} // namespace sitrep::ui
