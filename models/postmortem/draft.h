// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sitrep::postmortem {

/// The default section list (seeds 001 and 004); a user template can replace it.
QStringList defaultSections();
/// Events worth a line in a postmortem timeline (state changes, notes, approvals, ...).
bool isKeyEvent(const domain::Event &e);
/// One human line for a timeline entry.
QString describeEvent(const domain::Event &e);
/// A Markdown postmortem draft built from the incident and its timeline.
QString draftMarkdown(const domain::Incident &incident, const QList<domain::Event> &timeline,
                      const QStringList &sections = defaultSections());

} // namespace sitrep::postmortem
