// SPDX-License-Identifier: MIT
// Two Sitrep clients on the real team back end (sitrep-server on a throwaway PostgreSQL
// cluster, two instances behind HAProxy): each learns who it is, a note from one reaches
// the other through the long-polled change feed within a second, and a forged actor is
// refused and shown on the incident of the client that sent it.
#include "domain/synckinds.h"
#include "fixtures/appcontext.h"
#include "fixtures/teamserver/teamserver.h"
#include "host/appcontext.h"
#include "sync/identity.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "unit/synctestutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using engine::Command;

class TestSyncTeam : public QObject {
    Q_OBJECT

    testing::TeamBackEnd m_team;
    QTemporaryDir m_dir;
    QString m_alice, m_bob;

    std::unique_ptr<host::AppContext> client(const QString &name)
    {
        return testing::openReplica(m_dir.filePath(name + QStringLiteral(".db")), true,
                                    m_team.url());
    }

    sync::SyncOptions options(const QString &token) const
    {
        sync::SyncOptions o;
        o.url = m_team.url();
        o.token = token;
        o.baseBackoffMs = 50;
        o.maxBackoffMs = 500;
        o.intervalMs = 60000; // only the live feed can be in time
        return o;
    }

    static QList<domain::Event> ofKind(host::AppContext &ctx, const QString &uid,
                                       const QString &kind)
    {
        return testing::eventsOfKind(ctx.store(), uid, kind);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_team.start(2), testing::TeamBackEnd::kNotStarted);
        m_alice = m_team.addUser(QStringLiteral("alice"), QStringLiteral("commander"));
        m_bob = m_team.addUser(QStringLiteral("bob"), QStringLiteral("responder"));
        QVERIFY(!m_alice.isEmpty() && !m_bob.isEmpty());
    }

    void noteReachesTheOtherClientLive_forgedActorRefusedAndShown()
    {
        auto a = client(QStringLiteral("alice"));
        auto b = client(QStringLiteral("bob"));
        QVERIFY(a && b);
        sync::SyncService sa(a->engine(), options(m_alice));
        auto r = testing::syncOnce(sa);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(sa.features().contains(QStringLiteral("changes.wait")));
        QVERIFY(sa.features().contains(QStringLiteral("events.batch")));
        QCOMPARE(sync::Identity(a->store()).cached()->display(),
                 QStringLiteral("alice (commander)"));

        // Alice acts as the token's user: the one rule gives "alice".
        auto who = sync::Identity(a->store()).resolve({});
        QVERIFY2(who, qPrintable(who.errorMessage()));
        auto opened = a->engine().execute(
            Command::open({{QStringLiteral("title"), QStringLiteral("Checkout 502s")},
                           {QStringLiteral("severity"), QStringLiteral("high")}},
                          *who));
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        const QString uid = opened->incidentUid;
        r = testing::syncOnce(sa);
        QVERIFY2(r.ok && r.rejected == 0, qPrintable(r.error));
        QVERIFY(a->store().incidentByUid(uid)->number.startsWith(u"INC"));

        // Bob's window: the live loop, waiting on the feed.
        sync::SyncService sb(b->engine(), options(m_bob));
        sb.start();
        QTRY_VERIFY_WITH_TIMEOUT(b->store().incidentByUid(uid) && sb.waiting(), 15000);
        QCOMPARE(sb.status()->identity(), QStringLiteral("bob (responder)"));

        QVERIFY(
            a->engine().execute(Command::note(uid, QStringLiteral("rolled back 1.42.0"), *who)));
        r = testing::syncOnce(sa);
        QVERIFY2(r.ok && r.sent >= 1, qPrintable(r.error));
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(!ofKind(*b, uid, domain::kinds::NoteAdded).isEmpty(), 1000);
        qInfo("note delivered %lld ms after the append was acknowledged", t.elapsed());
        QCOMPARE(ofKind(*b, uid, domain::kinds::NoteAdded).first().actor, QStringLiteral("alice"));

        // A note under bob's name sent with alice's token: refused for good, shown on
        // alice's incident, never retried, never seen by bob.
        QVERIFY(a->engine().execute(
            Command::note(uid, QStringLiteral("forged"), QStringLiteral("bob"))));
        r = testing::syncOnce(sa);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rejected, 1);
        const auto shown = ofKind(*a, uid, domain::kinds::SyncRejected);
        QCOMPARE(shown.size(), 1);
        QVERIFY2(shown.first().payload[u"message"].toString().contains(u"refused a note by bob"),
                 qPrintable(shown.first().payload[u"message"].toString()));
        QCOMPARE(shown.first().payload[u"code"].toInt(), 403);
        QCOMPARE(sync::Outbox(a->store()).pendingCount(), qint64(0));
        r = testing::syncOnce(sa);
        QVERIFY(r.ok);
        QCOMPARE(r.rejected, 0);
        QTest::qWait(300);
        for (const auto &e : ofKind(*b, uid, domain::kinds::NoteAdded))
            QVERIFY(e.payload[u"text"].toString() != u"forged");
        QVERIFY(ofKind(*b, uid, domain::kinds::SyncRejected).isEmpty());
        sb.stop();
    }
};

QTEST_GUILESS_MAIN(TestSyncTeam)
#include "tst_sync_team.moc"
