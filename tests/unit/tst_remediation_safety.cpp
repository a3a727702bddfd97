// SPDX-License-Identifier: MIT
// Remediation decisions and their safety controls: each control blocks when it should and
// only then, says which control stopped the action, and nothing is queued unless the
// decision, its timeline event and its outbox row commit together. Also the approval gate,
// retry/dismiss of failed remediations, and the append-only audit trail.
#include "coretestutil.h"

#include "itemmodels/incidentdetails.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace sitrep;
using namespace sitrep::remediation;
using testing::kMinute;

class TestRemediationSafety : public QObject {
    Q_OBJECT

    std::unique_ptr<testing::CoreFixture> fx;
    std::unique_ptr<Remediator> rem;

    QString openIncident(const QString &severity,
                         const QString &service = QStringLiteral("orders-db"),
                         const QJsonObject &extra = {})
    {
        QJsonObject a{
            {QStringLiteral("title"), QStringLiteral("Orders database refuses connections")},
            {QStringLiteral("severity"), severity},
            {QStringLiteral("services"), QJsonArray{service}}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            a.insert(it.key(), it.value());
        return fx->open(a);
    }

    void suggest(const QString &number, const QString &category, double confidence)
    {
        auto r = fx->run(
            engine::Command::Kind::Record, number,
            {{QStringLiteral("kind"), kinds::TriageSuggested},
             {QStringLiteral("payload"), QJsonObject{{QStringLiteral("category"), category},
                                                     {QStringLiteral("confidence"), confidence}}}},
            QStringLiteral("triage"));
        QVERIFY2(r, qPrintable(r.errorMessage()));
    }

    QList<RemediationRow> rows(const QString &number)
    {
        return rem->store().remediations({}, fx->get(number).uid);
    }

    qint64 dispatchCount()
    {
        const auto c = delivery::DeliveryQueue(fx->store, delivery::queues::Remediation).counts();
        return c.pending + c.delivered + c.failed + c.dead;
    }

    /// Opens a P2 database incident, suggests `database` at 0.94 and scans: the decision.
    RemediationRow decideOne(const QString &severity = QStringLiteral("high"))
    {
        const QString n = openIncident(severity);
        suggest(n, QStringLiteral("database"), 0.94);
        auto s = rem->scan();
        if (!s)
            qFatal("scan: %s", qPrintable(s.errorMessage()));
        const auto r = rows(n);
        if (r.size() != 1)
            qFatal("expected one decision for %s, got %d", qPrintable(n), int(r.size()));
        return r.first();
    }

private Q_SLOTS:
    void init()
    {
        fx = std::make_unique<testing::CoreFixture>(QStringLiteral("pipeline"));
        auto r = Remediator::fromSettings(fx->eng());
        QVERIFY2(r, qPrintable(r.errorMessage()));
        rem = std::make_unique<Remediator>(std::move(*r));
    }
    void cleanup()
    {
        rem.reset();
        fx.reset();
    }

    void noControlApplies_actionIsQueuedWithItsMessage()
    {
        const RemediationRow r = decideOne();
        QCOMPARE(r.status, QStringLiteral("queued"));
        QCOMPARE(r.control, QString());
        QCOMPARE(r.actionType, QStringLiteral("rds_reboot"));
        QCOMPARE(r.target, QStringLiteral("orders-db-primary"));
        QCOMPARE(r.destination, QStringLiteral("sitrep-remediation-standard.fifo"));
        QCOMPARE(r.message[u"approved_by"].toString(), QStringLiteral("sitrep-auto-remediation"));
        QCOMPARE(r.message[u"incident"].toObject()[u"number"].toString(), r.number);
        // The outbox row: group per incident, deduplication id = the correlation id.
        auto due = rem->store().dueDispatch(fx->clock.nowMs(), 10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().groupId, r.incident);
        QCOMPARE(due.first().dedupId, r.correlationId);
        QCOMPARE(QJsonDocument::fromJson(due.first().body)
                     .object()[u"action"]
                     .toObject()[u"type"]
                     .toString(),
                 QStringLiteral("rds_reboot"));
        // On the timeline, by the system.
        const auto tl = fx->store.timeline(r.incident);
        QCOMPARE(tl.last().kind, kinds::Queued);
        QCOMPARE(tl.last().payload[u"correlation_id"].toString(), r.correlationId);
        QCOMPARE(itemmodels::describeTimelineEvent(tl.last()),
                 QStringLiteral("Remediation queued: rds_reboot on orders-db-primary to "
                                "sitrep-remediation-standard.fifo "
                                "(rule database-reboot, approved by sitrep-auto-remediation)"));
    }

    void workflowRemediationRequest_isATrigger()
    {
        // Opened without a category: nothing to decide yet.
        const QString n = openIncident(QStringLiteral("high"));
        QCOMPARE(*rem->scan(), 0);
        // A person sets the category, and the workflow asks for remediation on the way to
        // MITIGATING: decided once.
        QVERIFY(fx->run(engine::Command::Kind::SetField, n,
                        {{QStringLiteral("field"), QStringLiteral("category")},
                         {QStringLiteral("value"), QStringLiteral("database")}}));
        QVERIFY(fx->run(engine::Command::Kind::Transition, n,
                        {{QStringLiteral("to"), QStringLiteral("TRIAGE")}}));
        auto t = fx->run(engine::Command::Kind::Transition, n,
                         {{QStringLiteral("to"), QStringLiteral("MITIGATING")}});
        QVERIFY2(t, qPrintable(t.errorMessage()));
        QCOMPARE(*rem->scan(), 1);
        QCOMPARE(rows(n).first().status, QStringLiteral("queued"));
    }

    void scanTwice_decidesOnce()
    {
        const RemediationRow r = decideOne();
        QCOMPARE(*rem->scan(), 0);
        // Even from scratch (cursor lost), the same decision is not recorded again.
        QVERIFY(fx->store.setMeta(QStringLiteral("remediation.cursor"), QStringLiteral("0")));
        QCOMPARE(*rem->scan(), 0);
        QCOMPARE(rows(r.number).size(), 1);
        QCOMPARE(dispatchCount(), 1);
    }

    void noSqsEndpoint_messagesWaitUntouchedAndItIsSaidOnce()
    {
        // An install without aws.endpoint/aws.region: no SQS client. The queued action must
        // neither be retried with backoff round after round nor fail silently.
        decideOne();
        QNetworkAccessManager nam;
        RemediationDispatcher d(*rem, nam, nullptr);
        QSignalSpy waiting(&d, &RemediationDispatcher::waitingForSqs);
        for (int round = 0; round < 3; ++round) {
            bool finished = false;
            d.runOnce([&finished](Result<RoundStats> r) {
                QVERIFY2(r, qPrintable(r.errorMessage()));
                QCOMPARE(r->sendErrors, 0);
                finished = true;
            });
            QTRY_VERIFY(finished);
            fx->clock.advance(10 * kMinute);
        }
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.first().first().toLongLong(), 1);
        QCOMPARE(d.waitingForSqsCount(), 1);
        const auto rows = rem->store().dueDispatch(fx->clock.nowMs(), 10);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().tries, 0);
        QVERIFY2(rows.first().lastError.isEmpty(), qPrintable(rows.first().lastError));
        QCOMPARE(rows.first().status, QStringLiteral("pending"));
    }

    void noRuleMatches_nothingIsRecorded()
    {
        const QString n = openIncident(QStringLiteral("high"));
        suggest(n, QStringLiteral("network"), 0.99);
        QCOMPARE(*rem->scan(), 0);
        QVERIFY(rows(n).isEmpty());
    }

    void confidenceThreshold_blocksBelowOnly()
    {
        RemediationConfig c = rem->config();
        c.confidenceThreshold = 0.95;
        rem->setConfig(c);
        const RemediationRow low = decideOne();
        QCOMPARE(low.status, QStringLiteral("skipped"));
        QCOMPARE(low.control, controls::ConfidenceThreshold);
        QVERIFY(low.reason.contains(QStringLiteral("0.94")));
        QCOMPARE(dispatchCount(), 0);
        // A better suggestion later is decided again, and passes.
        suggest(low.number, QStringLiteral("database"), 0.97);
        QCOMPARE(*rem->scan(), 1);
        const auto all = rows(low.number);
        QCOMPARE(all.size(), 2);
        QStringList statuses{all[0].status, all[1].status};
        statuses.sort();
        QCOMPARE(statuses, (QStringList{QStringLiteral("queued"), QStringLiteral("skipped")}));
    }

    void maintenanceWindow_blocksWhileActiveOnly()
    {
        const qint64 now = fx->clock.nowMs();
        auto id = rem->store().addMaintenance(QStringLiteral("orders-db"), now - 10 * kMinute,
                                              now + 50 * kMinute, QStringLiteral("failover drill"),
                                              QStringLiteral("alice"), now);
        QVERIFY(id);
        // Another CI's window does not matter.
        QVERIFY(rem->store().addMaintenance(QStringLiteral("billing"), now - kMinute, now + kMinute,
                                            {}, QStringLiteral("alice"), now));
        const RemediationRow blocked = decideOne();
        QCOMPARE(blocked.status, QStringLiteral("skipped"));
        QCOMPARE(blocked.control, controls::MaintenanceWindow);
        QVERIFY(blocked.reason.contains(QStringLiteral("failover drill")));
        fx->clock.advance(2 * kMinute);
        QVERIFY(rem->store().endMaintenance(*id, fx->clock.nowMs()));
        const RemediationRow after = decideOne();
        QCOMPARE(after.status, QStringLiteral("queued"));
    }

    void maintenanceWindow_inTheFutureDoesNotBlock()
    {
        const qint64 now = fx->clock.nowMs();
        QVERIFY(rem->store().addMaintenance(QStringLiteral("orders-db"), now + kMinute,
                                            now + 60 * kMinute, {}, QStringLiteral("alice"), now));
        QCOMPARE(decideOne().status, QStringLiteral("queued"));
    }

    void recentChange_blocksWithinThirtyMinutesOnly()
    {
        const qint64 now = fx->clock.nowMs();
        QVERIFY(rem->store().addChange(QStringLiteral("orders-db"), now - 31 * kMinute,
                                       QStringLiteral("index rebuild"), QStringLiteral("CHG0001"),
                                       QStringLiteral("bob"), now));
        QCOMPARE(decideOne().status, QStringLiteral("queued"));
        QVERIFY(rem->store().addChange(QStringLiteral("orders-db"), now - 29 * kMinute,
                                       QStringLiteral("parameter group change"),
                                       QStringLiteral("CHG0002"), QStringLiteral("bob"), now));
        const RemediationRow blocked = decideOne();
        QCOMPARE(blocked.status, QStringLiteral("skipped"));
        QCOMPARE(blocked.control, controls::RecentChange);
        QVERIFY2(blocked.reason.contains(QStringLiteral("CHG0002")), qPrintable(blocked.reason));
    }

    void dryRun_logsTheMessageAndSendsNothing()
    {
        RemediationConfig c = rem->config();
        c.dryRun = true;
        rem->setConfig(c);
        const RemediationRow r = decideOne();
        QCOMPARE(r.status, QStringLiteral("skipped"));
        QCOMPARE(r.control, controls::DryRun);
        QCOMPARE(dispatchCount(), 0);
        const auto audit = rem->store().audit();
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit.first().result, QStringLiteral("skipped"));
        QCOMPARE(audit.first().control, controls::DryRun);
        QVERIFY(audit.first().output.contains(QStringLiteral("would send")));
        QVERIFY(audit.first().output.contains(r.correlationId));
    }

    void priorityPolicy_autoRemediationOff_skips()
    {
        // The pipeline preset with auto_remediation switched off for P2.
        QFile f(QStringLiteral(":/sitrep/workflows/pipeline.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray yaml = f.readAll();
        const int p2 = yaml.indexOf("  P2:");
        const int flag = yaml.indexOf("auto_remediation: true", p2);
        yaml.replace(flag, int(strlen("auto_remediation: true")), "auto_remediation: false");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pipeline-manual.yaml"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(yaml);
        out.close();
        rem.reset();
        fx = std::make_unique<testing::CoreFixture>(path);
        auto r = Remediator::fromSettings(fx->eng());
        QVERIFY(r);
        rem = std::make_unique<Remediator>(std::move(*r));
        const RemediationRow p2row = decideOne(QStringLiteral("high"));
        QCOMPARE(p2row.status, QStringLiteral("skipped"));
        QCOMPARE(p2row.control, controls::PriorityPolicy);
        QVERIFY(p2row.reason.contains(QStringLiteral("P2")));
        QCOMPARE(decideOne(QStringLiteral("medium")).status,
                 QStringLiteral("queued")); // P3 still automatic
    }

    void p1_waitsForAPersonAndRecordsWho()
    {
        const RemediationRow r = decideOne(QStringLiteral("critical"));
        QCOMPARE(r.priority, QStringLiteral("P1"));
        QCOMPARE(r.status, QStringLiteral("awaiting_approval"));
        QCOMPARE(r.control, controls::ApprovalRequired);
        QCOMPARE(dispatchCount(), 0);
        QVERIFY(!rem->approve(r.correlationId, engine::SystemActor));
        auto ok = rem->approve(r.number, QStringLiteral("alice"));
        QVERIFY2(ok, qPrintable(ok.errorMessage()));
        QCOMPARE(ok->status, QStringLiteral("queued"));
        QCOMPARE(ok->approvedBy, QStringLiteral("alice"));
        QCOMPARE(ok->destination, QStringLiteral("sitrep-remediation-p1.fifo"));
        QCOMPARE(ok->message[u"approved_by"].toString(), QStringLiteral("alice"));
        QCOMPARE(dispatchCount(), 1);
        const auto tl = fx->store.timeline(r.incident);
        QCOMPARE(tl.last().kind, kinds::Queued);
        QCOMPARE(tl.last().actor, QStringLiteral("alice"));
        QVERIFY(!rem->approve(r.correlationId, QStringLiteral("bob"))); // already approved
    }

    void p1_approvalRechecksTheOtherControls()
    {
        const RemediationRow r = decideOne(QStringLiteral("critical"));
        const qint64 now = fx->clock.nowMs();
        QVERIFY(rem->store().addMaintenance(QStringLiteral("orders-db"), now, now + 60 * kMinute,
                                            QStringLiteral("upgrade"), QStringLiteral("ops"), now));
        auto refused = rem->approve(r.correlationId, QStringLiteral("alice"));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, controls::MaintenanceWindow);
        QCOMPARE(rem->store().remediation(r.correlationId)->status, QStringLiteral("skipped"));
        QCOMPARE(dispatchCount(), 0);
    }

    void personSetCategory_countsAsCertain()
    {
        const QString n = openIncident(QStringLiteral("high"), QStringLiteral("orders-db"),
                                       {{QStringLiteral("category"), QStringLiteral("database")}});
        QCOMPARE(*rem->scan(), 1);
        const auto r = rows(n);
        QCOMPARE(r.first().status, QStringLiteral("queued"));
        QCOMPARE(r.first().message[u"confidence"].toDouble(), 1.0);
    }

    void failedRemediation_retryAndDismiss()
    {
        const RemediationRow r = decideOne();
        DispatchRow d = rem->store().dueDispatch(fx->clock.nowMs(), 1).first();
        QVERIFY(rem->recordSent(d, QStringLiteral("m-1")));
        QCOMPARE(rem->store().remediation(r.correlationId)->status, QStringLiteral("sent"));
        QVERIFY(!rem->retry(r.correlationId, QStringLiteral("alice"))); // not failed
        QVERIFY(*rem->recordDeadLetter(r.message, 3));
        QVERIFY(!*rem->recordDeadLetter(r.message, 3)); // the same dead letter again: no-op
        QCOMPARE(rem->store().failed().size(), 1);
        auto again = rem->retry(r.correlationId, QStringLiteral("alice"));
        QVERIFY2(again, qPrintable(again.errorMessage()));
        QCOMPARE(again->attempt, 2);
        QCOMPARE(again->status, QStringLiteral("queued"));
        const auto due = rem->store().dueDispatch(fx->clock.nowMs(), 10);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().dedupId, r.correlationId + QStringLiteral(".2"));
        // A late result of attempt 1 does not settle attempt 2.
        QJsonObject late{{QStringLiteral("correlation_id"), r.correlationId},
                         {QStringLiteral("attempt"), 1},
                         {QStringLiteral("status"), QStringLiteral("success")}};
        QVERIFY(!*rem->recordResult(late));
        QJsonObject fail{{QStringLiteral("correlation_id"), r.correlationId},
                         {QStringLiteral("attempt"), 2},
                         {QStringLiteral("status"), QStringLiteral("failure")},
                         {QStringLiteral("error"), QStringLiteral("access denied")}};
        QVERIFY(*rem->recordResult(fail));
        auto gone =
            rem->dismiss(r.correlationId, QStringLiteral("bob"), QStringLiteral("fixed by hand"));
        QVERIFY2(gone, qPrintable(gone.errorMessage()));
        QCOMPARE(gone->status, QStringLiteral("dismissed"));
        QVERIFY(rem->store().failed().isEmpty());
        QVERIFY(!rem->dismiss(r.correlationId, QStringLiteral("bob"), {}));
        const auto audit = rem->store().audit();
        QCOMPARE(audit.size(), 2);
        QCOMPARE(audit[0].result, QStringLiteral("failure"));
        QVERIFY(audit[0].output.contains(QStringLiteral("dead-lettered after 3")));
        QCOMPARE(audit[1].attempt, 2);
    }

    void audit_isAppendOnlyAndPrunedByRetention()
    {
        RemediationConfig c = rem->config();
        c.dryRun = true;
        rem->setConfig(c);
        decideOne();
        auto &db = fx->store.db();
        QVERIFY(!db.exec(QStringLiteral("UPDATE remediation_audit SET result = 'success'")));
        QVERIFY(!db.exec(QStringLiteral("DELETE FROM remediation_audit")));
        QVERIFY(!db.exec(QStringLiteral("DELETE FROM remediation_audit_policy")));
        QCOMPARE(rem->store().audit().size(), 1);
        // A record older than seven years goes with the next prune; a recent one stays.
        const qint64 old = QDateTime::currentMSecsSinceEpoch() - qint64(2600) * testing::kDay;
        QVERIFY(db.exec(QStringLiteral("INSERT INTO remediation_audit(recorded_at, incident, "
                                       "number, workflow, workflow_version, rule, "
                                       "action_type, target, result, correlation_id, sitrep_event) "
                                       "VALUES(%1, 'i', 'INC0', 'pipeline', '1', "
                                       "'r', 'rds_reboot', 't', 'success', 'c', 'e')")
                            .arg(old)));
        QCOMPARE(*rem->store().pruneAudit(), 1);
        QCOMPARE(rem->store().audit().size(), 1);
        QCOMPARE(rem->store().retentionDays(), 2557);
        QVERIFY(!rem->store().setRetentionDays(0));
        QVERIFY(RemediationConfig::set(
            fx->store, QStringLiteral("remediation.audit_retention_days"), QStringLiteral("30")));
        QCOMPARE(rem->store().retentionDays(), 30);
    }

    void auditExport_csvAndJson()
    {
        RemediationConfig c = rem->config();
        c.dryRun = true;
        rem->setConfig(c);
        const RemediationRow r = decideOne();
        const auto records = rem->store().audit();
        const QByteArray csv = RemediationStore::exportAudit(records, QStringLiteral("csv"));
        // Records end in CRLF; the dry-run output inside a quoted field has a bare LF.
        const QList<QByteArray> lines = csv.trimmed().split('\r');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[1].contains("\"dry run"));
        QVERIFY(lines[0].startsWith("id,recorded_at,incident,incident_uid,workflow,workflow_"
                                    "version,rule,action_type,target,result"));
        QVERIFY(lines[1].contains(r.number.toUtf8()));
        QVERIFY(lines[1].contains(",skipped,dry_run,"));
        const QJsonArray json =
            QJsonDocument::fromJson(RemediationStore::exportAudit(records, QStringLiteral("json")))
                .array();
        QCOMPARE(json.size(), 1);
        QCOMPARE(json[0].toObject()[u"workflow"].toString(), QStringLiteral("pipeline"));
        QCOMPARE(json[0].toObject()[u"action_type"].toString(), QStringLiteral("rds_reboot"));
        QCOMPARE(json[0].toObject()[u"target"].toString(), QStringLiteral("orders-db-primary"));
    }

    void settings_validateBeforeStoring()
    {
        QVERIFY(!RemediationConfig::set(
            fx->store, QStringLiteral("remediation.confidence_threshold"), QStringLiteral("1.5")));
        QVERIFY(!RemediationConfig::set(fx->store, QStringLiteral("remediation.queue.p1"),
                                        QStringLiteral("not-fifo")));
        QVERIFY(!RemediationConfig::set(fx->store, QStringLiteral("remediation.nope"),
                                        QStringLiteral("1")));
        QVERIFY(RemediationConfig::set(fx->store, QStringLiteral("remediation.queue.p1"),
                                       QStringLiteral("ops-p1.fifo")));
        QVERIFY(RemediationConfig::set(fx->store, QStringLiteral("remediation.dry_run"),
                                       QStringLiteral("on")));
        const RemediationConfig c = RemediationConfig::load(fx->store);
        QCOMPARE(c.p1Queue, QStringLiteral("ops-p1.fifo"));
        QVERIFY(c.dryRun);
        QCOMPARE(c.standardQueue, QStringLiteral("sitrep-remediation-standard.fifo"));
    }

    void maintenanceAndChanges_validateInput()
    {
        auto &rs = rem->store();
        const qint64 now = fx->clock.nowMs();
        QVERIFY(!rs.addMaintenance(QString(), now, now + 1, {}, QStringLiteral("a"), now));
        QVERIFY(!rs.addMaintenance(QStringLiteral("x"), now, now, {}, QStringLiteral("a"), now));
        QVERIFY(!rs.addChange(QStringLiteral("x"), now, QString(), {}, QStringLiteral("a"), now));
        auto id = rs.addChange(QStringLiteral("x"), now, QStringLiteral("deploy"), {},
                               QStringLiteral("a"), now);
        QVERIFY(id);
        QCOMPARE(rs.changes().size(), 1);
        QVERIFY(rs.removeChange(*id));
        QVERIFY(!rs.removeChange(*id));
        QVERIFY(!rs.removeMaintenance(999));
    }
};

QTEST_GUILESS_MAIN(TestRemediationSafety)
#include "tst_remediation_safety.moc"
