// SPDX-License-Identifier: MIT
#pragma once

#include "domain/canonicaljson.h"
#include "engine/clock.h"
#include "engine/command.h"
#include "engine/projectionregistry.h"
#include "store/bulkloader.h"
#include "store/store.h"
#include "util/result.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <functional>

namespace sitrep::engine {

/// What a registered workflow action sees, inside the transaction of the command that runs it.
struct ActionContext {
    const domain::Incident &incident; // as it stands after the command's events so far
    qint64 ts = 0;                    // the time of the command
    QString reason;                   // "opened", "transition to resolved"
    /// The incident's whole timeline, including the events of this transaction not yet
    /// committed. Read from the store on each call: call it only when needed.
    std::function<QList<domain::Event>()> timeline;
};

/// An event a workflow action asks the engine to append (as the command's actor).
struct ActionEvent {
    QString kind;
    QJsonObject payload;
};

/// A workflow action's handler: the events it adds; none when there is nothing to do.
using WorkflowAction = std::function<QList<ActionEvent>(const ActionContext &)>;

/// Runs commands against the workflow: validates (transitions, guards, approval gates),
/// turns them into events, appends them with the projection update in one transaction.
/// A rejected command changes nothing and says why.
class LifecycleEngine final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LifecycleEngine)
public:
    LifecycleEngine(store::Store &store, workflow::Workflow workflow,
                    workflow::OnCallSchedule oncall, const Clock &clock, QObject *parent = nullptr);

    const workflow::Workflow &workflow() const { return m_workflow; }
    const workflow::OnCallSchedule &oncall() const { return m_oncall; }
    store::Store &store() { return m_store; }
    const Clock &clock() const { return m_clock; }
    void setReplicaId(const QString &id) { m_replica = id; }
    QString replicaId() const { return m_replica; }

    /// Runs inside every write transaction, after the events were appended and the
    /// projections ran, before COMMIT, with the events this replica produced (not merged
    /// remote ones). A failing hook rolls the whole transaction back. For what belongs to
    /// this replica's own changes (the sync outbox queues its events, ingest writes its
    /// correlation rows); a table derived from the log is a Projection instead.
    using CommitHook = std::function<Status(store::Store &, const QList<domain::Event> &)>;
    void addCommitHook(CommitHook hook) { m_commitHooks.push_back(std::move(hook)); }
    /// The same for a hook that belongs to the engine rather than to one object (remediation
    /// state, the sync outbox): registered once per engine under its name, however many
    /// objects ask. False, and nothing added, when the name is taken.
    bool addCommitHook(const QString &name, CommitHook hook)
    {
        if (m_commitHookNames.contains(name))
            return false;
        m_commitHookNames.insert(name);
        addCommitHook(std::move(hook));
        return true;
    }

    /// Registers the handler of a workflow action (a name in a transition's `actions` or
    /// `on_open`). The engine itself runs assign_on_call, notify and
    /// execute_remediation_steps; layers above it register the rest (the postmortem draft),
    /// so the engine depends on none of them. Registering a name again replaces its handler.
    void registerAction(const QString &name, WorkflowAction action);
    /// True when `name` runs something: built in or registered.
    bool hasAction(const QString &name) const;
    /// Registers a projection of the event log: from now on it folds in every event this
    /// engine appends (commands, merged remote events, a bulk load), in the same transaction,
    /// after catching up with what was appended without it. False when a projection of that
    /// name is registered already.
    bool addProjection(std::unique_ptr<Projection> projection)
    {
        return m_projections.add(std::move(projection));
    }
    const ProjectionRegistry &projections() const { return m_projections; }
    /// The store's bulk loader for the first sync of an empty database, with the registered
    /// projections folding the loaded events in before it commits.
    store::BulkLoader bulkLoader();
    /// Rebuilds every projection from the log in one transaction: the incidents (with
    /// services, search and the dashboard rollups) and each registered projection.
    Status rebuildProjections();
    /// Store::verify() (hash chains, the incidents projection, SQLite), and every registered
    /// projection rebuilt the same way as rebuildProjections() and compared.
    store::VerifyReport verify(const std::function<void(const QString &)> &progress = {});

    /// What merging remote events did.
    struct MergeResult {
        int applied = 0;                // new events appended
        int duplicates = 0;             // already known (by UUID): no-ops
        int secondOpenings = 0;         // incident.opened for an incident open already: no-ops
        QList<domain::Event> deferred;  // events of incidents not opened here yet (retry later)
        QList<domain::Event> conflicts; // conflict events recorded by this merge
        QStringList incidentUids;       // incidents touched
    };
    /// Merges events received from a back end, in one transaction. Duplicates (by UUID) are
    /// no-ops. Each new event keeps its id, hlc, ts, actor, kind and payload but is re-chained
    /// onto this replica's hash chain. The incident is then folded in (hlc, id) order, so
    /// replicas that hold the same events show the same row whatever order they got them in;
    /// a transition whose `from` no longer matches the state at its place in that order is
    /// not applied and is recorded as a `conflict` event (deterministic id, so replicas that
    /// find the same conflict record it once).
    ///
    /// Each new event is first checked as a local command would be (remoteRejection()); one
    /// that fails is not appended: a `conflict` event on its incident carries it instead
    /// (domain::rejectionConflict), and the events after it still merge.
    Result<MergeResult> mergeRemote(const QList<domain::Event> &events);

    /// The incident that holds a number, empty when none does.
    using NumberHolder = std::function<QString(const QString &number)>;
    /// Why a remote event cannot be applied to `incident` (as folded before it), empty when
    /// it can. Checked: a number (incident.renumbered only from the back end, never a number
    /// another incident holds), an approval (from a commander or admin the back end recorded
    /// as its sender, under their own name; none is trusted without a recorded sender), a
    /// transition through an approval gate (an approval must be recorded), payloads the
    /// fold needs. The merge and the bulk load both ask it.
    QString remoteRejection(const domain::Incident &incident, const domain::Event &event,
                            const NumberHolder &numberHolder) const;

    /// One command in its own transaction.
    Result<Outcome> execute(const Command &command);
    /// Records an event of `kind` with `payload` on an incident (a Record command). A Record
    /// command whose args hold `once` (a key) records a once-only event: its id is
    /// domain::onceEventId(incident, kind, once), and recording it again is a no-op.
    Status record(const QString &incident, const QString &kind, const QJsonObject &payload,
                  const QString &actor);
    /// Many commands in one transaction. Rejected commands change nothing and report their
    /// error in their slot; the others commit together. Fails as a whole only when the
    /// database cannot commit.
    Result<QList<Result<Outcome>>> executeBatch(const QList<Command> &commands);
    /// Decides and runs a batch in one write transaction: `plan` runs after BEGIN IMMEDIATE and
    /// returns the commands, so what it read cannot change before they commit. Two processes on
    /// one database decide in turn (find-or-open sees the other's incident). A failing plan
    /// rolls back and fails the whole call; no commands still runs the commit hooks.
    using Planner = std::function<Result<QList<Command>>()>;
    Result<QList<Result<Outcome>>> executePlanned(const Planner &plan);

    /// Records SLA breaches that are due at `now`, each once: a breach is a once-only event
    /// (domain::onceEventId of the incident, sla.breached and the deadline), so replicas that
    /// both see it due record the same event. Returns how many were recorded.
    Result<int> checkSla(qint64 now);
    /// Closes open incidents untouched for `days` through the engine, as the system actor.
    /// With dryRun, lists them without changing anything.
    Result<QList<domain::Incident>> bulkCloseStale(int days, bool dryRun);

    /// What the workflow allows from the incident's current state (for buttons/menus).
    QStringList allowedTransitions(const domain::Incident &incident) const;
    /// Checks a transition's guards without doing it; empty when it would pass.
    QString whyNot(const domain::Incident &incident, const QString &to) const;

Q_SIGNALS:
    /// After commit: the UUIDs of new events and the incidents they touched.
    void eventsAppended(const QStringList &eventIds, const QStringList &incidentUids);

private:
    /// The contents of an evidence file: a regular file no larger than the setting
    /// evidence.max_mb (50 MiB by default), read without ever going past it.
    Result<QByteArray> readAttachment(const QString &path);
    struct Work; // one batch's working set
    Result<Outcome> apply(Work &work, const Command &cmd);
    Status runActions(Work &work, domain::Incident &inc, const QStringList &actions,
                      const QString &reason, Outcome &out);
    void emitEvent(Work &work, domain::Incident &inc, const QString &kind,
                   const QJsonObject &payload, Outcome &out, const QString &id = {});
    /// The same with the payload's canonical bytes written already.
    void emitPayload(Work &work, domain::Incident &inc, const QString &kind,
                     domain::CanonicalObject payload, Outcome &out, const QString &id = {});
    /// The id of a once-only event (see emitOnce()), empty when the log or this batch holds
    /// it already.
    QString onceId(const Work &work, const domain::Incident &inc, const QString &kind,
                   const Outcome &out, const QString &key, const QString &checkedId = {});
    /// A once-only event (domain::onceEventId of the incident, `kind` and `key`): emitted
    /// unless the log or this batch holds it already. False when it was there (a no-op).
    /// `checkedId`: the id, which the caller has made and asked the store whether the log
    /// holds it already (Store::alertLinked() for alert.linked): neither is done again.
    bool emitOnce(Work &work, domain::Incident &inc, const QString &kind,
                  const QJsonObject &payload, Outcome &out, const QString &key,
                  const QString &checkedId = {});
    /// The same with the payload's canonical bytes written already.
    bool emitOnce(Work &work, domain::Incident &inc, const QString &kind,
                  domain::CanonicalObject payload, Outcome &out, const QString &key,
                  const QString &checkedId = {});
    Result<domain::Incident> load(Work &work, const QString &ref);
    /// The incident numbered `ref` as this engine's last commit of it left it, when its row
    /// still has that head hash (nothing appended to it since, here or elsewhere).
    std::optional<domain::Incident> recentIncident(const QString &ref);
    /// Keeps the incidents of a committed batch (moved out of it).
    void keepRecent(Work &work);
    QString guardFailure(const domain::Incident &inc, const workflow::TransitionDef &t,
                         const QString &actor = {}) const;
    Result<QJsonObject> validateField(domain::Incident &inc, const QString &field,
                                      const QJsonValue &value) const;
    Result<QList<Result<Outcome>>> commit(Work &work, QList<Result<Outcome>> results);

    store::Store &m_store;
    workflow::Workflow m_workflow;
    workflow::OnCallSchedule m_oncall;
    const Clock &m_clock;
    HybridLogicalClock m_hlc;
    QString m_replica = QStringLiteral("local");
    QList<CommitHook> m_commitHooks;
    QSet<QString> m_commitHookNames;
    QHash<QString, WorkflowAction> m_actions;
    // Payloads of few distinct values (transitions, on-call assignments, notifications) by
    // their canonical bytes, each read once: see CanonicalObjectWriter::finish().
    QHash<QByteArray, QJsonObject> m_payloads;
    QSet<QString> m_warnedActions; // unregistered action names already logged
    ProjectionRegistry m_projections;
    // Incidents as the last commits left them (uid -> copy as a read gives it), in two
    // generations so that those touched lately stay: see recentIncident().
    QHash<QString, domain::Incident> m_recent, m_older;
};

/// Actor name the engine uses for what it does on its own.
inline const QString SystemActor = QStringLiteral("system");
inline const QString StaleCloseCode = QStringLiteral("auto_closed_stale");

} // namespace sitrep::engine
