// SPDX-License-Identifier: MIT
// The SQLite store: hash chain, tamper detection, projection rebuild, migrations, bad files.
#include "query/incidentquery.h"
#include "unit/coretestutil.h"
#include "unit/tamperutil.h"

#include "demo/demogenerator.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QTest>
#include <QUuid>

#include "store/walbuffer.h"
#include "store/walcheckpointer.h"

#include <sqlite3.h>

using namespace sitrep;
using namespace sitrep::testing;
using engine::Command;

namespace {

// A raw connection beside the store, to do what Sitrep itself never does.
class Raw {
public:
    explicit Raw(const QString &path)
    {
        if (sqlite3_open(path.toUtf8().constData(), &m_db) != SQLITE_OK)
            qFatal("cannot open %s", qPrintable(path));
        sqlite3_busy_timeout(m_db, 5000);
    }
    ~Raw() { sqlite3_close(m_db); }
    // Runs SQL; returns the error text or empty.
    QString exec(const QString &sql)
    {
        char *err = nullptr;
        if (sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &err) == SQLITE_OK)
            return {};
        const QString e = QString::fromUtf8(err ? err : "error");
        sqlite3_free(err);
        return e;
    }
    // Every row of a query, every column with its storage class: an exact snapshot.
    QStringList rows(const QString &sql)
    {
        QStringList out;
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.toUtf8().constData(), -1, &st, nullptr) != SQLITE_OK)
            qFatal("bad query %s: %s", qPrintable(sql), sqlite3_errmsg(m_db));
        while (sqlite3_step(st) == SQLITE_ROW) {
            QStringList cols;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const QString name = QString::fromUtf8(sqlite3_column_name(st, i));
                switch (sqlite3_column_type(st, i)) {
                case SQLITE_INTEGER:
                    cols << name + QStringLiteral("=i:") +
                                QString::number(sqlite3_column_int64(st, i));
                    break;
                case SQLITE_FLOAT:
                    cols << name + QStringLiteral("=f:") +
                                QString::number(sqlite3_column_double(st, i));
                    break;
                case SQLITE_TEXT:
                    cols << name + QStringLiteral("=t:") +
                                QString::fromUtf8(
                                    reinterpret_cast<const char *>(sqlite3_column_text(st, i)),
                                    sqlite3_column_bytes(st, i));
                    break;
                case SQLITE_BLOB:
                    cols << name + QStringLiteral("=b:") +
                                QString::fromLatin1(QByteArray(static_cast<const char *>(
                                                                   sqlite3_column_blob(st, i)),
                                                               sqlite3_column_bytes(st, i))
                                                        .toHex());
                    break;
                default:
                    cols << name + QStringLiteral("=null");
                    break;
                }
            }
            out << cols.join(u'|');
        }
        sqlite3_finalize(st);
        return out;
    }
    qint64 value(const QString &sql)
    {
        const QStringList r = rows(sql);
        return r.isEmpty() ? -1 : r.first().section(u':', 1).toLongLong();
    }

private:
    sqlite3 *m_db = nullptr;
};

/// Runs `sql` on the event log past its append-only `trigger`, then verifies the store: the
/// faults found. A rewrite that fails fails the test here (and finds no fault).
QString faultsAfterRewrite(CoreFixture &fx, const char *trigger, const QString &sql)
{
    const QString error = rewriteEventLog(fx.dbPath, trigger, sql);
    if (!error.isEmpty()) {
        QTest::qFail(qPrintable(QStringLiteral("rewriting the event log failed: ") + error),
                     __FILE__, __LINE__);
        return {};
    }
    return faultsFound(fx.store);
}

void runDemo(CoreFixture &fx, int incidents)
{
    demo::DemoOptions o;
    o.incidents = incidents;
    o.seed = 1234;
    o.days = 30;
    auto r = demo::runDemo(fx.eng(), o);
    if (!r)
        qFatal("demo failed: %s", qPrintable(r.errorMessage()));
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_sqliteKeepsNoMemoryStatistics();
    void walBuffer_everyCommitIsInTheFileWhenItReturns();
    void walBuffer_rolledBackSpillLeavesLaterCommitsWhole();
    void walCheckpointer_writesTheLogBackOnItsThreadAndKeepsItBounded();
    void walCheckpointer_pauseHoldsItOffAndAStoreInMemoryHasNone();
    void writtenIncidents_answerUntilTheNextWrite();
    void numbers_areSequentialAndPadded();
    void hashChain_validAfterDemo();
    void hashChain_linksEveryEvent();
    void hlc_increasesWithSeq();
    void eventLog_isAppendOnly();
    void tamper_changedPayload_isReported();
    void tamper_changedActor_isReported();
    void tamper_deletedEvent_isReported();
    void tamper_projectionRow_isReported();
    void tamper_droppedIncidentEvents_isReported();
    void origin_isTheReplicaId_andCoveredByTheHash();
    void tamper_hashRuleLoweredOrUnknown_isReported();
    void olderEvents_verifyUnderTheOldRule();
    void rebuild_givesIdenticalRows();
    void rebuild_repairsProjection();
    void migrations_areIdempotent();
    void openIndexes_arePartialAndUsed();
    void listSorts_walkAnIndexInEveryView();
    void reopen_keepsData();
    void notSqlite_givesClearError();
    void directoryAsDatabase_givesClearError();
    void missingFolder_isCreated();
    void readOnlyStore_reads();
    void list_filtersSortsAndPages();
    void search_findsTitleDescriptionAndNotes();
    void search_userInputIsNotSyntax();
    void findIncident_acceptsNumberShortNumberAndUuid();
    void meta_roundTrip();
    void openWithGivenUid_anySpelling_keepsChain();
    void oddText_survivesTheRoundTrip();
    void preparedStatements_literalAndBuiltTextShareOne();
    void appendEvent_storesTheBytesOfEverySpelling();
};

// The event row stores the 16 bytes of each UUID and the raw hashes: read without a
// conversion for the usual spellings, and as before (QUuid, QByteArray::fromHex) for any
// other, so a row is the same bytes whichever way its event spelled them.
void TestStore::appendEvent_storesTheBytesOfEverySpelling()
{
    CoreFixture fx;
    const QString incident = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
    const QString hash = QString::fromLatin1(QByteArray(32, char(0xab)).toHex());
    struct Case {
        QString id, incident, prev, hash;
    };
    const QList<Case> cases{
        {QStringLiteral("7c9e6679-7425-40de-944b-e07fc1f90ae7"), incident, QString(), hash},
        {QStringLiteral("7C9E6679-7425-40DE-944B-E07FC1F90AE8"), incident.toUpper(), hash,
         hash.toUpper()},
        {QStringLiteral("{7c9e6679-7425-40de-944b-e07fc1f90ae9}"), incident, QStringLiteral("abc"),
         QStringLiteral("zz") + hash},
        {QStringLiteral("7c9e6679x7425-40de-944b-e07fc1f90aea"), incident, hash.left(10), hash},
    };
    QVERIFY(fx.store.db().begin().ok());
    for (const Case &c : cases) {
        domain::Event e;
        e.id = c.id;
        e.incidentUid = c.incident;
        e.hlc = 1;
        e.ts = 2;
        e.actor = QStringLiteral("sam");
        e.kind = QStringLiteral("note.added");
        e.payload = {{QStringLiteral("text"), QStringLiteral("hi")}};
        e.origin = QStringLiteral("replica");
        e.prevHash = c.prev;
        e.hash = c.hash;
        QVERIFY(fx.store.appendEvent(e).ok());
        store::Stmt *q = fx.store.db().prepare(
            QStringLiteral("SELECT id, incident, prev_hash, hash, typeof(prev_hash), payload FROM "
                           "events WHERE seq=?"));
        q->bind(1, e.seq);
        QVERIFY(q->step());
        store::RowReader row(*q);
        QCOMPARE(row.blob(), store::Store::uuidToBlob(c.id));
        QCOMPARE(row.blob(), store::Store::uuidToBlob(c.incident));
        QCOMPARE(row.blob(), QByteArray::fromHex(c.prev.toLatin1()));
        QCOMPARE(row.blob(), QByteArray::fromHex(c.hash.toLatin1()));
        QCOMPARE(row.text(), QStringLiteral("blob"));
        QCOMPARE(row.text(), QStringLiteral("{\"text\":\"hi\"}"));
        q->reset();
    }
    fx.store.db().rollback();
}

void TestStore::initTestCase_sqliteKeepsNoMemoryStatistics()
{
    // Runs first, so the store opens the first connection of the process: SQLite's memory
    // statistics are off (configureSqlite()), so nothing counts what SQLite allocates.
    QTemporaryDir dir;
    store::Store st;
    QVERIFY(st.open(dir.filePath(QStringLiteral("m.db"))));
    QVERIFY(st.db()
                .exec(QStringLiteral("CREATE TABLE m(v); INSERT INTO m VALUES(randomblob(99999))"))
                .ok());
    QCOMPARE(sqlite3_memory_used(), sqlite3_int64(0));
    store::configureSqlite(); // again, now that SQLite has started: changes nothing
    QCOMPARE(st.db().scalar(QStringLiteral("SELECT length(v) FROM m")), qint64(99999));
}

namespace {
QString insertRows(const QString &who, int rows, int bytes)
{
    return QStringLiteral(
               "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<%1) "
               "INSERT INTO scratch(who, body) SELECT '%2', zeroblob(%3) FROM c")
        .arg(rows)
        .arg(who)
        .arg(bytes);
}
} // namespace

void TestStore::walBuffer_everyCommitIsInTheFileWhenItReturns()
{
    // The store's file layer gathers a transaction's log frames into few writes. Each commit
    // is in the file when it returns: a connection without the layer, which reads nothing
    // but the file, sees every commit at once, across transactions larger than the layer's
    // buffer and across restarts of the log. And the layer wrote far fewer times than SQLite
    // asked it to.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.db"));
    store::Store st;
    QVERIFY(st.open(path));
    auto &db = st.db();
    QVERIFY(db.exec(QStringLiteral("PRAGMA wal_autocheckpoint=64"))); // restarts the log often
    QVERIFY(db.exec(
        QStringLiteral("CREATE TABLE scratch(n INTEGER PRIMARY KEY, who TEXT, body BLOB)")));
    Raw reader(path);
    const store::WalBufferCounts before = store::walBufferCounts();
    qint64 rows = 0;
    for (int t = 0; t < 150; ++t) {
        const int n = 1 + (t * 7) % 40;
        QVERIFY(db.begin());
        QVERIFY(db.exec(insertRows(QStringLiteral("w"), n, 200 + (t % 5) * 1500)));
        QVERIFY(db.commit());
        rows += n;
        QCOMPARE(reader.value(QStringLiteral("SELECT count(*) FROM scratch")), rows);
    }
    const store::WalBufferCounts after = store::walBufferCounts();
    const qint64 asked = after.logWrites - before.logWrites;
    const qint64 written = after.fileWrites - before.fileWrites;
    QVERIFY2(asked > 2000, qPrintable(QString::number(asked)));
    QVERIFY2(written * 4 < asked, qPrintable(QStringLiteral("%1 of %2").arg(written).arg(asked)));
    // Each commit's frames were written out as its commit frame completed, before SQLite
    // published them to readers (its write lock's release comes later).
    QCOMPARE(after.commitWrites - before.commitWrites, 150);
    QCOMPARE(reader.rows(QStringLiteral("PRAGMA integrity_check")),
             QStringList{QStringLiteral("integrity_check=t:ok")});
}

void TestStore::walBuffer_rolledBackSpillLeavesLaterCommitsWhole()
{
    // A transaction too large for its page cache writes frames to the log before it ends (and
    // reads them back as it goes). Rolled back, its last frames may still wait in the layer's
    // buffer.
    // They must reach the file before another connection can write the log: otherwise they
    // would land later on top of that connection's committed frames.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.db"));
    {
        store::Store st;
        QVERIFY(st.open(path));
        auto &db = st.db();
        QVERIFY(db.exec(
            QStringLiteral("CREATE TABLE scratch(n INTEGER PRIMARY KEY, who TEXT, body BLOB)")));
        QVERIFY(db.exec(QStringLiteral("PRAGMA cache_size=8")));
        // An empty log: the rollback then reads every page it puts back from the database
        // file, and nothing reads the log before the write lock goes.
        QVERIFY(db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        const store::WalBufferCounts before = store::walBufferCounts();
        QVERIFY(db.begin());
        QVERIFY(db.exec(insertRows(QStringLiteral("rolled back"), 300, 3000)));
        QVERIFY(store::walBufferCounts().logWrites > before.logWrites + 100); // it spilled
        db.rollback();
        {
            Raw other(path); // writes the log where the rolled-back frames were
            QCOMPARE(other.exec(insertRows(QStringLiteral("other"), 400, 3000)), QString());
        }
        QVERIFY(db.exec(insertRows(QStringLiteral("after"), 1, 10)));
    }
    Raw check(path);
    QCOMPARE(check.rows(QStringLiteral("PRAGMA integrity_check")),
             QStringList{QStringLiteral("integrity_check=t:ok")});
    QCOMPARE(check.value(QStringLiteral(
                 "SELECT count(*) FROM scratch WHERE who='other' AND body=zeroblob(3000)")),
             400);
    QCOMPARE(check.value(QStringLiteral("SELECT count(*) FROM scratch WHERE who='after'")), 1);
    QCOMPARE(check.value(QStringLiteral("SELECT count(*) FROM scratch")), 401);
}

void TestStore::walCheckpointer_writesTheLogBackOnItsThreadAndKeepsItBounded()
{
    // A writer that commits without a pause, as during a storm. The log is written back on the
    // checkpointer's thread, the writer copying only what is left after the thread's pass; the
    // log starts again from its beginning, so the file stays within a few thresholds (without
    // that it would hold every commit: about 5,000 frames), the writer waiting
    // for the thread's round there if it must; every commit is kept, also when the
    // checkpointer goes while its thread is copying.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.db"));
    constexpr int pages = 64;
    constexpr qint64 frame = 4096 + 24;
    store::Db db;
    QVERIFY(db.open(path));
    QVERIFY(db.exec(QStringLiteral("PRAGMA journal_mode=WAL")));
    QVERIFY(db.exec(QStringLiteral("PRAGMA synchronous=NORMAL")));
    QVERIFY(db.exec(
        QStringLiteral("CREATE TABLE scratch(n INTEGER PRIMARY KEY, who TEXT, body BLOB)")));
    qint64 rows = 0, largest = 0;
    const auto commit = [&](int n) {
        if (!db.begin() || !db.exec(insertRows(QStringLiteral("w"), n, 3000)) || !db.commit())
            return false;
        rows += n;
        largest = qMax(largest, QFileInfo(path + QStringLiteral("-wal")).size());
        return true;
    };
    {
        store::WalCheckpointer c(db.handle(), path, pages);
        for (int t = 0; t < 1000; ++t)
            QVERIFY(commit(4)); // five pages or so each
        c.waitIdle();
        const store::WalCheckpointer::Counts n = c.counts();
        QVERIFY2(n.background > 0, qPrintable(QString::number(n.background)));
        QCOMPARE(n.failed, 0);
        // About four thresholds and a commit (under 300 frames) when both threads get a core.
        // On a machine too busy for that, the thread's connection can be held off the core
        // while it reads the log, and a reader of an older snapshot keeps any checkpoint from
        // finishing, so the log starts again only once it is back (up to about 1,100 frames
        // seen with both cores taken by other work). What is asserted is what holds there
        // too: the log is written back and starts again, staying under half of the 5,000
        // frames it holds without the checkpointer.
        QVERIFY2(largest < 2500 * frame,
                 qPrintable(QStringLiteral("%1 frames").arg(largest / frame)));
        // Gone while its thread may be copying: the writer goes on without it.
        for (int t = 0; t < 40; ++t)
            QVERIFY(commit(4));
    }
    // SQLite's own checkpoint is back, at the same threshold.
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA wal_autocheckpoint")), pages);
    QVERIFY(commit(1));
    Raw check(path);
    QCOMPARE(check.value(QStringLiteral("SELECT count(*) FROM scratch")), rows);
    QCOMPARE(check.rows(QStringLiteral("PRAGMA integrity_check")),
             QStringList{QStringLiteral("integrity_check=t:ok")});
    db.close();
    QCOMPARE(Raw(path).value(QStringLiteral("SELECT count(*) FROM scratch")), rows);
}

void TestStore::walCheckpointer_pauseHoldsItOffAndAStoreInMemoryHasNone()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.db"));
    store::Store st;
    QVERIFY(st.open(path));
    store::WalCheckpointer *c = st.checkpointer();
    QVERIFY(c);
    auto &db = st.db();
    QVERIFY(db.exec(
        QStringLiteral("CREATE TABLE scratch(n INTEGER PRIMARY KEY, who TEXT, body BLOB)")));
    // A commit that takes the log past the threshold but not four times past it: the thread's
    // work, held off while paused; the journal mode may change then (a bulk load's first step).
    const auto bigCommit = [&] {
        return db.begin() &&
               db.exec(insertRows(QStringLiteral("big"), store::kWalCheckpointPages / 3, 3000)) &&
               db.commit();
    };
    {
        const store::CheckpointPause pause(c);
        for (int i = 0; i < 4; ++i)
            QVERIFY(bigCommit());
        c->waitIdle();
        QCOMPARE(c->counts().background, 0);
        QCOMPARE(c->counts().onCommit, 0);
    }
    c->waitIdle(); // resumed: the pass asked for while paused runs now
    QVERIFY(c->counts().background > 0);
    QCOMPARE(c->counts().failed, 0);
    {
        const store::CheckpointPause pause(c);
        QVERIFY(db.exec(QStringLiteral("PRAGMA journal_mode=DELETE"))); // stays WAL if it cannot
        QCOMPARE(db.scalar(QStringLiteral(
                     "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='delete'")),
                 1);
        QVERIFY(db.exec(QStringLiteral("PRAGMA journal_mode=WAL")));
    }
    st.close();
    QCOMPARE(Raw(path).value(QStringLiteral("SELECT count(*) FROM scratch")),
             4 * (store::kWalCheckpointPages / 3));

    store::Store memory;
    QVERIFY(memory.open(QStringLiteral(":memory:")));
    QVERIFY(!memory.checkpointer());
}

void TestStore::preparedStatements_literalAndBuiltTextShareOne()
{
    // Literal SQL is found by where its text is; built SQL by its content. Both must name
    // the same statement for the same text, and different text never shares one.
    QTemporaryDir dir;
    store::Db db;
    QVERIFY(db.open(dir.filePath(QStringLiteral("p.db"))).ok());
    store::Stmt *literal = db.prepare(QStringLiteral("SELECT 1"));
    QVERIFY(literal);
    QCOMPARE(db.prepare(QStringLiteral("SELECT 1")), literal);
    const QString built = QStringLiteral("SELECT ") + QString::number(1);
    QCOMPARE(db.prepare(built), literal);
    store::Stmt *other = db.prepare(QStringLiteral("SELECT 2"));
    QVERIFY(other && other != literal);
    // A built text is freed and another takes its place: found by content, not by address.
    for (int i = 0; i < 50; ++i) {
        const QString sql = QStringLiteral("SELECT %1").arg(i % 3 + 1);
        store::Stmt *s = db.prepare(sql);
        QVERIFY(s);
        QVERIFY(s->step());
        QCOMPARE(store::RowReader(*s).int64(), i % 3 + 1);
        s->reset();
    }
    // A literal that failed to prepare is not remembered as a statement.
    QVERIFY(!db.prepare(QStringLiteral("SELECT FROM")));
    QVERIFY(!db.prepare(QStringLiteral("SELECT FROM")));
    // Closing drops both ways of finding a statement; a new connection prepares afresh.
    db.close();
    QVERIFY(db.open(dir.filePath(QStringLiteral("p.db"))).ok());
    store::Stmt *again = db.prepare(QStringLiteral("SELECT 1"));
    QVERIFY(again);
    QVERIFY(again->step());
    QCOMPARE(store::RowReader(*again).int64(), 1);
    again->reset();
}

void TestStore::openWithGivenUid_anySpelling_keepsChain()
{
    // Replicas and importers open incidents under their own UUID; braces and capitals must
    // not end up in the hash, or verify fails once the event is read back.
    CoreFixture fx;
    const QString uid = QStringLiteral("{6F9619FF-8B86-D011-B42D-00C04FC964FF}");
    auto r = fx.engine->execute(
        Command::open({{"title", "imported"}, {"severity", "low"}, {"uid", uid}}));
    QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
    QCOMPARE(r->incidentUid, QStringLiteral("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
    QVERIFY(fx.run(Command::Kind::Note, uid, {{"text", "by the braced spelling"}}).ok());
    QVERIFY(fx.run(Command::Kind::Note, r->incidentUid, {{"text", "by the plain one"}}).ok());
    QCOMPARE(faultsFound(fx.store), QString());
    // The same UUID again, in another spelling, is a conflict.
    auto again = fx.engine->execute(Command::open(
        {{"title", "twice"}, {"severity", "low"}, {"uid", r->incidentUid.toUpper()}}));
    QVERIFY(!again.ok());
    auto batch =
        fx.eng().executeBatch({Command::open({{"title", "a"},
                                              {"severity", "low"},
                                              {"uid", "11111111-2222-3333-4444-555555555555"}}),
                               Command::open({{"title", "b"},
                                              {"severity", "low"},
                                              {"uid", "{11111111-2222-3333-4444-555555555555}"}})});
    QVERIFY(batch.ok());
    QVERIFY((*batch)[0].ok());
    QVERIFY(!(*batch)[1].ok());
    QVERIFY(fx.store.verify().ok);
}

void TestStore::oddText_survivesTheRoundTrip()
{
    // Text from webhooks can hold anything JSON can escape: lone surrogates, NUL, controls,
    // emoji, right-to-left marks. The projection written live must equal the one rebuilt.
    CoreFixture fx;
    QString odd = QStringLiteral("a\u0000b \t\r\n \U0001F525 \u202Eevil ");
    odd += QChar(0xD800); // lone high surrogate
    odd += QStringLiteral(" end");
    // A title is one line without control characters (the engine refuses the rest); it
    // still takes emoji, bidi marks and lone surrogates.
    QVERIFY(!fx.engine
                 ->execute(Command::open(
                     {{"title", QStringLiteral("title ") + odd}, {"severity", "low"}}))
                 .ok());
    QString oddTitle = QStringLiteral("title \U0001F525 \u202Eevil ");
    oddTitle += QChar(0xD800);
    const QString n = fx.open({{"title", oddTitle}, {"severity", "low"}, {"description", odd}});
    QVERIFY(!n.isEmpty());
    QVERIFY(fx.run(Command::Kind::Note, n, {{"text", odd}}).ok());
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "category"}, {"value", odd}}).ok());
    QVERIFY(fx.run(Command::Kind::LinkAlert, n, {{"alert", odd}}).ok());
    QCOMPARE(faultsFound(fx.store), QString());
}

void TestStore::numbers_areSequentialAndPadded()
{
    CoreFixture fx;
    QCOMPARE(fx.open(QStringLiteral("a"), QStringLiteral("low")), QStringLiteral("INC0000001"));
    QCOMPARE(fx.open(QStringLiteral("b"), QStringLiteral("low")), QStringLiteral("INC0000002"));
    // A rejected open does not burn a number.
    QVERIFY(!fx.engine->execute(Command::open({{"title", "c"}, {"severity", "bogus"}})).ok());
    QCOMPARE(fx.open(QStringLiteral("d"), QStringLiteral("low")), QStringLiteral("INC0000003"));
}

void TestStore::hashChain_validAfterDemo()
{
    CoreFixture fx;
    runDemo(fx, 60);
    QCOMPARE(fx.store.incidentCount(), 60);
    const auto rep = fx.store.verify();
    QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));
    QCOMPARE(rep.incidents, 60);
    QCOMPARE(rep.events, fx.store.maxSeq());
    QVERIFY(rep.events > 300);
}

void TestStore::hashChain_linksEveryEvent()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    for (int i = 0; i < 5; ++i)
        QVERIFY(fx.run(Command::Kind::Note, n, {{"text", QStringLiteral("note %1").arg(i)}}).ok());
    const auto inc = fx.get(n);
    const auto tl = fx.store.timeline(inc.uid);
    QVERIFY(tl.size() >= 6);
    QVERIFY(tl.first().prevHash.isEmpty());
    for (qsizetype i = 0; i < tl.size(); ++i) {
        QCOMPARE(tl[i].hash, tl[i].computeHash());
        QCOMPARE(tl[i].hash.size(), 64);
        if (i > 0)
            QCOMPARE(tl[i].prevHash, tl[i - 1].hash);
    }
    QCOMPARE(inc.headHash, tl.last().hash);
    QCOMPARE(inc.eventCount, qint64(tl.size()));
}

void TestStore::hlc_increasesWithSeq()
{
    CoreFixture fx;
    runDemo(fx, 20);
    // Commands in the same millisecond still get distinct, growing clocks.
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    for (int i = 0; i < 3; ++i)
        QVERIFY(fx.run(Command::Kind::Note, n, {{"text", "x"}}).ok());
    const auto evs = fx.store.eventsAfter(0, 1000000);
    QCOMPARE(qint64(evs.size()), fx.store.maxSeq());
    QSet<QString> ids;
    for (qsizetype i = 0; i < evs.size(); ++i) {
        QVERIFY(!ids.contains(evs[i].id));
        ids.insert(evs[i].id);
        if (i > 0) {
            QVERIFY(evs[i].seq > evs[i - 1].seq);
            QVERIFY2(evs[i].hlc > evs[i - 1].hlc,
                     qPrintable(QStringLiteral("seq %1").arg(evs[i].seq)));
        }
    }
}

void TestStore::eventLog_isAppendOnly()
{
    CoreFixture fx;
    fx.open(QStringLiteral("a"), QStringLiteral("high"));
    Raw raw(fx.dbPath);
    QVERIFY(raw.exec(QStringLiteral("UPDATE events SET actor='mallory'"))
                .contains(QStringLiteral("append-only")));
    QVERIFY(raw.exec(QStringLiteral("DELETE FROM events")).contains(QStringLiteral("append-only")));
    QVERIFY(fx.store.verify().ok);
}

void TestStore::tamper_changedPayload_isReported()
{
    CoreFixture fx;
    runDemo(fx, 20);
    QVERIFY(fx.store.verify().ok);
    Raw raw(fx.dbPath);
    const qint64 seq = raw.value(
        QStringLiteral("SELECT seq FROM events WHERE kind='note.added' ORDER BY seq LIMIT 1"));
    QVERIFY(seq > 0);
    const QString eventId = fx.store.eventsAfter(seq - 1, 1).first().id;
    // Change the note's text inside the JSON, keeping it valid JSON.
    const QString faults =
        faultsAfterRewrite(fx, "events_append_only_update",
                           QStringLiteral("UPDATE events SET payload=json_set(payload, '$.text', "
                                          "'nothing to see here') WHERE seq=%1")
                               .arg(seq));
    QVERIFY2(faults.contains(eventId), qPrintable(faults));
    QVERIFY2(faults.contains(QStringLiteral("content changed")), qPrintable(faults));
}

void TestStore::tamper_changedActor_isReported()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("critical"));
    QVERIFY(fx.approve(n, QStringLiteral("*"), QStringLiteral("alice")).ok());
    const QString faults = faultsAfterRewrite(
        fx, "events_append_only_update",
        QStringLiteral("UPDATE events SET actor='mallory' WHERE kind='approval.granted'"));
    QVERIFY2(faults.contains(QStringLiteral("approval.granted")), qPrintable(faults));
}

void TestStore::tamper_deletedEvent_isReported()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    for (int i = 0; i < 3; ++i)
        QVERIFY(fx.run(Command::Kind::Note, n, {{"text", QStringLiteral("note %1").arg(i)}}).ok());
    Raw raw(fx.dbPath);
    const qint64 seq = raw.value(
        QStringLiteral("SELECT seq FROM events WHERE kind='note.added' ORDER BY seq LIMIT 1"));
    const QString faults =
        faultsAfterRewrite(fx, "events_append_only_delete",
                           QStringLiteral("DELETE FROM events WHERE seq=%1").arg(seq));
    QVERIFY2(faults.contains(QStringLiteral("chain broken")), qPrintable(faults));
    // Deleting the newest event leaves a whole chain, but the projection no longer matches.
    CoreFixture fx2;
    const QString m = fx2.open(QStringLiteral("b"), QStringLiteral("high"));
    QVERIFY(fx2.run(Command::Kind::Note, m, {{"text", "last words"}}).ok());
    const QString faults2 = faultsAfterRewrite(
        fx2, "events_append_only_delete",
        QStringLiteral("DELETE FROM events WHERE seq=(SELECT max(seq) FROM events)"));
    QVERIFY2(faults2.contains(m), qPrintable(faults2));
}

void TestStore::origin_isTheReplicaId_andCoveredByTheHash()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Note, n, {{"text", "by this replica"}}).ok());
    // Every database is a replica with its own id from the start, kept across reopening.
    const QString replica = fx.store.meta(QStringLiteral("replica_id"));
    QVERIFY(!QUuid::fromString(replica).isNull());
    CoreFixture other;
    QVERIFY(other.store.meta(QStringLiteral("replica_id")) != replica);
    {
        store::Store again;
        QVERIFY(again.open(fx.dbPath).ok());
        QCOMPARE(again.meta(QStringLiteral("replica_id")), replica);
    }
    Raw raw(fx.dbPath);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM events WHERE origin <> '%1' OR "
                                      "hash_rule <> 2")
                           .arg(replica)),
             0);
    QVERIFY(raw.value(QStringLiteral("SELECT count(*) FROM events")) >= 2);
    QVERIFY(fx.store.verify().ok);
    // Moving an event to another replica after the fact breaks its hash.
    const qint64 seq = raw.value(QStringLiteral("SELECT seq FROM events WHERE kind='note.added'"));
    const QString eventId = fx.store.eventsAfter(seq - 1, 1).first().id;
    QCOMPARE(raw.exec(QStringLiteral("DROP TRIGGER events_append_only_update")), QString());
    QCOMPARE(
        raw.exec(QStringLiteral("UPDATE events SET origin='another-laptop' WHERE seq=%1").arg(seq)),
        QString());
    const QString faults = faultsFound(fx.store);
    QVERIFY2(faults.contains(eventId) && faults.contains(u"content changed"), qPrintable(faults));
}

void TestStore::tamper_hashRuleLoweredOrUnknown_isReported()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Note, n, {{"text", "under rule 2"}}).ok());
    Raw raw(fx.dbPath);
    const qint64 seq = raw.value(QStringLiteral("SELECT seq FROM events WHERE kind='note.added'"));
    QCOMPARE(raw.exec(QStringLiteral("DROP TRIGGER events_append_only_update")), QString());
    // Claiming the old rule, which does not cover the origin, changes the hash too.
    QCOMPARE(raw.exec(QStringLiteral("UPDATE events SET hash_rule=1 WHERE seq=%1").arg(seq)),
             QString());
    QString faults = faultsFound(fx.store);
    QVERIFY2(faults.contains(u"content changed"), qPrintable(faults));
    // A rule this version does not know is said as such.
    QCOMPARE(raw.exec(QStringLiteral("UPDATE events SET hash_rule=9 WHERE seq=%1").arg(seq)),
             QString());
    faults = faultsFound(fx.store);
    QVERIFY2(faults.contains(u"hashed under rule 9"), qPrintable(faults));
}

void TestStore::olderEvents_verifyUnderTheOldRule()
{
    // A log written before the origin was hashed: its events say rule 1 and origin "local",
    // chained under rule 1. They still verify, and new events chain on under rule 2.
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    QVERIFY(fx.run(Command::Kind::Note, n, {{"text", "written long ago"}}).ok());
    const QString uid = fx.store.findIncident(n)->uid;
    Raw raw(fx.dbPath);
    QCOMPARE(raw.exec(QStringLiteral("DROP TRIGGER events_append_only_update")), QString());
    QByteArray prev;
    for (const domain::Event &e : fx.store.timeline(uid)) {
        const QByteArray hash = domain::chainHash(
            domain::HashRule::Original, prev.toHex(), e.id.toLatin1(), e.incidentUid.toLatin1(),
            e.hlc, e.ts, e.actor.toUtf8(), e.kind.toUtf8(), "ignored", e.payloadJson());
        QCOMPARE(
            raw.exec(QStringLiteral("UPDATE events SET origin='local', hash_rule=1, "
                                    "prev_hash=x'%1', hash=x'%2' WHERE seq=%3")
                         .arg(QString::fromLatin1(prev.toHex()), QString::fromLatin1(hash.toHex()))
                         .arg(e.seq)),
            QString());
        prev = hash;
    }
    QCOMPARE(raw.exec(QStringLiteral("UPDATE incidents SET head_hash=x'%1' WHERE uid=x'%2'")
                          .arg(QString::fromLatin1(prev.toHex()), QString(uid).remove(u'-'))),
             QString());
    QCOMPARE(faultsFound(fx.store), QString());
    // Under rule 1 the origin is not covered: relabelling it is not a fault (what rule 2 is for).
    QCOMPARE(raw.exec(QStringLiteral("UPDATE events SET origin='remote' WHERE hash_rule=1")),
             QString());
    QCOMPARE(faultsFound(fx.store), QString());
    QVERIFY(fx.run(Command::Kind::Note, n, {{"text", "written today"}}).ok());
    QCOMPARE(raw.value(QStringLiteral("SELECT hash_rule FROM events WHERE seq=(SELECT max(seq) "
                                      "FROM events)")),
             2);
    QCOMPARE(faultsFound(fx.store), QString());
}

void TestStore::tamper_projectionRow_isReported()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    fx.open(QStringLiteral("b"), QStringLiteral("low"));
    Raw raw(fx.dbPath);
    QCOMPARE(raw.exec(QStringLiteral("UPDATE incidents SET priority=4 WHERE number='%1'").arg(n)),
             QString());
    const QString faults = faultsFound(fx.store);
    QVERIFY2(faults.contains(n), qPrintable(faults));
    QVERIFY2(faults.contains(QStringLiteral("projection")), qPrintable(faults));
    QVERIFY2(!faults.contains(QStringLiteral("INC0000002")), qPrintable(faults));
}

void TestStore::tamper_droppedIncidentEvents_isReported()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("high"));
    const QString faults =
        faultsAfterRewrite(fx, "events_append_only_delete", QStringLiteral("DELETE FROM events"));
    QVERIFY2(faults.contains(n), qPrintable(faults));
}

void TestStore::writtenIncidents_answerUntilTheNextWrite()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("as stored"), QStringLiteral("high"));
    const auto stored = fx.store.incidentByNumber(n);
    QVERIFY(stored);
    QHash<QString, domain::Incident> written{{stored->uid, *stored}};
    written[stored->uid].title = QStringLiteral("as held");
    written[stored->uid].alerts = {QStringLiteral("not stored")};
    fx.store.setWrittenIncidents(&written);
    const auto held = fx.store.incidentByUid(stored->uid);
    QVERIFY(held);
    QCOMPARE(held->title, QStringLiteral("as held"));
    QVERIFY(held->alerts.isEmpty()); // as a read gives it: the links are not in the row
    QCOMPARE(held->alertsInTable, held->alertCount);
    // Any incident write ends it: the rows are read again.
    QVERIFY(fx.store.db().begin());
    domain::Incident copy = *stored;
    QVERIFY(fx.store.writeIncident(copy, &*stored));
    QCOMPARE(fx.store.incidentByUid(stored->uid)->title, QStringLiteral("as stored"));
    fx.store.db().rollback();
    fx.store.setWrittenIncidents(nullptr);
}

void TestStore::rebuild_givesIdenticalRows()
{
    CoreFixture fx;
    runDemo(fx, 80);
    QVERIFY(fx.eng().checkSla(fx.clock.nowMs()).ok());
    Raw raw(fx.dbPath);
    const QString incidents = QStringLiteral("SELECT * FROM incidents ORDER BY id");
    const QString services =
        QStringLiteral("SELECT * FROM incident_services ORDER BY service, incident");
    const QString search =
        QStringLiteral("SELECT rowid, body, incident FROM search ORDER BY rowid");
    const QStringList before = raw.rows(incidents);
    const QStringList servicesBefore = raw.rows(services);
    const QStringList searchBefore = raw.rows(search);
    QCOMPARE(before.size(), 80);
    QVERIFY(!servicesBefore.isEmpty());
    QVERIFY(searchBefore.size() > 80); // titles plus notes
    QVERIFY(before.first().contains(QStringLiteral("sla_due=")));

    QVERIFY(fx.store.rebuildProjection().ok());
    const QStringList after = raw.rows(incidents);
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < before.size(); ++i)
        QCOMPARE(after[i], before[i]); // every column, with its storage class
    QCOMPARE(raw.rows(services), servicesBefore);
    QCOMPARE(raw.rows(search), searchBefore);
    QVERIFY(fx.store.verify().ok);
}

void TestStore::rebuild_repairsProjection()
{
    CoreFixture fx;
    runDemo(fx, 10);
    Raw raw(fx.dbPath);
    const QStringList good = raw.rows(QStringLiteral("SELECT * FROM incidents ORDER BY id"));
    QCOMPARE(raw.exec(QStringLiteral("UPDATE incidents SET title='defaced', state='resolved'")),
             QString());
    QCOMPARE(raw.exec(QStringLiteral("DELETE FROM incident_services")), QString());
    QVERIFY(!fx.store.verify().ok);
    QVERIFY(fx.store.rebuildProjection().ok());
    QCOMPARE(raw.rows(QStringLiteral("SELECT * FROM incidents ORDER BY id")), good);
    QVERIFY(fx.store.verify().ok);
}

void TestStore::migrations_areIdempotent()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("m.db"));
    QStringList schema;
    {
        store::Store s;
        QVERIFY(s.open(path).ok());
        Raw raw(path);
        schema = raw.rows(
            QStringLiteral("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"));
        QVERIFY(!raw.rows(QStringLiteral("SELECT name FROM schema_migrations")).isEmpty());
    }
    for (int i = 0; i < 3; ++i) {
        store::Store s;
        const auto st = s.open(path);
        QVERIFY2(st.ok(), qPrintable(st.errorMessage()));
    }
    Raw raw(path);
    QCOMPARE(
        raw.rows(QStringLiteral("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")),
        schema);
    const QStringList names =
        raw.rows(QStringLiteral("SELECT name FROM schema_migrations ORDER BY name"));
    QCOMPARE(raw.value(QStringLiteral("SELECT count(DISTINCT name) FROM schema_migrations")),
             qint64(names.size()));
    QVERIFY(names.first().contains(QStringLiteral("0001_core")));
    QCOMPARE(raw.rows(QStringLiteral("PRAGMA journal_mode")).first(),
             QStringLiteral("journal_mode=t:wal"));
    // Two stores on one file at once (GUI and CLI) both migrate cleanly.
    store::Store a, b;
    QVERIFY(a.open(path).ok());
    QVERIFY(b.open(path).ok());
}

// The EXPLAIN QUERY PLAN lines of a statement, one per line.
static QString queryPlan(store::Db &db, const QString &sql)
{
    auto q = db.prepareOnce(QStringLiteral("EXPLAIN QUERY PLAN ") + sql);
    if (!q)
        return QStringLiteral("cannot prepare: ") + db.lastError();
    QString plan;
    while (q->step()) {
        store::RowReader row(*q); // id, parent, notused, detail
        row.skip(3);
        plan += row.text() + u'\n';
    }
    return plan;
}

void TestStore::openIndexes_arePartialAndUsed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.db"));
    store::Store s;
    QVERIFY(s.open(path).ok());
    Raw raw(path);
    // No index leads with is_open any more: the open-row ones are partial.
    QCOMPARE(raw.value(QStringLiteral(
                 "SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name='incidents' "
                 "AND sql LIKE '%ON incidents(is\\_open%' ESCAPE '\\'")),
             qint64(0));
    for (const char *name : {"incidents_open", "incidents_updated", "incidents_open_unacked",
                             "incidents_reminder_commander", "incidents_reminder_status"})
        QVERIFY2(raw.value(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name='%1' AND "
                                          "sql LIKE '%WHERE is_open=1%'")
                               .arg(QLatin1String(name))) == 1,
                 name);
    // Migration 0990: the tiles' covering index is gone (the tiles come from metrics_open),
    // and the reminder and unacknowledged indexes hold only the rows their queries can
    // return. Their key columns stay: the planner (no statistics) weighs the equality columns
    // of a key, and without them it picked the group or priority index and a sort.
    QCOMPARE(raw.value(QStringLiteral(
                 "SELECT count(*) FROM sqlite_master WHERE name='incidents_open_tiles'")),
             qint64(0));
    const struct {
        const char *index;
        const char *key;
        const char *where;
    } narrow[] = {
        {"incidents_open_unacked", "acknowledged_at,created_at",
         "WHERE is_open=1 AND acknowledged_at=0"},
        {"incidents_reminder_commander", "resolved_at,commander,created_at",
         "WHERE is_open=1 AND resolved_at=0 AND commander=''"},
        {"incidents_reminder_status", "resolved_at,", "WHERE is_open=1 AND resolved_at=0"},
        {"incidents_reminder_postmortem", "closed_at,resolved_at",
         "WHERE closed_at=0 AND resolved_at>0"},
    };
    for (const auto &n : narrow) {
        QCOMPARE(raw.rows(QStringLiteral("SELECT group_concat(coalesce(name, ''), ',') AS k FROM "
                                         "pragma_index_info('%1')")
                              .arg(QLatin1String(n.index))),
                 QStringList{QStringLiteral("k=t:%1").arg(QLatin1String(n.key))});
        QVERIFY2(raw.value(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name='%1' AND "
                                          "sql LIKE '%%2'")
                               .arg(QLatin1String(n.index), QString::fromLatin1(n.where).replace(
                                                                u'\'', QStringLiteral("''")))) == 1,
                 n.index);
    }
    // The queries that read them (same shapes as the engine's, the dashboard's and the
    // list's) still reach them.
    const struct {
        const char *sql;
        const char *index;
    } cases[] = {
        {"SELECT id FROM incidents WHERE is_open=1 AND updated_at < 5 ORDER BY updated_at",
         "incidents_updated"},
        {"SELECT uid FROM incidents WHERE is_open=1 AND priority>0 ORDER BY priority, created_at "
         "LIMIT 5",
         "incidents_open"},
        {"SELECT id FROM incidents WHERE is_open=1 ORDER BY priority DESC, created_at DESC, id "
         "DESC LIMIT 50",
         "incidents_open"},
        {"SELECT number FROM incidents WHERE is_open=1 AND acknowledged_at=0 ORDER BY created_at, "
         "id LIMIT 1",
         "incidents_open_unacked"},
        {"SELECT number FROM incidents WHERE is_open=1 AND acknowledged_at=0 AND "
         "assignment_group='db' ORDER BY created_at, id LIMIT 1",
         "incidents_open_unacked"},
        {"SELECT number FROM incidents WHERE is_open=1 AND acknowledged_at=0 AND id IN (SELECT "
         "incident FROM incident_services WHERE service='db') ORDER BY created_at, id LIMIT 1",
         "incidents_open_unacked"},
        // The exact tiles (the rollups' reference) walk the open rows, not the whole table.
        {"SELECT severity, count(*), sum(commander=''), sum(acknowledged_at=0) FROM incidents "
         "WHERE is_open=1 GROUP BY severity",
         "incidents_open_"},
    };
    for (const auto &c : cases) {
        const QString plan = queryPlan(s.db(), QLatin1String(c.sql));
        QVERIFY2(plan.contains(QStringLiteral("INDEX %1").arg(QLatin1String(c.index))),
                 qPrintable(QLatin1String(c.sql) + u'\n' + plan));
    }
}

void TestStore::listSorts_walkAnIndexInEveryView()
{
    // Each sortable list column has a full index (the All view) and a partial one of the open
    // rows (the Open view): the first page and every keyset page walk one in
    // order, both directions, with no sort of the matches (no temp b-tree).
    QTemporaryDir dir;
    store::Store s;
    QVERIFY(s.open(dir.filePath(QStringLiteral("l.db"))).ok());
    const query::IncidentSort sorts[] = {
        query::IncidentSort::Id,     query::IncidentSort::Title,    query::IncidentSort::Severity,
        query::IncidentSort::State,  query::IncidentSort::Assignee, query::IncidentSort::Priority,
        query::IncidentSort::SlaDue, query::IncidentSort::Created};
    const QList<query::SavedView> views = query::savedViews(QStringLiteral("alice"), 1);
    QList<std::pair<QString, query::IncidentFilter>> filters{{QStringLiteral("all"), {}}};
    for (const query::SavedView &v : views)
        if (v.id == u"open")
            filters << std::pair{v.id, v.filter};
    for (const auto &[name, filter] : filters)
        for (const query::IncidentSort sort : sorts)
            for (const bool desc : {false, true}) {
                const query::IncidentQuery q(filter, sort, desc);
                query::IncidentRow probe;
                probe.id = 500;
                probe.title = QStringLiteral("M");
                probe.state = QStringLiteral("m");
                probe.assignee = QStringLiteral("m");
                probe.severity = 2;
                probe.priority = 2;
                probe.createdAt = 1700000000000LL;
                probe.slaDue = 1;
                QList<QVariant> b1, b2;
                for (const QString &sql : {q.offsetPageSql(0, 200, b1),
                                           q.keysetPageSql(q.keyOf(probe), false, 200, b2)}) {
                    const QString plan = queryPlan(s.db(), sql);
                    const QString what = name + u' ' + QString::number(int(sort)) +
                                         (desc ? QStringLiteral(" desc\n") : QStringLiteral("\n")) +
                                         sql + u'\n' + plan;
                    QVERIFY2(!plan.contains(QStringLiteral("TEMP B-TREE")), qPrintable(what));
                    QVERIFY2(plan.contains(QStringLiteral("INDEX")) ||
                                 (sort == query::IncidentSort::Id && name == u"all"),
                             qPrintable(what));
                    if (name != u"all")
                        QVERIFY2(plan.contains(QStringLiteral("INDEX incidents_open")),
                                 qPrintable(what));
                }
            }
}

void TestStore::reopen_keepsData()
{
    QTemporaryDir dir;
    QString path;
    QString number;
    {
        CoreFixture fx;
        number = fx.open(QStringLiteral("persisted"), QStringLiteral("high"));
        path = dir.filePath(QStringLiteral("copy.db"));
        fx.store.close();
        QVERIFY(QFile::copy(fx.dbPath, path));
    }
    store::Store s;
    QVERIFY(s.open(path).ok());
    auto inc = s.findIncident(number);
    QVERIFY(inc);
    QCOMPARE(inc->title, QStringLiteral("persisted"));
    QVERIFY(s.verify().ok);
}

void TestStore::notSqlite_givesClearError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QByteArray junk;
    for (int i = 0; i < 200; ++i)
        junk += "This is a shopping list, not a database. Eggs, milk, bread.\n";
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(junk);
    }
    store::Store s;
    const auto st = s.open(path);
    QVERIFY(!st.ok());
    QVERIFY2(st.errorMessage().contains(path), qPrintable(st.errorMessage()));
    QVERIFY2(st.errorMessage().contains(QStringLiteral("not a database")) ||
                 st.errorMessage().contains(QStringLiteral("not a Sitrep database")),
             qPrintable(st.errorMessage()));
    QVERIFY2(!st.errorMessage().contains(u'\n'), qPrintable(st.errorMessage()));
    // The file is left as it was.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), junk);
    QVERIFY(!QFile::exists(path + QStringLiteral("-wal")) ||
            QFileInfo(path + QStringLiteral("-wal")).size() == 0);
}

void TestStore::directoryAsDatabase_givesClearError()
{
    QTemporaryDir dir;
    store::Store s;
    const auto st = s.open(dir.path());
    QVERIFY(!st.ok());
    QVERIFY2(st.errorMessage().contains(dir.path()), qPrintable(st.errorMessage()));
}

void TestStore::missingFolder_isCreated()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a/b/c/sitrep.db"));
    store::Store s;
    QVERIFY(s.open(path).ok());
    QVERIFY(QFile::exists(path));
}

void TestStore::readOnlyStore_reads()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("readable"), QStringLiteral("high"));
    store::Store ro;
    QVERIFY(ro.openReadOnly(fx.dbPath).ok());
    QCOMPARE(ro.findIncident(n)->title, QStringLiteral("readable"));
    // It sees later commits of the writer.
    const qint64 v = ro.dataVersion();
    QVERIFY(fx.run(Command::Kind::Note, n, {{"text", "more"}}).ok());
    QVERIFY(ro.dataVersion() != v);
    QCOMPARE(ro.timeline(fx.get(n).uid).size(), fx.store.timeline(fx.get(n).uid).size());
}

void TestStore::list_filtersSortsAndPages()
{
    CoreFixture fx;
    for (int i = 0; i < 30; ++i) {
        fx.clock.advance(kMinute);
        const QString sev = QStringList{"critical", "high", "medium", "low"}[i % 4];
        fx.open({{"title", QStringLiteral("incident %1").arg(i, 2, 10, QLatin1Char('0'))},
                 {"severity", sev},
                 {"services", i % 3 == 0 ? QJsonArray{"checkout"} : QJsonArray{"search"}}});
    }
    QVERIFY(
        fx.transition(QStringLiteral("INC0000001"), QStringLiteral("resolved"), resolution()).ok());
    store::ListQuery q;
    q.limit = 1000;
    QCOMPARE(fx.store.list(q).size(), 30);
    QCOMPARE(fx.store.list(q).first().number, QStringLiteral("INC0000030")); // newest first
    q.priority = 1;
    QCOMPARE(fx.store.count(q), 8);
    q.open = true;
    QCOMPARE(fx.store.count(q), 7);
    q.open = false;
    QCOMPARE(fx.store.count(q), 1);
    store::ListQuery s;
    s.service = QStringLiteral("checkout");
    QCOMPARE(fx.store.count(s), 10);
    store::ListQuery st;
    st.states = {QStringLiteral("resolved")};
    QCOMPARE(fx.store.list(st).size(), 1);
    store::ListQuery sev;
    sev.severity = 4;
    QCOMPARE(fx.store.count(sev), 7);
    // Paging: three pages of 12 cover everything once, in order.
    store::ListQuery page;
    page.sort = store::SortKey::Title;
    page.descending = false;
    page.limit = 12;
    QStringList seen;
    for (int p = 0; p < 3; ++p) {
        page.offset = p * 12;
        for (const auto &i : fx.store.list(page))
            seen << i.title;
    }
    QCOMPARE(seen.size(), 30);
    QStringList sorted = seen;
    sorted.sort();
    QCOMPARE(seen, sorted);
    QCOMPARE(seen.first(), QStringLiteral("incident 00"));
}

void TestStore::search_findsTitleDescriptionAndNotes()
{
    CoreFixture fx;
    const QString a = fx.open({{"title", "Checkout latency"},
                               {"severity", "high"},
                               {"description", "p99 above 2s in eu-west"}});
    const QString b = fx.open({{"title", "Disk full"}, {"severity", "low"}});
    QVERIFY(
        fx.run(Command::Kind::Note, b, {{"text", "the kafka broker logs filled the volume"}}).ok());
    store::ListQuery q;
    q.search = QStringLiteral("latency");
    QCOMPARE(fx.store.list(q).size(), 1);
    QCOMPARE(fx.store.list(q).first().number, a);
    q.search = QStringLiteral("eu");
    QCOMPARE(fx.store.list(q).first().number, a);
    q.search = QStringLiteral("kafka");
    QCOMPARE(fx.store.list(q).size(), 1);
    QCOMPARE(fx.store.list(q).first().number, b);
    q.search = QStringLiteral("kaf*");
    QCOMPARE(fx.store.count(q), 1);
    q.search = b; // the number is searchable
    QCOMPARE(fx.store.count(q), 1);
    // A title change replaces the old text.
    QVERIFY(fx.run(Command::Kind::SetField, a, {{"field", "title"}, {"value", "Checkout errors"}})
                .ok());
    q.search = QStringLiteral("latency");
    QCOMPARE(fx.store.count(q), 0); // "latency" was only in the old title
    q.search = QStringLiteral("errors");
    QCOMPARE(fx.store.count(q), 1);
}

void TestStore::search_userInputIsNotSyntax()
{
    CoreFixture fx;
    fx.open(QStringLiteral("quote \" and paren ( in title"), QStringLiteral("low"));
    store::ListQuery q;
    for (const char *s :
         {"\"", "(", "AND", "NEAR(", "*", "a OR", "-x", "title:x", "\"unbalanced", "^"}) {
        q.search = QString::fromLatin1(s);
        (void)fx.store.list(q); // must not fail or crash
        (void)fx.store.count(q);
    }
    q.search = QStringLiteral("paren");
    QCOMPARE(fx.store.count(q), 1);
}

void TestStore::findIncident_acceptsNumberShortNumberAndUuid()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("a"), QStringLiteral("low"));
    const QString uid = fx.get(n).uid;
    QCOMPARE(fx.store.findIncident(QStringLiteral("inc0000001"))->uid, uid);
    QCOMPARE(fx.store.findIncident(QStringLiteral("1"))->uid, uid);
    QCOMPARE(fx.store.findIncident(QStringLiteral(" 1 "))->uid, uid);
    QCOMPARE(fx.store.findIncident(uid.toUpper())->uid, uid);
    QCOMPARE(fx.store.findIncident(u'{' + uid + u'}')->uid, uid);
    QVERIFY(!fx.store.findIncident(QStringLiteral("2")));
    QVERIFY(!fx.store.findIncident(QStringLiteral("-1")));
    QVERIFY(!fx.store.findIncident(QString()));
    QVERIFY(!fx.store.findIncident(QStringLiteral("'; DROP TABLE incidents; --")));
    QCOMPARE(fx.store.incidentCount(), 1);
}

void TestStore::meta_roundTrip()
{
    CoreFixture fx;
    QCOMPARE(fx.store.meta(QStringLiteral("absent"), QStringLiteral("fallback")),
             QStringLiteral("fallback"));
    QVERIFY(fx.store.setMeta(QStringLiteral("k"), QStringLiteral("v1")).ok());
    QVERIFY(fx.store.setMeta(QStringLiteral("k"), QStringLiteral("v2")).ok());
    QCOMPARE(fx.store.meta(QStringLiteral("k")), QStringLiteral("v2"));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
