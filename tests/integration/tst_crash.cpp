// SPDX-License-Identifier: MIT
// Crash safety: a child process applies commands in a loop and reports each commit; it is
// killed with SIGKILL at a random moment, 100 times over the same database. After every kill
// the log verifies (hash chain, projection) and every event the child reported as committed
// is in the log.
#include "store/store.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace sitrep;

class TestCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killAtRandom_logStaysWhole();
    void concurrentWriters_thenKilled_logStaysWhole();
};

void TestCrash::concurrentWriters_thenKilled_logStaysWhole()
{
    // Four processes write to one database at once (GUI, CLI, ingest, sync in real life),
    // then all die together. Nothing reported is lost, the log verifies, numbers are unique.
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("shared.db"));
    QList<QProcess *> children;
    for (int i = 0; i < 4; ++i) {
        auto *c = new QProcess(this);
        c->start(QStringLiteral(SITREP_CRASH_CHILD), {db, QString::number(1000 + i)});
        QVERIFY(c->waitForStarted(10000));
        children << c;
    }
    QThread::msleep(1500);
    QSet<QString> reported;
    for (QProcess *c : std::as_const(children)) {
        c->kill();
        QVERIFY(c->waitForFinished(10000));
        const QByteArray out = c->readAllStandardOutput();
        const QByteArray err = c->readAllStandardError();
        QVERIFY2(err.isEmpty(), err.constData()); // no "database is locked" or other failure
        QVERIFY2(out.startsWith("READY\n"), out.left(200).constData());
        const QList<QByteArray> lines = out.left(out.lastIndexOf('\n') + 1).split('\n');
        for (const QByteArray &l : lines)
            if (l.startsWith("C"))
                for (const QByteArray &id : l.mid(1).trimmed().split(' '))
                    if (!id.isEmpty())
                        reported.insert(QString::fromLatin1(id));
        delete c;
    }
    QVERIFY(reported.size() > 100);
    store::Store s;
    QVERIFY(s.open(db).ok());
    const auto rep = s.verify();
    QVERIFY2(rep.ok, qPrintable(rep.faults.join(QStringLiteral("; "))));
    for (const QString &id : std::as_const(reported))
        QVERIFY(s.hasEvent(id));
    // Incident numbers are dense and unique across the writers.
    store::ListQuery q;
    q.limit = 1000000;
    q.sort = store::SortKey::Number;
    q.descending = false;
    const auto all = s.list(q);
    QCOMPARE(qint64(all.size()), rep.incidents);
    for (qsizetype i = 0; i < all.size(); ++i)
        QCOMPARE(all[i].number, QStringLiteral("INC%1").arg(i + 1, 7, 10, QLatin1Char('0')));
    qInfo("4 writers: %lld events, %lld incidents", rep.events, rep.incidents);
}

void TestCrash::killAtRandom_logStaysWhole()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("crash.db"));
    const quint32 seed = qEnvironmentVariableIsSet("SITREP_CRASH_SEED")
                             ? quint32(qEnvironmentVariableIntValue("SITREP_CRASH_SEED"))
                             : QRandomGenerator::global()->generate();
    const int rounds = qEnvironmentVariableIsSet("SITREP_CRASH_ROUNDS")
                           ? qEnvironmentVariableIntValue("SITREP_CRASH_ROUNDS")
                           : 100;
    qInfo("seed %u (set SITREP_CRASH_SEED to repeat), %d rounds", seed, rounds);
    QRandomGenerator rng(seed);
    QSet<QString> reported;
    qint64 killedMidTransaction = 0;
    QElapsedTimer clock;
    clock.start();
    for (int round = 0; round < rounds; ++round) {
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(QStringLiteral(SITREP_CRASH_CHILD),
                    {db, QString::number(rng.generate() % 1000000)});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        // Wait until it has opened (and migrated) the database, then let it run a while.
        QByteArray out;
        while (!out.contains("READY\n")) {
            QVERIFY2(child.waitForReadyRead(20000),
                     qPrintable(QStringLiteral("child did not start: %1")
                                    .arg(QString::fromUtf8(child.readAllStandardError()))));
            out += child.readAllStandardOutput();
        }
        QThread::msleep(rng.bounded(1, 80));
        child.kill(); // SIGKILL
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        out += child.readAllStandardOutput();
        const QByteArray err = child.readAllStandardError();
        QVERIFY2(err.isEmpty(), err.constData());

        // Only complete lines were committed before the kill.
        QStringList ids;
        const qsizetype end = out.lastIndexOf('\n');
        const QList<QByteArray> lines = out.left(end + 1).split('\n');
        for (const QByteArray &l : lines)
            if (l.startsWith("C"))
                for (const QByteArray &id : l.mid(1).trimmed().split(' '))
                    if (!id.isEmpty())
                        ids << QString::fromLatin1(id);
        killedMidTransaction += out.size() > end + 1;

        store::Store s;
        const auto st = s.open(db);
        QVERIFY2(st.ok(), qPrintable(st.errorMessage()));
        const auto rep = s.verify();
        QVERIFY2(rep.ok, qPrintable(QStringLiteral("round %1: %2")
                                        .arg(round)
                                        .arg(rep.faults.join(QStringLiteral("; ")))));
        for (const QString &id : std::as_const(ids))
            QVERIFY2(
                s.hasEvent(id),
                qPrintable(
                    QStringLiteral("round %1: committed event %2 is missing").arg(round).arg(id)));
        reported.unite(QSet<QString>(ids.begin(), ids.end()));
        QVERIFY(rep.events >= reported.size());
    }
    // Once more at the end: everything ever reported is still there.
    store::Store s;
    QVERIFY(s.open(db).ok());
    for (const QString &id : std::as_const(reported))
        QVERIFY(s.hasEvent(id));
    const auto rep = s.verify();
    QVERIFY(rep.ok);
    qInfo("%d kills, %lld committed events reported, %lld in the log, %lld incidents, %lld ms",
          rounds, qint64(reported.size()), rep.events, rep.incidents, clock.elapsed());
    Q_UNUSED(killedMidTransaction);
}

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
