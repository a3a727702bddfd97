// SPDX-License-Identifier: MIT
#pragma once

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::host {

/// Registers every workflow action that lives above the engine (the postmortem draft) with
/// `engine`. Whatever builds an engine (the app context, a workflow switch, the command
/// line, a test or a screenshot scene) calls this, so every engine runs the same actions.
void registerWorkflowActions(engine::LifecycleEngine &engine);

} // namespace sitrep::host
