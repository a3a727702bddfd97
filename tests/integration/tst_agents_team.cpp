// SPDX-License-Identifier: MIT
// Two agents keep a team running when one machine dies. Everything is real: the team back
// end (sitrep-server x2 on a throwaway PostgreSQL 15, HAProxy in front), two `sitrep agent`
// processes (each its own database, role `agent`, leases of 3 s) behind a second HAProxy,
// Debian's Prometheus Alertmanager delivering a storm of 10,000 alerts over 20 groups to
// them, and a webhook receiver for the notifications. Midway the agent holding the SLA
// lease is killed with SIGKILL. Afterwards, in the back end's event log: every alert is
// there (an agent answers 2xx only once the back end has the alerts, and Alertmanager
// sends again what was not answered 2xx), each group opened exactly one incident, each
// SLA breach is recorded once, and each notification had one effect per deduplication id.
// Bounded to two minutes.

#include "fixtures/network.h"
#include "fixtures/support.h"
#include "fixtures/teamserver/teamserver.h"
#include "integration/alertmanager.h"
#include "integration/httpreceiver.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace sitrep;

namespace {

constexpr int Groups = 20;
constexpr int AlertsPerGroup = 500; // 10,000 in all
const QByteArray IngestToken = "storm-ingest-token";

} // namespace

class TestAgentsTeam : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    testing::TeamBackEnd m_backend;
    testing::HttpReceiver m_hooks;
    QNetworkAccessManager m_nam;
    QProcess m_am;
    quint16 m_amPort = 0;

    struct Agent {
        QString name;
        QString db;
        quint16 port = 0;
        std::unique_ptr<QProcess> proc;
        QByteArray log;
    };
    Agent m_agents[2];
    testing::Haproxy m_front; // in front of the agents' listeners

    QString path(const QString &name) const { return m_dir.filePath(name); }

    static bool write(const QString &file, const QByteArray &text)
    {
        QFile f(file);
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
    }

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HOME"), m_dir.path());
        e.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("config")));
        for (const char *v : {"SITREP_NOW", "SITREP_USER", "SITREP_INGEST_TOKEN",
                              "SITREP_INGEST_LISTEN", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"})
            e.remove(QString::fromLatin1(v));
        e.insert(
            QStringLiteral("QT_LOGGING_RULES"),
            QStringLiteral("sitrep.*.debug=false\nsitrep.sync.info=true\nsitrep.ingest.info=true"));
        return e;
    }

    bool sitrep(const QStringList &args, QByteArray *out = nullptr)
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(SITREP_BINARY), args);
        const bool ok =
            p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        const QByteArray text = p.readAll();
        if (!ok)
            qWarning() << args << text;
        if (out)
            *out = text;
        return ok;
    }

    /// The pipeline workflow with a one-minute response deadline for P1 and one webhook
    /// channel for its notifications.
    QByteArray workflow() const
    {
        QFile f(QStringLiteral(SITREP_SOURCE_DIR "/resources/workflows/pipeline.yaml"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QString text = QString::fromUtf8(f.readAll());
        const qsizetype p1 = text.indexOf(QStringLiteral("  P1:\n"));
        const qsizetype p2 = text.indexOf(QStringLiteral("  P2:\n"), p1);
        if (p1 < 0 || p2 < 0)
            return {};
        text.replace(p1, p2 - p1,
                     QStringLiteral("  P1:\n"
                                    "    status_update_minutes: 15\n"
                                    "    response_minutes: 1\n"
                                    "    resolution_minutes: 240\n"
                                    "    auto_remediation: false\n"
                                    "    approval_required: true\n"
                                    "    notification_channels: [team_hook]\n"));
        return text.toUtf8();
    }

    bool startAgent(Agent &a, const QString &serverToken)
    {
        a.proc = std::make_unique<QProcess>();
        a.proc->setProcessEnvironment(env());
        a.proc->setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(a.proc.get(), &QProcess::readyRead, a.proc.get(),
                         [&a] { a.log += a.proc->readAll(); });
        const QString tokenFile = path(a.name + QStringLiteral("-server-token"));
        if (!write(tokenFile, serverToken.toUtf8() + '\n'))
            return false;
        a.proc->start(QStringLiteral(SITREP_BINARY),
                      {QStringLiteral("agent"), QStringLiteral("--db"), a.db,
                       QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(a.port),
                       QStringLiteral("--token-file"), path(QStringLiteral("ingest-token")),
                       QStringLiteral("--server"), m_backend.url().toString(),
                       QStringLiteral("--server-token-file"), tokenFile,
                       QStringLiteral("--sla-interval"), QStringLiteral("1000"),
                       QStringLiteral("--lease-ttl"), QStringLiteral("3000")});
        if (!a.proc->waitForStarted(10000))
            return false;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000 && a.proc->state() == QProcess::Running) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, a.port);
            if (s.waitForConnected(200))
                return true;
            QTest::qWait(100);
        }
        qWarning("%s did not start listening: %s", qPrintable(a.name), a.log.constData());
        return false;
    }

    bool startAlertmanager()
    {
        const QString binary =
            QStandardPaths::findExecutable(QStringLiteral("prometheus-alertmanager"));
        if (binary.isEmpty())
            return false;
        m_amPort = testing::freePort();
        const QString cfg = path(QStringLiteral("am.yml"));
        if (!write(cfg, testing::alertmanagerConfig(QStringLiteral("alertname"),
                                                    m_front.url().toString() +
                                                        QStringLiteral("/hooks/alertmanager"),
                                                    IngestToken, false)))
            return false;
        const QString error = testing::startAlertmanager(
            m_am, binary, cfg, m_amPort, path(QStringLiteral("am-data")), m_nam, 2000);
        if (!error.isEmpty())
            qWarning("Alertmanager did not start: %s", qPrintable(error));
        return error.isEmpty();
    }

    /// Alerts `first`..`last` (exclusive) of the storm, each in group i % Groups. They started
    /// 50 s ago: the incidents' one-minute response deadlines pass early in the run.
    bool postAlerts(int first, int last)
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QJsonArray alerts;
        for (int i = first; i < last; ++i)
            alerts << QJsonObject{
                {QStringLiteral("labels"),
                 QJsonObject{{QStringLiteral("alertname"),
                              QStringLiteral("Storm%1").arg(i % Groups, 2, 10, QChar(u'0'))},
                             {QStringLiteral("service"), QStringLiteral("checkout")},
                             {QStringLiteral("instance"), QStringLiteral("host-%1:9100").arg(i)},
                             {QStringLiteral("severity"), QStringLiteral("critical")}}},
                {QStringLiteral("annotations"),
                 QJsonObject{{QStringLiteral("summary"), QStringLiteral("storm")}}},
                {QStringLiteral("startsAt"), now.addSecs(-50).toString(Qt::ISODateWithMs)}};
        QNetworkRequest req(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/v2/alerts").arg(m_amPort)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return testing::replyStatus(
                   m_nam.post(req, QJsonDocument(alerts).toJson(QJsonDocument::Compact)), 20000) ==
               200;
    }

    qint64 serverCount(const QString &sql) { return m_backend.pg.sql(sql).toLongLong(); }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("prometheus-alertmanager")).isEmpty())
            QSKIP("prometheus-alertmanager is not installed (packaging/install-deps installs it)");
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_backend.start(2), qPrintable(m_backend.pg.error()));
        QVERIFY(m_hooks.listen());
        QVERIFY(write(path(QStringLiteral("ingest-token")), IngestToken + '\n'));
        QVERIFY(write(path(QStringLiteral("workflow.yaml")), workflow()));
        QVERIFY(write(path(QStringLiteral("notify.yaml")),
                      QStringLiteral("sla_topic: \"\"\nstatus_topic: \"\"\n"
                                     "delivery:\n  max_attempts: 20\n  retry_base_ms: 200\n"
                                     "  retry_max_ms: 2000\n"
                                     "channels:\n  team_hook: {type: webhook, url: \"%1\"}\n")
                          .arg(m_hooks.url(QStringLiteral("/hook")))
                          .toUtf8()));
        const QString tokens[2] = {
            m_backend.addUser(QStringLiteral("agent-a"), QStringLiteral("agent")),
            m_backend.addUser(QStringLiteral("agent-b"), QStringLiteral("agent"))};
        QVERIFY(!tokens[0].isEmpty() && !tokens[1].isEmpty());
        for (int i = 0; i < 2; ++i) {
            Agent &a = m_agents[i];
            a.name = i == 0 ? QStringLiteral("agent-a") : QStringLiteral("agent-b");
            a.db = path(a.name + QStringLiteral(".db"));
            a.port = testing::freePort();
            QVERIFY(sitrep({QStringLiteral("workflow"), QStringLiteral("set"),
                            path(QStringLiteral("workflow.yaml")), QStringLiteral("--db"), a.db}));
            QVERIFY(sitrep({QStringLiteral("config"), QStringLiteral("set"),
                            QStringLiteral("notify.config"), path(QStringLiteral("notify.yaml")),
                            QStringLiteral("--db"), a.db}));
            QVERIFY(startAgent(a, tokens[i]));
        }
        QVERIFY(m_front.start({m_agents[0].port, m_agents[1].port}));
        QVERIFY2(startAlertmanager(), m_am.readAll().constData());
    }

    void cleanup()
    {
        if (!QTest::currentTestFailed())
            return;
        for (Agent &a : m_agents) {
            if (a.proc)
                a.log += a.proc->readAll();
            qWarning("--- %s (last lines) ---\n%s", qPrintable(a.name),
                     a.log.right(4000).constData());
        }
        qWarning("--- alertmanager ---\n%s", m_am.readAll().right(2000).constData());
        qWarning("--- the back end's log by kind ---\n%s",
                 m_backend.pg
                     .sql(QStringLiteral(
                         "SELECT kind, sent_by, count(*) FROM events GROUP BY kind, sent_by"))
                     .constData());
        for (Agent &a : m_agents) {
            QByteArray out;
            sitrep({QStringLiteral("sync"), QStringLiteral("status"), QStringLiteral("--db"), a.db},
                   &out);
            qWarning("--- %s sync status ---\n%s", qPrintable(a.name), out.right(2000).constData());
        }
    }

    void cleanupTestCase()
    {
        testing::stopProcess(m_am, 5000, 2000);
        for (Agent &a : m_agents)
            if (a.proc && a.proc->state() != QProcess::NotRunning) {
                a.proc->terminate();
                if (!a.proc->waitForFinished(10000))
                    a.proc->kill();
            }
    }

    void storm_killTheLeaseHolder_everythingOnce()
    {
        QElapsedTimer clock;
        clock.start();
        // The first half of the storm.
        for (int first = 0; first < Groups * AlertsPerGroup / 2; first += 1000)
            QVERIFY(postAlerts(first, first + 1000));
        QTRY_VERIFY_WITH_TIMEOUT(
            serverCount(QStringLiteral("SELECT count(*) FROM events WHERE kind='alert.linked'")) >
                1000,
            30000);

        // Who holds the SLA tick: its holder id names the process.
        QString holder;
        QTRY_VERIFY_WITH_TIMEOUT(!(holder = QString::fromUtf8(m_backend.pg.sql(QStringLiteral(
                                       "SELECT holder FROM leases WHERE name='sla-tick' AND "
                                       "expires_at > now()"))))
                                      .isEmpty(),
                                 10000);
        const qint64 pid = holder.section(u':', 1, 1).toLongLong();
        int victim = -1;
        for (int i = 0; i < 2; ++i)
            if (m_agents[i].proc->processId() == pid)
                victim = i;
        QVERIFY2(victim >= 0, qPrintable(holder));
        m_agents[victim].proc->kill(); // SIGKILL: no lease released, nothing flushed
        QVERIFY(m_agents[victim].proc->waitForFinished(5000));
        const int survivor = 1 - victim;

        // The second half, while the survivor takes over.
        for (int first = Groups * AlertsPerGroup / 2; first < Groups * AlertsPerGroup;
             first += 1000)
            QVERIFY(postAlerts(first, first + 1000));

        // Every alert, once, in the back end's log; one incident per group.
        const QString alertsLinked =
            QStringLiteral("SELECT count(DISTINCT (body::jsonb)->'payload'->>'alert') FROM events "
                           "WHERE kind='alert.linked'");
        QTRY_COMPARE_WITH_TIMEOUT(serverCount(alertsLinked), qint64(Groups * AlertsPerGroup),
                                  60000);
        QCOMPARE(serverCount(QStringLiteral(
                     "SELECT count(DISTINCT incident) FROM events WHERE kind='incident.opened'")),
                 qint64(Groups));
        QCOMPARE(serverCount(QStringLiteral("SELECT count(DISTINCT incident) FROM events WHERE "
                                            "kind='alert.linked'")),
                 qint64(Groups));

        // The survivor holds the SLA tick now, and each P1 breaches its one-minute response
        // deadline: recorded once per incident.
        QTRY_VERIFY_WITH_TIMEOUT(
            QString::fromUtf8(
                m_backend.pg.sql(QStringLiteral("SELECT holder FROM leases WHERE name='sla-tick'")))
                    .section(u':', 1, 1)
                    .toLongLong() == m_agents[survivor].proc->processId(),
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            serverCount(QStringLiteral("SELECT count(*) FROM events WHERE kind='sla.breached'")),
            qint64(Groups), 100000 - clock.elapsed());
        QCOMPARE(serverCount(QStringLiteral(
                     "SELECT count(DISTINCT (incident, (body::jsonb)->'payload'->>'sla')) FROM "
                     "events WHERE kind='sla.breached'")),
                 qint64(Groups));

        // Notifications: one effect per deduplication id, one id per requested notification.
        QTRY_VERIFY_WITH_TIMEOUT(m_hooks.requestsTo("/hook").size() >= Groups, 20000);
        QTest::qWait(1000);
        QSet<QByteArray> keys;
        for (const auto &r : m_hooks.requestsTo("/hook")) {
            const QByteArray key = r.headers.value("idempotency-key");
            QVERIFY(!key.isEmpty());
            keys.insert(key);
        }
        const qint64 requested = serverCount(
            QStringLiteral("SELECT count(*) FROM events WHERE kind='notification.requested'"));
        QCOMPARE(qint64(keys.size()), requested);
        QVERIFY2(clock.elapsed() < 120000, qPrintable(QString::number(clock.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestAgentsTeam)
#include "tst_agents_team.moc"
