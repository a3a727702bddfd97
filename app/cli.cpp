// SPDX-License-Identifier: MIT
#include "app/cli.h"
#include "app/cli_agent.h"
#include "app/cli_aws.h"
#include "app/cli_postmortem.h"
#include "app/cli_remediation.h"
#include "app/cli_sync.h"
#include "app/cli_triage.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "demo/demogenerator.h"
#include "engine/fieldrules.h"
#include "host/appcontext.h"
#include "itemmodels/incidentdetails.h"
#include "postmortem/draft.h"
#include "query/sla.h"
#include "store/verifiedheads.h"
#include "sync/digestcheck.h"
#include "sync/identity.h"
#include "util/csv.h"
#include "util/outputfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>
#include <limits>
#include <optional>

namespace sitrep::cli {

using namespace sitrep::domain;
using engine::Command;

namespace {

/// Prints what a command did to an incident: its number and `verb` (or "unchanged"), or
/// with --json the number, uid and the events it recorded.
int outcome(CliSession &s, const Result<engine::Outcome> &r, const QString &verb)
{
    if (!r)
        return s.fail(r.errorMessage());
    if (s.json()) {
        QJsonArray ev;
        for (const auto &e : r->events)
            ev << e.toJson();
        printJson(QJsonObject{{QStringLiteral("number"), r->number},
                              {QStringLiteral("uid"), r->incidentUid},
                              {QStringLiteral("events"), ev}});
    } else {
        out() << r->number << ": " << (r->noop ? QStringLiteral("unchanged") : verb) << "\n";
    }
    return ExitOk;
}

/// Records one change of `kind` on the incident named first and prints what it did.
int change(CliSession &s, Command::Kind kind, const QJsonObject &payload, const QString &done)
{
    return outcome(s, s.engine().execute(Command::make(kind, s.pos(0), payload, s.actor())), done);
}

void printIncidentLine(const Incident &i)
{
    out() << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                 .arg(i.number, -10)
                 .arg(severityLabel(i.severity), -4)
                 .arg(priorityName(i.priority), -2)
                 .arg(printable(i.state), -14)
                 .arg(i.assignee.isEmpty() ? QStringLiteral("-") : printable(i.assignee), -14)
                 .arg(when(i.createdAt), -16)
                 .arg(printable(i.title));
}

Result<store::ListQuery> listQuery(CliSession &s)
{
    using RQ = Result<store::ListQuery>;
    store::ListQuery q;
    const auto &wf = s.engine().workflow();
    for (const QString &st : s.values("state")) {
        const QString c = wf.canonicalState(st);
        if (c.isEmpty()) {
            QStringList n;
            for (const auto &x : wf.states())
                n << x.id;
            return RQ::fail(QStringLiteral("unknown state '%1' (states: %2)")
                                .arg(st, n.join(QStringLiteral(", "))));
        }
        q.states << c;
    }
    if (s.has("priority")) {
        q.priority = int(parsePriority(s.value("priority")));
        if (q.priority == 0)
            return RQ::fail(
                QStringLiteral("unknown priority '%1' (P1, P2, P3, P4)").arg(s.value("priority")));
    }
    if (s.has("severity")) {
        q.severity = int(parseSeverity(s.value("severity")));
        if (q.severity == 0)
            return RQ::fail(QStringLiteral("unknown severity '%1' (critical, high, medium, low)")
                                .arg(s.value("severity")));
    }
    q.search = s.value("search");
    q.service = s.value("service");
    q.assignee = s.value("assignee");
    if (s.has("open"))
        q.open = true;
    if (s.has("limit")) {
        bool ok = false;
        q.limit = s.value("limit").toInt(&ok);
        if (!ok || q.limit < 1)
            return RQ::fail(QStringLiteral("--limit must be a positive number"));
    }
    return q;
}

// --- handlers ------------------------------------------------------------------------

int cmdDemo(CliSession &s)
{
    bool ok1 = false, ok2 = false;
    demo::DemoOptions o;
    o.incidents = s.value("incidents").toInt(&ok1);
    o.seed = s.value("seed").toULongLong(&ok2);
    if (!ok1 || o.incidents < 1 || o.incidents > 10000000)
        return s.fail(QStringLiteral("--incidents must be between 1 and 10000000"));
    if (!ok2)
        return s.fail(QStringLiteral("--seed must be a number"));
    if (!s.open(DbAccess::CreateIfDone))
        return s.code();
    if (const qint64 n = s.store().incidentCount(); n > 0 && !s.has("force"))
        return s.fail(
            QStringLiteral(
                "%1 already holds %2 incidents; demo data goes into a new database (--db NEW.db), "
                "or add --force to mix it in")
                .arg(s.context().dbPath())
                .arg(n));
    auto r = demo::runDemo(s.engine(), o, [&](qint64 done, qint64 total) {
        if (!s.json() && total > 20000)
            fprintf(stderr, "\r%lld/%lld commands", qlonglong(done), qlonglong(total));
    });
    if (!r)
        return s.fail(r.errorMessage());
    if (s.json())
        printJson(QJsonObject{{QStringLiteral("commands"), *r},
                              {QStringLiteral("incidents"), s.store().incidentCount()}});
    else
        out() << "demo: " << *r << " commands applied; " << s.store().incidentCount()
              << " incidents in " << s.context().dbPath() << "\n";
    return ExitOk;
}

int cmdCreate(CliSession &s)
{
    if (!s.has("title"))
        return s.usage(QStringLiteral("--title is required"));
    if (!s.has("severity") && !(s.has("impact") && s.has("urgency")) && !s.has("priority"))
        return s.usage(QStringLiteral("--severity is required (critical, high, medium, low)"));
    if (!s.open(DbAccess::CreateIfDone))
        return s.code();
    QJsonObject a{{QStringLiteral("title"), s.value("title")},
                  {QStringLiteral("severity"), s.value("severity")},
                  {QStringLiteral("description"), s.value("description")},
                  {QStringLiteral("impact"), s.value("impact")},
                  {QStringLiteral("urgency"), s.value("urgency")},
                  {QStringLiteral("priority"), s.value("priority")},
                  {QStringLiteral("category"), s.value("category")},
                  {QStringLiteral("subcategory"), s.value("subcategory")},
                  {QStringLiteral("services"), QJsonArray::fromStringList(s.values("service"))},
                  {QStringLiteral("cis"), QJsonArray::fromStringList(s.values("ci"))},
                  {QStringLiteral("assignee"), s.value("assignee")},
                  {QStringLiteral("assignment_group"), s.value("group")},
                  {QStringLiteral("commander"), s.value("commander")},
                  {QStringLiteral("alerts"), QJsonArray::fromStringList(s.values("alert"))},
                  {QStringLiteral("reporter"), s.actor()}};
    // Groups are checked where people name them (imported history may carry others).
    if (auto g = engine::rules::checkAssignmentGroup(s.engine().oncall(), s.value("group")); !g)
        return s.fail(g.errorMessage());
    auto r = s.engine().execute(Command::open(a, s.actor()));
    if (!r)
        return s.fail(r.errorMessage());
    if (s.json()) {
        auto inc = s.store().incidentByUid(r->incidentUid);
        s.store().loadAlerts(*inc);
        printJson(inc->toJson());
    } else
        out() << r->number << "\n";
    out().flush();
    suggestForNewIncident(s.context(), r->number); // triage.suggested, when a model exists
    return ExitOk;
}

int cmdList(CliSession &s)
{
    auto q = listQuery(s);
    if (!q)
        return s.fail(q.errorMessage());
    const auto rows = s.store().list(*q);
    if (s.json()) {
        QJsonArray arr;
        for (auto i : rows) {
            s.store().loadAlerts(i); // related_alerts: the links are rows of their own
            arr << i.toJson();
        }
        printJson(arr);
    } else {
        for (const auto &i : rows)
            printIncidentLine(i);
        if (rows.isEmpty())
            out() << "no incidents match\n";
    }
    return ExitOk;
}

int cmdExport(CliSession &s)
{
    const QString fmt = s.value("format").toLower();
    if (fmt != u"json" && fmt != u"csv")
        return s.fail(QStringLiteral("--format must be json or csv"));
    const QString per = s.value("per").toLower();
    if (per != u"event" && per != u"incident")
        return s.fail(
            QStringLiteral("--per must be event or incident, not '%1'").arg(s.value("per")));
    if (per == u"incident" && fmt != u"csv")
        return s.fail(
            QStringLiteral("--per applies to --format csv (JSON nests each incident's timeline)"));
    if (!s.open(DbAccess::Existing))
        return s.code();
    auto q = listQuery(s);
    if (!q)
        return s.fail(q.errorMessage());
    if (!s.has("limit"))
        q->limit = std::numeric_limits<int>::max();
    q->sort = store::SortKey::Number;
    q->descending = false;
    std::optional<util::OutputFile> file;
    QTextStream fileStream;
    QTextStream *o = &out();
    if (s.has("out")) {
        file.emplace(s.value("out"));
        if (auto opened = file->open(); !opened)
            return s.fail(opened.errorMessage());
        fileStream.setDevice(file->device());
        o = &fileStream;
    }
    // Every write error ends the export (a full disk, /dev/full, a closed pipe).
    const auto writeFailed = [&] {
        o->flush();
        if (file)
            return file->check().errorMessage();
        if (o->status() != QTextStream::Ok)
            return outputError();
        return QString();
    };
    const bool perIncident = per == u"incident";
    // Page through in chunks so a million-incident export runs in bounded memory.
    const qint64 total = q->limit;
    qint64 written = 0;
    store::ListQuery page = *q;
    page.limit = 1000;
    if (fmt == u"csv" && perIncident)
        *o << "number,uid,title,severity,priority,state,open,assignee,assignment_group,commander,"
              "services,category,"
              "root_cause,created_at,acknowledged_at,mitigated_at,resolved_at,closed_at,sla_"
              "response_breached,"
              "sla_resolution_breached,time_spent_minutes,events\n";
    else if (fmt == u"csv")
        *o << "number,uid,title,severity,priority,state,assignee,assignment_group,commander,"
              "services,created_at,acknowledged_at,resolved_at,event_seq,event_at,event_actor,"
              "event_kind,event_payload\n";
    else
        *o << "[\n";
    bool first = true;
    while (written < total) {
        const auto rows = s.store().list(page);
        if (rows.isEmpty())
            break;
        for (auto i : rows) {
            if (written++ >= total)
                break;
            s.store().loadAlerts(i); // related_alerts: the links are rows of their own
            const QJsonObject j = i.toJson();
            if (perIncident) {
                *o << QStringList{util::csvCell(i.number),
                                  i.uid,
                                  util::csvCell(i.title),
                                  severityName(i.severity),
                                  priorityName(i.priority),
                                  util::csvCell(i.state),
                                  i.open ? QStringLiteral("true") : QStringLiteral("false"),
                                  util::csvCell(i.assignee),
                                  util::csvCell(i.assignmentGroup),
                                  util::csvCell(i.commander),
                                  util::csvCell(i.services.join(u';')),
                                  util::csvCell(i.category),
                                  util::csvCell(i.rootCause),
                                  j[u"created_at"].toString(),
                                  j[u"acknowledged_at"].toString(),
                                  j[u"mitigated_at"].toString(),
                                  j[u"resolved_at"].toString(),
                                  j[u"closed_at"].toString(),
                                  j[u"sla_response_breached"].toBool() ? QStringLiteral("true")
                                                                       : QStringLiteral("false"),
                                  j[u"sla_resolution_breached"].toBool() ? QStringLiteral("true")
                                                                         : QStringLiteral("false"),
                                  QString::number(i.timeSpentMinutes),
                                  QString::number(i.eventCount)}
                          .join(u',')
                   << '\n';
                continue;
            }
            const auto tl = s.store().timeline(i.uid);
            if (fmt == u"json") {
                QJsonObject obj = j;
                QJsonArray ev;
                for (const auto &e : tl)
                    ev << e.toJson();
                obj[u"timeline"] = ev;
                *o << (first ? "" : ",\n") << QJsonDocument(obj).toJson(QJsonDocument::Compact);
                first = false;
            } else {
                const QString head =
                    QStringList{util::csvCell(i.number),     i.uid,
                                util::csvCell(i.title),      severityName(i.severity),
                                priorityName(i.priority),    util::csvCell(i.state),
                                util::csvCell(i.assignee),   util::csvCell(i.assignmentGroup),
                                util::csvCell(i.commander),  util::csvCell(i.services.join(u';')),
                                j[u"created_at"].toString(), j[u"acknowledged_at"].toString(),
                                j[u"resolved_at"].toString()}
                        .join(u',');
                for (const auto &e : tl)
                    *o << head << ',' << e.seq << ',' << e.toJson()[u"at"].toString() << ','
                       << util::csvCell(e.actor) << ',' << util::csvCell(e.kind) << ','
                       << util::csvCell(QString::fromUtf8(e.payloadJson())) << '\n';
            }
        }
        page.offset += rows.size();
        if (const QString e = writeFailed(); !e.isEmpty())
            return s.fail(e);
    }
    if (fmt == u"json")
        *o << "\n]\n";
    if (const QString e = writeFailed(); !e.isEmpty())
        return s.fail(e);
    if (file)
        if (auto done = file->commit(); !done)
            return s.fail(done.errorMessage());
    if (s.has("out"))
        fprintf(stderr, "exported %lld incidents to %s\n", qlonglong(written),
                s.value("out").toUtf8().constData());
    return ExitOk;
}

int cmdShow(CliSession &s)
{
    auto inc = s.store().findIncident(s.pos(0));
    if (!inc)
        return s.fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
    const auto tl = s.store().timeline(inc->uid);
    s.store().loadAlerts(*inc);
    if (s.json()) {
        QJsonObject o = inc->toJson();
        QJsonArray ev;
        for (const auto &e : tl)
            ev << e.toJson();
        o[u"timeline"] = ev;
        o[u"allowed_transitions"] = QJsonArray::fromStringList(s.engine().allowedTransitions(*inc));
        printJson(o);
        return ExitOk;
    }
    // Everything below may come from a back end or an alert payload: printed without the
    // terminal control characters it might carry.
    const qint64 now = s.now();
    out() << inc->number << "  " << printable(inc->title) << "\n"
          << "  severity " << severityLabel(inc->severity) << " (" << severityName(inc->severity)
          << ")  priority " << priorityName(inc->priority) << "  state " << printable(inc->state)
          << (inc->open ? "" : " (closed)") << "\n"
          << "  assignee "
          << (inc->assignee.isEmpty() ? QStringLiteral("-") : printable(inc->assignee))
          << "  group "
          << (inc->assignmentGroup.isEmpty() ? QStringLiteral("-")
                                             : printable(inc->assignmentGroup))
          << "  commander "
          << (inc->commander.isEmpty() ? QStringLiteral("-") : printable(inc->commander)) << "\n"
          << "  services "
          << (inc->services.isEmpty() ? QStringLiteral("-")
                                      : printable(inc->services.join(QStringLiteral(", "))))
          << "\n"
          << "  responders "
          << (inc->responders.isEmpty() ? QStringLiteral("-")
                                        : printable(inc->responders.join(QStringLiteral(", "))))
          << "\n"
          << "  alerts "
          << (inc->alerts.isEmpty() ? QStringLiteral("-")
                                    : printable(inc->alerts.join(QStringLiteral(", "))))
          << "\n"
          << "  created " << when(inc->createdAt) << "  acknowledged " << when(inc->acknowledgedAt)
          << "  resolved " << when(inc->resolvedAt) << "\n";
    if (const query::SlaStatus sla = query::slaStatus(*inc, now); sla.active) {
        out() << "  SLA " << (inc->acknowledgedAt == 0 ? "response" : "resolution") << " due "
              << when(inc->activeDeadline()) << (sla.paused ? " (paused)" : "")
              << (sla.breached() ? "  BREACHED"
                  : sla.atRisk() ? "  AT RISK"
                                 : "")
              << "\n";
    }
    out() << "  next: " << s.engine().allowedTransitions(*inc).join(QStringLiteral(", "))
          << "\n\nTimeline:\n";
    for (const auto &e : tl)
        out() << "  " << when(e.ts) << "  " << QStringLiteral("%1").arg(printable(e.actor), -14)
              << " " << printable(itemmodels::describeTimelineEvent(e)) << "\n";
    return ExitOk;
}

int cmdTransition(CliSession &s)
{
    QJsonObject extra{{QStringLiteral("note"), s.value("note")},
                      {QStringLiteral("resolution_note"), s.value("resolution-note")},
                      {QStringLiteral("root_cause"), s.value("root-cause")}};
    if (s.has("time-spent"))
        extra[u"time_spent"] = s.value("time-spent");
    return outcome(s, s.engine().execute(Command::transition(s.pos(0), s.pos(1), s.actor(), extra)),
                   QStringLiteral("now %1").arg(s.pos(1)));
}

int cmdAck(CliSession &s)
{
    return change(s, Command::Kind::Acknowledge, {}, QStringLiteral("acknowledged"));
}

int cmdAssign(CliSession &s)
{
    const QString who = s.has("to") ? s.value("to") : s.pos(1);
    return change(s, Command::Kind::Assign,
                  {{QStringLiteral("assignee"), who}, {QStringLiteral("group"), s.value("group")}},
                  QStringLiteral("assigned"));
}

int cmdApprove(CliSession &s)
{
    QString gate = s.value("for");
    if (gate.isEmpty()) {
        // Without --for, the approval is for the gate the incident waits at: the next
        // state that needs one. Naming it keeps "approved" from meaning "approved anything".
        auto inc = s.store().findIncident(s.pos(0));
        if (!inc)
            return s.fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
        QStringList gated;
        for (const QString &to : s.engine().workflow().allowedTargets(inc->state)) {
            const QString why = s.engine().whyNot(*inc, to);
            if (why.contains(QStringLiteral("approval")))
                gated << to;
        }
        if (gated.size() == 1)
            gate = gated.first();
        else if (gated.isEmpty())
            return s.fail(
                QStringLiteral(
                    "%1 waits at no approval gate from '%2'; name the state with --for STATE")
                    .arg(inc->number, inc->state));
        else
            return s.fail(QStringLiteral("%1 has approval gates for %2; name one with --for STATE")
                              .arg(inc->number, gated.join(QStringLiteral(", "))));
    }
    auto r = s.engine().execute(Command::make(
        Command::Kind::Approve, s.pos(0),
        {{QStringLiteral("for"), gate}, {QStringLiteral("comment"), s.value("comment")}},
        s.actor()));
    QString granted = gate;
    if (r)
        for (const auto &e : r->events)
            if (e.kind == kinds::ApprovalGranted)
                granted = e.payload[u"for"].toString(gate);
    return outcome(s, r, QStringLiteral("approved by %1 for %2").arg(s.actor(), granted));
}

int cmdNote(CliSession &s)
{
    return outcome(
        s, s.engine().execute(Command::note(s.pos(0), s.positional().mid(1).join(u' '), s.actor())),
        QStringLiteral("note added"));
}

int cmdSet(CliSession &s)
{
    const QString field = s.pos(1).replace(u'-', u'_');
    QJsonValue value = s.positional().mid(2).join(u' ');
    if (field == u"services" || field == u"cis" || field == u"responders")
        value = QJsonArray::fromStringList(
            s.positional().mid(2).join(u',').split(u',', Qt::SkipEmptyParts));
    return change(s, Command::Kind::SetField,
                  {{QStringLiteral("field"), field}, {QStringLiteral("value"), value}},
                  QStringLiteral("%1 updated").arg(field));
}

int cmdLinkAlert(CliSession &s)
{
    return change(s, Command::Kind::LinkAlert,
                  {{QStringLiteral("alert"), s.pos(1)},
                   {QStringLiteral("source"), s.value("source")},
                   {QStringLiteral("title"), s.value("title")}},
                  QStringLiteral("alert linked"));
}

int cmdAttach(CliSession &s)
{
    QJsonObject a{{QStringLiteral("url"), s.value("url")},
                  {QStringLiteral("path"), s.value("file")},
                  {QStringLiteral("title"), s.value("title")}};
    a[u"kind"] = s.has("kind") ? s.value("kind")
                               : (s.has("file") ? QStringLiteral("file") : QStringLiteral("link"));
    if (s.value("title").isEmpty())
        a.remove(QStringLiteral("title"));
    return change(s, Command::Kind::AttachEvidence, a, QStringLiteral("evidence attached"));
}

int cmdStatus(CliSession &s)
{
    return change(s, Command::Kind::StatusUpdate,
                  {{QStringLiteral("message"), s.positional().mid(1).join(u' ')},
                   {QStringLiteral("visibility"),
                    s.has("external") ? QStringLiteral("external") : QStringLiteral("internal")}},
                  QStringLiteral("status update posted"));
}

int cmdCommanderOrResponder(CliSession &s)
{
    const bool c = s.spec().name == u"commander";
    return change(s, c ? Command::Kind::SetCommander : Command::Kind::AddResponder,
                  {{c ? QStringLiteral("commander") : QStringLiteral("responder"), s.pos(1)}},
                  c ? QStringLiteral("commander set") : QStringLiteral("responder added"));
}

int cmdBulkClose(CliSession &s)
{
    bool ok = false;
    const int d = s.value("stale-days").toInt(&ok);
    if (!s.has("stale-days") || !ok || d < 1)
        return s.fail(QStringLiteral("--stale-days N is required (N >= 1)"));
    if (!s.open(DbAccess::Existing))
        return s.code();
    const bool dry = s.has("dry-run");
    auto r = s.engine().bulkCloseStale(d, dry);
    if (!r)
        return s.fail(r.errorMessage());
    if (s.json()) {
        QJsonArray arr;
        for (const auto &i : *r)
            arr << i.number;
        printJson(QJsonObject{{QStringLiteral("dry_run"), dry},
                              {QStringLiteral("incidents"), arr},
                              {QStringLiteral("state"), s.engine().workflow().staleCloseState()}});
    } else {
        out() << "Found " << r->size() << " stale incidents"
              << (dry ? " (dry run, nothing changed)" : "") << "\n";
        for (const auto &i : *r)
            out() << "  " << (dry ? "would close " : "closed ") << i.number << " ("
                  << printable(i.title.left(60)) << ")\n";
    }
    return ExitOk;
}

int cmdOncall(CliSession &s)
{
    const qint64 t = host::parseTimeArg(s.value("at"), s.now());
    if (t < 0)
        return s.fail(QStringLiteral("--at '%1' is not a time (ISO 8601)").arg(s.value("at")));
    QStringList groups;
    if (s.has("group"))
        groups << s.value("group");
    else
        for (const auto &g : s.engine().oncall().groups())
            groups << g.name;
    QJsonArray arr;
    for (const QString &g : groups) {
        auto a = s.engine().oncall().onCall(g, t);
        if (!a)
            return s.fail(a.errorMessage());
        arr << QJsonObject{{QStringLiteral("group"), a->group},
                           {QStringLiteral("member"), a->member},
                           {QStringLiteral("override"), a->override},
                           {QStringLiteral("from"), when(a->shiftStart)},
                           {QStringLiteral("until"), when(a->shiftEnd)}};
        if (!s.json())
            out() << QStringLiteral("%1  %2  %3 → %4%5\n")
                         .arg(a->group, -22)
                         .arg(a->member, -14)
                         .arg(when(a->shiftStart), when(a->shiftEnd))
                         .arg(a->override ? QStringLiteral("  (override)") : QString());
    }
    if (s.json())
        printJson(arr);
    return ExitOk;
}

// The log against the heads `verify` last found good (kept outside the database file): the
// faults, empty when it is not shorter.
static QStringList shorterThanVerified(CliSession &s, store::VerifiedHeads *now)
{
    const QString path = store::verifiedHeadsPath(s.store().path());
    const auto verified = store::loadVerifiedHeads(path);
    if (!verified)
        return {verified.errorMessage()};
    QStringList faults = store::checkVerifiedHeads(s.store(), *verified, now);
    if (!faults.isEmpty())
        faults.prepend(QStringLiteral("the log is shorter than the one verified before (%1)")
                           .arg(QDir::toNativeSeparators(path)));
    return faults;
}

int cmdVerify(CliSession &s)
{
    auto rep = s.engine().verify([&](const QString &m) {
        if (!s.json())
            fprintf(stderr, "%s\n", m.toUtf8().constData());
    });
    store::VerifiedHeads heads;
    if (const QStringList shorter = shorterThanVerified(s, &heads); !shorter.isEmpty()) {
        rep.ok = false;
        rep.faults += shorter;
    } else if (rep.ok) {
        // What was found good now becomes the floor for the next verify and rebuild.
        if (auto saved =
                store::saveVerifiedHeads(store::verifiedHeadsPath(s.store().path()), heads);
            !saved)
            fprintf(stderr, "warning: %s\n", saved.errorMessage().toUtf8().constData());
    }
    // With a back end: every incident's events against the back end's (the digests).
    if (const QString url = s.store().meta(QStringLiteral("backend.url")); !url.isEmpty()) {
        const auto token = resolveToken({});
        if (!token || token->isEmpty()) {
            fprintf(stderr, "not compared with the back end: no token (%s)\n",
                    token ? "sitrep secret set backend.token" : qPrintable(token.errorMessage()));
        } else {
            if (!s.json())
                fprintf(stderr, "comparing every incident's digest with the back end\n");
            sync::RestClient client{QUrl(url), *token};
            const auto diff = waitFor<QList<sync::DigestMismatch>>(
                [&](auto done) { sync::compareDigests(s.store(), client, std::move(done)); });
            if (!diff)
                fprintf(stderr, "not compared with the back end: %s\n",
                        qPrintable(diff.errorMessage()));
            else
                for (const auto &m : *diff) {
                    rep.ok = false;
                    rep.faults << m.describe();
                }
        }
    }
    if (s.json())
        printJson(QJsonObject{{QStringLiteral("ok"), rep.ok},
                              {QStringLiteral("events"), rep.events},
                              {QStringLiteral("incidents"), rep.incidents},
                              {QStringLiteral("faults"), QJsonArray::fromStringList(rep.faults)}});
    else {
        for (const auto &f : rep.faults)
            out() << "FAULT " << printable(f) << "\n";
        out() << (rep.ok ? "ok" : "FAILED") << ": " << rep.events << " events, " << rep.incidents
              << " incidents\n";
    }
    return rep.ok ? ExitOk : ExitFailure;
}

int cmdRebuild(CliSession &s)
{
    // A rebuild makes any log look whole: one cut short since the last verify is refused.
    if (const QStringList shorter = shorterThanVerified(s, nullptr); !shorter.isEmpty())
        return s.fail(QStringLiteral("refusing to rebuild: %1").arg(shorter.join(u'\n')));
    if (auto r = s.engine().rebuildProjections(); !r)
        return s.fail(r.errorMessage());
    out() << "rebuilt " << s.store().incidentCount() << " incidents from the log";
    if (const QStringList names = s.engine().projections().names(); !names.isEmpty())
        out() << ", and the projections " << names.join(QStringLiteral(", "));
    out() << "\n";
    return ExitOk;
}

int cmdTick(CliSession &s)
{
    auto r = s.engine().checkSla(s.now());
    if (!r)
        return s.fail(r.errorMessage());
    out() << *r << " SLA breaches recorded\n";
    return ExitOk;
}

void printWorkflow(CliSession &s, const workflow::Workflow &wf)
{
    QJsonArray states;
    for (const auto &st : wf.states())
        states << QJsonObject{
            {QStringLiteral("id"), st.id},
            {QStringLiteral("sla"), workflow::slaModeName(st.sla)},
            {QStringLiteral("stamps"), st.stamps},
            {QStringLiteral("open"), st.open},
            {QStringLiteral("next"), QJsonArray::fromStringList(wf.allowedTargets(st.id))}};
    if (s.json()) {
        printJson(QJsonObject{{QStringLiteral("name"), wf.name()},
                              {QStringLiteral("source"), wf.source()},
                              {QStringLiteral("states"), states}});
        return;
    }
    out() << "workflow " << wf.name() << " (" << wf.source() << ")\n";
    for (const auto &st : wf.states())
        out() << QStringLiteral("  %1 sla=%2%3 -> %4\n")
                     .arg(st.id, -18)
                     .arg(workflow::slaModeName(st.sla), -8)
                     .arg(st.stamps.isEmpty() ? QString() : QStringLiteral(" stamps=") + st.stamps)
                     .arg(wf.allowedTargets(st.id).join(QStringLiteral(", ")));
}

int cmdWorkflow(CliSession &s)
{
    const QString verb = s.pos(0).isEmpty() ? QStringLiteral("show") : s.pos(0);
    if (verb == u"show") {
        if (s.positional().size() > 1)
            return s.usage(QStringLiteral("unexpected argument '%1'").arg(s.pos(1)));
        if (s.has("map"))
            return s.usage(QStringLiteral("--map goes with `sitrep workflow set NAME|FILE`"));
        if (!s.open(DbAccess::Existing))
            return s.code();
        printWorkflow(s, s.engine().workflow());
        return ExitOk;
    }
    if (verb != u"set")
        return s.usage(
            QStringLiteral("unknown workflow subcommand '%1'%2 (show, set NAME|FILE)")
                .arg(verb, didYouMean(verb, {QStringLiteral("show"), QStringLiteral("set")})));
    if (s.pos(1).isEmpty())
        return s.usage(
            QStringLiteral("missing argument: sitrep workflow set NAME|FILE [--map FROM=TO ...]"));
    QHash<QString, QString> mapping;
    for (const QString &m : s.values("map")) {
        const qsizetype eq = m.indexOf(u'=');
        if (eq <= 0 || eq == m.size() - 1)
            return s.usage(
                QStringLiteral("--map '%1' must look like FROM=TO (state names)").arg(m));
        mapping.insert(m.left(eq).trimmed(), m.mid(eq + 1).trimmed());
    }
    if (!s.open(DbAccess::CreateIfDone))
        return s.code();
    auto r = host::switchWorkflow(s.context(), s.pos(1), mapping, s.actor());
    if (!r)
        return s.fail(r.errorMessage());
    if (s.json()) {
        printJson(QJsonObject{{QStringLiteral("workflow"), r->name},
                              {QStringLiteral("source"), r->source},
                              {QStringLiteral("moved"), r->moved},
                              {QStringLiteral("moves"), QJsonArray::fromStringList(r->moves)}});
    } else {
        out() << "workflow " << r->name << " (" << r->source << ") saved";
        out() << (r->moved ? QStringLiteral("; %1 open incidents moved\n").arg(r->moved)
                           : QStringLiteral("\n"));
        for (const QString &m : r->moves)
            out() << "  " << m << "\n";
    }
    return ExitOk;
}

int cmdHelp(CliSession &s)
{
    const QStringList pos = s.positional();
    if (s.has("man")) {
        if (!pos.isEmpty())
            return s.usage(
                QStringLiteral("--man prints the whole manual; give no command with it"));
        out() << manPage();
        return ExitOk;
    }
    if (pos.isEmpty()) {
        out() << usageText();
        return ExitOk;
    }
    if (pos.size() > 1)
        return s.usage(QStringLiteral("unexpected argument '%1'").arg(pos[1]));
    const CommandSpec *c = findCommand(pos[0]);
    if (!c) {
        QStringList names;
        for (const auto &x : commands())
            names << x.name;
        return s.usage(QStringLiteral("no command '%1'%2").arg(pos[0], didYouMean(pos[0], names)));
    }
    out() << commandHelp(*c);
    return ExitOk;
}

// --- the table -------------------------------------------------------------------------

OptionSpec dbOption()
{
    return {
        QStringLiteral("db"),
        QStringLiteral("PATH"),
        QStringLiteral("Database file (default: $SITREP_DB, else the application data folder)."),
        {}};
}
OptionSpec jsonOption()
{
    return {QStringLiteral("json"), {}, QStringLiteral("Print JSON."), {}};
}
OptionSpec actorOption()
{
    return {QStringLiteral("actor"),
            QStringLiteral("NAME"),
            QStringLiteral("Who is acting, without a back end (default: the login name); with one, "
                           "always the token's user."),
            {}};
}
OptionSpec newWorkflowOption()
{
    return {QStringLiteral("workflow"),
            QStringLiteral("NAME|FILE"),
            QStringLiteral("Workflow preset (sre, itil, pipeline) or YAML file, for a database "
                           "with no incidents yet "
                           "(`sitrep workflow set` changes it later)."),
            {}};
}
OptionSpec opt(const char *name, const char *valueName, const char *help,
               const char *defaultValue = "")
{
    return {QString::fromLatin1(name), QString::fromLatin1(valueName), QString::fromUtf8(help),
            QString::fromLatin1(defaultValue)};
}
OptionSpec flag(const char *name, const char *help)
{
    return {QString::fromLatin1(name), {}, QString::fromUtf8(help), {}};
}
/// A command of the table; `details` is a paragraph the help prints after the summary.
CommandSpec command(const char *name, const char *args, const char *summary,
                    QList<OptionSpec> options, CommandSpec::Handler handler,
                    QList<SubcommandSpec> subcommands = {}, const char *details = "")
{
    return {QString::fromLatin1(name),
            {},
            QString::fromUtf8(args),
            QString::fromUtf8(summary),
            std::move(options),
            std::move(subcommands),
            handler,
            QString::fromUtf8(details)};
}
SubcommandSpec sub(const char *name, const char *args, const char *summary)
{
    return {QString::fromLatin1(name), QString::fromUtf8(args), QString::fromUtf8(summary)};
}

QList<OptionSpec> filterOptions()
{
    return {opt("state", "S", "Only incidents in this state (repeatable)."),
            opt("priority", "P", "Only this priority (P1 to P4)."),
            opt("severity", "S", "Only this severity (critical, high, medium, low)."),
            opt("search", "Q", "Full-text search of titles, descriptions and notes."),
            opt("limit", "N", "At most N incidents."),
            opt("service", "X", "Only incidents affecting this service."),
            opt("assignee", "A", "Only incidents assigned to A."),
            flag("open", "Open incidents only.")};
}

QList<CommandSpec> buildTable()
{
    const OptionSpec db = dbOption(), json = jsonOption(), actor = actorOption();
    QList<CommandSpec> t;
    t << command("demo", "[--incidents N] [--seed S]",
                 "fill a new database with realistic demo data",
                 {opt("incidents", "N", "How many incidents.", "400"),
                  opt("seed", "S", "Random seed (the same seed gives the same data).", "42"),
                  flag("force", "Add demo data to a database that already holds incidents."),
                  newWorkflowOption(), db, json},
                 onArguments<cmdDemo, 0, 0>);
    t << command("create", "--title T --severity S [...]", "open an incident, print its number",
                 {opt("title", "T", "One line: what is wrong."),
                  opt("severity", "S", "critical, high, medium or low (or SEV1 to SEV4)."),
                  opt("description", "D", "Longer description."),
                  opt("impact", "I", "Impact (with --urgency: priority from the matrix)."),
                  opt("urgency", "U", "Urgency (with --impact)."),
                  opt("priority", "P", "P1 to P4, instead of severity or the matrix."),
                  opt("category", "C", "Category (routes to an assignment group)."),
                  opt("subcategory", "C", "Subcategory."),
                  opt("service", "X", "Affected service (repeatable)."),
                  opt("ci", "CI", "Affected configuration item (repeatable)."),
                  opt("assignee", "A", "Assignee."), opt("group", "G", "Assignment group."),
                  opt("commander", "N", "Incident commander."),
                  opt("alert", "ID", "Related alert (repeatable)."), newWorkflowOption(), db, json,
                  actor},
                 onArguments<cmdCreate, 0, 0>);
    t << command("list", "[--state S] [--priority P] [--search Q] [...]", "incidents, newest first",
                 filterOptions() + QList<OptionSpec>{db, json}, onDatabase<cmdList, 0, 0>);
    t << command("show", "NUMBER", "an incident with its timeline", {db, json},
                 onDatabase<cmdShow, 1, 1>);
    t << command("ack", "NUMBER", "acknowledge", {db, json, actor}, onDatabase<cmdAck, 1, 1>);
    t.last().aliases << QStringLiteral("acknowledge");
    t << command("transition", "NUMBER STATE", "move through the workflow",
                 {opt("note", "T", "A note recorded with the move."),
                  opt("resolution-note", "T", "Resolution note (resolving needs one)."),
                  opt("root-cause", "C", "Root-cause category (resolving needs one)."),
                  opt("time-spent", "M", "Minutes spent."), db, json, actor},
                 onDatabase<cmdTransition, 2, 2>);
    t << command(
        "assign", "NUMBER [ASSIGNEE]", "assign (a group alone assigns its on-call)",
        {opt("to", "A", "Assignee."), opt("group", "G", "Assignment group."), db, json, actor},
        onDatabase<cmdAssign, 1, 2>);
    t << command(
        "approve", "NUMBER [--for STATE]", "record a human approval for a gated state",
        {opt("for", "STATE", "The gated state (default: the one gate the incident waits at)."),
         opt("comment", "T", "Why."), db, json, actor},
        onDatabase<cmdApprove, 1, 1>);
    t << command("note", "NUMBER TEXT...", "add a note", {db, json, actor},
                 onDatabase<cmdNote, 2, -1>);
    t << command("set", "NUMBER FIELD VALUE...", "change a field", {db, json, actor},
                 onDatabase<cmdSet, 3, -1>, {},
                 "Fields: title, description, severity, priority, impact, "
                 "urgency, category, subcategory, services, cis, "
                 "assignee, assignment_group, reporter, commander, responders, "
                 "root_cause, resolution_note, close_code, "
                 "time_spent.");
    t << command(
        "link-alert", "NUMBER ALERT_ID", "link an alert",
        {opt("source", "S", "Alert source."), opt("title", "T", "Alert title."), db, json, actor},
        onDatabase<cmdLinkAlert, 2, 2>);
    t << command("attach", "NUMBER (--url U | --file F)", "attach evidence",
                 {opt("url", "URL", "Link to metrics, logs, traces."),
                  opt("file", "PATH", "File or screenshot to store."),
                  opt("kind", "K", "metric, log, trace, file, screenshot, link or dashboard."),
                  opt("title", "T", "Title."), db, json, actor},
                 onDatabase<cmdAttach, 1, 1>);
    t << command("status", "NUMBER MESSAGE...", "post a status update",
                 {flag("external", "Visible to stakeholders outside."), db, json, actor},
                 onDatabase<cmdStatus, 2, -1>);
    t << command("commander", "NUMBER NAME", "set the incident commander", {db, json, actor},
                 onDatabase<cmdCommanderOrResponder, 2, 2>);
    t << command("responder", "NUMBER NAME", "add a responder", {db, json, actor},
                 onDatabase<cmdCommanderOrResponder, 2, 2>);
    t << command("bulk-close", "--stale-days N [--dry-run]", "close incidents untouched for N days",
                 {opt("stale-days", "N", "Untouched for N days."),
                  flag("dry-run", "Only list them."), db, json},
                 onArguments<cmdBulkClose, 0, 0>);
    t << command("oncall", "[--group G] [--at TIME]", "who is on call",
                 {opt("group", "G", "Assignment group."),
                  opt("at", "TIME", "Time (ISO 8601, default now)."), db, json},
                 onDatabase<cmdOncall, 0, 0>);
    t << command(
        "export", "--format json|csv [--per event|incident] [filters]",
        "incidents with their timelines, or one CSV row per incident",
        QList<OptionSpec>{
            opt("format", "F", "json or csv."),
            opt("per", "WHAT",
                "CSV rows: one per event (with the incident's columns) or one per incident.",
                "event"),
            opt("out", "FILE", "Write to a file instead of standard output.")} +
            filterOptions() + QList<OptionSpec>{db},
        onArguments<cmdExport, 0, 0>);
    t << command("verify", "", "check the hash chain and the projection", {db, json},
                 onDatabase<cmdVerify, 0, 0>);
    t << command("rebuild", "", "rebuild the projection from the log", {db},
                 onDatabase<cmdRebuild, 0, 0>);
    t << command("tick", "", "record SLA breaches that are due", {db}, onDatabase<cmdTick, 0, 0>);
    t << command(
        "workflow", "[show | set NAME|FILE [--map FROM=TO ...]]",
        "the database's workflow, or save another one",
        {opt("map", "FROM=TO",
             "set: move open incidents in state FROM to the new workflow's state TO (repeatable)."),
         db, json, actor},
        onArguments<cmdWorkflow, 0, 2>,
        {sub("show", "", "the workflow in use (the default)"),
         sub("set", "NAME|FILE [--map FROM=TO ...]",
             "save a preset or YAML file as the workflow; refused while open incidents are in "
             "states it lacks and no --map moves them")});
    t << command("sync", "[--once] [--token-file F]", "sync with the REST back end (backend.url)",
                 {flag("once", "One cycle (send, then pull), then exit."),
                  opt("token-file", "PATH", "Read the bearer token from this file."), db, json},
                 onDatabase<runSync, 0, 0>);
    const QList<OptionSpec> agentOptions{
        opt("config", "FILE",
            "JSON object of these options by their long names (\"listen\", \"server\", "
            "\"sla-interval\"...); options given on the command line win."),
        opt("listen", "ADDR:PORT",
            "Run the webhook listener there (port 0 picks a free one); without it the listener "
            "runs when the database names an address (ingest.listen) or a token is given."),
        opt("token-file", "FILE",
            "File whose first line is the listener's bearer token (else $SITREP_INGEST_TOKEN, "
            "$CREDENTIALS_DIRECTORY/ingest-token, the keychain)."),
        opt("server", "URL", "The back end to sync with (default: the database's backend.url)."),
        opt("server-token-file", "FILE",
            "File with the back end's token (else $CREDENTIALS_DIRECTORY/server-token, the "
            "keychain)."),
        opt("credential", "NAME=FILE",
            "A secret from a file, by credential name: aws-access-key-id, "
            "aws-secret-access-key, aws-session-token, or a notification secret (repeatable)."),
        opt("sla-interval", "MS", "Milliseconds between two SLA checks.", "30000"),
        opt("lease-ttl", "MS",
            "How long a singleton job's lease lasts with a back end; renewed every third of it.",
            "15000"),
        opt("sentry-secret-file", "FILE",
            "Sentry client secret for Sentry-Hook-Signature (default: the token)."),
        opt("pagerduty-key-file", "FILE", "PagerDuty routing_key to accept (default: the token)."),
        opt("ingest-config", "FILE",
            "Correlation settings YAML (default: the built-in ingest.yaml)."),
        opt("max-body", "BYTES", "Largest request body in bytes.", "1048576"),
        opt("request-timeout", "MS", "Milliseconds one request may take to arrive.", "10000"),
        db};
    const char *agentDetails =
        "Runs every background service of Sitrep around the clock, as the window would: the "
        "SLA clock, runbook escalations, war-room reminders, postmortem automation, triage, "
        "remediation dispatch, the SQS alert consumer and notifier (aws.* settings), the "
        "webhook listener and sync with the back end. With a back end, singleton jobs run "
        "under leases, so agents of a team take turns. Secrets are read from files "
        "($CREDENTIALS_DIRECTORY under systemd, or the *-file options), never from the "
        "database. SIGTERM stops it cleanly (exit 0).";
    t << command("agent", "[--config FILE] [--listen ADDR:PORT] [--server URL]",
                 "the headless client: every background service, around the clock", agentOptions,
                 runAgent, {}, agentDetails);
    t << command("serve", "[--listen ADDR:PORT] [--token-file F]",
                 "the former name of `sitrep agent` (same options)", agentOptions, runAgent, {},
                 agentDetails);
    t << command(
        "config", "set KEY VALUE | get KEY | unset KEY | list",
        "settings of the database (backend.url, sync.*, aws.*, notify.*, triage.*)", {db},
        onArguments<runConfig>,
        {sub("set", "KEY VALUE", "check and save a setting"), sub("get", "KEY", "print a setting"),
         sub("unset", "KEY", "remove a setting (back to its default)"),
         sub("list", "", "every setting with its value")},
        "Secrets never go here: `sitrep secret set NAME` keeps them in the system keychain.");
    t << command("secret", "set NAME | delete NAME | check NAME",
                 "a secret in the system keychain (the value is read from standard input)", {},
                 onArguments<runSecret>,
                 {sub("set", "NAME", "store the value read from standard input"),
                  sub("delete", "NAME", "remove it"),
                  sub("check", "NAME", "say whether it is set, without printing it")});
    t << command("aws", "consume|notify [OPTIONS]",
                 "SQS alert consumer and notification delivery, headless",
                 {opt("endpoint", "URL", "SQS/SNS endpoint URL (emulators, VPC endpoints)."),
                  opt("region", "REGION", "AWS region."),
                  opt("profile", "NAME", "Shared credentials profile."),
                  opt("queue", "URL", "Alert queue URL."),
                  flag("once", "One round, then exit with a JSON summary."),
                  opt("wait", "S", "Long-poll seconds (0-20).", "20"),
                  opt("visibility", "S", "Visibility timeout of received messages."),
                  opt("config", "FILE", "Notification channels YAML."),
                  opt("slack-token-file", "FILE",
                      "File whose first line is the Slack bot token (else the keychain)."),
                  db},
                 runAws,
                 {sub("consume", "--queue URL [--once] [--wait S] [--visibility S]",
                      "ingest alerts from an SQS queue"),
                  sub("notify", "[--config FILE] [--slack-token-file FILE] [--once]",
                      "deliver notifications (SNS, Slack, webhooks)")},
                 "Settings default to the database's aws.* and notify.*; AWS keys come from "
                 "AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY, else the system keychain, else ~/.aws/credentials.");
    t << command(
        "postmortem", "SUBCOMMAND [OPTIONS]", "postmortem documents",
        {opt("format", "F", "md, html or pdf."), opt("out", "FILE", "Output file."),
         opt("file", "FILE", "Input file."), opt("note", "T", "Version note."),
         flag("open", "Open action items only."), opt("set", "FILE", "Template file."),
         flag("reset", "Back to the default template."),
         opt("mail-domain", "D", "Domain for attendees without one."), db, json, actor},
        runPostmortem,
        {sub("show", "NUMBER",
             "the postmortem (a draft from the timeline if none was saved yet; nothing is "
             "written)"),
         sub("export", "NUMBER --format md|html|pdf --out FILE",
             "write it as Markdown, HTML or PDF"),
         sub("status", "NUMBER draft|in_review|published", "move it through review"),
         sub("save", "NUMBER --file F [--note T]", "store F as a new version"),
         sub("versions", "NUMBER", "version history"),
         sub("restore", "NUMBER VERSION", "make an old version current (as a new version)"),
         sub("ics", "NUMBER --out FILE", "review meeting invitation (RFC 5545)"),
         sub("sync-actions", "NUMBER", "track the Action Items section as action items"),
         sub("actions", "[--open]", "action items of all incidents, overdue first"),
         sub("template", "[--set FILE | --reset]", "the section template in use"),
         sub("rebuild", "", "rebuild action items and knowledge-base articles from the log")});
    t << command(
        "runbook", "SUBCOMMAND [OPTIONS]", "runbooks and escalations",
        {opt("folder", "DIR",
             "User runbook folder (default: the database's runbooks.folder, else "
             "$SITREP_RUNBOOKS)."),
         flag("uncheck", "Clear the step instead."), db, json, actor},
        runRunbook,
        {sub("list", "", "runbooks (built in and user folder) and load errors"),
         sub("show", "ID", "a runbook's steps"),
         sub("validate", "FILE...", "check runbook files (errors name file and line)"),
         sub("match", "NUMBER", "runbooks that fit an incident"),
         sub("check", "NUMBER RUNBOOK STEP [--uncheck]", "tick a step (recorded in the timeline)"),
         sub("tick", "", "record the escalations that are due")});
    t << command(
        "problem", "SUBCOMMAND [OPTIONS]", "problems, known errors, knowledge base",
        {opt("title", "T", "Title."), opt("description", "D", "Description."),
         opt("owner", "O", "Owner."), flag("open", "Open problems only."),
         opt("field", "F", "Field to update."), opt("value", "V", "New value."),
         opt("symptom", "S", "Symptom."), opt("workaround", "W", "Workaround."),
         opt("root-cause", "R", "Root cause."), opt("problem", "PRB", "Problem number."),
         opt("service", "X", "Service (repeatable)."), opt("note", "T", "Resolution note."),
         opt("out", "FILE", "Output file."), db, json, actor},
        runProblem,
        {sub("create", "--title T [--description D] [--owner O]", "open a problem"),
         sub("list", "[--open]", "problems"), sub("show", "PRB", "a problem"),
         sub("link", "PRB INCIDENT", "link an incident to a problem"),
         sub("update", "PRB --field F --value V",
             "status, root_cause, workaround, description, owner or title"),
         sub("known-error",
             "--title T --symptom S [--workaround W] [--root-cause R] [--problem PRB] [--service "
             "X]",
             "record a known error"),
         sub("known-errors", "", "the known-error database"),
         sub("suggest", "TEXT", "known errors matching a symptom"),
         sub("resolve", "INCIDENT KE [--note T] [--root-cause CATEGORY]",
             "resolve an incident with a known error"),
         sub("kb", "[--out FILE]", "knowledge-base articles as Markdown")});
    t << command("triage", "SUBCOMMAND [OPTIONS]",
                 "suggested category, priority, group and articles",
                 {flag("record", "Record the suggestion on the timeline."),
                  opt("correct", "V", "The right value (with reject)."),
                  opt("holdout", "F", "Share held out for eval.", "0.2"), db, json, actor},
                 runTriage,
                 {sub("suggest", "NUMBER [--record]",
                      "category, subcategory, priority, group, articles, resolution"),
                  sub("accept", "NUMBER [FIELD...]",
                      "accept the recorded suggestion (all fields, or those named)"),
                  sub("reject", "NUMBER FIELD [--correct V]",
                      "reject one field, optionally with the right value"),
                  sub("train", "", "train and save a new model now"),
                  sub("eval", "[--holdout F]",
                      "accuracy, majority baseline and ECE on held-out resolved incidents"),
                  sub("status", "", "the saved model and what the cache holds")},
                 "Settings: sitrep config set triage.kb_dir DIR | "
                 "triage.provider_url URL | triage.auto on|off | "
                 "triage.retrain_after N");
    t << command(
        "maintenance", "add|list|end|rm [OPTIONS]",
        "maintenance windows that block auto-remediation",
        {opt("ci", "NAME", "Configuration item (service)."),
         opt("start", "TIME", "Start (ISO time, default now)."),
         opt("end", "TIME", "End (ISO time)."), opt("duration", "D", "Length (90m, 2h, 1d)."),
         opt("reason", "TEXT", "Why."), flag("all", "Ended windows too."), db, json, actor},
        runMaintenance,
        {sub("add", "--ci SERVICE [--start TIME] (--end TIME | --duration 90m|2h) [--reason TEXT]",
             "add a window"),
         sub("list", "[--all]", "windows (running and planned)"),
         sub("end", "ID", "end a running window now"), sub("rm", "ID", "remove a window")});
    t << command("change", "add|list|rm [OPTIONS]",
                 "changes on services that block auto-remediation for a while",
                 {opt("ci", "NAME", "Configuration item (service)."),
                  opt("at", "TIME", "When it was implemented (ISO time, default now)."),
                  opt("summary", "TEXT", "What changed."),
                  opt("ref", "REF", "Change ticket or link."),
                  opt("since", "TIME", "Only changes after this time."), db, json, actor},
                 runChange,
                 {sub("add", "--ci SERVICE --summary TEXT [--at TIME] [--ref CHG0001234]",
                      "record a change"),
                  sub("list", "[--since TIME]", "changes"), sub("rm", "ID", "remove a change")});
    t << command("remediation", "SUBCOMMAND [OPTIONS]", "auto-remediation",
                 {opt("status", "S", "Filter by status (repeatable)."),
                  opt("incident", "N", "Filter by incident."), opt("reason", "TEXT", "Why."),
                  opt("format", "F", "csv or json."), opt("out", "FILE", "Output file."),
                  opt("from", "TIME", "From time."), opt("to", "TIME", "To time."),
                  flag("once", "One round, then print a JSON summary."),
                  opt("endpoint", "URL", "SQS endpoint URL."),
                  opt("region", "REGION", "AWS region."),
                  opt("profile", "NAME", "Shared credentials profile."),
                  opt("wait", "S", "Long-poll seconds for results (0-20).", "5"),
                  opt("file", "PATH", "Rule file or folder."), db, json, actor},
                 runRemediation,
                 {sub("list", "[--status S] [--incident N]", "remediations"),
                  sub("failed", "", "failed remediations (DLQ, failed results)"),
                  sub("retry", "CORRELATION_ID", "queue a failed one again (new attempt)"),
                  sub("dismiss", "CORRELATION_ID [--reason TEXT]", "give up on a failed one"),
                  sub("approve", "CORRELATION_ID|INCIDENT", "pass the P1 approval gate"),
                  sub("preview", "INCIDENT", "what would be decided now"),
                  sub("audit", "--format csv|json --out FILE [--from TIME] [--to TIME]",
                      "export the audit records"),
                  sub("prune-audit", "", "drop audit records past the retention"),
                  sub("run", "[--once] [--endpoint URL] [--region R] [--profile P] [--wait S]",
                      "dispatch and collect results"),
                  sub("setup-queues", "[--endpoint URL] ...", "create the FIFO queues and the DLQ"),
                  sub("config", "list | get KEY | set KEY VALUE", "remediation settings"),
                  sub("rules", "[--file PATH]", "list (and check) the rules")});
    t << command("wall", "[--screen N] [--rotate SECONDS]",
                 "the NOC wall display, full screen, until Esc",
                 {opt("screen", "N", "Screen number.", "0"),
                  opt("rotate", "SECONDS", "Seconds per page (3 to 3600).", "20"), db},
                 nullptr);
    t << command("screenshot", "VIEW FILE [--size WxH]",
                 "render a view to a PNG and exit (the database is not changed)",
                 {opt("size", "WxH", "Image size.", "1600x1000"), db}, nullptr);
    t << command("help", "[COMMAND] [--man]", "this list, a command's options, or the manual page",
                 {flag("man", "Print the manual page (roff, section 1).")}, onArguments<cmdHelp>);
    return t;
}

// --actor names someone other than the token's user: with a back end that knows identities
// it is a usage error for every command that takes it (exit code 2), before anything runs.
int refuseActorOption(const QStringList &args)
{
    QString db;
    bool actor = false;
    for (qsizetype i = 2; i < args.size(); ++i) {
        if (args[i] == u"--")
            break;
        if (args[i] == u"--actor" || args[i].startsWith(u"--actor="))
            actor = true;
        else if (args[i] == u"--db" && i + 1 < args.size())
            db = args[i + 1];
        else if (args[i].startsWith(u"--db="))
            db = args[i].mid(5);
    }
    if (!actor)
        return 0;
    const QString path = host::resolveDatabasePath(db);
    if (!QFileInfo::exists(path))
        return 0;
    store::Store st;
    if (!st.open(path))
        return 0;
    auto who =
        sync::Identity(st).resolve(sync::ActorInputs::commandLine(true, QStringLiteral("-")));
    if (who || who.error().code != sync::Identity::ActorOptionRefused)
        return 0;
    return usageFailWith(nullptr, who.errorMessage());
}

} // namespace

const QList<CommandSpec> &commands()
{
    static const QList<CommandSpec> table = buildTable();
    return table;
}

bool isCliCommand(const QStringList &args)
{
    if (args.size() < 2)
        return false;
    const QString &w = args[1];
    if (w == u"--help" || w == u"-h" || w == u"--version")
        return true;
    if (const CommandSpec *c = findCommand(w))
        return c->handler || asksForHelp(args);
    // A word that is no command (a typo like "sitrep lsit") gets "unknown command" here
    // instead of opening the window.
    return !w.startsWith(u'-');
}

namespace {

int runCommand(const QStringList &args)
{
    const QString cmd = args.value(1);
    if (cmd == u"--version") {
        out() << "sitrep " << versionText() << "\n";
        return ExitOk;
    }
    if (cmd == u"--help" || cmd == u"-h") {
        out() << usageText();
        return ExitOk;
    }
    const CommandSpec *spec = findCommand(cmd);
    if (!spec) {
        QStringList names;
        for (const auto &c : commands())
            names << c.name << c.aliases;
        return usageFailWith(
            nullptr, QStringLiteral("unknown command '%1'%2 (sitrep help lists the commands)")
                         .arg(cmd, didYouMean(cmd, names)));
    }
    if (asksForHelp(args)) {
        out() << commandHelp(*spec);
        return ExitOk;
    }
    if (!spec->handler)
        return usageFailWith(
            nullptr,
            QStringLiteral("'%1' opens a window; it is run by the window entry point").arg(cmd));
    if (const int refused = refuseActorOption(args))
        return refused;
    return spec->handler(args);
}

} // namespace

int run(const QStringList &args)
{
    const int code = runCommand(args);
    // What went to standard output must have arrived: a full disk or a closed pipe is a
    // failure, never a success with the output lost.
    if (const QString e = finishOutput(); !e.isEmpty())
        return failWith(nullptr, e);
    return code;
}

} // namespace sitrep::cli
