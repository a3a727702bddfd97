// SPDX-License-Identifier: MIT
#pragma once

#include "ui/style/enginepanel.h"

#include <memory>

class QTabWidget;
class QTableWidget;

namespace sitrep::remediation {
class Remediator;
}

namespace sitrep::ui {

/// Auto-remediation: the maintenance windows and changes that block it (add, end,
/// remove), the remediations waiting at the P1 approval gate (approve as the signed-in
/// person), and failed remediations from the dead-letter queue (retry, dismiss). Errors
/// show inline; nothing modal. Approvals, retries and dismissals go through `remediator`
/// (the service host's, which outlives the view); without one they are refused saying
/// `unavailable`.
class RemediationView final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemediationView)
public:
    RemediationView(engine::LifecycleEngine &engine, const QString &me,
                    remediation::Remediator *remediator, const QString &unavailable = {},
                    QWidget *parent = nullptr);
    ~RemediationView() override;

    enum class Page { Maintenance, Approvals, Failed };
    void showPage(Page page);
    void reload() override;

    QTableWidget *maintenanceTable() const { return m_windows; }
    QTableWidget *changesTable() const { return m_changes; }
    QTableWidget *failedTable() const { return m_failed; }
    QTableWidget *approvalsTable() const { return m_approvals; }
    QString message() const { return messageText(); }

    /// The form actions, callable from tests as a person would use them (the form's
    /// buttons empty its fields when the action went through).
    bool addWindow(const QString &ci, qint64 startsAt, qint64 endsAt, const QString &reason);
    bool addChange(const QString &ci, qint64 implementedAt, const QString &summary,
                   const QString &ref);
    bool approveSelected();
    bool retrySelected();
    bool dismissSelected(const QString &reason = {});
    bool endSelectedWindow();
    bool removeSelectedWindow();
    bool removeSelectedChange();

private:
    QWidget *buildMaintenancePage();
    QWidget *buildApprovalsPage();
    QWidget *buildFailedPage();
    QString selectedId(QTableWidget *table) const;
    /// The id of the row selected in `table`; empty after saying `selectFirst` if none is.
    QString selectedOrSay(QTableWidget *table, const QString &selectFirst);
    /// The same for a remediation, which also needs the rules loaded.
    QString selectedRemediation(QTableWidget *table, const QString &selectFirst);

    remediation::Remediator *m_remediator = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableWidget *m_windows = nullptr;
    QTableWidget *m_changes = nullptr;
    QTableWidget *m_approvals = nullptr;
    QTableWidget *m_failed = nullptr;
};

} // namespace sitrep::ui
