// SPDX-License-Identifier: MIT
#include "server/leases.h"

#include "server/logging.h"
#include "server/pg.h"
#include "server/requesthandler.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

namespace sitrep::server {

namespace {

// Takes a free or expired lease, or renews the caller's own, in one statement: under
// concurrent takers ON CONFLICT locks the row and checks the WHERE against its newest
// version, so exactly one of them gets it. now() is the database's clock.
constexpr const char *kTake = R"SQL(
INSERT INTO leases AS l (name, holder, held_by, ttl_ms, acquired_at, renewed_at, expires_at)
VALUES ($1, $2, $3, $4::integer, now(), now(), now() + $4::integer * interval '1 millisecond')
ON CONFLICT (name) DO UPDATE SET
    holder = EXCLUDED.holder, held_by = EXCLUDED.held_by, ttl_ms = EXCLUDED.ttl_ms,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.held_by = EXCLUDED.held_by
                       THEN l.acquired_at ELSE now() END,
    renewed_at = now(), expires_at = EXCLUDED.expires_at
WHERE (l.holder = EXCLUDED.holder AND l.held_by = EXCLUDED.held_by) OR l.expires_at <= now()
RETURNING (extract(epoch FROM acquired_at) * 1000)::bigint,
          (extract(epoch FROM expires_at) * 1000)::bigint, acquired_at = renewed_at
)SQL";

// Who holds a lease now (nothing when it is free or expired).
constexpr const char *kHolder =
    "SELECT holder, (extract(epoch FROM expires_at) * 1000)::bigint FROM leases "
    "WHERE name = $1 AND expires_at > now()";

QByteArray isoMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
}

ApiResponse badRequest(const QString &message)
{
    return errorResponse(400, QStringLiteral("bad_request"), message);
}

ApiResponse unavailable(const pg::Result &r)
{
    qCWarning(lcServerRequests) << "database error on a lease:" << r.error();
    return errorResponse(503, QStringLiteral("unavailable"),
                         QStringLiteral("the database did not answer: try again"));
}

ApiResponse held(const QString &name, const pg::Result &current)
{
    pg::RowReader row(current, 0);
    const QString holder = row.text();
    const QString until = QString::fromUtf8(isoMs(row.int64()));
    return jsonResponse(
        409, {{QStringLiteral("error"), QStringLiteral("conflict")},
              {QStringLiteral("message"),
               QStringLiteral("lease %1 is held by %2 until %3").arg(name, holder, until)},
              {QStringLiteral("holder"), holder},
              {QStringLiteral("expiresAt"), until}});
}

bool validHolder(const QString &holder)
{
    if (holder.isEmpty() || holder.size() > leaselimits::MaxHolder)
        return false;
    for (const QChar c : holder)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    return true;
}

ApiResponse take(pg::Connection &db, const Principal &who, const QString &name,
                 const QByteArray &body, ServerMetrics &metrics)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return badRequest(QStringLiteral("the body must be a JSON object {holder, ttlMs}"));
    const QJsonObject o = doc.object();
    const QString holder = o.value(u"holder").toString();
    const QJsonValue ttlValue = o.value(u"ttlMs");
    const double ttl = ttlValue.toDouble(-1);
    if (!validHolder(holder))
        return badRequest(QStringLiteral("holder must be 1 to %1 printable characters")
                              .arg(leaselimits::MaxHolder));
    if (!ttlValue.isDouble() || ttl != double(qint64(ttl)) || ttl < leaselimits::MinTtlMs ||
        ttl > leaselimits::MaxTtlMs)
        return badRequest(QStringLiteral("ttlMs must be an integer from %1 to %2")
                              .arg(leaselimits::MinTtlMs)
                              .arg(leaselimits::MaxTtlMs));
    const QByteArray ttlText = QByteArray::number(qint64(ttl));
    // A lease released or expired between the take and the look at its holder: take again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        pg::Result r = db.exec(kTake, {name.toUtf8(), holder.toUtf8(), who.name.toUtf8(), ttlText});
        if (!r.ok())
            return unavailable(r);
        if (r.rows() == 1) {
            pg::RowReader row(r, 0);
            qint64 acquiredAt = 0, expiresAt = 0;
            bool fresh = false;
            row.read(acquiredAt, expiresAt, fresh);
            metrics.countLease(fresh ? ServerMetrics::Lease::Acquired
                                     : ServerMetrics::Lease::Renewed);
            if (fresh)
                qCInfo(lcServerRequests)
                    << "lease" << name << "taken by" << holder << "of" << who.name;
            return jsonResponse(
                200, {{QStringLiteral("name"), name},
                      {QStringLiteral("holder"), holder},
                      {QStringLiteral("user"), who.name},
                      {QStringLiteral("ttlMs"), qint64(ttl)},
                      {QStringLiteral("acquiredAt"), QString::fromUtf8(isoMs(acquiredAt))},
                      {QStringLiteral("expiresAt"), QString::fromUtf8(isoMs(expiresAt))}});
        }
        pg::Result current = db.exec(kHolder, {name.toUtf8()});
        if (!current.ok())
            return unavailable(current);
        if (current.rows() == 1) {
            metrics.countLease(ServerMetrics::Lease::Refused);
            return held(name, current);
        }
    }
    return errorResponse(503, QStringLiteral("unavailable"),
                         QStringLiteral("lease %1 changed hands too often: try again").arg(name));
}

ApiResponse release(pg::Connection &db, const Principal &who, const QString &name,
                    const QByteArray &target)
{
    const QUrlQuery q(QString::fromUtf8(target.mid(target.indexOf('?') + 1)));
    const QString holder = q.queryItemValue(QStringLiteral("holder"), QUrl::FullyDecoded);
    if (!target.contains('?') || !validHolder(holder))
        return badRequest(QStringLiteral("holder (1 to %1 printable characters) is required")
                              .arg(leaselimits::MaxHolder));
    pg::Result r = db.exec("DELETE FROM leases WHERE name = $1 AND holder = $2 AND held_by = $3",
                           {name.toUtf8(), holder.toUtf8(), who.name.toUtf8()});
    if (!r.ok())
        return unavailable(r);
    if (r.affected() == 0) {
        // Not held by this holder: fine when nobody holds it, a conflict when someone does.
        pg::Result current = db.exec(kHolder, {name.toUtf8()});
        if (!current.ok())
            return unavailable(current);
        if (current.rows() == 1)
            return held(name, current);
    } else {
        qCInfo(lcServerRequests) << "lease" << name << "released by" << holder << "of" << who.name;
    }
    ApiResponse done;
    done.status = 204;
    return done;
}

ApiResponse list(pg::Connection &db)
{
    pg::Result r = db.exec(
        "SELECT name, holder, held_by, ttl_ms, (extract(epoch FROM acquired_at) * 1000)::bigint, "
        "(extract(epoch FROM expires_at) * 1000)::bigint FROM leases WHERE expires_at > now() "
        "ORDER BY name");
    if (!r.ok())
        return unavailable(r);
    QJsonArray leases;
    for (int i = 0; i < r.rows(); ++i) {
        pg::RowReader row(r, i);
        QString name, holder, user;
        qint64 ttlMs = 0, acquiredAt = 0, expiresAt = 0;
        row.read(name, holder, user, ttlMs, acquiredAt, expiresAt);
        leases.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("holder"), holder},
                        {QStringLiteral("user"), user},
                        {QStringLiteral("ttlMs"), ttlMs},
                        {QStringLiteral("acquiredAt"), QString::fromUtf8(isoMs(acquiredAt))},
                        {QStringLiteral("expiresAt"), QString::fromUtf8(isoMs(expiresAt))}});
    }
    return jsonResponse(200, {{QStringLiteral("leases"), leases}});
}

} // namespace

ApiResponse handleLeaseRequest(pg::Connection &db, const Principal &who,
                               const http::HttpRequest &req, ServerMetrics &metrics)
{
    const QStringList parts = QString::fromUtf8(req.path).split(u'/', Qt::SkipEmptyParts);
    if (parts.size() == 2 && req.method == "GET")
        return list(db);
    const bool put = req.method == "PUT";
    if (parts.size() != 3 || (!put && req.method != "DELETE"))
        return errorResponse(404, QStringLiteral("not_found"), QStringLiteral("no such resource"));
    if (who.role != Role::Agent && who.role != Role::Admin)
        return errorResponse(403, QStringLiteral("forbidden"),
                             QStringLiteral("%1 is a %2: only agents and admins hold leases")
                                 .arg(who.name, roleName(who.role)));
    static const QRegularExpression validName(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    const QString name = parts[2];
    if (!validName.match(name).hasMatch())
        return badRequest(QStringLiteral("a lease name is 1 to 64 of a-z, 0-9, '.', '_' and '-'"));
    return put ? take(db, who, name, req.body, metrics) : release(db, who, name, req.target);
}

} // namespace sitrep::server
