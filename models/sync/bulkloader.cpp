// SPDX-License-Identifier: MIT
#include "sync/bulkloader.h"

#include "domain/canonicaljson.h"
#include "domain/sha256.h"
#include "store/metricsrollup.h"
#include "store/projector.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <vector>

namespace sitrep::sync {

using namespace sitrep::domain;

static const QString kPendingIndexes = QStringLiteral("sync.bulk_indexes");

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

static QString pragmaText(store::Db &db, const QString &sql)
{
    auto q = db.prepareOnce(sql);
    return q && q->step() ? q->text(0) : QString();
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
    if (pragmaText(db, QStringLiteral("PRAGMA journal_mode")).compare(u"wal", Qt::CaseInsensitive) == 0
        && pragmaText(db, QStringLiteral("PRAGMA journal_mode=DELETE")).compare(u"delete", Qt::CaseInsensitive) == 0)
        m_journalMode = QStringLiteral("WAL");
    if (auto s = db.begin(); !s) {
        restoreSettings();
        return s;
    }
    QJsonArray defs;
    QStringList names;
    {
        // Secondary indexes, and the triggers that keep the dashboard rollups (an upsert per
        // written row; finish() sums them in memory as it writes the rows). Other triggers stay: their effect has no set-wise rebuild here.
        auto q = db.prepareOnce(QStringLiteral(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('incidents','events','incident_services') "
            "AND (type='index' OR (type='trigger' AND name LIKE 'metrics\\_%' ESCAPE '\\')) ORDER BY type='trigger', name"));
        while (q && q->step()) {
            names << QStringLiteral("%1 \"%2\"").arg(q->text(0).toUpper(), q->text(1));
            defs.append(q->text(2));
        }
    }
    for (const QString &n : std::as_const(names))
        if (auto s = db.exec(QStringLiteral("DROP %1").arg(n)); !s) {
            db.rollback();
            restoreSettings();
            return s;
        }
    if (auto s = m_store.setMeta(kPendingIndexes, QString::fromUtf8(QJsonDocument(defs).toJson(QJsonDocument::Compact))); !s) {
        db.rollback();
        restoreSettings();
        return s;
    }
    m_active = true;
    m_loaded = 0;
    m_rows.clear();
    m_index.clear();
    return {};
}

void BulkLoader::restoreSettings()
{
    auto &db = m_store.db();
    if (!m_journalMode.isEmpty())
        (void)db.exec(QStringLiteral("PRAGMA journal_mode=%1").arg(m_journalMode));
    m_journalMode.clear();
}

void BulkLoader::reserve(qint64 incidents)
{
    if (incidents > 0 && incidents < (qint64(1) << 31))
        m_index.reserve(qsizetype(incidents));
}

// Event::computeHash over bytes already at hand: the same input, without converting the
// hashes between hex and bytes or the strings to UTF-8 twice.
static QByteArray chainHash(const QByteArray &prevHex, const QByteArray &id, const QByteArray &incident, qint64 hlc, qint64 ts,
                            const QByteArray &actor, const QByteArray &kind, const QByteArray &payload)
{
    domain::Sha256 h;
    h.add(prevHex);
    h.add("\n");
    h.add(id);
    h.add("\n");
    h.add(incident);
    h.add("\n");
    h.add(QByteArray::number(hlc));
    h.add("\n");
    h.add(QByteArray::number(ts));
    h.add("\n");
    h.add(actor);
    h.add("\n");
    h.add(kind);
    h.add("\n");
    h.add(payload);
    return h.result();
}

Status BulkLoader::add(const QList<Event> &events)
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    store::Stmt *ins = m_store.db().prepare(QStringLiteral(
        "INSERT INTO events(id, incident, hlc, ts, actor, kind, payload, prev_hash, hash, origin) VALUES(?,?,?,?,?,?,?,?,?,?)"));
    if (!ins)
        return Status::fail(m_store.db().lastError(), QStringLiteral("db"));
    sqlite3_stmt *st = ins->handle();
    sqlite3 *db = m_store.db().handle();
    for (Event e : events) {
        const QUuid incUuid = QUuid::fromString(e.incidentUid);
        const QUuid idUuid = QUuid::fromString(e.id);
        if (incUuid.isNull() || idUuid.isNull())
            return Status::fail(QStringLiteral("event without a valid id or incident id"));
        Folding *&slot = m_index[incUuid];
        if (!slot) {
            slot = &m_rows.emplace_back();
            slot->uid = incUuid.toString(QUuid::WithoutBraces);
        }
        Folding &f = *slot;
        // The log stores UUIDs as bytes and reads them back in this one spelling: hash that.
        e.id = idUuid.toString(QUuid::WithoutBraces);
        e.incidentUid = f.uid;
        if (e.origin.isEmpty() || e.origin == u"local")
            e.origin = QStringLiteral("remote");
        // The payload is serialised once: the same canonical text is hashed and stored.
        e.payloadRaw = canonicalJson(e.payload);
        const QByteArray idText = e.id.toLatin1(), incText = e.incidentUid.toLatin1();
        const QByteArray actor = e.actor.toUtf8(), kind = e.kind.toUtf8(), origin = e.origin.toUtf8();
        const QByteArray idBlob = idUuid.toRfc4122(), incBlob = incUuid.toRfc4122();
        const QByteArray hash = chainHash(f.head.toHex(), idText, incText, e.hlc, e.ts, actor, kind, e.payloadRaw);
        sqlite3_reset(st);
        sqlite3_bind_blob(st, 1, idBlob.constData(), int(idBlob.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, incBlob.constData(), int(incBlob.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, e.hlc);
        sqlite3_bind_int64(st, 4, e.ts);
        sqlite3_bind_text(st, 5, actor.constData(), int(actor.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 6, kind.constData(), int(kind.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 7, e.payloadRaw.constData(), int(e.payloadRaw.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 8, f.head.constData(), int(f.head.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 9, hash.constData(), int(hash.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 10, origin.constData(), int(origin.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE) {
            const QString err = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_reset(st);
            // A duplicate id is a no-op, as in the merge path.
            if ((rc & 0xff) == SQLITE_CONSTRAINT && m_store.hasEvent(e.id))
                continue;
            return Status::fail(QStringLiteral("cannot append event: %1").arg(err), QStringLiteral("db"));
        }
        e.seq = sqlite3_last_insert_rowid(db);
        e.hash = QString::fromLatin1(hash.toHex());
        f.head = hash;
        ++m_loaded;
        if (e.kind == kinds::Opened && f.openSeq == 0)
            f.openSeq = e.seq;
        if (!f.dirty && f.incident.eventCount > 0 && (e.hlc < f.lastHlc || (e.hlc == f.lastHlc && e.id < f.lastId)))
            f.dirty = true;
        if (!f.dirty) {
            store::applyEvent(f.incident, e);
            f.lastHlc = e.hlc;
            f.lastId = e.id;
        }
        f.incident.headHash = e.hash; // the chain continues from the last appended event
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return {};
}

namespace {
double threadCpu()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// Records the time since the previous mark under a step name.
class StepClock {
public:
    explicit StepClock(QList<BulkLoader::Step> &out) : m_out(out) { restart(); }
    void mark(const QString &name)
    {
        const double cpu = threadCpu();
        m_out.append({name, cpu - m_cpu, double(m_wall.nsecsElapsed()) / 1e9});
        restart();
    }

private:
    void restart()
    {
        m_cpu = threadCpu();
        m_wall.start();
    }
    QList<BulkLoader::Step> &m_out;
    double m_cpu = 0;
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
    const QJsonArray indexes = QJsonDocument::fromJson(m_store.meta(kPendingIndexes).toUtf8()).array();
    auto recreate = [&](bool eventsOnly) -> Status {
        for (const auto &v : indexes) {
            QString sql = v.toString();
            if (eventsOnly && !sql.contains(QStringLiteral(" ON events")))
                continue;
            if (auto s = db.exec(ifNotExists(sql)); !s)
                return s;
            clock.mark(QStringLiteral("rebuild ") + sql.simplified().section(QLatin1Char(' '), sql.startsWith(QStringLiteral("CREATE UNIQUE")) ? 3 : 2, 2));
        }
        return {};
    };
    QList<Folding *> rows;
    rows.reserve(qsizetype(m_rows.size()));
    bool anyDirty = false;
    bool sorted = true;
    for (Folding &f : m_rows) {
        if (f.openSeq == 0)
            return fail(Status::fail(QStringLiteral("the back end sent events of incident %1 without its incident.opened event").arg(f.uid)));
        anyDirty = anyDirty || f.dirty;
        sorted = sorted && (rows.isEmpty() || rows.last()->openSeq < f.openSeq);
        rows << &f;
    }
    if (anyDirty)
        if (auto s = recreate(true); !s)
            return fail(s);
    for (Folding *f : std::as_const(rows)) {
        if (!f->dirty)
            continue;
        QList<Event> evs = m_store.timeline(f->uid);
        const QString head = f->incident.headHash;
        std::sort(evs.begin(), evs.end(), [](const Event &a, const Event &b) { return a.hlc != b.hlc ? a.hlc < b.hlc : a.id < b.id; });
        Incident inc;
        for (const Event &e : std::as_const(evs))
            store::applyEvent(inc, e);
        inc.headHash = head;
        f->incident = inc;
    }
    // Row ids in the order the incidents were opened, as a rebuild from the log gives them
    // (usually the order they were first seen in).
    if (!sorted)
        std::sort(rows.begin(), rows.end(), [](const Folding *a, const Folding *b) { return a->openSeq < b->openSeq; });
    store::MetricsRollupBuilder rollups;
    std::vector<std::pair<QString, qint64>> services; // (service, incident row): the key order
    services.reserve(rows.size());
    for (Folding *f : std::as_const(rows)) {
        f->incident.rowid = 0;
        rollups.add(f->incident);
        // `before` = itself: the row only; search and services are written set-wise below.
        if (auto s = m_store.writeIncident(f->incident, &f->incident); !s)
            return fail(s);
        for (const QString &svc : std::as_const(f->incident.services))
            services.emplace_back(svc, f->incident.rowid);
    }
    clock.mark(QStringLiteral("projection rows"));
    rows.clear();
    m_index.clear();
    m_rows.clear();
    clock.mark(QStringLiteral("free working set"));
    // Services in key order: each insert appends to the end of the table's b-tree.
    std::sort(services.begin(), services.end());
    if (!services.empty()) {
        store::Stmt *ins = db.prepare(QStringLiteral("INSERT OR IGNORE INTO incident_services(service, incident) VALUES(?,?)"));
        if (!ins)
            return fail(Status::fail(db.lastError(), QStringLiteral("db")));
        for (const auto &[svc, rowid] : services) {
            ins->reset();
            ins->bind(1, svc).bind(2, rowid);
            if (!ins->exec())
                return fail(Status::fail(ins->error(), QStringLiteral("db")));
        }
        ins->reset();
    }
    services = {};
    clock.mark(QStringLiteral("incident services"));
    for (const char *sql : {
             "INSERT INTO search(rowid, body, incident) SELECT id, number || ' ' || title || char(10) || description, id FROM incidents",
             "INSERT INTO search(rowid, body, incident) SELECT 1000000000000 + e.seq, json_extract(e.payload, '$.text'), i.id "
             "FROM events e JOIN incidents i ON i.uid = e.incident WHERE e.kind = 'note.added'"}) {
        if (auto s = db.exec(QString::fromLatin1(sql)); !s)
            return fail(s);
        clock.mark(QString::fromLatin1(sql).section(QLatin1Char('('), 0, 0));
    }
    if (auto s = rollups.write(db); !s)
        return fail(s);
    clock.mark(QStringLiteral("dashboard rollups"));
    if (auto s = recreate(false); !s)
        return fail(s);
    if (auto s = db.exec(QStringLiteral("DELETE FROM meta WHERE key='sync.bulk_indexes'")); !s)
        return fail(s);
    m_active = false;
    if (auto s = db.commit(); !s) {
        db.rollback();
        restoreSettings();
        return s;
    }
    clock.mark(QStringLiteral("commit"));
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
    m_store.db().rollback();
    restoreSettings();
}

Status BulkLoader::recover(store::Store &store)
{
    const QString pending = store.meta(kPendingIndexes);
    if (pending.isEmpty())
        return {};
    auto &db = store.db();
    if (auto s = db.begin(); !s)
        return s;
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

} // namespace sitrep::sync
