// SPDX-License-Identifier: MIT
#include "engine/fieldrules.h"

#include "workflow/oncall.h"
#include "workflow/prioritymatrix.h"

#include <QRegularExpression>
#include <QUrl>

namespace sitrep::engine::rules {

Status checkTitle(const QString &title)
{
    const QString t = title.trimmed();
    if (t.isEmpty())
        return Status::fail(QStringLiteral("title is required"), QStringLiteral("invalid"));
    if (t.size() > MaxTitleLength)
        return Status::fail(QStringLiteral("title is longer than %1 characters (%2)")
                                .arg(MaxTitleLength)
                                .arg(t.size()),
                            QStringLiteral("invalid"));
    // One line of plain text: a title heads lists, notifications and terminal output, where
    // a line break or an escape sequence would forge or hide what is shown.
    for (const QChar c : t)
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            return Status::fail(
                QStringLiteral(
                    "title must be one line of text without control characters (found U+%1)")
                    .arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0')),
                QStringLiteral("invalid"));
    return {};
}

Status checkText(const QString &field, const QString &text)
{
    if (text.size() > MaxTextLength)
        return Status::fail(
            QStringLiteral("%1 is longer than %2 characters").arg(field).arg(MaxTextLength),
            QStringLiteral("invalid"));
    return {};
}

Status checkServiceName(const QString &name)
{
    static const QRegularExpression re(
        QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._/-]{0,%1}$").arg(MaxServiceNameLength - 1));
    if (!re.match(name).hasMatch())
        return Status::fail(
            QStringLiteral(
                "'%1' is not a service name (letters, digits, . _ / -, up to %2 characters)")
                .arg(name)
                .arg(MaxServiceNameLength),
            QStringLiteral("invalid"));
    return {};
}

Status checkServices(const QStringList &names, const QStringList &existing)
{
    for (const QString &n : names)
        if (!existing.contains(n))
            if (auto s = checkServiceName(n); !s)
                return s;
    return {};
}

QStringList splitServices(const QString &text)
{
    QStringList out;
    static const QRegularExpression sep(QStringLiteral("[,\\n]"));
    for (const QString &s : text.split(sep, Qt::SkipEmptyParts))
        if (const QString t = s.trimmed(); !t.isEmpty() && !out.contains(t))
            out << t;
    return out;
}

Result<QString> checkAssignmentGroup(const workflow::OnCallSchedule &oncall, const QString &name,
                                     const QString &current)
{
    const QString n = name.trimmed();
    if (n.isEmpty() || n == current)
        return n;
    if (const auto *g = oncall.group(n))
        return g->name;
    QStringList known;
    for (const auto &g : oncall.groups())
        known << g.name;
    return Result<QString>::fail(QStringLiteral("unknown assignment group '%1' (groups: %2)")
                                     .arg(n, known.join(QStringLiteral(", "))),
                                 QStringLiteral("invalid"));
}

domain::Priority derivedPriority(const workflow::PriorityMatrix &matrix, const QString &impact,
                                 const QString &urgency, domain::Severity severity)
{
    if (!impact.trimmed().isEmpty() && !urgency.trimmed().isEmpty()) {
        const domain::Priority p = matrix.priority(impact, urgency);
        if (p != domain::Priority::None)
            return p;
    }
    return domain::priorityForSeverity(severity);
}

Status checkEvidenceUrl(const QString &url)
{
    const QUrl u(url, QUrl::StrictMode);
    if (!u.isValid() || u.scheme().isEmpty())
        return Status::fail(QStringLiteral("'%1' is not a valid URL").arg(url));
    const QString scheme = u.scheme().toLower();
    if (scheme != u"http" && scheme != u"https")
        return Status::fail(
            QStringLiteral("'%1' is not an http or https URL (evidence links are web pages only)")
                .arg(url));
    if (u.host().isEmpty())
        return Status::fail(QStringLiteral("'%1' names no host").arg(url));
    return {};
}

Result<qint64> parseMaxAttachmentMb(const QString &value)
{
    bool ok = false;
    const qint64 mb = value.trimmed().toLongLong(&ok);
    if (!ok || mb < 1 || mb > 2047)
        return Result<qint64>::fail(
            QStringLiteral("%1 must be a whole number of MiB from 1 to 2047, not '%2'")
                .arg(MaxAttachmentSetting, value.trimmed()));
    return mb * 1024 * 1024;
}

} // namespace sitrep::engine::rules
