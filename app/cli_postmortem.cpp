// SPDX-License-Identifier: MIT
#include "app/cli_postmortem.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "host/appcontext.h"
#include "postmortem/draft.h"
#include "postmortem/exporter.h"
#include "postmortem/ics.h"
#include "postmortem/postmortemstore.h"
#include "problems/problemstore.h"
#include "runbooks/escalationscheduler.h"
#include "runbooks/runbook.h"
#include "util/outputfile.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <optional>

namespace sitrep::cli {

using namespace sitrep::domain;

namespace {

// `sitrep GROUP SUB ...` for the groups of this file: the exit status when the run ends
// before SUB runs. `help` prints the group's help; a SUB the table lacks gets the help and
// the reason. Otherwise the arguments after SUB (at least `minPositional`) are parsed and,
// unless `open` is false, the database opened. These subcommands read and write side by
// side: an actor nobody can name yet (never synced) stops them all, with the way out in the
// message; a viewer still reads.
std::optional<int> start(CliSession &s, const QString &sub, int minPositional, bool open = true)
{
    if (sub == u"help") {
        out() << commandHelp(s.spec());
        return ExitOk;
    }
    if (!s.isSubcommand(sub))
        return s.unknownSubcommand(sub, HelpTo::Stdout);
    if (!s.parse(2))
        return s.code();
    if (s.positional().size() < minPositional)
        return s.usage(
            QStringLiteral("missing argument (see sitrep %1 --help)").arg(s.spec().name));
    if (open && !s.open(DbAccess::Existing, ActorCheck::AtOpenViewersRead))
        return s.code();
    return std::nullopt;
}

QJsonObject docJson(const postmortem::Document &d)
{
    return {{QStringLiteral("incident"), d.number},
            {QStringLiteral("uid"), d.incidentUid},
            {QStringLiteral("title"), d.title},
            {QStringLiteral("status"), d.status},
            {QStringLiteral("version"), d.version},
            {QStringLiteral("owners"), QJsonArray::fromStringList(d.owners)},
            {QStringLiteral("review_at"),
             QDateTime::fromMSecsSinceEpoch(d.reviewAt, Qt::UTC).toString(Qt::ISODate)},
            {QStringLiteral("updated_at"),
             QDateTime::fromMSecsSinceEpoch(d.updatedAt, Qt::UTC).toString(Qt::ISODate)},
            {QStringLiteral("body"), d.body}};
}

QJsonObject itemJson(const postmortem::ActionItem &a)
{
    return {{QStringLiteral("id"), a.id},       {QStringLiteral("incident"), a.number},
            {QStringLiteral("title"), a.title}, {QStringLiteral("owner"), a.owner},
            {QStringLiteral("due"), a.due},     {QStringLiteral("status"), a.status}};
}

// The fields a problem and a known error share, added to `more`.
template <class Record> QJsonObject recordJson(const Record &r, QJsonObject more)
{
    more.insert(QStringLiteral("number"), r.number);
    more.insert(QStringLiteral("title"), r.title);
    more.insert(QStringLiteral("root_cause"), r.rootCause);
    more.insert(QStringLiteral("workaround"), r.workaround);
    more.insert(QStringLiteral("incidents"), QJsonArray::fromStringList(r.incidents));
    return more;
}

bool writeFile(const QString &path, const QByteArray &data, QString *error)
{
    if (auto s = util::writeOutputFile(path, data); !s) {
        *error = s.errorMessage();
        return false;
    }
    return true;
}

} // namespace

int runPostmortem(const QStringList &args)
{
    const QString sub = args.value(2);
    CliSession s(args);
    static const QStringList needNumber{QStringLiteral("show"),     QStringLiteral("export"),
                                        QStringLiteral("status"),   QStringLiteral("save"),
                                        QStringLiteral("versions"), QStringLiteral("restore"),
                                        QStringLiteral("ics"),      QStringLiteral("sync-actions")};
    if (const auto done = start(s, sub, needNumber.contains(sub) ? 1 : 0))
        return *done;
    auto &store = s.store();
    postmortem::PostmortemStore pm(s.engine());
    const postmortem::Template tmpl =
        postmortem::effectiveTemplate(store.meta(postmortem::TemplateMetaKey));

    if (sub == u"template") {
        if (s.has("set")) {
            const QString path = QFileInfo(s.value("set")).absoluteFilePath();
            auto t = postmortem::loadTemplate(path);
            if (!t)
                return s.fail(t.errorMessage());
            if (auto r = store.setMeta(postmortem::TemplateMetaKey, path); !r)
                return s.fail(r.errorMessage());
        } else if (s.has("reset")) {
            if (auto r = store.setMeta(postmortem::TemplateMetaKey, QString()); !r)
                return s.fail(r.errorMessage());
        }
        QString err;
        const auto t = postmortem::effectiveTemplate(store.meta(postmortem::TemplateMetaKey), &err);
        if (!err.isEmpty())
            fprintf(stderr, "sitrep: %s (using the default template)\n", err.toUtf8().constData());
        if (s.json()) {
            QJsonArray secs;
            for (const auto &x : t.sections)
                secs << QJsonObject{{QStringLiteral("title"), x.title},
                                    {QStringLiteral("hint"), x.hint}};
            printJson(QJsonObject{{QStringLiteral("name"), t.name},
                                  {QStringLiteral("source"), t.source},
                                  {QStringLiteral("sections"), secs}});
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
        if (auto r = s.engine().rebuildProjections(); !r)
            return s.fail(r.errorMessage());
        out() << "action items and knowledge base rebuilt from the log\n";
        return 0;
    }
    if (sub == u"actions") {
        const QString today =
            QDateTime::fromMSecsSinceEpoch(s.now(), Qt::UTC).date().toString(Qt::ISODate);
        const auto items = pm.actionItems(today, s.has("open"));
        if (s.json()) {
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
                             .arg(!i.isDone() && !i.due.isEmpty() && i.due < today
                                      ? QStringLiteral("OVERDUE")
                                      : QStringLiteral("       "))
                             .arg(i.number, -10)
                             .arg(i.due.isEmpty() ? QStringLiteral("-") : i.due, -10)
                             .arg(i.status, -11)
                             .arg(i.owner.isEmpty() ? QStringLiteral("-") : i.owner, -14)
                             .arg(i.title);
        }
        return 0;
    }

    auto inc = store.findIncident(s.pos(0));
    if (!inc)
        return s.fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
    // Reading, exporting and inviting never write: without a saved document they use the
    // draft that saving would create. Only the subcommands that change it save it first.
    static const QStringList readers{QStringLiteral("show"), QStringLiteral("export"),
                                     QStringLiteral("ics"), QStringLiteral("versions")};
    auto doc = readers.contains(sub) ? pm.previewDocument(inc->uid, s.actor(), tmpl)
                                     : pm.ensureDocument(inc->uid, s.actor(), tmpl);
    if (!doc)
        return s.fail(doc.errorMessage());

    if (sub == u"show") {
        if (s.json())
            printJson(docJson(*doc));
        else
            out() << printable(doc->body);
        return 0;
    }
    if (sub == u"export") {
        bool ok = false;
        const auto f = postmortem::parseFormat(
            s.value("format").isEmpty() ? QFileInfo(s.value("out")).suffix() : s.value("format"),
            &ok);
        if (!ok)
            return s.fail(QStringLiteral("--format must be md, html or pdf"));
        if (!s.has("out"))
            return s.fail(QStringLiteral("--out FILE is required"));
        postmortem::ExportInput in{*doc, *inc, store.timeline(inc->uid), s.now()};
        if (auto r = postmortem::exportTo(in, f, s.value("out")); !r)
            return s.fail(r.errorMessage());
        out() << inc->number << ": postmortem written to " << s.value("out") << "\n";
        return 0;
    }
    if (sub == u"status") {
        auto r = pm.setStatus(inc->uid, s.pos(1), s.actor());
        if (!r)
            return s.fail(r.errorMessage());
        out() << inc->number << ": postmortem " << postmortem::statusLabel(r->status).toLower()
              << " (version " << r->version << ")\n";
        return 0;
    }
    if (sub == u"save") {
        QFile f(s.value("file"));
        if (!s.has("file") || !f.open(QIODevice::ReadOnly))
            return s.fail(QStringLiteral("--file FILE is required and must be readable"));
        auto v =
            pm.saveVersion(inc->uid, QString::fromUtf8(f.readAll()), s.actor(), s.value("note"));
        if (!v)
            return s.fail(v.errorMessage());
        out() << inc->number << ": postmortem version " << *v << " saved\n";
        return 0;
    }
    if (sub == u"versions") {
        const auto vs = pm.versions(inc->uid);
        if (s.json()) {
            QJsonArray a;
            for (const auto &v : vs)
                a << QJsonObject{
                    {QStringLiteral("version"), v.version},
                    {QStringLiteral("status"), v.status},
                    {QStringLiteral("author"), v.author},
                    {QStringLiteral("note"), v.note},
                    {QStringLiteral("saved_at"),
                     QDateTime::fromMSecsSinceEpoch(v.savedAt, Qt::UTC).toString(Qt::ISODate)},
                    {QStringLiteral("chars"), v.body.size()}};
            printJson(a);
        } else {
            for (const auto &v : vs)
                out() << QStringLiteral("v%1  %2  %3  %4  %5\n")
                             .arg(v.version, -3)
                             .arg(when(v.savedAt))
                             .arg(v.status, -10)
                             .arg(v.author, -12)
                             .arg(v.note);
        }
        return 0;
    }
    if (sub == u"restore") {
        bool ok = false;
        const int v = s.pos(1).toInt(&ok);
        if (!ok)
            return s.fail(QStringLiteral("name the version to restore (a number)"));
        auto r = pm.restore(inc->uid, v, s.actor());
        if (!r)
            return s.fail(r.errorMessage());
        out() << inc->number << ": version " << v << " restored as version " << r->version << "\n";
        return 0;
    }
    if (sub == u"ics") {
        if (!s.has("out"))
            return s.fail(QStringLiteral("--out FILE is required"));
        const QString dom =
            s.has("mail-domain")
                ? s.value("mail-domain")
                : store.meta(QStringLiteral("postmortem.mail_domain"), QStringLiteral("localhost"));
        QString err;
        if (!writeFile(s.value("out"),
                       postmortem::toIcs(postmortem::reviewInvitation(*doc, *inc, s.now(), dom)),
                       &err))
            return s.fail(err);
        out() << inc->number << ": review meeting " << when(doc->reviewAt) << " UTC written to "
              << s.value("out") << "\n";
        return 0;
    }
    if (sub == u"sync-actions") {
        auto n = pm.syncActionItems(inc->uid, s.actor());
        if (!n)
            return s.fail(n.errorMessage());
        out() << inc->number << ": " << *n << " action item changes recorded\n";
        return 0;
    }
    return 1;
}

int runRunbook(const QStringList &args)
{
    const QString sub = args.value(2);
    CliSession s(args);
    const int need = sub == u"show" || sub == u"match" || sub == u"validate" ? 1
                     : sub == u"check"                                       ? 3
                                                                             : 0;
    if (const auto done = start(s, sub, need, sub != u"validate"))
        return *done;
    if (sub == u"validate") {
        int bad = 0;
        for (const QString &f : s.positional()) {
            auto rb = runbooks::loadRunbookFile(f);
            if (!rb) {
                ++bad;
                fprintf(stderr, "%s\n", rb.errorMessage().toUtf8().constData());
            } else {
                out() << f << ": ok (" << rb->name << ", " << rb->steps.size() << " steps, "
                      << rb->escalation.size() << " escalations)\n";
            }
        }
        return bad ? 1 : 0;
    }
    runbooks::RunbookLibrary lib;
    const QString user = s.has("folder") ? s.value("folder")
                                         : runbooks::RunbookLibrary::userFolder(
                                               s.store().meta(QStringLiteral("runbooks.folder")));
    lib.load(runbooks::RunbookLibrary::defaultFolders(user));

    if (sub == u"list") {
        if (s.json()) {
            QJsonArray a;
            for (const auto &r : lib.runbooks())
                a << QJsonObject{
                    {QStringLiteral("id"), r.id},
                    {QStringLiteral("name"), r.name},
                    {QStringLiteral("severity"), r.severity},
                    {QStringLiteral("services"), QJsonArray::fromStringList(r.services)},
                    {QStringLiteral("steps"), int(r.steps.size())},
                    {QStringLiteral("source"), r.source}};
            printJson(
                QJsonObject{{QStringLiteral("runbooks"), a},
                            {QStringLiteral("errors"), QJsonArray::fromStringList(lib.errors())}});
        } else {
            for (const auto &r : lib.runbooks()) {
                QStringList alerts;
                for (const auto &t : r.triggers)
                    alerts << t.alert;
                out() << QStringLiteral("%1  %2  %3  [%4]\n")
                             .arg(r.id, -28)
                             .arg(r.severity, -5)
                             .arg(r.name, -40)
                             .arg(alerts.join(QStringLiteral(", ")));
            }
            for (const QString &e : lib.errors())
                fprintf(stderr, "error: %s\n", e.toUtf8().constData());
        }
        return lib.errors().isEmpty() ? ExitOk : ExitFailure;
    }
    if (sub == u"show") {
        const runbooks::Runbook *r = lib.find(s.pos(0));
        if (!r)
            return s.fail(QStringLiteral("no runbook '%1'").arg(s.pos(0)));
        out() << r->name << " (" << r->id << ", " << r->severity << ")\n";
        for (int i = 0; i < r->steps.size(); ++i) {
            const auto &st = r->steps[i];
            out() << "\n" << i + 1 << ". " << st.name << "\n";
            if (!st.description.isEmpty())
                out() << "   " << st.description << "\n";
            for (const auto &c : st.commands)
                out() << "   $ " << c << "\n";
            for (const auto &o : st.options)
                out() << "   option: " << o.action
                      << (o.command.isEmpty() ? QString() : QStringLiteral(": $ ") + o.command)
                      << "\n";
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
                out() << "   after " << e.afterText << ": " << e.contact << " (until " << e.until
                      << ")\n";
        }
        return 0;
    }
    if (sub == u"tick") {
        runbooks::EscalationScheduler sched(s.engine(), lib, s.context().clock());
        auto n = sched.tick();
        if (!n)
            return s.fail(n.errorMessage());
        out() << *n << " escalations recorded";
        if (sched.nextDueAt() > 0)
            out() << "; next due " << when(sched.nextDueAt()) << " UTC";
        out() << "\n";
        return 0;
    }
    auto inc = s.store().findIncident(s.pos(0));
    if (!inc)
        return s.fail(QStringLiteral("no incident '%1'").arg(s.pos(0)));
    if (sub == u"match") {
        s.store().loadAlerts(*inc);
        for (const auto *r : lib.match(*inc))
            out() << r->id << "  " << r->name << "  (score " << runbooks::matchScore(*r, *inc)
                  << ")\n";
        return 0;
    }
    // check
    const runbooks::Runbook *r = lib.find(s.pos(1));
    if (!r)
        return s.fail(QStringLiteral("no runbook '%1'").arg(s.pos(1)));
    bool ok = false;
    const int step = s.pos(2).toInt(&ok) - 1;
    if (!ok || step < 0 || step >= r->steps.size())
        return s.fail(QStringLiteral("step must be 1..%1").arg(r->steps.size()));
    auto res = s.engine().execute(engine::Command::make(
        engine::Command::Kind::Record, inc->uid,
        {{QStringLiteral("kind"), runbooks::StepCheckedKind},
         {QStringLiteral("payload"), runbooks::stepCheckedPayload(*r, step, !s.has("uncheck"))}},
        s.actor()));
    if (!res)
        return s.fail(res.errorMessage());
    out() << inc->number << ": " << r->name << " step " << step + 1
          << (s.has("uncheck") ? " unchecked\n" : " checked\n");
    return 0;
}

int runProblem(const QStringList &args)
{
    const QString sub = args.value(2);
    CliSession s(args);
    // The arguments each subcommand needs at least (the others need none).
    static const QHash<QString, int> need{{QStringLiteral("show"), 1},
                                          {QStringLiteral("link"), 2},
                                          {QStringLiteral("update"), 1},
                                          {QStringLiteral("suggest"), 1},
                                          {QStringLiteral("resolve"), 2}};
    if (const auto done = start(s, sub, need.value(sub)))
        return *done;
    problems::ProblemStore ps(s.engine());
    // A problem or a known error: as JSON, or as one line of text.
    const auto print = [&](const QJsonObject &json, const QString &line) {
        if (s.json())
            printJson(json);
        else
            out() << line;
    };
    auto printProblem = [&](const problems::Problem &p) {
        print(recordJson(
                  p, {{QStringLiteral("status"), p.status}, {QStringLiteral("owner"), p.owner}}),
              QStringLiteral("%1  %2  %3  incidents: %4\n")
                  .arg(p.number, p.status, p.title, p.incidents.join(QStringLiteral(", "))));
    };
    auto printKe = [&](const problems::KnownError &k) {
        print(recordJson(k, {{QStringLiteral("symptom"), k.symptom},
                             {QStringLiteral("incident_count"), k.incidentCount}}),
              QStringLiteral("%1  seen %2x  %3 — workaround: %4\n")
                  .arg(k.number)
                  .arg(k.incidentCount)
                  .arg(k.title, k.workaround));
    };
    if (sub == u"create") {
        auto p =
            ps.createProblem(s.value("title"), s.value("description"), s.value("owner"), s.actor());
        if (!p)
            return s.fail(p.errorMessage());
        printProblem(*p);
        return 0;
    }
    if (sub == u"list") {
        for (const auto &p : ps.problems(s.has("open")))
            printProblem(p);
        return 0;
    }
    if (sub == u"show") {
        auto p = ps.problem(s.pos(0));
        if (!p)
            return s.fail(QStringLiteral("no problem '%1'").arg(s.pos(0)));
        printProblem(*p);
        return 0;
    }
    if (sub == u"link") {
        if (auto r = ps.linkIncident(s.pos(0), s.pos(1), s.actor()); !r)
            return s.fail(r.errorMessage());
        out() << s.pos(1) << ": linked to " << s.pos(0) << "\n";
        return 0;
    }
    if (sub == u"update") {
        auto p = ps.updateProblem(s.pos(0), {{s.value("field"), s.value("value")}}, s.actor());
        if (!p)
            return s.fail(p.errorMessage());
        printProblem(*p);
        return 0;
    }
    if (sub == u"known-error") {
        auto k = ps.createKnownError(s.value("title"), s.value("symptom"), s.value("workaround"),
                                     s.value("root-cause"), s.values("service"), s.value("problem"),
                                     s.actor());
        if (!k)
            return s.fail(k.errorMessage());
        printKe(*k);
        return 0;
    }
    if (sub == u"known-errors" || sub == u"suggest") {
        for (const auto &k :
             sub == u"suggest" ? ps.suggest(s.positional().join(u' ')) : ps.knownErrors())
            printKe(k);
        return 0;
    }
    if (sub == u"resolve") {
        if (auto r = ps.resolveWithKnownError(s.pos(0), s.pos(1), s.value("note"),
                                              s.value("root-cause"), s.actor());
            !r)
            return s.fail(r.errorMessage());
        auto k = ps.knownError(s.pos(1));
        out() << s.pos(0) << ": resolved with " << k->number << " (seen " << k->incidentCount
              << "x)\n";
        return 0;
    }
    // kb
    const QString md = ps.knowledgeBaseMarkdown();
    if (s.has("out")) {
        QString err;
        if (!writeFile(s.value("out"), md.toUtf8(), &err))
            return s.fail(err);
        out() << ps.articles().size() << " articles written to " << s.value("out") << "\n";
    } else {
        out() << md;
    }
    return 0;
}

} // namespace sitrep::cli
