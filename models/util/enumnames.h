// SPDX-License-Identifier: MIT
// The names an enum is written with (in the database, on the wire, in the command line):
// one table per enum, read both ways.
#pragma once

#include <QLatin1String>
#include <QString>
#include <QStringView>

#include <cstddef>
#include <optional>

namespace sitrep::util {

template <typename E> struct EnumName {
    E value;
    const char *name;
};

/// The name of `value` in `table`, empty when the table has none.
template <typename E, std::size_t N> QString nameOf(const EnumName<E> (&table)[N], E value)
{
    for (const auto &entry : table)
        if (entry.value == value)
            return QLatin1String(entry.name);
    return {};
}

/// The value named `name` in `table` (exactly, case included), if any.
template <typename E, std::size_t N>
std::optional<E> valueOf(const EnumName<E> (&table)[N], QStringView name)
{
    for (const auto &entry : table)
        if (name == QLatin1String(entry.name))
            return entry.value;
    return std::nullopt;
}

} // namespace sitrep::util
