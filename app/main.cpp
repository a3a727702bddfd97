// SPDX-License-Identifier: MIT
#include "app/cli.h"
#include "app/clicommands.h"
#include "app/cliio.h"
#include "app/gui.h"

#include "host/appcontext.h"
#include "store/sqlite.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace {

// The value of --db NAME or --db=NAME among args, or empty.
QString dbArgument(const QStringList &args)
{
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == u"--db")
            return args.value(i + 1);
        if (args[i].startsWith(u"--db="))
            return args[i].mid(5);
    }
    return {};
}

// `sitrep screenshot` renders views that may save what they show (a postmortem draft, for
// one): they get a snapshot of the database, so taking a picture never changes the data.
// Without a database they get a new one in the temporary folder (with --demo, filled with
// demo data there), so a picture never leaves a database behind either. Returns the path
// the window opens, or empty on an error.
QString snapshotForScreenshot(const QStringList &args, QTemporaryDir &dir, QString *error)
{
    QString path = sitrep::host::resolveDatabasePath(dbArgument(args));
    if (args.contains(QStringLiteral("--demo")) && dbArgument(args).isEmpty())
        path = QFileInfo(path).absoluteDir().filePath(QStringLiteral("demo.db"));
    if (!dir.isValid()) {
        *error = QStringLiteral(
            "cannot create a temporary folder for the screenshot's copy of the database");
        return {};
    }
    const QString copy = dir.filePath(QStringLiteral("snapshot.db"));
    if (!QFileInfo::exists(path))
        return copy;
    sitrep::store::Db source;
    if (auto s = source.open(path, true); !s) {
        *error = s.errorMessage();
        return {};
    }
    QString quoted = copy;
    quoted.replace(u'\'', QStringLiteral("''"));
    if (auto s = source.exec(QStringLiteral("VACUUM INTO '%1'").arg(quoted)); !s) {
        *error =
            QStringLiteral("cannot copy %1 for the screenshot: %2").arg(path, s.errorMessage());
        return {};
    }
    return copy;
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    // "sitrep --db PATH COMMAND ..." means "sitrep COMMAND --db PATH ...": the database is
    // a global option, as users of other command-line tools put it first.
    const qsizetype dbWords = args.value(1) == u"--db"             ? 2
                              : args.value(1).startsWith(u"--db=") ? 1
                                                                   : 0;
    if (dbWords > 0 && args.size() > 1 + dbWords && !args[1 + dbWords].startsWith(u'-')) {
        const QStringList db = args.mid(1, dbWords);
        args.remove(1, dbWords);
        for (qsizetype i = 0; i < dbWords; ++i)
            args.insert(2 + i, db[i]);
    }
    if (sitrep::cli::isCliCommand(args)) {
        // Document export lays out text (fonts), which needs a GUI application object;
        // it never opens a window, so it runs on the offscreen platform.
        const bool documents = args.value(1) == u"postmortem" && !sitrep::cli::asksForHelp(args);
        if (documents && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        std::unique_ptr<QCoreApplication> app(documents ? new QGuiApplication(argc, argv)
                                                        : new QCoreApplication(argc, argv));
        QCoreApplication::setOrganizationName(QStringLiteral("sitrep"));
        QCoreApplication::setApplicationName(QStringLiteral("sitrep"));
        return sitrep::cli::run(args);
    }

    // The window and its commands (wall, screenshot).
    for (const QString &a : std::as_const(args))
        if (a == u"--workflow" || a.startsWith(u"--workflow="))
            return sitrep::cli::usageFailWith(
                nullptr, QStringLiteral("the window has no --workflow; `sitrep workflow "
                                        "set NAME|FILE` saves a database's "
                                        "workflow, `sitrep create --workflow` or `sitrep "
                                        "demo --workflow` starts one with it"));
    if (const QString db = dbArgument(args); !db.isEmpty())
        if (auto where = sitrep::cli::databasePath(db, true); !where)
            return sitrep::cli::failWith(nullptr, where.errorMessage());
    QTemporaryDir snapshotDir;
    std::vector<QByteArray> storage;
    std::vector<char *> newArgv;
    if (args.value(1) == u"screenshot") {
        QString error;
        QString snapshot;
        {
            QCoreApplication probe(argc, argv); // the data folder is named after the application
            QCoreApplication::setOrganizationName(QStringLiteral("sitrep"));
            QCoreApplication::setApplicationName(QStringLiteral("sitrep"));
            snapshot = snapshotForScreenshot(args, snapshotDir, &error);
        }
        if (!error.isEmpty())
            return sitrep::cli::failWith(nullptr, error);
        if (!snapshot.isEmpty()) {
            // The arguments again, with --db naming the snapshot.
            for (qsizetype i = 0; i < args.size(); ++i) {
                if (args[i] == u"--db") {
                    ++i;
                    continue;
                }
                if (args[i].startsWith(u"--db="))
                    continue;
                storage.push_back(args[i].toLocal8Bit());
            }
            storage.push_back(QByteArrayLiteral("--db"));
            storage.push_back(snapshot.toLocal8Bit());
            for (QByteArray &a : storage)
                newArgv.push_back(a.data());
            newArgv.push_back(nullptr);
            int newArgc = int(storage.size());
            return sitrep::gui::run(newArgc, newArgv.data());
        }
    }
    return sitrep::gui::run(argc, argv);
}
