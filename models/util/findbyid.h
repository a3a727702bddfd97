// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::util {

/// The first element of `list` whose `id` is `id`, or null.
template <typename List>
auto findById(const List &list, const QString &id) -> decltype(&*list.begin())
{
    for (const auto &item : list)
        if (item.id == id)
            return &item;
    return nullptr;
}

} // namespace sitrep::util
