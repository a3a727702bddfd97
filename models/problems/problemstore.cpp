// SPDX-License-Identifier: MIT
#include "problems/problemstore.h"
#include "problems/jsonlist.h"

#include "engine/lifecycleengine.h"
#include "problems/kbprojection.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace sitrep::problems {

using namespace sitrep::domain;
using engine::Command;
using store::Stmt;

// The error of a lookup by number or reference that finds nothing ("no problem 'PRB..'").
static Error notFound(const char *what, const QString &ref)
{
    return {QStringLiteral("no %1 '%2'").arg(QLatin1String(what), ref),
            QStringLiteral("not_found")};
}

ProblemStore::ProblemStore(engine::LifecycleEngine &engine) : m_engine(engine) {}

QString ProblemStore::nextNumber(const QString &table, const QString &prefix)
{
    auto q = m_engine.store().db().prepareOnce(
        QStringLiteral("SELECT COALESCE(MAX(id), 0) + 1 FROM %1").arg(table));
    const qint64 n = q && q->step() ? store::RowReader(*q).int64() : 1;
    return prefix + QStringLiteral("%1").arg(n, 7, 10, QLatin1Char('0'));
}

// --- problems ---

Result<Problem> ProblemStore::createProblem(const QString &title, const QString &description,
                                            const QString &owner, const QString &)
{
    using R = Result<Problem>;
    if (title.trimmed().isEmpty())
        return R::fail(QStringLiteral("a problem needs a title"), QStringLiteral("invalid"));
    auto &db = m_engine.store().db();
    const qint64 now = m_engine.clock().nowMs();
    if (auto s = db.begin(); !s)
        return R::fail(s.errorMessage(), QStringLiteral("db"));
    const QString number = nextNumber(QStringLiteral("problems"), QStringLiteral("PRB"));
    if (auto s = db.run(QStringLiteral("INSERT INTO problems(number, title, description, owner, "
                                       "created_at, updated_at) VALUES(?,?,?,?,?,?)"),
                        number, title.trimmed(), description, owner, now, now);
        !s) {
        db.rollback();
        return R(s.error());
    }
    if (auto c = db.commit(); !c)
        return R::fail(c.errorMessage(), QStringLiteral("db"));
    return *problem(number);
}

std::optional<Problem> ProblemStore::problem(const QString &ref)
{
    auto &db = m_engine.store().db();
    Stmt *s = db.prepare(QStringLiteral("SELECT id, number, title, description, status, "
                                        "root_cause, workaround, owner, created_at, updated_at "
                                        "FROM problems WHERE number=?1 OR id=?2"));
    bool isNum = false;
    const qint64 id = ref.toLongLong(&isNum);
    s->bind(1, ref.trimmed().toUpper()).bind(2, isNum ? id : -1);
    std::optional<Problem> p;
    if (s->step()) {
        store::RowReader row(*s);
        p = Problem{row.int64(), row.text(), row.text(),  row.text(),  row.text(), row.text(),
                    row.text(),  row.text(), row.int64(), row.int64(), {}};
    }
    s->reset();
    if (p)
        p->incidents = db.texts(QStringLiteral("SELECT number FROM problem_incidents WHERE "
                                               "problem_id=? ORDER BY linked_at, number"),
                                {p->id});
    return p;
}

QList<Problem> ProblemStore::problemsNumbered(const QStringList &numbers)
{
    QList<Problem> out;
    for (const QString &n : numbers)
        if (auto p = problem(n))
            out << *p;
    return out;
}

QList<Problem> ProblemStore::problems(bool openOnly)
{
    return problemsNumbered(m_engine.store().db().texts(
        QStringLiteral("SELECT number FROM problems WHERE (?1 = 0 OR status IN "
                       "('open','known_error')) ORDER BY id DESC"),
        {openOnly ? 1 : 0}));
}

Result<Problem> ProblemStore::updateProblem(const QString &number, const QJsonObject &fields,
                                            const QString &)
{
    using R = Result<Problem>;
    auto p = problem(number);
    if (!p)
        return notFound("problem", number);
    // A field is the problems column of its name.
    static const QStringList columns{QStringLiteral("title"),      QStringLiteral("description"),
                                     QStringLiteral("status"),     QStringLiteral("root_cause"),
                                     QStringLiteral("workaround"), QStringLiteral("owner")};
    auto &db = m_engine.store().db();
    if (auto s = db.begin(); !s)
        return R::fail(s.errorMessage(), QStringLiteral("db"));
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!columns.contains(it.key())) {
            db.rollback();
            return R::fail(QStringLiteral("unknown problem field '%1'").arg(it.key()),
                           QStringLiteral("invalid"));
        }
        const QString v = it.value().toString();
        if (it.key() == u"status" &&
            !QStringList{QStringLiteral("open"), QStringLiteral("known_error"),
                         QStringLiteral("resolved"), QStringLiteral("closed")}
                 .contains(v)) {
            db.rollback();
            return R::fail(
                QStringLiteral("problem status must be open, known_error, resolved or closed"),
                QStringLiteral("invalid"));
        }
        if (auto s = db.run(
                QStringLiteral("UPDATE problems SET %1=?, updated_at=? WHERE id=?").arg(it.key()),
                v, m_engine.clock().nowMs(), p->id);
            !s) {
            db.rollback();
            return R(s.error());
        }
    }
    if (auto c = db.commit(); !c)
        return R::fail(c.errorMessage(), QStringLiteral("db"));
    return *problem(p->number);
}

static bool isLinked(store::Db &db, qint64 problemId, const QString &incidentUid)
{
    Stmt *s = db.prepare(
        QStringLiteral("SELECT 1 FROM problem_incidents WHERE problem_id=? AND incident_uid=?"));
    s->bind(1, problemId).bind(2, incidentUid);
    const bool linked = s->step();
    s->reset();
    return linked;
}

Status ProblemStore::linkIncident(const QString &problemNumber, const QString &incidentRef,
                                  const QString &actor)
{
    return setLinked(problemNumber, incidentRef, actor, true);
}

Status ProblemStore::unlinkIncident(const QString &problemNumber, const QString &incidentRef,
                                    const QString &actor)
{
    return setLinked(problemNumber, incidentRef, actor, false);
}

Status ProblemStore::setLinked(const QString &problemNumber, const QString &incidentRef,
                               const QString &actor, bool link)
{
    auto p = problem(problemNumber);
    if (!p)
        return notFound("problem", problemNumber);
    auto inc = m_engine.store().findIncident(incidentRef);
    if (!inc)
        return notFound("incident", incidentRef);
    if (isLinked(m_engine.store().db(), p->id, inc->uid) == link)
        return {}; // already so
    // The knowledge-base projection writes or deletes the link row from this event, in its
    // transaction.
    const QString message = link ? QStringLiteral("linked to problem %1: %2")
                                 : QStringLiteral("unlinked from problem %1: %2");
    return m_engine.record(inc->uid, link ? ProblemLinkedKind : ProblemUnlinkedKind,
                           {{QStringLiteral("problem"), p->number},
                            {QStringLiteral("title"), p->title},
                            {QStringLiteral("message"), message.arg(p->number, p->title)}},
                           actor);
}

QList<Problem> ProblemStore::problemsOf(const QString &incidentRef)
{
    auto inc = m_engine.store().findIncident(incidentRef);
    if (!inc)
        return {};
    return problemsNumbered(m_engine.store().db().texts(
        QStringLiteral("SELECT p.number FROM problem_incidents l JOIN problems p ON p.id = "
                       "l.problem_id WHERE l.incident_uid=? ORDER BY l.linked_at, p.number"),
        {inc->uid}));
}

// --- known errors ---

static KnownError readKe(const Stmt &s)
{
    KnownError k;
    store::RowReader row(s);
    row.read(k.id, k.number, k.problemId, k.title, k.symptom, k.workaround, k.rootCause);
    k.services = fromJsonList(row.text());
    row.read(k.incidentCount, k.lastSeenAt, k.createdAt, k.updatedAt);
    return k;
}

static const char *kKeCols =
    "id, number, COALESCE(problem_id, 0), title, symptom, workaround, root_cause, services, "
    "incident_count, last_seen_at, created_at, updated_at";

Result<KnownError> ProblemStore::createKnownError(const QString &title, const QString &symptom,
                                                  const QString &workaround,
                                                  const QString &rootCause,
                                                  const QStringList &services,
                                                  const QString &problemNumber,
                                                  const QString &actor)
{
    using R = Result<KnownError>;
    if (title.trimmed().isEmpty() || symptom.trimmed().isEmpty())
        return R::fail(QStringLiteral("a known error needs a title and a symptom"),
                       QStringLiteral("invalid"));
    std::optional<Problem> p;
    if (!problemNumber.isEmpty()) {
        p = problem(problemNumber);
        if (!p)
            return notFound("problem", problemNumber);
    }
    auto &db = m_engine.store().db();
    const qint64 now = m_engine.clock().nowMs();
    if (auto s = db.begin(); !s)
        return R::fail(s.errorMessage(), QStringLiteral("db"));
    const QString number = nextNumber(QStringLiteral("known_errors"), QStringLiteral("KE"));
    Stmt *s =
        db.prepare(QStringLiteral("INSERT INTO known_errors(number, problem_id, title, symptom, "
                                  "workaround, root_cause, services, created_at, updated_at) "
                                  "VALUES(?,?,?,?,?,?,?,?,?)"));
    s->bind(1, number);
    if (p)
        s->bind(2, p->id);
    else
        s->bindNull(2);
    s->bind(3, title.trimmed())
        .bind(4, symptom.trimmed())
        .bind(5, workaround)
        .bind(6, rootCause)
        .bind(7, jsonList(services))
        .bind(8, now)
        .bind(9, now);
    if (!s->exec()) {
        db.rollback();
        return R::fail(s->error(), QStringLiteral("db"));
    }
    const qint64 keId = db.lastInsertRowId();
    if (p) {
        if (auto u =
                db.run(QStringLiteral("UPDATE problems SET status='known_error', workaround=CASE "
                                      "WHEN workaround='' THEN ? ELSE workaround END, "
                                      "root_cause=CASE WHEN root_cause='' THEN ? ELSE root_cause "
                                      "END, updated_at=? WHERE id=? AND status='open'"),
                       workaround, rootCause, now, p->id);
            !u) {
            db.rollback();
            return R(u.error());
        }
    }
    // The entry and its article commit together.
    if (auto w = knowledgebase::writeKnownErrorArticle(m_engine.store(), keId); !w) {
        db.rollback();
        return R::fail(w.errorMessage(), w.error().code);
    }
    if (auto c = db.commit(); !c)
        return R::fail(c.errorMessage(), QStringLiteral("db"));
    Q_UNUSED(actor);
    return *knownError(number);
}

std::optional<KnownError> ProblemStore::knownError(const QString &number)
{
    auto &db = m_engine.store().db();
    Stmt *s = db.prepare(
        QStringLiteral("SELECT %1 FROM known_errors WHERE number=?").arg(QLatin1String(kKeCols)));
    std::optional<KnownError> k = s->bind(1, number.trimmed().toUpper()).one(readKe);
    if (k)
        k->incidents = db.texts(QStringLiteral("SELECT number FROM known_error_incidents WHERE "
                                               "known_error_id=? ORDER BY linked_at, number"),
                                {k->id});
    return k;
}

QList<KnownError> ProblemStore::knownErrors()
{
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT %1 FROM known_errors ORDER BY last_seen_at DESC, id DESC")
            .arg(QLatin1String(kKeCols)));
    return s->all(readKe);
}

QList<KnownError> ProblemStore::knownErrorsWhere(const QString &where, const QVariant &arg)
{
    Stmt *s = m_engine.store().db().prepare(
        QStringLiteral("SELECT %1 FROM known_errors WHERE %2 ORDER BY id")
            .arg(QLatin1String(kKeCols), where));
    return s->bindAll({arg}).all(readKe);
}

QList<KnownError> ProblemStore::knownErrorsOf(qint64 problemId)
{
    return knownErrorsWhere(QStringLiteral("problem_id = ?"), problemId);
}

QList<KnownError> ProblemStore::knownErrorsOfIncident(const QString &incidentRef)
{
    auto inc = m_engine.store().findIncident(incidentRef);
    if (!inc)
        return {};
    return knownErrorsWhere(
        QStringLiteral(
            "id IN (SELECT known_error_id FROM known_error_incidents WHERE incident_uid = ?)"),
        inc->uid);
}

namespace {

// The known error and the incident that a link or a resolution names.
struct KnownErrorOnIncident {
    KnownError knownError;
    Incident incident;
};

} // namespace

static Result<KnownErrorOnIncident> knownErrorOnIncident(ProblemStore &problems, store::Store &st,
                                                         const QString &keNumber,
                                                         const QString &incidentRef)
{
    auto ke = problems.knownError(keNumber);
    if (!ke)
        return notFound("known error", keNumber);
    auto inc = st.findIncident(incidentRef);
    if (!inc)
        return notFound("incident", incidentRef);
    return KnownErrorOnIncident{std::move(*ke), std::move(*inc)};
}

Status ProblemStore::linkKnownError(const QString &incidentRef, const QString &keNumber,
                                    const QString &actor)
{
    auto found = knownErrorOnIncident(*this, m_engine.store(), keNumber, incidentRef);
    if (!found)
        return found.error();
    const KnownError &ke = found->knownError;
    const Incident &inc = found->incident;
    if (ke.incidents.contains(inc.number))
        return {};
    return m_engine.record(
        inc.uid, KnownErrorLinkedKind,
        {{QStringLiteral("known_error"), ke.number},
         {QStringLiteral("title"), ke.title},
         {QStringLiteral("message"),
          QStringLiteral("linked to known error %1: %2").arg(ke.number, ke.title)}},
        actor);
}

Result<KnownError> ProblemStore::updateKnownError(const QString &number, const QJsonObject &fields)
{
    using R = Result<KnownError>;
    auto k = knownError(number);
    if (!k)
        return notFound("known error", number);
    static const QStringList cols{QStringLiteral("title"), QStringLiteral("symptom"),
                                  QStringLiteral("workaround"), QStringLiteral("root_cause")};
    auto &db = m_engine.store().db();
    for (auto it = fields.begin(); it != fields.end(); ++it)
        if (!cols.contains(it.key()))
            return R::fail(QStringLiteral("unknown known-error field '%1'").arg(it.key()),
                           QStringLiteral("invalid"));
    if (fields.contains(u"title") && fields[u"title"].toString().trimmed().isEmpty())
        return R::fail(QStringLiteral("a known error needs a title"), QStringLiteral("invalid"));
    if (fields.contains(u"symptom") && fields[u"symptom"].toString().trimmed().isEmpty())
        return R::fail(QStringLiteral("a known error needs a symptom"), QStringLiteral("invalid"));
    // The entry and its article change together.
    if (auto b = db.begin(); !b)
        return R::fail(b.errorMessage(), QStringLiteral("db"));
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (auto s = db.run(QStringLiteral("UPDATE known_errors SET %1=?, updated_at=? WHERE id=?")
                                .arg(it.key()),
                            it.value().toString().trimmed(), m_engine.clock().nowMs(), k->id);
            !s) {
            db.rollback();
            return R(s.error());
        }
    }
    if (auto w = knowledgebase::writeKnownErrorArticle(m_engine.store(), k->id); !w) {
        db.rollback();
        return R::fail(w.errorMessage(), w.error().code);
    }
    if (auto c = db.commit(); !c)
        return R::fail(c.errorMessage(), QStringLiteral("db"));
    return *knownError(number);
}

static QSet<QString> words(const QString &text)
{
    static const QRegularExpression split(QStringLiteral("[^\\w]+"));
    static const QSet<QString> stop{QStringLiteral("the"),  QStringLiteral("and"),
                                    QStringLiteral("for"),  QStringLiteral("with"),
                                    QStringLiteral("from"), QStringLiteral("are"),
                                    QStringLiteral("not"),  QStringLiteral("was")};
    QSet<QString> out;
    for (const QString &w : text.toLower().split(split, Qt::SkipEmptyParts))
        if (w.size() > 2 && !stop.contains(w))
            out.insert(w);
    return out;
}

QList<KnownError> ProblemStore::suggest(const QString &text, int limit)
{
    const QSet<QString> q = words(text);
    QList<QPair<int, KnownError>> scored;
    for (const KnownError &k : knownErrors()) {
        const int s =
            int((words(k.title + u' ' + k.symptom + u' ' + k.services.join(u' ')) & q).size());
        if (s > 0)
            scored << qMakePair(s, k);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    QList<KnownError> out;
    for (int i = 0; i < scored.size() && i < limit; ++i)
        out << scored[i].second;
    return out;
}

Status ProblemStore::resolveWithKnownError(const QString &incidentRef, const QString &keNumber,
                                           const QString &note, const QString &rootCauseCategory,
                                           const QString &actor, const QString &resolveState)
{
    auto found = knownErrorOnIncident(*this, m_engine.store(), keNumber, incidentRef);
    if (!found)
        return found.error();
    const KnownError &ke = found->knownError;
    const Incident &inc = found->incident;
    const auto &wf = m_engine.workflow();
    const QString to = resolveState.isEmpty() ? wf.stateStamping(QStringLiteral("resolved"))
                                              : wf.canonicalState(resolveState);
    if (to.isEmpty())
        return Status::fail(QStringLiteral("the workflow %1 has no resolved state").arg(wf.name()),
                            QStringLiteral("invalid"));
    const QString resolution = note.trimmed().isEmpty()
                                   ? QStringLiteral("Known error %1 (%2). Workaround applied: %3")
                                         .arg(ke.number, ke.title, ke.workaround)
                                   : note.trimmed();
    QString rootCause = rootCauseCategory.trimmed();
    if (rootCause.isEmpty())
        rootCause = inc.rootCause.isEmpty() ? QStringLiteral("known_error") : inc.rootCause;
    // The link and the resolve commit in one transaction; the knowledge-base projection turns
    // them into the link rows, the entry's new count and last-seen time, and both articles.
    QList<Command> batch;
    if (!ke.incidents.contains(inc.number))
        batch << Command::make(
            Command::Kind::Record, inc.uid,
            {{QStringLiteral("kind"), KnownErrorLinkedKind},
             {QStringLiteral("payload"),
              QJsonObject{
                  {QStringLiteral("known_error"), ke.number},
                  {QStringLiteral("title"), ke.title},
                  {QStringLiteral("message"),
                   QStringLiteral("resolved with known error %1: %2").arg(ke.number, ke.title)}}}},
            actor);
    if (inc.state != to) {
        // A rejected resolve must not leave the link behind: check it first.
        if (!m_engine.workflow().transition(inc.state, to))
            return Status::fail(
                QStringLiteral("cannot move %1 from '%2' to '%3'").arg(inc.number, inc.state, to),
                QStringLiteral("invalid"));
        batch << Command::transition(inc.uid, to, actor,
                                     {{QStringLiteral("resolution_note"), resolution},
                                      {QStringLiteral("root_cause"), rootCause}});
    }
    if (batch.isEmpty())
        return {};
    auto r = m_engine.executeBatch(batch);
    if (!r)
        return Status::fail(r.errorMessage(), r.error().code);
    for (const auto &one : *r)
        if (!one)
            return Status::fail(one.errorMessage(), one.error().code);
    return {};
}

// --- knowledge base ---

Status ProblemStore::writeKnownErrorArticle(const KnownError &k)
{
    return knowledgebase::writeKnownErrorArticle(m_engine.store(), k.id);
}

QList<KbArticle> ProblemStore::articles(const QString &kind, int limit)
{
    QList<KbArticle> out;
    Stmt *s = m_engine.store().db().prepare(QStringLiteral(
        "SELECT id, kind, title, body, tags, source_ref, updated_at FROM kb_articles WHERE (?1 = "
        "'' OR kind = ?1) ORDER BY updated_at DESC LIMIT ?2"));
    s->bind(1, kind).bind(2, limit);
    while (s->step()) {
        store::RowReader row(*s);
        out << KbArticle{row.text(), row.text(), row.text(), row.text(), fromJsonList(row.text()),
                         row.text(), row.int64()};
    }
    s->reset();
    return out;
}

QString ProblemStore::knowledgeBaseMarkdown()
{
    QString md = QStringLiteral("# Knowledge base\n\n");
    for (const KbArticle &a : articles()) {
        md += QStringLiteral("## %1\n\n").arg(a.title);
        md += QStringLiteral("_%1 · %2 · tags: %3_\n\n")
                  .arg(a.kind == u"known_error" ? QStringLiteral("Known error")
                                                : QStringLiteral("Resolution"),
                       QDateTime::fromMSecsSinceEpoch(a.updatedAt, Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd")),
                       a.tags.isEmpty() ? QStringLiteral("-") : a.tags.join(QStringLiteral(", ")));
        md += a.body + QStringLiteral("\n");
    }
    return md;
}

} // namespace sitrep::problems
