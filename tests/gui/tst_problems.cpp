// SPDX-License-Identifier: MIT
// Problems and known errors in the window, driven through the widgets offscreen: create a
// problem, link and unlink incidents, write the known-error entry, browse the knowledge
// base; the workspace's Problem section; the menu/palette action; war-room reminders of
// incidents not open in a tab reaching the tray.
#include "engine/clock.h"
#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "host/servicehost.h"
#include "problems/problemlistmodel.h"
#include "problems/problemstore.h"
#include "reminders/reminderservice.h"
#include "runbooks/escalationtimer.h"
#include "secrets/secretstore.h"
#include "ui/incidentworkspace.h"
#include "ui/mainwindow.h"
#include "ui/problems/problemsection.h"
#include "ui/problems/problemsview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

using namespace sitrep;

namespace {

/// A database of its own whose clock the test moves (from 2026-03-10 09:00 UTC), and, once
/// started, the main window over it with the app's services (reminders, escalations).
struct ClockedApp {
    QTemporaryDir dir;
    std::unique_ptr<host::AppContext> ctx;
    secrets::MemorySecretStore secrets;
    std::unique_ptr<host::ServiceHost> services;
    std::unique_ptr<ui::MainWindow> window;

    bool open(const QString &fileName)
    {
        auto opened = testing::openContextAt(dir.filePath(fileName), "2026-03-10T09:00:00Z");
        if (opened)
            ctx = std::move(*opened);
        return opened.ok();
    }
    engine::ManualClock &clock() { return testing::manualClock(*ctx); }
    void startServices()
    {
        services = std::make_unique<host::ServiceHost>(*ctx, secrets, host::ServiceHostOptions{});
        window = std::make_unique<ui::MainWindow>(*ctx, services.get());
        services->start();
    }
};

} // namespace

class TestProblems : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<host::AppContext> m_ctx;

    QString openIncident(host::AppContext &ctx, const QString &title,
                         const QStringList &services = {QStringLiteral("postgresql")})
    {
        auto r = ctx.engine().execute(engine::Command::open(
            {{QStringLiteral("title"), title},
             {QStringLiteral("severity"), QStringLiteral("medium")},
             {QStringLiteral("services"), QJsonArray::fromStringList(services)}}));
        return r ? r->number : QString();
    }
    template <typename T> static T *child(QWidget *w, const QString &name)
    {
        T *c = w->findChild<T *>(name);
        if (!c)
            qWarning() << "no widget" << name;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("problems.db"),
                                               std::nullopt));
    }

    void problemsView_createLinkUnlinkAndWriteKnownError()
    {
        const QString a = openIncident(*m_ctx, QStringLiteral("Replication lag above 60s"));
        const QString b = openIncident(*m_ctx, QStringLiteral("Stale reads on replica"));
        ui::ProblemsView v(m_ctx->engine(), QStringLiteral("tester"));
        v.resize(1200, 800);
        v.show();
        QAbstractItemModelTester tester(&v.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(v.model().rowCount(), 0);
        QVERIFY(child<QLabel>(&v, QStringLiteral("problemHeading"))
                    ->text()
                    .contains(QStringLiteral("No problems yet")));

        // Creating needs a title; the error shows inline.
        QTest::mouseClick(child<QPushButton>(&v, QStringLiteral("createProblem")), Qt::LeftButton);
        QVERIFY(v.messageText().contains(QStringLiteral("needs a title")));
        QCOMPARE(v.model().rowCount(), 0);
        QTest::keyClicks(child<QLineEdit>(&v, QStringLiteral("newProblemTitle")),
                         QStringLiteral("Replica lag during bulk loads"));
        QTest::keyClick(child<QLineEdit>(&v, QStringLiteral("newProblemTitle")), Qt::Key_Return);
        QCOMPARE(v.model().rowCount(), 1);
        QCOMPARE(v.currentProblem(), QStringLiteral("PRB0000001"));
        QCOMPARE(child<QComboBox>(&v, QStringLiteral("problemStatus"))->currentData().toString(),
                 QStringLiteral("open"));

        // Link two incidents by number, one bad reference, unlink one.
        auto *linkEdit = child<QLineEdit>(&v, QStringLiteral("linkIncidentEdit"));
        auto *link = child<QPushButton>(&v, QStringLiteral("linkIncident"));
        linkEdit->setText(a);
        QTest::mouseClick(link, Qt::LeftButton);
        linkEdit->setText(b.mid(3).toInt() > 0 ? QString::number(b.mid(3).toInt())
                                               : b); // "2" finds INC0000002
        QTest::mouseClick(link, Qt::LeftButton);
        auto *incidents = child<QListWidget>(&v, QStringLiteral("problemIncidents"));
        QCOMPARE(incidents->count(), 2);
        QVERIFY(incidents->item(0)->text().contains(QStringLiteral("Replication lag")));
        linkEdit->setText(QStringLiteral("INC9999999"));
        QTest::mouseClick(link, Qt::LeftButton);
        QVERIFY(v.messageText().contains(QStringLiteral("no incident 'INC9999999'")));
        QCOMPARE(incidents->count(), 2);
        incidents->setCurrentRow(1);
        QTest::mouseClick(child<QPushButton>(&v, QStringLiteral("unlinkIncident")), Qt::LeftButton);
        QCOMPARE(incidents->count(), 1);
        QCOMPARE(v.model().data(v.model().index(0, problems::ProblemListModel::Incidents)).toInt(),
                 1);

        // The known-error entry: a new one, then an edit.
        auto *combo = child<QComboBox>(&v, QStringLiteral("knownErrorCombo"));
        QCOMPARE(combo->count(), 1); // "New known error…"
        child<QPlainTextEdit>(&v, QStringLiteral("knownErrorSymptom"))
            ->setPlainText(QStringLiteral("Replication lag above 60s during the nightly load"));
        child<QPlainTextEdit>(&v, QStringLiteral("knownErrorWorkaround"))
            ->setPlainText(QStringLiteral("Route reads to the primary"));
        child<QPlainTextEdit>(&v, QStringLiteral("knownErrorRootCause"))
            ->setPlainText(QStringLiteral("WAL volume of the bulk load"));
        QTest::mouseClick(child<QPushButton>(&v, QStringLiteral("saveKnownError")), Qt::LeftButton);
        QVERIFY2(v.messageText().contains(QStringLiteral("KE0000001")),
                 qPrintable(v.messageText()));
        QCOMPARE(combo->count(), 2);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("KE0000001"));
        QCOMPARE(child<QComboBox>(&v, QStringLiteral("problemStatus"))->currentData().toString(),
                 QStringLiteral("known_error"));
        child<QPlainTextEdit>(&v, QStringLiteral("knownErrorWorkaround"))
            ->setPlainText(QStringLiteral("Pause the load, route reads to the primary"));
        QTest::mouseClick(child<QPushButton>(&v, QStringLiteral("saveKnownError")), Qt::LeftButton);
        problems::ProblemStore ps(m_ctx->engine());
        QCOMPARE(ps.knownError(QStringLiteral("KE0000001"))->workaround,
                 QStringLiteral("Pause the load, route reads to the primary"));
        // An empty symptom is refused, nothing changes.
        child<QPlainTextEdit>(&v, QStringLiteral("knownErrorSymptom"))->setPlainText(QString());
        QTest::mouseClick(child<QPushButton>(&v, QStringLiteral("saveKnownError")), Qt::LeftButton);
        QVERIFY(v.messageText().contains(QStringLiteral("symptom")));
        QVERIFY(!ps.knownError(QStringLiteral("KE0000001"))->symptom.isEmpty());

        // Problem fields.
        auto *owner = child<QLineEdit>(&v, QStringLiteral("problemOwner"));
        owner->setText(QStringLiteral("erin"));
        QTest::mouseClick(child<QPushButton>(&v, QStringLiteral("saveProblem")), Qt::LeftButton);
        QCOMPARE(ps.problem(QStringLiteral("PRB0000001"))->owner, QStringLiteral("erin"));

        // The knowledge base shows the entry's article and filters.
        v.showKnowledgeBase();
        auto *kb = child<QListWidget>(&v, QStringLiteral("kbList"));
        QCOMPARE(kb->count(), 1);
        QVERIFY(child<QTextBrowser>(&v, QStringLiteral("kbArticle"))
                    ->toPlainText()
                    .contains(QStringLiteral("Pause the load")));
        child<QLineEdit>(&v, QStringLiteral("kbSearch"))->setText(QStringLiteral("kafka"));
        QCOMPARE(kb->count(), 0);
        child<QLineEdit>(&v, QStringLiteral("kbSearch"))->setText(QStringLiteral("primary"));
        QCOMPARE(kb->count(), 1);
    }

    void workspaceSection_linksAndResolvesWithKnownError()
    {
        problems::ProblemStore ps(m_ctx->engine());
        auto k =
            ps.createKnownError(QStringLiteral("Connection pool exhausted"),
                                QStringLiteral("Connection pool exhaustion in the query engine"),
                                QStringLiteral("Restart the query workers"), {},
                                {QStringLiteral("query-engine")}, {}, QStringLiteral("erin"));
        QVERIFY(k.ok());
        const QString number =
            openIncident(*m_ctx, QStringLiteral("Connection pool exhaustion in query engine"),
                         {QStringLiteral("query-engine")});
        ui::MainWindow w(*m_ctx);
        w.setPassive(true);
        w.show();
        ui::IncidentWorkspace *ws = w.openIncident(m_ctx->store().findIncident(number)->uid);
        QVERIFY(ws);
        auto *section = ws->findChild<ui::ProblemSection *>();
        QVERIFY(section);
        section->reload();
        QTest::mouseClick(child<QPushButton>(section, QStringLiteral("newProblemFromIncident")),
                          Qt::LeftButton);
        QVERIFY2(section->messageText().contains(QStringLiteral("linked this incident")),
                 qPrintable(section->messageText()));
        auto *problemsList = child<QListWidget>(section, QStringLiteral("incidentProblems"));
        QCOMPARE(problemsList->count(), 1);
        const QString prb = problemsList->item(0)->data(Qt::UserRole).toString();
        QVERIFY(prb.startsWith(QStringLiteral("PRB")));
        auto *suggestions = child<QListWidget>(section, QStringLiteral("knownErrorSuggestions"));
        QVERIFY(suggestions->count() >= 1);
        QVERIFY(suggestions->currentItem()->text().startsWith(k->number));
        QTest::mouseClick(child<QPushButton>(section, QStringLiteral("resolveWithKnownError")),
                          Qt::LeftButton);
        QVERIFY2(section->messageText().contains(QStringLiteral("Resolved with known error")),
                 qPrintable(section->messageText()));
        const auto inc = m_ctx->store().findIncident(number);
        QCOMPARE(inc->state, QStringLiteral("resolved"));
        QCOMPARE(ps.knownError(k->number)->incidentCount, 1);
        QVERIFY(ps.knownError(k->number)->lastSeenAt > 0);
        QCOMPARE(child<QListWidget>(section, QStringLiteral("incidentKnownErrors"))
                     ->item(0)
                     ->data(Qt::UserRole)
                     .toString(),
                 k->number);
        bool article = false;
        for (const auto &a : ps.articles(QStringLiteral("resolution")))
            article = article || a.sourceRef == number;
        QVERIFY(article);
        // Unlink from the problem again.
        problemsList->setCurrentRow(0);
        QTest::mouseClick(child<QPushButton>(section, QStringLiteral("unlinkFromProblem")),
                          Qt::LeftButton);
        QVERIFY(ps.problemsOf(number).isEmpty());

        // Double-clicking a problem opens the problems view on it.
        QVERIFY(ps.linkIncident(prb, number, QStringLiteral("tester")).ok());
        section->reload();
        Q_EMIT problemsList->itemActivated(problemsList->item(0));
        auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("mainTabs"));
        auto *view = qobject_cast<ui::ProblemsView *>(tabs->currentWidget());
        QVERIFY(view);
        QCOMPARE(view->currentProblem(), prb);
    }

    void menuAndPalette_openTheProblemsView()
    {
        ui::MainWindow w(*m_ctx);
        w.setPassive(true);
        QAction *problems = nullptr;
        for (QAction *a : w.paletteActions())
            if (a->objectName() == u"actionProblems")
                problems = a;
        QVERIFY(problems);
        QVERIFY(!problems->shortcut().isEmpty());
        problems->trigger();
        auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("mainTabs"));
        QVERIFY(qobject_cast<ui::ProblemsView *>(tabs->currentWidget()));
        const int count = tabs->count();
        problems->trigger(); // the same tab again
        QCOMPARE(tabs->count(), count);
        bool kb = false;
        for (QAction *a : w.paletteActions())
            kb = kb || a->objectName() == u"actionKnowledgeBase";
        QVERIFY(kb);
    }

    void reminders_ofIncidentsNotOpen_reachTheTray()
    {
        ClockedApp app;
        QVERIFY(app.open(QStringLiteral("reminders.db")));
        auto &clock = app.clock();
        const QString inTab = openIncident(*app.ctx, QStringLiteral("Open in a tab"));
        const QString notOpen = openIncident(*app.ctx, QStringLiteral("Nobody looking"));
        app.startServices();
        QTRY_VERIFY(app.services->reminders());
        auto *svc = app.services->reminders();
        ui::MainWindow &w = *app.window;
        ui::IncidentWorkspace *ws = w.openIncident(app.ctx->store().findIncident(inTab)->uid);
        QVERIFY(ws);
        clock.set(clock.nowMs() + 6 * 60 * 1000);
        auto fired = svc->scan();
        QVERIFY(fired.ok());
        QCOMPARE(fired->size(), 2); // both incidents: no commander
        const auto uidNotOpen = app.ctx->store().findIncident(notOpen)->uid;
        QCOMPARE(w.lastNotification().second, uidNotOpen);
        QVERIFY(w.lastNotification().first.contains(notOpen));
        // The tab shows its reminder in the banner and does not record it again.
        w.tick();
        QCOMPARE(ws->reminderTexts().size(), 1);
        int recorded = 0;
        for (const auto &e : app.ctx->store().timeline(ws->uid()))
            recorded += e.kind == domain::kinds::Reminder ? 1 : 0;
        QCOMPARE(recorded, 1);

        // A backlog reaches the tray as one summary, not one message per incident.
        QStringList more;
        for (int i = 0; i < 4; ++i)
            more << openIncident(*app.ctx, QStringLiteral("Backlog %1").arg(i));
        clock.set(clock.nowMs() + 6 * 60 * 1000);
        fired = svc->scan();
        QVERIFY(fired.ok());
        QCOMPARE(fired->size(), 4);
        QVERIFY2(w.lastNotification().first.contains(QStringLiteral("war-room reminder")),
                 qPrintable(w.lastNotification().first));
        QCOMPARE(w.lastNotification().second, app.ctx->store().findIncident(more.first())->uid);
    }

    void host_firesRunbookEscalations()
    {
        ClockedApp app;
        QVERIFY(app.open(QStringLiteral("escalations.db")));
        auto &clock = app.clock();
        auto r = app.ctx->engine().execute(engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("p95 latency high")},
             {QStringLiteral("severity"), QStringLiteral("high")},
             {QStringLiteral("services"), QJsonArray{QStringLiteral("api")}},
             {QStringLiteral("alerts"), QJsonArray{QStringLiteral("APILatencyHigh")}}}));
        QVERIFY(r.ok());
        app.startServices();
        QTRY_VERIFY(app.services->escalations());
        auto *timer = app.services->escalations();
        clock.set(clock.nowMs() + 16 * 60 * 1000); // high-api-latency: senior-sre after 15m
        QCOMPARE(timer->tickNow(), 1);
        QCOMPARE(timer->tickNow(), 0);
        QStringList contacts;
        for (const auto &e : app.ctx->store().timeline(r->incidentUid))
            if (e.kind == domain::kinds::Escalation)
                contacts << e.payload[u"contact"].toString();
        QCOMPARE(contacts, QStringList{QStringLiteral("senior-sre")});
    }
};

QTEST_MAIN(TestProblems)
#include "tst_problems.moc"
