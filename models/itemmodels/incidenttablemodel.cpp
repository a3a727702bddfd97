// SPDX-License-Identifier: MIT
#include "itemmodels/incidenttablemodel.h"

#include "domain/incident.h"
#include "itemmodels/logging.h"
#include "query/duration.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <QDateTime>
#include <QPointer>

#include <optional>

namespace sitrep::itemmodels {

using namespace sitrep::query;
using namespace IncidentColumn;
using namespace IncidentRole;

/// Lives on the model's worker thread with its own read-only connection. Every request
/// carries the generation it was made for; work for an older generation is skipped.
class IncidentPageLoader final : public QObject {
public:
    IncidentPageLoader(QString path, IncidentTableModel *model,
                       std::shared_ptr<std::atomic<quint64>> gen, std::atomic<int> *anchorCount)
        : m_path(std::move(path)), m_model(model), m_gen(std::move(gen)), m_anchorCount(anchorCount)
    {
    }

    void query(quint64 gen, const IncidentQuery &q, bool recount, qint64 knownCount,
               const QList<qint64> &track)
    {
        if (stale(gen) || !ensureOpen())
            return;
        setQuery(q);
        // One read snapshot for the page and the positions of the tracked rows.
        const bool snapshot = !track.isEmpty() && m_store.db().exec(QStringLiteral("BEGIN")).ok();
        // The first page goes out before the count: a short page is its own count, and a
        // long count (a frequent search word) does not hold back the first repaint.
        const QList<IncidentRow> first = pageRows(0, {});
        if (stale(gen))
            return;
        qint64 count = knownCount;
        bool countLater = false;
        if (recount) {
            countLater = first.size() >= IncidentTableModel::PageSize;
            count = countLater ? -1 : first.size();
        }
        const QHash<qint64, int> moved = positions(track);
        if (snapshot)
            (void)m_store.db().exec(QStringLiteral("COMMIT"));
        auto *model = m_model;
        QMetaObject::invokeMethod(
            model,
            [model, gen, count, first, moved] { model->onQueryResult(gen, count, first, moved); },
            Qt::QueuedConnection);
        if (countLater) {
            if (stale(gen))
                return;
            const qint64 n = countRows();
            if (stale(gen))
                return;
            QMetaObject::invokeMethod(
                model, [model, gen, n] { model->onCount(gen, n); }, Qt::QueuedConnection);
        }
        startAnchors(gen);
    }

    void page(quint64 gen, int page, const QVariantList &after)
    {
        if (stale(gen) || !ensureOpen() || !m_q)
            return;
        const QList<IncidentRow> rows = pageRows(page, after);
        auto *model = m_model;
        QMetaObject::invokeMethod(
            model, [model, gen, page, rows] { model->onPage(gen, page, rows); },
            Qt::QueuedConnection);
    }

    void refresh(quint64 gen, const IncidentQuery &q, const QList<int> &pages,
                 const QList<qint64> &track)
    {
        if (stale(gen) || !ensureOpen())
            return;
        setQuery(q); // the old anchors may point at moved rows
        // Count, pages and positions from one read snapshot, so they agree with each other.
        const bool snapshot = m_store.db().exec(QStringLiteral("BEGIN")).ok();
        const auto end = [this, snapshot] {
            if (snapshot)
                (void)m_store.db().exec(QStringLiteral("COMMIT"));
        };
        const qint64 count = countRows();
        QHash<int, QList<IncidentRow>> out;
        for (int p : pages) {
            if (stale(gen))
                return end();
            if (qint64(p) * IncidentTableModel::PageSize < count)
                out.insert(p, offsetPage(p));
        }
        const QHash<qint64, int> moved = positions(track);
        end();
        auto *model = m_model;
        QMetaObject::invokeMethod(
            model, [model, gen, count, out, moved] { model->onRefresh(gen, count, out, moved); },
            Qt::QueuedConnection);
        startAnchors(gen);
    }

private:
    bool stale(quint64 gen) const { return gen != m_gen->load(); }

    // Where each tracked row (by rowid) is in the current query: its row number, or -1 when
    // the filter no longer shows it.
    QHash<qint64, int> positions(const QList<qint64> &ids)
    {
        QHash<qint64, int> out;
        for (qint64 id : ids) {
            QList<QVariant> binds;
            store::Stmt *k = m_store.db().prepare(m_q->keyOfIdSql(id, binds));
            if (!k)
                continue;
            k->bindAll(binds);
            if (!k->step()) {
                k->reset();
                out.insert(id, -1);
                continue;
            }
            const QVariantList key = IncidentQuery::readKey(*k);
            k->reset();
            binds.clear();
            store::Stmt *p = m_store.db().prepare(m_q->positionSql(key, binds));
            if (!p)
                continue;
            p->bindAll(binds);
            if (p->step())
                out.insert(id, int(store::RowReader(*p).int64()));
            p->reset();
        }
        return out;
    }

    bool ensureOpen()
    {
        if (m_open)
            return true;
        if (auto s = m_store.openReadOnly(m_path); !s) {
            qCWarning(lcItemModels) << "cannot open" << m_path << s.errorMessage();
            return false;
        }
        m_open = true;
        return true;
    }

    void setQuery(const IncidentQuery &q)
    {
        m_q = q;
        m_q->planSearch(m_store.db());
        m_anchors.clear();
        m_anchorStmt.reset();
        m_anchorCount->store(0);
    }

    qint64 countRows()
    {
        QList<QVariant> binds;
        const QString sql = m_q->countSql(binds);
        return m_store.db().scalar(sql, binds);
    }

    QList<IncidentRow> run(const QString &sql, const QList<QVariant> &binds)
    {
        QList<IncidentRow> rows;
        store::Stmt *s = m_store.db().prepare(sql);
        if (!s) {
            qCWarning(lcItemModels) << "bad page query" << m_store.db().lastError();
            return rows;
        }
        s->bindAll(binds);
        rows.reserve(IncidentTableModel::PageSize);
        while (s->step())
            rows << IncidentQuery::readRow(*s);
        s->reset();
        return rows;
    }

    QList<IncidentRow> offsetPage(int page)
    {
        QList<QVariant> binds;
        const QString sql = m_q->offsetPageSql(qint64(page) * IncidentTableModel::PageSize,
                                               IncidentTableModel::PageSize, binds);
        return run(sql, binds);
    }

    QList<IncidentRow> pageRows(int page, const QVariantList &after)
    {
        QList<QVariant> binds;
        if (page == 0)
            return offsetPage(0);
        if (page < m_anchors.size())
            return run(
                m_q->keysetPageSql(m_anchors[page], true, IncidentTableModel::PageSize, binds),
                binds);
        if (!after.isEmpty())
            return run(m_q->keysetPageSql(after, false, IncidentTableModel::PageSize, binds),
                       binds);
        return offsetPage(page);
    }

    // Anchors: the sort key of the first row of every page, collected by walking the
    // index in chunks so page requests interleave with the walk.
    void startAnchors(quint64 gen)
    {
        QList<QVariant> binds;
        m_anchorStmt = m_store.db().prepareOnce(m_q->keysSql(binds));
        if (!m_anchorStmt)
            return;
        m_anchorStmt->bindAll(binds);
        m_anchorRow = 0;
        QMetaObject::invokeMethod(
            this, [this, gen] { continueAnchors(gen); }, Qt::QueuedConnection);
    }

    void continueAnchors(quint64 gen)
    {
        if (stale(gen) || !m_anchorStmt)
            return;
        for (int i = 0; i < 4000; ++i) {
            if (!m_anchorStmt->step()) {
                m_anchorStmt.reset(); // done: release the read snapshot
                return;
            }
            if (m_anchorRow % IncidentTableModel::PageSize == 0) {
                m_anchors << IncidentQuery::readKey(*m_anchorStmt);
                m_anchorCount->store(int(m_anchors.size()));
            }
            ++m_anchorRow;
        }
        QMetaObject::invokeMethod(
            this, [this, gen] { continueAnchors(gen); }, Qt::QueuedConnection);
    }

    QString m_path;
    IncidentTableModel *m_model;
    std::shared_ptr<std::atomic<quint64>> m_gen;
    std::atomic<int> *m_anchorCount;
    store::Store m_store;
    bool m_open = false;
    std::optional<IncidentQuery> m_q;
    QList<QVariantList> m_anchors;
    std::unique_ptr<store::Stmt> m_anchorStmt;
    qint64 m_anchorRow = 0;
};

IncidentTableModel::IncidentTableModel(const QString &dbPath, QObject *parent)
    : QAbstractTableModel(parent), m_gen(std::make_shared<std::atomic<quint64>>(0))
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_thread.setObjectName(QStringLiteral("incident-list"));
    m_loader = new IncidentPageLoader(dbPath, this, m_gen, &m_anchorCount);
    m_loader->moveToThread(&m_thread);
    m_thread.start();
    // The first query goes out from the event loop, so a filter set right after
    // construction (the list view applies its saved view) replaces it instead of queueing
    // behind a count of every row.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_started)
                startQuery(true);
        },
        Qt::QueuedConnection);
}

IncidentTableModel::~IncidentTableModel()
{
    m_gen->fetch_add(1); // lets a running request stop early
    m_thread.quit();
    m_thread.wait();
    delete m_loader;
}

void IncidentTableModel::startQuery(bool recount)
{
    m_started = true;
    const quint64 gen = m_gen->fetch_add(1) + 1;
    // A sort while the count of a new filter is still on its way must count as well.
    if (recount)
        m_countKnown = false;
    recount = recount || !m_countKnown;
    m_loading = true;
    m_countPending = false;
    m_refreshRunning = false;
    m_requested.clear();
    const IncidentQuery q(m_filter, incidentColumnSort(m_sortColumn), m_desc);
    auto *loader = m_loader;
    const qint64 known = m_count;
    // A new sort shows the same rows: the selected ones are looked up in the new order. A
    // new filter resets the list.
    const QList<qint64> track = recount ? QList<qint64>() : trackedIds();
    QMetaObject::invokeMethod(
        loader,
        [loader, gen, q, recount, known, track] { loader->query(gen, q, recount, known, track); },
        Qt::QueuedConnection);
}

QList<qint64> IncidentTableModel::trackedIds() const
{
    QList<qint64> out;
    for (const QModelIndex &i : persistentIndexList()) {
        if (const IncidentRow *r = rowAt(i.row()); r && !out.contains(r->id))
            out << r->id;
        if (out.size() >= MaxTrackedRows)
            break;
    }
    return out;
}

void IncidentTableModel::movePersistentRows(const QHash<int, QList<IncidentRow>> &pages,
                                            const QHash<qint64, int> &moved, qint64 count)
{
    const QModelIndexList from = persistentIndexList();
    if (from.isEmpty())
        return;
    // Where every row of the new pages is, then what the loader looked up for rows that
    // may have moved out of them.
    QHash<qint64, int> rowOf = moved;
    for (auto it = pages.cbegin(); it != pages.cend(); ++it)
        for (int i = 0; i < it->size(); ++i)
            rowOf.insert(it->at(i).id, it.key() * PageSize + i);
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex &i : from) {
        const IncidentRow *r = rowAt(i.row()); // the old pages are still in place
        const auto it = r ? rowOf.constFind(r->id) : rowOf.cend();
        // Gone, or nowhere we know of: the index goes rather than point at another incident
        // (a row kept in place could also land on a row another index moved to).
        to << (it != rowOf.cend() && *it >= 0 && *it < count ? createIndex(*it, i.column())
                                                             : QModelIndex());
    }
    changePersistentIndexList(from, to);
}

void IncidentTableModel::onQueryResult(quint64 gen, qint64 count, const QList<IncidentRow> &first,
                                       const QHash<qint64, int> &moved)
{
    if (gen != m_gen->load())
        return;
    // Same number of rows (a new sort): only the order changes. The selection and the
    // current row follow their incidents (persistent indexes move), and the views keep
    // their per-row state instead of rebuilding it after a reset.
    const bool provisional = count < 0;
    const bool sameRows = !provisional && count == m_count && m_countKnown;
    const QHash<int, QList<IncidentRow>> pages{{0, first}};
    if (!sameRows) {
        beginResetModel();
    } else {
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        movePersistentRows(pages, moved, count);
    }
    m_count = provisional ? first.size() : count;
    m_countKnown = !provisional;
    m_countPending = provisional;
    m_pages = pages;
    m_lastUse.clear();
    m_requested.clear();
    m_lastUse.insert(0, ++m_useTick);
    m_lastPage = -1;
    m_loading = false;
    if (!sameRows)
        endResetModel();
    else
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    Q_EMIT firstPageShown();
    if (!provisional) // else queryReady follows with the count
        queryDone();
}

void IncidentTableModel::queryDone()
{
    Q_EMIT countChanged(m_count);
    Q_EMIT queryReady();
    runPendingRefresh();
}

void IncidentTableModel::runPendingRefresh()
{
    if (m_refreshPending) {
        m_refreshPending = false;
        refresh();
    }
}

void IncidentTableModel::resizeTo(qint64 count)
{
    if (count > m_count) {
        beginInsertRows({}, int(m_count), int(count - 1));
        m_count = count;
        endInsertRows();
    } else if (count < m_count) {
        beginRemoveRows({}, int(count), int(m_count - 1));
        m_count = count;
        endRemoveRows();
    }
}

void IncidentTableModel::onCount(quint64 gen, qint64 count)
{
    if (gen != m_gen->load())
        return;
    m_countPending = false;
    m_countKnown = true;
    resizeTo(count);
    queryDone();
}

void IncidentTableModel::requestPage(int page) const
{
    if (m_requested.contains(page) || m_loading)
        return;
    m_requested.insert(page);
    QVariantList after;
    const auto prev = m_pages.constFind(page - 1);
    const IncidentQuery q(m_filter, incidentColumnSort(m_sortColumn), m_desc);
    if (prev != m_pages.cend() && prev->size() == PageSize)
        after = q.keyOf(prev->last());
    const quint64 gen = m_gen->load();
    auto *loader = m_loader;
    QMetaObject::invokeMethod(
        loader, [loader, gen, page, after] { loader->page(gen, page, after); },
        Qt::QueuedConnection);
}

void IncidentTableModel::onPage(quint64 gen, int page, const QList<IncidentRow> &rows)
{
    if (gen != m_gen->load())
        return;
    m_requested.remove(page);
    m_pages.insert(page, rows);
    m_lastUse.insert(page, ++m_useTick);
    evict();
    m_lastPage = -1;
    const int first = page * PageSize;
    const int last = int(std::min<qint64>(m_count, qint64(first) + PageSize)) - 1;
    if (last >= first)
        Q_EMIT dataChanged(index(first, 0), index(last, Count - 1));
    Q_EMIT pageLoaded(page);
}

void IncidentTableModel::evict() const
{
    if (m_pages.size() <= MaxCachedPages)
        return;
    // Pages holding a selected or current row stay: a refresh must know which incident
    // each of them shows to keep it selected.
    QSet<int> pinned;
    for (const QModelIndex &i : persistentIndexList())
        pinned.insert(i.row() / PageSize);
    while (m_pages.size() > MaxCachedPages) {
        int oldest = -1;
        quint64 best = ~quint64(0);
        for (auto it = m_lastUse.cbegin(); it != m_lastUse.cend(); ++it)
            if (it.value() < best && !pinned.contains(it.key())) {
                best = it.value();
                oldest = it.key();
            }
        if (oldest < 0)
            break;
        m_pages.remove(oldest);
        m_lastUse.remove(oldest);
    }
}

void IncidentTableModel::refresh()
{
    if (m_loading || m_countPending || m_refreshRunning) {
        m_refreshPending = true;
        return;
    }
    m_refreshRunning = true;
    const quint64 gen = m_gen->fetch_add(1) + 1;
    m_requested.clear();
    const IncidentQuery q(m_filter, incidentColumnSort(m_sortColumn), m_desc);
    const QList<int> pages = m_pages.keys();
    const QList<qint64> track = trackedIds();
    auto *loader = m_loader;
    QMetaObject::invokeMethod(
        loader, [loader, gen, q, pages, track] { loader->refresh(gen, q, pages, track); },
        Qt::QueuedConnection);
}

void IncidentTableModel::onRefresh(quint64 gen, qint64 count,
                                   const QHash<int, QList<IncidentRow>> &pages,
                                   const QHash<qint64, int> &moved)
{
    if (gen != m_gen->load())
        return;
    m_refreshRunning = false;
    const qint64 old = m_count;
    // Rows came or went anywhere in the order: the row count changes at the end, and the
    // persistent indexes (selection, current row, open editors) move to where their
    // incidents are now, so nothing that points at a row ends up on another incident.
    if (count > old)
        resizeTo(count);
    const bool track = !persistentIndexList().isEmpty();
    if (track) {
        Q_EMIT layoutAboutToBeChanged();
        movePersistentRows(pages, moved, count);
    }
    m_pages = pages;
    if (track)
        Q_EMIT layoutChanged();
    if (count < old)
        resizeTo(count);
    m_lastUse.clear();
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
        m_lastUse.insert(it.key(), ++m_useTick);
    m_lastPage = -1;
    if (m_count > 0)
        Q_EMIT dataChanged(index(0, 0), index(int(m_count - 1), Count - 1));
    if (count != old)
        Q_EMIT countChanged(m_count);
    Q_EMIT refreshed();
    runPendingRefresh();
}

void IncidentTableModel::setFilter(const IncidentFilter &filter)
{
    if (filter == m_filter && !m_loading)
        return;
    m_filter = filter;
    startQuery(true);
}

void IncidentTableModel::sort(int column, Qt::SortOrder order)
{
    if (!incidentColumnSortable(column))
        return;
    const bool desc = order == Qt::DescendingOrder;
    if (column == m_sortColumn && desc == m_desc && !m_loading)
        return;
    m_sortColumn = column;
    m_desc = desc;
    startQuery(false); // the same rows in another order: the count stays
}

void IncidentTableModel::setNow(qint64 nowMs)
{
    m_now = nowMs;
    if (m_count > 0) {
        Q_EMIT dataChanged(index(0, Duration), index(int(m_count - 1), Duration),
                           {Qt::DisplayRole, SortRole});
        Q_EMIT dataChanged(index(0, Sla), index(int(m_count - 1), Sla),
                           {Qt::DisplayRole, SortRole, SlaRemainingRole, SlaLevelRole});
    }
}

int IncidentTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(std::min<qint64>(m_count, std::numeric_limits<int>::max()));
}

int IncidentTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : Count;
}

const IncidentRow *IncidentTableModel::rowAt(int row) const
{
    if (row < 0 || row >= m_count)
        return nullptr;
    const int page = row / PageSize;
    const auto it = m_pages.constFind(page);
    if (it == m_pages.cend())
        return nullptr;
    const int off = row % PageSize;
    return off < it->size() ? &it->at(off) : nullptr;
}

void IncidentTableModel::fetchRow(int row) const
{
    if (row < 0 || row >= m_count)
        return;
    const int page = row / PageSize;
    if (!m_pages.contains(page))
        requestPage(page);
}

SlaStatus IncidentTableModel::sla(const IncidentRow &r) const
{
    return slaStatus(r.open ? r.slaDue : 0, r.slaPausedSince, m_now);
}

QVariant IncidentTableModel::display(const IncidentRow &r, int column) const
{
    switch (column) {
    case Id:
        return r.number;
    case Title:
        return r.title;
    case Severity:
        return severityText(r.severity);
    case Status:
        return m_stateLabels.value(r.state, r.state);
    case Assignee:
        return r.assignee;
    case Duration:
        return formatDuration((r.resolvedAt > 0 ? r.resolvedAt : m_now) - r.createdAt);
    case Services:
        return r.services;
    case Created:
        return r.createdText;
    case Priority:
        return r.priority > 0 ? QStringLiteral("P%1").arg(r.priority) : QString();
    case Sla: {
        const SlaStatus s = sla(r);
        if (!s.active)
            return QStringLiteral("—");
        const qint64 left = s.remainingMs;
        const QString t =
            left < 0 ? tr("overdue %1").arg(formatDuration(-left)) : formatDuration(left);
        return s.paused ? tr("paused, %1").arg(t) : t;
    }
    default:
        break;
    }
    return {};
}

QVariant IncidentTableModel::sortValue(const IncidentRow &r, int column) const
{
    switch (column) {
    case Id:
        return r.id;
    case Title:
        return r.title;
    case Severity:
        return r.severity;
    case Status:
        return r.state;
    case Assignee:
        return r.assignee;
    case Duration:
        return r.createdAt;
    case Services:
        return r.services;
    case Created:
        return r.createdAt;
    case Priority:
        return r.priority;
    case Sla:
        return r.slaDue;
    default:
        break;
    }
    return {};
}

QVariant IncidentTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int page = index.row() / PageSize;
    const auto it = m_pages.constFind(page);
    if (it == m_pages.cend() || index.row() % PageSize >= it->size()) {
        if (it == m_pages.cend())
            requestPage(page);
        if (role == LoadedRole)
            return false;
        if (role == Qt::DisplayRole && index.column() == Title)
            return tr("Loading…");
        return {};
    }
    if (page != m_lastPage) { // painting asks for one page hundreds of times in a row
        m_lastPage = page;
        m_lastUse[page] = ++m_useTick;
    }
    const IncidentRow &r = it->at(index.row() % PageSize);
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Title || index.column() == Services)
            return display(r, index.column());
        return {};
    case Qt::AccessibleTextRole:
        return QStringLiteral("%1: %2").arg(incidentColumnTitle(index.column()),
                                            display(r, index.column()).toString());
    case SortRole:
        return sortValue(r, index.column());
    case UidRole:
        return r.uid;
    case NumberRole:
        return r.number;
    case SeverityRole:
        return r.severity;
    case PriorityRole:
        return r.priority;
    case StateRole:
        return r.state;
    case OpenRole:
        return r.open;
    case SlaRemainingRole:
        return sla(r).remainingMs;
    case SlaLevelRole:
        return int(sla(r).level);
    case LoadedRole:
        return true;
    default:
        break;
    }
    return {};
}

QVariant IncidentTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= Count)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return incidentColumnTitle(section);
    if (role == Qt::ToolTipRole && !incidentColumnSortable(section))
        return tr("This column does not sort");
    return {};
}

Qt::ItemFlags IncidentTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
}

} // namespace sitrep::itemmodels
