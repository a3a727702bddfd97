// SPDX-License-Identifier: MIT
#include "ui/incidentworkspace.h"

#include "engine/fieldrules.h"
#include "engine/lifecycleengine.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/timelinemodel.h"
#include "itemmodels/workspacemodels.h"
#include "query/duration.h"
#include "query/sla.h"
#include "query/warroomreminders.h"
#include "reminders/reminderservice.h"
#include "ui/incidentfieldsform.h"
#include "ui/postmortem/postmortemeditor.h"
#include "ui/postmortem/runbookchecklist.h"
#include "ui/problems/problemsection.h"
#include "ui/style/bannerstyle.h"
#include "ui/style/formrows.h"
#include "ui/style/messagebar.h"
#include "ui/style/severitystyle.h"
#include "ui/sync/conflictpanel.h"
#include "ui/sync/refusalbanner.h"
#include "ui/theme.h"
#include "ui/triage/triagepanel.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFormLayout>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sitrep::ui {

using namespace sitrep::itemmodels;
using engine::Command;
using query::formatDuration;

namespace {

/// A section page filled by a list with columns (made into `list`), its controls below.
struct ListPage {
    QWidget *page = nullptr;
    QVBoxLayout *column = nullptr;
};

ListPage listPage(QTreeWidget *&list, const QString &name, const QString &accessibleName,
                  const QStringList &headers, QWidget *parent)
{
    auto *w = new QWidget(parent);
    auto *v = new QVBoxLayout(w);
    list = flatList(name, accessibleName, headers, w);
    v->addWidget(list, 1);
    return {w, v};
}

} // namespace

IncidentWorkspace::IncidentWorkspace(engine::LifecycleEngine &engine, const QString &uid,
                                     const QString &me, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_uid(uid),
      m_me(me.isEmpty() ? QStringLiteral("user") : me)
{
    setObjectName(QStringLiteral("workspace"));
    m_now = m_engine.clock().nowMs();
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->addWidget(buildHeader());

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("workspaceTabs"));
    m_tabs->setAccessibleName(tr("Incident sections"));
    m_tabs->addTab(buildTimeline(), tr("&Timeline"));
    m_tabs->addTab(buildEvidence(), tr("&Evidence"));
    m_tabs->addTab(buildServices(), tr("Ser&vices"));
    m_tabs->addTab(buildCommunication(), tr("&Communication"));
    m_tabs->addTab(buildActionItems(), tr("Action &items"));
    m_tabs->addTab(buildPeople(), tr("&People"));
    m_tabs->addTab(new RunbookChecklist(m_engine, m_uid, m_me, m_tabs), tr("&Runbook"));
    m_tabs->addTab(new PostmortemEditor(m_engine, m_uid, m_me, m_tabs), tr("Post&mortem"));
    // The tall sections scroll, so a 768-pixel-high screen still shows the whole window.
    auto scrolled = [this](QWidget *section) {
        auto *area = new QScrollArea(m_tabs);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        area->setWidget(section);
        return area;
    };
    m_tabs->addTab(scrolled(new ProblemSection(m_engine, m_uid, m_me)), tr("Pro&blem"));
    m_tabs->addTab(scrolled(new TriagePanel(m_engine, m_uid, m_me)), tr("Tri&age"));
    outer->addWidget(m_tabs, 1);
    reload();
    // Sync conflicts of this incident, between the header and the sections.
    auto *conflicts = new ConflictPanel(m_engine, m_uid, m_me, this);
    connect(conflicts, &ConflictPanel::resolved, this, &IncidentWorkspace::reload);
    outer->insertWidget(1, conflicts);
    // Changes the back end refused for good: said here, where they were made.
    outer->insertWidget(1, new RefusalBanner(m_engine, m_uid, this));
    fitPlaceholders(this);
}

QWidget *IncidentWorkspace::buildHeader()
{
    auto *header = new QFrame(this);
    header->setObjectName(QStringLiteral("workspaceHeader"));
    header->setFrameShape(QFrame::StyledPanel);
    auto *v = new QVBoxLayout(header);

    auto *top = new QHBoxLayout;
    auto *ident = new QVBoxLayout;
    auto *line1 = new QHBoxLayout;
    m_severityIcon = new QLabel(header);
    m_severityIcon->setAccessibleName(tr("Severity shape"));
    line1->addWidget(m_severityIcon);
    m_numberLabel = new QLabel(header);
    m_numberLabel->setObjectName(QStringLiteral("incidentNumber"));
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_numberLabel->setFont(big);
    m_numberLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    line1->addWidget(m_numberLabel);
    m_titleLabel = new QLabel(header);
    m_titleLabel->setObjectName(QStringLiteral("incidentTitle"));
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    m_titleLabel->setFont(titleFont);
    m_titleLabel->setWordWrap(true);
    m_titleLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    line1->addWidget(m_titleLabel, 1);
    ident->addLayout(line1);

    auto *line2 = new QHBoxLayout;
    m_severityLabel = new QLabel(header);
    m_severityLabel->setObjectName(QStringLiteral("severityLabel"));
    m_priorityLabel = new QLabel(header);
    m_priorityLabel->setObjectName(QStringLiteral("priorityLabel"));
    m_stateLabel = new QLabel(header);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    for (QLabel *l : {m_severityLabel, m_priorityLabel, m_stateLabel}) {
        l->setFrameShape(QFrame::StyledPanel);
        l->setContentsMargins(6, 2, 6, 2);
        line2->addWidget(l);
    }
    m_rolesLabel = new QLabel(header);
    m_rolesLabel->setObjectName(QStringLiteral("rolesLabel"));
    // Commander, assignee and responders wrap rather than widen the window past 1024 px.
    m_rolesLabel->setWordWrap(true);
    line2->addWidget(m_rolesLabel, 1);
    auto *edit = new QPushButton(tr("Edit fields"), header);
    edit->setObjectName(QStringLiteral("editFieldsButton"));
    edit->setToolTip(tr("Severity, impact and urgency, title, description, assignee, group, "
                        "services, category (F2)"));
    connect(edit, &QPushButton::clicked, this, [this] { editFields(); });
    line2->addWidget(edit);
    ident->addLayout(line2);
    top->addLayout(ident, 1);

    // Big timers, readable across a room.
    QFont timerFont = font();
    timerFont.setPointSizeF(timerFont.pointSizeF() * 2.4);
    timerFont.setBold(true);
    timerFont.setFamily(QStringLiteral("monospace"));
    timerFont.setStyleHint(QFont::TypeWriter);
    auto *timers = new QGridLayout;
    auto *elapsedCaption = new QLabel(tr("Elapsed"), header);
    m_elapsed = new QLabel(header);
    m_elapsed->setObjectName(QStringLiteral("elapsedTimer"));
    m_elapsed->setAccessibleName(tr("Elapsed time"));
    m_elapsed->setFont(timerFont);
    m_slaCaption = new QLabel(tr("SLA"), header);
    m_sla = new QLabel(header);
    m_sla->setObjectName(QStringLiteral("slaTimer"));
    m_sla->setAccessibleName(tr("SLA time left"));
    m_sla->setFont(timerFont);
    m_sla->setAutoFillBackground(true);
    m_sla->setContentsMargins(8, 0, 8, 0);
    timers->addWidget(elapsedCaption, 0, 0, Qt::AlignRight);
    timers->addWidget(m_slaCaption, 0, 1, Qt::AlignRight);
    timers->addWidget(m_elapsed, 1, 0, Qt::AlignRight);
    timers->addWidget(m_sla, 1, 1, Qt::AlignRight);
    timers->setHorizontalSpacing(24);
    top->addLayout(timers);
    v->addLayout(top);

    v->addWidget(buildFieldEditor(header));

    m_reminderBanner = new QLabel(header);
    m_reminderBanner->setObjectName(QStringLiteral("reminders"));
    m_reminderBanner->setAccessibleName(tr("War-room reminders"));
    m_reminderBanner->setWordWrap(true);
    styleAsBanner(m_reminderBanner, BannerKind::Warning);
    m_reminderBanner->hide();
    v->addWidget(m_reminderBanner);

    m_buttonRow = new QHBoxLayout;
    auto *lifecycle = new QLabel(tr("Move to:"), header);
    m_buttonRow->addWidget(lifecycle);
    m_buttonRow->addStretch(1);
    v->addLayout(m_buttonRow);

    // Inline messages: errors and guard explanations stay in the page, never modal.
    m_message = new MessageBar(QStringLiteral("messageBar"), QStringLiteral("messageText"),
                               QMargins(8, 4, 8, 4), header);
    v->addWidget(m_message);

    m_guardPanel = new QFrame(header);
    m_guardPanel->setObjectName(QStringLiteral("guardPanel"));
    m_guardPanel->setFrameShape(QFrame::StyledPanel);
    auto *gv = new QVBoxLayout(m_guardPanel);
    m_guardText = wrappingLabel(QStringLiteral("guardText"), m_guardPanel);
    gv->addWidget(m_guardText);
    m_approver = namedLineEdit(QStringLiteral("approverEdit"), tr("Approver"),
                               tr("Approver's name"), m_guardPanel);
    m_approveButton =
        namedButton(tr("Record approval"), QStringLiteral("approveButton"), m_guardPanel);
    m_resolutionNote = namedLineEdit(QStringLiteral("resolutionNoteEdit"), tr("Resolution note"),
                                     tr("Resolution note"), m_guardPanel);
    m_rootCause = namedLineEdit(QStringLiteral("rootCauseEdit"), tr("Root-cause category"),
                                tr("Root-cause category"), m_guardPanel);
    m_guardGo = namedButton(tr("Continue"), QStringLiteral("guardContinue"), m_guardPanel);
    auto *cancel = new QPushButton(tr("Cancel"), m_guardPanel);
    addRow(gv, {{m_approver},
                {m_approveButton},
                {m_resolutionNote, 2},
                {m_rootCause, 1},
                {m_guardGo},
                {cancel}});
    m_guardPanel->hide();
    v->addWidget(m_guardPanel);

    connect(cancel, &QPushButton::clicked, m_guardPanel, &QWidget::hide);
    // Enter in the inline forms does what their button does.
    connect(m_approver, &QLineEdit::returnPressed, m_approveButton, &QPushButton::click);
    connect(m_resolutionNote, &QLineEdit::returnPressed, m_guardGo, &QPushButton::click);
    connect(m_rootCause, &QLineEdit::returnPressed, m_guardGo, &QPushButton::click);
    connect(m_approveButton, &QPushButton::clicked, this, [this] {
        const QString who = m_approver->text().trimmed();
        if (who.isEmpty()) {
            showMessage(tr("Name the person who approves."), true);
            m_approver->setFocus();
            return;
        }
        if (run(Command::Kind::Approve, {{QStringLiteral("for"), m_guardState}}, who))
            requestTransition(m_guardState);
    });
    connect(m_guardGo, &QPushButton::clicked, this, [this] {
        QJsonObject args{{QStringLiteral("to"), m_guardState}};
        if (!m_resolutionNote->text().trimmed().isEmpty())
            args[u"resolution_note"] = m_resolutionNote->text().trimmed();
        if (!m_rootCause->text().trimmed().isEmpty())
            args[u"root_cause"] = m_rootCause->text().trimmed();
        if (run(Command::Kind::Transition, args))
            m_guardPanel->hide();
    });
    return header;
}

QWidget *IncidentWorkspace::buildFieldEditor(QWidget *parent)
{
    m_editor = new IncidentFieldsForm(m_engine, IncidentFieldsForm::Mode::Editor, parent);
    connect(m_editor, &IncidentFieldsForm::submitted, this, [this] { saveFields(); });
    connect(m_editor, &IncidentFieldsForm::cancelled, this, &IncidentWorkspace::cancelEdit);
    m_editor->hide();
    return m_editor;
}

QWidget *IncidentWorkspace::fieldEditor() const
{
    return m_editor;
}

void IncidentWorkspace::editFields(const QString &field)
{
    if (m_editor->isHidden())
        m_editor->setIncident(m_details.incident);
    m_editor->show();
    static const QStringList fields{QStringLiteral("title"),
                                    QStringLiteral("description"),
                                    QStringLiteral("severity"),
                                    QStringLiteral("impact"),
                                    QStringLiteral("urgency"),
                                    QStringLiteral("assignee"),
                                    QStringLiteral("assignment_group"),
                                    QStringLiteral("services"),
                                    QStringLiteral("category")};
    QWidget *w = m_editor->field(fields.contains(field) ? field : QStringLiteral("title"));
    w->setFocus(Qt::ShortcutFocusReason);
    if (auto *e = qobject_cast<QLineEdit *>(w))
        e->selectAll();
}

void IncidentWorkspace::cancelEdit()
{
    m_editor->hide();
    setFocus();
}

bool IncidentWorkspace::saveFields()
{
    namespace rules = engine::rules;
    const auto &inc = m_details.incident;
    // Every rule first, with the engine's own functions: nothing is written unless all pass.
    const QString title = m_editor->value(QStringLiteral("title"));
    const QString description = m_editor->value(QStringLiteral("description"));
    const QStringList services = rules::splitServices(m_editor->value(QStringLiteral("services")));
    const auto fail = [this](const char *field, const QString &why) {
        showMessage(why, true);
        m_editor->field(QLatin1String(field))->setFocus();
        return false;
    };
    if (auto t = rules::checkTitle(title); !t)
        return fail("title", t.errorMessage());
    if (auto t = rules::checkText(QStringLiteral("description"), description); !t)
        return fail("description", t.errorMessage());
    if (auto c = rules::checkServices(services, inc.services); !c)
        return fail("services", c.errorMessage());
    const auto group = rules::checkAssignmentGroup(
        m_engine.oncall(), m_editor->lineEdit(QStringLiteral("assignment_group"))->text(),
        inc.assignmentGroup);
    if (!group)
        return fail("assignment_group", group.errorMessage());

    QList<Command> commands;
    const auto set = [&](const QString &field, const QJsonValue &value) {
        commands << Command::make(
            Command::Kind::SetField, m_uid,
            {{QStringLiteral("field"), field}, {QStringLiteral("value"), value}}, m_me);
    };
    if (title != inc.title)
        set(QStringLiteral("title"), title);
    if (description != inc.description)
        set(QStringLiteral("description"), description);
    if (const QString sev = m_editor->value(QStringLiteral("severity"));
        domain::parseSeverity(sev) != inc.severity)
        set(QStringLiteral("severity"), sev);
    if (const QString v = m_editor->value(QStringLiteral("impact"));
        !v.isEmpty() && v != inc.impact)
        set(QStringLiteral("impact"), v);
    if (const QString v = m_editor->value(QStringLiteral("urgency"));
        !v.isEmpty() && v != inc.urgency)
        set(QStringLiteral("urgency"), v);
    if (const QString v = m_editor->value(QStringLiteral("category")); v != inc.category)
        set(QStringLiteral("category"), v);
    if (services != inc.services)
        set(QStringLiteral("services"), QJsonArray::fromStringList(services));
    const QString assignee = m_editor->value(QStringLiteral("assignee"));
    if (assignee != inc.assignee || *group != inc.assignmentGroup) {
        if (assignee.isEmpty() && group->isEmpty()) {
            set(QStringLiteral("assignee"), QString());
            set(QStringLiteral("assignment_group"), QString());
        } else {
            // A new group with the same (or no) person goes to whoever is on call there.
            QJsonObject a{{QStringLiteral("assignee"), assignee}};
            if (!group->isEmpty())
                a[u"group"] = *group;
            if (*group != inc.assignmentGroup && assignee == inc.assignee)
                a[u"assignee"] = QString();
            commands << Command::make(Command::Kind::Assign, m_uid, a, m_me);
        }
    }
    if (commands.isEmpty()) {
        m_editor->hide();
        showMessage(tr("Nothing changed."), false);
        return true;
    }
    const auto r = m_engine.executeBatch(commands);
    if (!r) {
        showMessage(r.errorMessage(), true);
        return false;
    }
    QStringList errors;
    for (const auto &one : *r)
        if (!one)
            errors << one.errorMessage();
    reload();
    if (!errors.isEmpty()) {
        m_editor->setIncident(m_details.incident);
        showMessage(errors.join(u'\n'), true);
        return false;
    }
    m_editor->hide();
    showMessage(tr("Saved."), false);
    return true;
}

QWidget *IncidentWorkspace::buildTimeline()
{
    auto *w = new QWidget(this);
    auto *v = new QVBoxLayout(w);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), w));
    m_kindFilter = namedComboBox(QStringLiteral("kindFilter"), tr("Filter timeline by kind"), w);
    bar->addWidget(m_kindFilter);
    bar->addStretch(1);
    v->addLayout(bar);
    m_timeline = new TimelineModel(this);
    m_timelineView = new QTableView(w);
    m_timelineView->setObjectName(QStringLiteral("timelineView"));
    m_timelineView->setAccessibleName(tr("Timeline"));
    m_timelineView->setModel(m_timeline);
    m_timelineView->verticalHeader()->hide();
    m_timelineView->horizontalHeader()->setStretchLastSection(true);
    m_timelineView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_timelineView->setWordWrap(false);
    m_timelineView->setAlternatingRowColors(true);
    const QFontMetrics fm = fontMetrics();
    m_timelineView->setColumnWidth(
        TimelineModel::Time, fm.horizontalAdvance(QStringLiteral("2026-11-23 12:00:00")) + 24);
    m_timelineView->setColumnWidth(TimelineModel::Actor,
                                   fm.horizontalAdvance(QStringLiteral("alertmanager")) + 24);
    m_timelineView->setColumnWidth(
        TimelineModel::Kind,
        fm.horizontalAdvance(timelineKindLabel(QStringLiteral("notification.requested"))) + 24);
    m_timelineView->verticalHeader()->setDefaultSectionSize(fm.height() + 8);
    v->addWidget(m_timelineView, 1);
    m_noteEdit = namedLineEdit(QStringLiteral("noteEdit"), tr("New note"),
                               tr("Add a note to the timeline and press Enter (Ctrl+Shift+N)"), w);
    auto *add = namedButton(tr("Add note"), QStringLiteral("addNote"), w);
    addRow(v, {{m_noteEdit, 1}, {add}});
    auto addNote = [this] {
        runAndClear(Command::Kind::Note, {{QStringLiteral("text"), m_noteEdit->text()}},
                    {m_noteEdit});
    };
    connect(m_noteEdit, &QLineEdit::returnPressed, this, addNote);
    connect(add, &QPushButton::clicked, this, addNote);
    connect(m_kindFilter, &QComboBox::activated, this, [this] {
        // One entry per name people read ("Alert" covers linked, updated, resolved).
        const QStringList k = m_kindFilter->currentData().toStringList();
        m_timeline->setKindFilter(QSet<QString>(k.cbegin(), k.cend()));
    });
    return w;
}

QWidget *IncidentWorkspace::buildEvidence()
{
    auto *w = new QWidget(this);
    auto *v = new QVBoxLayout(w);
    auto *split = new QSplitter(Qt::Horizontal, w);
    m_evidenceModel = new EvidenceModel(this);
    m_evidenceList = new QTreeView(split);
    m_evidenceList->setObjectName(QStringLiteral("evidenceList"));
    m_evidenceList->setModel(m_evidenceModel);
    m_evidenceList->setRootIsDecorated(false);
    m_evidenceList->setUniformRowHeights(true);
    for (int c : {EvidenceModel::Kind, EvidenceModel::Who, EvidenceModel::When})
        m_evidenceList->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_evidenceList->header()->setSectionResizeMode(EvidenceModel::Title, QHeaderView::Stretch);
    m_evidenceList->header()->setStretchLastSection(false);
    m_evidenceList->header()->setSectionResizeMode(EvidenceModel::Title, QHeaderView::Stretch);
    m_evidenceList->header()->setStretchLastSection(false);
    m_evidenceList->setAccessibleName(tr("Evidence"));
    m_evidencePreview = new QLabel(split);
    m_evidencePreview->setObjectName(QStringLiteral("evidencePreview"));
    m_evidencePreview->setAlignment(Qt::AlignCenter);
    m_evidencePreview->setMinimumWidth(200);
    m_evidencePreview->setText(tr("Select a screenshot to preview it"));
    m_evidencePreview->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_evidencePreview->setOpenExternalLinks(true);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    v->addWidget(split, 1);
    auto *evidenceKind = namedComboBox(QString(), tr("Evidence kind"), w);
    for (const char *k : {"metric", "log", "trace", "dashboard", "link"})
        evidenceKind->addItem(QString::fromLatin1(k), QString::fromLatin1(k));
    auto *evidenceTitle = namedLineEdit(QString(), tr("Evidence title"), tr("Title"), w);
    auto *evidenceUrl = namedLineEdit(QStringLiteral("evidenceUrl"), tr("Evidence link"),
                                      tr("https://grafana.example/d/..."), w);
    auto *addLink = new QPushButton(tr("Add link"), w);
    auto *attach = namedButton(tr("Attach file…"), QStringLiteral("attachFile"), w);
    addRow(v, {{evidenceKind}, {evidenceTitle, 1}, {evidenceUrl, 2}, {addLink}, {attach}});
    connect(addLink, &QPushButton::clicked, this, [this, evidenceKind, evidenceTitle, evidenceUrl] {
        runAndClear(Command::Kind::AttachEvidence,
                    {{QStringLiteral("kind"), evidenceKind->currentData().toString()},
                     {QStringLiteral("title"), evidenceTitle->text()},
                     {QStringLiteral("url"), evidenceUrl->text()}},
                    {evidenceTitle, evidenceUrl});
    });
    connect(attach, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Attach evidence"));
        if (path.isEmpty())
            return;
        const bool image = path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) ||
                           path.endsWith(QLatin1String(".jpg"), Qt::CaseInsensitive);
        run(Command::Kind::AttachEvidence,
            {{QStringLiteral("kind"),
              image ? QStringLiteral("screenshot") : QStringLiteral("file")},
             {QStringLiteral("path"), path}});
    });
    connect(m_evidenceList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &IncidentWorkspace::showEvidencePreview);
    return w;
}

void IncidentWorkspace::showEvidencePreview()
{
    const int row = m_evidenceList->currentIndex().row();
    if (row < 0 || row >= m_evidenceModel->items().size())
        return;
    const EvidenceItem &e = m_evidenceModel->items()[row];
    if (!e.sha256.isEmpty() && e.isImage()) {
        QPixmap pm;
        pm.loadFromData(attachmentData(m_engine.store(), e.sha256));
        if (!pm.isNull()) {
            // Scaled in device pixels, so the preview stays sharp at 200%.
            const qreal dpr = m_evidencePreview->devicePixelRatioF();
            QPixmap shown = pm.scaled(m_evidencePreview->size().boundedTo(QSize(800, 600)) * dpr,
                                      Qt::KeepAspectRatio, Qt::SmoothTransformation);
            shown.setDevicePixelRatio(dpr);
            m_evidencePreview->setPixmap(shown);
            return;
        }
    }
    // Only http(s) links are clickable (older events may hold other schemes).
    if (!e.url.isEmpty() && engine::rules::checkEvidenceUrl(e.url))
        m_evidencePreview->setText(QStringLiteral("<a href=\"%1\">%2</a>")
                                       .arg(e.url.toHtmlEscaped(), e.title.toHtmlEscaped()));
    else if (!e.url.isEmpty())
        m_evidencePreview->setText(e.url.toHtmlEscaped());
    else
        m_evidencePreview->setText(tr("%1 (%2, %3 bytes)").arg(e.name, e.mime).arg(e.size));
}

QWidget *IncidentWorkspace::buildServices()
{
    const auto [w, v] =
        listPage(m_services, QStringLiteral("servicesView"), tr("Affected services"),
                 {tr("Service"), tr("Health"), tr("Firing alerts"), tr("Set by")}, this);
    auto *caption = new QLabel(tr("Override health of the selected service:"), w);
    auto *healthOverride = namedComboBox(QString(), tr("Health override"), w);
    healthOverride->addItem(tr("Healthy"), 0);
    for (int s = 1; s <= 4; ++s)
        healthOverride->addItem(severityIcon(s), QStringLiteral("SEV%1").arg(s), s);
    auto *set = new QPushButton(tr("Set"), w);
    addRow(v, {{caption}, {healthOverride}, {set}}, true);
    connect(set, &QPushButton::clicked, this, [this, healthOverride] {
        auto *item = m_services->currentItem();
        if (!item) {
            showMessage(tr("Select a service first."), true);
            return;
        }
        run(Command::Kind::Record,
            {{QStringLiteral("kind"), QStringLiteral("service.health")},
             {QStringLiteral("payload"),
              QJsonObject{{QStringLiteral("service"), item->text(0)},
                          {QStringLiteral("severity"), healthOverride->currentData().toInt()}}}});
    });
    return w;
}

QWidget *IncidentWorkspace::buildCommunication()
{
    auto *w = new QWidget(this);
    auto *v = new QVBoxLayout(w);
    m_updatesModel = new StatusUpdateModel(this);
    m_updates = new QTreeView(w);
    m_updates->setObjectName(QStringLiteral("statusUpdates"));
    m_updates->setAccessibleName(tr("Status updates"));
    m_updates->setModel(m_updatesModel);
    m_updates->setRootIsDecorated(false);
    m_updates->setUniformRowHeights(true);
    // Time, audience, state and author show in full; the message takes the rest.
    for (int c : {StatusUpdateModel::Time, StatusUpdateModel::Audience, StatusUpdateModel::Status,
                  StatusUpdateModel::Who})
        m_updates->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_updates->header()->setStretchLastSection(true);
    v->addWidget(m_updates, 1);
    auto *updateVisibility = namedComboBox(QString(), tr("Audience"), w);
    updateVisibility->addItem(tr("Internal"), QStringLiteral("internal"));
    updateVisibility->addItem(tr("External"), QStringLiteral("external"));
    auto *updateText =
        namedLineEdit(QStringLiteral("statusUpdateEdit"), tr("Status update message"),
                      tr("What is happening, what we do next, when the next update comes"), w);
    auto *post = namedButton(tr("Post update"), QStringLiteral("postUpdate"), w);
    addRow(v, {{updateVisibility}, {updateText, 1}, {post}});
    auto doPost = [this, updateText, updateVisibility] {
        runAndClear(Command::Kind::StatusUpdate,
                    {{QStringLiteral("message"), updateText->text()},
                     {QStringLiteral("visibility"), updateVisibility->currentData().toString()}},
                    {updateText});
    };
    connect(post, &QPushButton::clicked, this, doPost);
    connect(updateText, &QLineEdit::returnPressed, this, doPost);
    return w;
}

QWidget *IncidentWorkspace::buildActionItems()
{
    const auto [w, v] = listPage(m_actions, QStringLiteral("actionItems"), tr("Action items"),
                                 {tr("Done"), tr("Title"), tr("Owner"), tr("Due")}, this);
    auto *actionTitle = namedLineEdit(QString(), tr("Action item title"), tr("Action item"), w);
    auto *actionOwner = namedLineEdit(QString(), tr("Action item owner"), tr("Owner"), w);
    auto *actionDue = namedLineEdit(QString(), tr("Action item due date"), tr("Due YYYY-MM-DD"), w);
    auto *add = new QPushButton(tr("Add"), w);
    addRow(v, {{actionTitle, 2}, {actionOwner, 1}, {actionDue}, {add}});
    connect(add, &QPushButton::clicked, this, [this, actionTitle, actionOwner, actionDue] {
        QJsonObject a{{QStringLiteral("op"), QStringLiteral("add")},
                      {QStringLiteral("title"), actionTitle->text()},
                      {QStringLiteral("owner"), actionOwner->text().trimmed()}};
        if (!actionDue->text().trimmed().isEmpty())
            a[u"due"] = actionDue->text().trimmed();
        runAndClear(Command::Kind::ActionItem, a, {actionTitle, actionOwner, actionDue});
    });
    connect(m_actions, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item, int column) {
        if (m_populating || column != 0)
            return;
        run(Command::Kind::ActionItem,
            {{QStringLiteral("op"), QStringLiteral("update")},
             {QStringLiteral("id"), item->data(0, Qt::UserRole).toString()},
             {QStringLiteral("done"), item->checkState(0) == Qt::Checked}});
    });
    return w;
}

QWidget *IncidentWorkspace::buildPeople()
{
    auto *w = new QWidget(this);
    auto *form = new QFormLayout(w);
    auto *cmdRow = new QHBoxLayout;
    m_commanderEdit =
        namedLineEdit(QStringLiteral("commanderEdit"), tr("Incident commander"), QString(), w);
    cmdRow->addWidget(m_commanderEdit, 1);
    auto *setCmd = namedButton(tr("Set commander"), QStringLiteral("setCommander"), w);
    cmdRow->addWidget(setCmd);
    auto *takeCmd = new QPushButton(tr("I take command"), w);
    cmdRow->addWidget(takeCmd);
    form->addRow(tr("Incident commander:"), cmdRow);
    m_responders = namedList(QString(), tr("Responders"), w);
    form->addRow(tr("Responders:"), m_responders);
    auto *respRow = new QHBoxLayout;
    auto *responderEdit = namedLineEdit(QString(), tr("New responder"), QString(), w);
    respRow->addWidget(responderEdit, 1);
    auto *addResp = new QPushButton(tr("Add responder"), w);
    respRow->addWidget(addResp);
    form->addRow(QString(), respRow);
    connect(setCmd, &QPushButton::clicked, this, [this] {
        run(Command::Kind::SetCommander, {{QStringLiteral("commander"), m_commanderEdit->text()}});
    });
    connect(takeCmd, &QPushButton::clicked, this, [this] {
        run(Command::Kind::SetCommander, {{QStringLiteral("commander"), m_me}});
    });
    connect(addResp, &QPushButton::clicked, this, [this, responderEdit] {
        runAndClear(Command::Kind::AddResponder,
                    {{QStringLiteral("responder"), responderEdit->text()}}, {responderEdit});
    });
    return w;
}

void IncidentWorkspace::reload()
{
    // The sections read the log themselves when they are built; later reloads (F5, a
    // change from another process, a command run here) take every tab along.
    const bool first = m_details.incident.uid.isEmpty();
    auto d = loadIncidentDetails(m_engine.store(), m_uid);
    m_valid = d.has_value();
    if (!d) {
        showMessage(tr("Incident %1 is not in this database.").arg(m_uid), true);
        return;
    }
    m_details = *d;
    m_uid = m_details.incident.uid;
    populate();
    if (first)
        return;
    for (auto *w : findChildren<RunbookChecklist *>())
        w->reload();
    for (auto *w : findChildren<PostmortemEditor *>())
        w->reload();
    for (auto *w : findChildren<ProblemSection *>())
        w->reload();
    for (auto *w : findChildren<TriagePanel *>())
        w->reload();
    for (auto *w : findChildren<ConflictPanel *>())
        w->reload();
}

void IncidentWorkspace::populate()
{
    const auto &inc = m_details.incident;
    const auto &wf = m_engine.workflow();
    m_populating = true;
    m_numberLabel->setText(inc.number);
    m_titleLabel->setText(inc.title);
    m_severityIcon->setPixmap(severityIcon(int(inc.severity)).pixmap(QSize(28, 28)));
    m_severityLabel->setText(severityText(int(inc.severity)));
    m_severityLabel->setAccessibleName(tr("Severity %1").arg(domain::severityLabel(inc.severity)));
    m_priorityLabel->setText(domain::priorityName(inc.priority).isEmpty()
                                 ? tr("no priority")
                                 : domain::priorityName(inc.priority));
    const auto *st = wf.state(inc.state);
    m_stateLabel->setText(workflowStateLabel(st && !st->label.isEmpty() ? st->label : inc.state));
    m_rolesLabel->setText(
        tr("Commander: %1   Assignee: %2%3   Responders: %4")
            .arg(inc.commander.isEmpty() ? tr("— none —") : inc.commander,
                 inc.assignee.isEmpty() ? tr("unassigned") : inc.assignee,
                 inc.assignmentGroup.isEmpty() ? QString()
                                               : QStringLiteral(" (%1)").arg(inc.assignmentGroup),
                 inc.responders.isEmpty() ? tr("none")
                                          : inc.responders.join(QStringLiteral(", "))));
    Q_EMIT titleChanged(QStringLiteral("%1 %2").arg(inc.number, inc.title.left(24)));

    // Timeline
    m_timeline->setEvents(m_details.timeline);
    const QString curKind = m_kindFilter->currentText();
    m_kindFilter->clear();
    m_kindFilter->addItem(tr("All events"), QStringList());
    QMap<QString, QStringList> byLabel;
    for (const QString &k : m_timeline->kinds())
        byLabel[timelineKindLabel(k)] << k;
    for (auto it = byLabel.cbegin(); it != byLabel.cend(); ++it)
        m_kindFilter->addItem(it.key(), it.value());
    m_kindFilter->setCurrentIndex(std::max(0, m_kindFilter->findText(curKind)));
    m_timelineView->scrollToBottom();

    // Evidence and communication: models updated row by row (selection and scroll stay).
    m_evidenceModel->setItems(m_details.evidence);

    // Services
    m_services->clear();
    for (const auto &s : m_details.services) {
        auto *item = new QTreeWidgetItem(m_services);
        item->setText(0, s.service);
        item->setIcon(1, s.severity > 0 ? severityIcon(s.severity) : QIcon());
        item->setText(1, s.severity > 0 ? severityText(s.severity) : tr("healthy"));
        item->setText(2, QString::number(s.firingAlerts));
        item->setText(3, s.overridden ? s.overriddenBy : tr("alerts"));
    }

    m_updatesModel->setItems(m_details.statusUpdates);

    // Action items
    m_actions->clear();
    for (const auto &a : m_details.actionItems) {
        auto *item = new QTreeWidgetItem(m_actions);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, a.done ? Qt::Checked : Qt::Unchecked);
        item->setData(0, Qt::UserRole, a.id);
        item->setText(1, a.title);
        item->setText(2, a.owner);
        item->setText(3, a.due);
    }

    // People
    if (!m_commanderEdit->hasFocus())
        m_commanderEdit->setText(inc.commander);
    m_responders->clear();
    m_responders->addItems(inc.responders);
    m_populating = false;

    rebuildTransitionButtons();
    updateTimers();
}

QStringList IncidentWorkspace::offeredTransitions() const
{
    return m_engine.allowedTransitions(m_details.incident);
}

void IncidentWorkspace::rebuildTransitionButtons()
{
    qDeleteAll(m_transitionButtons);
    m_transitionButtons.clear();
    const auto &wf = m_engine.workflow();
    int pos = 1;
    for (const QString &to : offeredTransitions()) {
        const auto *st = wf.state(to);
        auto *b =
            new QPushButton(workflowStateLabel(st && !st->label.isEmpty() ? st->label : to), this);
        b->setObjectName(QStringLiteral("transition_") + to);
        b->setAccessibleName(tr("Move to %1").arg(b->text()));
        const QString why = m_engine.whyNot(m_details.incident, to);
        // A failing guard does not hide the button: pressing it explains what is missing.
        b->setToolTip(why.isEmpty() ? tr("Move to %1").arg(b->text()) : why);
        if (!why.isEmpty())
            b->setText(b->text() + QStringLiteral(" …"));
        connect(b, &QPushButton::clicked, this, [this, to] { requestTransition(to); });
        m_buttonRow->insertWidget(pos++, b);
        m_transitionButtons << b;
    }
    if (m_transitionButtons.isEmpty()) {
        auto *none = new QPushButton(tr("No transitions from here"), this);
        none->setEnabled(false);
        m_buttonRow->insertWidget(pos, none);
        m_transitionButtons << none;
    }
}

void IncidentWorkspace::requestTransition(const QString &state)
{
    clearMessage();
    if (!offeredTransitions().contains(state)) {
        // Same wording as the engine, so the inline message matches the command line.
        run(Command::Kind::Transition, {{QStringLiteral("to"), state}});
        return;
    }
    const QString why = m_engine.whyNot(m_details.incident, state);
    if (why.isEmpty()) {
        if (run(Command::Kind::Transition, {{QStringLiteral("to"), state}}))
            m_guardPanel->hide();
        return;
    }
    showGuardPanel(state, why);
}

void IncidentWorkspace::showGuardPanel(const QString &state, const QString &why)
{
    m_guardState = state;
    m_guardText->setText(why);
    const bool approval = why.contains(QLatin1String("approval"));
    const bool resolution =
        why.contains(QLatin1String("resolution note")) || why.contains(QLatin1String("root-cause"));
    m_approver->setVisible(approval);
    m_approveButton->setVisible(approval);
    m_resolutionNote->setVisible(resolution);
    m_rootCause->setVisible(resolution);
    m_guardGo->setVisible(!approval);
    const auto *st = m_engine.workflow().state(state);
    m_guardGo->setText(
        tr("Move to %1").arg(workflowStateLabel(st && !st->label.isEmpty() ? st->label : state)));
    styleAsBanner(m_guardPanel, BannerKind::Warning);
    m_guardPanel->show();
    if (approval)
        m_approver->setFocus();
    else if (resolution)
        m_resolutionNote->setFocus();
}

void IncidentWorkspace::acknowledge()
{
    run(Command::Kind::Acknowledge, {});
}

void IncidentWorkspace::focusNote()
{
    m_tabs->setCurrentIndex(0);
    m_noteEdit->setFocus(Qt::ShortcutFocusReason);
}

bool IncidentWorkspace::run(Command::Kind kind, const QJsonObject &args, const QString &actor)
{
    const auto r =
        m_engine.execute(Command::make(kind, m_uid, args, actor.isEmpty() ? m_me : actor));
    if (!r) {
        showMessage(r.errorMessage(), true);
        return false;
    }
    clearMessage();
    reload();
    return true;
}

bool IncidentWorkspace::runAndClear(Command::Kind kind, const QJsonObject &args,
                                    std::initializer_list<QLineEdit *> fields)
{
    if (!run(kind, args))
        return false;
    for (QLineEdit *field : fields)
        field->clear();
    return true;
}

void IncidentWorkspace::showMessage(const QString &text, bool error)
{
    m_message->say(text, error);
}

void IncidentWorkspace::clearMessage()
{
    m_message->dismiss();
}

QString IncidentWorkspace::messageText() const
{
    if (m_message->isHidden() && m_guardPanel->isHidden())
        return {};
    return m_message->isHidden() ? m_guardText->text() : m_message->text();
}

QStringList IncidentWorkspace::reminderTexts() const
{
    QStringList out;
    for (const auto &r : m_reminders)
        out << r.text;
    return out;
}

void IncidentWorkspace::updateTimers()
{
    const auto &inc = m_details.incident;
    const qint64 end = inc.resolvedAt > 0 ? inc.resolvedAt : m_now;
    m_elapsed->setText(formatDuration(end - inc.createdAt));
    const query::SlaStatus sla = query::slaStatus(inc, m_now);
    QPalette pal = m_sla->palette();
    pal.setColor(QPalette::Window, Qt::transparent);
    pal.setColor(QPalette::WindowText, palette().color(QPalette::WindowText));
    if (!sla.active) {
        m_slaCaption->setText(tr("SLA"));
        m_sla->setText(inc.slaBreached ? tr("missed") : tr("met"));
        if (!inc.open && !inc.slaBreached)
            m_sla->setText(tr("stopped"));
    } else {
        const qint64 left = sla.remainingMs;
        const bool response = inc.acknowledgedAt == 0 && inc.responseDue > 0;
        m_slaCaption->setText(response ? tr("Response SLA") : tr("Resolution SLA"));
        QString text = left < 0 ? u'-' + formatDuration(-left) : formatDuration(left);
        if (sla.paused)
            text = tr("⏸ %1").arg(text);
        m_sla->setText(text);
        if (sla.breached()) { // red
            pal.setColor(QPalette::Window, slaColor(2));
            pal.setColor(QPalette::WindowText, Qt::white);
            m_sla->setAccessibleDescription(tr("SLA breached"));
        } else if (sla.atRisk()) { // amber: closing in
            pal.setColor(QPalette::Window, QColor(0xE6, 0x9F, 0x00));
            pal.setColor(QPalette::WindowText, Qt::black);
            m_sla->setAccessibleDescription(tr("SLA at risk"));
        } else {
            m_sla->setAccessibleDescription(tr("SLA on track"));
        }
    }
    m_sla->setPalette(pal);
}

void IncidentWorkspace::tick(qint64 now)
{
    m_now = now;
    if (!m_valid)
        return;
    updateTimers();
    m_reminders = query::warRoomReminders(
        m_details.incident, m_details.timeline, now,
        qint64(m_engine.workflow().policy(m_details.incident.priority).statusUpdateMinutes) *
            60000);
    QStringList lines;
    bool recordedAny = false;
    for (const auto &r : std::as_const(m_reminders)) {
        lines << QStringLiteral("⚠ ") + r.text;
        const QString key = r.id + u'@' + QString::number(r.since);
        if (m_recordReminders && !r.recorded && !m_recordedReminders.contains(key)) {
            m_recordedReminders.insert(key);
            // The reminder service may have recorded it already (it scans every open incident).
            const auto res = reminders::recordOnce(m_engine, m_uid, r.id, r.since, r.text);
            recordedAny = recordedAny || (res.ok() && *res);
        }
    }
    m_reminderBanner->setText(lines.join(u'\n'));
    m_reminderBanner->setVisible(!lines.isEmpty());
    if (recordedAny)
        reload();
}

} // namespace sitrep::ui
