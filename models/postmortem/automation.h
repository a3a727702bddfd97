// SPDX-License-Identifier: MIT
#pragma once

#include "postmortem/draft.h"

#include <QObject>
#include <QString>

#include <memory>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::postmortem {

class PostmortemStore;

/// Follows the engine: when an incident gets its postmortem.drafted event (the workflow's
/// draft_postmortem action on resolve), opens the postmortem document with owners and a
/// review meeting 48 hours out, and, when a folder is set, writes the review invitation
/// (.ics) there.
class PostmortemAutomation final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PostmortemAutomation)
public:
    PostmortemAutomation(engine::LifecycleEngine &engine, PostmortemStore &store,
                         QObject *parent = nullptr);
    /// With its own PostmortemStore on the engine's connection; the template is the
    /// user's (meta postmortem.template) or the default.
    explicit PostmortemAutomation(engine::LifecycleEngine &engine, QObject *parent = nullptr);
    ~PostmortemAutomation() override;

    void setTemplate(const Template &t) { m_template = t; }
    /// Folder for review invitations (INC0000001-review.ics); empty: none written.
    void setInvitationFolder(const QString &folder) { m_icsFolder = folder; }
    void setMailDomain(const QString &d) { m_mailDomain = d; }

    /// Handles incidents touched by newly appended events (connected to eventsAppended).
    void onEventsAppended(const QStringList &eventIds, const QStringList &incidentUids);

Q_SIGNALS:
    /// A postmortem document was opened for the incident.
    void documentCreated(const QString &incidentUid);

private:
    engine::LifecycleEngine &m_engine;
    std::unique_ptr<PostmortemStore> m_owned;
    PostmortemStore &m_store;
    Template m_template = defaultTemplate();
    QString m_icsFolder;
    QString m_mailDomain = QStringLiteral("localhost");
    bool m_busy = false;
};

} // namespace sitrep::postmortem
