// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

namespace sitrep::domain {

/// Severity of an incident. Stored as its lower-case name, shown as SEV1..SEV4.
enum class Severity { Unknown = 0, Critical = 1, High = 2, Medium = 3, Low = 4 };
/// Priority P1..P4 (0 = not set).
enum class Priority { None = 0, P1 = 1, P2 = 2, P3 = 3, P4 = 4 };

QString severityName(Severity s);         // "critical"
QString severityLabel(Severity s);        // "SEV1"
Severity parseSeverity(const QString &s); // accepts critical/sev1/1/p1-style, Unknown if not
QString priorityName(Priority p);         // "P1"
Priority parsePriority(const QString &s); // accepts P1/p1/1, None if not
/// Priority that follows from severity when impact and urgency are unknown.
Priority priorityForSeverity(Severity s);
/// Severity that follows from priority when none was given (P1 -> critical ... P4 -> low),
/// so every incident has one.
Severity severityForPriority(Priority p);

/// The projection row of one incident: the union of the seeds' fields.
struct Incident {
    qint64 rowid = 0;
    QString uid;    // stable identity (UUID), survives renumbering
    QString number; // INC0000001
    QString title;
    QString description;
    Severity severity = Severity::Unknown;
    Priority priority = Priority::None;
    QString impact;
    QString urgency;
    QString category;
    QString subcategory;
    QStringList services;
    QStringList cis;
    QString assignee;
    QString assignmentGroup;
    QString reporter;
    QString commander;
    QStringList responders;
    /// How many alerts are linked (column alert_count). The links themselves are rows of
    /// incident_alerts, in link order: Store::alerts() reads them.
    qint64 alertCount = 0;
    /// Linked alerts in link order, as far as this copy knows them: a copy read from the store
    /// has none (Store::loadAlerts() fills them in); a fold appends each link it makes, so a
    /// fold from the opening holds them all. The last `alertCount - alertsInTable` of them
    /// are not in incident_alerts yet: Store::writeIncident() inserts them, one row each.
    QStringList alerts;
    /// Not stored: how many of this incident's links incident_alerts holds (alertCount as
    /// read from the store; 0 for a fold from the opening).
    qint64 alertsInTable = 0;
    /// Not stored: the alerts this copy linked (those of `alerts` its folds appended), the
    /// fold's test for "linked already". A copy read from the store does not know the links
    /// in the table: whoever links on it asks the store first (Store::alertLinked()).
    QSet<QString> linkedHere;
    /// Not stored: the alerts this copy linked that no once-only alert.linked event of the log
    /// names (domain::onceEventId()): those its opening linked, and those linked by an event
    /// under another id, unless such an event for the same alert follows. Store::writeIncident()
    /// writes their rows with `once` = 0, to be looked up by name (Store::alertLinked()).
    QSet<QString> linkedByName;
    QString state;
    bool open = true;
    qint64 createdAt = 0;
    qint64 acknowledgedAt = 0;
    qint64 mitigatedAt = 0;
    qint64 resolvedAt = 0;
    qint64 closedAt = 0;
    qint64 updatedAt = 0;
    // SLA clock. Deadlines move by the time spent in paused states.
    qint64 responseDue = 0;
    qint64 resolutionDue = 0;
    qint64 slaPausedMs = 0;
    qint64 slaPausedSince = 0; // non-zero while the clock is paused
    int slaBreached = 0;       // bit 1: response, bit 2: resolution
    QString rootCause;
    QString resolutionNote;
    QString closeCode;
    int timeSpentMinutes = 0;
    QJsonObject approvals; // target state (or "*") -> approver
    qint64 lastStatusUpdateAt = 0;
    QString headHash;
    qint64 eventCount = 0;
    QJsonObject extra; // fields added by later modules (problem, postmortem status, ...)
    // Not stored: set while folding once the back end numbered the incident, so a
    // provisional number folded after it does not take the number back.
    bool numberedByBackend = false;

    /// The deadline that currently matters: response until acknowledged, then resolution.
    qint64 activeDeadline() const;
    /// Leaves of what is not stored what a read of the row leaves (Store::readIncident()): no
    /// alert list or link sets, every link counted as in the table, not numbered by the back
    /// end. For a copy kept in memory to stand for the row it wrote.
    void asRead();
    QJsonObject toJson() const;
};

inline constexpr int SlaResponseBreached = 1;
inline constexpr int SlaResolutionBreached = 2;

} // namespace sitrep::domain
