// SPDX-License-Identifier: MIT
#pragma once

#include "domain/actionitem.h"
#include "domain/event.h"
#include "domain/incident.h"
#include "util/result.h"

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

/// One section of a postmortem template: its heading and the placeholder text used when
/// the incident has nothing to fill it with.
struct Section {
    QString title;
    QString hint;
};

/// The user-changeable section list. YAML (`sections: [{title, hint}]`) or Markdown (each
/// `## Heading` is a section, the text under it its hint).
struct Template {
    QString name;
    QString source;
    QList<Section> sections;
    QStringList titles() const;
};

/// Meta key holding the path of the user's template file.
inline const QString TemplateMetaKey = QStringLiteral("postmortem.template");
/// The compiled-in template (resources/postmortem/template.yaml).
Template defaultTemplate();
/// Loads a template file (.yaml/.yml or .md); errors name the file and line.
Result<Template> loadTemplate(const QString &path);
Result<Template> parseTemplate(const QByteArray &text, const QString &source);
/// The user's template when `userPath` is set and loads, else the default.
Template effectiveTemplate(const QString &userPath, QString *error = nullptr);

/// The key events of a timeline, in order: every state change, commander, escalation,
/// SLA breach and status update, and at most `maxNotes` notes (the longest ones, which
/// usually carry the findings).
QList<domain::Event> keyEvents(const QList<domain::Event> &timeline, int maxNotes = 12);

// The postmortem documents and views work on the domain's action items.
using domain::ActionItem;
using domain::actionItemsFrom;

/// The draft with a full template (titles and hints), listing recorded action items and
/// the owners.
QString draftMarkdown(const domain::Incident &incident, const QList<domain::Event> &timeline,
                      const Template &tmpl);

/// "2 h 05 min" style duration.
QString formatDuration(qint64 ms);
/// A time as a postmortem shows it: "2026-01-05 08:00 UTC" (QDateTime's
/// "yyyy-MM-dd HH:mm 'UTC'" of the UTC time).
QString formatUtcMinute(qint64 ms);

} // namespace sitrep::postmortem
