// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "postmortem/draft.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace sitrep::engine {
class LifecycleEngine;
class Projection;
} // namespace sitrep::engine

namespace sitrep::postmortem {

/// Status of a postmortem document.
inline const QString StatusDraft = QStringLiteral("draft");
inline const QString StatusInReview = QStringLiteral("in_review");
inline const QString StatusPublished = QStringLiteral("published");
QStringList statuses();
/// "In review" for "in_review".
QString statusLabel(const QString &status);

/// Record kinds this module writes to the incident's timeline.
inline const QString CreatedKind = QStringLiteral("postmortem.created");
inline const QString StatusChangedKind = QStringLiteral("postmortem.status_changed");
inline const QString PublishedKind = QStringLiteral("postmortem.published");
inline const QString RestoredKind = QStringLiteral("postmortem.restored");

struct Document {
    QString incidentUid;
    QString number;
    QString title;
    QString body;
    QString status = StatusDraft;
    QStringList owners;
    qint64 reviewAt = 0;
    int version = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    qint64 autosavedAt = 0;
};

struct Version {
    int version = 0;
    QString body;
    QString status;
    QString author;
    QString note;
    qint64 savedAt = 0;
};

/// One action item of the Action Items section of a postmortem body.
struct ParsedActionItem {
    QString title;
    QString owner;
    QString due;
    QString status;
};
/// Reads the "Action Items" section: table rows (| Action | Owner | Due | Status |) or task
/// list lines ("- [ ] Title - Owner: x - Due: 2026-01-31"). Placeholders in [brackets] are skipped.
QList<ParsedActionItem> parseActionItems(const QString &markdown);

/// The action items (table action_items) as a projection of the action_item events, named
/// "action_items": register it once with the engine (LifecycleEngine::addProjection).
std::unique_ptr<engine::Projection> actionItemsProjection();

/// Postmortem documents in SQLite (migration 0300): the working text (autosaved), every
/// saved version, status; plus reading the action items. Uses the engine's store
/// connection; status changes go through the engine as Record events.
class PostmortemStore {
public:
    explicit PostmortemStore(engine::LifecycleEngine &engine);

    std::optional<Document> document(const QString &incidentRef);
    /// The incident's document, creating it when missing: the text of the workflow's
    /// postmortem.drafted event (or a fresh draft from `tmpl`), owners = commander and
    /// assignee, review meeting 48 hours after the draft (or resolution). Records
    /// postmortem.created in the timeline.
    Result<Document> ensureDocument(const QString &incidentRef, const QString &actor,
                                    const Template &tmpl = defaultTemplate());
    /// The incident's document, or the draft ensureDocument() would create (version 0),
    /// without writing anything: for readers such as `sitrep postmortem show`.
    Result<Document> previewDocument(const QString &incidentRef, const QString &actor,
                                     const Template &tmpl = defaultTemplate());
    /// Writes the working text (no version). Cheap; meant for an autosave timer.
    Status autosave(const QString &incidentUid, const QString &body);
    /// Saves the text as a new version. Returns the version number.
    Result<int> saveVersion(const QString &incidentUid, const QString &body, const QString &author,
                            const QString &note = {});
    QList<Version> versions(const QString &incidentUid);
    /// Makes version `version` the current text again (as a new version, nothing is lost).
    Result<Document> restore(const QString &incidentUid, int version, const QString &author);
    /// draft -> in_review -> published (and back to draft). Saves a version and records
    /// postmortem.status_changed (postmortem.published when published) through the engine.
    Result<Document> setStatus(const QString &incidentUid, const QString &status,
                               const QString &actor);
    Status setOwners(const QString &incidentUid, const QStringList &owners);
    Status setReviewAt(const QString &incidentUid, qint64 at);
    QList<Document> documents(int limit = 500);

    /// Turns the Action Items section into tracked action items (engine ActionItem
    /// commands): new titles are added, changed owner/due/status updated. Returns how many
    /// commands were applied.
    Result<int> syncActionItems(const QString &incidentUid, const QString &actor);

    // --- action items (table action_items: actionItemsProjection()) ---
    /// Action items across incidents: open ones first, overdue (due before `today`) first
    /// among them, then by due date. `today` is YYYY-MM-DD.
    QList<ActionItem> actionItems(const QString &today, bool openOnly = false, int limit = 1000);
    /// One incident's action items (from the projection).
    QList<ActionItem> actionItemsOf(const QString &incidentUid);

    engine::LifecycleEngine &engine() { return m_engine; }

private:
    Result<domain::Incident> incident(const QString &ref);
    /// Sets `column` of the postmortem to `value` and writes the version that makes, in one
    /// transaction.
    Status revise(const QString &uid, const QString &column, const QString &value, int version,
                  const QString &body, const QString &status, const QString &author,
                  const QString &note);
    Status writeVersion(const QString &uid, int version, const QString &body, const QString &status,
                        const QString &author, const QString &note, qint64 now);

    engine::LifecycleEngine &m_engine;
};

} // namespace sitrep::postmortem
