// SPDX-License-Identifier: MIT
#pragma once

#include "itemmodels/incidentcolumns.h"
#include "query/incidentquery.h"
#include "query/sla.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QThread>

#include <atomic>
#include <memory>

namespace sitrep::itemmodels {

class IncidentPageLoader;

/// The incident list over the store, for any number of incidents. rowCount comes from a
/// count query; rows arrive in pages of `pageSize` from a worker thread that has its own
/// read-only connection, so the GUI thread never runs a list query. Pages are fetched by
/// keyset (anchors of every page boundary are collected in the background after each
/// sort or filter change) and cached with a bounded LRU, so memory does not grow with the
/// row count. Sorting and filtering are SQL on the indexes.
class IncidentTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentTableModel)
public:
    static constexpr int PageSize = 200;
    static constexpr int MaxCachedPages = 48;
    /// Rows with persistent indexes (selection, current row) looked up after a change.
    static constexpr int MaxTrackedRows = 64;

    /// Opens its own read-only connection to `dbPath` on the worker thread.
    explicit IncidentTableModel(const QString &dbPath, QObject *parent = nullptr);
    ~IncidentTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setFilter(const query::IncidentFilter &filter);
    const query::IncidentFilter &filter() const { return m_filter; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_desc ? Qt::DescendingOrder : Qt::AscendingOrder; }
    /// State id -> label, for the Status column.
    void setStateLabels(const QHash<QString, QString> &labels) { m_stateLabels = labels; }

    /// Re-reads count and cached pages (after the data changed), keeping the scroll position.
    void refresh();
    /// The time the live columns (Duration, SLA) are computed at; repaints those columns.
    void setNow(qint64 nowMs);
    qint64 now() const { return m_now; }

    /// True until the first page of the current query has arrived (see also countPending).
    bool isLoading() const { return m_loading; }
    /// True while a new query shows its first page and its count is still being computed.
    bool isCountPending() const { return m_countPending; }
    /// The row if its page is cached (no query).
    const query::IncidentRow *rowAt(int row) const;
    /// Asks for the page holding `row` (e.g. before scrolling there); pageLoaded follows.
    void fetchRow(int row) const;
    int cachedPages() const { return int(m_pages.size()); }
    /// The number of page anchors collected so far for the current query (for tests, bench).
    int anchorCount() const { return m_anchorCount.load(); }

Q_SIGNALS:
    /// A new query (filter, sort) shows its first page (the count may still be coming).
    void firstPageShown();
    /// A new query (filter, sort) has its count and first page in place.
    void queryReady();
    /// A refresh finished (count and cached pages re-read).
    void refreshed();
    void pageLoaded(int page);
    void countChanged(qint64 count);

private:
    friend class IncidentPageLoader;
    void startQuery(bool recount);
    void requestPage(int page) const;
    void onQueryResult(quint64 gen, qint64 count, const QList<query::IncidentRow> &first,
                       const QHash<qint64, int> &moved);
    void onPage(quint64 gen, int page, const QList<query::IncidentRow> &rows);
    void onCount(quint64 gen, qint64 count);
    void onRefresh(quint64 gen, qint64 count, const QHash<int, QList<query::IncidentRow>> &pages,
                   const QHash<qint64, int> &moved);
    /// Rowids of the rows persistent indexes point at (from the cached pages).
    QList<qint64> trackedIds() const;
    /// Moves every persistent index to the row its incident has in `pages` or `moved`
    /// (rowid -> row, -1: gone); call between layoutAboutToBeChanged and layoutChanged.
    void movePersistentRows(const QHash<int, QList<query::IncidentRow>> &pages,
                            const QHash<qint64, int> &moved, qint64 count);
    void evict() const;
    /// Inserts or removes rows at the end until there are `count`.
    void resizeTo(qint64 count);
    /// The count is known: tells the views, then runs a refresh that waited for it.
    void queryDone();
    void runPendingRefresh();
    QVariant display(const query::IncidentRow &r, int column) const;
    QVariant sortValue(const query::IncidentRow &r, int column) const;
    query::SlaStatus sla(const query::IncidentRow &r) const;

    QThread m_thread;
    IncidentPageLoader *m_loader = nullptr;
    std::shared_ptr<std::atomic<quint64>> m_gen;
    std::atomic<int> m_anchorCount{0};
    query::IncidentFilter m_filter;
    int m_sortColumn = IncidentColumn::Created;
    bool m_desc = true;
    qint64 m_count = 0;
    qint64 m_now = 0;
    bool m_loading = true;
    bool m_started = false;
    bool m_countKnown = false;
    bool m_countPending = false;
    bool m_refreshPending = false;
    bool m_refreshRunning = false;
    QHash<QString, QString> m_stateLabels;
    mutable QHash<int, QList<query::IncidentRow>> m_pages;
    mutable QHash<int, quint64> m_lastUse;
    mutable quint64 m_useTick = 0;
    mutable int m_lastPage = -1;
    mutable QSet<int> m_requested;
};

} // namespace sitrep::itemmodels
