// SPDX-License-Identifier: MIT
#include "domain/event.h"

#include "domain/canonicaljson.h"
#include "domain/sha256.h"

#include <QDateTime>
#include <QJsonDocument>

namespace sitrep::domain {

QByteArray Event::payloadJson() const
{
    if (!payloadRaw.isNull())
        return payloadRaw;
    // QJsonObject keeps keys sorted, so the compact form is canonical.
    return canonicalJson(payload);
}

QByteArray chainHash(QByteArrayView prevHashHex, QByteArrayView id, QByteArrayView incidentUid,
                     qint64 hlc, qint64 ts, QByteArrayView actor, QByteArrayView kind,
                     QByteArrayView payload)
{
    Sha256 h;
    h.add(prevHashHex);
    h.add("\n");
    h.add(id);
    h.add("\n");
    h.add(incidentUid);
    h.add("\n");
    h.add(QByteArray::number(hlc));
    h.add("\n");
    h.add(QByteArray::number(ts));
    h.add("\n");
    h.add(actor);
    h.add("\n");
    h.add(kind);
    h.add("\n");
    h.add(payload);
    return h.result();
}

QString Event::computeHash() const
{
    return QString::fromLatin1(chainHash(prevHash.toUtf8(), id.toUtf8(), incidentUid.toUtf8(), hlc,
                                         ts, actor.toUtf8(), kind.toUtf8(), payloadJson())
                                   .toHex());
}

QJsonObject Event::toJson() const
{
    QJsonObject o;
    o[u"id"] = id;
    o[u"incident"] = incidentUid;
    o[u"seq"] = seq;
    o[u"hlc"] = QString::number(hlc);
    o[u"at"] = QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC).toString(Qt::ISODateWithMs);
    o[u"actor"] = actor;
    o[u"kind"] = kind;
    o[u"payload"] = payload;
    o[u"prev_hash"] = prevHash;
    o[u"hash"] = hash;
    return o;
}

} // namespace sitrep::domain
