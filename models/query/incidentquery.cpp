// SPDX-License-Identifier: MIT
#include "query/incidentquery.h"

#include "query/sla.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace sitrep::query {

// Services come joined by SQLite's JSON functions (C, per row) instead of a QJsonDocument
// parse per row on the loader thread.
static const char *const kRowColumns =
    "id, uid, number, title, severity, priority, state, is_open, assignee, "
    "(SELECT group_concat(value, ', ') FROM json_each(services)), created_at, "
    "resolved_at, sla_due, sla_breached, sla_paused_since";

QList<SavedView> savedViews(const QString &me, qint64 now)
{
    QList<SavedView> out;
    const auto add = [&out](const char *id, const char *label, const IncidentFilter &f) {
        out << SavedView{QLatin1String(id), QCoreApplication::translate("SavedViews", label), f};
    };
    IncidentFilter open;
    open.open = true;
    add("open", QT_TRANSLATE_NOOP("SavedViews", "Open"), open);
    IncidentFilter mine = open;
    mine.assignee = me;
    add("mine", QT_TRANSLATE_NOOP("SavedViews", "My incidents"), mine);
    IncidentFilter p1 = open;
    p1.priority = 1;
    add("p1", QT_TRANSLATE_NOOP("SavedViews", "P1 open"), p1);
    IncidentFilter breach;
    breach.breachingSla = true;
    breach.now = now;
    add("breaching", QT_TRANSLATE_NOOP("SavedViews", "Breaching SLA"), breach);
    IncidentFilter week;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
    const QDate monday = t.date().addDays(1 - t.date().dayOfWeek());
    week.resolvedAfter = QDateTime(monday, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    add("resolved_week", QT_TRANSLATE_NOOP("SavedViews", "Resolved this week"), week);
    return out;
}

IncidentQuery::IncidentQuery(IncidentFilter filter, IncidentSort sort, bool descending)
    : m_filter(std::move(filter)), m_sort(sort), m_desc(descending)
{
}

QStringList IncidentQuery::keyColumns() const
{
    // Each list is exactly an index's columns (see 0001_core.sql); "id" is the rowid every
    // index ends with. Live columns sort by their stored base.
    switch (m_sort) {
    case IncidentSort::Id:
        return {QStringLiteral("id")};
    case IncidentSort::Title:
        return {QStringLiteral("title"), QStringLiteral("id")};
    case IncidentSort::Severity:
        return {QStringLiteral("severity"), QStringLiteral("created_at"), QStringLiteral("id")};
    case IncidentSort::State:
        return {QStringLiteral("state"), QStringLiteral("created_at"), QStringLiteral("id")};
    case IncidentSort::Assignee:
        return {QStringLiteral("assignee"), QStringLiteral("created_at"), QStringLiteral("id")};
    case IncidentSort::Priority:
        return {QStringLiteral("priority"), QStringLiteral("created_at"), QStringLiteral("id")};
    case IncidentSort::SlaDue:
        return {QStringLiteral("sla_due"), QStringLiteral("id")};
    case IncidentSort::Created:
        break;
    }
    return {QStringLiteral("created_at"), QStringLiteral("id")};
}

QString IncidentQuery::ftsQuery(const QString &in)
{
    return store::ftsQuery(in);
}

QString IncidentQuery::where(QList<QVariant> &binds) const
{
    const IncidentFilter &f = m_filter;
    store::SqlWhere w(binds);
    f.addTo(w);
    if (f.breachingSla)
        w.add(QStringLiteral("is_open=1 AND sla_due>0 AND (sla_breached<>0 OR sla_due<?)"),
              {f.now > 0 ? f.now : QDateTime::currentMSecsSinceEpoch()});
    if (f.resolvedAfter > 0)
        w.add(QStringLiteral("resolved_at>=?"), {f.resolvedAfter});
    if (f.createdFrom > 0)
        w.add(QStringLiteral("created_at>=?"), {f.createdFrom});
    if (f.createdBefore > 0)
        w.add(QStringLiteral("created_at<?"), {f.createdBefore});
    if (!f.group.isEmpty())
        w.add(QStringLiteral("assignment_group=?"), {f.group});
    if (f.noSeverity)
        w.add(QStringLiteral("severity=0"));
    const QString now = QString::number(f.now > 0 ? f.now : QDateTime::currentMSecsSinceEpoch());
    switch (f.counted) {
    case IncidentFilter::Counted::All:
        break;
    case IncidentFilter::Counted::Acknowledged:
        w.add(QStringLiteral("acknowledged_at>0"));
        break;
    case IncidentFilter::Counted::Resolved:
        w.add(QStringLiteral("resolved_at>0"));
        break;
    case IncidentFilter::Counted::ResponseSlaMissed:
        w.add(responseMissedSql(now));
        break;
    case IncidentFilter::Counted::ResolutionSlaMissed:
        w.add(resolutionMissedSql(now));
        break;
    }
    const QString fts = ftsQuery(f.search);
    if (!fts.isEmpty()) {
        // Title/description documents have rowid = incident id, so only note documents
        // need the (unindexed, slow to read) incident column.
        // Few matches: look them up by id and sort them (a small temp b-tree). Many matches
        // ("+id" keeps the planner off the rowid lookup): walk the sort index and test each
        // row against the match list, so the first page costs a page, not a sort of them all.
        // Matches in most rows (a word in every description): even listing them costs more
        // than a page, so each row walked is looked up in the index by its rowid instead.
        if (m_denseSearch)
            w.add(QStringLiteral(
                      "(EXISTS (SELECT 1 FROM search WHERE search MATCH ? AND rowid=incidents.id) "
                      "OR id IN (SELECT incident FROM search WHERE search MATCH ? AND "
                      "rowid>=1000000000000))"),
                  {fts, fts});
        else
            w.add((m_wideSearch ? QStringLiteral("+id") : QStringLiteral("id")) +
                      QStringLiteral(" IN (SELECT rowid FROM search WHERE search MATCH ? AND "
                                     "rowid<1000000000000 "
                                     "UNION ALL SELECT incident FROM search WHERE search MATCH ? "
                                     "AND rowid>=1000000000000)"),
                  {fts, fts});
    }
    return w.sql();
}

bool IncidentQuery::planSearch(store::Db &db, int wideMatches)
{
    m_wideSearch = false;
    m_denseSearch = false;
    const QString fts = ftsQuery(m_filter.search);
    if (fts.isEmpty())
        return false;
    auto *s = db.prepare(
        QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? LIMIT ?)"));
    if (!s)
        return false;
    s->bind(1, fts);
    s->bind(2, qint64(wideMatches));
    m_wideSearch = s->step() && store::RowReader(*s).int64() >= wideMatches;
    s->reset();
    m_denseSearch = false;
    // A prefix term ("since"*) merges the doclists of every word it starts: checking rows
    // one by one would repeat that merge for each row walked (seconds for a word in every
    // description), so a prefix search lists its matches once, the wide form.
    if (m_wideSearch && !fts.contains(u'*')) {
        // Dense: at least a quarter of the incidents match (counted up to that, so a word
        // in every row costs a bounded count, not a full one).
        auto *mx = db.prepare(QStringLiteral("SELECT max(id) FROM incidents"));
        const qint64 rows = mx && mx->step() ? store::RowReader(*mx).int64() : 0;
        if (mx)
            mx->reset();
        const qint64 quarter = rows / 4;
        if (quarter > wideMatches) {
            auto *c = db.prepare(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM search WHERE "
                                                "search MATCH ? AND rowid<1000000000000 LIMIT ?)"));
            if (c) {
                c->bind(1, fts);
                c->bind(2, quarter);
                m_denseSearch = c->step() && store::RowReader(*c).int64() >= quarter;
                c->reset();
            }
        }
    }
    return m_wideSearch;
}

QString IncidentQuery::orderBy() const
{
    const QString dir = m_desc ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    QStringList parts;
    for (const QString &c : keyColumns())
        parts << c + dir;
    return QStringLiteral(" ORDER BY ") + parts.join(QStringLiteral(", "));
}

QString IncidentQuery::countSql(QList<QVariant> &binds) const
{
    // Counting visits every match anyway: by id, never by a walk of the whole sort index.
    IncidentQuery narrow = *this;
    narrow.m_wideSearch = false;
    narrow.m_denseSearch = false;
    return QStringLiteral("SELECT count(*) FROM incidents") + narrow.where(binds);
}

QString IncidentQuery::offsetPageSql(qint64 offset, int limit, QList<QVariant> &binds) const
{
    if (offset == 0)
        return QStringLiteral("SELECT %1 FROM incidents").arg(QLatin1String(kRowColumns)) +
               where(binds) + orderBy() + QStringLiteral(" LIMIT %1").arg(limit);
    // The inner query walks only the index to skip rows; the outer one reads the page.
    QList<QVariant> inner;
    const QString sub = QStringLiteral("SELECT id FROM incidents") + where(inner) + orderBy() +
                        QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(offset);
    binds += inner;
    return QStringLiteral("SELECT %1 FROM incidents WHERE id IN (%2)")
               .arg(QLatin1String(kRowColumns), sub) +
           orderBy();
}

QString IncidentQuery::keysetPageSql(const QVariantList &key, bool inclusive, int limit,
                                     QList<QVariant> &binds) const
{
    QString w = where(binds);
    const QStringList cols = keyColumns();
    QStringList ph;
    for (int i = 0; i < cols.size(); ++i)
        ph << QStringLiteral("?");
    const QString op = m_desc ? (inclusive ? QStringLiteral("<=") : QStringLiteral("<"))
                              : (inclusive ? QStringLiteral(">=") : QStringLiteral(">"));
    const QString cond =
        cols.size() == 1 ? QStringLiteral("%1 %2 ?").arg(cols.first(), op)
                         : QStringLiteral("(%1) %2 (%3)").arg(cols.join(u','), op, ph.join(u','));
    w += (w.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + cond;
    binds += key;
    return QStringLiteral("SELECT %1 FROM incidents").arg(QLatin1String(kRowColumns)) + w +
           orderBy() + QStringLiteral(" LIMIT %1").arg(limit);
}

QString IncidentQuery::keyOfIdSql(qint64 id, QList<QVariant> &binds) const
{
    IncidentQuery narrow = *this; // one row by its rowid: never a walk of the sort index
    narrow.m_wideSearch = false;
    narrow.m_denseSearch = false;
    QString w = narrow.where(binds);
    w += (w.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) +
         QStringLiteral("id=?");
    binds << id;
    return QStringLiteral("SELECT %1 FROM incidents").arg(keyColumns().join(u',')) + w;
}

QString IncidentQuery::positionSql(const QVariantList &key, QList<QVariant> &binds) const
{
    IncidentQuery narrow = *this;
    narrow.m_wideSearch = false;
    narrow.m_denseSearch = false;
    QString w = narrow.where(binds);
    const QStringList cols = keyColumns();
    QStringList ph;
    for (int i = 0; i < cols.size(); ++i)
        ph << QStringLiteral("?");
    const QString op = m_desc ? QStringLiteral(">") : QStringLiteral("<");
    const QString cond =
        cols.size() == 1 ? QStringLiteral("%1 %2 ?").arg(cols.first(), op)
                         : QStringLiteral("(%1) %2 (%3)").arg(cols.join(u','), op, ph.join(u','));
    w += (w.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + cond;
    binds += key;
    return QStringLiteral("SELECT count(*) FROM incidents") + w;
}

QString IncidentQuery::keysSql(QList<QVariant> &binds) const
{
    return QStringLiteral("SELECT %1 FROM incidents").arg(keyColumns().join(u',')) + where(binds) +
           orderBy();
}

QVariantList IncidentQuery::keyOf(const IncidentRow &r) const
{
    QVariantList k;
    for (const QString &c : keyColumns()) {
        if (c == u"id")
            k << r.id;
        else if (c == u"title")
            k << r.title;
        else if (c == u"severity")
            k << qint64(r.severity);
        else if (c == u"priority")
            k << qint64(r.priority);
        else if (c == u"state")
            k << r.state;
        else if (c == u"assignee")
            k << r.assignee;
        else if (c == u"created_at")
            k << r.createdAt;
        else if (c == u"sla_due")
            k << r.slaDue;
    }
    return k;
}

QVariantList IncidentQuery::readKey(const store::Stmt &s)
{
    store::RowReader row(s);
    QVariantList key;
    key.reserve(row.columnCount());
    while (row.column() < row.columnCount())
        key << (row.isText() ? QVariant(row.text()) : QVariant(row.int64()));
    return key;
}

IncidentRow IncidentQuery::readRow(const store::Stmt &s)
{
    IncidentRow r;
    store::RowReader row(s);
    r.id = row.int64();
    r.uid = store::Store::blobToUuid(row.blob());
    row.read(r.number, r.title, r.severity, r.priority, r.state, r.open, r.assignee, r.services,
             r.createdAt);
    r.createdText =
        QDateTime::fromMSecsSinceEpoch(r.createdAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    row.read(r.resolvedAt, r.slaDue, r.slaBreached, r.slaPausedSince);
    return r;
}

QList<IncidentRow> quickFind(store::Store &store, const QString &text, int limit)
{
    QList<IncidentRow> out;
    const QString t = text.trimmed();
    if (t.isEmpty())
        return out;
    auto &db = store.db();
    QList<qint64> seen;
    if (auto inc = store.findIncident(t)) {
        if (auto *s = db.prepare(QStringLiteral("SELECT %1 FROM incidents WHERE id=?")
                                     .arg(QLatin1String(kRowColumns)))) {
            s->bind(1, inc->rowid);
            if (s->step()) {
                out << IncidentQuery::readRow(*s);
                seen << out.last().id;
            }
            s->reset();
        }
    }
    IncidentFilter f;
    // Prefix search on the last word, so the palette finds as you type.
    f.search = t.endsWith(u'*') ? t : t + u'*';
    IncidentQuery q(f, IncidentSort::Created, true);
    q.planSearch(db);
    QList<QVariant> binds;
    const QString sql = q.offsetPageSql(0, limit, binds);
    if (auto *s = db.prepare(sql)) {
        s->bindAll(binds);
        while (out.size() < limit && s->step()) {
            IncidentRow r = IncidentQuery::readRow(*s);
            if (!seen.contains(r.id))
                out << r;
        }
        s->reset();
    }
    return out;
}

} // namespace sitrep::query
