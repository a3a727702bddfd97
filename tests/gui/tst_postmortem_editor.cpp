// SPDX-License-Identifier: MIT
// The postmortem editor, the runbook checklist and the action items view, offscreen.
// Crash recovery: a child process runs a real editor that keeps typing and autosaving;
// the test kills it (SIGKILL) and finds the last autosaved text in the database.
#include "unit/pm_fixture.h"

#include "postmortem/actionitemmodel.h"
#include "runbooks/runbook.h"
#include "ui/postmortem/actionitemsview.h"
#include "ui/postmortem/postmortemeditor.h"
#include "ui/postmortem/runbookchecklist.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QProcess>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

#include <cstdio>

using namespace sitrep;
using namespace pmtest;

class TestPostmortemEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void editor_rendersMarkdownLive();
    void editor_liveIncident_offersToStartWritesNothing();
    void editor_autosavesWithoutVersions();
    void editor_statusAndRestore();
    void editor_crash_losesAtMostTheAutosaveInterval();
    void checklist_checkRecordsTimelineEvent();
    void checklist_copyCommand();
    void actionItems_overdueFirstAndMarkDone();
};

void TestPostmortemEditor::editor_rendersMarkdownLive()
{
    Env env;
    const QString uid = env.knownIncident();
    QVERIFY(!uid.isEmpty());
    ui::PostmortemEditor ed(*env.engine, uid, QStringLiteral("casey"));
    QVERIFY(ed.preview()->toPlainText().contains(QStringLiteral("Root Cause")));
    ed.setText(
        QStringLiteral("# Title\n\n## Brand new section\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"));
    QTRY_VERIFY(ed.preview()->toPlainText().contains(QStringLiteral("Brand new section")));
    QVERIFY(ed.preview()->document()->toHtml().contains(QStringLiteral("<table")));
}

void TestPostmortemEditor::editor_liveIncident_offersToStartWritesNothing()
{
    Env env;
    const QString uid = env.open(QStringLiteral("Still burning"), QStringLiteral("critical"),
                                 {QStringLiteral("api")}, T0);
    const qint64 events = env.store.incidentByUid(uid)->eventCount;
    postmortem::PostmortemStore pm(*env.engine);
    ui::PostmortemEditor ed(*env.engine, uid, QStringLiteral("casey"));
    QVERIFY(!ed.hasDocument());
    QVERIFY(!pm.document(uid).has_value());
    QCOMPARE(env.store.incidentByUid(uid)->eventCount, events);
    QVERIFY(ed.start());
    QVERIFY(ed.hasDocument());
    QVERIFY(pm.document(uid).has_value());
    QVERIFY(ed.text().contains(QStringLiteral("## Summary")));
}

void TestPostmortemEditor::editor_autosavesWithoutVersions()
{
    Env env;
    const QString uid = env.knownIncident();
    postmortem::PostmortemStore pm(*env.engine);
    {
        ui::PostmortemEditor ed(*env.engine, uid, QStringLiteral("casey"));
        ed.setAutosaveInterval(50);
        QSignalSpy saved(&ed, &ui::PostmortemEditor::saved);
        ed.setText(ed.text() + QStringLiteral("\nTyped offline on a plane.\n"));
        QVERIFY(ed.isDirty());
        QVERIFY(saved.wait(5000));
        QVERIFY(!ed.isDirty());
        QVERIFY(pm.document(uid)->body.contains(QStringLiteral("Typed offline on a plane.")));
        QCOMPARE(pm.versions(uid).size(), 1);
        // Closing writes what the timer has not yet.
        ed.setAutosaveInterval(60000);
        ed.setText(ed.text() + QStringLiteral("Last words.\n"));
    }
    QVERIFY(pm.document(uid)->body.contains(QStringLiteral("Last words.")));
}

void TestPostmortemEditor::editor_statusAndRestore()
{
    Env env;
    const QString uid = env.knownIncident();
    ui::PostmortemEditor ed(*env.engine, uid, QStringLiteral("casey"));
    const QString original = ed.text();
    ed.setText(QStringLiteral("# Rewritten\n"));
    QVERIFY(ed.saveVersion(QStringLiteral("rewrite")));
    QVERIFY(ed.restoreVersion(1));
    QCOMPARE(ed.text(), original);
    QVERIFY(!ed.setStatus(QStringLiteral("published"))); // a draft is reviewed first
    QVERIFY(ed.messageText().contains(QStringLiteral("review")));
    QVERIFY(ed.setStatus(QStringLiteral("in_review")));
    QVERIFY(ed.setStatus(QStringLiteral("published")));
    QCOMPARE(ed.status(), QStringLiteral("published"));
    auto *combo = ed.findChild<QComboBox *>();
    QVERIFY(combo);
    QCOMPARE(combo->currentData().toString(), QStringLiteral("published"));
    int published = 0;
    for (const auto &e : env.store.timeline(uid))
        published += e.kind == postmortem::PublishedKind ? 1 : 0;
    QCOMPARE(published, 1);
    QTemporaryDir dir;
    QVERIFY(ed.exportTo(dir.filePath(QStringLiteral("x.html"))));
    QVERIFY(ed.exportTo(dir.filePath(QStringLiteral("x.ics"))));
    QVERIFY(!ed.exportTo(dir.filePath(QStringLiteral("x.docx"))));
}

// Child mode: argv = [self, --autosave-child, DB, UID]. Types a line every few ms into a
// real editor with a 100 ms autosave and reports every save on stdout.
static int autosaveChild(int argc, char **argv)
{
    QApplication app(argc, argv);
    store::Store st;
    if (!st.open(QString::fromLocal8Bit(argv[2])))
        return 2;
    engine::SystemClock clock;
    engine::LifecycleEngine eng(st, *workflow::Workflow::load(QStringLiteral("sre")),
                                *workflow::OnCallSchedule::load({}), clock);
    host::registerWorkflowActions(eng);
    ui::PostmortemEditor ed(eng, QString::fromLocal8Bit(argv[3]), QStringLiteral("child"));
    ed.setAutosaveInterval(100);
    const QString base = ed.text();
    int typed = 0;
    QObject::connect(&ed, &ui::PostmortemEditor::saved, [&] {
        // What was just written holds every line typed so far.
        printf("saved %d\n", typed);
        fflush(stdout);
    });
    QTimer typing;
    QObject::connect(&typing, &QTimer::timeout, [&] {
        ++typed;
        QString t = base;
        for (int i = 1; i <= typed; ++i)
            t += QStringLiteral("typed line %1\n").arg(i);
        ed.setText(t);
    });
    typing.start(10);
    return app.exec();
}

void TestPostmortemEditor::editor_crash_losesAtMostTheAutosaveInterval()
{
    Env env;
    const QString uid = env.knownIncident();
    postmortem::PostmortemStore pm(*env.engine);
    QVERIFY(pm.ensureDocument(uid, QStringLiteral("casey")).ok());

    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--autosave-child"), env.dbPath(), uid});
    QVERIFY(child.waitForStarted(10000));
    int lastSaved = -1;
    QByteArray buffer;
    QElapsedTimer waited;
    waited.start();
    while (lastSaved < 15 && waited.elapsed() < 30000 && child.state() == QProcess::Running) {
        child.waitForReadyRead(1000);
        buffer += child.readAllStandardOutput();
        qsizetype nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            const QByteArray line = buffer.left(nl).trimmed();
            buffer.remove(0, nl + 1);
            if (line.startsWith("saved "))
                lastSaved = line.mid(6).toInt();
        }
    }
    QVERIFY2(lastSaved >= 15, "the child did not autosave");
    child.kill(); // SIGKILL: no destructor, no flush
    QVERIFY(child.waitForFinished(10000));
    buffer += child.readAllStandardOutput();
    for (const QByteArray &line : buffer.split('\n'))
        if (line.startsWith("saved "))
            lastSaved = line.mid(6).toInt();

    // Reopen the database as a new process would.
    store::Store st;
    QVERIFY(st.open(env.dbPath()).ok());
    engine::ManualClock clock(T0);
    engine::LifecycleEngine eng(st, *workflow::Workflow::load(QStringLiteral("sre")),
                                *workflow::OnCallSchedule::load({}), clock);
    host::registerWorkflowActions(eng);
    postmortem::PostmortemStore again(eng);
    const auto doc = again.document(uid);
    QVERIFY(doc.has_value());
    for (int i = 1; i <= lastSaved; ++i)
        QVERIFY2(doc->body.contains(QStringLiteral("typed line %1\n").arg(i)),
                 qPrintable(QString::number(i)));
    QVERIFY(doc->body.startsWith(QStringLiteral("# Incident Postmortem")));
    const QStringList report = st.verify().faults;
    QVERIFY2(report.isEmpty(), qPrintable(report.join(u'\n')));
}

void TestPostmortemEditor::checklist_checkRecordsTimelineEvent()
{
    Env env;
    const QString uid = env.open(QStringLiteral("Slow API"), QStringLiteral("high"),
                                 {QStringLiteral("api")}, T0, {QStringLiteral("APILatencyHigh")});
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders());
    ui::RunbookChecklist cl(*env.engine, lib, uid, QStringLiteral("dana"));
    QCOMPARE(cl.currentRunbook(), QStringLiteral("high-api-latency")); // matched by alert name
    auto *tree = cl.findChild<QTreeWidget *>();
    QVERIFY(tree);
    QCOMPARE(tree->topLevelItemCount(), 6);
    // A click on the checkbox, as a user would.
    tree->topLevelItem(2)->setCheckState(0, Qt::Checked);
    QCOMPARE(cl.checkedSteps(), QSet<int>{2});
    int recorded = 0;
    for (const auto &e : env.store.timeline(uid))
        if (e.kind == runbooks::StepCheckedKind && e.payload[u"step"].toInt() == 2 &&
            e.actor == QStringLiteral("dana"))
            ++recorded;
    QCOMPARE(recorded, 1);
    // A second window on the same incident reads the state from the timeline.
    QTest::qWait(20); // the queued reload
    ui::RunbookChecklist other(*env.engine, lib, uid, QStringLiteral("erin"));
    QCOMPARE(other.checkedSteps(), QSet<int>{2});
    QVERIFY(other.setStepChecked(2, false));
    QTRY_COMPARE(cl.checkedSteps(), QSet<int>{});
}

void TestPostmortemEditor::checklist_copyCommand()
{
    Env env;
    const QString uid = env.open(QStringLiteral("Pool exhausted"), QStringLiteral("high"),
                                 {QStringLiteral("query-engine")}, T0);
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders());
    ui::RunbookChecklist cl(*env.engine, lib, uid, QStringLiteral("dana"));
    QVERIFY(cl.selectRunbook(QStringLiteral("high-api-latency")));
    QCoreApplication::sendPostedEvents(nullptr,
                                       QEvent::DeferredDelete); // the first runbook's buttons
    auto *button = cl.findChild<QToolButton *>();
    QVERIFY(button);
    button->click();
    QCOMPARE(QApplication::clipboard()->text(),
             QStringLiteral("pd incident acknowledge --id $INCIDENT_ID"));
    QVERIFY(cl.messageText().contains(QStringLiteral("Copied")));
}

void TestPostmortemEditor::actionItems_overdueFirstAndMarkDone()
{
    Env env;
    const QString a = env.knownIncident();
    env.clock.set(T0 + 3 * 24 * 60 * Min); // 2026-03-13
    for (const auto &[title, due] :
         QList<QPair<QString, QString>>{{QStringLiteral("Later"), QStringLiteral("2026-04-01")},
                                        {QStringLiteral("Overdue"), QStringLiteral("2026-03-11")},
                                        {QStringLiteral("Undated"), QString()}})
        QVERIFY(!env.run(Command::make(Command::Kind::ActionItem, a,
                                       {{QStringLiteral("title"), title},
                                        {QStringLiteral("owner"), QStringLiteral("casey")},
                                        {QStringLiteral("due"), due}}),
                         T0 + 3 * 24 * 60 * Min)
                     .isEmpty());
    ui::ActionItemsView view(*env.engine, QStringLiteral("casey"));
    QAbstractItemModelTester tester(view.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(view.model()->rowCount(), 3);
    QCOMPARE(view.model()->item(0).title, QStringLiteral("Overdue"));
    QCOMPARE(view.model()->item(1).title, QStringLiteral("Later"));
    QCOMPARE(view.model()->item(2).title, QStringLiteral("Undated"));
    QCOMPARE(view.model()->overdueCount(), 1);
    QVERIFY(view.model()
                ->data(view.model()->index(0, postmortem::ActionItemModel::Due))
                .toString()
                .contains(QStringLiteral("overdue")));
    QVERIFY(view.setStatus(0, QStringLiteral("done")));
    QCOMPARE(view.model()->rowCount(), 2); // open only
    QCOMPARE(view.model()->overdueCount(), 0);
}

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--autosave-child") == 0)
        return autosaveChild(argc, argv);
    QApplication app(argc, argv);
    TestPostmortemEditor t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_postmortem_editor.moc"
