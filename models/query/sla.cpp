// SPDX-License-Identifier: MIT
#include "query/sla.h"

#include "domain/incident.h"

namespace sitrep::query {

SlaStatus slaStatus(qint64 due, qint64 pausedSince, qint64 now)
{
    SlaStatus s;
    if (due <= 0)
        return s;
    s.active = true;
    s.paused = pausedSince > 0;
    s.remainingMs = due - (s.paused ? pausedSince : now);
    if (s.remainingMs <= 0)
        s.level = SlaLevel::Breached;
    else if (!s.paused && s.remainingMs <= SlaAtRiskWindowMs)
        s.level = SlaLevel::AtRisk;
    return s;
}

SlaStatus slaStatus(const domain::Incident &incident, qint64 now)
{
    return slaStatus(incident.activeDeadline(), incident.slaPausedSince, now);
}

} // namespace sitrep::query
