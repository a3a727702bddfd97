// SPDX-License-Identifier: MIT
#include "postmortem/postmortemstore.h"

#include "engine/lifecycleengine.h"
#include "engine/projection.h"
#include "postmortem/logging.h"

#include <QDate>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace sitrep::postmortem {

using namespace sitrep::domain;
using engine::Command;
using store::Stmt;

QStringList statuses()
{
    return {StatusDraft, StatusInReview, StatusPublished};
}

QString statusLabel(const QString &status)
{
    if (status == StatusInReview)
        return QStringLiteral("In review");
    if (status == StatusPublished)
        return QStringLiteral("Published");
    return QStringLiteral("Draft");
}

static QString normStatus(QString s)
{
    s = s.trimmed().toLower().replace(u' ', u'_').replace(u'-', u'_');
    if (s == u"review")
        s = StatusInReview;
    return s;
}

// The owners column: a JSON array of names.
static QString ownersJson(const QStringList &owners)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(owners)).toJson(QJsonDocument::Compact));
}

static bool isPlaceholder(const QString &s)
{
    const QString t = s.trimmed();
    return t.isEmpty() || (t.startsWith(u'[') && t.endsWith(u']')) || t == u"-";
}

QList<ParsedActionItem> parseActionItems(const QString &markdown)
{
    QList<ParsedActionItem> out;
    const QStringList lines = markdown.split(u'\n');
    bool in = false;
    static const QRegularExpression sep(QStringLiteral("^\\|?\\s*:?-{2,}"));
    static const QRegularExpression task(QStringLiteral("^[-*]\\s+(?:\\[( |x|X)\\]\\s+)?(.*)$"));
    static const QRegularExpression ownerRe(
        QStringLiteral("\\s[-–—]\\s*Owner:\\s*([^-–—]+?)(?=\\s[-–—]\\s|$)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression dueRe(QStringLiteral("\\s[-–—]\\s*Due:\\s*(\\S+)"),
                                          QRegularExpression::CaseInsensitiveOption);
    for (const QString &raw : lines) {
        const QString l = raw.trimmed();
        if (l.startsWith(u'#')) {
            if (l.startsWith(QStringLiteral("###")))
                continue; // sub-headings stay inside the section
            const QString h = l.mid(l.indexOf(u' ') + 1).trimmed().toLower();
            in = l.startsWith(QStringLiteral("## ")) &&
                 (h == u"action items" || h == u"action item");
            continue;
        }
        if (!in || l.isEmpty())
            continue;
        if (l.startsWith(u'|')) {
            if (sep.match(l).hasMatch())
                continue;
            QStringList cells = l.split(u'|');
            if (cells.size() >= 2) {
                cells.removeFirst();
                if (cells.last().trimmed().isEmpty())
                    cells.removeLast();
            }
            for (QString &c : cells)
                c = c.trimmed();
            const QString first = cells.value(0).toLower();
            if (first == u"action" || first == u"action item" || first == u"title")
                continue; // header row
            if (isPlaceholder(cells.value(0)))
                continue;
            ParsedActionItem a{cells.value(0),
                               isPlaceholder(cells.value(1)) ? QString() : cells.value(1),
                               isPlaceholder(cells.value(2)) ? QString() : cells.value(2),
                               normStatus(cells.value(3))};
            if (a.status.isEmpty() || a.status == u"todo")
                a.status = QStringLiteral("open");
            out << a;
            continue;
        }
        const auto m = task.match(l);
        if (!m.hasMatch())
            continue;
        QString text = m.captured(2).trimmed();
        ParsedActionItem a;
        a.status = m.captured(1).compare(u"x", Qt::CaseInsensitive) == 0 ? QStringLiteral("done")
                                                                         : QStringLiteral("open");
        if (const auto om = ownerRe.match(text); om.hasMatch())
            a.owner = om.captured(1).trimmed();
        if (const auto dm = dueRe.match(text); dm.hasMatch())
            a.due = dm.captured(1).trimmed();
        const qsizetype cut = text.indexOf(QRegularExpression(
            QStringLiteral("\\s[-–—]\\s*(Owner|Due):"), QRegularExpression::CaseInsensitiveOption));
        a.title = (cut >= 0 ? text.left(cut) : text).trimmed();
        if (isPlaceholder(a.owner))
            a.owner.clear();
        if (isPlaceholder(a.due))
            a.due.clear();
        if (isPlaceholder(a.title))
            continue;
        out << a;
    }
    return out;
}

PostmortemStore::PostmortemStore(engine::LifecycleEngine &engine) : m_engine(engine) {}

Result<Incident> PostmortemStore::incident(const QString &ref)
{
    auto inc = m_engine.store().findIncident(ref);
    if (!inc)
        return Result<Incident>::fail(QStringLiteral("no incident '%1'").arg(ref),
                                      QStringLiteral("not_found"));
    return *inc;
}

static Document readDoc(const Stmt &s)
{
    Document d;
    store::RowReader row(s);
    row.read(d.incidentUid, d.number, d.title, d.body, d.status);
    for (const auto &v : QJsonDocument::fromJson(row.text().toUtf8()).array())
        d.owners << v.toString();
    row.read(d.reviewAt, d.version, d.createdAt, d.updatedAt, d.autosavedAt);
    return d;
}

static const char *kDocCols = "incident_uid, number, title, body, status, owners, review_at, "
                              "version, created_at, updated_at, autosaved_at";

std::optional<Document> PostmortemStore::document(const QString &incidentRef)
{
    QString uid = incidentRef;
    if (auto inc = m_engine.store().findIncident(incidentRef))
        uid = inc->uid;
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT %1 FROM postmortems WHERE incident_uid=?")
            .arg(QLatin1String(kDocCols)));
    if (!s)
        return std::nullopt;
    return s->bind(1, uid).one(readDoc);
}

QList<Document> PostmortemStore::documents(int limit)
{
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT %1 FROM postmortems ORDER BY updated_at DESC LIMIT ?")
            .arg(QLatin1String(kDocCols)));
    if (!s)
        return {};
    return s->bind(1, limit).all(readDoc);
}

Status PostmortemStore::writeVersion(const QString &uid, int version, const QString &body,
                                     const QString &status, const QString &author,
                                     const QString &note, qint64 now)
{
    return m_engine.store().db().run(
        QStringLiteral("INSERT INTO postmortem_versions(incident_uid, version, body, status, "
                       "author, note, saved_at) VALUES(?,?,?,?,?,?,?)"),
        uid, version, body, status, author, note, now);
}

Result<Document> PostmortemStore::previewDocument(const QString &incidentRef, const QString &actor,
                                                  const Template &tmpl)
{
    using R = Result<Document>;
    auto inc = incident(incidentRef);
    if (!inc)
        return R::fail(inc.errorMessage(), inc.error().code);
    if (auto d = document(inc->uid))
        return *d;
    const QList<Event> tl = m_engine.store().timeline(inc->uid);
    Document d;
    d.incidentUid = inc->uid;
    d.number = inc->number;
    d.title = inc->title;
    d.version = 0;
    for (const Event &e : tl)
        if (e.kind == kinds::PostmortemDrafted) {
            d.body = e.payload[u"markdown"].toString();
            d.reviewAt = e.payload[u"review_due"].toVariant().toLongLong();
        }
    // The workflow's draft is made when the incident resolves; a user template (or one
    // written later, with more of the timeline) replaces it only when there is none.
    if (d.body.isEmpty())
        d.body = draftMarkdown(*inc, tl, tmpl);
    const qint64 now = m_engine.clock().nowMs();
    if (d.reviewAt <= 0)
        d.reviewAt = (inc->resolvedAt > 0 ? inc->resolvedAt : now) + 48LL * 3600 * 1000;
    for (const QString &o : {inc->commander, inc->assignee})
        if (!o.isEmpty() && !d.owners.contains(o))
            d.owners << o;
    if (d.owners.isEmpty() && !actor.isEmpty())
        d.owners << actor;
    d.createdAt = now;
    d.updatedAt = now;
    return d;
}

Result<Document> PostmortemStore::ensureDocument(const QString &incidentRef, const QString &actor,
                                                 const Template &tmpl)
{
    using R = Result<Document>;
    auto preview = previewDocument(incidentRef, actor, tmpl);
    if (!preview || preview->version > 0)
        return preview;
    const Document &draft = *preview;
    const QString &uid = draft.incidentUid;
    const QString &body = draft.body;
    const qint64 reviewAt = draft.reviewAt;
    const QStringList &owners = draft.owners;
    const qint64 now = draft.createdAt;

    auto &db = m_engine.store().db();
    if (auto s = db.begin(); !s)
        return R::fail(s.errorMessage(), QStringLiteral("db"));
    if (auto s = db.run(QStringLiteral("INSERT INTO postmortems(incident_uid, number, title, body, "
                                       "status, owners, review_at, version, created_at, "
                                       "updated_at) VALUES(?,?,?,?,?,?,?,1,?,?)"),
                        uid, draft.number, draft.title, body, StatusDraft, ownersJson(owners),
                        reviewAt, now, now);
        !s) {
        db.rollback();
        return R(s.error());
    }
    if (auto w =
            writeVersion(uid, 1, body, StatusDraft, actor, QStringLiteral("generated draft"), now);
        !w) {
        db.rollback();
        return R::fail(w.errorMessage(), QStringLiteral("db"));
    }
    if (auto c = db.commit(); !c)
        return R::fail(c.errorMessage(), QStringLiteral("db"));
    const QString when = QDateTime::fromMSecsSinceEpoch(reviewAt, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    if (auto r = m_engine.record(
            uid, CreatedKind,
            {{QStringLiteral("owners"), QJsonArray::fromStringList(owners)},
             {QStringLiteral("review_at"), QString::number(reviewAt)},
             {QStringLiteral("message"),
              QStringLiteral("postmortem draft opened; owners %1; review meeting proposed for %2")
                  .arg(owners.join(QStringLiteral(", ")), when)}},
            actor);
        !r)
        qCWarning(lcPostmortem).noquote() << "postmortem.created not recorded:" << r.errorMessage();
    return *document(uid);
}

Status PostmortemStore::autosave(const QString &uid, const QString &body)
{
    const qint64 now = m_engine.clock().nowMs();
    return m_engine.store().db().run(
        QStringLiteral("UPDATE postmortems SET body=?, autosaved_at=?, updated_at=? WHERE "
                       "incident_uid=? AND body<>?"),
        body, now, now, uid, body);
}

Result<int> PostmortemStore::saveVersion(const QString &uid, const QString &body,
                                         const QString &author, const QString &note)
{
    using R = Result<int>;
    auto d = document(uid);
    if (!d)
        return R::fail(QStringLiteral("no postmortem for %1").arg(uid),
                       QStringLiteral("not_found"));
    const int v = d->version + 1;
    if (auto w = revise(uid, QStringLiteral("body"), body, v, body, d->status, author, note); !w)
        return R(w.error());
    return v;
}

Status PostmortemStore::revise(const QString &uid, const QString &column, const QString &value,
                               int version, const QString &body, const QString &status,
                               const QString &author, const QString &note)
{
    auto &db = m_engine.store().db();
    const qint64 now = m_engine.clock().nowMs();
    const auto fail = [&db](const QString &message) {
        db.rollback();
        return Status::fail(message, QStringLiteral("db"));
    };
    if (auto s = db.begin(); !s)
        return Status::fail(s.errorMessage(), QStringLiteral("db"));
    if (auto s =
            db.run(QStringLiteral(
                       "UPDATE postmortems SET %1=?, version=?, updated_at=? WHERE incident_uid=?")
                       .arg(column),
                   value, version, now, uid);
        !s)
        return fail(s.errorMessage());
    if (auto w = writeVersion(uid, version, body, status, author, note, now); !w)
        return fail(w.errorMessage());
    if (auto c = db.commit(); !c)
        return Status::fail(c.errorMessage(), QStringLiteral("db"));
    return {};
}

QList<Version> PostmortemStore::versions(const QString &uid)
{
    QList<Version> out;
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT version, body, status, author, note, saved_at FROM "
                       "postmortem_versions WHERE incident_uid=? ORDER BY version DESC"));
    s->bind(1, uid);
    while (s->step()) {
        store::RowReader row(*s);
        out << Version{int(row.int64()), row.text(), row.text(),
                       row.text(),       row.text(), row.int64()};
    }
    s->reset();
    return out;
}

Result<Document> PostmortemStore::restore(const QString &uid, int version, const QString &author)
{
    using R = Result<Document>;
    QString body;
    bool found = false;
    for (const Version &v : versions(uid))
        if (v.version == version) {
            body = v.body;
            found = true;
        }
    if (!found)
        return R::fail(QStringLiteral("no version %1 of this postmortem").arg(version),
                       QStringLiteral("not_found"));
    auto v =
        saveVersion(uid, body, author, QStringLiteral("restored from version %1").arg(version));
    if (!v)
        return R::fail(v.errorMessage(), v.error().code);
    if (auto r =
            m_engine.record(uid, RestoredKind,
                            {{QStringLiteral("version"), *v},
                             {QStringLiteral("from_version"), version},
                             {QStringLiteral("message"),
                              QStringLiteral("postmortem restored from version %1").arg(version)}},
                            author);
        !r)
        qCWarning(lcPostmortem).noquote()
            << "postmortem.restored not recorded:" << r.errorMessage();
    return *document(uid);
}

Result<Document> PostmortemStore::setStatus(const QString &uid, const QString &statusIn,
                                            const QString &actor)
{
    using R = Result<Document>;
    const QString status = normStatus(statusIn);
    if (!statuses().contains(status))
        return R::fail(
            QStringLiteral("unknown postmortem status '%1' (draft, in_review, published)")
                .arg(statusIn),
            QStringLiteral("invalid"));
    auto d = document(uid);
    if (!d)
        return R::fail(QStringLiteral("no postmortem for %1").arg(uid),
                       QStringLiteral("not_found"));
    if (d->status == status)
        return *d;
    if (status == StatusPublished && d->status == StatusDraft)
        return R::fail(
            QStringLiteral("%1: a draft goes to review before it is published").arg(d->number),
            QStringLiteral("invalid"));
    const int v = d->version + 1;
    if (auto w = revise(
            uid, QStringLiteral("status"), status, v, d->body, status, actor,
            QStringLiteral("status %1 → %2").arg(statusLabel(d->status), statusLabel(status)));
        !w)
        return R(w.error());
    const QString kind = status == StatusPublished ? PublishedKind : StatusChangedKind;
    if (auto r = m_engine.record(
            uid, kind,
            {{QStringLiteral("from"), d->status},
             {QStringLiteral("to"), status},
             {QStringLiteral("version"), v},
             {QStringLiteral("message"),
              status == StatusPublished ? QStringLiteral("postmortem published (version %1)").arg(v)
                                        : QStringLiteral("postmortem %1 → %2")
                                              .arg(statusLabel(d->status), statusLabel(status))}},
            actor);
        !r) {
        // The timeline must not disagree with the document: undo the status change.
        (void)m_engine.store().db().run(
            QStringLiteral("UPDATE postmortems SET status=? WHERE incident_uid=?"), d->status, uid);
        return R::fail(r.errorMessage(), r.error().code);
    }
    return *document(uid);
}

Status PostmortemStore::setOwners(const QString &uid, const QStringList &owners)
{
    return m_engine.store().db().run(
        QStringLiteral("UPDATE postmortems SET owners=? WHERE incident_uid=?"), ownersJson(owners),
        uid);
}

Status PostmortemStore::setReviewAt(const QString &uid, qint64 at)
{
    return m_engine.store().db().run(
        QStringLiteral("UPDATE postmortems SET review_at=? WHERE incident_uid=?"), at, uid);
}

static QString titleKey(const QString &t)
{
    return t.simplified().toLower();
}

Result<int> PostmortemStore::syncActionItems(const QString &uid, const QString &actor)
{
    using R = Result<int>;
    auto d = document(uid);
    if (!d)
        return R::fail(QStringLiteral("no postmortem for %1").arg(uid),
                       QStringLiteral("not_found"));
    const QList<ActionItem> existing = actionItemsFrom(m_engine.store().timeline(uid));
    QHash<QString, ActionItem> byTitle;
    for (const ActionItem &a : existing)
        byTitle.insert(titleKey(a.title), a);
    QList<Command> cmds;
    for (ParsedActionItem p : parseActionItems(d->body)) {
        if (!p.due.isEmpty() && !QDate::fromString(p.due, Qt::ISODate).isValid())
            p.due.clear(); // the engine only takes YYYY-MM-DD
        if (!QStringList{QStringLiteral("open"), QStringLiteral("in_progress"),
                         QStringLiteral("done")}
                 .contains(p.status))
            p.status = QStringLiteral("open");
        const auto it = byTitle.constFind(titleKey(p.title));
        if (it == byTitle.cend()) {
            cmds << Command::make(Command::Kind::ActionItem, uid,
                                  {{QStringLiteral("op"), QStringLiteral("add")},
                                   {QStringLiteral("title"), p.title},
                                   {QStringLiteral("owner"), p.owner},
                                   {QStringLiteral("due"), p.due},
                                   {QStringLiteral("status"), p.status},
                                   {QStringLiteral("done"), p.status == u"done"},
                                   {QStringLiteral("source"), QStringLiteral("postmortem")}},
                                  actor);
            byTitle.insert(titleKey(p.title), ActionItem{});
        } else if (!it->id.isEmpty() &&
                   (it->owner != p.owner || it->due != p.due || it->status != p.status)) {
            cmds << Command::make(Command::Kind::ActionItem, uid,
                                  {{QStringLiteral("op"), QStringLiteral("update")},
                                   {QStringLiteral("id"), it->id},
                                   {QStringLiteral("title"), it->title},
                                   {QStringLiteral("owner"), p.owner},
                                   {QStringLiteral("due"), p.due},
                                   {QStringLiteral("status"), p.status},
                                   {QStringLiteral("done"), p.status == u"done"}},
                                  actor);
        }
    }
    if (cmds.isEmpty())
        return 0;
    auto r = m_engine.executeBatch(cmds);
    if (!r)
        return R::fail(r.errorMessage(), r.error().code);
    int n = 0;
    for (const auto &one : *r)
        if (one)
            ++n;
        else
            qCWarning(lcPostmortem).noquote() << "action item not recorded:" << one.errorMessage();
    return n;
}

namespace {

// Folds action_item events onto the stored rows, the way actionItemsFrom() folds a timeline.
class ActionItemsProjection final : public engine::Projection {
public:
    QString name() const override { return QStringLiteral("action_items"); }
    QStringList kinds() const override
    {
        return {kinds::ActionItem, kinds::Renumbered, kinds::ProvisionalNumber};
    }
    Status apply(store::Store &st, const QList<Event> &events) override
    {
        auto &db = st.db();
        for (const Event &e : events) {
            if (e.kind == kinds::ActionItem) {
                if (auto s = applyItem(st, e); !s)
                    return s;
                continue;
            }
            // A new number for the incident: its items show it too.
            const auto inc = st.incidentByUid(e.incidentUid);
            if (!inc)
                continue;
            Stmt *u =
                db.prepare(QStringLiteral("UPDATE action_items SET number=? WHERE incident_uid=?"));
            if (!u)
                return Status::fail(db.lastError(), QStringLiteral("db"));
            u->bind(1, inc->number).bind(2, e.incidentUid);
            if (!u->exec())
                return Status::fail(u->error(), QStringLiteral("db"));
        }
        return {};
    }
    Status reset(store::Store &st) override
    {
        return st.db().exec(QStringLiteral("DELETE FROM action_items"));
    }
    QStringList tables() const override { return {QStringLiteral("action_items")}; }

private:
    static Status applyItem(store::Store &st, const Event &e)
    {
        auto &db = st.db();
        const QJsonObject &p = e.payload;
        const QString id = p[u"id"].toString();
        if (id.isEmpty())
            return {};
        ActionItem a;
        bool exists = false;
        {
            Stmt *g = db.prepare(QStringLiteral(
                "SELECT title, owner, due, status, created_at FROM action_items WHERE id=?"));
            if (!g)
                return Status::fail(db.lastError(), QStringLiteral("db"));
            g->bind(1, id);
            if (g->step()) {
                exists = true;
                store::RowReader row(*g);
                row.read(a.title, a.owner, a.due, a.status, a.createdAt);
            }
            g->reset();
        }
        if (!exists) {
            if (!p.contains(u"title"))
                return {};
            a.status = QStringLiteral("open");
            a.createdAt = e.ts;
        }
        domain::applyActionItemFields(a, p);
        const auto inc = st.incidentByUid(e.incidentUid);
        if (auto w =
                db.run(QStringLiteral(
                           "INSERT INTO action_items(id, incident_uid, number, title, owner, due, "
                           "status, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?) "
                           "ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                           "owner=excluded.owner, due=excluded.due, status=excluded.status, "
                           "number=excluded.number, updated_at=excluded.updated_at"),
                       id, e.incidentUid, inc ? inc->number : QString(), a.title, a.owner, a.due,
                       a.status, a.createdAt, e.ts);
            !w)
            return w;
        return {};
    }
};

} // namespace

std::unique_ptr<engine::Projection> actionItemsProjection()
{
    return std::make_unique<ActionItemsProjection>();
}

static ActionItem readItem(const Stmt &s)
{
    ActionItem a;
    store::RowReader row(s);
    row.read(a.id, a.incidentUid, a.number, a.title, a.owner, a.due, a.status, a.createdAt,
             a.updatedAt);
    return a;
}

QList<ActionItem> PostmortemStore::actionItems(const QString &today, bool openOnly, int limit)
{
    // Open before done; among open ones overdue first (oldest due first), then the rest by
    // due date, undated last.
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT id, incident_uid, number, title, owner, due, status, created_at, "
                       "updated_at FROM action_items "
                       "WHERE (?1 = 0 OR status <> 'done') "
                       "ORDER BY status = 'done', (due <> '' AND due < ?2) DESC, due = '', due, "
                       "created_at LIMIT ?3"));
    return s->bind(1, openOnly ? 1 : 0).bind(2, today).bind(3, limit).all(readItem);
}

QList<ActionItem> PostmortemStore::actionItemsOf(const QString &uid)
{
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT id, incident_uid, number, title, owner, due, status, created_at, "
                       "updated_at FROM action_items "
                       "WHERE incident_uid=? ORDER BY created_at"));
    return s->bind(1, uid).all(readItem);
}

} // namespace sitrep::postmortem
