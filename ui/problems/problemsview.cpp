// SPDX-License-Identifier: MIT
#include "ui/problems/problemsview.h"

#include "engine/lifecycleengine.h"
#include "problems/problemlistmodel.h"
#include "problems/problemstore.h"
#include "ui/problems/problemmessage.h"
#include "ui/style/formrows.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace sitrep::ui {

using problems::ProblemListModel;

ProblemsView::ProblemsView(engine::LifecycleEngine &engine, const QString &me, QWidget *parent)
    : EnginePanel(engine, QString(), me, parent),
      m_store(std::make_unique<problems::ProblemStore>(engine))
{
    setObjectName(QStringLiteral("problemsView"));
    m_model = new ProblemListModel(*m_store, this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ProblemListModel::SortRole);

    auto *v = new QVBoxLayout(this);
    addMessage(v, QStringLiteral("problemsMessage"), styleProblemsMessage, true);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("problemsTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildProblemsTab(), tr("&Problems and known errors"));
    m_tabs->addTab(buildKnowledgeBaseTab(), tr("&Knowledge base"));
    v->addWidget(m_tabs, 1);

    if (m_proxy->rowCount() > 0)
        selectProblem(m_proxy->index(0, 0).data(ProblemListModel::NumberRole).toString());
    else
        showProblem({});
    reloadArticles();
}

ProblemsView::~ProblemsView() = default;

QWidget *ProblemsView::buildProblemsTab()
{
    auto *split = new QSplitter(Qt::Horizontal);

    // Left: create and list.
    auto *left = new QWidget(split);
    auto *lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    m_newTitle = namedLineEdit(QStringLiteral("newProblemTitle"), tr("New problem title"),
                               tr("New problem: what keeps going wrong?"), left);
    auto *create = namedButton(tr("Create problem"), QStringLiteral("createProblem"), left);
    addRow(lv, {{m_newTitle, 1}, {create}});
    auto *openOnly = new QCheckBox(tr("Open and known errors only"), left);
    openOnly->setObjectName(QStringLiteral("problemsOpenOnly"));
    lv->addWidget(openOnly);
    m_table = new QTableView(left);
    m_table->setObjectName(QStringLiteral("problemsTable"));
    m_table->setAccessibleName(tr("Problems"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ProblemListModel::Updated, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(ProblemListModel::Title,
                                                      QHeaderView::Stretch);
    for (int c : {int(ProblemListModel::Number), int(ProblemListModel::Status),
                  int(ProblemListModel::Incidents), int(ProblemListModel::KnownErrors),
                  int(ProblemListModel::Owner)})
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->setColumnHidden(ProblemListModel::Updated, true);
    lv->addWidget(m_table, 1);
    connect(create, &QPushButton::clicked, this, &ProblemsView::createProblem);
    connect(m_newTitle, &QLineEdit::returnPressed, this, &ProblemsView::createProblem);
    connect(openOnly, &QCheckBox::toggled, this, [this](bool on) {
        const QString keep = m_current;
        m_model->setOpenOnly(on);
        if (!selectProblem(keep))
            showProblem({});
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &cur) {
                if (cur.isValid())
                    showProblem(cur.data(ProblemListModel::NumberRole).toString());
            });

    // Right: the selected problem.
    auto *scroll = new QScrollArea(split);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_detail.box = new QWidget(scroll);
    auto *dv = new QVBoxLayout(m_detail.box);
    m_detail.heading = new QLabel(m_detail.box);
    m_detail.heading->setObjectName(QStringLiteral("problemHeading"));
    QFont hf = m_detail.heading->font();
    hf.setPointSizeF(hf.pointSizeF() * 1.3);
    hf.setBold(true);
    m_detail.heading->setFont(hf);
    m_detail.heading->setWordWrap(true);
    dv->addWidget(m_detail.heading);

    auto *pg = new QGroupBox(tr("Problem"), m_detail.box);
    auto *pf = new QFormLayout(pg);
    auto *title = namedLineEdit(QStringLiteral("problemTitle"), tr("Problem title"), {}, pg);
    pf->addRow(tr("&Title:"), m_detail.fields.bind(QStringLiteral("title"), title));
    auto *status = namedComboBox(QStringLiteral("problemStatus"), tr("Problem status"), pg);
    for (const char *s : {"open", "known_error", "resolved", "closed"})
        status->addItem(ProblemListModel::statusLabel(QString::fromLatin1(s)),
                        QString::fromLatin1(s));
    pf->addRow(tr("&Status:"), m_detail.fields.bind(QStringLiteral("status"), status));
    auto *owner = namedLineEdit(QStringLiteral("problemOwner"), tr("Problem owner"), {}, pg);
    pf->addRow(tr("&Owner:"), m_detail.fields.bind(QStringLiteral("owner"), owner));
    auto *description =
        textArea(QStringLiteral("problemDescription"), tr("Problem description"), 3, pg);
    pf->addRow(tr("&Description:"),
               m_detail.fields.bind(QStringLiteral("description"), description));
    auto *rootCause = textArea(QStringLiteral("problemRootCause"), tr("Problem root cause"), 2, pg);
    pf->addRow(tr("&Root cause:"), m_detail.fields.bind(QStringLiteral("root_cause"), rootCause));
    auto *workaround =
        textArea(QStringLiteral("problemWorkaround"), tr("Problem workaround"), 2, pg);
    pf->addRow(tr("&Workaround:"), m_detail.fields.bind(QStringLiteral("workaround"), workaround));
    auto *save = namedButton(tr("Save problem"), QStringLiteral("saveProblem"), pg);
    pf->addRow(QString(), save);
    dv->addWidget(pg);
    connect(save, &QPushButton::clicked, this, &ProblemsView::saveProblem);

    const auto [ig, iv] = addGroup(dv, tr("Linked incidents"));
    m_detail.incidents =
        namedList(QStringLiteral("problemIncidents"), tr("Incidents linked to the problem"), ig);
    m_detail.incidents->setMinimumHeight(90);
    iv->addWidget(m_detail.incidents);
    m_detail.linkEdit = namedLineEdit(QStringLiteral("linkIncidentEdit"), tr("Incident to link"),
                                      tr("Incident number, e.g. INC0000042 or 42"), ig);
    auto *link = namedButton(tr("&Link"), QStringLiteral("linkIncident"), ig);
    auto *unlink = namedButton(tr("&Unlink selected"), QStringLiteral("unlinkIncident"), ig);
    auto *open = namedButton(tr("Open &incident"), QStringLiteral("openLinkedIncident"), ig);
    addRow(iv, {{m_detail.linkEdit, 1}, {link}, {unlink}, {open}});
    connect(link, &QPushButton::clicked, this, &ProblemsView::linkIncident);
    connect(m_detail.linkEdit, &QLineEdit::returnPressed, this, &ProblemsView::linkIncident);
    connect(unlink, &QPushButton::clicked, this, &ProblemsView::unlinkIncident);
    auto openSelected = [this] {
        if (auto *it = m_detail.incidents->currentItem())
            Q_EMIT openIncident(it->data(Qt::UserRole + 1).toString());
    };
    connect(open, &QPushButton::clicked, this, openSelected);
    connect(m_detail.incidents, &QListWidget::itemActivated, this, openSelected);

    auto *kg = new QGroupBox(tr("Known error"), m_detail.box);
    auto *kf = new QFormLayout(kg);
    m_knownError.entry =
        namedComboBox(QStringLiteral("knownErrorCombo"), tr("Known-error entry"), kg);
    kf->addRow(tr("&Entry:"), m_knownError.entry);
    auto *keTitle =
        namedLineEdit(QStringLiteral("knownErrorTitle"), tr("Known-error title"), {}, kg);
    kf->addRow(tr("Titl&e:"), m_knownError.fields.bind(QStringLiteral("title"), keTitle));
    auto *symptom = textArea(QStringLiteral("knownErrorSymptom"), tr("Symptom"), 2, kg);
    kf->addRow(tr("S&ymptom:"), m_knownError.fields.bind(QStringLiteral("symptom"), symptom));
    auto *keWorkaround = textArea(QStringLiteral("knownErrorWorkaround"), tr("Workaround"), 2, kg);
    kf->addRow(tr("Wor&karound:"),
               m_knownError.fields.bind(QStringLiteral("workaround"), keWorkaround));
    auto *keRootCause = textArea(QStringLiteral("knownErrorRootCause"), tr("Root cause"), 2, kg);
    kf->addRow(tr("Root c&ause:"),
               m_knownError.fields.bind(QStringLiteral("root_cause"), keRootCause));
    m_knownError.seen = new QLabel(kg);
    m_knownError.seen->setObjectName(QStringLiteral("knownErrorSeen"));
    kf->addRow(tr("Seen:"), m_knownError.seen);
    m_knownError.save = namedButton(tr("Save known error"), QStringLiteral("saveKnownError"), kg);
    kf->addRow(QString(), m_knownError.save);
    dv->addWidget(kg);
    dv->addStretch(1);
    connect(m_knownError.entry, &QComboBox::currentIndexChanged, this,
            &ProblemsView::showKnownError);
    connect(m_knownError.save, &QPushButton::clicked, this, &ProblemsView::saveKnownError);

    scroll->setWidget(m_detail.box);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    return split;
}

QWidget *ProblemsView::buildKnowledgeBaseTab()
{
    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    auto *row = new QHBoxLayout;
    m_kb.kind = namedComboBox(QStringLiteral("kbKind"), tr("Article kind"), w);
    m_kb.kind->addItem(tr("All articles"), QString());
    m_kb.kind->addItem(tr("Known errors"), QStringLiteral("known_error"));
    m_kb.kind->addItem(tr("Resolutions"), QStringLiteral("resolution"));
    row->addWidget(m_kb.kind);
    m_kb.search = namedLineEdit(QStringLiteral("kbSearch"), tr("Filter articles"),
                                tr("Filter by words in title, text or tags"), w);
    m_kb.search->setClearButtonEnabled(true);
    row->addWidget(m_kb.search, 1);
    v->addLayout(row);
    auto *split = new QSplitter(Qt::Horizontal, w);
    m_kb.list = namedList(QStringLiteral("kbList"), tr("Knowledge-base articles"), split);
    m_kb.article = new QTextBrowser(split);
    m_kb.article->setObjectName(QStringLiteral("kbArticle"));
    m_kb.article->setAccessibleName(tr("Article"));
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    v->addWidget(split, 1);
    connect(m_kb.kind, &QComboBox::currentIndexChanged, this, &ProblemsView::reloadArticles);
    connect(m_kb.search, &QLineEdit::textChanged, this, &ProblemsView::reloadArticles);
    connect(m_kb.list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *it) {
        m_kb.article->setMarkdown(it ? it->data(Qt::UserRole + 1).toString() : QString());
    });
    return w;
}

void ProblemsView::reload()
{
    const QString keep = m_current;
    m_model->refresh();
    if (!selectProblem(keep))
        showProblem({});
    reloadArticles();
}

bool ProblemsView::selectProblem(const QString &number)
{
    const int row = m_model->rowOf(number);
    if (number.isEmpty() || row < 0)
        return false;
    const QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    showProblem(number); // also when it was current already: re-read
    return true;
}

void ProblemsView::showKnowledgeBase()
{
    m_tabs->setCurrentIndex(1);
}

void ProblemsView::showProblem(const QString &number)
{
    m_current = number;
    const auto p = number.isEmpty() ? std::nullopt : m_store->problem(number);
    m_detail.box->setEnabled(bool(p));
    if (!p) {
        m_current.clear();
        m_detail.heading->setText(
            m_model->rowCount() == 0
                ? tr("No problems yet: name one above, then link the incidents it causes.")
                : tr("Select a problem"));
        m_detail.fields.clear();
        m_knownError.fields.clear();
        m_detail.incidents->clear();
        m_knownError.entry->clear();
        return;
    }
    m_detail.heading->setText(
        QStringLiteral("%1 · %2 · %3")
            .arg(p->number, ProblemListModel::statusLabel(p->status), p->title));
    m_detail.fields.fill({{QStringLiteral("title"), p->title},
                          {QStringLiteral("status"), p->status},
                          {QStringLiteral("owner"), p->owner},
                          {QStringLiteral("description"), p->description},
                          {QStringLiteral("root_cause"), p->rootCause},
                          {QStringLiteral("workaround"), p->workaround}});
    m_detail.incidents->clear();
    for (const QString &n : p->incidents) {
        const auto inc = m_engine.store().incidentByNumber(n);
        auto *it = new QListWidgetItem(
            inc ? QStringLiteral("%1  %2  (%3)").arg(n, inc->title, inc->state) : n,
            m_detail.incidents);
        it->setData(Qt::UserRole, n);
        it->setData(Qt::UserRole + 1, inc ? inc->uid : n);
    }
    const QSignalBlocker block(m_knownError.entry);
    m_knownError.entry->clear();
    for (const auto &k : m_store->knownErrorsOf(p->id))
        m_knownError.entry->addItem(QStringLiteral("%1 %2").arg(k.number, k.title), k.number);
    m_knownError.entry->addItem(tr("New known error for this problem…"), QString());
    m_knownError.entry->setCurrentIndex(0);
    showKnownError(0);
}

void ProblemsView::showKnownError(int index)
{
    const QString number = m_knownError.entry->itemData(index).toString();
    const auto k = number.isEmpty() ? std::nullopt : m_store->knownError(number);
    if (!k) {
        // A new entry starts from what the problem already says.
        const auto p = m_store->problem(m_current);
        m_knownError.fields.fill(p ? QJsonObject{{QStringLiteral("title"), p->title},
                                                 {QStringLiteral("symptom"), p->description},
                                                 {QStringLiteral("workaround"), p->workaround},
                                                 {QStringLiteral("root_cause"), p->rootCause}}
                                   : QJsonObject());
        m_knownError.seen->setText(tr("not saved yet"));
        m_knownError.save->setText(tr("Create known error"));
        return;
    }
    m_knownError.fields.fill({{QStringLiteral("title"), k->title},
                              {QStringLiteral("symptom"), k->symptom},
                              {QStringLiteral("workaround"), k->workaround},
                              {QStringLiteral("root_cause"), k->rootCause}});
    m_knownError.seen->setText(
        k->incidentCount == 0 ? tr("in no incident yet")
                              : tr("in %n incident(s), last %1", nullptr, k->incidentCount)
                                    .arg(QDateTime::fromMSecsSinceEpoch(k->lastSeenAt, Qt::UTC)
                                             .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))));
    m_knownError.save->setText(tr("Save known error"));
}

void ProblemsView::createProblem()
{
    const QString title = m_newTitle->text().trimmed();
    if (title.isEmpty()) {
        showMessage(tr("A problem needs a title: type it in the box, then Create problem."), true);
        m_newTitle->setFocus();
        return;
    }
    auto p = m_store->createProblem(title, {}, m_me, m_me);
    if (!p) {
        showMessage(p.errorMessage(), true);
        return;
    }
    m_newTitle->clear();
    m_model->refresh();
    selectProblem(p->number);
    showMessage(tr("Created %1.").arg(p->number), false);
    m_detail.fields.field(QStringLiteral("description"))->setFocus();
}

void ProblemsView::saveProblem()
{
    if (m_current.isEmpty())
        return;
    const QJsonObject f = m_detail.fields.values();
    if (f[u"title"].toString().isEmpty()) {
        showMessage(tr("A problem needs a title."), true);
        return;
    }
    auto r = m_store->updateProblem(m_current, f, m_me);
    if (!r) {
        showMessage(r.errorMessage(), true);
        return;
    }
    const QString n = m_current;
    m_model->refresh();
    selectProblem(n);
    showMessage(tr("Saved %1.").arg(n), false);
}

void ProblemsView::linkIncident()
{
    const QString ref = m_detail.linkEdit->text().trimmed();
    if (m_current.isEmpty() || ref.isEmpty()) {
        showMessage(tr("Type the number of the incident to link."), true);
        return;
    }
    if (auto s = m_store->linkIncident(m_current, ref, m_me); !s) {
        showMessage(s.errorMessage(), true);
        return;
    }
    m_detail.linkEdit->clear();
    const QString n = m_current;
    m_model->refresh();
    selectProblem(n);
    showMessage(tr("Linked %1 to %2.").arg(ref, n), false);
}

void ProblemsView::unlinkIncident()
{
    auto *it = m_detail.incidents->currentItem();
    if (m_current.isEmpty() || !it) {
        showMessage(tr("Select the incident to unlink."), true);
        return;
    }
    const QString number = it->data(Qt::UserRole).toString();
    if (auto s = m_store->unlinkIncident(m_current, number, m_me); !s) {
        showMessage(s.errorMessage(), true);
        return;
    }
    const QString n = m_current;
    m_model->refresh();
    selectProblem(n);
    showMessage(tr("Unlinked %1 from %2.").arg(number, n), false);
}

void ProblemsView::saveKnownError()
{
    if (m_current.isEmpty())
        return;
    const QString number = m_knownError.entry->currentData().toString();
    const QJsonObject v = m_knownError.fields.values();
    QString saved;
    if (number.isEmpty()) {
        auto k = m_store->createKnownError(v[u"title"].toString(), v[u"symptom"].toString(),
                                           v[u"workaround"].toString(), v[u"root_cause"].toString(),
                                           {}, m_current, m_me);
        if (!k) {
            showMessage(k.errorMessage(), true);
            return;
        }
        saved = k->number;
    } else {
        auto k = m_store->updateKnownError(number, v);
        if (!k) {
            showMessage(k.errorMessage(), true);
            return;
        }
        saved = k->number;
    }
    const QString n = m_current;
    m_model->refresh();
    selectProblem(n);
    m_knownError.entry->setCurrentIndex(std::max(0, m_knownError.entry->findData(saved)));
    reloadArticles();
    showMessage(tr("Saved known error %1; its knowledge-base article is updated.").arg(saved),
                false);
}

void ProblemsView::reloadArticles()
{
    const QString keep = m_kb.list->currentItem()
                             ? m_kb.list->currentItem()->data(Qt::UserRole).toString()
                             : QString();
    const QStringList words = m_kb.search->text().toLower().split(u' ', Qt::SkipEmptyParts);
    const QSignalBlocker block(m_kb.list);
    m_kb.list->clear();
    QListWidgetItem *select = nullptr;
    for (const auto &a : m_store->articles(m_kb.kind->currentData().toString(), 500)) {
        const QString hay = (a.title + u' ' + a.body + u' ' + a.tags.join(u' ')).toLower();
        bool match = true;
        for (const QString &w : words)
            match = match && hay.contains(w);
        if (!match)
            continue;
        auto *it = new QListWidgetItem(
            QStringLiteral("%1 %2").arg(
                a.kind == u"known_error" ? QStringLiteral("⚑") : QStringLiteral("✔"), a.title),
            m_kb.list);
        it->setToolTip(a.kind == u"known_error" ? tr("Known error") : tr("Resolution"));
        it->setData(Qt::UserRole, a.id);
        it->setData(
            Qt::UserRole + 1,
            QStringLiteral("# %1\n\n*%2 · updated %3 · tags: %4*\n\n%5")
                .arg(a.title, a.kind == u"known_error" ? tr("Known error") : tr("Resolution"),
                     QDateTime::fromMSecsSinceEpoch(a.updatedAt, Qt::UTC)
                         .toString(QStringLiteral("yyyy-MM-dd")),
                     a.tags.isEmpty() ? QStringLiteral("-") : a.tags.join(QStringLiteral(", ")),
                     a.body));
        if (a.id == keep || !select)
            select = it;
    }
    if (select)
        m_kb.list->setCurrentItem(select);
    m_kb.article->setMarkdown(
        select
            ? select->data(Qt::UserRole + 1).toString()
            : (m_kb.list->count() == 0
                   ? tr("No articles yet. Resolution notes and known errors become articles here.")
                   : QString()));
}

} // namespace sitrep::ui
