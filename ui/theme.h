// SPDX-License-Identifier: MIT
#pragma once

#include <QPalette>
#include <QString>

namespace sitrep::ui {

/// Light, dark, or whatever the system uses (the default).
enum class ThemeMode { System, Light, Dark };

/// "light", "dark", anything else: System.
ThemeMode themeModeFromString(const QString &text);
/// A dark palette for the Fusion style, with the link and highlight colours readable on it.
QPalette darkPalette();
/// True when the desktop asks for dark: the platform palette is dark, or GTK_THEME names a
/// ":dark" variant (Qt 6.4 has no colour-scheme hint of its own).
bool systemPrefersDark();
/// Applies the theme to the running application: Light and Dark switch to the Fusion style
/// with a light or dark palette; System keeps the platform style and palette unless the
/// system prefers dark and the platform palette is light. Reads SITREP_THEME when `mode`
/// is not given.
void applyTheme(ThemeMode mode);
void applyThemeFromEnvironment();

/// Gives every line edit under `root` that shows a placeholder at least the width to show
/// it whole: a hint cut in half ("What is happening, what we do n") helps nobody.
void fitPlaceholders(class QWidget *root);

} // namespace sitrep::ui
