// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"

namespace sitrep::store {

/// Folds one event into an incident row. The only code that turns events into the
/// projection: the live write path and the rebuild both use it, so they cannot drift.
/// Everything it needs (stamps, SLA mode, SLA minutes) travels in the event payload,
/// so the fold never depends on the workflow file that was current at the time.
void applyEvent(domain::Incident &incident, const domain::Event &event);
/// A field a field update sets, as Incident::toJson() gives its value (a field update is
/// compared with it); other names as toJson() has them.
QJsonValue fieldValue(const domain::Incident &incident, const QString &field);

/// Event kinds that do not count as someone touching the incident (for stale detection).
bool isBackgroundKind(const QString &kind);

} // namespace sitrep::store
