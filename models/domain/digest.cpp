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
        Event refused;
        refused.id = r[u"id"].toString();
        refused.incidentUid = e.incidentUid;
        refused.hlc = r[u"hlc"].toString().toLongLong();
        refused.ts = r[u"ts"].toInteger();
        refused.actor = r[u"actor"].toString();
        refused.kind = r[u"kind"].toString();
        refused.payload = r[u"payload"].toObject();
        refused.origin = r[u"origin"].toString();
        // A conflict recorded before the rule was kept names none: its event was rule 1.
        refused.rule = hashRuleFrom(r[u"hashRule"].toInteger(1)).value_or(HashRule::Original);
        out << refused;
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
