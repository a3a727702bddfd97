// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QString>
#include <QStringList>

namespace sitrep::problems {

/// A list of strings as the compact JSON array the problem and article tables store.
inline QString jsonList(const QStringList &l)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
}

/// The strings of a stored JSON array; empty for anything else.
inline QStringList fromJsonList(const QString &s)
{
    QStringList out;
    for (const auto &v : QJsonDocument::fromJson(s.toUtf8()).array())
        out << v.toString();
    return out;
}

} // namespace sitrep::problems
