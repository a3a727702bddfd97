// SPDX-License-Identifier: MIT
// The engine's projection registry: every registered projection folds in every event once,
// in log order and in the transaction that appends it, whether the event comes from a local
// command, a merge of remote events or a bulk load, or was appended by an engine that did not
// have the projection; its cursor survives a reopen; a rebuild gives what the live path gave;
// verify finds a projection that drifted; and a failing projection rolls the commit back.
#include "unit/coretestutil.h"

#include "engine/projection.h"
#include "host/appcontext.h"
#include "store/bulkloader.h"

#include <QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <memory>

using namespace sitrep;
using namespace sitrep::testing;
using domain::Event;
using engine::Command;

namespace {

const QString kSeenTable = QStringLiteral(
    "CREATE TABLE IF NOT EXISTS seen(projection TEXT NOT NULL, seq INTEGER NOT NULL, "
    "id TEXT NOT NULL, kind TEXT NOT NULL)");

// Writes down every event it is given, in table `seen`; refuses while *fail is set.
class Recorder final : public engine::Projection {
public:
    explicit Recorder(QString name, QStringList kinds = {}, std::shared_ptr<bool> fail = {})
        : m_name(std::move(name)), m_kinds(std::move(kinds)), m_fail(std::move(fail))
    {
    }
    QString name() const override { return m_name; }
    QStringList kinds() const override { return m_kinds; }
    Status apply(store::Store &st, const QList<Event> &events) override
    {
        if (m_fail && *m_fail)
            return Status::fail(QStringLiteral("the recorder refuses"));
        for (const Event &e : events) {
            store::Stmt *s = st.db().prepare(
                QStringLiteral("INSERT INTO seen(projection, seq, id, kind) VALUES(?,?,?,?)"));
            if (!s)
                return Status::fail(st.db().lastError());
            s->bind(1, m_name).bind(2, e.seq).bind(3, e.id).bind(4, e.kind);
            if (!s->exec())
                return Status::fail(s->error());
        }
        return {};
    }
    Status reset(store::Store &st) override
    {
        store::Stmt *s = st.db().prepare(QStringLiteral("DELETE FROM seen WHERE projection=?"));
        s->bind(1, m_name);
        return s->exec() ? Status{} : Status::fail(s->error());
    }
    QStringList tables() const override { return {QStringLiteral("seen")}; }

private:
    QString m_name;
    QStringList m_kinds;
    std::shared_ptr<bool> m_fail;
};

QList<qint64> column(store::Store &st, const QString &sql, const QString &arg = {})
{
    QList<qint64> out;
    auto q = st.db().prepareOnce(sql);
    if (!q)
        return {-1};
    if (!arg.isNull())
        q->bind(1, arg);
    while (q->step())
        out << store::RowReader(*q).int64();
    return out;
}

// The seqs a recorder saw, in the order it saw them.
QList<qint64> seen(store::Store &st, const QString &projection)
{
    return column(st, QStringLiteral("SELECT seq FROM seen WHERE projection=? ORDER BY rowid"),
                  projection);
}

QList<qint64> logSeqs(store::Store &st, const QString &kind = {})
{
    return kind.isEmpty()
               ? column(st, QStringLiteral("SELECT seq FROM events ORDER BY seq"))
               : column(st, QStringLiteral("SELECT seq FROM events WHERE kind=? ORDER BY seq"),
                        kind);
}

// Every row of the tables the application's projections write, and of `seen`.
QStringList projectionTables(store::Store &st)
{
    QStringList out;
    for (const char *table : {"seen", "kb_articles", "known_error_incidents", "problem_incidents",
                              "known_errors", "action_items"}) {
        const auto rows = testing::queryRows(
            st, QStringLiteral("SELECT * FROM %1 ORDER BY 1, 2").arg(QLatin1String(table)));
        if (!rows)
            return {rows.errorMessage()};
        for (const QString &row : *rows)
            out << QLatin1String(table) + u':' + row;
    }
    return out;
}

// A fixture whose engine has a recorder of every event and one of notes only.
struct Recorded : CoreFixture {
    std::shared_ptr<bool> fail = std::make_shared<bool>(false);
    explicit Recorded(bool withApplication = false)
    {
        if (!store.db().exec(kSeenTable))
            qFatal("cannot create the seen table");
        if (withApplication)
            host::registerProjections(*engine);
        engine->addProjection(
            std::make_unique<Recorder>(QStringLiteral("all"), QStringList{}, fail));
        engine->addProjection(std::make_unique<Recorder>(QStringLiteral("notes"),
                                                         QStringList{domain::kinds::NoteAdded}));
    }
};

} // namespace

class TestProjectionRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void add_sameNameTwice_isRefused()
    {
        Recorded fx;
        QVERIFY(!fx.engine->addProjection(std::make_unique<Recorder>(QStringLiteral("all"))));
        QVERIFY(!fx.engine->addProjection(nullptr));
        QCOMPARE(fx.engine->projections().names(),
                 (QStringList{QStringLiteral("all"), QStringLiteral("notes")}));
    }

    void localCommits_eachEventOnce_inLogOrder_inItsTransaction()
    {
        Recorded fx;
        const QString a = fx.open(QStringLiteral("Checkout 502s"), QStringLiteral("high"));
        QVERIFY(fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("first")}})
                    .ok());
        // A batch of commands is one transaction; its rejected command adds nothing.
        auto batch =
            fx.eng().executeBatch({Command::note(a, QStringLiteral("second")),
                                   Command::transition(a, QStringLiteral("nowhere")),
                                   Command::transition(a, QStringLiteral("investigating"))});
        QVERIFY(batch.ok());
        QVERIFY(!(*batch)[1].ok());
        fx.clock.advance(2 * kHour);
        QVERIFY(fx.eng().checkSla(fx.clock.nowMs()).ok());
        QCOMPARE(seen(fx.store, QStringLiteral("all")), logSeqs(fx.store));
        QCOMPARE(seen(fx.store, QStringLiteral("notes")),
                 logSeqs(fx.store, domain::kinds::NoteAdded));
        QCOMPARE(seen(fx.store, QStringLiteral("notes")).size(), 2);
        // Both cursors are at the end of the log, the notes' one too.
        QCOMPARE(fx.store.projectionCursor(QStringLiteral("all")), fx.store.maxSeq());
        QCOMPARE(fx.store.projectionCursor(QStringLiteral("notes")), fx.store.maxSeq());
    }

    void failingProjection_rollsTheCommitBack()
    {
        Recorded fx;
        const QString a = fx.open(QStringLiteral("Search slow"), QStringLiteral("low"));
        const qint64 events = fx.store.maxSeq();
        const auto before = fx.get(a);
        *fx.fail = true;
        auto r = fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("lost")}});
        QVERIFY(!r.ok());
        QVERIFY2(r.errorMessage().contains(QStringLiteral("the recorder refuses")),
                 qPrintable(r.errorMessage()));
        QVERIFY2(r.errorMessage().contains(QStringLiteral("all")),
                 qPrintable(r.errorMessage())); // names the projection
        QCOMPARE(fx.store.maxSeq(), events);
        QCOMPARE(fx.get(a).eventCount, before.eventCount);
        QCOMPARE(fx.store.projectionCursor(QStringLiteral("all")), events);
        QCOMPARE(fx.store.projectionCursor(QStringLiteral("notes")), events);
        QVERIFY(seen(fx.store, QStringLiteral("notes")).isEmpty()); // the other one's rows went too
        // A merge is refused the same way.
        CoreFixture other;
        const QString b = other.open(QStringLiteral("Remote"), QStringLiteral("low"));
        QVERIFY(!fx.eng().mergeRemote(other.store.timeline(other.get(b).uid)).ok());
        QCOMPARE(fx.store.maxSeq(), events);
        *fx.fail = false;
        QVERIFY(fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("kept")}})
                    .ok());
        QCOMPARE(seen(fx.store, QStringLiteral("all")), logSeqs(fx.store));
    }

    void mergedRemoteEvents_andConflicts_eachOnce()
    {
        Recorded here;
        CoreFixture there;
        there.eng().setReplicaId(QStringLiteral("laptop"));
        const QString a = there.open(QStringLiteral("Payments 502s"), QStringLiteral("high"));
        const QString uid = there.get(a).uid;
        QVERIFY(there
                    .run(Command::Kind::Note, a,
                         {{QStringLiteral("text"), QStringLiteral("from the laptop")}})
                    .ok());
        const qsizetype first = there.store.timeline(uid).size();
        auto m = here.eng().mergeRemote(there.store.timeline(uid));
        QVERIFY2(m.ok(), qPrintable(m.errorMessage()));
        QCOMPARE(m->applied, int(first));
        // Both sides move the incident from triggered: one of them becomes a conflict here.
        QVERIFY(here.transition(uid, QStringLiteral("investigating")).ok());
        QVERIFY(there.transition(uid, QStringLiteral("acknowledged")).ok());
        m = here.eng().mergeRemote(there.store.timeline(uid));
        QVERIFY2(m.ok(), qPrintable(m.errorMessage()));
        QCOMPARE(m->duplicates, int(first));
        // Repeats change nothing.
        m = here.eng().mergeRemote(there.store.timeline(uid));
        QVERIFY(m.ok());
        QCOMPARE(m->applied, 0);
        QCOMPARE(logSeqs(here.store, domain::kinds::Conflict).size(), 1);
        QCOMPARE(seen(here.store, QStringLiteral("all")), logSeqs(here.store));
        QCOMPARE(seen(here.store, QStringLiteral("notes")),
                 logSeqs(here.store, domain::kinds::NoteAdded));
        QCOMPARE(here.store.projectionCursor(QStringLiteral("all")), here.store.maxSeq());
    }

    void bulkLoad_eachEventOnce_beforeItCommits()
    {
        CoreFixture there;
        for (int i = 0; i < 30; ++i) {
            const QString a = there.open(QStringLiteral("Incident %1").arg(i),
                                         i % 2 ? QStringLiteral("high") : QStringLiteral("low"));
            if (i % 3 == 0)
                QVERIFY(there
                            .run(Command::Kind::Note, a,
                                 {{QStringLiteral("text"), QStringLiteral("note %1").arg(i)}})
                            .ok());
        }
        const QList<Event> log = there.store.eventsAfter(0, 1000);
        Recorded here;
        {
            // Cancelled: nothing was applied, the cursors did not move.
            store::BulkLoader loader = here.eng().bulkLoader();
            QVERIFY(loader.begin().ok());
            QVERIFY(loader.add(log).ok());
            loader.cancel();
        }
        QVERIFY(seen(here.store, QStringLiteral("all")).isEmpty());
        QCOMPARE(here.store.projectionCursor(QStringLiteral("all")), qint64(0));
        {
            // A failing projection fails the load as a whole.
            *here.fail = true;
            store::BulkLoader loader = here.eng().bulkLoader();
            QVERIFY(loader.begin().ok());
            QVERIFY(loader.add(log).ok());
            const auto s = loader.finish();
            QVERIFY(!s.ok());
            QVERIFY2(s.errorMessage().contains(QStringLiteral("the recorder refuses")),
                     qPrintable(s.errorMessage()));
            QCOMPARE(here.store.maxSeq(), qint64(0));
            *here.fail = false;
        }
        store::BulkLoader loader = here.eng().bulkLoader();
        QVERIFY(loader.begin().ok());
        QVERIFY(loader.add(log.mid(0, 20)).ok());
        QVERIFY(loader.add(log.mid(20)).ok());
        QVERIFY(loader.finish().ok());
        QCOMPARE(here.store.maxSeq(), qint64(log.size()));
        QCOMPARE(seen(here.store, QStringLiteral("all")), logSeqs(here.store));
        QCOMPARE(seen(here.store, QStringLiteral("notes")),
                 logSeqs(here.store, domain::kinds::NoteAdded));
        QCOMPARE(seen(here.store, QStringLiteral("notes")).size(), 10);
        QCOMPARE(here.store.projectionCursor(QStringLiteral("all")), here.store.maxSeq());
        QVERIFY(
            std::any_of(loader.steps().cbegin(), loader.steps().cend(),
                        [](const store::BulkLoader::Step &s) { return s.name == u"projections"; }));
        // The next local commit goes on from there.
        QVERIFY(here.run(Command::Kind::Note, log.first().incidentUid,
                         {{QStringLiteral("text"), QStringLiteral("after")}})
                    .ok());
        QCOMPARE(seen(here.store, QStringLiteral("all")), logSeqs(here.store));
    }

    void eventsAppendedWithoutTheProjection_areFoldedInFirst()
    {
        CoreFixture fx; // an engine without the recorders, as an older build or another tool
        QVERIFY(fx.store.db().exec(kSeenTable).ok());
        const QString a = fx.open(QStringLiteral("Queue backlog"), QStringLiteral("high"));
        QVERIFY(
            fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("one")}}).ok());
        QVERIFY(
            fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("two")}}).ok());
        engine::LifecycleEngine later(fx.store, fx.eng().workflow(), fx.eng().oncall(), fx.clock);
        later.addProjection(std::make_unique<Recorder>(QStringLiteral("all")));
        later.addProjection(std::make_unique<Recorder>(QStringLiteral("notes"),
                                                       QStringList{domain::kinds::NoteAdded}));
        QVERIFY(later.execute(Command::note(a, QStringLiteral("three"))).ok());
        QCOMPARE(seen(fx.store, QStringLiteral("all")), logSeqs(fx.store));
        QCOMPARE(seen(fx.store, QStringLiteral("notes")),
                 logSeqs(fx.store, domain::kinds::NoteAdded));
        QCOMPARE(seen(fx.store, QStringLiteral("notes")).size(), 3);
        // The other engine goes on appending without them: a merge of nothing catches up too.
        QVERIFY(fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("four")}})
                    .ok());
        QVERIFY(later.mergeRemote(fx.store.timeline(fx.get(a).uid)).ok());
        QCOMPARE(seen(fx.store, QStringLiteral("all")), logSeqs(fx.store));
        QCOMPARE(seen(fx.store, QStringLiteral("notes")).size(), 4);
    }

    void cursor_survivesReopen()
    {
        Recorded fx;
        const QString a = fx.open(QStringLiteral("Login failures"), QStringLiteral("high"));
        QVERIFY(fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("before")}})
                    .ok());
        const qint64 at = fx.store.maxSeq();
        const auto wf = fx.eng().workflow();
        const auto oc = fx.eng().oncall();
        fx.engine.reset();
        fx.store.close();
        store::Store again;
        QVERIFY(again.open(fx.dbPath).ok());
        QCOMPARE(again.projectionCursor(QStringLiteral("all")), at);
        QCOMPARE(again.projectionCursor(QStringLiteral("notes")), at);
        engine::LifecycleEngine eng(again, wf, oc, fx.clock);
        eng.addProjection(std::make_unique<Recorder>(QStringLiteral("all")));
        eng.addProjection(std::make_unique<Recorder>(QStringLiteral("notes"),
                                                     QStringList{domain::kinds::NoteAdded}));
        QVERIFY(eng.execute(Command::note(a, QStringLiteral("after"))).ok());
        QCOMPARE(seen(again, QStringLiteral("all")), logSeqs(again));
        QCOMPARE(seen(again, QStringLiteral("notes")), logSeqs(again, domain::kinds::NoteAdded));
        QCOMPARE(again.projectionCursor(QStringLiteral("all")), again.maxSeq());
    }

    void migration_carriesTheMetaCursorsOver()
    {
        CoreFixture fx;
        fx.open(QStringLiteral("Before the cursor table"), QStringLiteral("low"));
        const qint64 n = fx.store.maxSeq();
        // A database as the previous build left it: the cursors in meta.
        for (const QString &sql :
             {QStringLiteral("DROP TABLE projection_cursors"),
              QStringLiteral("DELETE FROM schema_migrations WHERE name='0850_projection_cursors'"),
              QStringLiteral(
                  "INSERT INTO meta(key, value) VALUES('kb.seq', '1'), ('action_items.seq', '%1')")
                  .arg(n)})
            QVERIFY2(fx.store.db().exec(sql).ok(), qPrintable(sql));
        fx.engine.reset();
        fx.store.close();
        store::Store st;
        QVERIFY(st.open(fx.dbPath).ok());
        QCOMPARE(st.projectionCursor(QStringLiteral("knowledge_base")), qint64(1));
        QCOMPARE(st.projectionCursor(QStringLiteral("action_items")), n);
        QVERIFY(st.meta(QStringLiteral("kb.seq")).isEmpty());
        QVERIFY(st.meta(QStringLiteral("action_items.seq")).isEmpty());
        // Without meta cursors: the knowledge base starts at the end of the log, as it did when
        // it was first attached; the action items from the first event.
        for (const QString &sql :
             {QStringLiteral("DROP TABLE projection_cursors"),
              QStringLiteral("DELETE FROM schema_migrations WHERE name='0850_projection_cursors'")})
            QVERIFY(st.db().exec(sql).ok());
        st.close();
        store::Store st2;
        QVERIFY(st2.open(fx.dbPath).ok());
        QCOMPARE(st2.projectionCursor(QStringLiteral("knowledge_base")), n);
        QCOMPARE(st2.projectionCursor(QStringLiteral("action_items")), qint64(0));
    }

    void rebuild_equalsIncremental_andVerifyFindsDrift()
    {
        Recorded fx(true); // with the knowledge base and the action items
        QStringList refs;
        for (int i = 0; i < 6; ++i) {
            refs << fx.open(QStringLiteral("Local %1").arg(i), QStringLiteral("medium"));
            fx.clock.advance(3 * kMinute);
            QVERIFY(fx.run(Command::Kind::Note, refs.last(),
                           {{QStringLiteral("text"), QStringLiteral("note %1").arg(i)}})
                        .ok());
            QVERIFY(fx.run(Command::Kind::ActionItem, refs.last(),
                           {{QStringLiteral("title"), QStringLiteral("Follow up %1").arg(i)},
                            {QStringLiteral("owner"), QStringLiteral("dana")}})
                        .ok());
            if (i % 2 == 0)
                QVERIFY(fx.transition(refs.last(), QStringLiteral("resolved"), resolution()).ok());
        }
        // An incident resolved on another replica (numbered after the local ones).
        CoreFixture remote;
        remote.eng().setReplicaId(QStringLiteral("laptop"));
        QString r;
        for (int i = 0; i <= refs.size(); ++i)
            r = remote.open(QStringLiteral("Remote %1").arg(i), QStringLiteral("high"));
        QVERIFY(remote.transition(r, QStringLiteral("resolved"), resolution()).ok());
        auto merged = fx.eng().mergeRemote(remote.store.timeline(remote.get(r).uid));
        QVERIFY2(merged.ok(), qPrintable(merged.errorMessage()));
        const QStringList live = projectionTables(fx.store);
        QVERIFY(live.filter(QStringLiteral("kb_articles:")).size() >=
                4); // 3 local resolves and the remote one
        QCOMPARE(live.filter(QStringLiteral("action_items:")).size(), 6);
        auto rep = fx.eng().verify();
        QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));

        QVERIFY(fx.eng().rebuildProjections().ok());
        QCOMPARE(projectionTables(fx.store), live);
        QCOMPARE(fx.store.projectionCursor(QStringLiteral("all")), fx.store.maxSeq());
        QCOMPARE(fx.store.projectionCursor(QStringLiteral("knowledge_base")), fx.store.maxSeq());

        // Drift in any projection is a verify fault, named; the rebuild repairs it.
        QVERIFY(fx.store.db()
                    .exec(QStringLiteral(
                        "DELETE FROM seen WHERE rowid IN (SELECT max(rowid) FROM seen)"))
                    .ok());
        QVERIFY(fx.store.db().exec(QStringLiteral("UPDATE action_items SET owner='nobody'")).ok());
        rep = fx.eng().verify();
        QVERIFY(!rep.ok);
        QVERIFY2(rep.faults.join(u'\n').contains(
                     QStringLiteral("projection all: 1 row(s) of seen differ")),
                 qPrintable(rep.faults.join(u'\n')));
        QVERIFY2(rep.faults.join(u'\n').contains(
                     QStringLiteral("projection action_items: 12 row(s) of action_items differ")),
                 qPrintable(rep.faults.join(u'\n')));
        QCOMPARE(projectionTables(fx.store).size(), live.size() - 1); // verify changed nothing
        QVERIFY(fx.eng().rebuildProjections().ok());
        QCOMPARE(projectionTables(fx.store), live);
        rep = fx.eng().verify();
        QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));
    }

    // A hook that belongs to the engine (remediation state, the sync outbox) runs once per
    // commit however many objects register it; the name is the key.
    void namedCommitHook_registeredOncePerEngine()
    {
        CoreFixture fx;
        int first = 0, second = 0, unnamed = 0;
        const auto count = [](int &n) {
            return [&n](store::Store &, const QList<Event> &) -> Status {
                ++n;
                return {};
            };
        };
        QVERIFY(fx.eng().addCommitHook(QStringLiteral("once"), count(first)));
        QVERIFY(!fx.eng().addCommitHook(QStringLiteral("once"), count(second)));
        fx.eng().addCommitHook(count(unnamed));
        QVERIFY(!fx.open(QStringLiteral("Disk full on db-1"), QStringLiteral("SEV2")).isEmpty());
        QCOMPARE(first, 1);
        QCOMPARE(second, 0);
        QCOMPARE(unnamed, 1);
    }
};

QTEST_GUILESS_MAIN(TestProjectionRegistry)
#include "tst_projectionregistry.moc"
