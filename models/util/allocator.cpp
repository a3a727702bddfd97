// SPDX-License-Identifier: MIT
#include "util/allocator.h"

#include <dlfcn.h>

#include <cstddef>

namespace sitrep::util {

QString processAllocator()
{
    // The malloc that calls resolve to: the first definition in the process's symbol scope.
    void *const malloc = dlsym(RTLD_DEFAULT, "malloc");
    Dl_info where{};
    if (!malloc || dladdr(malloc, &where) == 0 || !where.dli_fname)
        return QStringLiteral("unknown");
    const QString file = QString::fromLocal8Bit(where.dli_fname).section(u'/', -1);
    if (!file.startsWith(u"libjemalloc"))
        return file;
    // jemalloc's own control interface, from the same library, names its version.
    using Mallctl = int (*)(const char *, void *, std::size_t *, void *, std::size_t);
    const auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
    const char *version = nullptr;
    std::size_t size = sizeof version;
    if (!mallctl || mallctl("version", &version, &size, nullptr, 0) != 0 || !version)
        return QStringLiteral("jemalloc");
    // "5.3.0-0-g<commit>": the release is enough.
    return QStringLiteral("jemalloc %1").arg(QString::fromLatin1(version).section(u'-', 0, 0));
}

} // namespace sitrep::util
