// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "util/result.h"
#include "workflow/prioritymatrix.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace YAML {
class Node;
}

namespace sitrep::workflow {

/// What the SLA clock does while an incident is in a state.
enum class SlaMode { Running, Paused, Stopped };
QString slaModeName(SlaMode m);

struct StateDef {
    QString id;
    QString label;
    SlaMode sla = SlaMode::Running;
    QString stamps; // acknowledged | mitigated | resolved | closed | empty
    bool open = true;
};

struct TransitionDef {
    QString from; // a state id or "*" (any open state)
    QString to;
    QStringList guards;
    QStringList actions;
    bool approval = false; // always needs a recorded human approval
    int line = 0;
};

struct PriorityPolicy {
    int responseMinutes = 0;
    int resolutionMinutes = 0;
    bool autoRemediation = false;
    bool approvalRequired = false;
    QStringList notificationChannels;
    /// War-room reminder to post a status update after this many minutes without one;
    /// 0 (the key given empty) means no reminder. Seed 004's 15 minutes when not given.
    int statusUpdateMinutes = 15;
};

/// What happens when every alert of an incident has resolved.
struct AllAlertsResolvedPolicy {
    QString mode = QStringLiteral("suggest"); // record | suggest | transition
    QString state;                            // target for "transition"
};

/// A lifecycle loaded from YAML: states, transitions with guards and actions, SLA clock
/// behaviour per state, SLA and approval policy per priority, the priority matrix.
class Workflow {
public:
    static const QStringList &knownGuards();
    static const QStringList &knownActions();
    static QStringList presetNames(); // sre, itil, pipeline
    /// Loads a preset by name, or a YAML file by path.
    static Result<Workflow> load(const QString &nameOrPath);
    static Result<Workflow> fromYaml(const QByteArray &text, const QString &source);

    QString name() const { return m_name; }
    QString source() const { return m_source; }
    QString version() const { return m_version; }
    QString initialState() const { return m_initial; }
    QString acknowledgeState() const { return m_acknowledge; }
    QString staleCloseState() const { return m_staleClose; }
    QStringList onOpenActions() const { return m_onOpen; }
    AllAlertsResolvedPolicy allAlertsResolved() const { return m_allResolved; }
    const QList<StateDef> &states() const { return m_states; }
    const StateDef *state(const QString &id) const;
    /// Resolves a user-typed state name (case-insensitive, id or label).
    QString canonicalState(const QString &name) const;
    const TransitionDef *transition(const QString &from, const QString &to) const;
    QStringList allowedTargets(const QString &from) const;
    PriorityPolicy policy(domain::Priority p) const;
    const PriorityMatrix &matrix() const { return m_matrix; }
    /// The first state that stamps `stamp` (acknowledged, mitigated, resolved, closed).
    QString stateStamping(const QString &stamp) const;
    QStringList openStates() const;

private:
    static Result<Workflow> fromRoot(const YAML::Node &root, const QString &source);

    QString m_name;
    QString m_source;
    QString m_version;
    QString m_initial;
    QString m_acknowledge;
    QString m_staleClose;
    QStringList m_onOpen;
    AllAlertsResolvedPolicy m_allResolved;
    QList<StateDef> m_states;
    QList<TransitionDef> m_transitions;
    QMap<int, PriorityPolicy> m_policies;
    PriorityMatrix m_matrix;
};

} // namespace sitrep::workflow
