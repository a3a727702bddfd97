// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"
#include "postmortem/postmortemstore.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

class QTextDocument;

namespace sitrep::postmortem {

/// What an export needs: the document, its incident and the incident's timeline.
struct ExportInput {
    Document document;
    domain::Incident incident;
    QList<domain::Event> timeline;
    qint64 exportedAt = 0;
};

enum class Format { Markdown, Html, Pdf };
/// "md"/"markdown", "html", "pdf"; nullopt-like false in ok when unknown.
Format parseFormat(const QString &name, bool *ok);

/// Markdown prepared for Qt's Markdown reader (editor preview and exports).
QString renderableMarkdown(const QString &markdown);
/// The document's Markdown with a header block (incident, severity, status, version).
QString toMarkdown(const ExportInput &in);
/// A standalone HTML page: the incident header, then the document (tables for the
/// timeline and the action items).
QString toHtml(const ExportInput &in);
/// The same content as a QTextDocument (for the PDF and for previews). Needs a
/// QGuiApplication (fonts).
void buildDocument(QTextDocument &doc, const ExportInput &in);
/// A4 PDF: the incident header on page one, page numbers "Page n of m" in the footer.
/// Needs a QGuiApplication.
Status writePdf(const ExportInput &in, const QString &path);
/// Writes any format to `path`.
Status exportTo(const ExportInput &in, Format format, const QString &path);

} // namespace sitrep::postmortem
