// SPDX-License-Identifier: MIT
#pragma once

#include "postmortem/postmortemstore.h"
#include "ui/style/enginepanel.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTextBrowser;
class QTimer;

namespace sitrep::ui {

/// The postmortem of one incident: Markdown on the left, live rendering on the right,
/// status (draft / in review / published), version history with restore, export.
/// The text is autosaved to SQLite every few seconds while it changes, and on close, so a
/// crash loses at most those seconds. Works offline: everything is local.
class PostmortemEditor final : public EnginePanel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PostmortemEditor)
public:
    /// For an incident that is not resolved and has no postmortem yet, the editor offers to
    /// start one instead of creating it (opening a live incident writes nothing).
    PostmortemEditor(engine::LifecycleEngine &engine, const QString &incidentUid, const QString &me,
                     QWidget *parent = nullptr);
    ~PostmortemEditor() override;

    /// Re-reads the document (after a restore or a change elsewhere).
    void reload() override;
    /// Creates the document now (the "Start postmortem" button).
    bool start();
    bool hasDocument() const { return m_hasDocument; }
    /// Writes pending text now (the autosave timer does it on its own).
    bool flush();
    /// Saves the current text as a new version.
    bool saveVersion(const QString &note = {});
    void setAutosaveInterval(int ms);
    int autosaveInterval() const;

    QString text() const;
    void setText(const QString &markdown);
    QString status() const { return m_doc.status; }
    bool setStatus(const QString &status);
    bool restoreVersion(int version);
    bool isDirty() const { return m_dirty; }
    /// Rendered preview (for tests).
    QTextBrowser *preview() const { return m_preview; }

    /// Export to a file; format from the suffix (.md, .html, .pdf, .ics for the invitation).
    bool exportTo(const QString &path);

Q_SIGNALS:
    void saved(qint64 at);

private:
    void buildUi();
    void refreshVersions();
    void updatePreview();
    void chooseExport(const QString &suffix);

    postmortem::PostmortemStore m_store;
    postmortem::Document m_doc;
    bool m_dirty = false;
    bool m_hasDocument = false;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_startText = nullptr;
    bool m_loading = false;

    QPlainTextEdit *m_edit = nullptr;
    QTextBrowser *m_preview = nullptr;
    QComboBox *m_status = nullptr;
    QListWidget *m_versions = nullptr;
    QPushButton *m_restore = nullptr;
    QLabel *m_header = nullptr;
    QLabel *m_saveState = nullptr;
    QTimer *m_autosave = nullptr;
    QTimer *m_previewTimer = nullptr;
};

} // namespace sitrep::ui
