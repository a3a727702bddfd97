// SPDX-License-Identifier: MIT
#include "cli_remediation.h"

#include "app/appcontext.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"
#include "sync/aws/sqsclient.h"
#include "sync/identity.h"
#include "sync/secretstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextStream>

#include <csignal>
#include <cstdio>

namespace sitrep::cli {

namespace {

using namespace sitrep::remediation;

int fail(const QString &what, const QString &message)
{
    fprintf(stderr, "sitrep %s: %s\n", what.toUtf8().constData(), message.toUtf8().constData());
    return 1;
}

void say(const QString &s)
{
    printf("%s\n", s.toUtf8().constData());
}

void printJson(const QJsonValue &v)
{
    const QJsonDocument d = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    printf("%s", d.toJson(QJsonDocument::Indented).constData());
}

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

/// "90", "90m", "2h", "1d" -> milliseconds; -1 when not a duration.
qint64 parseDuration(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)\\s*([mhd]?)$"));
    const auto m = re.match(text.trimmed().toLower());
    if (!m.hasMatch())
        return -1;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    return n * (unit == u"h" ? 3600000 : unit == u"d" ? 86400000 : 60000);
}

void onStop(int)
{
    QCoreApplication::quit();
}

/// The parser every verb uses: --db, --workflow, --json, --actor.
struct Cli {
    QCommandLineParser p;
    QCommandLineOption db{QStringLiteral("db"), QStringLiteral("Database file."), QStringLiteral("path")};
    QCommandLineOption workflow{QStringLiteral("workflow"), QStringLiteral("Workflow preset or YAML file."), QStringLiteral("name|path")};
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print JSON.")};
    QCommandLineOption actor{
        QStringLiteral("actor"),
        QStringLiteral("Who is acting, without a back end (default: the login name)."),
        QStringLiteral("name")};
    std::unique_ptr<app::AppContext> ctx;

    Cli() { p.addOptions({db, workflow, json, actor}); }
    /// Parses args[2..] (the verb and what follows); empty on success, else the error.
    QString parse(const QStringList &args)
    {
        QStringList rest = args;
        rest.removeAt(1); // the command word; the verb is the first positional
        if (!p.parse(rest))
            return p.errorText();
        return {};
    }
    QString open()
    {
        auto c = app::AppContext::open(app::resolveDatabasePath(p.value(db)), p.value(workflow));
        if (!c)
            return c.errorMessage();
        ctx = std::move(*c);
        return {};
    }
    /// Who acts (sync/identity.h): with a back end the token's user, else --actor or the login
    /// name.
    Result<QString> who()
    {
        return sync::Identity(ctx->store())
            .resolve(sync::ActorInputs::commandLine(p.isSet(actor), p.value(actor)));
    }
    qint64 now() const { return ctx->clock().nowMs(); }
    QStringList pos() const { return p.positionalArguments(); }
};

int maintenanceUsage()
{
    fprintf(stderr,
            "usage: sitrep maintenance add --ci SERVICE [--start TIME] (--end TIME | --duration 90m|2h) [--reason TEXT]\n"
            "       sitrep maintenance list [--all] [--json]\n"
            "       sitrep maintenance end ID      end a running window now\n"
            "       sitrep maintenance rm ID       remove a window\n"
            "While a window is active on a service, nothing is remediated automatically on it.\n");
    return 2;
}

int changeUsage()
{
    fprintf(stderr,
            "usage: sitrep change add --ci SERVICE --summary TEXT [--at TIME] [--ref CHG0001234]\n"
            "       sitrep change list [--since TIME] [--json]\n"
            "       sitrep change rm ID\n"
            "A change on a service in the last 30 minutes (remediation.change_window_minutes) blocks\n"
            "auto-remediation on it.\n");
    return 2;
}

int remediationUsage()
{
    fprintf(stderr,
            "usage: sitrep remediation list [--status S] [--incident N] [--json]\n"
            "       sitrep remediation failed [--json]          failed remediations (DLQ, failed results)\n"
            "       sitrep remediation retry CORRELATION_ID     queue a failed one again (new attempt)\n"
            "       sitrep remediation dismiss CORRELATION_ID [--reason TEXT]\n"
            "       sitrep remediation approve CORRELATION_ID|INCIDENT   pass the P1 approval gate\n"
            "       sitrep remediation preview INCIDENT         what would be decided now\n"
            "       sitrep remediation audit --format csv|json --out FILE [--from TIME] [--to TIME]\n"
            "       sitrep remediation prune-audit              drop audit records past the retention\n"
            "       sitrep remediation run [--once] [--endpoint URL] [--region R] [--profile P] [--wait S]\n"
            "                 (AWS keys: environment, then the keychain, then ~/.aws/credentials)\n"
            "       sitrep remediation setup-queues [--endpoint URL] ...   create the FIFO queues and the DLQ\n"
            "       sitrep remediation config list | get KEY | set KEY VALUE\n"
            "       sitrep remediation rules [--file PATH]      list (and check) the rules\n"
            "Every verb takes --db PATH; --actor NAME names the person (default $USER).\n");
    return 2;
}

} // namespace

int runMaintenance(const QStringList &args)
{
    const QString what = QStringLiteral("maintenance");
    Cli c;
    QCommandLineOption ci(QStringLiteral("ci"), QStringLiteral("Configuration item (service)."), QStringLiteral("name"));
    QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start (ISO time, default now)."), QStringLiteral("time"));
    QCommandLineOption end(QStringLiteral("end"), QStringLiteral("End (ISO time)."), QStringLiteral("time"));
    QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Length (90m, 2h, 1d)."), QStringLiteral("d"));
    QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why."), QStringLiteral("text"));
    QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Ended windows too."));
    c.p.addOptions({ci, start, end, duration, reason, all});
    if (auto e = c.parse(args); !e.isEmpty())
        return fail(what, e);
    const QStringList pos = c.pos();
    const QString verb = pos.value(0);
    if (verb != u"add" && verb != u"list" && verb != u"end" && verb != u"rm")
        return maintenanceUsage();
    if (auto e = c.open(); !e.isEmpty())
        return fail(what, e);
    RemediationStore rs(c.ctx->store());
    const qint64 now = c.now();
    if (verb == u"add") {
        const qint64 s = c.p.isSet(start) ? app::parseTimeArg(c.p.value(start), now) : now;
        if (s < 0)
            return fail(what, QStringLiteral("--start '%1' is not a time").arg(c.p.value(start)));
        if (c.p.isSet(end) == c.p.isSet(duration))
            return fail(what, QStringLiteral("give either --end TIME or --duration LENGTH"));
        qint64 e = 0;
        if (c.p.isSet(end)) {
            e = app::parseTimeArg(c.p.value(end), now);
            if (e < 0)
                return fail(what, QStringLiteral("--end '%1' is not a time").arg(c.p.value(end)));
        } else {
            const qint64 d = parseDuration(c.p.value(duration));
            if (d <= 0)
                return fail(what, QStringLiteral("--duration '%1' is not a length (90m, 2h, 1d)").arg(c.p.value(duration)));
            e = s + d;
        }
        const auto who = c.who();
        if (!who)
            return fail(what, who.errorMessage());
        auto id = rs.addMaintenance(c.p.value(ci), s, e, c.p.value(reason), *who, now);
        if (!id)
            return fail(what, id.errorMessage());
        say(QString::number(*id));
        return 0;
    }
    if (verb == u"list") {
        const auto list = rs.maintenance(now, c.p.isSet(all));
        if (c.p.isSet(c.json)) {
            QJsonArray a;
            for (const auto &w : list) {
                QJsonObject o = w.toJson();
                o[QStringLiteral("active")] = w.activeAt(now);
                a.append(o);
            }
            printJson(a);
            return 0;
        }
        for (const auto &w : list)
            say(QStringLiteral("%1\t%2\t%3 .. %4\t%5\t%6")
                    .arg(w.id)
                    .arg(w.ci, when(w.startsAt), when(w.endsAt),
                         w.activeAt(now) ? QStringLiteral("active") : (w.endsAt <= now ? QStringLiteral("ended") : QStringLiteral("planned")),
                         w.reason));
        return 0;
    }
    bool ok = false;
    const qint64 id = pos.value(1).toLongLong(&ok);
    if (!ok)
        return maintenanceUsage();
    const Status s = verb == u"end" ? rs.endMaintenance(id, now) : rs.removeMaintenance(id);
    if (!s)
        return fail(what, s.errorMessage());
    return 0;
}

int runChange(const QStringList &args)
{
    const QString what = QStringLiteral("change");
    Cli c;
    QCommandLineOption ci(QStringLiteral("ci"), QStringLiteral("Configuration item (service)."), QStringLiteral("name"));
    QCommandLineOption at(QStringLiteral("at"), QStringLiteral("When it was implemented (ISO time, default now)."), QStringLiteral("time"));
    QCommandLineOption summary(QStringLiteral("summary"), QStringLiteral("What changed."), QStringLiteral("text"));
    QCommandLineOption ref(QStringLiteral("ref"), QStringLiteral("Change ticket or link."), QStringLiteral("ref"));
    QCommandLineOption since(QStringLiteral("since"), QStringLiteral("Only changes after this time."), QStringLiteral("time"));
    c.p.addOptions({ci, at, summary, ref, since});
    if (auto e = c.parse(args); !e.isEmpty())
        return fail(what, e);
    const QStringList pos = c.pos();
    const QString verb = pos.value(0);
    if (verb != u"add" && verb != u"list" && verb != u"rm")
        return changeUsage();
    if (auto e = c.open(); !e.isEmpty())
        return fail(what, e);
    RemediationStore rs(c.ctx->store());
    const qint64 now = c.now();
    if (verb == u"add") {
        const qint64 t = c.p.isSet(at) ? app::parseTimeArg(c.p.value(at), now) : now;
        if (t < 0)
            return fail(what, QStringLiteral("--at '%1' is not a time").arg(c.p.value(at)));
        const auto who = c.who();
        if (!who)
            return fail(what, who.errorMessage());
        auto id = rs.addChange(c.p.value(ci), t, c.p.value(summary), c.p.value(ref), *who, now);
        if (!id)
            return fail(what, id.errorMessage());
        say(QString::number(*id));
        return 0;
    }
    if (verb == u"list") {
        qint64 from = 0;
        if (c.p.isSet(since)) {
            from = app::parseTimeArg(c.p.value(since), now);
            if (from < 0)
                return fail(what, QStringLiteral("--since '%1' is not a time").arg(c.p.value(since)));
        }
        const auto list = rs.changes(from);
        if (c.p.isSet(c.json)) {
            QJsonArray a;
            for (const auto &ch : list)
                a.append(ch.toJson());
            printJson(a);
            return 0;
        }
        for (const auto &ch : list)
            say(QStringLiteral("%1\t%2\t%3\t%4\t%5").arg(ch.id).arg(ch.ci, when(ch.implementedAt), ch.ref.isEmpty() ? QStringLiteral("-") : ch.ref, ch.summary));
        return 0;
    }
    bool ok = false;
    const qint64 id = pos.value(1).toLongLong(&ok);
    if (!ok)
        return changeUsage();
    if (auto s = rs.removeChange(id); !s)
        return fail(what, s.errorMessage());
    return 0;
}

int runRemediation(const QStringList &args)
{
    const QString what = QStringLiteral("remediation");
    Cli c;
    QCommandLineOption status(QStringLiteral("status"), QStringLiteral("Filter by status (repeatable)."), QStringLiteral("s"));
    QCommandLineOption incident(QStringLiteral("incident"), QStringLiteral("Filter by incident."), QStringLiteral("n"));
    QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why."), QStringLiteral("text"));
    QCommandLineOption format(QStringLiteral("format"), QStringLiteral("csv or json."), QStringLiteral("f"));
    QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("file"));
    QCommandLineOption from(QStringLiteral("from"), QStringLiteral("From time."), QStringLiteral("time"));
    QCommandLineOption to(QStringLiteral("to"), QStringLiteral("To time."), QStringLiteral("time"));
    QCommandLineOption once(QStringLiteral("once"), QStringLiteral("One round, then print a JSON summary."));
    QCommandLineOption endpoint(QStringLiteral("endpoint"), QStringLiteral("SQS endpoint URL."), QStringLiteral("url"));
    QCommandLineOption region(QStringLiteral("region"), QStringLiteral("AWS region."), QStringLiteral("region"));
    QCommandLineOption profile(QStringLiteral("profile"), QStringLiteral("Shared credentials profile."), QStringLiteral("name"));
    QCommandLineOption waitS(QStringLiteral("wait"), QStringLiteral("Long-poll seconds for results (0-20)."), QStringLiteral("s"), QStringLiteral("5"));
    QCommandLineOption file(QStringLiteral("file"), QStringLiteral("Rule file or folder."), QStringLiteral("path"));
    c.p.addOptions({status, incident, reason, format, out, from, to, once, endpoint, region, profile, waitS, file});
    if (auto e = c.parse(args); !e.isEmpty())
        return fail(what, e);
    const QStringList pos = c.pos();
    const QString verb = pos.value(0);
    static const QStringList verbs{QStringLiteral("list"), QStringLiteral("failed"), QStringLiteral("retry"), QStringLiteral("dismiss"),
                                   QStringLiteral("approve"), QStringLiteral("preview"), QStringLiteral("audit"), QStringLiteral("prune-audit"),
                                   QStringLiteral("run"), QStringLiteral("setup-queues"), QStringLiteral("config"), QStringLiteral("rules")};
    if (!verbs.contains(verb))
        return remediationUsage();

    if (verb == u"rules" && c.p.isSet(file)) {
        auto set = RuleSet::load(c.p.value(file));
        if (!set)
            return fail(what, set.errorMessage());
        for (const Rule &r : set->rules())
            say(QStringLiteral("%1\t%2\t%3 %4").arg(r.id, r.when.text(), actionTypeName(r.action.type), r.action.target));
        return 0;
    }
    if (verb == u"audit") {
        if (c.p.value(format) != u"csv" && c.p.value(format) != u"json")
            return fail(what, QStringLiteral("--format must be csv or json"));
        if (!c.p.isSet(out))
            return fail(what, QStringLiteral("--out FILE is required"));
    }
    if (auto e = c.open(); !e.isEmpty())
        return fail(what, e);
    store::Store &st = c.ctx->store();
    RemediationStore rs(st);

    if (verb == u"config") {
        const QString sub = pos.value(1);
        if (sub == u"list") {
            for (const auto &k : RemediationConfig::keys())
                say(QStringLiteral("%1 = %2").arg(k.first, RemediationConfig::get(st, k.first)));
            return 0;
        }
        if (sub == u"get" && pos.size() == 3) {
            say(RemediationConfig::get(st, pos[2]));
            return 0;
        }
        if (sub == u"set" && pos.size() == 4) {
            if (auto s = RemediationConfig::set(st, pos[2], pos[3]); !s)
                return fail(what, s.errorMessage());
            return 0;
        }
        return fail(what, QStringLiteral("usage: sitrep remediation config list | get KEY | set KEY VALUE"));
    }
    if (verb == u"list" || verb == u"failed") {
        QString uid;
        if (c.p.isSet(incident)) {
            const auto inc = st.findIncident(c.p.value(incident));
            if (!inc)
                return fail(what, QStringLiteral("no incident %1").arg(c.p.value(incident)));
            uid = inc->uid;
        }
        const auto list = verb == u"failed" ? rs.remediations({QStringLiteral("failed")}, uid) : rs.remediations(c.p.values(status), uid);
        if (c.p.isSet(c.json)) {
            QJsonArray a;
            for (const auto &r : list)
                a.append(r.toJson());
            printJson(a);
            return 0;
        }
        for (const auto &r : list)
            say(QStringLiteral("%1\t%2\t%3\t%4 %5\t%6\t%7%8")
                    .arg(r.correlationId, r.number, r.priority, r.actionType, r.target, r.status,
                         r.control.isEmpty() ? QString() : r.control + QStringLiteral(": "), r.reason));
        return 0;
    }
    if (verb == u"audit") {
        const qint64 now = c.now();
        const qint64 f = c.p.isSet(from) ? app::parseTimeArg(c.p.value(from), now) : 0;
        const qint64 t = c.p.isSet(to) ? app::parseTimeArg(c.p.value(to), now) : 0;
        if (f < 0 || t < 0)
            return fail(what, QStringLiteral("--from/--to must be times"));
        const auto records = rs.audit(f, t);
        QSaveFile outFile(c.p.value(out));
        if (!outFile.open(QIODevice::WriteOnly))
            return fail(what, QStringLiteral("cannot write %1: %2").arg(outFile.fileName(), outFile.errorString()));
        outFile.write(RemediationStore::exportAudit(records, c.p.value(format)));
        if (!outFile.commit())
            return fail(what, QStringLiteral("cannot write %1: %2").arg(outFile.fileName(), outFile.errorString()));
        say(QStringLiteral("%1 audit records written to %2").arg(records.size()).arg(outFile.fileName()));
        return 0;
    }
    if (verb == u"prune-audit") {
        auto n = rs.pruneAudit();
        if (!n)
            return fail(what, n.errorMessage());
        say(QStringLiteral("%1 audit records older than %2 days removed").arg(*n).arg(rs.retentionDays()));
        return 0;
    }

    auto rem = Remediator::fromSettings(c.ctx->engine());
    if (!rem)
        return fail(what, rem.errorMessage());
    if (verb == u"rules") {
        for (const Rule &r : rem->rules().rules())
            say(QStringLiteral("%1\t%2\t%3 %4%5").arg(r.id, r.when.text(), actionTypeName(r.action.type), r.action.target,
                                                      r.hook.isEmpty() ? QString() : QStringLiteral(" (hook %1)").arg(r.hook)));
        return 0;
    }
    const auto printRow = [&](const RemediationRow &r) {
        if (c.p.isSet(c.json))
            printJson(r.toJson());
        else
            say(QStringLiteral("%1\t%2\t%3 %4\t%5 (attempt %6)").arg(r.correlationId, r.number, r.actionType, r.target, r.status).arg(r.attempt));
    };
    if (verb == u"approve" || verb == u"retry" || verb == u"dismiss" || verb == u"preview") {
        if (pos.size() != 2)
            return remediationUsage();
        if (verb == u"preview") {
            auto d = rem->preview(pos[1]);
            if (!d)
                return fail(what, d.errorMessage());
            if (!d->rule) {
                say(QStringLiteral("no rule matches"));
                return 0;
            }
            QJsonObject o = d->payload;
            o[QStringLiteral("decision")] = d->kind;
            printJson(o);
            return 0;
        }
        const auto who = c.who();
        if (!who)
            return fail(what, who.errorMessage());
        auto r = verb == u"approve" ? rem->approve(pos[1], *who)
                 : verb == u"retry" ? rem->retry(pos[1], *who)
                                    : rem->dismiss(pos[1], *who, c.p.value(reason));
        if (!r)
            return fail(what, r.errorMessage());
        printRow(*r);
        return 0;
    }

    // run / setup-queues: the network part.
    const auto setting = [&](const QCommandLineOption &o, const QString &key, const QString &fallback = {}) {
        return c.p.isSet(o) ? c.p.value(o) : st.meta(key, fallback);
    };
    const QString reg = setting(region, QStringLiteral("aws.region"), qEnvironmentVariable("AWS_REGION", QStringLiteral("us-east-1")));
    sync::aws::AwsEndpoint ep;
    ep.region = reg;
    ep.url = QUrl(setting(endpoint, QStringLiteral("aws.endpoint"), QStringLiteral("https://sqs.%1.amazonaws.com/").arg(reg)));
    if (auto v = ep.validate(); !v)
        return fail(what, v.errorMessage());
    QNetworkAccessManager nam;
    // Environment, then the keys stored in the keychain, then ~/.aws/credentials.
    sync::KeychainSecretStore keychain;
    sync::aws::SqsClient sqs(nam, ep, sync::aws::ChainCredentialsProvider::withKeychain(keychain, setting(profile, QStringLiteral("aws.profile"))));
    RemediationDispatcher dispatcher(*rem, nam, &sqs);
    dispatcher.setWaitSeconds(std::clamp(c.p.value(waitS).toInt(), 0, 20));
    std::signal(SIGINT, onStop);
    std::signal(SIGTERM, onStop);
    if (verb == u"setup-queues") {
        std::optional<Status> done;
        QEventLoop loop;
        dispatcher.provisionQueues([&](Status s) {
            done = s;
            loop.quit();
        });
        if (!done)
            loop.exec();
        if (!done || !*done)
            return fail(what, done ? done->errorMessage() : QStringLiteral("interrupted"));
        const RemediationConfig cfg = rem->config();
        say(QStringLiteral("queues ready: %1, %2, %3 (DLQ after %4 receives), %5")
                .arg(cfg.p1Queue, cfg.standardQueue, cfg.dlq).arg(cfg.maxReceiveCount).arg(cfg.resultsQueue));
        return 0;
    }
    if (c.p.isSet(once)) {
        std::optional<Result<RoundStats>> done;
        QEventLoop loop;
        dispatcher.runOnce([&](Result<RoundStats> r) {
            done.emplace(std::move(r));
            loop.quit();
        });
        if (!done)
            loop.exec();
        if (!done)
            return fail(what, QStringLiteral("interrupted"));
        if (!*done)
            return fail(what, done->errorMessage());
        QJsonObject o = (*done)->toJson();
        o[QStringLiteral("pending")] = rs.pendingDispatchCount();
        o[QStringLiteral("failed")] = int(rs.failed().size());
        printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    QObject::connect(&dispatcher, &RemediationDispatcher::roundFailed, &dispatcher,
                     [](const QString &e) { fprintf(stderr, "sitrep remediation: %s\n", e.toUtf8().constData()); });
    dispatcher.start();
    QCoreApplication::exec();
    dispatcher.stop();
    return 0;
}

namespace {

/// Owns what the embedded dispatcher needs, for as long as the window lives.
class EmbeddedRemediation final : public QObject {
public:
    QNetworkAccessManager nam;
    sync::KeychainSecretStore keychain;
    std::unique_ptr<sync::aws::SqsClient> sqs;
    std::unique_ptr<Remediator> remediator;
    std::unique_ptr<RemediationDispatcher> dispatcher;
    ~EmbeddedRemediation() override
    {
        if (dispatcher)
            dispatcher->stop();
        dispatcher.reset();
    }
};

} // namespace

std::unique_ptr<QObject> startEmbeddedRemediation(app::AppContext &context)
{
    auto rem = Remediator::fromSettings(context.engine());
    if (!rem) {
        fprintf(stderr, "sitrep: auto-remediation is off: %s\n", rem.errorMessage().toUtf8().constData());
        return nullptr;
    }
    auto e = std::make_unique<EmbeddedRemediation>();
    e->remediator = std::make_unique<Remediator>(std::move(*rem));
    store::Store &st = context.store();
    const QString endpoint = st.meta(QStringLiteral("aws.endpoint"));
    const QString region = st.meta(QStringLiteral("aws.region"));
    if (!endpoint.isEmpty() || !region.isEmpty()) {
        sync::aws::AwsEndpoint ep;
        ep.region = region.isEmpty() ? QStringLiteral("us-east-1") : region;
        ep.url = QUrl(endpoint.isEmpty() ? QStringLiteral("https://sqs.%1.amazonaws.com/").arg(ep.region) : endpoint);
        if (auto v = ep.validate(); v)
            e->sqs = std::make_unique<sync::aws::SqsClient>(
                e->nam, ep, sync::aws::ChainCredentialsProvider::withKeychain(e->keychain, st.meta(QStringLiteral("aws.profile"))));
        else
            fprintf(stderr, "sitrep: remediation SQS endpoint: %s\n", v.errorMessage().toUtf8().constData());
    }
    e->dispatcher = std::make_unique<RemediationDispatcher>(*e->remediator, e->nam, e->sqs.get());
    e->dispatcher->setWaitSeconds(0); // short polls: the window's thread must not wait
    QObject::connect(e->dispatcher.get(), &RemediationDispatcher::roundFailed, e.get(),
                     [](const QString &m) { fprintf(stderr, "sitrep remediation: %s\n", m.toUtf8().constData()); });
    QObject::connect(e->dispatcher.get(), &RemediationDispatcher::waitingForSqs, e.get(),
                     [](qint64 n) {
                         if (n > 0)
                             fprintf(stderr,
                                     "sitrep remediation: %lld action(s) wait for an SQS endpoint "
                                     "(sitrep config set aws.region or aws.endpoint)\n",
                                     static_cast<long long>(n));
                     });
    e->dispatcher->start(5000);
    return e;
}

} // namespace sitrep::cli
