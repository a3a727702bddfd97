// SPDX-License-Identifier: MIT
#pragma once

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::postmortem {

/// Registers the workflow actions draft_postmortem and create_postmortem_ticket with the
/// engine: each appends a postmortem.drafted event (the Markdown draft from the timeline,
/// review due 48 hours later) unless the incident already has a draft.
void registerDraftActions(engine::LifecycleEngine &engine);

} // namespace sitrep::postmortem
