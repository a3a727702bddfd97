// SPDX-License-Identifier: MIT
#include "app/workflowactions.h"

#include "postmortem/draftaction.h"

namespace sitrep::app {

void registerWorkflowActions(engine::LifecycleEngine &engine)
{
    postmortem::registerDraftActions(engine);
}

} // namespace sitrep::app
