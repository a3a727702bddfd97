// SPDX-License-Identifier: MIT
#include "cli_postmortem.h"
#include "clicommands.h"
#include "cliio.h"

#include "app/appcontext.h"
#include "postmortem/draft.h"
#include "postmortem/exporter.h"
#include "postmortem/ics.h"
#include "postmortem/postmortemstore.h"
#include "problems/problemstore.h"
#include "runbooks/escalationscheduler.h"
#include "runbooks/runbook.h"
#include "sync/identity.h"

#include <QCommandLineParser>
#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>
#include <memory>

namespace sitrep::cli {

using namespace sitrep::domain;

namespace {

int fail(const QString &message)
{
    return failWith(nullptr, message);
}

int usageFail(const QString &message)
{
    failWith(nullptr, message);
    return ExitUsage;
}

// A group's help (from the command table) for `sitrep GROUP` alone, and for an unknown
// subcommand the one-line reason with the closest subcommand.
int groupUsage(const QString &group, const QString &sub)
{
    const CommandSpec &spec = *findCommand(group);
    out() << commandHelp(spec);
    out().flush();
    if (sub.isEmpty())
        return ExitUsage;
    QStringList names;
    for (const auto &x : spec.subcommands)
        names << x.name;
    const QString near = closestMatch(sub, names);
    return usageFail(
        QStringLiteral("unknown %1 subcommand '%2'%3")
            .arg(group, sub,
                 near.isEmpty() ? QString() : QStringLiteral("; did you mean '%1'?").arg(near)));
}

void printJson(const QJsonValue &v)
{
    out() << (v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(v.toArray())).toJson(QJsonDocument::Indented);
}

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

// Options (from the command table) and database opening shared by the subcommands of
// this file.
struct Session {
    QCommandLineParser parser;
    const QString group;
    const QCommandLineOption db;
    const QCommandLineOption json;
    const QCommandLineOption actor;
    std::unique_ptr<app::AppContext> ctx;
    QString who;
    bool asJson = false;
    int code = ExitOk; // when start() fails: the exit status

    explicit Session(const QString &groupName)
        : group(groupName), db(tableOption(group, QStringLiteral("db"))),
          json(tableOption(group, QStringLiteral("json"))),
          actor(tableOption(group, QStringLiteral("actor")))
    {
        addTableOptions(parser, *findCommand(group));
    }
    QCommandLineOption option(const char *name) const
    {
        return tableOption(group, QString::fromLatin1(name));
    }
    // args: sitrep GROUP SUB ...; positional arguments start after SUB. Prints the problem
    // and returns false (with `code` set) when the command line or the database is wrong.
    bool start(const QStringList &args, int minPos, bool open = true)
    {
        QStringList a = args;
        a.removeAt(1);
        a.removeAt(1);
        if (!parser.parse(a)) {
            code = usageFail(parser.errorText());
            return false;
        }
        if (parser.positionalArguments().size() < minPos) {
            code = usageFail(QStringLiteral("missing argument (see sitrep %1 --help)").arg(group));
            return false;
        }
        asJson = parser.isSet(json);
        const auto inputs =
            sync::ActorInputs::commandLine(parser.isSet(actor), parser.value(actor));
        if (!open) {
            who = sync::Identity::loginName();
            return true;
        }
        auto path = databasePath(parser.value(db), false);
        if (!path) {
            code = fail(path.errorMessage());
            return false;
        }
        auto c = app::AppContext::open(*path);
        if (!c) {
            code = fail(c.errorMessage());
            return false;
        }
        ctx = std::move(*c);
        // Who acts (sync/identity.h): with a back end the token's user, else --actor or the
        // login name. These commands read and write side by side: an actor nobody can name
        // yet (never synced) stops them all, with the way out in the message.
        auto w = sync::Identity(ctx->store()).resolve(inputs);
        if (!w && w.error().code != sync::Identity::ReadOnly) {
            code = w.error().code == sync::Identity::ActorOptionRefused
                       ? usageFail(w.errorMessage())
                       : fail(w.errorMessage());
            return false;
        }
        who = w ? *w : sync::Identity(ctx->store()).displayName(inputs);
        return true;
    }
    QString pos(int i) const { return parser.positionalArguments().value(i); }
};

QJsonObject docJson(const postmortem::Document &d)
{
    return {{QStringLiteral("incident"), d.number},
            {QStringLiteral("uid"), d.incidentUid},
            {QStringLiteral("title"), d.title},
            {QStringLiteral("status"), d.status},
            {QStringLiteral("version"), d.version},
            {QStringLiteral("owners"), QJsonArray::fromStringList(d.owners)},
            {QStringLiteral("review_at"), QDateTime::fromMSecsSinceEpoch(d.reviewAt, Qt::UTC).toString(Qt::ISODate)},
            {QStringLiteral("updated_at"), QDateTime::fromMSecsSinceEpoch(d.updatedAt, Qt::UTC).toString(Qt::ISODate)},
            {QStringLiteral("body"), d.body}};
}

QJsonObject itemJson(const postmortem::ActionItem &a)
{
    return {{QStringLiteral("id"), a.id},           {QStringLiteral("incident"), a.number}, {QStringLiteral("title"), a.title},
            {QStringLiteral("owner"), a.owner},     {QStringLiteral("due"), a.due},         {QStringLiteral("status"), a.status}};
}

bool writeFile(const QString &path, const QByteArray &data, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

int runPostmortem(const QStringList &args)
{
    const QString sub = args.value(2);
    if (sub.isEmpty())
        return groupUsage(QStringLiteral("postmortem"), sub);
    if (sub == u"help") {
        out() << commandHelp(*findCommand(QStringLiteral("postmortem")));
        return ExitOk;
    }
    Session s(QStringLiteral("postmortem"));
    const QCommandLineOption format = s.option("format");
    const QCommandLineOption outFile = s.option("out");
    const QCommandLineOption file = s.option("file");
    const QCommandLineOption note = s.option("note");
    const QCommandLineOption openOnly = s.option("open");
    const QCommandLineOption set = s.option("set");
    const QCommandLineOption reset = s.option("reset");
    const QCommandLineOption domain = s.option("mail-domain");

    static const QStringList needNumber{QStringLiteral("show"), QStringLiteral("export"), QStringLiteral("status"), QStringLiteral("save"),
                                        QStringLiteral("versions"), QStringLiteral("restore"), QStringLiteral("ics"), QStringLiteral("sync-actions")};
    static const QStringList known = needNumber + QStringList{QStringLiteral("actions"), QStringLiteral("template"), QStringLiteral("rebuild")};
    if (!known.contains(sub))
        return groupUsage(QStringLiteral("postmortem"), sub);
    if (!s.start(args, needNumber.contains(sub) ? 1 : 0))
        return s.code;
    auto &store = s.ctx->store();
    postmortem::PostmortemStore pm(s.ctx->engine());
    const postmortem::Template tmpl = postmortem::effectiveTemplate(store.meta(postmortem::TemplateMetaKey));

    if (sub == u"template") {
        if (s.parser.isSet(set)) {
            const QString path = QFileInfo(s.parser.value(set)).absoluteFilePath();
            auto t = postmortem::loadTemplate(path);
            if (!t)
                return fail(t.errorMessage());
            if (auto r = store.setMeta(postmortem::TemplateMetaKey, path); !r)
                return fail(r.errorMessage());
        } else if (s.parser.isSet(reset)) {
            if (auto r = store.setMeta(postmortem::TemplateMetaKey, QString()); !r)
                return fail(r.errorMessage());
        }
        QString err;
        const auto t = postmortem::effectiveTemplate(store.meta(postmortem::TemplateMetaKey), &err);
        if (!err.isEmpty())
            fprintf(stderr, "sitrep: %s (using the default template)\n", err.toUtf8().constData());
        if (s.asJson) {
            QJsonArray secs;
            for (const auto &x : t.sections)
                secs << QJsonObject{{QStringLiteral("title"), x.title}, {QStringLiteral("hint"), x.hint}};
            printJson(QJsonObject{{QStringLiteral("name"), t.name}, {QStringLiteral("source"), t.source}, {QStringLiteral("sections"), secs}});
        } else {
            out() << t.name << " (" << t.source << ")\n";
            for (const auto &x : t.sections)
                out() << "  ## " << x.title << "\n";
        }
        return 0;
    }
    if (sub == u"rebuild") {
        // The action items and the knowledge base are projections: rebuilt with the others,
        // the way `sitrep rebuild` does it.
        if (auto r = s.ctx->engine().rebuildProjections(); !r)
            return fail(r.errorMessage());
        out() << "action items and knowledge base rebuilt from the log\n";
        return 0;
    }
    if (sub == u"actions") {
        const QString today = QDateTime::fromMSecsSinceEpoch(s.ctx->clock().nowMs(), Qt::UTC).date().toString(Qt::ISODate);
        const auto items = pm.actionItems(today, s.parser.isSet(openOnly));
        if (s.asJson) {
            QJsonArray a;
            for (const auto &i : items) {
                QJsonObject o = itemJson(i);
                o[QStringLiteral("overdue")] = !i.isDone() && !i.due.isEmpty() && i.due < today;
                a << o;
            }
            printJson(a);
        } else {
            for (const auto &i : items)
                out() << QStringLiteral("%1 %2  %3  %4  %5  %6\n")
                             .arg(!i.isDone() && !i.due.isEmpty() && i.due < today ? QStringLiteral("OVERDUE") : QStringLiteral("       "))
                             .arg(i.number, -10).arg(i.due.isEmpty() ? QStringLiteral("-") : i.due, -10)
                             .arg(i.status, -11).arg(i.owner.isEmpty() ? QStringLiteral("-") : i.owner, -14).arg(i.title);
        }
        return 0;
    }

    auto inc = store.findIncident(s.pos(0));
    if (!inc)
        return fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
    // Reading, exporting and inviting never write: without a saved document they use the
    // draft that saving would create. Only the subcommands that change it save it first.
    static const QStringList readers{QStringLiteral("show"), QStringLiteral("export"),
                                     QStringLiteral("ics"), QStringLiteral("versions")};
    auto doc = readers.contains(sub) ? pm.previewDocument(inc->uid, s.who, tmpl)
                                     : pm.ensureDocument(inc->uid, s.who, tmpl);
    if (!doc)
        return fail(doc.errorMessage());

    if (sub == u"show") {
        if (s.asJson)
            printJson(docJson(*doc));
        else
            out() << printable(doc->body);
        return 0;
    }
    if (sub == u"export") {
        bool ok = false;
        const auto f = postmortem::parseFormat(s.parser.value(format).isEmpty() ? QFileInfo(s.parser.value(outFile)).suffix() : s.parser.value(format), &ok);
        if (!ok)
            return fail(QStringLiteral("--format must be md, html or pdf"));
        if (!s.parser.isSet(outFile))
            return fail(QStringLiteral("--out FILE is required"));
        postmortem::ExportInput in{*doc, *inc, store.timeline(inc->uid), s.ctx->clock().nowMs()};
        if (auto r = postmortem::exportTo(in, f, s.parser.value(outFile)); !r)
            return fail(r.errorMessage());
        out() << inc->number << ": postmortem written to " << s.parser.value(outFile) << "\n";
        return 0;
    }
    if (sub == u"status") {
        auto r = pm.setStatus(inc->uid, s.pos(1), s.who);
        if (!r)
            return fail(r.errorMessage());
        out() << inc->number << ": postmortem " << postmortem::statusLabel(r->status).toLower() << " (version " << r->version << ")\n";
        return 0;
    }
    if (sub == u"save") {
        QFile f(s.parser.value(file));
        if (!s.parser.isSet(file) || !f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("--file FILE is required and must be readable"));
        auto v = pm.saveVersion(inc->uid, QString::fromUtf8(f.readAll()), s.who, s.parser.value(note));
        if (!v)
            return fail(v.errorMessage());
        out() << inc->number << ": postmortem version " << *v << " saved\n";
        return 0;
    }
    if (sub == u"versions") {
        const auto vs = pm.versions(inc->uid);
        if (s.asJson) {
            QJsonArray a;
            for (const auto &v : vs)
                a << QJsonObject{{QStringLiteral("version"), v.version}, {QStringLiteral("status"), v.status}, {QStringLiteral("author"), v.author},
                                 {QStringLiteral("note"), v.note}, {QStringLiteral("saved_at"), QDateTime::fromMSecsSinceEpoch(v.savedAt, Qt::UTC).toString(Qt::ISODate)},
                                 {QStringLiteral("chars"), v.body.size()}};
            printJson(a);
        } else {
            for (const auto &v : vs)
                out() << QStringLiteral("v%1  %2  %3  %4  %5\n").arg(v.version, -3).arg(when(v.savedAt)).arg(v.status, -10).arg(v.author, -12).arg(v.note);
        }
        return 0;
    }
    if (sub == u"restore") {
        bool ok = false;
        const int v = s.pos(1).toInt(&ok);
        if (!ok)
            return fail(QStringLiteral("name the version to restore (a number)"));
        auto r = pm.restore(inc->uid, v, s.who);
        if (!r)
            return fail(r.errorMessage());
        out() << inc->number << ": version " << v << " restored as version " << r->version << "\n";
        return 0;
    }
    if (sub == u"ics") {
        if (!s.parser.isSet(outFile))
            return fail(QStringLiteral("--out FILE is required"));
        const QString dom = s.parser.isSet(domain) ? s.parser.value(domain) : store.meta(QStringLiteral("postmortem.mail_domain"), QStringLiteral("localhost"));
        QString err;
        if (!writeFile(s.parser.value(outFile), postmortem::toIcs(postmortem::reviewInvitation(*doc, *inc, s.ctx->clock().nowMs(), dom)), &err))
            return fail(err);
        out() << inc->number << ": review meeting " << when(doc->reviewAt) << " UTC written to " << s.parser.value(outFile) << "\n";
        return 0;
    }
    if (sub == u"sync-actions") {
        auto n = pm.syncActionItems(inc->uid, s.who);
        if (!n)
            return fail(n.errorMessage());
        out() << inc->number << ": " << *n << " action item changes recorded\n";
        return 0;
    }
    return 1;
}

int runRunbook(const QStringList &args)
{
    const QString sub = args.value(2);
    if (sub.isEmpty())
        return groupUsage(QStringLiteral("runbook"), sub);
    if (sub == u"help") {
        out() << commandHelp(*findCommand(QStringLiteral("runbook")));
        return ExitOk;
    }
    Session s(QStringLiteral("runbook"));
    const QCommandLineOption folder = s.option("folder");
    const QCommandLineOption uncheck = s.option("uncheck");
    if (sub == u"validate") {
        if (!s.start(args, 1, false))
            return s.code;
        int bad = 0;
        for (const QString &f : s.parser.positionalArguments()) {
            auto rb = runbooks::loadRunbookFile(f);
            if (!rb) {
                ++bad;
                fprintf(stderr, "%s\n", rb.errorMessage().toUtf8().constData());
            } else {
                out() << f << ": ok (" << rb->name << ", " << rb->steps.size() << " steps, " << rb->escalation.size() << " escalations)\n";
            }
        }
        return bad ? 1 : 0;
    }
    static const QStringList known{QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("match"), QStringLiteral("check"), QStringLiteral("tick")};
    if (!known.contains(sub))
        return groupUsage(QStringLiteral("runbook"), sub);
    const int need = sub == u"show" || sub == u"match" ? 1 : sub == u"check" ? 3 : 0;
    if (!s.start(args, need))
        return s.code;
    runbooks::RunbookLibrary lib;
    const QString user = s.parser.isSet(folder) ? s.parser.value(folder)
                                                : runbooks::RunbookLibrary::userFolder(s.ctx->store().meta(QStringLiteral("runbooks.folder")));
    lib.load(runbooks::RunbookLibrary::defaultFolders(user));

    if (sub == u"list") {
        if (s.asJson) {
            QJsonArray a;
            for (const auto &r : lib.runbooks())
                a << QJsonObject{{QStringLiteral("id"), r.id}, {QStringLiteral("name"), r.name}, {QStringLiteral("severity"), r.severity},
                                 {QStringLiteral("services"), QJsonArray::fromStringList(r.services)}, {QStringLiteral("steps"), int(r.steps.size())},
                                 {QStringLiteral("source"), r.source}};
            printJson(QJsonObject{{QStringLiteral("runbooks"), a}, {QStringLiteral("errors"), QJsonArray::fromStringList(lib.errors())}});
        } else {
            for (const auto &r : lib.runbooks()) {
                QStringList alerts;
                for (const auto &t : r.triggers)
                    alerts << t.alert;
                out() << QStringLiteral("%1  %2  %3  [%4]\n").arg(r.id, -28).arg(r.severity, -5).arg(r.name, -40).arg(alerts.join(QStringLiteral(", ")));
            }
            for (const QString &e : lib.errors())
                fprintf(stderr, "error: %s\n", e.toUtf8().constData());
        }
        return lib.errors().isEmpty() ? ExitOk : ExitFailure;
    }
    if (sub == u"show") {
        const runbooks::Runbook *r = lib.find(s.pos(0));
        if (!r)
            return fail(QStringLiteral("no runbook '%1'").arg(s.pos(0)));
        out() << r->name << " (" << r->id << ", " << r->severity << ")\n";
        for (int i = 0; i < r->steps.size(); ++i) {
            const auto &st = r->steps[i];
            out() << "\n" << i + 1 << ". " << st.name << "\n";
            if (!st.description.isEmpty())
                out() << "   " << st.description << "\n";
            for (const auto &c : st.commands)
                out() << "   $ " << c << "\n";
            for (const auto &o : st.options)
                out() << "   option: " << o.action << (o.command.isEmpty() ? QString() : QStringLiteral(": $ ") + o.command) << "\n";
            for (const auto &c : st.checks)
                out() << "   [ ] " << c << "\n";
            for (const auto &l : st.links)
                out() << "   link: " << l << "\n";
            for (const auto &a : st.actions)
                out() << "   - " << a << "\n";
        }
        if (!r->escalation.isEmpty()) {
            out() << "\nEscalation:\n";
            for (const auto &e : r->escalation)
                out() << "   after " << e.afterText << ": " << e.contact << " (until " << e.until << ")\n";
        }
        return 0;
    }
    if (sub == u"tick") {
        runbooks::EscalationScheduler sched(s.ctx->engine(), lib, s.ctx->clock());
        auto n = sched.tick();
        if (!n)
            return fail(n.errorMessage());
        out() << *n << " escalations recorded";
        if (sched.nextDueAt() > 0)
            out() << "; next due " << when(sched.nextDueAt()) << " UTC";
        out() << "\n";
        return 0;
    }
    auto inc = s.ctx->store().findIncident(s.pos(0));
    if (!inc)
        return fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
    if (sub == u"match") {
        for (const auto *r : lib.match(*inc))
            out() << r->id << "  " << r->name << "  (score " << runbooks::matchScore(*r, *inc) << ")\n";
        return 0;
    }
    // check
    const runbooks::Runbook *r = lib.find(s.pos(1));
    if (!r)
        return fail(QStringLiteral("no runbook '%1'").arg(s.pos(1)));
    bool ok = false;
    const int step = s.pos(2).toInt(&ok) - 1;
    if (!ok || step < 0 || step >= r->steps.size())
        return fail(QStringLiteral("step must be 1..%1").arg(r->steps.size()));
    auto res = s.ctx->engine().execute(engine::Command::make(engine::Command::Kind::Record, inc->uid,
                                                             {{QStringLiteral("kind"), runbooks::StepCheckedKind},
                                                              {QStringLiteral("payload"), runbooks::stepCheckedPayload(*r, step, !s.parser.isSet(uncheck))}},
                                                             s.who));
    if (!res)
        return fail(res.errorMessage());
    out() << inc->number << ": " << r->name << " step " << step + 1 << (s.parser.isSet(uncheck) ? " unchecked\n" : " checked\n");
    return 0;
}

int runProblem(const QStringList &args)
{
    const QString sub = args.value(2);
    if (sub.isEmpty())
        return groupUsage(QStringLiteral("problem"), sub);
    if (sub == u"help") {
        out() << commandHelp(*findCommand(QStringLiteral("problem")));
        return ExitOk;
    }
    Session s(QStringLiteral("problem"));
    const QCommandLineOption title = s.option("title");
    const QCommandLineOption desc = s.option("description");
    const QCommandLineOption owner = s.option("owner");
    const QCommandLineOption openOnly = s.option("open");
    const QCommandLineOption field = s.option("field");
    const QCommandLineOption value = s.option("value");
    const QCommandLineOption symptom = s.option("symptom");
    const QCommandLineOption workaround = s.option("workaround");
    const QCommandLineOption rootCause = s.option("root-cause");
    const QCommandLineOption problemOpt = s.option("problem");
    const QCommandLineOption service = s.option("service");
    const QCommandLineOption noteOpt = s.option("note");
    const QCommandLineOption outFile = s.option("out");
    static const QHash<QString, int> need{{QStringLiteral("create"), 0}, {QStringLiteral("list"), 0}, {QStringLiteral("show"), 1},
                                          {QStringLiteral("link"), 2},   {QStringLiteral("update"), 1}, {QStringLiteral("known-error"), 0},
                                          {QStringLiteral("known-errors"), 0}, {QStringLiteral("suggest"), 1}, {QStringLiteral("resolve"), 2},
                                          {QStringLiteral("kb"), 0}};
    if (!need.contains(sub))
        return groupUsage(QStringLiteral("problem"), sub);
    if (!s.start(args, need.value(sub)))
        return s.code;
    problems::ProblemStore ps(s.ctx->engine());
    auto printProblem = [&](const problems::Problem &p) {
        if (s.asJson)
            printJson(QJsonObject{{QStringLiteral("number"), p.number}, {QStringLiteral("title"), p.title}, {QStringLiteral("status"), p.status},
                                  {QStringLiteral("root_cause"), p.rootCause}, {QStringLiteral("workaround"), p.workaround},
                                  {QStringLiteral("owner"), p.owner}, {QStringLiteral("incidents"), QJsonArray::fromStringList(p.incidents)}});
        else
            out() << QStringLiteral("%1  %2  %3  incidents: %4\n").arg(p.number, p.status, p.title, p.incidents.join(QStringLiteral(", ")));
    };
    auto printKe = [&](const problems::KnownError &k) {
        if (s.asJson)
            printJson(QJsonObject{{QStringLiteral("number"), k.number}, {QStringLiteral("title"), k.title}, {QStringLiteral("symptom"), k.symptom},
                                  {QStringLiteral("workaround"), k.workaround}, {QStringLiteral("root_cause"), k.rootCause},
                                  {QStringLiteral("incident_count"), k.incidentCount}, {QStringLiteral("incidents"), QJsonArray::fromStringList(k.incidents)}});
        else
            out() << QStringLiteral("%1  seen %2x  %3 — workaround: %4\n").arg(k.number).arg(k.incidentCount).arg(k.title, k.workaround);
    };
    if (sub == u"create") {
        auto p = ps.createProblem(s.parser.value(title), s.parser.value(desc), s.parser.value(owner), s.who);
        if (!p)
            return fail(p.errorMessage());
        printProblem(*p);
        return 0;
    }
    if (sub == u"list") {
        for (const auto &p : ps.problems(s.parser.isSet(openOnly)))
            printProblem(p);
        return 0;
    }
    if (sub == u"show") {
        auto p = ps.problem(s.pos(0));
        if (!p)
            return fail(QStringLiteral("no problem '%1'").arg(s.pos(0)));
        printProblem(*p);
        return 0;
    }
    if (sub == u"link") {
        if (auto r = ps.linkIncident(s.pos(0), s.pos(1), s.who); !r)
            return fail(r.errorMessage());
        out() << s.pos(1) << ": linked to " << s.pos(0) << "\n";
        return 0;
    }
    if (sub == u"update") {
        auto p = ps.updateProblem(s.pos(0), {{s.parser.value(field), s.parser.value(value)}}, s.who);
        if (!p)
            return fail(p.errorMessage());
        printProblem(*p);
        return 0;
    }
    if (sub == u"known-error") {
        auto k = ps.createKnownError(s.parser.value(title), s.parser.value(symptom), s.parser.value(workaround), s.parser.value(rootCause),
                                     s.parser.values(service), s.parser.value(problemOpt), s.who);
        if (!k)
            return fail(k.errorMessage());
        printKe(*k);
        return 0;
    }
    if (sub == u"known-errors" || sub == u"suggest") {
        for (const auto &k : sub == u"suggest" ? ps.suggest(s.parser.positionalArguments().join(u' ')) : ps.knownErrors())
            printKe(k);
        return 0;
    }
    if (sub == u"resolve") {
        if (auto r = ps.resolveWithKnownError(s.pos(0), s.pos(1), s.parser.value(noteOpt), s.parser.value(rootCause), s.who); !r)
            return fail(r.errorMessage());
        auto k = ps.knownError(s.pos(1));
        out() << s.pos(0) << ": resolved with " << k->number << " (seen " << k->incidentCount << "x)\n";
        return 0;
    }
    // kb
    const QString md = ps.knowledgeBaseMarkdown();
    if (s.parser.isSet(outFile)) {
        QString err;
        if (!writeFile(s.parser.value(outFile), md.toUtf8(), &err))
            return fail(err);
        out() << ps.articles().size() << " articles written to " << s.parser.value(outFile) << "\n";
    } else {
        out() << md;
    }
    return 0;
}

} // namespace sitrep::cli
