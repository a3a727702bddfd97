// SPDX-License-Identifier: MIT
// Escalation timers of runbooks, driven by a ManualClock: they fire while the incident is
// unresolved, name the contact, stop at `until`, and survive a restart (a new scheduler on
// a reopened database fires nothing twice and nothing late twice).
#include "pm_fixture.h"

#include "fixtures/support.h"
#include "runbooks/escalationscheduler.h"
#include "runbooks/escalationtimer.h"
#include "runbooks/runbook.h"

#include <QSignalSpy>
#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestRunbookEscalation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void timers_fireInOrderNamingTheContact();
    void untilAcknowledged_stopsAtAcknowledge();
    void resolved_stopsEverything();
    void restart_derivesTimersFromTheLog();
    void attachedRunbook_winsOverMatch();
    void timer_ticksOnStartWithShippedRunbooks();
};

static runbooks::Runbook testRunbook()
{
    auto rb = runbooks::parseRunbook(
        "name: Test escalation\n"
        "services: [api]\n"
        "triggers:\n  - alert: APIDown\n"
        "steps:\n  - name: Look\n"
        "escalation:\n"
        "  - after: 10m\n    contact: primary-oncall\n    until: acknowledged\n"
        "  - after: 15m\n    contact: senior-sre\n"
        "  - after: 30m\n    contact: engineering-manager\n    until: resolved\n",
        QStringLiteral("test-escalation.yaml"));
    return rb.ok() ? *rb : runbooks::Runbook{};
}

static QList<domain::Event> escalations(Env &env, const QString &uid)
{
    return sitrep::testing::eventsOfKind(env.store, uid, domain::kinds::Escalation);
}

namespace {

/// The test runbook, an "API down" incident on service api (alert APIDown) opened at T0, and
/// an escalation scheduler on them.
struct ApiDown {
    Env env;
    runbooks::RunbookLibrary lib;
    QString uid = open();
    runbooks::EscalationScheduler sched{*env.engine, lib, env.clock};

    QString open()
    {
        lib.add(testRunbook());
        return env.open(QStringLiteral("API down"), QStringLiteral("high"), {QStringLiteral("api")},
                        T0, {QStringLiteral("APIDown")});
    }
};

} // namespace

void TestRunbookEscalation::timers_fireInOrderNamingTheContact()
{
    Env env;
    runbooks::RunbookLibrary lib;
    lib.add(testRunbook());
    QCOMPARE(lib.runbooks().size(), 1);
    const QString uid = env.open(QStringLiteral("API down"), QStringLiteral("high"),
                                 {QStringLiteral("api")}, T0, {QStringLiteral("APIDown")});
    QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
    runbooks::EscalationScheduler sched(*env.engine, lib, env.clock);

    env.clock.set(T0 + 9 * Min);
    QCOMPARE(*sched.tick(), 0);
    QCOMPARE(sched.nextDueAt(), T0 + 10 * Min);

    env.clock.set(T0 + 10 * Min);
    QCOMPARE(*sched.tick(), 1);
    QCOMPARE(*sched.tick(), 0); // once each
    auto esc = escalations(env, uid);
    QCOMPARE(esc.size(), 1);
    QCOMPARE(esc[0].payload[u"contact"].toString(), QStringLiteral("primary-oncall"));
    QCOMPARE(esc[0].payload[u"runbook"].toString(), QStringLiteral("test-escalation"));
    QCOMPARE(esc[0].actor, engine::SystemActor);
    QCOMPARE(esc[0].ts, T0 + 10 * Min);
    QCOMPARE(sched.nextDueAt(), T0 + 15 * Min);

    // A scheduler that was asleep fires everything that is due, in one go.
    env.clock.set(T0 + 45 * Min);
    QCOMPARE(*sched.tick(), 2);
    esc = escalations(env, uid);
    QCOMPARE(esc.size(), 3);
    QCOMPARE(esc[1].payload[u"contact"].toString(), QStringLiteral("senior-sre"));
    QCOMPARE(esc[2].payload[u"contact"].toString(), QStringLiteral("engineering-manager"));
    QCOMPARE(sched.nextDueAt(), 0);
}

void TestRunbookEscalation::untilAcknowledged_stopsAtAcknowledge()
{
    ApiDown t;
    QVERIFY2(!t.uid.isEmpty(), qPrintable(t.env.error));
    QVERIFY(!t.env
                 .run(Command::make(Command::Kind::Acknowledge, t.uid, {}, QStringLiteral("dana")),
                      T0 + 5 * Min)
                 .isEmpty());
    t.env.clock.set(T0 + 16 * Min);
    QCOMPARE(*t.sched.tick(),
             1); // primary-oncall stopped at acknowledge, senior-sre runs until resolved
    const auto esc = escalations(t.env, t.uid);
    QCOMPARE(esc.size(), 1);
    QCOMPARE(esc[0].payload[u"contact"].toString(), QStringLiteral("senior-sre"));
    QCOMPARE(esc[0].payload[u"until"].toString(), QStringLiteral("resolved"));
}

void TestRunbookEscalation::resolved_stopsEverything()
{
    ApiDown t;
    QVERIFY2(!t.uid.isEmpty(), qPrintable(t.env.error));
    t.env.clock.set(T0 + 12 * Min);
    QCOMPARE(*t.sched.tick(), 1);
    QVERIFY(!t.env
                 .run(Command::transition(
                          t.uid, QStringLiteral("resolved"), QStringLiteral("dana"),
                          {{QStringLiteral("resolution_note"), QStringLiteral("restarted")},
                           {QStringLiteral("root_cause"), QStringLiteral("software_bug")}}),
                      T0 + 13 * Min)
                 .isEmpty());
    t.env.clock.set(T0 + 60 * Min);
    QCOMPARE(*t.sched.tick(), 0);
    QCOMPARE(escalations(t.env, t.uid).size(), 1);
    QCOMPARE(t.sched.nextDueAt(), 0);
}

void TestRunbookEscalation::restart_derivesTimersFromTheLog()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("restart.db"));
    runbooks::RunbookLibrary lib;
    lib.add(testRunbook());
    QString uid;
    {
        // First run: one escalation fires, then the process "stops".
        store::Store st;
        QVERIFY(st.open(path).ok());
        engine::ManualClock clock(T0);
        engine::LifecycleEngine eng(st, *workflow::Workflow::load(QStringLiteral("sre")),
                                    *workflow::OnCallSchedule::load({}), clock);
        host::registerWorkflowActions(eng);
        Command c =
            Command::open({{QStringLiteral("title"), QStringLiteral("API down")},
                           {QStringLiteral("severity"), QStringLiteral("high")},
                           {QStringLiteral("services"), QJsonArray{QStringLiteral("api")}},
                           {QStringLiteral("alerts"), QJsonArray{QStringLiteral("APIDown")}}});
        auto r = eng.execute(c);
        QVERIFY(r.ok());
        uid = r->incidentUid;
        runbooks::EscalationScheduler sched(eng, lib, clock);
        clock.set(T0 + 11 * Min);
        QCOMPARE(*sched.tick(), 1);
    }
    {
        // Second run, 20 minutes later: only what has not fired yet, and what is due now.
        store::Store st;
        QVERIFY(st.open(path).ok());
        engine::ManualClock clock(T0 + 20 * Min);
        engine::LifecycleEngine eng(st, *workflow::Workflow::load(QStringLiteral("sre")),
                                    *workflow::OnCallSchedule::load({}), clock);
        host::registerWorkflowActions(eng);
        runbooks::EscalationScheduler sched(eng, lib, clock);
        QCOMPARE(*sched.tick(), 1); // senior-sre (15m); primary-oncall already fired
        QCOMPARE(sched.nextDueAt(), T0 + 30 * Min);
        QCOMPARE(*sched.tick(), 0);
        QStringList contacts;
        for (const auto &e : st.timeline(uid))
            if (e.kind == domain::kinds::Escalation)
                contacts << e.payload[u"contact"].toString();
        QCOMPARE(contacts,
                 (QStringList{QStringLiteral("primary-oncall"), QStringLiteral("senior-sre")}));
    }
}

void TestRunbookEscalation::attachedRunbook_winsOverMatch()
{
    Env env;
    runbooks::RunbookLibrary lib;
    lib.add(testRunbook());
    auto other = runbooks::parseRunbook(
        "name: Other\nsteps:\n  - name: A\nescalation:\n  - after: 1m\n    contact: db-team\n",
        QStringLiteral("other.yaml"));
    QVERIFY(other.ok());
    lib.add(*other);
    const QString uid = env.open(QStringLiteral("API down"), QStringLiteral("high"),
                                 {QStringLiteral("api")}, T0, {QStringLiteral("APIDown")});
    QVERIFY(!env.run(Command::make(
                         Command::Kind::Record, uid,
                         {{QStringLiteral("kind"), QStringLiteral("runbook.attached")},
                          {QStringLiteral("payload"),
                           QJsonObject{{QStringLiteral("runbook"), QStringLiteral("other")}}}}),
                     T0 + 30 * 1000)
                 .isEmpty());
    runbooks::EscalationScheduler sched(*env.engine, lib, env.clock);
    env.clock.set(T0 + 2 * Min);
    QCOMPARE(*sched.tick(), 1);
    QCOMPARE(escalations(env, uid).first().payload[u"contact"].toString(),
             QStringLiteral("db-team"));
}

void TestRunbookEscalation::timer_ticksOnStartWithShippedRunbooks()
{
    Env env;
    QVERIFY(
        env.store
            .setMeta(QStringLiteral("runbooks.folder"), env.dir.filePath(QStringLiteral("none")))
            .ok());
    const QString uid = env.open(QStringLiteral("p95 latency high"), QStringLiteral("high"),
                                 {QStringLiteral("api")}, T0, {QStringLiteral("APILatencyHigh")});
    runbooks::EscalationTimer timer(*env.engine, env.clock);
    QCOMPARE(timer.library().runbooks().size(), 9);
    QSignalSpy spy(&timer, &runbooks::EscalationTimer::escalated);
    env.clock.set(T0 + 16 * Min);
    timer.start(); // seed 004: senior-sre after 15m
    QCOMPARE(spy.count(), 1);
    QCOMPARE(escalations(env, uid).size(), 1);
    QCOMPARE(escalations(env, uid).first().payload[u"contact"].toString(),
             QStringLiteral("senior-sre"));
    timer.stop();
}

QTEST_GUILESS_MAIN(TestRunbookEscalation)
#include "tst_runbook_escalation.moc"
