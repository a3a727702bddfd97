// SPDX-License-Identifier: MIT
#include "postmortem/exporter.h"

#include "util/outputfile.h"

#include <QBuffer>

#include <QAbstractTextDocumentLayout>
#include <QDateTime>
#include <QFile>
#include <QGuiApplication>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextDocument>

namespace sitrep::postmortem {

using namespace sitrep::domain;

Format parseFormat(const QString &name, bool *ok)
{
    const QString n = name.trimmed().toLower();
    if (ok)
        *ok = true;
    if (n == u"md" || n == u"markdown")
        return Format::Markdown;
    if (n == u"html" || n == u"htm")
        return Format::Html;
    if (n == u"pdf")
        return Format::Pdf;
    if (ok)
        *ok = false;
    return Format::Markdown;
}

static QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                        .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                  : QStringLiteral("-");
}

// Header fields shared by every format, in order.
static QList<QPair<QString, QString>> headerFields(const ExportInput &in)
{
    const Incident &i = in.incident;
    const qint64 end = i.resolvedAt > 0 ? i.resolvedAt : in.exportedAt;
    return {
        {QStringLiteral("Incident"), i.number},
        {QStringLiteral("Title"), i.title},
        {QStringLiteral("Severity"),
         QStringLiteral("%1 (%2)").arg(severityLabel(i.severity), severityName(i.severity))},
        {QStringLiteral("Priority"), priorityName(i.priority)},
        {QStringLiteral("State"), i.state},
        {QStringLiteral("Commander"), i.commander.isEmpty() ? QStringLiteral("-") : i.commander},
        {QStringLiteral("Services"),
         i.services.isEmpty() ? QStringLiteral("-") : i.services.join(QStringLiteral(", "))},
        {QStringLiteral("Started"), when(i.createdAt)},
        {QStringLiteral("Resolved"), when(i.resolvedAt)},
        {QStringLiteral("Duration"), formatDuration(end - i.createdAt)},
        {QStringLiteral("Postmortem"), QStringLiteral("%1, version %2")
                                           .arg(statusLabel(in.document.status))
                                           .arg(in.document.version)},
        {QStringLiteral("Owners"), in.document.owners.isEmpty()
                                       ? QStringLiteral("-")
                                       : in.document.owners.join(QStringLiteral(", "))},
        {QStringLiteral("Review"), when(in.document.reviewAt)}};
}

QString toMarkdown(const ExportInput &in)
{
    QString md;
    for (const auto &f : headerFields(in))
        md += QStringLiteral("> **%1:** %2  \n").arg(f.first, f.second);
    md += QStringLiteral("\n");
    md += in.document.body;
    if (!md.endsWith(u'\n'))
        md += u'\n';
    md += QStringLiteral("\n---\n_Exported from Sitrep on %1._\n").arg(when(in.exportedAt));
    return md;
}

// The Markdown body as HTML, via Qt's own (md4c) reader: what the editor preview shows is
// what the export contains.
QString renderableMarkdown(const QString &markdown)
{
    // Qt's reader pulls the next heading into an empty list item ("- " on its own line,
    // the placeholder of an empty section): give such items invisible content.
    static const QRegularExpression emptyItem(QStringLiteral("(?m)^([ \\t]*[-*+])[ \\t]*$"));
    QString md = markdown;
    md.replace(emptyItem, QStringLiteral("\\1 &nbsp;"));
    return md;
}

static QString bodyHtml(const QString &markdown)
{
    QTextDocument d;
    d.setMarkdown(renderableMarkdown(markdown), QTextDocument::MarkdownDialectGitHub);
    QString html = d.toHtml();
    const qsizetype b = html.indexOf(QStringLiteral("<body"));
    const qsizetype bs = b >= 0 ? html.indexOf(u'>', b) + 1 : 0;
    const qsizetype be = html.lastIndexOf(QStringLiteral("</body>"));
    html = html.mid(bs, be > bs ? be - bs : -1);
    // Qt writes tables with border="1" and no padding; give them room to breathe.
    html.replace(QRegularExpression(QStringLiteral("<table border=\"1\"[^>]*>")),
                 QStringLiteral("<table class=\"grid\" border=\"1\" cellspacing=\"0\" "
                                "cellpadding=\"4\" width=\"100%\">"));
    return html;
}

static QString headerHtml(const ExportInput &in)
{
    QString h = QStringLiteral(
        "<table class=\"header\" border=\"0\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\" "
        "style=\"background-color:#f1f3f5; margin-bottom:12px;\">");
    h += QStringLiteral("<tr><td colspan=\"4\" style=\"font-size:16pt; font-weight:bold; "
                        "padding:6px;\">%1 — %2</td></tr>")
             .arg(in.incident.number.toHtmlEscaped(), in.incident.title.toHtmlEscaped());
    const auto fields = headerFields(in);
    for (int i = 2; i < fields.size(); i += 2) {
        h += QStringLiteral("<tr>");
        for (int j = i; j < i + 2; ++j) {
            if (j < fields.size())
                h += QStringLiteral(
                         "<td width=\"19%\" nowrap><b>%1</b></td><td width=\"31%\">%2</td>")
                         .arg(fields[j].first.toHtmlEscaped(), fields[j].second.toHtmlEscaped());
            else
                h += QStringLiteral("<td></td><td></td>");
        }
        h += QStringLiteral("</tr>");
    }
    h += QStringLiteral("</table>");
    return h;
}

QString toHtml(const ExportInput &in)
{
    QString html =
        QStringLiteral(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
            "charset=\"utf-8\">\n<title>Postmortem %1 — %2</title>\n"
            "<style>\nbody{font-family:sans-serif;max-width:60em;margin:2em "
            "auto;line-height:1.45;color:#1b1f23}\n"
            "table.grid{border-collapse:collapse;width:100%%}table.grid td,table.grid "
            "th{border:1px solid #adb5bd;padding:4px 8px;vertical-align:top}\n"
            "table.header{background:#f1f3f5;border-radius:4px}h1{font-size:1.6em}h2{border-bottom:"
            "1px solid #dee2e6;padding-bottom:.2em}\n"
            "footer{color:#6c757d;font-size:.85em;margin-top:3em}\n</style>\n</head>\n<body>\n")
            .arg(in.incident.number.toHtmlEscaped(), in.incident.title.toHtmlEscaped());
    html.replace(QStringLiteral("100%%"), QStringLiteral("100%"));
    html += headerHtml(in) + u'\n';
    html += bodyHtml(in.document.body) + u'\n';
    html += QStringLiteral("<footer>Exported from Sitrep on %1.</footer>\n</body>\n</html>\n")
                .arg(when(in.exportedAt));
    return html;
}

void buildDocument(QTextDocument &doc, const ExportInput &in)
{
    doc.setDocumentMargin(0);
    doc.setMetaInformation(QTextDocument::DocumentTitle,
                           QStringLiteral("Postmortem %1").arg(in.incident.number));
    doc.setHtml(QStringLiteral("<html><body>") + headerHtml(in) + bodyHtml(in.document.body) +
                QStringLiteral("</body></html>"));
}

Status writePdf(const ExportInput &in, const QString &path)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return Status::fail(QStringLiteral("PDF export needs a GUI application object (fonts)"),
                            QStringLiteral("internal"));
    // Laid out into memory, then written with every error checked (QPdfWriter on a file
    // would drop a write error silently).
    QBuffer pdf;
    pdf.open(QIODevice::WriteOnly);
    QPdfWriter writer(&pdf);
    writer.setResolution(300);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(18, 16, 18, 16), QPageLayout::Millimeter));
    writer.setTitle(
        QStringLiteral("Postmortem %1 — %2").arg(in.incident.number, in.incident.title));
    writer.setCreator(QStringLiteral("Sitrep"));

    QTextDocument doc;
    // Lay out for the PDF's resolution so point sizes come out as points on paper.
    doc.documentLayout()->setPaintDevice(&writer);
    QFont base = doc.defaultFont();
    base.setPointSizeF(10);
    doc.setDefaultFont(base);
    buildDocument(doc, in);

    const QRect page = writer.pageLayout().paintRectPixels(writer.resolution());
    const int footer = int(writer.resolution() * 0.35); // ~9 mm for the page number
    const QSizeF body(page.width(), page.height() - footer);
    doc.setPageSize(body);
    const int pages = doc.pageCount();

    QPainter p;
    if (!p.begin(&writer))
        return Status::fail(QStringLiteral("cannot write %1").arg(path), QStringLiteral("io"));
    QFont small = base;
    small.setPointSizeF(8);
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        p.save();
        const QRectF view(0, i * body.height(), body.width(), body.height());
        p.translate(0, -view.top());
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.clip = view;
        ctx.palette.setColor(QPalette::Text, Qt::black);
        doc.documentLayout()->draw(&p, ctx);
        p.restore();
        p.setFont(small);
        p.setPen(QColor(0x55, 0x55, 0x55));
        const QRectF foot(0, body.height(), body.width(), footer);
        p.drawText(foot, Qt::AlignLeft | Qt::AlignBottom,
                   QStringLiteral("%1 postmortem — %2")
                       .arg(in.incident.number, statusLabel(in.document.status)));
        p.drawText(foot, Qt::AlignRight | Qt::AlignBottom,
                   QStringLiteral("Page %1 of %2").arg(i + 1).arg(pages));
    }
    if (!p.end())
        return Status::fail(QStringLiteral("cannot finish %1").arg(path), QStringLiteral("io"));
    return util::writeOutputFile(path, pdf.data());
}

Status exportTo(const ExportInput &in, Format format, const QString &path)
{
    if (format == Format::Pdf)
        return writePdf(in, path);
    return util::writeOutputFile(path,
                                 (format == Format::Html ? toHtml(in) : toMarkdown(in)).toUtf8());
}

} // namespace sitrep::postmortem
