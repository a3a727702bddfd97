// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace sitrep::runbooks {

/// When a runbook applies: an alert name, the expression that fires it, and how long it must hold.
struct Trigger {
    QString alert;
    QString expr;
    QString forText; // "5m" as written
    qint64 forMs = 0;
};

/// One alternative of a step's `options` (seed 004: "action" + "command").
struct StepOption {
    QString action;
    QString command;
};

struct Step {
    QString name;
    QString description;
    QStringList commands;
    QStringList links;
    QStringList checks;
    QList<StepOption> options;
    QStringList actions;
    int line = 0; // 1-based line in the file, for messages
};

/// An `escalation` entry: after this long without the stop condition, page `contact`.
struct EscalationRule {
    QString afterText;
    qint64 afterMs = 0;
    QString contact;
    QString until = QStringLiteral("resolved"); // acknowledged | resolved
};

/// A runbook in the YAML format of seed 004. `services` is an optional extension used to
/// match runbooks to incidents by affected service as well as by alert name.
struct Runbook {
    QString id; // file base name (high-api-latency)
    QString name;
    QString description;
    QString source; // file it came from
    QString severity;
    QStringList services;
    QList<Trigger> triggers;
    QList<Step> steps;
    QList<EscalationRule> escalation;

    /// Every shell command of a step, options included, in order.
    static QStringList allCommands(const Step &s);
};

/// "15m", "1h30m", "90s", "2d", or a bare number of minutes; -1 if not a duration.
qint64 parseDuration(const QString &text);

/// Parses one runbook. Errors read "file:line: message".
Result<Runbook> parseRunbook(const QByteArray &yaml, const QString &source);
Result<Runbook> loadRunbookFile(const QString &path);

/// How well a runbook fits an incident (0 = not at all). Alert names count most.
int matchScore(const Runbook &rb, const domain::Incident &incident);

/// The runbooks Sitrep knows: the compiled-in ones (:/sitrep/runbooks) and a user folder.
/// A user runbook with the same id replaces the built-in one.
class RunbookLibrary {
public:
    /// Loads every *.yaml / *.yml of the folders, in order. Broken files are skipped and
    /// reported in errors(); the rest load.
    void load(const QStringList &folders);
    /// The compiled-in folder plus `userFolder` (if it exists).
    static QStringList defaultFolders(const QString &userFolder = {});
    /// The user folder: meta "runbooks.folder", else $SITREP_RUNBOOKS, else the app data folder.
    static QString userFolder(const QString &metaValue);

    const QList<Runbook> &runbooks() const { return m_runbooks; }
    const QStringList &errors() const { return m_errors; }
    const Runbook *find(const QString &idOrName) const;
    /// Runbooks that fit the incident, best first.
    QList<const Runbook *> match(const domain::Incident &incident) const;
    void add(const Runbook &rb);

private:
    QList<Runbook> m_runbooks;
    QStringList m_errors;
};

/// Record kind of a checked (or unchecked) runbook step.
inline const QString StepCheckedKind = QStringLiteral("runbook.step_checked");
/// The steps of `runbookId` checked in the timeline (last event per step wins).
QSet<int> checkedSteps(const QList<domain::Event> &timeline, const QString &runbookId);
/// Payload for a runbook.step_checked Record command.
QJsonObject stepCheckedPayload(const Runbook &rb, int step, bool checked);

} // namespace sitrep::runbooks
