// SPDX-License-Identifier: MIT
#pragma once

#include "ui/style/enginepanel.h"

#include <memory>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QSortFilterProxyModel;

namespace sitrep::problems {
class ProblemStore;
class ProblemListModel;
} // namespace sitrep::problems

namespace sitrep::ui {

/// Problem management: the problems with their status, a new problem from a title, the
/// problem's fields, its linked incidents (link by number, unlink, open), its known-error
/// entries (symptom, workaround, root cause), and the knowledge base the resolves and
/// known errors feed. Errors show inline; nothing modal.
class ProblemsView final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemsView)
public:
    ProblemsView(engine::LifecycleEngine &engine, const QString &me, QWidget *parent = nullptr);
    ~ProblemsView() override;

    /// Re-reads problems and articles (after changes from elsewhere).
    void reload() override;
    /// Selects a problem by number; false if it is not listed.
    bool selectProblem(const QString &number);
    QString currentProblem() const { return m_current; }
    /// Shows the knowledge-base tab.
    void showKnowledgeBase();
    problems::ProblemListModel &model() { return *m_model; }

Q_SIGNALS:
    void openIncident(const QString &uid);

private:
    QWidget *buildProblemsTab();
    QWidget *buildKnowledgeBaseTab();
    void showProblem(const QString &number);
    void showKnownError(int comboIndex);
    void createProblem();
    void saveProblem();
    void linkIncident();
    void unlinkIncident();
    void saveKnownError();
    void reloadArticles();

    std::unique_ptr<problems::ProblemStore> m_store;
    problems::ProblemListModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QString m_current;

    QTabWidget *m_tabs = nullptr;
    QTableView *m_table = nullptr;
    QCheckBox *m_openOnly = nullptr;
    QLineEdit *m_newTitle = nullptr;
    QWidget *m_detail = nullptr;
    QLabel *m_heading = nullptr;
    QLineEdit *m_title = nullptr;
    QComboBox *m_status = nullptr;
    QLineEdit *m_owner = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QPlainTextEdit *m_rootCause = nullptr;
    QPlainTextEdit *m_workaround = nullptr;
    QListWidget *m_incidents = nullptr;
    QLineEdit *m_linkEdit = nullptr;
    QComboBox *m_keCombo = nullptr;
    QLineEdit *m_keTitle = nullptr;
    QPlainTextEdit *m_keSymptom = nullptr;
    QPlainTextEdit *m_keWorkaround = nullptr;
    QPlainTextEdit *m_keRootCause = nullptr;
    QLabel *m_keSeen = nullptr;
    QPushButton *m_keSave = nullptr;
    QComboBox *m_kbKind = nullptr;
    QLineEdit *m_kbSearch = nullptr;
    QListWidget *m_kbList = nullptr;
    QTextBrowser *m_kbArticle = nullptr;
};

} // namespace sitrep::ui
