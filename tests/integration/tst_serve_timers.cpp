// SPDX-License-Identifier: MIT
// `sitrep serve` as a process drives the runbook escalation timers and the war-room
// reminders while headless: with the clock pinned (SITREP_NOW) 16 minutes after an
// incident matching the high-api-latency runbook opened, the server records the
// `escalation` to senior-sre (seed 004: after 15m) and the two reminders, once each, and a
// second start records nothing new.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestServeTimers : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QProcessEnvironment env(const QString &now) const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("SITREP_NOW"), now);
        e.insert(QStringLiteral("HOME"), m_dir.path()); // no user runbooks, no keychain
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        e.remove(QStringLiteral("SITREP_INGEST_TOKEN"));
        return e;
    }

    QByteArray run(const QStringList &args, const QString &now)
    {
        QProcess p;
        p.setProcessEnvironment(env(now));
        p.start(QStringLiteral(SITREP_BINARY), args);
        if (!p.waitForFinished(20000) || p.exitCode() != 0)
            qWarning() << args << p.readAllStandardError();
        return p.readAllStandardOutput();
    }

    /// Starts serve, waits until it has listened and printed `expect` lines, stops it.
    QByteArray serve(const QString &db, const QString &now, const QStringList &expect)
    {
        QProcess p;
        p.setProcessEnvironment(env(now));
        p.start(QStringLiteral(SITREP_BINARY),
                {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                 QStringLiteral("--token-file"), m_dir.filePath(QStringLiteral("token")),
                 QStringLiteral("--db"), db});
        if (!p.waitForStarted(10000))
            return {};
        QByteArray out;
        QElapsedTimer t;
        t.start();
        auto done = [&] {
            if (!out.contains("listening on"))
                return false;
            for (const QString &e : expect)
                if (!out.contains(e.toUtf8()))
                    return false;
            return true;
        };
        while (t.elapsed() < 15000 && !done()) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        // Give a second start nothing-to-do time to prove itself.
        if (expect.isEmpty())
            QTest::qWait(500);
        p.terminate();
        p.waitForFinished(10000);
        out += p.readAllStandardOutput();
        return out;
    }

    int countKind(const QString &db, const QString &kind)
    {
        const QByteArray json = run({QStringLiteral("show"), QStringLiteral("INC0000001"),
                                     QStringLiteral("--json"), QStringLiteral("--db"), db},
                                    QStringLiteral("2026-03-10T09:16:00Z"));
        const QJsonObject o = QJsonDocument::fromJson(json).object();
        int n = 0;
        for (const auto &e : o[u"timeline"].toArray())
            n += e.toObject()[u"kind"].toString() == kind ? 1 : 0;
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile token(m_dir.filePath(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("timers-test-token\n");
    }

    void serve_firesEscalationsAndRemindersWhileHeadless()
    {
        const QString db = m_dir.filePath(QStringLiteral("timers.db"));
        const QByteArray created =
            run({QStringLiteral("create"), QStringLiteral("--db"), db, QStringLiteral("--title"),
                 QStringLiteral("p95 latency high"), QStringLiteral("--severity"),
                 QStringLiteral("high"), QStringLiteral("--service"), QStringLiteral("api"),
                 QStringLiteral("--alert"), QStringLiteral("APILatencyHigh")},
                QStringLiteral("2026-03-10T09:00:00Z"));
        QVERIFY2(created.contains("INC0000001"), created.constData());
        QCOMPARE(countKind(db, QStringLiteral("escalation")), 0);

        const QByteArray out = serve(db, QStringLiteral("2026-03-10T09:16:00Z"),
                                     {QStringLiteral("escalation: 1 recorded"),
                                      QStringLiteral("reminder: INC0000001 no_commander"),
                                      QStringLiteral("reminder: INC0000001 no_status_update")});
        QVERIFY2(out.contains("escalation: 1 recorded"), out.constData());
        QVERIFY2(out.contains("reminder: INC0000001 no_commander"), out.constData());
        QVERIFY2(out.contains("reminder: INC0000001 no_status_update"), out.constData());
        QCOMPARE(countKind(db, QStringLiteral("escalation")), 1);
        QCOMPARE(countKind(db, QStringLiteral("reminder")), 2);

        // A restart at the same time records nothing twice.
        const QByteArray again = serve(db, QStringLiteral("2026-03-10T09:16:00Z"), {});
        QVERIFY2(again.contains("listening on"), again.constData());
        QVERIFY2(!again.contains("escalation:") && !again.contains("reminder:"), again.constData());
        QCOMPARE(countKind(db, QStringLiteral("escalation")), 1);
        QCOMPARE(countKind(db, QStringLiteral("reminder")), 2);
    }
};

QTEST_GUILESS_MAIN(TestServeTimers)
#include "tst_serve_timers.moc"
