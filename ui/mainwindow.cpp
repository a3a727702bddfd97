// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "app/appcontext.h"

#include <QLabel>

namespace sitrep::ui {

MainWindow::MainWindow(app::AppContext &context, QWidget *parent) : QMainWindow(parent), m_context(context)
{
    setWindowTitle(tr("Sitrep"));
    setCentralWidget(new QLabel(tr("%n incident(s)", nullptr, int(m_context.store().incidentCount())), this));
}

} // namespace sitrep::ui
