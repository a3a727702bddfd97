// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::problems {

/// A problem (ITIL): the unknown cause behind one or more incidents.
struct Problem {
    qint64 id = 0;
    QString number; // PRB0000001
    QString title;
    QString description;
    QString status = QStringLiteral("open"); // open | known_error | resolved | closed
    QString rootCause;
    QString workaround;
    QString owner;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QStringList incidents; // incident numbers
};

/// A known-error database entry: a symptom with a known workaround and root cause.
struct KnownError {
    qint64 id = 0;
    QString number; // KE0000001
    qint64 problemId = 0;
    QString title;
    QString symptom;
    QString workaround;
    QString rootCause;
    QStringList services;
    int incidentCount = 0;
    qint64 lastSeenAt = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QStringList incidents;
};

/// A knowledge-base article: from a known error or a resolved incident's resolution note.
/// The triage classifier reads these (table kb_articles).
struct KbArticle {
    QString id;   // KE0000001 or resolution:INC0000001
    QString kind; // known_error | resolution
    QString title;
    QString body; // Markdown
    QStringList tags;
    QString sourceRef;
    qint64 updatedAt = 0;
};

/// Record kinds written to incident timelines.
inline const QString ProblemLinkedKind = QStringLiteral("problem.linked");
inline const QString KnownErrorLinkedKind = QStringLiteral("known_error.linked");
inline const QString ProblemUnlinkedKind = QStringLiteral("problem.unlinked");

/// Problems, known errors and the knowledge base (migration 0310). Links to incidents are
/// events in the incidents' timelines (problem.linked / problem.unlinked /
/// known_error.linked); the link tables and the KB articles are written from those events
/// by the knowledge-base projection (problems/knowledgebase.h) in the same transaction, on
/// an engine that has it registered. Resolving an incident with a known error goes through
/// the engine's workflow like any resolve.
class ProblemStore {
public:
    explicit ProblemStore(engine::LifecycleEngine &engine);

    Result<Problem> createProblem(const QString &title, const QString &description,
                                  const QString &owner, const QString &actor);
    std::optional<Problem> problem(const QString &numberOrId);
    QList<Problem> problems(bool openOnly = false);
    /// Sets status / root_cause / workaround / description / owner / title.
    Result<Problem> updateProblem(const QString &number, const QJsonObject &fields,
                                  const QString &actor);
    /// Links an incident to a problem (idempotent) and records problem.linked.
    Status linkIncident(const QString &problemNumber, const QString &incidentRef,
                        const QString &actor);
    /// Removes the link (idempotent) and records problem.unlinked.
    Status unlinkIncident(const QString &problemNumber, const QString &incidentRef,
                          const QString &actor);
    /// The problems an incident is linked to.
    QList<Problem> problemsOf(const QString &incidentRef);

    /// A new known error; with `problemNumber` it belongs to that problem (which becomes
    /// status known_error). Its KB article is written at once.
    Result<KnownError> createKnownError(const QString &title, const QString &symptom,
                                        const QString &workaround, const QString &rootCause,
                                        const QStringList &services, const QString &problemNumber,
                                        const QString &actor);
    std::optional<KnownError> knownError(const QString &number);
    QList<KnownError> knownErrors();
    Result<KnownError> updateKnownError(const QString &number, const QJsonObject &fields);
    /// The known errors of a problem.
    QList<KnownError> knownErrorsOf(qint64 problemId);
    /// Known errors an incident is linked to (directly).
    QList<KnownError> knownErrorsOfIncident(const QString &incidentRef);
    /// Links an incident to a known error without resolving it (records known_error.linked;
    /// idempotent). When the incident resolves later, the entry counts it as seen.
    Status linkKnownError(const QString &incidentRef, const QString &knownErrorNumber,
                          const QString &actor);
    /// Known errors whose symptom/title shares words with `text`, best first.
    QList<KnownError> suggest(const QString &text, int limit = 5);

    /// Resolves the incident through the workflow (to its resolve state) with the known
    /// error's workaround as resolution note unless `note` is given, links it to the known
    /// error (and its problem), bumps the entry's count and last-seen time, and refreshes
    /// the KB. `resolveState` empty: the workflow state that stamps "resolved".
    Status resolveWithKnownError(const QString &incidentRef, const QString &knownErrorNumber,
                                 const QString &note, const QString &rootCauseCategory,
                                 const QString &actor, const QString &resolveState = {});

    // --- knowledge base ---
    QList<KbArticle> articles(const QString &kind = {}, int limit = 1000);
    /// All articles as one Markdown document.
    QString knowledgeBaseMarkdown();

private:
    Status writeKnownErrorArticle(const KnownError &ke);
    QList<KnownError> knownErrorsWhere(const QString &where, const QVariant &arg);
    QString nextNumber(const QString &table, const QString &prefix);
    /// The problems with these numbers, in this order.
    QList<Problem> problemsNumbered(const QStringList &numbers);
    Status setLinked(const QString &problemNumber, const QString &incidentRef, const QString &actor,
                     bool link);

    engine::LifecycleEngine &m_engine;
};

} // namespace sitrep::problems
