// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace sitrep::query {

// The war-room reminder rules (seed 004), one set for the workspace banner and the
// reminder service that records them on the timeline.

/// A war-room reminder (seed 004): no commander after 5 minutes, no status update for
/// 15 minutes, postmortem due 48 hours after resolution.
struct Reminder {
    QString id;            // no_commander | no_status_update | postmortem_due
    QString text;          // what the header shows
    qint64 since = 0;      // the moment the reminder's clock started; identifies one occurrence
    bool recorded = false; // already on the timeline
};

inline constexpr qint64 NoCommanderAfterMs = 5 * 60 * 1000;
/// Seed 004's interval; the workflow sets one per priority (status_update_minutes).
inline constexpr qint64 StatusUpdateEveryMs = 15 * 60 * 1000;
inline constexpr qint64 PostmortemDueMs = 48LL * 3600 * 1000;

/// Reminders that are due at `now`, each marked recorded if its event is on `timeline` (an
/// empty timeline: none is marked).
/// `statusUpdateEveryMs` is the workflow's interval for the incident's priority; 0: the
/// priority gets no status-update reminder.
QList<Reminder> warRoomReminders(const domain::Incident &incident,
                                 const QList<domain::Event> &timeline, qint64 now,
                                 qint64 statusUpdateEveryMs = StatusUpdateEveryMs);
/// The Record payload for a reminder (kind "reminder").
QJsonObject reminderPayload(const Reminder &r);

} // namespace sitrep::query
