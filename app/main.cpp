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
    // "sitrep --db PATH COMMAND ..." means "sitrep COMMAND --db PATH ...": the database is
    // a global option, as users of other command-line tools put it first.
    const qsizetype dbWords = args.value(1) == u"--db" ? 2 : args.value(1).startsWith(u"--db=") ? 1 : 0;
    if (dbWords > 0 && args.size() > 1 + dbWords && !args[1 + dbWords].startsWith(u'-')) {
        const QStringList db = args.mid(1, dbWords);
        args.remove(1, dbWords);
        for (qsizetype i = 0; i < dbWords; ++i)
            args.insert(2 + i, db[i]);
    }
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
