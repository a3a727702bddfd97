// SPDX-License-Identifier: MIT
#include "domain/digest.h"

#include "domain/sha256.h"

#include <algorithm>
#include <utility>

namespace sitrep::domain {

QString contentHash(const Event &e)
{
    return QString::fromLatin1(chainHash(e.rule, {}, e.id.toUtf8(), e.incidentUid.toUtf8(), e.hlc,
                                         e.ts, e.actor.toUtf8(), e.kind.toUtf8(), e.origin.toUtf8(),
                                         e.payloadJson())
                                   .toHex());
}

Event eventForDigest(const QJsonObject &wire, const QString &incidentUid)
{
    Event e;
    e.id = wire[u"id"].toString();
    e.incidentUid = incidentUid;
    e.hlc = wire[u"hlc"].toString().toLongLong();
    e.ts = wire[u"ts"].toInteger();
    e.actor = wire[u"actor"].toString();
    e.kind = wire[u"kind"].toString();
    e.payload = wire[u"payload"].toObject();
    e.origin = wire[u"origin"].toString();
    e.rule = hashRuleFrom(wire[u"hashRule"].toInteger(1)).value_or(HashRule::Original);
    return e;
}

QString originProblem(HashRule rule, const QString &origin)
{
    if (rule != HashRule::WithOrigin)
        return {};
    if (origin.isEmpty() || origin == u"local" || origin.size() > 200)
        return QStringLiteral("an event of hashRule 2 names the replica that wrote it as its "
                              "origin (not \"local\", at most 200 characters)");
    return {};
}

QList<Event> digestEvents(const QList<Event> &timeline)
{
    QList<Event> out;
    out.reserve(timeline.size());
    for (const Event &e : timeline) {
        if (e.kind != kinds::Conflict) {
            out << e;
            continue;
        }
        const QJsonObject r = e.payload[u"rejected"].toObject();
        if (r.isEmpty())
            continue;
        out << eventForDigest(r, e.incidentUid);
    }
    return out;
}

QString incidentDigest(const QList<Event> &events)
{
    QList<std::pair<QString, QString>> lines;
    lines.reserve(events.size());
    for (const Event &e : events)
        lines.append({e.id, contentHash(e)});
    std::sort(lines.begin(), lines.end());
    Sha256 h;
    for (const auto &[id, hash] : std::as_const(lines)) {
        h.add(id.toLatin1());
        h.add(" ");
        h.add(hash.toLatin1());
        h.add("\n");
    }
    return QString::fromLatin1(h.result().toHex());
}

} // namespace sitrep::domain
