// SPDX-License-Identifier: MIT
// Workflow loading (presets, user files, errors that name file and line) and every
// transition and guard of the sre, itil and pipeline presets driven through the engine.
#include "unit/coretestutil.h"
#include "unit/yamlerrorcheck.h"

#include "host/appcontext.h"
#include "workflow/yamlutil.h"

#include <QFile>
#include <QJsonArray>
#include <QQueue>
#include <QRegularExpression>
#include <QTest>

#include <utility>

using namespace sitrep;
using namespace sitrep::testing;
using engine::Command;

namespace {

// A small valid workflow the error cases start from (line numbers matter below).
const char *const kSmall = "name: small\n"                             // 1
                           "states:\n"                                 // 2
                           "  - {id: open, sla: running}\n"            // 3
                           "  - {id: working, stamps: acknowledged}\n" // 4
                           "  - {id: done, stamps: resolved}\n"        // 5
                           "transitions:\n"                            // 6
                           "  - from: open\n"                          // 7
                           "    to: working\n"                         // 8
                           "  - from: working\n"                       // 9
                           "    to: done\n"                            // 10
                           "    guards: [resolution_required]\n";      // 11

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text);
    return path;
}

// Shortest path of transitions from the initial state to `target` (ids), BFS.
QStringList pathTo(const workflow::Workflow &wf, const QString &target)
{
    QHash<QString, QString> prev;
    QQueue<QString> q;
    q.enqueue(wf.initialState());
    prev.insert(wf.initialState(), QString());
    while (!q.isEmpty()) {
        const QString s = q.dequeue();
        if (s == target)
            break;
        for (const QString &t : wf.allowedTargets(s))
            if (!prev.contains(t)) {
                prev.insert(t, s);
                q.enqueue(t);
            }
    }
    if (!prev.contains(target))
        return {QStringLiteral("<unreachable>")};
    QStringList path;
    for (QString s = target; s != wf.initialState(); s = prev.value(s))
        path.prepend(s);
    return path;
}

/// The columns (preset, `stateColumn`) and a row "PRESET STATE" for each state a preset
/// names for a step: the tests that run once per workflow preset.
void presetStateRows(const char *stateColumn,
                     std::initializer_list<std::pair<const char *, QStringList>> presets)
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>(stateColumn);
    for (const auto &[preset, states] : presets)
        for (const QString &state : states)
            QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(preset), state)))
                << QString::fromUtf8(preset) << state;
}

/// The preset of the current row of a presetStateRows() table.
QString fetchedPreset()
{
    QFETCH(QString, preset);
    return preset;
}

} // namespace

class TestWorkflow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void presets_load_data();
    void presets_load();
    void presets_stampEveryMetric();
    void yamlErrors_nameFileAndLine_data();
    void yamlErrors_nameFileAndLine();
    void yamlErrors_fromFile_nameThePath();
    void nonMapping_scalarsInsideLists_areErrorsNotCrashes_data();
    void nonMapping_scalarsInsideLists_areErrorsNotCrashes();
    void userWorkflowFile_drivesTheEngine();
    void userWorkflowFile_throughAppContext();
    void everyPairOfStates_data();
    void everyPairOfStates();
    void unknownState_listsStates();
    void sameState_isRejected();
    void severityDefined_guard_data();
    void severityDefined_guard();
    void p1ApprovalGate_sre();
    void p1ApprovalGate_itilResolve();
    void p1ApprovalGate_pipeline();
    void p1Gate_followsSeverityWithoutImpactUrgency();
    void approval_needsNamedHuman();
    void approval_forOtherStateDoesNotOpenGate();
    void resolve_needsNoteAndRootCause_data();
    void resolve_needsNoteAndRootCause();
    void staleCloseCode_acceptedForSystemSweep_data();
    void staleCloseCode_acceptedForSystemSweep();
    void staleCloseCode_notAcceptedFromUsers();
    void staleCloseCode_doesNotSurviveReopen();
    void approvalMarkedTransition_isGated();
    void approvalRequiredGuard_isGated();
    void commanderAssignedGuard();
    void actions_onResolve_draftPostmortemAndNotify();
    void actions_pipelineRemediationAndPostmortemTicket();
    void timestamps_stampedPerState_data();
    void timestamps_stampedPerState();
    void reopen_clearsResolvedStamp();
    void rejectedCommand_changesNothing();
    void batch_sameIncidentByDifferentRefs_keepsChain();
    void whyNot_and_allowedTransitions();
    void statusUpdateMinutes_perPriority();
};

void TestWorkflow::presets_load_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("initial");
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QString>("staleClose");
    QTest::newRow("sre") << "sre"
                         << "triggered"
                         << QStringList{"triggered",  "acknowledged", "investigating",
                                        "mitigating", "resolved",     "postmortem"}
                         << "resolved";
    QTest::newRow("itil")
        << "itil"
        << "New" << QStringList{"New",      "In Progress", "Pending Customer", "Pending Vendor",
                                "Resolved", "Closed",      "Cancelled"}
        << "Closed";
    QTest::newRow("pipeline") << "pipeline"
                              << "DETECTED"
                              << QStringList{"DETECTED", "TRIAGE", "MITIGATING", "RESOLVED",
                                             "POST_MORTEM"}
                              << "RESOLVED";
}

void TestWorkflow::presets_load()
{
    QFETCH(QString, name);
    QFETCH(QString, initial);
    QFETCH(QStringList, states);
    QFETCH(QString, staleClose);
    auto wf = workflow::Workflow::load(name);
    QVERIFY2(wf.ok(), qPrintable(wf.errorMessage()));
    QCOMPARE(wf->name(), name);
    QCOMPARE(wf->initialState(), initial);
    QStringList ids;
    for (const auto &s : wf->states())
        ids << s.id;
    QCOMPARE(ids, states);
    QCOMPARE(wf->staleCloseState(), staleClose);
    // Upper-case preset names work too.
    QVERIFY(workflow::Workflow::load(name.toUpper()).ok());
    // Every policy has SLA minutes.
    for (auto p :
         {domain::Priority::P1, domain::Priority::P2, domain::Priority::P3, domain::Priority::P4}) {
        QVERIFY(wf->policy(p).responseMinutes > 0);
        QVERIFY(wf->policy(p).resolutionMinutes > wf->policy(p).responseMinutes);
    }
    QVERIFY(wf->policy(domain::Priority::P1).approvalRequired);
    QVERIFY(!wf->policy(domain::Priority::P2).approvalRequired);
    // Status-update reminders: every 15 minutes for P1, none for P4.
    QCOMPARE(wf->policy(domain::Priority::P1).statusUpdateMinutes, 15);
    QCOMPARE(wf->policy(domain::Priority::P4).statusUpdateMinutes, 0);
    // The default (empty name) is sre.
    QCOMPARE(workflow::Workflow::load(QString())->name(), QStringLiteral("sre"));
}

void TestWorkflow::presets_stampEveryMetric()
{
    for (const QString &name : workflow::Workflow::presetNames()) {
        auto wf = workflow::Workflow::load(name);
        QVERIFY(wf.ok());
        for (const char *stamp : {"acknowledged", "resolved", "closed"})
            QVERIFY2(!wf->stateStamping(QString::fromLatin1(stamp)).isEmpty(),
                     qPrintable(name + u' ' + QLatin1String(stamp)));
    }
    // The ITIL preset pauses the SLA clock only in Pending Customer (seed 000).
    auto itil = workflow::Workflow::load(QStringLiteral("itil"));
    QCOMPARE(itil->state(QStringLiteral("Pending Customer"))->sla, workflow::SlaMode::Paused);
    QCOMPARE(itil->state(QStringLiteral("Pending Vendor"))->sla, workflow::SlaMode::Running);
    QCOMPARE(itil->state(QStringLiteral("In Progress"))->sla, workflow::SlaMode::Running);
    QCOMPARE(itil->state(QStringLiteral("Resolved"))->sla, workflow::SlaMode::Stopped);
    // Pipeline reads seed 003's severity_matrix: P2 auto-remediates, P1 needs approval.
    auto pipe = workflow::Workflow::load(QStringLiteral("pipeline"));
    QCOMPARE(pipe->policy(domain::Priority::P1).responseMinutes, 15);
    QVERIFY(!pipe->policy(domain::Priority::P1).autoRemediation);
    QVERIFY(pipe->policy(domain::Priority::P2).autoRemediation);
    QCOMPARE(pipe->policy(domain::Priority::P1).notificationChannels,
             (QStringList{QStringLiteral("slack_critical"), QStringLiteral("pagerduty")}));
}

void TestWorkflow::yamlErrors_nameFileAndLine_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("broken syntax")
        << QByteArray("name: x\nstates:\n  - {id: a\n  - {id: b}\ntransitions: []\n") << 4 << "";
    QTest::newRow("bad indentation") << QByteArray("name: x\nstates:\n  - a\n - b\n") << 4 << "";
    QTest::newRow("unknown state")
        << QByteArray(kSmall).replace("    to: done\n", "    to: finished\n") << 9
        << "unknown state 'finished'";
    QTest::newRow("unknown from state")
        << QByteArray(kSmall).replace("  - from: open\n", "  - from: opened\n") << 7
        << "unknown state 'opened'";
    QTest::newRow("unknown guard")
        << QByteArray(kSmall).replace("[resolution_required]", "[resolution_required, moon_phase]")
        << 9 << "unknown guard 'moon_phase'";
    QTest::newRow("unknown action") << (QByteArray(kSmall) + "    actions: [page_everyone]\n") << 9
                                    << "unknown action 'page_everyone'";
    QTest::newRow("bad priority")
        << (QByteArray(kSmall) +
            "priorities:\n  P1: {response_minutes: 5}\n  P7: {response_minutes: 5}\n")
        << 14 << "'P7' is not a priority";
    QTest::newRow("bad minutes") << (QByteArray(kSmall) +
                                     "priorities:\n  P1: {response_minutes: soon}\n")
                                 << 13 << "response_minutes";
    QTest::newRow("missing states")
        << QByteArray("name: x\ntransitions:\n  - {from: a, to: b}\n") << 1 << "states";
    QTest::newRow("empty states") << QByteArray("name: x\nstates: []\n") << 1 << "states";
    QTest::newRow("no transitions")
        << QByteArray("name: x\nstates: [a, b]\n") << 1 << "no transitions";
    QTest::newRow("duplicate state")
        << QByteArray("name: x\nstates:\n  - a\n  - b\n  - a\ntransitions: [{from: a, to: b}]\n")
        << 5 << "duplicate state 'a'";
    QTest::newRow("bad sla mode") << QByteArray("name: x\nstates:\n  - {id: a, sla: sometimes}\n  "
                                                "- b\ntransitions: [{from: a, to: b}]\n")
                                  << 3 << "sla must be";
    QTest::newRow("bad stamp") << QByteArray("name: x\nstates:\n  - {id: a}\n  - {id: b, stamps: "
                                             "lunch}\ntransitions: [{from: a, to: b}]\n")
                               << 4 << "unknown timestamp 'lunch'";
    QTest::newRow("bad initial")
        << QByteArray("name: x\ninitial: c\nstates: [a, b]\ntransitions: [{from: a, to: b}]\n") << 2
        << "initial state 'c'";
    QTest::newRow("bad workflow rule")
        << QByteArray("name: x\nstates: [A, B]\nworkflow_rules:\n  - transition: A to B\n") << 4
        << "FROM -> TO";
    QTest::newRow("bad matrix row")
        << (QByteArray(kSmall) + "priority_matrix:\n  impacts: [big, small]\n  urgencies: [now, "
                                 "later]\n  matrix:\n    big: [P1, P2]\n    small: [P2]\n")
        << 17 << "expected 2";
    QTest::newRow("matrix missing row")
        << (QByteArray(kSmall) + "priority_matrix:\n  impacts: [big, small]\n  urgencies: [now, "
                                 "later]\n  matrix:\n    big: [P1, P2]\n")
        << 16 << "no row for impact 'small'";
    QTest::newRow("matrix duplicate row")
        << (QByteArray(kSmall) +
            "priority_matrix:\n  impacts: [big, small]\n  urgencies: [now, later]\n  matrix:\n    "
            "big: [P1, P2]\n    Big: [P1, P2]\n    small: [P2, P3]\n")
        << 17 << "twice";
    QTest::newRow("not a mapping") << QByteArray("- just\n- a list\n") << 1 << "mapping";
}

void TestWorkflow::yamlErrors_nameFileAndLine()
{
    verifyYamlRowRefused(QStringLiteral("custom.yaml"), &workflow::Workflow::fromYaml);
}

void TestWorkflow::yamlErrors_fromFile_nameThePath()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("mine.yaml"),
                                   QByteArray(kSmall).replace("to: done", "to: nowhere"));
    auto wf = workflow::Workflow::load(path);
    QVERIFY(!wf.ok());
    QVERIFY2(wf.errorMessage().startsWith(path + QStringLiteral(":9: ")),
             qPrintable(wf.errorMessage()));
    auto missing = workflow::Workflow::load(dir.filePath(QStringLiteral("absent.yaml")));
    QVERIFY(!missing.ok());
    QVERIFY2(missing.errorMessage().contains(QStringLiteral("absent.yaml")),
             qPrintable(missing.errorMessage()));
}

void TestWorkflow::nonMapping_scalarsInsideLists_areErrorsNotCrashes_data()
{
    // yaml-cpp throws when a scalar is subscripted; the loader must turn that into an error.
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("scalar workflow rule")
        << QByteArray("name: x\nstates: [A, B]\nworkflow_rules:\n  - A -> B\n");
    QTest::newRow("scalar alerts policy")
        << (QByteArray(kSmall) + "all_alerts_resolved: transition\n");
    QTest::newRow("scalar matrix")
        << (QByteArray(kSmall) +
            "priority_matrix:\n  impacts: [big]\n  urgencies: [now]\n  matrix: [P1]\n");
    QTest::newRow("map as state id")
        << QByteArray("states:\n  - {id: {a: b}}\n  - b\ntransitions: [{from: b, to: b}]\n");
    QTest::newRow("sequence of sequences")
        << QByteArray("states: [[a], [b]]\ntransitions: [[a, b]]\n");
    QTest::newRow("empty document") << QByteArray("");
    QTest::newRow("null document") << QByteArray("~\n");
    QTest::newRow("anchors") << QByteArray("a: &x [*x]\nstates: *x\n");
}

void TestWorkflow::nonMapping_scalarsInsideLists_areErrorsNotCrashes()
{
    QFETCH(QByteArray, yaml);
    auto wf = workflow::Workflow::fromYaml(yaml, QStringLiteral("odd.yaml"));
    QVERIFY(!wf.ok());
    QVERIFY2(wf.errorMessage().startsWith(QStringLiteral("odd.yaml")),
             qPrintable(wf.errorMessage()));
}

void TestWorkflow::userWorkflowFile_drivesTheEngine()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("ops.yaml"), QByteArray(kSmall));
    auto wf = workflow::Workflow::load(path);
    QVERIFY2(wf.ok(), qPrintable(wf.errorMessage()));
    QCOMPARE(wf->name(), QStringLiteral("small"));
    QCOMPARE(wf->source(), path);
    // The defaults fill what the file leaves out: SLA policies and the seed 000 matrix.
    QCOMPARE(wf->policy(domain::Priority::P1).responseMinutes, 15);
    QCOMPARE(wf->matrix().priority(QStringLiteral("Enterprise-wide"), QStringLiteral("Critical")),
             domain::Priority::P1);
    QCOMPARE(wf->acknowledgeState(), QStringLiteral("working"));
    QCOMPARE(wf->staleCloseState(), QStringLiteral("done"));

    CoreFixture fx(path);
    const QString n = fx.open(QStringLiteral("disk full"), QStringLiteral("low"));
    QCOMPARE(fx.get(n).state, QStringLiteral("open"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}).ok());
    QCOMPARE(fx.get(n).state, QStringLiteral("working"));
    QVERIFY(fx.get(n).acknowledgedAt > 0);
    auto bad = fx.transition(n, QStringLiteral("done"));
    QVERIFY(!bad.ok());
    QVERIFY(fx.transition(n, QStringLiteral("done"), resolution()).ok());
    QCOMPARE(fx.get(n).open, false);
}

void TestWorkflow::userWorkflowFile_throughAppContext()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("ops.yaml"), QByteArray(kSmall));
    const QString db = dir.filePath(QStringLiteral("x.db"));
    {
        auto ctx = host::AppContext::open(db, path);
        QVERIFY2(ctx.ok(), qPrintable(ctx.errorMessage()));
        QCOMPARE((*ctx)->engine().workflow().name(), QStringLiteral("small"));
    }
    {
        // The database remembers its workflow.
        auto ctx = host::AppContext::open(db);
        QVERIFY2(ctx.ok(), qPrintable(ctx.errorMessage()));
        QCOMPARE((*ctx)->engine().workflow().name(), QStringLiteral("small"));
    }
    // A broken user file is refused with its name and line.
    const QString broken =
        writeFile(dir, QStringLiteral("broken.yaml"),
                  QByteArray(kSmall).replace("guards: [resolution_required]", "guards: [nope]"));
    auto ctx = host::AppContext::open(dir.filePath(QStringLiteral("y.db")), broken);
    QVERIFY(!ctx.ok());
    QVERIFY2(ctx.errorMessage().startsWith(broken + QStringLiteral(":9: ")),
             qPrintable(ctx.errorMessage()));
}

void TestWorkflow::everyPairOfStates_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<bool>("allowed");
    for (const QString &name : workflow::Workflow::presetNames()) {
        auto wf = workflow::Workflow::load(name);
        for (const auto &s : wf->states())
            for (const auto &t : wf->states()) {
                const bool allowed = wf->allowedTargets(s.id).contains(t.id);
                if (allowed || t.id != s.id)
                    QTest::newRow(qPrintable(
                        QStringLiteral("%1: %2 %3 %4")
                            .arg(name, s.id,
                                 allowed ? QStringLiteral("->") : QStringLiteral("-/->"), t.id)))
                        << name << s.id << t.id << allowed;
            }
    }
}

void TestWorkflow::everyPairOfStates()
{
    QFETCH(QString, preset);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(bool, allowed);
    CoreFixture fx(preset);
    const auto &wf = fx.eng().workflow();
    const QString n = fx.open(QStringLiteral("payments latency"), QStringLiteral("critical"));
    QVERIFY(!n.isEmpty());
    // Satisfy every guard up front: a human approval, the resolution fields and a commander.
    QVERIFY(fx.approve(n).ok());
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "resolution_note"}, {"value", "fixed"}})
                .ok());
    QVERIFY(
        fx.run(Command::Kind::SetField, n, {{"field", "root_cause"}, {"value", "config"}}).ok());
    QVERIFY(fx.run(Command::Kind::SetCommander, n, {{"commander", "carol"}}).ok());
    for (const QString &step : pathTo(wf, from)) {
        auto r = fx.transition(n, step);
        QVERIFY2(r.ok(), qPrintable(QStringLiteral("reaching %1: %2").arg(step, r.errorMessage())));
    }
    QCOMPARE(fx.get(n).state, from);
    fx.clock.advance(kMinute);
    const qint64 before = fx.store.maxSeq();
    auto r = fx.transition(n, to);
    if (allowed) {
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        const auto inc = fx.get(n);
        QCOMPARE(inc.state, to);
        QCOMPARE(inc.open, wf.state(to)->open);
        const auto tl = fx.store.timeline(inc.uid);
        bool found = false;
        for (const auto &e : tl)
            if (e.kind == domain::kinds::Transitioned && e.payload[u"from"].toString() == from &&
                e.payload[u"to"].toString() == to)
                found = true;
        QVERIFY(found);
        QVERIFY(fx.store.verify().ok);
        return;
    }
    // A forbidden step names the state, the target and what is allowed, and changes nothing.
    QVERIFY(!r.ok());
    const QString msg = r.errorMessage();
    QVERIFY2(msg.contains(QStringLiteral("'%1'").arg(from)), qPrintable(msg));
    QVERIFY2(msg.contains(QStringLiteral("'%1'").arg(to)), qPrintable(msg));
    const QStringList allowedTargets = wf.allowedTargets(from);
    QVERIFY2(msg.contains(allowedTargets.isEmpty() ? QStringLiteral("(none)")
                                                   : allowedTargets.join(QStringLiteral(", "))),
             qPrintable(msg));
    QVERIFY2(msg.contains(n), qPrintable(msg));
    QCOMPARE(fx.store.maxSeq(), before);
    QCOMPARE(fx.get(n).state, from);
    // whyNot says the same without trying.
    QVERIFY(!fx.eng().whyNot(fx.get(n), to).isEmpty());
}

void TestWorkflow::unknownState_listsStates()
{
    CoreFixture fx(QStringLiteral("itil"));
    const QString n = fx.open(QStringLiteral("printer on fire"), QStringLiteral("low"));
    auto r = fx.transition(n, QStringLiteral("Exploded"));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("unknown state 'Exploded'")),
             qPrintable(r.errorMessage()));
    QVERIFY2(r.errorMessage().contains(QStringLiteral("Pending Customer")),
             qPrintable(r.errorMessage()));
    // Names are matched case-insensitively, by label, with '-'/'_' for spaces.
    QVERIFY(fx.transition(n, QStringLiteral("in-progress")).ok());
    QCOMPARE(fx.get(n).state, QStringLiteral("In Progress"));
    QVERIFY(fx.transition(n, QStringLiteral("pending_customer")).ok());
    QCOMPARE(fx.get(n).state, QStringLiteral("Pending Customer"));
}

void TestWorkflow::sameState_isRejected()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    auto r = fx.transition(n, QStringLiteral("triggered"));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("already")), qPrintable(r.errorMessage()));
}

void TestWorkflow::severityDefined_guard_data()
{
    presetStateRows("target", {{"sre", {"acknowledged", "investigating"}},
                               {"itil", {"In Progress"}},
                               {"pipeline", {"TRIAGE"}}});
}

void TestWorkflow::severityDefined_guard()
{
    QFETCH(QString, target);
    CoreFixture fx(fetchedPreset());
    // An incident opened with a priority only takes its severity from the priority...
    const QString p3 = fx.open({{"title", "unclassified"}, {"priority", "P3"}});
    QVERIFY(!p3.isEmpty());
    QCOMPARE(fx.get(p3).severity, domain::Severity::Medium);
    QVERIFY(fx.transition(p3, target).ok());
    // ...and the guard stays for one recorded without (by an older replica).
    const QString n = fx.openWithoutSeverity(QStringLiteral("unclassified"), QStringLiteral("P3"));
    QVERIFY(!n.isEmpty());
    QCOMPARE(fx.get(n).severity, domain::Severity::Unknown);
    auto r = fx.transition(n, target);
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("severity is not set")),
             qPrintable(r.errorMessage()));
    QVERIFY2(r.errorMessage().contains(target), qPrintable(r.errorMessage()));
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "severity"}, {"value", "sev3"}}).ok());
    QVERIFY2(fx.transition(n, target).ok(), "passes once severity is set");
}

void TestWorkflow::p1ApprovalGate_sre()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("checkout down"), QStringLiteral("critical"));
    QCOMPARE(fx.get(n).priority, domain::Priority::P1);
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}).ok());
    const qint64 before = fx.store.maxSeq();
    auto r = fx.transition(n, QStringLiteral("mitigating"));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("approval")), qPrintable(r.errorMessage()));
    QVERIFY2(r.errorMessage().contains(QStringLiteral("P1")), qPrintable(r.errorMessage()));
    QCOMPARE(fx.store.maxSeq(), before);
    QVERIFY(fx.approve(n, QStringLiteral("mitigating"), QStringLiteral("dana")).ok());
    QCOMPARE(fx.get(n).approvals.value(u"mitigating").toString(), QStringLiteral("dana"));
    auto ok = fx.transition(n, QStringLiteral("mitigating"));
    QVERIFY2(ok.ok(), qPrintable(ok.errorMessage()));
    QVERIFY(fx.get(n).mitigatedAt > 0);
    // P2 needs no approval.
    const QString m = fx.open(QStringLiteral("slow search"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, m, {}).ok());
    QVERIFY(fx.transition(m, QStringLiteral("mitigating")).ok());
}

void TestWorkflow::p1ApprovalGate_itilResolve()
{
    CoreFixture fx(QStringLiteral("itil"));
    // Enterprise-wide x Critical = P1 through the matrix.
    const QString n =
        fx.open({{"title", "ERP down"}, {"impact", "Enterprise-wide"}, {"urgency", "Critical"}});
    QCOMPARE(fx.get(n).priority, domain::Priority::P1);
    QCOMPARE(fx.get(n).severity, domain::Severity::Critical); // from the priority
    QVERIFY(fx.transition(n, QStringLiteral("In Progress")).ok());
    auto r = fx.transition(n, QStringLiteral("Resolved"), resolution());
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("approval")), qPrintable(r.errorMessage()));
    // The fields given with the rejected transition were not kept.
    QVERIFY(fx.get(n).resolutionNote.isEmpty());
    QVERIFY(fx.approve(n, QStringLiteral("Resolved")).ok());
    QVERIFY(fx.transition(n, QStringLiteral("Resolved"), resolution()).ok());
}

void TestWorkflow::p1ApprovalGate_pipeline()
{
    CoreFixture fx(QStringLiteral("pipeline"));
    const QString n = fx.open(QStringLiteral("model serving 5xx"), QStringLiteral("critical"));
    QVERIFY(fx.transition(n, QStringLiteral("TRIAGE")).ok());
    auto r = fx.transition(n, QStringLiteral("MITIGATING"));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("approval")), qPrintable(r.errorMessage()));
    QVERIFY(fx.approve(n, QStringLiteral("mitigating")).ok()); // state names are matched loosely
    QCOMPARE(fx.get(n).approvals.keys(), QStringList{QStringLiteral("MITIGATING")});
    QVERIFY(fx.transition(n, QStringLiteral("MITIGATING")).ok());
    // P3 moves straight on.
    const QString m = fx.open(QStringLiteral("batch late"), QStringLiteral("medium"));
    QVERIFY(fx.transition(m, QStringLiteral("TRIAGE")).ok());
    QVERIFY(fx.transition(m, QStringLiteral("MITIGATING")).ok());
}

void TestWorkflow::p1Gate_followsSeverityWithoutImpactUrgency()
{
    // Incidents opened from alerts carry only a severity: priority follows it, so a critical
    // one still meets the P1 gate.
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("from an alert"), QStringLiteral("sev1"));
    QCOMPARE(fx.get(n).priority, domain::Priority::P1);
    QVERIFY(fx.transition(n, QStringLiteral("investigating")).ok());
    QVERIFY(!fx.transition(n, QStringLiteral("mitigating")).ok());
    // Raising severity later raises priority and with it the gate.
    const QString m = fx.open(QStringLiteral("creeping"), QStringLiteral("medium"));
    QVERIFY(fx.transition(m, QStringLiteral("investigating")).ok());
    QVERIFY(
        fx.run(Command::Kind::SetField, m, {{"field", "severity"}, {"value", "critical"}}).ok());
    QCOMPARE(fx.get(m).priority, domain::Priority::P1);
    QVERIFY(!fx.transition(m, QStringLiteral("mitigating")).ok());
}

void TestWorkflow::approval_needsNamedHuman()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("critical"));
    auto r = fx.approve(n, QStringLiteral("*"), engine::SystemActor);
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("human")), qPrintable(r.errorMessage()));
    auto bad = fx.approve(n, QStringLiteral("nirvana"));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("nirvana")),
             qPrintable(bad.errorMessage()));
    QVERIFY(fx.get(n).approvals.isEmpty());
}

void TestWorkflow::approval_forOtherStateDoesNotOpenGate()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("critical"));
    QVERIFY(fx.transition(n, QStringLiteral("investigating")).ok());
    QVERIFY(fx.approve(n, QStringLiteral("postmortem")).ok());
    QVERIFY(!fx.transition(n, QStringLiteral("mitigating")).ok());
    QVERIFY(fx.approve(n, QStringLiteral("*")).ok());
    QVERIFY(fx.transition(n, QStringLiteral("mitigating")).ok());
}

void TestWorkflow::resolve_needsNoteAndRootCause_data()
{
    presetStateRows(
        "target",
        {{"sre", {"resolved"}}, {"itil", {"Resolved", "Closed"}}, {"pipeline", {"RESOLVED"}}});
}

void TestWorkflow::resolve_needsNoteAndRootCause()
{
    QFETCH(QString, target);
    CoreFixture fx(fetchedPreset());
    const QString n = fx.open(QStringLiteral("dns flaps"), QStringLiteral("medium"));
    const qint64 before = fx.store.maxSeq();
    auto none = fx.transition(n, target);
    QVERIFY(!none.ok());
    QVERIFY2(none.errorMessage().contains(QStringLiteral("resolution note")),
             qPrintable(none.errorMessage()));
    QVERIFY2(none.errorMessage().contains(QStringLiteral("root-cause")),
             qPrintable(none.errorMessage()));
    auto noteOnly = fx.transition(n, target, {{"resolution_note", "restarted"}});
    QVERIFY(!noteOnly.ok());
    QVERIFY2(!noteOnly.errorMessage().contains(QStringLiteral("resolution note")),
             qPrintable(noteOnly.errorMessage()));
    QVERIFY2(noteOnly.errorMessage().contains(QStringLiteral("root-cause")),
             qPrintable(noteOnly.errorMessage()));
    auto causeOnly = fx.transition(n, target, {{"root_cause", "network"}});
    QVERIFY(!causeOnly.ok());
    QVERIFY2(causeOnly.errorMessage().contains(QStringLiteral("resolution note")),
             qPrintable(causeOnly.errorMessage()));
    auto blank = fx.transition(n, target, {{"resolution_note", "   "}, {"root_cause", "network"}});
    QVERIFY(!blank.ok());
    QCOMPARE(fx.store.maxSeq(), before);
    auto ok = fx.transition(
        n, target,
        {{"resolution_note", "restarted resolver"}, {"root_cause", "network"}, {"time_spent", 45}});
    QVERIFY2(ok.ok(), qPrintable(ok.errorMessage()));
    const auto inc = fx.get(n);
    QCOMPARE(inc.state, target);
    QCOMPARE(inc.resolutionNote, QStringLiteral("restarted resolver"));
    QCOMPARE(inc.rootCause, QStringLiteral("network"));
    QCOMPARE(inc.timeSpentMinutes, 45);
    QVERIFY(inc.resolvedAt > 0);
}

void TestWorkflow::staleCloseCode_acceptedForSystemSweep_data()
{
    presetStateRows("state",
                    {{"sre", {"resolved"}}, {"itil", {"Closed"}}, {"pipeline", {"RESOLVED"}}});
}

void TestWorkflow::staleCloseCode_acceptedForSystemSweep()
{
    QFETCH(QString, state);
    CoreFixture fx(fetchedPreset());
    const QString old1 = fx.open(QStringLiteral("forgotten one"), QStringLiteral("low"));
    const QString old2 = fx.open(QStringLiteral("forgotten two"), QStringLiteral("critical"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, old2, {}).ok());
    fx.clock.advance(20 * kDay);
    const QString fresh = fx.open(QStringLiteral("fresh"), QStringLiteral("low"));
    const QString touched = fx.open(QStringLiteral("touched"), QStringLiteral("low"));
    Q_UNUSED(touched);
    fx.clock.advance(20 * kDay);
    QVERIFY(fx.run(Command::Kind::Note, touched, {{"text", "still looking"}}).ok());
    fx.clock.advance(1 * kDay);

    const qint64 before = fx.store.maxSeq();
    auto dry = fx.eng().bulkCloseStale(30, true);
    QVERIFY(dry.ok());
    QStringList numbers;
    for (const auto &i : *dry)
        numbers << i.number;
    numbers.sort();
    QCOMPARE(numbers, (QStringList{old1, old2}));
    QCOMPARE(fx.store.maxSeq(), before);

    auto r = fx.eng().bulkCloseStale(30, false);
    QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
    QCOMPARE(r->size(), 2);
    for (const QString &n : {old1, old2}) {
        const auto inc = fx.get(n);
        QCOMPARE(inc.state, state);
        QCOMPARE(inc.closeCode, engine::StaleCloseCode);
        QVERIFY(!inc.open);
        const auto tl = fx.store.timeline(inc.uid);
        bool bySystem = false;
        for (const auto &e : tl)
            if (e.kind == domain::kinds::Transitioned)
                bySystem = e.actor == engine::SystemActor;
        QVERIFY(bySystem);
    }
    QVERIFY(fx.get(fresh).open);
    QVERIFY(fx.get(touched).open);
    // Nothing left to do on a second run.
    QCOMPARE(fx.eng().bulkCloseStale(30, false)->size(), 0);
    QVERIFY(!fx.eng().bulkCloseStale(0, true).ok());
    QVERIFY(fx.store.verify().ok);
}

void TestWorkflow::staleCloseCode_notAcceptedFromUsers()
{
    // The close code stands in for a human note only when the system sweep closes.
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    QVERIFY(fx.run(Command::Kind::SetField, n,
                   {{"field", "close_code"}, {"value", engine::StaleCloseCode}})
                .ok());
    auto r = fx.transition(n, QStringLiteral("resolved"));
    QVERIFY2(!r.ok(), "a user cannot skip the resolution note with the stale close code");
    QVERIFY2(r.errorMessage().contains(QStringLiteral("resolution note")),
             qPrintable(r.errorMessage()));
    auto viaArgs =
        fx.transition(n, QStringLiteral("resolved"), {{"close_code", engine::StaleCloseCode}});
    QVERIFY(!viaArgs.ok());
}

void TestWorkflow::staleCloseCode_doesNotSurviveReopen()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    fx.clock.advance(40 * kDay);
    QCOMPARE(fx.eng().bulkCloseStale(30, false)->size(), 1);
    QCOMPARE(fx.get(n).state, QStringLiteral("resolved"));
    QVERIFY(fx.transition(n, QStringLiteral("investigating")).ok());
    auto r = fx.transition(n, QStringLiteral("resolved"));
    QVERIFY2(!r.ok(), "a reopened incident needs a real resolution");
    QVERIFY(fx.transition(n, QStringLiteral("resolved"), resolution()).ok());
}

void TestWorkflow::approvalMarkedTransition_isGated()
{
    QTemporaryDir dir;
    QByteArray yaml = QByteArray(kSmall) + "  - from: working\n    to: open\n    approval: true\n";
    const QString path = writeFile(dir, QStringLiteral("gated.yaml"), yaml);
    CoreFixture fx(path);
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low")); // P4: no priority gate
    QVERIFY(fx.transition(n, QStringLiteral("working")).ok());
    auto r = fx.transition(n, QStringLiteral("open"));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("approval")), qPrintable(r.errorMessage()));
    QVERIFY2(r.errorMessage().contains(QStringLiteral("'open'")), qPrintable(r.errorMessage()));
    QVERIFY(fx.approve(n, QStringLiteral("done")).ok());
    QVERIFY(!fx.transition(n, QStringLiteral("open")).ok());
    QVERIFY(fx.approve(n, QStringLiteral("open")).ok());
    QVERIFY(fx.transition(n, QStringLiteral("open")).ok());
    // Seed 003's workflow_rules form: "approval: required" gates RESOLVED for complex failures.
    const QString rules = writeFile(dir, QStringLiteral("rules.yaml"),
                                    "states: [DETECTED, {id: RESOLVED, stamps: resolved}]\n"
                                    "workflow_rules:\n"
                                    "  - transition: DETECTED -> RESOLVED\n"
                                    "    validator: resolution_required\n"
                                    "    approval: required\n");
    CoreFixture fx2(rules);
    const QString m = fx2.open(QStringLiteral("y"), QStringLiteral("low"));
    QVERIFY(!fx2.transition(m, QStringLiteral("RESOLVED"), resolution()).ok());
    QVERIFY(fx2.approve(m, QStringLiteral("RESOLVED")).ok());
    QVERIFY(fx2.transition(m, QStringLiteral("RESOLVED"), resolution()).ok());
}

void TestWorkflow::approvalRequiredGuard_isGated()
{
    QTemporaryDir dir;
    const QString path = writeFile(
        dir, QStringLiteral("g.yaml"),
        "states: [a, b]\ntransitions:\n  - {from: a, to: b, guards: [approval_required]}\n");
    CoreFixture fx(path);
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    QVERIFY(!fx.transition(n, QStringLiteral("b")).ok());
    QVERIFY(fx.approve(n, QStringLiteral("b")).ok());
    QVERIFY(fx.transition(n, QStringLiteral("b")).ok());
}

void TestWorkflow::commanderAssignedGuard()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("c.yaml"),
                                   "states: [a, b]\ntransitions:\n  - {from: a, to: b, guards: "
                                   "[commander_assigned, always_true]}\n");
    CoreFixture fx(path);
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    auto r = fx.transition(n, QStringLiteral("b"));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("commander")), qPrintable(r.errorMessage()));
    QVERIFY(fx.run(Command::Kind::SetCommander, n, {{"commander", "erin"}}).ok());
    QVERIFY(fx.transition(n, QStringLiteral("b")).ok());
}

void TestWorkflow::actions_onResolve_draftPostmortemAndNotify()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("api errors"), QStringLiteral("high"));
    QVERIFY(fx.kindsOf(n).contains(domain::kinds::NotificationRequested)); // on_open: notify
    QVERIFY(fx.transition(n, QStringLiteral("resolved"), resolution()).ok());
    const QStringList k = fx.kindsOf(n);
    QCOMPARE(k.count(domain::kinds::PostmortemDrafted), 1);
    QCOMPARE(k.count(domain::kinds::NotificationRequested), 2);
    QCOMPARE(fx.get(n).extra.value(u"postmortem").toString(), QStringLiteral("draft"));
    // resolved -> postmortem drafts again only if none exists.
    QVERIFY(fx.transition(n, QStringLiteral("postmortem")).ok());
    QCOMPARE(fx.kindsOf(n).count(domain::kinds::PostmortemDrafted), 1);
    QVERIFY(fx.get(n).closedAt > 0);
    // The notification carries the policy's channels.
    for (const auto &e : fx.store.timeline(fx.get(n).uid))
        if (e.kind == domain::kinds::NotificationRequested)
            QCOMPARE(e.payload[u"channels"].toArray().first().toString(),
                     QStringLiteral("page_oncall"));
}

void TestWorkflow::actions_pipelineRemediationAndPostmortemTicket()
{
    CoreFixture fx(QStringLiteral("pipeline"));
    const QString n = fx.open(QStringLiteral("disk pressure"), QStringLiteral("high"));
    QVERIFY(fx.transition(n, QStringLiteral("TRIAGE")).ok());
    QVERIFY(!fx.get(n).assignee.isEmpty()); // DETECTED -> TRIAGE assigns on-call
    QVERIFY(fx.transition(n, QStringLiteral("MITIGATING")).ok());
    const auto tl = fx.store.timeline(fx.get(n).uid);
    bool remediation = false;
    for (const auto &e : tl)
        if (e.kind == domain::kinds::RemediationRequested) {
            remediation = true;
            QCOMPARE(e.payload[u"auto_remediation"].toBool(), true);
        }
    QVERIFY(remediation);
    QVERIFY(fx.transition(n, QStringLiteral("RESOLVED"), resolution()).ok());
    QVERIFY(fx.transition(n, QStringLiteral("POST_MORTEM")).ok());
    QCOMPARE(fx.kindsOf(n).count(domain::kinds::PostmortemDrafted), 1);
}

void TestWorkflow::timestamps_stampedPerState_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QStringList>("path");
    QTest::newRow("sre") << "sre"
                         << QStringList{"acknowledged", "investigating", "mitigating", "resolved",
                                        "postmortem"};
    QTest::newRow("itil") << "itil"
                          << QStringList{"In Progress", "Pending Vendor", "Resolved", "Closed"};
    QTest::newRow("pipeline") << "pipeline"
                              << QStringList{"TRIAGE", "MITIGATING", "RESOLVED", "POST_MORTEM"};
}

void TestWorkflow::timestamps_stampedPerState()
{
    QFETCH(QString, preset);
    QFETCH(QStringList, path);
    CoreFixture fx(preset);
    const auto &wf = fx.eng().workflow();
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "resolution_note"}, {"value", "fixed"}})
                .ok());
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "root_cause"}, {"value", "bug"}}).ok());
    QHash<QString, qint64> at;
    for (const QString &s : path) {
        fx.clock.advance(7 * kMinute);
        auto r = fx.transition(n, s);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        if (!wf.state(s)->stamps.isEmpty() && !at.contains(wf.state(s)->stamps))
            at.insert(wf.state(s)->stamps, fx.clock.nowMs());
    }
    const auto inc = fx.get(n);
    QCOMPARE(inc.acknowledgedAt, at.value(QStringLiteral("acknowledged")));
    QCOMPARE(inc.mitigatedAt, at.value(QStringLiteral("mitigated")));
    QCOMPARE(inc.resolvedAt, at.value(QStringLiteral("resolved")));
    QCOMPARE(inc.closedAt, at.value(QStringLiteral("closed")));
}

void TestWorkflow::reopen_clearsResolvedStamp()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    QVERIFY(fx.transition(n, QStringLiteral("resolved"), resolution()).ok());
    QVERIFY(fx.get(n).resolvedAt > 0);
    QVERIFY(!fx.get(n).open);
    QVERIFY(fx.transition(n, QStringLiteral("investigating")).ok());
    QCOMPARE(fx.get(n).resolvedAt, 0);
    QVERIFY(fx.get(n).open);
    fx.clock.advance(kHour);
    QVERIFY(fx.transition(n, QStringLiteral("resolved")).ok()); // note and cause are still recorded
    QCOMPARE(fx.get(n).resolvedAt, fx.clock.nowMs());
}

void TestWorkflow::rejectedCommand_changesNothing()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("high"));
    const auto before = fx.get(n);
    const qint64 seq = fx.store.maxSeq();
    QList<Result<engine::Outcome>> rs;
    rs << fx.transition(n, QStringLiteral("postmortem"));
    rs << fx.run(Command::Kind::SetField, n, {{"field", "severity"}, {"value", "apocalyptic"}});
    rs << fx.run(Command::Kind::SetField, n, {{"field", "state"}, {"value", "resolved"}});
    rs << fx.run(Command::Kind::SetField, n, {{"field", "bogus"}, {"value", "1"}});
    rs << fx.run(Command::Kind::Note, n, {{"text", "  "}});
    rs << fx.run(Command::Kind::Note, QStringLiteral("INC9999999"), {{"text", "hello"}});
    rs << fx.run(Command::Kind::Assign, n, {{"group", "Nobody"}});
    rs << fx.run(Command::Kind::AttachEvidence, n, {{"url", "not a url"}});
    rs << fx.run(Command::Kind::AttachEvidence, n, {{"path", fx.dir.filePath("missing.png")}});
    rs << fx.run(Command::Kind::Record, n, {{"kind", domain::kinds::Opened}});
    rs << fx.run(Command::Kind::StatusUpdate, n, {{"message", "x"}, {"visibility", "everyone"}});
    rs << fx.run(Command::Kind::ActionItem, n, {{"title", "x"}, {"due", "tomorrow"}});
    rs << fx.engine->execute(Command::open({{"title", ""}, {"severity", "low"}}));
    rs << fx.engine->execute(
        Command::open({{"title", "x"}, {"severity", "low"}, {"impact", "Single user"}}));
    for (const auto &r : rs) {
        QVERIFY(!r.ok());
        QVERIFY(!r.errorMessage().isEmpty());
        QVERIFY2(!r.errorMessage().contains(u'\n'), qPrintable(r.errorMessage()));
    }
    QCOMPARE(fx.store.maxSeq(), seq);
    const auto after = fx.get(n);
    QCOMPARE(after.toJson(), before.toJson());
    QCOMPARE(fx.store.incidentCount(), 1);
    // A batch keeps the good commands and reports the bad ones in their slots.
    auto b = fx.eng().executeBatch({Command::note(n, QStringLiteral("one")),
                                    Command::transition(n, QStringLiteral("nowhere")),
                                    Command::note(n, QStringLiteral("two"))});
    QVERIFY(b.ok());
    QVERIFY((*b)[0].ok());
    QVERIFY(!(*b)[1].ok());
    QVERIFY((*b)[2].ok());
    QCOMPARE(fx.store.maxSeq(), seq + 2);
    QVERIFY(fx.store.verify().ok);
}

void TestWorkflow::batch_sameIncidentByDifferentRefs_keepsChain()
{
    // A batch that names one incident by number, by its numeric part and by UUID must
    // chain every event onto the one before it.
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("low"));
    const QString uid = fx.get(n).uid;
    auto b = fx.eng().executeBatch(
        {Command::note(n, QStringLiteral("by number")),
         Command::note(QStringLiteral("1"), QStringLiteral("by short number")),
         Command::note(uid.toUpper(), QStringLiteral("by upper-case uuid")),
         Command::note(n.toLower(), QStringLiteral("by lower-case number"))});
    QVERIFY(b.ok());
    for (const auto &r : *b)
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
    int notes = 0;
    for (const auto &e : fx.store.timeline(uid))
        notes += e.kind == domain::kinds::NoteAdded;
    QCOMPARE(notes, 4);
    const auto rep = fx.store.verify();
    QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));
    QCOMPARE(fx.get(n).eventCount, qint64(fx.store.timeline(uid).size()));
}

void TestWorkflow::whyNot_and_allowedTransitions()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("x"), QStringLiteral("critical"));
    const auto inc = fx.get(n);
    QCOMPARE(fx.eng().allowedTransitions(inc),
             (QStringList{"acknowledged", "investigating", "resolved"}));
    QVERIFY(fx.eng().whyNot(inc, QStringLiteral("acknowledged")).isEmpty());
    QVERIFY(fx.eng()
                .whyNot(inc, QStringLiteral("resolved"))
                .contains(QStringLiteral("resolution note")));
    QVERIFY(fx.eng().whyNot(inc, QStringLiteral("postmortem")).contains(QStringLiteral("allowed")));
}

void TestWorkflow::statusUpdateMinutes_perPriority()
{
    const QByteArray head = "name: x\nstates: [a, {id: b, stamps: resolved}]\ntransitions: [{from: "
                            "a, to: b}]\npriorities:\n";
    auto wf = workflow::Workflow::fromYaml(
        head + "  P1: {response_minutes: 5, status_update_minutes: 10}\n"
               "  P2: {response_minutes: 15}\n"
               "  P4: {response_minutes: 60, status_update_minutes: }\n",
        QStringLiteral("x.yaml"));
    QVERIFY2(wf.ok(), qPrintable(wf.errorMessage()));
    QCOMPARE(wf->policy(domain::Priority::P1).statusUpdateMinutes, 10);
    QCOMPARE(wf->policy(domain::Priority::P2).statusUpdateMinutes, 15); // seed 004's default
    QCOMPARE(wf->policy(domain::Priority::P4).statusUpdateMinutes, 0);  // empty: no reminder
    auto bad = workflow::Workflow::fromYaml(head + "  P1: {status_update_minutes: soon}\n",
                                            QStringLiteral("bad.yaml"));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("status_update_minutes")),
             qPrintable(bad.errorMessage()));
}

QTEST_GUILESS_MAIN(TestWorkflow)
#include "tst_workflow.moc"
