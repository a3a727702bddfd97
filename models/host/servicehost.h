// SPDX-License-Identifier: MIT
#pragma once
// The one place that builds Sitrep's background services: the window and `sitrep agent`
// both run a ServiceHost and take every service from it, so the two never differ in what
// runs or how.

#include "ingest/ingestconfig.h"
#include "ingest/ingestserver.h"
#include "reminders/reminderservice.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

class QTimer;

namespace sitrep::secrets {
class SecretStore;
}
namespace sitrep::sync {
class Leases;
class SyncService;
} // namespace sitrep::sync
namespace sitrep::remediation {
class Remediator;
class RemediationDispatcher;
} // namespace sitrep::remediation
namespace sitrep::runbooks {
class EscalationTimer;
}
namespace sitrep::triage {
class TriageService;
}
namespace sitrep::postmortem {
class PostmortemAutomation;
}
namespace sitrep::ingest {
class IngestPipeline;
}

namespace sitrep::host {

class AppContext;
class AwsServices;

/// Who runs the host. With a back end configured a window runs no singleton job (it leaves
/// them to an agent and writes no once-only event); an agent wants every one. Without a
/// back end both hold everything (SoleLeases).
enum class HostRole { Window, Agent };

/// Builds the Leases a host with a back end takes its singleton jobs through (the back
/// end's, at `server` with `token`). Null, or a factory that returns null: SoleLeases.
using LeasesFactory =
    std::function<std::unique_ptr<sync::Leases>(const QUrl &server, const QString &token)>;

struct ServiceHostOptions {
    HostRole role = HostRole::Window;
    /// Between two SLA checks (engine.checkSla): breaches reach the SLA topic through the
    /// notifier, the window's tray through its change watcher.
    int slaIntervalMs = 30000;
    /// Between two remediation rounds (scan, send, results, dead letters); SQS polls are
    /// short in a window (its thread must not wait), long polls in an agent.
    int remediationIntervalMs = 5000;

    /// The back end: empty means the database's backend.url; the token, when empty, is the
    /// secret backend.token.
    QString serverUrl;
    QString serverToken;
    /// How the host keeps its leases with a back end (see LeasesFactory).
    LeasesFactory leases;

    /// The webhook listener runs when it has a token: ingestToken, else $SITREP_INGEST_TOKEN,
    /// else (only when an address is configured) the secret ingest.token. Its address:
    /// ingestListen, else $SITREP_INGEST_LISTEN, else the database's ingest.listen, else
    /// 127.0.0.1:9095.
    bool ingest = true;
    QString ingestListen;
    QByteArray ingestToken;
    /// Limits, Sentry secret, PagerDuty key of the listener (address, port and token are
    /// filled in from the above).
    ingest::IngestServerOptions ingestServer;
    ingest::IngestConfig ingestConfig = ingest::IngestConfig::defaults();
    /// Sync (when a back end is configured) and the AWS services (when configured).
    bool sync = true;
    bool aws = true;
};

/// Every background service of a running Sitrep, built once: the SLA clock, runbook
/// escalations, war-room reminders, postmortem automation, triage, remediation (decisions,
/// dispatch, results, dead letters), the SQS alert consumer and the notifier (AwsServices),
/// the webhook listener and sync. Widgets take what they show from here; nothing else
/// constructs a service.
///
/// Singleton jobs (sync::jobs) run under a sync::Leases: the host wants each job it would
/// run, starts the job's service on acquired() and stops it on lost(). The listener and
/// sync are not singletons: every process with the configuration runs them.
class ServiceHost final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceHost)
public:
    /// `secrets` (keychain, credential files or a test store) must outlive the host.
    ServiceHost(AppContext &context, secrets::SecretStore &secrets, ServiceHostOptions options,
                QObject *parent = nullptr);
    ~ServiceHost() override;

    /// Starts what the configuration asks for. The back-end token and the listener's token
    /// may come from the secret store, so some services start from the event loop.
    void start();
    /// Stops everything: leases released (their jobs stop), listener closed, sync stopped.
    void stop();
    /// stop(), after one last sync cycle sends what the outbox holds (at most `flushMs`);
    /// `done` runs when it is over.
    void shutdown(int flushMs, std::function<void()> done);
    /// stop(), then start() with the settings as they are now (after the settings dialog).
    void restart();

    bool started() const { return m_started; }
    HostRole role() const { return m_options.role; }
    /// A back end is configured (the URL; its token may still be on its way).
    bool hasBackend() const { return !m_backendUrl.isEmpty(); }
    /// Whether this host runs `job` now (it holds its lease and started its service).
    bool runs(const QString &job) const;
    /// The jobs this host wants (empty for a window with a back end).
    QStringList wantedJobs() const { return m_wanted; }
    /// A window with a back end writes no once-only events (reminders, escalations...): an
    /// agent does.
    bool recordsOnceOnlyEvents() const;

    AppContext &context() { return m_context; }
    secrets::SecretStore &secrets() { return m_secrets; }
    sync::Leases *leases() const { return m_leases.get(); }
    sync::SyncService *syncService() const;
    AwsServices *awsServices() const;
    /// For approvals, retries and dismissals: always there when the rules load (decisions
    /// and dispatch run only under the remediation lease). Null otherwise, with
    /// remediatorError() saying why.
    remediation::Remediator *remediator() const { return m_remediator.get(); }
    QString remediatorError() const { return m_remediatorError; }
    remediation::RemediationDispatcher *remediationDispatcher() const;
    reminders::ReminderService *reminders() const;
    runbooks::EscalationTimer *escalations() const;
    triage::TriageService *triage() const;
    postmortem::PostmortemAutomation *postmortems() const;
    ingest::IngestServer *ingestServer() const;
    /// Runs one SLA check now; the number of breaches recorded (-1 when it failed).
    int checkSlaNow();

Q_SIGNALS:
    void jobStarted(const QString &job);
    void jobStopped(const QString &job);
    /// The sync service or the AWS services were (re)built or went away.
    void syncServiceChanged(sitrep::sync::SyncService *service);
    void awsServicesChanged(sitrep::host::AwsServices *services);
    /// Relayed from the services, for front ends.
    void remindersRecorded(const QList<sitrep::reminders::FiredReminder> &reminders);
    void escalated(int count);
    void slaBreached(int count);
    void ingestListening(const QHostAddress &address, quint16 port);
    /// The AWS services could not start (an invalid configuration): why.
    void awsNotStarted(const QString &message);
    /// Something the host could not start, in a sentence (also logged).
    void problem(const QString &message);

private:
    void beginLeases(const QUrl &server, const QString &token);
    void startJob(const QString &job);
    void stopJob(const QString &job);
    void startSync(const QString &token);
    void startIngest(const QByteArray &token, const QString &listen);
    void lookUpIngest();
    void rebuildAws();
    bool m_movingSecrets = false; // plain webhook tokens on their way to the secret store
    void buildRemediator();
    void report(const QString &message);

    AppContext &m_context;
    secrets::SecretStore &m_secrets;
    ServiceHostOptions m_options;
    bool m_started = false;
    quint64 m_generation = 0; // of start(): a secret that answers late for an older one is dropped
    QString m_backendUrl;
    QStringList m_wanted;
    QSet<QString> m_running;
    std::unique_ptr<sync::Leases> m_leases;
    std::unique_ptr<remediation::Remediator> m_remediator;
    QString m_remediatorError;
    std::unique_ptr<QObject> m_remediationOwner; // network manager and SQS client of dispatch
    QPointer<remediation::RemediationDispatcher> m_dispatcher;
    QPointer<QTimer> m_slaTimer;
    QPointer<reminders::ReminderService> m_reminders;
    QPointer<runbooks::EscalationTimer> m_escalations;
    QPointer<triage::TriageService> m_triage;
    QPointer<postmortem::PostmortemAutomation> m_postmortems;
    QPointer<sync::SyncService> m_sync;
    QPointer<AwsServices> m_aws;
    QPointer<ingest::IngestPipeline> m_pipeline;
    QPointer<ingest::IngestServer> m_ingestServer;
};

/// The agent's role name and the window's, as the agent's log says them.
QString roleName(HostRole role);

} // namespace sitrep::host
