// SPDX-License-Identifier: MIT
#include "server/eventlog.h"

#include "domain/digest.h"

#include <QDateTime>
#include <QHash>
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

// The stored form of an event: the sender's fields in a fixed shape, plus who relayed it.
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
    bool dirty = false;
};

void fold(Row &row, const QJsonObject &e)
{
    const QString kind = e.value(u"kind").toString();
    const QJsonObject p = e.value(u"payload").toObject();
    if (kind == u"incident.transitioned" && p.value(u"from").toString() == row.state)
        row.state = p.value(u"to").toString();
    else if (kind == u"incident.field_set")
        row.fields[p.value(u"field").toString()] = p.value(u"value");
    ++row.version;
    row.maxHlc = qMax(row.maxHlc, e.value(u"hlc").toString().toLongLong());
    row.dirty = true;
}

} // namespace

QString canonicalUuid(const QString &text)
{
    const QUuid u = QUuid::fromString(text);
    return u.isNull() ? QString() : u.toString(QUuid::WithoutBraces);
}

QByteArray pgTextArray(const QList<QByteArray> &values)
{
    QByteArray out = "{";
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + '}';
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
    auto bad = [](const QString &m) { return Status::fail(m, QStringLiteral("invalid")); };
    const QString id = canonicalUuid(e.value(u"id").toString());
    if (id.isEmpty())
        return bad(QStringLiteral("every event needs an id (UUID)"));
    if (canonicalUuid(e.value(u"incidentId").toString()).isEmpty())
        return bad(QStringLiteral("event %1: incidentId must be a UUID").arg(id));
    bool ok = false;
    const qint64 hlc = e.value(u"hlc").toString().toLongLong(&ok);
    if (!e.value(u"hlc").isString() || !ok || hlc <= 0)
        return bad(QStringLiteral("event %1: hlc must be a positive decimal string").arg(id));
    if (!e.value(u"ts").isDouble())
        return bad(QStringLiteral("event %1: ts must be milliseconds since the epoch").arg(id));
    const QString actor = e.value(u"actor").toString();
    if (!e.value(u"actor").isString() || actor.trimmed().isEmpty() || actor.size() > 200)
        return bad(
            QStringLiteral("event %1: actor must be a non-empty string of at most 200 characters")
                .arg(id));
    const QString kind = e.value(u"kind").toString();
    if (kind.isEmpty() || kind.size() > 100)
        return bad(
            QStringLiteral("event %1: kind must be a non-empty string of at most 100 characters")
                .arg(id));
    if (!e.value(u"payload").isObject())
        return bad(QStringLiteral("event %1: payload must be an object").arg(id));
    if (e.contains(u"origin") && !e.value(u"origin").isString())
        return bad(QStringLiteral("event %1: origin must be a string").arg(id));
    const QJsonValue rule = e.value(u"hashRule");
    if (!rule.isUndefined() && !(rule.isDouble() && domain::hashRuleFrom(rule.toInteger(0))))
        return bad(QStringLiteral("event %1: hashRule must be 1 or 2").arg(id));
    if (rule.toInteger(1) == int(domain::HashRule::WithOrigin)) {
        const QString origin = e.value(u"origin").toString();
        if (origin.isEmpty() || origin == u"local" || origin.size() > 200)
            return bad(QStringLiteral("event %1: an event of hashRule 2 names the replica that "
                                      "wrote it as its origin (at most 200 characters)")
                           .arg(id));
    }
    return {};
}

Status EventLog::insertOne(const Principal &sender, const QJsonObject &event, bool *inserted)
{
    const QJsonObject stored = storedForm(event, sender.name, roleLabel(sender));
    pg::Result r = m_db.exec(
        "INSERT INTO events(id, incident, kind, actor, sent_by, sent_role, body) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        {stored.value(u"id").toString().toUtf8(), stored.value(u"incidentId").toString().toUtf8(),
         stored.value(u"kind").toString().toUtf8(), stored.value(u"actor").toString().toUtf8(),
         sender.name.toUtf8(), roleLabel(sender).toUtf8(), compact(stored)});
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

    // 1. Shape and identity, event by event; incidents opened in this request first.
    QList<qsizetype> others;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject e = events[i].toObject();
        const QString id = canonicalUuid(e.value(u"id").toString());
        if (!events[i].isObject()) {
            out.results[i] =
                refusal(QString(), 422, QStringLiteral("event %1 is not an object").arg(i));
            continue;
        }
        if (auto s = validate(e); !s) {
            out.results[i] = refusal(id, 422, s.errorMessage());
            continue;
        }
        if (auto s = checkEvent(sender, e); !s) {
            out.results[i] = refusal(id, 403, s.errorMessage());
            continue;
        }
        out.results[i].id = id;
        if (e.value(u"kind").toString() != u"incident.opened") {
            others << i;
            continue;
        }
        // 2. A new incident: its row and number, its opened event, the renumbering.
        const QString incident = canonicalUuid(e.value(u"incidentId").toString());
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
        QList<QByteArray> ids;
        QHash<QString, Row> rows;
        for (qsizetype i : others) {
            const QString inc = canonicalUuid(events[i].toObject().value(u"incidentId").toString());
            if (!rows.contains(inc)) {
                rows.insert(inc, Row{});
                ids << inc.toUtf8();
            }
        }
        pg::Result locked = m_db.exec("SELECT id, state, fields, version, max_hlc FROM incidents "
                                      "WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
                                      {pgTextArray(ids)});
        if (!locked.ok())
            return R::fail(locked.error(), QString::fromLatin1(locked.sqlState()));
        QHash<QString, bool> exists;
        for (int r = 0; r < locked.rows(); ++r) {
            pg::RowReader reader(locked, r);
            const QString id = reader.uuid();
            Row &row = rows[id];
            reader.read(row.state, row.fields, row.version, row.maxHlc);
            exists.insert(id, true);
        }
        // 4. One multi-row insert; repeats (by id) are skipped by the database.
        QList<QByteArray> eid, einc, ekind, eactor, ebody;
        QList<qsizetype> sent;
        for (qsizetype i : others) {
            const QJsonObject e = events[i].toObject();
            const QString inc = canonicalUuid(e.value(u"incidentId").toString());
            if (!exists.value(inc)) {
                out.results[i] =
                    refusal(out.results[i].id, 404, QStringLiteral("no incident %1").arg(inc));
                continue;
            }
            const QJsonObject stored = storedForm(e, sender.name, roleName(sender.role));
            eid << stored.value(u"id").toString().toUtf8();
            einc << inc.toUtf8();
            ekind << stored.value(u"kind").toString().toUtf8();
            eactor << stored.value(u"actor").toString().toUtf8();
            ebody << compact(stored);
            sent << i;
        }
        if (!sent.isEmpty()) {
            pg::Result ins = m_db.exec(
                "INSERT INTO events(id, incident, kind, actor, sent_by, sent_role, body) "
                "SELECT i, n, k, a, $6, $7, b FROM unnest($1::uuid[], $2::uuid[], $3::text[], "
                "$4::text[], $5::text[]) "
                "WITH ORDINALITY AS t(i, n, k, a, b, o) ORDER BY o ON CONFLICT (id) DO NOTHING "
                "RETURNING id",
                {pgTextArray(eid), pgTextArray(einc), pgTextArray(ekind), pgTextArray(eactor),
                 pgTextArray(ebody), sender.name.toUtf8(), roleName(sender.role).toUtf8()});
            if (!ins.ok())
                return R::fail(ins.error(), QString::fromLatin1(ins.sqlState()));
            QHash<QString, int> fresh;
            for (int r = 0; r < ins.rows(); ++r)
                fresh.insert(pg::RowReader(ins, r).uuid(), 1);
            for (qsizetype i : sent) {
                const QString id = out.results[i].id;
                // The same id twice in one request: the first is accepted, the second a repeat.
                if (fresh.value(id) == 1) {
                    fresh[id] = 2;
                    const QJsonObject e = events[i].toObject();
                    fold(rows[canonicalUuid(e.value(u"incidentId").toString())], e);
                } else {
                    out.results[i].kind = EventOutcome::Kind::Duplicate;
                }
            }
        }
        // 5. The back end's own view of each incident touched (for GET, PATCH and ETags).
        QList<QByteArray> uid, ustate, ufields, uversion, uhlc;
        for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
            if (!it->dirty)
                continue;
            uid << it.key().toUtf8();
            ustate << it->state.toUtf8();
            ufields << compact(it->fields);
            uversion << QByteArray::number(it->version);
            uhlc << QByteArray::number(it->maxHlc);
        }
        if (!uid.isEmpty()) {
            pg::Result up = m_db.exec("UPDATE incidents SET state = u.s, fields = u.f::jsonb, "
                                      "version = u.v::bigint, max_hlc = u.h::bigint "
                                      "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], "
                                      "$5::text[]) AS u(i, s, f, v, h) "
                                      "WHERE incidents.id = u.i",
                                      {pgTextArray(uid), pgTextArray(ustate), pgTextArray(ufields),
                                       pgTextArray(uversion), pgTextArray(uhlc)});
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
        domain::Event e;
        e.id = o.value(u"id").toString();
        e.incidentUid = o.value(u"incidentId").toString();
        e.hlc = o.value(u"hlc").toString().toLongLong();
        e.ts = o.value(u"ts").toInteger();
        e.actor = o.value(u"actor").toString();
        e.kind = o.value(u"kind").toString();
        e.payload = o.value(u"payload").toObject();
        e.origin = o.value(u"origin").toString();
        // An unknown rule cannot have been stored (the append checks it): rule 1 means absent.
        e.rule = domain::hashRuleFrom(o.value(u"hashRule").toInteger(1))
                     .value_or(domain::HashRule::Original);
        events[incident] << e;
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
