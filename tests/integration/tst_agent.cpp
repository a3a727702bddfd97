// SPDX-License-Identifier: MIT
// `sitrep agent` as a process on a machine with no window: an incident passes its response
// deadline while the agent runs; the SLA tick records the breach once, the notifier
// publishes it to the SLA topic once (read back through an SQS queue subscribed to the
// topic on the fauxqs emulator), and SIGTERM stops the agent cleanly within seconds. The
// AWS keys come from systemd-style credential files; the options from a --config file.

#include "aws/snsclient.h"
#include "aws/sqsclient.h"
#include "domain/event.h"
#include "integration/fauxqsfixture.h"
#include "unit/clitestutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::aws;
using testing::await;

class TestAgent : public QObject {
    Q_OBJECT

    testing::FauxqsProcess m_fauxqs;
    QNetworkAccessManager m_nam;
    std::unique_ptr<SqsClient> m_sqs;
    std::unique_ptr<SnsClient> m_sns;
    QTemporaryDir m_dir;

    QProcessEnvironment env(const QString &now) const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("SITREP_NOW"), now);
        e.insert(QStringLiteral("SITREP_USER"), QStringLiteral("tester"));
        for (const char *v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                              "AWS_PROFILE", "SITREP_INGEST_TOKEN", "SITREP_INGEST_LISTEN"})
            e.remove(QString::fromLatin1(v));
        return e;
    }

    bool run(const QStringList &args, QByteArray *out = nullptr)
    {
        const testing::CliRun r =
            testing::runSitrepIn(env(QStringLiteral("2026-03-10T09:00:00Z")), args, 20000);
        if (r.code != 0)
            qWarning() << args << r.err;
        if (out)
            *out = r.out.toUtf8();
        return r.code == 0;
    }

    static void write(const QString &path, const QByteArray &text)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }

    QList<SqsMessage> receive(const QString &url)
    {
        SqsReceiveRequest req;
        req.queueUrl = url;
        req.waitSeconds = 1;
        req.maxMessages = 10;
        auto r = await<QList<SqsMessage>>([&](auto cb) { m_sqs->receiveMessage(req, cb); });
        return r ? *r : QList<SqsMessage>{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (const QString why = m_fauxqs.startWithClients(m_nam, m_sqs, m_sns); !why.isEmpty())
            QSKIP(qPrintable(why));
    }

    void agent_recordsAndPublishesABreachOnce_thenStopsOnSigterm()
    {
        // The SLA topic, read back through a queue subscribed to it.
        auto topic = await<QString>(
            [&](auto cb) { m_sns->createTopic(QStringLiteral("agent-sla"), {}, cb); });
        QVERIFY2(topic, qPrintable(topic.errorMessage()));
        auto queue = await<QString>(
            [&](auto cb) { m_sqs->createQueue(QStringLiteral("agent-sla-readback"), {}, cb); });
        QVERIFY2(queue, qPrintable(queue.errorMessage()));
        auto attrs = await<QMap<QString, QString>>(
            [&](auto cb) { m_sqs->getQueueAttributes(*queue, {QStringLiteral("QueueArn")}, cb); });
        QVERIFY(attrs);
        auto sub = await<QString>([&](auto cb) {
            m_sns->subscribe(*topic, QStringLiteral("sqs"),
                             attrs->value(QStringLiteral("QueueArn")),
                             {{QStringLiteral("RawMessageDelivery"), QStringLiteral("true")}}, cb);
        });
        QVERIFY2(sub, qPrintable(sub.errorMessage()));

        // A P1 opened at 09:00 (response due within minutes), the settings as the window
        // saves them, the keys only in credential files.
        const QString db = m_dir.filePath(QStringLiteral("agent.db"));
        QByteArray created;
        QVERIFY(run({QStringLiteral("create"), QStringLiteral("--db"), db,
                     QStringLiteral("--title"), QStringLiteral("Checkout down"),
                     QStringLiteral("--severity"), QStringLiteral("critical")},
                    &created));
        QVERIFY2(created.contains("INC0000001"), created.constData());
        const QList<QPair<QString, QString>> settings{
            {QStringLiteral("aws.endpoint"), m_fauxqs.url().toString()},
            {QStringLiteral("aws.region"), QStringLiteral("us-east-1")},
            {QStringLiteral("aws.sla_topic"), QStringLiteral("agent-sla")}};
        for (const auto &[key, value] : settings)
            QVERIFY(run({QStringLiteral("config"), QStringLiteral("set"), key, value,
                         QStringLiteral("--db"), db}));
        const QString creds = m_dir.filePath(QStringLiteral("credentials"));
        QVERIFY(QDir().mkpath(creds));
        write(creds + QStringLiteral("/aws-access-key-id"), "AKIDAGENTTEST0001\n");
        write(creds + QStringLiteral("/aws-secret-access-key"), "agent-secret\n");
        const QString config = m_dir.filePath(QStringLiteral("agent.json"));
        write(config, QJsonDocument(QJsonObject{{QStringLiteral("db"), db},
                                                {QStringLiteral("sla-interval"), 200},
                                                {QStringLiteral("lease-ttl"), 3000}})
                          .toJson());

        // Half an hour later the agent runs: the response deadline has passed.
        QProcess agent;
        QProcessEnvironment e = env(QStringLiteral("2026-03-10T09:30:00Z"));
        e.insert(QStringLiteral("CREDENTIALS_DIRECTORY"), creds);
        e.remove(QStringLiteral("QT_LOGGING_RULES"));
        agent.setProcessEnvironment(e);
        agent.start(QStringLiteral(SITREP_BINARY),
                    {QStringLiteral("agent"), QStringLiteral("--config"), config});
        QVERIFY(agent.waitForStarted(10000));

        QList<SqsMessage> published;
        QElapsedTimer t;
        t.start();
        while (published.isEmpty() && t.elapsed() < 30000 && agent.state() == QProcess::Running)
            published << receive(*queue);
        QByteArray out = agent.readAllStandardOutput();
        QByteArray err = agent.readAllStandardError();
        QVERIFY2(!published.isEmpty(), err.constData());
        // Many more SLA ticks: nothing is recorded or published a second time.
        QTest::qWait(1500);
        published << receive(*queue);
        QCOMPARE(published.size(), 1);
        const QJsonObject msg = QJsonDocument::fromJson(published[0].body.toUtf8()).object();
        QVERIFY2(published[0].body.contains(QStringLiteral("INC0000001")),
                 qPrintable(published[0].body));
        QVERIFY2(!msg.isEmpty(), qPrintable(published[0].body));

        // SIGTERM: services stopped, exit 0, within seconds.
        QElapsedTimer stopping;
        stopping.start();
        agent.terminate();
        QVERIFY(agent.waitForFinished(10000));
        const qint64 tookMs = stopping.elapsed();
        out += agent.readAllStandardOutput();
        err += agent.readAllStandardError();
        QCOMPARE(agent.exitStatus(), QProcess::NormalExit);
        QVERIFY2(agent.exitCode() == 0, err.constData());
        QVERIFY2(tookMs < 5000, qPrintable(QString::number(tookMs)));

        // The log: one line per started service, the breach once, then the stops.
        const QString log = QString::fromUtf8(err);
        for (const char *line :
             {"started sla-tick (every 200 ms)", "started escalations", "started reminders",
              "started postmortem-automation", "started triage", "started notifier",
              "stopped sla-tick", "stopped notifier"})
            QVERIFY2(log.contains(QLatin1String(line)), line);
        QCOMPARE(log.count(QStringLiteral("SLA: 1 breach(es) recorded")), 1);
        QCOMPARE(log.count(QStringLiteral("breach(es) recorded")), 1);
        QCOMPARE(QString::fromUtf8(out).count(QStringLiteral("sla: 1 breach(es) recorded")), 1);
        QVERIFY2(!log.contains(QStringLiteral("keychain"), Qt::CaseInsensitive), err.constData());

        // The event log holds the breach exactly once, and its delivery to the topic.
        QByteArray shown;
        QVERIFY(run({QStringLiteral("show"), QStringLiteral("INC0000001"), QStringLiteral("--json"),
                     QStringLiteral("--db"), db},
                    &shown));
        int breaches = 0, delivered = 0;
        for (const auto &v : QJsonDocument::fromJson(shown).object()[u"timeline"].toArray()) {
            const QJsonObject ev = v.toObject();
            breaches += ev[u"kind"].toString() == domain::kinds::SlaBreached ? 1 : 0;
            delivered += ev[u"kind"].toString().startsWith(u"notification.") &&
                                 ev[u"payload"].toObject()[u"channel"].toString() == u"sla_topic"
                             ? 1
                             : 0;
        }
        QCOMPARE(breaches, 1);
        QVERIFY2(delivered >= 1, shown.constData());
    }

    void agent_refusesAListenerWithoutAToken()
    {
        QProcessEnvironment e = env(QStringLiteral("2026-03-10T09:00:00Z"));
        e.insert(QStringLiteral("CREDENTIALS_DIRECTORY"), m_dir.filePath(QStringLiteral("none")));
        const testing::CliRun r = testing::runSitrepIn(
            e,
            {QStringLiteral("agent"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--db"), m_dir.filePath(QStringLiteral("refused.db"))},
            15000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"no token") && r.err.contains(u"ingest-token"), qPrintable(r.err));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("refused.db"))));
    }

    void cleanupTestCase()
    {
        m_sns.reset();
        m_sqs.reset();
        m_fauxqs.stop();
    }
};

QTEST_GUILESS_MAIN(TestAgent)
#include "tst_agent.moc"
