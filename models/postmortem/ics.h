// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace sitrep::domain {
struct Incident;
}

namespace sitrep::postmortem {

struct Document;

/// A meeting invitation (one VEVENT, METHOD:REQUEST).
struct Invitation {
    QString uid; // stable: the same meeting updates, never duplicates
    QString summary;
    QString description;
    QString location;
    QString organizer; // name or address
    QStringList attendees;
    qint64 startMs = 0;
    qint64 durationMs = 60 * 60 * 1000;
    qint64 stampMs = 0; // DTSTAMP
    int sequence = 0;
    QString mailDomain = QStringLiteral("localhost"); // for names without '@'
};

/// RFC 5545 text: CRLF line ends, lines folded at 75 octets (never inside a UTF-8
/// sequence), TEXT values escaped, times in UTC.
QByteArray toIcs(const Invitation &inv);

/// The postmortem review meeting for a document: at its review time, with its owners.
Invitation reviewInvitation(const Document &doc, const domain::Incident &incident, qint64 nowMs,
                            const QString &mailDomain = QStringLiteral("localhost"));

/// "a\, b\; c\n" escaping of a TEXT value.
QString escapeText(const QString &s);

} // namespace sitrep::postmortem
