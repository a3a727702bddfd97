// SPDX-License-Identifier: MIT
#include "store/walcheckpointer.h"

#include "store/logging.h"
#include "store/walbuffer.h"

#include <sqlite3.h>

#include <cstring>

namespace sitrep::store {

namespace {
// Checkpoints of one pass at most: each copies what the writer committed during the one
// before, so a pass ends within a few unless the writer never pauses (the commit hook then
// asks for another pass).
constexpr int kRoundsPerPass = 16;
} // namespace

WalCheckpointer::WalCheckpointer(sqlite3 *db, const QString &path, int pages)
    : m_db(db), m_path(path.toUtf8()), m_pages(qMax(1, pages))
{
    sqlite3_wal_hook(m_db, &WalCheckpointer::onCommit, this);
}

WalCheckpointer::~WalCheckpointer()
{
    {
        std::lock_guard l(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    sqlite3_wal_autocheckpoint(m_db, m_pages); // replaces the hook
}

int WalCheckpointer::onCommit(void *self, sqlite3 *db, const char *name, int frames)
{
    auto &c = *static_cast<WalCheckpointer *>(self);
    const auto inPlace = [&] {
        int log = 0, copied = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        std::lock_guard l(c.m_mutex);
        if (rc == SQLITE_OK)
            ++c.m_counts.onCommit;
        else if (rc != SQLITE_BUSY)
            ++c.m_counts.failed;
        // Four thresholds ahead, the writer takes over: the thread ends its pass at its next
        // round, so that the writer's next try is not busy.
        c.m_yield = rc == SQLITE_BUSY && frames >= c.bound();
        return rc == SQLITE_OK ? copied : -1;
    };
    if (std::strcmp(name, "main") != 0) { // an attached database: as SQLite's own hook does
        if (frames >= c.m_pages)
            inPlace();
        return SQLITE_OK;
    }
    if (frames < c.m_lastFrames) // the log started again from its beginning
        c.m_backfilled = 0;
    c.m_lastFrames = frames;
    // The log starts again only when a transaction begins with all of it written back, and the
    // writer is inside a transaction nearly all the time during a storm: once the thread has
    // copied all but a little, the writer copies that rest itself, between two of its
    // transactions, and the next one starts the log again.
    const int behind = frames - c.m_backfilled;
    if (frames >= c.m_pages && (behind <= c.writerTail() || frames >= c.bound())) {
        int copied = inPlace();
        if (copied < 0 && frames >= c.bound()) {
            // Busy, most likely with the thread's round, which ends its pass now: wait for it
            // (as long as a checkpoint inside the commit would have taken) and copy.
            {
                std::unique_lock l(c.m_mutex);
                c.m_cv.wait(l, [&c] { return !c.m_running; });
            }
            copied = inPlace();
        }
        if (copied >= 0)
            c.m_backfilled = copied;
    } else if (behind >= c.m_pages) {
        std::lock_guard l(c.m_mutex);
        if (!c.m_stop) {
            c.m_wanted = true;
            if (!c.m_thread.joinable())
                c.m_thread = std::thread(&WalCheckpointer::run, &c);
            c.m_cv.notify_all();
        }
    }
    return SQLITE_OK;
}

void WalCheckpointer::run()
{
    std::unique_lock l(m_mutex);
    for (;;) {
        m_cv.wait(l, [this] { return m_stop || (m_wanted && m_paused == 0); });
        if (m_stop)
            return;
        m_wanted = false;
        m_running = true;
        l.unlock();
        writeBack();
        l.lock();
        m_running = false;
        m_cv.notify_all();
    }
}

void WalCheckpointer::writeBack()
{
    sqlite3 *c = nullptr;
    const auto fail = [&](const char *what) {
        qCWarning(lcStore) << "background checkpoint:" << what
                           << (c ? sqlite3_errmsg(c) : "out of memory");
        std::lock_guard l(m_mutex);
        ++m_counts.failed;
    };
    // A connection of its own, for this pass only: an idle one kept open would keep a change of
    // journal mode (a bulk load) from happening. Its first read finds the log.
    if (sqlite3_open_v2(m_path.constData(), &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        walBufferVfs()) != SQLITE_OK ||
        sqlite3_exec(c, "PRAGMA synchronous=NORMAL; PRAGMA schema_version", nullptr, nullptr,
                     nullptr) != SQLITE_OK) {
        fail("cannot open the database");
        sqlite3_close(c);
        return;
    }
    for (int round = 0; round < kRoundsPerPass; ++round) {
        {
            std::lock_guard l(m_mutex);
            if (m_stop || m_paused > 0 || m_yield)
                break;
        }
        int log = 0, copied = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(c, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        if (rc == SQLITE_BUSY) // another connection is checkpointing
            break;
        if (rc != SQLITE_OK) {
            fail("cannot write the log back");
            break;
        }
        const int before = m_backfilled.exchange(copied);
        {
            std::lock_guard l(m_mutex);
            ++m_counts.background;
        }
        // A round sees the log as it was when it began: once one had little left to copy, the
        // writer copies what it committed since (see onCommit()).
        if (copied - before <= threadTail())
            break;
    }
    sqlite3_close(c);
}

void WalCheckpointer::pause()
{
    std::unique_lock l(m_mutex);
    ++m_paused;
    m_cv.wait(l, [this] { return !m_running; });
}

void WalCheckpointer::resume()
{
    {
        std::lock_guard l(m_mutex);
        m_paused = qMax(0, m_paused - 1);
    }
    m_cv.notify_all();
}

void WalCheckpointer::waitIdle()
{
    std::unique_lock l(m_mutex);
    m_cv.wait(l, [this] { return !m_running && (!m_wanted || m_paused > 0 || m_stop); });
}

WalCheckpointer::Counts WalCheckpointer::counts() const
{
    std::lock_guard l(m_mutex);
    return m_counts;
}

} // namespace sitrep::store
