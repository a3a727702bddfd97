// SPDX-License-Identifier: MIT
#include "runbooks/escalationscheduler.h"

#include "engine/lifecycleengine.h"
#include "runbooks/logging.h"

#include <QJsonObject>
#include <QSet>

namespace sitrep::runbooks {

using namespace sitrep::domain;

/// Record kind naming the runbook a responder attached to an incident by hand.
static const QString AttachedKind = QStringLiteral("runbook.attached");

bool escalationStopped(const Incident &inc, const QString &until)
{
    const bool resolved = !inc.open || inc.resolvedAt > 0;
    if (resolved)
        return true; // nothing escalates past resolution, whatever `until` says
    if (until == u"acknowledged")
        return inc.acknowledgedAt > 0;
    return false;
}

EscalationPlan planEscalations(const Incident &inc, const QList<Event> &timeline, const Runbook &rb,
                               qint64 now)
{
    EscalationPlan plan;
    QSet<int> fired;
    for (const Event &e : timeline)
        if (e.kind == kinds::Escalation && e.payload[u"runbook"].toString() == rb.id)
            fired.insert(e.payload[u"rule"].toInt(-1));
    for (int i = 0; i < rb.escalation.size(); ++i) {
        const EscalationRule &r = rb.escalation[i];
        if (fired.contains(i) || escalationStopped(inc, r.until))
            continue;
        const qint64 due = inc.createdAt + r.afterMs;
        if (due <= now)
            plan.due << DueEscalation{inc.uid, inc.number, rb.id, i, r.contact, r.until, due};
        else if (plan.nextAt == 0 || due < plan.nextAt)
            plan.nextAt = due;
    }
    return plan;
}

EscalationScheduler::EscalationScheduler(engine::LifecycleEngine &engine,
                                         const RunbookLibrary &library, const engine::Clock &clock)
    : m_engine(engine), m_library(library), m_clock(clock)
{
}

Result<int> EscalationScheduler::tick()
{
    using engine::Command;
    const qint64 now = m_clock.nowMs();
    store::ListQuery q;
    q.open = true;
    q.limit = m_scanLimit;
    q.sort = store::SortKey::Created;
    q.descending = true;
    const QList<Incident> open = m_engine.store().list(q);
    QList<Command> cmds;
    m_nextAt = 0;
    for (Incident inc : open) {
        if (escalationStopped(inc, QStringLiteral("resolved")))
            continue;
        QList<const Runbook *> rbs;
        const QList<Event> tl = m_engine.store().timeline(inc.uid);
        for (const Event &e : tl)
            if (e.kind == AttachedKind)
                if (const Runbook *r = m_library.find(e.payload[u"runbook"].toString());
                    r && !rbs.contains(r))
                    rbs << r;
        if (rbs.isEmpty()) {
            m_engine.store().loadAlerts(inc); // matched by alert name too
            const auto m = m_library.match(inc);
            if (!m.isEmpty())
                rbs << m.first();
        }
        for (const Runbook *rb : std::as_const(rbs)) {
            const EscalationPlan plan = planEscalations(inc, tl, *rb, now);
            if (plan.nextAt > 0 && (m_nextAt == 0 || plan.nextAt < m_nextAt))
                m_nextAt = plan.nextAt;
            for (const DueEscalation &d : plan.due) {
                const EscalationRule &r = rb->escalation[d.rule];
                Command c = Command::make(
                    Command::Kind::Record, inc.uid,
                    {{QStringLiteral("kind"), kinds::Escalation},
                     {QStringLiteral("payload"),
                      QJsonObject{{QStringLiteral("contact"), d.contact},
                                  {QStringLiteral("runbook"), rb->id},
                                  {QStringLiteral("rule"), d.rule},
                                  {QStringLiteral("after"), r.afterText},
                                  {QStringLiteral("until"), r.until},
                                  {QStringLiteral("due_at"), QString::number(d.dueAt)}}},
                     // A once-only event: each step of a runbook escalates an incident once,
                     // whichever replica finds it due.
                     {QStringLiteral("once"), rb->id + u'/' + QString::number(d.rule)}},
                    engine::SystemActor);
                cmds << c;
            }
        }
    }
    if (cmds.isEmpty())
        return 0;
    auto r = m_engine.executeBatch(cmds);
    if (!r)
        return Result<int>::fail(r.errorMessage(), r.error().code);
    int n = 0;
    for (const auto &one : *r) {
        if (one && !one->noop)
            ++n;
        else if (one)
            continue; // escalated already (by another replica, merged meanwhile)
        else
            qCWarning(lcRunbooks).noquote() << "escalation not recorded:" << one.errorMessage();
    }
    return n;
}

} // namespace sitrep::runbooks
