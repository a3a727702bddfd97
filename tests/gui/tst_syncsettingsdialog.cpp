// SPDX-License-Identifier: MIT
// The back-end settings dialog: "Test connection" says exactly what failed; the token goes
// to the secret store, never into the database.
#include "aws/sqsclient.h"
#include "host/awssettings.h"
#include "integration/fauxqsfixture.h"
#include "integration/httpreceiver.h"
#include "secrets/secretstore.h"
#include "store/store.h"
#include "sync/syncsettings.h"
#include "ui/settings/syncsettingsdialog.h"

#include <QNetworkAccessManager>
#include <QPlainTextEdit>

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;

class TestSyncSettingsDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void testConnection_namesTheFailure()
    {
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("s.db"))));
        secrets::MemorySecretStore secrets;
        sync::SyncSettings settings(st, secrets);
        ui::SyncSettingsDialog dlg(settings);
        auto *url = dlg.findChildren<QLineEdit *>().value(0);
        QVERIFY(url);

        url->setText(QStringLiteral("http://incidents.example.com"));
        dlg.testConnection();
        QTRY_VERIFY(dlg.resultText().contains(u"https"));

        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        url->setText(QStringLiteral("http://127.0.0.1:%1").arg(port));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(dlg.resultText().contains(u"connection refused"), 10000);
    }

    void save_putsTheTokenInTheSecretStoreOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.db"));
        secrets::MemorySecretStore secrets;
        {
            store::Store st;
            QVERIFY(st.open(path));
            sync::SyncSettings settings(st, secrets);
            ui::SyncSettingsDialog dlg(settings);
            const auto edits = dlg.findChildren<QLineEdit *>();
            edits.value(0)->setText(QStringLiteral("http://127.0.0.1:8443"));
            edits.value(1)->setText(QStringLiteral("dialog-secret-123"));
            dlg.save();
            QCOMPARE(dlg.result(), int(QDialog::Accepted));
            QCOMPARE(settings.url(), QStringLiteral("http://127.0.0.1:8443"));
            QCOMPARE(*secrets.peek(secrets::BackendTokenSecret),
                     QStringLiteral("dialog-secret-123"));
            st.close();
        }
        for (const QString &f : QDir(dir.path()).entryList(QDir::Files)) {
            QFile file(dir.filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains("dialog-secret-123"), qPrintable(f));
        }
    }

    void awsSection_savesSettingsAndKeysOnlyToTheSecretStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.db"));
        secrets::MemorySecretStore secrets;
        {
            store::Store st;
            QVERIFY(st.open(path));
            sync::SyncSettings settings(st, secrets);
            host::AwsSettings aws(st, secrets);
            ui::SyncSettingsDialog dlg(settings, &aws);
            edit(dlg, "awsEndpoint")
                ->setText(QStringLiteral("https://sqs.eu-west-1.amazonaws.com"));
            edit(dlg, "awsRegion")->setText(QStringLiteral("eu-west-1"));
            edit(dlg, "awsAccessKeyId")->setText(QStringLiteral("AKIADIALOGTEST0001"));
            edit(dlg, "awsSecretAccessKey")->setText(QStringLiteral("dialog-aws-secret-456"));
            edit(dlg, "awsAlertQueue")
                ->setText(
                    QStringLiteral("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts"));
            edit(dlg, "awsSlaTopic")->setText(QStringLiteral("ops-sla"));
            edit(dlg, "slackBaseUrl")->setText(QStringLiteral("https://slack.example.com/api/"));
            edit(dlg, "slackToken")->setText(QStringLiteral("xoxb-dialog-789"));
            dlg.findChild<QPlainTextEdit *>(QStringLiteral("notifyChannels"))
                ->setPlainText(QStringLiteral(
                    "team_channel webhook https://chat.example.com/hooks/team\nslack_critical "
                    "slack war_room"));
            dlg.save();
            QCOMPARE(dlg.result(), int(QDialog::Accepted));
            const auto c = aws.load();
            QCOMPARE(c.region, QStringLiteral("eu-west-1"));
            QCOMPARE(c.slaTopic, QStringLiteral("ops-sla"));
            QVERIFY(c.consumerConfigured() && c.notifierConfigured());
            QCOMPARE(*secrets.peek(secrets::AwsAccessKeyIdSecret),
                     QStringLiteral("AKIADIALOGTEST0001"));
            QCOMPARE(*secrets.peek(secrets::AwsSecretAccessKeySecret),
                     QStringLiteral("dialog-aws-secret-456"));
            QCOMPARE(*secrets.peek(QStringLiteral("slack_bot_token")),
                     QStringLiteral("xoxb-dialog-789"));
            auto nc = host::AwsSettings::notifyConfig(c);
            QVERIFY2(nc, qPrintable(nc.errorMessage()));
            QCOMPARE(nc->channels.size(), 2);
            QVERIFY(nc->channels[QStringLiteral("slack_critical")].warRoom);

            // Opened again: stored secrets are never shown back, only said to be stored.
            ui::SyncSettingsDialog again(settings, &aws);
            for (const char *name : {"awsAccessKeyId", "awsSecretAccessKey", "slackToken"}) {
                QVERIFY2(edit(again, name)->text().isEmpty(), name);
                QCOMPARE(edit(again, name)->echoMode(), QLineEdit::Password);
                QVERIFY(edit(again, name)->placeholderText().contains(QStringLiteral("stored")));
            }
            QCOMPARE(edit(again, "awsAlertQueue")->text(), c.alertQueue);
            st.close();
        }
        for (const QString &f : QDir(dir.path()).entryList(QDir::Files)) {
            QFile file(dir.filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray data = file.readAll();
            for (const char *secret :
                 {"AKIADIALOGTEST0001", "dialog-aws-secret-456", "xoxb-dialog-789"})
                QVERIFY2(!data.contains(secret), qPrintable(f));
        }
    }

    void awsSection_plainHttpOffLoopback_isRefusedAndNothingWritten()
    {
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("h.db"))));
        secrets::MemorySecretStore secrets;
        sync::SyncSettings settings(st, secrets);
        host::AwsSettings aws(st, secrets);
        ui::SyncSettingsDialog dlg(settings, &aws);
        edit(dlg, "awsAlertQueue")
            ->setText(QStringLiteral("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts"));
        edit(dlg, "awsEndpoint")->setText(QStringLiteral("http://sqs.internal.example.com"));
        edit(dlg, "awsAccessKeyId")->setText(QStringLiteral("AKIADIALOGTEST0002"));
        edit(dlg, "awsSecretAccessKey")->setText(QStringLiteral("s"));
        dlg.save();
        QVERIFY(dlg.result() != int(QDialog::Accepted));
        QVERIFY2(dlg.resultText().contains(QStringLiteral("https")), qPrintable(dlg.resultText()));
        QVERIFY(aws.load().alertQueue.isEmpty());
        QVERIFY(!secrets.peek(secrets::AwsAccessKeyIdSecret));
        // The same for a webhook channel.
        edit(dlg, "awsEndpoint")->clear();
        dlg.findChild<QPlainTextEdit *>(QStringLiteral("notifyChannels"))
            ->setPlainText(QStringLiteral("team webhook http://chat.example.com/x"));
        dlg.save();
        QVERIFY2(dlg.resultText().contains(QStringLiteral("https")), qPrintable(dlg.resultText()));
        QVERIFY(aws.load().alertQueue.isEmpty());
    }

    void awsTestConnection_againstFauxqs_namesTheMissingQueue()
    {
        testing::FauxqsProcess fauxqs;
        if (const QString why = fauxqs.start(); !why.isEmpty())
            QSKIP(qPrintable(why));
        QNetworkAccessManager nam;
        aws::SqsClient sqs(nam, fauxqs.endpoint(),
                           std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
                               QStringLiteral("AKIDTEST"), QStringLiteral("s"), {}}));
        auto queue = testing::await<QString>(
            [&](auto cb) { sqs.createQueue(QStringLiteral("dialog-alerts"), {}, cb); });
        QVERIFY(queue);
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("f.db"))));
        secrets::MemorySecretStore secrets;
        sync::SyncSettings settings(st, secrets);
        host::AwsSettings aws(st, secrets);
        ui::SyncSettingsDialog dlg(settings, &aws);
        edit(dlg, "awsEndpoint")->setText(fauxqs.url().toString());
        edit(dlg, "awsAccessKeyId")->setText(QStringLiteral("AKIADIALOGTEST0003"));
        edit(dlg, "awsSecretAccessKey")->setText(QStringLiteral("s"));
        edit(dlg, "awsAlertQueue")->setText(*queue);
        edit(dlg, "awsSlaTopic")->setText(QStringLiteral("dialog-sla"));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 20000);
        QVERIFY2(
            dlg.resultText().contains(QStringLiteral("✔ SQS alert queue: dialog-alerts reachable")),
            qPrintable(dlg.resultText()));
        QVERIFY2(dlg.resultText().contains(QStringLiteral("✔ SNS:")), qPrintable(dlg.resultText()));

        edit(dlg, "awsAlertQueue")
            ->setText(QString(*queue).replace(QStringLiteral("dialog-alerts"),
                                              QStringLiteral("no-such-queue")));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 20000);
        QVERIFY2(dlg.resultText().contains(QStringLiteral(
                     "✘ SQS alert queue: AWS error AWS.SimpleQueueService.NonExistentQueue")),
                 qPrintable(dlg.resultText()));
    }

    void awsTestConnection_namesAwsErrorCodeSlackErrorAndRefusedPort()
    {
        // A stand-in that answers like AWS to a key it does not know, and like Slack to a bad
        // token.
        testing::HttpReceiver peer;
        QVERIFY(peer.listen());
        peer.setHandler([](const testing::HttpRequest &r) -> testing::HttpAnswer {
            if (r.path == "/api/auth.test")
                return {200, R"({"ok":false,"error":"invalid_auth"})"};
            return {403,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                    "<Message>The security token included in the request is "
                    "invalid.</Message></Error></ErrorResponse>",
                    "text/xml"};
        });
        quint16 closed = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            closed = probe.serverPort();
        }
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("e.db"))));
        secrets::MemorySecretStore secrets;
        sync::SyncSettings settings(st, secrets);
        host::AwsSettings aws(st, secrets);
        ui::SyncSettingsDialog dlg(settings, &aws);
        edit(dlg, "awsEndpoint")->setText(peer.url(QStringLiteral("/")));
        edit(dlg, "awsAccessKeyId")->setText(QStringLiteral("AKIADIALOGTEST0004"));
        edit(dlg, "awsSecretAccessKey")->setText(QStringLiteral("s"));
        edit(dlg, "awsSlaTopic")->setText(QStringLiteral("ops-sla"));
        edit(dlg, "slackBaseUrl")->setText(peer.url(QStringLiteral("/api/")));
        edit(dlg, "slackToken")->setText(QStringLiteral("xoxb-wrong"));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 20000);
        QVERIFY2(dlg.resultText().contains(QStringLiteral("✘ SNS: AWS error InvalidClientTokenId")),
                 qPrintable(dlg.resultText()));
        QVERIFY2(dlg.resultText().contains(QStringLiteral("✘ Slack: Slack error invalid_auth")),
                 qPrintable(dlg.resultText()));
        QVERIFY(!dlg.resultText().contains(QStringLiteral("xoxb-wrong")));

        edit(dlg, "awsEndpoint")->setText(QStringLiteral("http://127.0.0.1:%1/").arg(closed));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 20000);
        QVERIFY2(dlg.resultText().contains(QStringLiteral("connection refused")),
                 qPrintable(dlg.resultText()));

        // Something that speaks plain HTTP where TLS is expected.
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        connect(&plain, &QTcpServer::newConnection, &plain, [&plain] {
            while (QTcpSocket *s = plain.nextPendingConnection()) {
                s->write(
                    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                s->disconnectFromHost();
            }
        });
        edit(dlg, "awsEndpoint")
            ->setText(QStringLiteral("https://127.0.0.1:%1/").arg(plain.serverPort()));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 20000);
        QVERIFY2(dlg.resultText().contains(QStringLiteral("✘ SNS: TLS failed with 127.0.0.1:")),
                 qPrintable(dlg.resultText()));

        // A name that cannot resolve (.invalid is reserved for that).
        edit(dlg, "awsEndpoint")->setText(QStringLiteral("https://sitrep-test.invalid/"));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 40000);
        QVERIFY2(dlg.resultText().contains(
                     QStringLiteral("✘ SNS: the name 'sitrep-test.invalid' was not found (DNS)")),
                 qPrintable(dlg.resultText()));

        edit(dlg, "awsEndpoint")->setText(QStringLiteral("http://sqs.example.com/"));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dlg.testing(), 20000);
        QVERIFY2(dlg.resultText().contains(QStringLiteral("must use https")),
                 qPrintable(dlg.resultText()));
    }

private:
    static QLineEdit *edit(QDialog &dlg, const char *name)
    {
        auto *e = dlg.findChild<QLineEdit *>(QLatin1String(name));
        if (!e)
            qFatal("no field %s", name);
        return e;
    }
};

QTEST_MAIN(TestSyncSettingsDialog)
#include "tst_syncsettingsdialog.moc"
