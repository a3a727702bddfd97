// SPDX-License-Identifier: MIT
// `sitrep serve` as a process: binds loopback on a free port, authenticates with the token
// file, commits before answering, stops cleanly on SIGTERM; the incident is then visible to
// `sitrep list`.
#include "fixtures/network.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestIngestServe : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    int post(QNetworkAccessManager &net, quint16 port, const QByteArray &path,
             const QByteArray &token, const QByteArray &body)
    {
        QNetworkRequest req(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port) + QString::fromLatin1(path)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token);
        return sitrep::testing::replyStatus(net.post(req, body), 10000);
    }

private Q_SLOTS:
    void serve_withoutToken_refusesToStart()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SITREP_INGEST_TOKEN"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SITREP_BINARY),
                {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                 QStringLiteral("--db"), m_dir.filePath(QStringLiteral("none.db"))});
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("no token"));
    }

    void serve_acceptsAlerts_andStopsCleanly()
    {
        const QString db = m_dir.filePath(QStringLiteral("serve.db"));
        QFile token(m_dir.filePath(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("serve-test-token\n");
        token.close();
        QProcess p;
        p.start(QStringLiteral(SITREP_BINARY),
                {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                 QStringLiteral("--token-file"), token.fileName(), QStringLiteral("--db"), db});
        QVERIFY(p.waitForStarted(10000));
        QByteArray out;
        QElapsedTimer t;
        t.start();
        static const QRegularExpression re(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
        QRegularExpressionMatch m;
        while (t.elapsed() < 15000 && !(m = re.match(QString::fromUtf8(out))).hasMatch()) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        QVERIFY2(m.hasMatch(), out.constData());
        const quint16 port = quint16(m.captured(1).toUInt());

        QNetworkAccessManager net;
        const QByteArray body =
            R"({"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"QueueBacklog","service":"billing","instance":"q-1"},"annotations":{"summary":"Backlog over 10k"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]})";
        QCOMPARE(post(net, port, "/hooks/alertmanager", "wrong", body), 401);
        QCOMPARE(post(net, port, "/hooks/alertmanager", "serve-test-token", body), 200);
        QCOMPARE(post(net, port, "/hooks/alertmanager", "serve-test-token", "{not json"), 400);

        p.terminate();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);

        QProcess list;
        list.start(QStringLiteral(SITREP_BINARY),
                   {QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--db"), db});
        QVERIFY(list.waitForFinished(15000));
        const QByteArray json = list.readAllStandardOutput();
        QVERIFY2(json.contains("QueueBacklog"), json.constData());
    }
};

QTEST_GUILESS_MAIN(TestIngestServe)
#include "tst_ingest_serve.moc"
