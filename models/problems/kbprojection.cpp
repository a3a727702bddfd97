// SPDX-License-Identifier: MIT
#include "problems/kbprojection.h"
#include "problems/jsonlist.h"

#include "engine/projection.h"
#include "problems/problemstore.h"
#include "store/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace sitrep::problems::knowledgebase {

using namespace sitrep::domain;
using store::Stmt;

static Status upsert(store::Db &db, const QString &id, const QString &kind, const QString &title,
                     const QString &body, const QStringList &tags, const QString &sourceRef,
                     qint64 updatedAt)
{
    return db.run(
        QStringLiteral("INSERT INTO kb_articles(id, kind, title, body, tags, source_ref, "
                       "updated_at) VALUES(?,?,?,?,?,?,?) "
                       "ON CONFLICT(id) DO UPDATE SET title=excluded.title, body=excluded.body, "
                       "tags=excluded.tags, "
                       "source_ref=excluded.source_ref, updated_at=excluded.updated_at"),
        id, kind, title, body, jsonList(tags), sourceRef, updatedAt);
}

static Status fold(store::Store &store, const QList<Event> &events);

namespace {

class KnowledgeBaseProjection final : public engine::Projection {
public:
    QString name() const override { return QStringLiteral("knowledge_base"); }
    QStringList kinds() const override
    {
        return {kinds::Transitioned, kinds::FieldSet, KnownErrorLinkedKind, ProblemLinkedKind,
                ProblemUnlinkedKind};
    }
    Status apply(store::Store &store, const QList<Event> &events) override
    {
        // One event at a time: links and unlinks apply in log order, and the result does not
        // depend on how a transaction grouped the events.
        for (const Event &e : events)
            if (auto s = fold(store, {e}); !s)
                return s;
        return {};
    }
    Status reset(store::Store &store) override
    {
        // The authored parts (problems, known errors and their texts) stay; what the log
        // gave them goes. Each known error's article is written again as it reads with no
        // incident; replaying the log rewrites the ones that get incidents.
        auto &db = store.db();
        for (const char *sql :
             {"DELETE FROM kb_articles WHERE kind='resolution'",
              "DELETE FROM known_error_incidents", "DELETE FROM problem_incidents",
              "UPDATE known_errors SET incident_count=0, last_seen_at=0"})
            if (auto s = db.exec(QString::fromLatin1(sql)); !s)
                return s;
        QList<qint64> ids;
        auto q = db.prepareOnce(QStringLiteral("SELECT id FROM known_errors ORDER BY id"));
        if (!q)
            return Status::fail(db.lastError(), QStringLiteral("db"));
        while (q->step())
            ids << store::RowReader(*q).int64();
        for (const qint64 id : std::as_const(ids))
            if (auto s = writeKnownErrorArticle(store, id); !s)
                return s;
        return {};
    }
    QStringList tables() const override
    {
        return {QStringLiteral("kb_articles"), QStringLiteral("known_error_incidents"),
                QStringLiteral("problem_incidents"), QStringLiteral("known_errors")};
    }
};

} // namespace

std::unique_ptr<engine::Projection> projection()
{
    return std::make_unique<KnowledgeBaseProjection>();
}

Result<bool> writeResolutionArticle(store::Store &store, const Incident &inc)
{
    if (inc.resolvedAt <= 0 || inc.resolutionNote.trimmed().isEmpty())
        return false;
    QStringList tags = inc.services;
    if (!inc.category.isEmpty())
        tags << inc.category;
    if (!inc.rootCause.isEmpty())
        tags << inc.rootCause;
    const QString body =
        QStringLiteral("**Symptom:** %1\n\n**Resolution:** %2\n\n**Root cause category:** "
                       "%3\n\n**Severity:** %4, **services:** %5\n")
            .arg(inc.description.isEmpty() ? inc.title : inc.description, inc.resolutionNote,
                 inc.rootCause.isEmpty() ? QStringLiteral("-") : inc.rootCause,
                 severityLabel(inc.severity),
                 inc.services.isEmpty() ? QStringLiteral("-")
                                        : inc.services.join(QStringLiteral(", ")));
    if (auto s = upsert(store.db(), QStringLiteral("resolution:") + inc.number,
                        QStringLiteral("resolution"),
                        QStringLiteral("%1: %2").arg(inc.number, inc.title), body, tags, inc.number,
                        inc.resolvedAt);
        !s)
        return Result<bool>(s.error());
    return true;
}

Status writeKnownErrorArticle(store::Store &store, qint64 id)
{
    auto &db = store.db();
    Stmt *s = db.prepare(QStringLiteral("SELECT number, title, symptom, workaround, root_cause, "
                                        "services, incident_count, updated_at "
                                        "FROM known_errors WHERE id=?"));
    if (!s)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    s->bind(1, id);
    if (!s->step()) {
        s->reset();
        return Status::fail(QStringLiteral("no known error with id %1").arg(id),
                            QStringLiteral("not_found"));
    }
    store::RowReader row(*s);
    const QString number = row.text(), title = row.text(), symptom = row.text(),
                  workaround = row.text(), rootCause = row.text();
    QStringList tags = fromJsonList(row.text());
    const qint64 count = row.int64(), updatedAt = row.int64();
    s->reset();
    Stmt *l = db.prepare(QStringLiteral(
        "SELECT number FROM known_error_incidents WHERE known_error_id=? ORDER BY linked_at, "
        "number"));
    if (!l)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    const QStringList incidents =
        l->bind(1, id).all([](const Stmt &row) { return store::RowReader(row).text(); });
    const QString body =
        QStringLiteral("**Symptom:** %1\n\n**Workaround:** %2\n\n**Root cause:** %3\n\n**Seen "
                       "in:** %4 incident(s)%5\n")
            .arg(symptom, workaround.isEmpty() ? QStringLiteral("none known") : workaround,
                 rootCause.isEmpty() ? QStringLiteral("under investigation") : rootCause)
            .arg(count)
            .arg(incidents.isEmpty()
                     ? QString()
                     : QStringLiteral(" (%1)").arg(incidents.join(QStringLiteral(", "))));
    tags << QStringLiteral("known-error");
    return upsert(db, number, QStringLiteral("known_error"),
                  QStringLiteral("%1: %2").arg(number, title), body, tags, number, updatedAt);
}

Status linkKnownError(store::Store &store, qint64 keId, const Incident &inc, qint64 seenAt,
                      const QString &actor)
{
    auto &db = store.db();
    const qint64 at = seenAt > 0 ? seenAt : inc.updatedAt;
    if (auto s =
            db.run(QStringLiteral("INSERT OR IGNORE INTO known_error_incidents(known_error_id, "
                                  "incident_uid, number, linked_at) VALUES(?,?,?,?)"),
                   keId, inc.uid, inc.number, at);
        !s)
        return s;
    // The known error's problem gets the incident too.
    if (auto s = db.run(QStringLiteral("INSERT OR IGNORE INTO problem_incidents(problem_id, "
                                       "incident_uid, number, linked_at, linked_by) "
                                       "SELECT problem_id, ?, ?, ?, ? FROM known_errors WHERE "
                                       "id=? AND problem_id IS NOT NULL"),
                        inc.uid, inc.number, at, actor, keId);
        !s)
        return s;
    return db.run(QStringLiteral("UPDATE known_errors SET incident_count=(SELECT COUNT(*) FROM "
                                 "known_error_incidents WHERE known_error_id=?1), "
                                 "last_seen_at=MAX(last_seen_at, ?2), updated_at=MAX(updated_at, "
                                 "?2) WHERE id=?1"),
                  keId, seenAt);
}

static qint64 knownErrorId(store::Db &db, const QString &number)
{
    return db.scalar(QStringLiteral("SELECT id FROM known_errors WHERE number=?"),
                     {number.trimmed().toUpper()});
}

// Folds events into the knowledge base (the projection calls it with one event at a time).
static Status fold(store::Store &store, const QList<Event> &events)
{
    QList<QString> touched;          // incidents whose resolution text may have changed, in order
    QHash<QString, qint64> resolved; // incident -> time it was resolved in this transaction
    QList<QPair<QString, QString>> keLinks;
    QHash<QString, QString> actors;
    QList<Event> problemLinks;
    for (const Event &e : events) {
        if (e.kind == kinds::Transitioned) {
            if (!touched.contains(e.incidentUid))
                touched << e.incidentUid;
            // A closing state stamps the resolve time too when nothing resolved before.
            const QString stamps = e.payload[u"stamps"].toString();
            if (stamps == u"resolved" || stamps == u"closed")
                resolved.insert(e.incidentUid, e.ts);
        } else if (e.kind == kinds::FieldSet) {
            const QString f = e.payload[u"field"].toString();
            if ((f == u"resolution_note" || f == u"root_cause" || f == u"root_cause_category") &&
                !touched.contains(e.incidentUid))
                touched << e.incidentUid;
        } else if (e.kind == KnownErrorLinkedKind) {
            keLinks << qMakePair(e.incidentUid, e.payload[u"known_error"].toString());
        } else if (e.kind == ProblemLinkedKind || e.kind == ProblemUnlinkedKind) {
            problemLinks << e;
        } else {
            continue;
        }
        actors.insert(e.incidentUid, e.actor);
    }
    if (touched.isEmpty() && keLinks.isEmpty() && problemLinks.isEmpty())
        return {};
    auto &db = store.db();
    for (const Event &e : std::as_const(problemLinks)) {
        Stmt *q = db.prepare(QStringLiteral("SELECT id FROM problems WHERE number=?"));
        if (!q)
            return Status::fail(db.lastError(), QStringLiteral("db"));
        q->bind(1, e.payload[u"problem"].toString());
        const qint64 pid = q->step() ? store::RowReader(*q).int64() : 0;
        q->reset();
        auto inc = store.incidentByUid(e.incidentUid);
        if (pid == 0 || !inc)
            continue; // a problem of another replica: nothing to link here
        Stmt *s = e.kind == ProblemLinkedKind
                      ? db.prepare(QStringLiteral(
                            "INSERT OR IGNORE INTO problem_incidents(problem_id, incident_uid, "
                            "number, linked_at, linked_by) VALUES(?,?,?,?,?)"))
                      : db.prepare(QStringLiteral(
                            "DELETE FROM problem_incidents WHERE problem_id=? AND incident_uid=?"));
        if (!s)
            return Status::fail(db.lastError(), QStringLiteral("db"));
        s->bind(1, pid).bind(2, inc->uid);
        if (e.kind == ProblemLinkedKind)
            s->bind(3, inc->number).bind(4, e.ts).bind(5, e.actor);
        if (!s->exec())
            return Status::fail(s->error(), QStringLiteral("db"));
    }
    QSet<qint64> entries; // known errors whose article must be rewritten
    for (const auto &[uid, number] : std::as_const(keLinks)) {
        const qint64 id = knownErrorId(db, number);
        auto inc = store.incidentByUid(uid);
        if (id == 0 || !inc)
            continue; // a known error of another replica
        const qint64 seen = inc->resolvedAt > 0 ? inc->resolvedAt : 0;
        if (auto s = linkKnownError(store, id, *inc, seen, actors.value(uid)); !s)
            return s;
        entries.insert(id);
    }
    for (const QString &uid : std::as_const(touched)) {
        auto inc = store.incidentByUid(uid);
        if (!inc)
            continue;
        if (auto w = writeResolutionArticle(store, *inc); !w)
            return Status(w.error());
        const auto r = resolved.constFind(uid);
        if (r == resolved.cend() || inc->resolvedAt <= 0 || inc->resolvedAt != *r)
            continue;
        // Resolved now: every known error the incident is linked to, directly or through
        // one of its problems, has been seen again.
        Stmt *k = db.prepare(
            QStringLiteral("SELECT known_error_id FROM known_error_incidents WHERE incident_uid=?1 "
                           "UNION SELECT k.id FROM known_errors k JOIN problem_incidents p ON "
                           "p.problem_id = k.problem_id "
                           "WHERE p.incident_uid=?1"));
        if (!k)
            return Status::fail(db.lastError(), QStringLiteral("db"));
        const QList<qint64> ids =
            k->bind(1, uid).all([](const Stmt &row) { return store::RowReader(row).int64(); });
        for (qint64 id : std::as_const(ids)) {
            if (auto s = linkKnownError(store, id, *inc, *r, actors.value(uid)); !s)
                return s;
            entries.insert(id);
        }
    }
    for (qint64 id : std::as_const(entries))
        if (auto s = writeKnownErrorArticle(store, id); !s)
            return s;
    return {};
}

} // namespace sitrep::problems::knowledgebase
