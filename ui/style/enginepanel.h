// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QWidget>

class QBoxLayout;
class QLabel;

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::ui {

/// How a panel colours its inline message for an error or a success (nullptr: plain text).
using MessageStyle = void (*)(QLabel *label, bool error);

/// A panel whose actions go through the lifecycle engine as the signed-in person, on one
/// incident (or, with an empty uid, on all of them), and which says what came of them in
/// its own inline message, never in a dialog. The incident sections (problems, triage,
/// runbook, postmortem, conflicts) and the views of all incidents share it.
class EnginePanel : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnginePanel)
public:
    ~EnginePanel() override;

    /// Re-reads what the panel shows.
    virtual void reload() = 0;
    /// The inline message (error or confirmation), empty while it is hidden.
    QString messageText() const;

protected:
    EnginePanel(engine::LifecycleEngine &engine, const QString &incidentUid, const QString &me,
                QWidget *parent);

    /// Makes the message label (object name `name`, hidden, its text selectable when
    /// `selectable`, coloured by `style`) and adds it to `layout`.
    void addMessage(QBoxLayout *layout, const QString &name, MessageStyle style,
                    bool selectable = false);
    /// Shows `text` (hides the message when it is empty).
    void showMessage(const QString &text, bool error);
    /// If `status` is ok: says `done` and reloads; else says its error. True if ok.
    bool conclude(const Status &status, const QString &done);

    engine::LifecycleEngine &m_engine;
    const QString m_uid;
    const QString m_me;

private:
    QLabel *m_message = nullptr;
    MessageStyle m_style = nullptr;
};

} // namespace sitrep::ui
