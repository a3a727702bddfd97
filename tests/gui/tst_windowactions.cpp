// SPDX-License-Identifier: MIT
// What a commander does from the window under pressure: toolbar and palette actions on the
// incidents selected in the list (one or several), editing an open incident's fields from
// its header and the palette with the engine's rules, the keyboard (Enter in the inline
// forms, Tab out of descriptions, Alt keys that never type), and the settings reachable
// from a menu and the palette.

#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "host/awssettings.h"
#include "host/servicehost.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "secrets/secretstore.h"
#include "store/sqlite.h"
#include "sync/syncsettings.h"
#include "ui/commandpalette.h"
#include "ui/createincidentdialog.h"
#include "ui/incidentlistview.h"
#include "ui/incidentworkspace.h"
#include "ui/mainwindow.h"
#include "ui/settings/syncsettingsdialog.h"
#include "ui/settings/syncui.h"

#include <QAction>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::itemmodels;

class TestWindowActions : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<host::AppContext> m_ctx;

    QString open(const QString &title, const QString &severity, const QJsonObject &extra = {})
    {
        QJsonObject a{{QStringLiteral("title"), title}, {QStringLiteral("severity"), severity}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            a.insert(it.key(), it.value());
        auto r = m_ctx->engine().execute(engine::Command::open(a));
        return r ? r->incidentUid : QString();
    }
    domain::Incident get(const QString &uid) { return *m_ctx->store().incidentByUid(uid); }
    qint64 eventCount()
    {
        auto *s = m_ctx->store().db().prepare(QStringLiteral("SELECT count(*) FROM events"));
        const qint64 n = s && s->step() ? store::RowReader(*s).int64() : -1;
        if (s)
            s->reset();
        return n;
    }
    static QAction *action(ui::MainWindow &w, const QString &name)
    {
        for (QAction *a : w.paletteActions())
            if (a->objectName() == name)
                return a;
        return nullptr;
    }
    // Selects exactly these incidents in the list (they must be on a loaded page).
    static bool select(ui::MainWindow &w, const QStringList &uids)
    {
        QTableView *t = w.listView()->table();
        t->selectionModel()->clearSelection();
        int found = 0;
        for (int r = 0; r < t->model()->rowCount(); ++r) {
            const QModelIndex i = t->model()->index(r, 0);
            if (uids.contains(i.data(IncidentRole::UidRole).toString())) {
                t->selectionModel()->setCurrentIndex(i, QItemSelectionModel::Select |
                                                            QItemSelectionModel::Rows);
                ++found;
            }
        }
        return found == uids.size();
    }
    // The palette just opened (a closed one is deleted later, and may still be around).
    static ui::CommandPalette *palette(ui::MainWindow &w)
    {
        for (auto *p : w.findChildren<ui::CommandPalette *>())
            if (p->isVisible())
                return p;
        return nullptr;
    }
    std::unique_ptr<ui::MainWindow> window()
    {
        auto w = std::make_unique<ui::MainWindow>(*m_ctx);
        w->setPassive(true);
        w->show();
        w->listView()->setSavedView(QStringLiteral("open"));
        return w;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("actions.db"),
                                               testing::demoData(80), &m_db));
    }

    void acknowledge_fromTheList_actsOnEverySelectedIncident()
    {
        const QStringList uids{open(QStringLiteral("Login page 500s"), QStringLiteral("high")),
                               open(QStringLiteral("Search latency"), QStringLiteral("medium")),
                               open(QStringLiteral("Webhooks delayed"), QStringLiteral("low"))};
        auto w = window();
        QVERIFY(w->waitUntilLoaded());
        QTRY_VERIFY(select(*w, uids.mid(0, 2)));
        QCOMPARE(w->actionTargets().size(), 2);
        action(*w, QStringLiteral("actionAcknowledge"))->trigger();
        for (const QString &uid : uids.mid(0, 2)) {
            QVERIFY(get(uid).acknowledgedAt > 0);
            QCOMPARE(get(uid).state, QStringLiteral("acknowledged"));
        }
        QCOMPARE(get(uids[2]).state, QStringLiteral("triggered")); // not selected: untouched
        QVERIFY2(w->listView()->messageText().startsWith(QStringLiteral("Acknowledged")),
                 qPrintable(w->listView()->messageText()));
        // Again: the engine's refusal is shown, per incident.
        QTRY_VERIFY(select(*w, uids.mid(0, 1)));
        action(*w, QStringLiteral("actionAcknowledge"))->trigger();
        QVERIFY2(w->listView()->messageText().contains(QStringLiteral("already acknowledged")),
                 qPrintable(w->listView()->messageText()));
    }

    void actions_withNothingSelected_saySo()
    {
        auto w = window();
        QVERIFY(w->waitUntilLoaded());
        w->listView()->table()->selectionModel()->clear();
        const qint64 events = eventCount();
        for (const char *name : {"actionAcknowledge", "actionNote", "actionTransition",
                                 "actionOpen", "actionAssign", "actionSeverity1"}) {
            w->listView()->showMessage(QString(), false);
            action(*w, QString::fromLatin1(name))->trigger();
            QVERIFY2(w->listView()->messageText().contains(QStringLiteral("elect")), name);
        }
        QCOMPARE(eventCount(), events);
    }

    void palette_setsSeverityAndAssignsTheSelection()
    {
        const QString a = open(QStringLiteral("Payments API 502"), QStringLiteral("high"));
        const QString b = open(QStringLiteral("Payments webhooks 502"), QStringLiteral("high"));
        auto w = window();
        QVERIFY(w->waitUntilLoaded());
        QTRY_VERIFY(select(*w, {a, b}));
        // Severity from the palette, keyboard only: SEV2 -> SEV1 raises the priority too.
        w->showCommandPalette();
        auto *palette = TestWindowActions::palette(*w);
        QVERIFY(palette);
        QTest::keyClicks(palette->input(), QStringLiteral("sev1"));
        QVERIFY2(palette->results()->currentItem()->text().startsWith(
                     QStringLiteral("Set severity: SEV1")),
                 qPrintable(palette->results()->currentItem()->text()));
        QTest::keyClick(palette->input(), Qt::Key_Return);
        for (const QString &uid : {a, b}) {
            QCOMPARE(get(uid).severity, domain::Severity::Critical);
            QCOMPARE(get(uid).priority, domain::Priority::P1);
        }
        // "assign" finds the assign action; it asks inline above the list, Enter applies.
        QTRY_VERIFY(select(*w, {a, b}));
        w->showCommandPalette();
        palette = TestWindowActions::palette(*w);
        QTest::keyClicks(palette->input(), QStringLiteral("assign"));
        QVERIFY(palette->results()->currentItem()->text().startsWith(QStringLiteral("Assign…")));
        QTest::keyClick(palette->input(), Qt::Key_Return);
        QLineEdit *ask = w->listView()->askEdit();
        QVERIFY(ask->isVisible());
        QTest::keyClick(ask, Qt::Key_Escape); // dropped: nothing assigned
        QVERIFY(!ask->isVisible());
        QVERIFY(get(a).assignee != QStringLiteral("dana.ops"));
        action(*w, QStringLiteral("actionAssign"))->trigger();
        QVERIFY(ask->isVisible());
        ask->clear();
        QTest::keyClicks(ask, QStringLiteral("dana.ops"));
        QTest::keyClick(ask, Qt::Key_Return);
        QCOMPARE(get(a).assignee, QStringLiteral("dana.ops"));
        QCOMPARE(get(b).assignee, QStringLiteral("dana.ops"));
        // A transition for both from the palette: only what both allow is offered.
        QTRY_VERIFY(select(*w, {a, b}));
        QVERIFY(w->commonTransitions().contains(QStringLiteral("investigating")));
        w->showCommandPalette();
        palette = TestWindowActions::palette(*w);
        QTest::keyClicks(palette->input(), QStringLiteral("move 2 selected to investigating"));
        QVERIFY(palette->results()->currentItem());
        QTest::keyClick(palette->input(), Qt::Key_Return);
        QCOMPARE(get(a).state, QStringLiteral("investigating"));
        QCOMPARE(get(b).state, QStringLiteral("investigating"));
    }

    void workspaceHeader_editsFieldsWithTheEngineRules()
    {
        const QString uid =
            open(QStringLiteral("Card payments failing in EU"), QStringLiteral("high"),
                 {{QStringLiteral("services"), QJsonArray{QStringLiteral("payments")}}});
        auto w = window();
        ui::IncidentWorkspace *ws = w->openIncident(uid);
        QVERIFY(ws);
        QVERIFY(!ws->fieldEditor()->isVisible());
        QTest::mouseClick(ws->findChild<QPushButton *>(QStringLiteral("editFieldsButton")),
                          Qt::LeftButton);
        QVERIFY(ws->fieldEditor()->isVisible());
        auto *title = ws->findChild<QLineEdit *>(QStringLiteral("editTitle"));
        auto *sev = ws->findChild<QComboBox *>(QStringLiteral("editSeverity"));
        auto *group = ws->findChild<QLineEdit *>(QStringLiteral("editGroup"));
        auto *services = ws->findChild<QLineEdit *>(QStringLiteral("editServices"));
        auto *description = ws->findChild<QPlainTextEdit *>(QStringLiteral("editDescription"));
        QCOMPARE(title->text(), QStringLiteral("Card payments failing in EU"));
        QCOMPARE(title->maxLength(), 300);

        // Unknown group: the engine's words inline, nothing written, the editor stays open.
        const qint64 before = get(uid).eventCount;
        sev->setCurrentIndex(sev->findData(QStringLiteral("critical")));
        QVERIFY(ws->findChild<QLabel *>(QStringLiteral("editPriority"))
                    ->text()
                    .contains(QStringLiteral("P1")));
        group->setText(QStringLiteral("Nope"));
        QTest::keyClick(group, Qt::Key_Return);
        QVERIFY2(ws->messageText().contains(QStringLiteral("unknown assignment group 'Nope'")),
                 qPrintable(ws->messageText()));
        QCOMPARE(get(uid).eventCount, before);
        QVERIFY(ws->fieldEditor()->isVisible());
        services->setText(QStringLiteral("payments, not a service!"));
        group->setText(QStringLiteral("payments"));
        QTest::keyClick(services, Qt::Key_Return);
        QVERIFY2(ws->messageText().contains(QStringLiteral("not a service name")),
                 qPrintable(ws->messageText()));
        QCOMPARE(get(uid).eventCount, before);

        const QString longTitle =
            QString(280, u't'); // over the old 200 of the form, within the rule
        title->setText(longTitle);
        services->setText(QStringLiteral("payments, payments-api"));
        description->setPlainText(QStringLiteral("EU cards declined since 10:02"));
        QTest::keyClick(title, Qt::Key_Return);
        const auto inc = get(uid);
        QVERIFY2(!ws->fieldEditor()->isVisible(), qPrintable(ws->messageText()));
        QCOMPARE(inc.severity, domain::Severity::Critical);
        QCOMPARE(inc.priority, domain::Priority::P1);
        QCOMPARE(inc.title, longTitle);
        QCOMPARE(inc.assignmentGroup, QStringLiteral("Payments"));
        QCOMPARE(inc.services,
                 QStringList({QStringLiteral("payments"), QStringLiteral("payments-api")}));
        QCOMPARE(inc.description, QStringLiteral("EU cards declined since 10:02"));
        QCOMPARE(ws->details().incident.severity,
                 domain::Severity::Critical); // the header shows it

        // The palette's severity acts on the open tab's incident; "Edit title" opens the editor
        // there.
        action(*w, QStringLiteral("actionSeverity2"))->trigger();
        QCOMPARE(get(uid).severity, domain::Severity::High);
        action(*w, QStringLiteral("actionEditTitle"))->trigger();
        QVERIFY(ws->fieldEditor()->isVisible());
        QTest::keyClick(title, Qt::Key_Escape);
        QVERIFY(!ws->fieldEditor()->isVisible());
    }

    void inlineForms_enterSubmits()
    {
        const QString uid =
            open(QStringLiteral("Primary database down"), QStringLiteral("critical"));
        auto w = window();
        ui::IncidentWorkspace *ws = w->openIncident(uid);
        ws->requestTransition(QStringLiteral("investigating"));
        QCOMPARE(get(uid).state, QStringLiteral("investigating"));
        ws->requestTransition(QStringLiteral("mitigating")); // P1: an approval first
        auto *approver = ws->findChild<QLineEdit *>(QStringLiteral("approverEdit"));
        QVERIFY(approver->isVisible());
        QTest::keyClicks(approver, QStringLiteral("Dana Director"));
        QTest::keyClick(approver, Qt::Key_Return);
        QCOMPARE(get(uid).state, QStringLiteral("mitigating"));

        ws->requestTransition(QStringLiteral("resolved"));
        auto *note = ws->findChild<QLineEdit *>(QStringLiteral("resolutionNoteEdit"));
        auto *cause = ws->findChild<QLineEdit *>(QStringLiteral("rootCauseEdit"));
        QVERIFY(note->isVisible());
        QTest::keyClicks(note, QStringLiteral("Failed over to the replica"));
        QTest::keyClicks(cause, QStringLiteral("hardware"));
        QTest::keyClick(cause, Qt::Key_Return);
        QCOMPARE(get(uid).state, QStringLiteral("resolved"));
    }

    void createDialog_tabLeavesTheDescription_altKeysNeverType()
    {
        ui::CreateIncidentDialog dlg(m_ctx->engine(), QStringLiteral("tester"));
        dlg.show();
        QVERIFY(QTest::qWaitForWindowActive(&dlg));
        auto *description = dlg.findChild<QPlainTextEdit *>(QStringLiteral("descriptionEdit"));
        description->setFocus();
        QTest::keyClicks(description, QStringLiteral("Cards declined"));
        QTest::keyClick(description, Qt::Key_Tab);
        QCOMPARE(description->toPlainText(), QStringLiteral("Cards declined"));
        QVERIFY(!description->hasFocus());

        auto *services = dlg.findChild<QLineEdit *>(QStringLiteral("servicesEdit"));
        services->setText(QStringLiteral("payments, checkout-api"));
        services->setFocus();
        services->selectAll();
        QTest::keyClick(services, Qt::Key_V, Qt::AltModifier); // no Alt+V in this form
        QCOMPARE(services->text(), QStringLiteral("payments, checkout-api"));
        auto *title = dlg.findChild<QLineEdit *>(QStringLiteral("titleEdit"));
        title->setFocus();
        QTest::keyClick(title, Qt::Key_Q, Qt::AltModifier);
        QCOMPARE(title->text(), QString());
        QTest::keyClick(title, Qt::Key_Q); // plain keys still type
        QCOMPARE(title->text(), QStringLiteral("q"));
        // The form's limit is the engine's: a 250-character title is fine now.
        title->setText(QString(250, u'x'));
        dlg.findChild<QComboBox *>(QStringLiteral("severityCombo"))->setCurrentIndex(1);
        QVERIFY(dlg.isValid());
        dlg.findChild<QLineEdit *>(QStringLiteral("groupEdit"))->setText(QStringLiteral("Nope"));
        QVERIFY(!dlg.isValid());
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("groupError"))
                    ->text()
                    .contains(QStringLiteral("unknown assignment group")));
    }

    void settings_reachableFromAMenuAndThePalette()
    {
        secrets::MemorySecretStore secrets;
        host::ServiceHost services(*m_ctx, secrets, {});
        ui::MainWindow w(*m_ctx, &services);
        w.setPassive(true);
        ui::attachSync(w, services);
        QAction *settings = nullptr;
        for (QAction *m : w.menuBar()->actions())
            if (m->menu())
                for (QAction *a : m->menu()->actions())
                    if (a->objectName() == u"syncSettings")
                        settings = a;
        QVERIFY(settings);
        QVERIFY(w.paletteActions().contains(settings));
        w.show();
        w.showCommandPalette();
        auto *palette = TestWindowActions::palette(w);
        palette->input()->setText(QStringLiteral("settings"));
        bool listed = false;
        for (int i = 0; i < palette->results()->count(); ++i)
            listed = listed || palette->results()->item(i)->text().startsWith(
                                   QStringLiteral("Back-end and AWS settings"));
        QVERIFY(listed);
        palette->close();
    }

    void settingsDialog_nothingToTest_isNotShownAsASuccess()
    {
        secrets::MemorySecretStore secrets;
        sync::SyncSettings sync(m_ctx->store(), secrets);
        host::AwsSettings aws(m_ctx->store(), secrets);
        ui::SyncSettingsDialog dlg(sync, &aws);
        dlg.testConnection();
        QTRY_VERIFY(!dlg.testing());
        QVERIFY2(dlg.resultText().contains(QStringLiteral("Nothing to test")),
                 qPrintable(dlg.resultText()));
        QCOMPARE(dlg.resultOutcome(), QStringLiteral("note"));
        QVERIFY(!dlg.resultText().startsWith(QStringLiteral("✘")) &&
                !dlg.resultText().startsWith(QStringLiteral("✔")));
        QVERIFY(!dlg.findChild<QLabel *>(QStringLiteral("testResult"))
                     ->styleSheet()
                     .contains(QStringLiteral("1a7f37")));
    }
};

QTEST_MAIN(TestWindowActions)
#include "tst_windowactions.moc"
