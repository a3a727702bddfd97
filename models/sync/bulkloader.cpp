// SPDX-License-Identifier: MIT
#include "sync/bulkloader.h"

#include "store/projector.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sitrep::sync {

using namespace sitrep::domain;

static const QString kPendingIndexes = QStringLiteral("sync.bulk_indexes");

BulkLoader::~BulkLoader()
{
    if (m_active)
        cancel();
}

Status BulkLoader::begin()
{
    if (m_store.maxSeq() > 0)
        return Status::fail(QStringLiteral("a bulk load needs an empty database"));
    auto &db = m_store.db();
    if (auto s = db.begin(); !s)
        return s;
    QJsonArray defs;
    QStringList names;
    {
        auto q = db.prepareOnce(QStringLiteral(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ('incidents','events')"));
        while (q && q->step()) {
            names << q->text(0);
            defs.append(q->text(1));
        }
    }
    for (const QString &n : std::as_const(names))
        if (auto s = db.exec(QStringLiteral("DROP INDEX \"%1\"").arg(n)); !s) {
            db.rollback();
            return s;
        }
    if (auto s = m_store.setMeta(kPendingIndexes, QString::fromUtf8(QJsonDocument(defs).toJson(QJsonDocument::Compact))); !s) {
        db.rollback();
        return s;
    }
    m_active = true;
    m_loaded = 0;
    m_folding.clear();
    return {};
}

Status BulkLoader::add(const QList<Event> &events)
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    for (Event e : events) {
        const QUuid inc = QUuid::fromString(e.incidentUid);
        Folding &f = m_folding[inc];
        if (f.uid.isEmpty())
            f.uid = inc.toString(QUuid::WithoutBraces);
        e.prevHash = f.incident.headHash;
        e.payloadRaw.clear();
        e.hash = e.computeHash();
        if (e.origin.isEmpty() || e.origin == u"local")
            e.origin = QStringLiteral("remote");
        if (auto s = m_store.appendEvent(e); !s) {
            // A duplicate id is a no-op, as in the merge path.
            if (m_store.hasEvent(e.id))
                continue;
            return s;
        }
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
    return {};
}

Status BulkLoader::finish()
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    auto &db = m_store.db();
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
            sql.replace(QStringLiteral("CREATE INDEX "), QStringLiteral("CREATE INDEX IF NOT EXISTS "));
            sql.replace(QStringLiteral("CREATE UNIQUE INDEX "), QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS "));
            if (auto s = db.exec(sql); !s)
                return s;
        }
        return {};
    };
    QList<Folding *> rows;
    rows.reserve(m_folding.size());
    bool anyDirty = false;
    for (auto it = m_folding.begin(); it != m_folding.end(); ++it) {
        if (it->openSeq == 0)
            return fail(Status::fail(QStringLiteral("the back end sent events of incident %1 without its incident.opened event")
                                         .arg(it.key().toString(QUuid::WithoutBraces))));
        anyDirty = anyDirty || it->dirty;
        rows << &*it;
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
    // Row ids in the order the incidents were opened, as a rebuild from the log gives them.
    std::sort(rows.begin(), rows.end(), [](const Folding *a, const Folding *b) { return a->openSeq < b->openSeq; });
    for (Folding *f : std::as_const(rows)) {
        f->incident.rowid = 0;
        // `before` = itself: the row only; search and services are rebuilt set-wise below.
        if (auto s = m_store.writeIncident(f->incident, &f->incident); !s)
            return fail(s);
    }
    m_folding.clear();
    for (const char *sql : {
             "INSERT OR IGNORE INTO incident_services(service, incident) SELECT j.value, i.id FROM incidents i, json_each(i.services) j",
             "INSERT INTO search(rowid, body, incident) SELECT id, number || ' ' || title || char(10) || description, id FROM incidents",
             "INSERT INTO search(rowid, body, incident) SELECT 1000000000000 + e.seq, json_extract(e.payload, '$.text'), i.id "
             "FROM events e JOIN incidents i ON i.uid = e.incident WHERE e.kind = 'note.added'"}) {
        if (auto s = db.exec(QString::fromLatin1(sql)); !s)
            return fail(s);
    }
    if (auto s = recreate(false); !s)
        return fail(s);
    if (auto s = db.exec(QStringLiteral("DELETE FROM meta WHERE key='sync.bulk_indexes'")); !s)
        return fail(s);
    m_active = false;
    if (auto s = db.commit(); !s) {
        db.rollback();
        return s;
    }
    return {};
}

void BulkLoader::cancel()
{
    if (!m_active)
        return;
    m_active = false;
    m_folding.clear();
    m_store.db().rollback();
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
        QString sql = v.toString();
        sql.replace(QStringLiteral("CREATE INDEX "), QStringLiteral("CREATE INDEX IF NOT EXISTS "));
        sql.replace(QStringLiteral("CREATE UNIQUE INDEX "), QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS "));
        if (auto s = db.exec(sql); !s) {
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
