// SPDX-License-Identifier: MIT
#pragma once

#include "ui/style/enginepanel.h"

#include <memory>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace sitrep::problems {
class ProblemStore;
}

namespace sitrep::ui {

/// The "Problem" section of the incident workspace: the problems the incident is linked
/// to (link to an open one, unlink, start a new problem from the incident), the known
/// errors it is linked to, and known errors whose symptoms match it, which can be linked
/// or used to resolve the incident with their workaround.
class ProblemSection final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemSection)
public:
    ProblemSection(engine::LifecycleEngine &engine, const QString &incidentUid, const QString &me,
                   QWidget *parent = nullptr);
    ~ProblemSection() override;

    void reload() override;

Q_SIGNALS:
    /// The user asked to see a problem in the problems view.
    void openProblem(const QString &number);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void link();
    void unlink();
    void newProblem();
    void linkKnownError();
    void resolveWithKnownError();
    QString selectedSuggestion() const;

    std::unique_ptr<problems::ProblemStore> m_store;
    QListWidget *m_problems = nullptr;
    QComboBox *m_linkCombo = nullptr;
    QListWidget *m_knownErrors = nullptr;
    QListWidget *m_suggestions = nullptr;
    QPushButton *m_resolve = nullptr;
};

} // namespace sitrep::ui
