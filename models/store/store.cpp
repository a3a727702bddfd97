// SPDX-License-Identifier: MIT
#include "store/store.h"

#include "store/bulkloader.h"
#include "store/incidentcolumns.h"
#include "store/logging.h"
#include "store/metricsrollup.h"
#include "store/projector.h"
#include "store/walcheckpointer.h"
#include "util/hexdigit.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QUuid>
#include <QVariant>
#include <QtEndian>

#include <sqlite3.h>

#include <cstring>
#include <iterator>
#include <tuple>
#include <type_traits>
#include <utility>

namespace sitrep::store {

using namespace sitrep::domain;

static constexpr qint64 kNoteDocBase = 1000000000000LL;

QString sortKeyName(SortKey k)
{
    // The column of each sort key, in the order of SortKey.
    static const char *const columns[] = {"id",         "title",   "severity",
                                          "priority",   "state",   "assignee",
                                          "created_at", "sla_due", "updated_at"};
    static_assert(std::size(columns) == size_t(SortKey::Updated) + 1);
    const auto i = size_t(k);
    return QLatin1String(i < std::size(columns) ? columns[i] : "created_at");
}

QByteArray Store::uuidToBlob(const QString &uuid)
{
    return QUuid::fromString(uuid).toRfc4122();
}

QString Store::blobToUuid(const QByteArray &blob)
{
    return QUuid::fromRfc4122(blob).toString(QUuid::WithoutBraces);
}

QString Store::newUuid()
{
    // Version 4 UUIDs from a per-thread generator seeded from the system source: asking the
    // system source for each of them costs a system call per event.
    thread_local QRandomGenerator rng = QRandomGenerator::securelySeeded();
    const quint64 words[2] = {rng.generate64(), rng.generate64()};
    char b[16];
    memcpy(b, words, sizeof b);
    b[6] = char((b[6] & 0x0f) | 0x40);
    b[8] = char((b[8] & 0x3f) | 0x80);
    return QUuid::fromRfc4122(QByteArray::fromRawData(b, sizeof b)).toString(QUuid::WithoutBraces);
}

static QString jsonList(const QStringList &l)
{
    // Every projection write serialises four lists, mostly empty or plain words: those are
    // written directly (the same text QJsonDocument gives); anything that needs escaping
    // goes through Qt.
    QString out;
    out.reserve(2 + int(l.size()) * 16);
    out += u'[';
    for (const QString &v : l) {
        for (const QChar c : v)
            if (c.unicode() < 0x20 || c.unicode() > 0x7e || c == u'"' || c == u'\\')
                return QString::fromUtf8(
                    QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
        if (out.size() > 1)
            out += u',';
        out += u'"';
        out += v;
        out += u'"';
    }
    out += u']';
    return out;
}
static QStringList parseList(const QString &s)
{
    QStringList out;
    for (const auto &v : QJsonDocument::fromJson(s.toUtf8()).array())
        out << v.toString();
    return out;
}
static QString jsonObj(const QJsonObject &o)
{
    if (o.isEmpty())
        return QStringLiteral("{}");
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// sitrep_once_event_id(incident uid as 16 bytes, kind, key): domain::onceEventId() as the 16
// bytes events.id stores, NULL for a uid that is not 16 bytes; for migrations that ask the
// log for once-only events (1000_incident_alerts_link_order).
static void onceEventIdSql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc != 3 || sqlite3_value_type(argv[0]) != SQLITE_BLOB ||
        sqlite3_value_bytes(argv[0]) != 16) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto text = [&](int i) {
        return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_value_text(argv[i])),
                                 sqlite3_value_bytes(argv[i]));
    };
    const QByteArray uid(static_cast<const char *>(sqlite3_value_blob(argv[0])), 16);
    const QByteArray id =
        Store::uuidToBlob(domain::onceEventId(Store::blobToUuid(uid), text(1), text(2)));
    sqlite3_result_blob(ctx, id.constData(), int(id.size()), SQLITE_TRANSIENT);
}

Store::Store() = default;

Store::~Store()
{
    close();
}

void Store::close()
{
    m_checkpointer.reset(); // its thread and commit hook go before the connection
    m_db.close();
}

Status Store::open(const QString &path)
{
    close();
    if (path.isEmpty())
        return Status::fail(QStringLiteral("no database path given"));
    const QFileInfo fi(path);
    if (!fi.absoluteDir().exists() && !QDir().mkpath(fi.absolutePath()))
        return Status::fail(QStringLiteral("cannot create folder %1").arg(fi.absolutePath()));
    if (auto s = m_db.open(path); !s)
        return s;
    for (const QString &pragma :
         {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=NORMAL"),
          QStringLiteral("PRAGMA foreign_keys=ON"), QStringLiteral("PRAGMA temp_store=MEMORY"),
          QStringLiteral("PRAGMA cache_size=-65536"),
          QStringLiteral("PRAGMA wal_autocheckpoint=%1").arg(kWalCheckpointPages)}) {
        if (auto s = m_db.exec(pragma); !s)
            return Status::fail(QStringLiteral("%1: %2").arg(path, s.errorMessage()),
                                QStringLiteral("db"));
    }
    // The log is written back every kWalCheckpointPages pages, on a thread of its own (a
    // database in memory has no log).
    if (m_db.scalar(QStringLiteral("SELECT count(*) FROM pragma_journal_mode WHERE "
                                   "journal_mode='wal'")) == 1)
        m_checkpointer =
            std::make_unique<WalCheckpointer>(m_db.handle(), path, kWalCheckpointPages);
    // A file that is not SQLite fails here with a clear message.
    if (auto s = m_db.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")); !s)
        return Status::fail(
            QStringLiteral("%1 is not a Sitrep database: %2").arg(path, s.errorMessage()),
            QStringLiteral("db"));
    if (sqlite3_create_function(m_db.handle(), "sitrep_once_event_id", 3,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                onceEventIdSql, nullptr, nullptr) != SQLITE_OK)
        return Status::fail(
            QStringLiteral("%1: cannot register a SQL function: %2").arg(path, m_db.lastError()),
            QStringLiteral("db"));
    if (auto s = migrate(); !s)
        return s;
    if (auto s = BulkLoader::recover(*this); !s)
        qCWarning(lcStore) << "cannot restore indexes after an interrupted bulk load:"
                           << s.errorMessage();
    return {};
}

Status Store::openReadOnly(const QString &path)
{
    close();
    if (auto s = m_db.open(path, true); !s)
        return s;
    return m_db.exec(QStringLiteral("PRAGMA cache_size=-32768"));
}

Status Store::migrate()
{
    if (auto s = m_db.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations(name TEXT "
                                          "PRIMARY KEY, applied_at INTEGER NOT NULL)"));
        !s)
        return s;
    QStringList applied;
    {
        auto q = m_db.prepareOnce(QStringLiteral("SELECT name FROM schema_migrations"));
        while (q && q->step())
            applied << RowReader(*q).text();
    }
    // Migrations are files under :/sitrep/migrations, applied in name order, once each.
    // Each module adds its own file, so no two changes edit one migration list.
    QStringList files;
    QDirIterator it(QStringLiteral(":/sitrep/migrations"), {QStringLiteral("*.sql")}, QDir::Files);
    while (it.hasNext())
        files << it.next();
    std::sort(files.begin(), files.end(), [](const QString &a, const QString &b) {
        return QFileInfo(a).fileName() < QFileInfo(b).fileName();
    });
    if (files.isEmpty())
        return Status::fail(QStringLiteral("no migrations compiled in"));
    for (const QString &f : files) {
        const QString name = QFileInfo(f).completeBaseName();
        if (applied.contains(name))
            continue;
        QFile file(f);
        file.open(QIODevice::ReadOnly);
        const QString sql = QString::fromUtf8(file.readAll());
        if (auto s = m_db.begin(); !s)
            return Status::fail(
                QStringLiteral("cannot migrate %1: %2").arg(m_db.path(), s.errorMessage()),
                QStringLiteral("db"));
        // Another process may have migrated while we waited for the write lock.
        auto chk = m_db.prepareOnce(QStringLiteral("SELECT 1 FROM schema_migrations WHERE name=?"));
        chk->bind(1, name);
        if (chk->step()) {
            m_db.rollback();
            continue;
        }
        if (auto s = m_db.exec(sql); !s) {
            m_db.rollback();
            return Status::fail(
                QStringLiteral("migration %1 failed: %2").arg(name, s.errorMessage()),
                QStringLiteral("db"));
        }
        auto ins = m_db.prepareOnce(
            QStringLiteral("INSERT INTO schema_migrations VALUES(?, strftime('%s','now'))"));
        ins->bind(1, name);
        if (!ins->exec()) {
            m_db.rollback();
            return Status::fail(ins->error());
        }
        if (auto s = m_db.commit(); !s)
            return s;
        qCDebug(lcStore) << "applied migration" << name;
    }
    return {};
}

QString Store::meta(const QString &key, const QString &fallback)
{
    Stmt *s = m_db.prepare(QStringLiteral("SELECT value FROM meta WHERE key=?"));
    if (!s)
        return fallback;
    s->bind(1, key);
    const QString v = s->step() ? RowReader(*s).text() : fallback;
    s->reset();
    return v;
}

Status Store::compact()
{
    const CheckpointPause pause(m_checkpointer.get()); // the log is emptied here, at once
    if (auto s = m_db.exec(QStringLiteral("VACUUM")); !s)
        return s;
    // Best effort: a reader on another connection may keep the log from being emptied.
    (void)m_db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    return {};
}

Status Store::setMeta(const QString &key, const QString &value)
{
    Stmt *s = m_db.prepare(QStringLiteral("INSERT INTO meta(key, value) VALUES(?, ?) ON "
                                          "CONFLICT(key) DO UPDATE SET value=excluded.value"));
    s->bind(1, key).bind(2, value);
    if (!s->exec())
        return Status::fail(s->error());
    return {};
}

Result<QString> Store::nextNumber(const QString &prefix)
{
    Stmt *s = m_db.prepare(QStringLiteral(
        "UPDATE counters SET value = value + 1 WHERE name = 'incident_number' RETURNING value"));
    if (!s || !s->step())
        return Result<QString>::fail(
            QStringLiteral("cannot allocate an incident number: %1").arg(m_db.lastError()));
    const qint64 n = RowReader(*s).int64();
    s->exec();
    return prefix + QStringLiteral("%1").arg(n, 7, 10, QLatin1Char('0'));
}

using util::hexDigit;

// The bytes an event row stores for a UUID and a hash, written into buffers of the caller
// instead of a QByteArray each (four per event). A UUID is read as uuidToBlob() reads it (any
// spelling QUuid takes; anything else is the null UUID); a hash in its usual spelling (an
// even number of hex digits) here, anything else as QByteArray::fromHex() reads it.
struct EventKeyBytes {
    char bytes[16];
    QByteArrayView view;
    explicit EventKeyBytes(const QString &uuid)
    {
        const QUuid u = QUuid::fromString(uuid);
        qToBigEndian(u.data1, bytes);
        qToBigEndian(u.data2, bytes + 4);
        qToBigEndian(u.data3, bytes + 6);
        memcpy(bytes + 8, u.data4, 8);
        view = QByteArrayView(bytes, 16);
    }
};
struct HashBytes {
    char bytes[64];
    QByteArray other;
    QByteArrayView view;
    explicit HashBytes(const QString &hex)
    {
        bool ok = hex.size() % 2 == 0 && hex.size() <= 2 * qsizetype(sizeof bytes);
        for (qsizetype i = 0; ok && i < hex.size(); i += 2) {
            const int hi = hexDigit(hex[i].unicode()), lo = hexDigit(hex[i + 1].unicode());
            ok = hi >= 0 && lo >= 0;
            bytes[i / 2] = char(hi << 4 | lo);
        }
        if (ok) {
            view = QByteArrayView(bytes, hex.size() / 2);
        } else {
            other = QByteArray::fromHex(hex.toLatin1());
            view = other;
        }
    }
};

Status Store::appendEvent(Event &e)
{
    // Rule 2 hashes the origin: an event without one would not verify once read back.
    if (e.rule != domain::HashRule::Original && e.origin.isEmpty())
        return Status::fail(QStringLiteral("cannot append event %1: no origin").arg(e.id),
                            QStringLiteral("db"));
    Stmt *s = m_db.prepare(QStringLiteral(
        "INSERT INTO events(id, incident, hlc, ts, actor, kind, payload, prev_hash, hash, origin, "
        "hash_rule) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    const QByteArray payload = e.payloadJson();
    const EventKeyBytes id(e.id), incident(e.incidentUid);
    const HashBytes prev(e.prevHash), hash(e.hash);
    // Bound without a copy: every buffer outlives the statement's run below, and the next
    // use of the statement binds anew (Db::prepare clears the bindings).
    sqlite3_stmt *h = s->handle();
    const auto blob = [h](int i, QByteArrayView v) {
        sqlite3_bind_blob(h, i, v.data() ? v.data() : "", int(v.size()), SQLITE_STATIC);
    };
    blob(1, id.view);
    blob(2, incident.view);
    s->bind(3, e.hlc).bind(4, e.ts).bind(5, e.actor).bind(6, e.kind);
    sqlite3_bind_text(h, 7, payload.constData(), int(payload.size()), SQLITE_STATIC);
    blob(8, prev.view);
    blob(9, hash.view);
    s->bind(10, e.origin.isEmpty() ? QStringLiteral("local") : e.origin).bind(11, qint64(e.rule));
    if (!s->exec())
        return Status::fail(QStringLiteral("cannot append event: %1").arg(s->error()),
                            QStringLiteral("db"));
    e.seq = m_db.lastInsertRowId();
    return {};
}

// Calls `f` with the incident's column values, in kIncidentColumns order after id; the uid
// and the head hash as the row stores them (RFC 4122 bytes, raw SHA-256).
template <class F>
static decltype(auto) withIncidentValues(const Incident &i, const QByteArray &uidBlob,
                                         const QByteArray &headBlob, F &&f)
{
    return f(uidBlob, i.number, i.title, i.description, i.severity, i.priority, i.impact, i.urgency,
             i.category, i.subcategory, jsonList(i.services), jsonList(i.cis), i.assignee,
             i.assignmentGroup, i.reporter, i.commander, jsonList(i.responders), i.alertCount,
             i.state, i.open, i.createdAt, i.acknowledgedAt, i.mitigatedAt, i.resolvedAt,
             i.closedAt, i.updatedAt, i.responseDue, i.resolutionDue, i.activeDeadline(),
             i.slaPausedMs, i.slaPausedSince, i.slaBreached, i.rootCause, i.resolutionNote,
             i.closeCode, i.timeSpentMinutes, jsonObj(i.approvals), i.lastStatusUpdateAt, headBlob,
             i.eventCount, jsonObj(i.extra));
}

template <class F> static decltype(auto) withIncidentValues(const Incident &i, F &&f)
{
    return withIncidentValues(i, Store::uuidToBlob(i.uid),
                              QByteArray::fromHex(i.headHash.toLatin1()), std::forward<F>(f));
}

static QString placeholders(int n)
{
    QStringList q;
    for (int i = 0; i < n; ++i)
        q << QStringLiteral("?");
    return q.join(u',');
}

// The INSERT text of a projection table, built once per table and thread: it is needed for
// every incident written anew.
static const QString &rowSql(const QString &table)
{
    thread_local QHash<QString, QString> cache;
    auto it = cache.find(table);
    if (it != cache.end())
        return *it;
    return *cache.insert(table, QStringLiteral("INSERT INTO %1(%2) VALUES(%3)")
                                    .arg(table, QString::fromLatin1(kIncidentColumns),
                                         placeholders(kIncidentColumnCount)));
}

// Runs the row insert `s` with its values bound; the incident gets the row id SQLite gave
// it, unless it had one. A given id stays: the rebuild's scratch table (CREATE TABLE AS) has
// an id column that is not its rowid.
static Status stepRow(Db &db, Stmt *s, Incident &inc)
{
    if (!s->exec())
        return Status::fail(
            QStringLiteral("cannot write incident %1: %2").arg(inc.number, s->error()),
            QStringLiteral("db"));
    if (inc.rowid <= 0)
        inc.rowid = db.lastInsertRowId();
    return {};
}

// Inserts the row; `uidBlob` and `headBlob` are the uid and head hash as the row stores them.
static Status insertRow(Db &db, const QString &table, Incident &inc, const QByteArray &uidBlob,
                        const QByteArray &headBlob)
{
    Stmt *s = db.prepare(rowSql(table));
    if (!s)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    if (inc.rowid > 0)
        s->bind(1, inc.rowid);
    else
        s->bindNull(1);
    withIncidentValues(inc, uidBlob, headBlob, [&](const auto &...v) { s->bindValues(2, v...); });
    return stepRow(db, s, inc);
}

// The bit of each of kIncidentUnindexedTextColumns among the settable columns (after id).
static quint64 unindexedTextMask()
{
    static const quint64 mask = [] {
        const QStringList cols =
            QString::fromLatin1(kIncidentColumns).split(QStringLiteral(", ")).mid(1);
        quint64 m = 0;
        for (const char *name : kIncidentUnindexedTextColumns) {
            const qsizetype c = cols.indexOf(QLatin1String(name));
            Q_ASSERT(c >= 0);
            if (c >= 0)
                m |= quint64(1) << c;
        }
        return m;
    }();
    return mask;
}

// Sets the columns whose value differs from `before`, the row as stored: SQLite rewrites the
// entry of every index on a column an UPDATE sets, whether or not its value changed, and the
// incidents table has dozens of indexes, most on columns an alert link or a note never
// touches. Nothing changed, nothing written. The text columns no index or trigger reads go
// with every UPDATE, changed or not: SQLite copies each column an UPDATE leaves out from the
// old row into a register of its own (an allocation per text column, empty or not) to build
// the new row, where a bound value is used in place, and setting them rewrites no index.
static Status updateChanged(Db &db, const QString &table, const Incident &inc,
                            const Incident &before)
{
    static_assert(kIncidentColumnCount - 1 <= 64, "one bit per settable column");
    // The column values as typed values, compared and bound without a QVariant each.
    const auto tupleOf = [](const Incident &i) {
        return withIncidentValues(i, [](const auto &...v) { return std::make_tuple(v...); });
    };
    const auto now = tupleOf(inc), was = tupleOf(before);
    constexpr size_t n = std::tuple_size_v<std::decay_t<decltype(now)>>;
    static_assert(n == size_t(kIncidentColumnCount - 1));
    quint64 changed = 0;
    [&]<size_t... c>(std::index_sequence<c...>)
    {
        ((changed |= std::get<c>(now) == std::get<c>(was) ? 0 : quint64(1) << c), ...);
    }
    (std::make_index_sequence<n>{});
    if (!changed)
        return {};
    const quint64 mask = changed | unindexedTextMask();
    // The UPDATE text per table and set of columns, built once per thread: an alert link, a
    // note or a transition each change the same few columns every time.
    thread_local QHash<std::pair<QString, quint64>, QString> texts;
    auto it = texts.find({table, mask});
    if (it == texts.end()) {
        static const QStringList cols =
            QString::fromLatin1(kIncidentColumns).split(QStringLiteral(", ")).mid(1);
        QStringList sets;
        for (qsizetype c = 0; c < cols.size(); ++c)
            if (mask & (quint64(1) << c))
                sets << cols[c] + QStringLiteral("=?");
        it =
            texts.insert({table, mask},
                         QStringLiteral("UPDATE %1 SET %2 WHERE id=?").arg(table, sets.join(u',')));
    }
    Stmt *s = db.prepare(*it);
    if (!s)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    int param = 1;
    [&]<size_t... c>(std::index_sequence<c...>)
    {
        ((mask & (quint64(1) << c) ? (void)s->bindValues(param++, std::get<c>(now)) : (void)0),
         ...);
    }
    (std::make_index_sequence<n>{});
    s->bind(param, inc.rowid);
    if (!s->exec())
        return Status::fail(
            QStringLiteral("cannot update incident %1: %2").arg(inc.number, s->error()),
            QStringLiteral("db"));
    return {};
}

QString searchDocument(const Incident &inc)
{
    return inc.number + u' ' + inc.title + u'\n' + inc.description + u'\n' +
           inc.services.join(u' ') + u' ' + inc.assignee + u' ' + inc.assignmentGroup;
}

static Status writeServices(Db &db, const Incident &inc, const Incident *before)
{
    if (before && before->services == inc.services)
        return {};
    if (before) {
        Stmt *d = db.prepare(QStringLiteral("DELETE FROM incident_services WHERE incident=?"));
        d->bind(1, inc.rowid);
        d->exec();
    }
    Stmt *s = db.prepare(
        QStringLiteral("INSERT OR IGNORE INTO incident_services(service, incident) VALUES(?,?)"));
    for (const QString &svc : inc.services) {
        s->reset();
        s->bind(1, svc).bind(2, inc.rowid);
        if (!s->exec())
            return Status::fail(s->error());
    }
    return {};
}

// The search document: what people type to find an incident, its words and who and what it
// is about (services, assignee, group). Same text as the bulk loader and migration 0810 write.
static Status writeSearch(Db &db, const Incident &inc, const Incident *before)
{
    if (before && before->title == inc.title && before->description == inc.description &&
        before->number == inc.number && before->services == inc.services &&
        before->assignee == inc.assignee && before->assignmentGroup == inc.assignmentGroup)
        return {};
    if (before) {
        Stmt *d = db.prepare(QStringLiteral("DELETE FROM search WHERE rowid=?"));
        d->bind(1, inc.rowid);
        d->exec();
    }
    Stmt *s = db.prepare(QStringLiteral("INSERT INTO search(rowid, body, incident) VALUES(?,?,?)"));
    s->bind(1, inc.rowid).bind(2, searchDocument(inc)).bind(3, inc.rowid);
    if (!s->exec())
        return Status::fail(s->error());
    return {};
}

static Status writeSideTables(Db &db, const Incident &inc, const Incident *before)
{
    if (auto s = writeServices(db, inc, before); !s)
        return s;
    return writeSearch(db, inc, before);
}

// The links `inc` made that `table` does not hold yet: one INSERT each, numbered on from the
// links it holds. Never a rewrite of the links already there.
static Status writeAlertLinks(Db &db, const QString &table, Incident &inc)
{
    const qint64 fresh = inc.alertCount - inc.alertsInTable;
    if (fresh <= 0)
        return {};
    if (fresh > inc.alerts.size())
        return Status::fail(QStringLiteral("incident %1: %2 new alert links, %3 known")
                                .arg(inc.number)
                                .arg(fresh)
                                .arg(inc.alerts.size()),
                            QStringLiteral("db"));
    Stmt *s = db.prepare(
        QStringLiteral("INSERT INTO %1(incident, ord, alert, once) VALUES(?,?,?,?)").arg(table));
    if (!s)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    qint64 ord = inc.alertsInTable;
    for (qsizetype i = inc.alerts.size() - fresh; i < inc.alerts.size(); ++i) {
        s->reset();
        const QString &alert = inc.alerts.at(i);
        s->bind(1, inc.rowid)
            .bind(2, ++ord)
            .bind(3, alert)
            .bind(4, qint64(!inc.linkedByName.contains(alert)));
        if (!s->exec())
            return Status::fail(QStringLiteral("cannot link alert %1 to incident %2: %3")
                                    .arg(inc.alerts.at(i), inc.number, s->error()),
                                QStringLiteral("db"));
    }
    inc.alertsInTable = inc.alertCount;
    return {};
}

static Status insertRow(Db &db, const QString &table, Incident &inc)
{
    return insertRow(db, table, inc, Store::uuidToBlob(inc.uid),
                     QByteArray::fromHex(inc.headHash.toLatin1()));
}

void IncidentRowBatch::add(Incident &inc, const QByteArray &uidBlob, const QByteArray &headBlob)
{
    m_incidents.push_back(&inc);
    const auto put = [this](const auto &v) {
        using T = std::decay_t<decltype(v)>;
        const qsizetype at = m_bytes.size();
        if constexpr (std::is_same_v<T, QString>) {
            m_cells.push_back({at, qint32(appendUtf8(m_bytes, v)), Kind::Text}); // as Stmt binds it
        } else if constexpr (std::is_same_v<T, QByteArray>) {
            m_bytes.append(v);
            m_cells.push_back({at, qint32(v.size()), Kind::Blob});
        } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
            m_cells.push_back({qint64(v), 0, Kind::Integer});
        } else {
            static_assert(sizeof(T) == 0, "IncidentRowBatch: no column type for this value");
        }
    };
    withIncidentValues(inc, uidBlob, headBlob, [&](const auto &...v) { (put(v), ...); });
}

void IncidentRowBatch::clear()
{
    m_incidents.clear();
    m_cells.clear();
    m_bytes.resize(0); // keeps its capacity for the next batch
}

Status Store::insertIncidentRow(Incident &inc, const QByteArray &uidBlob,
                                const QByteArray &headBlob)
{
    IncidentRowBatch one;
    one.add(inc, uidBlob, headBlob);
    return insertIncidentRows(one);
}

Status Store::insertIncidentRows(const IncidentRowBatch &batch)
{
    m_written = nullptr; // the rows written before may change now
    const QString table = QStringLiteral("incidents");
    Stmt *s = m_db.prepare(rowSql(table));
    if (!s)
        return Status::fail(m_db.lastError(), QStringLiteral("db"));
    sqlite3_stmt *h = s->handle();
    constexpr size_t columns = size_t(kIncidentColumnCount - 1);
    Q_ASSERT(batch.m_cells.size() == batch.m_incidents.size() * columns);
    const char *bytes = batch.m_bytes.constData();
    // Every parameter is bound again for each row: no need to clear them between rows. They
    // point into the batch, so they are cleared once it is written.
    const auto unbind = qScopeGuard([h] { sqlite3_clear_bindings(h); });
    for (size_t r = 0; r < batch.m_incidents.size(); ++r) {
        Incident &inc = *batch.m_incidents[r];
        sqlite3_reset(h);
        if (inc.rowid > 0)
            sqlite3_bind_int64(h, 1, inc.rowid);
        else
            sqlite3_bind_null(h, 1);
        // Bound without a copy: the batch outlives each step. Empty text and blobs are bound
        // as such, not as NULL (as Stmt binds them).
        for (size_t c = 0; c < columns; ++c) {
            const IncidentRowBatch::Cell &cell = batch.m_cells[r * columns + c];
            const int at = int(c) + 2;
            const char *data = cell.size > 0 ? bytes + cell.value : "";
            switch (cell.kind) {
            case IncidentRowBatch::Kind::Integer:
                sqlite3_bind_int64(h, at, cell.value);
                break;
            case IncidentRowBatch::Kind::Text:
                sqlite3_bind_text(h, at, data, cell.size, SQLITE_STATIC);
                break;
            case IncidentRowBatch::Kind::Blob:
                sqlite3_bind_blob(h, at, data, cell.size, SQLITE_STATIC);
                break;
            }
        }
        if (auto st = stepRow(m_db, s, inc); !st)
            return st;
        if (auto st = writeAlertLinks(m_db, QStringLiteral("incident_alerts"), inc); !st)
            return st;
    }
    return {};
}

Status Store::writeIncident(Incident &inc, const Incident *before, bool withSearch)
{
    m_written = nullptr; // the rows written before may change now
    const QString table = QStringLiteral("incidents");
    if (auto s = inc.rowid == 0 || !before ? insertRow(m_db, table, inc)
                                           : updateChanged(m_db, table, inc, *before);
        !s)
        return s;
    if (auto s = writeAlertLinks(m_db, QStringLiteral("incident_alerts"), inc); !s)
        return s;
    if (!withSearch)
        return writeServices(m_db, inc, before);
    return writeSideTables(m_db, inc, before);
}

Status Store::writeSearchDocument(const Incident &inc, const Incident *before)
{
    return writeSearch(m_db, inc, before);
}

Status Store::clearAlertLinks(Incident &inc)
{
    m_written = nullptr;
    if (inc.rowid > 0)
        if (auto s =
                m_db.run(QStringLiteral("DELETE FROM incident_alerts WHERE incident=?"), inc.rowid);
            !s)
            return s;
    inc.alertsInTable = 0;
    return {};
}

bool Store::alertLinked(qint64 incidentRowId, const QString &alert, const QString &onceId)
{
    if (hasEvent(onceId))
        return true;
    Stmt *s = m_db.prepare(
        QStringLiteral("SELECT 1 FROM incident_alerts WHERE incident=? AND alert=? AND once=0"));
    if (!s)
        return false;
    s->bind(1, incidentRowId).bind(2, alert);
    const bool found = s->step();
    s->reset();
    return found;
}

QStringList Store::alerts(qint64 incidentRowId, int limit)
{
    return m_db.texts(
        QStringLiteral("SELECT alert FROM incident_alerts WHERE incident=? ORDER BY ord LIMIT ?"),
        {incidentRowId, qint64(limit < 0 ? -1 : limit)});
}

void Store::loadAlerts(Incident &inc)
{
    inc.alerts = alerts(inc.rowid);
    inc.linkedHere.clear();
    inc.linkedByName.clear();
}

Status Store::addSearchNote(qint64 incidentRowId, qint64 eventSeq, const QString &text)
{
    Stmt *s =
        m_db.prepare(QStringLiteral("INSERT INTO search(rowid, body, incident) VALUES(?,?,?)"));
    s->bind(1, kNoteDocBase + eventSeq).bind(2, text).bind(3, incidentRowId);
    if (!s->exec())
        return Status::fail(s->error());
    return {};
}

bool Store::hasEvent(const QString &eventId)
{
    Stmt *s = m_db.prepare(QStringLiteral("SELECT 1 FROM events WHERE id=?"));
    s->bindBlob(1, uuidToBlob(eventId));
    const bool found = s->step();
    s->reset();
    return found;
}

qint64 Store::lastHlc()
{
    return m_db.scalar(
        QStringLiteral("SELECT max(hlc) FROM (SELECT hlc FROM events ORDER BY seq DESC LIMIT 64)"));
}

Incident Store::readIncident(const Stmt &s)
{
    Incident i;
    RowReader row(s);
    i.rowid = row.int64();
    i.uid = blobToUuid(row.blob());
    row.read(i.number, i.title, i.description, i.severity, i.priority, i.impact, i.urgency,
             i.category, i.subcategory);
    i.services = parseList(row.text());
    i.cis = parseList(row.text());
    row.read(i.assignee, i.assignmentGroup, i.reporter, i.commander);
    i.responders = parseList(row.text());
    i.alertCount = row.int64();
    i.alertsInTable = i.alertCount;
    row.read(i.state, i.open, i.createdAt, i.acknowledgedAt, i.mitigatedAt, i.resolvedAt,
             i.closedAt, i.updatedAt, i.responseDue, i.resolutionDue);
    row.skip(); // sla_due is derived
    row.read(i.slaPausedMs, i.slaPausedSince, i.slaBreached, i.rootCause, i.resolutionNote,
             i.closeCode, i.timeSpentMinutes);
    i.approvals = QJsonDocument::fromJson(row.text().toUtf8()).object();
    i.lastStatusUpdateAt = row.int64();
    i.headHash = QString::fromLatin1(row.blob().toHex());
    i.eventCount = row.int64();
    i.extra = QJsonDocument::fromJson(row.text().toUtf8()).object();
    return i;
}

std::optional<Incident> Store::incidentWhere(const char *column, const QVariant &value)
{
    Stmt *s = m_db.prepare(QStringLiteral("SELECT %1 FROM incidents WHERE %2=?")
                               .arg(QLatin1String(kIncidentColumns), QLatin1String(column)));
    s->bindAll({value});
    return s->one(readIncident);
}

std::optional<Incident> Store::incidentByUid(const QString &uid)
{
    if (m_written)
        if (const auto it = m_written->constFind(uid); it != m_written->cend()) {
            // What readIncident() gives for the row.
            Incident inc = *it;
            inc.asRead();
            return inc;
        }
    return incidentWhere("uid", uuidToBlob(uid));
}

std::optional<Incident> Store::incidentByNumber(const QString &number)
{
    return incidentWhere("number", number);
}

std::optional<Incident> Store::incidentByRowId(qint64 rowid)
{
    return incidentWhere("id", rowid);
}

std::optional<Incident> Store::findIncident(const QString &ref)
{
    const QString r = ref.trimmed();
    if (r.isEmpty())
        return std::nullopt;
    if (auto i = incidentByNumber(r.toUpper()))
        return i;
    if (!QUuid::fromString(r).isNull())
        return incidentByUid(r);
    bool ok = false;
    const qint64 n = r.toLongLong(&ok);
    if (ok && n > 0)
        return incidentByNumber(QStringLiteral("INC%1").arg(n, 7, 10, QLatin1Char('0')));
    return std::nullopt;
}

QString ftsQuery(const QString &in)
{
    // Every word is a prefix: "check" finds checkout, "502" finds 502s, "priya" finds
    // priya.raman. A trailing * is accepted (and was needed before). A word in double
    // quotes is matched exactly ("since" finds since, not sincere).
    QStringList terms;
    static const QRegularExpression ws(QStringLiteral("\\s+"));
    for (QString w : in.split(ws, Qt::SkipEmptyParts)) {
        const bool exact = w.size() > 2 && w.startsWith(u'"') && w.endsWith(u'"');
        if (exact)
            w = w.mid(1, w.size() - 2);
        while (w.endsWith(u'*'))
            w.chop(1);
        w.replace(u'"', QStringLiteral("\"\""));
        // Nothing to match in pure punctuation ("-", "()"): FTS5 would reject the phrase.
        bool hasWord = false;
        for (const QChar c : std::as_const(w))
            hasWord = hasWord || c.isLetterOrNumber();
        if (hasWord)
            terms << u'"' + w + (exact ? QStringLiteral("\"") : QStringLiteral("\"*"));
    }
    return terms.join(u' ');
}

void SqlWhere::in(const QString &column, const QStringList &values)
{
    QStringList ph;
    for (const QString &v : values) {
        ph << QStringLiteral("?");
        m_binds << v;
    }
    m_terms << QStringLiteral("%1 IN (%2)").arg(column, ph.join(u','));
}

QString SqlWhere::sql() const
{
    return m_terms.isEmpty() ? QString()
                             : QStringLiteral(" WHERE ") + m_terms.join(QStringLiteral(" AND "));
}

void IncidentConditions::addTo(SqlWhere &where) const
{
    if (!states.isEmpty())
        where.in(QStringLiteral("state"), states);
    if (open) // literal, so the planner can use the partial indexes of open rows (0200)
        where.add(*open ? QStringLiteral("is_open=1") : QStringLiteral("is_open=0"));
    if (severity > 0)
        where.add(QStringLiteral("severity=?"), {qint64(severity)});
    if (priority > 0)
        where.add(QStringLiteral("priority=?"), {qint64(priority)});
    if (!assignee.isEmpty())
        where.add(QStringLiteral("assignee=?"), {assignee});
    if (!service.isEmpty())
        where.add(QStringLiteral("id IN (SELECT incident FROM incident_services WHERE service=?)"),
                  {service});
}

QString Store::listSql(const ListQuery &q, bool countOnly, QList<QVariant> &binds)
{
    SqlWhere where(binds);
    q.addTo(where);
    if (q.slaDueBefore)
        where.add(QStringLiteral("is_open=1 AND sla_due>0 AND sla_due<?"), {*q.slaDueBefore});
    if (q.createdAfter)
        where.add(QStringLiteral("created_at>=?"), {*q.createdAfter});
    if (q.resolvedAfter)
        where.add(QStringLiteral("resolved_at>=?"), {*q.resolvedAfter});
    if (const QString fts = ftsQuery(q.search); !fts.isEmpty())
        where.add(QStringLiteral("id IN (SELECT incident FROM search WHERE search MATCH ?)"),
                  {fts});
    QString sql =
        countOnly
            ? QStringLiteral("SELECT count(*) FROM incidents")
            : QStringLiteral("SELECT %1 FROM incidents").arg(QString::fromLatin1(kIncidentColumns));
    sql += where.sql();
    if (!countOnly) {
        const QString dir = q.descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
        const QString key = sortKeyName(q.sort);
        sql += key == u"id" ? QStringLiteral(" ORDER BY id %1").arg(dir)
                            : QStringLiteral(" ORDER BY %1 %2, id %2").arg(key, dir);
        sql += QStringLiteral(" LIMIT %1 OFFSET %2").arg(q.limit).arg(q.offset);
    }
    return sql;
}

QList<Incident> Store::list(const ListQuery &q)
{
    QList<QVariant> binds;
    const QString sql = listSql(q, false, binds);
    Stmt *s = m_db.prepare(sql);
    if (!s)
        return {};
    return s->bindAll(binds).all(readIncident);
}

qint64 Store::count(const ListQuery &q)
{
    QList<QVariant> binds;
    const QString sql = listSql(q, true, binds);
    return m_db.scalar(sql, binds);
}

// incidentBlob, when given, receives the incident's uid as stored (what the log is sorted by).
static Event readEventOf(const Stmt &s, QByteArray *incidentBlob)
{
    Event e;
    RowReader row(s);
    e.seq = row.int64();
    e.id = Store::blobToUuid(row.blob());
    const QByteArray incident = row.blob();
    e.incidentUid = Store::blobToUuid(incident);
    if (incidentBlob)
        *incidentBlob = incident;
    row.read(e.hlc, e.ts, e.actor, e.kind, e.payloadRaw);
    if (e.payloadRaw.isNull())
        e.payloadRaw = QByteArray("");
    e.payload = QJsonDocument::fromJson(e.payloadRaw).object();
    e.prevHash = QString::fromLatin1(row.blob().toHex());
    e.hash = QString::fromLatin1(row.blob().toHex());
    e.origin = row.text();
    // Kept as stored even when this build does not know the rule: verify says so.
    e.rule = domain::HashRule(row.int64());
    return e;
}

static Event readEvent(const Stmt &s)
{
    return readEventOf(s, nullptr);
}

static const char *const kEventColumns =
    "seq, id, incident, hlc, ts, actor, kind, payload, prev_hash, hash, origin, hash_rule";

QList<Event> Store::timeline(const QString &incidentUid)
{
    Stmt *s = m_db.prepare(QStringLiteral("SELECT %1 FROM events WHERE incident=? ORDER BY seq")
                               .arg(QString::fromLatin1(kEventColumns)));
    return s->bindBlob(1, uuidToBlob(incidentUid)).all(readEvent);
}

QList<Event> Store::eventsAfter(qint64 seq, int limit)
{
    Stmt *s = m_db.prepare(QStringLiteral("SELECT %1 FROM events WHERE seq>? ORDER BY seq LIMIT ?")
                               .arg(QString::fromLatin1(kEventColumns)));
    return s->bind(1, seq).bind(2, limit).all(readEvent);
}

QList<Event> Store::eventsBetween(qint64 after, qint64 upTo, const QStringList &kinds, int limit)
{
    QString sql = QStringLiteral("SELECT %1 FROM events WHERE seq>? AND seq<=?")
                      .arg(QString::fromLatin1(kEventColumns));
    if (!kinds.isEmpty())
        sql += QStringLiteral(" AND kind IN (%1)").arg(placeholders(int(kinds.size())));
    sql += QStringLiteral(" ORDER BY seq LIMIT ?");
    Stmt *s = m_db.prepare(sql);
    if (!s)
        return {};
    s->bind(1, after).bind(2, upTo);
    int k = 3;
    for (const QString &kind : kinds)
        s->bind(k++, kind);
    return s->bind(k, limit).all(readEvent);
}

qint64 Store::projectionCursor(const QString &name)
{
    return m_db.scalar(QStringLiteral("SELECT seq FROM projection_cursors WHERE name=?"), {name});
}

Status Store::setProjectionCursor(const QString &name, qint64 seq)
{
    Stmt *s = m_db.prepare(QStringLiteral("INSERT INTO projection_cursors(name, seq) VALUES(?, ?) "
                                          "ON CONFLICT(name) DO UPDATE SET seq=excluded.seq"));
    if (!s)
        return Status::fail(m_db.lastError(), QStringLiteral("db"));
    s->bind(1, name).bind(2, seq);
    if (!s->exec())
        return Status::fail(s->error(), QStringLiteral("db"));
    return {};
}

qint64 Store::maxSeq()
{
    return m_db.scalar(QStringLiteral("SELECT coalesce(max(seq),0) FROM events"));
}

qint64 Store::incidentCount()
{
    return m_db.scalar(QStringLiteral("SELECT count(*) FROM incidents"));
}

qint64 Store::dataVersion()
{
    return m_db.scalar(QStringLiteral("PRAGMA data_version"));
}

// Folds the whole log into `table` (same columns as incidents). Incidents get row ids in
// the order they were opened, as the live path gives them.
Status Store::foldInto(const QString &table, const QString &linksTable, bool withSideTables)
{
    QHash<QByteArray, qint64> rowids;
    {
        auto q = m_db.prepareOnce(QStringLiteral(
            "SELECT incident FROM events WHERE kind='incident.opened' ORDER BY seq"));
        qint64 next = 0;
        while (q && q->step()) {
            const QByteArray uid = RowReader(*q).blob();
            if (!rowids.contains(uid))
                rowids.insert(uid, ++next);
        }
    }
    // Events fold in domain::foldsBefore() order (the opening, then (hlc, id)), the order
    // every replica agrees on after a merge; for a log written by one replica it is the append
    // order. The chain head stays the last appended event.
    auto q = m_db.prepareOnce(QStringLiteral("SELECT %1 FROM events ORDER BY incident, kind <> "
                                             "'incident.opened', hlc, id")
                                  .arg(QString::fromLatin1(kEventColumns)));
    if (!q)
        return Status::fail(m_db.lastError());
    Incident cur;
    QByteArray curUid;
    bool have = false;
    qint64 headSeq = -1;
    QString head;
    auto flush = [&]() -> Status {
        if (!have)
            return {};
        cur.headHash = head;
        cur.rowid = rowids.value(curUid, 0);
        if (cur.rowid == 0)
            return Status::fail(
                QStringLiteral("events of incident %1 without an incident.opened event")
                    .arg(blobToUuid(curUid)));
        if (auto s = insertRow(m_db, table, cur); !s)
            return s;
        if (auto s = writeAlertLinks(m_db, linksTable, cur); !s)
            return s;
        if (withSideTables)
            return writeSideTables(m_db, cur, nullptr);
        return {};
    };
    while (q->step()) {
        QByteArray uid;
        const Event e = readEventOf(*q, &uid);
        if (!have || uid != curUid) {
            if (auto s = flush(); !s)
                return s;
            cur = Incident();
            curUid = uid;
            have = true;
            headSeq = -1;
        }
        applyEvent(cur, e);
        if (e.seq > headSeq) {
            headSeq = e.seq;
            head = e.hash;
        }
        if (withSideTables && e.kind == kinds::NoteAdded)
            if (auto s = addSearchNote(rowids.value(uid), e.seq, e.payload[u"text"].toString()); !s)
                return s;
    }
    if (!q->error().isEmpty())
        return Status::fail(q->error());
    return flush();
}

Status Store::rebuildProjection()
{
    const bool own = !m_db.inTransaction();
    if (own)
        if (auto s = m_db.begin(); !s)
            return s;
    auto fail = [&](const Status &s) {
        if (own)
            m_db.rollback();
        return s;
    };
    for (const char *sql : {"DELETE FROM incidents", "DELETE FROM incident_services",
                            "DELETE FROM incident_alerts", "DELETE FROM search"}) {
        if (auto s = m_db.exec(QString::fromLatin1(sql)); !s)
            return fail(s);
    }
    if (auto s = foldInto(QStringLiteral("incidents"), QStringLiteral("incident_alerts"), true); !s)
        return fail(s);
    if (auto s = rebuildMetricsRollups(m_db); !s)
        return fail(s);
    return own ? m_db.commit() : Status{};
}

VerifyReport Store::verify(const std::function<void(const QString &)> &progress)
{
    VerifyReport r;
    auto fault = [&](const QString &f) {
        r.ok = false;
        if (r.faults.size() < 100)
            r.faults << f;
    };
    auto say = [&](const QString &m) {
        if (progress)
            progress(m);
    };
    // Everything below reads one snapshot in a read transaction, and the rebuild goes into
    // temp tables: writers (the CLI, the ingest listener, the window) are never blocked.
    if (auto s = m_db.beginRead(); !s) {
        fault(QStringLiteral("cannot start a read transaction: %1").arg(s.errorMessage()));
        return r;
    }
    say(QStringLiteral("checking SQLite integrity"));
    {
        auto q = m_db.prepareOnce(QStringLiteral("PRAGMA quick_check"));
        while (q && q->step())
            if (const QString result = RowReader(*q).text(); result != u"ok")
                fault(QStringLiteral("sqlite: %1").arg(result));
    }
    say(QStringLiteral("checking the hash chain of every incident"));
    QHash<QByteArray, QByteArray> heads;
    {
        auto q = m_db.prepareOnce(QStringLiteral("SELECT %1 FROM events ORDER BY incident, seq")
                                      .arg(QString::fromLatin1(kEventColumns)));
        QByteArray curUid;
        QString prev;
        while (q && q->step()) {
            QByteArray uid;
            const Event e = readEventOf(*q, &uid);
            if (uid != curUid) {
                curUid = uid;
                prev.clear();
            }
            ++r.events;
            if (e.prevHash != prev)
                fault(QStringLiteral("event %1 (seq %2) of incident %3: chain broken (previous "
                                     "hash does not match)")
                          .arg(e.id)
                          .arg(e.seq)
                          .arg(e.incidentUid));
            if (!domain::hashRuleFrom(qint64(e.rule)))
                fault(QStringLiteral("event %1 (seq %2) of incident %3: hashed under rule %4, "
                                     "which this version does not know")
                          .arg(e.id)
                          .arg(e.seq)
                          .arg(e.incidentUid)
                          .arg(int(e.rule)));
            else if (e.computeHash() != e.hash)
                fault(QStringLiteral(
                          "event %1 (seq %2, %3) of incident %4: content changed (hash mismatch)")
                          .arg(e.id)
                          .arg(e.seq)
                          .arg(e.kind, e.incidentUid));
            prev = e.hash;
            heads[uid] = QByteArray::fromHex(e.hash.toLatin1());
        }
    }
    say(QStringLiteral("rebuilding the projection from the log and comparing"));
    (void)m_db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rebuilt"));
    (void)m_db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rebuilt_alerts"));
    for (const char *sql :
         {"CREATE TEMP TABLE rebuilt AS SELECT * FROM main.incidents WHERE 0",
          "CREATE TEMP TABLE rebuilt_alerts(incident INTEGER NOT NULL, ord INTEGER NOT NULL, "
          "alert TEXT NOT NULL, once INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(incident, ord)) "
          "WITHOUT ROWID"})
        if (auto s = m_db.exec(QString::fromLatin1(sql)); !s)
            fault(QStringLiteral("cannot create a scratch table: %1").arg(s.errorMessage()));
    if (auto s =
            foldInto(QStringLiteral("temp.rebuilt"), QStringLiteral("temp.rebuilt_alerts"), false);
        !s) {
        fault(QStringLiteral("rebuild failed: %1").arg(s.errorMessage()));
    } else {
        auto diff = [&](const QString &a, const QString &b, const QString &what) {
            auto q = m_db.prepareOnce(
                QStringLiteral(
                    "SELECT number FROM (SELECT * FROM %1 EXCEPT SELECT * FROM %2) LIMIT 20")
                    .arg(a, b));
            while (q && q->step())
                fault(QStringLiteral("incident %1: %2").arg(RowReader(*q).text(), what));
        };
        diff(QStringLiteral("main.incidents"), QStringLiteral("temp.rebuilt"),
             QStringLiteral("projection row differs from the log"));
        diff(QStringLiteral("temp.rebuilt"), QStringLiteral("main.incidents"),
             QStringLiteral("the log gives a row the projection lacks or differs from"));
        // The alert links, each named by its incident's number and the alert.
        auto diffLinks = [&](const QString &a, const QString &b, const QString &what) {
            auto q = m_db.prepareOnce(
                QStringLiteral("SELECT (SELECT number FROM main.incidents WHERE id = d.incident), "
                               "d.alert FROM (SELECT * FROM %1 EXCEPT SELECT * FROM %2) d LIMIT 20")
                    .arg(a, b));
            while (q && q->step()) {
                RowReader row(*q);
                const QVariant number = row.value();
                fault(QStringLiteral("incident %1, alert %2: %3")
                          .arg(number.toString(), row.text(), what));
            }
        };
        diffLinks(QStringLiteral("main.incident_alerts"), QStringLiteral("temp.rebuilt_alerts"),
                  QStringLiteral("alert link differs from the log"));
        diffLinks(QStringLiteral("temp.rebuilt_alerts"), QStringLiteral("main.incident_alerts"),
                  QStringLiteral("the log gives an alert link the projection lacks"));
        say(QStringLiteral("rebuilding the dashboard rollups from the log and comparing"));
        for (const QString &f : compareMetricsRollups(m_db, QStringLiteral("temp.rebuilt")))
            fault(f);
    }
    (void)m_db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rebuilt"));
    (void)m_db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rebuilt_alerts"));
    r.incidents = incidentCount();
    m_db.rollback();
    return r;
}

} // namespace sitrep::store
