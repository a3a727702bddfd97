// SPDX-License-Identifier: MIT
// The war-room window runs the SQS alert consumer and the notifier when AWS and
// notification settings are present: alerts from a queue on the fauxqs emulator become
// incidents, their notifications reach a local webhook receiver, the status bar says so,
// the event loop stays responsive during the long poll, and closing the window stops both.
#include "aws/sqsclient.h"
#include "fixtures/network.h"
#include "host/appcontext.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "host/servicehost.h"
#include "integration/fauxqsfixture.h"
#include "integration/httpreceiver.h"
#include "secrets/secretstore.h"
#include "ui/mainwindow.h"
#include "ui/settings/syncui.h"
#include "unit/asynctestutil.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QStatusBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::aws;
using namespace sitrep::host;
using sitrep::testing::await;

class TestAwsWindow : public QObject {
    Q_OBJECT

    /// Saves an AWS configuration whose alert queue is `queue` on 127.0.0.1:`port`.
    static bool saveAlertQueueAt(AwsSettings &settings, quint16 port, const QString &queue)
    {
        AwsConfig c;
        c.alertQueue = QStringLiteral("http://127.0.0.1:%1/000000000000/%2").arg(port).arg(queue);
        return settings.save(c).ok();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (const QString why = m_fauxqs.start(); !why.isEmpty())
            QSKIP(qPrintable(why));
        m_sqs = std::make_unique<SqsClient>(
            m_nam, m_fauxqs.endpoint(),
            std::make_shared<StaticCredentialsProvider>(
                AwsCredentials{QStringLiteral("AKIDTEST"), QStringLiteral("secret"), {}}));
    }

    void cleanupTestCase()
    {
        m_sqs.reset();
        m_fauxqs.stop();
    }

    void configured_windowConsumesAlertsNotifiesAndStopsOnClose()
    {
        QTemporaryDir dir;
        auto ctx =
            host::AppContext::open(dir.filePath(QStringLiteral("w.db")), QStringLiteral("sre"));
        QVERIFY2(ctx, qPrintable(ctx.errorMessage()));
        auto queue = await<QString>(
            [&](auto cb) { m_sqs->createQueue(QStringLiteral("window-alerts"), {}, cb); });
        QVERIFY2(queue, qPrintable(queue.errorMessage()));
        testing::HttpReceiver hooks;
        QVERIFY(hooks.listen());
        hooks.setHandler([](const testing::HttpRequest &) {
            return testing::HttpAnswer{202, "{}"};
        });

        // Settings as the dialog saves them; the keys only in the (test) secret store.
        secrets::MemorySecretStore secrets;
        AwsSettings settings((*ctx)->store(), secrets);
        AwsConfig c;
        c.endpoint = m_fauxqs.url().toString();
        c.region = QStringLiteral("us-east-1");
        c.alertQueue = *queue;
        QStringList lines;
        for (const char *ch : {"page_oncall", "slack_ops", "notify_leadership", "slack_critical",
                               "team_channel", "ticket"})
            lines << QStringLiteral("%1 webhook %2")
                         .arg(QLatin1String(ch),
                              hooks.url(QStringLiteral("/hooks/") + QLatin1String(ch)));
        c.channels = lines.join(u'\n');
        QVERIFY(settings.save(c));
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            settings.setAccessKey(QStringLiteral("AKIDWINDOWTEST0001"),
                                  QStringLiteral("window-secret"), {}, done);
        }));

        auto *serviceHost = new host::ServiceHost(**ctx, secrets, {});
        auto *w = new ui::MainWindow(**ctx, serviceHost);
        w->setPassive(true);
        ui::attachSync(*w, *serviceHost);
        serviceHost->start();
        w->show();
        QPointer<AwsServices> services = serviceHost->awsServices();
        QVERIFY(services);
        QTRY_VERIFY(services->consumerRunning());
        QVERIFY(services->notifierRunning());
        auto *label = w->statusBar()->findChild<QLabel *>(QStringLiteral("awsStatus"));
        QVERIFY(label);
        QVERIFY2(label->text().contains(QStringLiteral("listening")), qPrintable(label->text()));

        // The event loop keeps turning while the long poll (20 s) is out: paint is never held.
        qint64 worstGap = 0;
        QElapsedTimer sinceTick;
        sinceTick.start();
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this,
                [&] { worstGap = std::max(worstGap, sinceTick.restart()); });
        ticker.start(20);

        SqsSendEntry e;
        e.body = QString::fromUtf8(
            testing::genericAlert(QStringLiteral("window queue alert"), QStringLiteral("search"),
                                  QStringLiteral("high"), QStringLiteral("window-1")));
        e.attributes.insert(QStringLiteral("source"),
                            {QStringLiteral("String"), QStringLiteral("generic"), {}});
        QTest::qWait(300); // the consumer is inside its long poll now
        QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(*queue, e, cb); }));

        QTRY_COMPARE_WITH_TIMEOUT(services->alertsIngested(), 1, 15000);
        store::ListQuery q;
        q.search = QStringLiteral("window queue alert");
        const auto hits = (*ctx)->store().list(q);
        QCOMPARE(hits.size(), 1);
        // Its notification requests went out to the webhooks and are on the timeline.
        QTRY_VERIFY_WITH_TIMEOUT(services->notificationsDelivered() >= 1, 15000);
        QVERIFY(!hooks.requests().isEmpty());
        QTRY_VERIFY2(label->text().contains(QStringLiteral("1 ingested")),
                     qPrintable(label->text()));
        QVERIFY2(label->text().contains(QStringLiteral("sent")), qPrintable(label->text()));
        qInfo("longest event-loop gap while polling and delivering: %lld ms", worstGap);
        QVERIFY2(worstGap < 1000, qPrintable(QString::number(worstGap)));
        ticker.stop();

        // Closing the window stops both (the program ends: the window goes, then the host);
        // an alert sent afterwards stays in the queue.
        w->close();
        delete w;
        delete serviceHost;
        QVERIFY(!services);
        QTest::qWait(100);
        e.body.replace(QStringLiteral("window-1"), QStringLiteral("window-2"));
        QVERIFY(await<SqsSendResult>([&](auto cb) { m_sqs->sendMessage(*queue, e, cb); }));
        QTest::qWait(1000);
        // Still in the queue (a poll aborted at close may have it in flight), and not ingested.
        auto attrs = await<QMap<QString, QString>>([&](auto cb) {
            m_sqs->getQueueAttributes(*queue,
                                      {QStringLiteral("ApproximateNumberOfMessages"),
                                       QStringLiteral("ApproximateNumberOfMessagesNotVisible")},
                                      cb);
        });
        QVERIFY2(attrs, qPrintable(attrs.errorMessage()));
        QCOMPARE(attrs->value(QStringLiteral("ApproximateNumberOfMessages")).toInt() +
                     attrs->value(QStringLiteral("ApproximateNumberOfMessagesNotVisible")).toInt(),
                 1);
        store::Stmt *inbox =
            (*ctx)->store().db().prepare(QStringLiteral("SELECT count(*) FROM aws_inbox"));
        QVERIFY(inbox && inbox->step());
        QCOMPARE(store::RowReader(*inbox).int64(), qint64(1));
    }

    void notConfigured_nothingStarts()
    {
        QTemporaryDir dir;
        auto ctx =
            host::AppContext::open(dir.filePath(QStringLiteral("n.db")), QStringLiteral("sre"));
        QVERIFY(ctx);
        secrets::MemorySecretStore secrets;
        host::ServiceHost serviceHost(**ctx, secrets, {});
        ui::MainWindow w(**ctx, &serviceHost);
        w.setPassive(true);
        ui::attachSync(w, serviceHost);
        serviceHost.start();
        QTest::qWait(50);
        QVERIFY(!serviceHost.awsServices());
        QVERIFY(!serviceHost.findChild<AwsServices *>());
        QVERIFY(!w.statusBar()->findChild<QLabel *>(QStringLiteral("awsStatus")));
    }

    void unreachableEndpoint_statusSaysWhy()
    {
        QTemporaryDir dir;
        auto ctx =
            host::AppContext::open(dir.filePath(QStringLiteral("u.db")), QStringLiteral("sre"));
        QVERIFY(ctx);
        const quint16 port = testing::freePort(); // nobody listens there
        QVERIFY(port != 0);
        secrets::MemorySecretStore secrets;
        AwsSettings settings((*ctx)->store(), secrets);
        QVERIFY(saveAlertQueueAt(settings, port, QStringLiteral("nowhere")));
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            settings.setAccessKey(QStringLiteral("AKIDWINDOWTEST0002"), QStringLiteral("s"), {},
                                  done);
        }));
        host::ServiceHost serviceHost(**ctx, secrets, {});
        ui::MainWindow w(**ctx, &serviceHost);
        w.setPassive(true);
        ui::attachSync(w, serviceHost);
        serviceHost.start();
        auto *label = w.statusBar()->findChild<QLabel *>(QStringLiteral("awsStatus"));
        QVERIFY(label);
        QTRY_VERIFY2_WITH_TIMEOUT(label->text().startsWith(QStringLiteral("⚠")),
                                  qPrintable(label->text()), 10000);
        QVERIFY2(label->toolTip().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(label->toolTip()));
    }

    void withABackend_windowShowsSyncAndLeavesAwsJobsToAgents()
    {
        QTemporaryDir dir;
        auto ctx =
            host::AppContext::open(dir.filePath(QStringLiteral("b.db")), QStringLiteral("sre"));
        QVERIFY(ctx);
        const quint16 port = testing::freePort(); // the back end is down: sync says offline
        QVERIFY(port != 0);
        secrets::MemorySecretStore secrets;
        AwsSettings settings((*ctx)->store(), secrets);
        QVERIFY(saveAlertQueueAt(settings, port, QStringLiteral("q")));
        QVERIFY((*ctx)->store().setMeta(QStringLiteral("backend.url"),
                                        QStringLiteral("http://127.0.0.1:%1").arg(port)));
        secrets.write(secrets::BackendTokenSecret, QStringLiteral("t"), [](Status) {});
        host::ServiceHost serviceHost(**ctx, secrets, {});
        ui::MainWindow w(**ctx, &serviceHost);
        w.setPassive(true);
        ui::attachSync(w, serviceHost);
        serviceHost.start();
        QTRY_VERIFY(w.statusBar()->findChild<QLabel *>(QStringLiteral("syncStatus")));
        QVERIFY(serviceHost.syncService());
        // The SQS consumer is a singleton job: an agent of the team runs it, not the window.
        QVERIFY(serviceHost.wantedJobs().isEmpty());
        QVERIFY(!serviceHost.awsServices());
        QVERIFY(!w.statusBar()->findChild<QLabel *>(QStringLiteral("awsStatus")));
        // The label goes with the service it shows, and comes back with the next one.
        serviceHost.stop();
        QTRY_VERIFY(!w.statusBar()->findChild<QLabel *>(QStringLiteral("syncStatus")));
        serviceHost.start();
        QTRY_VERIFY(w.statusBar()->findChild<QLabel *>(QStringLiteral("syncStatus")));
    }

private:
    testing::FauxqsProcess m_fauxqs;
    QNetworkAccessManager m_nam;
    std::unique_ptr<SqsClient> m_sqs;
};

QTEST_MAIN(TestAwsWindow)
#include "tst_aws_window.moc"
