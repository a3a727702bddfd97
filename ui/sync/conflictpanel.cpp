// SPDX-License-Identifier: MIT
#include "ui/sync/conflictpanel.h"

#include "engine/lifecycleengine.h"
#include "ui/style/formrows.h"

#include <QDateTime>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace sitrep::ui {

using sync::ConflictChoice;

ConflictPanel::ConflictPanel(engine::LifecycleEngine &engine, const QString &incidentUid,
                             const QString &me, QWidget *parent)
    : QFrame(parent), m_engine(engine), m_uid(incidentUid), m_me(me)
{
    setObjectName(QStringLiteral("conflictPanel"));
    setAccessibleName(tr("Sync conflict"));
    setFrameShape(QFrame::StyledPanel);
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(10, 6, 10, 6);
    v->setSpacing(3);
    m_title = wrappingLabel(QStringLiteral("conflictTitle"), this);
    v->addWidget(m_title);
    m_applied.description = wrappingLabel(QStringLiteral("conflictApplied"), this);
    v->addWidget(m_applied.description);
    m_rejected.description = wrappingLabel(QStringLiteral("conflictRejected"), this);
    v->addWidget(m_rejected.description);
    m_error = messageLabel(QStringLiteral("conflictError"), this, true);
    v->addWidget(m_error);
    m_applied.choose = namedButton(QString(), QStringLiteral("conflictKeep"), this);
    m_rejected.choose = namedButton(QString(), QStringLiteral("conflictTake"), this);
    m_dismiss = namedButton(tr("Dismiss"), QStringLiteral("conflictDismiss"), this);
    m_dismiss->setAccessibleName(tr("Dismiss the conflict without changing the state"));
    m_dismiss->setToolTip(m_dismiss->accessibleName());
    addRow(v, {{m_applied.choose}, {m_rejected.choose}, {m_dismiss}}, true);
    connect(m_applied.choose, &QPushButton::clicked, this,
            [this] { resolve(ConflictChoice::KeepApplied); });
    connect(m_rejected.choose, &QPushButton::clicked, this,
            [this] { resolve(ConflictChoice::TakeRejected); });
    connect(m_dismiss, &QPushButton::clicked, this, [this] { resolve(ConflictChoice::Dismiss); });
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this,
            [this](const QStringList &, const QStringList &uids) {
                if (uids.contains(m_uid))
                    reload();
            });
    reload();
}

int ConflictPanel::unresolvedCount() const
{
    return int(std::count_if(m_conflicts.cbegin(), m_conflicts.cend(),
                             [](const sync::Conflict &c) { return !c.resolved; }));
}

QString ConflictPanel::errorText() const
{
    return shownText(m_error);
}

QString ConflictPanel::stateLabel(const QString &state) const
{
    const auto *st = m_engine.workflow().state(state);
    return st && !st->label.isEmpty() ? st->label : state;
}

QString ConflictPanel::describe(const sync::ConflictTransition &t) const
{
    if (t.eventId.isEmpty())
        return tr("still '%1', as it was opened").arg(stateLabel(t.to));
    return tr("%1 moved it from '%2' to '%3' at %4")
        .arg(t.actor, stateLabel(t.from), stateLabel(t.to),
             QDateTime::fromMSecsSinceEpoch(t.ts).toString(QStringLiteral("HH:mm:ss")));
}

void ConflictPanel::reload()
{
    m_conflicts = sync::conflictsOf(m_engine.store().timeline(m_uid));
    const int open = unresolvedCount();
    m_current = {};
    for (const auto &c : std::as_const(m_conflicts))
        if (!c.resolved) {
            m_current = c;
            break;
        }
    if (m_conflicts.isEmpty()) {
        hide();
        return;
    }
    const bool unresolved = !m_current.id.isEmpty();
    if (unresolved) {
        // Vermillion/orange: readable with the common colour-vision deficiencies.
        setStyleSheet(QStringLiteral(
            "#conflictPanel { background: #FBE3D6; border: 2px solid #D55E00; border-radius: 4px; }"
            "#conflictPanel QLabel { color: #4A1A00; }"
            "#conflictError { color: #8B0000; font-weight: bold; }"));
        m_title->setText(
            open > 1 ? tr("<b>Sync conflict (1 of %1):</b> two people moved this incident at the "
                          "same time. "
                          "Pick the state it should be in.")
                           .arg(open)
                     : tr("<b>Sync conflict:</b> two people moved this incident at the same time. "
                          "Pick the state it should be in."));
        m_applied.description->setText(tr("Applied: %1").arg(describe(m_current.applied)));
        m_rejected.description->setText(tr("Not applied: %1").arg(describe(m_current.rejected)));
        if (!m_current.reason.isEmpty()) {
            // A remote event the merge refused: what it was and why, and the state it met.
            m_title->setText(
                open > 1 ? tr("<b>Sync conflict (1 of %1):</b> a change from the back end was "
                              "refused.")
                               .arg(open)
                         : tr("<b>Sync conflict:</b> a change from the back end was refused."));
            m_applied.description->setText(tr("Now: '%1'").arg(stateLabel(m_current.applied.to)));
            m_rejected.description->setText(
                tr("Not applied: %1 by %2: %3")
                    .arg(m_current.refusedKind, m_current.rejected.actor, m_current.reason));
        }
        m_applied.choose->setText(tr("Keep '%1'").arg(stateLabel(m_current.applied.to)));
        m_applied.choose->setAccessibleName(
            tr("Keep the applied transition: '%1'").arg(stateLabel(m_current.applied.to)));
        m_rejected.choose->setText(tr("Use '%1'").arg(stateLabel(m_current.rejected.to)));
        m_rejected.choose->setAccessibleName(tr("Use the transition that was not applied: '%1'")
                                                 .arg(stateLabel(m_current.rejected.to)));
        // A side the workflow cannot reach from where the incident is now is shown, not offered.
        const auto inc = m_engine.store().incidentByUid(m_uid);
        const QString now = inc ? inc->state : QString();
        const QStringList allowed = inc ? m_engine.allowedTransitions(*inc) : QStringList();
        for (auto [button, target] : {std::pair{m_applied.choose, m_current.applied.to},
                                      std::pair{m_rejected.choose, m_current.rejected.to}}) {
            const bool reachable = target == now || allowed.contains(target);
            button->setEnabled(reachable);
            button->setToolTip(reachable ? QString()
                                         : tr("The workflow has no transition from '%1' to '%2'")
                                               .arg(stateLabel(now), stateLabel(target)));
        }
        m_applied.description->show();
        m_rejected.description->show();
    } else {
        const auto &c = m_conflicts.last();
        setStyleSheet(QStringLiteral(
            "#conflictPanel { background: #DCEFF8; border: 1px solid #0072B2; border-radius: 4px; }"
            "#conflictPanel QLabel { color: #0B2F45; }"));
        const QString when = QDateTime::fromMSecsSinceEpoch(c.resolvedAt)
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        QString how;
        if (c.choice == u"dismissed")
            how = tr("%1 dismissed it at %2").arg(c.resolvedBy, when);
        else
            how = tr("%1 chose '%2' at %3").arg(c.resolvedBy, stateLabel(c.resolvedState), when);
        m_title->setText(m_conflicts.size() > 1
                             ? tr("<b>All %1 sync conflicts resolved.</b> Last: %2")
                                   .arg(m_conflicts.size())
                                   .arg(how)
                             : tr("<b>Sync conflict resolved:</b> %1").arg(how));
        m_applied.description->hide();
        m_rejected.description->hide();
        m_error->hide();
    }
    m_applied.choose->setVisible(unresolved);
    m_rejected.choose->setVisible(unresolved && !m_current.rejected.to.isEmpty());
    m_dismiss->setVisible(unresolved);
    setAccessibleDescription(m_title->text());
    show();
}

bool ConflictPanel::resolve(ConflictChoice choice)
{
    if (m_current.id.isEmpty())
        return false;
    const auto r = sync::resolveConflict(m_engine, m_uid, m_current.id, choice, m_me);
    if (!r) {
        m_error->setText(r.errorMessage());
        m_error->show();
        reload();
        return false;
    }
    m_error->hide();
    reload();
    Q_EMIT resolved();
    return true;
}

} // namespace sitrep::ui
