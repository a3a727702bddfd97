// SPDX-License-Identifier: MIT
// ChangeWatcher: events this process's engine commits arrive once, in log order, with the
// incidents they touched; events another connection writes to the same database file (a
// second store and engine, as the command line or an ingest daemon would) arrive through
// poll() and through the timer; lastSeq follows the log; nothing arrives twice, nothing
// arrives when nothing changed, and a very large burst is summarised by one bounded read.
#include "coretestutil.h"

#include "itemmodels/changewatcher.h"

#include <QJsonArray>
#include <QTest>

using namespace sitrep;
using itemmodels::ChangeWatcher;
using testing::CoreFixture;

namespace {

/// Every emission of a watcher, in order.
struct Recorder {
    QList<QList<domain::Event>> batches;
    QList<QSet<QString>> uids;

    explicit Recorder(ChangeWatcher &w)
    {
        QObject::connect(&w, &ChangeWatcher::eventsArrived,
                         [this](const QList<domain::Event> &e, const QSet<QString> &u) {
                             batches << e;
                             uids << u;
                         });
    }
    QList<qint64> seqs() const
    {
        QList<qint64> out;
        for (const auto &b : batches)
            for (const auto &e : b)
                out << e.seq;
        return out;
    }
    QSet<QString> allUids() const
    {
        QSet<QString> out;
        for (const auto &u : uids)
            out |= u;
        return out;
    }
};

/// A second connection with its own engine on the same database file: another process.
struct OtherWriter {
    store::Store store;
    engine::ManualClock clock{testing::baseTime()};
    std::unique_ptr<engine::LifecycleEngine> engine;

    explicit OtherWriter(const QString &path)
    {
        if (auto s = store.open(path); !s)
            qFatal("second connection: %s", qPrintable(s.errorMessage()));
        auto wf = workflow::Workflow::load(QStringLiteral("sre"));
        auto oc = workflow::OnCallSchedule::load({});
        if (!wf || !oc)
            qFatal("cannot load the workflow or the on-call schedule");
        engine = std::make_unique<engine::LifecycleEngine>(store, *wf, *oc, clock);
        host::registerWorkflowActions(*engine);
    }
    QString open(const QString &title)
    {
        auto r = engine->execute(engine::Command::open(
            {{QStringLiteral("title"), title}, {QStringLiteral("severity"), QStringLiteral("low")}},
            QStringLiteral("cli")));
        if (!r)
            qFatal("open on the second connection: %s", qPrintable(r.errorMessage()));
        return r->incidentUid;
    }
};

/// The seqs of the log after `after`, as the store gives them.
QList<qint64> logSeqs(store::Store &st, qint64 after)
{
    QList<qint64> out;
    for (const auto &e : st.eventsAfter(after, 100000))
        out << e.seq;
    return out;
}

constexpr int kNoTimer = 3600 * 1000; // the timer never fires during a test

} // namespace

class TestChangeWatcher : public QObject {
    Q_OBJECT

    std::unique_ptr<CoreFixture> fx;
    std::unique_ptr<ChangeWatcher> w;
    std::unique_ptr<Recorder> rec;
    qint64 start = 0; // the end of the log when the watcher started

    /// (Re)starts the watcher on the fixture's engine, recording what it reports.
    void watch(int pollMs)
    {
        rec.reset();
        w = std::make_unique<ChangeWatcher>(fx->eng(), pollMs);
        rec = std::make_unique<Recorder>(*w);
        start = w->lastSeq();
    }
private Q_SLOTS:
    void init()
    {
        fx = std::make_unique<CoreFixture>();
        watch(kNoTimer);
    }
    void cleanup()
    {
        w.reset();
        rec.reset();
        fx.reset();
    }

    void startsAtTheEndOfTheLog_oldEventsAreNotReplayed()
    {
        fx->open(QStringLiteral("Before the watcher"), QStringLiteral("low"));
        const qint64 top = fx->store.maxSeq();
        QVERIFY(top > 0);
        watch(kNoTimer);
        QCOMPARE(w->lastSeq(), top);
        w->poll();
        QCoreApplication::processEvents();
        QVERIFY(rec->batches.isEmpty());
        QCOMPARE(w->lastSeq(), top);
    }

    void ownWrites_arriveOnceInLogOrderWithTheirIncidents()
    {
        const QString a =
            fx->get(fx->open(QStringLiteral("Checkout down"), QStringLiteral("high"))).uid;
        const QString b =
            fx->get(fx->open(QStringLiteral("Search slow"), QStringLiteral("medium"))).uid;
        QVERIFY(fx->eng().execute(engine::Command::note(a, QStringLiteral("rolling back"))));
        // Delivered after the command returns (queued), not from inside execute().
        QVERIFY(rec->batches.isEmpty());
        QTRY_VERIFY(!rec->batches.isEmpty());
        QCoreApplication::processEvents(); // the remaining queued notifications
        const QList<qint64> expected = logSeqs(fx->store, start);
        QVERIFY(expected.size() >= 3);
        QCOMPARE(rec->seqs(), expected); // all of them, in log order, each once
        QCOMPARE(rec->allUids(), (QSet<QString>{a, b}));
        // Each emission names exactly the incidents of its own events.
        for (int i = 0; i < rec->batches.size(); ++i) {
            QSet<QString> own;
            for (const auto &e : rec->batches[i])
                own.insert(e.incidentUid);
            QCOMPARE(rec->uids[i], own);
        }
        QCOMPARE(w->lastSeq(), fx->store.maxSeq());
        // Nothing new: nothing arrives, however often it is asked.
        const int seen = int(rec->batches.size());
        w->poll();
        w->poll();
        QCoreApplication::processEvents();
        QCOMPARE(rec->batches.size(), seen);
    }

    void eachCommandSeparately_noEventTwice()
    {
        QStringList uids;
        for (int i = 0; i < 4; ++i) {
            uids << fx->get(fx->open(QStringLiteral("Incident %1").arg(i), QStringLiteral("low")))
                        .uid;
            QTRY_COMPARE(w->lastSeq(), fx->store.maxSeq());
            QCOMPARE(rec->batches.size(), i + 1);
            QCOMPARE(rec->uids.last(), QSet<QString>{uids.last()});
        }
        QCOMPARE(rec->seqs(), logSeqs(fx->store, start));
    }

    void otherConnection_arrivesThroughPoll()
    {
        const qint64 dvBefore = fx->store.dataVersion();
        OtherWriter other(fx->dbPath);
        const QString x = other.open(QStringLiteral("Opened by the command line"));
        const QString y = other.open(QStringLiteral("Opened by the ingest daemon"));
        // Another connection's commit moves data_version on ours; our engine said nothing.
        QVERIFY(fx->store.dataVersion() != dvBefore);
        QCoreApplication::processEvents();
        QVERIFY(rec->batches.isEmpty());
        w->poll();
        QCOMPARE(rec->batches.size(), 1);
        QCOMPARE(rec->uids.first(), (QSet<QString>{x, y}));
        QCOMPARE(rec->seqs(), logSeqs(fx->store, start));
        for (const auto &e : rec->batches.first())
            QCOMPARE(e.actor, QStringLiteral("cli"));
        QCOMPARE(w->lastSeq(), other.store.maxSeq());
        w->poll();
        QCOMPARE(rec->batches.size(), 1);
    }

    void otherConnection_arrivesThroughTheTimer()
    {
        watch(20);
        OtherWriter other(fx->dbPath);
        const QString x = other.open(QStringLiteral("Written elsewhere"));
        QTRY_COMPARE(rec->batches.size(), 1);
        QCOMPARE(rec->uids.first(), QSet<QString>{x});
        QCOMPARE(w->lastSeq(), fx->store.maxSeq());
        QTest::qWait(100); // several more ticks: nothing again
        QCOMPARE(rec->batches.size(), 1);
    }

    void ownAndOtherWritesInterleaved_eachEventOnceInOrder()
    {
        OtherWriter other(fx->dbPath);
        QSet<QString> expectedUids;
        expectedUids << fx->get(fx->open(QStringLiteral("mine 1"), QStringLiteral("low"))).uid;
        expectedUids << other.open(QStringLiteral("theirs 1"));
        expectedUids << fx->get(fx->open(QStringLiteral("mine 2"), QStringLiteral("low"))).uid;
        w->poll(); // picks up everything so far, including the other connection's event
        expectedUids << other.open(QStringLiteral("theirs 2"));
        QCoreApplication::processEvents(); // our engine's queued notifications
        w->poll();
        QCOMPARE(rec->seqs(), logSeqs(fx->store, start));
        QCOMPARE(rec->allUids(), expectedUids);
        QCOMPARE(w->lastSeq(), fx->store.maxSeq());
    }

    void largeBurst_oneBoundedReadThenCaughtUp()
    {
        OtherWriter other(fx->dbPath);
        QList<engine::Command> batch;
        for (int i = 0; i < 2100; ++i)
            batch << engine::Command::open(
                {{QStringLiteral("title"), QStringLiteral("bulk %1").arg(i)},
                 {QStringLiteral("severity"), QStringLiteral("low")}},
                QStringLiteral("import"));
        auto r = other.engine->executeBatch(batch);
        QVERIFY2(r, qPrintable(r.errorMessage()));
        const qint64 top = other.store.maxSeq();
        QVERIFY(top - start > 2000);
        w->poll();
        QCOMPARE(rec->batches.size(), 1);
        QCOMPARE(rec->batches.first().size(), 2000);
        QCOMPARE(rec->seqs(), logSeqs(fx->store, start).first(2000));
        // The rest is skipped on purpose (the list reloads as a whole): caught up, not behind.
        QCOMPARE(w->lastSeq(), top);
        w->poll();
        QCOMPARE(rec->batches.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestChangeWatcher)
#include "tst_changewatcher.moc"
