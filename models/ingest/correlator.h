// SPDX-License-Identifier: MIT
#pragma once

#include "engine/command.h"
#include "ingest/alert.h"
#include "ingest/ingestconfig.h"
#include "store/store.h"
#include "util/result.h"
#include "workflow/workflow.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>
#include <utility>

namespace sitrep::ingest {

/// The correlation layer before the engine (seed 003, pitfall 1): deduplicates alerts by
/// fingerprint, groups them by a configurable key inside a time window, opens an incident
/// once a group reaches the threshold, attaches later alerts, damps flapping, and applies
/// the workflow's all_alerts_resolved policy. It only plans: plan() reads the state and
/// returns engine commands plus the state rows to write, and write() stores those rows
/// inside the engine's transaction, so state and events commit together.
class Correlator {
public:
    /// What an alert's row and its group's row both keep: the incident (empty while none),
    /// the severity, and when they were first and last seen.
    struct Sighting {
        QString incident;
        int severity = 0;
        qint64 firstSeen = 0;
        qint64 lastSeen = 0;
    };
    /// What an alert row's indexes are on (its group, incident and status) and the fields that
    /// change only with them.
    struct AlertKeys {
        QString groupId, incident, status, reported;
        int severity = 0;
        qint64 firstSeen = 0;
        bool operator==(const AlertKeys &) const = default;
    };
    struct AlertRow : Sighting {
        QString id;
        QString groupId;
        QString status;   // firing | resolved
        QString reported; // last status that became an event
        qint64 flapStart = 0;
        int flapChanges = 0;
        bool flapping = false;
        QByteArray alert; // the alert as stored: Alert::toJsonText()
        /// As read from the table; none for an alert seen for the first time. write() leaves
        /// the indexed columns alone when they have not changed.
        std::optional<AlertKeys> stored;
    };
    struct GroupRow : Sighting {
        QString id;
        QString key;
        std::optional<Sighting> stored; // as read from the table; none for a new group
    };
    /// The work one batch of alerts asks for.
    struct Plan {
        QList<engine::Command> commands;
        QHash<QString, AlertRow> alerts; // rows to write
        QHash<QString, GroupRow> groups; // rows to write
        QSet<QString> openedIncidents;   // uids the plan's Open commands create
        /// Transitions asked by the "transition" policy: index in commands -> incident uid.
        QHash<int, QString> policyTransitions;
        int opened = 0, attached = 0, deduplicated = 0, resolved = 0, pending = 0, suppressed = 0,
            ignored = 0;
    };

    Correlator(store::Store &store, const IngestConfig &config, const workflow::Workflow &workflow);

    /// Plans the commands for `alerts` arriving at `now`. Reads only. When the state cannot
    /// be read, error() says why and the plan must not be used.
    Plan plan(const QList<Alert> &alerts, qint64 now);
    QString error() const { return m_error; }
    /// Writes a plan's rows; call inside the transaction that commits its events.
    /// `openedUids`: incidents whose opening actually committed (a rejected Open leaves its
    /// group waiting, so a later alert retries).
    Status write(const Plan &plan, const QSet<QString> &openedUids);

    /// The grouping key of an alert under the configured group_by.
    QString groupKey(const Alert &a) const;
    /// The incident an alert id ("source:fingerprint") is linked to, or empty.
    QString incidentOfAlert(const QString &alertId);

    static const QString AllResolvedKind; // "alerts.all_resolved"

private:
    struct Work;
    store::Stmt *stmt(const QString &sql); // null (and error() set) when it cannot be prepared
    std::optional<AlertRow> loadAlert(const QString &id);
    /// The first group row `condition` (an SQL condition on ingest_groups and what follows
    /// it, with one parameter, `value`) selects.
    std::optional<GroupRow> loadGroup(const QString &condition, const QString &value);
    bool groupLive(Work &w, const GroupRow &g, qint64 now);
    void link(Work &w, const QString &incident, const Alert &a, const QString &key,
              const QString &actor);
    /// Counts a status change for flap damping; true when the change must be swallowed.
    bool damp(Work &w, AlertRow &row, qint64 now, const QString &actor);
    void checkAllResolved(Work &w, const QString &incident, qint64 now);
    /// The uid of the incident a group of `key` opens, and whether that incident is open
    /// already (opened by another replica): domain::correlatedIncidentUid(key, epoch) with
    /// epoch the number of the key's earlier incidents that have ended.
    std::pair<QString, bool> correlatedIncident(Work &w, const QString &key);

    store::Store &m_store;
    const IngestConfig &m_config;
    const workflow::Workflow &m_workflow;
    QString m_error;
};

} // namespace sitrep::ingest
