// SPDX-License-Identifier: MIT
#include "domain/event.h"

#include "domain/canonicaljson.h"

#include <QCryptographicHash>
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
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(prevHash.toUtf8());
    h.addData("\n");
    h.addData(id.toUtf8());
    h.addData("\n");
    h.addData(incidentUid.toUtf8());
    h.addData("\n");
    h.addData(QByteArray::number(hlc));
    h.addData("\n");
    h.addData(QByteArray::number(ts));
    h.addData("\n");
    h.addData(actor.toUtf8());
    h.addData("\n");
    h.addData(kind.toUtf8());
    h.addData("\n");
    h.addData(payloadJson());
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
