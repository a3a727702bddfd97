// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace sitrep::domain {

/// Compact JSON, byte for byte what QJsonDocument::toJson(Compact) writes (keys in Qt's
/// sorted order, the same escapes and number spelling), without the round trip through
/// QCborValue. Event payloads are hashed in this spelling, so it must never differ:
/// tst_canonicaljson compares the two on random documents.
QByteArray canonicalJson(const QJsonObject &object);
QByteArray canonicalJson(const QJsonArray &array);
/// A JSON array of strings, as canonicalJson(QJsonArray::fromStringList(list)).
QByteArray canonicalJson(const QStringList &list);

/// Appends `s` as a JSON string (quotes included).
void appendJsonString(QByteArray &out, QStringView s);

/// An event payload together with its canonical bytes: `json` is canonicalJson(`object`).
/// Made only by CanonicalObjectWriter or of(), so the two always agree.
class CanonicalObject {
public:
    /// `object` with its bytes written by canonicalJson().
    static CanonicalObject of(QJsonObject object);
    const QJsonObject &object() const { return m_object; }
    const QByteArray &json() const { return m_json; }

private:
    friend class CanonicalObjectWriter;
    CanonicalObject(QJsonObject object, QByteArray json)
        : m_object(std::move(object)), m_json(std::move(json))
    {
    }
    QJsonObject m_object;
    QByteArray m_json;
};

/// Builds a JSON object member by member, writing its canonical form as it goes, and reads
/// the object back from those bytes (as a read of the payload from the log does). Cheaper than
/// a QJsonObject built by inserts and then serialised: Qt allocates for every key and value it
/// inserts, while its parser fills one container.
///
/// Each key is given once. Keys are expected in Qt's sorted order (byte order for these
/// Latin-1 keys); keys out of order still give the right result, only more slowly. A value
/// given through value() is kept in the object as given, not as read back.
class CanonicalObjectWriter {
public:
    CanonicalObjectWriter();
    CanonicalObjectWriter &string(QLatin1String key, QStringView value);
    CanonicalObjectWriter &boolean(QLatin1String key, bool value);
    CanonicalObjectWriter &integer(QLatin1String key, qint64 value);
    CanonicalObjectWriter &strings(QLatin1String key, const QStringList &value);
    CanonicalObjectWriter &value(QLatin1String key, const QJsonValue &value);
    /// The object and its bytes; the writer is spent.
    CanonicalObject finish();
    /// The same, with objects read before kept in `cache` by their bytes: for payloads of few
    /// distinct values (a transition, an on-call assignment), which are then read once. The
    /// cache holds at most `capacity` objects (emptied when full).
    CanonicalObject finish(QHash<QByteArray, QJsonObject> &cache, qsizetype capacity = 1024);

private:
    void key(QLatin1String key);
    QByteArray m_json;
    qsizetype m_lastKeyAt = 0; // where the previous key's text is in m_json (0: none)
    qsizetype m_lastKeySize = 0;
    bool m_sorted = true;
    QList<QPair<QString, QJsonValue>> m_kept; // value()s, put back as given
};

} // namespace sitrep::domain
