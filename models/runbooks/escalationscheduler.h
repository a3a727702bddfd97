// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"
#include "engine/clock.h"
#include "runbooks/runbook.h"
#include "util/result.h"

#include <QList>
#include <QString>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::runbooks {

/// One escalation timer of one incident.
struct DueEscalation {
    QString incidentUid;
    QString number;
    QString runbookId;
    int rule = 0; // index into the runbook's escalation list
    QString contact;
    QString until;
    qint64 dueAt = 0; // incident created + after
};

/// Whether the rule's stop condition holds for the incident now.
bool escalationStopped(const domain::Incident &incident, const QString &until);

/// The escalation timers of an incident under a runbook: which are due at `now` and not yet
/// recorded in `timeline`, and the next one still ahead (dueAt > now), if any.
/// Everything is derived from the incident's creation time and the events already in its
/// log, so the timers survive a restart: nothing is kept in memory between calls.
struct EscalationPlan {
    QList<DueEscalation> due;
    qint64 nextAt = 0; // 0: nothing ahead
};
EscalationPlan planEscalations(const domain::Incident &incident,
                               const QList<domain::Event> &timeline, const Runbook &runbook,
                               qint64 now);

/// Fires runbook escalation timers through the engine (Record "escalation" events naming
/// the contact). Stateless between ticks; a QTimer in the GUI or the server drives tick(),
/// and nextDueAt() says when to call it again.
class EscalationScheduler {
public:
    EscalationScheduler(engine::LifecycleEngine &engine, const RunbookLibrary &library,
                        const engine::Clock &clock);

    /// Records every escalation that is due now. Returns how many were recorded.
    Result<int> tick();
    /// Earliest future due time seen by the last tick (0 when none).
    qint64 nextDueAt() const { return m_nextAt; }
    /// At most this many open incidents are examined per tick (newest first).
    void setScanLimit(int n) { m_scanLimit = n; }

private:
    engine::LifecycleEngine &m_engine;
    const RunbookLibrary &m_library;
    const engine::Clock &m_clock;
    qint64 m_nextAt = 0;
    int m_scanLimit = 5000;
};

} // namespace sitrep::runbooks
