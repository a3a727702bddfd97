// SPDX-License-Identifier: MIT
// host::ServiceHost: which singleton jobs a host runs under which leases. Without a back end
// (SoleLeases) every job runs; a window with a back end runs none and records no once-only
// event; a lease lost stops its job and a lease taken again starts it again.

#include "engine/clock.h"
#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "host/servicehost.h"
#include "postmortem/automation.h"
#include "remediation/dispatcher.h"
#include "reminders/reminderservice.h"
#include "runbooks/escalationtimer.h"
#include "secrets/credentialfiles.h"
#include "secrets/secretstore.h"
#include "sync/leases.h"
#include "triage/triageservice.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using host::HostRole;
using host::ServiceHost;
using host::ServiceHostOptions;
namespace jobs = sync::jobs;

namespace {

/// Leases a test hands out and takes back by hand.
class ManualLeases final : public sync::Leases {
public:
    void want(const QString &job) override { wanted << job; }
    bool holds(const QString &job) const override { return held.contains(job); }
    void start() override
    {
        for (const QString &j : std::as_const(wanted))
            grant(j);
    }
    void stop() override
    {
        for (const QString &j : QStringList(held.values()))
            take(j);
    }
    QString holderId() const override { return QStringLiteral("test:1:000001"); }
    void grant(const QString &job)
    {
        held.insert(job);
        Q_EMIT acquired(job);
    }
    void take(const QString &job)
    {
        if (held.remove(job))
            Q_EMIT lost(job);
    }
    QStringList wanted;
    QSet<QString> held;
};

} // namespace

class TestServiceHost : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_dbs = 0;

    std::unique_ptr<host::AppContext> open()
    {
        auto ctx = testing::openContextAt(m_dir.filePath(QStringLiteral("h%1.db").arg(++m_dbs)),
                                          "2026-03-10T09:00:00Z");
        return ctx ? std::move(*ctx) : nullptr;
    }

    /// An alert queue and a webhook channel on a port nobody listens on: both AWS jobs apply.
    static void configureAws(host::AppContext &ctx, secrets::SecretStore &secrets)
    {
        host::AwsSettings settings(ctx.store(), secrets);
        host::AwsConfig c;
        c.region = QStringLiteral("us-east-1");
        c.alertQueue = QStringLiteral("http://127.0.0.1:9/000000000000/alerts");
        c.channels = QStringLiteral("page_oncall webhook http://127.0.0.1:9/hook");
        QVERIFY(settings.save(c));
    }

private Q_SLOTS:
    void soleLeases_everySingletonJobRuns()
    {
        auto ctx = open();
        QVERIFY(ctx);
        secrets::MemorySecretStore secrets;
        configureAws(*ctx, secrets);
        ServiceHostOptions o;
        o.role = HostRole::Agent;
        ServiceHost host(*ctx, secrets, o);
        QSignalSpy started(&host, &ServiceHost::jobStarted);
        host.start();
        QVERIFY(!host.hasBackend());
        QVERIFY(qobject_cast<sync::SoleLeases *>(host.leases()));
        QCOMPARE(host.wantedJobs(), jobs::all());
        for (const QString &job : jobs::all())
            QVERIFY2(host.runs(job), qPrintable(job));
        QCOMPARE(started.count(), int(jobs::all().size()));
        QVERIFY(host.reminders());
        QVERIFY(host.escalations());
        QVERIFY(host.triage());
        QVERIFY(host.postmortems());
        QVERIFY(host.remediator());
        QVERIFY(host.remediationDispatcher());
        QVERIFY(host.awsServices());
        QTRY_VERIFY(host.awsServices()->consumerRunning());
        QVERIFY(host.awsServices()->notifierRunning());
        QVERIFY(host.recordsOnceOnlyEvents());
        // A window without a back end is the only process: it runs the same.
        ServiceHost window(*ctx, secrets, {});
        window.start();
        for (const QString &job : jobs::all())
            QVERIFY2(window.runs(job), qPrintable(job));
        window.stop();
        host.stop();
        for (const QString &job : jobs::all())
            QVERIFY2(!host.runs(job), qPrintable(job));
        QVERIFY(!host.reminders() && !host.awsServices() && !host.remediationDispatcher());
    }

    void slaTick_checksOnItsInterval()
    {
        auto ctx = open();
        QVERIFY(ctx);
        auto r = ctx->engine().execute(
            engine::Command::open({{QStringLiteral("title"), QStringLiteral("Checkout down")},
                                   {QStringLiteral("severity"), QStringLiteral("critical")}}));
        QVERIFY(r);
        secrets::MemorySecretStore secrets;
        ServiceHostOptions o;
        o.role = HostRole::Agent;
        o.slaIntervalMs = 50;
        o.ingest = false;
        ServiceHost host(*ctx, secrets, o);
        QSignalSpy breached(&host, &ServiceHost::slaBreached);
        host.start();
        QVERIFY(host.runs(jobs::SlaTick));
        testing::manualClock(*ctx).set(testing::manualClock(*ctx).nowMs() + 24LL * 3600 * 1000);
        QTRY_VERIFY(breached.count() >= 1);
        QTest::qWait(200); // a few more ticks: nothing breaches twice
        int events = 0;
        for (const auto &e : ctx->store().timeline(r->incidentUid))
            events += e.kind == domain::kinds::SlaBreached ? 1 : 0;
        QCOMPARE(breached.count(), 1);
        QVERIFY(events >= 1);
        QCOMPARE(events, breached.first().first().toInt());
    }

    void windowWithBackend_runsNoSingletonJob()
    {
        auto ctx = open();
        QVERIFY(ctx);
        secrets::MemorySecretStore secrets;
        configureAws(*ctx, secrets);
        int factoryCalls = 0;
        ServiceHostOptions o;
        o.role = HostRole::Window;
        o.serverUrl = QStringLiteral("http://127.0.0.1:9");
        o.serverToken = QStringLiteral("t0ken");
        o.sync = false;
        o.leases = [&](const QUrl &, const QString &) {
            ++factoryCalls;
            return std::make_unique<ManualLeases>();
        };
        ServiceHost host(*ctx, secrets, o);
        QSignalSpy started(&host, &ServiceHost::jobStarted);
        host.start();
        QVERIFY(host.hasBackend());
        QCOMPARE(factoryCalls, 1);
        QVERIFY(host.wantedJobs().isEmpty());
        QVERIFY(static_cast<ManualLeases *>(host.leases())->wanted.isEmpty());
        QTest::qWait(50);
        QCOMPARE(started.count(), 0);
        for (const QString &job : jobs::all())
            QVERIFY2(!host.runs(job), qPrintable(job));
        QVERIFY(!host.reminders() && !host.escalations() && !host.triage() && !host.postmortems() &&
                !host.remediationDispatcher() && !host.awsServices());
        QVERIFY(!host.recordsOnceOnlyEvents());
        // Approvals still work from the window: the Remediator is there, its dispatch is not.
        QVERIFY(host.remediator());
    }

    void agentWithBackend_lostStopsAJob_acquiredStartsItAgain()
    {
        auto ctx = open();
        QVERIFY(ctx);
        secrets::MemorySecretStore secrets;
        // A MemorySecretStore answers before the call returns.
        secrets.write(secrets::BackendTokenSecret, QStringLiteral("from-the-store"),
                      [](Status s) { QVERIFY(s); });
        QVERIFY(ctx->store().setMeta(QStringLiteral("backend.url"),
                                     QStringLiteral("http://127.0.0.1:9")));
        QUrl seenUrl;
        QString seenToken;
        ServiceHostOptions o;
        o.role = HostRole::Agent;
        o.sync = false;
        o.leases = [&](const QUrl &url, const QString &token) {
            seenUrl = url;
            seenToken = token;
            return std::make_unique<ManualLeases>();
        };
        ServiceHost host(*ctx, secrets, o);
        host.start();
        QTRY_VERIFY(host.leases());
        QCOMPARE(seenUrl, QUrl(QStringLiteral("http://127.0.0.1:9")));
        QCOMPARE(seenToken, QStringLiteral("from-the-store"));
        auto *leases = static_cast<ManualLeases *>(host.leases());
        QVERIFY(leases->wanted.contains(jobs::Reminders));
        QVERIFY(leases->wanted.contains(jobs::SlaTick));
        QVERIFY(host.runs(jobs::Reminders));
        QPointer<reminders::ReminderService> reminders = host.reminders();
        QVERIFY(reminders);

        QSignalSpy stopped(&host, &ServiceHost::jobStopped);
        leases->take(jobs::Reminders);
        QCOMPARE(stopped.count(), 1);
        QCOMPARE(stopped.first().first().toString(), jobs::Reminders);
        QVERIFY(!host.runs(jobs::Reminders));
        QVERIFY(!reminders);
        QVERIFY(!host.reminders());
        QVERIFY(host.runs(jobs::SlaTick)); // the others go on

        leases->take(jobs::Escalations);
        QVERIFY(!host.escalations());
        leases->grant(jobs::Reminders);
        QVERIFY(host.runs(jobs::Reminders));
        QVERIFY(host.reminders());

        // Stopping releases every lease: all jobs stop.
        host.stop();
        for (const QString &job : jobs::all())
            QVERIFY2(!host.runs(job), qPrintable(job));
    }

    void credentialFiles_byNameFlagAndFallback()
    {
        QTemporaryDir creds;
        auto put = [&](const QString &name, const QByteArray &value) {
            QFile f(creds.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(value);
        };
        put(QStringLiteral("server-token"), "srv\n");
        put(QStringLiteral("aws-secret-access-key"), "  sekrit \n");
        QFile flagged(creds.filePath(QStringLiteral("other")));
        QVERIFY(flagged.open(QIODevice::WriteOnly));
        flagged.write("ing\n");
        flagged.close();
        secrets::MemorySecretStore fallback;
        fallback.write(QStringLiteral("slack.token"), QStringLiteral("xoxb"),
                       [](Status s) { QVERIFY(s); });
        QFile slackFile(creds.filePath(QStringLiteral("elsewhere")));
        QVERIFY(slackFile.open(QIODevice::WriteOnly));
        slackFile.write("xoxb-file\n");
        slackFile.close();
        // A flag names a file by the secret's name or by its credential name.
        secrets::CredentialFileStore store(
            creds.path(),
            {{secrets::IngestTokenSecret, flagged.fileName()},
             {QStringLiteral("webhook-secret"), slackFile.fileName()}},
            &fallback);
        auto read = [&](const QString &name) {
            QString v = QStringLiteral("<none>");
            store.value(name, [&](const QString &s) { v = s; });
            return v;
        };
        QCOMPARE(secrets::CredentialFileStore::credentialName(secrets::AwsAccessKeyIdSecret),
                 QStringLiteral("aws-access-key-id"));
        QCOMPARE(read(secrets::BackendTokenSecret), QStringLiteral("srv"));
        QCOMPARE(read(secrets::AwsSecretAccessKeySecret), QStringLiteral("sekrit"));
        QCOMPARE(read(secrets::IngestTokenSecret), QStringLiteral("ing"));
        QCOMPARE(read(QStringLiteral("slack.token")), QStringLiteral("xoxb"));
        QCOMPARE(read(QStringLiteral("webhook.secret")), QStringLiteral("xoxb-file"));
        QCOMPARE(read(secrets::AwsSessionTokenSecret), QString());
        // Nothing is ever written there.
        Status written;
        store.write(secrets::BackendTokenSecret, QStringLiteral("x"),
                    [&](Status s) { written = s; });
        QVERIFY(!written);
        QCOMPARE(read(secrets::BackendTokenSecret), QStringLiteral("srv"));
    }
};

QTEST_GUILESS_MAIN(TestServiceHost)
#include "tst_servicehost.moc"
