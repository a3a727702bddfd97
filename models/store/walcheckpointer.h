// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace sitrep::store {

/// Pages of write-ahead log after which a store writes it back into the database file (about
/// 40 MiB): a page that many commits of a burst touch (an incident row, an index leaf) is
/// copied back once.
inline constexpr int kWalCheckpointPages = 10000;

/// Writes a database's write-ahead log back into the database file (a checkpoint) on a thread
/// of its own, so that a commit never waits for it. SQLite's automatic checkpoint runs inside
/// the commit that takes the log past its threshold, with the syncs of both files; during a
/// storm that is a fifth to a third of the writing thread's time.
///
/// It replaces the connection's automatic checkpoint with a commit hook. Once `pages` frames
/// of the log are not yet written back, the hook wakes the thread, which opens a connection of
/// its own and checkpoints PASSIVE (never waiting for readers or the writer), round after
/// round, until a round finds little to copy. The log starts again from its beginning (which
/// keeps the file from growing) only when a transaction begins with all of it written back,
/// and a busy writer is nearly always inside one: so the writer copies the rest itself, right
/// after a commit, once the thread has left less than writerTail(). Should the writer get
/// `4 * pages` ahead all the same (a reader holding an old snapshot, checkpoints paused, a
/// thread that cannot keep up), it checkpoints on its own connection after each commit, as
/// SQLite's own would, first waiting for a round of the thread to end: the log stays bounded
/// as before. A checkpoint copies pages already committed; what any connection reads and what
/// a crash keeps are the same with or without it.
class WalCheckpointer {
public:
    struct Counts {
        qint64 background = 0; // checkpoints the thread ran
        qint64 onCommit = 0;   // checkpoints the commit hook ran on the writer's connection
        qint64 failed = 0;     // checkpoints that failed for a reason other than being busy
    };

    /// Takes over the checkpoints of `db`, a connection in WAL mode on the file `path`.
    WalCheckpointer(sqlite3 *db, const QString &path, int pages);
    /// Waits for a running checkpoint, stops the thread and gives the connection back its
    /// automatic checkpoint.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    /// Waits for a running checkpoint and starts no other until resume() (a change of journal
    /// mode needs the only connection to the file). Nests.
    void pause();
    void resume();
    /// Waits until the thread has no checkpoint running or asked for.
    void waitIdle();
    Counts counts() const;

private:
    static int onCommit(void *self, sqlite3 *db, const char *name, int frames);
    void run();
    /// One pass of the thread: checkpoints until the log is written back whole.
    void writeBack();
    /// Frames the writer copies itself once the thread has copied the others, and the fewer a
    /// round of the thread copies that ends its pass (the writer goes on committing meanwhile).
    int writerTail() const { return qMax(64, m_pages / 4); }
    int threadTail() const { return qMax(16, m_pages / 16); }
    /// Frames of log past which the writer copies after each commit itself.
    int bound() const { return 4 * m_pages; }

    sqlite3 *const m_db;
    const QByteArray m_path;
    const int m_pages;
    // Frames of the current log known written back, and the log's size at the last commit
    // (written by both threads: a figure to decide when to wake the thread, never trusted
    // for more than that).
    std::atomic<int> m_backfilled{0};
    int m_lastFrames = 0;

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_wanted = false;
    bool m_running = false;
    bool m_stop = false;
    int m_paused = 0;
    bool m_yield = false; // the writer, four thresholds ahead, copies the log itself
    Counts m_counts;
    std::thread m_thread; // started at the first checkpoint asked for
};

/// Holds a checkpointer's checkpoints off while it lives; nothing without a checkpointer.
class CheckpointPause {
public:
    explicit CheckpointPause(WalCheckpointer *c) : m_c(c)
    {
        if (m_c)
            m_c->pause();
    }
    ~CheckpointPause()
    {
        if (m_c)
            m_c->resume();
    }
    CheckpointPause(const CheckpointPause &) = delete;
    CheckpointPause &operator=(const CheckpointPause &) = delete;

private:
    WalCheckpointer *m_c;
};

} // namespace sitrep::store
