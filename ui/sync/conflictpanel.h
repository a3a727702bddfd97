// SPDX-License-Identifier: MIT
#pragma once

#include "sync/conflicts.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::ui {

/// The conflict banner of an incident workspace: the first unresolved conflict a merge
/// recorded, with the transition that was applied and the one that was not, and buttons to
/// keep one side, take the other (a normal transition through the engine) or dismiss it.
/// Once settled it shows who resolved it and how. Hidden while the incident has none.
/// Follows the engine's eventsAppended, so a resolution made on another replica shows here
/// as soon as it is merged. Errors stay inline in the banner.
class ConflictPanel final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConflictPanel)
public:
    ConflictPanel(engine::LifecycleEngine &engine, const QString &incidentUid, const QString &me,
                  QWidget *parent = nullptr);

    void reload();
    const QList<sync::Conflict> &conflicts() const { return m_conflicts; }
    int unresolvedCount() const;
    /// The conflict the banner offers actions for (empty id when none is unresolved).
    QString currentConflictId() const { return m_current.id; }
    /// What the buttons do; true when the engine accepted it.
    bool resolve(sync::ConflictChoice choice);
    QString errorText() const;

Q_SIGNALS:
    /// A resolution went through: the workspace re-reads the incident.
    void resolved();

private:
    QString stateLabel(const QString &state) const;
    QString describe(const sync::ConflictTransition &t) const;

    /// A side of the conflict: what it did, and the button that keeps it.
    struct Side {
        QLabel *description = nullptr;
        QPushButton *choose = nullptr;
    };

    engine::LifecycleEngine &m_engine;
    QString m_uid;
    QString m_me;
    QList<sync::Conflict> m_conflicts;
    sync::Conflict m_current;
    QLabel *m_title = nullptr;
    Side m_applied;
    Side m_rejected;
    QLabel *m_error = nullptr;
    QPushButton *m_dismiss = nullptr;
};

} // namespace sitrep::ui
