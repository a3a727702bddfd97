// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
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

} // namespace sitrep::domain
