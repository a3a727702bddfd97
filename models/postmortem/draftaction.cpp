// SPDX-License-Identifier: MIT
#include "postmortem/draftaction.h"

#include "engine/lifecycleengine.h"
#include "postmortem/draft.h"

namespace sitrep::postmortem {

namespace {

constexpr qint64 ReviewDueMs = 48LL * 3600 * 1000;

QList<engine::ActionEvent> draftPostmortem(const engine::ActionContext &context)
{
    if (context.incident.extra.contains(u"postmortem"))
        return {};
    return {{domain::kinds::PostmortemDrafted,
             {{QStringLiteral("markdown"), draftMarkdown(context.incident, context.timeline())},
              {QStringLiteral("review_due"), QString::number(context.ts + ReviewDueMs)}}}};
}

} // namespace

void registerDraftActions(engine::LifecycleEngine &engine)
{
    engine.registerAction(QStringLiteral("draft_postmortem"), draftPostmortem);
    engine.registerAction(QStringLiteral("create_postmortem_ticket"), draftPostmortem);
}

} // namespace sitrep::postmortem
