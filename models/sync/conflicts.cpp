// SPDX-License-Identifier: MIT
#include "sync/conflicts.h"

#include "engine/lifecycleengine.h"
#include "store/projector.h"
#include "util/enumnames.h"

#include <QHash>

#include <algorithm>

namespace sitrep::sync {

using namespace sitrep::domain;

QString conflictChoiceName(ConflictChoice c)
{
    static constexpr util::EnumName<ConflictChoice> names[] = {
        {ConflictChoice::KeepApplied, "applied"},
        {ConflictChoice::TakeRejected, "rejected"},
        {ConflictChoice::Dismiss, "dismissed"}};
    return util::nameOf(names, c);
}

static ConflictTransition transitionOf(const Event &e)
{
    return {e.id, e.payload[u"from"].toString(), e.payload[u"to"].toString(), e.actor, e.ts};
}

QList<Conflict> conflictsOf(const QList<Event> &timeline)
{
    QList<const Event *> order;
    order.reserve(timeline.size());
    bool any = false;
    for (const Event &e : timeline) {
        order << &e;
        any = any || e.kind == kinds::Conflict;
    }
    if (!any)
        return {};
    std::sort(order.begin(), order.end(),
              [](const Event *a, const Event *b) { return domain::foldsBefore(*a, *b); });
    // Fold as the projection does, remembering which transition was in force when each
    // one was folded: that is the one a rejected transition competed with.
    QHash<QString, ConflictTransition> inForceAt; // transition event id -> applied transition
    QHash<QString, const Event *> byEventId;
    Incident inc;
    ConflictTransition current;
    for (const Event *e : std::as_const(order)) {
        byEventId.insert(e->id, e);
        if (e->kind == kinds::Transitioned) {
            inForceAt.insert(e->id, current);
            if (!e->payload.contains(u"from") || e->payload[u"from"].toString() == inc.state)
                current = transitionOf(*e);
        }
        store::applyEvent(inc, *e);
    }
    QList<Conflict> out;
    QHash<QString, int> byId;
    for (const Event *e : std::as_const(order)) {
        if (e->kind != kinds::Conflict)
            continue;
        Conflict c;
        c.id = e->id;
        c.incidentUid = e->incidentUid;
        c.ts = e->ts;
        c.state = e->payload[u"state"].toString();
        const QString rejectedId = e->payload[u"event"].toString();
        if (const Event *t = byEventId.value(rejectedId))
            c.rejected = transitionOf(*t);
        else
            c.rejected = {rejectedId, e->payload[u"from"].toString(), e->payload[u"to"].toString(),
                          e->payload[u"by"].toString(), e->ts};
        c.reason = e->payload[u"reason"].toString();
        if (!c.reason.isEmpty())
            c.refusedKind = e->payload[u"kind"].toString();
        c.applied = inForceAt.value(rejectedId);
        if (c.applied.to.isEmpty())
            c.applied.to = c.state;
        byId.insert(c.id, int(out.size()));
        out << c;
    }
    // The first resolution in fold order counts, on every replica.
    for (const Event *e : std::as_const(order)) {
        if (e->kind != kinds::ConflictResolved)
            continue;
        const auto it = byId.constFind(e->payload[u"conflict"].toString());
        if (it == byId.cend() || out[*it].resolved)
            continue;
        Conflict &c = out[*it];
        c.resolved = true;
        c.choice = e->payload[u"choice"].toString();
        c.resolvedState = e->payload[u"state"].toString();
        c.resolvedBy = e->actor;
        c.resolvedAt = e->ts;
    }
    return out;
}

Result<engine::Outcome> resolveConflict(engine::LifecycleEngine &engine, const QString &incidentUid,
                                        const QString &conflictId, ConflictChoice choice,
                                        const QString &actor)
{
    using R = Result<engine::Outcome>;
    auto &store = engine.store();
    const auto inc = store.findIncident(incidentUid);
    if (!inc)
        return R::fail(QStringLiteral("no incident %1").arg(incidentUid),
                       QStringLiteral("not_found"));
    const QList<Conflict> all = conflictsOf(store.timeline(inc->uid));
    const auto it = std::find_if(all.cbegin(), all.cend(),
                                 [&](const Conflict &c) { return c.id == conflictId; });
    if (it == all.cend())
        return R::fail(
            QStringLiteral("incident %1 has no conflict %2").arg(inc->number, conflictId),
            QStringLiteral("not_found"));
    if (it->resolved)
        return R::fail(
            QStringLiteral("that conflict was already resolved by %1").arg(it->resolvedBy),
            QStringLiteral("conflict"));
    const QString target = choice == ConflictChoice::KeepApplied    ? it->applied.to
                           : choice == ConflictChoice::TakeRejected ? it->rejected.to
                                                                    : QString();
    QString transitionId;
    if (!target.isEmpty() && target != inc->state) {
        const auto moved = engine.execute(engine::Command::transition(inc->uid, target, actor));
        if (!moved)
            return R(moved.error());
        for (const Event &e : moved->events)
            if (e.kind == kinds::Transitioned)
                transitionId = e.id;
    }
    QJsonObject payload{{QStringLiteral("conflict"), it->id},
                        {QStringLiteral("event"), it->rejected.eventId},
                        {QStringLiteral("choice"), conflictChoiceName(choice)},
                        {QStringLiteral("state"), target}};
    if (!transitionId.isEmpty())
        payload[u"transition"] = transitionId;
    payload[u"message"] = choice == ConflictChoice::Dismiss
                              ? QStringLiteral("%1 dismissed the conflict").arg(actor)
                              : QStringLiteral("%1 resolved the conflict: '%2'").arg(actor, target);
    const auto recorded = engine.execute(engine::Command::make(
        engine::Command::Kind::Record, inc->uid,
        {{QStringLiteral("kind"), kinds::ConflictResolved}, {QStringLiteral("payload"), payload}},
        actor));
    if (!recorded) {
        if (!transitionId.isEmpty())
            return R::fail(QStringLiteral("moved to '%1' but could not record the resolution: %2")
                               .arg(target, recorded.errorMessage()),
                           recorded.error().code);
        return recorded;
    }
    return recorded;
}

} // namespace sitrep::sync
