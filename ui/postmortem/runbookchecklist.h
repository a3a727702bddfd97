// SPDX-License-Identifier: MIT
#pragma once

#include "runbooks/runbook.h"
#include "ui/style/enginepanel.h"

#include <memory>

class QComboBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace sitrep::ui {

/// A runbook as a checklist inside an incident. The runbooks matched to the incident (by
/// alert name and service) come first. Checking a step records a runbook.step_checked
/// event; the checked state is read back from the timeline, so every window agrees.
/// Commands copy to the clipboard with one click. Shows when the next escalation is due.
class RunbookChecklist final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunbookChecklist)
public:
    RunbookChecklist(engine::LifecycleEngine &engine, const runbooks::RunbookLibrary &library,
                     const QString &incidentUid, const QString &me, QWidget *parent = nullptr);
    /// With its own library: the compiled-in runbooks and the user folder.
    RunbookChecklist(engine::LifecycleEngine &engine, const QString &incidentUid, const QString &me,
                     QWidget *parent = nullptr);
    ~RunbookChecklist() override;

    /// Re-reads the incident's timeline (checked steps, escalations).
    void reload() override;
    /// Shows runbook `id` (one of the library's).
    bool selectRunbook(const QString &id);
    QString currentRunbook() const;
    /// Checks or unchecks step `index` (0-based) of the current runbook, as a user would.
    bool setStepChecked(int index, bool checked);
    QSet<int> checkedSteps() const { return m_checked; }
    /// Copies a command to the clipboard (what the copy buttons do).
    void copyCommand(const QString &command);

private:
    void build();
    void populate();

    std::unique_ptr<runbooks::RunbookLibrary> m_ownLibrary;
    const runbooks::RunbookLibrary &m_library;
    QSet<int> m_checked;
    bool m_populating = false;

    QComboBox *m_picker = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_escalation = nullptr;
    QTreeWidget *m_tree = nullptr;
};

} // namespace sitrep::ui
