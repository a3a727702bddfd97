// SPDX-License-Identifier: MIT
// AWS and notification settings: channel lines, the https rule, the channels in effect,
// saving all or nothing, and where the keys come from (environment, keychain, profile).
#include "aws/awscredentials.h"
#include "fixtures/support.h"
#include "host/awssettings.h"
#include "secrets/secretstore.h"
#include "store/store.h"
#include "unit/asynctestutil.h"

#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <optional>

using namespace sitrep;
using namespace sitrep::aws;
using namespace sitrep::host;

namespace {

/// A keychain whose reads take a while and answer from the event loop, as QtKeychain's do.
class SlowSecretStore final : public secrets::SecretStore {
public:
    void read(const QString &name, ReadDone done) override
    {
        ++reads;
        QTimer::singleShot(50, [this, name, done] { inner.read(name, done); });
    }
    void write(const QString &name, const QString &value, Done done) override
    {
        inner.write(name, value, std::move(done));
    }
    void remove(const QString &name, Done done) override { inner.remove(name, std::move(done)); }
    secrets::MemorySecretStore inner;
    int reads = 0;
};

/// A keychain that cannot store anything (locked, or none on a server).
class RefusingSecretStore final : public secrets::SecretStore {
public:
    void read(const QString &name, ReadDone done) override
    {
        done(Result<QString>::fail(QStringLiteral("no secret '%1'").arg(name),
                                   QStringLiteral("not_found")));
    }
    void write(const QString &, const QString &, Done done) override
    {
        done(Status::fail(QStringLiteral("the keychain is locked"), QStringLiteral("keychain")));
    }
    void remove(const QString &, Done done) override { done({}); }
};

Result<AwsCredentials> credentialsOf(const CredentialsProvider &provider)
{
    return testing::awaitCallback<Result<AwsCredentials>>(
        [&](auto done) { provider.credentials(done); });
}

} // namespace

class TestAwsSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        for (const char *v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                              "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"})
            qunsetenv(v);
    }

    void channelLines_parseAndNameTheBadLine()
    {
        auto ok = AwsConfig::parseChannels(QStringLiteral(
            "# comment\n\nteam webhook https://chat.example.com/h secret:ticket_token\n"
            "war slack war_room\nops slack C0OPS\npage sns arn:aws:sns:us-east-1:1:page\n"));
        QVERIFY2(ok, qPrintable(ok.errorMessage()));
        QCOMPARE(ok->size(), 4);
        QCOMPARE(ok->at(0).secret, QStringLiteral("ticket_token"));
        AwsConfig referenced;
        referenced.channels = QStringLiteral("team webhook https://chat.example.com/h secret:t");
        QVERIFY(!referenced.hasPlainSecrets());
        // Anything else there is the token itself, kept under the channel's secret name.
        auto plain = AwsConfig::parseChannels(
            QStringLiteral("team webhook https://chat.example.com/h s3cr3t-t0ken"));
        QVERIFY(plain);
        QCOMPARE(plain->at(0).secret, QStringLiteral("notify.webhook.team"));
        AwsConfig typed;
        typed.channels = QStringLiteral("team webhook https://chat.example.com/h s3cr3t-t0ken");
        QVERIFY(typed.hasPlainSecrets());
        QVERIFY(!AwsConfig::parseChannels(
            QStringLiteral("team webhook https://chat.example.com/h secret:../x")));
        QVERIFY(ok->at(1).warRoom);
        QCOMPARE(ok->at(2).slackChannel, QStringLiteral("C0OPS"));
        QCOMPARE(ok->at(3).topic, QStringLiteral("arn:aws:sns:us-east-1:1:page"));

        auto http = AwsConfig::parseChannels(
            QStringLiteral("a sns t\nteam webhook http://chat.example.com/h"));
        QVERIFY(!http);
        QVERIFY2(http.errorMessage().contains(QStringLiteral("line 2")) &&
                     http.errorMessage().contains(QStringLiteral("https")),
                 qPrintable(http.errorMessage()));
        QVERIFY(AwsConfig::parseChannels(QStringLiteral("loop webhook http://127.0.0.1:9/h")));
        auto pigeon = AwsConfig::parseChannels(QStringLiteral("a pigeon x"));
        QVERIFY(!pigeon);
        QVERIFY(pigeon.errorMessage().contains(QStringLiteral("unknown type")));
        QVERIFY(!AwsConfig::parseChannels(QStringLiteral("only-a-name")));
    }

    void validate_endpointRegionAndQueue()
    {
        AwsConfig c;
        QVERIFY(c.validate());
        QVERIFY(!c.consumerConfigured() && !c.notifierConfigured());
        c.endpoint = QStringLiteral("http://sqs.example.com");
        QVERIFY(!c.validate());
        c.endpoint = QStringLiteral("http://localhost:4566");
        QVERIFY(c.validate());
        c.region = QStringLiteral("Europe");
        QVERIFY(!c.validate());
        c.region = QStringLiteral("eu-central-1");
        // With an endpoint the queue URL is only a name (emulators answer with *.localhost).
        c.alertQueue = QStringLiteral("http://sqs.us-east-1.localhost:4566/000000000000/alerts");
        QVERIFY(c.validate());
        auto ep = c.sqsEndpoint();
        QVERIFY(ep);
        QCOMPARE(ep->url.toString(), QStringLiteral("http://localhost:4566"));
        QCOMPARE(ep->region, QStringLiteral("eu-central-1"));
        // Without one it is where requests go, so it must be https.
        c.endpoint.clear();
        QVERIFY(!c.validate());
        c.alertQueue = QStringLiteral("https://sqs.eu-central-1.amazonaws.com/123456789012/alerts");
        QVERIFY(c.validate());
        QCOMPARE(c.sqsEndpoint()->url.toString(),
                 QStringLiteral("https://sqs.eu-central-1.amazonaws.com/"));
        QCOMPARE(c.snsEndpoint()->url.toString(),
                 QStringLiteral("https://sns.eu-central-1.amazonaws.com/"));
    }

    void notifyConfig_settingsOverTheFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("n.yaml"));
        QVERIFY(testing::writeFile(
            file, "sla_topic: file-sla\nchannels:\n  team: {type: webhook, url: "
                  "\"https://a.example.com/h\"}\n  war: {type: slack, war_room: true}\n"));
        AwsConfig c;
        // Nothing configured: nothing is published.
        auto none = AwsSettings::notifyConfig(c);
        QVERIFY(none);
        QVERIFY(none->slaTopic.isEmpty() && none->statusTopic.isEmpty() &&
                none->channels.isEmpty());
        c.notifyConfig = file;
        c.statusTopic = QStringLiteral("status");
        c.slackBaseUrl = QStringLiteral("http://127.0.0.1:9/api");
        c.channels = QStringLiteral("team webhook https://b.example.com/h");
        auto n = AwsSettings::notifyConfig(c);
        QVERIFY2(n, qPrintable(n.errorMessage()));
        QCOMPARE(n->slaTopic, QStringLiteral("file-sla"));
        QCOMPARE(n->statusTopic, QStringLiteral("status"));
        QCOMPARE(n->slackBaseUrl.toString(), QStringLiteral("http://127.0.0.1:9/api/"));
        QCOMPARE(n->channels.size(), 2);
        QCOMPARE(n->channels[QStringLiteral("team")].url.toString(),
                 QStringLiteral("https://b.example.com/h"));
        c.notifyConfig = dir.filePath(QStringLiteral("missing.yaml"));
        auto missing = AwsSettings::notifyConfig(c);
        QVERIFY(!missing);
        QVERIFY(missing.errorMessage().contains(QStringLiteral("missing.yaml")));
    }

    void save_allOrNothing_secretsOnlyInTheStore()
    {
        testing::SettingsStore fx;
        QVERIFY(fx.open());
        AwsSettings s(fx.store, fx.secrets);
        AwsConfig c;
        c.alertQueue = QStringLiteral("https://sqs.eu-west-1.amazonaws.com/1/alerts");
        c.channels = QStringLiteral("team webhook https://chat.example.com/h");
        QVERIFY(s.save(c));
        QCOMPARE(fx.store.meta(QStringLiteral("aws.alert_queue")), c.alertQueue);
        AwsConfig bad = c;
        bad.alertQueue = QStringLiteral("https://sqs.eu-west-1.amazonaws.com/1/other");
        bad.channels = QStringLiteral("team webhook http://chat.example.com/h");
        QVERIFY(!s.save(bad));
        QCOMPARE(s.load().alertQueue, c.alertQueue); // nothing of the bad save
        QVERIFY(!testing::awaitCallback<Status>([&](auto done) {
            s.setAccessKey(QStringLiteral("not a key"), QStringLiteral("x"), {}, done);
        }));
        QVERIFY(!testing::awaitCallback<Status>([&](auto done) {
            s.setAccessKey(QStringLiteral("AKIAUNITTEST000001"), QString(), {}, done);
        }));
        QVERIFY(!fx.secrets.peek(secrets::AwsAccessKeyIdSecret));
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            s.setAccessKey(QStringLiteral("AKIAUNITTEST000001"), QStringLiteral("unit-secret"),
                           QStringLiteral("unit-token"), done);
        }));
        QCOMPARE(*fx.secrets.peek(secrets::AwsSessionTokenSecret), QStringLiteral("unit-token"));
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            s.setAccessKey(QStringLiteral("AKIAUNITTEST000001"), QStringLiteral("unit-secret"), {},
                           done);
        }));
        QVERIFY(!fx.secrets.peek(
            secrets::AwsSessionTokenSecret)); // a key without a token drops the old token
        fx.store.close();
        const QStringList leaks = testing::filesHolding(fx.dir.path(), {"unit-secret"});
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u' ')));
    }

    void channelSecrets_goToTheStore_theLineKeepsAReference()
    {
        testing::SettingsStore fx;
        QVERIFY(fx.open());
        AwsSettings s(fx.store, fx.secrets);
        // A token the user typed, and a name older versions took as a secret's name.
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            fx.secrets.write(QStringLiteral("ticket_token"), QStringLiteral("ticket-value"), done);
        }));
        const QString typed = QStringLiteral("team   webhook https://chat.example.com/h "
                                             "typed-t0ken-4711\n"
                                             "ticket webhook https://t.example.com/h ticket_token\n"
                                             "page sns topic");
        auto lines = testing::awaitCallback<Result<QString>>(
            [&](auto done) { s.storeChannelSecrets(typed, done); });
        QVERIFY2(lines, qPrintable(lines.errorMessage()));
        QCOMPARE(*lines,
                 QStringLiteral("team webhook https://chat.example.com/h "
                                "secret:notify.webhook.team\n"
                                "ticket webhook https://t.example.com/h secret:ticket_token\n"
                                "page sns topic"));
        QCOMPARE(*fx.secrets.peek(QStringLiteral("notify.webhook.team")),
                 QStringLiteral("typed-t0ken-4711"));
        QCOMPARE(*fx.secrets.peek(QStringLiteral("ticket_token")), QStringLiteral("ticket-value"));
        AwsConfig c;
        c.channels = *lines;
        QVERIFY(!c.hasPlainSecrets());
        auto nc = AwsSettings::notifyConfig(c);
        QVERIFY(nc);
        QCOMPARE(nc->channels.value(QStringLiteral("team")).secret,
                 QStringLiteral("notify.webhook.team"));
    }

    void channelSecrets_plainTextInTheDatabase_movedOutOnLoad()
    {
        testing::SettingsStore fx;
        QVERIFY(fx.open());
        const QByteArray token = "legacy-webhook-t0ken-93a1";
        // As an older version left it: the token in the setting, written more than once.
        for (const char *url : {"https://a.example.com/h", "https://chat.example.com/h"})
            QVERIFY(fx.store.setMeta(QStringLiteral("notify.channels"),
                                     QStringLiteral("team webhook %1 %2")
                                         .arg(QLatin1String(url), QString::fromLatin1(token))));
        QVERIFY(!testing::filesHolding(fx.dir.path(), {token.constData()}).isEmpty());
        AwsSettings s(fx.store, fx.secrets);
        QVERIFY(s.load().hasPlainSecrets());
        auto moved =
            testing::awaitCallback<Result<int>>([&](auto done) { s.moveChannelSecrets(done); });
        QVERIFY2(moved, qPrintable(moved.errorMessage()));
        QCOMPARE(*moved, 1);
        QCOMPARE(fx.store.meta(QStringLiteral("notify.channels")),
                 QStringLiteral("team webhook https://chat.example.com/h "
                                "secret:notify.webhook.team"));
        QCOMPARE(fx.secrets.peek(QStringLiteral("notify.webhook.team"))->toLatin1(), token);
        // Nothing left to move the next time.
        moved = testing::awaitCallback<Result<int>>([&](auto done) { s.moveChannelSecrets(done); });
        QCOMPARE(*moved, 0);
        // Not in the database file nor its log, not even in free space.
        const QStringList leaks = testing::filesHolding(fx.dir.path(), {token.constData()});
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u' ')));
        fx.store.close();
        QVERIFY(testing::filesHolding(fx.dir.path(), {token.constData()}).isEmpty());
    }

    void channelSecrets_aStoreThatRefuses_keepsNothingHalfDone()
    {
        testing::SettingsStore fx;
        QVERIFY(fx.open());
        RefusingSecretStore refusing;
        AwsSettings s(fx.store, refusing);
        const QString text = QStringLiteral("team webhook https://chat.example.com/h tok-1");
        QVERIFY(fx.store.setMeta(QStringLiteral("notify.channels"), text));
        auto moved =
            testing::awaitCallback<Result<int>>([&](auto done) { s.moveChannelSecrets(done); });
        QVERIFY(!moved);
        QVERIFY2(moved.errorMessage().contains(QStringLiteral("secret store")),
                 qPrintable(moved.errorMessage()));
        QCOMPARE(fx.store.meta(QStringLiteral("notify.channels")), text);
    }

    void credentialFiles_readBeforeTheKeychain()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("notify.webhook.team")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("from-a-credential-file\n");
        f.close();
        qputenv("CREDENTIALS_DIRECTORY", dir.path().toUtf8());
        QCOMPARE(secrets::credentialFile(QStringLiteral("notify.webhook.team")),
                 std::optional<QString>(QStringLiteral("from-a-credential-file")));
        QVERIFY(!secrets::credentialFile(QStringLiteral("../notify.webhook.team")));
        QVERIFY(!secrets::credentialFile(QStringLiteral("absent")));
        // The keychain store answers from the file, without asking the keychain.
        secrets::KeychainSecretStore keychain(QStringLiteral("sitrep-test"), 100);
        auto v = testing::awaitCallback<Result<QString>>(
            [&](auto done) { keychain.read(QStringLiteral("notify.webhook.team"), done); });
        qunsetenv("CREDENTIALS_DIRECTORY");
        QVERIFY2(v, qPrintable(v.errorMessage()));
        QCOMPARE(*v, QStringLiteral("from-a-credential-file"));
        QVERIFY(!secrets::credentialFile(QStringLiteral("notify.webhook.team")));
    }

    void credentials_environmentThenKeychainThenProfile()
    {
        testing::SettingsStore fx;
        QVERIFY(fx.open(QStringLiteral("c.db")));
        AwsSettings s(fx.store, fx.secrets);
        const QString credentials = fx.dir.filePath(QStringLiteral("credentials"));
        QVERIFY(testing::writeFile(
            credentials, "[default]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = "
                         "f\n[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = o\n"));
        qputenv("AWS_SHARED_CREDENTIALS_FILE", credentials.toUtf8());
        AwsConfig c;
        QCOMPARE(credentialsOf(*s.credentials(c))->accessKeyId, QStringLiteral("AKIAFROMFILE"));
        c.profile = QStringLiteral("ops");
        QCOMPARE(credentialsOf(*s.credentials(c))->accessKeyId, QStringLiteral("AKIAOPS"));
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            s.setAccessKey(QStringLiteral("AKIAFROMKEYCHAIN01"), QStringLiteral("k"), {}, done);
        }));
        QCOMPARE(credentialsOf(*s.credentials(c))->accessKeyId,
                 QStringLiteral("AKIAFROMKEYCHAIN01"));
        qputenv("AWS_ACCESS_KEY_ID", "AKIAFROMENV");
        qputenv("AWS_SECRET_ACCESS_KEY", "e");
        QCOMPARE(credentialsOf(*s.credentials(c))->accessKeyId, QStringLiteral("AKIAFROMENV"));
        init();
        QVERIFY(
            testing::awaitCallback<Status>([&](auto done) { s.setAccessKey({}, {}, {}, done); }));
        c.profile = QStringLiteral("nope");
        auto none = credentialsOf(*s.credentials(c));
        QVERIFY(!none);
        // The error lists every place that was tried, in order.
        const QString e = none.errorMessage();
        const auto env = e.indexOf(QStringLiteral("environment")),
                   kc = e.indexOf(QStringLiteral("system keychain")),
                   prof = e.indexOf(QStringLiteral("profile 'nope'"));
        QVERIFY2(env >= 0 && env < kc && kc < prof, qPrintable(e));
    }

    void keychainProvider_heldInMemory_oneReadForAllWhoAsk()
    {
        SlowSecretStore slow;
        slow.inner.write(secrets::AwsAccessKeyIdSecret, QStringLiteral("AKIASLOWKEYCHAIN01"),
                         [](const Status &) {});
        slow.inner.write(secrets::AwsSecretAccessKeySecret, QStringLiteral("s"),
                         [](const Status &) {});
        KeychainCredentialsProvider p(slow, 60000);
        // Two requests ask before the keychain has answered: the answer comes to both
        // through their callbacks, from the event loop, after one lookup.
        std::optional<Result<AwsCredentials>> first, second;
        p.credentials([&first](Result<AwsCredentials> c) { first = std::move(c); });
        p.credentials([&second](Result<AwsCredentials> c) { second = std::move(c); });
        QVERIFY(!first && !second);
        QTRY_VERIFY(first && second);
        QVERIFY2(*first, qPrintable(first->errorMessage()));
        QCOMPARE((*second)->accessKeyId, QStringLiteral("AKIASLOWKEYCHAIN01"));
        const int reads = slow.reads;
        QCOMPARE(reads, 3); // id, secret, session token
        // Held: later requests get it at once and do not ask the keychain again...
        std::optional<Result<AwsCredentials>> held;
        p.credentials([&held](Result<AwsCredentials> c) { held = std::move(c); });
        QVERIFY(held);
        QCOMPARE((*held)->accessKeyId, QStringLiteral("AKIASLOWKEYCHAIN01"));
        QCOMPARE(slow.reads, reads);
        // ...until told the keys changed.
        p.invalidate();
        QVERIFY(credentialsOf(p));
        QVERIFY(slow.reads > reads);
    }
};

QTEST_GUILESS_MAIN(TestAwsSettings)
#include "tst_awssettings.moc"
