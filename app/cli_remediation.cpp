// SPDX-License-Identifier: MIT
#include "app/cli_remediation.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "host/appcontext.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"
#include "aws/sqsclient.h"
#include "sync/identity.h"
#include "secrets/secretstore.h"

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
    return failWith(what.toUtf8().constData(), message);
}

int usageFail(const QString &what, const QString &message)
{
    failWith(what.toUtf8().constData(), message);
    return ExitUsage;
}

// Rows quote results and errors that came back from remediation targets over SQS.
void say(const QString &s)
{
    out() << printable(s) << '\n';
    out().flush();
}

void printJson(const QJsonValue &v)
{
    const QJsonDocument d = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    out() << d.toJson(QJsonDocument::Indented);
    out().flush();
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

/// The parser every verb of a group uses, with the group's options from the command table.
struct Cli {
    QCommandLineParser p;
    const QString group;
    std::unique_ptr<host::AppContext> ctx;

    explicit Cli(const QString &groupName) : group(groupName)
    {
        addTableOptions(p, *findCommand(group));
    }
    QCommandLineOption option(const char *name) const
    {
        return tableOption(group, QString::fromLatin1(name));
    }
    /// Parses args[2..] (the verb and what follows); empty on success, else the error.
    QString parse(const QStringList &args)
    {
        QStringList rest = args;
        rest.removeAt(1); // the command word; the verb is the first positional
        if (!p.parse(rest))
            return p.errorText();
        return {};
    }
    /// Opens the database; only verbs that record something may start a new one.
    QString open(bool mayCreate)
    {
        auto path = databasePath(p.value(QStringLiteral("db")), mayCreate);
        if (!path)
            return path.errorMessage();
        auto c = host::AppContext::open(*path);
        if (!c)
            return c.errorMessage();
        ctx = std::move(*c);
        return {};
    }
    /// Who acts (sync/identity.h): with a back end the token's user, else --actor or the login
    /// name.
    Result<QString> who()
    {
        const QString a = QStringLiteral("actor");
        return sync::Identity(ctx->store())
            .resolve(sync::ActorInputs::commandLine(p.isSet(a), p.value(a)));
    }
    bool json() const { return p.isSet(QStringLiteral("json")); }
    qint64 now() const { return ctx->clock().nowMs(); }
    QStringList pos() const { return p.positionalArguments(); }
};

// The group's help from the table, and for a wrong verb a one-line reason (exit 2).
int groupUsage(const QString &group, const QString &verb)
{
    const CommandSpec &spec = *findCommand(group);
    fprintf(stderr, "%s", commandHelp(spec).toUtf8().constData());
    if (verb.isEmpty())
        return ExitUsage;
    QStringList names;
    for (const auto &x : spec.subcommands)
        names << x.name;
    const QString near = closestMatch(verb, names);
    return usageFail(
        group,
        QStringLiteral("unknown %1 subcommand '%2'%3")
            .arg(group, verb,
                 near.isEmpty() ? QString() : QStringLiteral("; did you mean '%1'?").arg(near)));
}

} // namespace

int runMaintenance(const QStringList &args)
{
    const QString what = QStringLiteral("maintenance");
    Cli c(what);
    const QCommandLineOption ci = c.option("ci");
    const QCommandLineOption start = c.option("start");
    const QCommandLineOption end = c.option("end");
    const QCommandLineOption duration = c.option("duration");
    const QCommandLineOption reason = c.option("reason");
    const QCommandLineOption all = c.option("all");
    if (auto e = c.parse(args); !e.isEmpty())
        return usageFail(what, e);
    const QStringList pos = c.pos();
    const QString verb = pos.value(0);
    if (verb != u"add" && verb != u"list" && verb != u"end" && verb != u"rm")
        return groupUsage(what, verb);
    if (auto e = c.open(verb == u"add"); !e.isEmpty())
        return fail(what, e);
    RemediationStore rs(c.ctx->store());
    const qint64 now = c.now();
    if (verb == u"add") {
        const qint64 s = c.p.isSet(start) ? host::parseTimeArg(c.p.value(start), now) : now;
        if (s < 0)
            return fail(what, QStringLiteral("--start '%1' is not a time").arg(c.p.value(start)));
        if (c.p.isSet(end) == c.p.isSet(duration))
            return fail(what, QStringLiteral("give either --end TIME or --duration LENGTH"));
        qint64 e = 0;
        if (c.p.isSet(end)) {
            e = host::parseTimeArg(c.p.value(end), now);
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
        if (c.json()) {
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
        return usageFail(what, QStringLiteral("%1 needs the window's ID (a number), not '%2'")
                                   .arg(verb, pos.value(1)));
    const Status s = verb == u"end" ? rs.endMaintenance(id, now) : rs.removeMaintenance(id);
    if (!s)
        return fail(what, s.errorMessage());
    return 0;
}

int runChange(const QStringList &args)
{
    const QString what = QStringLiteral("change");
    Cli c(what);
    const QCommandLineOption ci = c.option("ci");
    const QCommandLineOption at = c.option("at");
    const QCommandLineOption summary = c.option("summary");
    const QCommandLineOption ref = c.option("ref");
    const QCommandLineOption since = c.option("since");
    if (auto e = c.parse(args); !e.isEmpty())
        return usageFail(what, e);
    const QStringList pos = c.pos();
    const QString verb = pos.value(0);
    if (verb != u"add" && verb != u"list" && verb != u"rm")
        return groupUsage(what, verb);
    if (auto e = c.open(verb == u"add"); !e.isEmpty())
        return fail(what, e);
    RemediationStore rs(c.ctx->store());
    const qint64 now = c.now();
    if (verb == u"add") {
        const qint64 t = c.p.isSet(at) ? host::parseTimeArg(c.p.value(at), now) : now;
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
            from = host::parseTimeArg(c.p.value(since), now);
            if (from < 0)
                return fail(what, QStringLiteral("--since '%1' is not a time").arg(c.p.value(since)));
        }
        const auto list = rs.changes(from);
        if (c.json()) {
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
        return usageFail(
            what,
            QStringLiteral("rm needs the change's ID (a number), not '%1'").arg(pos.value(1)));
    if (auto s = rs.removeChange(id); !s)
        return fail(what, s.errorMessage());
    return 0;
}

int runRemediation(const QStringList &args)
{
    const QString what = QStringLiteral("remediation");
    Cli c(what);
    const QCommandLineOption status = c.option("status");
    const QCommandLineOption incident = c.option("incident");
    const QCommandLineOption reason = c.option("reason");
    const QCommandLineOption format = c.option("format");
    const QCommandLineOption out = c.option("out");
    const QCommandLineOption from = c.option("from");
    const QCommandLineOption to = c.option("to");
    const QCommandLineOption once = c.option("once");
    const QCommandLineOption endpoint = c.option("endpoint");
    const QCommandLineOption region = c.option("region");
    const QCommandLineOption profile = c.option("profile");
    const QCommandLineOption waitS = c.option("wait");
    const QCommandLineOption file = c.option("file");
    if (auto e = c.parse(args); !e.isEmpty())
        return usageFail(what, e);
    const QStringList pos = c.pos();
    const QString verb = pos.value(0);
    static const QStringList verbs{QStringLiteral("list"), QStringLiteral("failed"), QStringLiteral("retry"), QStringLiteral("dismiss"),
                                   QStringLiteral("approve"), QStringLiteral("preview"), QStringLiteral("audit"), QStringLiteral("prune-audit"),
                                   QStringLiteral("run"), QStringLiteral("setup-queues"), QStringLiteral("config"), QStringLiteral("rules")};
    if (!verbs.contains(verb))
        return groupUsage(what, verb);

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
    if (auto e = c.open(verb == u"config" && pos.value(1) == u"set"); !e.isEmpty())
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
        if (c.json()) {
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
        const qint64 f = c.p.isSet(from) ? host::parseTimeArg(c.p.value(from), now) : 0;
        const qint64 t = c.p.isSet(to) ? host::parseTimeArg(c.p.value(to), now) : 0;
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
        if (c.json())
            printJson(r.toJson());
        else
            say(QStringLiteral("%1\t%2\t%3 %4\t%5 (attempt %6)").arg(r.correlationId, r.number, r.actionType, r.target, r.status).arg(r.attempt));
    };
    if (verb == u"approve" || verb == u"retry" || verb == u"dismiss" || verb == u"preview") {
        if (pos.size() != 2)
            return groupUsage(what, {});
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
    aws::AwsEndpoint ep;
    ep.region = reg;
    ep.url = QUrl(setting(endpoint, QStringLiteral("aws.endpoint"), QStringLiteral("https://sqs.%1.amazonaws.com/").arg(reg)));
    if (auto v = ep.validate(); !v)
        return fail(what, v.errorMessage());
    QNetworkAccessManager nam;
    // Environment, then the keys stored in the keychain, then ~/.aws/credentials.
    secrets::KeychainSecretStore keychain;
    aws::SqsClient sqs(nam, ep, aws::ChainCredentialsProvider::withKeychain(keychain, setting(profile, QStringLiteral("aws.profile"))));
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
    secrets::KeychainSecretStore keychain;
    std::unique_ptr<aws::SqsClient> sqs;
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

std::unique_ptr<QObject> startEmbeddedRemediation(host::AppContext &context)
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
        aws::AwsEndpoint ep;
        ep.region = region.isEmpty() ? QStringLiteral("us-east-1") : region;
        ep.url = QUrl(endpoint.isEmpty() ? QStringLiteral("https://sqs.%1.amazonaws.com/").arg(ep.region) : endpoint);
        if (auto v = ep.validate(); v)
            e->sqs = std::make_unique<aws::SqsClient>(
                e->nam, ep, aws::ChainCredentialsProvider::withKeychain(e->keychain, st.meta(QStringLiteral("aws.profile"))));
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
