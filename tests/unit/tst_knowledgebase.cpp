// SPDX-License-Identifier: MIT
// The knowledge base follows every resolve, in the resolve's own transaction: resolution
// articles (one per incident, updated on re-resolve), known-error links and counts when an
// incident linked to a known error (directly or through its problem) resolves, and a
// rebuild from the log that gives the same tables.
#include "pm_fixture.h"
#include "problemtestutil.h"

#include "problems/kbprojection.h"
#include "problems/problemstore.h"

#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestKnowledgeBase : public QObject {
    Q_OBJECT

    static QStringList rows(store::Store &st, const QString &sql)
    {
        const auto r = sitrep::testing::queryRows(st, sql);
        return r ? *r : QStringList{};
    }
    static QString resolve(Env &env, const QString &uid, const QString &note, qint64 at)
    {
        return env.run(
            Command::transition(uid, QStringLiteral("resolved"), QStringLiteral("dana"),
                                {{QStringLiteral("resolution_note"), note},
                                 {QStringLiteral("root_cause"), QStringLiteral("capacity")}}),
            at);
    }

private Q_SLOTS:
    void plainResolve_writesArticleAtOnce_andReResolveUpdatesIt()
    {
        Env env;
        QVERIFY(
            !env.engine->addProjection(problems::knowledgebase::projection())); // once per engine
        problems::ProblemStore ps(*env.engine);
        const QString uid = env.open(QStringLiteral("Checkout errors"), QStringLiteral("high"),
                                     {QStringLiteral("checkout")}, T0);
        QVERIFY(ps.articles().isEmpty());
        QVERIFY(
            !resolve(env, uid, QStringLiteral("Rolled back release 42"), T0 + 30 * Min).isEmpty());
        auto arts = ps.articles(QStringLiteral("resolution"));
        QCOMPARE(arts.size(), 1);
        const QString number = env.store.incidentByUid(uid)->number;
        QCOMPARE(arts[0].id, QStringLiteral("resolution:") + number);
        QVERIFY(arts[0].body.contains(QStringLiteral("Rolled back release 42")));
        QCOMPARE(arts[0].updatedAt, T0 + 30 * Min);
        // Reopen and resolve again with another note: the same article, updated.
        QVERIFY(!env.run(Command::transition(uid, QStringLiteral("investigating"),
                                             QStringLiteral("dana")),
                         T0 + 40 * Min)
                     .isEmpty());
        QVERIFY2(!resolve(env, uid, QStringLiteral("Disabled the coupon service"), T0 + 50 * Min)
                      .isEmpty(),
                 qPrintable(env.error));
        arts = ps.articles(QStringLiteral("resolution"));
        QCOMPARE(arts.size(), 1);
        QVERIFY(arts[0].body.contains(QStringLiteral("Disabled the coupon service")));
        // Editing the note after the resolve updates the article too.
        QVERIFY(
            !env.run(Command::make(Command::Kind::SetField, uid,
                                   {{QStringLiteral("field"), QStringLiteral("resolution_note")},
                                    {QStringLiteral("value"),
                                     QStringLiteral("Coupon service disabled; fix in 1.4.2")}}),
                     T0 + 55 * Min)
                 .isEmpty());
        QVERIFY(ps.articles(QStringLiteral("resolution"))
                    .first()
                    .body.contains(QStringLiteral("fix in 1.4.2")));
    }

    void failingKnowledgeBase_rollsTheResolveBack()
    {
        Env env;
        problems::ProblemStore ps(*env.engine);
        const QString uid = env.open(QStringLiteral("Checkout errors"), QStringLiteral("high"),
                                     {QStringLiteral("checkout")}, T0);
        const qint64 events = env.store.maxSeq();
        QVERIFY(env.store.db().exec(QStringLiteral("DROP TABLE kb_articles")).ok());
        QVERIFY(resolve(env, uid, QStringLiteral("Rolled back"), T0 + 10 * Min)
                    .isEmpty()); // rejected as a whole
        QVERIFY(env.error.contains(QStringLiteral("kb_articles")));
        QCOMPARE(env.store.incidentByUid(uid)->state, QStringLiteral("triggered"));
        QCOMPARE(env.store.maxSeq(), events);
    }

    void resolvingIncidentOfProblemWithKnownError_linksAndUpdatesEntry()
    {
        Env env;
        problems::ProblemStore ps(*env.engine);
        auto p = replicaLagProblem(ps, QStringLiteral("erin"));
        auto k =
            replicaLagKnownError(ps, p->number, QStringLiteral("Replica lag during bulk load"));
        QVERIFY(k.ok());
        const QString a = env.open(QStringLiteral("Replication lag"), QStringLiteral("medium"),
                                   {QStringLiteral("postgresql")}, T0);
        const QString b = env.open(QStringLiteral("Reads stale"), QStringLiteral("medium"),
                                   {QStringLiteral("postgresql")}, T0 + Min);
        QVERIFY(ps.linkIncident(p->number, a, QStringLiteral("erin")).ok());
        QVERIFY(ps.linkKnownError(b, k->number, QStringLiteral("erin")).ok());
        QCOMPARE(ps.knownError(k->number)->incidentCount, 1); // b linked, not seen yet
        QCOMPARE(ps.knownError(k->number)->lastSeenAt, 0);
        QCOMPARE(ps.problem(p->number)->incidents.size(), 2); // the entry's problem gets b too

        // Resolved the ordinary way (no known-error command): the entry sees both.
        QVERIFY(!resolve(env, a, QStringLiteral("Routed reads to the primary"), T0 + 20 * Min)
                     .isEmpty());
        auto ke = ps.knownError(k->number);
        QCOMPARE(ke->incidentCount, 2);
        QCOMPARE(ke->lastSeenAt, T0 + 20 * Min);
        QVERIFY(!resolve(env, b, QStringLiteral("Waited for the load to finish"), T0 + 30 * Min)
                     .isEmpty());
        ke = ps.knownError(k->number);
        QCOMPARE(ke->incidentCount, 2);
        QCOMPARE(ke->lastSeenAt, T0 + 30 * Min);
        const auto article = ps.articles(QStringLiteral("known_error")).first();
        QVERIFY(article.body.contains(QStringLiteral("**Seen in:** 2 incident(s)")));
        QCOMPARE(ps.articles(QStringLiteral("resolution")).size(), 2);
        QCOMPARE(ps.knownErrorsOfIncident(a).size(), 1);
    }

    void mergedRemoteResolve_isFoldedInAfterTheMerge()
    {
        Env here, there;
        problems::ProblemStore ps(*here.engine);
        there.engine->setReplicaId(QStringLiteral("laptop"));
        const QString uid = there.open(QStringLiteral("Payments 502s"), QStringLiteral("high"),
                                       {QStringLiteral("payments")}, T0);
        QVERIFY(
            !resolve(there, uid, QStringLiteral("Restarted the gateway"), T0 + 20 * Min).isEmpty());
        const auto merged = here.engine->mergeRemote(there.store.timeline(uid));
        QVERIFY2(merged.ok(), qPrintable(merged.errorMessage()));
        QVERIFY(merged->applied > 0);
        const auto arts = ps.articles(QStringLiteral("resolution"));
        QCOMPARE(arts.size(), 1);
        QVERIFY(arts[0].body.contains(QStringLiteral("Restarted the gateway")));
        QCOMPARE(here.store.projectionCursor(QStringLiteral("knowledge_base")),
                 here.store.maxSeq()); // in the merge's transaction
    }

    void mergedLinkToAProblemThisReplicaLacks_isKeptButLinksNothing()
    {
        // Problems are records of the replica that made them: the link event syncs, the
        // problem does not. The merge must not be refused for it.
        Env here, there;
        problems::ProblemStore mine(*here.engine), theirs(*there.engine);
        there.engine->setReplicaId(QStringLiteral("laptop"));
        auto p = theirs.createProblem(QStringLiteral("Flaky DNS"), {}, {}, QStringLiteral("erin"));
        QVERIFY(p.ok());
        const QString uid = there.open(QStringLiteral("DNS timeouts"), QStringLiteral("low"),
                                       {QStringLiteral("dns")}, T0);
        QVERIFY(theirs.linkIncident(p->number, uid, QStringLiteral("erin")).ok());
        const auto merged = here.engine->mergeRemote(there.store.timeline(uid));
        QVERIFY2(merged.ok(), qPrintable(merged.errorMessage()));
        QCOMPARE(merged->applied, int(there.store.timeline(uid).size()));
        QVERIFY(mine.problemsOf(uid).isEmpty());
        QCOMPARE(here.store.projectionCursor(QStringLiteral("knowledge_base")),
                 here.store.maxSeq());
        QVERIFY(here.engine->verify().ok);
    }

    void unlink_recordsAndRemovesTheLink()
    {
        Env env;
        problems::ProblemStore ps(*env.engine);
        auto p = ps.createProblem(QStringLiteral("Flaky DNS"), {}, {}, QStringLiteral("erin"));
        const QString a = env.open(QStringLiteral("DNS timeouts"), QStringLiteral("low"),
                                   {QStringLiteral("dns")}, T0);
        QVERIFY(ps.linkIncident(p->number, a, QStringLiteral("erin")).ok());
        QCOMPARE(ps.problemsOf(a).size(), 1);
        QVERIFY(ps.unlinkIncident(p->number, a, QStringLiteral("erin")).ok());
        QVERIFY(ps.unlinkIncident(p->number, a, QStringLiteral("erin")).ok()); // idempotent
        QVERIFY(ps.problemsOf(a).isEmpty());
        QVERIFY(ps.problem(p->number)->incidents.isEmpty());
        int unlinked = 0;
        for (const auto &e : env.store.timeline(a))
            unlinked += e.kind == problems::ProblemUnlinkedKind ? 1 : 0;
        QCOMPARE(unlinked, 1);
        QVERIFY(!ps.unlinkIncident(QStringLiteral("PRB0000099"), a, QStringLiteral("erin")).ok());
    }

    void rebuild_fromLog_givesTheSameTables()
    {
        Env env;
        problems::ProblemStore ps(*env.engine);
        auto p = ps.createProblem(QStringLiteral("Pool leak"), {}, {}, QStringLiteral("erin"));
        auto k = ps.createKnownError(
            QStringLiteral("Pool exhausted"), QStringLiteral("Connection pool exhaustion"),
            QStringLiteral("Restart workers"), {}, {QStringLiteral("query-engine")}, p->number,
            QStringLiteral("erin"));
        QVERIFY(k.ok());
        const QString a = env.open(QStringLiteral("Pool exhausted"), QStringLiteral("high"),
                                   {QStringLiteral("query-engine")}, T0);
        const QString b = env.open(QStringLiteral("Pool exhausted again"), QStringLiteral("high"),
                                   {QStringLiteral("query-engine")}, T0 + Min);
        const QString c = env.open(QStringLiteral("Unrelated"), QStringLiteral("low"),
                                   {QStringLiteral("search")}, T0 + 2 * Min);
        QVERIFY(ps.linkIncident(p->number, a, QStringLiteral("erin")).ok());
        QVERIFY(ps.linkIncident(p->number, c, QStringLiteral("erin")).ok());
        QVERIFY(ps.unlinkIncident(p->number, c, QStringLiteral("erin")).ok());
        QVERIFY(!resolve(env, a, QStringLiteral("Restarted workers"), T0 + 10 * Min).isEmpty());
        env.clock.set(T0 + 20 * Min);
        QVERIFY(ps.resolveWithKnownError(b, k->number, {}, {}, QStringLiteral("dana")).ok());
        QVERIFY(!resolve(env, c, QStringLiteral("Reindexed"), T0 + 30 * Min).isEmpty());

        const QString kb = QStringLiteral("SELECT id, kind, title, body, tags, source_ref, "
                                          "updated_at FROM kb_articles ORDER BY id");
        const QString links = QStringLiteral("SELECT known_error_id, incident_uid, number FROM "
                                             "known_error_incidents ORDER BY number");
        const QString plinks = QStringLiteral(
            "SELECT problem_id, incident_uid, number FROM problem_incidents ORDER BY number");
        const QString kes =
            QStringLiteral("SELECT number, incident_count, last_seen_at FROM known_errors");
        const QStringList before[] = {rows(env.store, kb), rows(env.store, links),
                                      rows(env.store, plinks), rows(env.store, kes)};
        QCOMPARE(before[0].size(), 4); // 1 known error + 3 resolutions
        QCOMPARE(before[1].size(), 2);
        QCOMPARE(before[2].size(), 2); // c was unlinked
        QVERIFY(env.store.db().exec(QStringLiteral("DELETE FROM kb_articles")).ok());
        QVERIFY(env.store.db().exec(QStringLiteral("DELETE FROM known_error_incidents")).ok());
        QVERIFY(env.store.db().exec(QStringLiteral("DELETE FROM problem_incidents")).ok());
        QVERIFY(env.engine->rebuildProjections().ok());
        QCOMPARE(rows(env.store, kb), before[0]);
        QCOMPARE(rows(env.store, links), before[1]);
        QCOMPARE(rows(env.store, plinks), before[2]);
        QCOMPARE(rows(env.store, kes), before[3]);
    }
};

QTEST_GUILESS_MAIN(TestKnowledgeBase)
#include "tst_knowledgebase.moc"
