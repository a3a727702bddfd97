// SPDX-License-Identifier: MIT
// Two agents side by side, each with its own database, syncing through the real team back
// end (sitrep-server on a throwaway PostgreSQL cluster behind HAProxy), under one service
// account: the same alerts ingested by both open each incident once (the incident's uid comes
// from its correlation key), and once-only events (an SLA breach, a war-room reminder, an
// escalation step) recorded by both replicas of an incident end up in every log once.
#include "domain/synckinds.h"
#include "fixtures/appcontext.h"
#include "fixtures/teamserver/teamserver.h"
#include "host/appcontext.h"
#include "ingest/ingestpipeline.h"
#include "reminders/reminderservice.h"
#include "runbooks/escalationscheduler.h"
#include "runbooks/runbook.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "unit/synctestutil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using engine::Command;

namespace {

constexpr qint64 Min = 60000;

QList<ingest::Alert> alerts(int n)
{
    QList<ingest::Alert> out;
    for (int i = 0; i < n; ++i) {
        ingest::Alert a;
        a.source = QStringLiteral("alertmanager");
        a.fingerprint = QStringLiteral("fp-%1").arg(i);
        a.severity = domain::Severity::High;
        a.alertname = QStringLiteral("Backlog%1").arg(i);
        a.service = QStringLiteral("billing");
        a.title = QStringLiteral("Queue %1 backlog over 10k").arg(i);
        a.startsAt = 1767225600000;
        out << a;
    }
    return out;
}

} // namespace

class TestTwoAgents : public QObject {
    Q_OBJECT

    testing::TeamBackEnd m_team;
    QTemporaryDir m_dir;
    QString m_token; // one service account for both agents

    std::unique_ptr<host::AppContext> agent(const QString &name, const QByteArray &now = {})
    {
        const QString path = m_dir.filePath(name + QStringLiteral(".db"));
        if (!now.isEmpty()) {
            // The outbox first, then the context with a manual clock.
            if (!testing::openReplica(path, true, m_team.url()))
                return {};
            auto c = testing::openContextAt(path, now);
            return c ? std::move(*c) : nullptr;
        }
        return testing::openReplica(path, true, m_team.url());
    }

    sync::SyncOptions options() const
    {
        sync::SyncOptions o;
        o.url = m_team.url();
        o.token = m_token;
        o.baseBackoffMs = 50;
        o.maxBackoffMs = 500;
        o.intervalMs = 60000;
        return o;
    }

    static void syncClean(sync::SyncService &s)
    {
        const auto r = testing::syncOnce(s);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rejected, 0);
    }

    int serverCount(const QString &where)
    {
        return m_team.pg.sql(QStringLiteral("SELECT count(*) FROM events WHERE ") + where)
            .trimmed()
            .toInt();
    }

    static QSet<QString> eventIds(store::Store &st)
    {
        QSet<QString> ids;
        for (const auto &e : st.eventsAfter(0, 1000000))
            ids.insert(e.id);
        return ids;
    }

    static int count(store::Store &st, const QString &uid, const QString &kind)
    {
        return int(testing::eventsOfKind(st, uid, kind).size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_team.start(2), testing::TeamBackEnd::kNotStarted);
        m_token = m_team.addUser(QStringLiteral("agent"), QStringLiteral("responder"));
        QVERIFY(!m_token.isEmpty());
    }

    void sameAlertsOnTwoAgents_openEachIncidentOnce()
    {
        auto a = agent(QStringLiteral("ingest-a"));
        auto b = agent(QStringLiteral("ingest-b"));
        QVERIFY(a && b);
        ingest::IngestPipeline pa(a->engine()), pb(b->engine());
        constexpr int N = 100;
        const auto batch = alerts(N);
        for (const auto &al : batch) {
            auto ra = pa.ingestAlerts({al});
            QVERIFY2(ra && ra->opened == 1, qPrintable(ra.errorMessage()));
            auto rb = pb.ingestAlerts({al});
            QVERIFY2(rb && rb->opened == 1, qPrintable(rb.errorMessage()));
        }
        store::ListQuery all;
        all.limit = 1000;
        const auto listA = a->store().list(all);
        QCOMPARE(listA.size(), qsizetype(N));
        // The same identities on both, before any sync.
        QSet<QString> uids;
        for (const auto &inc : listA)
            uids.insert(inc.uid);
        for (const auto &inc : b->store().list(all))
            QVERIFY(uids.contains(inc.uid));

        // Agent a works one incident before b's openings reach anyone.
        const QString worked = listA.first().uid;
        QVERIFY(a->engine().execute(
            Command::make(Command::Kind::Acknowledge, worked, {}, QStringLiteral("agent"))));
        sync::SyncService sa(a->engine(), options()), sb(b->engine(), options());
        syncClean(sa);
        syncClean(sb);
        syncClean(sa);
        syncClean(sb);

        // The back end: 100 incidents, each opened once, each alert linked once.
        QCOMPARE(m_team.pg.sql(QStringLiteral("SELECT count(*) FROM incidents")).trimmed(),
                 QByteArray::number(N));
        QCOMPARE(serverCount(QStringLiteral("kind = 'incident.opened'")), N);
        QCOMPARE(serverCount(QStringLiteral("kind = 'incident.renumbered'")), N);
        QCOMPARE(serverCount(QStringLiteral("kind = 'alert.linked'")), N);
        QCOMPARE(
            m_team.pg.sql(QStringLiteral("SELECT count(DISTINCT number) FROM incidents")).trimmed(),
            QByteArray::number(N));
        // Both replicas hold exactly what the back end holds.
        QCOMPARE(eventIds(a->store()), eventIds(b->store()));
        QCOMPARE(serverCount(QStringLiteral("true")), int(eventIds(a->store()).size()));
        for (auto *ctx : {a.get(), b.get()}) {
            const auto list = ctx->store().list(all);
            QCOMPARE(list.size(), qsizetype(N));
            QSet<QString> numbers;
            for (const auto &inc : list) {
                QVERIFY(uids.contains(inc.uid));
                QVERIFY2(inc.number.startsWith(u"INC"), qPrintable(inc.number)); // not TMP-
                numbers.insert(inc.number);
                QCOMPARE(inc.alertCount, qint64(1));
                QCOMPARE(count(ctx->store(), inc.uid, domain::kinds::Opened), 1);
                // Never reset by the other agent's opening: the worked one stays acknowledged.
                QCOMPARE(inc.state, inc.uid == worked ? QStringLiteral("acknowledged")
                                                      : QStringLiteral("triggered"));
            }
            QCOMPARE(numbers.size(), qsizetype(N));
            QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), qint64(0));
            QCOMPARE(sync::Outbox(ctx->store()).rejectedCount(), qint64(0));
            const auto report = ctx->engine().verify();
            QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
        }
        for (const auto &inc : b->store().list(all))
            QCOMPARE(inc.number, a->store().incidentByUid(inc.uid)->number);
    }

    void onceOnlyEvents_onTwoReplicas_endUpOnceEverywhere()
    {
        static const QByteArray T0 = "2026-03-02T09:00:00Z";
        auto a = agent(QStringLiteral("once-a"), T0);
        auto b = agent(QStringLiteral("once-b"), T0);
        QVERIFY(a && b);
        auto opened = a->engine().execute(
            Command::open({{QStringLiteral("title"), QStringLiteral("APIDown on api")},
                           {QStringLiteral("severity"), QStringLiteral("critical")},
                           {QStringLiteral("services"), QJsonArray{QStringLiteral("api")}}},
                          QStringLiteral("agent")));
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        const QString uid = opened->incidentUid;
        sync::SyncService sa(a->engine(), options()), sb(b->engine(), options());
        syncClean(sa);
        syncClean(sb);
        QVERIFY(b->store().incidentByUid(uid));

        // Both replicas past the deadlines, the reminder and the escalation step.
        runbooks::RunbookLibrary lib;
        auto rb = runbooks::parseRunbook("name: API down\n"
                                         "services: [api]\n"
                                         "triggers:\n  - alert: APIDown\n"
                                         "steps:\n  - name: Look\n"
                                         "escalation:\n"
                                         "  - after: 10m\n    contact: senior-sre\n",
                                         QStringLiteral("api-down.yaml"));
        QVERIFY2(rb, qPrintable(rb.errorMessage()));
        lib.add(*rb);
        const qint64 later = a->clock().nowMs() + 30 * Min;
        for (auto *ctx : {a.get(), b.get()}) {
            testing::manualClock(*ctx).set(later);
            auto sla = ctx->engine().checkSla(later);
            QVERIFY2(sla && *sla >= 1, qPrintable(sla.errorMessage()));
            reminders::ReminderService remind(ctx->engine(), ctx->clock());
            auto fired = remind.scan();
            QVERIFY2(fired && !fired->isEmpty(), qPrintable(fired.errorMessage()));
            runbooks::EscalationScheduler esc(ctx->engine(), lib, ctx->clock());
            auto steps = esc.tick();
            QVERIFY2(steps && *steps == 1, qPrintable(steps.errorMessage()));
        }
        const int breaches = count(a->store(), uid, domain::kinds::SlaBreached);
        const int reminders = count(a->store(), uid, domain::kinds::Reminder);
        QCOMPARE(count(b->store(), uid, domain::kinds::SlaBreached), breaches);
        QCOMPARE(count(b->store(), uid, domain::kinds::Reminder), reminders);

        syncClean(sa);
        syncClean(sb);
        syncClean(sa);
        const QString inc = QStringLiteral("incident = '%1' AND ").arg(uid);
        QCOMPARE(serverCount(inc + QStringLiteral("kind = 'sla.breached'")), breaches);
        QCOMPARE(serverCount(inc + QStringLiteral("kind = 'reminder'")), reminders);
        QCOMPARE(serverCount(inc + QStringLiteral("kind = 'escalation'")), 1);
        for (auto *ctx : {a.get(), b.get()}) {
            QCOMPARE(count(ctx->store(), uid, domain::kinds::SlaBreached), breaches);
            QCOMPARE(count(ctx->store(), uid, domain::kinds::Reminder), reminders);
            QCOMPARE(count(ctx->store(), uid, domain::kinds::Escalation), 1);
            QCOMPARE(count(ctx->store(), uid, domain::kinds::SyncRejected), 0);
            QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), qint64(0));
            const auto report = ctx->engine().verify();
            QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
            // Recording them again is a no-op.
            QCOMPARE(*ctx->engine().checkSla(later + Min), 0);
        }
        QCOMPARE(eventIds(a->store()), eventIds(b->store()));
        // Half an hour on, a P1 (response due in 5 minutes) breached its response deadline.
        QCOMPARE(breaches, 1);
    }
};

QTEST_GUILESS_MAIN(TestTwoAgents)
#include "tst_two_agents.moc"
