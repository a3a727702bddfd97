// SPDX-License-Identifier: MIT
#include "host/servicehost.h"

#include "aws/sqsclient.h"
#include "host/appcontext.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "host/logging.h"
#include "ingest/ingestpipeline.h"
#include "postmortem/automation.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"
#include "runbooks/escalationtimer.h"
#include "secrets/secretstore.h"
#include "sync/leases.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "sync/syncsettings.h"
#include "triage/triageservice.h"

#include <QNetworkAccessManager>
#include <QTimer>

namespace sitrep::host {

namespace jobs = sync::jobs;

namespace {

/// How long an agent with a back end waits for it to confirm alerts before answering 503.
constexpr int kBackendConfirmMs = 8000;

/// What the remediation dispatcher needs besides the Remediator, for as long as it runs.
struct DispatchParts final : QObject {
    QNetworkAccessManager nam;
    std::unique_ptr<aws::SqsClient> sqs;
};

/// Deletes what `p` points to (if anything), after stopping it with `stop`.
template <typename T, typename Stop> void dispose(QPointer<T> &p, Stop stop)
{
    if (p) {
        stop(*p);
        delete p.data();
    }
    p.clear();
}

} // namespace

QString roleName(HostRole role)
{
    return role == HostRole::Agent ? QStringLiteral("agent") : QStringLiteral("window");
}

ServiceHost::ServiceHost(AppContext &context, secrets::SecretStore &secrets,
                         ServiceHostOptions options, QObject *parent)
    : QObject(parent), m_context(context), m_secrets(secrets), m_options(std::move(options))
{
    setObjectName(QStringLiteral("serviceHost"));
}

ServiceHost::~ServiceHost()
{
    // The services use the engine and the secret store: they go before the host's owner
    // takes those away.
    stop();
}

void ServiceHost::report(const QString &message)
{
    qCWarning(lcHost).noquote() << message;
    Q_EMIT problem(message);
}

void ServiceHost::start()
{
    if (m_started)
        return;
    m_started = true;
    const quint64 generation = ++m_generation;
    buildRemediator();
    m_backendUrl = m_options.serverUrl.isEmpty()
                       ? sync::SyncSettings(m_context.store(), m_secrets).url()
                       : m_options.serverUrl;
    if (m_options.ingest)
        lookUpIngest();
    if (m_backendUrl.isEmpty()) {
        beginLeases({}, {});
        return;
    }
    QPointer<ServiceHost> self(this);
    auto withToken = [self, generation](const QString &token) {
        if (!self || generation != self->m_generation || !self->m_started)
            return;
        if (token.isEmpty())
            self->report(tr("no token for the back end %1 (secret %2): sync is off")
                             .arg(self->m_backendUrl, secrets::BackendTokenSecret));
        else if (self->m_options.sync)
            self->startSync(token);
        self->beginLeases(QUrl(self->m_backendUrl), token);
    };
    if (!m_options.serverToken.isEmpty())
        withToken(m_options.serverToken);
    else
        m_secrets.value(secrets::BackendTokenSecret, withToken);
}

void ServiceHost::beginLeases(const QUrl &server, const QString &token)
{
    std::unique_ptr<sync::Leases> leases;
    // A window with no back end runs every job itself; an agent asks its factory, with or
    // without a back end (agents sharing one database keep leases in it).
    if (m_options.leases && (!server.isEmpty() || m_options.role == HostRole::Agent))
        leases = m_options.leases(server, token);
    if (!leases) {
        if (!server.isEmpty() && m_options.role == HostRole::Agent)
            report(tr("no lease service for the back end %1: this agent runs every singleton "
                      "job as if it were the only one")
                       .arg(server.toString()));
        leases = std::make_unique<sync::SoleLeases>();
    }
    m_leases = std::move(leases);
    connect(m_leases.get(), &sync::Leases::acquired, this, &ServiceHost::startJob);
    connect(m_leases.get(), &sync::Leases::lost, this, &ServiceHost::stopJob);
    m_wanted.clear();
    // A window leaves the singleton jobs to the agents of its team.
    if (server.isEmpty() || m_options.role == HostRole::Agent) {
        const AwsConfig aws = AwsConfig::load(m_context.store());
        for (const QString &job : jobs::all()) {
            if ((job == jobs::Notifier && !(m_options.aws && aws.notifierConfigured())) ||
                (job == jobs::SqsConsumer && !(m_options.aws && aws.consumerConfigured())) ||
                (job == jobs::Remediation && !m_remediator))
                continue;
            m_wanted << job;
            m_leases->want(job);
        }
    }
    qCInfo(lcHost).noquote() << QStringLiteral("%1 as %2 (%3), wants: %4")
                                    .arg(roleName(m_options.role), m_leases->holderId(),
                                         server.isEmpty() ? QStringLiteral("no back end")
                                                          : server.toString(),
                                         m_wanted.isEmpty() ? QStringLiteral("no singleton job")
                                                            : m_wanted.join(QStringLiteral(", ")));
    m_leases->start();
}

sync::SyncService *ServiceHost::syncService() const
{
    return m_sync;
}

AwsServices *ServiceHost::awsServices() const
{
    return m_aws;
}

remediation::RemediationDispatcher *ServiceHost::remediationDispatcher() const
{
    return m_dispatcher;
}

reminders::ReminderService *ServiceHost::reminders() const
{
    return m_reminders;
}

runbooks::EscalationTimer *ServiceHost::escalations() const
{
    return m_escalations;
}

triage::TriageService *ServiceHost::triage() const
{
    return m_triage;
}

postmortem::PostmortemAutomation *ServiceHost::postmortems() const
{
    return m_postmortems;
}

ingest::IngestServer *ServiceHost::ingestServer() const
{
    return m_ingestServer;
}

bool ServiceHost::runs(const QString &job) const
{
    return m_running.contains(job);
}

bool ServiceHost::recordsOnceOnlyEvents() const
{
    return m_backendUrl.isEmpty() || m_options.role == HostRole::Agent;
}

int ServiceHost::checkSlaNow()
{
    const auto r = m_context.engine().checkSla(m_context.clock().nowMs());
    if (!r) {
        qCWarning(lcHost).noquote() << "SLA check failed:" << r.errorMessage();
        return -1;
    }
    if (*r > 0) {
        qCInfo(lcHost).noquote() << QStringLiteral("SLA: %1 breach(es) recorded").arg(*r);
        Q_EMIT slaBreached(*r);
    }
    return *r;
}

void ServiceHost::startJob(const QString &job)
{
    if (m_running.contains(job) || !m_started)
        return;
    engine::LifecycleEngine &engine = m_context.engine();
    QString detail;
    if (job == jobs::SlaTick) {
        m_slaTimer = new QTimer(this);
        m_slaTimer->setInterval(m_options.slaIntervalMs);
        connect(m_slaTimer, &QTimer::timeout, this, &ServiceHost::checkSlaNow);
        m_slaTimer->start();
        // The first check from the event loop: a window paints first.
        QTimer::singleShot(0, m_slaTimer, [this] { checkSlaNow(); });
        detail = QStringLiteral("every %1 ms").arg(m_options.slaIntervalMs);
    } else if (job == jobs::Escalations) {
        m_escalations = new runbooks::EscalationTimer(engine, m_context.clock(), this);
        connect(m_escalations, &runbooks::EscalationTimer::escalated, this,
                &ServiceHost::escalated);
        m_escalations->start();
    } else if (job == jobs::Reminders) {
        m_reminders = new reminders::ReminderService(engine, m_context.clock(), this);
        connect(m_reminders, &reminders::ReminderService::remindersRecorded, this,
                &ServiceHost::remindersRecorded);
        m_reminders->start();
    } else if (job == jobs::Postmortems) {
        m_postmortems = new postmortem::PostmortemAutomation(engine, this);
    } else if (job == jobs::Triage) {
        m_triage = new triage::TriageService(engine, this);
        m_triage->start();
    } else if (job == jobs::Remediation) {
        if (!m_remediator)
            return;
        auto parts = std::make_unique<DispatchParts>();
        const AwsConfig aws = AwsConfig::load(m_context.store());
        // SQS only where the settings name it; otherwise SQS actions wait in the outbox.
        if (!aws.endpoint.isEmpty() || !aws.region.isEmpty()) {
            if (auto ep = aws.sqsEndpoint(); ep)
                parts->sqs = std::make_unique<aws::SqsClient>(
                    parts->nam, *ep, AwsSettings(m_context.store(), m_secrets).credentials(aws));
            else
                report(tr("remediation SQS endpoint: %1").arg(ep.errorMessage()));
        }
        m_dispatcher = new remediation::RemediationDispatcher(*m_remediator, parts->nam,
                                                              parts->sqs.get(), this);
        // A window's thread must not wait on a long poll.
        if (m_options.role == HostRole::Window)
            m_dispatcher->setWaitSeconds(0);
        connect(m_dispatcher, &remediation::RemediationDispatcher::roundFailed, this,
                [](const QString &m) { qCWarning(lcHost).noquote() << "remediation:" << m; });
        connect(m_dispatcher, &remediation::RemediationDispatcher::waitingForSqs, this,
                [](qint64 n) {
                    if (n > 0)
                        qCWarning(lcHost).noquote()
                            << QStringLiteral("remediation: %1 action(s) wait for an SQS "
                                              "endpoint (sitrep config set aws.region or "
                                              "aws.endpoint)")
                                   .arg(n);
                });
        m_dispatcher->start(m_options.remediationIntervalMs);
        detail = parts->sqs ? QStringLiteral("SQS at %1").arg(parts->sqs->endpoint().url.toString())
                            : QStringLiteral("no SQS endpoint: SQS actions wait");
        m_remediationOwner = std::move(parts);
    } else if (job == jobs::Notifier || job == jobs::SqsConsumer) {
        m_running.insert(job);
        rebuildAws();
    } else {
        return; // a job this host does not know
    }
    m_running.insert(job);
    qCInfo(lcHost).noquote() << QStringLiteral("started %1%2")
                                    .arg(job, detail.isEmpty()
                                                  ? QString()
                                                  : QStringLiteral(" (%1)").arg(detail));
    Q_EMIT jobStarted(job);
}

void ServiceHost::stopJob(const QString &job)
{
    if (!m_running.remove(job))
        return;
    if (job == jobs::SlaTick) {
        dispose(m_slaTimer, [](QTimer &t) { t.stop(); });
    } else if (job == jobs::Escalations) {
        dispose(m_escalations, [](runbooks::EscalationTimer &t) { t.stop(); });
    } else if (job == jobs::Reminders) {
        dispose(m_reminders, [](reminders::ReminderService &r) { r.stop(); });
    } else if (job == jobs::Postmortems) {
        dispose(m_postmortems, [](postmortem::PostmortemAutomation &) {});
    } else if (job == jobs::Triage) {
        dispose(m_triage, [](triage::TriageService &) {});
    } else if (job == jobs::Remediation) {
        dispose(m_dispatcher, [](remediation::RemediationDispatcher &d) { d.stop(); });
        m_remediationOwner.reset();
    } else if (job == jobs::Notifier || job == jobs::SqsConsumer) {
        rebuildAws();
    }
    qCInfo(lcHost).noquote() << QStringLiteral("stopped %1").arg(job);
    Q_EMIT jobStopped(job);
}

void ServiceHost::rebuildAws()
{
    const bool had = m_aws;
    dispose(m_aws, [](AwsServices &a) { a.stop(); });
    AwsConfig config = AwsConfig::load(m_context.store());
    // Only the parts whose lease this host holds.
    if (!m_running.contains(jobs::SqsConsumer))
        config.alertQueue.clear();
    if (!m_running.contains(jobs::Notifier)) {
        config.notifyConfig.clear();
        config.channels.clear();
        config.slaTopic.clear();
        config.statusTopic.clear();
    }
    if (!m_started || !m_options.aws ||
        (!config.consumerConfigured() && !config.notifierConfigured())) {
        if (had)
            Q_EMIT awsServicesChanged(nullptr);
        return;
    }
    AwsSettings settings(m_context.store(), m_secrets);
    // Webhook tokens typed into the channel lines go to the secret store first (the lines
    // keep their names); then the services are built, whatever the store answered.
    if (config.hasPlainSecrets() && !m_movingSecrets) {
        m_movingSecrets = true;
        QPointer<ServiceHost> self(this);
        settings.moveChannelSecrets([self](Result<int> moved) {
            if (!self)
                return;
            if (!moved)
                self->report(
                    tr("webhook secrets stay in the settings: %1").arg(moved.errorMessage()));
            self->rebuildAws();
            self->m_movingSecrets = false;
        });
        return;
    }
    secrets::SecretStore &secrets = m_secrets;
    m_aws = new AwsServices(
        m_context.engine(), config, settings.credentials(config),
        [&secrets](const QString &name, std::function<void(const QString &)> done) {
            secrets.value(name, std::move(done));
        },
        this);
    m_aws->setObjectName(QStringLiteral("awsServices"));
    Q_EMIT awsServicesChanged(m_aws);
    // Started from the event loop: a window paints first, and a first keychain lookup for
    // the keys happens after that.
    QPointer<AwsServices> p(m_aws);
    QTimer::singleShot(0, m_aws, [this, p] {
        if (!p)
            return;
        if (auto s = p->start(); !s) {
            report(tr("AWS not started: %1").arg(s.errorMessage()));
            Q_EMIT awsNotStarted(s.errorMessage());
        } else
            qCInfo(lcHost).noquote() << "AWS:" << p->statusText();
    });
}

void ServiceHost::startSync(const QString &token)
{
    // A database told of its back end on the command line (an agent's --server) is set up for
    // sync here, as `sitrep config set backend.url` and the settings dialog do: a replica id,
    // provisional numbers, and every local event queued for the back end.
    if (!sync::Outbox::enabled(m_context.store())) {
        if (auto s = sync::Outbox::enable(m_context.store()); !s) {
            report(tr("sync not started: %1").arg(s.errorMessage()));
            return;
        }
        sync::Outbox::attach(m_context.engine());
    }
    sync::SyncOptions o;
    o.url = QUrl(m_backendUrl);
    o.token = token;
    m_sync = new sync::SyncService(m_context.engine(), o, this);
    m_sync->refreshStatus();
    m_sync->start();
    qCInfo(lcHost).noquote() << QStringLiteral("started sync with %1").arg(m_backendUrl);
    Q_EMIT syncServiceChanged(m_sync);
}

void ServiceHost::lookUpIngest()
{
    // The listener starts when told to: a token given, SITREP_INGEST_TOKEN, or an address
    // configured with the token among the secrets. Nothing is asked of the secret store
    // otherwise, so a plain start never waits on a keychain.
    const QString configured = m_context.store().meta(QStringLiteral("ingest.listen"));
    QString listen = m_options.ingestListen;
    if (listen.isEmpty())
        listen = qEnvironmentVariable("SITREP_INGEST_LISTEN", configured);
    if (listen.isEmpty())
        listen = QStringLiteral("127.0.0.1:9095");
    QByteArray token = m_options.ingestToken;
    if (token.isEmpty())
        token = qgetenv("SITREP_INGEST_TOKEN").trimmed();
    if (!token.isEmpty()) {
        startIngest(token, listen);
        return;
    }
    if (configured.isEmpty() && m_options.ingestListen.isEmpty())
        return;
    QPointer<ServiceHost> self(this);
    const quint64 generation = m_generation;
    m_secrets.value(secrets::IngestTokenSecret, [self, generation, listen](const QString &t) {
        if (!self || generation != self->m_generation || !self->m_started)
            return;
        if (t.trimmed().isEmpty())
            self->report(tr("ingest listener not started: no token (secret %1)")
                             .arg(secrets::IngestTokenSecret));
        else
            self->startIngest(t.trimmed().toUtf8(), listen);
    });
}

void ServiceHost::startIngest(const QByteArray &token, const QString &listen)
{
    auto where = ingest::IngestServer::parseListen(listen);
    if (!where) {
        report(tr("ingest listener not started: %1").arg(where.errorMessage()));
        return;
    }
    m_pipeline = new ingest::IngestPipeline(m_context.engine(), m_options.ingestConfig, this);
    ingest::IngestServerOptions opt = m_options.ingestServer;
    opt.address = where->first;
    opt.port = where->second;
    opt.token = token;
    m_ingestServer = new ingest::IngestServer(*m_pipeline, opt, this);
    if (auto s = m_ingestServer->listen(); !s) {
        report(tr("ingest listener not started: %1").arg(s.errorMessage()));
        delete m_ingestServer.data();
        delete m_pipeline.data();
        return;
    }
    // With a team back end an agent answers an alert source only once the back end has
    // what it committed: a machine that dies after answering loses nothing the team was
    // told was received. Not confirmed in time: 503, the sender sends again (deduplicated).
    if (m_options.role == HostRole::Agent && !m_backendUrl.isEmpty()) {
        QPointer<ServiceHost> self(this);
        m_ingestServer->setAnswerGate(
            [self](const ingest::IngestResult &r, std::function<void(Status)> done) {
                if (!self || !self->m_sync || !sync::Outbox::enabled(self->m_context.store()))
                    return done(Status::fail(
                        QStringLiteral("this agent is not connected to the team back end yet")));
                self->m_sync->whenDelivered(r.eventIds, kBackendConfirmMs, std::move(done));
            });
    }
    qCInfo(lcHost).noquote() << QStringLiteral("started ingest listener on %1:%2")
                                    .arg(m_ingestServer->address().toString())
                                    .arg(m_ingestServer->port());
    Q_EMIT ingestListening(m_ingestServer->address(), m_ingestServer->port());
}

void ServiceHost::buildRemediator()
{
    if (m_remediator)
        return;
    auto rem = remediation::Remediator::fromSettings(m_context.engine());
    if (!rem) {
        m_remediatorError = rem.errorMessage();
        report(tr("auto-remediation is off: %1").arg(m_remediatorError));
        return;
    }
    m_remediatorError.clear();
    m_remediator = std::make_unique<remediation::Remediator>(std::move(*rem));
}

void ServiceHost::stop()
{
    if (!m_started && !m_leases && m_running.isEmpty() && !m_sync && !m_ingestServer)
        return;
    m_started = false;
    ++m_generation;
    // Released leases emit lost(): their jobs stop, and another process takes them at once.
    if (m_leases)
        m_leases->stop();
    for (const QString &job : QStringList(m_running.values()))
        stopJob(job);
    m_leases.reset();
    m_wanted.clear();
    if (m_ingestServer || m_pipeline)
        qCInfo(lcHost) << "stopped ingest listener";
    delete m_ingestServer.data();
    delete m_pipeline.data();
    if (m_sync) {
        dispose(m_sync, [](sync::SyncService &s) { s.stop(); });
        qCInfo(lcHost) << "stopped sync";
        Q_EMIT syncServiceChanged(nullptr);
    }
    m_backendUrl.clear();
}

void ServiceHost::shutdown(int flushMs, std::function<void()> done)
{
    QPointer<sync::SyncService> sync = m_sync;
    m_sync.clear(); // kept out of stop(): it sends what waits first
    stop();
    if (!sync) {
        done();
        return;
    }
    sync->stop();
    sync->refreshStatus();
    if (sync->status()->pending() == 0) {
        delete sync.data();
        Q_EMIT syncServiceChanged(nullptr);
        done();
        return;
    }
    qCInfo(lcHost).noquote()
        << QStringLiteral("sending %1 change(s) still waiting").arg(sync->status()->pending());
    auto finished = std::make_shared<bool>(false);
    auto finish = [this, sync, finished, done] {
        if (*finished)
            return;
        *finished = true;
        if (sync)
            sync->deleteLater();
        Q_EMIT syncServiceChanged(nullptr);
        done();
    };
    QTimer::singleShot(flushMs, this, finish);
    sync->syncOnce([finish](const sync::SyncReport &) { finish(); });
}

void ServiceHost::restart()
{
    stop();
    start();
}

} // namespace sitrep::host
