// SPDX-License-Identifier: MIT
#include "ui/postmortem/runbookchecklist.h"

#include "engine/lifecycleengine.h"
#include "runbooks/escalationscheduler.h"
#include "ui/style/formrows.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sitrep::ui {

using engine::Command;

static void styleChecklistMessage(QLabel *label, bool error)
{
    label->setStyleSheet(error ? QStringLiteral("background:#fdecea; color:#8a1c1c; padding:3px;")
                               : QStringLiteral("background:#e8f4ea; color:#1d5b2a; padding:3px;"));
}

RunbookChecklist::RunbookChecklist(engine::LifecycleEngine &engine,
                                   const runbooks::RunbookLibrary &library,
                                   const QString &incidentUid, const QString &me, QWidget *parent)
    : EnginePanel(engine, incidentUid, me, parent), m_library(library)
{
    build();
}

static std::unique_ptr<runbooks::RunbookLibrary> loadLibrary(engine::LifecycleEngine &engine)
{
    auto lib = std::make_unique<runbooks::RunbookLibrary>();
    lib->load(runbooks::RunbookLibrary::defaultFolders(runbooks::RunbookLibrary::userFolder(
        engine.store().meta(QStringLiteral("runbooks.folder")))));
    return lib;
}

RunbookChecklist::RunbookChecklist(engine::LifecycleEngine &engine, const QString &incidentUid,
                                   const QString &me, QWidget *parent)
    : EnginePanel(engine, incidentUid, me, parent), m_ownLibrary(loadLibrary(engine)),
      m_library(*m_ownLibrary)
{
    build();
}

RunbookChecklist::~RunbookChecklist() = default;

void RunbookChecklist::build()
{
    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(6, 6, 6, 6);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Runbook:"), this));
    m_picker = new QComboBox(this);
    m_picker->setAccessibleName(tr("Runbook"));
    bar->addWidget(m_picker, 1);
    root->addLayout(bar);
    m_summary = wrappingLabel(QString(), this);
    root->addWidget(m_summary);
    m_escalation = wrappingLabel(QString(), this);
    root->addWidget(m_escalation);
    addMessage(root, QString(), styleChecklistMessage);
    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(2);
    m_tree->setHeaderHidden(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setWordWrap(true);
    m_tree->setAlternatingRowColors(true);
    root->addWidget(m_tree, 1);

    connect(m_picker, &QComboBox::currentIndexChanged, this, [this] { populate(); });
    connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *it, int column) {
        if (m_populating || column != 0 || it->parent())
            return;
        const int step = m_tree->indexOfTopLevelItem(it);
        const bool on = it->checkState(0) == Qt::Checked;
        if (on == m_checked.contains(step))
            return;
        if (!setStepChecked(step, on)) {
            m_populating = true;
            it->setCheckState(0, on ? Qt::Unchecked : Qt::Checked);
            m_populating = false;
        }
    });
    connect(
        &m_engine, &engine::LifecycleEngine::eventsAppended, this,
        [this](const QStringList &, const QStringList &uids) {
            if (uids.contains(m_uid))
                reload();
        },
        Qt::QueuedConnection); // queued: a check comes from inside the tree's own signal

    auto inc = m_engine.store().incidentByUid(m_uid);
    QList<const runbooks::Runbook *> matched;
    if (inc) {
        m_engine.store().loadAlerts(*inc);
        matched = m_library.match(*inc);
    }
    for (const auto *r : matched)
        m_picker->addItem(tr("%1 (suggested)").arg(r->name), r->id);
    // Nothing matches: show nothing rather than the first runbook of the library (an
    // unrelated runbook and its escalation contacts mislead in the middle of an outage).
    if (matched.isEmpty() && !m_library.runbooks().isEmpty())
        m_picker->addItem(tr("No runbook matches this incident: choose one"), QString());
    for (const auto &r : m_library.runbooks())
        if (!matched.contains(&r))
            m_picker->addItem(r.name, r.id);
    if (m_picker->count() == 0)
        showMessage(tr("No runbooks loaded"), true);
    reload();
}

QString RunbookChecklist::currentRunbook() const
{
    return m_picker->currentData().toString();
}

bool RunbookChecklist::selectRunbook(const QString &id)
{
    const int i = m_picker->findData(id);
    if (i < 0)
        return false;
    m_picker->setCurrentIndex(i);
    return true;
}

void RunbookChecklist::reload()
{
    populate();
}

static QTreeWidgetItem *child(QTreeWidgetItem *parent, const QString &text, const QString &tip = {})
{
    auto *c = new QTreeWidgetItem(parent, {text});
    c->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (!tip.isEmpty())
        c->setToolTip(0, tip);
    return c;
}

void RunbookChecklist::populate()
{
    const runbooks::Runbook *rb = m_library.find(currentRunbook());
    m_populating = true;
    m_tree->clear();
    m_checked.clear();
    if (!rb) {
        m_summary->clear();
        m_escalation->clear();
        m_populating = false;
        return;
    }
    const QList<domain::Event> tl = m_engine.store().timeline(m_uid);
    m_checked = runbooks::checkedSteps(tl, rb->id);
    QStringList alerts;
    for (const auto &t : rb->triggers)
        alerts << QStringLiteral("%1 (%2 for %3)")
                      .arg(t.alert, t.expr, t.forText.isEmpty() ? QStringLiteral("-") : t.forText);
    m_summary->setText(tr("<b>%1</b> · %2 · %3 of %4 steps done<br><small>Triggers: %5</small>")
                           .arg(rb->name.toHtmlEscaped(), rb->severity.toHtmlEscaped())
                           .arg(m_checked.size())
                           .arg(rb->steps.size())
                           .arg(alerts.join(QStringLiteral("; ")).toHtmlEscaped()));

    // Escalation: what has fired, what is next.
    auto inc = m_engine.store().incidentByUid(m_uid);
    QStringList esc;
    if (inc) {
        const qint64 now = m_engine.clock().nowMs();
        for (const auto &e : tl)
            if (e.kind == domain::kinds::Escalation && e.payload[u"runbook"].toString() == rb->id)
                esc << tr("escalated to %1 at %2")
                           .arg(e.payload[u"contact"].toString(),
                                QDateTime::fromMSecsSinceEpoch(e.ts).toString(
                                    QStringLiteral("HH:mm")));
        const auto plan = runbooks::planEscalations(*inc, tl, *rb, now);
        for (const auto &d : plan.due)
            esc << tr("%1 due now").arg(d.contact);
        for (int i = 0; i < rb->escalation.size(); ++i) {
            const auto &r = rb->escalation[i];
            const qint64 due = inc->createdAt + r.afterMs;
            if (due > now && !runbooks::escalationStopped(*inc, r.until))
                esc << tr("%1 in %2 min (until %3)")
                           .arg(r.contact)
                           .arg((due - now + 59999) / 60000)
                           .arg(r.until);
        }
    }
    m_escalation->setText(
        esc.isEmpty() ? QString() : tr("Escalation: %1").arg(esc.join(QStringLiteral(" · "))));

    QFont bold = m_tree->font();
    bold.setBold(true);
    for (int i = 0; i < rb->steps.size(); ++i) {
        const auto &s = rb->steps[i];
        auto *top = new QTreeWidgetItem(m_tree, {QStringLiteral("%1. %2").arg(i + 1).arg(s.name)});
        top->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        top->setCheckState(0, m_checked.contains(i) ? Qt::Checked : Qt::Unchecked);
        top->setFont(0, bold);
        if (!s.description.isEmpty())
            child(top, s.description);
        auto addCommand = [&](const QString &label, const QString &cmd) {
            auto *c = child(top,
                            label.isEmpty() ? QStringLiteral("$ ") + cmd
                                            : QStringLiteral("%1: $ %2").arg(label, cmd),
                            cmd);
            c->setFont(0, QFont(QStringLiteral("monospace")));
            auto *copy = new QToolButton(m_tree);
            copy->setText(tr("Copy"));
            copy->setToolTip(tr("Copy the command to the clipboard"));
            copy->setAutoRaise(true);
            connect(copy, &QToolButton::clicked, this, [this, cmd] { copyCommand(cmd); });
            m_tree->setItemWidget(c, 1, copy);
        };
        for (const QString &c : s.commands)
            addCommand({}, c);
        for (const auto &o : s.options) {
            if (o.command.isEmpty())
                child(top, tr("Option: %1").arg(o.action));
            else
                addCommand(tr("Option: %1").arg(o.action), o.command);
        }
        for (const QString &c : s.checks)
            child(top, QStringLiteral("☐ ") + c);
        for (const QString &l : s.links)
            child(top, tr("Link: %1").arg(l), l);
        for (const QString &a : s.actions)
            child(top, QStringLiteral("→ ") + a);
        top->setExpanded(!m_checked.contains(i));
    }
    m_populating = false;
}

bool RunbookChecklist::setStepChecked(int index, bool checked)
{
    const runbooks::Runbook *rb = m_library.find(currentRunbook());
    if (!rb || index < 0 || index >= rb->steps.size())
        return false;
    auto r = m_engine.execute(Command::make(
        Command::Kind::Record, m_uid,
        {{QStringLiteral("kind"), runbooks::StepCheckedKind},
         {QStringLiteral("payload"), runbooks::stepCheckedPayload(*rb, index, checked)}},
        m_me));
    if (!r) {
        showMessage(r.errorMessage(), true);
        return false;
    }
    showMessage({}, false);
    // eventsAppended reloads the tree; make the state right even without it.
    if (checked)
        m_checked.insert(index);
    else
        m_checked.remove(index);
    return true;
}

void RunbookChecklist::copyCommand(const QString &command)
{
    QApplication::clipboard()->setText(command);
    showMessage(tr("Copied: %1").arg(command), false);
}

} // namespace sitrep::ui
