// SPDX-License-Identifier: MIT
#include "store/bulkloader.h"

#include "domain/canonicaljson.h"
#include "store/logging.h"
#include "store/metricsrollup.h"
#include "store/projector.h"
#include "store/walcheckpointer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryFile>
#include <QThread>

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <future>
#include <thread>
#include <utility>
#include <vector>

namespace sitrep::store {

using namespace sitrep::domain;

// Named when the loader lived in sync/; an interrupted load of an older build left this key.
static const QString kPendingIndexes = QStringLiteral("sync.bulk_indexes");
// The memory map finish() reads the database through (SQLite caps it at its build's maximum).
static constexpr qint64 kLoadMmapSize = qint64(2) << 30;

// While indexes are built. SQLite sorts an index's keys in one run when temporary storage is
// in memory; with it in files, the keys go out in sorted runs of about the page cache's size,
// sorted on worker threads beside the table scan and merged by them. Small runs stay in the
// processor's caches: at a million rows the large builds take 40-60% of the time they took.
static constexpr int kSortCacheKiB = 2048;
static constexpr int kMaxSortThreads = 4;

BulkLoader::~BulkLoader()
{
    if (m_active)
        cancel();
}

// CREATE [UNIQUE] INDEX / CREATE TRIGGER text as sqlite_master keeps it, made idempotent.
static QString ifNotExists(QString sql)
{
    for (const char *head : {"CREATE INDEX ", "CREATE UNIQUE INDEX ", "CREATE TRIGGER "}) {
        const QString h = QString::fromLatin1(head);
        if (sql.startsWith(h, Qt::CaseInsensitive))
            return h + QStringLiteral("IF NOT EXISTS ") + sql.mid(h.size());
    }
    return sql;
}

// The first column of every row of a query with at most one text parameter.
static QStringList column(Db &db, const QString &sql, const QString &arg = {})
{
    QStringList out;
    auto q = db.prepareOnce(sql);
    if (!q)
        return out;
    if (!arg.isNull())
        q->bind(1, arg);
    while (q->step())
        out << RowReader(*q).text();
    return out;
}

static QString pragmaText(Db &db, const QString &sql)
{
    return column(db, sql).value(0);
}

namespace {
// Small page cache and sort threads for the index builds of its lifetime; the connection's
// settings come back when it ends. Temporary storage itself is set to files by begin() and
// recover(), outside the transaction, where SQLite allows the change.
class IndexBuildSettings {
public:
    explicit IndexBuildSettings(Db &db)
        : m_db(db), m_cache(pragmaText(db, QStringLiteral("PRAGMA cache_size"))),
          m_threads(pragmaText(db, QStringLiteral("PRAGMA threads")))
    {
        const int threads = std::clamp(QThread::idealThreadCount(), 1, kMaxSortThreads);
        (void)m_db.exec(QStringLiteral("PRAGMA threads=%1").arg(threads));
        (void)m_db.exec(QStringLiteral("PRAGMA cache_size=-%1").arg(kSortCacheKiB));
    }
    IndexBuildSettings(const IndexBuildSettings &) = delete;
    IndexBuildSettings &operator=(const IndexBuildSettings &) = delete;
    ~IndexBuildSettings()
    {
        if (!m_threads.isEmpty())
            (void)m_db.exec(QStringLiteral("PRAGMA threads=%1").arg(m_threads));
        if (!m_cache.isEmpty())
            (void)m_db.exec(QStringLiteral("PRAGMA cache_size=%1").arg(m_cache));
    }

private:
    Db &m_db;
    QString m_cache, m_threads;
};

// The search index of a load, built on a thread of its own while finish() writes the rest:
// into a scratch database (the system's temporary folder) with its own connection, from the
// folded incidents, each document Store::searchDocument()'s text as the live path writes it.
// moveInto() then copies its tables into the database's `search` (a copy of stored rows and
// index pages: no tokenizing). The scratch file goes when the object does.
class SearchBuild {
public:
    SearchBuild() = default;
    SearchBuild(const SearchBuild &) = delete;
    SearchBuild &operator=(const SearchBuild &) = delete;
    ~SearchBuild()
    {
        if (m_thread.joinable())
            m_thread.join();
        detach();
    }
    // Once the load's transaction has ended (SQLite keeps a database a transaction read
    // attached until then).
    void detach()
    {
        if (m_attached && m_db)
            (void)m_db->exec(QStringLiteral("DETACH DATABASE search_load"));
        m_attached = false;
    }

    // `ddl` is the search table's CREATE statement. `owner` keeps the rows alive; the build's
    // thread lets it go when it no longer reads them. Without a writable temporary folder the
    // documents are written in place by moveInto(), on the caller's thread.
    void start(const QString &ddl, QList<const Incident *> rows, std::shared_ptr<void> owner)
    {
        m_file.setFileTemplate(QDir::tempPath() + QStringLiteral("/sitrep-search-XXXXXX.db"));
        if (!m_file.open()) {
            qCWarning(lcStore).noquote()
                << QStringLiteral("bulk load: no scratch file for the search index (%1): it is "
                                  "written in place")
                       .arg(m_file.errorString());
            m_inPlace = std::move(rows);
            m_owner = std::move(owner);
            return;
        }
        m_file.close(); // SQLite opens it by name; the object removes it
        m_thread =
            std::thread([this, ddl, rows = std::move(rows), owner = std::move(owner)]() mutable {
                m_result = build(m_file.fileName(), ddl, rows);
                owner.reset(); // frees the rows here, off the writing thread
            });
    }

    // Waits for the build, then replaces the database's (empty) search table by what it built.
    // In the load's transaction; the scratch database stays attached until the object goes.
    Status moveInto(Db &db, const QString &ddl)
    {
        if (m_thread.joinable())
            m_thread.join();
        if (!m_result)
            return m_result;
        if (m_owner) {
            const Status s = insertDocuments(db.handle(), m_inPlace, "write");
            m_inPlace.clear();
            m_owner.reset();
            return s;
        }
        m_db = &db;
        auto attach = db.prepareOnce(QStringLiteral("ATTACH DATABASE ? AS search_load"));
        if (!attach || !attach->bind(1, m_file.fileName()).exec())
            return Status::fail(db.lastError(), QStringLiteral("db"));
        m_attached = true;
        // A table that holds documents already (none should: the log was empty) keeps them,
        // and the built ones go in through it.
        if (db.scalar(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM main.search LIMIT 1)"),
                      {}, 1) != 0)
            return db.exec(QStringLiteral("INSERT INTO main.search(rowid, body, incident) "
                                          "SELECT rowid, body, incident FROM search_load.search"));
        // A new table (its reader holds no cached state), then its storage tables' rows from the
        // scratch copy. Its settings (search_config) stay the table's own.
        if (auto s = db.exec(QStringLiteral("DROP TABLE main.search")); !s)
            return s;
        if (auto s = db.exec(ddl); !s)
            return s;
        const QStringList tables =
            column(db, QStringLiteral("SELECT name FROM search_load.sqlite_master WHERE "
                                      "type='table' AND name LIKE 'search\\_%' ESCAPE '\\' AND "
                                      "name<>'search_config' ORDER BY name"));
        for (const QString &t : tables) {
            if (auto s = db.exec(QStringLiteral("DELETE FROM main.%1").arg(t)); !s)
                return s;
            if (auto s = db.exec(
                    QStringLiteral("INSERT INTO main.%1 SELECT * FROM search_load.%1").arg(t));
                !s)
                return s;
        }
        return {};
    }

private:
    static Status build(const QString &path, const QString &ddl,
                        const QList<const Incident *> &rows)
    {
        sqlite3 *db = nullptr;
        const auto close = qScopeGuard([&] { sqlite3_close(db); });
        if (sqlite3_open_v2(path.toUtf8().constData(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
            return failed(db, "open");
        // A scratch file: nothing to recover if this process stops, so no journal.
        const QByteArray setup =
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536; " +
            ddl.toUtf8() + "; BEGIN";
        if (sqlite3_exec(db, setup.constData(), nullptr, nullptr, nullptr) != SQLITE_OK)
            return failed(db, "create");
        if (auto s = insertDocuments(db, rows, "build"); !s)
            return s;
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            return failed(db, "commit");
        return {};
    }

    static Status failed(sqlite3 *db, const char *what)
    {
        return Status::fail(QStringLiteral("search index (%1): %2")
                                .arg(QLatin1String(what), db ? QString::fromUtf8(sqlite3_errmsg(db))
                                                             : QStringLiteral("no memory")),
                            QStringLiteral("db"));
    }

    // Each row's document into `search` of `db`, with incremental merging off while they go in
    // (FTS5 still merges a level once it holds 16 segments), then back to its default of 4:
    // about a fifth less work, and the same query times.
    static Status insertDocuments(sqlite3 *db, const QList<const Incident *> &rows,
                                  const char *what)
    {
        if (sqlite3_exec(db, "INSERT INTO search(search, rank) VALUES('automerge', 0)", nullptr,
                         nullptr, nullptr) != SQLITE_OK)
            return failed(db, what);
        sqlite3_stmt *ins = nullptr;
        if (sqlite3_prepare_v2(db, "INSERT INTO search(rowid, body, incident) VALUES(?,?,?)", -1,
                               &ins, nullptr) != SQLITE_OK)
            return failed(db, what);
        const auto finalize = qScopeGuard([&] { sqlite3_finalize(ins); });
        for (const Incident *inc : rows) {
            const QByteArray body = searchDocument(*inc).toUtf8();
            sqlite3_bind_int64(ins, 1, inc->rowid);
            sqlite3_bind_text(ins, 2, body.constData(), int(body.size()), SQLITE_STATIC);
            sqlite3_bind_int64(ins, 3, inc->rowid);
            if (sqlite3_step(ins) != SQLITE_DONE)
                return failed(db, what);
            sqlite3_reset(ins);
        }
        if (sqlite3_exec(db, "INSERT INTO search(search, rank) VALUES('automerge', 4)", nullptr,
                         nullptr, nullptr) != SQLITE_OK)
            return failed(db, what);
        return {};
    }

    QTemporaryFile m_file;
    std::thread m_thread;
    Status m_result;
    QList<const Incident *> m_inPlace; // without a scratch file: written by moveInto()
    std::shared_ptr<void> m_owner;
    Db *m_db = nullptr;
    bool m_attached = false;
};
} // namespace

// Temporary storage in files (the sorts of IndexBuildSettings); outside a transaction. Returns
// the setting to put back, or an empty string when nothing changed.
static QString useTempFiles(Db &db)
{
    // Only where files can be made there (SQLite would fail the first sort otherwise).
    if (QTemporaryFile probe(QDir::tempPath() + QStringLiteral("/sitrep-probe-XXXXXX"));
        !probe.open())
        return {};
    const QString before = pragmaText(db, QStringLiteral("PRAGMA temp_store"));
    if (before == u"1" || !db.exec(QStringLiteral("PRAGMA temp_store=FILE")))
        return {};
    return before;
}

// The unique keys of the log and the projection (events.id, incidents.uid, incidents.number)
// are column constraints in the core schema: SQLite keeps them in indexes no one can drop,
// so every row of a load would land at a random place in one of them. Here the tables are
// still empty: they are declared again with the same columns and those keys as named
// unique indexes, which the load then drops and builds again by sorting, like the others.
// Same constraint, same errors; a database that never had a bulk load keeps the column
// constraints. Best effort: a table that cannot be changed keeps its declaration.
static void declareUniqueKeysAsIndexes(Db &db)
{
    struct Key {
        const char *table, *column, *index;
    };
    static const Key keys[] = {{"events", "id", "events_id"},
                               {"incidents", "uid", "incidents_uid"},
                               {"incidents", "number", "incidents_number"}};
    for (const char *table : {"events", "incidents"}) {
        const QString name = QString::fromLatin1(table);
        QString sql =
            column(db,
                   QStringLiteral("SELECT sql FROM sqlite_master WHERE type='table' AND name=?"),
                   name)
                .value(0);
        QStringList uniques;
        for (const Key &k : keys) {
            if (name != QLatin1String(k.table))
                continue;
            const QRegularExpression re(
                QStringLiteral("(\\n\\s*%1\\s+[A-Z]+\\s+NOT\\s+NULL)\\s+UNIQUE\\b")
                    .arg(QLatin1String(k.column)));
            if (!sql.contains(re))
                continue;
            sql.replace(re, QStringLiteral("\\1"));
            uniques << QStringLiteral("CREATE UNIQUE INDEX %1 ON %2(%3)")
                           .arg(QLatin1String(k.index), name, QLatin1String(k.column));
        }
        if (uniques.isEmpty() ||
            pragmaText(
                db, QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM %1 LIMIT 1)").arg(name)) !=
                u"0")
            continue;
        const QStringList dependents =
            column(db,
                   QStringLiteral("SELECT sql FROM sqlite_master WHERE tbl_name=? AND type IN "
                                  "('index','trigger') AND sql IS NOT NULL"),
                   name);
        (void)db.exec(QStringLiteral("SAVEPOINT redeclare"));
        bool ok = db.exec(QStringLiteral("DROP TABLE %1").arg(name)).ok() && db.exec(sql).ok();
        for (const QString &d : std::as_const(dependents) + uniques)
            ok = ok && db.exec(d).ok();
        if (!ok)
            (void)db.exec(QStringLiteral("ROLLBACK TO redeclare"));
        (void)db.exec(QStringLiteral("RELEASE redeclare"));
    }
}

Status BulkLoader::begin()
{
    if (m_store.maxSeq() > 0)
        return Status::fail(QStringLiteral("a bulk load needs an empty database"));
    auto &db = m_store.db();
    // Everything lands in new pages of an empty database: a rollback journal only has to
    // keep the few pages that existed, where WAL would write every page twice. Fails
    // harmlessly (stays WAL) while other connections have the database open.
    m_journalMode.clear();
    // A write-back pass's connection would keep the journal mode as it is.
    const CheckpointPause noCheckpoints(m_store.checkpointer());
    if (pragmaText(db, QStringLiteral("PRAGMA journal_mode"))
                .compare(u"wal", Qt::CaseInsensitive) == 0 &&
        pragmaText(db, QStringLiteral("PRAGMA journal_mode=DELETE"))
                .compare(u"delete", Qt::CaseInsensitive) == 0)
        m_journalMode = QStringLiteral("WAL");
    m_tempStore = useTempFiles(db);
    if (auto s = db.begin(); !s) {
        restoreSettings();
        return s;
    }
    declareUniqueKeysAsIndexes(db);
    QJsonArray defs;
    QStringList names;
    {
        // Secondary indexes, and the triggers that keep the dashboard rollups (an upsert per
        // written row; finish() sums them in memory as it writes the rows). Other triggers stay:
        // their effect has no set-wise rebuild here. Partial indexes of the log stay too: they
        // pick rare kinds (events_triage_feedback), so keeping them costs a test of each
        // appended row's kind, where building one again reads the whole log.
        auto q = db.prepareOnce(
            QStringLiteral("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
                           "tbl_name IN ('incidents','events','incident_services') "
                           "AND (type='index' OR (type='trigger' AND name LIKE 'metrics\\_%' "
                           "ESCAPE '\\')) AND NOT (type='index' AND tbl_name='events' AND "
                           "sql LIKE '%) WHERE %') ORDER BY type='trigger', name"));
        while (q && q->step()) {
            RowReader row(*q);
            const QString type = row.text().toUpper();
            names << QStringLiteral("%1 \"%2\"").arg(type, row.text());
            defs.append(row.text());
        }
    }
    for (const QString &n : std::as_const(names))
        if (auto s = db.exec(QStringLiteral("DROP %1").arg(n)); !s) {
            db.rollback();
            restoreSettings();
            return s;
        }
    if (auto s = m_store.setMeta(
            kPendingIndexes, QString::fromUtf8(QJsonDocument(defs).toJson(QJsonDocument::Compact)));
        !s) {
        db.rollback();
        restoreSettings();
        return s;
    }
    m_active = true;
    m_loaded = 0;
    m_rejected = 0;
    m_numbers.clear();
    m_deferred.clear();
    m_lastSeq = 0; // the log is empty: row ids start at 1
    m_rows.clear();
    m_index.clear();
    m_seen.clear();
    m_kinds.clear();
    return {};
}

void BulkLoader::restoreSettings()
{
    auto &db = m_store.db();
    // Named: the search build's scratch database may still be attached.
    if (!m_journalMode.isEmpty())
        (void)db.exec(QStringLiteral("PRAGMA main.journal_mode=%1").arg(m_journalMode));
    m_journalMode.clear();
    if (!m_tempStore.isEmpty())
        (void)db.exec(QStringLiteral("PRAGMA temp_store=%1").arg(m_tempStore));
    m_tempStore.clear();
    if (!m_mmapSize.isEmpty())
        (void)db.exec(QStringLiteral("PRAGMA main.mmap_size=%1").arg(m_mmapSize));
    m_mmapSize.clear();
}

void BulkLoader::reserve(qint64 incidents)
{
    if (incidents > 0 && incidents < (qint64(1) << 31)) {
        m_index.reserve(qsizetype(incidents));
        m_numbers.reserve(qsizetype(incidents));
        m_seen.reserve(qsizetype(incidents)); // at least one event each
    }
}

// Everything about one event except writing it: ids checked, repeats dropped, payload
// serialised once, re-chained onto this replica's chain, folded into its incident. Runs off
// the writing thread; the row ids it predicts are checked as the rows are written.
Status BulkLoader::prepare(const QList<Event> &events, qsizetype from, qsizetype to,
                           std::vector<Digest> &digests, std::vector<Ready> &out)
{
    out.clear();
    for (qsizetype i = from; i < to; ++i) {
        Digest &d = digests[size_t(i - from)];
        const QUuid &incUuid = d.incident;
        const QUuid &idUuid = d.id;
        if (incUuid.isNull() || idUuid.isNull())
            return Status::fail(QStringLiteral("event without a valid id or incident id"));
        // A repeat is a no-op, as in the merge path (the database was empty at begin()).
        const qsizetype seen = m_seen.size();
        m_seen.insert(idUuid);
        if (m_seen.size() == seen)
            continue;
        Folding *&slot = m_index[incUuid];
        if (!slot) {
            slot = &m_rows.emplace_back();
            slot->uid = d.incidentText;
            slot->uidBlob = incUuid.toRfc4122();
        }
        Folding &f = *slot;
        Event e = events.at(i);
        // The log stores UUIDs as bytes and reads them back in this one spelling: hash that.
        e.id = d.idText;
        e.incidentUid = f.uid;
        e.payloadRaw = d.payload;
        if (e.origin.isEmpty() || e.origin == u"local")
            e.origin = QStringLiteral("remote");
        // Until its incident is opened an event waits (an incident never opened cannot be
        // folded: finish() hands its events back).
        if (f.openSeq == 0 && e.kind != kinds::Opened) {
            f.held << e;
            continue;
        }
        prepareOne(std::move(e), idUuid, f, out, std::move(d.opened));
        if (!f.held.isEmpty() && f.openSeq != 0)
            for (Event &h : std::exchange(f.held, {})) {
                const QUuid heldId = QUuid::fromString(h.id);
                prepareOne(std::move(h), heldId, f, out);
            }
    }
    return {};
}

// Digests events[from, to) into out[0, to - from).
void BulkLoader::digest(const QList<Event> &events, qsizetype from, qsizetype to, Digest *out)
{
    for (qsizetype i = from; i < to; ++i) {
        const Event &e = events.at(i);
        Digest &d = out[i - from];
        d.id = QUuid::fromString(e.id);
        d.incident = QUuid::fromString(e.incidentUid);
        d.idText = d.id.toString(QUuid::WithoutBraces);
        d.incidentText = d.incident.toString(QUuid::WithoutBraces);
        // The payload is serialised once: the same canonical text is hashed and stored.
        d.payload = canonicalJson(e.payload);
        // The fold of an opening into a new incident reads only the event (its uid in the
        // log's spelling, as prepare() sets it); the chain head is set when it is known.
        d.opened.reset();
        if (e.kind == kinds::Opened && !d.incident.isNull()) {
            Event opening;
            opening.kind = e.kind;
            opening.incidentUid = d.incidentText;
            opening.ts = e.ts;
            opening.payload = e.payload;
            d.opened = std::make_unique<Incident>();
            applyEvent(*d.opened, opening);
        }
    }
}

void BulkLoader::prepareOne(Event e, const QUuid &id, Folding &f, std::vector<Ready> &out,
                            std::unique_ptr<Incident> opened)
{
    QUuid eventId = id;
    // Checked against the incident as folded before it, as the merge does; a rejected
    // event is replaced by the conflict that carries it.
    if (m_check) {
        const Incident &before = f.dirty ? *f.arrival : f.incident;
        const QString why =
            m_check(before, e, [this](const QString &n) { return m_numbers.value(n); });
        if (!why.isEmpty()) {
            e = rejectionConflict(e, before.state, why);
            e.origin = m_origin;
            e.payloadRaw = canonicalJson(e.payload);
            // Another replica's record of the same conflict may be in the feed too.
            const qsizetype known = m_seen.size();
            eventId = QUuid::fromString(e.id);
            m_seen.insert(eventId);
            if (m_seen.size() == known)
                return;
            ++m_rejected;
        }
    }
    m_kinds.insert(e.kind);
    Ready &r = out.emplace_back();
    r.payload = e.payloadRaw; // canonicalJson(e.payload), from digest() or just above
    r.id = eventId.toRfc4122();
    r.incident = f.uidBlob;
    r.actor = e.actor.toUtf8();
    r.kind = e.kind.toUtf8();
    r.origin = e.origin.toUtf8();
    r.hlc = e.hlc;
    r.ts = e.ts;
    r.prevHash = f.head;
    // The same hash as Event::computeHash(), over the bytes already at hand.
    r.rule = qint64(e.rule);
    r.hash = domain::chainHash(e.rule, f.head.toHex(), e.id.toLatin1(), e.incidentUid.toLatin1(),
                               e.hlc, e.ts, r.actor, r.kind, r.origin, r.payload);
    r.seq = ++m_lastSeq;
    e.seq = r.seq;
    e.hash = QString::fromLatin1(r.hash.toHex());
    f.head = r.hash;
    if (e.kind == kinds::Opened && f.openSeq == 0)
        f.openSeq = e.seq;
    if (!f.dirty && f.incident.eventCount > 0 &&
        (e.kind == kinds::Opened || e.hlc < f.lastHlc || (e.hlc == f.lastHlc && e.id < f.lastId))) {
        f.dirty = true;
        f.arrival = std::make_unique<Incident>(f.incident);
    }
    Incident &folded = f.dirty ? *f.arrival : f.incident;
    if (opened && e.kind == kinds::Opened && eventId == id && folded.eventCount == 0) {
        // The opening, accepted, of an incident nothing was folded into yet: digest() folded
        // it already.
        folded = std::move(*opened);
        folded.headHash = e.hash;
    } else {
        applyEvent(folded, e);
    }
    if (!f.dirty) {
        f.lastHlc = e.hlc;
        f.lastId = e.id;
    }
    if (e.kind == kinds::Opened || e.kind == kinds::Renumbered ||
        e.kind == kinds::ProvisionalNumber)
        m_numbers.insert(folded.number, f.uid);
    f.incident.headHash = e.hash; // the chain continues from the last appended event
}

Status BulkLoader::write(const std::vector<Ready> &batch)
{
    Stmt *ins = m_store.db().prepare(
        QStringLiteral("INSERT INTO events(id, incident, hlc, ts, actor, kind, payload, prev_hash, "
                       "hash, origin, hash_rule) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    if (!ins)
        return Status::fail(m_store.db().lastError(), QStringLiteral("db"));
    sqlite3_stmt *st = ins->handle();
    sqlite3 *db = m_store.db().handle();
    for (const Ready &r : batch) {
        sqlite3_reset(st);
        sqlite3_bind_blob(st, 1, r.id.constData(), int(r.id.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, r.incident.constData(), int(r.incident.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r.hlc);
        sqlite3_bind_int64(st, 4, r.ts);
        sqlite3_bind_text(st, 5, r.actor.constData(), int(r.actor.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r.kind.constData(), int(r.kind.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r.payload.constData(), int(r.payload.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 8, r.prevHash.constData(), int(r.prevHash.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 9, r.hash.constData(), int(r.hash.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 10, r.origin.constData(), int(r.origin.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, r.rule);
        if (sqlite3_step(st) != SQLITE_DONE) {
            const QString err = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_reset(st);
            return Status::fail(QStringLiteral("cannot append event: %1").arg(err),
                                QStringLiteral("db"));
        }
        if (sqlite3_last_insert_rowid(db) != r.seq) {
            sqlite3_reset(st);
            return Status::fail(QStringLiteral("the event log changed during the bulk load"),
                                QStringLiteral("db"));
        }
        ++m_loaded;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return {};
}

Status BulkLoader::add(const QList<Event> &events)
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    // Three stages over batches: batch k+2 is digested (digest() reads only the events), batch
    // k+1 prepared (the fold's state is the loader's own) and batch k written. What needs no
    // state (ids, payload text, the fold of an opening) is done in the digest. The digest is the
    // largest stage, and writing the smallest: a thread of its own prepares, and the digest is
    // split between another thread and this one, which writes first (the only one that uses
    // the connection). On two cores the three stay about even.
    constexpr qsizetype Batch = 1024;
    const qsizetype n = events.size();
    const auto end = [n](qsizetype from) { return qMin(n, from + Batch); };
    std::vector<Ready> writing, preparing;
    std::vector<Digest> digested(Batch), digesting(Batch); // a batch each, digested in place
    digest(events, 0, end(0), digested.data());
    if (auto s = prepare(events, 0, end(0), digested, writing); !s)
        return s;
    digest(events, qMin(n, Batch), end(Batch), digested.data());
    for (qsizetype from = Batch;; from += Batch) {
        const bool more = from < n;
        std::future<Status> next;
        std::future<void> nextDigest;
        if (more)
            next =
                std::async(std::launch::async, [this, &events, &digested, &preparing, from, end] {
                    return prepare(events, from, end(from), digested, preparing);
                });
        const qsizetype digestFrom = from + Batch, digestTo = end(digestFrom);
        const qsizetype half = digestFrom + (digestTo - digestFrom) / 2;
        if (digestFrom < n)
            nextDigest = std::async(std::launch::async, [&events, &digesting, digestFrom, half] {
                digest(events, digestFrom, half, digesting.data());
            });
        const Status written = write(writing);
        if (digestFrom < n) {
            digest(events, half, digestTo, digesting.data() + (half - digestFrom));
            nextDigest.get();
        }
        const Status prepared = more ? next.get() : Status{};
        if (!written)
            return written;
        if (!prepared)
            return prepared;
        if (!more)
            return {};
        std::swap(writing, preparing);
        std::swap(digested, digesting);
    }
}

namespace {
double cpuClock(clockid_t clock)
{
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// Records the time since the previous mark under a step name.
class StepClock {
public:
    explicit StepClock(QList<BulkLoader::Step> &out) : m_out(out) { restart(); }
    void mark(const QString &name)
    {
        const double cpu = cpuClock(CLOCK_THREAD_CPUTIME_ID);
        const double all = cpuClock(CLOCK_PROCESS_CPUTIME_ID);
        m_out.append({name, cpu - m_cpu, double(m_wall.nsecsElapsed()) / 1e9, all - m_all});
        restart();
    }

private:
    void restart()
    {
        m_cpu = cpuClock(CLOCK_THREAD_CPUTIME_ID);
        m_all = cpuClock(CLOCK_PROCESS_CPUTIME_ID);
        m_wall.start();
    }
    QList<BulkLoader::Step> &m_out;
    double m_cpu = 0, m_all = 0;
    QElapsedTimer m_wall;
};
} // namespace

Status BulkLoader::finish()
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    auto &db = m_store.db();
    m_steps.clear();
    StepClock clock(m_steps);
    auto fail = [&](const Status &s) {
        cancel();
        return s;
    };
    const QJsonArray indexes =
        QJsonDocument::fromJson(m_store.meta(kPendingIndexes).toUtf8()).array();
    auto recreate = [&](bool eventsOnly) -> Status {
        for (const auto &v : indexes) {
            QString sql = v.toString();
            if (eventsOnly && !sql.contains(QStringLiteral(" ON events")))
                continue;
            if (auto s = db.exec(ifNotExists(sql)); !s)
                return s;
            const int at = sql.startsWith(QStringLiteral("CREATE UNIQUE"))
                               ? 3
                               : 2; // the index or trigger name
            clock.mark(QStringLiteral("rebuild ") +
                       sql.simplified().section(QLatin1Char(' '), at, at));
        }
        return {};
    };
    // The indexes are built by scanning their tables (the incidents table once per index):
    // through a memory map, those scans copy no page out of the file system's cache. Put
    // back by restoreSettings().
    m_mmapSize = pragmaText(db, QStringLiteral("PRAGMA mmap_size"));
    (void)db.exec(QStringLiteral("PRAGMA mmap_size=%1").arg(kLoadMmapSize));
    QList<Folding *> rows;
    rows.reserve(qsizetype(m_rows.size()));
    bool anyDirty = false;
    bool sorted = true;
    QStringList unopened;
    for (Folding &f : m_rows) {
        if (f.openSeq == 0) {
            unopened << f.uid;
            m_deferred += std::exchange(f.held, {});
            continue;
        }
        anyDirty = anyDirty || f.dirty;
        sorted = sorted && (rows.isEmpty() || rows.last()->openSeq < f.openSeq);
        rows << &f;
    }
    if (anyDirty) {
        const IndexBuildSettings sorting(db);
        if (auto s = recreate(true); !s)
            return fail(s);
    }
    if (!unopened.isEmpty())
        qCWarning(lcStore) << "bulk load:" << m_deferred.size() << "events of" << unopened.size()
                           << "incidents without their incident.opened event are held back";
    for (Folding *f : std::as_const(rows)) {
        if (!f->dirty)
            continue;
        QList<Event> evs = m_store.timeline(f->uid);
        const QString head = f->incident.headHash;
        std::sort(evs.begin(), evs.end(), domain::foldsBefore);
        Incident inc;
        for (const Event &e : std::as_const(evs))
            applyEvent(inc, e);
        inc.headHash = head;
        f->incident = inc;
    }
    // Row ids in the order the incidents were opened, as a rebuild from the log gives them
    // (usually the order they were first seen in).
    if (!sorted)
        std::sort(rows.begin(), rows.end(),
                  [](const Folding *a, const Folding *b) { return a->openSeq < b->openSeq; });
    // Row ids given here (the table is empty: 1, 2, ...), so that the search index can be
    // built from the rows in memory on a thread of its own, beside the index builds. It starts
    // once the rows are written: while they are, both cores convert and write them (see
    // IncidentRowBatch), and a search build on one of them only held the rows back. The
    // folded incidents (a million take seconds to free) are freed off this thread once both
    // are done with them, the lookup tables on another one; all are joined when this function
    // returns.
    const qint64 firstRowid =
        db.scalar(QStringLiteral("SELECT coalesce(max(id), 0) + 1 FROM incidents"), {}, -1);
    if (firstRowid < 1)
        return fail(Status::fail(db.lastError(), QStringLiteral("db")));
    for (qsizetype i = 0; i < rows.size(); ++i)
        rows[i]->incident.rowid = firstRowid + i;
    auto working = std::make_shared<std::deque<Folding>>(std::move(m_rows));
    m_rows = std::deque<Folding>();
    const QString searchDdl = pragmaText(
        db, QStringLiteral("SELECT sql FROM sqlite_master WHERE type='table' AND name='search'"));
    SearchBuild search;
    MetricsRollupBuilder rollups;
    // Incident rows by service, each list in row order as the rows are written in it.
    QHash<QString, std::vector<qint64>> services;
    {
        // The rows only (search and services are written set-wise below), from the bytes at
        // hand: the uid's and the chain head's. Their values are converted a batch ahead, on
        // a thread of its own, which also adds each incident to the rollups and its services;
        // this thread binds and writes.
        constexpr qsizetype kRowBatch = 2048;
        IncidentRowBatch batches[2];
        const auto fill = [&rows, &rollups, &services](qsizetype from, IncidentRowBatch &batch) {
            batch.clear();
            for (qsizetype i = from; i < qMin(rows.size(), from + kRowBatch); ++i) {
                Folding *f = rows[i];
                rollups.add(f->incident);
                batch.add(f->incident, f->uidBlob, f->head);
                for (const QString &svc : std::as_const(f->incident.services))
                    services[svc].push_back(f->incident.rowid);
            }
        };
        fill(0, batches[0]);
        for (qsizetype from = 0, k = 0; from < rows.size(); from += kRowBatch, k ^= 1) {
            std::future<void> next;
            if (from + kRowBatch < rows.size())
                next = std::async(std::launch::async, fill, from + kRowBatch,
                                  std::ref(batches[k ^ 1]));
            const Status written = m_store.insertIncidentRows(batches[k]);
            if (next.valid())
                next.get();
            if (!written)
                return fail(written);
        }
    }
    {
        QList<const Incident *> docs;
        docs.reserve(rows.size());
        for (const Folding *f : std::as_const(rows))
            docs << &f->incident;
        search.start(searchDdl, std::move(docs), working);
    }
    clock.mark(QStringLiteral("projection rows"));
    rows.clear();
    std::jthread freeing([index = std::move(m_index), seen = std::move(m_seen),
                          working = std::move(working)]() mutable {
        index = {};
        seen = {};
        working.reset();
    });
    m_index = {};
    m_seen = {};
    // incident_services in key order (service, then row): each insert appends to the end of
    // the table's b-tree.
    if (!services.isEmpty()) {
        QStringList names = services.keys();
        std::sort(names.begin(), names.end(),
                  [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
        Stmt *ins = db.prepare(QStringLiteral(
            "INSERT OR IGNORE INTO incident_services(service, incident) VALUES(?,?)"));
        if (!ins)
            return fail(Status::fail(db.lastError(), QStringLiteral("db")));
        sqlite3_stmt *st = ins->handle();
        for (const QString &name : std::as_const(names)) {
            const QByteArray utf8 = name.toUtf8();
            for (const qint64 rowid : services.value(name)) {
                sqlite3_reset(st);
                sqlite3_bind_text(st, 1, utf8.constData(), int(utf8.size()), SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, rowid);
                if (sqlite3_step(st) != SQLITE_DONE) {
                    const QString err = QString::fromUtf8(sqlite3_errmsg(db.handle()));
                    sqlite3_reset(st);
                    return fail(Status::fail(err, QStringLiteral("db")));
                }
            }
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    services = {};
    clock.mark(QStringLiteral("incident services"));
    if (auto s = rollups.write(db); !s)
        return fail(s);
    clock.mark(QStringLiteral("dashboard rollups"));
    {
        const IndexBuildSettings sorting(db);
        if (auto s = recreate(false); !s)
            return fail(s);
    }
    if (auto s = search.moveInto(db, searchDdl); !s)
        return fail(s);
    clock.mark(QStringLiteral("search: titles and descriptions (built beside, copied in)"));
    // Notes, with incremental merging off (FTS5 still merges a level once it holds 16
    // segments), then back to its default of 4, as the scratch build had it.
    const struct {
        const char *step;
        const char *sql;
    } notes[] = {
        {"search: no incremental merge", "INSERT INTO search(search, rank) VALUES('automerge', 0)"},
        {"search: notes",
         "INSERT INTO search(rowid, body, incident) SELECT 1000000000000 + e.seq, "
         "json_extract(e.payload, '$.text'), i.id "
         "FROM events e JOIN incidents i ON i.uid = e.incident WHERE e.kind = 'note.added'"},
        {"search: incremental merge back on",
         "INSERT INTO search(search, rank) VALUES('automerge', 4)"},
    };
    for (const auto &step : notes) {
        if (auto s = db.exec(QString::fromLatin1(step.sql)); !s)
            return fail(s);
        clock.mark(QString::fromLatin1(step.step));
    }
    // After the indexes: the projections look incidents up by id as they fold.
    if (m_afterLoad) {
        if (auto s = m_afterLoad(m_store, std::exchange(m_kinds, {})); !s)
            return fail(s);
        clock.mark(QStringLiteral("projections"));
    }
    if (auto s = db.exec(QStringLiteral("DELETE FROM meta WHERE key='sync.bulk_indexes'")); !s)
        return fail(s);
    m_active = false;
    if (auto s = db.commit(); !s) {
        db.rollback();
        restoreSettings();
        return s;
    }
    clock.mark(QStringLiteral("commit"));
    search.detach();
    restoreSettings();
    return {};
}

void BulkLoader::cancel()
{
    if (!m_active)
        return;
    m_active = false;
    m_index.clear();
    m_rows.clear();
    m_seen.clear();
    m_kinds.clear();
    m_store.db().rollback();
    restoreSettings();
}

Status BulkLoader::recover(Store &store)
{
    const QString pending = store.meta(kPendingIndexes);
    if (pending.isEmpty())
        return {};
    auto &db = store.db();
    const QString tempStore = useTempFiles(db);
    const auto restore = qScopeGuard([&] {
        if (!tempStore.isEmpty())
            (void)db.exec(QStringLiteral("PRAGMA temp_store=%1").arg(tempStore));
    });
    if (auto s = db.begin(); !s)
        return s;
    const IndexBuildSettings sorting(db);
    for (const auto &v : QJsonDocument::fromJson(pending.toUtf8()).array()) {
        if (auto s = db.exec(ifNotExists(v.toString())); !s) {
            db.rollback();
            return s;
        }
    }
    if (auto s = db.exec(QStringLiteral("DELETE FROM meta WHERE key='sync.bulk_indexes'")); !s) {
        db.rollback();
        return s;
    }
    return db.commit();
}

} // namespace sitrep::store
