// SPDX-License-Identifier: MIT
#include "domain/event.h"

#include "domain/canonicaljson.h"
#include "domain/sha256.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>
#include <QtEndian>

#include <charconv>
#include <cstring>

namespace sitrep::domain {

namespace {
// Fixed for all time: changing it would give every once-only event a new identity.
const QUuid kOnceNamespace(QStringLiteral("{3c9d7e52-1b4f-5a86-9e0d-6f2a8b41c7d5}"));
const QUuid kIncidentNamespace(QStringLiteral("{8e4a1f37-62c9-5d0b-a3e8-1d7f5b92c604}"));

// The UTF-8 bytes of a string: for the usual short ASCII ones (ids, hashes, kinds, actors) a
// copy in a buffer on the stack instead of a QByteArray of toUtf8() each.
class Utf8 {
public:
    explicit Utf8(QStringView s)
    {
        if (s.size() <= qsizetype(sizeof m_buf)) {
            const char16_t *u = s.utf16();
            qsizetype i = 0;
            for (; i < s.size() && u[i] < 0x80; ++i)
                m_buf[i] = char(u[i]);
            if (i == s.size()) {
                m_view = QByteArrayView(m_buf, i);
                return;
            }
        }
        m_heap = s.toUtf8();
        m_view = m_heap;
    }
    QByteArrayView view() const { return m_view; }

private:
    char m_buf[128];
    QByteArray m_heap;
    QByteArrayView m_view;
};

// Writes `b` as two lower-case hex digits (as QByteArray::toHex() and QUuid spell them).
char16_t *writeHex(char16_t *p, uchar b)
{
    static constexpr char hex[] = "0123456789abcdef";
    *p++ = char16_t(hex[b >> 4]);
    *p++ = char16_t(hex[b & 0xf]);
    return p;
}

// QUuid::createUuidV5(ns, name).toString(QUuid::WithoutBraces), without QCryptographicHash:
// SHA-1 of the namespace's bytes and the name's UTF-8, the version (5) and variant (RFC 4122)
// bits set in its first 16 bytes, in lower-case hex.
QString nameUuid(const QUuid &ns, const QString &name)
{
    char space[16]; // ns.toRfc4122()
    qToBigEndian(ns.data1, space);
    qToBigEndian(ns.data2, space + 4);
    qToBigEndian(ns.data3, space + 6);
    memcpy(space + 8, ns.data4, 8);
    std::array<unsigned char, 20> d = sha1(QByteArrayView(space, 16), Utf8(name).view());
    d[6] = uchar((d[6] & 0x0f) | 0x50);
    d[8] = uchar((d[8] & 0x3f) | 0x80);
    QString out(36, Qt::Uninitialized);
    char16_t *p = reinterpret_cast<char16_t *>(out.data());
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = u'-';
        p = writeHex(p, d[i]);
    }
    return out;
}

// A UUID as QUuid::toString(QUuid::WithoutBraces) spells it (36 characters, lower-case hex).
bool isPlainUuid(QStringView s)
{
    if (s.size() != 36)
        return false;
    for (qsizetype i = 0; i < 36; ++i) {
        const char16_t c = s[i].unicode();
        if (i == 8 || i == 13 || i == 18 || i == 23
                ? c != u'-'
                : !((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
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
    // The id last made on this thread is kept: the engine makes a link's id to look it up,
    // and the projection asks again for the same one as it folds the event in (a SHA-1 each).
    struct Last {
        QString incident, kind, key, id;
    };
    thread_local Last last;
    if (key == last.key && incidentUid == last.incident && kind == last.kind && !last.id.isNull())
        return last.id;
    // Any spelling QUuid reads names the incident in its plain one.
    const QString incident = isPlainUuid(incidentUid)
                                 ? incidentUid
                                 : QUuid::fromString(incidentUid).toString(QUuid::WithoutBraces);
    QString id = nameUuid(kOnceNamespace, incident + u'\n' + kind + u'\n' + key);
    last = {incidentUid, kind, key, id};
    return id;
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
    // Decimal, as QByteArray::number() spells it, without allocating.
    char digits[24];
    h.add(QByteArrayView(digits, std::to_chars(digits, digits + sizeof digits, hlc).ptr - digits));
    h.add("\n");
    h.add(QByteArrayView(digits, std::to_chars(digits, digits + sizeof digits, ts).ptr - digits));
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
    const QByteArray digest =
        chainHash(rule, Utf8(prevHash).view(), Utf8(id).view(), Utf8(incidentUid).view(), hlc, ts,
                  Utf8(actor).view(), Utf8(kind).view(), Utf8(origin).view(), payloadJson());
    // Lower-case hex, as QByteArray::toHex() writes it, straight into the string.
    QString out(digest.size() * 2, Qt::Uninitialized);
    char16_t *p = reinterpret_cast<char16_t *>(out.data());
    for (const char c : digest)
        p = writeHex(p, uchar(c));
    return out;
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
