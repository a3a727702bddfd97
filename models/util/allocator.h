// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::util {

/// The allocator that serves this process's malloc: "jemalloc <version>" when the build links
/// jemalloc (docs/DESIGN.md, "The allocator") and it took over malloc, else the file name of
/// the library that did ("libc.so.6" for the C library's own).
QString processAllocator();

} // namespace sitrep::util
