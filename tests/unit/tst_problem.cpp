// SPDX-License-Identifier: MIT
// Problems linking incidents, the known-error database, resolving with a known error, and
// the knowledge-base articles built from known errors and resolution notes.
#include "pm_fixture.h"
#include "problemtestutil.h"

#include "problems/problemstore.h"

#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestProblem : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void problem_linksIncidentsOnceAndRecordsIt();
    void knownError_makesProblemAKnownErrorAndWritesArticle();
    void resolveWithKnownError_resolvesLinksAndUpdatesEntry();
    void knowledgeBase_fromResolutionNotes_rebuildsFromLog();
    void suggest_findsKnownErrorsBySymptomWords();
    void badInput_isRejectedWithClearErrors();
};

void TestProblem::problem_linksIncidentsOnceAndRecordsIt()
{
    Env env;
    problems::ProblemStore ps(*env.engine);
    const QString a = env.open(QStringLiteral("Pool exhausted"), QStringLiteral("high"),
                               {QStringLiteral("query-engine")}, T0);
    const QString b = env.open(QStringLiteral("Pool exhausted again"), QStringLiteral("high"),
                               {QStringLiteral("query-engine")}, T0 + 60 * Min);
    auto p = ps.createProblem(QStringLiteral("Query engine leaks connections"),
                              QStringLiteral("Pool fills up under load"), QStringLiteral("erin"),
                              QStringLiteral("erin"));
    QVERIFY2(p.ok(), qPrintable(p.errorMessage()));
    QCOMPARE(p->number, QStringLiteral("PRB0000001"));
    QCOMPARE(p->status, QStringLiteral("open"));
    const QString na = env.store.incidentByUid(a)->number;
    QVERIFY(ps.linkIncident(p->number, na, QStringLiteral("erin")).ok());
    QVERIFY(ps.linkIncident(p->number, na, QStringLiteral("erin")).ok()); // idempotent
    QVERIFY(ps.linkIncident(QStringLiteral("prb0000001"), b, QStringLiteral("erin")).ok());
    const auto again = ps.problem(p->number);
    QCOMPARE(again->incidents.size(), 2);
    // Linked in the same millisecond (the clock stands still): in number order, every time.
    QCOMPARE(again->incidents, (QStringList{na, env.store.incidentByUid(b)->number}));
    int linked = 0;
    for (const auto &e : env.store.timeline(a))
        linked += e.kind == problems::ProblemLinkedKind ? 1 : 0;
    QCOMPARE(linked, 1);
    auto u = ps.updateProblem(
        p->number, {{QStringLiteral("root_cause"), QStringLiteral("Missing finally block")}},
        QStringLiteral("erin"));
    QVERIFY(u.ok());
    QCOMPARE(u->rootCause, QStringLiteral("Missing finally block"));
    QCOMPARE(ps.problems(true).size(), 1);
}

void TestProblem::knownError_makesProblemAKnownErrorAndWritesArticle()
{
    Env env;
    problems::ProblemStore ps(*env.engine);
    auto p = replicaLagProblem(ps);
    auto k =
        ps.createKnownError(QStringLiteral("Replica lag during nightly bulk load"),
                            QStringLiteral("Replication lag above 60s between 02:00 and 03:00"),
                            QStringLiteral("Route reads to the primary until the load finishes"),
                            QStringLiteral("Bulk load generates WAL faster than replay"),
                            {QStringLiteral("postgresql")}, p->number, QStringLiteral("erin"));
    QVERIFY2(k.ok(), qPrintable(k.errorMessage()));
    QCOMPARE(k->number, QStringLiteral("KE0000001"));
    QCOMPARE(ps.problem(p->number)->status, QStringLiteral("known_error"));
    QCOMPARE(ps.problem(p->number)->workaround,
             QStringLiteral("Route reads to the primary until the load finishes"));
    const auto arts = ps.articles(QStringLiteral("known_error"));
    QCOMPARE(arts.size(), 1);
    QCOMPARE(arts[0].id, QStringLiteral("KE0000001"));
    QVERIFY(arts[0].body.contains(QStringLiteral("**Workaround:** Route reads to the primary")));
    QVERIFY(arts[0].tags.contains(QStringLiteral("postgresql")));
}

void TestProblem::resolveWithKnownError_resolvesLinksAndUpdatesEntry()
{
    Env env;
    problems::ProblemStore ps(*env.engine);
    auto p = replicaLagProblem(ps);
    auto k =
        replicaLagKnownError(ps, p->number, QStringLiteral("Replica lag during nightly bulk load"));
    QVERIFY(k.ok());
    const QString uid = env.open(QStringLiteral("Replication lag above 60s"),
                                 QStringLiteral("medium"), {QStringLiteral("postgresql")}, T0);
    env.clock.set(T0 + 20 * Min);
    auto r = ps.resolveWithKnownError(uid, k->number, {}, QStringLiteral("capacity"),
                                      QStringLiteral("dana"));
    QVERIFY2(r.ok(), qPrintable(r.errorMessage()));

    const auto inc = *env.store.incidentByUid(uid);
    QCOMPARE(inc.state, QStringLiteral("resolved"));
    QCOMPARE(inc.rootCause, QStringLiteral("capacity"));
    QVERIFY(inc.resolutionNote.contains(QStringLiteral("KE0000001")));
    QVERIFY(inc.resolutionNote.contains(QStringLiteral("Route reads to the primary")));
    const auto ke = ps.knownError(k->number);
    QCOMPARE(ke->incidentCount, 1);
    QCOMPARE(ke->incidents, QStringList{inc.number});
    QCOMPARE(ke->lastSeenAt, T0 + 20 * Min);
    QCOMPARE(ps.problem(p->number)->incidents, QStringList{inc.number}); // the problem links it too
    bool recorded = false;
    for (const auto &e : env.store.timeline(uid))
        recorded = recorded || (e.kind == problems::KnownErrorLinkedKind &&
                                e.payload[u"known_error"].toString() == k->number);
    QVERIFY(recorded);
    // The KB has the resolution and the updated known error.
    bool resolution = false;
    for (const auto &a : ps.articles())
        resolution = resolution || (a.id == QStringLiteral("resolution:") + inc.number &&
                                    a.body.contains(QStringLiteral("Route reads")));
    QVERIFY(resolution);
    QVERIFY(ps.articles(QStringLiteral("known_error"))
                .first()
                .body.contains(QStringLiteral("**Seen in:** 1 incident(s) (%1)").arg(inc.number)));
    // Resolving again with the same known error does not count twice.
    QVERIFY(ps.resolveWithKnownError(uid, k->number, {}, {}, QStringLiteral("dana")).ok());
    QCOMPARE(ps.knownError(k->number)->incidentCount, 1);
}

void TestProblem::knowledgeBase_fromResolutionNotes_rebuildsFromLog()
{
    Env env;
    problems::ProblemStore ps(*env.engine);
    const QString uid = env.knownIncident();
    QVERIFY(!uid.isEmpty());
    const QString open = env.open(QStringLiteral("Still open"), QStringLiteral("low"),
                                  {QStringLiteral("search")}, T0 + 5 * Min);
    Q_UNUSED(open);
    // The resolve wrote its article already, in its own transaction.
    QCOMPARE(env.store.projectionCursor(QStringLiteral("knowledge_base")), env.store.maxSeq());
    const auto arts = ps.articles(QStringLiteral("resolution"));
    QCOMPARE(arts.size(), 1);
    QVERIFY(arts[0].body.contains(QStringLiteral("Increased DB connection pool")));
    QVERIFY(arts[0].tags.contains(QStringLiteral("capacity")));
    QVERIFY(env.store.db().exec(QStringLiteral("DELETE FROM kb_articles")).ok());
    QVERIFY(env.engine->rebuildProjections().ok());
    QCOMPARE(ps.articles(QStringLiteral("resolution")).size(), 1);
    const QString md = ps.knowledgeBaseMarkdown();
    QVERIFY(md.startsWith(QStringLiteral("# Knowledge base")));
    QVERIFY(md.contains(QStringLiteral("API latency spike")));
}

void TestProblem::suggest_findsKnownErrorsBySymptomWords()
{
    Env env;
    problems::ProblemStore ps(*env.engine);
    QVERIFY(ps.createKnownError(QStringLiteral("Pool leak"),
                                QStringLiteral("Connection pool exhaustion in query engine"),
                                QStringLiteral("restart"), {}, {QStringLiteral("query-engine")}, {},
                                QStringLiteral("x"))
                .ok());
    QVERIFY(ps.createKnownError(
                  QStringLiteral("Lag"), QStringLiteral("Consumer lag on orders topic"),
                  QStringLiteral("scale"), {}, {QStringLiteral("kafka")}, {}, QStringLiteral("x"))
                .ok());
    const auto s = ps.suggest(QStringLiteral("Connection pool exhaustion in query engine (again)"));
    QVERIFY(!s.isEmpty());
    QCOMPARE(s.first().title, QStringLiteral("Pool leak"));
    QVERIFY(ps.suggest(QStringLiteral("printer on fire")).isEmpty());
}

void TestProblem::badInput_isRejectedWithClearErrors()
{
    Env env;
    problems::ProblemStore ps(*env.engine);
    QVERIFY(!ps.createProblem(QStringLiteral("  "), {}, {}, QStringLiteral("x")).ok());
    QVERIFY(
        !ps.createKnownError(QStringLiteral("t"), {}, {}, {}, {}, {}, QStringLiteral("x")).ok());
    QVERIFY(ps.createKnownError(QStringLiteral("t"), QStringLiteral("s"), {}, {}, {},
                                QStringLiteral("PRB0000099"), QStringLiteral("x"))
                .errorMessage()
                .contains(QStringLiteral("PRB0000099")));
    auto p = ps.createProblem(QStringLiteral("P"), {}, {}, QStringLiteral("x"));
    QVERIFY(ps.updateProblem(p->number, {{QStringLiteral("status"), QStringLiteral("maybe")}},
                             QStringLiteral("x"))
                .errorMessage()
                .contains(QStringLiteral("status")));
    QVERIFY(ps.updateProblem(p->number, {{QStringLiteral("colour"), QStringLiteral("red")}},
                             QStringLiteral("x"))
                .errorMessage()
                .contains(QStringLiteral("colour")));
    QCOMPARE(ps.problem(p->number)->status, QStringLiteral("open")); // nothing half-written
    QVERIFY(!ps.linkIncident(p->number, QStringLiteral("INC9999999"), QStringLiteral("x")).ok());
    QVERIFY(!ps.resolveWithKnownError(QStringLiteral("INC9999999"), QStringLiteral("KE0000001"), {},
                                      {}, QStringLiteral("x"))
                 .ok());
}

QTEST_GUILESS_MAIN(TestProblem)
#include "tst_problem.moc"
