// SPDX-License-Identifier: MIT
#pragma once

#include "ui/style/enginepanel.h"
#include "ui/style/fieldform.h"

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

    /// The knowledge-base tab: the articles of a kind with the words searched for, and the
    /// one selected.
    struct KnowledgeBase {
        QComboBox *kind = nullptr;
        QLineEdit *search = nullptr;
        QListWidget *list = nullptr;
        QTextBrowser *article = nullptr;
    };

    /// The problem selected: its heading and fields, the incidents linked to it.
    struct Detail {
        QWidget *box = nullptr;
        QLabel *heading = nullptr;
        FieldForm fields;
        QListWidget *incidents = nullptr;
        QLineEdit *linkEdit = nullptr;
    };
    /// Its known-error entries: the entry shown, its fields, where it was seen, save.
    struct KnownErrorForm {
        QComboBox *entry = nullptr;
        FieldForm fields;
        QLabel *seen = nullptr;
        QPushButton *save = nullptr;
    };

    std::unique_ptr<problems::ProblemStore> m_store;
    problems::ProblemListModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QString m_current;

    QTabWidget *m_tabs = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_newTitle = nullptr;
    Detail m_detail;
    KnownErrorForm m_knownError;
    KnowledgeBase m_kb;
};

} // namespace sitrep::ui
