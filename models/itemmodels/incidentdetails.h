// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sitrep::store {
class Store;
}

namespace sitrep::itemmodels {

struct EvidenceItem {
    QString kind; // metric, log, trace, file, screenshot, link, dashboard
    QString title;
    QString url;
    QString sha256; // attached file (content in the attachments table)
    QString name;
    QString mime;
    qint64 size = 0;
    qint64 at = 0;
    QString actor;
    bool isImage() const { return mime.startsWith(QLatin1String("image/")); }
};

struct StatusUpdateItem {
    QString message;
    QString status;
    QString visibility; // internal | external
    QString actor;
    qint64 at = 0;
};

struct ActionItemRow {
    QString id;
    QString title;
    QString owner;
    QString due;
    bool done = false;
};

/// Health of an affected service: the worst severity among its firing alerts (0 = healthy),
/// unless a person overrode it (Record kind "service.health").
struct ServiceHealth {
    QString service;
    int severity = 0;
    int firingAlerts = 0;
    bool overridden = false;
    QString overriddenBy;
};

/// A war-room reminder (seed 004): no commander after 5 minutes, no status update for
/// 15 minutes, postmortem due 48 hours after resolution.
struct Reminder {
    QString id;     // no_commander | no_status_update | postmortem_due
    QString text;   // what the header shows
    qint64 since = 0; // the moment the reminder's clock started; identifies one occurrence
    bool recorded = false; // already on the timeline
};

/// Everything the incident workspace shows, folded from the projection row and the log.
struct IncidentDetails {
    domain::Incident incident;
    QList<domain::Event> timeline;
    QList<EvidenceItem> evidence;
    QList<StatusUpdateItem> statusUpdates;
    QList<ActionItemRow> actionItems;
    QList<ServiceHealth> services;
    QString approver; // who approved (any target), empty if nobody
};

/// Reads one incident and its timeline (a single index range scan).
std::optional<IncidentDetails> loadIncidentDetails(store::Store &store, const QString &uidOrNumber);

inline constexpr qint64 NoCommanderAfterMs = 5 * 60 * 1000;
/// Seed 004's interval; the workflow sets one per priority (status_update_minutes).
inline constexpr qint64 StatusUpdateEveryMs = 15 * 60 * 1000;

/// Reminders that are due at `now`, each marked recorded if its timeline event exists.
/// `statusUpdateEveryMs` is the workflow's interval for the incident's priority; 0: the
/// priority gets no status-update reminder.
QList<Reminder> warRoomReminders(const IncidentDetails &details, qint64 now,
                                 qint64 statusUpdateEveryMs = StatusUpdateEveryMs);
/// The Record payload for a reminder (kind "reminder").
QJsonObject reminderPayload(const Reminder &r);

inline constexpr qint64 PostmortemDueMs = 48LL * 3600 * 1000;

/// The content of an attached file, empty if unknown.
QByteArray attachmentData(store::Store &store, const QString &sha256);

/// One line per event for the timeline ("Transitioned triggered -> acknowledged").
QString describeTimelineEvent(const domain::Event &e);
/// A short name for an event kind ("Note", "State", "SLA"), for the timeline's Kind column.
QString timelineKindLabel(const QString &kind);

} // namespace sitrep::itemmodels
