// SPDX-License-Identifier: MIT
// What a commander reads in the war room must be true: the response SLA follows the first
// move out of the initial state, every tab follows the log, no unrelated runbook, no nagging
// about status updates where the workflow asks for none, breached P1s in red, timeline
// sentences, nothing clipped, and the palette says which incident it is. Offscreen.
#include "unit/pm_fixture.h"

#include "itemmodels/incidentcolumns.h"
#include "itemmodels/timelinemodel.h"
#include "itemmodels/workspacemodels.h"
#include "postmortem/automation.h"
#include "ui/commandpalette.h"
#include "ui/incidentworkspace.h"
#include "ui/postmortem/postmortemeditor.h"
#include "ui/postmortem/runbookchecklist.h"
#include "ui/style/bannerstyle.h"
#include "ui/style/severitystyle.h"
#include "ui/theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace sitrep;
using namespace pmtest;

namespace {

QPushButton *button(QWidget *w, const QString &name)
{
    return w->findChild<QPushButton *>(name);
}

bool isRed(const QColor &c)
{
    const int h = c.hslHue();
    return c.hslSaturation() > 100 && (h <= 8 || h >= 350);
}

} // namespace

class TestIncidentWorkspace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ui::applyTheme(ui::ThemeMode::Light);
    }

    void moveToInvestigating_fromTriggered_isTheResponse()
    {
        Env env;
        const QString uid = env.open(QStringLiteral("Checkout 502s"), QStringLiteral("high"),
                                     {QStringLiteral("checkout")}, T0);
        QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        ws.resize(1280, 800);
        ws.show();
        env.clock.set(T0 + 3 * Min);
        QTest::mouseClick(button(&ws, QStringLiteral("transition_investigating")), Qt::LeftButton);
        QCOMPARE(env.store.incidentByUid(uid)->state, QStringLiteral("investigating"));
        QCOMPARE(env.store.incidentByUid(uid)->acknowledgedAt, T0 + 3 * Min);
        // Twenty minutes in, nobody is told the response was missed: it was not.
        QCOMPARE(*env.engine->checkSla(T0 + 20 * Min), 0);
        ws.reload();
        ws.tick(T0 + 20 * Min);
        QCOMPARE(ws.findChild<QLabel *>(QStringLiteral("slaTimer"))->accessibleDescription(),
                 QStringLiteral("SLA on track"));
        bool response = false;
        for (QLabel *l : ws.findChildren<QLabel *>())
            response = response || l->text() == QStringLiteral("Response SLA");
        QVERIFY(!response);
    }

    void openedByImpactAndUrgency_canBeAcknowledged()
    {
        Env env;
        const auto &m = env.engine->workflow().matrix();
        const QString uid =
            env.run(Command::open({{QStringLiteral("title"), QStringLiteral("VPN down")},
                                   {QStringLiteral("impact"), m.impacts().first()},
                                   {QStringLiteral("urgency"), m.urgencies().first()}}),
                    T0);
        QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        QVERIFY(ws.findChild<QLabel *>(QStringLiteral("severityLabel"))
                    ->text()
                    .startsWith(QStringLiteral("SEV")));
        QVERIFY(!ws.findChild<QLabel *>(QStringLiteral("severityLabel"))->text().contains(u'?'));
        ws.acknowledge();
        QVERIFY2(ws.messageText().isEmpty(), qPrintable(ws.messageText()));
        QVERIFY(env.store.incidentByUid(uid)->acknowledgedAt > 0);
    }

    void postmortemTab_followsResolveInTheTab()
    {
        Env env;
        postmortem::PostmortemAutomation automation(*env.engine); // as the window runs it
        const QString uid = env.open(QStringLiteral("Search index stale"), QStringLiteral("medium"),
                                     {QStringLiteral("search")}, T0);
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        ws.resize(1280, 800);
        ws.show();
        auto *editor = ws.findChild<ui::PostmortemEditor *>();
        QVERIFY(editor);
        QVERIFY(!editor->hasDocument());
        env.clock.set(T0 + 20 * Min);
        ws.requestTransition(
            QStringLiteral("resolved")); // asks for the note and the root cause inline
        ws.findChild<QLineEdit *>(QStringLiteral("resolutionNoteEdit"))
            ->setText(QStringLiteral("Reindexed"));
        ws.findChild<QLineEdit *>(QStringLiteral("rootCauseEdit"))
            ->setText(QStringLiteral("capacity"));
        QTest::mouseClick(button(&ws, QStringLiteral("guardContinue")), Qt::LeftButton);
        QCOMPARE(env.store.incidentByUid(uid)->state, QStringLiteral("resolved"));
        QTRY_VERIFY(editor->hasDocument());
        QVERIFY(editor->text().contains(QStringLiteral("Search index stale")));
    }

    void postmortemTab_followsAChangeFromElsewhereOnRefresh()
    {
        Env env;
        const QString uid = env.open(QStringLiteral("Queue backlog"), QStringLiteral("medium"),
                                     {QStringLiteral("orders")}, T0);
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        auto *editor = ws.findChild<ui::PostmortemEditor *>();
        QVERIFY(!editor->hasDocument());
        // Another process resolves it: its own connection and engine, no signal reaches us.
        store::Store other;
        QVERIFY(other.open(env.dbPath()).ok());
        auto wf = workflow::Workflow::load(QStringLiteral("sre"));
        auto oc = workflow::OnCallSchedule::load({});
        engine::LifecycleEngine eng(other, *wf, *oc, env.clock);
        host::registerWorkflowActions(eng);
        QVERIFY(eng.execute(Command::transition(
                                uid, QStringLiteral("resolved"), QStringLiteral("erin"),
                                {{QStringLiteral("resolution_note"), QStringLiteral("Drained")},
                                 {QStringLiteral("root_cause"), QStringLiteral("capacity")}}))
                    .ok());
        ws.reload(); // what F5 and the change watcher do
        QVERIFY(editor->hasDocument());
        // Typing is never lost to a reload.
        editor->setText(editor->text() + QStringLiteral("\nStill typing.\n"));
        ws.reload();
        QVERIFY(editor->text().endsWith(QStringLiteral("Still typing.\n")));
    }

    void runbookTab_showsNothingWhenNoRunbookMatches()
    {
        Env env;
        const QString uid = env.open(QStringLiteral("Card payments declined"),
                                     QStringLiteral("critical"), {QStringLiteral("payments")}, T0);
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        auto *rb = ws.findChild<ui::RunbookChecklist *>();
        QVERIFY(rb);
        QCOMPARE(rb->currentRunbook(), QString());
        QCOMPARE(rb->findChild<QTreeWidget *>()->topLevelItemCount(), 0);
        for (QLabel *l : rb->findChildren<QLabel *>())
            QVERIFY2(!l->text().contains(QStringLiteral("Escalation")) &&
                         !l->text().contains(QStringLiteral("PostgreSQL")),
                     qPrintable(l->text()));
        // A matching incident still gets its runbook first.
        const QString api =
            env.open(QStringLiteral("Slow API"), QStringLiteral("high"), {QStringLiteral("api")},
                     T0, {QStringLiteral("APILatencyHigh")});
        ui::IncidentWorkspace ws2(*env.engine, api, QStringLiteral("dana"));
        QCOMPARE(ws2.findChild<ui::RunbookChecklist *>()->currentRunbook(),
                 QStringLiteral("high-api-latency"));
    }

    void lowPriority_getsNoStatusUpdateReminder()
    {
        Env env;
        const QString low = env.open(QStringLiteral("Typo on the status page"),
                                     QStringLiteral("low"), {QStringLiteral("web")}, T0);
        const QString high = env.open(QStringLiteral("Login slow"), QStringLiteral("high"),
                                      {QStringLiteral("auth")}, T0);
        ui::IncidentWorkspace wl(*env.engine, low, QStringLiteral("dana"));
        ui::IncidentWorkspace wh(*env.engine, high, QStringLiteral("dana"));
        wl.setRecordReminders(false);
        wh.setRecordReminders(false);
        wl.tick(T0 + 3 * 60 * Min);
        wh.tick(T0 + 20 * Min);
        for (const QString &t : wl.reminderTexts())
            QVERIFY2(!t.contains(QStringLiteral("status update")), qPrintable(t));
        bool nagged = false;
        for (const QString &t : wh.reminderTexts())
            nagged = nagged || t.contains(QStringLiteral("status update"));
        QVERIFY(nagged);
    }

    void breachedP1_isRedInTheList()
    {
        QStandardItemModel source(3, itemmodels::IncidentColumn::Count);
        auto set = [&](int row, int priority, int level) {
            for (int c = 0; c < itemmodels::IncidentColumn::Count; ++c) {
                QStandardItem *it = new QStandardItem(QStringLiteral("x"));
                it->setData(priority, itemmodels::IncidentRole::PriorityRole);
                it->setData(level, itemmodels::IncidentRole::SlaLevelRole);
                it->setData(1, itemmodels::IncidentRole::SeverityRole);
                it->setData(true, itemmodels::IncidentRole::LoadedRole);
                source.setItem(row, c, it);
            }
        };
        set(0, 1, 2); // P1, breached
        set(1, 2, 2); // P2, breached
        set(2, 1, 1); // P1, at risk
        ui::IncidentListDecorator decorator;
        decorator.setSourceModel(&source);
        QAbstractItemModelTester tester(&decorator,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (auto mode : {ui::ThemeMode::Light, ui::ThemeMode::Dark}) {
            ui::applyTheme(mode);
            const QPalette pal = QApplication::palette();
            for (int c :
                 {int(itemmodels::IncidentColumn::Id), int(itemmodels::IncidentColumn::Title),
                  int(itemmodels::IncidentColumn::Sla)}) {
                const QColor fg = decorator.index(0, c).data(Qt::ForegroundRole).value<QColor>();
                QVERIFY2(isRed(fg),
                         qPrintable(QStringLiteral("column %1: %2").arg(c).arg(fg.name())));
                QVERIFY(ui::contrastRatio(fg, pal.color(QPalette::Base)) >= 4.5);
                QVERIFY(decorator.index(0, c).data(Qt::BackgroundRole).value<QColor>().isValid());
            }
            // A breached P2 shows red in its SLA column only; at risk stays amber.
            QVERIFY(isRed(decorator.index(1, itemmodels::IncidentColumn::Sla)
                              .data(Qt::ForegroundRole)
                              .value<QColor>()));
            QVERIFY(!decorator.index(1, itemmodels::IncidentColumn::Title)
                         .data(Qt::ForegroundRole)
                         .isValid());
            QVERIFY(!isRed(decorator.index(2, itemmodels::IncidentColumn::Sla)
                               .data(Qt::ForegroundRole)
                               .value<QColor>()));
        }
        ui::applyTheme(ui::ThemeMode::Light);
        QVERIFY(isRed(ui::slaColor(2)));
    }

    void timeline_readsAsSentences()
    {
        Env env;
        const QString uid = env.knownIncident();
        QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
        QVERIFY(env.engine->checkSla(T0 + 100 * 24 * 60 * Min).ok());
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        auto *view = ws.findChild<QTableView *>(QStringLiteral("timelineView"));
        QAbstractItemModelTester tester(view->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        static const QRegularExpression dump(QStringLiteral("\\b[a-z_]+=\\S")),
            epoch(QStringLiteral("\\d{12,}"));
        for (int r = 0; r < view->model()->rowCount(); ++r) {
            const QString kind =
                view->model()->index(r, itemmodels::TimelineModel::Kind).data().toString();
            const QString what =
                view->model()->index(r, itemmodels::TimelineModel::What).data().toString();
            QVERIFY2(!kind.contains(u'.') && !kind.contains(u'_'), qPrintable(kind));
            QVERIFY2(!what.isEmpty() && !dump.match(what).hasMatch() &&
                         !epoch.match(what).hasMatch(),
                     qPrintable(what));
        }
    }

    void workspace_clipsNoColumnAndNoPlaceholder()
    {
        Env env;
        const QString uid = env.knownIncident();
        env.run(Command::make(Command::Kind::StatusUpdate, uid,
                              {{QStringLiteral("message"), QStringLiteral("Rolled back")},
                               {QStringLiteral("visibility"), QStringLiteral("external")}},
                              QStringLiteral("casey")),
                T0 + 80 * Min);
        ui::IncidentWorkspace ws(*env.engine, uid, QStringLiteral("dana"));
        ws.resize(1024, 768);
        ws.show();
        auto *tabs = ws.findChild<QTabWidget *>(QStringLiteral("workspaceTabs"));
        for (int t = 0; t < tabs->count(); ++t) {
            tabs->setCurrentIndex(t);
            QApplication::processEvents();
            for (QLineEdit *e : tabs->currentWidget()->findChildren<QLineEdit *>()) {
                if (!e->isVisible() || e->placeholderText().isEmpty())
                    continue;
                const int need = e->fontMetrics().horizontalAdvance(e->placeholderText());
                QVERIFY2(e->contentsRect().width() - 4 >= need,
                         qPrintable(QStringLiteral("\"%1\": %2 px for %3")
                                        .arg(e->placeholderText())
                                        .arg(e->contentsRect().width())
                                        .arg(need)));
            }
            for (QTreeView *tree : tabs->currentWidget()->findChildren<QTreeView *>()) {
                QAbstractItemView *v = tree; // sizeHintForColumn is public here
                if (!v->isVisible() || !v->model() || v->model()->rowCount() == 0 ||
                    !tree->header()->isVisible())
                    continue;
                for (int c = 0; c + 1 < v->model()->columnCount(); ++c) // the last one stretches
                    if (tree->header()->sectionResizeMode(c) != QHeaderView::Stretch)
                        QVERIFY2(tree->header()->sectionSize(c) >= v->sizeHintForColumn(c),
                                 qPrintable(QStringLiteral("%1 column %2: %3 < %4")
                                                .arg(v->objectName())
                                                .arg(c)
                                                .arg(tree->header()->sectionSize(c))
                                                .arg(v->sizeHintForColumn(c))));
            }
            if (auto *pm = qobject_cast<ui::PostmortemEditor *>(tabs->currentWidget())) {
                pm->saveVersion(QStringLiteral("first review round"));
                QApplication::processEvents();
                auto *versions = pm->findChild<QListWidget *>();
                QVERIFY(versions->count() >= 2);
                QVERIFY2(versions->viewport()->width() >= versions->sizeHintForColumn(0),
                         qPrintable(QStringLiteral("%1 < %2")
                                        .arg(versions->viewport()->width())
                                        .arg(versions->sizeHintForColumn(0))));
            }
        }
    }

    void commandPalette_showsStateAndSeverity()
    {
        QList<ui::CommandPalette::IncidentHit> hits{
            {QStringLiteral("u1"), QStringLiteral("INC0000398"), QStringLiteral("Checkout 502s"),
             itemmodels::workflowStateLabel(QStringLiteral("Investigating")), 1}};
        ui::CommandPalette p({}, [&](const QString &) { return hits; });
        p.input()->setText(QStringLiteral("check"));
        QCOMPARE(p.results()->count(), 1);
        const QString text = p.results()->item(0)->text();
        QVERIFY2(text.contains(QStringLiteral("Investigating")) &&
                     text.contains(QStringLiteral("SEV1")),
                 qPrintable(text));
        QVERIFY(!p.results()->item(0)->icon().isNull());
    }
};

QTEST_MAIN(TestIncidentWorkspace)
#include "tst_incidentworkspace.moc"
