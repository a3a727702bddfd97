// SPDX-License-Identifier: MIT
// The build links one allocator into every program (docs/DESIGN.md, "The allocator"). This
// test executable is linked the same way as the app, the server and the agents: it checks
// that the allocator the build chose is the one that serves malloc, and that the memory Qt and
// SQLite allocate goes through it.
#include "util/allocator.h"

#include <QByteArray>
#include <QtTest>

#include <dlfcn.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>

using namespace sitrep;

namespace {

using Mallctl = int (*)(const char *, void *, std::size_t *, void *, std::size_t);

// jemalloc's count of the bytes the process holds in allocations, refreshed first.
std::uint64_t jemallocAllocated(Mallctl mallctl)
{
    std::uint64_t epoch = 1;
    std::size_t size = sizeof epoch;
    if (mallctl("epoch", &epoch, &size, &epoch, sizeof epoch) != 0)
        return 0;
    std::size_t allocated = 0;
    size = sizeof allocated;
    return mallctl("stats.allocated", &allocated, &size, nullptr, 0) == 0 ? allocated : 0;
}

} // namespace

class TstAllocator : public QObject {
    Q_OBJECT
private slots:
    void processAllocator_isTheOneTheBuildChose()
    {
        const QString allocator = util::processAllocator();
        const QString chosen = QStringLiteral(SITREP_ALLOCATOR_IN_USE);
        if (chosen == u"jemalloc") {
            QVERIFY2(allocator.startsWith(u"jemalloc "), qPrintable(allocator));
            // A release number: "5.3.0".
            QVERIFY2(allocator.section(u' ', 1).count(u'.') == 2, qPrintable(allocator));
        } else {
            QVERIFY2(allocator.startsWith(u"libc.so"), qPrintable(allocator));
        }
    }

    void qtAndSqliteAllocations_goThroughIt()
    {
        if (QStringLiteral(SITREP_ALLOCATOR_IN_USE) != u"jemalloc")
            QSKIP("built with the C library's allocator");
        const auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
        QVERIFY(mallctl);
        constexpr std::size_t kBlock = 64 << 20;
        const std::uint64_t before = jemallocAllocated(mallctl);
        QVERIFY(before > 0);

        // A Qt container and SQLite's own allocator: both malloc underneath.
        QByteArray qt(qsizetype(kBlock), 'x');
        void *const lite = sqlite3_malloc64(kBlock);
        QVERIFY(lite);
        const std::uint64_t during = jemallocAllocated(mallctl);
        QVERIFY2(during >= before + 2 * kBlock - (1 << 20),
                 qPrintable(QStringLiteral("%1 -> %2 bytes").arg(before).arg(during)));

        sqlite3_free(lite);
        qt = QByteArray();
        const std::uint64_t after = jemallocAllocated(mallctl);
        QVERIFY2(after + 2 * kBlock - (1 << 20) <= during,
                 qPrintable(QStringLiteral("%1 -> %2 bytes").arg(during).arg(after)));
    }
};

QTEST_GUILESS_MAIN(TstAllocator)
#include "tst_allocator.moc"
