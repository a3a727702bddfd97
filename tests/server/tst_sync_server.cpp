// SPDX-License-Identifier: MIT
// Two (or more) Sitrep databases syncing through the real team back end (sitrep-server on a
// throwaway PostgreSQL cluster, two instances behind HAProxy) over HTTP on 127.0.0.1, with a
// fault proxy in between that also checks every request and answer against the contract:
// offline edits and conflicts, a faulty network, initial bulk sync, ETags, the token.
#include "fixtures/appcontext.h"
#include "fixtures/teamserver/contractcheck.h"
#include "fixtures/teamserver/faultproxy.h"
#include "fixtures/teamserver/teamserver.h"
#include "host/appcontext.h"
#include "integration/secretscan.h"
#include "sync/conflicts.h"
#include "sync/digestcheck.h"
#include "sync/outbox.h"
#include "sync/restclient.h"
#include "sync/syncservice.h"
#include "unit/synctestutil.h"

#include <QTcpServer>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

using namespace sitrep;
using engine::Command;

namespace {

/// The back end of one test: PostgreSQL, two sitrep-server instances, HAProxy, users alice
/// (commander) and bob (responder), and a fault proxy in front that checks the contract.
struct Team {
    testing::TeamBackEnd backEnd;
    std::unique_ptr<testing::FaultProxy> proxy;
    std::unique_ptr<testing::ContractCheck> contract;
    QString alice, bob;
    QStringList violations;
    int checked = 0;
    /// Every write that went through, with the answer it got.
    struct Write {
        http::HttpRequest req;
        int status = 0;
        QByteArray headers, body;
    };
    QList<Write> writes;

    bool start(quint32 seed = 1)
    {
        if (!backEnd.start(2))
            return false;
        alice = backEnd.addUser(QStringLiteral("alice"), QStringLiteral("commander"));
        bob = backEnd.addUser(QStringLiteral("bob"), QStringLiteral("responder"));
        contract = std::make_unique<testing::ContractCheck>(
            QStringLiteral(SITREP_SOURCE_DIR "/resources/api/sitrep.yaml"));
        proxy = std::make_unique<testing::FaultProxy>(backEnd.url(), seed);
        proxy->setObserver([this](const http::HttpRequest &req, int status,
                                  const QByteArray &headers, const QByteArray &body) {
            ++checked;
            violations += contract->check(req, status, body);
            if (req.method == "POST")
                writes << Write{req, status, headers, body};
        });
        return !alice.isEmpty() && !bob.isEmpty();
    }
    QUrl url() const { return proxy->url(); }
    /// Writes `event` (wire format) straight into the back end's store as sent by `user` in
    /// `role`, as a compromised database would serve it.
    void slipIn(QJsonObject event, const QString &user, const QString &role)
    {
        event[u"sentBy"] =
            QJsonObject{{QStringLiteral("user"), user}, {QStringLiteral("role"), role}};
        backEnd.pg.sql(
            QStringLiteral(
                "INSERT INTO events(id, incident, kind, actor, sent_by, sent_role, body) "
                "VALUES ('%1', '%2', '%3', '%4', '%5', '%6', '%7')")
                .arg(event[u"id"].toString(), event[u"incidentId"].toString(),
                     event[u"kind"].toString(), event[u"actor"].toString(), user, role,
                     QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact))));
    }
    qint64 incidentsCreated()
    {
        return backEnd.pg.sql(QStringLiteral("SELECT count(*) FROM incidents")).toLongLong();
    }
};

struct Client {
    QTemporaryDir dir;
    std::unique_ptr<host::AppContext> ctx;
    std::unique_ptr<sync::SyncService> svc;
    QString user;

    /// Runs a command as this client's user (the token's), as the window and CLI do.
    Result<engine::Outcome> run(Command c)
    {
        if (c.actor == u"user")
            c.actor = user;
        return engine().execute(c);
    }

    bool open(const QUrl &url, const QString &token, const QString &name, bool enable = true,
              const std::function<void(sync::SyncOptions &)> &tune = {})
    {
        user = name;
        const QString path = dir.filePath(QStringLiteral("c.db"));
        ctx = testing::openReplica(path, enable);
        if (!ctx)
            return false;
        sync::SyncOptions o;
        o.url = url;
        o.token = token;
        o.pageSize = 50;
        o.baseBackoffMs = 10;
        o.maxBackoffMs = 100;
        o.requestTimeoutMs = 3000;
        o.seed = 3;
        if (tune)
            tune(o);
        svc = std::make_unique<sync::SyncService>(ctx->engine(), o);
        return true;
    }
    engine::LifecycleEngine &engine() { return ctx->engine(); }
    store::Store &store() { return ctx->store(); }
    qint64 waiting() { return sync::Outbox(store()).pendingCount(); }

    /// Syncs until the outbox is empty and a cycle succeeded (bounded).
    bool settle(int maxCycles = 400)
    {
        for (int i = 0; i < maxCycles; ++i) {
            const auto r = testing::syncOnce(*svc);
            if (r.ok && waiting() == 0)
                return true;
        }
        qWarning() << "did not settle; last error" << svc->status()->lastError() << "waiting"
                   << waiting();
        return false;
    }

    QMap<QString, QJsonObject> projection() { return testing::projectionOf(store()); }
    QStringList eventIds()
    {
        QStringList ids;
        for (const auto &e : store().eventsAfter(0, 10000000))
            ids << e.id;
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    int count(const QString &kind)
    {
        int n = 0;
        for (const auto &e : store().eventsAfter(0, 10000000))
            n += e.kind == kind;
        return n;
    }
};

/// Starts the back end (its fault proxy seeded with `seed`) and opens alice's client on it.
bool startWithAlice(Team &team, Client &a, quint32 seed = 1)
{
    return team.start(seed) && a.open(team.url(), team.alice, QStringLiteral("alice"));
}

/// The same, and bob's client too.
bool startWithAliceAndBob(Team &team, Client &a, Client &b, quint32 seed = 1)
{
    return startWithAlice(team, a, seed) && b.open(team.url(), team.bob, QStringLiteral("bob"));
}

/// An event of `incident` in the wire format.
QJsonObject wireEvent(const QString &id, const QString &incident, qint64 hlc, qint64 ts,
                      const QString &actor, const QString &kind, const QJsonObject &payload)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("incidentId"), incident},
            {QStringLiteral("hlc"), QString::number(hlc)},
            {QStringLiteral("ts"), ts},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("payload"), payload}};
}

QUrl deadUrl()
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(testing::freePort()));
}

QJsonObject openArgs(const QString &title, const QString &sev = QStringLiteral("high"))
{
    return {{QStringLiteral("title"), title}, {QStringLiteral("severity"), sev}};
}

} // namespace

class TestSyncServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void twoClients_oneOffline_endIdentical_withConflictsOnBoth()
    {
        Team team;
        Client a, b;
        QVERIFY(startWithAliceAndBob(team, a, b));
        QStringList uids;
        for (int i = 0; i < 4; ++i) {
            auto r = a.run(Command::open(openArgs(QStringLiteral("shared %1").arg(i))));
            QVERIFY(r);
            QVERIFY(r->number.startsWith(u"TMP-"));
            uids << r->incidentUid;
        }
        QVERIFY(a.settle());
        QVERIFY(b.settle());
        QCOMPARE(b.store().incidentCount(), qint64(4));
        // The back end numbered them; both replicas follow, the UUID stays the identity.
        for (const QString &uid : uids) {
            QVERIFY(a.store().incidentByUid(uid)->number.startsWith(u"INC"));
            QCOMPARE(b.store().incidentByUid(uid)->number, a.store().incidentByUid(uid)->number);
        }

        // B loses the network and keeps working.
        b.svc->setUrl(deadUrl());
        QVERIFY(b.run(
            Command::transition(uids[0], QStringLiteral("investigating"), QStringLiteral("bob"))));
        QVERIFY(b.run(
            Command::transition(uids[1], QStringLiteral("acknowledged"), QStringLiteral("bob"))));
        QVERIFY(
            b.run(Command::note(uids[2], QStringLiteral("bob was here"), QStringLiteral("bob"))));
        auto offline = b.run(Command::open(openArgs(QStringLiteral("opened offline"))));
        QVERIFY(offline);
        QVERIFY(offline->number.startsWith(u"TMP-"));
        QVERIFY(!testing::syncOnce(*b.svc).ok);
        QVERIFY(!b.svc->status()->online());
        QVERIFY(b.svc->status()->text().startsWith(
            QStringLiteral("offline, %1 change").arg(b.waiting())));
        QVERIFY(b.waiting() >= 4);

        // Meanwhile A moves the same incidents elsewhere, later in time.
        QTest::qWait(5);
        QVERIFY(a.run(
            Command::transition(uids[0], QStringLiteral("acknowledged"), QStringLiteral("alice"))));
        QVERIFY(a.run(Command::transition(uids[1], QStringLiteral("investigating"),
                                          QStringLiteral("alice"))));
        QVERIFY(
            a.run(Command::note(uids[3], QStringLiteral("alice note"), QStringLiteral("alice"))));
        QVERIFY(a.settle());

        // B comes back: it drains by itself and pulls.
        b.svc->setUrl(team.url());
        QVERIFY(b.settle());
        QVERIFY(b.svc->status()->online());
        QCOMPARE(b.svc->status()->text(), QStringLiteral("in sync"));
        QVERIFY(a.settle());
        QVERIFY(b.settle());

        QCOMPARE(a.eventIds(), b.eventIds());
        QCOMPARE(a.projection(), b.projection());
        // B's transitions were earlier (HLC) and win; A's no longer fit: conflicts, on both.
        QCOMPARE(a.store().incidentByUid(uids[0])->state, QStringLiteral("investigating"));
        QCOMPARE(a.store().incidentByUid(uids[1])->state, QStringLiteral("acknowledged"));
        QCOMPARE(a.count(domain::kinds::Conflict), 2);
        QCOMPARE(b.count(domain::kinds::Conflict), 2);
        // The incident opened offline got its real number everywhere.
        QVERIFY(a.store().incidentByUid(offline->incidentUid)->number.startsWith(u"INC"));
        QCOMPARE(a.store().incidentByUid(offline->incidentUid)->number,
                 b.store().incidentByUid(offline->incidentUid)->number);
        QVERIFY(a.store().verify().ok);
        QVERIFY(b.store().verify().ok);
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void conflictResolvedOnOneClient_showsResolvedOnBoth()
    {
        Team team;
        Client a, b;
        QVERIFY(startWithAliceAndBob(team, a, b));
        auto r = a.run(Command::open(openArgs(QStringLiteral("contested"))));
        QVERIFY(r);
        const QString uid = r->incidentUid;
        QVERIFY(a.settle());
        QVERIFY(b.settle());
        // B acknowledges offline first; A investigates later: A's move conflicts.
        b.svc->setUrl(deadUrl());
        QVERIFY(
            b.run(Command::transition(uid, QStringLiteral("acknowledged"), QStringLiteral("bob"))));
        QTest::qWait(5);
        QVERIFY(a.run(
            Command::transition(uid, QStringLiteral("investigating"), QStringLiteral("alice"))));
        QVERIFY(a.settle());
        b.svc->setUrl(team.url());
        QVERIFY(b.settle());
        QVERIFY(a.settle());
        for (Client *c : {&a, &b}) {
            const auto conflicts = sync::conflictsOf(c->store().timeline(uid));
            QCOMPARE(conflicts.size(), 1);
            QVERIFY(!conflicts[0].resolved);
            QCOMPARE(conflicts[0].applied.actor, QStringLiteral("bob"));
            QCOMPARE(conflicts[0].rejected.to, QStringLiteral("investigating"));
        }
        const QString conflictId = sync::conflictsOf(a.store().timeline(uid)).first().id;
        // Alice takes her side: a normal transition, then the resolution, both through sync.
        auto done =
            sync::resolveConflict(a.engine(), uid, conflictId, sync::ConflictChoice::TakeRejected,
                                  QStringLiteral("alice"));
        QVERIFY2(done, qPrintable(done.errorMessage()));
        QVERIFY(a.settle());
        QVERIFY(b.settle());
        for (Client *c : {&a, &b}) {
            const auto conflicts = sync::conflictsOf(c->store().timeline(uid));
            QCOMPARE(conflicts.size(), 1);
            QVERIFY(conflicts[0].resolved);
            QCOMPARE(conflicts[0].resolvedBy, QStringLiteral("alice"));
            QCOMPARE(conflicts[0].choice, QStringLiteral("rejected"));
            QCOMPARE(c->store().incidentByUid(uid)->state, QStringLiteral("investigating"));
            QCOMPARE(c->count(domain::kinds::ConflictResolved), 1);
            QVERIFY(c->store().verify().ok);
        }
        QCOMPARE(a.eventIds(), b.eventIds());
        QCOMPARE(a.projection(), b.projection());
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void syncTurnedOnLater_localNumbersBecomeProvisional_andFollowTheBackEnd()
    {
        Team team;
        // A already gave the back end INC0000001 and INC0000002.
        Client a;
        QVERIFY(startWithAlice(team, a));
        for (int i = 0; i < 2; ++i)
            QVERIFY(a.run(Command::open(openArgs(QStringLiteral("server side %1").arg(i)))));
        QVERIFY(a.settle());
        // B worked without sync: INC0000001..3 locally, one with a note.
        Client b;
        QStringList local;
        {
            auto c = host::AppContext::open(b.dir.filePath(QStringLiteral("c.db")));
            QVERIFY(c);
            for (int i = 0; i < 3; ++i) {
                // Before sync the actor is the login name; here it is the same as the back-end
                // user.
                auto r = (*c)->engine().execute(Command::open(
                    openArgs(QStringLiteral("local only %1").arg(i)), QStringLiteral("bob")));
                QVERIFY(r);
                QCOMPARE(r->number, QStringLiteral("INC%1").arg(i + 1, 7, 10, QLatin1Char('0')));
                local << r->incidentUid;
            }
            QVERIFY((*c)->engine().execute(
                Command::note(local[2], QStringLiteral("before sync"), QStringLiteral("bob"))));
        }
        QVERIFY(b.open(team.url(), team.bob, QStringLiteral("bob"))); // turns sync on
        for (const QString &uid : local) {
            const auto inc = b.store().incidentByUid(uid);
            QVERIFY2(inc->number.startsWith(u"TMP-"), qPrintable(inc->number));
        }
        QVERIFY(!b.store().incidentByNumber(QStringLiteral("INC0000001")));
        store::ListQuery byNumber;
        byNumber.search = b.store().incidentByUid(local[0])->number;
        QCOMPARE(b.store().count(byNumber), qint64(1)); // search follows the number
        QVERIFY(b.store().verify().ok);
        // Pushing them does not clash with the numbers the back end hands out.
        QVERIFY(b.settle());
        QVERIFY(a.settle());
        QVERIFY(b.settle());
        QSet<QString> numbers;
        for (const QString &uid : local) {
            const QString n = b.store().incidentByUid(uid)->number;
            QVERIFY2(n.startsWith(u"INC") && n > QStringLiteral("INC0000002"), qPrintable(n));
            QCOMPARE(a.store().incidentByUid(uid)->number, n);
            numbers.insert(n);
        }
        QCOMPARE(numbers.size(), 3);
        byNumber.search = b.store().incidentByUid(local[0])->number;
        QCOMPARE(b.store().count(byNumber), qint64(1));
        QCOMPARE(a.projection(), b.projection());
        QCOMPARE(a.eventIds(), b.eventIds());
        const auto va = a.store().verify(), vb = b.store().verify();
        QVERIFY2(va.ok, qPrintable(va.faults.join(u'\n')));
        QVERIFY2(vb.ok, qPrintable(vb.faults.join(u'\n')));
        QCOMPARE(team.incidentsCreated(), qint64(5));
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void faultyNetwork_everyEventArrivesExactlyOnce()
    {
        Team team;
        QVERIFY(team.start(11));
        team.proxy->setRate(0.3);
        Client a, b;
        QVERIFY(a.open(team.url(), team.alice, QStringLiteral("alice")));
        QVERIFY(b.open(team.url(), team.bob, QStringLiteral("bob")));
        int opened = 0;
        for (int i = 0; i < 12; ++i) {
            auto r = a.run(Command::open(openArgs(QStringLiteral("faulty %1").arg(i))));
            QVERIFY(r);
            ++opened;
            QVERIFY(a.run(Command::note(r->incidentUid, QStringLiteral("note a%1").arg(i))));
            auto rb = b.run(Command::open(
                openArgs(QStringLiteral("faulty b %1").arg(i), QStringLiteral("low"))));
            QVERIFY(rb);
            ++opened;
        }
        for (int round = 0; round < 3; ++round) {
            QVERIFY(a.settle());
            QVERIFY(b.settle());
        }
        const auto stats = team.proxy->stats();
        qInfo() << "fault proxy" << stats;
        QVERIFY(stats.value(QStringLiteral("fault_drop_after")) +
                    stats.value(QStringLiteral("fault_twice")) >
                0);
        QCOMPARE(team.incidentsCreated(), qint64(opened));
        // Same events on both sides, each exactly once (ids are unique per log).
        const QStringList ids = a.eventIds();
        QCOMPARE(ids, b.eventIds());
        QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), ids.size());
        QCOMPARE(a.count(domain::kinds::Renumbered), opened);
        QCOMPARE(a.count(domain::kinds::NoteAdded), 12);
        QCOMPARE(a.projection(), b.projection());
        // The back end holds exactly what the clients hold.
        team.proxy->setRate(0);
        sync::RestClient rest(team.url(), team.alice);
        const auto feed =
            testing::call(rest, "GET", QStringLiteral("/api/changes?since=0&limit=20000"));
        QCOMPARE(feed.status, 200);
        QCOMPARE(feed.json().value(u"events").toArray().size(), ids.size());
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void batchDrain_incidentsGoInFewRequests_andALostAnswerIsRetriedUnderItsKey()
    {
        Team team;
        QVERIFY(team.start(5));
        Client a;
        QVERIFY(a.open(team.url(), team.alice, QStringLiteral("alice"), true,
                       [](sync::SyncOptions &o) { o.batchSize = 10; }));
        const int incidents = 23;
        QStringList uids;
        for (int i = 0; i < incidents; ++i) {
            auto r = a.run(Command::open(openArgs(QStringLiteral("storm %1").arg(i))));
            QVERIFY(r);
            uids << r->incidentUid;
            if (i % 4 == 0)
                QVERIFY(a.run(Command::note(r->incidentUid, QStringLiteral("note %1").arg(i))));
        }
        const qint64 queued = a.waiting();
        QVERIFY(queued > incidents);
        const auto queuedIds = [&] {
            QStringList ids;
            for (const auto &row : sync::Outbox(a.store()).pending(1000))
                ids << row.event.id;
            return ids;
        }();
        // The answer to the first batch is lost twice after the back end stored it (Qt's
        // network stack resends once by itself on a kept-alive connection; the second loss
        // fails the cycle): nothing leaves the outbox, and the next cycle sends it again.
        team.proxy->injectOn("POST", "/api/events", QStringLiteral("drop_after"), 2);
        QVERIFY(!testing::syncOnce(*a.svc).ok);
        QCOMPARE(a.waiting(), queued);
        QVERIFY(team.incidentsCreated() > 0); // stored, though the client cannot know it
        QVERIFY(a.settle());

        QList<Team::Write> posts;
        for (const auto &w : std::as_const(team.writes)) {
            QCOMPARE(w.req.path, QByteArray("/api/events")); // new incidents too
            posts << w;
        }
        const qsizetype batches = (queued + 9) / 10;
        QCOMPARE(posts.size(), batches + 2);
        // Each retry is the same request under the same key, and gets the first answer again.
        for (int i = 1; i <= 2; ++i) {
            QCOMPARE(posts[i].req.headers.value("idempotency-key"),
                     posts[0].req.headers.value("idempotency-key"));
            QCOMPARE(posts[i].req.body, posts[0].req.body);
            QVERIFY(posts[i].headers.toLower().contains("idempotent-replayed: true"));
        }
        QSet<QByteArray> keys;
        QStringList sent;
        for (qsizetype i = 2; i < posts.size(); ++i) {
            QCOMPARE(posts[i].status, 200);
            keys << posts[i].req.headers.value("idempotency-key");
            const QJsonArray events =
                QJsonDocument::fromJson(posts[i].req.body).object().value(u"events").toArray();
            QVERIFY(events.size() <= 10);
            for (const auto &v : events)
                sent << v.toObject().value(u"id").toString();
        }
        QCOMPARE(keys.size(), batches);
        // Every event once, in outbox order (each incident's events in their order).
        QCOMPARE(sent, queuedIds);
        // Each incident created once, its number from the back end on the client.
        QCOMPARE(team.incidentsCreated(), qint64(incidents));
        QCOMPARE(a.count(domain::kinds::Renumbered), incidents);
        for (const QString &uid : std::as_const(uids))
            QVERIFY(!a.store().incidentByUid(uid)->number.startsWith(u"TMP-"));
        sync::RestClient rest(team.url(), team.alice);
        const auto feed =
            testing::call(rest, "GET", QStringLiteral("/api/changes?since=0&limit=20000"));
        QCOMPARE(feed.status, 200);
        QStringList stored;
        for (const auto &v : feed.json().value(u"events").toArray())
            stored << v.toObject().value(u"id").toString();
        std::sort(stored.begin(), stored.end());
        QCOMPARE(stored, a.eventIds());
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void batchDrain_requestsStayUnderTheByteCap_andALargerEventGoesAlone()
    {
        Team team;
        QVERIFY(team.start(6));
        const qint64 cap = 4096;
        Client a;
        QVERIFY(a.open(team.url(), team.alice, QStringLiteral("alice"), true,
                       [cap](sync::SyncOptions &o) { o.batchBytes = cap; }));
        for (int i = 0; i < 12; ++i) {
            auto r = a.run(Command::open(openArgs(QStringLiteral("big %1").arg(i))));
            QVERIFY(r);
            if (i == 5)
                QVERIFY(a.run(Command::note(r->incidentUid, QString(6000, u'x'))));
        }
        const qint64 queued = a.waiting();
        QVERIFY(a.settle());
        QCOMPARE(a.waiting(), qint64(0));
        qint64 events = 0;
        int alone = 0;
        for (const auto &w : std::as_const(team.writes)) {
            QCOMPARE(w.req.path, QByteArray("/api/events"));
            QCOMPARE(w.status, 200);
            const qsizetype n =
                QJsonDocument::fromJson(w.req.body).object().value(u"events").toArray().size();
            events += n;
            if (w.req.body.size() > cap + 64) {
                QCOMPARE(n, qsizetype(1));
                ++alone;
            }
        }
        QCOMPARE(events, queued);
        QCOMPARE(alone, 1);
        QVERIFY(team.writes.size() > 2);
        QCOMPARE(team.incidentsCreated(), qint64(12));
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void initialBulkSync_loadsEverything_andCancelKeepsNothing()
    {
        Team team;
        Client a;
        QVERIFY(startWithAlice(team, a));
        for (int i = 0; i < 60; ++i) {
            auto r = a.run(Command::open(openArgs(QStringLiteral("bulk %1").arg(i))));
            QVERIFY(r);
            if (i % 3 == 0)
                QVERIFY(
                    a.run(Command::note(r->incidentUid, QStringLiteral("searchable%1").arg(i))));
        }
        QVERIFY(a.settle());

        Client c;
        QVERIFY(c.open(team.url(), team.bob, QStringLiteral("bob")));
        int calls = 0;
        auto cancelled = testing::awaitCallback<Result<qint64>>([&](auto done) {
            c.svc->initialSync(
                [&](qint64, qint64) {
                    ++calls;
                    return false; // the user pressed Cancel
                },
                done);
        });
        QCOMPARE(calls, 1);
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, QStringLiteral("cancelled"));
        QCOMPARE(c.store().maxSeq(), qint64(0));

        qint64 lastDone = 0, lastTotal = 0;
        bool returned = false;
        std::optional<Result<qint64>> loaded;
        c.svc->initialSync(
            [&](qint64 done, qint64 total) {
                lastDone = done;
                lastTotal = total;
                return true;
            },
            [&](Result<qint64> r) {
                QVERIFY(returned); // pages arrive after initialSync() has returned
                loaded.emplace(std::move(r));
            });
        returned = true;
        QTRY_VERIFY_WITH_TIMEOUT(loaded.has_value(), 60000);
        QVERIFY2(*loaded, qPrintable(loaded->errorMessage()));
        QCOMPARE(**loaded, lastTotal);
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(c.projection(), a.projection());
        store::ListQuery q;
        q.search = QStringLiteral("searchable9");
        QCOMPARE(c.store().count(q), qint64(1));
        const auto v = c.store().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        // Then the incremental path continues from the cursor, with nothing doubled.
        QVERIFY(c.settle());
        QCOMPARE(c.eventIds(), a.eventIds());
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    // Forged history on the back end: an incident.renumbered to a number another incident
    // holds (written straight into its store, as a compromised database would serve it) and
    // a gated transition a responder sent without an approval (the back end does not know the
    // workflow). Each is a conflict on its incident on every replica, the feed goes on past
    // them, and a new replica's first sync still loads.
    void forgedHistory_becomesConflicts_andTheFeedGoesOn()
    {
        Team team;
        Client a, b;
        QVERIFY(startWithAliceAndBob(team, a, b));
        auto x = a.run(Command::open(openArgs(QStringLiteral("x"), QStringLiteral("critical"))));
        auto y = a.run(Command::open(openArgs(QStringLiteral("y"))));
        QVERIFY(x && y);
        QVERIFY(a.run(Command::make(Command::Kind::Acknowledge, x->incidentUid, {},
                                    QStringLiteral("alice"))));
        QVERIFY(a.settle());
        QVERIFY(b.settle());
        const QString xNumber = a.store().incidentByUid(x->incidentUid)->number;
        const QString yNumber = a.store().incidentByUid(y->incidentUid)->number;
        QVERIFY(xNumber.startsWith(u"INC") && yNumber.startsWith(u"INC") && xNumber != yNumber);
        const qint64 hlc = a.store().lastHlc() + 1000;
        const qint64 ts = QDateTime::currentMSecsSinceEpoch();

        const QString forged = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QJsonObject forgedBody =
            wireEvent(forged, x->incidentUid, hlc, ts, QStringLiteral("backend"),
                      domain::kinds::Renumbered, {{QStringLiteral("number"), yNumber}});
        forgedBody[u"origin"] = QStringLiteral("backend");
        team.slipIn(forgedBody, QStringLiteral("backend"), QStringLiteral("backend"));

        sync::RestClient asBob(team.url(), team.bob);
        const QString gated = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QJsonObject post{
            {QStringLiteral("events"),
             QJsonArray{wireEvent(gated, x->incidentUid, hlc + 1, ts, QStringLiteral("bob"),
                                  domain::kinds::Transitioned,
                                  {{QStringLiteral("from"), QStringLiteral("acknowledged")},
                                   {QStringLiteral("to"), QStringLiteral("mitigating")}})}}};
        const auto sent = testing::call(asBob, "POST", QStringLiteral("/api/events"), &post,
                                        {{"Idempotency-Key", gated.toLatin1()}});
        QCOMPARE(sent.status, 200);
        QCOMPARE(sent.json().value(u"accepted").toInt(), 1);

        // Later events still arrive, on both replicas.
        QVERIFY(
            a.run(Command::note(x->incidentUid, QStringLiteral("after"), QStringLiteral("alice"))));
        QVERIFY(a.settle());
        QVERIFY(b.run(
            Command::note(y->incidentUid, QStringLiteral("from bob"), QStringLiteral("bob"))));
        QVERIFY(b.settle());
        QVERIFY(a.settle());

        Client c;
        QVERIFY(c.open(team.url(), team.alice, QStringLiteral("alice")));
        const auto loaded = testing::awaitCallback<Result<qint64>>(
            [&](auto done) { c.svc->initialSync({}, done); });
        QVERIFY2(loaded, qPrintable(loaded.errorMessage()));
        QVERIFY(c.settle());
        for (Client *r : {&a, &b, &c}) {
            const auto xr = r->store().incidentByUid(x->incidentUid);
            QVERIFY(xr);
            QCOMPARE(xr->number, xNumber);
            QCOMPARE(xr->state, QStringLiteral("acknowledged"));
            QCOMPARE(r->store().incidentByUid(y->incidentUid)->number, yNumber);
            QCOMPARE(r->count(domain::kinds::NoteAdded), 2);
            QVERIFY(!r->store().hasEvent(forged) && !r->store().hasEvent(gated));
            const auto conflicts = sync::conflictsOf(r->store().timeline(x->incidentUid));
            QStringList rejected;
            for (const auto &cf : conflicts)
                rejected << cf.rejected.eventId;
            std::sort(rejected.begin(), rejected.end());
            QStringList want{forged, gated};
            std::sort(want.begin(), want.end());
            QCOMPARE(rejected, want);
            const auto v = r->engine().verify();
            QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        }
        // Every replica holds what the back end holds: the digests agree (the refused events
        // count, from the copies their conflicts carry).
        sync::RestClient rest(team.url(), team.alice);
        auto compare = [&](Client &r) {
            return testing::awaitCallback<Result<QList<sync::DigestMismatch>>>(
                [&](auto done) { sync::compareDigests(r.store(), rest, done); });
        };
        for (Client *r : {&a, &b, &c}) {
            const auto diff = compare(*r);
            QVERIFY2(diff, qPrintable(diff.errorMessage()));
            QVERIFY2(diff->isEmpty(),
                     qPrintable(diff->isEmpty() ? QString() : diff->first().describe()));
        }
        // An event slipped into the back end's store shows on that incident only.
        const QString slipped = QUuid::createUuid().toString(QUuid::WithoutBraces);
        team.slipIn(wireEvent(slipped, y->incidentUid, hlc + 5000, ts, QStringLiteral("alice"),
                              domain::kinds::NoteAdded,
                              {{QStringLiteral("text"), QStringLiteral("never said")}}),
                    QStringLiteral("alice"), QStringLiteral("commander"));
        const auto diff = compare(a);
        QVERIFY2(diff, qPrintable(diff.errorMessage()));
        QCOMPARE(diff->size(), 1);
        QCOMPARE(diff->first().incidentUid, y->incidentUid);
        QCOMPARE(diff->first().number, yNumber);
        // An event moved to another replica on the back end (its origin rewritten) shows
        // too: the content hash covers the origin of every event appended now.
        QString after;
        for (const domain::Event &e : a.store().timeline(x->incidentUid))
            if (e.kind == domain::kinds::NoteAdded)
                after = e.id;
        const QString replicaA = a.store().meta(QStringLiteral("replica_id"));
        QVERIFY(!after.isEmpty() && !replicaA.isEmpty());
        team.backEnd.pg.sql(
            QStringLiteral("UPDATE events SET body = replace(body, '\"origin\":"
                           "\"%1\"', '\"origin\":\"%2\"') WHERE id = '%3'")
                .arg(replicaA, b.store().meta(QStringLiteral("replica_id")), after));
        const auto moved = compare(a);
        QVERIFY2(moved, qPrintable(moved.errorMessage()));
        QStringList differ;
        for (const auto &m : *moved)
            differ << m.incidentUid;
        differ.sort();
        QStringList want{x->incidentUid, y->incidentUid};
        want.sort();
        QCOMPARE(differ, want);
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void contract_tokenIdempotencyKeyAndETags()
    {
        Team team;
        Client a;
        QVERIFY(startWithAlice(team, a));
        auto r = a.run(Command::open(openArgs(QStringLiteral("contract"))));
        QVERIFY(r);
        QVERIFY(a.settle());

        sync::RestClient wrong(team.url(), QStringLiteral("nope"));
        QCOMPARE(testing::call(wrong, "GET", QStringLiteral("/api/health")).status, 401);
        sync::RestClient rest(team.url(), team.alice);
        // Requests that break the contract on purpose go around the checking proxy.
        sync::RestClient direct(team.backEnd.url(), team.alice);
        QCOMPARE(testing::call(rest, "GET", QStringLiteral("/api/health")).status, 200);
        const QJsonObject body{{QStringLiteral("fields"), QJsonObject{{QStringLiteral("assignee"),
                                                                       QStringLiteral("carol")}}}};
        const QString path = QStringLiteral("/api/incidents/%1").arg(r->incidentUid);
        QCOMPARE(testing::call(direct, "PATCH", path, &body, {{"If-Match", "\"v0\""}}).status,
                 400); // no Idempotency-Key
        const auto got = testing::call(rest, "GET", path);
        QCOMPARE(got.status, 200);
        QVERIFY(got.json().value(u"number").toString().startsWith(u"INC"));
        QVERIFY(!got.etag.isEmpty());
        QCOMPARE(testing::call(direct, "PATCH", path, &body, {{"Idempotency-Key", "k1"}}).status,
                 428);
        QCOMPARE(testing::call(rest, "PATCH", path, &body,
                               {{"Idempotency-Key", "k2"}, {"If-Match", "\"v999\""}})
                     .status,
                 412);
        const auto ok = testing::call(rest, "PATCH", path, &body,
                                      {{"Idempotency-Key", "k3"}, {"If-Match", got.etag}});
        QCOMPARE(ok.status, 200);
        QVERIFY(ok.etag != got.etag);
        // The same key again answers the same, without a second change.
        const auto replay = testing::call(rest, "PATCH", path, &body,
                                          {{"Idempotency-Key", "k3"}, {"If-Match", got.etag}});
        QCOMPARE(replay.status, 200);
        QCOMPARE(replay.body, ok.body);
        // The field change made on the back end reaches the replica through the feed.
        QVERIFY(a.settle());
        QCOMPARE(a.store().incidentByUid(r->incidentUid)->assignee, QStringLiteral("carol"));
        QVERIFY(a.store().verify().ok);
        QVERIFY(team.checked > 5);
        QVERIFY2(team.violations.isEmpty(), qPrintable(team.violations.join(u'\n')));
    }

    void token_neverLandsInDatabaseSettingsOrLogs()
    {
        // The headless convention: the token comes from the environment (or a token file)
        // and is used, never copied. The keychain variant is tst_keychain.
        QTemporaryDir home;
        Team team;
        QVERIFY(team.start());
        const QByteArray token =
            team.backEnd.addUser(QStringLiteral("tester"), QStringLiteral("responder")).toLatin1();
        // The command line blocks this thread: it talks to HAProxy directly, not through the
        // in-process fault proxy.
        const QUrl url = team.backEnd.url();
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        auto env = testing::privateEnv(home.path());
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral("data"))); // --db never creates folders
        env.insert(QStringLiteral("USER"), QStringLiteral("tester"));
        QTemporaryDir secrets; // where the user keeps the token, outside Sitrep's folders
        const QString tokenFile = secrets.filePath(QStringLiteral("token.txt"));
        {
            QFile f(tokenFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(token + "\n");
        }
        QList<testing::CliRun> runs;
        runs << testing::runCli({QStringLiteral("config"), QStringLiteral("set"),
                                 QStringLiteral("backend.url"), url.toString(),
                                 QStringLiteral("--db"), db},
                                env);
        // The first sync learns who the token is, before anything is written.
        runs << testing::runCli({QStringLiteral("sync"), QStringLiteral("--once"),
                                 QStringLiteral("--token-file"), tokenFile, QStringLiteral("--db"),
                                 db},
                                env);
        runs << testing::runCli({QStringLiteral("create"), QStringLiteral("--title"),
                                 QStringLiteral("leak check"), QStringLiteral("--severity"),
                                 QStringLiteral("low"), QStringLiteral("--db"), db},
                                env);
        env.insert(QStringLiteral("SITREP_BACKEND_TOKEN"), QString::fromLatin1(token));
        runs << testing::runCli({QStringLiteral("sync"), QStringLiteral("--once"),
                                 QStringLiteral("--json"), QStringLiteral("--db"), db},
                                env);
        for (const auto &r : runs)
            QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QCOMPARE(team.incidentsCreated(), qint64(1));
        const QStringList hits = testing::filesContaining(home.path(), token);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u'\n')));
        for (const auto &r : runs) {
            QVERIFY(!r.out.contains(token));
            QVERIFY(!r.err.contains(token));
        }
        // A wrong token is reported as such, without echoing it.
        env.insert(QStringLiteral("SITREP_BACKEND_TOKEN"),
                   QStringLiteral("sitrep_wrong-token-value"));
        QVERIFY(a_createOne(db, env));
        const auto bad = testing::runCli(
            {QStringLiteral("sync"), QStringLiteral("--once"), QStringLiteral("--db"), db}, env);
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.out.contains("401"), bad.out.constData());
        QVERIFY(!bad.out.contains("wrong-token-value") && !bad.err.contains("wrong-token-value"));
    }

private:
    static bool a_createOne(const QString &db, const QProcessEnvironment &env)
    {
        return testing::runCli({QStringLiteral("create"), QStringLiteral("--title"),
                                QStringLiteral("another"), QStringLiteral("--severity"),
                                QStringLiteral("low"), QStringLiteral("--db"), db},
                               env)
                   .exitCode == 0;
    }
};

QTEST_GUILESS_MAIN(TestSyncServer)
#include "tst_sync_server.moc"
