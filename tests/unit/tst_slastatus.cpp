// SPDX-License-Identifier: MIT
// query::slaStatus: the one definition of remaining SLA time, "at risk" (30 minutes on a
// running clock) and "breached", and the SQL conditions that must count the same rows.
#include "domain/incident.h"
#include "query/sla.h"
#include "store/sqlite.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sitrep;
using query::SlaLevel;
using query::slaStatus;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kNow = 1790000000000LL;

} // namespace

class TestSlaStatus : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void atRiskWindow_isThirtyMinutes() { QCOMPARE(query::SlaAtRiskWindowMs, 30 * kMinute); }

    void thirtyOneMinutesLeft_isOnTrack()
    {
        const auto s = slaStatus(kNow + 31 * kMinute, 0, kNow);
        QVERIFY(s.active);
        QVERIFY(!s.paused);
        QCOMPARE(s.remainingMs, 31 * kMinute);
        QCOMPARE(s.level, SlaLevel::OnTrack);
        QVERIFY(!s.atRisk());
        QVERIFY(!s.breached());
    }

    void justOverThirtyMinutesLeft_isOnTrack()
    {
        QCOMPARE(slaStatus(kNow + 30 * kMinute + 1, 0, kNow).level, SlaLevel::OnTrack);
    }

    void thirtyMinutesLeft_isAtRisk()
    {
        const auto s = slaStatus(kNow + 30 * kMinute, 0, kNow);
        QCOMPARE(s.remainingMs, 30 * kMinute);
        QCOMPARE(s.level, SlaLevel::AtRisk);
        QVERIFY(s.atRisk());
        QVERIFY(!s.breached());
    }

    void fifteenMinutesLeft_isAtRisk()
    {
        QCOMPARE(slaStatus(kNow + 15 * kMinute, 0, kNow).level, SlaLevel::AtRisk);
    }

    void oneMillisecondLeft_isAtRisk()
    {
        QCOMPARE(slaStatus(kNow + 1, 0, kNow).level, SlaLevel::AtRisk);
    }

    void deadlineReached_isBreached()
    {
        const auto s = slaStatus(kNow, 0, kNow);
        QCOMPARE(s.remainingMs, 0);
        QCOMPARE(s.level, SlaLevel::Breached);
        QVERIFY(s.breached());
        QVERIFY(!s.atRisk());
    }

    void pastDeadline_isBreachedWithNegativeTime()
    {
        const auto s = slaStatus(kNow - 5 * kMinute, 0, kNow);
        QCOMPARE(s.remainingMs, -5 * kMinute);
        QVERIFY(s.breached());
    }

    void pausedClock_countsFromThePauseAndIsNotAtRisk()
    {
        // Paused with ten minutes left: the deadline does not come closer while it waits.
        const qint64 pausedAt = kNow - 2 * 60 * kMinute;
        const qint64 due = pausedAt + 10 * kMinute;
        for (qint64 now : {kNow, kNow + 24 * 60 * kMinute}) {
            const auto s = slaStatus(due, pausedAt, now);
            QVERIFY(s.active);
            QVERIFY(s.paused);
            QCOMPARE(s.remainingMs, 10 * kMinute);
            QCOMPARE(s.level, SlaLevel::OnTrack);
        }
    }

    void pausedPastItsDeadline_isBreached()
    {
        const qint64 pausedAt = kNow - 60 * kMinute;
        const auto s = slaStatus(pausedAt - kMinute, pausedAt, kNow);
        QVERIFY(s.paused);
        QCOMPARE(s.remainingMs, -kMinute);
        QVERIFY(s.breached());
    }

    void noDeadline_isNotActive()
    {
        const auto s = slaStatus(0, 0, kNow);
        QVERIFY(!s.active);
        QCOMPARE(s.remainingMs, 0);
        QCOMPARE(s.level, SlaLevel::OnTrack);
    }

    void incident_respondedClockIsMet_resolutionClockCounts()
    {
        domain::Incident inc;
        inc.open = true;
        inc.responseDue = kNow - 10 * kMinute; // would be breached, but it was met
        inc.acknowledgedAt = kNow - 20 * kMinute;
        inc.resolutionDue = kNow + 20 * kMinute;
        const auto s = slaStatus(inc, kNow);
        QCOMPARE(s.remainingMs, 20 * kMinute);
        QVERIFY(s.atRisk());
    }

    void incident_resolvedClockIsMet_notActive()
    {
        domain::Incident inc;
        inc.open = false;
        inc.responseDue = kNow - 60 * kMinute;
        inc.resolutionDue = kNow - 10 * kMinute;
        inc.acknowledgedAt = kNow - 90 * kMinute;
        inc.resolvedAt = kNow - 30 * kMinute;
        const auto s = slaStatus(inc, kNow);
        QVERIFY(!s.active);
        QVERIFY(!s.breached());
        QVERIFY(!s.atRisk());
    }

    void sqlConditions_countWhatSlaStatusSays()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        store::Db db;
        QVERIFY(db.open(dir.filePath(QStringLiteral("sla.db"))).ok());
        QVERIFY(db.exec(QStringLiteral(
                            "CREATE TABLE incidents (sla_due INTEGER, sla_paused_since INTEGER)"))
                    .ok());
        const QList<std::pair<qint64, qint64>> clocks{
            {0, 0},
            {kNow + 31 * kMinute, 0},
            {kNow + 30 * kMinute + 1, 0},
            {kNow + 30 * kMinute, 0},
            {kNow + 1, 0},
            {kNow, 0},
            {kNow - kMinute, 0},
            {kNow - 50 * kMinute, kNow - 60 * kMinute},
            {kNow - 61 * kMinute, kNow - 60 * kMinute},
            {kNow - 60 * kMinute, kNow - 60 * kMinute},
        };
        auto insert = db.prepareOnce(QStringLiteral("INSERT INTO incidents VALUES (?, ?)"));
        QVERIFY(insert);
        for (const auto &[due, paused] : clocks) {
            insert->bind(1, due).bind(2, paused);
            QVERIFY(insert->exec());
            insert->reset();
        }
        auto q = db.prepareOnce(
            QStringLiteral("SELECT sla_due, sla_paused_since, %1, %2 FROM incidents")
                .arg(query::slaBreachingSql(QStringLiteral("?1")),
                     query::slaAtRiskSql(QStringLiteral("?1"), QStringLiteral("?1 + ?2"))));
        QVERIFY2(q, qPrintable(db.lastError()));
        q->bind(1, kNow).bind(2, query::SlaAtRiskWindowMs);
        int rows = 0;
        while (q->step()) {
            store::RowReader row(*q);
            const qint64 due = row.int64();
            const auto s = slaStatus(due, row.int64(), kNow);
            const QByteArray what = QByteArray::number(due - kNow);
            QVERIFY2((row.int64() != 0) == s.breached(), what.constData());
            QVERIFY2((row.int64() != 0) == s.atRisk(), what.constData());
            ++rows;
        }
        QCOMPARE(rows, int(clocks.size()));
    }
};

QTEST_GUILESS_MAIN(TestSlaStatus)
#include "tst_slastatus.moc"
