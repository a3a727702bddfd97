// SPDX-License-Identifier: MIT
#include "host/workflowactions.h"

#include "postmortem/draftaction.h"

namespace sitrep::host {

void registerWorkflowActions(engine::LifecycleEngine &engine)
{
    postmortem::registerDraftActions(engine);
}

} // namespace sitrep::host
