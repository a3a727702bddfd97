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

QString Event::computeHash() const
{
    Sha256 h;
    h.add(prevHash.toUtf8());
    h.add("\n");
    h.add(id.toUtf8());
    h.add("\n");
    h.add(incidentUid.toUtf8());
    h.add("\n");
    h.add(QByteArray::number(hlc));
    h.add("\n");
    h.add(QByteArray::number(ts));
    h.add("\n");
    h.add(actor.toUtf8());
    h.add("\n");
    h.add(kind.toUtf8());
    h.add("\n");
    h.add(payloadJson());
    return QString::fromLatin1(h.result().toHex());
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
