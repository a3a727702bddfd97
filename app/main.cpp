// SPDX-License-Identifier: MIT
#include "cli.h"
#include "gui.h"

#include <QCoreApplication>
#include <QStringList>

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (sitrep::cli::isCliCommand(args)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setOrganizationName(QStringLiteral("sitrep"));
        QCoreApplication::setApplicationName(QStringLiteral("sitrep"));
        return sitrep::cli::run(args);
    }
    return sitrep::gui::run(argc, argv);
}
