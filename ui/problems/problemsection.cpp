// SPDX-License-Identifier: MIT
#include "ui/problems/problemsection.h"

#include "engine/lifecycleengine.h"
#include "problems/problemlistmodel.h"
#include "problems/problemstore.h"
#include "ui/problems/problemmessage.h"
#include "ui/style/formrows.h"

#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sitrep::ui {

ProblemSection::ProblemSection(engine::LifecycleEngine &engine, const QString &incidentUid,
                               const QString &me, QWidget *parent)
    : EnginePanel(engine, incidentUid, me, parent),
      m_store(std::make_unique<problems::ProblemStore>(engine))
{
    setObjectName(QStringLiteral("problemSection"));
    auto *v = new QVBoxLayout(this);
    addMessage(v, QStringLiteral("problemSectionMessage"), styleProblemsMessage);

    const auto [pg, pv] = addGroup(v, tr("Problems"));
    m_problems = namedList(QStringLiteral("incidentProblems"),
                           tr("Problems this incident is linked to"), pg);
    m_problems->setMaximumHeight(110);
    pv->addWidget(m_problems);
    m_linkCombo = namedComboBox(QStringLiteral("problemLinkCombo"), tr("Problem to link"), pg);
    auto *link = namedButton(tr("&Link to problem"), QStringLiteral("linkToProblem"), pg);
    auto *unlink = namedButton(tr("U&nlink"), QStringLiteral("unlinkFromProblem"), pg);
    auto *create = namedButton(tr("New problem from this incident"),
                               QStringLiteral("newProblemFromIncident"), pg);
    addRow(pv, {{m_linkCombo, 1}, {link}, {unlink}, {create}});
    connect(link, &QPushButton::clicked, this, &ProblemSection::link);
    connect(unlink, &QPushButton::clicked, this, &ProblemSection::unlink);
    connect(create, &QPushButton::clicked, this, &ProblemSection::newProblem);
    connect(m_problems, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *it) { Q_EMIT openProblem(it->data(Qt::UserRole).toString()); });

    const auto [kg, kv] = addGroup(v, tr("Known errors"), 1);
    m_knownErrors = namedList(QStringLiteral("incidentKnownErrors"),
                              tr("Known errors this incident is linked to"), kg);
    m_knownErrors->setMaximumHeight(80);
    kv->addWidget(m_knownErrors);
    kv->addWidget(new QLabel(tr("Known errors with matching symptoms:"), kg));
    m_suggestions =
        namedList(QStringLiteral("knownErrorSuggestions"), tr("Suggested known errors"), kg);
    kv->addWidget(m_suggestions, 1);
    auto *linkKe = namedButton(tr("Link &known error"), QStringLiteral("linkKnownError"), kg);
    m_resolve = namedButton(tr("&Resolve with its workaround"),
                            QStringLiteral("resolveWithKnownError"), kg);
    addRow(kv, {{linkKe}, {m_resolve}}, true);
    connect(linkKe, &QPushButton::clicked, this, &ProblemSection::linkKnownError);
    connect(m_resolve, &QPushButton::clicked, this, &ProblemSection::resolveWithKnownError);

    // Links made here or anywhere else in this process show at once.
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this,
            [this](const QStringList &, const QStringList &uids) {
                if (uids.contains(m_uid) && isVisible())
                    reload();
            });
    reload();
}

ProblemSection::~ProblemSection() = default;

void ProblemSection::showEvent(QShowEvent *event)
{
    reload();
    QWidget::showEvent(event);
}

void ProblemSection::reload()
{
    const auto inc = m_engine.store().incidentByUid(m_uid);
    if (!inc)
        return;
    m_problems->clear();
    QStringList linked;
    for (const auto &p : m_store->problemsOf(m_uid)) {
        auto *it = new QListWidgetItem(
            QStringLiteral("%1  %2  (%3)")
                .arg(p.number, p.title, problems::ProblemListModel::statusLabel(p.status)),
            m_problems);
        it->setData(Qt::UserRole, p.number);
        linked << p.number;
    }
    if (m_problems->count() == 0)
        new QListWidgetItem(tr("Not linked to a problem"), m_problems);
    const QString keep = m_linkCombo->currentData().toString();
    m_linkCombo->clear();
    for (const auto &p : m_store->problems(true))
        if (!linked.contains(p.number))
            m_linkCombo->addItem(QStringLiteral("%1 %2").arg(p.number, p.title), p.number);
    m_linkCombo->setCurrentIndex(std::max(0, m_linkCombo->findData(keep)));

    m_knownErrors->clear();
    QStringList keLinked;
    for (const auto &k : m_store->knownErrorsOfIncident(m_uid)) {
        auto *it = new QListWidgetItem(
            tr("%1  %2 — workaround: %3")
                .arg(k.number, k.title, k.workaround.isEmpty() ? tr("none known") : k.workaround),
            m_knownErrors);
        it->setData(Qt::UserRole, k.number);
        keLinked << k.number;
    }
    if (m_knownErrors->count() == 0)
        new QListWidgetItem(tr("No known error linked"), m_knownErrors);
    const QString keepKe = selectedSuggestion();
    m_suggestions->clear();
    for (const auto &k : m_store->suggest(
             inc->title + u' ' + inc->description + u' ' + inc->services.join(u' '), 8)) {
        auto *it = new QListWidgetItem(
            QStringLiteral("%1  %2\n    %3").arg(k.number, k.title, k.symptom), m_suggestions);
        it->setData(Qt::UserRole, k.number);
        it->setToolTip(
            tr("Workaround: %1").arg(k.workaround.isEmpty() ? tr("none known") : k.workaround));
        if (keLinked.contains(k.number))
            it->setText(it->text() + tr("  ✔ linked"));
        if (k.number == keepKe)
            m_suggestions->setCurrentItem(it);
    }
    if (!m_suggestions->currentItem() && m_suggestions->count() > 0)
        m_suggestions->setCurrentRow(0);
    m_resolve->setEnabled(inc->open && inc->resolvedAt == 0 && m_suggestions->count() > 0);
}

QString ProblemSection::selectedSuggestion() const
{
    auto *it = m_suggestions->currentItem();
    return it ? it->data(Qt::UserRole).toString() : QString();
}

void ProblemSection::link()
{
    const QString number = m_linkCombo->currentData().toString();
    if (number.isEmpty())
        showMessage(
            tr("No open problem to link to: start one with \"New problem from this incident\"."),
            true);
    else
        conclude(m_store->linkIncident(number, m_uid, m_me), tr("Linked to %1.").arg(number));
}

void ProblemSection::unlink()
{
    auto *it = m_problems->currentItem();
    const QString number = it ? it->data(Qt::UserRole).toString() : QString();
    if (number.isEmpty())
        showMessage(tr("Select the problem to unlink."), true);
    else
        conclude(m_store->unlinkIncident(number, m_uid, m_me), tr("Unlinked from %1.").arg(number));
}

void ProblemSection::newProblem()
{
    const auto inc = m_engine.store().incidentByUid(m_uid);
    if (!inc)
        return;
    auto p = m_store->createProblem(inc->title, inc->description, m_me, m_me);
    if (!p)
        showMessage(p.errorMessage(), true);
    else
        conclude(m_store->linkIncident(p->number, m_uid, m_me),
                 tr("Created %1 and linked this incident.").arg(p->number));
}

void ProblemSection::linkKnownError()
{
    const QString number = selectedSuggestion();
    if (number.isEmpty())
        showMessage(tr("Select a known error first."), true);
    else
        conclude(m_store->linkKnownError(m_uid, number, m_me),
                 tr("Linked to known error %1.").arg(number));
}

void ProblemSection::resolveWithKnownError()
{
    const QString number = selectedSuggestion();
    if (number.isEmpty())
        showMessage(tr("Select a known error first."), true);
    else
        conclude(m_store->resolveWithKnownError(m_uid, number, {}, {}, m_me),
                 tr("Resolved with known error %1.").arg(number));
}

} // namespace sitrep::ui
