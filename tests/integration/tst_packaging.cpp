// SPDX-License-Identifier: MIT
// Package metadata that can be checked without installing anything: the desktop file and
// the AppStream metainfo validate, the version is the same in CMake, the metainfo and the
// Debian changelog, and every .deb that `cpack` writes (built here into a temporary folder)
// depends on no development package, states its synopsis once, carries its copyright file
// and changelog, and gets no error from lintian. Also: CI runs the README's test command.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Run {
    bool started = false;
    int exitCode = -1;
    QByteArray out; // stdout and stderr together, for failure messages
};

Run run(const QString &program, const QStringList &args, int timeoutMs = 60000)
{
    Run r;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return r;
    r.started = true;
    p.waitForFinished(timeoutMs);
    r.out = p.readAll();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QString sourcePath(const char *relative)
{
    return QStringLiteral(SITREP_SOURCE_DIR "/") + QString::fromLatin1(relative);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The package names in a Depends-style field, without versions and architecture
// qualifiers: "libc6 (>= 2.34), qt6-qpa-plugins | foo:any" gives libc6, qt6-qpa-plugins, foo.
QStringList packageNames(const QString &field)
{
    QStringList names;
    static const QRegularExpression sep(QStringLiteral("[,|]"));
    for (const QString &alternative : field.split(sep, Qt::SkipEmptyParts)) {
        QString name = alternative.trimmed();
        name = name.left(name.indexOf(QLatin1Char('('))).trimmed();
        name = name.left(name.indexOf(QLatin1Char(':'))).trimmed();
        name = name.left(name.indexOf(QLatin1Char(' '))).trimmed();
        if (!name.isEmpty())
            names << name;
    }
    return names;
}

} // namespace

class TestPackaging final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_noPackages; // why the .deb checks cannot run here, if they cannot
    QStringList m_debs;

    QString field(const QString &deb, const char *name)
    {
        const Run r = run(QStringLiteral("dpkg-deb"),
                          {QStringLiteral("--field"), deb, QString::fromLatin1(name)});
        return r.exitCode == 0 ? QString::fromUtf8(r.out).trimmed() : QString();
    }

    // Unpacks DEB once into the temporary folder and returns where.
    QString unpacked(const QString &deb)
    {
        const QString root =
            m_dir.filePath(QStringLiteral("root-") + QFileInfo(deb).completeBaseName());
        if (!QDir(root).exists()) {
            const Run r = run(QStringLiteral("dpkg-deb"), {QStringLiteral("--extract"), deb, root});
            if (r.exitCode != 0)
                qWarning("dpkg-deb --extract %s: %s", qPrintable(deb), r.out.constData());
        }
        return root;
    }

    void packageRows()
    {
        QTest::addColumn<QString>("deb");
        for (const QString &deb : m_debs)
            QTest::newRow(qPrintable(QFileInfo(deb).fileName())) << deb;
    }

    void requirePackages()
    {
        if (!m_noPackages.isEmpty())
            QSKIP(qPrintable(m_noPackages));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (QStandardPaths::findExecutable(QStringLiteral("dpkg-deb")).isEmpty()) {
            m_noPackages = QStringLiteral("dpkg-deb is missing: not a Debian system");
            return;
        }
        // The same packages `cpack` in the build folder writes, into a folder of our own.
        const QString out = m_dir.filePath(QStringLiteral("packages"));
        const Run cpack = run(QStringLiteral(SITREP_CPACK_COMMAND),
                              {QStringLiteral("--config"), QStringLiteral(SITREP_CPACK_CONFIG),
                               QStringLiteral("-B"), out},
                              240000);
        QVERIFY2(cpack.started, "cpack did not start");
        QVERIFY2(cpack.exitCode == 0, cpack.out.constData());
        const QStringList debs =
            QDir(out).entryList({QStringLiteral("*.deb")}, QDir::Files, QDir::Name);
        for (const QString &deb : debs)
            m_debs << QDir(out).filePath(deb);
        QVERIFY2(!m_debs.isEmpty(), cpack.out.constData());
    }

    void ci_runsTheReadmeTestCommand()
    {
        // The README opens with the set-up commands in a shell block; the one that runs the
        // tests is what CI runs, word for word, so the two cannot drift apart.
        const QString readme = QString::fromUtf8(readFile(sourcePath("README.md")));
        static const QRegularExpression block(QStringLiteral("```sh\\n(.*?)```"),
                                              QRegularExpression::DotMatchesEverythingOption);
        const QRegularExpressionMatch m = block.match(readme);
        QVERIFY2(m.hasMatch(), "README.md has no shell block");
        QString readmeTest;
        for (const QString &line : m.captured(1).split(QLatin1Char('\n'))) {
            const QString command = line.section(QLatin1Char('#'), 0, 0).trimmed();
            if (command.endsWith(QLatin1String(" test")))
                readmeTest = command;
        }
        QVERIFY2(!readmeTest.isEmpty(), "the README's first shell block has no test command");
        QStringList ciCommands;
        for (const QString &line :
             QString::fromUtf8(readFile(sourcePath(".ci/run"))).split(QLatin1Char('\n'))) {
            const QString command = line.trimmed();
            if (!command.isEmpty() && !command.startsWith(QLatin1Char('#')) &&
                !command.startsWith(QLatin1String("set ")) &&
                !command.startsWith(QLatin1String("cd ")))
                ciCommands << command;
        }
        QCOMPARE(ciCommands, QStringList{readmeTest});
    }

    void desktopFile_validates()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate")).isEmpty())
            QSKIP("desktop-file-validate is missing (packaging/install-deps.sh --tests installs "
                  "desktop-file-utils)");
        const Run r =
            run(QStringLiteral("desktop-file-validate"), {sourcePath("packaging/sitrep.desktop")});
        QVERIFY(r.started);
        // It prints nothing for a clean file; hints and warnings come with exit code 0.
        QVERIFY2(r.exitCode == 0 && r.out.trimmed().isEmpty(), r.out.constData());
    }

    void metainfo_validates()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("appstreamcli")).isEmpty())
            QSKIP("appstreamcli is missing (packaging/install-deps.sh --tests installs appstream)");
        const Run r = run(QStringLiteral("appstreamcli"),
                          {QStringLiteral("validate"), QStringLiteral("--no-net"),
                           sourcePath("packaging/org.sitrep.Sitrep.metainfo.xml")});
        QVERIFY(r.started);
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    void metainfo_latestReleaseIsProjectVersion()
    {
        QXmlStreamReader xml(readFile(sourcePath("packaging/org.sitrep.Sitrep.metainfo.xml")));
        QString latest;
        // AppStream lists releases newest first.
        while (latest.isEmpty() && !xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement() && xml.name() == QLatin1String("release"))
                latest = xml.attributes().value(QLatin1String("version")).toString();
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(latest, QStringLiteral(SITREP_PROJECT_VERSION));
    }

    void changelog_latestEntryIsPackageVersion()
    {
        const QByteArray changelog = readFile(sourcePath("packaging/changelog"));
        static const QRegularExpression head(
            QStringLiteral("^sitrep \\(([^)]+)\\) \\S+; urgency=\\w+\\n"));
        const QRegularExpressionMatch m = head.match(QString::fromUtf8(changelog));
        QVERIFY2(m.hasMatch(),
                 "packaging/changelog does not start with a Debian changelog entry for sitrep");
        QCOMPARE(m.captured(1), QStringLiteral(SITREP_PROJECT_VERSION "-" SITREP_DEB_RELEASE));
        // Every entry ends with a trailer line: " -- Name <mail>  RFC 2822 date".
        static const QRegularExpression trailer(
            QStringLiteral("^ -- [^<\\n]+ <[^>\\n]+>  \\w{3}, \\d{1,2} \\w{3} \\d{4} "
                           "\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(trailer.match(QString::fromUtf8(changelog)).hasMatch(),
                 "packaging/changelog has no valid trailer line");
    }

    void packages_areTheDesktopAndTheServer()
    {
        requirePackages();
        QStringList names;
        for (const QString &deb : std::as_const(m_debs)) {
            names << field(deb, "Package");
            QCOMPARE(field(deb, "Version"),
                     QStringLiteral(SITREP_PROJECT_VERSION "-" SITREP_DEB_RELEASE));
        }
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("sitrep"), QStringLiteral("sitrep-server")}));
    }

    void package_holdsItsFiles_data()
    {
        QTest::addColumn<QString>("package");
        QTest::addColumn<QStringList>("files");
        QTest::newRow("sitrep")
            << QStringLiteral("sitrep")
            << QStringList{QStringLiteral("usr/bin/sitrep"),
                           QStringLiteral("usr/share/applications/sitrep.desktop"),
                           QStringLiteral("usr/share/metainfo/org.sitrep.Sitrep.metainfo.xml"),
                           QStringLiteral("usr/share/icons/hicolor/scalable/apps/sitrep.svg"),
                           QStringLiteral("usr/share/icons/hicolor/256x256/apps/sitrep.png"),
                           QStringLiteral("usr/lib/systemd/system/sitrep-agent.service")};
        QTest::newRow("sitrep-server")
            << QStringLiteral("sitrep-server")
            << QStringList{QStringLiteral("usr/bin/sitrep-server"),
                           QStringLiteral("usr/share/man/man1/sitrep-server.1.gz")};
    }
    void package_holdsItsFiles()
    {
        requirePackages();
        QFETCH(QString, package);
        QFETCH(QStringList, files);
        QString deb;
        for (const QString &candidate : std::as_const(m_debs))
            if (field(candidate, "Package") == package)
                deb = candidate;
        QVERIFY2(!deb.isEmpty(),
                 qPrintable(QStringLiteral("cpack wrote no package named ") + package));
        const QString root = unpacked(deb);
        for (const QString &path : std::as_const(files))
            QVERIFY2(QFileInfo::exists(root + QLatin1Char('/') + path), qPrintable(path));
    }

    void desktopPackage_holdsTheManualPage()
    {
        requirePackages();
        if (!SITREP_HAS_MAN_RULE)
            QSKIP("this tree has no rule writing sitrep.1 from `sitrep help --man` (target "
                  "sitrep_man)");
        for (const QString &deb : std::as_const(m_debs))
            if (field(deb, "Package") == QLatin1String("sitrep")) {
                const QString page =
                    unpacked(deb) + QStringLiteral("/usr/share/man/man1/sitrep.1.gz");
                QVERIFY2(QFileInfo(page).size() > 0, qPrintable(page));
                return;
            }
        QFAIL("cpack wrote no sitrep package");
    }

    void serverPackage_needsNoDesktopLibraries()
    {
        requirePackages();
        // The server links the core alone: no widgets, no GUI, no keychain, no SQLite cache.
        for (const QString &deb : std::as_const(m_debs)) {
            if (field(deb, "Package") != QLatin1String("sitrep-server"))
                continue;
            const QStringList depends = packageNames(field(deb, "Depends"));
            QVERIFY2(depends.contains(QStringLiteral("libpq5")),
                     qPrintable(depends.join(QLatin1String(", "))));
            for (const QString &package : depends)
                QVERIFY2(!package.startsWith(QLatin1String("libqt6widgets")) &&
                             !package.startsWith(QLatin1String("libqt6gui")) &&
                             !package.startsWith(QLatin1String("libqt6keychain")) &&
                             package != QLatin1String("qt6-qpa-plugins"),
                         qPrintable(package));
            return;
        }
        QFAIL("cpack wrote no sitrep-server package");
    }

    void depends_nameNoDevelopmentPackage_data() { packageRows(); }
    void depends_nameNoDevelopmentPackage()
    {
        requirePackages();
        QFETCH(QString, deb);
        const QString depends = field(deb, "Depends");
        QVERIFY2(!depends.isEmpty(), "no Depends field: the shared libraries were not resolved");
        for (const char *name : {"Pre-Depends", "Depends", "Recommends"}) {
            for (const QString &package : packageNames(field(deb, name)))
                QVERIFY2(!package.endsWith(QLatin1String("-dev")) &&
                             !package.endsWith(QLatin1String("-dev-tools")),
                         qPrintable(QStringLiteral("%1 names the development package %2")
                                        .arg(QLatin1String(name), package)));
        }
    }

    void description_statesTheSynopsisOnce_data() { packageRows(); }
    void description_statesTheSynopsisOnce()
    {
        requirePackages();
        QFETCH(QString, deb);
        const QStringList lines = field(deb, "Description").split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 2, "the description has no extended part");
        const QString synopsis = lines.first().trimmed();
        QVERIFY(!synopsis.isEmpty());
        QVERIFY2(synopsis.size() <= 80, qPrintable(synopsis));
        const QString extended = lines.mid(1).join(QLatin1Char(' ')).simplified();
        QVERIFY2(!extended.startsWith(synopsis, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("synopsis repeated: ") + synopsis));
    }

    void docs_copyrightAndChangelogAreShipped_data() { packageRows(); }
    void docs_copyrightAndChangelogAreShipped()
    {
        requirePackages();
        QFETCH(QString, deb);
        const QString doc =
            unpacked(deb) + QStringLiteral("/usr/share/doc/") + field(deb, "Package");
        QCOMPARE(readFile(doc + QStringLiteral("/copyright")),
                 readFile(sourcePath("packaging/copyright")));
        const QByteArray gz = readFile(doc + QStringLiteral("/changelog.Debian.gz"));
        QVERIFY2(gz.size() > 10 && gz.startsWith("\x1f\x8b"), "changelog.Debian.gz is not gzip");
        // No modification time in the gzip header, so rebuilding gives the same bytes.
        QCOMPARE(gz.mid(4, 4), QByteArray(4, '\0'));
        const Run gunzip =
            run(QStringLiteral("gzip"),
                {QStringLiteral("-dc"), doc + QStringLiteral("/changelog.Debian.gz")});
        QCOMPARE(gunzip.exitCode, 0);
        QCOMPARE(gunzip.out, readFile(sourcePath("packaging/changelog")));
    }

    void lintian_reportsNoError_data() { packageRows(); }
    void lintian_reportsNoError()
    {
        requirePackages();
        if (QStandardPaths::findExecutable(QStringLiteral("lintian")).isEmpty())
            QSKIP("lintian is missing (packaging/install-deps.sh --tests installs it)");
        QFETCH(QString, deb);
        const Run r = run(QStringLiteral("lintian"),
                          {QStringLiteral("--fail-on"), QStringLiteral("none"), deb}, 240000);
        QVERIFY(r.started);
        QCOMPARE(r.exitCode, 0);
        QStringList errors;
        for (const QByteArray &line : r.out.split('\n'))
            if (line.startsWith("E: "))
                errors << QString::fromUtf8(line);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
