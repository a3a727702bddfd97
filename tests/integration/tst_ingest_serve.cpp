// SPDX-License-Identifier: MIT
// `sitrep serve` as a process: binds loopback on a free port, authenticates with the token
// file, commits before answering, stops cleanly on SIGTERM; the incident is then visible to
// `sitrep list`.
#include "fixtures/network.h"
#include "unit/clitestutil.h"

#include <QElapsedTimer>
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

    /// A token file `name` holding `token`: its path, empty when it cannot be written.
    QString tokenFile(const QString &name, const QByteArray &token)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(token + '\n') < 0)
            return {};
        return f.fileName();
    }

    /// Starts `sitrep serve` on `db` with the token file `tokenPath` into `p`: its port, 0 when it
    /// did not start listening.
    static quint16 startServe(QProcess &p, const QString &db, const QString &tokenPath)
    {
        p.start(QStringLiteral(SITREP_BINARY),
                {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                 QStringLiteral("--token-file"), tokenPath, QStringLiteral("--db"), db});
        if (!p.waitForStarted(10000))
            return 0;
        QByteArray out;
        QElapsedTimer t;
        t.start();
        static const QRegularExpression re(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
        QRegularExpressionMatch m;
        while (t.elapsed() < 15000 && !(m = re.match(QString::fromUtf8(out))).hasMatch()) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        if (!m.hasMatch())
            qWarning("sitrep serve did not start: %s", out.constData());
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }

    /// One Alertmanager webhook body holding one firing alert named `name`.
    static QByteArray alertBody(const QString &name)
    {
        const QJsonObject alert{
            {QStringLiteral("status"), QStringLiteral("firing")},
            {QStringLiteral("labels"),
             QJsonObject{{QStringLiteral("alertname"), name},
                         {QStringLiteral("service"), QStringLiteral("billing")},
                         {QStringLiteral("instance"), QStringLiteral("q-1")}}},
            {QStringLiteral("annotations"),
             QJsonObject{{QStringLiteral("summary"), name + QStringLiteral(" is over its limit")}}},
            {QStringLiteral("startsAt"), QStringLiteral("2026-01-01T00:00:00Z")},
            {QStringLiteral("endsAt"), QStringLiteral("0001-01-01T00:00:00Z")}};
        return QJsonDocument(QJsonObject{{QStringLiteral("version"), QStringLiteral("4")},
                                         {QStringLiteral("status"), QStringLiteral("firing")},
                                         {QStringLiteral("alerts"), QJsonArray{alert}}})
            .toJson(QJsonDocument::Compact);
    }

private Q_SLOTS:
    void serve_withoutToken_refusesToStart()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SITREP_INGEST_TOKEN"));
        const sitrep::testing::CliRun r = sitrep::testing::runSitrepIn(
            env,
            {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--db"), m_dir.filePath(QStringLiteral("none.db"))},
            15000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"no token"), qPrintable(r.err));
    }

    void serve_acceptsAlerts_andStopsCleanly()
    {
        const QString db = m_dir.filePath(QStringLiteral("serve.db"));
        const QString token = tokenFile(QStringLiteral("token"), "serve-test-token");
        QVERIFY(!token.isEmpty());
        QProcess p;
        const quint16 port = startServe(p, db, token);
        QVERIFY(port);

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

    // Two `sitrep serve` on one database (two agents side by side): each alert posted to both
    // at once opens its incident once, since find-or-open is decided inside the write
    // transaction (before, 100 pairs opened more than 100 incidents, 181 in one report).
    void twoServesOnOneDatabase_openEachIncidentOnce()
    {
        const QString db = m_dir.filePath(QStringLiteral("shared.db"));
        const QString token = tokenFile(QStringLiteral("token2"), "shared-token");
        QVERIFY(!token.isEmpty());
        // The first creates the database alone; the second joins it.
        QProcess first, second;
        const quint16 p1 = startServe(first, db, token);
        QVERIFY(p1);
        const quint16 p2 = startServe(second, db, token);
        QVERIFY(p2);

        QNetworkAccessManager net;
        constexpr int Pairs = 100;
        QList<QNetworkReply *> replies;
        for (int i = 0; i < Pairs; ++i) {
            const QByteArray body = alertBody(QStringLiteral("Backlog%1").arg(i));
            for (quint16 port : {p1, p2}) {
                QNetworkRequest req(
                    QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/alertmanager").arg(port)));
                req.setHeader(QNetworkRequest::ContentTypeHeader,
                              QStringLiteral("application/json"));
                req.setRawHeader("Authorization", "Bearer shared-token");
                replies << net.post(req, body);
            }
        }
        int ok = 0;
        for (QNetworkReply *r : std::as_const(replies)) {
            if (!r->isFinished()) {
                QSignalSpy done(r, &QNetworkReply::finished);
                QVERIFY(done.wait(60000));
            }
            ok += r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
            r->deleteLater();
        }
        QCOMPARE(ok, 2 * Pairs);
        for (QProcess *p : {&first, &second}) {
            p->terminate();
            QVERIFY(p->waitForFinished(10000));
            QCOMPARE(p->exitCode(), 0);
        }

        QProcess list;
        list.start(QStringLiteral(SITREP_BINARY),
                   {QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--limit"),
                    QStringLiteral("1000"), QStringLiteral("--db"), db});
        QVERIFY(list.waitForFinished(15000));
        const QJsonDocument doc = QJsonDocument::fromJson(list.readAllStandardOutput());
        const QJsonArray incidents =
            doc.isArray() ? doc.array() : doc.object().value(u"incidents").toArray();
        QSet<QString> titles;
        for (const auto &v : incidents)
            titles.insert(v.toObject().value(u"title").toString());
        QCOMPARE(incidents.size(), Pairs);
        QCOMPARE(titles.size(), Pairs);
        QProcess verify;
        verify.start(QStringLiteral(SITREP_BINARY),
                     {QStringLiteral("verify"), QStringLiteral("--db"), db});
        QVERIFY(verify.waitForFinished(60000));
        QVERIFY2(verify.exitCode() == 0, verify.readAllStandardOutput().constData());
    }
};

QTEST_GUILESS_MAIN(TestIngestServe)
#include "tst_ingest_serve.moc"
