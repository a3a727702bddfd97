// SPDX-License-Identifier: MIT
// Two headless agents on one SQLite database file and no back end share the singleton jobs
// through the leases table (sync/localleases.h): one holder per job at every sample, a stop
// hands over at once, a dead holder is replaced within ttl + renew, a holder that cannot
// renew (the database locked by someone else) gives its jobs up on time.
#include "store/sqlite.h"
#include "sync/localleases.h"

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

struct Agent {
    std::unique_ptr<LocalLeases> leases;
    QHash<QString, qint64> acquiredAt, lostAt;
};

} // namespace

class TestLocalLeases : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_path;
    QElapsedTimer m_clock;
    QTimer m_sampler;
    std::vector<std::unique_ptr<Agent>> m_agents;
    QStringList m_overlaps;

    Agent *agent()
    {
        auto a = std::make_unique<Agent>();
        a->leases = std::make_unique<LocalLeases>(m_path, kTiming);
        Agent *raw = a.get();
        connect(raw->leases.get(), &sync::Leases::acquired, this,
                [this, raw](const QString &job) { raw->acquiredAt[job] = m_clock.elapsed(); });
        connect(raw->leases.get(), &sync::Leases::lost, this,
                [this, raw](const QString &job) { raw->lostAt[job] = m_clock.elapsed(); });
        for (const QString &job : sync::jobs::all())
            raw->leases->want(job);
        m_agents.push_back(std::move(a));
        return raw;
    }
    void kill(Agent *a)
    {
        std::erase_if(m_agents, [a](const std::unique_ptr<Agent> &x) { return x.get() == a; });
    }
    int holders(const QString &job) const
    {
        return int(std::count_if(m_agents.begin(), m_agents.end(),
                                 [&job](const auto &a) { return a->leases->holds(job); }));
    }
    static int held(const Agent &a)
    {
        const QStringList all = sync::jobs::all();
        return int(std::count_if(all.begin(), all.end(),
                                 [&a](const QString &job) { return a.leases->holds(job); }));
    }
    static bool holdsAll(const Agent &a) { return held(a) == sync::jobs::all().size(); }
    bool oneHolderEach() const
    {
        const QStringList all = sync::jobs::all();
        return std::all_of(all.begin(), all.end(),
                           [this](const QString &job) { return holders(job) == 1; });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_clock.start();
        m_sampler.setInterval(10);
        connect(&m_sampler, &QTimer::timeout, this, [this] {
            for (const QString &job : sync::jobs::all())
                if (holders(job) > 1)
                    m_overlaps << QStringLiteral("%1 at %2 ms").arg(job).arg(m_clock.elapsed());
        });
        m_sampler.start();
    }

    void init()
    {
        static int n = 0;
        m_path = m_dir.filePath(QStringLiteral("shared-%1.db").arg(++n));
    }

    void cleanup()
    {
        m_agents.clear();
        QVERIFY2(m_overlaps.isEmpty(), qPrintable(m_overlaps.join(u", ")));
    }

    void oneHolderPerJob_andAStopHandsOverAtOnce()
    {
        Agent *a = agent();
        a->leases->start();
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(*a), 2000);
        Agent *b = agent();
        b->leases->start();
        for (int i = 0; i < 30; ++i) {
            QTest::qWait(50);
            QVERIFY(oneHolderEach());
        }
        QVERIFY(holdsAll(*a));
        QCOMPARE(held(*b), 0);
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
        QCOMPARE(held(*a), 0);
        QCOMPARE(a->lostAt.size(), sync::jobs::all().size());
        QVERIFY(released.count() == 1 || released.wait(1000));
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(*b), kTiming.ttlMs);
        const qint64 handover = m_clock.elapsed() - stopped;
        QVERIFY2(handover < kTiming.ttlMs - kTiming.renewMs, qPrintable(QString::number(handover)));
        // Started again, a waits for b's jobs.
        a->leases->start();
        QTest::qWait(3 * kTiming.renewMs);
        QCOMPARE(held(*a), 0);
        QVERIFY(holdsAll(*b));
    }

    void deadHolder_isReplacedWithinTtlPlusRenew()
    {
        Agent *a = agent();
        a->leases->start();
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(*a), 2000);
        Agent *b = agent();
        b->leases->start();
        QTest::qWait(500);
        QCOMPARE(held(*b), 0);
        const qint64 died = m_clock.elapsed();
        kill(a);
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(*b), kTiming.ttlMs + kTiming.renewMs + 1000);
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
        Agent *a = agent();
        a->leases->start();
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(*a), 2000);
        Agent *b = agent();
        b->leases->start();
        QTest::qWait(300);
        // Someone else holds the write lock for longer than the ttl: no renewal gets through.
        store::Db other;
        QVERIFY(other.open(m_path));
        QVERIFY(other.begin());
        const qint64 locked = m_clock.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(held(*a), 0, kTiming.ttlMs + 300);
        for (const QString &job : sync::jobs::all())
            QVERIFY2(a->lostAt.value(job) - locked <= kTiming.ttlMs,
                     qPrintable(QString::number(a->lostAt.value(job) - locked)));
        QTest::qWait(300);
        QCOMPARE(held(*b), 0);
        other.rollback();
        // Unlocked: every job has one holder again, and whatever b took, a had given up first.
        QTRY_VERIFY_WITH_TIMEOUT(oneHolderEach(), 2 * kTiming.renewMs + 500);
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
