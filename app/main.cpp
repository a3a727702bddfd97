// SPDX-License-Identifier: MIT
#include "cli.h"
#include "gui.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QStringList>

#include <memory>

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (sitrep::cli::isCliCommand(args)) {
        // Document export lays out text (fonts), which needs a GUI application object;
        // it never opens a window, so it runs on the offscreen platform.
        const bool documents = args.value(1) == u"postmortem";
        if (documents && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        std::unique_ptr<QCoreApplication> app(documents ? new QGuiApplication(argc, argv) : new QCoreApplication(argc, argv));
        QCoreApplication::setOrganizationName(QStringLiteral("sitrep"));
        QCoreApplication::setApplicationName(QStringLiteral("sitrep"));
        return sitrep::cli::run(args);
    }
    return sitrep::gui::run(argc, argv);
}
