// SPDX-License-Identifier: MIT
#pragma once

#include "engine/command.h"
#include "itemmodels/incidentdetails.h"
#include "query/warroomreminders.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QWidget>

class QComboBox;
class QFrame;
class QGridLayout;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeView;
class QTreeWidget;

namespace sitrep::engine {
class LifecycleEngine;
}
namespace sitrep::itemmodels {
class TimelineModel;
class EvidenceModel;
class StatusUpdateModel;
} // namespace sitrep::itemmodels

namespace sitrep::ui {

class IncidentFieldsForm;
class MessageBar;

/// One incident's war room: header with timers and lifecycle buttons, then timeline,
/// evidence, services, communication, action items and people. Every change goes through
/// the engine; a rejected command shows its error inline, never in a modal dialog.
class IncidentWorkspace final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentWorkspace)
public:
    IncidentWorkspace(engine::LifecycleEngine &engine, const QString &uid, const QString &me,
                      QWidget *parent = nullptr);

    QString uid() const { return m_uid; }
    QString number() const { return m_details.incident.number; }
    const itemmodels::IncidentDetails &details() const { return m_details; }
    bool isValid() const { return m_valid; }

    /// Re-reads the incident and its timeline.
    void reload();
    /// Moves the live timers on and raises (and records, once each) due reminders.
    void tick(qint64 now);

    /// Runs a command for this incident; shows the error inline. True if accepted.
    bool run(engine::Command::Kind kind, const QJsonObject &args, const QString &actor = {});
    /// Starts the transition to `state`: runs it, or explains inline what it needs first.
    void requestTransition(const QString &state);
    void acknowledge();
    /// Off for read-only renderings (screenshots): reminders show but are not recorded.
    void setRecordReminders(bool on) { m_recordReminders = on; }
    void focusNote();
    /// The transitions the buttons offer now.
    QStringList offeredTransitions() const;
    QString messageText() const;
    QStringList reminderTexts() const;
    /// Shows an outcome in the inline message bar (for actions run from the window).
    void report(const QString &text, bool error) { showMessage(text, error); }

    /// Opens the field editor under the header with the incident's values, focus on
    /// `field` (title, description, severity, impact, urgency, assignee, assignment_group,
    /// services, category; empty: title).
    void editFields(const QString &field = {});
    /// Checks the edited fields with the engine's rules and applies what changed in one
    /// batch; shows what is wrong inline and keeps the editor open. True if saved.
    bool saveFields();
    void cancelEdit();
    QWidget *fieldEditor() const;

Q_SIGNALS:
    void titleChanged(const QString &title);

private:
    QWidget *buildHeader();
    QWidget *buildFieldEditor(QWidget *parent);
    QWidget *buildTimeline();
    QWidget *buildEvidence();
    QWidget *buildServices();
    QWidget *buildCommunication();
    QWidget *buildActionItems();
    QWidget *buildPeople();
    void populate();
    void rebuildTransitionButtons();
    /// run(), then empties the form's `fields` if the command was accepted.
    bool runAndClear(engine::Command::Kind kind, const QJsonObject &args,
                     std::initializer_list<QLineEdit *> fields);
    void showMessage(const QString &text, bool error);
    void clearMessage();
    void showGuardPanel(const QString &state, const QString &why);
    void updateTimers();
    void showEvidencePreview();

    engine::LifecycleEngine &m_engine;
    QString m_uid;
    QString m_me;
    bool m_valid = false;
    qint64 m_now = 0;
    itemmodels::IncidentDetails m_details;
    QList<query::Reminder> m_reminders;
    QSet<QString> m_recordedReminders;
    bool m_recordReminders = true;

    // header
    QLabel *m_numberLabel = nullptr;
    QLabel *m_titleLabel = nullptr;
    QLabel *m_severityIcon = nullptr;
    QLabel *m_severityLabel = nullptr;
    QLabel *m_priorityLabel = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_rolesLabel = nullptr;
    QLabel *m_elapsed = nullptr;
    QLabel *m_sla = nullptr;
    QLabel *m_slaCaption = nullptr;
    QLabel *m_reminderBanner = nullptr;
    QHBoxLayout *m_buttonRow = nullptr;
    QList<QPushButton *> m_transitionButtons;
    MessageBar *m_message = nullptr;
    QFrame *m_guardPanel = nullptr;
    QLabel *m_guardText = nullptr;
    QLineEdit *m_approver = nullptr;
    QPushButton *m_approveButton = nullptr;
    QLineEdit *m_resolutionNote = nullptr;
    QLineEdit *m_rootCause = nullptr;
    QPushButton *m_guardGo = nullptr;
    QString m_guardState;
    IncidentFieldsForm *m_editor = nullptr;

    QTabWidget *m_tabs = nullptr;
    // timeline
    itemmodels::TimelineModel *m_timeline = nullptr;
    QTableView *m_timelineView = nullptr;
    QComboBox *m_kindFilter = nullptr;
    QLineEdit *m_noteEdit = nullptr;
    // evidence
    QTreeView *m_evidenceList = nullptr;
    itemmodels::EvidenceModel *m_evidenceModel = nullptr;
    QLabel *m_evidencePreview = nullptr;
    // services
    QTreeWidget *m_services = nullptr;
    // communication
    QTreeView *m_updates = nullptr;
    itemmodels::StatusUpdateModel *m_updatesModel = nullptr;
    // action items
    QTreeWidget *m_actions = nullptr;
    bool m_populating = false;
    // people
    QLineEdit *m_commanderEdit = nullptr;
    QListWidget *m_responders = nullptr;
};

} // namespace sitrep::ui
