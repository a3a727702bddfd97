// SPDX-License-Identifier: MIT
#include "ui/style/menus.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace sitrep::ui {

QMenu *menuNamed(QMainWindow &window, const QString &name, const QString &title)
{
    QMenu *menu = nullptr;
    for (QAction *a : window.menuBar()->actions())
        if (a->menu() && a->text().remove(u'&') == name)
            menu = a->menu();
    return menu ? menu : window.menuBar()->addMenu(title);
}

} // namespace sitrep::ui
