// SPDX-License-Identifier: MIT
#include "postmortem/draft.h"

#include "domain/synckinds.h"
#include "postmortem/logging.h"
#include "workflow/yamlutil.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace sitrep::postmortem {

using namespace sitrep::domain;

QStringList defaultSections()
{
    return {QStringLiteral("Summary"),        QStringLiteral("Impact"),
            QStringLiteral("Timeline"),       QStringLiteral("Root Cause"),
            QStringLiteral("Resolution"),     QStringLiteral("Action Items"),
            QStringLiteral("What went well"), QStringLiteral("What could be improved"),
            QStringLiteral("Lessons learned")};
}

QStringList Template::titles() const
{
    QStringList t;
    for (const Section &s : sections)
        t << s.title;
    return t;
}

bool isKeyEvent(const Event &e)
{
    return e.kind == kinds::Opened || e.kind == kinds::Transitioned || e.kind == kinds::NoteAdded ||
           e.kind == kinds::ApprovalGranted || e.kind == kinds::StatusUpdate ||
           e.kind == kinds::CommanderSet || e.kind == kinds::SlaBreached ||
           e.kind == kinds::Assigned || e.kind == kinds::Escalation || e.kind == kinds::Conflict;
}

QString formatUtcMinute(qint64 ms)
{
    // Written by hand from 1970 to 9999 (QDateTime::toString() parses its format every time, and
    // a draft shows a time per timeline line); the rest as QDateTime writes it.
    constexpr qint64 DayMs = 86400000;
    constexpr qint64 End = 253402300800000; // 10000-01-01T00:00:00Z
    if (ms < 0 || ms >= End)
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    // Days since 1970-01-01 to the civil date (proleptic Gregorian, as QDate).
    const qint64 z = ms / DayMs + 719468;
    const qint64 era = z / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yoe + era * 400 + (month <= 2 ? 1 : 0));
    const int minuteOfDay = int(ms % DayMs / 60000);
    const int hour = minuteOfDay / 60, minute = minuteOfDay % 60;
    char16_t text[20];
    const auto two = [](char16_t *p, int v) {
        p[0] = char16_t(u'0' + v / 10);
        p[1] = char16_t(u'0' + v % 10);
    };
    two(text, year / 100);
    two(text + 2, year % 100);
    text[4] = u'-';
    two(text + 5, month);
    text[7] = u'-';
    two(text + 8, day);
    text[10] = u' ';
    two(text + 11, hour);
    text[13] = u':';
    two(text + 14, minute);
    text[16] = u' ';
    text[17] = u'U';
    text[18] = u'T';
    text[19] = u'C';
    return QString(reinterpret_cast<const QChar *>(text), 20);
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    const qint64 min = ms / 60000;
    if (min < 60)
        return QStringLiteral("%1 min").arg(min);
    const qint64 h = min / 60;
    if (h < 48)
        return QStringLiteral("%1 h %2 min").arg(h).arg(min % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(h / 24).arg(h % 24);
}

QString describeEvent(const Event &e)
{
    const QJsonObject &p = e.payload;
    if (e.kind == kinds::Opened)
        return QStringLiteral("Incident opened: %1 (%2, %3)")
            .arg(p[u"title"].toString(), severityLabel(parseSeverity(p[u"severity"].toString())),
                 p[u"priority"].toString());
    if (e.kind == kinds::Transitioned)
        return QStringLiteral("State %1 → %2").arg(p[u"from"].toString(), p[u"to"].toString());
    if (e.kind == kinds::NoteAdded)
        return QStringLiteral("Note: %1").arg(p[u"text"].toString());
    if (e.kind == kinds::ApprovalGranted)
        return QStringLiteral("Approved by %1 (for %2)")
            .arg(p[u"approver"].toString(), p[u"for"].toString());
    if (e.kind == kinds::StatusUpdate)
        return QStringLiteral("Status update (%1): %2")
            .arg(p[u"visibility"].toString(), p[u"message"].toString());
    if (e.kind == kinds::CommanderSet)
        return QStringLiteral("Incident commander: %1").arg(p[u"commander"].toString());
    if (e.kind == kinds::Assigned)
        return QStringLiteral("Assigned to %1%2")
            .arg(p[u"assignee"].toString(),
                 p[u"group"].toString().isEmpty()
                     ? QString()
                     : QStringLiteral(" (%1)").arg(p[u"group"].toString()));
    if (e.kind == kinds::SlaBreached)
        return QStringLiteral("SLA breached (%1)").arg(p[u"sla"].toString());
    if (e.kind == kinds::FieldSet)
        return QStringLiteral("%1 set to %2")
            .arg(p[u"field"].toString(), p[u"value"].toVariant().toString());
    if (e.kind == kinds::AlertLinked)
        return QStringLiteral("Alert linked: %1").arg(p[u"title"].toString(p[u"alert"].toString()));
    if (e.kind == kinds::EvidenceAttached)
        return QStringLiteral("Evidence: %1").arg(p[u"title"].toString());
    if (e.kind == kinds::Escalation)
        return QStringLiteral("Escalated to %1").arg(p[u"contact"].toString());
    if (e.kind == kinds::ActionItem)
        return QStringLiteral("Action item %1: %2")
            .arg(p[u"op"].toString(), p[u"title"].toString(p[u"id"].toString()));
    if (e.kind == kinds::SyncRejected)
        return p[u"message"].toString();
    if (p.contains(u"message"))
        return QStringLiteral("%1: %2").arg(e.kind, p[u"message"].toString());
    return e.kind;
}

QList<Event> keyEvents(const QList<Event> &timeline, int maxNotes)
{
    // Notes are where the findings are, but a long war room has hundreds of them: keep the
    // longest ones (they tend to carry the diagnosis), in time order.
    QList<int> noteIdx;
    for (int i = 0; i < timeline.size(); ++i)
        if (timeline[i].kind == kinds::NoteAdded)
            noteIdx << i;
    if (noteIdx.size() > maxNotes) {
        std::stable_sort(noteIdx.begin(), noteIdx.end(), [&](int a, int b) {
            return timeline[a].payload[u"text"].toString().size() >
                   timeline[b].payload[u"text"].toString().size();
        });
        noteIdx = noteIdx.mid(0, qMax(0, maxNotes));
    }
    QList<Event> out;
    for (int i = 0; i < timeline.size(); ++i) {
        const Event &e = timeline[i];
        if (e.kind == kinds::NoteAdded ? noteIdx.contains(i) : isKeyEvent(e))
            out << e;
    }
    return out;
}

Template defaultTemplate()
{
    // The built-in template is compiled in and never changes while running: parse it once
    // (resolving many incidents in a batch used to re-read the YAML for every draft).
    static const Template cached = [] {
        auto t = loadTemplate(QStringLiteral(":/sitrep/postmortem/template.yaml"));
        if (t)
            return *t;
        Template d;
        d.name = QStringLiteral("Default postmortem");
        for (const QString &s : defaultSections())
            d.sections << Section{s, {}};
        return d;
    }();
    return cached;
}

Result<Template> parseTemplate(const QByteArray &text, const QString &source)
{
    using R = Result<Template>;
    Template t;
    t.source = source;
    const QString suffix = QFileInfo(source).suffix().toLower();
    if (suffix == u"md" || suffix == u"markdown") {
        // Every "## Heading" starts a section; the text under it is the hint.
        t.name = QFileInfo(source).completeBaseName();
        const QStringList lines = QString::fromUtf8(text).split(u'\n');
        for (const QString &l : lines) {
            if (l.startsWith(QStringLiteral("## "))) {
                t.sections << Section{l.mid(3).trimmed(), {}};
            } else if (l.startsWith(QStringLiteral("# ")) && t.sections.isEmpty()) {
                t.name = l.mid(2).trimmed();
            } else if (!t.sections.isEmpty() && !l.trimmed().isEmpty()) {
                QString &h = t.sections.last().hint;
                h += (h.isEmpty() ? QString() : QStringLiteral("\n")) + l.trimmed();
            }
        }
        if (t.sections.isEmpty())
            return R::fail(QStringLiteral("%1: no '## Section' headings found").arg(source),
                           QStringLiteral("template"));
        return t;
    }
    auto doc = workflow::parseYaml(text, source);
    if (!doc)
        return R::fail(doc.errorMessage(), QStringLiteral("template"));
    const YAML::Node root = *doc;
    if (!root.IsMap() || !root["sections"] || !root["sections"].IsSequence())
        return R::fail(workflow::yamlError(source, root.Mark(),
                                           QStringLiteral("a template needs a 'sections' list")),
                       QStringLiteral("template"));
    t.name = workflow::str(root["name"], QFileInfo(source).completeBaseName());
    for (const auto &n : root["sections"]) {
        Section s;
        if (n.IsScalar()) {
            s.title = workflow::str(n).trimmed();
        } else if (n.IsMap()) {
            s.title = workflow::str(n["title"]).trimmed();
            s.hint = workflow::str(n["hint"]).trimmed();
        }
        if (s.title.isEmpty())
            return R::fail(
                workflow::yamlError(source, n.Mark(), QStringLiteral("a section needs a title")),
                QStringLiteral("template"));
        t.sections << s;
    }
    if (t.sections.isEmpty())
        return R::fail(workflow::yamlError(source, root["sections"].Mark(),
                                           QStringLiteral("the template has no sections")),
                       QStringLiteral("template"));
    return t;
}

Result<Template> loadTemplate(const QString &path)
{
    return workflow::loadSourceFile<Template>(path, parseTemplate);
}

Template effectiveTemplate(const QString &userPath, QString *error)
{
    if (!userPath.isEmpty()) {
        auto t = loadTemplate(userPath);
        if (t)
            return *t;
        qCWarning(lcPostmortem).noquote() << t.errorMessage();
        if (error)
            *error = t.errorMessage();
    }
    return defaultTemplate();
}

static QString cell(QString s)
{
    return s.replace(u'|', u'/').replace(u'\n', u' ').trimmed();
}

static QString orPlaceholder(const QString &v, const QString &placeholder)
{
    return v.trimmed().isEmpty() ? placeholder : v;
}

QString draftMarkdown(const Incident &inc, const QList<Event> &timeline, const Template &tmpl)
{
    const qint64 end = inc.resolvedAt > 0
                           ? inc.resolvedAt
                           : (timeline.isEmpty() ? inc.createdAt : timeline.last().ts);
    const QList<ActionItem> items = actionItemsFrom(timeline);
    QString resolutionNote = inc.resolutionNote;
    QStringList notes;
    for (const Event &e : timeline) {
        if (e.kind == kinds::Transitioned && resolutionNote.isEmpty())
            resolutionNote = e.payload[u"resolution_note"].toString();
        if (e.kind == kinds::NoteAdded)
            notes << e.payload[u"text"].toString();
    }
    QStringList owners;
    for (const QString &o : {inc.commander, inc.assignee})
        if (!o.isEmpty() && !owners.contains(o))
            owners << o;

    QString md = QStringLiteral("# Incident Postmortem: %1 — %2\n\n").arg(inc.number, inc.title);
    for (const Section &section : tmpl.sections) {
        md += QStringLiteral("## %1\n\n").arg(section.title);
        const QString s = section.title.toLower().trimmed();
        const QString hint =
            section.hint.isEmpty() ? QString() : QStringLiteral("*%1*\n\n").arg(section.hint);
        if (s == u"summary" || s == u"incident summary") {
            md += QStringLiteral("- **Date:** %1\n- **Duration:** %2 (%3 minutes)\n- **Severity:** "
                                 "%4 (%5)\n- **Priority:** %6\n"
                                 "- **Commander:** %7\n- **Assignee:** %8\n- **Services:** %9\n")
                      .arg(formatUtcMinute(inc.createdAt), formatDuration(end - inc.createdAt),
                           QString::number((end - inc.createdAt) / 60000.0, 'f', 1),
                           severityLabel(inc.severity), severityName(inc.severity),
                           priorityName(inc.priority),
                           orPlaceholder(inc.commander, QStringLiteral("(none recorded)")),
                           orPlaceholder(inc.assignee, QStringLiteral("(unassigned)")),
                           orPlaceholder(inc.services.join(QStringLiteral(", ")),
                                         QStringLiteral("(none recorded)")));
            md += QStringLiteral("- **Postmortem owners:** %1\n\n")
                      .arg(orPlaceholder(owners.join(QStringLiteral(", ")),
                                         QStringLiteral("[assign owners]")));
            md += orPlaceholder(inc.description, QStringLiteral("[What happened]")) +
                  QStringLiteral("\n\n");
        } else if (s == u"impact") {
            md += QStringLiteral("- **User impact:** %1\n- **Services affected:** %2\n"
                                 "- **Data impact:** [None known]\n- **Financial impact:** "
                                 "[Estimate if applicable]\n")
                      .arg(inc.impact.isEmpty()
                               ? QStringLiteral("[Describe customer impact]")
                               : QStringLiteral("%1 (urgency %2)")
                                     .arg(inc.impact,
                                          orPlaceholder(inc.urgency, QStringLiteral("-"))),
                           orPlaceholder(inc.services.join(QStringLiteral(", ")),
                                         QStringLiteral("[none recorded]")));
            if (inc.slaBreached)
                md += QStringLiteral("- **SLA:** %1 breached\n")
                          .arg((inc.slaBreached & SlaResponseBreached) &&
                                       (inc.slaBreached & SlaResolutionBreached)
                                   ? QStringLiteral("response and resolution")
                               : (inc.slaBreached & SlaResponseBreached)
                                   ? QStringLiteral("response")
                                   : QStringLiteral("resolution"));
            md += u'\n';
        } else if (s == u"timeline") {
            md += QStringLiteral("| Time | Actor | Event |\n|---|---|---|\n");
            for (const Event &e : keyEvents(timeline))
                md += QStringLiteral("| %1 | %2 | %3 |\n")
                          .arg(formatUtcMinute(e.ts), cell(e.actor), cell(describeEvent(e)));
            md += u'\n';
        } else if (s == u"root cause") {
            md += QStringLiteral("- **Category:** %1\n\n")
                      .arg(orPlaceholder(inc.rootCause, QStringLiteral("[not set]")));
            md += hint.isEmpty() ? QStringLiteral("[Technical root cause analysis]\n\n") : hint;
        } else if (s == u"resolution") {
            md += orPlaceholder(resolutionNote, QStringLiteral("[Steps taken to resolve]")) +
                  QStringLiteral("\n\n");
            if (inc.timeSpentMinutes > 0)
                md += QStringLiteral("Time spent: %1 minutes.\n\n").arg(inc.timeSpentMinutes);
        } else if (s == u"action items") {
            md += QStringLiteral("| Action | Owner | Due | Status |\n|---|---|---|---|\n");
            for (const ActionItem &a : items)
                md +=
                    QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                        .arg(cell(a.title), cell(orPlaceholder(a.owner, QStringLiteral("[owner]"))),
                             orPlaceholder(a.due, QStringLiteral("[date]")), a.status);
            if (items.isEmpty())
                md += QStringLiteral("| [Preventive measure] | %1 | [YYYY-MM-DD] | open |\n")
                          .arg(orPlaceholder(owners.value(0), QStringLiteral("[owner]")));
            md += u'\n' + hint;
        } else {
            md +=
                hint + QStringLiteral("- [%1]\n\n")
                           .arg(s == u"what went well"
                                    ? QStringLiteral("What worked: detection, response, tools")
                                : s == u"what could be improved"
                                    ? QStringLiteral("What slowed us down or could fail next time")
                                    : QStringLiteral("Add notes"));
        }
    }
    return md;
}

// The sections titled `sections`, with the hints of the default template's sections of the
// same titles.
static Template withDefaultHints(const QStringList &sections)
{
    Template t;
    const Template def = defaultTemplate();
    for (const QString &title : sections) {
        Section s{title, {}};
        for (const Section &d : def.sections)
            if (d.title.compare(title, Qt::CaseInsensitive) == 0)
                s.hint = d.hint;
        t.sections << s;
    }
    return t;
}

QString draftMarkdown(const Incident &inc, const QList<Event> &timeline,
                      const QStringList &sections)
{
    // The default sections (those of the draft action) are matched once.
    static const QStringList defaults = defaultSections();
    static const Template defaultsWithHints = withDefaultHints(defaults);
    if (sections == defaults)
        return draftMarkdown(inc, timeline, defaultsWithHints);
    return draftMarkdown(inc, timeline, withDefaultHints(sections));
}

} // namespace sitrep::postmortem
