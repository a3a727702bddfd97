// SPDX-License-Identifier: MIT
#include "app/gui.h"

#include "app/cli_wall.h"
#include "demo/demogenerator.h"
#include "host/appcontext.h"
#include "host/servicehost.h"
#include "secrets/secretstore.h"
#include "ui/dashboardintegration.h"
#include "ui/mainwindow.h"
#include "ui/screenshots/viewfactory.h"
#include "ui/settings/syncui.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>

namespace sitrep::gui {

bool isGuiCommand(const QStringList &args)
{
    return args.size() < 2 || args[1].startsWith(u'-') || args[1] == u"wall" ||
           args[1] == u"screenshot";
}

static bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

static int fail(const QString &m)
{
    fprintf(stderr, "sitrep: %s\n", m.toUtf8().constData());
    return 1;
}

int run(int &argc, char **argv)
{
    const bool headless = !haveDisplay();
    if (headless)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("sitrep"));
    QApplication::setApplicationName(QStringLiteral("sitrep"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sitrep"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/sitrep/icons/sitrep.svg")));
    ui::applyThemeFromEnvironment(); // SITREP_THEME=light|dark; by default the system's

    QTranslator qtTr, appTr;
    if (qtTr.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(&qtTr);
    if (appTr.load(QLocale(), QStringLiteral("sitrep"), QStringLiteral("_"),
                   QStringLiteral(":/i18n")))
        app.installTranslator(&appTr);

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Sitrep, the incident war room"));
    p.addHelpOption();
    QCommandLineOption db(QStringLiteral("db"), QStringLiteral("Database file."),
                          QStringLiteral("path"));
    QCommandLineOption demo(QStringLiteral("demo"),
                            QStringLiteral("Open a demo database, generating it on first run."));
    QCommandLineOption workflow(QStringLiteral("workflow"),
                                QStringLiteral("Workflow preset or file."),
                                QStringLiteral("name|path"));
    QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Screenshot size WxH."),
                            QStringLiteral("WxH"), QStringLiteral("1600x1000"));
    QCommandLineOption wallScreen(QStringLiteral("screen"), QStringLiteral("wall: screen number."),
                                  QStringLiteral("N"), QStringLiteral("0"));
    QCommandLineOption wallRotate(QStringLiteral("rotate"),
                                  QStringLiteral("wall: seconds per page."),
                                  QStringLiteral("SECONDS"), QStringLiteral("20"));
    p.addOptions({db, demo, workflow, size, wallScreen, wallRotate});
    p.process(app);
    const QStringList pos = p.positionalArguments();

    QString path = host::resolveDatabasePath(p.value(db));
    if (p.isSet(demo) && !p.isSet(db))
        path = QFileInfo(path).absoluteDir().filePath(QStringLiteral("demo.db"));
    const bool fresh = !QFileInfo::exists(path);
    auto ctx = host::AppContext::open(path, p.value(workflow));
    if (!ctx)
        return fail(ctx.errorMessage());
    if (p.isSet(demo) && fresh) {
        fprintf(stderr, "generating a demo database at %s ...\n", path.toUtf8().constData());
        demo::DemoOptions o;
        o.incidents = 600;
        if (auto r = demo::runDemo((*ctx)->engine(), o); !r)
            return fail(r.errorMessage());
    }

    const QString sizeText = p.value(size);
    const int x = int(sizeText.indexOf(u'x'));
    const QSize sz(sizeText.left(x).toInt(), sizeText.mid(x + 1).toInt());
    if (!sz.isValid() || sz.width() < 200 || sz.height() < 150)
        return fail(QStringLiteral("--size must look like 1600x1000"));

    if (pos.value(0) == u"screenshot" || headless) {
        const bool asked = pos.value(0) == u"screenshot";
        const QString view = asked ? pos.value(1) : QStringLiteral("list");
        const QString file = asked ? pos.value(2) : QStringLiteral("sitrep-window.png");
        if (asked && (pos.size() != 3 || file.isEmpty()))
            return fail(QStringLiteral("usage: sitrep screenshot VIEW FILE [--size WxH]; views: %1")
                            .arg(ui::screenshotViews().join(QStringLiteral(", "))));
        if (headless)
            fprintf(
                stderr,
                "sitrep: no display found; writing a screenshot of the main window to %s instead\n",
                QFileInfo(file).absoluteFilePath().toUtf8().constData());
        std::unique_ptr<QWidget> v(ui::createScreenshotView(view, **ctx, sz));
        if (!v)
            return fail(QStringLiteral("unknown view '%1' (views: %2)")
                            .arg(view, ui::screenshotViews().join(QStringLiteral(", "))));
        QString note;
        const QPixmap shot = ui::renderScreenshot(v.get(), sz, &note);
        if (!note.isEmpty())
            fprintf(stderr, "sitrep: %s: %s\n", view.toUtf8().constData(),
                    note.toUtf8().constData());
        if (!shot.save(file))
            return fail(QStringLiteral("cannot write %1").arg(file));
        return 0;
    }
    if (pos.value(0) == u"wall")
        return runWall(**ctx, p.value(wallScreen), p.value(wallRotate));
    // Every background service (SLA clock, escalations, reminders, postmortems, triage,
    // remediation, the webhook listener, sync, AWS) comes from the one service host; the
    // window only shows them. Secrets come from the system keychain.
    secrets::KeychainSecretStore keychain(QStringLiteral("sitrep"), 5000);
    host::ServiceHostOptions options;
    options.role = host::HostRole::Window;
    host::ServiceHost services(**ctx, keychain, options);
    ui::MainWindow w(**ctx, &services);
    ui::attachSync(w, services);
    ui::attachDashboard(w, **ctx);
    // Stopped before the event loop ends, so nothing is half-way when the window goes.
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &services, &host::ServiceHost::stop);
    services.start();
    w.show();
    return app.exec();
}

} // namespace sitrep::gui
