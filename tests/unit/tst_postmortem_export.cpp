// SPDX-License-Identifier: MIT
// Export of a postmortem to Markdown, HTML and PDF, in the library and through
// `sitrep postmortem export`. The PDF must be a valid document with the sections, the
// incident header on page one and page numbers; its text is checked with pdftotext when
// that tool is installed (poppler-utils).
#include "pm_fixture.h"

#include "postmortem/exporter.h"
#include "postmortem/postmortemstore.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTextDocument>
#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestPostmortemExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void markdown_hasHeaderAndBody();
    void html_isStandaloneWithTables();
    void pdf_isValidWithSectionsHeaderAndPageNumbers();
    void cli_exportsAllFormats();
    void cli_badFormat_fails();

private:
    postmortem::ExportInput input();
    QString pdfText(const QString &path, int first = 0, int last = 0);

    std::unique_ptr<Env> m_env;
    QString m_uid;
};

void TestPostmortemExport::initTestCase()
{
    m_env = std::make_unique<Env>();
    QVERIFY2(m_env->error.isEmpty(), qPrintable(m_env->error));
    m_uid = m_env->knownIncident();
    QVERIFY2(!m_uid.isEmpty(), qPrintable(m_env->error));
    // A long timeline, so the PDF needs more than one page.
    for (int i = 0; i < 40; ++i)
        m_env->run(Command::note(m_uid,
                                 QStringLiteral("Finding %1: replica %2 showed pool wait times "
                                                "above the threshold for several minutes")
                                     .arg(i)
                                     .arg(i % 4),
                                 QStringLiteral("dana")),
                   T0 + (76 + i) * Min);
}

postmortem::ExportInput TestPostmortemExport::input()
{
    postmortem::PostmortemStore pm(*m_env->engine);
    (void)pm.ensureDocument(m_uid, QStringLiteral("casey"));
    // A fresh draft with the notes added after the resolve, so the timeline table is long.
    const auto inc = *m_env->store.incidentByUid(m_uid);
    const QString body =
        postmortem::draftMarkdown(inc, m_env->store.timeline(m_uid), postmortem::defaultTemplate());
    (void)pm.saveVersion(m_uid, body, QStringLiteral("casey"));
    return {*pm.document(m_uid), inc, m_env->store.timeline(m_uid), T0 + 200 * Min};
}

QString TestPostmortemExport::pdfText(const QString &path, int first, int last)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    if (tool.isEmpty())
        return {};
    QStringList args{QStringLiteral("-layout")};
    if (first > 0)
        args << QStringLiteral("-f") << QString::number(first) << QStringLiteral("-l")
             << QString::number(last);
    args << path << QStringLiteral("-");
    QProcess p;
    p.start(tool, args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

void TestPostmortemExport::markdown_hasHeaderAndBody()
{
    const auto in = input();
    const QString md = postmortem::toMarkdown(in);
    QVERIFY(md.startsWith(QStringLiteral("> **Incident:** %1").arg(in.incident.number)));
    QVERIFY(md.contains(QStringLiteral("> **Severity:** SEV2 (high)")));
    QVERIFY(md.contains(QStringLiteral("> **Postmortem:** Draft, version")));
    for (const QString &s : postmortem::defaultSections())
        QVERIFY2(md.contains(QStringLiteral("\n## %1\n").arg(s)), qPrintable(s));
    QVERIFY(md.contains(QStringLiteral("| Time | Actor | Event |")));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pm.md"));
    QVERIFY(postmortem::exportTo(in, postmortem::Format::Markdown, path).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), md);
}

void TestPostmortemExport::html_isStandaloneWithTables()
{
    const auto in = input();
    const QString html = postmortem::toHtml(in);
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("<meta charset=\"utf-8\">")));
    QVERIFY(html.trimmed().endsWith(QStringLiteral("</html>")));
    QVERIFY(html.contains(QStringLiteral("<title>Postmortem %1").arg(in.incident.number)));
    // Header, every section as a heading, the timeline and action items as tables.
    QVERIFY(html.contains(QStringLiteral("class=\"header\"")));
    for (const QString &s : postmortem::defaultSections())
        QVERIFY2(html.contains(QStringLiteral(">%1</").arg(s)), qPrintable(s));
    QVERIFY(html.count(QStringLiteral("<table class=\"grid\"")) >= 2);
    QVERIFY(html.contains(QStringLiteral("State mitigating → resolved")));
    // Round trip: a browser-like reader sees the same text.
    QTextDocument d;
    d.setHtml(html);
    QVERIFY(d.toPlainText().contains(QStringLiteral("Increased DB connection pool")));
}

void TestPostmortemExport::pdf_isValidWithSectionsHeaderAndPageNumbers()
{
    const auto in = input();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pm.pdf"));
    auto s = postmortem::writePdf(in, path);
    QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray pdf = f.readAll();
    QVERIFY(pdf.startsWith("%PDF-1."));
    QVERIFY(pdf.trimmed().endsWith("%%EOF"));
    QVERIFY(pdf.contains("startxref"));
    const int pages = int(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") +
                          pdf.count("/Type /Page ") + pdf.count("/Type /Page/"));
    QVERIFY2(pages >= 2, qPrintable(QString::number(pages)));

    const QString text = pdfText(path);
    if (text.isEmpty())
        QSKIP("pdftotext (poppler-utils) not installed: structure checked, text not");
    for (const QString &sec : postmortem::defaultSections())
        QVERIFY2(text.contains(sec), qPrintable(sec));
    const QString first = pdfText(path, 1, 1);
    QVERIFY(first.contains(QStringLiteral("%1 — API latency spike").arg(in.incident.number)));
    QVERIFY(first.contains(QStringLiteral("Commander")));
    QVERIFY(first.contains(QStringLiteral("casey")));
    QVERIFY(first.contains(QStringLiteral("Page 1 of")));
    const QString last = pdfText(path, pages, pages);
    QVERIFY2(last.contains(QStringLiteral("Page %1 of %1").arg(pages)), qPrintable(last));
    // The timeline is a table: its rows keep time, actor and event on one line.
    QVERIFY(QRegularExpression(
                QStringLiteral("2026-03-10 09:04 UTC\\s+dana\\s+Incident commander: casey"))
                .match(text)
                .hasMatch());
}

void TestPostmortemExport::cli_exportsAllFormats()
{
    const auto in = input();
    QTemporaryDir dir;
    for (const char *fmt : {"md", "html", "pdf"}) {
        const QString out = dir.filePath(QStringLiteral("cli.%1").arg(QLatin1String(fmt)));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM")); // the command sets offscreen itself
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SITREP_BINARY),
                {QStringLiteral("postmortem"), QStringLiteral("export"), in.incident.number,
                 QStringLiteral("--format"), QLatin1String(fmt), QStringLiteral("--out"), out,
                 QStringLiteral("--db"), m_env->dbPath()});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        if (qstrcmp(fmt, "pdf") == 0)
            QVERIFY(data.startsWith("%PDF-"));
        else
            QVERIFY(data.contains("Root Cause"));
    }
}

void TestPostmortemExport::cli_badFormat_fails()
{
    QTemporaryDir dir;
    QProcess p;
    p.start(QStringLiteral(SITREP_BINARY),
            {QStringLiteral("postmortem"), QStringLiteral("export"), QStringLiteral("1"),
             QStringLiteral("--format"), QStringLiteral("docx"), QStringLiteral("--out"),
             dir.filePath(QStringLiteral("x.docx")), QStringLiteral("--db"), m_env->dbPath()});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(p.readAllStandardError().contains("md, html or pdf"));
}

QTEST_MAIN(TestPostmortemExport)
#include "tst_postmortem_export.moc"
