// SPDX-License-Identifier: MIT
#include "domain/event.h"

#include "domain/canonicaljson.h"
#include "domain/sha256.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

namespace sitrep::domain {

namespace {
// Fixed for all time: changing it would give every once-only event a new identity.
const QUuid kOnceNamespace(QStringLiteral("{3c9d7e52-1b4f-5a86-9e0d-6f2a8b41c7d5}"));
const QUuid kIncidentNamespace(QStringLiteral("{8e4a1f37-62c9-5d0b-a3e8-1d7f5b92c604}"));
QString nameUuid(const QUuid &ns, const QString &name)
{
    return QUuid::createUuidV5(ns, name).toString(QUuid::WithoutBraces);
}
} // namespace

bool foldsBefore(const Event &a, const Event &b)
{
    const bool aOpens = a.kind == kinds::Opened, bOpens = b.kind == kinds::Opened;
    if (aOpens != bOpens)
        return aOpens;
    return a.hlc != b.hlc ? a.hlc < b.hlc : a.id < b.id;
}

QString onceEventId(const QString &incidentUid, const QString &kind, const QString &key)
{
    const QString incident = QUuid::fromString(incidentUid).toString(QUuid::WithoutBraces);
    return nameUuid(kOnceNamespace, incident + u'\n' + kind + u'\n' + key);
}

QString correlatedIncidentUid(const QString &correlationKey, int epoch)
{
    return nameUuid(kIncidentNamespace, correlationKey + u'\n' + QString::number(epoch));
}

QByteArray Event::payloadJson() const
{
    if (!payloadRaw.isNull())
        return payloadRaw;
    // QJsonObject keeps keys sorted, so the compact form is canonical.
    return canonicalJson(payload);
}

QByteArray chainHash(HashRule rule, QByteArrayView prevHashHex, QByteArrayView id,
                     QByteArrayView incidentUid, qint64 hlc, qint64 ts, QByteArrayView actor,
                     QByteArrayView kind, QByteArrayView origin, QByteArrayView payload)
{
    Sha256 h;
    // Rule 2 starts with a marker no rule-1 input can: a previous hash is hex or empty.
    if (rule == HashRule::WithOrigin)
        h.add("rule 2\n");
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
    if (rule == HashRule::WithOrigin) {
        h.add(origin);
        h.add("\n");
    }
    h.add(payload);
    return h.result();
}

std::optional<HashRule> hashRuleFrom(qint64 number)
{
    switch (number) {
    case int(HashRule::Original):
        return HashRule::Original;
    case int(HashRule::WithOrigin):
        return HashRule::WithOrigin;
    default:
        return std::nullopt;
    }
}

QString Event::computeHash() const
{
    return QString::fromLatin1(chainHash(rule, prevHash.toUtf8(), id.toUtf8(), incidentUid.toUtf8(),
                                         hlc, ts, actor.toUtf8(), kind.toUtf8(), origin.toUtf8(),
                                         payloadJson())
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
    o[u"origin"] = origin;
    o[u"hash_rule"] = int(rule);
    return o;
}

QString conflictIdFor(const QString &eventId)
{
    static const QUuid ns(QStringLiteral("{6f1d2c1e-8a57-4c43-9d0e-5b8f1a2e7c31}"));
    return QUuid::createUuidV5(ns, QStringLiteral("conflict/") + eventId)
        .toString(QUuid::WithoutBraces);
}

Event rejectionConflict(const Event &rejected, const QString &state, const QString &why)
{
    Event c;
    c.id = conflictIdFor(rejected.id);
    c.incidentUid = rejected.incidentUid;
    c.hlc = rejected.hlc;
    c.ts = rejected.ts;
    c.actor = QStringLiteral("system");
    c.kind = kinds::Conflict;
    QJsonObject original{{QStringLiteral("id"), rejected.id},
                         {QStringLiteral("hlc"), QString::number(rejected.hlc)},
                         {QStringLiteral("ts"), rejected.ts},
                         {QStringLiteral("actor"), rejected.actor},
                         {QStringLiteral("kind"), rejected.kind},
                         {QStringLiteral("payload"), rejected.payload},
                         {QStringLiteral("origin"), rejected.origin},
                         {QStringLiteral("hashRule"), int(rejected.rule)}};
    if (!rejected.sentBy.isEmpty() || !rejected.sentRole.isEmpty())
        original[u"sentBy"] = QJsonObject{{QStringLiteral("user"), rejected.sentBy},
                                          {QStringLiteral("role"), rejected.sentRole}};
    c.payload = {{QStringLiteral("event"), rejected.id},
                 {QStringLiteral("kind"), rejected.kind},
                 {QStringLiteral("by"), rejected.actor},
                 {QStringLiteral("state"), state},
                 {QStringLiteral("reason"), why},
                 {QStringLiteral("rejected"), original},
                 {QStringLiteral("message"),
                  QStringLiteral("%1 from %2 was not applied: %3")
                      .arg(rejected.kind,
                           rejected.actor.isEmpty() ? QStringLiteral("?") : rejected.actor, why)}};
    if (rejected.kind == kinds::Transitioned) {
        c.payload[u"from"] = rejected.payload[u"from"].toString();
        c.payload[u"to"] = rejected.payload[u"to"].toString();
    }
    return c;
}

} // namespace sitrep::domain
