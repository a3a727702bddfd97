// SPDX-License-Identifier: MIT
#include "app/cli_remediation.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "aws/sqsclient.h"
#include "host/appcontext.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"
#include "secrets/secretstore.h"
#include "util/outputfile.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QTextStream>

#include <cstdio>

namespace sitrep::cli {

namespace {

using namespace sitrep::remediation;

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

// `sitrep maintenance|change VERB ...`: once the verb is one of the command's subcommands
// and the database is open, `work` runs it. Only `add` may start a database; who acts is
// asked when something is recorded.
int runRecords(const QStringList &args,
               int (*work)(CliSession &c, RemediationStore &rs, const QString &verb, qint64 now))
{
    CliSession c(args, {.named = true});
    if (!c.parse())
        return c.code();
    const QString verb = c.pos(0);
    if (!c.isSubcommand(verb))
        return c.unknownSubcommand(verb, HelpTo::Stderr);
    if (!c.open(verb == u"add" ? DbAccess::MayCreate : DbAccess::Existing, ActorCheck::OnWrite))
        return c.code();
    RemediationStore rs(c.store());
    return work(c, rs, verb, c.now());
}

// The time --OPTION names (ISO 8601, "now" or milliseconds), or `fallback` when it is not
// given; -1, after saying so, when it is no time.
qint64 timeOption(CliSession &c, const char *option, qint64 fallback)
{
    if (!c.has(option))
        return fallback;
    const qint64 t = host::parseTimeArg(c.value(option), c.now());
    if (t < 0)
        c.fail(QStringLiteral("--%1 '%2' is not a time")
                   .arg(QString::fromLatin1(option), c.value(option)));
    return t;
}

// The ID of what `VERB ID` names (`whose`: "window's"); none, after saying so, when it is not
// a number.
std::optional<qint64> idArgument(CliSession &c, const QString &whose)
{
    bool ok = false;
    const qint64 id = c.pos(1).toLongLong(&ok);
    if (!ok) {
        c.usage(QStringLiteral("%1 needs the %2 ID (a number), not '%3'")
                    .arg(c.pos(0), whose, c.pos(1)));
        return std::nullopt;
    }
    return id;
}

// The ID of what `add` recorded, on standard output.
int printAdded(CliSession &c, const Result<qint64> &id)
{
    if (!id)
        return c.fail(id.errorMessage());
    say(QString::number(*id));
    return ExitOk;
}

int maintenance(CliSession &c, RemediationStore &rs, const QString &verb, qint64 now)
{
    if (verb == u"add") {
        const qint64 s = timeOption(c, "start", now);
        if (s < 0)
            return c.code();
        if (c.has("end") == c.has("duration"))
            return c.fail(QStringLiteral("give either --end TIME or --duration LENGTH"));
        qint64 e = timeOption(c, "end", 0);
        if (e < 0)
            return c.code();
        if (!c.has("end")) {
            const qint64 d = parseDuration(c.value("duration"));
            if (d <= 0)
                return c.fail(QStringLiteral("--duration '%1' is not a length (90m, 2h, 1d)")
                                  .arg(c.value("duration")));
            e = s + d;
        }
        if (!c.requireActor())
            return c.code();
        return printAdded(
            c, rs.addMaintenance(c.value("ci"), s, e, c.value("reason"), c.actor(), now));
    }
    if (verb == u"list") {
        const auto list = rs.maintenance(now, c.has("all"));
        if (c.json()) {
            printJson(jsonArray(list, [&](const MaintenanceWindow &w) {
                QJsonObject o = w.toJson();
                o[QStringLiteral("active")] = w.activeAt(now);
                return o;
            }));
            return 0;
        }
        for (const auto &w : list)
            say(QStringLiteral("%1\t%2\t%3 .. %4\t%5\t%6")
                    .arg(w.id)
                    .arg(w.ci, when(w.startsAt), when(w.endsAt),
                         w.activeAt(now) ? QStringLiteral("active")
                                         : (w.endsAt <= now ? QStringLiteral("ended")
                                                            : QStringLiteral("planned")),
                         w.reason));
        return 0;
    }
    const auto id = idArgument(c, QStringLiteral("window's"));
    if (!id)
        return c.code();
    const Status s = verb == u"end" ? rs.endMaintenance(*id, now) : rs.removeMaintenance(*id);
    return s ? ExitOk : c.fail(s.errorMessage());
}

int change(CliSession &c, RemediationStore &rs, const QString &verb, qint64 now)
{
    if (verb == u"add") {
        const qint64 t = timeOption(c, "at", now);
        if (t < 0 || !c.requireActor())
            return c.code();
        return printAdded(
            c, rs.addChange(c.value("ci"), t, c.value("summary"), c.value("ref"), c.actor(), now));
    }
    if (verb == u"list") {
        const qint64 from = timeOption(c, "since", 0);
        if (from < 0)
            return c.code();
        const auto list = rs.changes(from);
        if (c.json()) {
            printJson(jsonArray(list));
            return 0;
        }
        for (const auto &ch : list)
            say(QStringLiteral("%1\t%2\t%3\t%4\t%5")
                    .arg(ch.id)
                    .arg(ch.ci, when(ch.implementedAt),
                         ch.ref.isEmpty() ? QStringLiteral("-") : ch.ref, ch.summary));
        return 0;
    }
    const auto id = idArgument(c, QStringLiteral("change's"));
    if (!id)
        return c.code();
    const Status s = rs.removeChange(*id);
    return s ? ExitOk : c.fail(s.errorMessage());
}

} // namespace

int runMaintenance(const QStringList &args)
{
    return runRecords(args, maintenance);
}

int runChange(const QStringList &args)
{
    return runRecords(args, change);
}

int runRemediation(const QStringList &args)
{
    CliSession c(args, {.named = true});
    if (!c.parse())
        return c.code();
    const QStringList pos = c.positional();
    const QString verb = pos.value(0);
    if (!c.isSubcommand(verb))
        return c.unknownSubcommand(verb, HelpTo::Stderr);

    if (verb == u"rules" && c.has("file")) {
        auto set = RuleSet::load(c.value("file"));
        if (!set)
            return c.fail(set.errorMessage());
        for (const Rule &r : set->rules())
            say(QStringLiteral("%1\t%2\t%3 %4")
                    .arg(r.id, r.when.text(), actionTypeName(r.action.type), r.action.target));
        return 0;
    }
    if (verb == u"audit") {
        if (c.value("format") != u"csv" && c.value("format") != u"json")
            return c.fail(QStringLiteral("--format must be csv or json"));
        if (!c.has("out"))
            return c.fail(QStringLiteral("--out FILE is required"));
    }
    if (!c.open((verb == u"config" && pos.value(1) == u"set") ? DbAccess::MayCreate
                                                              : DbAccess::Existing,
                ActorCheck::OnWrite))
        return c.code();
    store::Store &st = c.store();
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
                return c.fail(s.errorMessage());
            return 0;
        }
        return c.fail(
            QStringLiteral("usage: sitrep remediation config list | get KEY | set KEY VALUE"));
    }
    if (verb == u"list" || verb == u"failed") {
        QString uid;
        if (c.has("incident")) {
            const auto inc = st.findIncident(c.value("incident"));
            if (!inc)
                return c.fail(QStringLiteral("no incident %1").arg(c.value("incident")));
            uid = inc->uid;
        }
        const auto list = verb == u"failed" ? rs.remediations({QStringLiteral("failed")}, uid)
                                            : rs.remediations(c.values("status"), uid);
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
                         r.control.isEmpty() ? QString() : r.control + QStringLiteral(": "),
                         r.reason));
        return 0;
    }
    if (verb == u"audit") {
        const qint64 now = c.now();
        const qint64 f = c.has("from") ? host::parseTimeArg(c.value("from"), now) : 0;
        const qint64 t = c.has("to") ? host::parseTimeArg(c.value("to"), now) : 0;
        if (f < 0 || t < 0)
            return c.fail(QStringLiteral("--from/--to must be times"));
        const auto records = rs.audit(f, t);
        if (auto w = util::writeOutputFile(
                c.value("out"), RemediationStore::exportAudit(records, c.value("format")));
            !w)
            return c.fail(w.errorMessage());
        say(QStringLiteral("%1 audit records written to %2")
                .arg(records.size())
                .arg(c.value("out")));
        return 0;
    }
    if (verb == u"prune-audit") {
        auto n = rs.pruneAudit();
        if (!n)
            return c.fail(n.errorMessage());
        say(QStringLiteral("%1 audit records older than %2 days removed")
                .arg(*n)
                .arg(rs.retentionDays()));
        return 0;
    }

    auto rem = Remediator::fromSettings(c.engine());
    if (!rem)
        return c.fail(rem.errorMessage());
    if (verb == u"rules") {
        for (const Rule &r : rem->rules().rules())
            say(QStringLiteral("%1\t%2\t%3 %4%5")
                    .arg(r.id, r.when.text(), actionTypeName(r.action.type), r.action.target,
                         r.hook.isEmpty() ? QString() : QStringLiteral(" (hook %1)").arg(r.hook)));
        return 0;
    }
    const auto printRow = [&](const RemediationRow &r) {
        if (c.json())
            printJson(r.toJson());
        else
            say(QStringLiteral("%1\t%2\t%3 %4\t%5 (attempt %6)")
                    .arg(r.correlationId, r.number, r.actionType, r.target, r.status)
                    .arg(r.attempt));
    };
    if (verb == u"approve" || verb == u"retry" || verb == u"dismiss" || verb == u"preview") {
        if (pos.size() != 2)
            return c.unknownSubcommand({}, HelpTo::Stderr);
        if (verb == u"preview") {
            auto d = rem->preview(pos[1]);
            if (!d)
                return c.fail(d.errorMessage());
            if (!d->rule) {
                say(QStringLiteral("no rule matches"));
                return 0;
            }
            QJsonObject o = d->payload;
            o[QStringLiteral("decision")] = d->kind;
            printJson(o);
            return 0;
        }
        if (!c.requireActor())
            return c.code();
        auto r = verb == u"approve" ? rem->approve(pos[1], c.actor())
                 : verb == u"retry" ? rem->retry(pos[1], c.actor())
                                    : rem->dismiss(pos[1], c.actor(), c.value("reason"));
        if (!r)
            return c.fail(r.errorMessage());
        printRow(*r);
        return 0;
    }

    // run / setup-queues: the network part.
    const QString reg =
        c.optionOrSetting("region", QStringLiteral("aws.region"),
                          qEnvironmentVariable("AWS_REGION", QStringLiteral("us-east-1")));
    aws::AwsEndpoint ep;
    ep.region = reg;
    ep.url = QUrl(c.optionOrSetting("endpoint", QStringLiteral("aws.endpoint"),
                                    QStringLiteral("https://sqs.%1.amazonaws.com/").arg(reg)));
    if (auto v = ep.validate(); !v)
        return c.fail(v.errorMessage());
    QNetworkAccessManager nam;
    // Environment, then the keys stored in the keychain, then ~/.aws/credentials.
    secrets::KeychainSecretStore keychain;
    aws::SqsClient sqs(nam, ep,
                       aws::ChainCredentialsProvider::withKeychain(
                           keychain, c.optionOrSetting("profile", QStringLiteral("aws.profile"))));
    RemediationDispatcher dispatcher(*rem, nam, &sqs);
    dispatcher.setWaitSeconds(std::clamp(c.value("wait").toInt(), 0, 20));
    quitOnStopSignals();
    if (verb == u"setup-queues") {
        if (auto done = waitFor<void>([&](auto cb) { dispatcher.provisionQueues(cb); }); !done)
            return c.fail(done.errorMessage());
        const RemediationConfig cfg = rem->config();
        say(QStringLiteral("queues ready: %1, %2, %3 (DLQ after %4 receives), %5")
                .arg(cfg.p1Queue, cfg.standardQueue, cfg.dlq)
                .arg(cfg.maxReceiveCount)
                .arg(cfg.resultsQueue));
        return 0;
    }
    if (c.has("once")) {
        const auto done = waitFor<RoundStats>([&](auto cb) { dispatcher.runOnce(cb); });
        if (!done)
            return c.fail(done.errorMessage());
        QJsonObject o = done->toJson();
        o[QStringLiteral("pending")] = rs.pendingDispatchCount();
        o[QStringLiteral("failed")] = int(rs.failed().size());
        printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    QObject::connect(&dispatcher, &RemediationDispatcher::roundFailed, &dispatcher,
                     [](const QString &e) {
                         fprintf(stderr, "sitrep remediation: %s\n", e.toUtf8().constData());
                     });
    dispatcher.start();
    QCoreApplication::exec();
    dispatcher.stop();
    return 0;
}

} // namespace sitrep::cli
