// SPDX-License-Identifier: MIT
#include "cli.h"
#include "cliio.h"
#include "gui.h"
#include "cli_sync.h"
#include "cli_ingest.h"
#include "cli_postmortem.h"
#include "cli_aws.h"
#include "cli_remediation.h"
#include "cli_triage.h"

#include "app/appcontext.h"
#include "demo/demogenerator.h"
#include "engine/fieldrules.h"
#include "itemmodels/incidentdetails.h"
#include "postmortem/draft.h"
#include "sync/identity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>

namespace sitrep::cli {

using namespace sitrep::domain;
using engine::Command;

namespace {

bool g_failed = false; // set by fail(): the command was refused
bool g_usageError = false; // the refusal is a usage error (exit code 2)

int fail(const QString &message)
{
    g_failed = true;
    const int code = failWith(nullptr, message);
    return g_usageError ? 2 : code;
}

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

void printJson(const QJsonValue &v)
{
    out() << (v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(v.toArray())).toJson(QJsonDocument::Indented);
}

struct Common {
    QCommandLineOption db{QStringLiteral("db"), QStringLiteral("Database file (default: $SITREP_DB or the app data folder)."), QStringLiteral("path")};
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print JSON.")};
    QCommandLineOption actor{
        QStringLiteral("actor"),
        QStringLiteral("Who is acting, without a back end (default: the login name)."),
        QStringLiteral("name")};
    QCommandLineOption workflow{QStringLiteral("workflow"), QStringLiteral("Workflow preset (sre, itil, pipeline) or YAML file; saved with the database."), QStringLiteral("name|path")};
};

const QStringList &commandNames()
{
    static const QStringList c{QStringLiteral("demo"), QStringLiteral("create"), QStringLiteral("list"), QStringLiteral("show"),
                               QStringLiteral("transition"), QStringLiteral("ack"), QStringLiteral("acknowledge"),
                               QStringLiteral("assign"), QStringLiteral("approve"), QStringLiteral("note"), QStringLiteral("set"),
                               QStringLiteral("link-alert"), QStringLiteral("attach"), QStringLiteral("status"),
                               QStringLiteral("commander"), QStringLiteral("responder"), QStringLiteral("bulk-close"),
                               QStringLiteral("oncall"), QStringLiteral("export"), QStringLiteral("verify"),
                               QStringLiteral("rebuild"), QStringLiteral("tick"), QStringLiteral("workflow"),
                               QStringLiteral("help"), QStringLiteral("sync"), QStringLiteral("config"),
                               QStringLiteral("secret"), QStringLiteral("serve"),
                               QStringLiteral("postmortem"), QStringLiteral("runbook"), QStringLiteral("problem"),
                               QStringLiteral("aws"), QStringLiteral("triage"), QStringLiteral("maintenance"),
                               QStringLiteral("change"), QStringLiteral("remediation")};
    return c;
}

void usage()
{
    out() << "Usage: sitrep [COMMAND] [OPTIONS]\n"
             "With no command, opens the war-room window.\n\n"
             "Commands:\n"
             "  demo [--incidents N] [--seed S]        fill the database with realistic demo data\n"
             "  create --title T --severity S [...]    open an incident, print its number\n"
             "  list [--state S] [--priority P] [--severity S] [--search Q] [--limit N]\n"
             "  show NUMBER                            an incident with its timeline\n"
             "  ack NUMBER                             acknowledge\n"
             "  transition NUMBER STATE [--note T]     move through the workflow\n"
             "  assign NUMBER [--to A] [--group G]     assign (a group alone assigns its on-call)\n"
             "  approve NUMBER [--for STATE]           record a human approval\n"
             "  note NUMBER TEXT                       add a note\n"
             "  set NUMBER FIELD VALUE                 change a field\n"
             "  link-alert NUMBER ALERT_ID             link an alert\n"
             "  attach NUMBER (--url U | --file F)     attach evidence\n"
             "  status NUMBER MESSAGE [--external]     post a status update\n"
             "  commander NUMBER NAME / responder NUMBER NAME\n"
             "  bulk-close --stale-days N [--dry-run]  close incidents untouched for N days\n"
             "  oncall [--group G] [--at TIME]         who is on call\n"
             "  export --format json|csv [filters]     incidents with their full timelines\n"
             "  verify                                 hash chain and projection check\n"
             "  rebuild                                rebuild the projection from the log\n"
             "  tick                                   record SLA breaches that are due\n"
             "  workflow [--json]                      the database's workflow\n"
             "  sync [--once] [--token-file F]         sync with the REST back end (backend.url)\n"
             "  serve [--listen ADDR:PORT] [--token-file F]  webhook listener for alert sources\n"
             "  config set KEY VALUE | get KEY | list  sync settings (backend.url, sync.*)\n"
             "  secret set NAME | delete NAME          keychain secret (value read from stdin)\n"
             "  aws consume|notify [--once] ...        SQS alert consumer, notification delivery\n"
             "  postmortem show|export|status|versions|restore|ics|actions|template ...  (sitrep postmortem help)\n"
             "  runbook list|show|validate|match|check|tick ...  runbooks and escalations\n"
             "  problem create|list|link|known-error|resolve|kb ...  problems, known errors, KB\n"
             "  triage suggest|accept|reject|train|eval|status ...  suggested category, priority, group, articles\n"
             "  maintenance add|list|end|rm / change add|list|rm   windows and changes that block auto-remediation\n"
             "  remediation list|failed|retry|dismiss|approve|audit|run ...  auto-remediation (sitrep remediation)\n"
             "  wall, screenshot VIEW FILE             GUI views (see README)\n\n"
             "Every command takes --db PATH (or $SITREP_DB); data commands take --json.\n";
}

struct Session {
    QCommandLineParser parser;
    Common common;
    std::unique_ptr<app::AppContext> ctx;
    QString actor;
    bool json = false;

    Session() { parser.addOptions({common.db, common.json, common.actor, common.workflow}); }
    // --workflow is saved with the database only when the command succeeds: a refused
    // command leaves the database as it was.
    ~Session()
    {
        if (!g_failed || !switchedWorkflow || !ctx)
            return;
        if (previousWorkflow.isEmpty())
            (void)ctx->store().db().exec(QStringLiteral("DELETE FROM meta WHERE key='workflow'"));
        else
            (void)ctx->store().setMeta(QStringLiteral("workflow"), previousWorkflow);
    }
    bool switchedWorkflow = false;
    QString previousWorkflow;

    // Parses args (after the subcommand) and opens the database. Returns an error text or empty.
    QString start(const QStringList &args, int minPositional, int maxPositional)
    {
        QStringList a = args;
        a.removeAt(1); // the subcommand
        if (!parser.parse(a))
            return parser.errorText();
        const int n = int(parser.positionalArguments().size());
        if (n < minPositional)
            return QStringLiteral("missing argument (see sitrep help)");
        if (maxPositional >= 0 && n > maxPositional)
            return QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().at(maxPositional));
        json = parser.isSet(common.json);
        const QString path = app::resolveDatabasePath(parser.value(common.db));
        // Only commands that create incidents or set one up may start a new database; a mistyped --db
        // for anything else is an error rather than a silently empty cache.
        const QString sub = args.value(1);
        if (sub != u"demo" && sub != u"create" && sub != u"oncall" && sub != u"workflow"
            && !QFileInfo::exists(path))
            return QStringLiteral("no database at %1 (sitrep create or sitrep demo starts one)").arg(path);
        if (parser.isSet(common.workflow)) {
            store::Store probe;
            if (probe.open(path))
                previousWorkflow = probe.meta(QStringLiteral("workflow"));
            switchedWorkflow = true;
        }
        auto c = app::AppContext::open(path, parser.value(common.workflow));
        if (!c)
            return c.errorMessage();
        ctx = std::move(*c);
        // Who acts (sync/identity.h): with a back end the token's user, else --actor or the
        // login name. Commands that only read, or act as the system, need nobody.
        static const QStringList noActor{QStringLiteral("list"),     QStringLiteral("show"),
                                         QStringLiteral("export"),   QStringLiteral("verify"),
                                         QStringLiteral("rebuild"),  QStringLiteral("oncall"),
                                         QStringLiteral("workflow"), QStringLiteral("tick")};
        auto who = sync::Identity(ctx->store())
                       .resolve(sync::ActorInputs::commandLine(parser.isSet(common.actor),
                                                               parser.value(common.actor)));
        if (who) {
            actor = *who;
        } else if (who.error().code == sync::Identity::ActorOptionRefused) {
            g_usageError = true;
            return who.errorMessage();
        } else if (!noActor.contains(sub)) {
            return who.errorMessage();
        }
        return {};
    }
    QString pos(int i) const { return parser.positionalArguments().value(i); }
};

int printOutcome(Session &s, const Result<engine::Outcome> &r, const QString &verb)
{
    if (!r)
        return fail(r.errorMessage());
    if (s.json) {
        QJsonArray ev;
        for (const auto &e : r->events)
            ev << e.toJson();
        printJson(QJsonObject{{QStringLiteral("number"), r->number}, {QStringLiteral("uid"), r->incidentUid}, {QStringLiteral("events"), ev}});
    } else {
        out() << r->number << ": " << (r->noop ? QStringLiteral("unchanged") : verb) << "\n";
    }
    return 0;
}

void printIncidentLine(const Incident &i)
{
    out() << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                 .arg(i.number, -10)
                 .arg(severityLabel(i.severity), -4)
                 .arg(priorityName(i.priority), -2)
                 .arg(i.state, -14)
                 .arg(i.assignee.isEmpty() ? QStringLiteral("-") : i.assignee, -14)
                 .arg(when(i.createdAt), -16)
                 .arg(i.title);
}

Result<store::ListQuery> listQuery(Session &s, const QCommandLineOption &state, const QCommandLineOption &prio,
                                   const QCommandLineOption &sev, const QCommandLineOption &search,
                                   const QCommandLineOption &limit, const QCommandLineOption &service,
                                   const QCommandLineOption &assignee, const QCommandLineOption &open)
{
    using RQ = Result<store::ListQuery>;
    store::ListQuery q;
    const auto &wf = s.ctx->engine().workflow();
    for (const QString &st : s.parser.values(state)) {
        const QString c = wf.canonicalState(st);
        if (c.isEmpty())
            return RQ::fail(QStringLiteral("unknown state '%1' (states: %2)").arg(st, [&] {
                QStringList n;
                for (const auto &x : wf.states()) n << x.id;
                return n.join(QStringLiteral(", "));
            }()));
        q.states << c;
    }
    if (s.parser.isSet(prio)) {
        q.priority = int(parsePriority(s.parser.value(prio)));
        if (q.priority == 0)
            return RQ::fail(QStringLiteral("unknown priority '%1' (P1, P2, P3, P4)").arg(s.parser.value(prio)));
    }
    if (s.parser.isSet(sev)) {
        q.severity = int(parseSeverity(s.parser.value(sev)));
        if (q.severity == 0)
            return RQ::fail(QStringLiteral("unknown severity '%1' (critical, high, medium, low)").arg(s.parser.value(sev)));
    }
    q.search = s.parser.value(search);
    q.service = s.parser.value(service);
    q.assignee = s.parser.value(assignee);
    if (s.parser.isSet(open))
        q.open = true;
    if (s.parser.isSet(limit)) {
        bool ok = false;
        q.limit = s.parser.value(limit).toInt(&ok);
        if (!ok || q.limit < 1)
            return RQ::fail(QStringLiteral("--limit must be a positive number"));
    }
    return q;
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
    const QString path = app::resolveDatabasePath(db);
    if (!QFileInfo::exists(path))
        return 0;
    store::Store st;
    if (!st.open(path))
        return 0;
    auto who =
        sync::Identity(st).resolve(sync::ActorInputs::commandLine(true, QStringLiteral("-")));
    if (who || who.error().code != sync::Identity::ActorOptionRefused)
        return 0;
    failWith(nullptr, who.errorMessage());
    return 2;
}

} // namespace

bool isCliCommand(const QStringList &args)
{
    if (args.size() < 2)
        return false;
    // A word that is neither a command nor a GUI view (a typo like "sitrep lsit") gets
    // "unknown command" here instead of opening the window.
    return commandNames().contains(args[1]) || args[1] == u"--help" || args[1] == u"-h"
           || (!args[1].startsWith(u'-') && !gui::isGuiCommand(args));
}

int run(const QStringList &args)
{
    const QString cmd = args.value(1);
    if (cmd == u"help" || cmd == u"--help" || cmd == u"-h") {
        usage();
        return 0;
    }
    if (const int refused = refuseActorOption(args))
        return refused;
    if (cmd == u"sync") return runSync(args);
    if (cmd == u"serve") return runServe(args);
    if (cmd == u"config") return runConfig(args);
    if (cmd == u"secret") return runSecret(args);
    if (cmd == u"postmortem") return runPostmortem(args);
    if (cmd == u"runbook") return runRunbook(args);
    if (cmd == u"problem") return runProblem(args);
    if (cmd == u"aws") return runAws(args);
    if (cmd == u"maintenance") return runMaintenance(args);
    if (cmd == u"change") return runChange(args);
    if (cmd == u"remediation") return runRemediation(args);
    if (cmd == u"triage") return runTriage(args);
    Session s;
    auto &p = s.parser;
    auto eng = [&]() -> engine::LifecycleEngine & { return s.ctx->engine(); };

    // Options shared by list and export.
    QCommandLineOption state(QStringLiteral("state"), QStringLiteral("Filter by state (repeatable)."), QStringLiteral("S"));
    QCommandLineOption prio(QStringLiteral("priority"), QStringLiteral("Filter by priority."), QStringLiteral("P"));
    QCommandLineOption sev(QStringLiteral("severity"), QStringLiteral("Severity."), QStringLiteral("S"));
    QCommandLineOption search(QStringLiteral("search"), QStringLiteral("Full-text search."), QStringLiteral("Q"));
    QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most N rows."), QStringLiteral("N"));
    QCommandLineOption service(QStringLiteral("service"), QStringLiteral("Affected service (repeatable)."), QStringLiteral("X"));
    QCommandLineOption assignee(QStringLiteral("assignee"), QStringLiteral("Assignee."), QStringLiteral("A"));
    QCommandLineOption openOnly(QStringLiteral("open"), QStringLiteral("Open incidents only."));

    if (cmd == u"demo") {
        QCommandLineOption n(QStringLiteral("incidents"), QStringLiteral("How many."), QStringLiteral("N"), QStringLiteral("400"));
        QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed."), QStringLiteral("S"), QStringLiteral("42"));
        p.addOptions({n, seed});
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        bool ok1 = false, ok2 = false;
        demo::DemoOptions o;
        o.incidents = p.value(n).toInt(&ok1);
        o.seed = p.value(seed).toULongLong(&ok2);
        if (!ok1 || o.incidents < 1 || o.incidents > 10000000)
            return fail(QStringLiteral("--incidents must be between 1 and 10000000"));
        if (!ok2)
            return fail(QStringLiteral("--seed must be a number"));
        auto r = demo::runDemo(eng(), o, [&](qint64 done, qint64 total) {
            if (!s.json && total > 20000)
                fprintf(stderr, "\r%lld/%lld commands", qlonglong(done), qlonglong(total));
        });
        if (!r)
            return fail(r.errorMessage());
        if (s.json)
            printJson(QJsonObject{{QStringLiteral("commands"), *r}, {QStringLiteral("incidents"), s.ctx->store().incidentCount()}});
        else
            out() << "demo: " << *r << " commands applied; " << s.ctx->store().incidentCount() << " incidents in " << s.ctx->dbPath() << "\n";
        return 0;
    }
    if (cmd == u"create") {
        QCommandLineOption title(QStringLiteral("title"), QStringLiteral("Title."), QStringLiteral("T"));
        QCommandLineOption desc(QStringLiteral("description"), QStringLiteral("Description."), QStringLiteral("D"));
        QCommandLineOption impact(QStringLiteral("impact"), QStringLiteral("Impact."), QStringLiteral("I"));
        QCommandLineOption urgency(QStringLiteral("urgency"), QStringLiteral("Urgency."), QStringLiteral("U"));
        QCommandLineOption category(QStringLiteral("category"), QStringLiteral("Category."), QStringLiteral("C"));
        QCommandLineOption sub(QStringLiteral("subcategory"), QStringLiteral("Subcategory."), QStringLiteral("C"));
        QCommandLineOption group(QStringLiteral("group"), QStringLiteral("Assignment group."), QStringLiteral("G"));
        QCommandLineOption commander(QStringLiteral("commander"), QStringLiteral("Incident commander."), QStringLiteral("N"));
        QCommandLineOption alert(QStringLiteral("alert"), QStringLiteral("Related alert (repeatable)."), QStringLiteral("ID"));
        QCommandLineOption ci(QStringLiteral("ci"), QStringLiteral("Affected CI (repeatable)."), QStringLiteral("CI"));
        p.addOptions({title, sev, desc, impact, urgency, category, sub, service, assignee, group, commander, alert, ci, prio});
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        if (!p.isSet(title))
            return fail(QStringLiteral("--title is required"));
        if (!p.isSet(sev) && !(p.isSet(impact) && p.isSet(urgency)) && !p.isSet(prio))
            return fail(QStringLiteral("--severity is required (critical, high, medium, low)"));
        QJsonObject a{{QStringLiteral("title"), p.value(title)},
                      {QStringLiteral("severity"), p.value(sev)},
                      {QStringLiteral("description"), p.value(desc)},
                      {QStringLiteral("impact"), p.value(impact)},
                      {QStringLiteral("urgency"), p.value(urgency)},
                      {QStringLiteral("priority"), p.value(prio)},
                      {QStringLiteral("category"), p.value(category)},
                      {QStringLiteral("subcategory"), p.value(sub)},
                      {QStringLiteral("services"), QJsonArray::fromStringList(p.values(service))},
                      {QStringLiteral("cis"), QJsonArray::fromStringList(p.values(ci))},
                      {QStringLiteral("assignee"), p.value(assignee)},
                      {QStringLiteral("assignment_group"), p.value(group)},
                      {QStringLiteral("commander"), p.value(commander)},
                      {QStringLiteral("alerts"), QJsonArray::fromStringList(p.values(alert))},
                      {QStringLiteral("reporter"), s.actor}};
        // Groups are checked where people name them (imported history may carry others).
        if (auto g = engine::rules::checkAssignmentGroup(eng().oncall(), p.value(group)); !g)
            return fail(g.errorMessage());
        auto r = eng().execute(Command::open(a, s.actor));
        if (!r)
            return fail(r.errorMessage());
        if (s.json)
            printJson(s.ctx->store().incidentByUid(r->incidentUid)->toJson());
        else
            out() << r->number << "\n";
        out().flush();
        suggestForNewIncident(*s.ctx, r->number); // triage.suggested, when a model exists
        return 0;
    }
    if (cmd == u"list" || cmd == u"export") {
        QCommandLineOption format(QStringLiteral("format"), QStringLiteral("json or csv."), QStringLiteral("F"));
        QCommandLineOption outFile(QStringLiteral("out"), QStringLiteral("Write to a file instead of stdout."), QStringLiteral("FILE"));
        p.addOptions({state, prio, sev, search, limit, service, assignee, openOnly});
        if (cmd == u"export")
            p.addOptions({format, outFile});
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        auto q = listQuery(s, state, prio, sev, search, limit, service, assignee, openOnly);
        if (!q)
            return fail(q.errorMessage());
        if (cmd == u"list") {
            const auto rows = s.ctx->store().list(*q);
            if (s.json) {
                QJsonArray arr;
                for (const auto &i : rows)
                    arr << i.toJson();
                printJson(arr);
            } else {
                for (const auto &i : rows)
                    printIncidentLine(i);
                if (rows.isEmpty())
                    out() << "no incidents match\n";
            }
            return 0;
        }
        const QString fmt = p.value(format).toLower();
        if (fmt != u"json" && fmt != u"csv")
            return fail(QStringLiteral("--format must be json or csv"));
        if (!p.isSet(limit))
            q->limit = std::numeric_limits<int>::max();
        q->sort = store::SortKey::Number;
        q->descending = false;
        QFile file;
        QTextStream fileStream;
        QTextStream *o = &out();
        if (p.isSet(outFile)) {
            file.setFileName(p.value(outFile));
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return fail(QStringLiteral("cannot write %1: %2").arg(p.value(outFile), file.errorString()));
            fileStream.setDevice(&file);
            o = &fileStream;
        }
        auto csv = [](QString v) {
            if (v.contains(u',') || v.contains(u'"') || v.contains(u'\n'))
                v = u'"' + v.replace(u'"', QStringLiteral("\"\"")) + u'"';
            return v;
        };
        // Page through in chunks so a million-incident export runs in bounded memory.
        const qint64 total = q->limit;
        qint64 written = 0;
        store::ListQuery page = *q;
        page.limit = 1000;
        if (fmt == u"csv")
            *o << "number,uid,title,severity,priority,state,assignee,assignment_group,commander,services,created_at,acknowledged_at,resolved_at,event_seq,event_at,event_actor,event_kind,event_payload\n";
        else
            *o << "[\n";
        bool first = true;
        while (written < total) {
            const auto rows = s.ctx->store().list(page);
            if (rows.isEmpty())
                break;
            for (const auto &i : rows) {
                if (written++ >= total)
                    break;
                const auto tl = s.ctx->store().timeline(i.uid);
                if (fmt == u"json") {
                    QJsonObject obj = i.toJson();
                    QJsonArray ev;
                    for (const auto &e : tl)
                        ev << e.toJson();
                    obj[u"timeline"] = ev;
                    *o << (first ? "" : ",\n") << QJsonDocument(obj).toJson(QJsonDocument::Compact);
                    first = false;
                } else {
                    const QJsonObject j = i.toJson();
                    const QString head = QStringList{i.number, i.uid, csv(i.title), severityName(i.severity), priorityName(i.priority),
                                                     csv(i.state), csv(i.assignee), csv(i.assignmentGroup), csv(i.commander),
                                                     csv(i.services.join(u';')), j[u"created_at"].toString(),
                                                     j[u"acknowledged_at"].toString(), j[u"resolved_at"].toString()}
                                             .join(u',');
                    for (const auto &e : tl)
                        *o << head << ',' << e.seq << ',' << e.toJson()[u"at"].toString() << ',' << csv(e.actor) << ','
                           << e.kind << ',' << csv(QString::fromUtf8(e.payloadJson())) << '\n';
                }
            }
            page.offset += rows.size();
        }
        if (fmt == u"json")
            *o << "\n]\n";
        o->flush();
        if (p.isSet(outFile))
            fprintf(stderr, "exported %lld incidents to %s\n", qlonglong(written), p.value(outFile).toUtf8().constData());
        return 0;
    }
    if (cmd == u"show") {
        if (auto e = s.start(args, 1, 1); !e.isEmpty())
            return fail(e);
        auto inc = s.ctx->store().findIncident(s.pos(0));
        if (!inc)
            return fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
        const auto tl = s.ctx->store().timeline(inc->uid);
        if (s.json) {
            QJsonObject o = inc->toJson();
            QJsonArray ev;
            for (const auto &e : tl)
                ev << e.toJson();
            o[u"timeline"] = ev;
            o[u"allowed_transitions"] = QJsonArray::fromStringList(eng().allowedTransitions(*inc));
            printJson(o);
            return 0;
        }
        const qint64 now = s.ctx->clock().nowMs();
        out() << inc->number << "  " << inc->title << "\n"
              << "  severity " << severityLabel(inc->severity) << " ("
              << severityName(inc->severity) << ")  priority " << priorityName(inc->priority)
              << "  state " << inc->state << (inc->open ? "" : " (closed)") << "\n"
              << "  assignee " << (inc->assignee.isEmpty() ? QStringLiteral("-") : inc->assignee)
              << "  group "
              << (inc->assignmentGroup.isEmpty() ? QStringLiteral("-") : inc->assignmentGroup)
              << "  commander " << (inc->commander.isEmpty() ? QStringLiteral("-") : inc->commander)
              << "\n"
              << "  services "
              << (inc->services.isEmpty() ? QStringLiteral("-")
                                          : inc->services.join(QStringLiteral(", ")))
              << "\n"
              << "  responders "
              << (inc->responders.isEmpty() ? QStringLiteral("-")
                                            : inc->responders.join(QStringLiteral(", ")))
              << "\n"
              << "  alerts "
              << (inc->alerts.isEmpty() ? QStringLiteral("-")
                                        : inc->alerts.join(QStringLiteral(", ")))
              << "\n"
              << "  created " << when(inc->createdAt) << "  acknowledged "
              << when(inc->acknowledgedAt) << "  resolved " << when(inc->resolvedAt) << "\n";
        if (inc->open && inc->activeDeadline() > 0) {
            const qint64 left = inc->slaRemaining(now);
            out() << "  SLA " << (inc->acknowledgedAt == 0 ? "response" : "resolution") << " due " << when(inc->activeDeadline())
                  << (inc->slaPausedSince > 0 ? " (paused)" : "") << (left < 0 ? "  BREACHED" : "") << "\n";
        }
        out() << "  next: " << eng().allowedTransitions(*inc).join(QStringLiteral(", ")) << "\n\nTimeline:\n";
        for (const auto &e : tl)
            out() << "  " << when(e.ts) << "  " << QStringLiteral("%1").arg(e.actor, -14) << " "
                  << itemmodels::describeTimelineEvent(e) << "\n";
        return 0;
    }
    if (cmd == u"transition") {
        QCommandLineOption note(QStringLiteral("note"), QStringLiteral("Note."), QStringLiteral("T"));
        QCommandLineOption resNote(QStringLiteral("resolution-note"), QStringLiteral("Resolution note."), QStringLiteral("T"));
        QCommandLineOption cause(QStringLiteral("root-cause"), QStringLiteral("Root-cause category."), QStringLiteral("C"));
        QCommandLineOption spent(QStringLiteral("time-spent"), QStringLiteral("Minutes spent."), QStringLiteral("M"));
        p.addOptions({note, resNote, cause, spent});
        if (auto e = s.start(args, 2, 2); !e.isEmpty())
            return fail(e);
        QJsonObject extra{{QStringLiteral("note"), p.value(note)},
                          {QStringLiteral("resolution_note"), p.value(resNote)},
                          {QStringLiteral("root_cause"), p.value(cause)}};
        if (p.isSet(spent))
            extra[u"time_spent"] = p.value(spent);
        return printOutcome(s, eng().execute(Command::transition(s.pos(0), s.pos(1), s.actor, extra)), QStringLiteral("now %1").arg(s.pos(1)));
    }
    if (cmd == u"ack" || cmd == u"acknowledge") {
        if (auto e = s.start(args, 1, 1); !e.isEmpty())
            return fail(e);
        return printOutcome(s, eng().execute(Command::make(Command::Kind::Acknowledge, s.pos(0), {}, s.actor)), QStringLiteral("acknowledged"));
    }
    if (cmd == u"assign") {
        QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Assignee."), QStringLiteral("A"));
        QCommandLineOption group(QStringLiteral("group"), QStringLiteral("Assignment group."), QStringLiteral("G"));
        p.addOptions({to, group});
        if (auto e = s.start(args, 1, 2); !e.isEmpty())
            return fail(e);
        const QString who = p.isSet(to) ? p.value(to) : s.pos(1);
        return printOutcome(s, eng().execute(Command::make(Command::Kind::Assign, s.pos(0),
                                                             {{QStringLiteral("assignee"), who}, {QStringLiteral("group"), p.value(group)}}, s.actor)),
                            QStringLiteral("assigned"));
    }
    if (cmd == u"approve") {
        QCommandLineOption forState(QStringLiteral("for"), QStringLiteral("The gated state (default: any)."), QStringLiteral("STATE"));
        QCommandLineOption comment(QStringLiteral("comment"), QStringLiteral("Why."), QStringLiteral("T"));
        p.addOptions({forState, comment});
        if (auto e = s.start(args, 1, 1); !e.isEmpty())
            return fail(e);
        return printOutcome(s, eng().execute(Command::make(Command::Kind::Approve, s.pos(0),
                                                             {{QStringLiteral("for"), p.isSet(forState) ? p.value(forState) : QStringLiteral("*")},
                                                              {QStringLiteral("comment"), p.value(comment)}}, s.actor)),
                            QStringLiteral("approved by %1").arg(s.actor));
    }
    if (cmd == u"note") {
        if (auto e = s.start(args, 2, -1); !e.isEmpty())
            return fail(e);
        const QString text = p.positionalArguments().mid(1).join(u' ');
        return printOutcome(s, eng().execute(Command::note(s.pos(0), text, s.actor)), QStringLiteral("note added"));
    }
    if (cmd == u"set") {
        if (auto e = s.start(args, 3, -1); !e.isEmpty())
            return fail(e);
        const QString field = s.pos(1).replace(u'-', u'_');
        QJsonValue value = p.positionalArguments().mid(2).join(u' ');
        if (field == u"services" || field == u"cis" || field == u"responders")
            value = QJsonArray::fromStringList(p.positionalArguments().mid(2).join(u',').split(u',', Qt::SkipEmptyParts));
        return printOutcome(s, eng().execute(Command::make(Command::Kind::SetField, s.pos(0),
                                                             {{QStringLiteral("field"), field}, {QStringLiteral("value"), value}}, s.actor)),
                            QStringLiteral("%1 updated").arg(field));
    }
    if (cmd == u"link-alert") {
        QCommandLineOption source(QStringLiteral("source"), QStringLiteral("Alert source."), QStringLiteral("S"));
        QCommandLineOption title(QStringLiteral("title"), QStringLiteral("Alert title."), QStringLiteral("T"));
        p.addOptions({source, title});
        if (auto e = s.start(args, 2, 2); !e.isEmpty())
            return fail(e);
        return printOutcome(s, eng().execute(Command::make(Command::Kind::LinkAlert, s.pos(0),
                                                             {{QStringLiteral("alert"), s.pos(1)}, {QStringLiteral("source"), p.value(source)},
                                                              {QStringLiteral("title"), p.value(title)}}, s.actor)),
                            QStringLiteral("alert linked"));
    }
    if (cmd == u"attach") {
        QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Link to metrics, logs, traces."), QStringLiteral("URL"));
        QCommandLineOption file(QStringLiteral("file"), QStringLiteral("File or screenshot to store."), QStringLiteral("PATH"));
        QCommandLineOption kind(QStringLiteral("kind"), QStringLiteral("metric, log, trace, file, screenshot, link, dashboard."), QStringLiteral("K"));
        QCommandLineOption title(QStringLiteral("title"), QStringLiteral("Title."), QStringLiteral("T"));
        p.addOptions({url, file, kind, title});
        if (auto e = s.start(args, 1, 1); !e.isEmpty())
            return fail(e);
        QJsonObject a{{QStringLiteral("url"), p.value(url)}, {QStringLiteral("path"), p.value(file)}, {QStringLiteral("title"), p.value(title)}};
        a[u"kind"] = p.isSet(kind) ? p.value(kind) : (p.isSet(file) ? QStringLiteral("file") : QStringLiteral("link"));
        if (p.value(title).isEmpty())
            a.remove(QStringLiteral("title"));
        return printOutcome(s, eng().execute(Command::make(Command::Kind::AttachEvidence, s.pos(0), a, s.actor)), QStringLiteral("evidence attached"));
    }
    if (cmd == u"status") {
        QCommandLineOption external(QStringLiteral("external"), QStringLiteral("Visible to stakeholders outside."));
        p.addOption(external);
        if (auto e = s.start(args, 2, -1); !e.isEmpty())
            return fail(e);
        return printOutcome(s, eng().execute(Command::make(Command::Kind::StatusUpdate, s.pos(0),
                                                             {{QStringLiteral("message"), p.positionalArguments().mid(1).join(u' ')},
                                                              {QStringLiteral("visibility"), p.isSet(external) ? QStringLiteral("external") : QStringLiteral("internal")}},
                                                             s.actor)),
                            QStringLiteral("status update posted"));
    }
    if (cmd == u"commander" || cmd == u"responder") {
        if (auto e = s.start(args, 2, 2); !e.isEmpty())
            return fail(e);
        const bool c = cmd == u"commander";
        return printOutcome(s, eng().execute(Command::make(c ? Command::Kind::SetCommander : Command::Kind::AddResponder, s.pos(0),
                                                             {{c ? QStringLiteral("commander") : QStringLiteral("responder"), s.pos(1)}}, s.actor)),
                            c ? QStringLiteral("commander set") : QStringLiteral("responder added"));
    }
    if (cmd == u"bulk-close") {
        QCommandLineOption days(QStringLiteral("stale-days"), QStringLiteral("Untouched for N days."), QStringLiteral("N"));
        QCommandLineOption dry(QStringLiteral("dry-run"), QStringLiteral("Only list them."));
        p.addOptions({days, dry});
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        bool ok = false;
        const int d = p.value(days).toInt(&ok);
        if (!p.isSet(days) || !ok || d < 1)
            return fail(QStringLiteral("--stale-days N is required (N >= 1)"));
        auto r = eng().bulkCloseStale(d, p.isSet(dry));
        if (!r)
            return fail(r.errorMessage());
        if (s.json) {
            QJsonArray arr;
            for (const auto &i : *r)
                arr << i.number;
            printJson(QJsonObject{{QStringLiteral("dry_run"), p.isSet(dry)}, {QStringLiteral("incidents"), arr},
                                  {QStringLiteral("state"), eng().workflow().staleCloseState()}});
        } else {
            out() << "Found " << r->size() << " stale incidents" << (p.isSet(dry) ? " (dry run, nothing changed)" : QString()) << "\n";
            for (const auto &i : *r)
                out() << "  " << (p.isSet(dry) ? "would close " : "closed ") << i.number << " (" << i.title.left(60) << ")\n";
        }
        return 0;
    }
    if (cmd == u"oncall") {
        QCommandLineOption group(QStringLiteral("group"), QStringLiteral("Assignment group."), QStringLiteral("G"));
        QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Time (ISO 8601, default now)."), QStringLiteral("TIME"));
        p.addOptions({group, at});
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        const qint64 t = app::parseTimeArg(p.value(at), s.ctx->clock().nowMs());
        if (t < 0)
            return fail(QStringLiteral("--at '%1' is not a time (ISO 8601)").arg(p.value(at)));
        QStringList groups;
        if (p.isSet(group))
            groups << p.value(group);
        else
            for (const auto &g : eng().oncall().groups())
                groups << g.name;
        QJsonArray arr;
        for (const QString &g : groups) {
            auto a = eng().oncall().onCall(g, t);
            if (!a)
                return fail(a.errorMessage());
            arr << QJsonObject{{QStringLiteral("group"), a->group}, {QStringLiteral("member"), a->member},
                               {QStringLiteral("override"), a->override}, {QStringLiteral("from"), when(a->shiftStart)},
                               {QStringLiteral("until"), when(a->shiftEnd)}};
            if (!s.json)
                out() << QStringLiteral("%1  %2  %3 → %4%5\n").arg(a->group, -22).arg(a->member, -14).arg(when(a->shiftStart), when(a->shiftEnd))
                             .arg(a->override ? QStringLiteral("  (override)") : QString());
        }
        if (s.json)
            printJson(arr);
        return 0;
    }
    if (cmd == u"verify") {
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        const auto rep = s.ctx->store().verify([&](const QString &m) {
            if (!s.json)
                fprintf(stderr, "%s\n", m.toUtf8().constData());
        });
        if (s.json)
            printJson(QJsonObject{{QStringLiteral("ok"), rep.ok}, {QStringLiteral("events"), rep.events},
                                  {QStringLiteral("incidents"), rep.incidents}, {QStringLiteral("faults"), QJsonArray::fromStringList(rep.faults)}});
        else {
            for (const auto &f : rep.faults)
                out() << "FAULT " << f << "\n";
            out() << (rep.ok ? "ok" : "FAILED") << ": " << rep.events << " events, " << rep.incidents << " incidents\n";
        }
        return rep.ok ? 0 : 2;
    }
    if (cmd == u"rebuild") {
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        if (auto r = s.ctx->store().rebuildProjection(); !r)
            return fail(r.errorMessage());
        out() << "rebuilt " << s.ctx->store().incidentCount() << " incidents from the log\n";
        return 0;
    }
    if (cmd == u"tick") {
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        auto r = eng().checkSla(s.ctx->clock().nowMs());
        if (!r)
            return fail(r.errorMessage());
        out() << *r << " SLA breaches recorded\n";
        return 0;
    }
    if (cmd == u"workflow") {
        if (auto e = s.start(args, 0, 0); !e.isEmpty())
            return fail(e);
        const auto &wf = eng().workflow();
        QJsonArray states;
        for (const auto &st : wf.states())
            states << QJsonObject{{QStringLiteral("id"), st.id}, {QStringLiteral("sla"), workflow::slaModeName(st.sla)},
                                  {QStringLiteral("stamps"), st.stamps}, {QStringLiteral("open"), st.open},
                                  {QStringLiteral("next"), QJsonArray::fromStringList(wf.allowedTargets(st.id))}};
        if (s.json)
            printJson(QJsonObject{{QStringLiteral("name"), wf.name()}, {QStringLiteral("source"), wf.source()}, {QStringLiteral("states"), states}});
        else {
            out() << "workflow " << wf.name() << " (" << wf.source() << ")\n";
            for (const auto &st : wf.states())
                out() << QStringLiteral("  %1 sla=%2%3 -> %4\n").arg(st.id, -18).arg(workflow::slaModeName(st.sla), -8)
                             .arg(st.stamps.isEmpty() ? QString() : QStringLiteral(" stamps=") + st.stamps)
                             .arg(wf.allowedTargets(st.id).join(QStringLiteral(", ")));
        }
        return 0;
    }
    usage();
    return fail(QStringLiteral("unknown command '%1'").arg(cmd));
}

} // namespace sitrep::cli
