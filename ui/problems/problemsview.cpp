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
    m_openOnly = new QCheckBox(tr("Open and known errors only"), left);
    m_openOnly->setObjectName(QStringLiteral("problemsOpenOnly"));
    lv->addWidget(m_openOnly);
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
    connect(m_openOnly, &QCheckBox::toggled, this, [this](bool on) {
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
    m_detail = new QWidget(scroll);
    auto *dv = new QVBoxLayout(m_detail);
    m_heading = new QLabel(m_detail);
    m_heading->setObjectName(QStringLiteral("problemHeading"));
    QFont hf = m_heading->font();
    hf.setPointSizeF(hf.pointSizeF() * 1.3);
    hf.setBold(true);
    m_heading->setFont(hf);
    m_heading->setWordWrap(true);
    dv->addWidget(m_heading);

    auto *pg = new QGroupBox(tr("Problem"), m_detail);
    auto *pf = new QFormLayout(pg);
    m_title = namedLineEdit(QStringLiteral("problemTitle"), tr("Problem title"), {}, pg);
    pf->addRow(tr("&Title:"), m_title);
    m_status = namedComboBox(QStringLiteral("problemStatus"), tr("Problem status"), pg);
    for (const char *s : {"open", "known_error", "resolved", "closed"})
        m_status->addItem(ProblemListModel::statusLabel(QString::fromLatin1(s)),
                          QString::fromLatin1(s));
    pf->addRow(tr("&Status:"), m_status);
    m_owner = namedLineEdit(QStringLiteral("problemOwner"), tr("Problem owner"), {}, pg);
    pf->addRow(tr("&Owner:"), m_owner);
    m_description =
        textArea(QStringLiteral("problemDescription"), tr("Problem description"), 3, pg);
    pf->addRow(tr("&Description:"), m_description);
    m_rootCause = textArea(QStringLiteral("problemRootCause"), tr("Problem root cause"), 2, pg);
    pf->addRow(tr("&Root cause:"), m_rootCause);
    m_workaround = textArea(QStringLiteral("problemWorkaround"), tr("Problem workaround"), 2, pg);
    pf->addRow(tr("&Workaround:"), m_workaround);
    auto *save = namedButton(tr("Save problem"), QStringLiteral("saveProblem"), pg);
    pf->addRow(QString(), save);
    dv->addWidget(pg);
    connect(save, &QPushButton::clicked, this, &ProblemsView::saveProblem);

    const auto [ig, iv] = addGroup(dv, tr("Linked incidents"));
    m_incidents =
        namedList(QStringLiteral("problemIncidents"), tr("Incidents linked to the problem"), ig);
    m_incidents->setMinimumHeight(90);
    iv->addWidget(m_incidents);
    m_linkEdit = namedLineEdit(QStringLiteral("linkIncidentEdit"), tr("Incident to link"),
                               tr("Incident number, e.g. INC0000042 or 42"), ig);
    auto *link = namedButton(tr("&Link"), QStringLiteral("linkIncident"), ig);
    auto *unlink = namedButton(tr("&Unlink selected"), QStringLiteral("unlinkIncident"), ig);
    auto *open = namedButton(tr("Open &incident"), QStringLiteral("openLinkedIncident"), ig);
    addRow(iv, {{m_linkEdit, 1}, {link}, {unlink}, {open}});
    connect(link, &QPushButton::clicked, this, &ProblemsView::linkIncident);
    connect(m_linkEdit, &QLineEdit::returnPressed, this, &ProblemsView::linkIncident);
    connect(unlink, &QPushButton::clicked, this, &ProblemsView::unlinkIncident);
    auto openSelected = [this] {
        if (auto *it = m_incidents->currentItem())
            Q_EMIT openIncident(it->data(Qt::UserRole + 1).toString());
    };
    connect(open, &QPushButton::clicked, this, openSelected);
    connect(m_incidents, &QListWidget::itemActivated, this, openSelected);

    auto *kg = new QGroupBox(tr("Known error"), m_detail);
    auto *kf = new QFormLayout(kg);
    m_keCombo = namedComboBox(QStringLiteral("knownErrorCombo"), tr("Known-error entry"), kg);
    kf->addRow(tr("&Entry:"), m_keCombo);
    m_keTitle = namedLineEdit(QStringLiteral("knownErrorTitle"), tr("Known-error title"), {}, kg);
    kf->addRow(tr("Titl&e:"), m_keTitle);
    m_keSymptom = textArea(QStringLiteral("knownErrorSymptom"), tr("Symptom"), 2, kg);
    kf->addRow(tr("S&ymptom:"), m_keSymptom);
    m_keWorkaround = textArea(QStringLiteral("knownErrorWorkaround"), tr("Workaround"), 2, kg);
    kf->addRow(tr("Wor&karound:"), m_keWorkaround);
    m_keRootCause = textArea(QStringLiteral("knownErrorRootCause"), tr("Root cause"), 2, kg);
    kf->addRow(tr("Root c&ause:"), m_keRootCause);
    m_keSeen = new QLabel(kg);
    m_keSeen->setObjectName(QStringLiteral("knownErrorSeen"));
    kf->addRow(tr("Seen:"), m_keSeen);
    m_keSave = namedButton(tr("Save known error"), QStringLiteral("saveKnownError"), kg);
    kf->addRow(QString(), m_keSave);
    dv->addWidget(kg);
    dv->addStretch(1);
    connect(m_keCombo, &QComboBox::currentIndexChanged, this, &ProblemsView::showKnownError);
    connect(m_keSave, &QPushButton::clicked, this, &ProblemsView::saveKnownError);

    scroll->setWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    return split;
}

QWidget *ProblemsView::buildKnowledgeBaseTab()
{
    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    auto *row = new QHBoxLayout;
    m_kbKind = namedComboBox(QStringLiteral("kbKind"), tr("Article kind"), w);
    m_kbKind->addItem(tr("All articles"), QString());
    m_kbKind->addItem(tr("Known errors"), QStringLiteral("known_error"));
    m_kbKind->addItem(tr("Resolutions"), QStringLiteral("resolution"));
    row->addWidget(m_kbKind);
    m_kbSearch = namedLineEdit(QStringLiteral("kbSearch"), tr("Filter articles"),
                               tr("Filter by words in title, text or tags"), w);
    m_kbSearch->setClearButtonEnabled(true);
    row->addWidget(m_kbSearch, 1);
    v->addLayout(row);
    auto *split = new QSplitter(Qt::Horizontal, w);
    m_kbList = namedList(QStringLiteral("kbList"), tr("Knowledge-base articles"), split);
    m_kbArticle = new QTextBrowser(split);
    m_kbArticle->setObjectName(QStringLiteral("kbArticle"));
    m_kbArticle->setAccessibleName(tr("Article"));
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    v->addWidget(split, 1);
    connect(m_kbKind, &QComboBox::currentIndexChanged, this, &ProblemsView::reloadArticles);
    connect(m_kbSearch, &QLineEdit::textChanged, this, &ProblemsView::reloadArticles);
    connect(m_kbList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *it) {
        m_kbArticle->setMarkdown(it ? it->data(Qt::UserRole + 1).toString() : QString());
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
    m_detail->setEnabled(bool(p));
    if (!p) {
        m_current.clear();
        m_heading->setText(
            m_model->rowCount() == 0
                ? tr("No problems yet: name one above, then link the incidents it causes.")
                : tr("Select a problem"));
        for (QLineEdit *e : {m_title, m_owner, m_keTitle})
            e->clear();
        for (QPlainTextEdit *e :
             {m_description, m_rootCause, m_workaround, m_keSymptom, m_keWorkaround, m_keRootCause})
            e->clear();
        m_incidents->clear();
        m_keCombo->clear();
        return;
    }
    m_heading->setText(QStringLiteral("%1 · %2 · %3")
                           .arg(p->number, ProblemListModel::statusLabel(p->status), p->title));
    m_title->setText(p->title);
    m_status->setCurrentIndex(std::max(0, m_status->findData(p->status)));
    m_owner->setText(p->owner);
    m_description->setPlainText(p->description);
    m_rootCause->setPlainText(p->rootCause);
    m_workaround->setPlainText(p->workaround);
    m_incidents->clear();
    for (const QString &n : p->incidents) {
        const auto inc = m_engine.store().incidentByNumber(n);
        auto *it = new QListWidgetItem(
            inc ? QStringLiteral("%1  %2  (%3)").arg(n, inc->title, inc->state) : n, m_incidents);
        it->setData(Qt::UserRole, n);
        it->setData(Qt::UserRole + 1, inc ? inc->uid : n);
    }
    const QSignalBlocker block(m_keCombo);
    m_keCombo->clear();
    for (const auto &k : m_store->knownErrorsOf(p->id))
        m_keCombo->addItem(QStringLiteral("%1 %2").arg(k.number, k.title), k.number);
    m_keCombo->addItem(tr("New known error for this problem…"), QString());
    m_keCombo->setCurrentIndex(0);
    showKnownError(0);
}

void ProblemsView::showKnownError(int index)
{
    const QString number = m_keCombo->itemData(index).toString();
    const auto k = number.isEmpty() ? std::nullopt : m_store->knownError(number);
    if (!k) {
        // A new entry starts from what the problem already says.
        const auto p = m_store->problem(m_current);
        m_keTitle->setText(p ? p->title : QString());
        m_keSymptom->setPlainText(p ? p->description : QString());
        m_keWorkaround->setPlainText(p ? p->workaround : QString());
        m_keRootCause->setPlainText(p ? p->rootCause : QString());
        m_keSeen->setText(tr("not saved yet"));
        m_keSave->setText(tr("Create known error"));
        return;
    }
    m_keTitle->setText(k->title);
    m_keSymptom->setPlainText(k->symptom);
    m_keWorkaround->setPlainText(k->workaround);
    m_keRootCause->setPlainText(k->rootCause);
    m_keSeen->setText(k->incidentCount == 0
                          ? tr("in no incident yet")
                          : tr("in %n incident(s), last %1", nullptr, k->incidentCount)
                                .arg(QDateTime::fromMSecsSinceEpoch(k->lastSeenAt, Qt::UTC)
                                         .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))));
    m_keSave->setText(tr("Save known error"));
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
    m_description->setFocus();
}

void ProblemsView::saveProblem()
{
    if (m_current.isEmpty())
        return;
    QJsonObject f{{QStringLiteral("title"), m_title->text().trimmed()},
                  {QStringLiteral("status"), m_status->currentData().toString()},
                  {QStringLiteral("owner"), m_owner->text().trimmed()},
                  {QStringLiteral("description"), m_description->toPlainText().trimmed()},
                  {QStringLiteral("root_cause"), m_rootCause->toPlainText().trimmed()},
                  {QStringLiteral("workaround"), m_workaround->toPlainText().trimmed()}};
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
    const QString ref = m_linkEdit->text().trimmed();
    if (m_current.isEmpty() || ref.isEmpty()) {
        showMessage(tr("Type the number of the incident to link."), true);
        return;
    }
    if (auto s = m_store->linkIncident(m_current, ref, m_me); !s) {
        showMessage(s.errorMessage(), true);
        return;
    }
    m_linkEdit->clear();
    const QString n = m_current;
    m_model->refresh();
    selectProblem(n);
    showMessage(tr("Linked %1 to %2.").arg(ref, n), false);
}

void ProblemsView::unlinkIncident()
{
    auto *it = m_incidents->currentItem();
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
    const QString number = m_keCombo->currentData().toString();
    const QString title = m_keTitle->text().trimmed(),
                  symptom = m_keSymptom->toPlainText().trimmed();
    const QString workaround = m_keWorkaround->toPlainText().trimmed(),
                  rootCause = m_keRootCause->toPlainText().trimmed();
    QString saved;
    if (number.isEmpty()) {
        auto k =
            m_store->createKnownError(title, symptom, workaround, rootCause, {}, m_current, m_me);
        if (!k) {
            showMessage(k.errorMessage(), true);
            return;
        }
        saved = k->number;
    } else {
        auto k = m_store->updateKnownError(number, {{QStringLiteral("title"), title},
                                                    {QStringLiteral("symptom"), symptom},
                                                    {QStringLiteral("workaround"), workaround},
                                                    {QStringLiteral("root_cause"), rootCause}});
        if (!k) {
            showMessage(k.errorMessage(), true);
            return;
        }
        saved = k->number;
    }
    const QString n = m_current;
    m_model->refresh();
    selectProblem(n);
    m_keCombo->setCurrentIndex(std::max(0, m_keCombo->findData(saved)));
    reloadArticles();
    showMessage(tr("Saved known error %1; its knowledge-base article is updated.").arg(saved),
                false);
}

void ProblemsView::reloadArticles()
{
    const QString keep = m_kbList->currentItem()
                             ? m_kbList->currentItem()->data(Qt::UserRole).toString()
                             : QString();
    const QStringList words = m_kbSearch->text().toLower().split(u' ', Qt::SkipEmptyParts);
    const QSignalBlocker block(m_kbList);
    m_kbList->clear();
    QListWidgetItem *select = nullptr;
    for (const auto &a : m_store->articles(m_kbKind->currentData().toString(), 500)) {
        const QString hay = (a.title + u' ' + a.body + u' ' + a.tags.join(u' ')).toLower();
        bool match = true;
        for (const QString &w : words)
            match = match && hay.contains(w);
        if (!match)
            continue;
        auto *it = new QListWidgetItem(
            QStringLiteral("%1 %2").arg(
                a.kind == u"known_error" ? QStringLiteral("⚑") : QStringLiteral("✔"), a.title),
            m_kbList);
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
        m_kbList->setCurrentItem(select);
    m_kbArticle->setMarkdown(
        select
            ? select->data(Qt::UserRole + 1).toString()
            : (m_kbList->count() == 0
                   ? tr("No articles yet. Resolution notes and known errors become articles here.")
                   : QString()));
}

} // namespace sitrep::ui
