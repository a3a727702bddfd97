// SPDX-License-Identifier: MIT
// Merging remote events through the engine: duplicates, re-chaining, deterministic fold,
// conflicts, and a randomized convergence run (replicas, partitions, causal random delivery).
#include "demo/demogenerator.h"
#include "domain/canonicaljson.h"
#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "store/bulkloader.h"
#include "store/projector.h"
#include "sync/conflicts.h"
#include "sync/outbox.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <random>

using namespace sitrep;
using domain::Event;
using engine::Command;

namespace {

struct Replica {
    QTemporaryDir dir;
    std::unique_ptr<host::AppContext> ctx;
    int index = 0;
    QList<Event> published; // its outbox, in order, as the network sees it
    QList<QList<int>> deps; // per published event: delivered counts per stream when published
    QList<int> delivered;   // per stream: how many of its events this replica got

    engine::LifecycleEngine &engine() { return ctx->engine(); }
    store::Store &store() { return ctx->store(); }

    bool open(int i, int n)
    {
        index = i;
        delivered = QList<int>(n, 0);
        ctx = testing::openReplica(dir.filePath(QStringLiteral("r.db")));
        return ctx != nullptr;
    }

    /// Moves everything new in the outbox onto the wire.
    void publish()
    {
        sync::Outbox box(store());
        for (const auto &row : box.pending(100000)) {
            published << row.event;
            deps << delivered;
            (void)box.queue().markDelivered(row.id);
        }
        delivered[index] = int(published.size());
    }

    QMap<QString, QJsonObject> projection() { return testing::projectionOf(store()); }

    QSet<QString> eventIds()
    {
        QSet<QString> ids;
        for (const auto &e : store().eventsAfter(0, 1000000))
            ids.insert(e.id);
        return ids;
    }

    int conflicts()
    {
        int n = 0;
        for (const auto &e : store().eventsAfter(0, 1000000))
            n += e.kind == domain::kinds::Conflict;
        return n;
    }
};

QJsonObject openArgs(const QString &title)
{
    return {{QStringLiteral("title"), title}, {QStringLiteral("severity"), QStringLiteral("high")}};
}

/// Two replicas of two streams, and an incident `title` opened on `a` (with `note` when
/// given) and published: its uid, empty when a step failed.
QString openShared(Replica &a, Replica &b, const QString &title, const QString &note = {})
{
    if (!a.open(0, 2) || !b.open(1, 2))
        return {};
    auto r = a.engine().execute(Command::open(openArgs(title)));
    if (!r || (!note.isEmpty() && !a.engine().execute(Command::note(r->incidentUid, note))))
        return {};
    a.publish();
    return r->incidentUid;
}

} // namespace

// The rows of a query as text, or "error".
static QStringList rowsOf(Replica &r, const char *sql)
{
    const auto out = testing::queryRows(r.store(), QString::fromLatin1(sql));
    return out ? *out : QStringList{QStringLiteral("error")};
}

class TestSyncMerge : public QObject {
    Q_OBJECT

    // Delivers every event `to` may take (its causal past already there), in random
    // batches and random order within a batch, with occasional re-deliveries.
    static int deliver(QList<Replica *> &all, Replica &to, const QSet<int> &cut, std::mt19937 &rng,
                       bool everything)
    {
        int moved = 0;
        for (;;) {
            QList<QPair<int, int>> ready; // (stream, index)
            for (Replica *from : all) {
                const int s = from->index;
                if (s == to.index || cut.contains(s))
                    continue;
                const int k = to.delivered[s];
                if (k >= from->published.size())
                    continue;
                bool ok = true;
                for (int o = 0; o < all.size() && ok; ++o)
                    if (o != to.index && from->deps[k][o] > to.delivered[o])
                        ok = false;
                if (ok)
                    ready << qMakePair(s, k);
            }
            if (ready.isEmpty())
                return moved;
            std::shuffle(ready.begin(), ready.end(), rng);
            const int take = everything
                                 ? int(ready.size())
                                 : std::uniform_int_distribution<int>(1, int(ready.size()))(rng);
            QList<Event> batch;
            for (int i = 0; i < take; ++i) {
                const auto [s, k] = ready[i];
                batch << all[s]->published[k];
                to.delivered[s] = k + 1;
                // A retried delivery of something older: must be a no-op.
                if (std::uniform_int_distribution<int>(0, 9)(rng) == 0)
                    batch << all[s]->published[std::uniform_int_distribution<int>(0, k)(rng)];
            }
            std::shuffle(batch.begin(), batch.end(), rng);
            auto r = to.engine().mergeRemote(batch);
            if (!r)
                qFatal("merge failed: %s", qPrintable(r.errorMessage()));
            if (!r->deferred.isEmpty())
                qFatal("causal delivery produced deferred events");
            moved += take;
            to.publish(); // conflict events it recorded go out too
            if (!everything && std::uniform_int_distribution<int>(0, 2)(rng) == 0)
                return moved;
        }
    }

    static void randomEdit(Replica &r, std::mt19937 &rng, int &counter)
    {
        auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
        store::ListQuery q;
        q.limit = 1000;
        const auto incs = r.store().list(q);
        const int op = incs.isEmpty() ? 0 : pick(6);
        if (op == 0) {
            (void)r.engine().execute(Command::open(
                openArgs(QStringLiteral("r%1 incident %2").arg(r.index).arg(++counter))));
        } else {
            const auto &inc = incs[pick(int(incs.size()))];
            if (op == 1) {
                (void)r.engine().execute(Command::note(
                    inc.uid, QStringLiteral("note %1 from r%2").arg(++counter).arg(r.index)));
            } else if (op == 2) {
                (void)r.engine().execute(Command::make(
                    Command::Kind::SetField, inc.uid,
                    {{QStringLiteral("field"), QStringLiteral("title")},
                     {QStringLiteral("value"), QStringLiteral("title %1").arg(++counter)}}));
            } else {
                const QStringList targets = r.engine().allowedTransitions(inc);
                if (targets.isEmpty())
                    return;
                const QString to = targets[pick(int(targets.size()))];
                QJsonObject extra{{QStringLiteral("resolution_note"), QStringLiteral("fixed")},
                                  {QStringLiteral("root_cause"), QStringLiteral("config")}};
                (void)r.engine().execute(
                    Command::transition(inc.uid, to, QStringLiteral("user%1").arg(r.index), extra));
            }
        }
        r.publish();
    }

    // Replica a and an empty replica b opened side by side, then 30 days of demo history (300
    // incidents) written by a's engine: its whole log, with the senders a back end records
    // (approvals from a commander). Empty if a step failed.
    static QList<Event> demoHistory(Replica &a, Replica &b, quint32 seed)
    {
        if (!a.open(0, 1) || !b.open(1, 1))
            return {};
        demo::DemoOptions o;
        o.incidents = 300;
        o.seed = seed;
        o.now = 1795392000000;
        o.days = 30;
        if (!demo::runDemo(a.engine(), o))
            return {};
        QList<Event> log = a.store().eventsAfter(0, 1000000);
        for (Event &e : log)
            sentBy(e, e.actor,
                   e.kind == domain::kinds::ApprovalGranted ? QStringLiteral("commander")
                                                            : QStringLiteral("responder"));
        return log;
    }

    // b holds what a holds, event for event, and b's hash chain checks out.
    static void verifySameAs(Replica &b, Replica &a)
    {
        QCOMPARE(b.projection(), a.projection());
        QCOMPARE(b.eventIds(), a.eventIds());
        const auto v = b.engine().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    }

    static void sentBy(Event &e, const QString &user, const QString &role)
    {
        e.sentBy = user;
        e.sentRole = role;
    }

    static int kindCount(Replica &r, const QString &uid, const QString &kind)
    {
        int n = 0;
        for (const auto &e : r.store().timeline(uid))
            n += e.kind == kind;
        return n;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void duplicate_isANoOp_andTheChainStaysLocal()
    {
        Replica a, b;
        const QString uid =
            openShared(a, b, QStringLiteral("shared"), QStringLiteral("first note"));
        QVERIFY(!uid.isEmpty());
        auto m = b.engine().mergeRemote(a.published);
        QVERIFY2(m, qPrintable(m.errorMessage()));
        QCOMPARE(m->applied, int(a.published.size()));
        auto again = b.engine().mergeRemote(a.published);
        QVERIFY(again);
        QCOMPARE(again->applied, 0);
        QCOMPARE(again->duplicates, int(a.published.size()));
        // Kept: id, hlc, ts, actor, kind, payload; re-chained: prev hash and hash.
        const auto tb = b.store().timeline(uid);
        const auto ta = a.store().timeline(uid);
        QCOMPARE(tb.size(), ta.size());
        for (int i = 0; i < ta.size(); ++i) {
            QCOMPARE(tb[i].id, ta[i].id);
            QCOMPARE(tb[i].hlc, ta[i].hlc);
            QCOMPARE(tb[i].payload, ta[i].payload);
            QCOMPARE(tb[i].actor, ta[i].actor);
        }
        QVERIFY(b.store().verify().ok);
        // Merged events are not queued again by the receiver.
        QCOMPARE(sync::Outbox(b.store()).pendingCount(), qint64(0));
        // The receiver can keep working on it; its own events chain on.
        QVERIFY(b.engine().execute(Command::note(uid, QStringLiteral("from b"))));
        const auto report = b.store().verify();
        QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
    }

    void concurrentTransitions_becomeTheSameConflictOnBoth()
    {
        Replica a, b;
        const QString uid = openShared(a, b, QStringLiteral("contested"));
        QVERIFY(!uid.isEmpty());
        QVERIFY(b.engine().mergeRemote(a.published));
        b.delivered[0] = int(a.published.size());
        // Both move it from 'triggered' while apart.
        QVERIFY(a.engine().execute(
            Command::transition(uid, QStringLiteral("acknowledged"), QStringLiteral("alice"))));
        QTest::qWait(3);
        QVERIFY(b.engine().execute(
            Command::transition(uid, QStringLiteral("investigating"), QStringLiteral("bob"))));
        a.publish();
        b.publish();
        QList<Replica *> all{&a, &b};
        std::mt19937 rng(1);
        deliver(all, a, {}, rng, true);
        deliver(all, b, {}, rng, true);
        deliver(all, a, {}, rng, true);
        QCOMPARE(a.projection(), b.projection());
        QCOMPARE(a.store().incidentByUid(uid)->state,
                 QStringLiteral("acknowledged")); // earlier HLC wins
        QCOMPARE(a.conflicts(), 1);
        QCOMPARE(b.conflicts(), 1);
        QCOMPARE(a.eventIds(), b.eventIds());
        const auto conflict = [&](Replica &x) {
            for (const auto &e : x.store().timeline(uid))
                if (e.kind == domain::kinds::Conflict)
                    return e;
            return Event();
        };
        QCOMPARE(conflict(a).payload[u"by"].toString(), QStringLiteral("bob"));
        QCOMPARE(conflict(a).payload[u"to"].toString(), QStringLiteral("investigating"));
        QVERIFY(a.store().verify().ok);
        QVERIFY(b.store().verify().ok);
        // The log rebuilds to the same rows (fold order is (hlc, id), not arrival).
        const auto before = b.projection();
        QVERIFY(b.store().rebuildProjection());
        QCOMPARE(b.projection(), before);
    }

    void secondOpening_neverResetsTheIncident()
    {
        Replica a, b;
        const QString uid = openShared(a, b, QStringLiteral("first opening"));
        QVERIFY(!uid.isEmpty());
        QVERIFY(a.engine().execute(
            Command::make(Command::Kind::Acknowledge, uid, {}, QStringLiteral("alice"))));
        const auto before = a.store().incidentByUid(uid);
        QVERIFY(before);
        // b opens the same uid on its own (another title and severity): the opening and what
        // it does are once-only events of the uid, so they merge into a as no-ops.
        auto own = b.engine().execute(
            Command::open({{QStringLiteral("uid"), uid},
                           {QStringLiteral("title"), QStringLiteral("second opening")},
                           {QStringLiteral("severity"), QStringLiteral("low")}}));
        QVERIFY2(own, qPrintable(own.errorMessage()));
        b.publish();
        QCOMPARE(b.published.first().kind, domain::kinds::Opened);
        QCOMPARE(b.published.first().id, a.published.first().id);
        auto m = a.engine().mergeRemote(b.published);
        QVERIFY2(m, qPrintable(m.errorMessage()));
        QCOMPARE(m->applied, 0);
        QCOMPARE(m->duplicates, int(b.published.size()));

        // An opening of the same uid under another id, earlier by the clock, with a note after
        // it: not applied (never a reset); the note applies to the incident as it is.
        Event other = b.published.first();
        other.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        other.hlc = 1;
        other.payload[u"title"] = QStringLiteral("reset?");
        other.payload[u"number"] = QStringLiteral("INC9999999");
        Event note = other;
        note.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        note.hlc = b.published.first().hlc + 1000;
        note.kind = domain::kinds::NoteAdded;
        note.payload = {{QStringLiteral("text"), QStringLiteral("from the other opening")}};
        auto m2 = a.engine().mergeRemote({other, note});
        QVERIFY2(m2, qPrintable(m2.errorMessage()));
        QCOMPARE(m2->secondOpenings, 1);
        QCOMPARE(m2->applied, 1);
        const auto after = a.store().incidentByUid(uid);
        QCOMPARE(after->state, QStringLiteral("acknowledged"));
        QCOMPARE(after->state, before->state);
        QCOMPARE(after->severity, before->severity);
        QCOMPARE(after->number, before->number);
        QCOMPARE(after->title, QStringLiteral("first opening"));
        QCOMPARE(after->createdAt, before->createdAt);
        int openings = 0;
        for (const auto &e : a.store().timeline(uid))
            openings += e.kind == domain::kinds::Opened;
        QCOMPARE(openings, 1);
        const auto report = a.engine().verify();
        QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
        const auto projection = a.projection();
        QVERIFY(a.engine().rebuildProjections());
        QCOMPARE(a.projection(), projection);

        // A log that holds a second opening anyway (an older replica's) folds it as nothing.
        domain::Incident folded;
        store::applyEvent(folded, a.store().timeline(uid).first());
        const QString title = folded.title;
        store::applyEvent(folded, other);
        QCOMPARE(folded.title, title);
        QCOMPARE(folded.number, before->number);

        // b takes a's acknowledgement on top of its own opening.
        QVERIFY(b.engine().mergeRemote(a.published));
        a.publish();
        QVERIFY(b.engine().mergeRemote(a.published));
        QCOMPARE(b.store().incidentByUid(uid)->state, QStringLiteral("acknowledged"));
    }

    void onceOnlyEvents_recordedOnTwoReplicas_mergeAsNoOps()
    {
        Replica a, b;
        const QString uid = openShared(a, b, QStringLiteral("late"));
        QVERIFY(!uid.isEmpty());
        QVERIFY(b.engine().mergeRemote(a.published));
        const int opening = int(a.published.size());
        const qint64 dayLater = QDateTime::currentMSecsSinceEpoch() + 86400000;
        // Both replicas find both deadlines of the incident past: each records them once.
        QCOMPARE(*a.engine().checkSla(dayLater), 2);
        QCOMPARE(*b.engine().checkSla(dayLater + 5), 2);
        QCOMPARE(*a.engine().checkSla(dayLater + 10), 0);
        // A once-only record, twice on each side: the second is a no-op.
        const auto remind = [&](Replica &r) {
            return r.engine().execute(
                Command::make(Command::Kind::Record, uid,
                              {{QStringLiteral("kind"), domain::kinds::Reminder},
                               {QStringLiteral("payload"),
                                QJsonObject{{QStringLiteral("reminder"), QStringLiteral("x")}}},
                               {QStringLiteral("once"), QStringLiteral("x/1")}},
                              QStringLiteral("system")));
        };
        for (Replica *r : {&a, &b}) {
            auto first = remind(*r);
            QVERIFY(first && !first->noop && first->events.size() == 1);
            auto again = remind(*r);
            QVERIFY(again && again->noop && again->events.isEmpty());
        }
        a.publish();
        b.publish();
        const QList<Event> fromA = a.published.mid(opening);
        QCOMPARE(fromA.size(), qsizetype(3));
        QCOMPARE(b.published.size(), qsizetype(3));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(b.published[i].id, fromA[i].id);
        auto ma = a.engine().mergeRemote(b.published);
        auto mb = b.engine().mergeRemote(fromA);
        QVERIFY(ma && mb);
        QCOMPARE(ma->applied, 0);
        QCOMPARE(ma->duplicates, 3);
        QCOMPARE(mb->applied, 0);
        QCOMPARE(a.eventIds(), b.eventIds());
        QCOMPARE(domain::onceEventId(uid.toUpper(), domain::kinds::SlaBreached,
                                     QStringLiteral("response")),
                 domain::onceEventId(uid, domain::kinds::SlaBreached, QStringLiteral("response")));
        QVERIFY(a.store().verify().ok);
        QVERIFY(b.store().verify().ok);
    }

    void eventsOfAnUnknownIncident_areDeferred()
    {
        Replica a, b;
        const QString uid = openShared(a, b, QStringLiteral("later"), QStringLiteral("n"));
        QVERIFY(!uid.isEmpty());
        auto m = b.engine().mergeRemote({a.published.last()});
        QVERIFY(m);
        QCOMPARE(m->applied, 0);
        QCOMPARE(m->deferred.size(), 1);
        QCOMPARE(b.store().maxSeq(), qint64(0));
        auto m2 = b.engine().mergeRemote(a.published);
        QVERIFY(m2);
        QCOMPARE(m2->applied, int(a.published.size()));
    }

    void bulkLoad_inAnyOrder_equalsTheRebuild()
    {
        Replica a, b;
        QVERIFY(a.open(0, 2));
        QVERIFY(b.open(1, 2));
        std::mt19937 rng(5);
        int counter = 0;
        for (int i = 0; i < 40; ++i)
            randomEdit(a, rng, counter);
        QList<Event> shuffled = a.published;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        store::BulkLoader loader = b.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(shuffled.mid(0, shuffled.size() / 2)));
        QVERIFY(loader.add(shuffled.mid(shuffled.size() / 2)));
        QVERIFY(loader.add({shuffled.first()})); // a repeat is a no-op
        const auto s = loader.finish();
        QVERIFY2(s, qPrintable(s.errorMessage()));
        verifySameAs(b, a);
        store::ListQuery q;
        q.search = QStringLiteral("note");
        QCOMPARE(b.store().count(q), a.store().count(q));
        // The unique keys came back as named unique indexes: still unique, and the live
        // paths (a merge of repeats, a new local event) work on the loaded database.
        auto keys = b.store().db().prepareOnce(QStringLiteral(
            "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type='index' AND "
            "sql LIKE 'CREATE UNIQUE INDEX%' "
            "AND name IN ('events_id','incidents_uid','incidents_number') ORDER BY name)"));
        QVERIFY(keys && keys->step());
        QCOMPARE(store::RowReader(*keys).text(),
                 QStringLiteral("events_id,incidents_number,incidents_uid"));
        const QString dupe = QStringLiteral(
            "INSERT INTO events(id, incident, hlc, ts, actor, kind, payload, prev_hash, hash) "
            "SELECT id, incident, hlc, ts, actor, kind, payload, prev_hash, hash FROM events LIMIT "
            "1");
        QVERIFY(!b.store().db().exec(dupe));
        QVERIFY(!b.store().db().exec(QStringLiteral(
            "UPDATE incidents SET number=(SELECT max(number) FROM incidents) WHERE id=1")));
        auto again = b.engine().mergeRemote(a.published);
        QVERIFY2(again, qPrintable(again.errorMessage()));
        QCOMPARE(again->applied, 0);
        QCOMPARE(again->duplicates, int(a.published.size()));
        QVERIFY(b.engine().execute(
            Command::note(a.published.first().incidentUid, QStringLiteral("after the load"))));
        const auto v2 = b.store().verify();
        QVERIFY2(v2.ok, qPrintable(v2.faults.join(u'\n')));
        // Cancelled: nothing stays, indexes included.
        Replica c;
        QVERIFY(c.open(0, 1));
        {
            store::BulkLoader l2 = c.engine().bulkLoader();
            QVERIFY(l2.begin());
            QVERIFY(l2.add(a.published));
            l2.cancel();
        }
        QCOMPARE(c.store().maxSeq(), qint64(0));
        auto idx = c.store().db().prepareOnce(QStringLiteral(
            "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='incidents_title'"));
        QVERIFY(idx && idx->step());
        QCOMPARE(store::RowReader(*idx).int64(), qint64(1));
        // ... and the tables are declared as before.
        auto decl = c.store().db().prepareOnce(
            QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name='events_id'"));
        QVERIFY(decl && decl->step());
        QCOMPARE(store::RowReader(*decl).int64(), qint64(0));
    }

    // The bulk loader sums the dashboard rollups in memory: on a realistic history (SLA
    // clocks met, missed, paused and pending; several services; open and closed incidents)
    // they equal the rollups the engine's triggers kept, row for row.
    void bulkLoad_demoHistory_rollupsEqualTheTriggers()
    {
        Replica a, b;
        QList<Event> log = demoHistory(a, b, 11);
        QVERIFY(log.size() > 1000);
        // A triage verdict in the feed: the log's partial index of them is kept through the
        // load (not built again), so it must hold the loaded ones.
        Event verdict = log.last();
        verdict.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        verdict.kind = QStringLiteral("triage.accepted");
        verdict.payload = {{QStringLiteral("kind"), QStringLiteral("database")}};
        verdict.hlc += 1;
        log << verdict;
        store::BulkLoader loader = b.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(log));
        const auto s = loader.finish();
        QVERIFY2(s, qPrintable(s.errorMessage()));
        // Every index, built again by sorting or kept through the load, agrees with its table
        // (partial ones included: the narrowed reminder indexes of migration 0990).
        QCOMPARE(rowsOf(b, "PRAGMA integrity_check"), QStringList{QStringLiteral("ok")});
        QCOMPARE(rowsOf(b, "SELECT seq FROM events INDEXED BY events_triage_feedback WHERE kind "
                           "IN ('triage.accepted', 'triage.rejected') ORDER BY seq"),
                 rowsOf(b, "SELECT seq FROM events NOT INDEXED WHERE kind IN "
                           "('triage.accepted', 'triage.rejected') ORDER BY seq"));
        QCOMPARE(rowsOf(b, "SELECT seq FROM events WHERE kind='triage.accepted'").size(), 1);
        const auto rows = [](Replica &r, const char *sql) {
            const auto out = testing::queryRows(r.store(), QString::fromLatin1(sql));
            return out ? *out : QStringList{};
        };
        // The triggers leave a zero row behind where the last open incident of a group closed.
        for (const char *sql :
             {"SELECT * FROM metrics_daily WHERE incidents<>0 ORDER BY service, day, severity, grp",
              "SELECT * FROM metrics_open WHERE open<>0 ORDER BY service, severity, grp"}) {
            const QStringList want = rows(a, sql);
            QVERIFY(want.size() > 10);
            QCOMPARE(rows(b, sql), want);
        }
        // Services are written from memory in key order: the same rows as the live path's.
        const char *services = "SELECT hex(i.uid), s.service FROM incident_services s JOIN "
                               "incidents i ON i.id = s.incident ORDER BY 1, 2";
        QVERIFY(rows(a, services).size() >= 300);
        QCOMPARE(rows(b, services), rows(a, services));
        auto open = a.store().db().prepareOnce(
            QStringLiteral("SELECT sum(open), sum(running_due), sum(breached_paused) FROM "
                           "metrics_open WHERE service=''"));
        QVERIFY(open && open->step());
        store::RowReader row(*open);
        const qint64 openNow = row.int64();
        row.skip(2);          // the other sums: verify() below compares the rollups
        QVERIFY(openNow > 0); // the demo leaves some fires burning
        const auto v = b.store().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    }

    // add() prepares one batch on a second thread while it writes the previous one: a bad
    // event several batches in fails the call with its reason, repeats across batches are
    // no-ops, and cancel() leaves nothing behind.
    void bulkLoad_acrossBatches_repeatsAndBadEvents()
    {
        Replica a, b;
        const QList<Event> log = demoHistory(a, b, 12);
        QVERIFY(log.size() > 3000);
        {
            QList<Event> bad = log;
            bad[2600].id = QStringLiteral("not-a-uuid");
            store::BulkLoader loader = b.engine().bulkLoader();
            QVERIFY(loader.begin());
            const auto s = loader.add(bad);
            QVERIFY(!s);
            QVERIFY2(s.errorMessage().contains(QStringLiteral("valid id")),
                     qPrintable(s.errorMessage()));
            QVERIFY(loader.loaded() <= 2600);
            loader.cancel();
            QCOMPARE(b.store().maxSeq(), qint64(0));
        }
        // Every event twice, the repeats one batch apart and at the end.
        QList<Event> twice;
        for (qsizetype i = 0; i < log.size(); ++i) {
            twice << log[i];
            if (i >= 1500)
                twice << log[i - 1500];
        }
        twice << log.mid(log.size() - 1500);
        store::BulkLoader loader = b.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(twice.mid(0, 2000)));
        QVERIFY(loader.add(twice.mid(2000)));
        QCOMPARE(loader.loaded(), qint64(log.size()));
        const auto s = loader.finish();
        QVERIFY2(s, qPrintable(s.errorMessage()));
        verifySameAs(b, a);
    }

    // The ids and payload text of batch k+2 are worked out while batch k is written and
    // batch k+1 folded, its two halves by two threads (one of them the writing thread, once it
    // has written batch k): every event, in every batch, is stored with its own payload's
    // canonical text, even when the same load carries a stale raw text for it; an event the
    // check rejects is stored as its conflict, with the conflict's payload.
    void bulkLoad_payloadTextIsTheEventsOwn_inEveryBatch()
    {
        Replica a, b;
        QList<Event> log = demoHistory(a, b, 14);
        QVERIFY(log.size() > 4 * 1024);
        QHash<QString, QByteArray> want;
        for (qsizetype i = 0; i < log.size(); ++i) {
            Event &e = log[i];
            if (i % 97 == 0 && e.kind == domain::kinds::NoteAdded)
                e.payload[u"text"] = QStringLiteral("\"quoted\" \\ ünïcode \U0001F525 %1").arg(i);
            e.payloadRaw = QByteArray("{\"stale\":true}"); // never trusted
            want.insert(QUuid::fromString(e.id).toString(QUuid::WithoutBraces),
                        domain::canonicalJson(e.payload));
        }
        store::BulkLoader loader = b.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(log));
        const auto s = loader.finish();
        QVERIFY2(s, qPrintable(s.errorMessage()));
        const QList<Event> stored = b.store().eventsAfter(0, 1000000);
        QCOMPARE(stored.size(), log.size());
        int checked = 0;
        for (const Event &e : stored) {
            if (e.kind == domain::kinds::Conflict && !want.contains(e.id))
                continue; // a rejection: hashed and checked by verify() below
            QVERIFY2(want.contains(e.id), qPrintable(e.id));
            QCOMPARE(e.payloadRaw, want.value(e.id));
            ++checked;
        }
        QVERIFY(checked > 4 * 1024);
        const auto v = b.engine().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    }

    // Ids parsed once per event and an incident's id bytes kept with it: ids in any spelling
    // (braces, upper case) are stored and hashed in the log's one spelling, for events that
    // wait for their incident's opening too (here every incident's events come newest first,
    // so all but the opening wait and then fold out of order); a repeat in another spelling
    // is a repeat.
    void bulkLoad_idsInAnySpelling_heldOrNot_areStoredInOne()
    {
        Replica a, b;
        const QList<Event> log = demoHistory(a, b, 13);
        QVERIFY(log.size() > 1000);
        QList<Event> reversed(log.rbegin(), log.rend());
        for (Event &e : reversed) {
            e.id = QUuid::fromString(e.id).toString(QUuid::WithBraces).toUpper();
            e.incidentUid = QUuid::fromString(e.incidentUid).toString(QUuid::WithBraces).toUpper();
        }
        store::BulkLoader loader = b.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(reversed));
        QVERIFY(loader.add(log.mid(0, 100))); // the same events, spelt as the log spells them
        QCOMPARE(loader.loaded(), qint64(log.size()));
        const auto s = loader.finish();
        QVERIFY2(s, qPrintable(s.errorMessage()));
        QVERIFY(loader.deferred().isEmpty());
        verifySameAs(b, a);
    }

    // A forged incident.renumbered that takes another incident's number is a conflict on its
    // incident, not a failed merge: what comes after it still merges, and a new replica's
    // bulk load gives the same rows (events of an incident never opened wait aside).
    void forgedRenumbering_isAConflict_andTheFeedGoesOn()
    {
        Replica a, b, c;
        QVERIFY(a.open(0, 1));
        QVERIFY(b.open(1, 1));
        QVERIFY(c.open(2, 1));
        auto x = a.engine().execute(Command::open(openArgs(QStringLiteral("x"))));
        auto y = a.engine().execute(Command::open(openArgs(QStringLiteral("y"))));
        QVERIFY(x && y);
        a.publish();
        Event forged;
        forged.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        forged.incidentUid = x->incidentUid;
        forged.hlc = a.published.last().hlc + 1;
        forged.ts = a.published.last().ts;
        forged.actor = QStringLiteral("backend");
        forged.kind = domain::kinds::Renumbered;
        forged.payload = {{QStringLiteral("number"), y->number}};
        forged.origin = QStringLiteral("backend");
        sentBy(forged, QStringLiteral("backend"), QStringLiteral("backend"));
        QList<Event> first = a.published;
        first << forged;
        const qsizetype published = a.published.size();
        QVERIFY(a.engine().execute(Command::note(
            x->incidentUid, QStringLiteral("after the forgery"), QStringLiteral("al"))));
        a.publish();
        const QList<Event> later = a.published.mid(published);
        QVERIFY(!later.isEmpty());

        auto m = b.engine().mergeRemote(first);
        QVERIFY2(m, qPrintable(m.errorMessage()));
        QCOMPARE(m->conflicts.size(), 1);
        QCOMPARE(m->applied, int(published));
        const Event conflict = m->conflicts.first();
        QCOMPARE(conflict.incidentUid, x->incidentUid);
        QCOMPARE(conflict.payload[u"event"].toString(), forged.id);
        QVERIFY2(conflict.payload[u"reason"].toString().contains(y->number),
                 qPrintable(conflict.payload[u"reason"].toString()));
        QCOMPARE(conflict.payload[u"rejected"].toObject()[u"payload"].toObject(), forged.payload);
        QCOMPARE(b.store().incidentByUid(x->incidentUid)->number, x->number);
        auto m2 = b.engine().mergeRemote(later);
        QVERIFY2(m2, qPrintable(m2.errorMessage()));
        QCOMPARE(m2->applied, int(later.size()));
        QCOMPARE(kindCount(b, x->incidentUid, domain::kinds::NoteAdded), 1);
        // The same forgery again is known (by its conflict) and changes nothing.
        auto again = b.engine().mergeRemote({forged});
        QVERIFY(again);
        QCOMPARE(again->duplicates, 1);
        QCOMPARE(kindCount(b, x->incidentUid, domain::kinds::Conflict), 1);
        // The conflict panel lists it, the rejected event's side included.
        const auto listed = sync::conflictsOf(b.store().timeline(x->incidentUid));
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().rejected.eventId, forged.id);
        QCOMPARE(listed.first().rejected.actor, QStringLiteral("backend"));
        auto v = b.engine().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        const auto rows = b.projection();
        QVERIFY(b.store().rebuildProjection());
        QCOMPARE(b.projection(), rows);

        // A new replica's first sync: the bulk load takes the same feed, with a note of an
        // incident no one opened in it.
        Event stray = later.first();
        stray.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        stray.incidentUid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        store::BulkLoader loader = c.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(first + QList<Event>{stray} + later));
        const auto s = loader.finish();
        QVERIFY2(s, qPrintable(s.errorMessage()));
        QCOMPARE(loader.rejected(), qint64(1));
        QCOMPARE(loader.deferred().size(), 1);
        QCOMPARE(loader.deferred().first().id, stray.id);
        QCOMPARE(c.store().incidentCount(), qint64(2));
        QCOMPARE(c.store().incidentByUid(x->incidentUid)->number, x->number);
        QCOMPARE(kindCount(c, x->incidentUid, domain::kinds::Conflict), 1);
        QCOMPARE(kindCount(c, x->incidentUid, domain::kinds::NoteAdded), 1);
        QVERIFY(!c.store().hasEvent(stray.id));
        v = c.engine().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        // Same rows as the replica that merged (the chain heads are each replica's own).
        auto withoutHeads = [](QMap<QString, QJsonObject> rows) {
            for (auto &o : rows)
                o.remove(QStringLiteral("head_hash"));
            return rows;
        };
        QCOMPARE(withoutHeads(c.projection()), withoutHeads(b.projection()));
    }

    // Remote approvals and approval-gated transitions are checked as local commands are,
    // with the sender the back end recorded: by the merge and by the bulk load.
    void remoteApprovals_needACommanderTheBackEndVouchesFor_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("role");
        QTest::addColumn<bool>("applied");
        QTest::newRow("commander") << "alice"
                                   << "commander" << true;
        QTest::newRow("admin") << "alice"
                               << "admin" << true;
        QTest::newRow("responder") << "alice"
                                   << "responder" << false;
        QTest::newRow("another sender") << "bob"
                                        << "commander" << false;
        QTest::newRow("no sender recorded") << ""
                                            << "" << false;
    }

    void remoteApprovals_needACommanderTheBackEndVouchesFor()
    {
        QFETCH(QString, user);
        QFETCH(QString, role);
        QFETCH(bool, applied);
        Replica a, b, c;
        QVERIFY(a.open(0, 1));
        QVERIFY(b.open(1, 1));
        QVERIFY(c.open(2, 1));
        auto r = a.engine().execute(
            Command::open({{QStringLiteral("title"), QStringLiteral("checkout down")},
                           {QStringLiteral("severity"), QStringLiteral("critical")}}));
        QVERIFY(r);
        const QString uid = r->incidentUid;
        QVERIFY(a.engine().execute(Command::make(Command::Kind::Acknowledge, uid, {})));
        QVERIFY(a.engine().execute(
            Command::approve(uid, QStringLiteral("alice"), QStringLiteral("mitigating"))));
        QVERIFY(a.engine().execute(
            Command::transition(uid, QStringLiteral("mitigating"), QStringLiteral("dave"))));
        QCOMPARE(a.store().incidentByUid(uid)->state, QStringLiteral("mitigating"));
        a.publish();
        QList<Event> feed = a.published;
        for (Event &e : feed) {
            if (e.kind == domain::kinds::ApprovalGranted)
                sentBy(e, user, role);
            else
                sentBy(e, e.actor, QStringLiteral("responder"));
        }
        auto m = b.engine().mergeRemote(feed);
        QVERIFY2(m, qPrintable(m.errorMessage()));
        store::BulkLoader loader = c.engine().bulkLoader();
        QVERIFY(loader.begin());
        QVERIFY(loader.add(feed));
        QVERIFY(loader.finish());
        for (Replica *x : {&b, &c}) {
            const auto inc = x->store().incidentByUid(uid);
            QVERIFY(inc);
            QCOMPARE(inc->state,
                     applied ? QStringLiteral("mitigating") : QStringLiteral("acknowledged"));
            // Refused: the approval and the transition it would have opened.
            QCOMPARE(kindCount(*x, uid, domain::kinds::Conflict), applied ? 0 : 2);
            QCOMPARE(kindCount(*x, uid, domain::kinds::ApprovalGranted), applied ? 1 : 0);
            QCOMPARE(inc->approvals.isEmpty(), !applied);
            const auto v = x->engine().verify();
            QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        }
        QCOMPARE(m->conflicts.size(), applied ? 0 : 2);
        QCOMPARE(loader.rejected(), applied ? 0 : 2);
    }

    void randomized_convergence_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<int>("replicas");
        for (int seed = 1; seed <= 6; ++seed)
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed)))
                << seed << (seed % 2 ? 3 : 4);
    }

    void randomized_convergence()
    {
        QFETCH(int, seed);
        QFETCH(int, replicas);
        std::mt19937 rng{quint32(seed)};
        std::vector<std::unique_ptr<Replica>> owned;
        QList<Replica *> all;
        for (int i = 0; i < replicas; ++i) {
            owned.push_back(std::make_unique<Replica>());
            QVERIFY(owned.back()->open(i, replicas));
            all << owned.back().get();
        }
        int counter = 0;
        for (int round = 0; round < 25; ++round) {
            QSet<int> cut; // partitioned this round
            for (int i = 0; i < replicas; ++i)
                if (std::uniform_int_distribution<int>(0, 3)(rng) == 0)
                    cut.insert(i);
            for (Replica *r : all) {
                const int edits = std::uniform_int_distribution<int>(0, 3)(rng);
                for (int k = 0; k < edits; ++k)
                    randomEdit(*r, rng, counter);
            }
            for (Replica *r : all)
                if (!cut.contains(r->index))
                    deliver(all, *r, cut, rng, false);
        }
        // Heal: everyone gets everything.
        for (int pass = 0; pass < 10; ++pass) {
            int moved = 0;
            for (Replica *r : all)
                moved += deliver(all, *r, {}, rng, true);
            if (moved == 0)
                break;
        }
        const auto ref = all.first()->projection();
        const auto refIds = all.first()->eventIds();
        QSet<QString> published;
        for (Replica *r : all)
            for (const auto &e : r->published)
                published.insert(e.id);
        QVERIFY(!ref.isEmpty());
        for (Replica *r : all) {
            const auto p = r->projection();
            if (p != ref) {
                for (auto it = ref.cbegin(); it != ref.cend(); ++it)
                    if (p.value(it.key()) != it.value())
                        qWarning().noquote()
                            << "replica" << r->index << "differs on" << it.key() << "\n"
                            << QJsonDocument(p.value(it.key())).toJson() << "\nvs\n"
                            << QJsonDocument(it.value()).toJson();
            }
            QCOMPARE(p.size(), ref.size());
            QVERIFY2(p == ref, qPrintable(QStringLiteral("replica %1 diverged").arg(r->index)));
            QCOMPARE(r->eventIds(), refIds);
            const auto v = r->store().verify();
            QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
        }
        // Nothing lost: every event any replica produced is everywhere.
        QVERIFY(published.subtract(refIds).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSyncMerge)
#include "tst_sync_merge.moc"
