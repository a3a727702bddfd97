// SPDX-License-Identifier: MIT
// Workflow actions registered with the engine from outside it: the engine runs what it is
// given inside the command's transaction, and every way of building an engine (the app
// context, the shared wiring function) gets the same actions.
#include "unit/coretestutil.h"

#include "host/appcontext.h"
#include "host/workflowactions.h"

#include <QTest>

using namespace sitrep;
using namespace sitrep::testing;

namespace {

/// Opens a high-severity incident as `tester` and resolves it: the outcome of the resolve,
/// or the open's error.
Result<engine::Outcome> openAndResolve(engine::LifecycleEngine &eng)
{
    auto opened =
        eng.execute(engine::Command::open({{QStringLiteral("title"), QStringLiteral("x")},
                                           {QStringLiteral("severity"), QStringLiteral("high")}},
                                          QStringLiteral("tester")));
    if (!opened)
        return Result<engine::Outcome>::fail(opened.errorMessage());
    return eng.execute(engine::Command::transition(opened->number, QStringLiteral("resolved"),
                                                   QStringLiteral("tester"), resolution()));
}

} // namespace

class TestWorkflowActions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void engineAlone_runsOnlyItsBuiltInActions()
    {
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("sitrep.db"))).ok());
        engine::ManualClock clock(baseTime());
        engine::LifecycleEngine eng(st, *workflow::Workflow::load(QStringLiteral("sre")),
                                    *workflow::OnCallSchedule::load({}), clock);
        QVERIFY(eng.hasAction(QStringLiteral("notify")));
        QVERIFY(eng.hasAction(QStringLiteral("assign_on_call")));
        QVERIFY(!eng.hasAction(QStringLiteral("draft_postmortem")));
        // Resolving still works; the draft that nobody registered is skipped.
        auto resolved = openAndResolve(eng);
        QVERIFY2(resolved.ok(), qPrintable(resolved.errorMessage()));
        for (const auto &e : resolved->events)
            QVERIFY(e.kind != domain::kinds::PostmortemDrafted);
    }

    void registeredAction_seesTheTransactionAndItsEventsCommitTogether()
    {
        CoreFixture fx;
        QStringList seenKinds;
        QString seenReason;
        fx.eng().registerAction(
            QStringLiteral("draft_postmortem"), [&](const engine::ActionContext &c) {
                for (const auto &e : c.timeline())
                    seenKinds << e.kind;
                seenReason = c.reason;
                QList<engine::ActionEvent> out;
                out.append({domain::kinds::NoteAdded,
                            {{QStringLiteral("text"), QStringLiteral("from the action")}}});
                return out;
            });
        const QString n = fx.open(QStringLiteral("api errors"), QStringLiteral("high"));
        auto r = fx.transition(n, QStringLiteral("resolved"), resolution());
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        // The handler saw the transition of its own, not yet committed, command.
        QVERIFY(seenKinds.contains(domain::kinds::Opened));
        QCOMPARE(seenKinds.last(), domain::kinds::Transitioned);
        QCOMPARE(seenReason, QStringLiteral("transition to resolved"));
        // Its event is part of the command's outcome, right after the transition (sre's
        // resolve runs [draft_postmortem, notify]), and committed with it.
        QStringList outcome;
        for (const auto &e : r->events)
            outcome << e.kind;
        const qsizetype at = outcome.indexOf(domain::kinds::Transitioned) + 1;
        QCOMPARE(outcome.mid(at - 1),
                 (QStringList{domain::kinds::Transitioned, domain::kinds::NoteAdded,
                              domain::kinds::NotificationRequested}));
        QCOMPARE(r->events[at].actor, QStringLiteral("tester"));
        QCOMPARE(r->events[at].payload[u"text"].toString(), QStringLiteral("from the action"));
        bool stored = false;
        for (const auto &e : fx.store.timeline(fx.get(n).uid))
            stored = stored || e.id == r->events[at].id;
        QVERIFY(stored);
        // Replaced, not added: the postmortem draft no longer runs for this engine.
        QVERIFY(!fx.kindsOf(n).contains(domain::kinds::PostmortemDrafted));
    }

    void registeredAction_timelineHoldsItsIncidentsEventsOfTheBatch()
    {
        // The timeline an action reads: the incident's events in the log, then those of the
        // batch so far, in order, and no other incident's.
        CoreFixture fx;
        QStringList seen;
        fx.eng().registerAction(QStringLiteral("draft_postmortem"),
                                [&](const engine::ActionContext &c) {
                                    for (const auto &e : c.timeline())
                                        seen << e.id;
                                    return QList<engine::ActionEvent>();
                                });
        const QString a = fx.open(QStringLiteral("opened before"), QStringLiteral("high"));
        const QString c = QStringLiteral("INC0000003");
        auto r = fx.eng().executeBatch(
            {engine::Command::note(a, QStringLiteral("a1")),
             engine::Command::open({{QStringLiteral("title"), QStringLiteral("other")},
                                    {QStringLiteral("severity"), QStringLiteral("low")}}),
             engine::Command::note(QStringLiteral("INC0000002"), QStringLiteral("b1")),
             engine::Command::transition(a, QStringLiteral("resolved"), QStringLiteral("tester"),
                                         resolution()),
             engine::Command::open({{QStringLiteral("title"), QStringLiteral("opened in it")},
                                    {QStringLiteral("severity"), QStringLiteral("low")}}),
             engine::Command::note(c, QStringLiteral("c1")),
             engine::Command::transition(c, QStringLiteral("resolved"), QStringLiteral("tester"),
                                         resolution())});
        QVERIFY(r);
        for (const auto &slot : *r)
            QVERIFY2(slot, qPrintable(slot.errorMessage()));
        // Each resolve saw its incident's events up to its own transition.
        QStringList expected;
        for (const QString &n : {a, c}) {
            for (const auto &e : fx.store.timeline(fx.get(n).uid)) {
                expected << e.id;
                if (e.kind == domain::kinds::Transitioned &&
                    e.payload[u"to"].toString() == u"resolved")
                    break;
            }
        }
        QCOMPARE(seen, expected);
    }

    void wiring_handlesEveryActionAWorkflowMayName()
    {
        CoreFixture fx; // registers through host::registerWorkflowActions
        for (const QString &name : workflow::Workflow::knownActions())
            QVERIFY2(fx.eng().hasAction(name), qPrintable(name));
    }

    void appContext_engineDraftsThePostmortem()
    {
        QTemporaryDir dir;
        auto ctx = host::AppContext::open(dir.filePath(QStringLiteral("sitrep.db")));
        QVERIFY2(ctx.ok(), qPrintable(ctx.errorMessage()));
        auto &eng = (*ctx)->engine();
        for (const QString &name : workflow::Workflow::knownActions())
            QVERIFY2(eng.hasAction(name), qPrintable(name));
        auto resolved = openAndResolve(eng);
        QVERIFY2(resolved.ok(), qPrintable(resolved.errorMessage()));
        int drafts = 0;
        for (const auto &e : resolved->events)
            drafts += e.kind == domain::kinds::PostmortemDrafted ? 1 : 0;
        QCOMPARE(drafts, 1);
    }
};

QTEST_GUILESS_MAIN(TestWorkflowActions)
#include "tst_workflowactions.moc"
