// SPDX-License-Identifier: MIT
// QtKeychain against a real Secret Service (gnome-keyring in a private D-Bus session, see
// tests/cmake/sync.cmake), and the proof that the back-end token never leaves it.
#include "fixtures/refserver/refserverprocess.h"
#include "integration/secretscan.h"
#include "sync/secretstore.h"

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
        sync::KeychainSecretStore ks(QStringLiteral("sitrep-test"));
        const QString value = QStringLiteral("v-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        auto w = ks.write(QStringLiteral("roundtrip"), value);
        QVERIFY2(w, qPrintable(w.errorMessage()));
        auto r = ks.read(QStringLiteral("roundtrip"));
        QVERIFY2(r, qPrintable(r.errorMessage()));
        QCOMPARE(*r, value);
        QVERIFY(ks.remove(QStringLiteral("roundtrip")));
        auto gone = ks.read(QStringLiteral("roundtrip"));
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, QStringLiteral("not_found"));
    }

    void cliSecretSet_thenSync_tokenOnlyInTheKeychain()
    {
        QTemporaryDir home;
        const QByteArray token = "tok-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        refserver::RefServerProcess server;
        QVERIFY(server.start(home.filePath(QStringLiteral("server.db")), QString::fromLatin1(token)));
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        const auto env = testing::privateEnv(home.path());

        auto set = testing::runCli({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("backend.token")}, env, token + "\n");
        QVERIFY2(set.exitCode == 0, set.err.constData());
        auto check = testing::runCli({QStringLiteral("secret"), QStringLiteral("check"), QStringLiteral("backend.token")}, env);
        QVERIFY2(check.exitCode == 0, check.err.constData());
        auto refuse = testing::runCli({QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("backend.token"),
                                       QString::fromLatin1(token), QStringLiteral("--db"), db}, env);
        QVERIFY(refuse.exitCode != 0);
        QVERIFY(refuse.err.contains("keychain"));
        auto cfg = testing::runCli({QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("backend.url"),
                                    server.url().toString(), QStringLiteral("--db"), db}, env);
        QVERIFY2(cfg.exitCode == 0, cfg.err.constData());
        auto create = testing::runCli({QStringLiteral("create"), QStringLiteral("--title"), QStringLiteral("keychain"),
                                       QStringLiteral("--severity"), QStringLiteral("high"), QStringLiteral("--db"), db}, env);
        QVERIFY2(create.exitCode == 0, create.err.constData());
        auto synced = testing::runCli({QStringLiteral("sync"), QStringLiteral("--once"), QStringLiteral("--db"), db}, env);
        QVERIFY2(synced.exitCode == 0, (synced.out + synced.err).constData());
        // The back end accepted the token, so it came out of the keychain...
        QCOMPARE(server.control({}, true).value(u"incidents_created").toInteger(), qint64(1));
        // ...and it is nowhere else: not in the database (+ WAL), settings, caches or logs.
        QStringList hits = testing::filesContaining(home.path(), token);
        hits.removeIf([&](const QString &p) { return p.endsWith(u"server.db") || p.contains(u"server.db-"); });
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u'\n')));
        for (const auto &run : {set, check, refuse, cfg, create, synced}) {
            QVERIFY(!run.out.contains(token));
            QVERIFY(!run.err.contains(token));
        }
        QVERIFY(sync::KeychainSecretStore().remove(sync::BackendTokenSecret));
    }
    void ingestTokenInKeychain_serveAcceptsOnlyIt()
    {
        QTemporaryDir home;
        const QByteArray token = "ing-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const QString db = home.filePath(QStringLiteral("data/sitrep.db"));
        auto env = testing::privateEnv(home.path());
        env.remove(QStringLiteral("SITREP_INGEST_TOKEN"));
        auto set = testing::runCli({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("ingest.token")}, env, token + "\n");
        QVERIFY2(set.exitCode == 0, set.err.constData());
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        QProcess serve;
        serve.setProcessEnvironment(env);
        serve.start(QStringLiteral(SITREP_BINARY), {QStringLiteral("serve"), QStringLiteral("--listen"),
                                                    QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--db"), db});
        QVERIFY(serve.waitForStarted(10000));
        QByteArray started;
        QTRY_VERIFY_WITH_TIMEOUT((started += serve.readAllStandardOutput()).contains("listening on"), 20000);
        QNetworkAccessManager nam;
        auto post = [&](const QByteArray &bearer) {
            QNetworkRequest rq(QUrl(QStringLiteral("http://127.0.0.1:%1/ingest").arg(port)));
            rq.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            rq.setRawHeader("Authorization", "Bearer " + bearer);
            rq.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
            std::unique_ptr<QNetworkReply> reply(nam.post(rq, R"({"type":"alert.triggered","payload":{"id":"kc-1","title":"Disk full","severity":"high"}})"));
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
        QVERIFY(sync::KeychainSecretStore().remove(sync::IngestTokenSecret));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
