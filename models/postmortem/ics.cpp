// SPDX-License-Identifier: MIT
#include "postmortem/ics.h"

#include "domain/incident.h"
#include "postmortem/postmortemstore.h"

#include <QDateTime>

namespace sitrep::postmortem {

QString escapeText(const QString &s)
{
    QString out;
    out.reserve(s.size());
    for (const QChar c : s) {
        if (c == u'\\' || c == u';' || c == u',')
            out += u'\\', out += c;
        else if (c == u'\n')
            out += QStringLiteral("\\n");
        else if (c == u'\r')
            continue;
        else
            out += c;
    }
    return out;
}

static QByteArray utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"))
        .toLatin1();
}

// Folds one content line: at most 75 octets per physical line, continuation lines start
// with a space, and a UTF-8 sequence is never split.
static QByteArray fold(const QByteArray &line)
{
    QByteArray out;
    int count = 0;
    for (int i = 0; i < line.size();) {
        int len = 1;
        const uchar c = uchar(line[i]);
        if (c >= 0xF0)
            len = 4;
        else if (c >= 0xE0)
            len = 3;
        else if (c >= 0xC0)
            len = 2;
        if (count + len > 75) {
            out += "\r\n ";
            count = 1;
        }
        out += line.mid(i, len);
        count += len;
        i += len;
    }
    return out + "\r\n";
}

static QString address(const QString &who, const QString &domain)
{
    const QString w = who.trimmed();
    if (w.startsWith(QStringLiteral("mailto:"), Qt::CaseInsensitive))
        return w;
    if (w.contains(u'@'))
        return QStringLiteral("mailto:") + w;
    // A name becomes an ASCII local part: accents dropped (NFKD), anything else a dot.
    QString local;
    for (const QChar c : w.normalized(QString::NormalizationForm_KD)) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        const bool ok = c.unicode() < 128 && (c.isLetterOrNumber() || c == u'-' || c == u'_');
        if (ok)
            local += c.toLower();
        else if (!local.isEmpty() && !local.endsWith(u'.'))
            local += u'.';
    }
    while (local.endsWith(u'.'))
        local.chop(1);
    if (local.isEmpty())
        local = QStringLiteral("attendee");
    return QStringLiteral("mailto:%1@%2").arg(local, domain);
}

static QString paramValue(const QString &v)
{
    // Parameter values with ':' ';' ',' must be quoted; quotes themselves are not allowed.
    QString s = v;
    s.remove(u'"');
    return s.contains(u':') || s.contains(u';') || s.contains(u',') ? u'"' + s + u'"' : s;
}

QByteArray toIcs(const Invitation &inv)
{
    QByteArray out;
    auto line = [&](const QString &l) { out += fold(l.toUtf8()); };
    line(QStringLiteral("BEGIN:VCALENDAR"));
    line(QStringLiteral("VERSION:2.0"));
    line(QStringLiteral("PRODID:-//Sitrep//Postmortem review//EN"));
    line(QStringLiteral("CALSCALE:GREGORIAN"));
    line(QStringLiteral("METHOD:REQUEST"));
    line(QStringLiteral("BEGIN:VEVENT"));
    line(QStringLiteral("UID:") + inv.uid);
    line(QStringLiteral("DTSTAMP:") + QString::fromLatin1(utc(inv.stampMs)));
    line(QStringLiteral("DTSTART:") + QString::fromLatin1(utc(inv.startMs)));
    line(QStringLiteral("DTEND:") + QString::fromLatin1(utc(inv.startMs + inv.durationMs)));
    line(QStringLiteral("SEQUENCE:%1").arg(inv.sequence));
    line(QStringLiteral("SUMMARY:") + escapeText(inv.summary));
    if (!inv.description.isEmpty())
        line(QStringLiteral("DESCRIPTION:") + escapeText(inv.description));
    if (!inv.location.isEmpty())
        line(QStringLiteral("LOCATION:") + escapeText(inv.location));
    if (!inv.organizer.isEmpty())
        line(QStringLiteral("ORGANIZER;CN=%1:%2")
                 .arg(paramValue(inv.organizer), address(inv.organizer, inv.mailDomain)));
    for (const QString &a : inv.attendees)
        line(
            QStringLiteral("ATTENDEE;CN=%1;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:%2")
                .arg(paramValue(a), address(a, inv.mailDomain)));
    line(QStringLiteral("STATUS:TENTATIVE"));
    line(QStringLiteral("TRANSP:OPAQUE"));
    line(QStringLiteral("BEGIN:VALARM"));
    line(QStringLiteral("ACTION:DISPLAY"));
    line(QStringLiteral("DESCRIPTION:") + escapeText(inv.summary));
    line(QStringLiteral("TRIGGER:-PT15M"));
    line(QStringLiteral("END:VALARM"));
    line(QStringLiteral("END:VEVENT"));
    line(QStringLiteral("END:VCALENDAR"));
    return out;
}

Invitation reviewInvitation(const Document &doc, const domain::Incident &inc, qint64 nowMs,
                            const QString &mailDomain)
{
    Invitation inv;
    inv.uid = QStringLiteral("postmortem-review-%1@sitrep").arg(inc.uid);
    inv.summary = QStringLiteral("Postmortem review: %1 %2").arg(inc.number, inc.title);
    inv.description = QStringLiteral("Blameless review of %1 (%2, %3).\nOwners: %4\nStatus of the "
                                     "document: %5, version %6.\n"
                                     "Please read the draft before the meeting and bring action "
                                     "items with owners and due dates.")
                          .arg(inc.number, domain::severityLabel(inc.severity),
                               inc.services.join(QStringLiteral(", ")),
                               doc.owners.join(QStringLiteral(", ")), statusLabel(doc.status))
                          .arg(doc.version);
    inv.location = QStringLiteral("Incident war room %1").arg(inc.number);
    inv.organizer = doc.owners.value(0, QStringLiteral("sitrep"));
    inv.attendees = doc.owners;
    for (const QString &r : inc.responders)
        if (!inv.attendees.contains(r))
            inv.attendees << r;
    inv.startMs = doc.reviewAt > 0 ? doc.reviewAt : nowMs + 48LL * 3600 * 1000;
    inv.stampMs = nowMs;
    inv.sequence = 0;
    inv.mailDomain = mailDomain;
    return inv;
}

} // namespace sitrep::postmortem
