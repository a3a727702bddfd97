// SPDX-License-Identifier: MIT
// The war-room window, driven through its widgets under the offscreen platform.

#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidenttablemodel.h"
#include "sync/identity.h"
#include "ui/createincidentdialog.h"
#include "ui/incidentlistview.h"
#include "ui/incidentworkspace.h"
#include "ui/mainwindow.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::itemmodels;

class TestWarRoomWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<host::AppContext> m_ctx;

    static QPushButton *button(QWidget *w, const QString &name)
    {
        return w->findChild<QPushButton *>(name);
    }

    QString openIncident(const QString &title, const QString &severity,
                         const QJsonObject &extra = {})
    {
        QJsonObject a{{QStringLiteral("title"), title}, {QStringLiteral("severity"), severity}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            a.insert(it.key(), it.value());
        auto r = m_ctx->engine().execute(engine::Command::open(a));
        return r ? r->incidentUid : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("warroom.db"),
                                               testing::demoData(120), &m_db));
    }

    void createDialog_validatesAtFieldsAndWritesNothingUntilValid()
    {
        const qint64 before = m_ctx->store().incidentCount();
        ui::CreateIncidentDialog dlg(m_ctx->engine(), QStringLiteral("tester"));
        dlg.show();
        QVERIFY(!dlg.isValid());
        dlg.accept(); // pressing Create on an empty form only shows the field errors
        QCOMPARE(m_ctx->store().incidentCount(), before);
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("titleError"))->isVisible());
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("severityError"))->isVisible());

        auto *title = dlg.findChild<QLineEdit *>(QStringLiteral("titleEdit"));
        QTest::keyClicks(title, QStringLiteral("Payments"));
        QTest::keyClicks(title, QStringLiteral(" gateway timing out"));
        dlg.findChild<QComboBox *>(QStringLiteral("severityCombo"))
            ->setCurrentIndex(2); // SEV2 high
        QCOMPARE(dlg.priorityText(), QStringLiteral("P2"));
        auto *impact = dlg.findChild<QComboBox *>(QStringLiteral("impactCombo"));
        auto *urgency = dlg.findChild<QComboBox *>(QStringLiteral("urgencyCombo"));
        impact->setCurrentIndex(1);
        QVERIFY(!dlg.isValid()); // impact without urgency
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("matrixError"))->isVisible());
        urgency->setCurrentIndex(1);
        QVERIFY(dlg.isValid());
        const auto expected = m_ctx->engine().workflow().matrix().priority(
            impact->currentData().toString(), urgency->currentData().toString());
        QCOMPARE(dlg.priorityText(), domain::priorityName(expected));
        QVERIFY(dlg.findChild<QLabel *>(QStringLiteral("priorityLabel"))
                    ->text()
                    .startsWith(domain::priorityName(expected)));
        dlg.findChild<QLineEdit *>(QStringLiteral("servicesEdit"))
            ->setText(QStringLiteral("payments, bad name!"));
        QVERIFY(!dlg.isValid());
        dlg.findChild<QLineEdit *>(QStringLiteral("servicesEdit"))
            ->setText(QStringLiteral("payments, checkout-api"));
        QVERIFY(dlg.isValid());
        QCOMPARE(m_ctx->store().incidentCount(), before);

        QTest::mouseClick(dlg.findChild<QPushButton *>(QStringLiteral("createButton")),
                          Qt::LeftButton);
        QCOMPARE(dlg.result(), int(QDialog::Accepted));
        QCOMPARE(m_ctx->store().incidentCount(), before + 1);
        const auto inc = m_ctx->store().incidentByUid(dlg.createdUid());
        QVERIFY(inc);
        QCOMPARE(inc->title, QStringLiteral("Payments gateway timing out"));
        QCOMPARE(inc->priority, expected);
        QCOMPARE(inc->services,
                 QStringList({QStringLiteral("payments"), QStringLiteral("checkout-api")}));
    }

    void lifecycle_throughButtons_withP1ApprovalAndResolution()
    {
        ui::MainWindow w(*m_ctx);
        w.show();
        QVERIFY(w.waitUntilLoaded());
        const QString uid =
            openIncident(QStringLiteral("Database primary down"), QStringLiteral("critical"));
        QVERIFY(!uid.isEmpty());
        ui::IncidentWorkspace *ws = w.openIncident(uid);
        QVERIFY(ws);
        QCOMPARE(w.currentWorkspace(), ws);
        // Only what the workflow allows from triggered.
        QCOMPARE(ws->offeredTransitions(),
                 m_ctx->engine().allowedTransitions(*m_ctx->store().incidentByUid(uid)));
        QVERIFY(!button(ws, QStringLiteral("transition_mitigating")));

        QTest::mouseClick(button(ws, QStringLiteral("transition_acknowledged")), Qt::LeftButton);
        QCOMPARE(m_ctx->store().incidentByUid(uid)->state, QStringLiteral("acknowledged"));
        QTest::mouseClick(button(ws, QStringLiteral("transition_investigating")), Qt::LeftButton);
        QCOMPARE(m_ctx->store().incidentByUid(uid)->state, QStringLiteral("investigating"));

        // P1: mitigating needs a recorded approval; the guard explains itself inline.
        QTest::mouseClick(button(ws, QStringLiteral("transition_mitigating")), Qt::LeftButton);
        QCOMPARE(m_ctx->store().incidentByUid(uid)->state, QStringLiteral("investigating"));
        auto *guard = ws->findChild<QWidget *>(QStringLiteral("guardPanel"));
        QVERIFY(guard->isVisible());
        QVERIFY(ws->messageText().contains(QStringLiteral("approval")));
        auto *approver = ws->findChild<QLineEdit *>(QStringLiteral("approverEdit"));
        QVERIFY(approver->isVisible());
        QTest::mouseClick(button(ws, QStringLiteral("approveButton")),
                          Qt::LeftButton); // no name: refused inline
        QVERIFY(ws->messageText().contains(QStringLiteral("Name")));
        approver->setText(QStringLiteral("Dana Director"));
        QTest::mouseClick(button(ws, QStringLiteral("approveButton")), Qt::LeftButton);
        auto inc = m_ctx->store().incidentByUid(uid);
        QCOMPARE(inc->state, QStringLiteral("mitigating"));
        QCOMPARE(ws->details().approver, QStringLiteral("Dana Director"));
        bool approvalEvent = false;
        for (const auto &e : m_ctx->store().timeline(uid))
            approvalEvent = approvalEvent || (e.kind == domain::kinds::ApprovalGranted &&
                                              e.actor == u"Dana Director");
        QVERIFY(approvalEvent);

        // Resolving needs a resolution note and a root cause: asked for inline.
        QTest::mouseClick(button(ws, QStringLiteral("transition_resolved")), Qt::LeftButton);
        QCOMPARE(m_ctx->store().incidentByUid(uid)->state, QStringLiteral("mitigating"));
        QVERIFY(ws->messageText().contains(QStringLiteral("resolution note")));
        ws->findChild<QLineEdit *>(QStringLiteral("resolutionNoteEdit"))
            ->setText(QStringLiteral("Failed over to the replica"));
        ws->findChild<QLineEdit *>(QStringLiteral("rootCauseEdit"))
            ->setText(QStringLiteral("hardware"));
        QTest::mouseClick(button(ws, QStringLiteral("guardContinue")), Qt::LeftButton);
        QCOMPARE(m_ctx->store().incidentByUid(uid)->state, QStringLiteral("resolved"));
        QTest::mouseClick(button(ws, QStringLiteral("transition_postmortem")), Qt::LeftButton);
        inc = m_ctx->store().incidentByUid(uid);
        QCOMPARE(inc->state, QStringLiteral("postmortem"));
        QVERIFY(!inc->open);
        QVERIFY(!button(ws, QStringLiteral("transition_acknowledged")));
    }

    void invalidAction_showsEngineErrorInline()
    {
        ui::MainWindow w(*m_ctx);
        w.show();
        const QString uid =
            openIncident(QStringLiteral("Queue consumers stalled"), QStringLiteral("medium"));
        ui::IncidentWorkspace *ws = w.openIncident(uid);
        QVERIFY(ws);
        const qint64 events = m_ctx->store().incidentByUid(uid)->eventCount;
        auto *note = ws->findChild<QLineEdit *>(QStringLiteral("noteEdit"));
        note->setText(QStringLiteral("   "));
        QTest::mouseClick(button(ws, QStringLiteral("addNote")), Qt::LeftButton);
        QCOMPARE(ws->messageText(), QStringLiteral("a note needs text"));
        QVERIFY(ws->findChild<QWidget *>(QStringLiteral("messageBar"))->isVisible());
        ws->requestTransition(QStringLiteral("postmortem")); // not allowed from triggered
        QVERIFY2(ws->messageText().contains(QStringLiteral("cannot move")),
                 qPrintable(ws->messageText()));
        QCOMPARE(m_ctx->store().incidentByUid(uid)->eventCount, events); // nothing written

        note->setText(QStringLiteral("Consumers restarted"));
        QTest::keyClick(note, Qt::Key_Return);
        QVERIFY(ws->messageText().isEmpty());
        QCOMPARE(m_ctx->store().timeline(uid).last().kind, domain::kinds::NoteAdded);
    }

    void reminders_shownAndRecordedOnce()
    {
        ui::MainWindow w(*m_ctx);
        const QString uid = openIncident(QStringLiteral("Edge 5xx burst"), QStringLiteral("high"));
        ui::IncidentWorkspace *ws = w.openIncident(uid);
        const qint64 later =
            m_ctx->clock().nowMs() + 20 * 60 * 1000; // no commander, no status update
        ws->tick(later);
        ws->tick(later + 1000);
        QCOMPARE(ws->reminderTexts().size(), 2);
        int reminders = 0;
        for (const auto &e : m_ctx->store().timeline(uid))
            reminders += e.kind == domain::kinds::Reminder ? 1 : 0;
        QCOMPARE(reminders, 2);
    }

    void evidence_linksAndScreenshotsWithPreview()
    {
        ui::MainWindow w(*m_ctx);
        w.show();
        const QString uid =
            openIncident(QStringLiteral("Graphs look wrong"), QStringLiteral("medium"));
        QImage img(64, 48, QImage::Format_RGB32);
        img.fill(Qt::red);
        const QString png = m_dir.filePath(QStringLiteral("graph.png"));
        QVERIFY(img.save(png));
        QVERIFY(m_ctx->engine().execute(
            engine::Command::make(engine::Command::Kind::AttachEvidence, uid,
                                  {{QStringLiteral("kind"), QStringLiteral("screenshot")},
                                   {QStringLiteral("path"), png}})));
        ui::IncidentWorkspace *ws = w.openIncident(uid);
        ws->findChild<QLineEdit *>(QStringLiteral("evidenceUrl"))
            ->setText(QStringLiteral("https://grafana.example/d/abc"));
        const auto buttons = ws->findChildren<QPushButton *>();
        for (QPushButton *b : buttons)
            if (b->text() == QStringLiteral("Add link"))
                QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(ws->details().evidence.size(), 2);
        auto *list = ws->findChild<QAbstractItemView *>(QStringLiteral("evidenceList"));
        QCOMPARE(list->model()->rowCount(), 2);
        list->setCurrentIndex(list->model()->index(0, 0));
        auto *preview = ws->findChild<QLabel *>(QStringLiteral("evidencePreview"));
        QVERIFY(!preview->pixmap().isNull());
        // A new item arrives as an inserted row: the selection stays where it was.
        QSignalSpy inserted(list->model(), &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(list->model(), &QAbstractItemModel::modelReset);
        ws->findChild<QLineEdit *>(QStringLiteral("evidenceUrl"))
            ->setText(QStringLiteral("https://logs.example/q/1"));
        for (QPushButton *b :
             ws->findChildren<QPushButton *>()) // the lifecycle buttons were rebuilt
            if (b->text() == QStringLiteral("Add link"))
                QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(list->model()->rowCount(), 3);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(list->currentIndex().row(), 0);
        list->setCurrentIndex(list->model()->index(1, 0));
        QVERIFY(preview->text().contains(QStringLiteral("grafana.example")));
        // Links are web pages only: the core refuses anything else, and the window says why.
        auto *url = ws->findChild<QLineEdit *>(QStringLiteral("evidenceUrl"));
        url->setText(QStringLiteral("javascript:alert(1)"));
        for (QPushButton *b : ws->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Add link"))
                QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(list->model()->rowCount(), 3);
        QCOMPARE(url->text(), QStringLiteral("javascript:alert(1)")); // kept, to be corrected
        bool said = false;
        for (const QLabel *l : ws->findChildren<QLabel *>())
            said = said || l->text().contains(QStringLiteral("not an http or https URL"));
        QVERIFY(said);
    }

    void list_sortsFiltersAndSearches()
    {
        ui::MainWindow w(*m_ctx);
        w.show();
        QVERIFY(w.waitUntilLoaded());
        ui::IncidentListView *list = w.listView();
        IncidentTableModel &model = w.listModel();
        list->setSavedView(QStringLiteral("all"));
        QVERIFY(w.waitUntilLoaded());
        QCOMPARE(qint64(model.rowCount()), m_ctx->store().incidentCount());

        // Sort by clicking the Title header.
        QSignalSpy ready(&model, &IncidentTableModel::queryReady);
        QHeaderView *header = list->table()->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(IncidentColumn::Title) + 5, 5));
        QVERIFY(ready.wait(5000));
        QCOMPARE(model.sortColumn(), int(IncidentColumn::Title));
        const QString a = model.index(0, IncidentColumn::Title).data().toString();
        const QString b = model.index(1, IncidentColumn::Title).data().toString();
        QVERIFY(model.sortOrder() == Qt::AscendingOrder ? a <= b : a >= b);

        // Severity filter.
        auto *sev = list->findChild<QComboBox *>(QStringLiteral("severityFilter"));
        sev->setCurrentIndex(sev->findData(1));
        QVERIFY(ready.wait(5000));
        QVERIFY(model.rowCount() > 0);
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.index(r, 0).data(itemmodels::IncidentRole::SeverityRole).toInt(), 1);
        sev->setCurrentIndex(0);
        QVERIFY(ready.wait(5000));

        // Search box.
        openIncident(QStringLiteral("Zanzibar cache stampede"), QStringLiteral("low"));
        QTest::keyClicks(list->searchEdit(), QStringLiteral("zanzibar"));
        list->applyFilter();
        QVERIFY(ready.wait(5000));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, IncidentColumn::Title).data().toString(),
                 QStringLiteral("Zanzibar cache stampede"));
        list->searchEdit()->clear();
        list->applyFilter();
        QVERIFY(ready.wait(5000));

        // Saved view: P1 open.
        list->setSavedView(QStringLiteral("p1"));
        QVERIFY(ready.wait(5000));
        for (int r = 0; r < model.rowCount(); ++r) {
            QCOMPARE(model.index(r, 0).data(itemmodels::IncidentRole::PriorityRole).toInt(), 1);
            QVERIFY(model.index(r, 0).data(itemmodels::IncidentRole::OpenRole).toBool());
        }
    }

    void commandPalette_findsActionsAndIncidents()
    {
        ui::MainWindow w(*m_ctx);
        w.show();
        QVERIFY(w.waitUntilLoaded());
        openIncident(QStringLiteral("Quokka service unreachable"), QStringLiteral("low"));
        w.showCommandPalette();
        auto *palette = w.findChild<QDialog *>(QStringLiteral("commandPalette"));
        QVERIFY(palette);
        auto *input = palette->findChild<QLineEdit *>(QStringLiteral("paletteInput"));
        auto *results = palette->findChild<QListWidget *>(QStringLiteral("paletteResults"));
        input->setText(QStringLiteral("new incident"));
        QVERIFY(results->count() >= 1);
        QVERIFY(results->item(0)->text().contains(QStringLiteral("New incident")));
        input->setText(QStringLiteral("quokka"));
        QVERIFY(results->count() >= 1);
        QVERIFY(results->currentItem()->text().contains(QStringLiteral("Quokka")));
        QTest::keyClick(input, Qt::Key_Return);
        QVERIFY(w.currentWorkspace());
        QCOMPARE(w.currentWorkspace()->details().incident.title,
                 QStringLiteral("Quokka service unreachable"));
    }

    void otherProcess_changesShowUpWithinASecond()
    {
        ui::MainWindow w(*m_ctx);
        w.show();
        QVERIFY(w.waitUntilLoaded());
        w.listView()->setSavedView(QStringLiteral("all"));
        QVERIFY(w.waitUntilLoaded());
        const QString uid =
            openIncident(QStringLiteral("Watched from the window"), QStringLiteral("high"));
        ui::IncidentWorkspace *ws = w.openIncident(uid);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(w.listModel().rowCount()), m_ctx->store().incidentCount(),
                                  3000);
        const int rows = w.listModel().rowCount();
        const int events = int(ws->details().timeline.size());

        QCOMPARE(testing::runSitrepOn(m_db, QStringLiteral("create"),
                                      {QStringLiteral("--title"),
                                       QStringLiteral("Opened from the command line"),
                                       QStringLiteral("--severity"), QStringLiteral("critical")}),
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(w.listModel().rowCount(), rows + 1, 3000);
        // A new P1 raises a notification that opens it.
        QTRY_VERIFY_WITH_TIMEOUT(w.lastNotification().first.startsWith(QStringLiteral("New P1")),
                                 3000);

        QCOMPARE(testing::runSitrepOn(m_db, QStringLiteral("note"),
                                      {ws->number(), QStringLiteral("Seen from another process")}),
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(int(ws->details().timeline.size()), events + 1, 3000);
        QCOMPARE(ws->details().timeline.last().payload[u"text"].toString(),
                 QStringLiteral("Seen from another process"));
    }

    void backend_windowActsAsTheTokensUser()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("team.db"));
        auto ctx = host::AppContext::open(path);
        QVERIFY(ctx);
        QVERIFY((*ctx)->store().setMeta(QStringLiteral("backend.url"),
                                        QStringLiteral("https://sitrep.example.com")));
        QVERIFY(
            sync::Identity((*ctx)->store())
                .remember(sync::BackendUser{QStringLiteral("alice"), QStringLiteral("commander")}));
        // SITREP_USER is "tester" here: with a back end that name is refused, in the status bar.
        ui::MainWindow w(**ctx);
        w.show();
        QVERIFY2(w.statusBar()->currentMessage().contains(u"SITREP_USER=tester") &&
                     w.statusBar()->currentMessage().contains(u"alice"),
                 qPrintable(w.statusBar()->currentMessage()));
        bool shown = false;
        for (auto *l : w.statusBar()->findChildren<QLabel *>())
            shown = shown || l->text().contains(u"you are alice");
        QVERIFY(shown);
    }

    void backend_userLearnedAfterStart_windowActsAsThem()
    {
        QTemporaryDir dir;
        auto ctx = host::AppContext::open(dir.filePath(QStringLiteral("team.db")));
        QVERIFY(ctx);
        QVERIFY((*ctx)->store().setMeta(QStringLiteral("backend.url"),
                                        QStringLiteral("https://sitrep.example.com")));
        ui::MainWindow w(**ctx);
        w.show();
        QVERIFY2(w.statusBar()->currentMessage().contains(u"sitrep sync"),
                 qPrintable(w.statusBar()->currentMessage()));
        const auto youAre = [&w](const QString &name) {
            for (auto *l : w.statusBar()->findChildren<QLabel *>())
                if (l->text().contains(QStringLiteral("you are %1").arg(name)))
                    return true;
            return false;
        };
        QVERIFY(!youAre(QStringLiteral("carol")));
        // What the sync loop does on its first connection.
        QVERIFY(
            sync::Identity((*ctx)->store())
                .remember(sync::BackendUser{QStringLiteral("carol"), QStringLiteral("responder")}));
        QTRY_VERIFY_WITH_TIMEOUT(youAre(QStringLiteral("carol")), 3000);
        QVERIFY(w.statusBar()->currentMessage().isEmpty());
    }
};

QTEST_MAIN(TestWarRoomWindow)
#include "tst_warroomwindow.moc"
