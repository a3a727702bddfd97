// SPDX-License-Identifier: MIT
#include "ui/triage/triagepanel.h"

#include "engine/lifecycleengine.h"
#include "ui/style/formrows.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDesktopServices>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace sitrep::ui {

using namespace sitrep::triage;

static void styleTriageMessage(QLabel *label, bool error)
{
    label->setStyleSheet(
        error ? QStringLiteral("QLabel { background: #FDECEA; color: #7A1C12; border: 1px solid "
                               "#D93025; border-radius: 4px; padding: 4px 8px; }")
              : QStringLiteral("QLabel { background: #E8F0FE; color: #0B3D91; border: 1px solid "
                               "#1A73E8; border-radius: 4px; padding: 4px 8px; }"));
}

static QString fieldLabel(const QString &f)
{
    if (f == u"category")
        return TriagePanel::tr("Category");
    if (f == u"subcategory")
        return TriagePanel::tr("Subcategory");
    if (f == u"priority")
        return TriagePanel::tr("Priority");
    return TriagePanel::tr("Assignment group");
}

TriagePanel::TriagePanel(engine::LifecycleEngine &engine, const QString &incidentUid,
                         const QString &me, QWidget *parent)
    : EnginePanel(engine, incidentUid, me.isEmpty() ? QStringLiteral("user") : me, parent),
      m_desk(new triage::TriageDesk(engine, this))
{
    setObjectName(QStringLiteral("triagePanel"));
    build();
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this,
            [this](const QStringList &, const QStringList &uids) {
                if (uids.contains(m_uid))
                    reload();
            });
    reload();
}

TriagePanel::~TriagePanel() = default;

void TriagePanel::build()
{
    auto *v = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_source = wrappingLabel(QStringLiteral("triageSource"), this);
    top->addWidget(m_source, 1);
    m_suggestButton = namedButton(tr("&Suggest again"), QStringLiteral("triageSuggest"), this);
    m_suggestButton->setToolTip(
        tr("Classify this incident again with the newest model and record the suggestion"));
    m_acceptAll = namedButton(tr("Accept a&ll"), QStringLiteral("triageAcceptAll"), this);
    m_rejectAll = namedButton(tr("Re&ject all"), QStringLiteral("triageRejectAll"), this);
    for (auto *b : {m_suggestButton, m_acceptAll, m_rejectAll})
        top->addWidget(b);
    connect(m_suggestButton, &QPushButton::clicked, this, &TriagePanel::suggestAgain);
    connect(m_acceptAll, &QPushButton::clicked, this, [this] { decideAll(true); });
    connect(m_rejectAll, &QPushButton::clicked, this, [this] { decideAll(false); });
    v->addLayout(top);

    addMessage(v, QStringLiteral("triageMessage"), styleTriageMessage, true);

    auto *fields = new QGroupBox(tr("Suggested fields"), this);
    auto *grid = new QGridLayout(fields);
    grid->addWidget(new QLabel(tr("<b>Field</b>"), fields), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Suggestion</b>"), fields), 0, 1);
    grid->addWidget(new QLabel(tr("<b>Confidence</b>"), fields), 0, 2);
    grid->addWidget(new QLabel(tr("<b>Decision</b>"), fields), 0, 3);
    grid->addWidget(new QLabel(tr("<b>Correction</b>"), fields), 0, 4);
    int r = 1;
    for (const QString &f : suggestedFields()) {
        Row row;
        grid->addWidget(new QLabel(fieldLabel(f), fields), r, 0);
        row.value = new QLabel(fields);
        row.value->setObjectName(QStringLiteral("triageValue_") + f);
        QFont bold = row.value->font();
        bold.setBold(true);
        row.value->setFont(bold);
        row.value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(row.value, r, 1);
        row.confidence = new QProgressBar(fields);
        row.confidence->setObjectName(QStringLiteral("triageConfidence_") + f);
        row.confidence->setRange(0, 100);
        row.confidence->setFormat(QStringLiteral("%p%"));
        row.confidence->setMaximumWidth(180);
        row.confidence->setAccessibleName(tr("%1 confidence").arg(fieldLabel(f)));
        grid->addWidget(row.confidence, r, 2);
        row.status = new QLabel(fields);
        row.status->setObjectName(QStringLiteral("triageStatus_") + f);
        grid->addWidget(row.status, r, 3);
        row.correction = new QLineEdit(fields);
        row.correction->setObjectName(QStringLiteral("triageCorrection_") + f);
        row.correction->setPlaceholderText(tr("Right value (optional)"));
        row.correction->setAccessibleName(tr("Correct %1").arg(fieldLabel(f)));
        grid->addWidget(row.correction, r, 4);
        row.accept = new QPushButton(tr("Accept"), fields);
        row.accept->setObjectName(QStringLiteral("triageAccept_") + f);
        row.accept->setAccessibleName(tr("Accept %1").arg(fieldLabel(f)));
        row.reject = new QPushButton(tr("Reject"), fields);
        row.reject->setObjectName(QStringLiteral("triageReject_") + f);
        row.reject->setAccessibleName(tr("Reject %1").arg(fieldLabel(f)));
        grid->addWidget(row.accept, r, 5);
        grid->addWidget(row.reject, r, 6);
        connect(row.accept, &QPushButton::clicked, this, [this, f] { decide(f, true); });
        connect(row.reject, &QPushButton::clicked, this, [this, f] { decide(f, false); });
        m_rows.insert(f, row);
        ++r;
    }
    grid->setColumnStretch(1, 2);
    grid->setColumnStretch(4, 1);
    v->addWidget(fields);

    const auto [res, rv] = addGroup(v, tr("Suggested resolution"));
    m_resolution = wrappingLabel(QStringLiteral("triageResolution"), res);
    m_resolution->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rv->addWidget(m_resolution);

    const auto [arts, av] = addGroup(v, tr("Knowledge-base articles"), 1);
    auto *split = new QSplitter(Qt::Vertical, arts);
    m_articles = flatList(QStringLiteral("triageArticles"), tr("Matching knowledge-base articles"),
                          {tr("Relevance"), tr("Article"), tr("Source")}, split);
    m_articles->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_articles->setMinimumHeight(90);
    connect(m_articles, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            openArticle(item->data(0, Qt::UserRole).toString());
    });
    auto *reader = new QWidget(split);
    auto *rl = new QVBoxLayout(reader);
    rl->setContentsMargins(0, 0, 0, 0);
    m_article = new QTextBrowser(reader);
    m_article->setObjectName(QStringLiteral("triageArticle"));
    m_article->setOpenExternalLinks(true);
    m_article->setPlaceholderText(tr("Select an article to read it here."));
    rl->addWidget(m_article, 1);
    m_openFile = new QPushButton(tr("Open &file"), reader);
    m_openFile->setObjectName(QStringLiteral("triageOpenFile"));
    m_openFile->setEnabled(false);
    connect(m_openFile, &QPushButton::clicked, this, [this] {
        if (!m_articleLocation.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_articleLocation));
    });
    rl->addWidget(m_openFile, 0, Qt::AlignRight);
    split->addWidget(m_articles);
    split->addWidget(reader);
    split->setStretchFactor(1, 1);
    av->addWidget(split);
}

void TriagePanel::reload()
{
    const auto st = m_desk->latest(m_uid);
    if (st) {
        m_current = st->result;
        m_decisions = st->decisions;
        m_source->setText(tr("Suggested by <b>%1</b> at %2")
                              .arg(st->result.modelVersion.toHtmlEscaped(),
                                   QDateTime::fromMSecsSinceEpoch(st->at).toString(
                                       QStringLiteral("yyyy-MM-dd HH:mm"))));
    } else if (!m_current) {
        m_source->setText(tr("No triage suggestion yet. New incidents get one automatically once a "
                             "model is trained."));
    }
    populate();
}

void TriagePanel::showSuggestion(const TriageResult &result,
                                 const QHash<QString, QString> &decisions)
{
    m_current = result;
    m_decisions = decisions;
    m_source->setText(
        tr("Suggested by <b>%1</b> (not recorded)").arg(result.modelVersion.toHtmlEscaped()));
    populate();
}

void TriagePanel::populate()
{
    const bool have = m_current.has_value();
    for (const QString &f : suggestedFields()) {
        Row &row = m_rows[f];
        const bool has = have && m_current->fields.contains(f);
        const FieldSuggestion fs = has ? m_current->fields.value(f) : FieldSuggestion{};
        row.value->setText(has ? fs.value : tr("—"));
        row.confidence->setValue(has ? qRound(fs.confidence * 100) : 0);
        row.confidence->setEnabled(has);
        const QString d = m_decisions.value(f);
        row.status->setText(d == u"accepted"   ? tr("✓ accepted")
                            : d == u"rejected" ? tr("✗ rejected")
                                               : QString());
        row.accept->setEnabled(has && d.isEmpty() && !m_busy);
        row.reject->setEnabled(has && d.isEmpty() && !m_busy);
        row.correction->setEnabled(has && d.isEmpty());
    }
    bool open = false;
    for (const QString &f : suggestedFields())
        open = open || (have && m_current->fields.contains(f) && !m_decisions.contains(f));
    m_acceptAll->setEnabled(open && !m_busy);
    m_rejectAll->setEnabled(open && !m_busy);
    m_suggestButton->setEnabled(!m_busy);
    m_resolution->setText(have && !m_current->suggestedResolution.isEmpty()
                              ? m_current->suggestedResolution
                              : tr("No article says how to fix this yet."));
    const QString selected = m_articles->currentItem()
                                 ? m_articles->currentItem()->data(0, Qt::UserRole).toString()
                                 : QString();
    m_articles->clear();
    if (have)
        for (const auto &a : m_current->articles) {
            auto *item = new QTreeWidgetItem(
                m_articles,
                {QStringLiteral("%1%").arg(qRound(a.relevance * 100)), a.title, a.source});
            item->setData(0, Qt::UserRole, a.id);
            item->setToolTip(1, a.id);
            if (a.id == selected)
                m_articles->setCurrentItem(item);
        }
}

bool TriagePanel::decide(const QString &field, bool accept)
{
    if (!m_current || !m_current->fields.contains(field))
        return false;
    const QString corrected = accept ? QString() : m_rows[field].correction->text().trimmed();
    auto s = recordFeedback(
        m_engine, m_uid, {FieldFeedback{field, accept, m_current->fields[field].value, corrected}},
        m_current->modelVersion, m_me);
    if (!s) {
        showMessage(s.errorMessage(), true);
        return false;
    }
    m_rows[field].correction->clear();
    showMessage({}, false);
    reload();
    return true;
}

bool TriagePanel::decideAll(bool accept)
{
    if (!m_current)
        return false;
    QList<FieldFeedback> fb;
    for (const QString &f : suggestedFields())
        if (m_current->fields.contains(f) && !m_decisions.contains(f))
            fb << FieldFeedback{f, accept, m_current->fields[f].value,
                                accept ? QString() : m_rows[f].correction->text().trimmed()};
    if (fb.isEmpty())
        return false;
    auto s = recordFeedback(m_engine, m_uid, fb, m_current->modelVersion, m_me);
    if (!s) {
        showMessage(s.errorMessage(), true);
        return false;
    }
    for (auto &row : m_rows)
        row.correction->clear();
    showMessage({}, false);
    reload();
    return true;
}

void TriagePanel::openArticle(const QString &id)
{
    auto a = m_desk->article(id);
    if (!a) {
        m_article->setPlainText(a.errorMessage());
        m_articleLocation.clear();
        m_openFile->setEnabled(false);
        return;
    }
    m_article->setMarkdown(a->body);
    // Compiled-in runbooks have no file to open.
    m_articleLocation = a->location.startsWith(u':') ? QString() : a->location;
    m_openFile->setEnabled(!m_articleLocation.isEmpty() && QFileInfo::exists(m_articleLocation));
}

QString TriagePanel::articleText() const
{
    return m_article->toPlainText();
}

void TriagePanel::suggestAgain()
{
    if (m_busy)
        return;
    m_busy = true;
    populate();
    showMessage(tr("Classifying…"), false);
    QPointer<TriagePanel> self(this);
    const bool started = m_desk->suggest(m_uid, [self](const Result<TriageResult> &r) {
        if (self)
            self->finishSuggestion(r);
    });
    if (!started) {
        m_busy = false;
        showMessage({}, false);
        populate();
    }
}

void TriagePanel::finishSuggestion(const Result<TriageResult> &r)
{
    m_busy = false;
    if (!r) {
        showMessage(r.errorMessage(), true);
        populate();
        return;
    }
    if (auto s = recordSuggestion(m_engine, *r); !s) {
        showMessage(s.errorMessage(), true);
        populate();
        return;
    }
    showMessage({}, false);
    reload();
}

} // namespace sitrep::ui
