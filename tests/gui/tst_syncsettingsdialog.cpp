// SPDX-License-Identifier: MIT
// The back-end settings dialog: "Test connection" says exactly what failed; the token goes
// to the secret store, never into the database.
#include "aws/sqsclient.h"
#include "fixtures/network.h"
#include "fixtures/support.h"
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

#include <algorithm>
#include <initializer_list>
#include <utility>

using namespace sitrep;

namespace {

/// The dialog's field `name`; there must be one.
QLineEdit *edit(QDialog &dlg, const char *name)
{
    auto *e = dlg.findChild<QLineEdit *>(QLatin1String(name));
    if (!e)
        qFatal("no field %s", name);
    return e;
}

/// Types each text into the dialog's field of that name.
void fill(QDialog &dlg, std::initializer_list<std::pair<const char *, QString>> fields)
{
    for (const auto &[name, text] : fields)
        edit(dlg, name)->setText(text);
}

/// Whether the result of a connection test holds every one of `lines`.
bool saysAll(const QString &result, const QStringList &lines)
{
    return std::all_of(lines.cbegin(), lines.cend(),
                       [&](const QString &line) { return result.contains(line); });
}

/// The settings dialog with its AWS section, on a fresh store and an in-memory secret store.
struct AwsDialog {
    explicit AwsDialog(const QString &dbName) : opened(fx.open(dbName)) {}
    testing::SettingsStore fx;
    bool opened;
    sync::SyncSettings settings{fx.store, fx.secrets};
    host::AwsSettings aws{fx.store, fx.secrets};
    ui::SyncSettingsDialog dlg{settings, &aws};

    /// Types an AWS endpoint and an access key (with the secret "s") into the dialog.
    void enterAws(const QString &endpoint, const QString &accessKeyId)
    {
        fill(dlg, {{"awsEndpoint", endpoint},
                   {"awsAccessKeyId", accessKeyId},
                   {"awsSecretAccessKey", QStringLiteral("s")}});
    }

    /// Presses "Test connection" and waits for the checks to finish: what they say.
    QString test(int timeoutMs = 20000)
    {
        dlg.testConnection();
        if (!QTest::qWaitFor([this] { return !dlg.testing(); }, timeoutMs))
            return QStringLiteral("still testing after %1 ms").arg(timeoutMs);
        return dlg.resultText();
    }
};

} // namespace

class TestSyncSettingsDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void testConnection_namesTheFailure()
    {
        testing::SettingsStore fx;
        QVERIFY(fx.open());
        sync::SyncSettings settings(fx.store, fx.secrets);
        ui::SyncSettingsDialog dlg(settings);
        auto *url = dlg.findChildren<QLineEdit *>().value(0);
        QVERIFY(url);

        url->setText(QStringLiteral("http://incidents.example.com"));
        dlg.testConnection();
        QTRY_VERIFY(dlg.resultText().contains(u"https"));

        const quint16 port = testing::freePort(); // nobody listens there
        QVERIFY(port != 0);
        url->setText(QStringLiteral("http://127.0.0.1:%1").arg(port));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(dlg.resultText().contains(u"connection refused"), 10000);
    }

    void save_putsTheTokenInTheSecretStoreOnly()
    {
        testing::SettingsStore fx;
        {
            QVERIFY(fx.open());
            sync::SyncSettings settings(fx.store, fx.secrets);
            ui::SyncSettingsDialog dlg(settings);
            const auto edits = dlg.findChildren<QLineEdit *>();
            edits.value(0)->setText(QStringLiteral("http://127.0.0.1:8443"));
            edits.value(1)->setText(QStringLiteral("dialog-secret-123"));
            dlg.save();
            QCOMPARE(dlg.result(), int(QDialog::Accepted));
            QCOMPARE(settings.url(), QStringLiteral("http://127.0.0.1:8443"));
            QCOMPARE(*fx.secrets.peek(secrets::BackendTokenSecret),
                     QStringLiteral("dialog-secret-123"));
            fx.store.close();
        }
        const QStringList leaks = testing::filesHolding(fx.dir.path(), {"dialog-secret-123"});
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u' ')));
    }

    void awsSection_savesSettingsAndKeysOnlyToTheSecretStore()
    {
        testing::SettingsStore fx;
        {
            QVERIFY(fx.open(QStringLiteral("a.db")));
            sync::SyncSettings settings(fx.store, fx.secrets);
            host::AwsSettings aws(fx.store, fx.secrets);
            ui::SyncSettingsDialog dlg(settings, &aws);
            fill(dlg, {{"awsEndpoint", QStringLiteral("https://sqs.eu-west-1.amazonaws.com")},
                       {"awsRegion", QStringLiteral("eu-west-1")},
                       {"awsAccessKeyId", QStringLiteral("AKIADIALOGTEST0001")},
                       {"awsSecretAccessKey", QStringLiteral("dialog-aws-secret-456")},
                       {"awsAlertQueue",
                        QStringLiteral("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts")},
                       {"awsSlaTopic", QStringLiteral("ops-sla")},
                       {"slackBaseUrl", QStringLiteral("https://slack.example.com/api/")},
                       {"slackToken", QStringLiteral("xoxb-dialog-789")}});
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
            QCOMPARE(*fx.secrets.peek(secrets::AwsAccessKeyIdSecret),
                     QStringLiteral("AKIADIALOGTEST0001"));
            QCOMPARE(*fx.secrets.peek(secrets::AwsSecretAccessKeySecret),
                     QStringLiteral("dialog-aws-secret-456"));
            QCOMPARE(*fx.secrets.peek(QStringLiteral("slack_bot_token")),
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
            fx.store.close();
        }
        const QStringList leaks = testing::filesHolding(
            fx.dir.path(), {"AKIADIALOGTEST0001", "dialog-aws-secret-456", "xoxb-dialog-789"});
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u' ')));
    }

    void awsSection_plainHttpOffLoopback_isRefusedAndNothingWritten()
    {
        AwsDialog d(QStringLiteral("h.db"));
        QVERIFY(d.opened);
        edit(d.dlg, "awsAlertQueue")
            ->setText(QStringLiteral("https://sqs.eu-west-1.amazonaws.com/123456789012/alerts"));
        d.enterAws(QStringLiteral("http://sqs.internal.example.com"),
                   QStringLiteral("AKIADIALOGTEST0002"));
        d.dlg.save();
        QVERIFY(d.dlg.result() != int(QDialog::Accepted));
        QVERIFY2(d.dlg.resultText().contains(QStringLiteral("https")),
                 qPrintable(d.dlg.resultText()));
        QVERIFY(d.aws.load().alertQueue.isEmpty());
        QVERIFY(!d.fx.secrets.peek(secrets::AwsAccessKeyIdSecret));
        // The same for a webhook channel.
        edit(d.dlg, "awsEndpoint")->clear();
        d.dlg.findChild<QPlainTextEdit *>(QStringLiteral("notifyChannels"))
            ->setPlainText(QStringLiteral("team webhook http://chat.example.com/x"));
        d.dlg.save();
        QVERIFY2(d.dlg.resultText().contains(QStringLiteral("https")),
                 qPrintable(d.dlg.resultText()));
        QVERIFY(d.aws.load().alertQueue.isEmpty());
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
        AwsDialog d(QStringLiteral("f.db"));
        QVERIFY(d.opened);
        d.enterAws(fauxqs.url().toString(), QStringLiteral("AKIADIALOGTEST0003"));
        fill(d.dlg, {{"awsAlertQueue", *queue}, {"awsSlaTopic", QStringLiteral("dialog-sla")}});
        QString result = d.test();
        QVERIFY2(saysAll(result, {QStringLiteral("✔ SQS alert queue: dialog-alerts reachable"),
                                  QStringLiteral("✔ SNS:")}),
                 qPrintable(result));

        edit(d.dlg, "awsAlertQueue")
            ->setText(QString(*queue).replace(QStringLiteral("dialog-alerts"),
                                              QStringLiteral("no-such-queue")));
        result = d.test();
        QVERIFY2(result.contains(QStringLiteral(
                     "✘ SQS alert queue: AWS error AWS.SimpleQueueService.NonExistentQueue")),
                 qPrintable(result));
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
        const quint16 closed = testing::freePort(); // nobody listens there
        QVERIFY(closed != 0);
        AwsDialog d(QStringLiteral("e.db"));
        QVERIFY(d.opened);
        d.enterAws(peer.url(QStringLiteral("/")), QStringLiteral("AKIADIALOGTEST0004"));
        fill(d.dlg, {{"awsSlaTopic", QStringLiteral("ops-sla")},
                     {"slackBaseUrl", peer.url(QStringLiteral("/api/"))},
                     {"slackToken", QStringLiteral("xoxb-wrong")}});
        QString result = d.test();
        QVERIFY2(saysAll(result, {QStringLiteral("✘ SNS: AWS error InvalidClientTokenId"),
                                  QStringLiteral("✘ Slack: Slack error invalid_auth")}),
                 qPrintable(result));
        QVERIFY(!result.contains(QStringLiteral("xoxb-wrong")));

        edit(d.dlg, "awsEndpoint")->setText(QStringLiteral("http://127.0.0.1:%1/").arg(closed));
        result = d.test();
        QVERIFY2(result.contains(QStringLiteral("connection refused")), qPrintable(result));

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
        edit(d.dlg, "awsEndpoint")
            ->setText(QStringLiteral("https://127.0.0.1:%1/").arg(plain.serverPort()));
        result = d.test();
        QVERIFY2(result.contains(QStringLiteral("✘ SNS: TLS failed with 127.0.0.1:")),
                 qPrintable(result));

        // A name that cannot resolve (.invalid is reserved for that).
        edit(d.dlg, "awsEndpoint")->setText(QStringLiteral("https://sitrep-test.invalid/"));
        result = d.test(40000);
        QVERIFY2(result.contains(
                     QStringLiteral("✘ SNS: the name 'sitrep-test.invalid' was not found (DNS)")),
                 qPrintable(result));

        edit(d.dlg, "awsEndpoint")->setText(QStringLiteral("http://sqs.example.com/"));
        result = d.test();
        QVERIFY2(result.contains(QStringLiteral("must use https")), qPrintable(result));
    }
};

QTEST_MAIN(TestSyncSettingsDialog)
#include "tst_syncsettingsdialog.moc"
