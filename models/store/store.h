// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"
#include "store/incidentconditions.h"
#include "store/sqlite.h"
#include "util/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace sitrep::store {

class WalCheckpointer;

/// Sortable columns of the incident list (the keys the indexes exist for).
enum class SortKey { Number, Title, Severity, Priority, State, Assignee, Created, SlaDue, Updated };
QString sortKeyName(SortKey k);

/// A filter over the incidents projection. Empty fields do not filter.
struct ListQuery : IncidentConditions {
    std::optional<qint64> slaDueBefore; // open incidents whose active deadline is before this
    std::optional<qint64> createdAfter;
    std::optional<qint64> resolvedAfter;
    SortKey sort = SortKey::Created;
    bool descending = true;
    int limit = 50;
    qint64 offset = 0;
};

struct VerifyReport {
    bool ok = true;
    qint64 events = 0;
    qint64 incidents = 0;
    QStringList faults;
};

/// Incident rows made ready to insert: each column's value converted as the row stores it
/// (text as UTF-8, lists and objects as JSON, the uid and head hash as bytes), on any thread,
/// for Store::insertIncidentRows() to bind and write. A bulk load fills one batch while the
/// previous one is written. The incidents are not copied: they must outlive the batch.
class IncidentRowBatch {
public:
    /// Adds the row of `incident` with the uid and head hash as the bytes the row stores
    /// (RFC 4122, raw SHA-256).
    void add(domain::Incident &incident, const QByteArray &uidBlob, const QByteArray &headBlob);
    qsizetype size() const { return qsizetype(m_incidents.size()); }
    void clear();

private:
    friend class Store;
    enum class Kind : quint8 { Integer, Text, Blob };
    struct Cell {
        qint64 value = 0; // the integer, or where the text or blob starts in m_bytes
        qint32 size = 0;  // bytes of the text or blob
        Kind kind = Kind::Integer;
    };
    std::vector<domain::Incident *> m_incidents;
    std::vector<Cell> m_cells; // the columns after id, row after row
    QByteArray m_bytes;        // text and blobs, one after the other
};

/// The SQLite store: migrations, the append-only event log with its per-incident hash
/// chain, the incidents projection, search. One Store per connection and thread.
class Store {
public:
    Store();
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    /// Opens (creating if needed) and migrates the database at `path`.
    Status open(const QString &path);
    /// Opens an existing database read-only (no migrations): for readers on other threads.
    Status openReadOnly(const QString &path);
    void close();
    Db &db() { return m_db; }
    /// What writes the log back into the database file for a store opened read-write in WAL
    /// mode (see WalCheckpointer); null otherwise.
    WalCheckpointer *checkpointer() { return m_checkpointer.get(); }
    QString path() const { return m_db.path(); }

    QString meta(const QString &key, const QString &fallback = {});
    Status setMeta(const QString &key, const QString &value);
    /// Rewrites the database file without its free space (VACUUM) and empties the
    /// write-ahead log: nothing deleted or overwritten stays readable in the files. Takes the
    /// write lock for as long as the copy takes: for rare moments (a secret moved out).
    Status compact();

    // --- write path (callers hold a transaction) ---
    /// Allocates the next incident number (INC0000001...).
    Result<QString> nextNumber(const QString &prefix = QStringLiteral("INC"));
    /// Appends an event whose prevHash/hash are already set. Fills in seq.
    Status appendEvent(domain::Event &event);
    /// Inserts or updates a projection row; `before` (may be null) lets it skip unchanged
    /// side tables (services, search). Inserts the alert links the incident made that
    /// incident_alerts does not hold yet (see Incident::alerts), one row each.
    /// Without `withSearch`, the search document is left to writeSearchDocument().
    Status writeIncident(domain::Incident &incident, const domain::Incident *before,
                         bool withSearch = true);
    /// The incident's search document, when `before` (may be null) had another one. A batch
    /// writes its search documents after its other rows: FTS5 keeps what it is given in
    /// memory until a statement that opens a savepoint (a write with triggers) makes it write
    /// out, so documents interleaved with incident rows are written out one by one.
    Status writeSearchDocument(const domain::Incident &incident, const domain::Incident *before);
    /// Inserts a new projection row and its alert links, nothing else (no services, no search
    /// document): writeIncident(incident, &incident) with the uid and the head hash already as
    /// the bytes the row stores (RFC 4122, raw SHA-256), as a bulk load has them at hand.
    Status insertIncidentRow(domain::Incident &incident, const QByteArray &uidBlob,
                             const QByteArray &headBlob);
    /// insertIncidentRow() for each row of `batch`, in order: the values were converted when
    /// the batch was filled, so only binding and writing happen here.
    Status insertIncidentRows(const IncidentRowBatch &batch);
    /// Deletes the incident's rows of incident_alerts, so that the next writeIncident() writes
    /// all of `incident.alerts` (a fold from the opening that may order the links anew).
    Status clearAlertLinks(domain::Incident &incident);
    Status addSearchNote(qint64 incidentRowId, qint64 eventSeq, const QString &text);
    /// True if an event with this UUID is already in the log (remote merge dedup).
    bool hasEvent(const QString &eventId);
    qint64 lastHlc();

    // --- read path ---
    /// True when the incident (its row id) has this alert linked. `onceId` is the link's
    /// once-only event id (domain::onceEventId() of the incident, alert.linked and the alert):
    /// the log's id index finds a link made by that event, and the links made otherwise (by
    /// the opening, or an event under another id: incident_alerts.once = 0) are looked up by
    /// name. Two index lookups; nothing of the incident's other links is read.
    bool alertLinked(qint64 incidentRowId, const QString &alert, const QString &onceId);
    /// The incident's linked alerts in link order; the first `limit` when it is not negative.
    QStringList alerts(qint64 incidentRowId, int limit = -1);
    /// Fills in `incident.alerts` from incident_alerts (a copy read from the store has none).
    void loadAlerts(domain::Incident &incident);
    std::optional<domain::Incident> incidentByUid(const QString &uid);
    /// Incidents the caller has just written in this transaction (uid -> the row as written),
    /// which incidentByUid() answers from without reading the row back, as a read would give
    /// it, until the next incident write or until set to null. For a batch's projections,
    /// which ask for incidents the engine holds in memory.
    void setWrittenIncidents(const QHash<QString, domain::Incident> *incidents)
    {
        m_written = incidents;
    }
    std::optional<domain::Incident> incidentByNumber(const QString &number);
    std::optional<domain::Incident> incidentByRowId(qint64 rowid);
    /// Number, or UUID, or the numeric part alone ("42" finds INC0000042).
    std::optional<domain::Incident> findIncident(const QString &ref);
    QList<domain::Incident> list(const ListQuery &q);
    qint64 count(const ListQuery &q);
    QList<domain::Event> timeline(const QString &incidentUid);
    QList<domain::Event> eventsAfter(qint64 seq, int limit);
    /// Events with seq in (after, upTo], in log order, at most `limit`; only those of `kinds`
    /// unless it is empty.
    QList<domain::Event> eventsBetween(qint64 after, qint64 upTo, const QStringList &kinds,
                                       int limit);
    qint64 maxSeq();
    qint64 incidentCount();
    /// Changes whenever another connection commits (PRAGMA data_version).
    qint64 dataVersion();

    // --- projection cursors (table projection_cursors) ---
    /// The seq of the last event the named projection has folded in; 0 when it has none.
    qint64 projectionCursor(const QString &name);
    Status setProjectionCursor(const QString &name, qint64 seq);

    // --- integrity ---
    /// Hash chain check, projection rebuild compare, SQLite integrity check, all in one read
    /// transaction (temp tables only: writers are never blocked). Covers the
    /// incidents projection; LifecycleEngine::verify() adds the registered projections.
    VerifyReport verify(const std::function<void(const QString &)> &progress = {});
    /// Rebuilds incidents, services, search and the dashboard rollups from the log, inside the
    /// caller's transaction when there is one, else in its own.
    Status rebuildProjection();

    static QByteArray uuidToBlob(const QString &uuid);
    static QString blobToUuid(const QByteArray &blob);
    static QString newUuid();

private:
    Status migrate();
    Status foldInto(const QString &table, const QString &linksTable, bool withSideTables);
    static domain::Incident readIncident(const Stmt &s);
    /// The incident whose `column` holds `value`.
    std::optional<domain::Incident> incidentWhere(const char *column, const QVariant &value);
    QString listSql(const ListQuery &q, bool countOnly, QList<QVariant> &binds);

    Db m_db;
    const QHash<QString, domain::Incident> *m_written = nullptr; // see setWrittenIncidents()
    std::unique_ptr<WalCheckpointer> m_checkpointer; // after m_db: gone before it closes
};

/// A WHERE clause built one condition at a time, each with the values of its parameters
/// (appended to `binds` in the order of the ?s).
class SqlWhere {
public:
    explicit SqlWhere(QList<QVariant> &binds) : m_binds(binds) {}
    /// A condition without parameters.
    void add(const QString &condition) { m_terms << condition; }
    /// A condition with parameters and their values.
    void add(const QString &condition, const QList<QVariant> &values)
    {
        m_terms << condition;
        m_binds << values;
    }
    /// `column` IN (?,...) of `values`.
    void in(const QString &column, const QStringList &values);
    /// Nothing, or " WHERE " and the conditions joined by AND.
    QString sql() const;

private:
    QList<QVariant> &m_binds;
    QStringList m_terms;
};

/// Turns typed search words into an FTS5 MATCH expression: each word quoted so user input
/// can never be FTS5 syntax, and each a prefix ("check" finds checkout) unless typed in
/// double quotes (an exact word). Empty when nothing to find.
QString ftsQuery(const QString &userText);
/// The FTS5 document of an incident (rowid = incident id): number, title, description,
/// services, assignee and assignment group.
QString searchDocument(const domain::Incident &incident);

} // namespace sitrep::store
