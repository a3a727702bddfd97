// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>
#include <QHash>

class QComboBox;
class QLabel;
class QLineEdit;

namespace sitrep::domain {
struct Incident;
}
namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::ui {

/// The fields of an incident that the new-incident dialog and the workspace's field editor
/// both edit, made in one place: the severities, the priority matrix's impacts and
/// urgencies and the on-call groups to choose from, the priority they give shown live (the
/// engine's field rules), Tab leaving the description.
class IncidentFieldsForm final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentFieldsForm)
public:
    enum class Mode {
        /// The new-incident dialog: a tall form with every field empty and severity still
        /// to choose, subcategory and commander too, and a message line under the fields
        /// that can be wrong. Enter is left to the dialog (its default button).
        NewIncident,
        /// The workspace's field editor: a compact grid filled from the incident, with
        /// Save and Cancel; Enter in a one-line field or Ctrl+Enter anywhere submits, Esc
        /// cancels.
        Editor
    };

    IncidentFieldsForm(engine::LifecycleEngine &engine, Mode mode, QWidget *parent = nullptr);

    /// A field's widget by its command name (title, description, severity, impact, urgency,
    /// category, subcategory, services, assignee, assignment_group, commander); null for
    /// one this mode does not show.
    QWidget *field(const QString &name) const;
    QLineEdit *lineEdit(const QString &name) const;
    QComboBox *comboBox(const QString &name) const;
    /// A field's value: its trimmed text, or the chosen item's data ("" for none).
    QString value(const QString &name) const;
    /// The message line under a field (NewIncident: title, severity, matrix, services,
    /// assignment_group); null otherwise.
    QLabel *errorLabel(const QString &name) const;
    /// Shows the incident's values (Editor). "Not assessed" is offered for impact and
    /// urgency only while they are: the engine knows no way back to it.
    void setIncident(const domain::Incident &incident);
    /// The priority the chosen severity, impact and urgency give ("P2"); empty while only
    /// one of impact and urgency is chosen, or when nothing gives one yet.
    QString priorityText() const;
    /// True when both impact and urgency are chosen: the priority comes from the matrix.
    bool priorityFromMatrix() const;

Q_SIGNALS:
    /// A field changed: text typed or another item chosen.
    void edited();
    /// Editor: Save, Enter in a one-line field or Ctrl+Enter.
    void submitted();
    /// Editor: Cancel or Esc.
    void cancelled();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void buildNewIncident();
    void buildEditor();
    /// A field's widget, known by `field` (its command name).
    template <typename Widget>
    Widget *addField(const QString &field, const QString &objectName,
                     const QString &accessibleName);
    QLabel *addErrorLabel(const QString &field, const QString &objectName);
    void updatePriority();

    engine::LifecycleEngine &m_engine;
    Mode m_mode;
    QHash<QString, QWidget *> m_fields;
    QHash<QString, QLabel *> m_errors;
    QLabel *m_priority = nullptr;
};

} // namespace sitrep::ui
