// SPDX-License-Identifier: MIT
// War-room reminders for every open incident, driven by a ManualClock: each occurrence is
// recorded once on the timeline, the scan uses the reminder indexes, and a reminder the
// workspace recorded is not recorded again.
#include "pm_fixture.h"

#include "reminders/reminderservice.h"

#include <QSignalSpy>
#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestReminderService : public QObject {
    Q_OBJECT

    static QStringList reminders(Env &env, const QString &uid)
    {
        QStringList out;
        for (const auto &e : env.store.timeline(uid))
            if (e.kind == domain::kinds::Reminder)
                out << e.payload[u"reminder"].toString() + u'@' +
                           QString::number(e.payload[u"since"].toInteger());
        return out;
    }
    static int scan(reminders::ReminderService &svc)
    {
        auto r = svc.scan();
        return r ? int(r->size()) : -1;
    }

private Q_SLOTS:
    void scan_recordsEachOccurrenceOnce()
    {
        Env env;
        reminders::ReminderService svc(*env.engine, env.clock);
        QSignalSpy spy(&svc, &reminders::ReminderService::remindersRecorded);
        const QString a = env.open(QStringLiteral("Checkout errors"), QStringLiteral("high"),
                                   {QStringLiteral("checkout")}, T0);
        const QString led =
            env.run(Command::open({{QStringLiteral("title"), QStringLiteral("Led from the start")},
                                   {QStringLiteral("severity"), QStringLiteral("high")},
                                   {QStringLiteral("commander"), QStringLiteral("casey")}}),
                    T0);
        QVERIFY(!led.isEmpty());
        env.clock.set(T0 + 4 * Min);
        QCOMPARE(scan(svc), 0);
        env.clock.set(T0 + 6 * Min); // 5 minutes without a commander
        QCOMPARE(scan(svc), 1);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(scan(svc), 0);       // once
        env.clock.set(T0 + 16 * Min); // 15 minutes without a status update, both incidents
        QCOMPARE(scan(svc), 2);
        QCOMPARE(reminders(env, a), (QStringList{QStringLiteral("no_commander@%1").arg(T0),
                                                 QStringLiteral("no_status_update@%1").arg(T0)}));
        QCOMPARE(reminders(env, led), QStringList{QStringLiteral("no_status_update@%1").arg(T0)});
        // A status update restarts that clock; the next reminder is a new occurrence.
        QVERIFY(
            !env.run(Command::make(Command::Kind::StatusUpdate, a,
                                   {{QStringLiteral("message"), QStringLiteral("Rolling back")}},
                                   QStringLiteral("dana")),
                     T0 + 17 * Min)
                 .isEmpty());
        env.clock.set(T0 + 31 * Min);
        QCOMPARE(scan(svc), 0); // a's new clock is due at +32; led's occurrence is recorded already
        QCOMPARE(reminders(env, led).size(), 1);
        env.clock.set(T0 + 33 * Min);
        QCOMPARE(scan(svc), 1);
        QVERIFY(
            reminders(env, a).contains(QStringLiteral("no_status_update@%1").arg(T0 + 17 * Min)));
        const auto fired = spy.last().first().value<QList<reminders::FiredReminder>>();
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired.first().reminder, QStringLiteral("no_status_update"));
        QVERIFY(fired.first().text.contains(QStringLiteral("status update")));
        // A new service (a restart) finds nothing new to record.
        reminders::ReminderService again(*env.engine, env.clock);
        QCOMPARE(scan(again), 0);
    }

    void postmortemDue_48HoursAfterResolution()
    {
        Env env;
        reminders::ReminderService svc(*env.engine, env.clock);
        auto resolved = [&](const QString &title) {
            const QString uid =
                env.run(Command::open({{QStringLiteral("title"), title},
                                       {QStringLiteral("severity"), QStringLiteral("medium")},
                                       {QStringLiteral("commander"), QStringLiteral("casey")}}),
                        T0);
            env.run(Command::make(Command::Kind::StatusUpdate, uid,
                                  {{QStringLiteral("message"), QStringLiteral("Looking")}},
                                  QStringLiteral("casey")),
                    T0 + 2 * Min);
            env.run(Command::transition(
                        uid, QStringLiteral("resolved"), QStringLiteral("casey"),
                        {{QStringLiteral("resolution_note"), QStringLiteral("Reindexed")},
                         {QStringLiteral("root_cause"), QStringLiteral("capacity")}}),
                    T0 + 10 * Min);
            return uid;
        };
        const QString uid = resolved(QStringLiteral("Search down"));
        const QString done = resolved(QStringLiteral("Search slow"));
        QVERIFY2(!uid.isEmpty() && !done.isEmpty(), qPrintable(env.error));
        // The second one's postmortem is finished within the 48 hours (sre: postmortem stamps
        // closed).
        QVERIFY(!env.run(Command::transition(done, QStringLiteral("postmortem"),
                                             QStringLiteral("casey")),
                         T0 + 24 * 60 * Min)
                     .isEmpty());
        env.clock.set(T0 + 10 * Min + 47 * 60 * Min);
        QCOMPARE(scan(svc), 0); // resolved: no commander/status reminders, postmortem not due yet
        env.clock.set(T0 + 10 * Min + 48 * 60 * Min + Min);
        QCOMPARE(scan(svc), 1);
        QCOMPARE(reminders(env, uid),
                 QStringList{QStringLiteral("postmortem_due@%1").arg(T0 + 10 * Min)});
        QVERIFY(reminders(env, done).isEmpty());
        QCOMPARE(scan(svc), 0);
    }

    void horizon_doesNotRecordRemindersDueLongAgo()
    {
        Env env;
        const QString uid = env.open(QStringLiteral("Forgotten"), QStringLiteral("medium"),
                                     {QStringLiteral("cdn")}, T0);
        env.clock.set(T0 + 3 * 24 * 60 * Min);
        reminders::ReminderService svc(*env.engine, env.clock);
        QCOMPARE(scan(svc), 0); // fell due three days ago: not recorded after the fact
        svc.setHorizonMs(4LL * 24 * 3600 * 1000);
        svc.rescanAll();
        QCOMPARE(scan(svc), 2);
        QCOMPARE(reminders(env, uid).size(), 2);
    }

    void recordOnce_andScan_doNotDouble()
    {
        Env env;
        reminders::ReminderService svc(*env.engine, env.clock);
        const QString uid = env.open(QStringLiteral("Checkout errors"), QStringLiteral("high"),
                                     {QStringLiteral("checkout")}, T0);
        env.clock.set(T0 + 6 * Min);
        // The window recorded it first (an open tab).
        auto r = reminders::recordOnce(*env.engine, uid, QStringLiteral("no_commander"), T0,
                                       QStringLiteral("No incident commander"));
        QVERIFY(r.ok() && *r);
        QCOMPARE(scan(svc), 0);
        r = reminders::recordOnce(*env.engine, uid, QStringLiteral("no_commander"), T0,
                                  QStringLiteral("No incident commander"));
        QVERIFY(r.ok() && !*r);
        QCOMPARE(reminders(env, uid).size(), 1);
    }

    void batchLimit_spreadsALargeBacklogOverScans()
    {
        Env env;
        QList<Command> opens;
        for (int i = 0; i < 30; ++i) {
            Command c =
                Command::open({{QStringLiteral("title"), QStringLiteral("Backlog %1").arg(i)},
                               {QStringLiteral("severity"), QStringLiteral("high")},
                               {QStringLiteral("commander"), QStringLiteral("casey")}});
            c.at = T0 + i * 1000;
            opens << c;
        }
        QVERIFY(env.engine->executeBatch(opens).ok());
        env.clock.set(T0 + 20 * Min);
        reminders::ReminderService svc(*env.engine, env.clock);
        svc.setBatchLimit(20);
        QCOMPARE(scan(svc), 20);
        QCOMPARE(scan(svc), 10);
        QCOMPARE(scan(svc), 0);
    }

    void statusUpdateReminder_followsTheWorkflowPerPriority()
    {
        Env env;
        reminders::ReminderService svc(*env.engine, env.clock);
        auto led = [&](const QString &title, const QString &severity) {
            return env.run(Command::open({{QStringLiteral("title"), title},
                                          {QStringLiteral("severity"), severity},
                                          {QStringLiteral("commander"), QStringLiteral("casey")}}),
                           T0);
        };
        const QString low =
            led(QStringLiteral("Typo on the status page"), QStringLiteral("low")); // P4: none
        const QString medium =
            led(QStringLiteral("Report export slow"), QStringLiteral("medium")); // P3: 30 minutes
        QCOMPARE(env.engine->workflow().policy(domain::Priority::P4).statusUpdateMinutes, 0);
        QCOMPARE(env.engine->workflow().policy(domain::Priority::P3).statusUpdateMinutes, 30);
        env.clock.set(T0 + 16 * Min);
        QCOMPARE(scan(svc), 0);
        env.clock.set(T0 + 31 * Min);
        QCOMPARE(scan(svc), 1);
        QCOMPARE(reminders(env, medium),
                 QStringList{QStringLiteral("no_status_update@%1").arg(T0)});
        env.clock.set(T0 + 20 * 60 * Min);
        QCOMPARE(scan(svc), 0);
        QVERIFY(reminders(env, low).isEmpty());
    }

    void scanQueries_useTheReminderIndexes()
    {
        Env env;
        for (const QString &sql : reminders::ReminderService::scanQueries()) {
            auto q = env.store.db().prepareOnce(QStringLiteral("EXPLAIN QUERY PLAN ") + sql);
            QVERIFY2(q, qPrintable(env.store.db().lastError()));
            QString plan;
            while (q->step()) {
                store::RowReader row(*q); // id, parent, notused, detail
                row.skip(3);
                plan += row.text() + u'\n';
            }
            QVERIFY2(
                plan.contains(QStringLiteral("SEARCH incidents USING INDEX incidents_reminder_")) ||
                    plan.contains(QStringLiteral(
                        "SEARCH incidents USING COVERING INDEX incidents_reminder_")),
                qPrintable(sql + u'\n' + plan));
            QVERIFY2(!plan.contains(QStringLiteral("SCAN incidents")), qPrintable(plan));
        }
    }
};

QTEST_GUILESS_MAIN(TestReminderService)
#include "tst_reminderservice.moc"
