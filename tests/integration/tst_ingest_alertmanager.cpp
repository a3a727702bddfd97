// SPDX-License-Identifier: MIT
// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1 delivers its
// webhooks to a Sitrep listener started here: firing alerts of two groups become two
// incidents with all their alerts; resolving them in Alertmanager resolves the incidents
// through the workflow's all_alerts_resolved policy.
#include "engine/lifecycleengine.h"
#include "fixtures/network.h"
#include "fixtures/support.h"
#include "host/workflowactions.h"
#include "ingest/correlator.h"
#include "ingest/ingestpipeline.h"
#include "ingest/ingestserver.h"
#include "integration/alertmanager.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sitrep;
using namespace sitrep::ingest;

namespace {

const QByteArray Token = "am-integration-token";

} // namespace

class TestIngestAlertmanager : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_binary;
    QProcess m_am;
    quint16 m_amPort = 0;
    QNetworkAccessManager m_net;
    store::Store m_store;
    engine::SystemClock m_clock;
    std::unique_ptr<engine::LifecycleEngine> m_engine;
    std::unique_ptr<IngestPipeline> m_pipeline;
    std::unique_ptr<IngestServer> m_server;

    static int httpStatus(QNetworkReply *reply) { return testing::replyStatus(reply, 5000); }

    bool postAlerts(const QJsonArray &alerts)
    {
        QNetworkRequest req(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/v2/alerts").arg(m_amPort)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return httpStatus(m_net.post(req, QJsonDocument(alerts).toJson(QJsonDocument::Compact))) ==
               200;
    }

    QJsonArray alerts(const QString &alertname, const QString &service, int hosts,
                      const QString &severity, bool resolved)
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QJsonArray out;
        for (int i = 0; i < hosts; ++i) {
            QJsonObject a{{QStringLiteral("labels"),
                           QJsonObject{{QStringLiteral("alertname"), alertname},
                                       {QStringLiteral("service"), service},
                                       {QStringLiteral("instance"),
                                        QStringLiteral("%1-%2:9100").arg(service).arg(i)},
                                       {QStringLiteral("severity"), severity}}},
                          {QStringLiteral("annotations"),
                           QJsonObject{{QStringLiteral("summary"),
                                        QStringLiteral("%1 on %2").arg(alertname, service)}}},
                          {QStringLiteral("generatorURL"),
                           QStringLiteral("http://prometheus.example/graph")}};
            a[u"startsAt"] = now.addSecs(-60).toString(Qt::ISODateWithMs);
            if (resolved)
                a[u"endsAt"] = now.addSecs(-1).toString(Qt::ISODateWithMs);
            out << a;
        }
        return out;
    }

    QList<domain::Incident> incidents()
    {
        store::ListQuery q;
        q.limit = 100;
        q.sort = store::SortKey::Number;
        q.descending = false;
        return m_store.list(q);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_binary = QStandardPaths::findExecutable(QStringLiteral("prometheus-alertmanager"));
        if (m_binary.isEmpty())
            QSKIP("prometheus-alertmanager is not installed (Debian package "
                  "prometheus-alertmanager; packaging/install-deps installs it)");
        QVERIFY(m_dir.isValid());
        // The listener: the pipeline workflow resolves automatically when all alerts resolve.
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("sitrep.db"))).ok());
        m_engine = std::make_unique<engine::LifecycleEngine>(
            m_store, *workflow::Workflow::load(QStringLiteral("pipeline")),
            *workflow::OnCallSchedule::load({}), m_clock);
        host::registerWorkflowActions(*m_engine);
        m_pipeline = std::make_unique<IngestPipeline>(*m_engine);
        IngestServerOptions opt;
        opt.token = Token;
        m_server = std::make_unique<IngestServer>(*m_pipeline, opt);
        QVERIFY(m_server->listen().ok());

        m_amPort = testing::freePort();
        const QString cfg = m_dir.filePath(QStringLiteral("am.yml"));
        QVERIFY(testing::writeFile(
            cfg, testing::alertmanagerConfig(
                     QStringLiteral("alertname, service"),
                     QStringLiteral("http://127.0.0.1:%1/hooks/alertmanager").arg(m_server->port()),
                     Token, true)));
        const QString error = testing::startAlertmanager(
            m_am, m_binary, cfg, m_amPort, m_dir.filePath(QStringLiteral("am-data")), m_net, 5000);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanupTestCase()
    {
        testing::stopProcess(m_am, 5000, 2000);
        m_server.reset();
    }

    void firingAlerts_groupIntoIncidents()
    {
        QVERIFY(postAlerts(alerts(QStringLiteral("HighLatency"), QStringLiteral("checkout"), 40,
                                  QStringLiteral("critical"), false)));
        QVERIFY(postAlerts(alerts(QStringLiteral("DiskFull"), QStringLiteral("search"), 3,
                                  QStringLiteral("warning"), false)));
        // Alertmanager delivers one webhook per group after group_wait.
        QTRY_COMPARE_WITH_TIMEOUT(m_store.incidentCount(), 2, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(incidents().size() == 2 &&
                                     incidents()[0].alertCount + incidents()[1].alertCount == 43,
                                 20000);
        const auto incs = incidents();
        const auto &latency = incs[0].services.contains(u"checkout") ? incs[0] : incs[1];
        const auto &disk = incs[0].services.contains(u"checkout") ? incs[1] : incs[0];
        QCOMPARE(latency.alertCount, qint64(40));
        QCOMPARE(latency.severity, domain::Severity::Critical);
        QVERIFY(latency.title.contains(u"HighLatency"));
        QCOMPARE(disk.alertCount, qint64(3));
        QCOMPARE(disk.severity, domain::Severity::Medium);
        QCOMPARE(latency.state, QStringLiteral("DETECTED"));
    }

    void resolvedAlerts_resolveIncidents()
    {
        QVERIFY(postAlerts(alerts(QStringLiteral("HighLatency"), QStringLiteral("checkout"), 40,
                                  QStringLiteral("critical"), true)));
        QVERIFY(postAlerts(alerts(QStringLiteral("DiskFull"), QStringLiteral("search"), 3,
                                  QStringLiteral("warning"), true)));
        QTRY_VERIFY_WITH_TIMEOUT(incidents().size() == 2 && incidents()[0].state == u"RESOLVED" &&
                                     incidents()[1].state == u"RESOLVED",
                                 30000);
        for (const auto &inc : incidents()) {
            QCOMPARE(inc.resolutionNote, QStringLiteral("all alerts resolved"));
            int resolvedEvents = 0;
            QString actor;
            for (const auto &e : m_store.timeline(inc.uid)) {
                if (e.kind == u"alert.resolved")
                    ++resolvedEvents;
                if (e.kind == domain::kinds::Transitioned)
                    actor = e.actor;
            }
            QCOMPARE(qint64(resolvedEvents), inc.alertCount);
            QCOMPARE(actor, engine::SystemActor);
        }
        QCOMPARE(m_store.incidentCount(), 2); // nothing new opened on the way
        QVERIFY(m_store.verify().ok);
    }
};

QTEST_GUILESS_MAIN(TestIngestAlertmanager)
#include "tst_ingest_alertmanager.moc"
