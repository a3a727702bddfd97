// SPDX-License-Identifier: MIT
#include "app/cli_agent.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "host/appcontext.h"
#include "host/logging.h"
#include "host/servicehost.h"
#include "ingest/ingestconfig.h"
#include "ingest/ingestserver.h"
#include "secrets/credentialfiles.h"
#include "secrets/secretstore.h"
#include "sync/backendleases.h"
#include "sync/leases.h"
#include "sync/localleases.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>

namespace sitrep::cli {

namespace {

/// The first line of the secret file --OPTION names, without surrounding white space, into
/// `secret`; nothing when the option is not given. False, after saying why, when the file
/// cannot be read or is empty.
bool readSecretOption(CliSession &s, const char *option, const QString &what, QByteArray *secret)
{
    if (!s.has(option))
        return true;
    const QString path = s.value(option);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        s.fail(QStringLiteral("cannot read %1 %2: %3").arg(what, path, f.errorString()));
        return false;
    }
    const QByteArray line = f.readLine(4096).trimmed();
    if (line.isEmpty()) {
        s.fail(QStringLiteral("%1 %2 is empty").arg(what, path));
        return false;
    }
    *secret = line;
    return true;
}

/// A whole number option at least `min`; -1 after saying why when it is not one.
int intOption(CliSession &s, const char *option, int min)
{
    bool ok = false;
    const int v = s.value(option).toInt(&ok);
    if (!ok || v < min) {
        s.fail(QStringLiteral("--%1 must be a whole number of at least %2")
                   .arg(QString::fromLatin1(option))
                   .arg(min));
        return -1;
    }
    return v;
}

/// The Leases an agent keeps: through the back end when it has one, else in the database
/// it shares with any other agent on this machine.
host::LeasesFactory agentLeases(const sync::LeaseTiming &timing, const QString &dbPath)
{
    return [timing, dbPath](const QUrl &server,
                            const QString &token) -> std::unique_ptr<sync::Leases> {
        if (server.isEmpty())
            return std::make_unique<sync::LocalLeases>(dbPath, timing);
        return std::make_unique<sync::BackendLeases>(server, token, timing);
    };
}

} // namespace

AgentArgs withConfigFile(const QStringList &args)
{
    QString path;
    for (qsizetype i = 2; i < args.size(); ++i) {
        if (args[i] == u"--")
            break;
        if (args[i] == u"--config" && i + 1 < args.size())
            path = args[i + 1];
        else if (args[i].startsWith(u"--config="))
            path = args[i].mid(9);
    }
    if (path.isEmpty())
        return {args, {}};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {{},
                QStringLiteral("cannot read the configuration %1: %2").arg(path, f.errorString())};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (!doc.isObject())
        return {{},
                QStringLiteral("the configuration %1 is not a JSON object%2")
                    .arg(path, err.error == QJsonParseError::NoError
                                   ? QString()
                                   : QStringLiteral(": %1").arg(err.errorString()))};
    QStringList fromFile;
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString flag = QStringLiteral("--") + it.key();
        if (it.key() == u"config")
            continue;
        const QJsonValue v = it.value();
        if (v.isBool()) {
            if (v.toBool())
                fromFile << flag;
        } else if (v.isArray()) {
            for (const auto &e : v.toArray())
                fromFile << flag << e.toVariant().toString();
        } else if (v.isString() || v.isDouble()) {
            fromFile << flag << v.toVariant().toString();
        } else {
            return {{},
                    QStringLiteral("the configuration %1: \"%2\" must be a string, a number, "
                                   "true/false or a list")
                        .arg(path, it.key())};
        }
    }
    // After the command word and before what was typed: a flag given wins.
    QStringList merged = args.mid(0, 2);
    merged << fromFile << args.mid(2);
    return {merged, {}};
}

int runAgent(const QStringList &given)
{
    const AgentArgs merged = withConfigFile(given);
    if (!merged.error.isEmpty()) {
        CliSession bad(given, {.named = true});
        return bad.fail(merged.error);
    }
    CliSession s(merged.args, {.named = true});
    if (!s.parse(1, 0, 0))
        return s.code();
    // One line per started service, through the host's logging category (QT_LOGGING_RULES
    // can still turn it down).
    QLoggingCategory::setFilterRules(QStringLiteral("sitrep.host.info=true"));

    // Secrets: files named by flags, then systemd's credentials, then (only without
    // credentials) the keychain. None is ever copied into the database.
    QHash<QString, QString> files;
    for (const QString &c : s.values("credential")) {
        const qsizetype eq = c.indexOf(u'=');
        if (eq <= 0)
            return s.fail(QStringLiteral("--credential wants NAME=FILE, not '%1'").arg(c));
        // NAME: the credential's name (aws-secret-access-key) or the secret's.
        files.insert(c.left(eq), c.mid(eq + 1));
    }
    if (s.has("token-file"))
        files.insert(secrets::IngestTokenSecret, s.value("token-file"));
    if (s.has("server-token-file"))
        files.insert(secrets::BackendTokenSecret, s.value("server-token-file"));
    const QString credentials = secrets::CredentialFileStore::systemdDirectory();
    secrets::KeychainSecretStore keychain(QStringLiteral("sitrep"), 5000);
    secrets::CredentialFileStore store(credentials, files,
                                       credentials.isEmpty() ? &keychain : nullptr);

    host::ServiceHostOptions o;
    o.role = host::HostRole::Agent;
    if ((o.slaIntervalMs = intOption(s, "sla-interval", 100)) < 0)
        return s.code();
    sync::LeaseTiming timing;
    if ((timing.ttlMs = intOption(s, "lease-ttl", 1000)) < 0)
        return s.code();
    timing.renewMs = timing.ttlMs / 3;
    o.serverUrl = s.value("server");

    // The listener: asked for with --listen (then it must start), or configured in the
    // database (ingest.listen) or by a token the agent was given.
    bool ok = false;
    o.ingestServer.limits.maxBodyBytes = s.value("max-body").toLongLong(&ok);
    if (!ok || o.ingestServer.limits.maxBodyBytes < 1 ||
        o.ingestServer.limits.maxBodyBytes > 64LL * 1024 * 1024)
        return s.fail(QStringLiteral("--max-body must be between 1 and 67108864 bytes"));
    o.ingestServer.requestTimeoutMs = s.value("request-timeout").toInt(&ok);
    if (!ok || o.ingestServer.requestTimeoutMs < 100)
        return s.fail(QStringLiteral("--request-timeout must be at least 100 ms"));
    if (!readSecretOption(s, "sentry-secret-file", QStringLiteral("Sentry secret file"),
                          &o.ingestServer.sentrySecret) ||
        !readSecretOption(s, "pagerduty-key-file", QStringLiteral("PagerDuty key file"),
                          &o.ingestServer.pagerDutyRoutingKey))
        return s.code();
    if (s.has("ingest-config")) {
        auto c = ingest::IngestConfig::load(s.value("ingest-config"));
        if (!c)
            return s.fail(c.errorMessage());
        o.ingestConfig = *c;
    }
    const bool listenAsked = s.has("listen");
    if (listenAsked) {
        if (auto where = ingest::IngestServer::parseListen(s.value("listen")); !where)
            return s.fail(where.errorMessage());
        o.ingestListen = s.value("listen");
    }
    if (s.has("token-file") &&
        !readSecretOption(s, "token-file", QStringLiteral("token file"), &o.ingestToken))
        return s.code();
    if (o.ingestToken.isEmpty())
        o.ingestToken = qgetenv("SITREP_INGEST_TOKEN").trimmed();
    if (o.ingestToken.isEmpty() &&
        (listenAsked || !store.fileOf(secrets::IngestTokenSecret).isEmpty())) {
        const auto t = waitFor<QString>(
            [&](auto done) { store.read(secrets::IngestTokenSecret, std::move(done)); });
        o.ingestToken = t ? t->trimmed().toUtf8() : QByteArray();
    }
    if (listenAsked && o.ingestToken.isEmpty())
        return s.fail(QStringLiteral(
            "no token: give --token-file FILE, set SITREP_INGEST_TOKEN, put it in "
            "$CREDENTIALS_DIRECTORY/ingest-token, or store one with `sitrep secret set "
            "ingest.token`"));

    // The agent opens incidents (listener, SQS), so it may start a database, but not in a
    // folder that is not there.
    if (!s.open(DbAccess::MayCreate))
        return s.code();
    host::AppContext &ctx = s.context();
    o.leases = agentLeases(timing, ctx.dbPath());
    host::ServiceHost services(ctx, store, o);
    QString lastProblem;
    QObject::connect(&services, &host::ServiceHost::problem, &services,
                     [&lastProblem](const QString &m) { lastProblem = m; });
    QObject::connect(&services, &host::ServiceHost::escalated, &services, [](int n) {
        fprintf(stdout, "escalation: %d recorded\n", n);
        fflush(stdout);
    });
    QObject::connect(&services, &host::ServiceHost::remindersRecorded, &services,
                     [](const QList<reminders::FiredReminder> &list) {
                         for (const auto &r : list)
                             fprintf(stdout, "reminder: %s %s\n", r.number.toUtf8().constData(),
                                     r.reminder.toUtf8().constData());
                         fflush(stdout);
                     });
    QObject::connect(&services, &host::ServiceHost::slaBreached, &services, [](int n) {
        fprintf(stdout, "sla: %d breach(es) recorded\n", n);
        fflush(stdout);
    });
    quitOnStopSignals();
    qCInfo(host::lcHost).noquote() << QStringLiteral("agent on database %1").arg(ctx.dbPath());
    services.start();
    if (ingest::IngestServer *server = services.ingestServer()) {
        QObject::connect(server, &ingest::IngestServer::requestHandled, server,
                         [](int status, const QString &path, const QString &message) {
                             if (status >= 400)
                                 fprintf(stderr, "%d %s: %s\n", status,
                                         printable(path).toUtf8().constData(),
                                         printable(message).toUtf8().constData());
                         });
        out() << "listening on " << server->address().toString() << ':' << server->port()
              << " (database " << ctx.dbPath() << ")\n";
        out().flush();
    } else if (listenAsked) {
        services.stop();
        return s.fail(lastProblem.isEmpty() ? QStringLiteral("the listener did not start")
                                            : lastProblem);
    }
    QCoreApplication::exec();

    // Stopped by a signal: leases released (their jobs stop, another agent takes over at
    // once), the listener closed, and what the outbox holds sent if the back end answers.
    qCInfo(host::lcHost) << "stopping";
    QEventLoop loop;
    bool over = false;
    services.shutdown(5000, [&] {
        over = true;
        loop.quit();
    });
    if (!over)
        loop.exec();
    qCInfo(host::lcHost) << "stopped";
    return ExitOk;
}

} // namespace sitrep::cli
