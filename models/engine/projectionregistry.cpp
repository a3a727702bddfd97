// SPDX-License-Identifier: MIT
#include "engine/projectionregistry.h"

#include "store/store.h"

#include <QTemporaryDir>

#include <algorithm>

namespace sitrep::engine {

using domain::Event;

namespace {

// Events read from the log per step of a catch-up or a rebuild.
constexpr int kChunk = 1000;

bool bySeq(const Event &a, const Event &b)
{
    return a.seq < b.seq;
}

} // namespace

ProjectionRegistry::~ProjectionRegistry() = default;

bool ProjectionRegistry::add(std::unique_ptr<Projection> projection)
{
    if (!projection)
        return false;
    const QString name = projection->name();
    for (const Entry &e : m_projections)
        if (e.name == name)
            return false;
    QStringList kinds = projection->kinds();
    kinds.removeDuplicates();
    m_projections.push_back({std::move(projection), name, kinds});
    return true;
}

QStringList ProjectionRegistry::names() const
{
    QStringList out;
    for (const Entry &e : m_projections)
        out << e.name;
    return out;
}

Status ProjectionRegistry::run(store::Store &store, const QList<Event> &appendedEvents,
                               const QSet<QString> *onlyKinds)
{
    if (m_projections.empty())
        return {};
    QList<Event> appended = appendedEvents;
    if (!std::is_sorted(appended.cbegin(), appended.cend(), bySeq))
        std::sort(appended.begin(), appended.end(), bySeq);
    const qint64 end = appended.isEmpty() ? store.maxSeq() : appended.last().seq;
    // Events up to here come from the log; the rest are `appended`.
    const qint64 logEnd = appended.isEmpty() ? end : appended.first().seq - 1;

    std::vector<qint64> cursors;
    cursors.reserve(m_projections.size());
    for (const Entry &e : m_projections)
        cursors.push_back(store.projectionCursor(e.name));
    const std::vector<qint64> stored = cursors;

    // Each projection gets the events after its cursor that are of its kinds; events are
    // offered in log order and each seq once, so none is applied twice.
    auto feed = [&](const QList<Event> &events) -> Status {
        for (size_t i = 0; i < m_projections.size(); ++i) {
            const Entry &p = m_projections[i];
            QList<Event> mine;
            for (const Event &e : events)
                if (e.seq > cursors[i] && (p.kinds.isEmpty() || p.kinds.contains(e.kind)))
                    mine << e;
            if (mine.isEmpty())
                continue;
            if (auto s = p.projection->apply(store, mine); !s)
                return Status::fail(
                    QStringLiteral("projection %1: %2").arg(p.name, s.errorMessage()),
                    s.error().code);
        }
        return {};
    };

    // Catching up: one pass over the log for every projection that lags, reading only the
    // kinds one of them needs (of those the log part holds, when that is known).
    const qint64 from = *std::min_element(cursors.cbegin(), cursors.cend());
    if (from < logEnd) {
        QStringList kinds;
        bool every = false, needed = false;
        for (size_t i = 0; i < m_projections.size(); ++i) {
            if (cursors[i] >= logEnd)
                continue;
            const QStringList &wanted = m_projections[i].kinds;
            if (wanted.isEmpty()) {
                every = true;
                needed = needed || !onlyKinds || !onlyKinds->isEmpty();
                continue;
            }
            for (const QString &k : wanted) {
                if (onlyKinds && !onlyKinds->contains(k))
                    continue;
                kinds << k;
                needed = true;
            }
        }
        kinds.removeDuplicates();
        if (every)
            kinds.clear();
        for (qint64 at = from; needed && at < logEnd;) {
            const QList<Event> chunk = store.eventsBetween(at, logEnd, kinds, kChunk);
            if (chunk.isEmpty())
                break;
            at = chunk.last().seq;
            if (auto s = feed(chunk); !s)
                return s;
        }
        for (qint64 &c : cursors)
            c = std::max(c, logEnd);
    }
    if (auto s = feed(appended); !s)
        return s;
    for (size_t i = 0; i < m_projections.size(); ++i) {
        const qint64 now = std::max(cursors[i], end);
        if (now == stored[i])
            continue;
        if (auto s = store.setProjectionCursor(m_projections[i].name, now); !s)
            return s;
    }
    return {};
}

Status ProjectionRegistry::rebuild(store::Store &store)
{
    for (const Entry &e : m_projections) {
        if (auto s = e.projection->reset(store); !s)
            return Status::fail(QStringLiteral("projection %1: %2").arg(e.name, s.errorMessage()),
                                s.error().code);
        if (auto s = store.setProjectionCursor(e.name, 0); !s)
            return s;
    }
    return run(store, {});
}

QStringList ProjectionRegistry::verify(store::Store &store,
                                       const std::function<void(const QString &)> &progress)
{
    if (m_projections.empty())
        return {};
    if (progress)
        progress(QStringLiteral("rebuilding the projections (%1) from the log and comparing")
                     .arg(names().join(QStringLiteral(", "))));
    // The rebuild writes the projections' tables, so it runs on a snapshot of the database
    // copied to a temporary file: the live file's write lock is never taken, and writers go
    // on while the copy is rebuilt and compared.
    QTemporaryDir dir;
    if (!dir.isValid())
        return {QStringLiteral("projections: cannot create a temporary folder: %1")
                    .arg(dir.errorString())};
    const QString path = dir.filePath(QStringLiteral("verify.db"));
    if (auto s = store.db().copyTo(path); !s)
        return {QStringLiteral("projections: %1").arg(s.errorMessage())};
    store::Store copy;
    if (auto s = copy.open(path); !s)
        return {QStringLiteral("projections: cannot open the copy: %1").arg(s.errorMessage())};
    return compareWithRebuild(copy);
}

QStringList ProjectionRegistry::compareWithRebuild(store::Store &store)
{
    QStringList faults;
    auto &db = store.db();
    if (auto s = db.begin(); !s)
        return {
            QStringLiteral("projections: cannot start a transaction: %1").arg(s.errorMessage())};
    struct Copy {
        QString projection, table, scratch;
    };
    QList<Copy> copies;
    for (const Entry &e : m_projections) {
        for (const QString &table : e.projection->tables()) {
            const Copy c{e.name, table,
                         QStringLiteral("temp.verify_projection_%1").arg(copies.size())};
            (void)db.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(c.scratch));
            if (auto s = db.exec(QStringLiteral("CREATE TABLE %1 AS SELECT * FROM main.%2")
                                     .arg(c.scratch, table));
                !s) {
                faults << QStringLiteral("projection %1: cannot copy %2: %3")
                              .arg(e.name, table, s.errorMessage());
                continue;
            }
            copies << c;
        }
    }
    if (auto s = rebuild(store); !s) {
        faults << QStringLiteral("projections: rebuild failed: %1").arg(s.errorMessage());
    } else {
        for (const Copy &c : std::as_const(copies)) {
            auto q = db.prepareOnce(
                QStringLiteral(
                    "SELECT (SELECT count(*) FROM (SELECT * FROM main.%1 EXCEPT SELECT * FROM %2)) "
                    "+ "
                    "(SELECT count(*) FROM (SELECT * FROM %2 EXCEPT SELECT * FROM main.%1))")
                    .arg(c.table, c.scratch));
            if (!q || !q->step()) {
                faults << QStringLiteral("projection %1: cannot compare %2: %3")
                              .arg(c.projection, c.table, db.lastError());
                continue;
            }
            if (const qint64 n = store::RowReader(*q).int64(); n > 0)
                faults << QStringLiteral(
                              "projection %1: %2 row(s) of %3 differ from a rebuild from the log")
                              .arg(c.projection)
                              .arg(n)
                              .arg(c.table);
        }
    }
    // The scratch tables and the rebuild go with the rollback.
    db.rollback();
    return faults;
}

} // namespace sitrep::engine
