// SPDX-License-Identifier: MIT
#pragma once

#include "postmortem/draftaction.h"

namespace sitrep::host {

/// Registers every workflow action that lives above the engine (the postmortem draft) with
/// `engine`. Whatever builds an engine (the app context, a workflow switch, the command
/// line, a test or a screenshot scene) calls this, so every engine runs the same actions.
inline void registerWorkflowActions(engine::LifecycleEngine &engine)
{
    postmortem::registerDraftActions(engine);
}

} // namespace sitrep::host
