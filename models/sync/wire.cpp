// SPDX-License-Identifier: MIT
#include "sync/wire.h"

#include <QHostAddress>
#include <QUuid>

namespace sitrep::sync {

QJsonObject eventToWire(const domain::Event &e, const QString &origin)
{
    return {
        {QStringLiteral("id"), e.id},
        {QStringLiteral("incidentId"), e.incidentUid},
        {QStringLiteral("hlc"), QString::number(e.hlc)},
        {QStringLiteral("ts"), e.ts},
        {QStringLiteral("actor"), e.actor},
        {QStringLiteral("kind"), e.kind},
        {QStringLiteral("payload"), e.payload},
        {QStringLiteral("origin"), e.origin.isEmpty() || e.origin == u"local" ? origin : e.origin}};
}

Result<domain::Event> eventFromWire(const QJsonObject &o)
{
    using R = Result<domain::Event>;
    domain::Event e;
    const QUuid id = QUuid::fromString(o.value(u"id").toString());
    const QUuid inc = QUuid::fromString(o.value(u"incidentId").toString());
    if (id.isNull())
        return R::fail(QStringLiteral("event without a valid id"));
    if (inc.isNull())
        return R::fail(QStringLiteral("event %1 without a valid incidentId")
                           .arg(id.toString(QUuid::WithoutBraces)));
    bool ok = false;
    e.id = id.toString(QUuid::WithoutBraces);
    e.incidentUid = inc.toString(QUuid::WithoutBraces);
    e.hlc = o.value(u"hlc").toString().toLongLong(&ok);
    if (!ok || e.hlc <= 0)
        return R::fail(QStringLiteral("event %1 without a valid hlc").arg(e.id));
    e.ts = o.value(u"ts").toInteger();
    e.actor = o.value(u"actor").toString();
    e.kind = o.value(u"kind").toString();
    if (e.kind.isEmpty())
        return R::fail(QStringLiteral("event %1 without a kind").arg(e.id));
    e.payload = o.value(u"payload").toObject();
    e.origin = o.value(u"origin").toString(QStringLiteral("remote"));
    // Who the back end says sent it (an older back end records nobody: left empty).
    const QJsonObject sentBy = o.value(u"sentBy").toObject();
    e.sentBy = sentBy.value(u"user").toString();
    e.sentRole = sentBy.value(u"role").toString();
    return e;
}

Status checkEndpoint(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return Status::fail(QStringLiteral("'%1' is not a valid URL").arg(url.toString()));
    const QString scheme = url.scheme().toLower();
    if (scheme == u"https")
        return {};
    if (scheme != u"http")
        return Status::fail(
            QStringLiteral("'%1': only http(s) back ends are supported").arg(url.toString()));
    const QHostAddress addr(url.host());
    if (url.host().compare(u"localhost", Qt::CaseInsensitive) == 0 ||
        (!addr.isNull() && addr.isLoopback()))
        return {};
    return Status::fail(
        QStringLiteral("'%1' is not on this machine: use https").arg(url.toString()));
}

} // namespace sitrep::sync
