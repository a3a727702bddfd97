// SPDX-License-Identifier: MIT
#include "app/cli_ingest.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "secrets/secretstore.h"

#include "host/appcontext.h"
#include "ingest/ingestconfig.h"
#include "ingest/ingestpipeline.h"
#include "ingest/ingestserver.h"
#include "reminders/reminderservice.h"
#include "runbooks/escalationtimer.h"
#include "triage/triageservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

#include <csignal>
#include <cstdio>

namespace sitrep::cli {

namespace {

int serveFail(const QString &message)
{
    return failWith("serve", message);
}

int serveUsage(const QString &message)
{
    failWith("serve", message);
    return ExitUsage;
}

/// The first line of a secret file, without surrounding white space.
Result<QByteArray> readSecretFile(const QString &path, const QString &what)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::fail(QStringLiteral("cannot read %1 %2: %3").arg(what, path, f.errorString()));
    const QByteArray line = f.readLine(4096).trimmed();
    if (line.isEmpty())
        return Result<QByteArray>::fail(QStringLiteral("%1 %2 is empty").arg(what, path));
    return line;
}

void onStopSignal(int)
{
    // Commits are whole at every point; stopping the event loop just ends cleanly.
    QCoreApplication::quit();
}

} // namespace

// Reads the listener token from the system keychain; empty when there is none or no
// keychain answers within a few seconds.
static QByteArray keychainIngestToken()
{
    secrets::KeychainSecretStore keychain(QStringLiteral("sitrep"), 5000);
    auto t = keychain.read(secrets::IngestTokenSecret);
    return t ? t->trimmed().toUtf8() : QByteArray();
}

int runServe(const QStringList &args)
{
    QCommandLineParser p;
    const QString cmd = QStringLiteral("serve");
    const QCommandLineOption db = tableOption(cmd, QStringLiteral("db"));
    const QCommandLineOption listen = tableOption(cmd, QStringLiteral("listen"));
    const QCommandLineOption tokenFile = tableOption(cmd, QStringLiteral("token-file"));
    const QCommandLineOption sentryFile = tableOption(cmd, QStringLiteral("sentry-secret-file"));
    const QCommandLineOption pdFile = tableOption(cmd, QStringLiteral("pagerduty-key-file"));
    const QCommandLineOption config = tableOption(cmd, QStringLiteral("ingest-config"));
    const QCommandLineOption maxBody = tableOption(cmd, QStringLiteral("max-body"));
    const QCommandLineOption timeout = tableOption(cmd, QStringLiteral("request-timeout"));
    addTableOptions(p, *findCommand(cmd));
    QStringList a = args;
    a.removeAt(1);
    if (!p.parse(a))
        return serveUsage(p.errorText());
    if (!p.positionalArguments().isEmpty())
        return serveUsage(
            QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));

    ingest::IngestServerOptions opt;
    auto where = ingest::IngestServer::parseListen(p.value(listen));
    if (!where)
        return serveFail(where.errorMessage());
    opt.address = where->first;
    opt.port = where->second;
    // The token comes from a file (headless boxes), the environment, or the keychain
    // (`sitrep secret set ingest.token`); it is never copied into Sitrep's own storage.
    if (p.isSet(tokenFile)) {
        auto t = readSecretFile(p.value(tokenFile), QStringLiteral("token file"));
        if (!t)
            return serveFail(t.errorMessage());
        opt.token = *t;
    } else {
        opt.token = qgetenv("SITREP_INGEST_TOKEN").trimmed();
    }
    if (opt.token.isEmpty())
        opt.token = keychainIngestToken();
    if (opt.token.isEmpty())
        return serveFail(QStringLiteral("no token: give --token-file FILE, set SITREP_INGEST_TOKEN, or store one with "
                                        "`sitrep secret set ingest.token`"));
    if (p.isSet(sentryFile)) {
        auto t = readSecretFile(p.value(sentryFile), QStringLiteral("Sentry secret file"));
        if (!t)
            return serveFail(t.errorMessage());
        opt.sentrySecret = *t;
    }
    if (p.isSet(pdFile)) {
        auto t = readSecretFile(p.value(pdFile), QStringLiteral("PagerDuty key file"));
        if (!t)
            return serveFail(t.errorMessage());
        opt.pagerDutyRoutingKey = *t;
    }
    bool ok = false;
    opt.limits.maxBodyBytes = p.value(maxBody).toLongLong(&ok);
    if (!ok || opt.limits.maxBodyBytes < 1 || opt.limits.maxBodyBytes > 64LL * 1024 * 1024)
        return serveFail(QStringLiteral("--max-body must be between 1 and 67108864 bytes"));
    opt.requestTimeoutMs = p.value(timeout).toInt(&ok);
    if (!ok || opt.requestTimeoutMs < 100)
        return serveFail(QStringLiteral("--request-timeout must be at least 100 ms"));

    ingest::IngestConfig cfg = ingest::IngestConfig::defaults();
    if (p.isSet(config)) {
        auto c = ingest::IngestConfig::load(p.value(config));
        if (!c)
            return serveFail(c.errorMessage());
        cfg = *c;
    }
    // The listener opens incidents, so it may start a database, but not in a folder that
    // is not there.
    auto path = databasePath(p.value(db), true);
    if (!path)
        return serveFail(path.errorMessage());
    auto ctx = host::AppContext::open(*path);
    if (!ctx)
        return serveFail(ctx.errorMessage());
    ingest::IngestPipeline pipeline((*ctx)->engine(), cfg);
    ingest::IngestServer server(pipeline, opt);
    if (auto s = server.listen(); !s)
        return serveFail(s.errorMessage());
    QObject::connect(&server, &ingest::IngestServer::requestHandled, &server,
                     [](int status, const QString &path, const QString &message) {
                         if (status >= 400)
                             fprintf(stderr, "%d %s: %s\n", status,
                                     printable(path).toUtf8().constData(),
                                     printable(message).toUtf8().constData());
                     });
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTextStream out(stdout);
    out << "listening on " << server.address().toString() << ':' << server.port() << " (database " << (*ctx)->dbPath() << ")\n";
    out.flush();
    // A headless box is the one place that runs around the clock: runbook escalation
    // timers and war-room reminders fire here as in the window (each recorded once, so a
    // window on the same database does not double them).
    runbooks::EscalationTimer escalations((*ctx)->engine(), (*ctx)->clock());
    QObject::connect(&escalations, &runbooks::EscalationTimer::escalated, &escalations, [](int n) {
        fprintf(stdout, "escalation: %d recorded\n", n);
        fflush(stdout);
    });
    reminders::ReminderService reminderService((*ctx)->engine(), (*ctx)->clock());
    QObject::connect(&reminderService, &reminders::ReminderService::remindersRecorded, &reminderService,
                     [](const QList<reminders::FiredReminder> &list) {
                         for (const auto &r : list)
                             fprintf(stdout, "reminder: %s %s\n", r.number.toUtf8().constData(), r.reminder.toUtf8().constData());
                         fflush(stdout);
                     });
    escalations.start();
    reminderService.start();
    // Incidents the listener opens get a triage suggestion; the model retrains in the background.
    triage::TriageService triageService((*ctx)->engine());
    triageService.start();
    return QCoreApplication::exec();
}

std::unique_ptr<QObject> startEmbeddedIngest(host::AppContext &ctx)
{
    // The window listens when told to: SITREP_INGEST_TOKEN, or `sitrep config set
    // ingest.listen ADDR` with the token in the keychain. Nothing is asked of the keychain
    // otherwise, so a plain start never waits on it.
    const QString configured = ctx.store().meta(QStringLiteral("ingest.listen"));
    QByteArray token = qgetenv("SITREP_INGEST_TOKEN").trimmed();
    if (token.isEmpty() && !configured.isEmpty())
        token = keychainIngestToken();
    if (token.isEmpty()) {
        if (!configured.isEmpty())
            fprintf(stderr, "sitrep: ingest listener not started: no token in the keychain (sitrep secret set ingest.token)\n");
        return nullptr;
    }
    const QString listenText = qEnvironmentVariable("SITREP_INGEST_LISTEN",
                                                    configured.isEmpty() ? QStringLiteral("127.0.0.1:9095") : configured);
    auto where = ingest::IngestServer::parseListen(listenText);
    if (!where) {
        fprintf(stderr, "sitrep: ingest listener not started: %s\n", where.errorMessage().toUtf8().constData());
        return nullptr;
    }
    auto owner = std::make_unique<QObject>();
    auto *pipeline = new ingest::IngestPipeline(ctx.engine(), ingest::IngestConfig::defaults(), owner.get());
    ingest::IngestServerOptions opt;
    opt.address = where->first;
    opt.port = where->second;
    opt.token = token;
    auto *server = new ingest::IngestServer(*pipeline, opt, owner.get());
    if (auto s = server->listen(); !s) {
        fprintf(stderr, "sitrep: ingest listener not started: %s\n", s.errorMessage().toUtf8().constData());
        return nullptr;
    }
    fprintf(stderr, "sitrep: ingest listener on %s:%u\n", server->address().toString().toUtf8().constData(), unsigned(server->port()));
    return owner;
}

} // namespace sitrep::cli
