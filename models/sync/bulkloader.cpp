// SPDX-License-Identifier: MIT
#include "sync/bulkloader.h"

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
    m_heads.clear();
    return {};
}

Status BulkLoader::add(const QList<Event> &events)
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    for (Event e : events) {
        const QUuid inc = QUuid::fromString(e.incidentUid);
        auto &head = m_heads[inc];
        e.prevHash = head;
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
        head = e.hash;
        ++m_loaded;
    }
    return {};
}

Status BulkLoader::finish()
{
    if (!m_active)
        return Status::fail(QStringLiteral("bulk load not started"));
    m_active = false;
    m_heads.clear();
    if (auto s = m_store.db().commit(); !s)
        return s;
    if (auto s = m_store.rebuildProjection(); !s)
        return s;
    return recover(m_store);
}

void BulkLoader::cancel()
{
    if (!m_active)
        return;
    m_active = false;
    m_heads.clear();
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
