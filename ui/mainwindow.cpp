// SPDX-License-Identifier: MIT
#include "ui/mainwindow.h"

#include "engine/fieldrules.h"
#include "engine/lifecycleengine.h"
#include "host/appcontext.h"
#include "host/servicehost.h"
#include "itemmodels/changewatcher.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "query/incidentquery.h"
#include "reminders/reminderservice.h"
#include "sync/identity.h"
#include "ui/commandpalette.h"
#include "ui/createincidentdialog.h"
#include "ui/incidentlistview.h"
#include "ui/incidentworkspace.h"
#include "ui/keyboardguard.h"
#include "ui/logging.h"
#include "ui/postmortem/actionitemsview.h"
#include "ui/problems/problemsection.h"
#include "ui/problems/problemsview.h"
#include "ui/remediation/remediationview.h"
#include "ui/style/severitystyle.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

namespace sitrep::ui {

using namespace sitrep::itemmodels;

// Who acts in this window: the one rule of sync::Identity (with a back end, the token's user).
static sync::ActorInputs windowInputs()
{
    return sync::ActorInputs::window(QSettings().value(QStringLiteral("user/name")).toString());
}

MainWindow::MainWindow(host::AppContext &context, host::ServiceHost *services, QWidget *parent)
    : QMainWindow(parent), m_context(context), m_services(services),
      m_me(sync::Identity(context.store()).displayName(windowInputs()))
{
    setObjectName(QStringLiteral("mainWindow"));
    installAcceleratorGuard();
    setWindowTitle(tr("Sitrep — %1").arg(QFileInfo(m_context.dbPath()).fileName()));

    m_model = new IncidentTableModel(m_context.dbPath(), this);
    QHash<QString, QString> labels;
    for (const auto &s : m_context.engine().workflow().states())
        labels.insert(s.id, workflowStateLabel(s.label.isEmpty() ? s.id : s.label));
    m_model->setStateLabels(labels);
    m_model->setNow(m_context.clock().nowMs());

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_list = new IncidentListView(*m_model, m_context.engine().workflow(), m_me, m_tabs);
    m_tabs->addTab(m_list, tr("Incidents"));
    // The list tab stays.
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        if (i > 0) {
            QWidget *w = m_tabs->widget(i);
            m_tabs->removeTab(i);
            w->deleteLater();
        }
    });
    connect(m_list, &IncidentListView::openIncident, this,
            [this](const QString &uid) { openIncident(uid); });

    m_status = new QLabel(this);
    statusBar()->addPermanentWidget(m_status);

    buildActions();

    // A name the back end would refuse (user/name, SITREP_USER), or no name learned yet:
    // said where the user looks, not in a dialog.
    if (auto who = sync::Identity(m_context.store()).resolve(windowInputs()); !who) {
        statusBar()->showMessage(who.errorMessage());
        m_identityPending = who.error().code == sync::Identity::Unknown;
    }

    m_watcher = new ChangeWatcher(m_context.engine(), 400, this);
    connect(m_watcher, &ChangeWatcher::eventsArrived, this, &MainWindow::onEvents);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setToolTip(tr("Sitrep"));
        m_tray->show();
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            raise();
            activateWindow();
            if (!m_lastNotification.second.isEmpty())
                openIncident(m_lastNotification.second);
        });
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
    }

    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &MainWindow::tick);
    m_tick->start();
    if (m_services)
        connect(m_services, &host::ServiceHost::remindersRecorded, this, &MainWindow::onReminders);

    QSettings settings;
    resize(1400, 900);
    restoreGeometry(settings.value(QStringLiteral("mainwindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainwindow/state")).toByteArray());
    m_list->table()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("mainwindow/listHeader")).toByteArray());
    const QString view =
        settings.value(QStringLiteral("mainwindow/view"), QStringLiteral("open")).toString();
    m_list->setSavedView(view);
    updateStatus();
}

MainWindow::~MainWindow() = default;

host::ServiceHost *MainWindow::services() const
{
    return m_services;
}

void MainWindow::buildActions()
{
    auto make = [this](const QString &text, const QKeySequence &key, const QString &name,
                       auto slot) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        m_paletteActions << a;
        return a;
    };
    QAction *newInc =
        make(tr("&New incident…"), QKeySequence::New, QStringLiteral("actionNew"), [this] {
            const QString uid = newIncident();
            if (!uid.isEmpty())
                openIncident(uid);
        });
    QAction *palette = make(tr("Command &palette…"), QKeySequence(Qt::CTRL | Qt::Key_K),
                            QStringLiteral("actionPalette"), [this] { showCommandPalette(); });
    QAction *search =
        make(tr("&Search incidents"), QKeySequence::Find, QStringLiteral("actionSearch"), [this] {
            m_tabs->setCurrentIndex(0);
            m_list->focusSearch();
        });
    // Incident actions act on the incident of the current tab, or on every incident
    // selected in the list; with neither they say so instead of doing nothing.
    QAction *ack = make(tr("&Acknowledge"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                        QStringLiteral("actionAcknowledge"), [this] {
                            runOnTargets(tr("Acknowledged"), [this](const QString &uid) {
                                return engine::Command::make(engine::Command::Kind::Acknowledge,
                                                             uid, {}, m_me);
                            });
                        });
    QAction *note = make(tr("Add &note"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
                         QStringLiteral("actionNote"), [this] {
                             if (auto *w = currentWorkspace())
                                 return w->focusNote();
                             askOnTargets(QStringLiteral("note"), tr("Note:"), {},
                                          [this](const QString &uid, const QString &text) {
                                              return engine::Command::note(uid, text, m_me);
                                          });
                         });
    QAction *transition =
        make(tr("&Transition…"), QKeySequence(Qt::CTRL | Qt::Key_T),
             QStringLiteral("actionTransition"), [this] {
                 if (actionTargets().isEmpty())
                     return report(tr("Select an incident in the list first, or open one."), true);
                 showCommandPalette();
             });
    QAction *open = make(tr("&Open selected incident"), QKeySequence(Qt::CTRL | Qt::Key_O),
                         QStringLiteral("actionOpen"), [this] {
                             const QStringList uids = m_list->selectedUids();
                             if (uids.isEmpty())
                                 return report(tr("Select an incident in the list first."), true);
                             for (const QString &uid : uids)
                                 openIncident(uid);
                         });
    QAction *closeTab = make(tr("&Close incident tab"), QKeySequence::Close,
                             QStringLiteral("actionCloseTab"), [this] {
                                 const int i = m_tabs->currentIndex();
                                 if (i > 0)
                                     Q_EMIT m_tabs->tabCloseRequested(i);
                             });
    QAction *list = make(tr("Show incident &list"), QKeySequence(Qt::CTRL | Qt::Key_L),
                         QStringLiteral("actionList"), [this] { m_tabs->setCurrentIndex(0); });
    QAction *refresh =
        make(tr("&Refresh"), QKeySequence::Refresh, QStringLiteral("actionRefresh"), [this] {
            m_model->refresh();
            for (auto *w : workspaces())
                w->reload();
        });
    QList<QAction *> viewActions;
    int n = 1;
    for (const auto &[id, name] :
         QList<QPair<QString, QString>>{{QStringLiteral("open"), tr("Open")},
                                        {QStringLiteral("mine"), tr("My incidents")},
                                        {QStringLiteral("p1"), tr("P1 open")},
                                        {QStringLiteral("breaching"), tr("Breaching SLA")},
                                        {QStringLiteral("resolved_week"), tr("Resolved this week")},
                                        {QStringLiteral("all"), tr("All incidents")}}) {
        viewActions << make(tr("View: %1").arg(name),
                            QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + n++)),
                            QStringLiteral("actionView_") + id, [this, id = id] {
                                m_tabs->setCurrentIndex(0);
                                m_list->setSavedView(id);
                            });
    }
    QAction *actionItems =
        make(tr("Action &items (all incidents)"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I),
             QStringLiteral("actionActionItems"), [this] {
                 for (int i = 1; i < m_tabs->count(); ++i)
                     if (qobject_cast<ActionItemsView *>(m_tabs->widget(i))) {
                         m_tabs->setCurrentIndex(i);
                         return;
                     }
                 auto *v = new ActionItemsView(m_context.engine(), m_me, m_tabs);
                 connect(v, &ActionItemsView::openIncident, this,
                         [this](const QString &uid) { openIncident(uid); });
                 m_tabs->setCurrentIndex(m_tabs->addTab(v, tr("Action items")));
             });
    QAction *problems =
        make(tr("&Problems and known errors"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
             QStringLiteral("actionProblems"), [this] { showProblems(); });
    QAction *knowledge = make(tr("&Knowledge base"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K),
                              QStringLiteral("actionKnowledgeBase"), [this] {
                                  if (auto *v = showProblems())
                                      v->showKnowledgeBase();
                              });
    QAction *remediation = make(
        tr("Auto-&remediation"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
        QStringLiteral("actionRemediation"), [this] {
            for (int i = 1; i < m_tabs->count(); ++i)
                if (qobject_cast<RemediationView *>(m_tabs->widget(i))) {
                    m_tabs->setCurrentIndex(i);
                    return;
                }
            m_tabs->setCurrentIndex(m_tabs->addTab(
                new RemediationView(
                    m_context.engine(), m_me, m_services ? m_services->remediator() : nullptr,
                    m_services ? m_services->remediatorError() : tr("this window runs no services"),
                    m_tabs),
                tr("Remediation")));
        });
    QAction *quit =
        make(tr("&Quit"), QKeySequence::Quit, QStringLiteral("actionQuit"), [this] { close(); });

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(newInc);
    file->addSeparator();
    file->addAction(quit);
    QMenu *incident = menuBar()->addMenu(tr("&Incident"));
    for (QAction *a : {open, ack, note, transition})
        incident->addAction(a);
    buildEditActions(incident);
    incident->addSeparator();
    incident->addAction(closeTab);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QAction *a :
         {palette, search, list, actionItems, problems, knowledge, remediation, refresh})
        view->addAction(a);
    view->addSeparator();
    for (QAction *a : viewActions)
        view->addAction(a);

    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->setMovable(false);
    tb->addAction(newInc);
    tb->addAction(palette);
    tb->addAction(search);
    tb->addSeparator();
    tb->addAction(ack);
    tb->addAction(note);
    tb->addAction(transition);
}

void MainWindow::buildEditActions(QMenu *menu)
{
    using engine::Command;
    const auto add = [this](const QString &text, const QKeySequence &key, const QString &name,
                            auto slot) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        if (!key.isEmpty())
            a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        m_paletteActions << a;
        return a;
    };
    const auto setField = [this](const QString &field, const QJsonValue &value) {
        return [this, field, value](const QString &uid) {
            return Command::make(
                Command::Kind::SetField, uid,
                {{QStringLiteral("field"), field}, {QStringLiteral("value"), value}}, m_me);
        };
    };
    // Asks for a field's new value (`value` makes it of the text typed) and sets it on the
    // targets, or opens the field editor of the incident tab.
    const auto askField = [this, setField](const QString &field, const QString &prompt,
                                           QJsonValue (*value)(const QString &)) {
        askOnTargets(field, prompt, {},
                     [setField, field, value](const QString &uid, const QString &text) {
                         return setField(field, value(text))(uid);
                     });
    };
    const auto asText = [](const QString &text) -> QJsonValue { return text; };
    // Opens the field editor on `field` (empty: the first) in the current incident tab, or
    // in the tab of the one incident selected in the list; `selectOne` says why not when
    // several are selected.
    const auto editInTab = [this](const QString &field, const QString &selectOne) {
        return [this, field, selectOne] {
            if (auto *w = currentWorkspace())
                return w->editFields(field);
            const QStringList uids = m_list->selectedUids();
            if (uids.size() != 1)
                return report(
                    uids.isEmpty() ? tr("Select an incident in the list first.") : selectOne, true);
            if (auto *w = openIncident(uids.first()))
                w->editFields(field);
        };
    };
    menu->addSeparator();
    menu->addAction(add(tr("&Edit fields…"), QKeySequence(Qt::Key_F2),
                        QStringLiteral("actionEditFields"),
                        editInTab(QString(), tr("Select one incident to edit its fields."))));

    // Severity: one entry per value, so "sev1" in the palette is one Enter away.
    QMenu *severity = menu->addMenu(tr("Set &severity"));
    for (int sev = 1; sev <= 4; ++sev) {
        const auto v = domain::Severity(sev);
        const QString name =
            QStringLiteral("%1 %2").arg(domain::severityLabel(v), domain::severityName(v));
        QAction *a =
            add(tr("Set severity: %1").arg(name), QKeySequence(),
                QStringLiteral("actionSeverity%1").arg(sev), [this, setField, v, name] {
                    runOnTargets(tr("Severity %1 set on").arg(name),
                                 setField(QStringLiteral("severity"), domain::severityName(v)));
                });
        a->setIcon(severityIcon(sev));
        severity->addAction(a);
    }
    // Priority is impact x urgency (the engine derives it): both are offered by value.
    // A submenu `title` with one entry per value of `field`: `entry` and `done` name the
    // value (%1), the actions are named `name` + value.
    const auto valueMenu = [this, menu, add, setField](const QString &title, const QString &field,
                                                       const QStringList &values,
                                                       const QString &entry, const QString &name,
                                                       const QString &done) {
        QMenu *sub = menu->addMenu(title);
        for (const QString &value : values)
            sub->addAction(add(entry.arg(value), QKeySequence(), name + value,
                               [this, setField, field, value, done] {
                                   runOnTargets(done.arg(value), setField(field, value));
                               }));
    };
    const auto &matrix = m_context.engine().workflow().matrix();
    valueMenu(tr("Set i&mpact"), QStringLiteral("impact"), matrix.impacts(), tr("Set impact: %1"),
              QStringLiteral("actionImpact_"), tr("Impact %1 set on"));
    valueMenu(tr("Set &urgency"), QStringLiteral("urgency"), matrix.urgencies(),
              tr("Set urgency: %1"), QStringLiteral("actionUrgency_"), tr("Urgency %1 set on"));

    QStringList people, groups;
    for (const auto &g : m_context.engine().oncall().groups()) {
        groups << g.name;
        for (const QString &m : g.members)
            if (!people.contains(m))
                people << m;
    }
    menu->addAction(add(tr("Assi&gn…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G),
                        QStringLiteral("actionAssign"), [this, people] {
                            askOnTargets(QStringLiteral("assignee"), tr("Assign to:"), people,
                                         [this](const QString &uid, const QString &who) {
                                             return Command::make(
                                                 Command::Kind::Assign, uid,
                                                 {{QStringLiteral("assignee"), who.trimmed()}},
                                                 m_me);
                                         });
                        }));
    menu->addAction(
        add(tr("Assign to &me"), QKeySequence(), QStringLiteral("actionAssignMe"), [this] {
            runOnTargets(tr("Assigned to %1:").arg(m_me), [this](const QString &uid) {
                return Command::make(Command::Kind::Assign, uid,
                                     {{QStringLiteral("assignee"), m_me}}, m_me);
            });
        }));
    QMenu *group = menu->addMenu(tr("Assign to g&roup"));
    for (const QString &g : groups)
        group->addAction(add(tr("Assign to group: %1 (on call)").arg(g), QKeySequence(),
                             QStringLiteral("actionGroup_") + g, [this, g] {
                                 runOnTargets(
                                     tr("Assigned to %1:").arg(g), [this, g](const QString &uid) {
                                         return Command::make(Command::Kind::Assign, uid,
                                                              {{QStringLiteral("group"), g}}, m_me);
                                     });
                             }));
    menu->addAction(
        add(tr("Edit &title…"), QKeySequence(), QStringLiteral("actionEditTitle"),
            [askField, asText] { askField(QStringLiteral("title"), tr("Title:"), asText); }));
    menu->addAction(add(tr("Edit &description…"), QKeySequence(),
                        QStringLiteral("actionEditDescription"),
                        editInTab(QStringLiteral("description"),
                                  tr("Select one incident to edit its description."))));
    menu->addAction(add(tr("Set affected ser&vices…"), QKeySequence(),
                        QStringLiteral("actionServices"), [askField] {
                            askField(QStringLiteral("services"), tr("Affected services:"),
                                     [](const QString &text) -> QJsonValue {
                                         return QJsonArray::fromStringList(
                                             engine::rules::splitServices(text));
                                     });
                        }));
    menu->addAction(
        add(tr("Set &category…"), QKeySequence(), QStringLiteral("actionCategory"),
            [askField, asText] { askField(QStringLiteral("category"), tr("Category:"), asText); }));
}

QStringList MainWindow::actionTargets() const
{
    if (auto *w = currentWorkspace())
        return {w->uid()};
    if (m_tabs->currentWidget() == m_list)
        return m_list->selectedUids();
    return {};
}

void MainWindow::report(const QString &text, bool error)
{
    statusBar()->showMessage(text, 8000);
    if (auto *w = currentWorkspace())
        w->report(text, error);
    else
        m_list->showMessage(text, error);
}

void MainWindow::runOnTargets(const QString &what,
                              const std::function<engine::Command(const QString &uid)> &make)
{
    if (!currentWorkspace() && m_list->selectedCount() > IncidentListView::MaxActionRows)
        return report(tr("%1 incidents are selected; one action takes at most %2.")
                          .arg(m_list->selectedCount())
                          .arg(IncidentListView::MaxActionRows),
                      true);
    const QStringList uids = actionTargets();
    if (uids.isEmpty())
        return report(tr("Nothing to act on: select incidents in the list, or open one."), true);
    QList<engine::Command> commands;
    for (const QString &uid : uids)
        commands << make(uid);
    const auto r = m_context.engine().executeBatch(commands);
    if (!r)
        return report(r.errorMessage(), true);
    QStringList done, failed;
    for (int i = 0; i < r->size(); ++i) {
        const auto &one = r->at(i);
        if (one)
            done << one->number;
        else
            failed << one.errorMessage();
    }
    // The list and the open tabs show the change now, not at the next poll.
    m_model->refresh();
    for (auto *w : workspaces())
        if (uids.contains(w->uid()))
            w->reload();
    QStringList lines;
    if (!done.isEmpty())
        lines << QStringLiteral("%1 %2").arg(what, done.join(QStringLiteral(", ")));
    lines += failed;
    report(lines.join(u'\n'), !failed.isEmpty());
}

void MainWindow::askOnTargets(
    const QString &field, const QString &prompt, const QStringList &choices,
    const std::function<engine::Command(const QString &uid, const QString &value)> &make)
{
    if (auto *w = currentWorkspace())
        return w->editFields(field);
    const QStringList uids = actionTargets();
    if (uids.isEmpty())
        return report(tr("Nothing to act on: select incidents in the list, or open one."), true);
    if (field == u"title" && uids.size() > 1)
        return report(tr("Select one incident to edit its title."), true);
    QString initial;
    if (uids.size() == 1 && field != u"note") {
        if (const auto inc = m_context.store().incidentByUid(uids.first())) {
            const QJsonValue v = inc->toJson().value(
                field == u"services" ? QStringLiteral("affected_services") : field);
            initial = v.isArray() ? v.toVariant().toStringList().join(QStringLiteral(", "))
                                  : v.toString();
        }
    }
    const QString label =
        uids.size() == 1 ? prompt : tr("%n selected · %1", nullptr, int(uids.size())).arg(prompt);
    m_list->ask(label, initial, choices, [this, make, field](const QString &value) {
        runOnTargets(field == u"note" ? tr("Note added to") : tr("Updated"),
                     [make, value](const QString &uid) { return make(uid, value); });
    });
}

QStringList MainWindow::commonTransitions() const
{
    QStringList common;
    bool first = true;
    for (const QString &uid : actionTargets()) {
        const auto inc = m_context.store().incidentByUid(uid);
        if (!inc)
            continue;
        const QStringList allowed = m_context.engine().allowedTransitions(*inc);
        if (first)
            common = allowed;
        else
            common.erase(std::remove_if(common.begin(), common.end(),
                                        [&](const QString &t) { return !allowed.contains(t); }),
                         common.end());
        first = false;
    }
    return common;
}

QList<QAction *> MainWindow::paletteActions() const
{
    QList<QAction *> out = m_paletteActions;
    std::function<void(const QList<QAction *> &)> walk = [&](const QList<QAction *> &actions) {
        for (QAction *a : actions) {
            if (a->menu())
                walk(a->menu()->actions());
            else if (!a->isSeparator() && !a->text().isEmpty() && !out.contains(a))
                out << a;
        }
    };
    walk(menuBar()->actions());
    return out;
}

QList<IncidentWorkspace *> MainWindow::workspaces() const
{
    QList<IncidentWorkspace *> out;
    for (int i = 1; i < m_tabs->count(); ++i)
        if (auto *w = qobject_cast<IncidentWorkspace *>(m_tabs->widget(i)))
            out << w;
    return out;
}

IncidentWorkspace *MainWindow::currentWorkspace() const
{
    return qobject_cast<IncidentWorkspace *>(m_tabs->currentWidget());
}

IncidentWorkspace *MainWindow::openIncident(const QString &uid)
{
    for (int i = 1; i < m_tabs->count(); ++i) {
        auto *w = qobject_cast<IncidentWorkspace *>(m_tabs->widget(i));
        if (w && (w->uid() == uid || w->number() == uid)) {
            m_tabs->setCurrentIndex(i);
            return w;
        }
    }
    auto *w = new IncidentWorkspace(m_context.engine(), uid, m_me, m_tabs);
    // A window whose team has an agent leaves once-only events to it.
    w->setRecordReminders(!m_passive && (!m_services || m_services->recordsOnceOnlyEvents()));
    if (!w->isValid()) {
        statusBar()->showMessage(tr("No incident %1").arg(uid), 5000);
        delete w;
        return nullptr;
    }
    const int i = m_tabs->addTab(
        w, severityIcon(int(w->details().incident.severity)),
        QStringLiteral("%1 %2").arg(w->number(), w->details().incident.title.left(24)));
    m_tabs->setTabToolTip(i, w->details().incident.title);
    connect(w, &IncidentWorkspace::titleChanged, this, [this, w](const QString &t) {
        const int idx = m_tabs->indexOf(w);
        if (idx > 0)
            m_tabs->setTabText(idx, t);
    });
    if (auto *section = w->findChild<ProblemSection *>())
        connect(section, &ProblemSection::openProblem, this, [this](const QString &number) {
            if (auto *v = showProblems())
                v->selectProblem(number);
        });
    w->tick(m_context.clock().nowMs());
    m_tabs->setCurrentIndex(i);
    return w;
}

ProblemsView *MainWindow::showProblems()
{
    for (int i = 1; i < m_tabs->count(); ++i)
        if (auto *v = qobject_cast<ProblemsView *>(m_tabs->widget(i))) {
            v->reload();
            m_tabs->setCurrentIndex(i);
            return v;
        }
    auto *v = new ProblemsView(m_context.engine(), m_me, m_tabs);
    connect(v, &ProblemsView::openIncident, this,
            [this](const QString &uid) { openIncident(uid); });
    m_tabs->setCurrentIndex(m_tabs->addTab(v, tr("Problems")));
    return v;
}

QString MainWindow::newIncident()
{
    CreateIncidentDialog dlg(m_context.engine(), m_me, this);
    if (dlg.exec() != QDialog::Accepted)
        return {};
    statusBar()->showMessage(tr("Created %1").arg(dlg.createdNumber()), 5000);
    return dlg.createdUid();
}

void MainWindow::showCommandPalette()
{
    QList<QAction *> actions = paletteActions();
    QList<QAction *> temp;
    if (auto *w = currentWorkspace()) {
        for (const QString &to : w->offeredTransitions()) {
            const auto *st = m_context.engine().workflow().state(to);
            auto *a = new QAction(
                tr("Move %1 to %2")
                    .arg(w->number(),
                         workflowStateLabel(st && !st->label.isEmpty() ? st->label : to)),
                this);
            QPointer<IncidentWorkspace> pw(w);
            connect(a, &QAction::triggered, this, [pw, to] {
                if (pw)
                    pw->requestTransition(to);
            });
            temp << a;
        }
    } else if (const QStringList uids = actionTargets(); !uids.isEmpty()) {
        // The list's selection: the transitions all of them allow.
        const QString who = uids.size() == 1 ? m_list->selectedUid() : QString();
        QString number;
        if (!who.isEmpty())
            if (const auto inc = m_context.store().incidentByUid(who))
                number = inc->number;
        for (const QString &to : commonTransitions()) {
            const auto *st = m_context.engine().workflow().state(to);
            const QString label = st && !st->label.isEmpty() ? st->label : to;
            auto *a =
                new QAction(number.isEmpty()
                                ? tr("Move %n selected to %1", nullptr, int(uids.size())).arg(label)
                                : tr("Move %1 to %2").arg(number, label),
                            this);
            connect(a, &QAction::triggered, this, [this, to, label] {
                runOnTargets(tr("Moved to %1:").arg(label), [this, to](const QString &uid) {
                    return engine::Command::transition(uid, to, m_me);
                });
            });
            temp << a;
        }
    }
    actions = temp + actions;
    auto finder = [this](const QString &text) {
        QList<CommandPalette::IncidentHit> hits;
        const auto &wf = m_context.engine().workflow();
        for (const auto &r : query::quickFind(m_context.store(), text, 12)) {
            const auto *st = wf.state(r.state);
            hits << CommandPalette::IncidentHit{
                r.uid, r.number, r.title,
                workflowStateLabel(st && !st->label.isEmpty() ? st->label : r.state), r.severity};
        }
        return hits;
    };
    auto *p = new CommandPalette(actions, finder, this);
    p->setAttribute(Qt::WA_DeleteOnClose);
    connect(p, &CommandPalette::openIncident, this,
            [this](const QString &uid) { openIncident(uid); });
    // The palette owns the actions made for it (they go with it, also when the window goes first).
    for (QAction *a : std::as_const(temp))
        a->setParent(p);
    p->open();
    p->input()->setFocus();
}

bool MainWindow::waitUntilLoaded(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (m_model->isLoading() && t.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        connect(m_model, &IncidentTableModel::queryReady, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return !m_model->isLoading();
}

void MainWindow::tick()
{
    const qint64 now = m_context.clock().nowMs();
    m_model->setNow(now);
    for (auto *w : workspaces())
        w->tick(now);
    // The sync loop learns the token's user on its first connection: from then on this
    // window acts as that user (incidents opened from here on, the status line).
    if (m_identityPending)
        if (const auto me = sync::Identity(m_context.store()).cached()) {
            m_identityPending = false;
            m_me = me->user;
            statusBar()->clearMessage();
        }
    updateStatus();
}

void MainWindow::onReminders(const QList<reminders::FiredReminder> &list)
{
    QSet<QString> inTabs;
    for (auto *w : workspaces())
        inTabs.insert(w->uid());
    QList<reminders::FiredReminder> elsewhere;
    for (const auto &r : list)
        if (!inTabs.contains(r.incidentUid))
            elsewhere << r;
    // A few get one notification each; a backlog (a window opened after a weekend) one
    // summary that opens the first, so the tray is not flooded.
    if (elsewhere.size() <= 3) {
        for (const auto &r : std::as_const(elsewhere))
            notify(tr("Reminder: %1").arg(r.number), QStringLiteral("%1 — %2").arg(r.title, r.text),
                   r.incidentUid);
        return;
    }
    QStringList numbers;
    for (const auto &r : std::as_const(elsewhere))
        if (!numbers.contains(r.number))
            numbers << r.number;
    notify(tr("%n war-room reminder(s)", nullptr, int(elsewhere.size())),
           tr("No commander, no status update or postmortem due: %1")
               .arg(numbers.mid(0, 6).join(QStringLiteral(", ")) +
                    (numbers.size() > 6 ? QStringLiteral(", …") : QString())),
           elsewhere.first().incidentUid);
}

void MainWindow::onEvents(const QList<domain::Event> &events, const QSet<QString> &uids)
{
    m_lastChangeAt = m_context.clock().nowMs();
    m_model->refresh();
    for (auto *w : workspaces())
        if (uids.contains(w->uid()))
            w->reload();
    for (const auto &e : events) {
        if (e.kind == domain::kinds::Opened && e.payload[u"priority"].toString() == u"P1") {
            notify(tr("New P1: %1").arg(e.payload[u"number"].toString()),
                   e.payload[u"title"].toString(), e.incidentUid);
        } else if (e.kind == domain::kinds::SlaBreached) {
            const auto inc = m_context.store().incidentByUid(e.incidentUid);
            notify(tr("SLA breached: %1").arg(inc ? inc->number : e.incidentUid),
                   inc ? inc->title : QString(), e.incidentUid);
        }
    }
}

void MainWindow::notify(const QString &title, const QString &text, const QString &uid)
{
    m_lastNotification = qMakePair(title, uid);
    statusBar()->showMessage(QStringLiteral("%1 — %2").arg(title, text), 10000);
    if (m_tray)
        m_tray->showMessage(title, text, QSystemTrayIcon::Critical, 15000);
    QApplication::alert(this);
}

void MainWindow::updateStatus()
{
    QString s = tr("%1 · you are %2").arg(QFileInfo(m_context.dbPath()).fileName(), m_me);
    if (m_lastChangeAt > 0)
        s += tr(" · last change %1")
                 .arg(QDateTime::fromMSecsSinceEpoch(m_lastChangeAt)
                          .toString(QStringLiteral("HH:mm:ss")));
    m_status->setText(s);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainwindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainwindow/state"), saveState());
    settings.setValue(QStringLiteral("mainwindow/listHeader"),
                      m_list->table()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("mainwindow/view"), m_list->savedView());
    QMainWindow::closeEvent(event);
}

} // namespace sitrep::ui
