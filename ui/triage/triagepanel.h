// SPDX-License-Identifier: MIT
#pragma once

#include "triage/triagedesk.h"
#include "triage/triagestore.h"
#include "ui/style/enginepanel.h"

#include <QHash>

#include <optional>

class QFrame;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTextBrowser;
class QTreeWidget;

namespace sitrep::ui {

/// The incident's triage suggestion: suggested fields with their confidence, matching
/// knowledge-base articles (click to read, open the file), the suggested resolution, and
/// Accept / Reject per field or for all. It shows the newest `triage.suggested` event of
/// the timeline; "Suggest again" computes a new one off the GUI thread. Every decision goes
/// through the engine (triage::recordFeedback); errors show inline.
class TriagePanel final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriagePanel)
public:
    TriagePanel(engine::LifecycleEngine &engine, const QString &incidentUid, const QString &me,
                QWidget *parent = nullptr);
    ~TriagePanel() override;

    /// Re-reads the timeline.
    void reload() override;
    /// Shows a suggestion that is not (yet) on the timeline, e.g. for a screenshot.
    void showSuggestion(const triage::TriageResult &result,
                        const QHash<QString, QString> &decisions = {});
    /// Computes and records a fresh suggestion in the background.
    void suggestAgain();
    /// Accepts, or rejects (with the correction typed next to it, if any), one field.
    bool decide(const QString &field, bool accept);
    /// Accepts or rejects every field not decided yet.
    bool decideAll(bool accept);
    /// Shows article `id` (one of the suggestion's) below the list.
    void openArticle(const QString &id);

    std::optional<triage::TriageResult> current() const { return m_current; }
    QString articleText() const;

private:
    struct Row {
        QLabel *value = nullptr;
        QProgressBar *confidence = nullptr;
        QLabel *status = nullptr;
        QLineEdit *correction = nullptr;
        QPushButton *accept = nullptr;
        QPushButton *reject = nullptr;
    };
    void build();
    void populate();
    void finishSuggestion(const Result<triage::TriageResult> &r);

    triage::TriageDesk *m_desk;
    std::optional<triage::TriageResult> m_current;
    QHash<QString, QString> m_decisions;
    bool m_busy = false;

    QLabel *m_source = nullptr;
    QPushButton *m_suggestButton = nullptr;
    QPushButton *m_acceptAll = nullptr;
    QPushButton *m_rejectAll = nullptr;
    QHash<QString, Row> m_rows;
    QTreeWidget *m_articles = nullptr;
    QTextBrowser *m_article = nullptr;
    QPushButton *m_openFile = nullptr;
    QString m_articleLocation;
    QLabel *m_resolution = nullptr;
};

} // namespace sitrep::ui
