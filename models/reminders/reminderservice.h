// SPDX-License-Identifier: MIT
#pragma once

#include "engine/clock.h"
#include "util/result.h"

#include <QList>
#include <QObject>
#include <QString>

class QTimer;

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::reminders {

/// A war-room reminder recorded on an incident's timeline.
struct FiredReminder {
    QString incidentUid;
    QString number;
    QString title;
    QString reminder; // no_commander | no_status_update | postmortem_due
    QString text;
    qint64 since = 0; // when the reminder's clock started (identifies the occurrence)
};

/// Whether the incident's timeline already holds this reminder occurrence (kind "reminder",
/// same id and start). One index range over the incident's events.
bool isRecorded(engine::LifecycleEngine &engine, const QString &incidentUid,
                const QString &reminder, qint64 since);

/// Records one reminder occurrence on the timeline unless it is already there. Returns
/// true when it wrote the event.
Result<bool> recordOnce(engine::LifecycleEngine &engine, const QString &incidentUid,
                        const QString &reminder, qint64 since, const QString &text);

/// The war-room reminders of seed 004 for every open incident, not only those open in a
/// window: no commander 5 minutes after creation, no status update for 15 minutes,
/// postmortem due 48 hours after resolution. Each occurrence is recorded once on the
/// incident's timeline (a `reminder` event, as system).
///
/// A scan is three indexed range queries (migration 0210: (is_open, resolved_at, commander,
/// created_at), (is_open, resolved_at, MAX(last_status_at, created_at)) and (closed_at,
/// resolved_at) for resolved incidents not yet closed), limited to reminders that fell due since
/// the previous scan (with a few minutes' slack), so its cost follows what is new, not the size of
/// the database. Reminders that fell due longer ago than the catch-up horizon (default 24 h, e.g. a
/// database opened after a week) are not recorded retroactively; an incident open in the window
/// still shows them and records them (recordOnce). A QTimer drives it in the GUI and in `sitrep
/// serve`; tests call scan() with a ManualClock.
class ReminderService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReminderService)
public:
    ReminderService(engine::LifecycleEngine &engine, const engine::Clock &clock,
                    QObject *parent = nullptr);
    ~ReminderService() override;

    /// Scans now and then every `intervalMs` (default 30 s).
    void start(int intervalMs = 30000);
    void stop();
    /// One scan at the clock's now; records what is due and returns it.
    Result<QList<FiredReminder>> scan();
    /// Forgets the previous scan, so the next one covers the whole horizon again.
    void rescanAll() { m_lastScan = 0; }
    void setHorizonMs(qint64 ms) { m_horizonMs = ms; }
    /// At most this many new reminders of each kind are recorded per scan (the rest next time).
    void setBatchLimit(int n) { m_batch = n; }
    /// The scan's SQL, one statement per reminder kind (binds: window start, window end,
    /// limit): for query-plan checks.
    static QStringList scanQueries();

Q_SIGNALS:
    /// After a scan recorded reminders (already committed).
    void remindersRecorded(const QList<sitrep::reminders::FiredReminder> &reminders);

private:
    engine::LifecycleEngine &m_engine;
    const engine::Clock &m_clock;
    QTimer *m_timer = nullptr;
    qint64 m_lastScan = 0;
    qint64 m_lastFullScan = 0;
    qint64 m_horizonMs = 24LL * 3600 * 1000;
    int m_batch = 500;
};

} // namespace sitrep::reminders
