// SPDX-License-Identifier: MIT
#include "server/requesthandler.h"

#include "domain/event.h"
#include "domain/sha256.h"
#include "server/leases.h"
#include "server/logging.h"
#include "server/pg.h"
#include "server/schema.h"
#include "server/users.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUrlQuery>
#include <QUuid>

#include <functional>

namespace sitrep::server {

namespace {

// The most incidents one POST /api/digests may name (the contract's maxItems).
constexpr int kMaxDigestsPerRequest = 500;

const QUuid kPatchNamespace(QStringLiteral("{5d0f7c1e-8a54-4c3b-9f1e-2b7d6a9c4e31}"));

ApiResponse json(int status, const QJsonObject &o)
{
    return jsonResponse(status, o);
}

ApiResponse unavailable(const QString &why)
{
    return errorResponse(503, QStringLiteral("unavailable"), why);
}

// The 404 for the incident a path names: `message` holds %1 for the id as given (at most 64
// characters of it).
ApiResponse incidentNotFound(const QString &id,
                             const QString &message = QStringLiteral("no incident %1"))
{
    return errorResponse(404, QStringLiteral("not_found"), message.arg(id.left(64)));
}

ApiResponse fromError(const Error &e)
{
    if (e.code == u"forbidden")
        return errorResponse(403, e.code, e.message);
    if (e.code == u"invalid")
        return errorResponse(422, e.code, e.message);
    qCWarning(lcServerRequests) << "database error:" << e.message;
    return unavailable(QStringLiteral("the database did not answer: try again"));
}

QStringList pathParts(const QByteArray &path)
{
    return QString::fromUtf8(path).split(u'/', Qt::SkipEmptyParts);
}

QJsonObject parseBody(const QByteArray &body, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = pe.error != QJsonParseError::NoError
                     ? QStringLiteral("the body is not JSON: %1").arg(pe.errorString())
                     : QStringLiteral("the body must be a JSON object");
        return {};
    }
    return doc.object();
}

/// Runs `work` in one transaction with the Idempotency-Key's first answer: a repeated key
/// answers that answer again; the same key with another body is a 422. `work` returns the
/// answer and whether to keep what it did (false rolls it back and records nothing).
ApiResponse idempotent(pg::Connection &db, const Principal &who, const http::HttpRequest &req,
                       const std::function<Result<ApiResponse>(bool *keep)> &work)
{
    const QByteArray key = req.headers.value("idempotency-key");
    if (key.isEmpty())
        return errorResponse(400, QStringLiteral("bad_request"),
                             QStringLiteral("Idempotency-Key header is required on writes"));
    if (key.size() > 200)
        return errorResponse(400, QStringLiteral("bad_request"),
                             QStringLiteral("Idempotency-Key is longer than 200 characters"));
    // SHA-256 of the request (libcrypto's: hashing every body at Qt's speed was a tenth of
    // the append's CPU).
    const QByteArray requestHash = domain::Sha256()
                                       .add(req.method)
                                       .add(" ")
                                       .add(req.target)
                                       .add("\n")
                                       .add(req.body)
                                       .result()
                                       .toHex();
    const QByteArray uid = QByteArray::number(who.id);
    for (int attempt = 0; attempt < 4; ++attempt) {
        // The transaction and the first answer's lookup in one round trip.
        std::vector<pg::Result> start = db.pipeline(
            {{"BEGIN"},
             {"SELECT request_hash, status, body FROM idempotency WHERE user_id = $1 AND key = $2",
              {uid, key}}});
        if (!start[0].ok())
            return unavailable(start[0].error());
        const pg::Result &seen = start[1];
        if (!seen.ok()) {
            db.exec("ROLLBACK");
            return unavailable(seen.error());
        }
        if (seen.rows() > 0) {
            db.exec("ROLLBACK");
            pg::RowReader row(seen, 0);
            const QByteArray firstHash = row.text().toUtf8();
            ApiResponse r;
            row.read(r.status);
            r.body = row.bytea();
            if (firstHash != requestHash)
                return errorResponse(
                    422, QStringLiteral("idempotency_key_reused"),
                    QStringLiteral("Idempotency-Key '%1' was used with a different request")
                        .arg(QString::fromUtf8(key)));
            r.headers << qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true"));
            return r;
        }
        bool keep = true;
        Result<ApiResponse> done = work(&keep);
        if (!done) {
            db.exec("ROLLBACK");
            if (done.error().code == u"40001" || done.error().code == u"40P01" ||
                done.error().code == u"23505")
                continue;
            return fromError(done.error());
        }
        if (!keep || done->status >= 500) {
            db.exec("ROLLBACK");
            return *done;
        }
        // The answer recorded and the transaction committed in one round trip (the COMMIT
        // does not run when the record fails). An empty body is bytes too, not NULL.
        const QByteArray answer = done->body.isNull() ? QByteArray("") : done->body;
        std::vector<pg::Result> end =
            db.pipeline({{"INSERT INTO idempotency(user_id, key, request_hash, status, body) "
                          "VALUES ($1, $2, $3, $4, $5)",
                          {uid, key, requestHash, QByteArray::number(done->status), answer},
                          0b10000}, // the answer as bytes (binary bytea)
                         {"COMMIT"}});
        if (const pg::Result &rec = end[0]; !rec.ok()) {
            db.exec("ROLLBACK");
            if (rec.uniqueViolation() || rec.retryable())
                continue; // the same key committed meanwhile: answer its answer
            return unavailable(rec.error());
        }
        if (const pg::Result &c = end[1]; !c.ok()) {
            if (c.retryable())
                continue;
            return unavailable(c.error());
        }
        return *done;
    }
    return unavailable(QStringLiteral("too much contention on this request: try again"));
}

// The answer to an append, written directly (as QJsonDocument would write it, keys sorted):
// one entry per event adds up for batches of thousands.
ApiResponse outcomeResponse(const AppendOutcome &o, bool withResults)
{
    ApiResponse r;
    QByteArray &out = r.body;
    out.reserve(withResults ? 64 + o.results.size() * 64 : 48);
    out += "{\"accepted\":" + QByteArray::number(o.accepted) +
           ",\"duplicates\":" + QByteArray::number(o.duplicates);
    if (withResults) {
        out += ",\"events\":" + QJsonDocument(o.added).toJson(QJsonDocument::Compact) +
               ",\"refused\":" + QByteArray::number(o.refused) + ",\"results\":[";
        for (qsizetype i = 0; i < o.results.size(); ++i) {
            const EventOutcome &x = o.results[i];
            out += i ? ",{" : "{";
            if (x.kind == EventOutcome::Kind::Refused) {
                out += "\"code\":" + QByteArray::number(x.code) + ",\"error\":";
                appendJsonString(out, x.error);
                out += ',';
            }
            out += "\"id\":";
            appendJsonString(out, x.id);
            if (!x.number.isEmpty()) {
                out += ",\"number\":";
                appendJsonString(out, x.number);
            }
            switch (x.kind) {
            case EventOutcome::Kind::Accepted:
                out += ",\"status\":\"accepted\"}";
                break;
            case EventOutcome::Kind::Duplicate:
                out += ",\"status\":\"duplicate\"}";
                break;
            case EventOutcome::Kind::Refused:
                out += ",\"status\":\"refused\"}";
                break;
            }
        }
        out += ']';
    }
    out += '}';
    return r;
}

ApiResponse refusedResponse(const EventOutcome &r)
{
    static const QHash<int, QString> codes{{403, QStringLiteral("forbidden")},
                                           {404, QStringLiteral("not_found")},
                                           {409, QStringLiteral("conflict")},
                                           {422, QStringLiteral("invalid")}};
    return errorResponse(r.code, codes.value(r.code, QStringLiteral("refused")), r.error);
}

// Stores one incident's events, all or none: `then` answers for what was stored; a refusal
// answers for itself and is not kept as the request's idempotent answer.
Result<ApiResponse>
appendAllOrNone(EventLog &log, const Principal &who, const QJsonArray &events, bool *keep,
                int *stored, const std::function<Result<ApiResponse>(const AppendOutcome &)> &then)
{
    auto o = log.append(who, events);
    if (!o)
        return o.error();
    if (const EventOutcome *r = o->firstRefusal()) {
        *keep = false;
        return refusedResponse(*r);
    }
    *stored = o->accepted;
    return then(*o);
}

ApiResponse changesPage(const ChangesPage &p)
{
    ApiResponse r;
    QByteArray out = "{\"events\":" + p.eventsJson + ",\"cursor\":\"" +
                     p.next.toString().toLatin1() + "\",\"more\":" + (p.more ? "true" : "false");
    if (p.total >= 0)
        out += ",\"total\":" + QByteArray::number(p.total);
    r.body = out + '}';
    return r;
}

} // namespace

ApiResponse jsonResponse(int status, const QJsonObject &body)
{
    ApiResponse r;
    r.status = status;
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

ApiResponse errorResponse(int status, const QString &code, const QString &message)
{
    ApiResponse r =
        json(status, {{QStringLiteral("error"), code}, {QStringLiteral("message"), message}});
    if (status == 503 || status == 429)
        r.headers << qMakePair(QByteArray("Retry-After"), QByteArray("1"));
    return r;
}

QString routeOf(const QByteArray &method, const QByteArray &path)
{
    const QStringList p = pathParts(path);
    QString route;
    if (p.size() >= 3 && p[0] == u"api" && p[1] == u"incidents")
        route = p.size() == 3 ? QStringLiteral("/api/incidents/{id}")
                              : QStringLiteral("/api/incidents/{id}/") + p.mid(3).join(u'/');
    else if (p.size() == 3 && p[0] == u"api" && p[1] == u"leases")
        route = QStringLiteral("/api/leases/{name}");
    else
        route = QString::fromUtf8(path);
    static const QSet<QString> known{QStringLiteral("/healthz"),
                                     QStringLiteral("/readyz"),
                                     QStringLiteral("/metrics"),
                                     QStringLiteral("/api/health"),
                                     QStringLiteral("/api/me"),
                                     QStringLiteral("/api/events"),
                                     QStringLiteral("/api/changes"),
                                     QStringLiteral("/api/incidents"),
                                     QStringLiteral("/api/incidents/{id}"),
                                     QStringLiteral("/api/incidents/{id}/events"),
                                     QStringLiteral("/api/incidents/{id}/digest"),
                                     QStringLiteral("/api/leases"),
                                     QStringLiteral("/api/leases/{name}")};
    if (!known.contains(route))
        route = QStringLiteral("other");
    return QString::fromLatin1(method) + u' ' + route;
}

ApiResponse readChanges(pg::Connection &db, const Cursor &cursor, int limit)
{
    EventLog log(db);
    auto page = log.changes(cursor, limit, EventLog::Total::None);
    if (!page)
        return unavailable(page.errorMessage());
    ApiResponse r = changesPage(*page);
    r.cursor = cursor;
    r.limit = limit;
    r.wait = page->count == 0;
    r.atHead = !page->more;
    r.head = page->next;
    return r;
}

ApiResponse handleRequest(pg::Connection &db, const http::HttpRequest &req, ServerMetrics &metrics,
                          int maxWaitSeconds, const FeedHead &head, QString *route)
{
    *route = routeOf(req.method, req.path);
    const QStringList parts = pathParts(req.path);
    if (req.path == "/readyz") {
        auto v = currentSchemaVersion(db);
        if (!v)
            return unavailable(v.errorMessage());
        if (*v != schemaVersion())
            return errorResponse(
                503, QStringLiteral("schema"),
                QStringLiteral(
                    "the database is at schema %1, this server needs %2: run sitrep-server migrate")
                    .arg(*v)
                    .arg(schemaVersion()));
        return json(200, {{QStringLiteral("ok"), true}, {QStringLiteral("schema"), *v}});
    }
    if (parts.value(0) != u"api")
        return errorResponse(404, QStringLiteral("not_found"), QStringLiteral("no such resource"));

    // Who is asking: every /api/ request, every time (a revoked token fails at once).
    const QByteArray auth = req.headers.value("authorization");
    if (!auth.startsWith("Bearer "))
        return errorResponse(401, QStringLiteral("unauthorized"),
                             QStringLiteral("missing bearer token"));
    Users users(db);
    auto found = users.authenticate(auth.mid(7).trimmed());
    if (!found)
        return unavailable(found.errorMessage());
    if (!found->has_value())
        return errorResponse(401, QStringLiteral("unauthorized"),
                             QStringLiteral("unknown, revoked or disabled token"));
    const Principal who = **found;
    EventLog log(db);
    const bool get = req.method == "GET";
    const bool post = req.method == "POST";

    if (parts.size() == 2 && parts[1] == u"health" && get)
        return json(200,
                    {{QStringLiteral("ok"), true},
                     {QStringLiteral("api"), QStringLiteral("2")},
                     {QStringLiteral("features"),
                      QJsonArray{QStringLiteral("changes.wait"), QStringLiteral("events.batch"),
                                 QStringLiteral("me"), QStringLiteral("leases")}}});
    if (parts.size() == 2 && parts[1] == u"me" && get)
        return json(200, {{QStringLiteral("user"), who.name},
                          {QStringLiteral("role"), roleName(who.role)}});

    if (parts.value(1) == u"leases")
        return handleLeaseRequest(db, who, req, metrics);

    if (parts.size() == 2 && parts[1] == u"changes" && get) {
        const QUrlQuery q(QString::fromUtf8(req.target.mid(req.target.indexOf('?') + 1)));
        auto cursor = Cursor::parse(q.queryItemValue(QStringLiteral("since")));
        if (!cursor)
            return errorResponse(400, QStringLiteral("bad_request"), cursor.errorMessage());
        bool ok = true;
        const QString limitText = q.queryItemValue(QStringLiteral("limit"));
        const int limit = limitText.isEmpty() ? 500 : limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > 20000)
            return errorResponse(400, QStringLiteral("bad_request"),
                                 QStringLiteral("limit must be 1 to 20000"));
        const QString waitText = q.queryItemValue(QStringLiteral("wait"));
        const int wait = waitText.isEmpty() ? 0 : waitText.toInt(&ok);
        if (!ok || wait < 0 || wait > 60)
            return errorResponse(400, QStringLiteral("bad_request"),
                                 QStringLiteral("wait must be 0 to 60 seconds"));
        // A long poll at the end of the feed that nothing has changed since: park it now.
        if (wait > 0 && head.known && head.cursor == *cursor) {
            ApiResponse r;
            r.wait = true;
            r.cursor = *cursor;
            r.limit = limit;
            r.waitSeconds = qMin(wait, maxWaitSeconds);
            r.body = "{\"events\":[],\"cursor\":\"" + cursor->toString().toLatin1() +
                     "\",\"more\":false}";
            return r;
        }
        auto page = log.changes(*cursor, limit,
                                cursor->xid == 0 && cursor->seq == 0 ? EventLog::Total::Exact
                                                                     : EventLog::Total::Estimate);
        if (!page)
            return unavailable(page.errorMessage());
        ApiResponse r = changesPage(*page);
        r.atHead = !page->more;
        r.head = page->next;
        if (page->count == 0 && wait > 0) {
            r.wait = true;
            r.cursor = *cursor;
            r.limit = limit;
            r.waitSeconds = qMin(wait, maxWaitSeconds);
        }
        return r;
    }

    if (parts.size() == 3 && parts[1] == u"incidents" && get) {
        auto v = log.incident(parts[2]);
        if (!v)
            return unavailable(v.errorMessage());
        if (!v->found)
            return incidentNotFound(parts[2]);
        ApiResponse r = json(200, v->json);
        r.headers << qMakePair(QByteArray("ETag"), "\"v" + QByteArray::number(v->version) + '"');
        return r;
    }

    if (parts.size() == 4 && parts[1] == u"incidents" && parts[3] == u"digest" && get) {
        auto d = log.digest(parts[2]);
        if (!d)
            return unavailable(d.errorMessage());
        if (!d->found)
            return incidentNotFound(parts[2], QStringLiteral("no events of incident %1"));
        return json(200, QJsonObject{{QStringLiteral("incidentId"), canonicalUuid(parts[2])},
                                     {QStringLiteral("events"), d->events},
                                     {QStringLiteral("digest"), d->digest}});
    }

    // Many digests in one request: a read (any role, no Idempotency-Key), sent as a POST only
    // because the ids do not fit a URL.
    if (parts.size() == 2 && parts[1] == u"digests" && post) {
        QString parseError;
        const QJsonObject body = parseBody(req.body, &parseError);
        if (!parseError.isEmpty())
            return errorResponse(400, QStringLiteral("bad_request"), parseError);
        const QJsonArray ids = body.value(u"incidents").toArray();
        QStringList wanted;
        for (const QJsonValue &v : ids)
            if (const QString id = canonicalUuid(v.toString()); !id.isEmpty())
                wanted << id;
        if (ids.isEmpty() || ids.size() > kMaxDigestsPerRequest || wanted.size() != ids.size())
            return errorResponse(422, QStringLiteral("invalid"),
                                 QStringLiteral("incidents[] must hold 1 to %1 incident UUIDs")
                                     .arg(kMaxDigestsPerRequest));
        auto d = log.digests(wanted);
        if (!d)
            return unavailable(d.errorMessage());
        QJsonArray out;
        for (const QString &id : std::as_const(wanted))
            if (const auto it = d->constFind(id); it != d->cend())
                out.append(QJsonObject{{QStringLiteral("incidentId"), id},
                                       {QStringLiteral("events"), it->events},
                                       {QStringLiteral("digest"), it->digest}});
        return json(200, QJsonObject{{QStringLiteral("digests"), out}});
    }

    const bool write = post || req.method == "PATCH";
    const bool writeRoute =
        (parts.size() == 2 && (parts[1] == u"events" || parts[1] == u"incidents")) ||
        (parts.size() == 3 && parts[1] == u"incidents") ||
        (parts.size() == 4 && parts[1] == u"incidents" && parts[3] == u"events");
    if (!write || !writeRoute)
        return errorResponse(404, QStringLiteral("not_found"), QStringLiteral("no such resource"));
    if (!canWrite(who.role))
        return errorResponse(403, QStringLiteral("forbidden"),
                             QStringLiteral("%1 is a viewer and cannot write").arg(who.name));
    QString parseError;
    const QJsonObject body = parseBody(req.body, &parseError);
    if (!parseError.isEmpty())
        return errorResponse(400, QStringLiteral("bad_request"), parseError);

    QElapsedTimer timer;
    timer.start();
    int stored = 0;
    ApiResponse answer;

    if (parts.size() == 2 && parts[1] == u"events" && post) {
        const QJsonArray events = body.value(u"events").toArray();
        if (events.isEmpty() || events.size() > 5000)
            return errorResponse(422, QStringLiteral("invalid"),
                                 QStringLiteral("events[] must hold 1 to 5000 events"));
        answer = idempotent(db, who, req, [&](bool *) -> Result<ApiResponse> {
            auto o = log.append(who, events);
            if (!o)
                return o.error();
            stored = o->accepted;
            return outcomeResponse(*o, true);
        });
    } else if (parts.size() == 2 && parts[1] == u"incidents" && post) {
        const QJsonObject ev = body.value(u"event").toObject();
        const QString id = canonicalUuid(body.value(u"incidentId").toString());
        if (id.isEmpty() || ev.value(u"kind").toString() != u"incident.opened" ||
            canonicalUuid(ev.value(u"incidentId").toString()) != id)
            return errorResponse(
                422, QStringLiteral("invalid"),
                QStringLiteral("incidentId (UUID) and its incident.opened event are required"));
        answer = idempotent(db, who, req, [&](bool *keep) -> Result<ApiResponse> {
            auto o = log.append(who, QJsonArray{ev});
            if (!o)
                return o.error();
            const EventOutcome &r = o->results.first();
            if (r.kind == EventOutcome::Kind::Refused) {
                *keep = false;
                return refusedResponse(r);
            }
            if (r.kind == EventOutcome::Kind::Duplicate) {
                // Opened already (this event, or another replica's opening of the same uid):
                // a no-op success with the incident as the back end has it, and its number.
                auto v = log.incident(id);
                if (!v)
                    return v.error();
                QJsonObject answer = v->json;
                answer.insert(QStringLiteral("duplicate"), true);
                answer.insert(QStringLiteral("events"), o->added);
                return json(200, answer);
            }
            stored = o->accepted;
            const QJsonObject p = ev.value(u"payload").toObject();
            const qint64 deadline =
                ev.value(u"ts").toInteger() + p.value(u"resolution_minutes").toInteger() * 60000;
            return json(201,
                        {{QStringLiteral("incidentId"), id},
                         {QStringLiteral("number"), r.number},
                         {QStringLiteral("state"), p.value(u"state").toString()},
                         {QStringLiteral("priority"), p.value(u"priority").toString()},
                         {QStringLiteral("slaDeadline"),
                          QDateTime::fromMSecsSinceEpoch(deadline, Qt::UTC).toString(Qt::ISODate)},
                         {QStringLiteral("events"), o->added}});
        });
    } else if (parts.size() == 4 && post) {
        const QString incident = canonicalUuid(parts[2]);
        const QJsonArray events = body.value(u"events").toArray();
        if (incident.isEmpty())
            return incidentNotFound(parts[2]);
        if (events.isEmpty() || events.size() > 5000)
            return errorResponse(422, QStringLiteral("invalid"),
                                 QStringLiteral("events[] must hold 1 to 5000 events"));
        for (const auto &v : events)
            if (canonicalUuid(v.toObject().value(u"incidentId").toString()) != incident)
                return errorResponse(
                    422, QStringLiteral("invalid"),
                    QStringLiteral(
                        "every event needs id, incidentId (this incident), hlc and kind"));
        answer = idempotent(db, who, req, [&](bool *keep) -> Result<ApiResponse> {
            return appendAllOrNone(log, who, events, keep, &stored,
                                   [](const AppendOutcome &o) -> Result<ApiResponse> {
                                       return outcomeResponse(o, false);
                                   });
        });
    } else if (parts.size() == 3 && req.method == "PATCH") {
        const QByteArray ifMatch = req.headers.value("if-match");
        if (ifMatch.isEmpty())
            return errorResponse(428, QStringLiteral("precondition_required"),
                                 QStringLiteral("If-Match is required for field updates"));
        const QJsonObject fields = body.value(u"fields").toObject();
        if (fields.isEmpty())
            return errorResponse(422, QStringLiteral("invalid"),
                                 QStringLiteral("fields{} is required"));
        if (body.contains(u"actor") && body.value(u"actor").toString() != who.name)
            return errorResponse(403, QStringLiteral("forbidden"),
                                 QStringLiteral("%1 cannot record a change as '%2'")
                                     .arg(who.name, body.value(u"actor").toString()));
        const QString incident = canonicalUuid(parts[2]);
        const QByteArray key = req.headers.value("idempotency-key");
        answer = idempotent(db, who, req, [&](bool *keep) -> Result<ApiResponse> {
            auto v = log.incident(incident);
            if (!v)
                return v.error();
            if (!v->found) {
                *keep = false;
                return incidentNotFound(parts[2]);
            }
            if (ifMatch != "\"v" + QByteArray::number(v->version) + '"') {
                *keep = false;
                return errorResponse(
                    412, QStringLiteral("precondition_failed"),
                    QStringLiteral("the incident changed since you read it (ETag \"v%1\")")
                        .arg(v->version));
            }
            auto hlc = log.maxHlc(incident);
            if (!hlc)
                return hlc.error();
            qint64 next = *hlc;
            QJsonArray events;
            for (auto it = fields.begin(); it != fields.end(); ++it)
                events.append(QJsonObject{
                    {QStringLiteral("id"),
                     QUuid::createUuidV5(kPatchNamespace, QString::fromUtf8(key) + u'/' + it.key())
                         .toString(QUuid::WithoutBraces)},
                    {QStringLiteral("incidentId"), incident},
                    {QStringLiteral("hlc"), QString::number(++next)},
                    {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
                    {QStringLiteral("actor"), who.name},
                    {QStringLiteral("kind"), QStringLiteral("incident.field_set")},
                    {QStringLiteral("payload"), QJsonObject{{QStringLiteral("field"), it.key()},
                                                            {QStringLiteral("value"), it.value()}}},
                    {QStringLiteral("origin"), QStringLiteral("backend")},
                    {QStringLiteral("hashRule"), int(domain::kCurrentHashRule)}});
            return appendAllOrNone(
                log, who, events, keep, &stored, [&](const AppendOutcome &) -> Result<ApiResponse> {
                    auto after = log.incident(incident);
                    if (!after)
                        return after.error();
                    ApiResponse r = json(200, after->json);
                    r.headers << qMakePair(QByteArray("ETag"),
                                           "\"v" + QByteArray::number(after->version) + '"');
                    return r;
                });
        });
    } else {
        return errorResponse(404, QStringLiteral("not_found"), QStringLiteral("no such resource"));
    }
    if (answer.status < 300 && stored > 0) {
        metrics.observeAppend(double(timer.nsecsElapsed()) / 1e9, stored);
        answer.appended = true;
    }
    if (answer.status == 403)
        qCInfo(lcServerRequests) << "refused" << who.name << roleName(who.role) << req.method
                                 << req.path << answer.body;
    return answer;
}

} // namespace sitrep::server
