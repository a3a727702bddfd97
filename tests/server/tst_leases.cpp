// SPDX-License-Identifier: MIT
// Two headless agents share the singleton jobs through the real team back end (PostgreSQL,
// two sitrep-server instances, HAProxy), each through its own fault proxy that checks the
// contract and can cut that agent off: one holder per job at every moment, a clean stop
// hands over at once, a dead or cut-off holder is replaced within ttl + renew, and a holder
// that cannot renew gives the job up before the other one takes it.
#include "fixtures/teamserver/contractcheck.h"
#include "fixtures/teamserver/faultproxy.h"
#include "fixtures/teamserver/teamserver.h"
#include "sync/backendleases.h"
#include "unit/leasetestutil.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

using namespace sitrep;
using sync::BackendLeases;
using sync::LeaseTiming;

namespace {

constexpr LeaseTiming kTiming{3000, 1000};

/// One agent: its fault proxy in front of the shared back end, its keeper, and when each job
/// was acquired and lost (ms on the test's clock).
struct ProxyOf {
    std::unique_ptr<testing::FaultProxy> proxy;
};
// The proxy is a base before the keeper: the keeper goes first, as an agent's process would.
struct Agent : ProxyOf, testing::WatchedKeeper {};

} // namespace

class TestLeases : public QObject {
    Q_OBJECT
    testing::TeamBackEnd m_team;
    std::unique_ptr<testing::ContractCheck> m_contract;
    QString m_tokenA, m_tokenB;
    QStringList m_violations;
    int m_checked = 0;
    QElapsedTimer m_clock;
    testing::KeeperPool<Agent> m_agents; // the live ones

    Agent *agent(const QString &token, quint32 seed)
    {
        auto a = std::make_unique<Agent>();
        a->proxy = std::make_unique<testing::FaultProxy>(m_team.url(), seed);
        a->proxy->setObserver([this](const http::HttpRequest &req, int status, const QByteArray &,
                                     const QByteArray &body) {
            ++m_checked;
            m_violations += m_contract->check(req, status, body);
        });
        a->watch(std::make_unique<BackendLeases>(a->proxy->url(), token, kTiming), this, m_clock);
        return m_agents.add(std::move(a));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_team.start(2), testing::TeamBackEnd::kNotStarted);
        m_tokenA = m_team.addUser(QStringLiteral("agent-a"), QStringLiteral("agent"));
        m_tokenB = m_team.addUser(QStringLiteral("agent-b"), QStringLiteral("agent"));
        QVERIFY(!m_tokenA.isEmpty() && !m_tokenB.isEmpty());
        m_contract = std::make_unique<testing::ContractCheck>(
            QStringLiteral(SITREP_SOURCE_DIR "/resources/api/sitrep.yaml"));
        m_clock.start();
        // Every 20 ms: no job held by two agents at once.
        m_agents.sampleOverlaps(m_clock, 20);
    }

    void cleanup()
    {
        m_agents.clear();
        // The next test starts with no lease held.
        m_team.pg.sql(QStringLiteral("DELETE FROM leases"));
        QVERIFY2(m_agents.overlaps().isEmpty(), qPrintable(m_agents.overlaps().join(u", ")));
        QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(u'\n')));
        QVERIFY(m_checked > 0);
    }

    void oneHolderPerJob_andAStopHandsOverAtOnce()
    {
        Agent *a = agent(m_tokenA, 1), *b = agent(m_tokenB, 2);
        QVERIFY(testing::startHolderThenStandby(*a, *b, 5000));
        // Many renewals later, still exactly one holder of each job: a.
        for (int i = 0; i < 40; ++i) {
            QTest::qWait(100);
            for (const QString &job : sync::jobs::all())
                QCOMPARE(testing::holders(m_agents, job), 1);
        }
        QVERIFY(a->holdsAll());
        QVERIFY(b->holdsNone());
        QVERIFY(a->lostAt.isEmpty());
        // A clean stop: a gives everything up and releases it; b takes over within a renewal,
        // long before the leases would have expired.
        QSignalSpy released(a->leases.get(), &BackendLeases::released);
        const qint64 stopped = m_clock.elapsed();
        a->leases->stop();
        QVERIFY(a->holdsNone());
        QCOMPARE(a->lostAt.size(), sync::jobs::all().size());
        QTRY_VERIFY_WITH_TIMEOUT(b->holdsAll(), kTiming.ttlMs);
        const qint64 handover = m_clock.elapsed() - stopped;
        qInfo() << "a clean stop handed every job over in" << handover << "ms";
        QVERIFY2(handover < kTiming.ttlMs - kTiming.renewMs, qPrintable(QString::number(handover)));
        QVERIFY(released.count() == 1 || released.wait(2000));
        for (const QString &job : sync::jobs::all())
            QVERIFY(a->lostAt.value(job) <= b->acquiredAt.value(job));
        // Started again, a does not take anything b holds.
        a->leases->start();
        QTest::qWait(2 * kTiming.renewMs);
        QVERIFY(a->holdsNone());
        QVERIFY(b->holdsAll());
        b->leases->stop();
        QTRY_VERIFY_WITH_TIMEOUT(a->holdsAll(), kTiming.ttlMs);
        a->leases->stop();
    }

    void deadHolder_isReplacedWithinTtlPlusRenew()
    {
        Agent *a = agent(m_tokenA, 3), *b = agent(m_tokenB, 4);
        QVERIFY(testing::startHolderThenStandby(*a, *b, 5000));
        QTest::qWait(1500);
        QVERIFY(b->holdsNone());
        const qint64 died = m_clock.elapsed();
        m_agents.kill(a);
        QTRY_VERIFY_WITH_TIMEOUT(b->holdsAll(), kTiming.ttlMs + kTiming.renewMs + 2000);
        qint64 first = std::numeric_limits<qint64>::max(), last = 0;
        for (const QString &job : sync::jobs::all()) {
            first = qMin(first, b->acquiredAt.value(job));
            last = qMax(last, b->acquiredAt.value(job));
        }
        qInfo() << "b took the jobs of a dead holder after" << first - died << "to" << last - died
                << "ms";
        // Not before a's last renewal could have expired (it renewed at most renewMs before it
        // died), and within ttl + renew of its death (plus the requests' time).
        QVERIFY2(first - died >= kTiming.ttlMs - kTiming.renewMs - 100,
                 qPrintable(QString::number(first - died)));
        QVERIFY2(last - died <= kTiming.ttlMs + kTiming.renewMs + 1000,
                 qPrintable(QString::number(last - died)));
        b->leases->stop();
    }

    void cutOffHolder_losesEveryJobBeforeTheOtherTakesIt()
    {
        Agent *a = agent(m_tokenA, 5), *b = agent(m_tokenB, 6);
        QVERIFY(testing::startHolderThenStandby(*a, *b, 5000));
        QTest::qWait(1500);
        // a's network goes away: its renewals fail, it keeps running until its time is up.
        const qint64 cut = m_clock.elapsed();
        a->proxy->setOffline(true);
        QTRY_VERIFY_WITH_TIMEOUT(b->holdsAll(), kTiming.ttlMs + kTiming.renewMs + 2000);
        QVERIFY(a->holdsNone());
        for (const QString &job : sync::jobs::all()) {
            QVERIFY2(a->lostAt.contains(job), qPrintable(job));
            // a gave the job up on its own, before the other agent had it.
            QVERIFY2(a->lostAt.value(job) < b->acquiredAt.value(job),
                     qPrintable(QStringLiteral("%1: lost at %2, taken at %3")
                                    .arg(job)
                                    .arg(a->lostAt.value(job))
                                    .arg(b->acquiredAt.value(job))));
            QVERIFY(a->lostAt.value(job) - cut <= kTiming.ttlMs);
        }
        QVERIFY(a->proxy->stats().value(QStringLiteral("requests")) > 0);
        // Back online, a finds every job taken and stays out.
        a->proxy->setOffline(false);
        QTest::qWait(3 * kTiming.renewMs);
        QVERIFY(a->holdsNone());
        QVERIFY(b->holdsAll());
        b->leases->stop();
        a->leases->stop();
    }

    void backEndAway_holderGivesUpInTime_andNothingHangs()
    {
        // Both agents cut off while a holds everything: a gives up within ttl, nobody holds
        // anything meanwhile, and once back they share the jobs again.
        Agent *a = agent(m_tokenA, 7), *b = agent(m_tokenB, 8);
        QVERIFY(testing::startHolderThenStandby(*a, *b, 5000));
        const qint64 cut = m_clock.elapsed();
        a->proxy->setOffline(true);
        b->proxy->setOffline(true);
        QTRY_VERIFY_WITH_TIMEOUT(a->holdsNone(), kTiming.ttlMs + 500);
        QVERIFY(m_clock.elapsed() - cut <= kTiming.ttlMs + 100);
        QVERIFY(b->holdsNone());
        a->proxy->setOffline(false);
        b->proxy->setOffline(false);
        QTRY_VERIFY_WITH_TIMEOUT(testing::oneHolderEach(m_agents),
                                 kTiming.ttlMs + 2 * kTiming.renewMs);
        // A stop while every request is cut off ends (released() comes) within the bounds.
        a->proxy->setOffline(true);
        QSignalSpy released(a->leases.get(), &BackendLeases::released);
        a->leases->stop();
        QVERIFY(released.count() == 1 || released.wait(3 * kTiming.renewMs));
        b->leases->stop();
    }

    void viewerToken_neverHoldsAnything()
    {
        const QString viewer = m_team.addUser(QStringLiteral("wall"), QStringLiteral("viewer"));
        Agent *v = agent(viewer, 9);
        v->leases->start();
        QTest::qWait(2 * kTiming.renewMs);
        QVERIFY(v->holdsNone());
        QVERIFY(v->acquiredAt.isEmpty());
        v->leases->stop();
    }
};

QTEST_GUILESS_MAIN(TestLeases)
#include "tst_leases.moc"
