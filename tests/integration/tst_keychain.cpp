// SPDX-License-Identifier: MIT
// QtKeychain against a real Secret Service (gnome-keyring in a private D-Bus session, see
// tests/cmake/sync.cmake), and the proof that the back-end token never leaves it.
#include "aws/awscredentials.h"
#include "fixtures/network.h"
#include "fixtures/teamserver/teamserver.h"
#include "host/awssettings.h"
#include "integration/httpreceiver.h"
#include "integration/secretscan.h"
#include "secrets/secretstore.h"
#include "store/store.h"
#include "unit/asynctestutil.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

using namespace sitrep;

class TestKeychain : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("no D-Bus session (run through ctest, which starts one with gnome-keyring)");
    }

    void writeReadDelete_roundTrip()
    {
        secrets::KeychainSecretStore ks(QStringLiteral("sitrep-test"));
        const QString value =
            QStringLiteral("v-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const auto read = [&ks](const QString &name) {
            return testing::awaitCallback<Result<QString>>([&](auto done) { ks.read(name, done); });
        };
        auto w = testing::awaitCallback<Status>(
            [&](auto done) { ks.write(QStringLiteral("roundtrip"), value, done); });
        QVERIFY2(w, qPrintable(w.errorMessage()));
        // The answer comes through the callback, from the event loop, after read() returned.
        std::optional<Result<QString>> answer;
        ks.read(QStringLiteral("roundtrip"), [&answer](Result<QString> r) { answer = r; });
        QVERIFY(!answer);
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
        QVERIFY2(*answer, qPrintable(answer->errorMessage()));
        QCOMPARE(**answer, value);
        QVERIFY(testing::awaitCallback<Status>(
            [&](auto done) { ks.remove(QStringLiteral("roundtrip"), done); }));
        auto gone = read(QStringLiteral("roundtrip"));
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, QStringLiteral("not_found"));
    }

    void cliSecretSet_thenSync_tokenOnlyInTheKeychain()
    {
        QTemporaryDir home;
        testing::TeamBackEnd server;
        QVERIFY(server.start(1));
        const QByteArray token =
            server.addUser(QStringLiteral("kc-user"), QStringLiteral("responder")).toLatin1();
        QVERIFY(token.startsWith("sitrep_"));
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        auto env = testing::privateEnv(home.path());
        env.insert(QStringLiteral("USER"), QStringLiteral("kc-user"));
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral("data"))); // --db never creates folders

        auto set = testing::runCli(
            {QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("backend.token")}, env,
            token + "\n");
        QVERIFY2(set.exitCode == 0, set.err.constData());
        auto check = testing::runCli(
            {QStringLiteral("secret"), QStringLiteral("check"), QStringLiteral("backend.token")},
            env);
        QVERIFY2(check.exitCode == 0, check.err.constData());
        auto refuse = testing::runCli({QStringLiteral("config"), QStringLiteral("set"),
                                       QStringLiteral("backend.token"), QString::fromLatin1(token),
                                       QStringLiteral("--db"), db},
                                      env);
        QVERIFY(refuse.exitCode != 0);
        QVERIFY(refuse.err.contains("keychain"));
        auto cfg = testing::runCli({QStringLiteral("config"), QStringLiteral("set"),
                                    QStringLiteral("backend.url"), server.url().toString(),
                                    QStringLiteral("--db"), db},
                                   env);
        QVERIFY2(cfg.exitCode == 0, cfg.err.constData());
        // The first sync learns who the token is before anything is written.
        auto first = testing::runCli(
            {QStringLiteral("sync"), QStringLiteral("--once"), QStringLiteral("--db"), db}, env);
        QVERIFY2(first.exitCode == 0, (first.out + first.err).constData());
        auto create = testing::runCli({QStringLiteral("create"), QStringLiteral("--title"),
                                       QStringLiteral("keychain"), QStringLiteral("--severity"),
                                       QStringLiteral("high"), QStringLiteral("--db"), db},
                                      env);
        QVERIFY2(create.exitCode == 0, create.err.constData());
        auto synced = testing::runCli(
            {QStringLiteral("sync"), QStringLiteral("--once"), QStringLiteral("--db"), db}, env);
        QVERIFY2(synced.exitCode == 0, (synced.out + synced.err).constData());
        // The back end accepted the token, so it came out of the keychain...
        QCOMPARE(server.pg.sql(QStringLiteral("SELECT count(*) FROM incidents")), QByteArray("1"));
        // ...and it is nowhere else: not in the database (+ WAL), settings, caches or logs.
        const QStringList hits = testing::filesContaining(home.path(), token);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u'\n')));
        for (const auto &run : {set, check, refuse, cfg, first, create, synced}) {
            QVERIFY(!run.out.contains(token));
            QVERIFY(!run.err.contains(token));
        }
        secrets::KeychainSecretStore ks;
        QVERIFY(testing::awaitCallback<Status>(
            [&](auto done) { ks.remove(secrets::BackendTokenSecret, done); }));
    }
    void ingestTokenInKeychain_serveAcceptsOnlyIt()
    {
        QTemporaryDir home;
        const QByteArray token = "ing-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral("data"))); // --db never creates folders
        auto env = testing::privateEnv(home.path());
        env.remove(QStringLiteral("SITREP_INGEST_TOKEN"));
        auto set = testing::runCli(
            {QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("ingest.token")}, env,
            token + "\n");
        QVERIFY2(set.exitCode == 0, set.err.constData());
        const quint16 port = testing::freePort(); // nobody listens there
        QVERIFY(port != 0);
        QProcess serve;
        serve.setProcessEnvironment(env);
        serve.start(QStringLiteral(SITREP_BINARY),
                    {QStringLiteral("serve"), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--db"), db});
        QVERIFY(serve.waitForStarted(10000));
        QByteArray started;
        QTRY_VERIFY_WITH_TIMEOUT(
            (started += serve.readAllStandardOutput()).contains("listening on"), 20000);
        QNetworkAccessManager nam;
        auto post = [&](const QByteArray &bearer) {
            QNetworkRequest rq(QUrl(QStringLiteral("http://127.0.0.1:%1/ingest").arg(port)));
            rq.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            rq.setRawHeader("Authorization", "Bearer " + bearer);
            rq.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
            std::unique_ptr<QNetworkReply> reply(nam.post(
                rq,
                R"({"type":"alert.triggered","payload":{"id":"kc-1","title":"Disk full","severity":"high"}})"));
            QSignalSpy done(reply.get(), &QNetworkReply::finished);
            done.wait(15000);
            return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        };
        QCOMPARE(post("wrong"), 401);
        QCOMPARE(post(token), 200);
        serve.terminate();
        QVERIFY(serve.waitForFinished(10000));
        auto list = testing::runCli({QStringLiteral("list"), QStringLiteral("--db"), db}, env);
        QVERIFY(list.out.contains("Disk full"));
        QStringList hits = testing::filesContaining(home.path(), token);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u'\n')));
        secrets::KeychainSecretStore ks;
        QVERIFY(testing::awaitCallback<Status>(
            [&](auto done) { ks.remove(secrets::IngestTokenSecret, done); }));
    }

    void awsKeys_keychainThenProfile_neverStoredElsewhere()
    {
        QTemporaryDir home;
        const QByteArray keyId =
            "AKIAKC" + QUuid::createUuid().toByteArray(QUuid::Id128).left(14).toUpper();
        const QByteArray secret =
            "aws-sec-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const QByteArray fileKeyId =
            "AKIAFILE" + QUuid::createUuid().toByteArray(QUuid::Id128).left(12).toUpper();
        const QByteArray fileSecret =
            "file-sec-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral("data"))); // --db never creates folders
        auto env = testing::privateEnv(home.path());
        for (const char *v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                              "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"})
            env.remove(QString::fromLatin1(v));

        // An SQS stand-in that notes which key signed each request.
        testing::HttpReceiver sqs;
        QVERIFY(sqs.listen());
        sqs.setHandler([](const testing::HttpRequest &) {
            return testing::HttpAnswer{200, R"({"Messages":[]})", "application/x-amz-json-1.0"};
        });
        const QString queue = sqs.url(QStringLiteral("/000000000000/alerts"));
        const auto consumeOnce = [&]() {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(SITREP_BINARY),
                    {QStringLiteral("aws"), QStringLiteral("consume"), QStringLiteral("--once"),
                     QStringLiteral("--wait"), QStringLiteral("0"), QStringLiteral("--queue"),
                     queue, QStringLiteral("--db"), db});
            QElapsedTimer t;
            t.start();
            while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
                QTest::qWait(20); // the stand-in answers from this thread
            return testing::CliRun{p.exitCode(), p.readAllStandardOutput(),
                                   p.readAllStandardError()};
        };
        const auto signedWith = [&]() {
            const QByteArray auth = sqs.requests().isEmpty()
                                        ? QByteArray()
                                        : sqs.requests().last().headers.value("authorization");
            const int at = auth.indexOf("Credential=");
            return at < 0 ? QByteArray() : auth.mid(at + 11, auth.indexOf('/', at) - at - 11);
        };

        QList<testing::CliRun> runs;
        runs << testing::runCli(
            {QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("aws.access_key_id")},
            env, keyId + "\n");
        runs << testing::runCli({QStringLiteral("secret"), QStringLiteral("set"),
                                 QStringLiteral("aws.secret_access_key")},
                                env, secret + "\n");
        for (const auto &r : runs)
            QVERIFY2(r.exitCode == 0, r.err.constData());
        // A profile file as well: the keychain comes first.
        QDir(home.path()).mkpath(QStringLiteral(".aws"));
        QFile creds(home.filePath(QStringLiteral(".aws/credentials")));
        QVERIFY(creds.open(QIODevice::WriteOnly));
        creds.write("[default]\naws_access_key_id = " + fileKeyId +
                    "\naws_secret_access_key = " + fileSecret + "\n");
        creds.close();

        runs << consumeOnce();
        QVERIFY2(runs.last().exitCode == 0, runs.last().err.constData());
        QCOMPARE(signedWith(), keyId);

        // The model-level provider reads the same keys from the real keychain.
        secrets::KeychainSecretStore ks;
        aws::KeychainCredentialsProvider provider(ks);
        auto fromKeychain = testing::awaitCallback<Result<aws::AwsCredentials>>(
            [&](auto done) { provider.credentials(done); });
        QVERIFY2(fromKeychain, qPrintable(fromKeychain.errorMessage()));
        QCOMPARE(fromKeychain->accessKeyId.toLatin1(), keyId);

        // Keys removed from the keychain: the standard profile file is used.
        runs << testing::runCli({QStringLiteral("secret"), QStringLiteral("delete"),
                                 QStringLiteral("aws.access_key_id")},
                                env);
        runs << testing::runCli({QStringLiteral("secret"), QStringLiteral("delete"),
                                 QStringLiteral("aws.secret_access_key")},
                                env);
        runs << consumeOnce();
        QVERIFY2(runs.last().exitCode == 0, runs.last().err.constData());
        QCOMPARE(signedWith(), fileKeyId);

        // The environment overrides both.
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIAENVIRONMENT0001"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("env-secret"));
        runs << consumeOnce();
        QCOMPARE(signedWith(), QByteArray("AKIAENVIRONMENT0001"));

        // The keychain keys are nowhere in the database, settings or logs; the profile
        // file is the only place that holds its own.
        for (const QByteArray &s : {keyId, secret, fileSecret}) {
            QStringList hits = testing::filesContaining(home.path(), s);
            hits.removeIf(
                [&](const QString &p) { return p.endsWith(QStringLiteral(".aws/credentials")); });
            QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u'\n')));
            for (const auto &r : std::as_const(runs)) {
                QVERIFY(!r.out.contains(s));
                QVERIFY(!r.err.contains(s));
            }
            // On the wire only the key id travels (in the signature's scope), never a secret.
            if (s != keyId)
                for (const auto &rq : sqs.requests())
                    QVERIFY(!rq.body.contains(s) && !rq.headers.value("authorization").contains(s));
        }
    }

    void awsSettings_keysThroughTheKeychainStore()
    {
        // What the settings dialog does on save, against the real keychain.
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("s.db"))));
        secrets::KeychainSecretStore ks;
        host::AwsSettings aws(st, ks);
        const QString secret =
            QStringLiteral("dlg-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        QVERIFY(testing::awaitCallback<Status>([&](auto done) {
            aws.setAccessKey(QStringLiteral("AKIASETTINGS000001"), secret,
                             QStringLiteral("session-") + secret, done);
        }));
        const auto keyId = [&aws] {
            return testing::awaitCallback<QString>(
                [&](auto done) { aws.secret(secrets::AwsAccessKeyIdSecret, done); });
        };
        QCOMPARE(keyId(), QStringLiteral("AKIASETTINGS000001"));
        const auto credentials = [&ks] {
            aws::KeychainCredentialsProvider provider(ks);
            return testing::awaitCallback<Result<aws::AwsCredentials>>(
                [&](auto done) { provider.credentials(done); });
        };
        auto c = credentials();
        QVERIFY2(c, qPrintable(c.errorMessage()));
        QCOMPARE(c->secretAccessKey, secret);
        QCOMPARE(c->sessionToken, QStringLiteral("session-") + secret);
        st.close();
        QVERIFY(testing::filesContaining(dir.path(), secret.toUtf8()).isEmpty());
        QVERIFY(
            testing::awaitCallback<Status>([&](auto done) { aws.setAccessKey({}, {}, {}, done); }));
        QVERIFY(keyId().isEmpty());
        QVERIFY(!credentials());
    }

    void webhookSecrets_inTheKeychain_neverInTheDatabase()
    {
        QTemporaryDir home;
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral("data")));
        const auto env = testing::privateEnv(home.path());
        secrets::KeychainSecretStore ks;
        const auto stored = [&ks](const QString &name) {
            return testing::awaitCallback<Result<QString>>([&](auto done) { ks.read(name, done); });
        };
        // Configured with the token in the line: the keychain keeps it, the setting its name.
        const QByteArray typed = "hook-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        auto set = testing::runCli({QStringLiteral("config"), QStringLiteral("set"),
                                    QStringLiteral("notify.channels"),
                                    QStringLiteral("team webhook https://chat.example.com/h ") +
                                        QString::fromLatin1(typed),
                                    QStringLiteral("--db"), db},
                                   env);
        QVERIFY2(set.exitCode == 0, set.err.constData());
        QVERIFY2(set.out.contains("secret:notify.webhook.team"), set.out.constData());
        QVERIFY(!set.out.contains(typed));
        auto team = stored(QStringLiteral("notify.webhook.team"));
        QVERIFY2(team, qPrintable(team.errorMessage()));
        QCOMPARE(team->toLatin1(), typed);
        QVERIFY(testing::filesContaining(home.path(), typed).isEmpty());

        // A database where an older version kept a token in the line: moved out on next load.
        const QByteArray legacy = "old-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        {
            store::Store st;
            QVERIFY(st.open(db));
            QVERIFY(st.setMeta(QStringLiteral("notify.channels"),
                               QStringLiteral("ops webhook https://ops.example.com/h ") +
                                   QString::fromLatin1(legacy)));
        }
        QVERIFY(!testing::filesContaining(home.path(), legacy).isEmpty());
        auto get = testing::runCli({QStringLiteral("config"), QStringLiteral("get"),
                                    QStringLiteral("notify.channels"), QStringLiteral("--db"), db},
                                   env);
        QVERIFY2(get.exitCode == 0, get.err.constData());
        QCOMPARE(get.out.trimmed(),
                 QByteArray("ops webhook https://ops.example.com/h secret:notify.webhook.ops"));
        QVERIFY2(get.err.contains("moved"), get.err.constData());
        auto ops = stored(QStringLiteral("notify.webhook.ops"));
        QVERIFY2(ops, qPrintable(ops.errorMessage()));
        QCOMPARE(ops->toLatin1(), legacy);
        const QStringList hits = testing::filesContaining(home.path(), legacy);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u'\n')));
        for (const QString &name :
             {QStringLiteral("notify.webhook.team"), QStringLiteral("notify.webhook.ops")})
            QVERIFY(testing::awaitCallback<Status>([&](auto done) { ks.remove(name, done); }));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
