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

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>

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

} // namespace

// Reads the listener token from the system keychain; empty when there is none or no
// keychain answers within a few seconds.
static QByteArray keychainIngestToken()
{
    secrets::KeychainSecretStore keychain(QStringLiteral("sitrep"), 5000);
    auto t = waitFor<QString>(
        [&](auto done) { keychain.read(secrets::IngestTokenSecret, std::move(done)); });
    return t ? t->trimmed().toUtf8() : QByteArray();
}

int runServe(const QStringList &args)
{
    CliSession s(args, {.named = true});
    if (!s.parse(1, 0, 0))
        return s.code();

    ingest::IngestServerOptions opt;
    auto where = ingest::IngestServer::parseListen(s.value("listen"));
    if (!where)
        return s.fail(where.errorMessage());
    opt.address = where->first;
    opt.port = where->second;
    // The token comes from a file (headless boxes), the environment, or the keychain
    // (`sitrep secret set ingest.token`); it is never copied into Sitrep's own storage.
    if (!s.has("token-file"))
        opt.token = qgetenv("SITREP_INGEST_TOKEN").trimmed();
    else if (!readSecretOption(s, "token-file", QStringLiteral("token file"), &opt.token))
        return s.code();
    if (opt.token.isEmpty())
        opt.token = keychainIngestToken();
    if (opt.token.isEmpty())
        return s.fail(QStringLiteral(
            "no token: give --token-file FILE, set SITREP_INGEST_TOKEN, or store one with "
            "`sitrep secret set ingest.token`"));
    if (!readSecretOption(s, "sentry-secret-file", QStringLiteral("Sentry secret file"),
                          &opt.sentrySecret) ||
        !readSecretOption(s, "pagerduty-key-file", QStringLiteral("PagerDuty key file"),
                          &opt.pagerDutyRoutingKey))
        return s.code();
    bool ok = false;
    opt.limits.maxBodyBytes = s.value("max-body").toLongLong(&ok);
    if (!ok || opt.limits.maxBodyBytes < 1 || opt.limits.maxBodyBytes > 64LL * 1024 * 1024)
        return s.fail(QStringLiteral("--max-body must be between 1 and 67108864 bytes"));
    opt.requestTimeoutMs = s.value("request-timeout").toInt(&ok);
    if (!ok || opt.requestTimeoutMs < 100)
        return s.fail(QStringLiteral("--request-timeout must be at least 100 ms"));

    ingest::IngestConfig cfg = ingest::IngestConfig::defaults();
    if (s.has("ingest-config")) {
        auto c = ingest::IngestConfig::load(s.value("ingest-config"));
        if (!c)
            return s.fail(c.errorMessage());
        cfg = *c;
    }
    // The listener opens incidents, so it may start a database, but not in a folder that
    // is not there.
    if (!s.open(DbAccess::MayCreate))
        return s.code();
    host::AppContext &ctx = s.context();
    ingest::IngestPipeline pipeline(ctx.engine(), cfg);
    ingest::IngestServer server(pipeline, opt);
    if (auto listening = server.listen(); !listening)
        return s.fail(listening.errorMessage());
    QObject::connect(&server, &ingest::IngestServer::requestHandled, &server,
                     [](int status, const QString &path, const QString &message) {
                         if (status >= 400)
                             fprintf(stderr, "%d %s: %s\n", status,
                                     printable(path).toUtf8().constData(),
                                     printable(message).toUtf8().constData());
                     });
    quitOnStopSignals();
    out() << "listening on " << server.address().toString() << ':' << server.port() << " (database "
          << ctx.dbPath() << ")\n";
    out().flush();
    // A headless box is the one place that runs around the clock: runbook escalation
    // timers and war-room reminders fire here as in the window (each recorded once, so a
    // window on the same database does not double them).
    runbooks::EscalationTimer escalations(ctx.engine(), ctx.clock());
    QObject::connect(&escalations, &runbooks::EscalationTimer::escalated, &escalations, [](int n) {
        fprintf(stdout, "escalation: %d recorded\n", n);
        fflush(stdout);
    });
    reminders::ReminderService reminderService(ctx.engine(), ctx.clock());
    QObject::connect(&reminderService, &reminders::ReminderService::remindersRecorded,
                     &reminderService, [](const QList<reminders::FiredReminder> &list) {
                         for (const auto &r : list)
                             fprintf(stdout, "reminder: %s %s\n", r.number.toUtf8().constData(),
                                     r.reminder.toUtf8().constData());
                         fflush(stdout);
                     });
    escalations.start();
    reminderService.start();
    // Incidents the listener opens get a triage suggestion; the model retrains in the background.
    triage::TriageService triageService(ctx.engine());
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
            fprintf(stderr, "sitrep: ingest listener not started: no token in the keychain (sitrep "
                            "secret set ingest.token)\n");
        return nullptr;
    }
    const QString listenText =
        qEnvironmentVariable("SITREP_INGEST_LISTEN",
                             configured.isEmpty() ? QStringLiteral("127.0.0.1:9095") : configured);
    auto where = ingest::IngestServer::parseListen(listenText);
    if (!where) {
        fprintf(stderr, "sitrep: ingest listener not started: %s\n",
                where.errorMessage().toUtf8().constData());
        return nullptr;
    }
    auto owner = std::make_unique<QObject>();
    auto *pipeline =
        new ingest::IngestPipeline(ctx.engine(), ingest::IngestConfig::defaults(), owner.get());
    ingest::IngestServerOptions opt;
    opt.address = where->first;
    opt.port = where->second;
    opt.token = token;
    auto *server = new ingest::IngestServer(*pipeline, opt, owner.get());
    if (auto s = server->listen(); !s) {
        fprintf(stderr, "sitrep: ingest listener not started: %s\n",
                s.errorMessage().toUtf8().constData());
        return nullptr;
    }
    fprintf(stderr, "sitrep: ingest listener on %s:%u\n",
            server->address().toString().toUtf8().constData(), unsigned(server->port()));
    return owner;
}

} // namespace sitrep::cli
