// SPDX-License-Identifier: MIT
// LifecycleEngine on its own, on a real SQLite file: the commands (open, transition,
// assign, note, priority), the sre workflow's rules and approval gates, the priority
// matrix, the timestamps it stamps, what it does with repeated commands and batches, the
// per-incident hash chain and the actor of every event. Values come from
// resources/workflows/sre.yaml, the default priority matrix and resources/config/oncall.yaml.
#include "unit/coretestutil.h"

#include "domain/canonicaljson.h"
#include "domain/event.h"
#include "domain/incident.h"
#include "engine/fieldrules.h"
#include "engine/projection.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <utility>

using namespace sitrep;
using namespace sitrep::testing;
using domain::Priority;
using domain::Severity;
using engine::Command;

namespace {

qint64 eventRows(store::Store &store)
{
    auto q = store.db().prepareOnce(QStringLiteral("SELECT COUNT(*) FROM events"));
    return q && q->step() ? store::RowReader(*q).int64() : -1;
}

/// Everything a refused command must leave alone: the log, the projection and the numbers.
struct Snapshot {
    qint64 events = 0;
    qint64 incidents = 0;
    qint64 maxSeq = 0;
    QList<QJsonObject> rows;

    static Snapshot take(store::Store &store)
    {
        Snapshot s;
        s.events = eventRows(store);
        s.incidents = store.incidentCount();
        s.maxSeq = store.maxSeq();
        store::ListQuery q;
        q.limit = 1000;
        q.sort = store::SortKey::Number;
        q.descending = false;
        for (const auto &i : store.list(q))
            s.rows << i.toJson();
        return s;
    }
    bool operator==(const Snapshot &o) const
    {
        return events == o.events && incidents == o.incidents && maxSeq == o.maxSeq &&
               rows == o.rows;
    }
};

QStringList kinds(const engine::Outcome &o)
{
    QStringList out;
    for (const auto &e : o.events)
        out << e.kind;
    return out;
}

/// Opens an incident with `title`, `severity` and one more field, as `actor`.
Result<engine::Outcome> openWith(CoreFixture &fx, const char *title, const char *severity,
                                 std::pair<const char *, const char *> field,
                                 const char *actor = "user")
{
    return fx.engine->execute(
        Command::open({{QStringLiteral("title"), QString::fromUtf8(title)},
                       {QStringLiteral("severity"), QString::fromLatin1(severity)},
                       {QString::fromLatin1(field.first), QString::fromUtf8(field.second)}},
                      QString::fromUtf8(actor)));
}

/// The arguments of a set_field command.
QJsonObject fieldValue(const QString &field, const QString &value)
{
    return {{QStringLiteral("field"), field}, {QStringLiteral("value"), value}};
}

/// Sets `field` of incident `n` to `value`, as the fixture's commands do.
Result<engine::Outcome> setField(CoreFixture &fx, const QString &n, const char *field,
                                 const char *value)
{
    return fx.run(Command::Kind::SetField, n,
                  fieldValue(QString::fromLatin1(field), QString::fromUtf8(value)));
}

/// The error a set_field command is refused with; "(accepted)" when it was not refused.
QString setFieldRefusal(CoreFixture &fx, const QString &n, const char *field, const char *value)
{
    const auto r = setField(fx, n, field, value);
    return r ? QStringLiteral("(accepted)") : r.errorMessage();
}

/// Every field of an incident, stored or not.
QJsonObject allFields(const domain::Incident &i)
{
    QJsonObject o = i.toJson();
    QStringList linked(i.linkedHere.cbegin(), i.linkedHere.cend());
    linked.sort();
    o[u"rowid"] = i.rowid;
    o[u"head_hash"] = i.headHash;
    o[u"event_count"] = i.eventCount;
    o[u"alerts_in_table"] = i.alertsInTable;
    o[u"linked_here"] = QJsonArray::fromStringList(linked);
    o[u"sla_paused_since"] = i.slaPausedSince;
    o[u"last_status_update_at"] = i.lastStatusUpdateAt;
    o[u"numbered_by_backend"] = i.numberedByBackend;
    return o;
}

/// A projection that asks the store for the incident of every event it folds.
class AskingProjection final : public engine::Projection {
public:
    QList<domain::Incident> seen;
    QString name() const override { return QStringLiteral("test_asking"); }
    Status apply(store::Store &store, const QList<domain::Event> &events) override
    {
        for (const auto &e : events)
            if (auto inc = store.incidentByUid(e.incidentUid))
                seen << *inc;
        return {};
    }
    Status reset(store::Store &) override { return {}; }
    QStringList tables() const override { return {}; }
};

} // namespace

class TestLifecycleEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void open_recordsEventsAndDerivedFields();
    void open_routesByServiceAndKeepsGivenAssignee();
    void payloads_sameAsBuiltByInserts();
    void open_numberPrefixAndOnOpenIds();
    void open_invalid_refusedAndNothingWritten_data();
    void open_invalid_refusedAndNothingWritten();
    void priorityMatrix_impactTimesUrgency_data();
    void priorityMatrix_impactTimesUrgency();
    void priority_followsSeverityImpactAndUrgencyChanges();
    void priority_setDirectly_movesDeadlines();
    void transition_fullPath_stampsAcknowledgedMitigatedResolvedClosed();
    void transition_leavingInitialForWorkingState_acknowledges();
    void transition_reopen_clearsResolvedStamp();
    void transition_illegal_refusedWithClearError_nothingWritten_data();
    void transition_illegal_refusedWithClearError_nothingWritten();
    void transition_guardRefusal_dropsFieldsGivenWithIt();
    void acknowledge_twice_isRefused();
    void approvalGate_p1MitigationNeedsApproval();
    void approvalGate_p2IsNotGated();
    void approvalGate_approvalForAnotherStateDoesNotOpenIt();
    void approval_whoMayApprove_data();
    void approval_whoMayApprove();
    void approvalFlag_workflowGatedTransition();
    void assign_personGroupAndOnCall();
    void note_textRules();
    void sameCommandTwice_secondIsNoOp_data();
    void sameCommandTwice_secondIsNoOp();
    void open_sameUidTwice_oneIncident();
    void mergeRemote_sameEventsTwice_appliedOnce();
    void batch_rejectedSlotChangesNothing_othersCommitTogether();
    void batch_laterCommandsSeeEarlierOnes();
    void batch_failingCommit_writesNothing();
    void batch_searchDocumentsWrittenLast_findAndRebuildAlike();
    void batch_projectionsSeeIncidentsAsStored();
    void batch_onceOnlyEventsOfAnIncidentOpenedInIt_recordedOnce();
    void recentIncident_continuedAcrossBatchesAsStored();
    void recentIncident_readAgainOnceChangedElsewhere();
    void recentIncident_acrossGenerations_continuedAsStored();
    void hashChain_continuesAcrossCommandsBatchesAndReopen();
    void hlc_strictlyIncreasesWithinAndAcrossCommits();
    void events_carryTheActor();
    void eventsAppended_onceAfterCommit_neverOnRefusal();
};

void TestLifecycleEngine::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestLifecycleEngine::open_recordsEventsAndDerivedFields()
{
    CoreFixture fx;
    auto r = openWith(fx, "  Checkout latency  ", "high", {"description", "p99 over 2s"}, "ana");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->number, QStringLiteral("INC0000001"));
    QVERIFY(!r->noop);
    // sre on_open: [assign_on_call, notify]; the default route is Platform Engineering.
    QCOMPARE(kinds(*r), (QStringList{domain::kinds::Opened, domain::kinds::Assigned,
                                     domain::kinds::NotificationRequested}));
    const auto &opened = r->events[0].payload;
    QCOMPARE(opened[u"state"].toString(), QStringLiteral("triggered"));
    QCOMPARE(opened[u"workflow"].toString(), QStringLiteral("sre"));
    QCOMPARE(opened[u"sla"].toString(), QStringLiteral("running"));
    QCOMPARE(opened[u"response_minutes"].toInt(), 15);
    QCOMPARE(opened[u"resolution_minutes"].toInt(), 480);
    const auto &assigned = r->events[1].payload;
    QCOMPARE(assigned[u"group"].toString(), QStringLiteral("Platform Engineering"));
    QCOMPARE(assigned[u"via"].toString(), QStringLiteral("on-call"));
    // Weekly rotation from 2026-01-05 09:00: eight whole weeks later it is the first member again.
    QCOMPARE(assigned[u"assignee"].toString(), QStringLiteral("alice.nguyen"));
    const auto &notified = r->events[2].payload;
    QCOMPARE(notified[u"reason"].toString(), QStringLiteral("opened"));
    QCOMPARE(notified[u"priority"].toString(), QStringLiteral("P2"));
    QCOMPARE(notified[u"channels"].toArray(),
             (QJsonArray{QStringLiteral("page_oncall"), QStringLiteral("slack_ops")}));

    const auto inc = fx.get(r->number);
    QCOMPARE(inc.uid, r->incidentUid);
    QCOMPARE(inc.title, QStringLiteral("Checkout latency"));
    QCOMPARE(inc.description, QStringLiteral("p99 over 2s"));
    QCOMPARE(inc.severity, Severity::High);
    QCOMPARE(inc.priority, Priority::P2); // from the severity: no impact or urgency given
    QCOMPARE(inc.state, QStringLiteral("triggered"));
    QVERIFY(inc.open);
    QCOMPARE(inc.reporter, QStringLiteral("ana"));
    QCOMPARE(inc.assignee, QStringLiteral("alice.nguyen"));
    QCOMPARE(inc.assignmentGroup, QStringLiteral("Platform Engineering"));
    QCOMPARE(inc.createdAt, baseTime());
    QCOMPARE(inc.updatedAt, baseTime());
    QCOMPARE(inc.responseDue, baseTime() + 15 * kMinute);
    QCOMPARE(inc.resolutionDue, baseTime() + 480 * kMinute);
    QCOMPARE(inc.acknowledgedAt, 0);
    QCOMPARE(inc.resolvedAt, 0);
    QCOMPARE(inc.eventCount, 3);
    QCOMPARE(eventRows(fx.store), 3);

    // Numbers are sequential.
    QCOMPARE(fx.open(QStringLiteral("second"), QStringLiteral("low")),
             QStringLiteral("INC0000002"));
}

void TestLifecycleEngine::open_routesByServiceAndKeepsGivenAssignee()
{
    CoreFixture fx;
    // checkout routes to Payments (84-hour rotation from 2026-01-05 08:00: shift 16, member 1).
    auto r = openWith(fx, "Card declines", "medium", {"services", "checkout, web"}, "ana");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    auto inc = fx.get(r->number);
    QCOMPARE(inc.services, (QStringList{QStringLiteral("checkout"), QStringLiteral("web")}));
    QCOMPARE(inc.assignmentGroup, QStringLiteral("Payments"));
    QCOMPARE(inc.assignee, QStringLiteral("ines.moreau"));
    QCOMPARE(inc.priority, Priority::P3);

    // A named assignee is kept: no group is routed and the on-call action has nothing to do.
    auto g = openWith(fx, "Disk full", "low", {"assignee", "zoe"});
    QVERIFY2(g, qPrintable(g.errorMessage()));
    QCOMPARE(kinds(*g), (QStringList{domain::kinds::Opened, domain::kinds::NotificationRequested}));
    inc = fx.get(g->number);
    QCOMPARE(inc.assignee, QStringLiteral("zoe"));
    QCOMPARE(inc.assignmentGroup, QString());
}

// The engine writes its payloads in key order straight into their canonical bytes. Each
// must be the object the engine used to build by inserts (spelled out here), its bytes what
// canonicalJson() writes for that object, and the log must hold exactly those bytes.
void TestLifecycleEngine::payloads_sameAsBuiltByInserts()
{
    CoreFixture fx;
    const auto &wf = fx.engine->workflow();
    const auto *initial = wf.state(wf.initialState());
    QList<domain::Event> all;
    const auto check = [&](const domain::Event &e, const QJsonObject &want) {
        QCOMPARE(e.payload, want);
        QCOMPARE(e.payload.keys(), want.keys());
        QCOMPARE(e.payloadRaw, domain::canonicalJson(want));
        QCOMPARE(e.payloadRaw, QJsonDocument(want).toJson(QJsonDocument::Compact));
    };
    // As the engine built the opening before, from the command's arguments.
    const auto opening = [&](const QJsonObject &a, const QString &number, Severity sev,
                             Priority prio, const QString &impact, const QString &urgency,
                             const QString &group) {
        const auto list = [](const QJsonValue &v) {
            QStringList out;
            const QStringList parts = v.isArray() ? v.toVariant().toStringList()
                                                  : v.toString().split(u',', Qt::SkipEmptyParts);
            for (const QString &p : parts)
                if (!p.trimmed().isEmpty())
                    out << p.trimmed();
            out.removeDuplicates();
            return out;
        };
        const auto pol = wf.policy(prio);
        QJsonObject p{
            {QStringLiteral("number"), number},
            {QStringLiteral("title"), a[u"title"].toString().trimmed()},
            {QStringLiteral("description"), a[u"description"].toString().trimmed()},
            {QStringLiteral("severity"), domain::severityName(sev)},
            {QStringLiteral("priority"), domain::priorityName(prio)},
            {QStringLiteral("impact"), impact},
            {QStringLiteral("urgency"), urgency},
            {QStringLiteral("category"), a[u"category"].toString().trimmed()},
            {QStringLiteral("subcategory"), a[u"subcategory"].toString().trimmed()},
            {QStringLiteral("services"), QJsonArray::fromStringList(list(a[u"services"]))},
            {QStringLiteral("cis"), QJsonArray::fromStringList(list(a[u"cis"]))},
            {QStringLiteral("assignee"), a[u"assignee"].toString().trimmed()},
            {QStringLiteral("assignment_group"), group},
            {QStringLiteral("reporter"),
             a[u"reporter"].toString(QStringLiteral("tester")).trimmed()},
            {QStringLiteral("commander"), a[u"commander"].toString().trimmed()},
            {QStringLiteral("alerts"), QJsonArray::fromStringList(list(a[u"alerts"]))},
            {QStringLiteral("state"), initial->id},
            {QStringLiteral("open"), initial->open},
            {QStringLiteral("sla"), workflow::slaModeName(initial->sla)},
            {QStringLiteral("response_minutes"), pol.responseMinutes},
            {QStringLiteral("resolution_minutes"), pol.resolutionMinutes},
            {QStringLiteral("workflow"), wf.name()},
        };
        if (a.contains(u"source"))
            p[u"source"] = a[u"source"];
        return p;
    };

    // Everything given, with text that needs escapes and a source that is an object.
    const QJsonObject full{
        {QStringLiteral("title"), QStringLiteral(" Card declines \u2014 caf\u00e9 \"EU\" ")},
        {QStringLiteral("description"), QStringLiteral("line one\nline\ttwo \\ \U0001F525")},
        {QStringLiteral("severity"), QStringLiteral("high")},
        {QStringLiteral("category"), QStringLiteral("software")},
        {QStringLiteral("subcategory"), QStringLiteral(" payments ")},
        {QStringLiteral("services"), QStringLiteral("checkout, web, checkout")},
        {QStringLiteral("cis"), QJsonArray{QStringLiteral("db-1"), QStringLiteral(" db-2 ")}},
        {QStringLiteral("alerts"), QStringLiteral("a1,a2")},
        {QStringLiteral("reporter"), QStringLiteral(" rita ")},
        {QStringLiteral("commander"), QStringLiteral("carl")},
        {QStringLiteral("source"),
         QJsonObject{{QStringLiteral("tool"), QStringLiteral("alertmanager")},
                     {QStringLiteral("n"), 3.0},
                     {QStringLiteral("z"), QJsonValue::Null}}}};
    auto r = fx.engine->execute(Command::open(full, QStringLiteral("tester")));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    auto inc = fx.get(r->number);
    QCOMPARE(kinds(*r), (QStringList{domain::kinds::Opened, domain::kinds::Assigned,
                                     domain::kinds::NotificationRequested}));
    check(r->events[0], opening(full, r->number, Severity::High, Priority::P2, {}, {},
                                QStringLiteral("Payments")));
    check(r->events[1], {{QStringLiteral("assignee"), inc.assignee},
                         {QStringLiteral("group"), QStringLiteral("Payments")},
                         {QStringLiteral("via"), QStringLiteral("on-call")}});
    check(r->events[2], {{QStringLiteral("channels"),
                          QJsonArray::fromStringList(wf.policy(Priority::P2).notificationChannels)},
                         {QStringLiteral("reason"), QStringLiteral("opened")},
                         {QStringLiteral("priority"), QStringLiteral("P2")},
                         {QStringLiteral("severity"), QStringLiteral("high")}});
    all += r->events;
    const QString first = r->number;

    // Impact and urgency, an assignee (no routing), a source that is a string.
    const QJsonObject matrix{{QStringLiteral("title"), QStringLiteral("Disk full")},
                             {QStringLiteral("impact"), QStringLiteral("Single department")},
                             {QStringLiteral("urgency"), QStringLiteral("low")},
                             {QStringLiteral("assignee"), QStringLiteral("zoe")},
                             {QStringLiteral("source"), QStringLiteral("cli")}};
    r = fx.engine->execute(Command::open(matrix, QStringLiteral("tester")));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    inc = fx.get(r->number);
    check(r->events[0], opening(matrix, r->number, inc.severity, inc.priority,
                                QStringLiteral("Single department"), QStringLiteral("Low"), {}));
    all += r->events;

    // Leaving the initial state for a working state acknowledges; a note comes with it.
    r = fx.engine->execute(
        Command::transition(first, QStringLiteral("investigating"), QStringLiteral("tester"),
                            {{QStringLiteral("note"), QStringLiteral(" on it ")}}));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(kinds(*r), (QStringList{domain::kinds::NoteAdded, domain::kinds::Transitioned}));
    check(r->events[0], {{QStringLiteral("text"), QStringLiteral("on it")}});
    const auto *investigating = wf.state(QStringLiteral("investigating"));
    check(r->events[1], {{QStringLiteral("from"), QStringLiteral("triggered")},
                         {QStringLiteral("to"), QStringLiteral("investigating")},
                         {QStringLiteral("open"), true},
                         {QStringLiteral("stamps"), investigating->stamps},
                         {QStringLiteral("sla"), workflow::slaModeName(investigating->sla)},
                         {QStringLiteral("acknowledges"), true}});
    all += r->events;

    // Mitigating: a transition that does not acknowledge, then notify and remediation.
    r = fx.transition(first, QStringLiteral("mitigating"));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(kinds(*r),
             (QStringList{domain::kinds::Transitioned, domain::kinds::NotificationRequested,
                          domain::kinds::RemediationRequested}));
    const auto *mitigating = wf.state(QStringLiteral("mitigating"));
    check(r->events[0], {{QStringLiteral("from"), QStringLiteral("investigating")},
                         {QStringLiteral("to"), QStringLiteral("mitigating")},
                         {QStringLiteral("open"), true},
                         {QStringLiteral("stamps"), mitigating->stamps},
                         {QStringLiteral("sla"), workflow::slaModeName(mitigating->sla)}});
    check(r->events[1], {{QStringLiteral("channels"),
                          QJsonArray::fromStringList(wf.policy(Priority::P2).notificationChannels)},
                         {QStringLiteral("reason"), QStringLiteral("transition to mitigating")},
                         {QStringLiteral("priority"), QStringLiteral("P2")},
                         {QStringLiteral("severity"), QStringLiteral("high")}});
    const auto pol = wf.policy(Priority::P2);
    check(r->events[2], {{QStringLiteral("state"), QStringLiteral("mitigating")},
                         {QStringLiteral("auto_remediation"), pol.autoRemediation},
                         {QStringLiteral("approval_required"), pol.approvalRequired}});
    all += r->events;

    // A note with a visibility, kept as given.
    r = fx.run(Command::Kind::Note, first,
               {{QStringLiteral("text"), QStringLiteral("customer \"EU\" affected")},
                {QStringLiteral("visibility"), QStringLiteral("external")}});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    check(r->events[0], {{QStringLiteral("text"), QStringLiteral("customer \"EU\" affected")},
                         {QStringLiteral("visibility"), QStringLiteral("external")}});
    all += r->events;

    // The log holds those very bytes and hashes, and reads back the same payloads.
    QList<domain::Event> stored;
    for (const QString &uid : {fx.get(first).uid, inc.uid})
        stored += fx.store.timeline(uid);
    QCOMPARE(stored.size(), all.size());
    for (const domain::Event &e : std::as_const(all)) {
        const auto it = std::find_if(stored.cbegin(), stored.cend(),
                                     [&](const domain::Event &s) { return s.id == e.id; });
        QVERIFY(it != stored.cend());
        QCOMPARE(it->payloadRaw, e.payloadRaw);
        QCOMPARE(it->payload, e.payload);
        QCOMPARE(it->hash, e.hash);
        QCOMPARE(e.hash, e.computeHash());
    }
    QCOMPARE(faultsFound(fx.store), QString());
}

// The number prefix (meta number_prefix) is read once per batch: every opening of a batch has
// it, and a later batch the prefix set since. The once-only ids of what the opening does are
// keyed "on_open/<action>/<place>".
void TestLifecycleEngine::open_numberPrefixAndOnOpenIds()
{
    CoreFixture fx;
    const auto openBatch = [&fx](int n) {
        QList<Command> batch;
        for (int i = 0; i < n; ++i)
            batch << Command::open({{QStringLiteral("title"), QStringLiteral("Batch %1").arg(i)},
                                    {QStringLiteral("severity"), QStringLiteral("high")},
                                    {QStringLiteral("services"), QStringLiteral("checkout")}},
                                   QStringLiteral("tester"));
        QList<engine::Outcome> out;
        auto r = fx.engine->executeBatch(batch);
        if (r)
            for (const auto &slot : *r)
                if (slot)
                    out << *slot;
        return out;
    };
    QVERIFY(fx.store.setMeta(QStringLiteral("number_prefix"), QStringLiteral("TMP-AB12-")));
    auto first = openBatch(3);
    QCOMPARE(first.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(first[i].number,
                 QStringLiteral("TMP-AB12-%1").arg(i + 1, 7, 10, QLatin1Char('0')));
    QVERIFY(fx.store.setMeta(QStringLiteral("number_prefix"), QStringLiteral("XY-")));
    auto second = openBatch(2);
    QCOMPARE(second.size(), 2);
    QCOMPARE(second[0].number, QStringLiteral("XY-0000004"));
    QCOMPARE(second[1].number, QStringLiteral("XY-0000005"));

    const engine::Outcome &o = first[0];
    QCOMPARE(kinds(o), (QStringList{domain::kinds::Opened, domain::kinds::Assigned,
                                    domain::kinds::NotificationRequested}));
    QCOMPARE(o.events[0].id, domain::onceEventId(o.incidentUid, domain::kinds::Opened, {}));
    QCOMPARE(o.events[1].id, domain::onceEventId(o.incidentUid, domain::kinds::Assigned,
                                                 QStringLiteral("on_open/assign_on_call/0")));
    QCOMPARE(o.events[2].id,
             domain::onceEventId(o.incidentUid, domain::kinds::NotificationRequested,
                                 QStringLiteral("on_open/notify/1")));
}

void TestLifecycleEngine::open_invalid_refusedAndNothingWritten_data()
{
    QTest::addColumn<QJsonObject>("args");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("code");
    const auto row = [](const char *name, const QJsonObject &args, const char *message,
                        const char *code) {
        QTest::newRow(name) << args << QString::fromUtf8(message) << QString::fromLatin1(code);
    };
    const QString t = QStringLiteral("title");
    row("no title", {{QStringLiteral("severity"), QStringLiteral("low")}}, "title", "invalid");
    row("blank title",
        {{t, QStringLiteral("   ")}, {QStringLiteral("severity"), QStringLiteral("low")}}, "title",
        "invalid");
    row("no severity nor priority", {{t, QStringLiteral("x")}},
        "severity is required (critical, high, medium, low)", "invalid");
    row("unknown severity",
        {{t, QStringLiteral("x")}, {QStringLiteral("severity"), QStringLiteral("apocalyptic")}},
        "unknown severity 'apocalyptic' (critical, high, medium, low)", "invalid");
    row("unknown priority",
        {{t, QStringLiteral("x")}, {QStringLiteral("priority"), QStringLiteral("P9")}},
        "unknown priority 'P9' (P1, P2, P3, P4)", "invalid");
    row("impact alone",
        {{t, QStringLiteral("x")}, {QStringLiteral("impact"), QStringLiteral("Single user")}},
        "impact and urgency go together: give both or neither", "invalid");
    row("unknown impact",
        {{t, QStringLiteral("x")},
         {QStringLiteral("impact"), QStringLiteral("galactic")},
         {QStringLiteral("urgency"), QStringLiteral("High")}},
        "unknown impact 'galactic' (Enterprise-wide, Multiple departments, Single department, "
        "Single user)",
        "invalid");
    row("unknown urgency",
        {{t, QStringLiteral("x")},
         {QStringLiteral("impact"), QStringLiteral("Single user")},
         {QStringLiteral("urgency"), QStringLiteral("whenever")}},
        "unknown urgency 'whenever' (Critical, High, Medium, Low)", "invalid");
    row("bad uid",
        {{t, QStringLiteral("x")},
         {QStringLiteral("severity"), QStringLiteral("low")},
         {QStringLiteral("uid"), QStringLiteral("not-a-uuid")}},
        "'not-a-uuid' is not a UUID", "invalid");
}

void TestLifecycleEngine::open_invalid_refusedAndNothingWritten()
{
    QFETCH(QJsonObject, args);
    QFETCH(QString, message);
    QFETCH(QString, code);
    CoreFixture fx;
    QSignalSpy appended(fx.engine.get(), &engine::LifecycleEngine::eventsAppended);
    auto r = fx.engine->execute(Command::open(args));
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(message), qPrintable(r.errorMessage()));
    QCOMPARE(r.error().code, code);
    QCOMPARE(eventRows(fx.store), 0);
    QCOMPARE(fx.store.incidentCount(), 0);
    QCOMPARE(appended.count(), 0);
    // The refused open did not use up a number.
    QCOMPARE(fx.open(QStringLiteral("fine"), QStringLiteral("low")), QStringLiteral("INC0000001"));
}

void TestLifecycleEngine::priorityMatrix_impactTimesUrgency_data()
{
    QTest::addColumn<QString>("impact");
    QTest::addColumn<QString>("urgency");
    QTest::addColumn<int>("priority");
    // Seed 000's ITIL matrix (the default; sre.yaml names no matrix of its own).
    const QStringList impacts{QStringLiteral("Enterprise-wide"),
                              QStringLiteral("Multiple departments"),
                              QStringLiteral("Single department"), QStringLiteral("Single user")};
    const QStringList urgencies{QStringLiteral("Critical"), QStringLiteral("High"),
                                QStringLiteral("Medium"), QStringLiteral("Low")};
    const int cells[4][4] = {{1, 1, 2, 2}, {1, 2, 2, 3}, {2, 2, 3, 3}, {2, 3, 3, 4}};
    for (int i = 0; i < 4; ++i)
        for (int u = 0; u < 4; ++u)
            QTest::addRow("%s x %s", qPrintable(impacts[i]), qPrintable(urgencies[u]))
                << impacts[i] << urgencies[u] << cells[i][u];
    // Names are matched without case, spaces or dashes, and by position.
    QTest::newRow("spelling") << "enterprise wide"
                              << "HIGH" << 1;
    QTest::newRow("by number") << "4"
                               << "4" << 4;
}

void TestLifecycleEngine::priorityMatrix_impactTimesUrgency()
{
    QFETCH(QString, impact);
    QFETCH(QString, urgency);
    QFETCH(int, priority);
    CoreFixture fx;
    const QString n = fx.open({{QStringLiteral("title"), QStringLiteral("matrix")},
                               {QStringLiteral("impact"), impact},
                               {QStringLiteral("urgency"), urgency}});
    QVERIFY(!n.isEmpty());
    const auto inc = fx.get(n);
    QCOMPARE(int(inc.priority), priority);
    // No severity given: it follows the priority (P1 critical ... P4 low).
    QCOMPARE(int(inc.severity), priority);
    // Stored in the matrix's own spelling.
    const auto &m = fx.engine->workflow().matrix();
    QCOMPARE(inc.impact, m.impacts()[m.impactIndex(impact)]);
    QCOMPARE(inc.urgency, m.urgencies()[m.urgencyIndex(urgency)]);
    const auto pol = fx.engine->workflow().policy(Priority(priority));
    QCOMPARE(inc.responseDue, baseTime() + pol.responseMinutes * kMinute);
    QCOMPARE(inc.resolutionDue, baseTime() + pol.resolutionMinutes * kMinute);
}

void TestLifecycleEngine::priority_followsSeverityImpactAndUrgencyChanges()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Search slow"), QStringLiteral("low"));
    QCOMPARE(fx.get(n).priority, Priority::P4);

    // Severity alone: priority follows it, as a second field_set event in the same command.
    auto r = setField(fx, n, "severity", "sev2");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 2);
    QCOMPARE(r->events[0].payload[u"field"].toString(), QStringLiteral("severity"));
    QCOMPARE(r->events[0].payload[u"value"].toString(), QStringLiteral("high"));
    QCOMPARE(r->events[1].payload[u"field"].toString(), QStringLiteral("priority"));
    QCOMPARE(r->events[1].payload[u"value"].toString(), QStringLiteral("P2"));
    QCOMPARE(r->events[1].payload[u"response_minutes"].toInt(), 15);
    auto inc = fx.get(n);
    QCOMPARE(inc.priority, Priority::P2);
    QCOMPARE(inc.responseDue, baseTime() + 15 * kMinute);

    // Impact without urgency: the matrix has nothing to say yet, severity still rules.
    r = setField(fx, n, "impact", "single user");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 1);
    QCOMPARE(fx.get(n).impact, QStringLiteral("Single user"));
    QCOMPARE(fx.get(n).priority, Priority::P2);

    // Both known: impact x urgency wins over severity (Single user x Low = P4).
    r = setField(fx, n, "urgency", "low");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 2);
    inc = fx.get(n);
    QCOMPARE(inc.priority, Priority::P4);
    QCOMPARE(inc.severity, Severity::High); // severity is not rewritten
    QCOMPARE(inc.responseDue, baseTime() + 1440 * kMinute);
    QCOMPARE(inc.resolutionDue, baseTime() + 7200 * kMinute);

    // A severity change now leaves the matrix's priority alone: one event.
    r = setField(fx, n, "severity", "critical");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 1);
    QCOMPARE(fx.get(n).priority, Priority::P4);

    // Unknown values are refused with the allowed ones.
    QCOMPARE(setFieldRefusal(fx, n, "urgency", "yesterday"),
             QStringLiteral("unknown urgency 'yesterday' (Critical, High, Medium, Low)"));
}

void TestLifecycleEngine::priority_setDirectly_movesDeadlines()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Slow builds"), QStringLiteral("medium"));
    fx.clock.advance(10 * kMinute);
    auto r = setField(fx, n, "priority", "p1");
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 1);
    QCOMPARE(r->events[0].payload[u"value"].toString(), QStringLiteral("P1"));
    const auto inc = fx.get(n);
    QCOMPARE(inc.priority, Priority::P1);
    // Deadlines count from creation, not from the change.
    QCOMPARE(inc.responseDue, baseTime() + 5 * kMinute);
    QCOMPARE(inc.resolutionDue, baseTime() + 240 * kMinute);
    QCOMPARE(inc.updatedAt, baseTime() + 10 * kMinute);

    QCOMPARE(setFieldRefusal(fx, n, "priority", "P0"),
             QStringLiteral("unknown priority 'P0' (P1, P2, P3, P4)"));
    QCOMPARE(setFieldRefusal(fx, n, "state", "resolved"),
             QStringLiteral("state changes go through a transition, not a field update"));
}

void TestLifecycleEngine::transition_fullPath_stampsAcknowledgedMitigatedResolvedClosed()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("API errors"), QStringLiteral("high")); // P2: no gate
    const qint64 t0 = baseTime();

    fx.clock.advance(3 * kMinute);
    auto r = fx.run(Command::Kind::Acknowledge, n, {});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    // triggered -> acknowledged has assign_on_call, but the incident already has an assignee.
    QCOMPARE(kinds(*r), QStringList{domain::kinds::Transitioned});
    QCOMPARE(r->events[0].payload[u"from"].toString(), QStringLiteral("triggered"));
    QCOMPARE(r->events[0].payload[u"to"].toString(), QStringLiteral("acknowledged"));
    QCOMPARE(r->events[0].payload[u"stamps"].toString(), QStringLiteral("acknowledged"));
    auto inc = fx.get(n);
    QCOMPARE(inc.state, QStringLiteral("acknowledged"));
    QCOMPARE(inc.acknowledgedAt, t0 + 3 * kMinute);

    fx.clock.advance(5 * kMinute);
    r = fx.transition(n, QStringLiteral("Mitigating")); // labels are accepted, any case
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(kinds(*r),
             (QStringList{domain::kinds::Transitioned, domain::kinds::NotificationRequested,
                          domain::kinds::RemediationRequested}));
    QCOMPARE(r->events[2].payload[u"auto_remediation"].toBool(), true);
    QCOMPARE(r->events[2].payload[u"approval_required"].toBool(), false);
    inc = fx.get(n);
    QCOMPARE(inc.mitigatedAt, t0 + 8 * kMinute);
    QCOMPARE(inc.acknowledgedAt, t0 + 3 * kMinute); // stamped once

    fx.clock.advance(30 * kMinute);
    QJsonObject extra = resolution();
    extra[QStringLiteral("note")] = QStringLiteral("Rolled back 4.2.1");
    r = fx.transition(n, QStringLiteral("resolved"), extra);
    QVERIFY2(r, qPrintable(r.errorMessage()));
    // Fields given with the transition, the note, the transition, then its actions.
    QCOMPARE(kinds(*r),
             (QStringList{domain::kinds::FieldSet, domain::kinds::FieldSet,
                          domain::kinds::NoteAdded, domain::kinds::Transitioned,
                          domain::kinds::PostmortemDrafted, domain::kinds::NotificationRequested}));
    inc = fx.get(n);
    QCOMPARE(inc.state, QStringLiteral("resolved"));
    QVERIFY(!inc.open); // a state that stamps 'resolved' is closed unless the file says open
    QCOMPARE(inc.resolvedAt, t0 + 38 * kMinute);
    QCOMPARE(inc.closedAt, 0);
    QCOMPARE(inc.resolutionNote, QStringLiteral("Rolled back the bad deploy"));
    QCOMPARE(inc.rootCause, QStringLiteral("change"));
    QCOMPARE(inc.slaPausedSince, t0 + 38 * kMinute); // sla: stopped
    QCOMPARE(inc.extra.value(u"postmortem").toString(), QStringLiteral("draft"));

    fx.clock.advance(kDay);
    r = fx.transition(n, QStringLiteral("postmortem"));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    // The postmortem was drafted on resolve: the action does not draft it twice.
    QCOMPARE(kinds(*r), QStringList{domain::kinds::Transitioned});
    inc = fx.get(n);
    QCOMPARE(inc.state, QStringLiteral("postmortem"));
    QVERIFY(!inc.open);
    QCOMPARE(inc.closedAt, t0 + 38 * kMinute + kDay);
    QCOMPARE(inc.resolvedAt, t0 + 38 * kMinute);
    QCOMPARE(fx.engine->allowedTransitions(inc), QStringList());
}

void TestLifecycleEngine::transition_leavingInitialForWorkingState_acknowledges()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Queue backlog"), QStringLiteral("medium"));
    fx.clock.advance(7 * kMinute);
    auto r = fx.transition(n, QStringLiteral("investigating"));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events[0].payload[u"acknowledges"].toBool(), true);
    QCOMPARE(fx.get(n).acknowledgedAt, baseTime() + 7 * kMinute);

    // Resolving straight from triggered is no acknowledgement.
    const QString m = fx.open(QStringLiteral("False alarm"), QStringLiteral("low"));
    fx.clock.advance(kMinute);
    r = fx.transition(m, QStringLiteral("resolved"), resolution());
    QVERIFY2(r, qPrintable(r.errorMessage()));
    const auto inc = fx.get(m);
    QCOMPARE(inc.acknowledgedAt, 0);
    QCOMPARE(inc.resolvedAt, baseTime() + 8 * kMinute);
}

void TestLifecycleEngine::transition_reopen_clearsResolvedStamp()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Flaky DNS"), QStringLiteral("medium"));
    QVERIFY(fx.transition(n, QStringLiteral("resolved"), resolution()));
    QVERIFY(!fx.get(n).open);
    QVERIFY(fx.get(n).resolvedAt > 0);
    QVERIFY(fx.get(n).slaPausedSince > 0);
    fx.clock.advance(kHour);
    auto r = fx.transition(n, QStringLiteral("investigating"));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    const auto inc = fx.get(n);
    QCOMPARE(inc.state, QStringLiteral("investigating"));
    QVERIFY(inc.open);
    QCOMPARE(inc.resolvedAt, 0);
    QCOMPARE(inc.slaPausedSince, 0);
    QCOMPARE(inc.slaPausedMs, kHour); // the hour resolved does not count against the SLA
    QCOMPARE(inc.resolutionDue, baseTime() + 1440 * kMinute + kHour);
}

void TestLifecycleEngine::transition_illegal_refusedWithClearError_nothingWritten_data()
{
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("message");
    QTest::newRow("skip to postmortem")
        << QStringList() << "postmortem"
        << "cannot move INC0000001 from 'triggered' to 'postmortem'; allowed from 'triggered': "
           "acknowledged, investigating, resolved";
    QTest::newRow("mitigating from triggered")
        << QStringList() << "mitigating"
        << "cannot move INC0000001 from 'triggered' to 'mitigating'; allowed from 'triggered': "
           "acknowledged, investigating, resolved";
    QTest::newRow("back to triggered")
        << QStringList{QStringLiteral("acknowledged")} << "triggered"
        << "cannot move INC0000001 from 'acknowledged' to 'triggered'; allowed from "
           "'acknowledged': investigating, mitigating, resolved";
    QTest::newRow("out of a closed state")
        << QStringList{QStringLiteral("resolved"), QStringLiteral("postmortem")} << "investigating"
        << "cannot move INC0000001 from 'postmortem' to 'investigating'; allowed from "
           "'postmortem': (none)";
    QTest::newRow("same state") << QStringList() << "Triggered"
                                << "INC0000001 is already 'triggered'";
    QTest::newRow("unknown state") << QStringList() << "done"
                                   << "unknown state 'done' (states: triggered, acknowledged, "
                                      "investigating, mitigating, resolved, postmortem)";
    QTest::newRow("empty target") << QStringList() << ""
                                  << "unknown state ''";
}

void TestLifecycleEngine::transition_illegal_refusedWithClearError_nothingWritten()
{
    QFETCH(QStringList, path);
    QFETCH(QString, to);
    QFETCH(QString, message);
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Login errors"), QStringLiteral("medium"));
    for (const QString &s : path)
        QVERIFY(fx.transition(n, s, s == u"resolved" ? resolution() : QJsonObject()));
    const Snapshot before = Snapshot::take(fx.store);
    QSignalSpy appended(fx.engine.get(), &engine::LifecycleEngine::eventsAppended);
    auto r =
        fx.transition(n, to, {{QStringLiteral("note"), QStringLiteral("should not be written")}});
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().startsWith(message), qPrintable(r.errorMessage()));
    QVERIFY(Snapshot::take(fx.store) == before);
    QCOMPARE(appended.count(), 0);
    // whyNot() gives the same answer for a target the workflow has no transition to.
    if (to == u"postmortem" || to == u"mitigating")
        QVERIFY(
            fx.engine->whyNot(fx.get(n), to).startsWith(QStringLiteral("cannot move INC0000001")));
}

void TestLifecycleEngine::transition_guardRefusal_dropsFieldsGivenWithIt()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Payments down"), QStringLiteral("high"));
    const Snapshot before = Snapshot::take(fx.store);
    // The note is valid and would be written as a field_set, but the root cause is missing:
    // the whole command is refused, the note included.
    auto r = fx.transition(n, QStringLiteral("resolved"),
                           {{QStringLiteral("resolution_note"), QStringLiteral("restarted")},
                            {QStringLiteral("note"), QStringLiteral("done")}});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(),
             QStringLiteral("INC0000001: moving to 'resolved' needs a root-cause category"));
    QVERIFY(Snapshot::take(fx.store) == before);
    QCOMPARE(fx.get(n).resolutionNote, QString());

    r = fx.transition(n, QStringLiteral("resolved"));
    QVERIFY(!r);
    QCOMPARE(
        r.errorMessage(),
        QStringLiteral(
            "INC0000001: moving to 'resolved' needs a resolution note and a root-cause category"));
    QCOMPARE(fx.engine->whyNot(fx.get(n), QStringLiteral("resolved")), r.errorMessage());

    // A person cannot skip the note with the stale sweep's close code.
    r = fx.transition(n, QStringLiteral("resolved"),
                      {{QStringLiteral("close_code"), engine::StaleCloseCode}});
    QVERIFY(!r);
    QVERIFY(Snapshot::take(fx.store) == before);
}

void TestLifecycleEngine::acknowledge_twice_isRefused()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Cache misses"), QStringLiteral("medium"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}));
    const Snapshot before = Snapshot::take(fx.store);
    auto r = fx.run(Command::Kind::Acknowledge, n, {});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(), QStringLiteral("INC0000001 is already acknowledged"));
    QVERIFY(Snapshot::take(fx.store) == before);
}

void TestLifecycleEngine::approvalGate_p1MitigationNeedsApproval()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Checkout down"), QStringLiteral("critical"));
    QCOMPARE(fx.get(n).priority, Priority::P1);
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}));
    const Snapshot before = Snapshot::take(fx.store);

    auto r = fx.transition(n, QStringLiteral("mitigating"));
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(),
             QStringLiteral("INC0000001: moving to 'mitigating' needs a recorded human approval "
                            "(P1 approval gate); approve it first"));
    QVERIFY(Snapshot::take(fx.store) == before);
    QCOMPARE(fx.engine->whyNot(fx.get(n), QStringLiteral("mitigating")), r.errorMessage());
    // The gate is a guard, not a missing transition: the workflow still offers it.
    QVERIFY(fx.engine->allowedTransitions(fx.get(n)).contains(QStringLiteral("mitigating")));

    auto a = fx.approve(n, QStringLiteral("Mitigating"), QStringLiteral("carol"));
    QVERIFY2(a, qPrintable(a.errorMessage()));
    QCOMPARE(kinds(*a), QStringList{domain::kinds::ApprovalGranted});
    QCOMPARE(a->events[0].actor, QStringLiteral("carol"));
    QCOMPARE(a->events[0].payload[u"approver"].toString(), QStringLiteral("carol"));
    QCOMPARE(a->events[0].payload[u"for"].toString(), QStringLiteral("mitigating"));
    QCOMPARE(fx.get(n).approvals.value(u"mitigating").toString(), QStringLiteral("carol"));
    QCOMPARE(fx.engine->whyNot(fx.get(n), QStringLiteral("mitigating")), QString());

    r = fx.transition(n, QStringLiteral("mitigating"), {}, QStringLiteral("dave"));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(fx.get(n).state, QStringLiteral("mitigating"));
    // P1: remediation waits for approval; leadership is notified.
    QCOMPARE(r->events[2].kind, domain::kinds::RemediationRequested);
    QCOMPARE(r->events[2].payload[u"approval_required"].toBool(), true);
    QCOMPARE(r->events[2].payload[u"auto_remediation"].toBool(), false);
    QCOMPARE(r->events[1].payload[u"channels"].toArray(),
             (QJsonArray{QStringLiteral("page_oncall"), QStringLiteral("notify_leadership"),
                         QStringLiteral("slack_critical")}));

    // A blanket approval ("*") opens every gate of the incident.
    const QString m = fx.open(QStringLiteral("Checkout down again"), QStringLiteral("critical"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, m, {}));
    QVERIFY(fx.approve(m));
    QCOMPARE(fx.get(m).approvals.value(u"*").toString(), QStringLiteral("alice"));
    QVERIFY(fx.transition(m, QStringLiteral("mitigating")));
}

void TestLifecycleEngine::approvalGate_p2IsNotGated()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Slow search"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}));
    auto r = fx.transition(n, QStringLiteral("mitigating"));
    QVERIFY2(r, qPrintable(r.errorMessage()));

    // The gate follows the priority at the time of the transition: raised to P1, it applies.
    const QString m = fx.open(QStringLiteral("Slow search, worse"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, m, {}));
    QVERIFY(setField(fx, m, "priority", "P1"));
    r = fx.transition(m, QStringLiteral("mitigating"));
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(QStringLiteral("P1 approval gate")),
             qPrintable(r.errorMessage()));
}

void TestLifecycleEngine::approvalGate_approvalForAnotherStateDoesNotOpenIt()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Data loss"), QStringLiteral("critical"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}));
    QVERIFY(fx.approve(n, QStringLiteral("resolved")));
    auto r = fx.transition(n, QStringLiteral("mitigating"));
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(QStringLiteral("needs a recorded human approval")),
             qPrintable(r.errorMessage()));
}

void TestLifecycleEngine::approval_whoMayApprove_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("forState");
    QTest::addColumn<QString>("error"); // empty: accepted
    QTest::addColumn<QString>("approver");
    const auto row = [](const char *name, const char *actor, const char *forState,
                        const char *error, const char *approver) {
        QTest::newRow(name) << QString::fromUtf8(actor) << QString::fromUtf8(forState)
                            << QString::fromUtf8(error) << QString::fromUtf8(approver);
    };
    row("named person", "carol", "mitigating", "", "carol");
    row("name is trimmed", "  carol  ", "mitigating", "", "carol");
    row("system actor", "system", "mitigating",
        "an approval needs a named human approver, not 'system'", "");
    row("system actor, padded", " system ", "*",
        "an approval needs a named human approver, not 'system'", "");
    // A command without an actor runs as the default "user", as every other command does.
    row("no actor", "", "mitigating", "", "user");
    row("unknown state", "carol", "launched", "unknown state 'launched' to approve", "");
}

void TestLifecycleEngine::approval_whoMayApprove()
{
    QFETCH(QString, actor);
    QFETCH(QString, forState);
    QFETCH(QString, error);
    QFETCH(QString, approver);
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Outage"), QStringLiteral("critical"));
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}));
    const Snapshot before = Snapshot::take(fx.store);
    auto r = fx.approve(n, forState, actor);
    if (!error.isEmpty()) {
        QVERIFY(!r);
        QCOMPARE(r.errorMessage(), error);
        QVERIFY(Snapshot::take(fx.store) == before);
        QVERIFY(!fx.transition(n, QStringLiteral("mitigating")));
        return;
    }
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 1);
    QCOMPARE(r->events[0].actor, approver);
    QCOMPARE(r->events[0].payload[u"approver"].toString(), approver);
    QVERIFY(fx.transition(n, QStringLiteral("mitigating")));
}

void TestLifecycleEngine::approvalFlag_workflowGatedTransition()
{
    // `approval: true` on a transition gates it whatever the priority.
    const QByteArray yaml = "name: gated\n"
                            "states:\n"
                            "  - {id: open, sla: running}\n"
                            "  - {id: fixing, stamps: acknowledged}\n"
                            "  - {id: shipped, stamps: resolved, open: false}\n"
                            "transitions:\n"
                            "  - {from: open, to: fixing}\n"
                            "  - {from: fixing, to: shipped, approval: true}\n";
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("gated.yaml"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(yaml);
    }
    CoreFixture fx(path);
    const QString n = fx.open(QStringLiteral("Typo on the home page"), QStringLiteral("low"));
    QCOMPARE(fx.get(n).priority, Priority::P4);
    QVERIFY(fx.transition(n, QStringLiteral("fixing")));
    auto r = fx.transition(n, QStringLiteral("shipped"));
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(),
             QStringLiteral("INC0000001: moving to 'shipped' needs a recorded human approval "
                            "(the workflow gates this transition); approve it first"));
    QVERIFY(!fx.approve(n, QStringLiteral("shipped"), engine::SystemActor));
    QVERIFY(fx.approve(n, QStringLiteral("shipped"), QStringLiteral("erin")));
    r = fx.transition(n, QStringLiteral("shipped"));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    const auto inc = fx.get(n);
    QVERIFY(!inc.open);
    QCOMPARE(inc.resolvedAt, baseTime());
}

void TestLifecycleEngine::assign_personGroupAndOnCall()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Replica lag"), QStringLiteral("medium"));

    auto r = fx.run(Command::Kind::Assign, n,
                    {{QStringLiteral("assignee"), QStringLiteral(" bob.okafor ")}});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 1);
    QCOMPARE(r->events[0].kind, domain::kinds::Assigned);
    QCOMPARE(r->events[0].payload,
             (QJsonObject{{QStringLiteral("assignee"), QStringLiteral("bob.okafor")}}));
    auto inc = fx.get(n);
    QCOMPARE(inc.assignee, QStringLiteral("bob.okafor"));
    QCOMPARE(inc.assignmentGroup, QStringLiteral("Platform Engineering")); // kept

    // A group alone: whoever is on call there (Data Platform, weekly: shift 8 of 3 members).
    r = fx.run(Command::Kind::Assign, n,
               {{QStringLiteral("group"), QStringLiteral("data platform")}});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events[0].payload[u"group"].toString(), QStringLiteral("Data Platform"));
    QCOMPARE(r->events[0].payload[u"via"].toString(), QStringLiteral("on-call"));
    inc = fx.get(n);
    QCOMPARE(inc.assignmentGroup, QStringLiteral("Data Platform"));
    QCOMPARE(inc.assignee, QStringLiteral("grace.kim"));

    const Snapshot before = Snapshot::take(fx.store);
    r = fx.run(Command::Kind::Assign, n, {});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(), QStringLiteral("assign needs an assignee or a group"));
    r = fx.run(Command::Kind::Assign, n, {{QStringLiteral("group"), QStringLiteral("Nobody")}});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(),
             QStringLiteral("unknown assignment group 'Nobody' (groups: Platform Engineering, "
                            "Data Platform, Payments, AI Platform, Service Desk)"));
    r = fx.run(Command::Kind::Assign, QStringLiteral("INC0000099"),
               {{QStringLiteral("assignee"), QStringLiteral("x")}});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(), QStringLiteral("no incident 'INC0000099'"));
    QCOMPARE(r.error().code, QStringLiteral("not_found"));
    QVERIFY(Snapshot::take(fx.store) == before);
}

void TestLifecycleEngine::note_textRules()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Batch job stuck"), QStringLiteral("low"));
    fx.clock.advance(kMinute);
    auto r = fx.run(Command::Kind::Note, n,
                    {{QStringLiteral("text"), QStringLiteral("  Restarted the worker  ")}});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.size(), 1);
    QCOMPARE(r->events[0].kind, domain::kinds::NoteAdded);
    QCOMPARE(r->events[0].payload[u"text"].toString(), QStringLiteral("Restarted the worker"));
    QCOMPARE(r->events[0].ts, baseTime() + kMinute);
    QCOMPARE(fx.get(n).updatedAt, baseTime() + kMinute);
    // Notes are searchable.
    store::ListQuery q;
    q.search = QStringLiteral("worker");
    QCOMPARE(fx.store.count(q), 1);

    // The same text twice is two notes: a note is no idempotent field.
    QVERIFY(fx.run(Command::Kind::Note, n,
                   {{QStringLiteral("text"), QStringLiteral("Restarted the worker")}}));
    QCOMPARE(fx.kindsOf(n).count(domain::kinds::NoteAdded), 2);

    const Snapshot before = Snapshot::take(fx.store);
    r = fx.run(Command::Kind::Note, n, {{QStringLiteral("text"), QStringLiteral(" \n ")}});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(), QStringLiteral("a note needs text"));
    r = fx.run(Command::Kind::Note, n,
               {{QStringLiteral("text"), QString(engine::rules::MaxTextLength + 1, u'x')}});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(), QStringLiteral("a note is limited to 65536 characters"));
    QVERIFY(Snapshot::take(fx.store) == before);
    QVERIFY(fx.run(Command::Kind::Note, n,
                   {{QStringLiteral("text"), QString(engine::rules::MaxTextLength, u'x')}}));
}

void TestLifecycleEngine::sameCommandTwice_secondIsNoOp_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QJsonObject>("args");
    QTest::newRow("same field value")
        << int(Command::Kind::SetField)
        << fieldValue(QStringLiteral("category"), QStringLiteral("network"));
    QTest::newRow("same priority") << int(Command::Kind::SetField)
                                   << fieldValue(QStringLiteral("priority"), QStringLiteral("P1"));
    QTest::newRow("same services")
        << int(Command::Kind::SetField)
        << fieldValue(QStringLiteral("services"), QStringLiteral("api, db"));
    // Every other settable field: the value is compared as the incident holds it.
    for (const auto &[field, value] : std::initializer_list<std::pair<const char *, const char *>>{
             {"title", "Renamed"},
             {"description", "new text"},
             {"severity", "low"},
             {"impact", "Enterprise-wide"},
             {"urgency", "Critical"},
             {"subcategory", "dns"},
             {"cis", "db-1, db-2"},
             {"assignee", "sam"},
             {"assignment_group", "Payments"},
             {"reporter", "rita"},
             {"commander", "carol"},
             {"responders", "dave, erin"},
             {"root_cause", "config"},
             {"resolution_note", "rolled back"},
             {"close_code", "solved"},
             {"time_spent", "30"}})
        QTest::addRow("same field %s", field)
            << int(Command::Kind::SetField)
            << fieldValue(QString::fromLatin1(field), QString::fromLatin1(value));
    QTest::newRow("same assignee")
        << int(Command::Kind::Assign)
        << QJsonObject{{QStringLiteral("assignee"), QStringLiteral("zoe")}};
    QTest::newRow("same alert") << int(Command::Kind::LinkAlert)
                                << QJsonObject{
                                       {QStringLiteral("alert"), QStringLiteral("am:abc123")},
                                       {QStringLiteral("source"), QStringLiteral("alertmanager")}};
    QTest::newRow("same commander")
        << int(Command::Kind::SetCommander)
        << QJsonObject{{QStringLiteral("commander"), QStringLiteral("carol")}};
    QTest::newRow("same responder")
        << int(Command::Kind::AddResponder)
        << QJsonObject{{QStringLiteral("responder"), QStringLiteral("dave")}};
}

void TestLifecycleEngine::sameCommandTwice_secondIsNoOp()
{
    QFETCH(int, kind);
    QFETCH(QJsonObject, args);
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Repeat"), QStringLiteral("high"));
    auto first = fx.run(Command::Kind(kind), n, args);
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QVERIFY(!first->noop);
    QVERIFY(!first->events.isEmpty());
    const Snapshot before = Snapshot::take(fx.store);
    QSignalSpy appended(fx.engine.get(), &engine::LifecycleEngine::eventsAppended);
    fx.clock.advance(kMinute);
    auto again = fx.run(Command::Kind(kind), n, args);
    QVERIFY2(again, qPrintable(again.errorMessage()));
    QVERIFY(again->noop);
    QVERIFY(again->events.isEmpty());
    QCOMPARE(again->number, n);
    QVERIFY(Snapshot::take(fx.store) == before); // updatedAt did not move either
    QCOMPARE(appended.count(), 0);
}

void TestLifecycleEngine::open_sameUidTwice_oneIncident()
{
    CoreFixture fx;
    const QString uid = QStringLiteral("7d9a1c52-3f0e-4b6a-9d8e-2c1b0a9f8e7d");
    QJsonObject args{{QStringLiteral("title"), QStringLiteral("From the back end")},
                     {QStringLiteral("severity"), QStringLiteral("medium")},
                     {QStringLiteral("uid"), uid}};
    auto r = fx.engine->execute(Command::open(args));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->incidentUid, uid);
    const Snapshot before = Snapshot::take(fx.store);

    // Again, in another spelling of the same UUID: refused as a conflict, nothing written.
    args[QStringLiteral("uid")] = QStringLiteral("{7D9A1C52-3F0E-4B6A-9D8E-2C1B0A9F8E7D}");
    auto again = fx.engine->execute(Command::open(args));
    QVERIFY(!again);
    QCOMPARE(again.errorMessage(), QStringLiteral("incident %1 already exists").arg(uid));
    QCOMPARE(again.error().code, QStringLiteral("conflict"));
    QVERIFY(Snapshot::take(fx.store) == before);

    // Twice within one batch: the second slot is refused, the first commits.
    args[QStringLiteral("uid")] = QStringLiteral("0b5e7f7c-1111-4222-8333-944455566677");
    auto batch = fx.engine->executeBatch({Command::open(args), Command::open(args)});
    QVERIFY2(batch, qPrintable(batch.errorMessage()));
    QVERIFY((*batch)[0]);
    QVERIFY(!(*batch)[1]);
    QCOMPARE((*batch)[1].error().code, QStringLiteral("conflict"));
    QCOMPARE(fx.store.incidentCount(), 2);
}

void TestLifecycleEngine::mergeRemote_sameEventsTwice_appliedOnce()
{
    CoreFixture source;
    const QString n = source.open(QStringLiteral("Shared incident"), QStringLiteral("high"));
    QVERIFY(source.run(Command::Kind::Note, n,
                       {{QStringLiteral("text"), QStringLiteral("first look")}}));
    QVERIFY(source.run(Command::Kind::Acknowledge, n, {}));
    const QList<domain::Event> events = source.store.timeline(source.get(n).uid);
    QCOMPARE(events.size(), 5);

    CoreFixture replica;
    auto m = replica.engine->mergeRemote(events);
    QVERIFY2(m, qPrintable(m.errorMessage()));
    QCOMPARE(m->applied, 5);
    QCOMPARE(m->duplicates, 0);
    const auto merged = replica.get(n);
    QCOMPARE(merged.state, QStringLiteral("acknowledged"));
    const Snapshot before = Snapshot::take(replica.store);

    QSignalSpy appended(replica.engine.get(), &engine::LifecycleEngine::eventsAppended);
    m = replica.engine->mergeRemote(events);
    QVERIFY2(m, qPrintable(m.errorMessage()));
    QCOMPARE(m->applied, 0);
    QCOMPARE(m->duplicates, 5);
    QVERIFY(Snapshot::take(replica.store) == before);
    QCOMPARE(appended.count(), 0);
    QVERIFY(replica.store.verify().ok);
}

void TestLifecycleEngine::batch_rejectedSlotChangesNothing_othersCommitTogether()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Batch target"), QStringLiteral("medium"));
    const Snapshot before = Snapshot::take(fx.store);
    const qint64 seqBefore = fx.store.maxSeq();

    // executeBatch's contract: a rejected command changes nothing and reports its error in
    // its slot; the others commit together in one transaction.
    QList<Command> cmds{
        Command::note(n, QStringLiteral("one"), QStringLiteral("tester")),
        Command::transition(n, QStringLiteral("postmortem"), QStringLiteral("tester")),
        Command::make(Command::Kind::SetField, n,
                      fieldValue(QStringLiteral("severity"), QStringLiteral("apocalyptic")),
                      QStringLiteral("tester")),
        Command::note(n, QStringLiteral("two"), QStringLiteral("tester"))};
    auto r = fx.engine->executeBatch(cmds);
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->size(), 4);
    QVERIFY((*r)[0]);
    QVERIFY(!(*r)[1]);
    QVERIFY((*r)[1].errorMessage().startsWith(
        QStringLiteral("cannot move INC0000001 from 'triggered' to 'postmortem'")));
    QVERIFY(!(*r)[2]);
    QCOMPARE((*r)[2].errorMessage(),
             QStringLiteral("unknown severity 'apocalyptic' (critical, high, medium, low)"));
    QVERIFY((*r)[3]);
    QCOMPARE(eventRows(fx.store), before.events + 2);
    const auto tl = fx.store.timeline(fx.get(n).uid);
    QCOMPARE(tl[tl.size() - 2].payload[u"text"].toString(), QStringLiteral("one"));
    QCOMPARE(tl.last().payload[u"text"].toString(), QStringLiteral("two"));
    QCOMPARE(tl.last().seq, seqBefore + 2);
    QCOMPARE(fx.get(n).severity, Severity::Medium);
    QCOMPARE(fx.get(n).state, QStringLiteral("triggered"));

    // Every command refused: nothing at all is written.
    const Snapshot mid = Snapshot::take(fx.store);
    r = fx.engine->executeBatch({Command::transition(n, QStringLiteral("nowhere")),
                                 Command::note(n, QString()),
                                 Command::note(QStringLiteral("INC0000404"), QStringLiteral("x"))});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    for (const auto &slot : *r)
        QVERIFY(!slot);
    QVERIFY(Snapshot::take(fx.store) == mid);
}

void TestLifecycleEngine::batch_laterCommandsSeeEarlierOnes()
{
    CoreFixture fx;
    const QString uid = QStringLiteral("5a0c5d6e-7f80-4912-a3b4-c5d6e7f80912");
    QList<Command> cmds{
        Command::open({{QStringLiteral("title"), QStringLiteral("Opened and worked in one go")},
                       {QStringLiteral("severity"), QStringLiteral("critical")},
                       {QStringLiteral("uid"), uid}},
                      QStringLiteral("tester")),
        Command::make(Command::Kind::Acknowledge, uid, {}, QStringLiteral("tester")),
        // Refused: P1 and no approval yet.
        Command::transition(uid, QStringLiteral("mitigating"), QStringLiteral("tester")),
        Command::approve(uid, QStringLiteral("carol"), QStringLiteral("mitigating")),
        // Named by number in the same batch, after the approval.
        Command::transition(QStringLiteral("inc0000001"), QStringLiteral("mitigating"),
                            QStringLiteral("tester"))};
    auto r = fx.engine->executeBatch(cmds);
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QVERIFY((*r)[0]);
    QVERIFY((*r)[1]);
    QVERIFY(!(*r)[2]);
    QVERIFY2((*r)[2].errorMessage().contains(QStringLiteral("P1 approval gate")),
             qPrintable((*r)[2].errorMessage()));
    QVERIFY((*r)[3]);
    QVERIFY2((*r)[4], qPrintable((*r)[4].errorMessage()));
    const auto inc = fx.get(uid);
    QCOMPARE(inc.state, QStringLiteral("mitigating"));
    QCOMPARE(inc.acknowledgedAt, baseTime());
    QCOMPARE(inc.mitigatedAt, baseTime());
    QVERIFY(fx.store.verify().ok);
}

void TestLifecycleEngine::batch_failingCommit_writesNothing()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Hooked"), QStringLiteral("medium"));
    const Snapshot before = Snapshot::take(fx.store);
    bool fail = true;
    int seen = 0;
    fx.engine->addCommitHook([&](store::Store &, const QList<domain::Event> &events) -> Status {
        seen = int(events.size());
        return fail ? Status::fail(QStringLiteral("outbox is full")) : Status();
    });
    QSignalSpy appended(fx.engine.get(), &engine::LifecycleEngine::eventsAppended);
    auto r = fx.engine->executeBatch(
        {Command::note(n, QStringLiteral("a")),
         Command::open({{QStringLiteral("title"), QStringLiteral("new")},
                        {QStringLiteral("severity"), QStringLiteral("low")}}),
         Command::note(n, QStringLiteral("b"))});
    QVERIFY(!r);
    QCOMPARE(r.errorMessage(), QStringLiteral("outbox is full"));
    QCOMPARE(r.error().code, QStringLiteral("db"));
    QCOMPARE(seen, 5); // note, opened, assigned, notification, note: the hook saw them all...
    QVERIFY(Snapshot::take(fx.store) == before); // ...and none of them stayed
    QCOMPARE(appended.count(), 0);
    QVERIFY(!fx.store.db().inTransaction());

    // The number the rolled-back open took is free again, and the engine keeps working.
    fail = false;
    QCOMPARE(fx.open(QStringLiteral("after"), QStringLiteral("low")), QStringLiteral("INC0000002"));
    QVERIFY(fx.store.verify().ok);
}

void TestLifecycleEngine::batch_searchDocumentsWrittenLast_findAndRebuildAlike()
{
    // A batch writes its search documents after its incident rows and events; what search
    // finds, and the rows of the search table, are those a rebuild from the log gives.
    CoreFixture fx;
    const QString a = fx.open(QStringLiteral("Checkout latency"), QStringLiteral("high"));
    auto r = fx.engine->executeBatch(
        {Command::open({{QStringLiteral("title"), QStringLiteral("Payments timeout")},
                        {QStringLiteral("severity"), QStringLiteral("low")}}),
         Command::make(Command::Kind::SetField, a,
                       fieldValue(QStringLiteral("title"), QStringLiteral("Kafka lag"))),
         Command::note(a, QStringLiteral("grafana panel attached")),
         Command::make(Command::Kind::Acknowledge, a, {}),
         Command::open({{QStringLiteral("title"), QStringLiteral("Disk full")},
                        {QStringLiteral("severity"), QStringLiteral("medium")}}),
         Command::note(QStringLiteral("INC0000002"), QStringLiteral("rollback started"))});
    QVERIFY(r);
    for (const auto &slot : *r)
        QVERIFY2(slot, qPrintable(slot.errorMessage()));
    const auto found = [&fx](const char *words) {
        store::ListQuery q;
        q.search = QString::fromLatin1(words);
        q.sort = store::SortKey::Number;
        q.descending = false;
        QStringList numbers;
        for (const auto &i : fx.store.list(q))
            numbers << i.number;
        return numbers.join(u',');
    };
    QCOMPARE(found("kafka"), a);
    QCOMPARE(found("latency"), QString()); // the old title's document went
    QCOMPARE(found("grafana"), a);
    QCOMPARE(found("payments"), QStringLiteral("INC0000002"));
    QCOMPARE(found("rollback"), QStringLiteral("INC0000002"));
    QCOMPARE(found("disk"), QStringLiteral("INC0000003"));

    const QString rows =
        QStringLiteral("SELECT rowid || '|' || incident || '|' || body FROM search ORDER BY rowid");
    const QStringList written = fx.store.db().texts(rows);
    QCOMPARE(written.size(), 5); // three incidents and two notes
    QVERIFY(fx.store.rebuildProjection());
    QCOMPARE(fx.store.db().texts(rows), written);
    QVERIFY(fx.store.verify().ok);
}

void TestLifecycleEngine::batch_projectionsSeeIncidentsAsStored()
{
    // The projections of a batch get the incidents the engine holds in memory: exactly what
    // reading the rows back gives, alert links and all.
    CoreFixture fx;
    auto asking = std::make_unique<AskingProjection>();
    AskingProjection *projection = asking.get();
    QVERIFY(fx.engine->addProjection(std::move(asking)));
    const QString a = fx.open({{QStringLiteral("title"), QStringLiteral("Linked before")},
                               {QStringLiteral("severity"), QStringLiteral("high")},
                               {QStringLiteral("alerts"), QJsonArray{QStringLiteral("a1")}}});
    projection->seen.clear();
    auto r = fx.engine->executeBatch(
        {Command::make(Command::Kind::LinkAlert, a,
                       {{QStringLiteral("alert"), QStringLiteral("a2")}}),
         Command::open({{QStringLiteral("title"), QStringLiteral("Opened in the batch")},
                        {QStringLiteral("severity"), QStringLiteral("low")},
                        {QStringLiteral("alerts"), QJsonArray{QStringLiteral("b1")}}}),
         Command::make(Command::Kind::Acknowledge, a, {}),
         Command::approve(a, QStringLiteral("carol"), QStringLiteral("mitigating")),
         Command::note(QStringLiteral("INC0000002"), QStringLiteral("looking"))});
    QVERIFY(r);
    qsizetype events = 0;
    for (const auto &slot : *r) {
        QVERIFY2(slot, qPrintable(slot.errorMessage()));
        events += slot->events.size();
    }
    QCOMPARE(projection->seen.size(), events);
    for (const auto &inc : std::as_const(projection->seen)) {
        const auto stored = fx.store.incidentByUid(inc.uid);
        QVERIFY(stored);
        QCOMPARE(allFields(inc), allFields(*stored));
    }
    QCOMPARE(fx.get(a).alertCount, 2);
}

void TestLifecycleEngine::batch_onceOnlyEventsOfAnIncidentOpenedInIt_recordedOnce()
{
    // An incident opened in the batch under a uid made there has nothing in the log yet; its
    // once-only events are still recorded once, in the batch and after it.
    CoreFixture fx;
    const auto link = [](const QString &n, const char *alert) {
        return Command::make(Command::Kind::LinkAlert, n,
                             {{QStringLiteral("alert"), QString::fromLatin1(alert)}});
    };
    const auto once = [](const QString &n) {
        return Command::make(Command::Kind::Record, n,
                             {{QStringLiteral("kind"), QStringLiteral("test.checked")},
                              {QStringLiteral("once"), QStringLiteral("k")},
                              {QStringLiteral("payload"), QJsonObject()}});
    };
    const QString n = QStringLiteral("INC0000001");
    auto r = fx.engine->executeBatch(
        {Command::open({{QStringLiteral("title"), QStringLiteral("x")},
                        {QStringLiteral("severity"), QStringLiteral("low")}}),
         link(n, "a1"), link(n, "a1"), once(n), once(n)});
    QVERIFY(r);
    QCOMPARE(r->size(), 5);
    QVERIFY((*r)[0]);
    QVERIFY((*r)[1] && !(*r)[1]->noop);
    QVERIFY((*r)[2] && (*r)[2]->noop);
    QVERIFY((*r)[3] && !(*r)[3]->noop);
    QVERIFY((*r)[4] && (*r)[4]->noop);
    // The next batch reads the log.
    auto again = fx.engine->executeBatch({link(n, "a1"), once(n)});
    QVERIFY(again);
    QVERIFY((*again)[0] && (*again)[0]->noop);
    QVERIFY((*again)[1] && (*again)[1]->noop);
    const QStringList k = fx.kindsOf(n);
    QCOMPARE(k.count(domain::kinds::AlertLinked), 1);
    QCOMPARE(k.count(QStringLiteral("test.checked")), 1);
    QCOMPARE(k.count(domain::kinds::Opened), 1);
    QVERIFY(fx.store.verify().ok);
}

void TestLifecycleEngine::recentIncident_continuedAcrossBatchesAsStored()
{
    // The engine takes up an incident its last commit wrote without reading the row; each
    // batch continues it exactly as from the row: the chain, the links, the changed columns.
    CoreFixture fx;
    const QString n = fx.open({{QStringLiteral("title"), QStringLiteral("Across batches")},
                               {QStringLiteral("severity"), QStringLiteral("critical")},
                               {QStringLiteral("alerts"), QJsonArray{QStringLiteral("a1")}}});
    // Named by number and by uid (as ingestion names incidents) in turn.
    const QString uid = fx.get(n).uid;
    int named = 0;
    const auto link = [&n, &uid, &named](const char *alert) {
        return Command::make(Command::Kind::LinkAlert, named++ % 2 ? uid : n,
                             {{QStringLiteral("alert"), QString::fromLatin1(alert)}});
    };
    const QList<QList<Command>> batches{
        {link("a2"), Command::make(Command::Kind::Acknowledge, n, {})},
        {link("a1"), link("a3"), Command::approve(n, QStringLiteral("carol"), QStringLiteral("*"))},
        {Command::transition(n, QStringLiteral("mitigating"), QStringLiteral("tester")),
         Command::note(n, QStringLiteral("better now"))},
        {link("a2"), Command::transition(n, QStringLiteral("resolved"), QStringLiteral("tester"),
                                         resolution())}};
    for (const auto &b : batches) {
        auto r = fx.engine->executeBatch(b);
        QVERIFY(r);
        for (const auto &slot : *r)
            QVERIFY2(slot, qPrintable(slot.errorMessage()));
    }
    const auto inc = fx.get(n);
    QCOMPARE(inc.state, QStringLiteral("resolved"));
    QCOMPARE(inc.alertCount, 3);
    QCOMPARE(fx.store.alerts(inc.rowid),
             (QStringList{QStringLiteral("a1"), QStringLiteral("a2"), QStringLiteral("a3")}));
    QCOMPARE(fx.kindsOf(n).count(domain::kinds::AlertLinked), 2);
    QVERIFY(fx.store.verify().ok); // the chain, and the row as a rebuild from the log gives it
}

void TestLifecycleEngine::recentIncident_readAgainOnceChangedElsewhere()
{
    // Another engine on the same file appends to the incident: this engine reads the row
    // again and continues from there.
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Shared"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Note, n, {{QStringLiteral("text"), QStringLiteral("here")}}));
    store::Store other;
    QVERIFY(other.open(fx.dbPath));
    engine::LifecycleEngine elsewhere(other, *workflow::Workflow::load(QStringLiteral("sre")),
                                      *workflow::OnCallSchedule::load({}), fx.clock);
    auto assigned = elsewhere.execute(Command::make(
        Command::Kind::Assign, n, {{QStringLiteral("assignee"), QStringLiteral("zoe")}}));
    QVERIFY2(assigned, qPrintable(assigned.errorMessage()));
    auto r = fx.run(Command::Kind::Acknowledge, n, {});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->events.first().prevHash, assigned->events.last().hash);
    QCOMPARE(fx.get(n).assignee, QStringLiteral("zoe"));

    // The same when the incident is named by its uid, as ingestion names it, in any spelling.
    const QString uid = fx.get(n).uid;
    QVERIFY(fx.run(Command::Kind::Note, uid, {{QStringLiteral("text"), QStringLiteral("by uid")}}));
    auto reassigned =
        elsewhere.execute(Command::make(Command::Kind::Assign, uid.toUpper(),
                                        {{QStringLiteral("assignee"), QStringLiteral("amy")}}));
    QVERIFY2(reassigned, qPrintable(reassigned.errorMessage()));
    auto noted = fx.run(Command::Kind::Note, QStringLiteral("{%1}").arg(uid),
                        {{QStringLiteral("text"), QStringLiteral("after amy")}});
    QVERIFY2(noted, qPrintable(noted.errorMessage()));
    QCOMPARE(noted->events.first().prevHash, reassigned->events.last().hash);
    QCOMPARE(fx.get(n).assignee, QStringLiteral("amy"));

    // An alert the other engine linked is linked already here (its links table answers).
    const auto linkShared = [&uid](engine::LifecycleEngine &e) {
        return e.execute(Command::make(Command::Kind::LinkAlert, uid,
                                       {{QStringLiteral("alert"), QStringLiteral("am:shared")}}));
    };
    auto linkedThere = linkShared(elsewhere);
    QVERIFY2(linkedThere && !linkedThere->noop, qPrintable(linkedThere.errorMessage()));
    auto linkedHere = linkShared(*fx.engine);
    QVERIFY2(linkedHere, qPrintable(linkedHere.errorMessage()));
    QVERIFY(linkedHere->noop);
    QCOMPARE(fx.kindsOf(n).count(domain::kinds::AlertLinked), 1);
    QVERIFY(fx.store.verify().ok);
}

void TestLifecycleEngine::recentIncident_acrossGenerations_continuedAsStored()
{
    // More incidents than the engine keeps (two generations of 4096): one it no longer holds,
    // one of the older generation and one of the current are each continued from its row.
    CoreFixture fx;
    constexpr int Incidents = 8400;
    QStringList numbers;
    for (int i = 0; i < Incidents; i += 1000) {
        QList<Command> batch;
        for (int j = i; j < qMin(Incidents, i + 1000); ++j)
            batch << Command::open({{QStringLiteral("title"), QStringLiteral("Load %1").arg(j)},
                                    {QStringLiteral("severity"), QStringLiteral("low")}},
                                   QStringLiteral("tester"));
        auto r = fx.engine->executeBatch(batch);
        QVERIFY(r);
        for (const auto &slot : *r) {
            QVERIFY2(slot, qPrintable(slot.errorMessage()));
            numbers << slot->number;
        }
    }
    for (const QString &n : {numbers.first(), numbers[5000], numbers.last()}) {
        const QString head = fx.get(n).headHash;
        auto r = fx.run(Command::Kind::Acknowledge, n, {});
        QVERIFY2(r, qPrintable(r.errorMessage()));
        QCOMPARE(r->events.first().prevHash, head);
        QCOMPARE(fx.get(n).state, QStringLiteral("acknowledged"));
    }
    QCOMPARE(faultsFound(fx.store), QString());
}

void TestLifecycleEngine::hashChain_continuesAcrossCommandsBatchesAndReopen()
{
    CoreFixture fx;
    const QString a = fx.open(QStringLiteral("Chain A"), QStringLiteral("high"));
    const QString b = fx.open(QStringLiteral("Chain B"), QStringLiteral("low"));
    QVERIFY(fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("a1")}}));
    auto batch = fx.engine->executeBatch(
        {Command::note(b, QStringLiteral("b1")), Command::note(a, QStringLiteral("a2")),
         Command::note(b, QStringLiteral("b2")), Command::make(Command::Kind::Acknowledge, a, {})});
    QVERIFY(batch);
    for (const auto &slot : *batch)
        QVERIFY(slot);

    // The chain survives closing and reopening the database and an engine built anew.
    const QString path = fx.dbPath;
    fx.engine.reset();
    fx.store.close();
    QVERIFY(fx.store.open(path));
    fx.engine = std::make_unique<engine::LifecycleEngine>(
        fx.store, *workflow::Workflow::load(QStringLiteral("sre")),
        *workflow::OnCallSchedule::load({}), fx.clock);
    QVERIFY(fx.transition(a, QStringLiteral("resolved"), resolution()));

    for (const QString &n : {a, b}) {
        const auto inc = fx.get(n);
        const auto tl = fx.store.timeline(inc.uid);
        QVERIFY(tl.size() >= 3);
        QString prev;
        for (const auto &e : tl) {
            QCOMPARE(e.incidentUid, inc.uid);
            QCOMPARE(e.prevHash, prev);
            QCOMPARE(e.hash, e.computeHash());
            QCOMPARE(e.hash.size(), 64);
            prev = e.hash;
        }
        QCOMPARE(inc.headHash, prev);
        QCOMPARE(inc.eventCount, tl.size());
    }
    const auto report = fx.store.verify();
    QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
    QCOMPARE(report.incidents, 2);
    QCOMPARE(report.events, eventRows(fx.store));
}

void TestLifecycleEngine::hlc_strictlyIncreasesWithinAndAcrossCommits()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Clock"), QStringLiteral("high"));
    // The same millisecond for everything, then a clock that goes back.
    QVERIFY(fx.engine->executeBatch(
        {Command::note(n, QStringLiteral("x")), Command::note(n, QStringLiteral("y"))}));
    fx.clock.set(baseTime() - kHour);
    QVERIFY(fx.run(Command::Kind::Note, n, {{QStringLiteral("text"), QStringLiteral("z")}}));
    const auto tl = fx.store.timeline(fx.get(n).uid);
    QCOMPARE(tl.size(), 6);
    for (int i = 1; i < tl.size(); ++i) {
        QVERIFY2(tl[i].hlc > tl[i - 1].hlc, qPrintable(QString::number(i)));
        QVERIFY(tl[i].seq > tl[i - 1].seq);
    }
    QCOMPARE(engine::HybridLogicalClock::physical(tl.first().hlc), baseTime());
    // The wall time is kept as given, even when it went back.
    QCOMPARE(tl.last().ts, baseTime() - kHour);
}

void TestLifecycleEngine::events_carryTheActor()
{
    CoreFixture fx;
    auto o =
        fx.engine->execute(Command::open({{QStringLiteral("title"), QStringLiteral("Who did it")},
                                          {QStringLiteral("severity"), QStringLiteral("high")}},
                                         QStringLiteral("  ana  ")));
    QVERIFY(o);
    const QString n = o->number;
    // The on-call assignment and the notification on open are done for the person who opened it.
    for (const auto &e : o->events)
        QCOMPARE(e.actor, QStringLiteral("ana"));
    QCOMPARE(fx.get(n).reporter, QStringLiteral("ana"));

    QVERIFY(fx.run(Command::Kind::Note, n, {{QStringLiteral("text"), QStringLiteral("hi")}},
                   QStringLiteral("bob")));
    QVERIFY(fx.run(Command::Kind::Acknowledge, n, {}, QStringLiteral("carol")));
    QVERIFY(fx.run(Command::Kind::Note, n, {{QStringLiteral("text"), QStringLiteral("anon")}},
                   QString()));
    fx.clock.advance(2 * kDay);
    QCOMPARE(fx.engine->checkSla(fx.clock.nowMs()).value(), 1); // resolution: acknowledged in time

    QStringList actors;
    for (const auto &e : fx.store.timeline(fx.get(n).uid))
        actors << e.actor;
    QCOMPARE(actors,
             (QStringList{QStringLiteral("ana"), QStringLiteral("ana"), QStringLiteral("ana"),
                          QStringLiteral("bob"), QStringLiteral("carol"), QStringLiteral("user"),
                          engine::SystemActor}));
    // The log's actor is part of the hash: verify() would see a change.
    QVERIFY(fx.store.verify().ok);
}

void TestLifecycleEngine::eventsAppended_onceAfterCommit_neverOnRefusal()
{
    CoreFixture fx;
    QSignalSpy appended(fx.engine.get(), &engine::LifecycleEngine::eventsAppended);
    qint64 rowsSeen = -1;
    connect(fx.engine.get(), &engine::LifecycleEngine::eventsAppended, this, [&] {
        // Emitted after COMMIT: another connection would see the rows, and no transaction is open.
        QVERIFY(!fx.store.db().inTransaction());
        rowsSeen = eventRows(fx.store);
    });
    auto o =
        fx.engine->execute(Command::open({{QStringLiteral("title"), QStringLiteral("Signal")},
                                          {QStringLiteral("severity"), QStringLiteral("low")}}));
    QVERIFY(o);
    QCOMPARE(appended.count(), 1);
    QCOMPARE(rowsSeen, 3);
    QStringList ids;
    for (const auto &e : o->events)
        ids << e.id;
    QCOMPARE(appended[0][0].toStringList(), ids);
    QCOMPARE(appended[0][1].toStringList(), QStringList{o->incidentUid});

    const QString m = fx.open(QStringLiteral("Other"), QStringLiteral("low"));
    appended.clear();
    auto r = fx.engine->executeBatch({Command::note(o->number, QStringLiteral("x")),
                                      Command::note(m, QStringLiteral("y")),
                                      Command::note(o->number, QStringLiteral("z"))});
    QVERIFY(r);
    QCOMPARE(appended.count(), 1);
    QCOMPARE(appended[0][0].toStringList().size(), 3);
    QCOMPARE(appended[0][1].toStringList(), (QStringList{o->incidentUid, fx.get(m).uid}));

    appended.clear();
    QVERIFY(!fx.transition(m, QStringLiteral("postmortem")));
    QVERIFY(fx.engine->executeBatch({Command::note(m, QString())}));
    QCOMPARE(appended.count(), 0);
}

QTEST_GUILESS_MAIN(TestLifecycleEngine)
#include "tst_lifecycleengine.moc"
