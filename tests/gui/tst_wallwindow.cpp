// SPDX-License-Identifier: MIT
// The NOC wall: rotation and P1 interruption, the stale banner when the database goes away
// or is locked and the recovery when it returns, offscreen rendering.
#include "fixtures/appcontext.h"
#include "fixtures/wall.h"
#include "host/appcontext.h"
#include "metrics/metricsservice.h"
#include "ui/wall/wallrotation.h"
#include "ui/wall/wallwindow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sqlite3.h>

using namespace sitrep;

namespace {

const qint64 kNow = QDateTime(QDate(2026, 11, 20), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

metrics::ActiveIncident inc(const QString &uid, int priority)
{
    metrics::ActiveIncident a;
    a.uid = uid;
    a.priority = priority;
    a.severity = priority;
    return a;
}

} // namespace

class TestWallWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<host::AppContext> m_ctx;

    QString dbPath() const { return m_dir.filePath(QStringLiteral("wall.db")); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("SITREP_NOW", QByteArray::number(kNow));
        QVERIFY(testing::openDemoContext(m_ctx, dbPath(), testing::demoData(500, kNow, 60),
                                         QStringLiteral("sre")));
    }

    void rotation_cyclesThroughPages()
    {
        ui::WallRotation r(5);
        QCOMPARE(r.page(), 0);
        QList<int> seen;
        for (int i = 0; i < 6; ++i)
            seen << r.advance();
        QCOMPARE(seen, (QList<int>{1, 2, 3, 4, 0, 1}));
    }

    void rotation_firstSnapshotDoesNotInterrupt()
    {
        ui::WallRotation r(5);
        r.advance();
        QVERIFY(!r.update({inc(QStringLiteral("a"), 1)}));
        QCOMPARE(r.page(), 1);
        QCOMPARE(r.interruptions(), 0);
    }

    void rotation_newP1InterruptsAndHolds()
    {
        ui::WallRotation r(5);
        QVERIFY(!r.update({inc(QStringLiteral("a"), 1), inc(QStringLiteral("b"), 3)}));
        r.advance();
        r.advance();
        QCOMPARE(r.page(), 2);
        // A new P3 does not interrupt, a known P1 does not either.
        QVERIFY(!r.update({inc(QStringLiteral("a"), 1), inc(QStringLiteral("c"), 3)}));
        QCOMPARE(r.page(), 2);
        QVERIFY(r.update({inc(QStringLiteral("a"), 1), inc(QStringLiteral("d"), 1)}));
        QCOMPARE(r.page(), 0);
        QVERIFY(r.holding());
        QCOMPARE(r.advance(), 0); // held for a full period
        QCOMPARE(r.advance(), 1);
        QVERIFY(!r.update({inc(QStringLiteral("d"), 1)}));
        QCOMPARE(r.interruptions(), 1);
    }

    void rotation_sev1WithoutPriorityCountsAsP1()
    {
        metrics::ActiveIncident a;
        a.severity = 1;
        QVERIFY(a.isP1());
        a.priority = 2;
        QVERIFY(!a.isP1());
    }

    void wall_rendersOffscreenWithData()
    {
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        ui::WallWindow wall(svc, testing::steadyWall());
        QVERIFY(testing::showWall(wall, QSize(1920, 1080)));
        QVERIFY(wall.hasData());
        QVERIFY(!wall.isStale());
        QVERIFY(!wall.bannerVisible());
        QVERIFY(!wall.snapshot().active.isEmpty());
        QCOMPARE(wall.cursor().shape(), Qt::BlankCursor);
        for (int p = 0; p < wall.pageCount(); ++p) {
            QCOMPARE(wall.page(), p);
            const QImage img = wall.grab().toImage();
            QCOMPARE(img.size(), QSize(1920, 1080));
            // Dark theme: the corner pixel is near black.
            QVERIFY(qGray(img.pixel(5, img.height() - 5)) < 40);
            wall.rotate();
        }
        QCOMPARE(wall.page(), 0);
        QCOMPARE(wall.pageName(), QStringLiteral("incidents"));
    }

    void wall_staleBannerWhenDatabaseGoneAndRecovers()
    {
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        ui::WallWindow wall(svc, testing::steadyWall(3600000));
        QVERIFY(testing::showWall(wall, QSize(1280, 720)));
        const int active = int(wall.snapshot().active.size());
        QVERIFY(active > 0);

        // Take the source away.
        const QString away = dbPath() + QStringLiteral(".moved");
        QVERIFY(QFile::rename(dbPath(), away));
        wall.refresh();
        QVERIFY(wall.waitForRefresh());
        QVERIFY(wall.isStale());
        QVERIFY(wall.bannerVisible());
        const QString hhmm = QDateTime::fromMSecsSinceEpoch(kNow).toString(QStringLiteral("HH:mm"));
        QVERIFY2(wall.bannerText().contains(QStringLiteral("stale since %1").arg(hhmm)),
                 qPrintable(wall.bannerText()));
        QVERIFY(!wall.bannerText().contains(QStringLiteral("#0"))); // a message, not a trace
        QCOMPARE(wall.snapshot().active.size(), active);            // the last data stays
        QVERIFY(!wall.grab().isNull());

        // Give it back: the next refresh recovers on its own.
        QVERIFY(QFile::rename(away, dbPath()));
        wall.refresh();
        QVERIFY(wall.waitForRefresh());
        QVERIFY(!wall.isStale());
        QVERIFY(!wall.bannerVisible());
    }

    // Another connection takes an exclusive lock and holds it for seconds. The wall's worker
    // waits on its busy timeout and fails; the window keeps the last data under the stale
    // banner, its event loop never stalls (no SQL on the GUI thread), and once the lock is
    // gone the refresh timer brings it back by itself.
    void wall_databaseLocked_staysResponsiveShowsStaleAndRecoversByItself()
    {
        // A copy in rollback-journal mode, where an exclusive lock keeps readers out (in WAL
        // mode a writer's exclusive transaction does not block readers; see the next test).
        const QString path = m_dir.filePath(QStringLiteral("locked.db"));
        QFile::remove(path);
        QVERIFY(m_ctx->store().db().exec(QStringLiteral("VACUUM INTO '%1'").arg(path)).ok());
        sqlite3 *locker = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &locker), SQLITE_OK);
        auto run = [locker](const char *sql) {
            char *err = nullptr;
            const int rc = sqlite3_exec(locker, sql, nullptr, nullptr, &err);
            const QString msg = err ? QString::fromUtf8(err) : QString();
            sqlite3_free(err);
            return rc == SQLITE_OK ? QString() : msg;
        };
        QCOMPARE(run("PRAGMA journal_mode=DELETE"), QString());

        metrics::MetricsService svc(path, m_ctx->clock());
        svc.setBusyTimeoutMs(1500);
        ui::WallWindow wall(svc, testing::steadyWall(300));
        QVERIFY(testing::showWall(wall, QSize(1280, 720)));
        QVERIFY(!wall.isStale());
        const auto active = wall.snapshot().active;
        QVERIFY(!active.isEmpty());

        // The GUI thread's heartbeat while the lock is held.
        QElapsedTimer beat;
        beat.start();
        qint64 last = 0, maxGap = 0;
        QTimer heart;
        heart.setInterval(20);
        connect(&heart, &QTimer::timeout, this, [&] {
            const qint64 t = beat.elapsed();
            maxGap = qMax(maxGap, t - last);
            last = t;
        });

        QCOMPARE(run("BEGIN EXCLUSIVE"), QString());
        QCOMPARE(run("UPDATE meta SET value=value"), QString());
        last = beat.elapsed();
        heart.start();
        QTRY_VERIFY_WITH_TIMEOUT(wall.isStale(), 15000);
        QVERIFY(wall.bannerVisible());
        const QString hhmm = QDateTime::fromMSecsSinceEpoch(kNow).toString(QStringLiteral("HH:mm"));
        QVERIFY2(wall.bannerText().contains(QStringLiteral("stale since %1").arg(hhmm)),
                 qPrintable(wall.bannerText()));
        QVERIFY2(wall.bannerText().contains(QStringLiteral("locked")),
                 qPrintable(wall.bannerText()));
        QCOMPARE(wall.snapshot().active, active); // the last data stays on screen
        // Keep the lock a while longer: requests keep failing, the window keeps painting.
        QElapsedTimer held;
        held.start();
        while (held.elapsed() < 2500) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            QVERIFY(!wall.grab().isNull());
        }
        QVERIFY(wall.isStale());
        heart.stop();
        // A busy wait on the GUI thread would show as a gap of the busy timeout (1.5 s).
        QVERIFY2(maxGap < 1000, qPrintable(QStringLiteral("event loop stalled %1 ms").arg(maxGap)));

        // Release: the refresh timer recovers without anyone asking.
        QCOMPARE(run("COMMIT"), QString());
        sqlite3_close(locker);
        QTRY_VERIFY_WITH_TIMEOUT(!wall.isStale(), 15000);
        QVERIFY(!wall.bannerVisible());
        QCOMPARE(wall.snapshot().active.size(), active.size());
    }

    // In WAL mode (how Sitrep keeps its database) a writer holding an exclusive transaction
    // for seconds does not stop the wall: it keeps refreshing, with no stale banner.
    void wall_walWriterHoldingExclusiveTransaction_doesNotMakeItStale()
    {
        sqlite3 *writer = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(dbPath()).constData(), &writer), SQLITE_OK);
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        svc.setBusyTimeoutMs(1500);
        ui::WallWindow wall(svc, testing::steadyWall(300));
        QVERIFY(testing::showWall(wall, QSize(1280, 720)));
        QCOMPARE(sqlite3_exec(writer, "BEGIN EXCLUSIVE; UPDATE meta SET value=value;", nullptr,
                              nullptr, nullptr),
                 SQLITE_OK);
        QSignalSpy refreshed(&wall, &ui::WallWindow::refreshed);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.size() >= 3, 15000);
        for (const auto &r : std::as_const(refreshed))
            QVERIFY(r.at(0).toBool());
        QVERIFY(!wall.isStale());
        QCOMPARE(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(writer);
    }

    void wall_newP1InterruptsRotation()
    {
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        ui::WallWindow wall(svc, testing::steadyWall(3600000));
        wall.show();
        QVERIFY(wall.waitForRefresh());
        wall.rotate();
        wall.rotate();
        QCOMPARE(wall.page(), 2);
        wall.refresh(); // nothing new: stays
        QVERIFY(wall.waitForRefresh());
        QCOMPARE(wall.page(), 2);
        auto r = m_ctx->engine().execute(engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("Checkout down in every region")},
             {QStringLiteral("severity"), QStringLiteral("critical")},
             {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout")}}}));
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        wall.refresh();
        QVERIFY(wall.waitForRefresh());
        QCOMPARE(wall.page(), 0);
        QCOMPARE(wall.rotation().interruptions(), 1);
        QCOMPARE(wall.snapshot().active.first().uid, r->incidentUid); // P1 first
    }

    void wall_chartsRefreshLessOftenAndAreKept()
    {
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        QSignalSpy spy(&svc, &metrics::MetricsService::wallReady);
        ui::WallWindow wall(svc, testing::steadyWall(3600000, 3));
        QList<bool> withCharts;
        QVERIFY(wall.waitForRefresh());
        for (int i = 0; i < 3; ++i) {
            wall.refresh();
            QVERIFY(wall.waitForRefresh());
            QVERIFY(!wall.snapshot().metrics.weeks.isEmpty()); // kept between chart refreshes
            QVERIFY(!wall.snapshot().active.isEmpty());
        }
        for (const auto &args : spy)
            withCharts << args.at(0).value<metrics::WallSnapshot>().withCharts;
        QCOMPARE(withCharts, (QList<bool>{true, false, false, true}));
    }

    void wall_fitsEveryScreenShape_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("16:9 1920x1080") << QSize(1920, 1080);
        QTest::newRow("16:9 1280x720") << QSize(1280, 720);
        QTest::newRow("16:10 1280x800") << QSize(1280, 800);
        QTest::newRow("16:10 1920x1200") << QSize(1920, 1200);
        QTest::newRow("5:4 1280x1024") << QSize(1280, 1024);
        QTest::newRow("4:3 1024x768") << QSize(1024, 768);
        QTest::newRow("4:3 1600x1200") << QSize(1600, 1200);
        QTest::newRow("portrait 1080x1920") << QSize(1080, 1920);
        QTest::newRow("portrait 768x1024") << QSize(768, 1024);
    }

    void wall_fitsEveryScreenShape()
    {
        QFETCH(QSize, size);
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        ui::WallWindow wall(svc, testing::steadyWall());
        QVERIFY(testing::showWall(wall, size));
        QCoreApplication::processEvents();
        // Exactly the screen: the header never pushes the window wider.
        QCOMPARE(wall.size(), size);
        QVERIFY2(wall.minimumSizeHint().width() <= size.width(),
                 qPrintable(QString::number(wall.minimumSizeHint().width())));
        const QImage img = wall.grab().toImage();
        QCOMPARE(img.size(), size);
        // Every column of the incidents page in full: severity, incident, elapsed, SLA,
        // commander and update.
        const QStringList clipped = wall.clippedTexts();
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(u'\n')));
        // Every header label shows its text whole.
        for (QLabel *l : wall.findChildren<QLabel *>()) {
            if (!l->isVisible() || l->text().isEmpty())
                continue;
            QVERIFY2(l->width() + 1 >= l->sizeHint().width() || l->wordWrap(),
                     qPrintable(QStringLiteral("%1: %2 < %3")
                                    .arg(l->text().left(60))
                                    .arg(l->width())
                                    .arg(l->sizeHint().width())));
        }
    }

    void wall_p1WithoutStatusUpdateStandsOut()
    {
        auto r = m_ctx->engine().execute(engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("Payments down, nobody told")},
             {QStringLiteral("severity"), QStringLiteral("critical")},
             {QStringLiteral("services"), QJsonArray{QStringLiteral("payments")}}}));
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        ui::WallWindow wall(svc, testing::steadyWall());
        QVERIFY(testing::showWall(wall, QSize(1920, 1080)));
        int row = -1;
        for (int i = 0; i < wall.snapshot().active.size(); ++i)
            if (wall.snapshot().active[i].uid == r->incidentUid)
                row = i;
        QVERIFY(row >= 0 && row < 5);
        const QImage img = wall.grab().toImage();
        // The update cell of that row is filled red; the same cell of a P1 that did post
        // an update is not.
        const QColor alarm(0xC4, 0x12, 0x17);
        int redPixels = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = int(img.width() * 0.88); x < img.width() - 10; x += 4)
                redPixels += QColor(img.pixel(x, y)) == alarm ? 1 : 0;
        QVERIFY2(redPixels > 100, qPrintable(QString::number(redPixels)));
        QVERIFY(m_ctx->engine()
                    .execute(engine::Command::make(
                        engine::Command::Kind::StatusUpdate, r->incidentUid,
                        {{QStringLiteral("message"), QStringLiteral("Failing over")}}))
                    .ok());
        wall.refresh();
        QVERIFY(wall.waitForRefresh());
        const QImage after = wall.grab().toImage();
        int still = 0;
        for (int y = 0; y < after.height(); ++y)
            for (int x = int(after.width() * 0.88); x < after.width() - 10; x += 4)
                still += QColor(after.pixel(x, y)) == alarm ? 1 : 0;
        QVERIFY(still < redPixels);
    }

    void wall_exitKeysAskToLeave()
    {
        metrics::MetricsService svc(dbPath(), m_ctx->clock());
        ui::WallWindow wall(svc);
        QSignalSpy exit(&wall, &ui::WallWindow::exitRequested);
        QTest::keyClick(&wall, Qt::Key_Escape);
        QCOMPARE(exit.size(), 1);
    }
};

QTEST_MAIN(TestWallWindow)
#include "tst_wallwindow.moc"
