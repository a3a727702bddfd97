// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QMainWindow;
class QMenu;

namespace sitrep::ui {

/// The menu of `window`'s menu bar whose title is `name` (its mnemonic ampersand aside);
/// added at the end of the bar with the title `title` (e.g. "&View") when there is none.
/// For parts that put their actions into the window's menus without knowing how it built
/// them.
QMenu *menuNamed(QMainWindow &window, const QString &name, const QString &title);

} // namespace sitrep::ui
