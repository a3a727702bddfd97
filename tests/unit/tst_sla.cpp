// SPDX-License-Identifier: MIT
// SLA clocks: deadlines per priority, pause/resume arithmetic in paused states, breaches
// recorded once, response versus resolution.
#include "unit/coretestutil.h"

#include "query/sla.h"
#include "store/projector.h"

#include <QTest>

using namespace sitrep;
using namespace sitrep::testing;
using engine::Command;

namespace {

/// Opens `title` at `severity` and resolves it (note and root cause given) ten minutes
/// later: its number, empty when a step failed.
QString resolvedAfterTenMinutes(CoreFixture &fx, const QString &title, const QString &severity)
{
    const QString n = fx.open(title, severity);
    fx.clock.advance(10 * kMinute);
    return fx.transition(n, QStringLiteral("resolved"), resolution()).ok() ? n : QString();
}

} // namespace

class TestSla : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deadlines_followPolicy();
    void itil_pendingCustomer_pausesAndResumeShiftsDeadlines();
    void pauses_accumulate();
    void pendingVendor_doesNotPause();
    void noBreach_whilePaused();
    void breach_recordedOnce();
    void responseBreach_onlyUntilAcknowledged();
    void resolutionBreach_afterAcknowledge();
    void bothBreaches_whenNeverTouched();
    void noBreach_afterResolve();
    void priorityChange_movesDeadlines();
    void priorityChange_whilePaused();
    void slaRemaining_frozenWhilePaused();
    void breachEvents_doNotCountAsTouching();
    void slaDueFilter_listsOverdue();
    void rebuild_matchesAfterPauses();
    void leavingInitialState_stampsAcknowledged();
    void resolvingFromInitialState_isNotAnAcknowledgement();
    void openedByImpactAndUrgency_hasSeverityAndCanBeAcknowledged();
    void legacyIncidentWithoutSeverity_acknowledgeTakesItFromPriority();
};

void TestSla::deadlines_followPolicy()
{
    CoreFixture fx; // sre: P2 = 15 / 480 minutes
    const QString n = fx.open(QStringLiteral("search slow"), QStringLiteral("high"));
    const auto inc = fx.get(n);
    QCOMPARE(inc.createdAt, baseTime());
    QCOMPARE(inc.responseDue, baseTime() + 15 * kMinute);
    QCOMPARE(inc.resolutionDue, baseTime() + 480 * kMinute);
    QCOMPARE(inc.activeDeadline(), inc.responseDue);
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}).ok());
    QCOMPARE(fx.get(n).activeDeadline(), inc.resolutionDue);
}

void TestSla::itil_pendingCustomer_pausesAndResumeShiftsDeadlines()
{
    CoreFixture fx(QStringLiteral("itil")); // P3: 240 / 2880 minutes
    const QString n = fx.open(QStringLiteral("laptop will not boot"), QStringLiteral("medium"));
    const qint64 t0 = baseTime();
    QCOMPARE(fx.get(n).resolutionDue, t0 + 2880 * kMinute);

    fx.clock.set(t0 + 10 * kMinute);
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    fx.clock.set(t0 + kHour);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Customer")).ok());
    auto paused = fx.get(n);
    QCOMPARE(paused.slaPausedSince, t0 + kHour);
    QCOMPARE(paused.slaPausedMs, 0);
    QCOMPARE(paused.resolutionDue, t0 + 2880 * kMinute); // not moved yet

    fx.clock.set(t0 + kHour + 3 * kHour);
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    const auto resumed = fx.get(n);
    QCOMPARE(resumed.slaPausedSince, 0);
    QCOMPARE(resumed.slaPausedMs, 3 * kHour);
    QCOMPARE(resumed.resolutionDue, t0 + 2880 * kMinute + 3 * kHour);
    QCOMPARE(resumed.responseDue, t0 + 240 * kMinute + 3 * kHour);
    QVERIFY(fx.store.verify().ok);
}

void TestSla::pauses_accumulate()
{
    CoreFixture fx(QStringLiteral("itil"));
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("medium"));
    const qint64 t0 = baseTime();
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    qint64 t = t0;
    qint64 pausedTotal = 0;
    for (int i = 1; i <= 3; ++i) {
        t += 20 * kMinute;
        fx.clock.set(t);
        QVERIFY(fx.transition(n, QStringLiteral("Pending Customer")).ok());
        t += i * 45 * kMinute;
        pausedTotal += i * 45 * kMinute;
        fx.clock.set(t);
        QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    }
    const auto inc = fx.get(n);
    QCOMPARE(inc.slaPausedMs, pausedTotal);
    QCOMPARE(inc.resolutionDue, t0 + 2880 * kMinute + pausedTotal);
    // Pending Customer -> Pending Vendor resumes the clock too (vendor time counts).
    fx.clock.set(t += kHour);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Customer")).ok());
    fx.clock.set(t += 30 * kMinute);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Vendor")).ok());
    QCOMPARE(fx.get(n).slaPausedMs, pausedTotal + 30 * kMinute);
    QCOMPARE(fx.get(n).slaPausedSince, 0);
}

void TestSla::pendingVendor_doesNotPause()
{
    CoreFixture fx(QStringLiteral("itil"));
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("medium"));
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    fx.clock.advance(kHour);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Vendor")).ok());
    fx.clock.advance(5 * kHour);
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    QCOMPARE(fx.get(n).slaPausedMs, 0);
    QCOMPARE(fx.get(n).resolutionDue, baseTime() + 2880 * kMinute);
}

void TestSla::noBreach_whilePaused()
{
    CoreFixture fx(QStringLiteral("itil")); // P1: 15 / 240
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("critical"));
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    fx.clock.advance(kHour);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Customer")).ok());
    // Far past the original resolution deadline, but the clock is paused.
    auto r = fx.eng().checkSla(baseTime() + 10 * kHour);
    QVERIFY(r.ok());
    QCOMPARE(*r, 0);
    fx.clock.set(baseTime() + 10 * kHour);
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    // 1 h ran before the pause, 240 min allowed: due 3 h after the resume.
    QCOMPARE(fx.get(n).resolutionDue, baseTime() + 10 * kHour + 3 * kHour);
    QCOMPARE(*fx.eng().checkSla(baseTime() + 12 * kHour), 0);
    QCOMPARE(*fx.eng().checkSla(baseTime() + 13 * kHour + 1), 1);
}

void TestSla::breach_recordedOnce()
{
    CoreFixture fx; // sre P2: response 15 min
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("high"));
    QCOMPARE(*fx.eng().checkSla(baseTime() + 15 * kMinute), 0); // due, not past
    const qint64 at = baseTime() + 16 * kMinute;
    auto first = fx.eng().checkSla(at);
    QVERIFY(first.ok());
    QCOMPARE(*first, 1);
    auto second = fx.eng().checkSla(at + kMinute);
    QVERIFY(second.ok());
    QCOMPARE(*second, 0);
    QCOMPARE(fx.kindsOf(n).count(domain::kinds::SlaBreached), 1);
    const auto inc = fx.get(n);
    QCOMPARE(inc.slaBreached, domain::SlaResponseBreached);
    for (const auto &e : fx.store.timeline(inc.uid))
        if (e.kind == domain::kinds::SlaBreached) {
            QCOMPARE(e.payload[u"sla"].toString(), QStringLiteral("response"));
            QCOMPARE(e.payload[u"due"].toString(), QString::number(baseTime() + 15 * kMinute));
            QCOMPARE(e.payload[u"priority"].toString(), QStringLiteral("P2"));
            QCOMPARE(e.actor, engine::SystemActor);
            QCOMPARE(e.ts, at);
        }
    QVERIFY(fx.store.verify().ok);
}

void TestSla::responseBreach_onlyUntilAcknowledged()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("high"));
    fx.clock.advance(14 * kMinute);
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}).ok());
    // Acknowledged in time: no response breach, ever.
    QCOMPARE(*fx.eng().checkSla(baseTime() + 60 * kMinute), 0);
    QCOMPARE(fx.get(n).slaBreached, 0);
}

void TestSla::resolutionBreach_afterAcknowledge()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("high"));
    fx.clock.advance(5 * kMinute);
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}).ok());
    QCOMPARE(*fx.eng().checkSla(baseTime() + 480 * kMinute - 1), 0);
    QCOMPARE(*fx.eng().checkSla(baseTime() + 480 * kMinute + 1), 1);
    QCOMPARE(*fx.eng().checkSla(baseTime() + 900 * kMinute), 0);
    QCOMPARE(fx.get(n).slaBreached, domain::SlaResolutionBreached);
    const auto tl = fx.store.timeline(fx.get(n).uid);
    QCOMPARE(tl.last().kind, domain::kinds::SlaBreached);
    QCOMPARE(tl.last().payload[u"sla"].toString(), QStringLiteral("resolution"));
}

void TestSla::bothBreaches_whenNeverTouched()
{
    CoreFixture fx;
    const QString a = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    const QString b = fx.open(QStringLiteral("b"), QStringLiteral("low"));
    // Response first...
    QCOMPARE(*fx.eng().checkSla(baseTime() + 20 * kMinute), 1);
    // ...then both missing deadlines of both incidents in one sweep (b: 1440 / 7200 min).
    QCOMPARE(*fx.eng().checkSla(baseTime() + 8000 * kMinute), 3);
    QCOMPARE(*fx.eng().checkSla(baseTime() + 9000 * kMinute), 0);
    QCOMPARE(fx.get(a).slaBreached, domain::SlaResponseBreached | domain::SlaResolutionBreached);
    QCOMPARE(fx.get(b).slaBreached, domain::SlaResponseBreached | domain::SlaResolutionBreached);
    QCOMPARE(fx.kindsOf(a).count(domain::kinds::SlaBreached), 2);
    QCOMPARE(fx.kindsOf(b).count(domain::kinds::SlaBreached), 2);
    QCOMPARE(faultsFound(fx.store), QString());
}

void TestSla::noBreach_afterResolve()
{
    CoreFixture fx;
    const QString n = resolvedAfterTenMinutes(fx, QStringLiteral("x"), QStringLiteral("high"));
    QVERIFY(!n.isEmpty());
    QCOMPARE(*fx.eng().checkSla(baseTime() + 100 * kDay), 0);
    QCOMPARE(fx.get(n).activeDeadline(), 0);
}

void TestSla::priorityChange_movesDeadlines()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low")); // P4: 1440 / 7200
    QCOMPARE(fx.get(n).responseDue, baseTime() + 1440 * kMinute);
    fx.clock.advance(30 * kMinute);
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "severity"}, {"value", "critical"}})
                .ok()); // P1: 5 / 240
    const auto inc = fx.get(n);
    QCOMPARE(inc.priority, domain::Priority::P1);
    // Deadlines count from creation: the response is already late.
    QCOMPARE(inc.responseDue, baseTime() + 5 * kMinute);
    QCOMPARE(inc.resolutionDue, baseTime() + 240 * kMinute);
    QCOMPARE(*fx.eng().checkSla(fx.clock.nowMs()), 1);
}

void TestSla::priorityChange_whilePaused()
{
    CoreFixture fx(QStringLiteral("itil"));
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("medium")); // P3: 240 / 2880
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    fx.clock.set(baseTime() + kHour);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Customer")).ok());
    fx.clock.set(baseTime() + 2 * kHour);
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "priority"}, {"value", "P2"}})
                .ok()); // 30 / 480
    fx.clock.set(baseTime() + 5 * kHour);
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    // Paused 4 h in all, whatever changed during the pause.
    QCOMPARE(fx.get(n).resolutionDue, baseTime() + 480 * kMinute + 4 * kHour);
    QCOMPARE(fx.get(n).slaPausedMs, 4 * kHour);
}

void TestSla::slaRemaining_frozenWhilePaused()
{
    CoreFixture fx(QStringLiteral("itil"));
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("medium"));
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    fx.clock.set(baseTime() + kHour);
    QVERIFY(fx.transition(n, QStringLiteral("Pending Customer")).ok());
    const auto inc = fx.get(n);
    const qint64 left = 2880 * kMinute - kHour;
    QCOMPARE(query::slaStatus(inc, baseTime() + kHour).remainingMs, left);
    QCOMPARE(query::slaStatus(inc, baseTime() + 30 * kHour).remainingMs, left);
    QCOMPARE(query::slaStatus(inc, baseTime() + 300 * kHour).remainingMs, left);
    QVERIFY(query::slaStatus(inc, baseTime() + 300 * kHour).paused);
    // Running: time counts down, negative once late.
    const QString m = fx.open(QStringLiteral("y"), QStringLiteral("medium"));
    const auto late = query::slaStatus(fx.get(m), fx.clock.nowMs() + 300 * kMinute);
    QCOMPARE(late.remainingMs, -60 * kMinute);
    QVERIFY(late.breached());
}

void TestSla::breachEvents_doNotCountAsTouching()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("high"));
    const qint64 updated = fx.get(n).updatedAt;
    QCOMPARE(*fx.eng().checkSla(baseTime() + kDay), 2);
    QCOMPARE(fx.get(n).updatedAt, updated);
    QVERIFY(store::isBackgroundKind(domain::kinds::SlaBreached));
    // So a breached incident can still go stale.
    fx.clock.set(baseTime() + 31 * kDay);
    QCOMPARE(fx.eng().bulkCloseStale(30, true)->size(), 1);
}

void TestSla::slaDueFilter_listsOverdue()
{
    CoreFixture fx;
    const QString p1 = fx.open(QStringLiteral("p1"), QStringLiteral("critical")); // 5 min
    const QString p4 = fx.open(QStringLiteral("p4"), QStringLiteral("low"));      // 1440 min
    store::ListQuery q;
    q.slaDueBefore = baseTime() + 10 * kMinute;
    const auto rows = fx.store.list(q);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().number, p1);
    q.slaDueBefore = baseTime() + 2 * kDay;
    QCOMPARE(fx.store.count(q), 2);
    // Paused incidents keep their row; the sort key is the active deadline.
    store::ListQuery bySla;
    bySla.sort = store::SortKey::SlaDue;
    bySla.descending = false;
    QCOMPARE(fx.store.list(bySla).first().number, p1);
    Q_UNUSED(p4);
}

void TestSla::rebuild_matchesAfterPauses()
{
    CoreFixture fx(QStringLiteral("itil"));
    QStringList numbers;
    for (int i = 0; i < 5; ++i)
        numbers << fx.open(QStringLiteral("inc %1").arg(i),
                           i % 2 ? QStringLiteral("high") : QStringLiteral("critical"));
    for (int round = 0; round < 3; ++round)
        for (const QString &n : numbers) {
            fx.clock.advance(17 * kMinute);
            const QString st = fx.get(n).state;
            const QString to = st == u"New" || st == u"Pending Customer"
                                   ? QStringLiteral("In Progress")
                                   : QStringLiteral("Pending Customer");
            QVERIFY(fx.transition(n, to).ok());
            QVERIFY(fx.eng().checkSla(fx.clock.nowMs()).ok());
        }
    auto rep = fx.store.verify();
    QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));
    QVERIFY(fx.store.rebuildProjection().ok());
    rep = fx.store.verify();
    QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));
}

void TestSla::leavingInitialState_stampsAcknowledged()
{
    CoreFixture fx; // sre: P2 responds within 15 minutes
    const QString n = fx.open(QStringLiteral("checkout 502s"), QStringLiteral("high"));
    fx.clock.advance(3 * kMinute);
    // Straight to work, skipping "acknowledged": that is the response.
    QVERIFY(fx.transition(n, QStringLiteral("investigating")).ok());
    const auto inc = fx.get(n);
    QCOMPARE(inc.acknowledgedAt, baseTime() + 3 * kMinute);
    QCOMPARE(inc.activeDeadline(), inc.resolutionDue);
    // Five minutes later nobody is told the response was missed.
    QCOMPARE(*fx.eng().checkSla(baseTime() + 20 * kMinute), 0);
    QCOMPARE(fx.get(n).slaBreached, 0);
    // Later moves keep the first response time; acknowledging now says it was done.
    fx.clock.advance(kHour);
    QVERIFY(fx.transition(n, QStringLiteral("mitigating")).ok());
    QCOMPARE(fx.get(n).acknowledgedAt, baseTime() + 3 * kMinute);
    QVERIFY(!fx.run(Command::Kind::Acknowledge, n, {}).ok());
    // The stamp is in the log: a rebuild gives the same row.
    QVERIFY(fx.store.rebuildProjection().ok());
    QCOMPARE(fx.get(n).acknowledgedAt, baseTime() + 3 * kMinute);
    QCOMPARE(faultsFound(fx.store), QString());
}

void TestSla::resolvingFromInitialState_isNotAnAcknowledgement()
{
    CoreFixture fx;
    const QString n = resolvedAfterTenMinutes(fx, QStringLiteral("flap"), QStringLiteral("low"));
    QVERIFY(!n.isEmpty());
    QCOMPARE(fx.get(n).acknowledgedAt, 0); // responded by resolving, not acknowledged
    QCOMPARE(fx.get(n).resolvedAt, baseTime() + 10 * kMinute);
    // Acknowledging the usual way is an acknowledgement of its own, not a second one.
    const QString m = fx.open(QStringLiteral("slow"), QStringLiteral("low"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, m, {}).ok());
    for (const auto &e : fx.store.timeline(fx.get(m).uid))
        QVERIFY(!e.payload.contains(u"acknowledges"));
}

void TestSla::openedByImpactAndUrgency_hasSeverityAndCanBeAcknowledged()
{
    CoreFixture fx(QStringLiteral("itil"));
    const auto &m = fx.eng().workflow().matrix();
    const QString n = fx.open(QJsonObject{{QStringLiteral("title"), QStringLiteral("VPN down")},
                                          {QStringLiteral("impact"), m.impacts().first()},
                                          {QStringLiteral("urgency"), m.urgencies().first()}});
    QVERIFY(!n.isEmpty());
    const auto inc = fx.get(n);
    QCOMPARE(inc.priority, m.priority(m.impacts().first(), m.urgencies().first()));
    QCOMPARE(inc.severity, domain::severityForPriority(inc.priority));
    QVERIFY(inc.severity != domain::Severity::Unknown);
    const auto ack = fx.run(Command::Kind::Acknowledge, n, {});
    QVERIFY2(ack.ok(), qPrintable(ack.errorMessage()));
    QVERIFY(fx.get(n).acknowledgedAt > 0);
}

void TestSla::legacyIncidentWithoutSeverity_acknowledgeTakesItFromPriority()
{
    CoreFixture fx;
    // As an older replica recorded it: a priority, no severity.
    const QString uid = fx.openWithoutSeverity(QStringLiteral("legacy"), QStringLiteral("P2"));
    QVERIFY(!uid.isEmpty());
    QCOMPARE(fx.get(uid).severity, domain::Severity::Unknown);
    // The severity guard stays on the transition; acknowledging fills the severity first.
    QVERIFY(!fx.transition(uid, QStringLiteral("acknowledged")).ok());
    const auto ack = fx.run(Command::Kind::Acknowledge, uid, {});
    QVERIFY2(ack.ok(), qPrintable(ack.errorMessage()));
    QCOMPARE(fx.get(uid).severity, domain::Severity::High);
    QVERIFY(fx.get(uid).acknowledgedAt > 0);
}

QTEST_GUILESS_MAIN(TestSla)
#include "tst_sla.moc"
