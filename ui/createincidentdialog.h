// SPDX-License-Identifier: MIT
#pragma once

#include "engine/command.h"

#include <QDialog>
#include <QJsonObject>

class QDialogButtonBox;
class QLabel;

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::ui {

class IncidentFieldsForm;

/// New incident: the fields of seeds 000/001, priority shown live from impact x urgency,
/// validation messages at each field, nothing written until every field is valid.
class CreateIncidentDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CreateIncidentDialog)
public:
    CreateIncidentDialog(engine::LifecycleEngine &engine, const QString &me,
                         QWidget *parent = nullptr);

    /// The command arguments the fields describe.
    QJsonObject args() const;
    /// True when every field is valid (the Create button is enabled).
    bool isValid() const;
    /// Priority the matrix gives now ("P2"), empty if it cannot tell yet.
    QString priorityText() const;
    /// The incident created by accept(), empty before.
    QString createdUid() const { return m_created.incidentUid; }
    QString createdNumber() const { return m_created.number; }

    void accept() override;

private:
    void validate();

    engine::LifecycleEngine &m_engine;
    QString m_me;
    IncidentFieldsForm *m_fields = nullptr;
    QLabel *m_formError = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    engine::Outcome m_created;
};

} // namespace sitrep::ui
