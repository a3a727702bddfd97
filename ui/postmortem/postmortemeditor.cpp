// SPDX-License-Identifier: MIT
#include "ui/postmortem/postmortemeditor.h"

#include "engine/lifecycleengine.h"
#include "postmortem/exporter.h"
#include "postmortem/ics.h"
#include "ui/style/formrows.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace sitrep::ui {

static void styleEditorMessage(QLabel *label, bool error)
{
    label->setStyleSheet(
        error
            ? QStringLiteral("background:#fdecea; color:#8a1c1c; padding:4px; border-radius:3px;")
            : QStringLiteral("background:#e8f4ea; color:#1d5b2a; padding:4px; border-radius:3px;"));
}

PostmortemEditor::PostmortemEditor(engine::LifecycleEngine &engine, const QString &incidentUid,
                                   const QString &me, QWidget *parent)
    : EnginePanel(engine, incidentUid, me, parent), m_store(engine)
{
    buildUi();
    reload();
    // Follows the log: resolving in this window drafts the postmortem, and the tab shows it.
    // Queued, so the document the workflow opens on resolve exists by then and a change
    // made from inside this editor has returned first.
    connect(
        &m_engine, &engine::LifecycleEngine::eventsAppended, this,
        [this](const QStringList &, const QStringList &uids) {
            if (uids.contains(m_uid))
                reload();
        },
        Qt::QueuedConnection);
}

PostmortemEditor::~PostmortemEditor()
{
    flush();
}

void PostmortemEditor::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);
    auto *startPage = new QWidget(m_stack);
    auto *sp = new QVBoxLayout(startPage);
    m_startText = new QLabel(
        tr("No postmortem yet. The workflow drafts one when the incident is resolved."), startPage);
    m_startText->setWordWrap(true);
    m_startText->setAlignment(Qt::AlignCenter);
    auto *startButton = new QPushButton(tr("Start the postmortem now"), startPage);
    sp->addStretch(1);
    sp->addWidget(m_startText);
    sp->addWidget(startButton, 0, Qt::AlignCenter);
    sp->addStretch(2);
    connect(startButton, &QPushButton::clicked, this, [this] { start(); });
    m_stack->addWidget(startPage);
    auto *page = new QWidget(m_stack);
    m_stack->addWidget(page);
    auto *root = new QVBoxLayout(page);
    root->setContentsMargins(6, 6, 6, 6);

    auto *bar = new QHBoxLayout;
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::PlainText);
    // Number, title, owners and review date wrap rather than widen the window.
    m_header->setWordWrap(true);
    QFont hf = m_header->font();
    hf.setBold(true);
    m_header->setFont(hf);
    bar->addWidget(m_header, 1);

    bar->addWidget(new QLabel(tr("Status:"), this));
    m_status = new QComboBox(this);
    for (const QString &s : postmortem::statuses())
        m_status->addItem(postmortem::statusLabel(s), s);
    m_status->setToolTip(
        tr("Draft → In review → Published. Each change is recorded in the incident timeline."));
    bar->addWidget(m_status);

    auto *save = new QPushButton(tr("Save version"), this);
    save->setToolTip(tr("Keep this text as a version you can restore (Ctrl+S)"));
    bar->addWidget(save);

    auto *sync = new QPushButton(tr("Track action items"), this);
    sync->setToolTip(
        tr("Turn the Action Items section into tracked action items (owner, due, status)"));
    bar->addWidget(sync);

    auto *exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(exportButton);
    menu->addAction(tr("Markdown…"), this, [this] { chooseExport(QStringLiteral("md")); });
    menu->addAction(tr("HTML…"), this, [this] { chooseExport(QStringLiteral("html")); });
    menu->addAction(tr("PDF…"), this, [this] { chooseExport(QStringLiteral("pdf")); });
    menu->addSeparator();
    menu->addAction(tr("Review meeting invitation (.ics)…"), this,
                    [this] { chooseExport(QStringLiteral("ics")); });
    exportButton->setMenu(menu);
    bar->addWidget(exportButton);
    root->addLayout(bar);

    addMessage(root, QString(), styleEditorMessage);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_edit = new QPlainTextEdit(split);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setPlaceholderText(tr("Markdown"));
    m_edit->setAccessibleName(tr("Postmortem Markdown"));
    m_preview = new QTextBrowser(split);
    m_preview->setOpenExternalLinks(true);
    m_preview->setAccessibleName(tr("Postmortem preview"));

    auto *side = new QWidget(split);
    auto *sl = new QVBoxLayout(side);
    sl->setContentsMargins(0, 0, 0, 0);
    sl->addWidget(new QLabel(tr("Versions"), side));
    m_versions = new QListWidget(side);
    // Version, time and author on a line, the note under it, wrapped: nothing cut off.
    m_versions->setWordWrap(true);
    m_versions->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    sl->addWidget(m_versions, 1);
    m_restore = new QPushButton(tr("Restore selected"), side);
    m_restore->setEnabled(false);
    sl->addWidget(m_restore);
    split->addWidget(m_edit);
    split->addWidget(m_preview);
    split->addWidget(side);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 5);
    split->setStretchFactor(2, 2);
    root->addWidget(split, 1);

    m_saveState = new QLabel(this);
    m_saveState->setStyleSheet(QStringLiteral("color: palette(mid);"));
    root->addWidget(m_saveState);

    m_autosave = new QTimer(this);
    m_autosave->setSingleShot(true);
    m_autosave->setInterval(3000);
    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(200);

    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        if (m_loading)
            return;
        m_dirty = true;
        m_saveState->setText(tr("Unsaved changes"));
        // Not restarted on each keystroke: while someone types, the text still reaches
        // the database every interval.
        if (!m_autosave->isActive())
            m_autosave->start();
        m_previewTimer->start();
    });
    connect(m_autosave, &QTimer::timeout, this, [this] { flush(); });
    connect(m_previewTimer, &QTimer::timeout, this, &PostmortemEditor::updatePreview);
    connect(save, &QPushButton::clicked, this, [this] { saveVersion(); });
    auto *saveShortcut = new QShortcut(QKeySequence::Save, this);
    connect(saveShortcut, &QShortcut::activated, this, [this] { saveVersion(); });
    connect(sync, &QPushButton::clicked, this, [this] {
        flush();
        auto n = m_store.syncActionItems(m_uid, m_me);
        if (!n)
            showMessage(n.errorMessage(), true);
        else
            showMessage(tr("%n action item change(s) recorded", nullptr, *n), false);
    });
    connect(m_status, &QComboBox::activated, this, [this](int i) {
        if (!setStatus(m_status->itemData(i).toString()))
            m_status->setCurrentIndex(m_status->findData(m_doc.status));
    });
    connect(m_versions, &QListWidget::currentRowChanged, this,
            [this](int row) { m_restore->setEnabled(row > 0); });
    connect(m_restore, &QPushButton::clicked, this, [this] {
        if (auto *it = m_versions->currentItem())
            restoreVersion(it->data(Qt::UserRole).toInt());
    });
}

bool PostmortemEditor::start()
{
    auto d = m_store.ensureDocument(
        m_uid, m_me,
        postmortem::effectiveTemplate(m_engine.store().meta(postmortem::TemplateMetaKey)));
    if (!d) {
        m_startText->setText(d.errorMessage());
        return false;
    }
    reload();
    return true;
}

void PostmortemEditor::reload()
{
    // What the user typed reaches the database before anything is read back, so a reload
    // (another window's change, a new timeline event) never drops it.
    flush();
    if (!m_store.document(m_uid)) {
        auto inc = m_engine.store().incidentByUid(m_uid);
        const bool due =
            inc && (inc->resolvedAt > 0 || inc->extra.contains(u"postmortem") || !inc->open);
        if (!due) {
            m_hasDocument = false;
            m_stack->setCurrentIndex(0);
            return;
        }
    }
    m_hasDocument = true;
    m_stack->setCurrentIndex(1);
    auto d = m_store.ensureDocument(
        m_uid, m_me,
        postmortem::effectiveTemplate(m_engine.store().meta(postmortem::TemplateMetaKey)));
    if (!d) {
        showMessage(d.errorMessage(), true);
        setEnabled(false);
        return;
    }
    m_doc = *d;
    // Unchanged text stays as it is: the cursor and the scroll position with it.
    if (m_edit->toPlainText() != m_doc.body) {
        m_loading = true;
        m_edit->setPlainText(m_doc.body);
        m_loading = false;
    }
    m_dirty = false;
    m_header->setText(tr("Postmortem %1 — %2 · owners: %3 · review: %4")
                          .arg(m_doc.number, m_doc.title, m_doc.owners.join(QStringLiteral(", ")),
                               QDateTime::fromMSecsSinceEpoch(m_doc.reviewAt, Qt::UTC)
                                   .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))));
    m_status->setCurrentIndex(m_status->findData(m_doc.status));
    m_saveState->setText(m_doc.autosavedAt > 0
                             ? tr("Autosaved %1")
                                   .arg(QDateTime::fromMSecsSinceEpoch(m_doc.autosavedAt)
                                            .toString(QStringLiteral("HH:mm:ss")))
                             : tr("Version %1").arg(m_doc.version));
    updatePreview();
    refreshVersions();
}

bool PostmortemEditor::flush()
{
    if (!m_dirty || !m_hasDocument)
        return true;
    const QString body = m_edit->toPlainText();
    if (auto s = m_store.autosave(m_uid, body); !s) {
        showMessage(tr("Autosave failed: %1").arg(s.errorMessage()), true);
        return false;
    }
    m_doc.body = body;
    m_dirty = false;
    const qint64 now = m_engine.clock().nowMs();
    m_saveState->setText(
        tr("Autosaved %1")
            .arg(QDateTime::fromMSecsSinceEpoch(now).toString(QStringLiteral("HH:mm:ss"))));
    Q_EMIT saved(now);
    return true;
}

bool PostmortemEditor::saveVersion(const QString &note)
{
    flush();
    auto v = m_store.saveVersion(m_uid, m_edit->toPlainText(), m_me, note);
    if (!v) {
        showMessage(v.errorMessage(), true);
        return false;
    }
    m_doc.version = *v;
    m_saveState->setText(tr("Saved as version %1").arg(*v));
    refreshVersions();
    return true;
}

void PostmortemEditor::setAutosaveInterval(int ms)
{
    m_autosave->setInterval(ms);
}

int PostmortemEditor::autosaveInterval() const
{
    return m_autosave->interval();
}

QString PostmortemEditor::text() const
{
    return m_edit->toPlainText();
}

void PostmortemEditor::setText(const QString &markdown)
{
    m_edit->setPlainText(markdown);
}

bool PostmortemEditor::setStatus(const QString &status)
{
    flush();
    if (m_doc.body != m_edit->toPlainText() || m_dirty)
        return false;
    auto d = m_store.setStatus(m_uid, status, m_me);
    if (!d) {
        showMessage(d.errorMessage(), true);
        return false;
    }
    m_doc = *d;
    m_status->setCurrentIndex(m_status->findData(m_doc.status));
    showMessage(tr("Postmortem is now %1 (version %2)")
                    .arg(postmortem::statusLabel(m_doc.status).toLower())
                    .arg(m_doc.version),
                false);
    refreshVersions();
    return true;
}

bool PostmortemEditor::restoreVersion(int version)
{
    flush();
    auto d = m_store.restore(m_uid, version, m_me);
    if (!d) {
        showMessage(d.errorMessage(), true);
        return false;
    }
    reload();
    showMessage(tr("Version %1 restored as version %2").arg(version).arg(m_doc.version), false);
    return true;
}

void PostmortemEditor::refreshVersions()
{
    const int selected =
        m_versions->currentItem() ? m_versions->currentItem()->data(Qt::UserRole).toInt() : -1;
    m_versions->clear();
    for (const auto &v : m_store.versions(m_uid)) {
        auto *it =
            new QListWidgetItem(tr("v%1 · %2 · %3%4")
                                    .arg(v.version)
                                    .arg(QDateTime::fromMSecsSinceEpoch(v.savedAt).toString(
                                             QStringLiteral("MM-dd HH:mm")),
                                         v.author, v.note.isEmpty() ? QString() : u'\n' + v.note),
                                m_versions);
        it->setData(Qt::UserRole, v.version);
        it->setToolTip(tr("%1 characters, status %2")
                           .arg(v.body.size())
                           .arg(postmortem::statusLabel(v.status)));
        if (v.version == selected)
            m_versions->setCurrentItem(it);
    }
    // The list is as wide as its longest entry (up to about 22 characters), so the
    // versions read in full beside the editor.
    const int want = m_versions->sizeHintForColumn(0) + 2 * m_versions->frameWidth() +
                     m_versions->style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 8;
    m_versions->setMinimumWidth(std::min(want, fontMetrics().horizontalAdvance(u'M') * 22));
    m_restore->setEnabled(m_versions->currentRow() > 0);
}

void PostmortemEditor::updatePreview()
{
    m_preview->setMarkdown(postmortem::renderableMarkdown(m_edit->toPlainText()));
}

bool PostmortemEditor::exportTo(const QString &path)
{
    flush();
    auto inc = m_engine.store().incidentByUid(m_uid);
    if (!inc) {
        showMessage(tr("The incident is gone"), true);
        return false;
    }
    m_doc.body = m_edit->toPlainText();
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"ics") {
        QSaveFile f(path);
        const QByteArray ics = postmortem::toIcs(postmortem::reviewInvitation(
            m_doc, *inc, m_engine.clock().nowMs(),
            m_engine.store().meta(QStringLiteral("postmortem.mail_domain"),
                                  QStringLiteral("localhost"))));
        if (!f.open(QIODevice::WriteOnly) || f.write(ics) != ics.size() || !f.commit()) {
            showMessage(tr("Cannot write %1: %2").arg(path, f.errorString()), true);
            return false;
        }
        showMessage(tr("Invitation written to %1").arg(path), false);
        return true;
    }
    bool ok = false;
    const auto fmt = postmortem::parseFormat(suffix, &ok);
    if (!ok) {
        showMessage(tr("Unknown export format '%1' (md, html, pdf, ics)").arg(suffix), true);
        return false;
    }
    postmortem::ExportInput in{m_doc, *inc, m_engine.store().timeline(m_uid),
                               m_engine.clock().nowMs()};
    if (auto s = postmortem::exportTo(in, fmt, path); !s) {
        showMessage(s.errorMessage(), true);
        return false;
    }
    showMessage(tr("Exported to %1").arg(path), false);
    return true;
}

void PostmortemEditor::chooseExport(const QString &suffix)
{
    const QString name = suffix == u"ics"
                             ? QStringLiteral("%1-review.ics").arg(m_doc.number)
                             : QStringLiteral("%1-postmortem.%2").arg(m_doc.number, suffix);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export postmortem"), name);
    if (!path.isEmpty())
        exportTo(path);
}

} // namespace sitrep::ui
