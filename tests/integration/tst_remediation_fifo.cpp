// SPDX-License-Identifier: MIT
// Auto-remediation end to end against the fauxqs SQS emulator and the test executor
// (tests/fixtures/remediation-executor.mjs): incident -> decision -> SQS FIFO -> executor
// -> results queue -> timeline; a failing action -> DLQ -> failed remediation -> retry;
// safety controls send nothing; duplicates are never executed twice; HTTP hooks carry the
// correlation id as Idempotency-Key.
#include "fauxqsfixture.h"
#include "fixtures/support.h"
#include "httpreceiver.h"

#include "aws/sqsclient.h"
#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace sitrep;
using namespace sitrep::remediation;
using sitrep::testing::await;

namespace {

/// The executor script as a child process.
class Executor {
public:
    ~Executor() { stop(); }
    QString start(const QUrl &endpoint, const RemediationConfig &cfg, const QString &dir)
    {
        QString node = qEnvironmentVariable("SITREP_NODE");
        if (node.isEmpty())
            node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (node.isEmpty())
            return QStringLiteral("node not found");
        state = dir + QStringLiteral("/targets.json");
        executions = dir + QStringLiteral("/executions.jsonl");
        failFile = dir + QStringLiteral("/failing.txt");
        m_proc.setProgram(node);
        m_proc.setArguments(
            {testing::FauxqsProcess::fixturesDir() + QStringLiteral("/remediation-executor.mjs"),
             QStringLiteral("--endpoint"), endpoint.toString(), QStringLiteral("--p1"), cfg.p1Queue,
             QStringLiteral("--standard"), cfg.standardQueue, QStringLiteral("--results"),
             cfg.resultsQueue, QStringLiteral("--p1-consumers"), QString::number(cfg.p1Consumers),
             QStringLiteral("--standard-consumers"), QString::number(cfg.standardConsumers),
             QStringLiteral("--state"), state, QStringLiteral("--executions"), executions,
             QStringLiteral("--fail-file"), failFile});
        m_proc.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_proc.start();
        if (!m_proc.waitForStarted(10000))
            return m_proc.errorString();
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.contains("EXECUTOR_READY") && t.elapsed() < 15000) {
            if (!m_proc.waitForReadyRead(500) && m_proc.state() != QProcess::Running)
                return QStringLiteral("executor exited");
            out += m_proc.readAllStandardOutput();
        }
        return out.contains("EXECUTOR_READY") ? QString() : QStringLiteral("executor not ready");
    }
    void stop()
    {
        if (m_proc.state() == QProcess::NotRunning)
            return;
        m_proc.closeWriteChannel();
        if (!m_proc.waitForFinished(5000)) {
            m_proc.kill();
            m_proc.waitForFinished(3000);
        }
    }
    /// The executor's log lines of `type` (received, executed, failed) for `key`.
    QList<QJsonObject> log(const QString &type, const QString &key) const
    {
        QList<QJsonObject> out;
        QFile f(executions);
        if (!f.open(QIODevice::ReadOnly))
            return out;
        for (const QByteArray &line : f.readAll().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o[u"type"].toString() == type && (key.isEmpty() || o[u"key"].toString() == key))
                out << o;
        }
        return out;
    }
    QJsonObject target(const QString &name) const
    {
        QFile f(state);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(f.readAll())
            .object()[u"targets"]
            .toObject()[name]
            .toObject();
    }
    void setFailing(const QStringList &targets) const
    {
        QFile f(failFile);
        if (targets.isEmpty()) {
            f.remove();
            return;
        }
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(targets.join(u'\n').toUtf8() + '\n');
    }

    QString state, executions, failFile;

private:
    QProcess m_proc;
};

} // namespace

class TestRemediationFifo : public QObject {
    Q_OBJECT

    testing::FauxqsProcess m_fauxqs;
    Executor m_executor;
    QTemporaryDir m_shared;
    QNetworkAccessManager m_nam;
    std::unique_ptr<aws::SqsClient> m_sqs;
    RemediationConfig m_cfg;
    QString m_skip;

    // Per test: a database, an engine on a hand-moved clock, the remediator and dispatcher.
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<engine::ManualClock> m_clock;
    std::unique_ptr<engine::LifecycleEngine> m_engine;
    std::unique_ptr<Remediator> m_rem;
    std::unique_ptr<RemediationDispatcher> m_disp;

    void makeWorld(const QString &rulesFile = {})
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<store::Store>();
        QVERIFY(m_store->open(m_dir->filePath(QStringLiteral("sitrep.db"))));
        m_clock = std::make_unique<engine::ManualClock>(QDateTime::currentMSecsSinceEpoch());
        m_engine = std::make_unique<engine::LifecycleEngine>(
            *m_store, *workflow::Workflow::load(QStringLiteral("pipeline")),
            *workflow::OnCallSchedule::load({}), *m_clock);
        host::registerWorkflowActions(*m_engine);
        auto rules = rulesFile.isEmpty() ? RuleSet::defaults() : RuleSet::load(rulesFile);
        QVERIFY2(rules, qPrintable(rules.errorMessage()));
        m_rem = std::make_unique<Remediator>(*m_engine, *rules, m_cfg);
        m_disp = std::make_unique<RemediationDispatcher>(*m_rem, m_nam, m_sqs.get());
        m_disp->setWaitSeconds(1);
    }

    QString openIncident(const QString &severity, const QString &service, const QString &category,
                         double confidence)
    {
        auto r = m_engine->execute(engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("%1 is unhealthy").arg(service)},
             {QStringLiteral("severity"), severity},
             {QStringLiteral("services"), QJsonArray{service}}},
            QStringLiteral("alertmanager-ingest")));
        if (!r)
            qFatal("open: %s", qPrintable(r.errorMessage()));
        auto t = m_engine->execute(engine::Command::make(
            engine::Command::Kind::Record, r->number,
            {{QStringLiteral("kind"), kinds::TriageSuggested},
             {QStringLiteral("payload"), QJsonObject{{QStringLiteral("category"), category},
                                                     {QStringLiteral("confidence"), confidence}}}},
            QStringLiteral("triage")));
        if (!t)
            qFatal("suggest: %s", qPrintable(t.errorMessage()));
        return r->incidentUid;
    }

    RoundStats round()
    {
        auto r = await<RoundStats>([&](auto cb) { m_disp->runOnce(cb); }, 30000);
        if (!r)
            qWarning("round failed: %s", qPrintable(r.errorMessage()));
        return r ? *r : RoundStats{};
    }

    /// Runs rounds until the remediation has `status` (or 25 s pass).
    bool pumpUntil(const QString &corr, const QString &status, int timeoutMs = 25000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            round();
            const auto row = m_rem->store().remediation(corr);
            if (row && row->status == status)
                return true;
        }
        const auto row = m_rem->store().remediation(corr);
        qWarning("remediation %s is %s, not %s", qPrintable(corr),
                 row ? qPrintable(row->status) : "missing", qPrintable(status));
        return false;
    }

    RemediationRow only(const QString &incidentUid)
    {
        const auto rows = m_rem->store().remediations({}, incidentUid);
        if (rows.size() != 1)
            qFatal("expected one remediation, got %d", int(rows.size()));
        return rows.first();
    }

    QStringList timelineKinds(const QString &uid)
    {
        QStringList out;
        for (const auto &e : m_store->timeline(uid))
            if (e.kind.startsWith(u"remediation."))
                out << e.kind;
        return out;
    }

    /// The world with one rule that calls the receiver's /scaling hook for capacity incidents
    /// (rules file in `dir`).
    bool makeHookWorld(const QTemporaryDir &dir, const testing::HttpReceiver &receiver)
    {
        const QString rules = dir.filePath(QStringLiteral("hooks.yaml"));
        if (!testing::writeFile(
                rules,
                QStringLiteral("remediation_hooks:\n  - {id: scale_up_service, endpoint: \"%1\", "
                               "method: POST, idempotency_key: correlation_id}\n"
                               "rules:\n  - id: scale-by-hook\n    when: category = capacity AND "
                               "confidence >= 0.8\n    hook: scale_up_service\n"
                               "    action: {type: scale_asg, target: \"{service}-asg\", params: "
                               "{desired_capacity: 8}}\n")
                    .arg(receiver.url(QStringLiteral("/scaling")))
                    .toUtf8()))
            return false;
        makeWorld(rules);
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_skip = m_fauxqs.start();
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        m_sqs = std::make_unique<aws::SqsClient>(
            m_nam, m_fauxqs.endpoint(),
            std::make_shared<aws::StaticCredentialsProvider>(
                aws::AwsCredentials{QStringLiteral("test"), QStringLiteral("test"), {}}));
        m_cfg.maxReceiveCount = 2;
        makeWorld();
        auto ok = await<bool>([&](auto cb) {
            m_disp->provisionQueues(
                [cb](Status s) { cb(s ? Result<bool>(true) : Result<bool>(s.error())); });
        });
        QVERIFY2(ok, qPrintable(ok.errorMessage()));
        // The queues carry the seed's settings: P1 hides messages for less time than standard.
        auto p1 = await<QString>([&](auto cb) { m_sqs->getQueueUrl(m_cfg.p1Queue, cb); });
        QVERIFY(p1);
        auto attrs =
            await<QMap<QString, QString>>([&](auto cb) { m_sqs->getQueueAttributes(*p1, {}, cb); });
        QVERIFY(attrs);
        QCOMPARE(attrs->value(QStringLiteral("VisibilityTimeout")),
                 QString::number(m_cfg.p1VisibilityTimeout));
        QVERIFY(attrs->value(QStringLiteral("RedrivePolicy"))
                    .contains(QStringLiteral("sitrep-remediation-dlq.fifo")));
        const QString err = m_executor.start(m_fauxqs.url(), m_cfg, m_shared.path());
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void cleanup()
    {
        m_disp.reset();
        m_rem.reset();
        m_engine.reset();
        m_store.reset();
        m_dir.reset();
    }

    void cleanupTestCase()
    {
        m_executor.stop();
        m_fauxqs.stop();
    }

    void fullPath_incidentToResultOnTimeline()
    {
        makeWorld();
        const QString uid = openIncident(QStringLiteral("high"), QStringLiteral("orders-db"),
                                         QStringLiteral("database"), 0.94);
        const RoundStats first = round();
        QCOMPARE(first.decided, 1);
        QCOMPARE(first.sent, 1);
        const RemediationRow r = only(uid);
        QCOMPARE(r.destination, m_cfg.standardQueue);
        QVERIFY(pumpUntil(r.correlationId, QStringLiteral("succeeded")));
        QCOMPARE(timelineKinds(uid), (QStringList{kinds::Queued, kinds::Sent, kinds::Succeeded}));
        const auto tl = m_store->timeline(uid);
        QVERIFY(tl.last().payload[u"output"].toString().contains(
            QStringLiteral("orders-db-primary rebooting")));
        // Executed exactly once, on the standard queue, against the simulated target.
        const auto done = m_executor.log(QStringLiteral("executed"), r.correlationId);
        QCOMPARE(done.size(), 1);
        QCOMPARE(done.first()[u"queue"].toString(), m_cfg.standardQueue);
        QCOMPARE(m_executor.target(QStringLiteral("orders-db-primary"))[u"reboots"].toInt(), 1);
        // Audited with the executing identity and the API call's event id.
        const auto audit = m_rem->store().audit();
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit.first().result, QStringLiteral("success"));
        QVERIFY(audit.first().identity.contains(QStringLiteral("sitrep-remediation-executor")));
        QVERIFY(!audit.first().eventId.isEmpty());
        QCOMPARE(audit.first().approvedBy, m_cfg.autoIdentity);
        QCOMPARE(audit.first().workflowVersion, m_engine->workflow().version());
    }

    void p1_waitsForApproval_thenRunsOnTheP1Queue()
    {
        makeWorld();
        const QString uid = openIncident(QStringLiteral("critical"), QStringLiteral("ledger-db"),
                                         QStringLiteral("database"), 0.97);
        QCOMPARE(round().sent, 0);
        RemediationRow r = only(uid);
        QCOMPARE(r.status, QStringLiteral("awaiting_approval"));
        round();
        QVERIFY(m_executor.log(QStringLiteral("received"), r.correlationId).isEmpty());
        auto ok = m_rem->approve(r.correlationId, QStringLiteral("alice"));
        QVERIFY2(ok, qPrintable(ok.errorMessage()));
        QVERIFY(pumpUntil(r.correlationId, QStringLiteral("succeeded")));
        const auto got = m_executor.log(QStringLiteral("executed"), r.correlationId);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first()[u"queue"].toString(), m_cfg.p1Queue);
        QCOMPARE(m_rem->store().audit().first().approvedBy, QStringLiteral("alice"));
    }

    void failure_goesToDlq_thenRetrySucceeds()
    {
        makeWorld();
        m_executor.setFailing({QStringLiteral("catalog-cdn-distribution")});
        const QString uid = openIncident(QStringLiteral("medium"), QStringLiteral("catalog-cdn"),
                                         QStringLiteral("cdn"), 0.9);
        round();
        const RemediationRow r = only(uid);
        QVERIFY(pumpUntil(r.correlationId, QStringLiteral("failed")));
        QVERIFY(m_executor.log(QStringLiteral("failed"), r.correlationId).size() >=
                m_cfg.maxReceiveCount);
        QVERIFY(m_executor.log(QStringLiteral("executed"), r.correlationId).isEmpty());
        QCOMPARE(m_rem->store().failed().size(), 1);
        QCOMPARE(timelineKinds(uid).last(), kinds::DeadLettered);
        QCOMPARE(m_rem->store().audit().last().result, QStringLiteral("failure"));

        m_executor.setFailing({});
        auto again = m_rem->retry(r.correlationId, QStringLiteral("bob"));
        QVERIFY2(again, qPrintable(again.errorMessage()));
        QVERIFY(pumpUntil(r.correlationId, QStringLiteral("succeeded")));
        const QString key2 = Remediator::dedupId(r.correlationId, 2);
        QCOMPARE(m_executor.log(QStringLiteral("executed"), key2).size(), 1);
        QCOMPARE(
            m_executor.target(QStringLiteral("catalog-cdn-distribution"))[u"invalidations"].toInt(),
            1);
        QVERIFY(m_rem->store().failed().isEmpty());
        QCOMPARE(timelineKinds(uid), (QStringList{kinds::Queued, kinds::Sent, kinds::DeadLettered,
                                                  kinds::Retried, kinds::Sent, kinds::Succeeded}));
    }

    void duplicates_areNotExecutedTwice()
    {
        makeWorld();
        const QString uid = openIncident(QStringLiteral("high"), QStringLiteral("web-frontend"),
                                         QStringLiteral("capacity"), 0.95);
        QCOMPARE(*m_rem->scan(), 1);
        const DispatchRow d = m_rem->store().dueDispatch(m_clock->nowMs(), 1).first();
        // The same message three times: a second process, and our own retry after an
        // answer that got lost. FIFO deduplication keeps one.
        auto url = await<QString>([&](auto cb) { m_sqs->getQueueUrl(d.destination, cb); });
        QVERIFY(url);
        aws::SqsSendEntry e;
        e.body = QString::fromUtf8(d.body);
        e.messageGroupId = d.groupId;
        e.messageDeduplicationId = d.dedupId;
        QVERIFY(await<aws::SqsSendResult>([&](auto cb) { m_sqs->sendMessage(*url, e, cb); }));
        round();
        QVERIFY(m_store->db().exec(QStringLiteral(
            "UPDATE deliveries SET status = 'pending' WHERE queue = 'remediation'")));
        round();
        const RemediationRow r = only(uid);
        QVERIFY(pumpUntil(r.correlationId, QStringLiteral("succeeded")));
        // Give a stray duplicate time to show up before counting.
        round();
        round();
        QCOMPARE(m_executor.log(QStringLiteral("received"), r.correlationId).size(), 1);
        QCOMPARE(m_executor.log(QStringLiteral("executed"), r.correlationId).size(), 1);
        QCOMPARE(m_executor.target(QStringLiteral("web-frontend-asg"))[u"desiredCapacity"].toInt(),
                 6);
        // A result delivered twice lands once.
        QJsonObject dup{{QStringLiteral("correlation_id"), r.correlationId},
                        {QStringLiteral("attempt"), 1},
                        {QStringLiteral("status"), QStringLiteral("success")}};
        QVERIFY(!*m_rem->recordResult(dup));
        QCOMPARE(timelineKinds(uid).count(kinds::Succeeded), 1);
        QCOMPARE(m_rem->store().audit().size(), 1);
    }

    void safetyControls_sendNothing()
    {
        makeWorld();
        const qint64 now = m_clock->nowMs();
        QVERIFY(m_rem->store().addMaintenance(QStringLiteral("orders-db"), now - 60000,
                                              now + 3600000, QStringLiteral("upgrade"),
                                              QStringLiteral("ops"), now));
        QVERIFY(m_rem->store().addChange(QStringLiteral("search-db"), now - 5 * 60000,
                                         QStringLiteral("reindex"), {}, QStringLiteral("ops"),
                                         now));
        const QString inMaintenance = openIncident(
            QStringLiteral("high"), QStringLiteral("orders-db"), QStringLiteral("database"), 0.95);
        const QString changed = openIncident(QStringLiteral("high"), QStringLiteral("search-db"),
                                             QStringLiteral("database"), 0.95);
        RoundStats s = round();
        QCOMPARE(s.decided, 2);
        QCOMPARE(s.sent, 0);
        QCOMPARE(only(inMaintenance).control, controls::MaintenanceWindow);
        QCOMPARE(only(changed).control, controls::RecentChange);
        // The rule matches (confidence > 0.85) but the configured floor is higher.
        RemediationConfig strict = m_cfg;
        strict.confidenceThreshold = 0.97;
        m_rem->setConfig(strict);
        const QString unsure = openIncident(QStringLiteral("high"), QStringLiteral("billing-db"),
                                            QStringLiteral("database"), 0.95);
        s = round();
        QCOMPARE(s.decided, 1);
        QCOMPARE(s.sent, 0);
        QCOMPARE(only(unsure).control, controls::ConfidenceThreshold);
        RemediationConfig dry = m_cfg;
        dry.dryRun = true;
        m_rem->setConfig(dry);
        const QString dryUid = openIncident(QStringLiteral("high"), QStringLiteral("cart-db"),
                                            QStringLiteral("database"), 0.95);
        QCOMPARE(round().sent, 0);
        QCOMPARE(only(dryUid).control, controls::DryRun);
        round();
        for (const QString &uid : {inMaintenance, changed, unsure, dryUid})
            QVERIFY(m_executor.log(QStringLiteral("received"), only(uid).correlationId).isEmpty());
        QCOMPARE(m_rem->store().pendingDispatchCount(), 0);
        // And only then: without the window, the next suggestion is acted on.
        m_rem->setConfig(m_cfg);
        const QString fine = openIncident(QStringLiteral("high"), QStringLiteral("stock-db"),
                                          QStringLiteral("database"), 0.95);
        round();
        QVERIFY(pumpUntil(only(fine).correlationId, QStringLiteral("succeeded")));
    }

    void httpHook_carriesIdempotencyKey_andIsRetried()
    {
        testing::HttpReceiver receiver;
        QVERIFY(receiver.listen());
        int calls = 0;
        receiver.setHandler([&](const testing::HttpRequest &) {
            ++calls;
            return calls == 1 ? testing::HttpAnswer{503, "{\"error\":\"busy\"}", "application/json"}
                              : testing::HttpAnswer{200, "{\"scaled\":true}", "application/json"};
        });
        QTemporaryDir dir;
        QVERIFY(makeHookWorld(dir, receiver));
        const QString uid = openIncident(QStringLiteral("high"), QStringLiteral("api"),
                                         QStringLiteral("capacity"), 0.9);
        RoundStats s = round();
        QCOMPARE(s.sendErrors, 1); // 503: kept for a retry
        const RemediationRow r = only(uid);
        QCOMPARE(r.status, QStringLiteral("queued"));
        m_clock->advance(120000); // past the backoff
        s = round();
        QCOMPARE(s.sent, 1);
        QCOMPARE(m_rem->store().remediation(r.correlationId)->status, QStringLiteral("succeeded"));
        const auto reqs = receiver.requestsTo("/scaling");
        QCOMPARE(reqs.size(), 2);
        for (const auto &q : reqs) {
            QCOMPARE(q.headers.value("idempotency-key"), r.correlationId.toUtf8());
            QCOMPARE(
                QJsonDocument::fromJson(q.body).object()[u"action"].toObject()[u"type"].toString(),
                QStringLiteral("scale_asg"));
        }
        QCOMPARE(timelineKinds(uid), (QStringList{kinds::Queued, kinds::Succeeded}));
    }

    void httpHook_failingEveryTime_isDeadLetteredAfterMaxTries()
    {
        testing::HttpReceiver receiver;
        QVERIFY(receiver.listen());
        receiver.setHandler([](const testing::HttpRequest &) {
            return testing::HttpAnswer{503, "{\"error\":\"busy\"}", "application/json"};
        });
        QTemporaryDir dir;
        QVERIFY(makeHookWorld(dir, receiver));
        m_disp->setMaxHookTries(3);
        const QString uid = openIncident(QStringLiteral("high"), QStringLiteral("api"),
                                         QStringLiteral("capacity"), 0.9);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(round().sendErrors, 1);
            m_clock->advance(120000); // past the backoff
        }
        QCOMPARE(receiver.requestsTo("/scaling").size(), 3);
        const RemediationRow r = only(uid);
        QCOMPARE(r.status, QStringLiteral("failed")); // a person can retry or dismiss it
        const auto dead = m_rem->store().dispatchQueue().items(delivery::State::Dead);
        QCOMPARE(dead.size(), 1);
        QCOMPARE(dead.first().key, r.correlationId);
        QCOMPARE(dead.first().attempts, 3);
        QCOMPARE(m_rem->store().pendingDispatchCount(), 0);
        // Given up: later rounds send nothing more.
        round();
        QCOMPARE(receiver.requestsTo("/scaling").size(), 3);
        QCOMPARE(timelineKinds(uid), (QStringList{kinds::Queued, kinds::Failed}));
    }
};

QTEST_GUILESS_MAIN(TestRemediationFifo)
#include "tst_remediation_fifo.moc"
