// SPDX-License-Identifier: MIT
#pragma once

namespace sitrep::ui {

/// Alt+letter is an accelerator, never text: a key press with Alt (and without Ctrl, which
/// AltGr sends on some systems) that no shortcut took is dropped before a text field can
/// type its letter. Without this, Alt+V in a field whose window has no Alt+V types "v"
/// over the selected text. Installed once on the application; calling it again is a no-op.
void installAcceleratorGuard();

} // namespace sitrep::ui
