// SPDX-License-Identifier: MIT
// Two headless agents on one SQLite database file and no back end share the singleton jobs
// through the leases table (sync/localleases.h): one holder per job at every sample, a stop
// hands over at once, a dead holder is replaced within ttl + renew, a holder that cannot
// renew (the database locked by someone else) gives its jobs up on time.
#include "store/sqlite.h"
#include "sync/localleases.h"
#include "unit/leasetestutil.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace sitrep;
using sync::LeaseTiming;
using sync::LocalLeases;

namespace {

constexpr LeaseTiming kTiming{1000, 250};

using Agent = testing::WatchedKeeper;

} // namespace

class TestLocalLeases : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_path;
    QElapsedTimer m_clock;
    testing::KeeperPool<Agent> m_agents; // the live ones

    Agent *agent()
    {
        auto a = std::make_unique<Agent>();
        a->watch(std::make_unique<LocalLeases>(m_path, kTiming), this, m_clock);
        return m_agents.add(std::move(a));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_clock.start();
        m_agents.sampleOverlaps(m_clock, 10);
    }

    void init()
    {
        static int n = 0;
        m_path = m_dir.filePath(QStringLiteral("shared-%1.db").arg(++n));
    }

    void cleanup()
    {
        m_agents.clear();
        QVERIFY2(m_agents.overlaps().isEmpty(), qPrintable(m_agents.overlaps().join(u", ")));
    }

    void oneHolderPerJob_andAStopHandsOverAtOnce()
    {
        Agent *a = agent(), *b = agent();
        QVERIFY(testing::startHolderThenStandby(*a, *b, 2000));
        for (int i = 0; i < 30; ++i) {
            QTest::qWait(50);
            QVERIFY(testing::oneHolderEach(m_agents));
        }
        QVERIFY(a->holdsAll());
        QCOMPARE(b->held(), 0);
        QVERIFY(a->lostAt.isEmpty());
        // The table says who: a's holder id on every job.
        store::Db raw;
        QVERIFY(raw.open(m_path, true));
        QCOMPARE(raw.texts(QStringLiteral("SELECT DISTINCT holder FROM leases")),
                 QStringList{a->leases->holderId()});
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM leases")),
                 sync::jobs::all().size());
        // A clean stop releases: b takes over within a renewal, not after the ttl.
        QSignalSpy released(a->leases.get(), &LocalLeases::released);
        const qint64 stopped = m_clock.elapsed();
        a->leases->stop();
        QCOMPARE(a->held(), 0);
        QCOMPARE(a->lostAt.size(), sync::jobs::all().size());
        QVERIFY(released.count() == 1 || released.wait(1000));
        QTRY_VERIFY_WITH_TIMEOUT(b->holdsAll(), kTiming.ttlMs);
        const qint64 handover = m_clock.elapsed() - stopped;
        QVERIFY2(handover < kTiming.ttlMs - kTiming.renewMs, qPrintable(QString::number(handover)));
        // Started again, a waits for b's jobs.
        a->leases->start();
        QTest::qWait(3 * kTiming.renewMs);
        QCOMPARE(a->held(), 0);
        QVERIFY(b->holdsAll());
    }

    void deadHolder_isReplacedWithinTtlPlusRenew()
    {
        Agent *a = agent(), *b = agent();
        QVERIFY(testing::startHolderThenStandby(*a, *b, 2000));
        QTest::qWait(500);
        QCOMPARE(b->held(), 0);
        const qint64 died = m_clock.elapsed();
        m_agents.kill(a);
        QTRY_VERIFY_WITH_TIMEOUT(b->holdsAll(), kTiming.ttlMs + kTiming.renewMs + 1000);
        for (const QString &job : sync::jobs::all()) {
            const qint64 after = b->acquiredAt.value(job) - died;
            QVERIFY2(after >= kTiming.ttlMs - kTiming.renewMs - 50,
                     qPrintable(QString::number(after)));
            QVERIFY2(after <= kTiming.ttlMs + kTiming.renewMs + 200,
                     qPrintable(QString::number(after)));
        }
    }

    void lockedDatabase_holderGivesUpInTime_beforeAnyTakeover()
    {
        Agent *a = agent(), *b = agent();
        QVERIFY(testing::startHolderThenStandby(*a, *b, 2000));
        QTest::qWait(300);
        // Someone else holds the write lock for longer than the ttl: no renewal gets through.
        store::Db other;
        QVERIFY(other.open(m_path));
        QVERIFY(other.begin());
        const qint64 locked = m_clock.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(a->held(), 0, kTiming.ttlMs + 300);
        for (const QString &job : sync::jobs::all())
            QVERIFY2(a->lostAt.value(job) - locked <= kTiming.ttlMs,
                     qPrintable(QString::number(a->lostAt.value(job) - locked)));
        QTest::qWait(300);
        QCOMPARE(b->held(), 0);
        other.rollback();
        // Unlocked: every job has one holder again, and whatever b took, a had given up first.
        QTRY_VERIFY_WITH_TIMEOUT(testing::oneHolderEach(m_agents), 2 * kTiming.renewMs + 500);
        for (auto it = b->acquiredAt.cbegin(); it != b->acquiredAt.cend(); ++it)
            QVERIFY(a->lostAt.value(it.key()) < it.value());
    }

    void badDatabase_failsQuietly_neverHolds()
    {
        const QString notADb = m_dir.filePath(QStringLiteral("garbage.db"));
        QFile f(notADb);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        LocalLeases l(notADb, kTiming);
        l.want(sync::jobs::SlaTick);
        QSignalSpy acquired(&l, &sync::Leases::acquired);
        l.start();
        QTest::qWait(3 * kTiming.renewMs);
        QCOMPARE(acquired.count(), 0);
        QVERIFY(!l.holds(sync::jobs::SlaTick));
        l.stop();
    }
};

QTEST_GUILESS_MAIN(TestLocalLeases)
#include "tst_localleases.moc"
