// SPDX-License-Identifier: MIT
#include "server/eventlog.h"

#include "domain/digest.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QUuid>

namespace sitrep::server {

namespace {

const QUuid kNamespace(QStringLiteral("{0b6c6f4e-3f1a-4d8e-a7b2-9c1d2e3f4a5b}"));

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The back end's own events say so; everyone else's name the sender's role.
QString roleLabel(const Principal &p)
{
    return p.id == 0 && p.name == u"backend" ? QStringLiteral("backend") : roleName(p.role);
}

EventOutcome refusal(const QString &id, int code, const QString &error)
{
    EventOutcome r;
    r.id = id;
    r.kind = EventOutcome::Kind::Refused;
    r.code = code;
    r.error = error;
    return r;
}

struct Row {
    QString state;
    QJsonObject fields;
    qint64 version = 0;
    qint64 maxHlc = 0;
    bool exists = false; // the incident has a row
    bool dirty = false;
};

// The fields of one event as sent, each looked up once: the validation, the identity rules,
// the stored form and the incident's row all read them.
struct WireEvent {
    explicit WireEvent(const QJsonObject &e)
        : object(e), id(e.value(u"id")), incidentId(e.value(u"incidentId")), hlc(e.value(u"hlc")),
          ts(e.value(u"ts")), actor(e.value(u"actor")), kind(e.value(u"kind")),
          payload(e.value(u"payload")), origin(e.value(u"origin")), hashRule(e.value(u"hashRule")),
          uid(canonicalUuid(id.toString())), incident(canonicalUuid(incidentId.toString())),
          hlcText(hlc.toString()), actorText(actor.toString()), kindText(kind.toString()),
          originText(origin.toString())
    {
    }
    QJsonObject object;
    QJsonValue id, incidentId, hlc, ts, actor, kind, payload, origin, hashRule;
    QString uid, incident; // the canonical forms of id and incidentId (empty: not UUIDs)
    QString hlcText, actorText, kindText, originText;
};

Status validateEvent(const WireEvent &e)
{
    auto bad = [](const QString &m) { return Status::fail(m, QStringLiteral("invalid")); };
    const QString &id = e.uid;
    if (id.isEmpty())
        return bad(QStringLiteral("every event needs an id (UUID)"));
    if (e.incident.isEmpty())
        return bad(QStringLiteral("event %1: incidentId must be a UUID").arg(id));
    bool ok = false;
    const qint64 hlc = e.hlcText.toLongLong(&ok);
    if (!e.hlc.isString() || !ok || hlc <= 0)
        return bad(QStringLiteral("event %1: hlc must be a positive decimal string").arg(id));
    if (!e.ts.isDouble())
        return bad(QStringLiteral("event %1: ts must be milliseconds since the epoch").arg(id));
    if (!e.actor.isString() || e.actorText.trimmed().isEmpty() || e.actorText.size() > 200)
        return bad(
            QStringLiteral("event %1: actor must be a non-empty string of at most 200 characters")
                .arg(id));
    if (e.kindText.isEmpty() || e.kindText.size() > 100)
        return bad(
            QStringLiteral("event %1: kind must be a non-empty string of at most 100 characters")
                .arg(id));
    if (!e.payload.isObject())
        return bad(QStringLiteral("event %1: payload must be an object").arg(id));
    if (!e.origin.isUndefined() && !e.origin.isString())
        return bad(QStringLiteral("event %1: origin must be a string").arg(id));
    const QJsonValue &rule = e.hashRule;
    if (!rule.isUndefined() && !(rule.isDouble() && domain::hashRuleFrom(rule.toInteger(0))))
        return bad(QStringLiteral("event %1: hashRule must be 1 or 2").arg(id));
    if (const QString problem = domain::originProblem(
            domain::hashRuleFrom(rule.toInteger(1)).value_or(domain::HashRule::Original),
            e.originText);
        !problem.isEmpty())
        return bad(QStringLiteral("event %1: %2").arg(id, problem));
    return {};
}

void fold(Row &row, const WireEvent &e)
{
    const QString &kind = e.kindText;
    if (kind == u"incident.transitioned" || kind == u"incident.field_set") {
        const QJsonObject p = e.payload.toObject();
        if (kind == u"incident.transitioned" && p.value(u"from").toString() == row.state)
            row.state = p.value(u"to").toString();
        else if (kind == u"incident.field_set")
            row.fields[p.value(u"field").toString()] = p.value(u"value");
    }
    ++row.version;
    row.maxHlc = qMax(row.maxHlc, e.hlcText.toLongLong());
    row.dirty = true;
}

} // namespace

QString canonicalUuid(const QString &text)
{
    const QUuid u = QUuid::fromString(text);
    return u.isNull() ? QString() : u.toString(QUuid::WithoutBraces);
}

void PgTextArray::add(QByteArrayView value)
{
    if (!isEmpty())
        m_text += ',';
    // Every byte escaped at worst: written in place, then cut to what was written.
    const qsizetype at = m_text.size();
    m_text.resize(at + 2 * value.size() + 2);
    char *o = m_text.data() + at;
    *o++ = '"';
    for (char c : value) {
        if (c == '"' || c == '\\')
            *o++ = '\\';
        *o++ = c;
    }
    *o++ = '"';
    m_text.truncate(o - m_text.constData());
}

QByteArray pgTextArray(const QList<QByteArray> &values)
{
    PgTextArray a;
    for (const QByteArray &v : values)
        a.add(v);
    return a.text();
}

void appendJsonString(QByteArray &out, QStringView text)
{
    for (QChar c : text) {
        if (c.unicode() >= 0x80) {
            // Beyond ASCII (UTF-8, lone surrogates): Qt's own writer.
            const QByteArray a =
                QJsonDocument(QJsonArray{text.toString()}).toJson(QJsonDocument::Compact);
            out += QByteArrayView(a).sliced(1, a.size() - 2);
            return;
        }
    }
    static constexpr char hex[] = "0123456789abcdef";
    const qsizetype at = out.size();
    out.resize(at + 6 * text.size() + 2);
    char *o = out.data() + at;
    *o++ = '"';
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 0x20 && u != u'"' && u != u'\\') {
            *o++ = char(u);
            continue;
        }
        *o++ = '\\';
        switch (u) {
        case u'"':
            *o++ = '"';
            break;
        case u'\\':
            *o++ = '\\';
            break;
        case u'\b':
            *o++ = 'b';
            break;
        case u'\f':
            *o++ = 'f';
            break;
        case u'\n':
            *o++ = 'n';
            break;
        case u'\r':
            *o++ = 'r';
            break;
        case u'\t':
            *o++ = 't';
            break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[u >> 4];
            *o++ = hex[u & 0xf];
        }
    }
    *o++ = '"';
    out.truncate(o - out.constData());
}

QJsonObject storedForm(const QJsonObject &e, const QString &user, const QString &role)
{
    QJsonObject o{{QStringLiteral("id"), canonicalUuid(e.value(u"id").toString())},
                  {QStringLiteral("incidentId"), canonicalUuid(e.value(u"incidentId").toString())},
                  {QStringLiteral("hlc"), e.value(u"hlc").toString()},
                  {QStringLiteral("ts"), e.value(u"ts").toInteger()},
                  {QStringLiteral("actor"), e.value(u"actor").toString()},
                  {QStringLiteral("kind"), e.value(u"kind").toString()},
                  {QStringLiteral("payload"), e.value(u"payload").toObject()},
                  {QStringLiteral("sentBy"),
                   QJsonObject{{QStringLiteral("user"), user}, {QStringLiteral("role"), role}}}};
    const QString origin = e.value(u"origin").toString();
    if (!origin.isEmpty())
        o.insert(QStringLiteral("origin"), origin);
    // The hash rule the digest must use for it (absent: rule 1, an older writer's event).
    if (const qint64 rule = e.value(u"hashRule").toInteger(1); rule != 1)
        o.insert(QStringLiteral("hashRule"), rule);
    return o;
}

namespace {

QByteArray storedFormJson(const WireEvent &e, const QString &user, const QString &role)
{
    // The keys in QJsonObject's order (sorted), as compact(storedForm(...)) writes them.
    QByteArray o;
    o.reserve(256);
    o += "{\"actor\":";
    appendJsonString(o, e.actorText);
    if (const qint64 rule = e.hashRule.toInteger(1); rule != 1)
        o += ",\"hashRule\":" + QByteArray::number(rule);
    o += ",\"hlc\":";
    appendJsonString(o, e.hlcText);
    o += ",\"id\":";
    appendJsonString(o, e.uid);
    o += ",\"incidentId\":";
    appendJsonString(o, e.incident);
    o += ",\"kind\":";
    appendJsonString(o, e.kindText);
    if (!e.originText.isEmpty()) {
        o += ",\"origin\":";
        appendJsonString(o, e.originText);
    }
    o += ",\"payload\":";
    o += QJsonDocument(e.payload.toObject()).toJson(QJsonDocument::Compact);
    o += ",\"sentBy\":{\"role\":";
    appendJsonString(o, role);
    o += ",\"user\":";
    appendJsonString(o, user);
    o += "},\"ts\":" + QByteArray::number(e.ts.toInteger()) + '}';
    return o;
}

} // namespace

QByteArray storedFormJson(const QJsonObject &e, const QString &user, const QString &role)
{
    return storedFormJson(WireEvent(e), user, role);
}

QString Cursor::toString() const
{
    if (xid == 0 && seq == 0)
        return QStringLiteral("0");
    return QStringLiteral("%1-%2").arg(xid).arg(seq);
}

Result<Cursor> Cursor::parse(const QString &text)
{
    using R = Result<Cursor>;
    if (text.isEmpty() || text == u"0")
        return Cursor{};
    const qsizetype dash = text.indexOf(u'-');
    bool ok1 = false, ok2 = false;
    Cursor c;
    if (dash > 0 && text.size() <= 64) {
        c.xid = text.left(dash).toULongLong(&ok1);
        c.seq = text.mid(dash + 1).toLongLong(&ok2);
    }
    if (!ok1 || !ok2 || c.seq < 0)
        return R::fail(
            QStringLiteral("'%1' is not a cursor of this back end (start again from \"0\")")
                .arg(text.left(64)));
    return c;
}

const EventOutcome *AppendOutcome::firstRefusal() const
{
    for (const EventOutcome &r : results)
        if (r.kind == EventOutcome::Kind::Refused)
            return &r;
    return nullptr;
}

Status EventLog::validate(const QJsonObject &e)
{
    return validateEvent(WireEvent(e));
}

Status EventLog::insertOne(const Principal &sender, const QJsonObject &event, bool *inserted)
{
    const QString role = roleLabel(sender);
    pg::Result r = m_db.exec(
        "INSERT INTO events(id, incident, kind, actor, sent_by, sent_role, body) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        {canonicalUuid(event.value(u"id").toString()).toUtf8(),
         canonicalUuid(event.value(u"incidentId").toString()).toUtf8(),
         event.value(u"kind").toString().toUtf8(), event.value(u"actor").toString().toUtf8(),
         sender.name.toUtf8(), role.toUtf8(), storedFormJson(event, sender.name, role)});
    if (!r.ok())
        return Status::fail(r.error(), QString::fromLatin1(r.sqlState()));
    *inserted = r.affected() > 0;
    return {};
}

Result<AppendOutcome> EventLog::append(const Principal &sender, const QJsonArray &events)
{
    using R = Result<AppendOutcome>;
    AppendOutcome out;
    out.results.resize(events.size());

    // An event of an incident that exists already.
    struct Pending {
        qsizetype index;
        WireEvent event;
    };
    // 1. Shape and identity, event by event; incidents opened in this request first.
    QList<Pending> others;
    others.reserve(events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (!events[i].isObject()) {
            out.results[i] =
                refusal(QString(), 422, QStringLiteral("event %1 is not an object").arg(i));
            continue;
        }
        const QJsonObject e = events[i].toObject();
        WireEvent w(e);
        if (auto s = validateEvent(w); !s) {
            out.results[i] = refusal(w.uid, 422, s.errorMessage());
            continue;
        }
        if (auto s = checkEvent(sender, e); !s) {
            out.results[i] = refusal(w.uid, 403, s.errorMessage());
            continue;
        }
        out.results[i].id = w.uid;
        const QString incident = w.incident;
        if (w.kindText != u"incident.opened") {
            others.append(Pending{i, std::move(w)});
            continue;
        }
        // 2. A new incident: its row and number, its opened event, the renumbering.
        const QJsonObject p = e.value(u"payload").toObject();
        const qint64 ts = e.value(u"ts").toInteger();
        const qint64 hlc = e.value(u"hlc").toString().toLongLong();
        const qint64 deadline = ts + p.value(u"resolution_minutes").toInteger() * 60000;
        pg::Result ins = m_db.exec(
            "INSERT INTO incidents(id, number, state, priority, sla_deadline, max_hlc, created_by) "
            "VALUES ($1, 'INC' || lpad(nextval('incident_number_seq')::text, 7, '0'), $2, $3, $4, "
            "$5, $6) "
            "ON CONFLICT (id) DO NOTHING RETURNING number",
            {incident.toUtf8(), p.value(u"state").toString().toUtf8(),
             p.value(u"priority").toString().toUtf8(), QByteArray::number(deadline),
             QByteArray::number(hlc), sender.name.toUtf8()});
        if (!ins.ok())
            return R::fail(ins.error(), QString::fromLatin1(ins.sqlState()));
        const QString renumberedId =
            QUuid::createUuidV5(kNamespace, incident + QStringLiteral("/renumbered"))
                .toString(QUuid::WithoutBraces);
        if (ins.rows() == 0) {
            // The incident exists: this opening (the same event again, or another replica's
            // opening of the same uid) is a no-op success, never a second row nor a reset.
            // The sender gets the back end's number and renumbering to adopt.
            pg::Result known = m_db.exec(
                "SELECT i.number, r.body FROM incidents i LEFT JOIN events r ON r.id = $2 "
                "WHERE i.id = $1",
                {incident.toUtf8(), renumberedId.toUtf8()});
            if (!known.ok())
                return R::fail(known.error(), QString::fromLatin1(known.sqlState()));
            out.results[i].kind = EventOutcome::Kind::Duplicate;
            if (known.rows() > 0) {
                pg::RowReader row(known, 0);
                out.results[i].number = row.text();
                if (const std::optional<QJsonObject> body = row.nullableJson())
                    out.added.append(*body);
            }
            continue;
        }
        const QString number = pg::RowReader(ins, 0).text();
        bool inserted = false;
        if (auto s = insertOne(sender, e, &inserted); !s)
            return R(s.error());
        const QJsonObject renumbered{
            {QStringLiteral("id"), renumberedId},
            {QStringLiteral("incidentId"), incident},
            {QStringLiteral("hlc"), QString::number(hlc + 1)},
            {QStringLiteral("ts"), ts},
            {QStringLiteral("actor"), QStringLiteral("backend")},
            {QStringLiteral("kind"), QStringLiteral("incident.renumbered")},
            {QStringLiteral("payload"),
             QJsonObject{
                 {QStringLiteral("number"), number},
                 {QStringLiteral("provisional"), p.value(u"number")},
                 {QStringLiteral("message"), QStringLiteral("numbered %1 by the back end (was %2)")
                                                 .arg(number, p.value(u"number").toString())}}},
            {QStringLiteral("origin"), QStringLiteral("backend")},
            {QStringLiteral("hashRule"), int(domain::kCurrentHashRule)}};
        Principal backend{0, QStringLiteral("backend"), Role::Admin};
        bool renumberedIn = false;
        if (auto s = insertOne(backend, renumbered, &renumberedIn); !s)
            return R(s.error());
        out.added.append(storedForm(renumbered, backend.name, QStringLiteral("backend")));
        out.results[i].number = number;
    }

    if (!others.isEmpty()) {
        // 3. The incidents the other events belong to, locked in one order (no deadlocks).
        PgTextArray ids;
        QHash<QString, Row> rows;
        for (const Pending &p : std::as_const(others)) {
            if (!rows.contains(p.event.incident)) {
                rows.insert(p.event.incident, Row{});
                ids.add(p.event.incident);
            }
        }
        pg::Result locked =
            m_db.execPrepared("SELECT id, state, fields, version, max_hlc FROM incidents "
                              "WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
                              {ids.text()});
        if (!locked.ok())
            return R::fail(locked.error(), QString::fromLatin1(locked.sqlState()));
        for (int r = 0; r < locked.rows(); ++r) {
            pg::RowReader reader(locked, r);
            Row &row = rows[reader.uuid()];
            reader.read(row.state, row.fields, row.version, row.maxHlc);
            row.exists = true;
        }
        // 4. One multi-row insert; repeats (by id) are skipped by the database.
        using pg::BinaryArray;
        BinaryArray eid(BinaryArray::Type::Uuid), einc(BinaryArray::Type::Uuid),
            ekind(BinaryArray::Type::Text), eactor(BinaryArray::Type::Text),
            ebody(BinaryArray::Type::Text);
        QList<const Pending *> sent;
        sent.reserve(others.size());
        const QString role = roleName(sender.role);
        for (const Pending &p : std::as_const(others)) {
            const WireEvent &e = p.event;
            if (!rows.value(e.incident).exists) {
                out.results[p.index] =
                    refusal(e.uid, 404, QStringLiteral("no incident %1").arg(e.incident));
                continue;
            }
            eid.addUuid(e.uid);
            einc.addUuid(e.incident);
            ekind.add(e.kindText.toUtf8());
            eactor.add(e.actorText.toUtf8());
            ebody.add(storedFormJson(e, sender.name, role));
            sent << &p;
        }
        if (!sent.isEmpty()) {
            pg::Result ins = m_db.execPrepared(
                "INSERT INTO events(id, incident, kind, actor, sent_by, sent_role, body) "
                "SELECT i, n, k, a, $6, $7, b FROM unnest($1::uuid[], $2::uuid[], $3::text[], "
                "$4::text[], $5::text[]) "
                "WITH ORDINALITY AS t(i, n, k, a, b, o) ORDER BY o ON CONFLICT (id) DO NOTHING "
                "RETURNING id",
                {eid.data(), einc.data(), ekind.data(), eactor.data(), ebody.data(),
                 sender.name.toUtf8(), role.toUtf8()},
                0b11111); // the arrays in binary form
            if (!ins.ok())
                return R::fail(ins.error(), QString::fromLatin1(ins.sqlState()));
            QHash<QString, int> fresh;
            fresh.reserve(ins.rows());
            for (int r = 0; r < ins.rows(); ++r)
                fresh.insert(pg::RowReader(ins, r).uuid(), 1);
            for (const Pending *p : std::as_const(sent)) {
                EventOutcome &result = out.results[p->index];
                // The same id twice in one request: the first is accepted, the second a repeat.
                if (int &seen = fresh[result.id]; seen == 1) {
                    seen = 2;
                    fold(rows[p->event.incident], p->event);
                } else {
                    result.kind = EventOutcome::Kind::Duplicate;
                }
            }
        }
        // 5. The back end's own view of each incident touched (for GET, PATCH and ETags); rows
        // that no new event changed (all repeats) are left alone.
        PgTextArray uid, ustate, ufields, uversion, uhlc;
        for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
            if (!it->dirty)
                continue;
            uid.add(it.key());
            ustate.add(it->state);
            ufields.add(compact(it->fields));
            uversion.add(QByteArray::number(it->version));
            uhlc.add(QByteArray::number(it->maxHlc));
        }
        if (!uid.isEmpty()) {
            pg::Result up = m_db.execPrepared(
                "UPDATE incidents SET state = u.s, fields = u.f::jsonb, "
                "version = u.v::bigint, max_hlc = u.h::bigint "
                "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], "
                "$5::text[]) AS u(i, s, f, v, h) "
                "WHERE incidents.id = u.i",
                {uid.text(), ustate.text(), ufields.text(), uversion.text(), uhlc.text()});
            if (!up.ok())
                return R::fail(up.error(), QString::fromLatin1(up.sqlState()));
        }
    }
    for (const EventOutcome &r : out.results) {
        switch (r.kind) {
        case EventOutcome::Kind::Accepted:
            ++out.accepted;
            break;
        case EventOutcome::Kind::Duplicate:
            ++out.duplicates;
            break;
        case EventOutcome::Kind::Refused:
            ++out.refused;
            break;
        }
    }
    return out;
}

Result<ChangesPage> EventLog::changes(const Cursor &since, int limit, Total total)
{
    using R = Result<ChangesPage>;
    ChangesPage page;
    page.next = since;
    // Only rows of transactions older than every one still running: a later page can never
    // hold a row that sorts before this one.
    pg::Result r = m_db.exec("SELECT xid::text AS feed_xid, seq, body FROM events "
                             "WHERE (xid, seq) > ($1::text::xid8, $2::bigint) AND xid < "
                             "pg_snapshot_xmin(pg_current_snapshot()) "
                             "ORDER BY events.xid, events.seq LIMIT $3",
                             {QByteArray::number(since.xid), QByteArray::number(since.seq),
                              QByteArray::number(limit + 1)});
    if (!r.ok())
        return R::fail(r.error(), QStringLiteral("unavailable"));
    QByteArray json = "[";
    const int n = qMin(r.rows(), limit);
    for (int i = 0; i < n; ++i) {
        pg::RowReader row(r, i);
        page.next.xid = row.text().toULongLong();
        page.next.seq = row.int64();
        if (i)
            json += ',';
        json += row.jsonText();
    }
    json += ']';
    page.eventsJson = json;
    page.count = n;
    page.more = r.rows() > limit;
    if (total == Total::None)
        return page;
    if (total == Total::Estimate) {
        // An estimate is enough for progress after the first page (once the table was analysed).
        pg::Result t =
            m_db.exec("SELECT reltuples::bigint FROM pg_class WHERE oid = 'events'::regclass");
        const qint64 estimate = t.ok() && t.rows() > 0 ? pg::RowReader(t, 0).int64() : 0;
        if (estimate > 0) {
            page.total = estimate;
            return page;
        }
    }
    pg::Result t = m_db.exec("SELECT count(*) FROM events");
    if (!t.ok())
        return R::fail(t.error(), QStringLiteral("unavailable"));
    page.total = pg::RowReader(t, 0).int64();
    return page;
}

Result<EventLog::Digest> EventLog::digest(const QString &id)
{
    auto all = digests({id});
    if (!all)
        return all.error();
    return all->value(canonicalUuid(id));
}

Result<QHash<QString, EventLog::Digest>> EventLog::digests(const QStringList &ids)
{
    using R = Result<QHash<QString, Digest>>;
    QList<QByteArray> uids;
    for (const QString &id : ids)
        if (const QString uid = canonicalUuid(id); !uid.isEmpty())
            uids << uid.toUtf8();
    QHash<QString, Digest> out;
    if (uids.isEmpty())
        return out;
    pg::Result r = m_db.exec("SELECT incident, body FROM events "
                             "WHERE incident = ANY($1::uuid[]) AND kind <> 'conflict'",
                             {pgTextArray(uids)});
    if (!r.ok())
        return R::fail(r.error(), QStringLiteral("unavailable"));
    QHash<QString, QList<domain::Event>> events;
    for (int i = 0; i < r.rows(); ++i) {
        pg::RowReader row(r, i);
        const QString incident = row.uuid();
        const QJsonObject o = row.json();
        events[incident] << domain::eventForDigest(o, incident);
    }
    for (auto it = events.cbegin(); it != events.cend(); ++it)
        out.insert(it.key(), Digest{true, it->size(), domain::incidentDigest(*it)});
    return out;
}

Result<EventLog::IncidentView> EventLog::incident(const QString &id)
{
    using R = Result<IncidentView>;
    IncidentView v;
    const QString uid = canonicalUuid(id);
    if (uid.isEmpty())
        return v;
    pg::Result r = m_db.exec("SELECT number, state, priority, sla_deadline, fields, version "
                             "FROM incidents WHERE id = $1",
                             {uid.toUtf8()});
    if (!r.ok())
        return R::fail(r.error(), QStringLiteral("unavailable"));
    if (r.rows() == 0)
        return v;
    v.found = true;
    pg::RowReader row(r, 0);
    QString number, state, priority;
    qint64 slaDeadline = 0;
    QJsonObject fields;
    row.read(number, state, priority, slaDeadline, fields, v.version);
    v.json = {{QStringLiteral("incidentId"), uid},
              {QStringLiteral("number"), number},
              {QStringLiteral("state"), state},
              {QStringLiteral("priority"), priority},
              {QStringLiteral("slaDeadline"),
               QDateTime::fromMSecsSinceEpoch(slaDeadline, Qt::UTC).toString(Qt::ISODate)},
              {QStringLiteral("fields"), fields}};
    return v;
}

Result<qint64> EventLog::maxHlc(const QString &id)
{
    pg::Result r =
        m_db.exec("SELECT max_hlc FROM incidents WHERE id = $1", {canonicalUuid(id).toUtf8()});
    if (!r.ok())
        return Result<qint64>::fail(r.error(), QStringLiteral("unavailable"));
    return r.rows() ? pg::RowReader(r, 0).int64() : 0;
}

} // namespace sitrep::server
