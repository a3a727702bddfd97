// SPDX-License-Identifier: MIT
#pragma once

#include "store/incidentconditions.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace sitrep::store {
class Db;
class Store;
class Stmt;
} // namespace sitrep::store

namespace sitrep::query {

/// What the incident list shows: filters (empty fields do not filter) and the sort.
/// The search also finds services, assignee and group.
struct IncidentFilter : store::IncidentConditions {
    bool breachingSla = false; // open and past (or flagged past) the active deadline
    qint64 resolvedAfter = 0;  // ms; 0 = any
    qint64 now = 0;            // the time "breaching" (and a missed SLA) is measured at
    // Dashboard drill-downs: exactly the incidents behind a chart's bar or point.
    qint64 createdFrom = 0;   // ms, created_at >= this; 0 = any
    qint64 createdBefore = 0; // ms, created_at < this; 0 = any
    QString group;            // assignment group
    bool noSeverity = false;  // only incidents without a severity
    /// Which incidents a chart value counts (query/sla.h has the SLA definitions).
    enum class Counted { All, Acknowledged, Resolved, ResponseSlaMissed, ResolutionSlaMissed };
    Counted counted = Counted::All;

    bool operator==(const IncidentFilter &) const = default;
};

/// A saved view of the list: a name and the filter it applies.
struct SavedView {
    QString id;
    QString name;
    IncidentFilter filter;
};
/// Open, My incidents, P1 open, Breaching SLA, Resolved this week. `me` is the user's name.
QList<SavedView> savedViews(const QString &me, qint64 now);

/// What names an incident in a list of them (the incident list, the wall).
struct IncidentHeadline {
    QString uid;
    QString number;
    QString title;
    int severity = 0;
    int priority = 0;
    QString state;

    bool operator==(const IncidentHeadline &) const = default;
};

/// One list row: just what the columns show and sort on.
struct IncidentRow : IncidentHeadline {
    qint64 id = 0;
    bool open = true;
    QString assignee;
    QString services; // comma separated
    qint64 createdAt = 0;
    qint64 resolvedAt = 0;
    qint64 slaDue = 0;
    int slaBreached = 0;
    qint64 slaPausedSince = 0;
    QString createdText; // formatted on the loader thread: painting stays cheap
};

/// What the incident list is ordered by. Each names an index's columns in full (rowid last).
enum class IncidentSort { Id, Title, Severity, State, Assignee, Priority, SlaDue, Created };

/// The SQL behind the lazy incident list. Every sortable column orders by an index whose
/// columns it names in full (rowid as the last tie-breaker), so a page costs one index
/// range scan and a keyset "after this row" query needs no OFFSET.
class IncidentQuery {
public:
    IncidentQuery(IncidentFilter filter, IncidentSort sort, bool descending);

    const IncidentFilter &filter() const { return m_filter; }
    IncidentSort sort() const { return m_sort; }
    bool descending() const { return m_desc; }

    /// SELECT count(*) ...
    QString countSql(QList<QVariant> &binds) const;
    /// A page by offset (only the index is walked for the skipped rows).
    QString offsetPageSql(qint64 offset, int limit, QList<QVariant> &binds) const;
    /// A page starting at (inclusive) or after (exclusive) the row with sort key `key`.
    QString keysetPageSql(const QVariantList &key, bool inclusive, int limit,
                          QList<QVariant> &binds) const;
    /// Just the sort key of every row, in order (builds the page anchors).
    QString keysSql(QList<QVariant> &binds) const;
    /// The sort key of a row, as keysetPageSql wants it.
    QVariantList keyOf(const IncidentRow &row) const;
    /// Number of columns keysSql returns.
    int keyWidth() const { return int(keyColumns().size()); }
    /// The sort key of the incident with rowid `id` when the filter shows it (no row: it
    /// is not in the list).
    QString keyOfIdSql(qint64 id, QList<QVariant> &binds) const;
    /// SELECT count(*) of the rows before the row with sort key `key`: its row number.
    QString positionSql(const QVariantList &key, QList<QVariant> &binds) const;

    /// From this many search matches on, the page queries walk the sort index and test rows
    /// against the matches instead of sorting every match.
    static constexpr int WideSearchMatches = 2000;
    /// Counts the search matches (up to WideSearchMatches, then up to a quarter of the rows:
    /// bounded for any word) and picks the query form for them. Returns true for the forms
    /// that walk the sort index (wide, dense). No search: false.
    bool planSearch(store::Db &db, int wideMatches = WideSearchMatches);
    bool wideSearch() const { return m_wideSearch; }
    /// Wide and matching at least a quarter of the incidents: rows are checked one by one.
    bool denseSearch() const { return m_denseSearch; }

    /// Reads the current row of a page query.
    static IncidentRow readRow(const store::Stmt &stmt);
    /// Reads the sort key in the current row of keysSql or keyOfIdSql.
    static QVariantList readKey(const store::Stmt &stmt);
    static QString ftsQuery(const QString &text);

private:
    QStringList keyColumns() const;
    QString where(QList<QVariant> &binds) const;
    QString orderBy() const;

    IncidentFilter m_filter;
    IncidentSort m_sort;
    bool m_desc;
    bool m_wideSearch = false;
    bool m_denseSearch = false; // wide, and at least a quarter of all incidents match
};

/// Up to `limit` incidents whose number (or its digits) or text matches `text`: for the
/// command palette. Fast: an index lookup and an FTS query with a small limit.
QList<IncidentRow> quickFind(store::Store &store, const QString &text, int limit);

} // namespace sitrep::query
