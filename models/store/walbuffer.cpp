// SPDX-License-Identifier: MIT
// The write-ahead log's frames of a transaction, gathered into one write.
//
// SQLite writes each frame of the log with two calls, its 24-byte header and then its page,
// so a commit of 400 pages makes 800 write calls, each crossing into the kernel and touching
// the file's cache once more (the page straddles two of them). The platform's file system
// layer here wraps the platform's default one and, for log files only, keeps a transaction's
// frames in memory as long as they are contiguous and writes them out in one call:
//
// - when the frame that commits the transaction is complete (its header carries the database
//   size after the commit; nothing else does). SQLite publishes the new frames to other
//   connections only after that write returns, so every reader finds them in the file, and a
//   failed write fails the commit as an unbuffered one would;
// - before anything reads, syncs, truncates or sizes the log, and before a write elsewhere in
//   it (SQLite rewrites a frame in place now and then);
// - before the connection gives up the log's write lock (a shared-memory lock on the main
//   database file, which this layer wraps for that hook alone): frames of a transaction that
//   spilled pages and then rolled back are written exactly where SQLite would have written
//   them, while no other writer can be between;
// - when the buffer is full, and when the file closes.
// Whatever cannot be decided (the log's page size unread, a platform file without shared
// memory) writes through, as SQLite alone would.
#include "store/walbuffer.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace sitrep::store {
namespace {

constexpr int kWalHeaderSize = 32;
constexpr int kFrameHeaderSize = 24;
// The platform layer writes at most 128 KiB less a byte per call (larger writes come back
// short or not at all), and a buffer of 16 pages already saves most of the calls.
constexpr int kBufferSize = 1 << 16;
constexpr int kWriteLockSlot = 0; // WAL_WRITE_LOCK in SQLite's wal.c

std::atomic<qint64> g_frameWrites{0};
std::atomic<qint64> g_fileWrites{0};
std::atomic<qint64> g_commitFlushes{0};

struct MainFile;

struct WalFile {
    sqlite3_file base;
    sqlite3_file *real;
    MainFile *main;
    char *buf;
    int len;
    sqlite3_int64 start;     // the file offset of buf[0]
    int pageSize;            // from the log's header; 0 while unknown
    sqlite3_int64 commitEnd; // where the committing frame ends; -1: none pending
    bool through;            // write every call through
};

struct MainFile {
    sqlite3_file base;
    sqlite3_file *real;
    WalFile *wal;
};

sqlite3_vfs *g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_walMethods;
sqlite3_io_methods g_mainMethods;

WalFile *walOf(sqlite3_file *f)
{
    return reinterpret_cast<WalFile *>(f);
}
MainFile *mainOf(sqlite3_file *f)
{
    return reinterpret_cast<MainFile *>(f);
}

quint32 be32(const unsigned char *p)
{
    return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
}

int pageSizeOf(const unsigned char *walHeader)
{
    const quint32 v = be32(walHeader + 8);
    return v == 1 ? 65536 : int(v); // 65536 does not fit the field's 16 bits: it is written 1
}

int flush(WalFile *w)
{
    if (w->len == 0)
        return SQLITE_OK;
    const int n = w->len;
    w->len = 0; // after a failure too: SQLite fails the transaction and writes its frames again
    g_fileWrites.fetch_add(1, std::memory_order_relaxed);
    return w->real->pMethods->xWrite(w->real, w->buf, n, w->start);
}

// ---- the log's methods ----

int walClose(sqlite3_file *f)
{
    WalFile *w = walOf(f);
    const int rc = flush(w);
    if (w->main)
        w->main->wal = nullptr;
    std::free(w->buf);
    w->buf = nullptr;
    const int rc2 = w->real->pMethods ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : rc2;
}

int walRead(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
    WalFile *w = walOf(f);
    if (const int rc = flush(w); rc != SQLITE_OK)
        return rc;
    return w->real->pMethods->xRead(w->real, p, amt, off);
}

// Learns the page size from the log's header in the file (written by an earlier connection).
void learnPageSize(WalFile *w)
{
    unsigned char h[kWalHeaderSize];
    if (w->real->pMethods->xRead(w->real, h, kWalHeaderSize, 0) == SQLITE_OK) {
        const int ps = pageSizeOf(h);
        if (ps >= 512 && ps <= 65536 && (ps & (ps - 1)) == 0)
            w->pageSize = ps;
    }
}

int walWrite(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
    WalFile *w = walOf(f);
    const auto *b = static_cast<const unsigned char *>(p);
    g_frameWrites.fetch_add(1, std::memory_order_relaxed);
    if (off == 0 && amt == kWalHeaderSize) {
        const int ps = pageSizeOf(b);
        w->pageSize = ps >= 512 && ps <= 65536 && (ps & (ps - 1)) == 0 ? ps : 0;
    }
    if (w->len > 0 && off != w->start + w->len)
        if (const int rc = flush(w); rc != SQLITE_OK)
            return rc;
    if (!w->through && w->pageSize == 0 && off > 0) {
        learnPageSize(w); // the buffer is empty here or ends where this write starts
        w->through = w->pageSize == 0;
    }
    if (w->through || w->pageSize == 0) {
        if (const int rc = flush(w); rc != SQLITE_OK)
            return rc;
        g_fileWrites.fetch_add(1, std::memory_order_relaxed);
        return w->real->pMethods->xWrite(w->real, p, amt, off);
    }
    // A frame's header names the database's size in pages after the commit it ends, and
    // nothing but a commit's last frame has one.
    if (amt == kFrameHeaderSize && (b[4] | b[5] | b[6] | b[7]) != 0)
        w->commitEnd = off + kFrameHeaderSize + w->pageSize;
    if (amt > kBufferSize - w->len) {
        if (const int rc = flush(w); rc != SQLITE_OK)
            return rc;
    }
    if (amt > kBufferSize) {
        g_fileWrites.fetch_add(1, std::memory_order_relaxed);
        const int rc = w->real->pMethods->xWrite(w->real, p, amt, off);
        if (w->commitEnd >= 0 && off + amt >= w->commitEnd)
            w->commitEnd = -1;
        return rc;
    }
    if (!w->buf) {
        w->buf = static_cast<char *>(std::malloc(kBufferSize));
        if (!w->buf) {
            g_fileWrites.fetch_add(1, std::memory_order_relaxed);
            return w->real->pMethods->xWrite(w->real, p, amt, off);
        }
    }
    if (w->len == 0)
        w->start = off;
    std::memcpy(w->buf + w->len, p, size_t(amt));
    w->len += amt;
    if (w->commitEnd >= 0 && w->start + w->len >= w->commitEnd) {
        w->commitEnd = -1;
        g_commitFlushes.fetch_add(1, std::memory_order_relaxed);
        return flush(w);
    }
    return SQLITE_OK;
}

int walTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    WalFile *w = walOf(f);
    if (const int rc = flush(w); rc != SQLITE_OK)
        return rc;
    return w->real->pMethods->xTruncate(w->real, size);
}

int walSync(sqlite3_file *f, int flags)
{
    WalFile *w = walOf(f);
    if (const int rc = flush(w); rc != SQLITE_OK)
        return rc;
    return w->real->pMethods->xSync(w->real, flags);
}

int walFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    WalFile *w = walOf(f);
    if (const int rc = flush(w); rc != SQLITE_OK)
        return rc;
    return w->real->pMethods->xFileSize(w->real, size);
}

int walLock(sqlite3_file *f, int l)
{
    return walOf(f)->real->pMethods->xLock(walOf(f)->real, l);
}
int walUnlock(sqlite3_file *f, int l)
{
    return walOf(f)->real->pMethods->xUnlock(walOf(f)->real, l);
}
int walCheckReserved(sqlite3_file *f, int *out)
{
    return walOf(f)->real->pMethods->xCheckReservedLock(walOf(f)->real, out);
}
int walFileControl(sqlite3_file *f, int op, void *arg)
{
    WalFile *w = walOf(f);
    if (const int rc = flush(w); rc != SQLITE_OK)
        return rc;
    return w->real->pMethods->xFileControl(w->real, op, arg);
}
int walSectorSize(sqlite3_file *f)
{
    return walOf(f)->real->pMethods->xSectorSize(walOf(f)->real);
}
int walDevice(sqlite3_file *f)
{
    return walOf(f)->real->pMethods->xDeviceCharacteristics(walOf(f)->real);
}

// ---- the main database's methods: passed through, but for the write lock's release ----

sqlite3_file *realOf(sqlite3_file *f)
{
    return mainOf(f)->real;
}

int mainClose(sqlite3_file *f)
{
    MainFile *m = mainOf(f);
    if (m->wal)
        m->wal->main = nullptr;
    m->wal = nullptr;
    return m->real->pMethods ? m->real->pMethods->xClose(m->real) : SQLITE_OK;
}
int mainRead(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
    return realOf(f)->pMethods->xRead(realOf(f), p, amt, off);
}
int mainWrite(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
    return realOf(f)->pMethods->xWrite(realOf(f), p, amt, off);
}
int mainTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}
int mainSync(sqlite3_file *f, int flags)
{
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}
int mainFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int mainLock(sqlite3_file *f, int l)
{
    return realOf(f)->pMethods->xLock(realOf(f), l);
}
int mainUnlock(sqlite3_file *f, int l)
{
    // In exclusive locking mode, which keeps the log's write lock to itself, giving up the
    // file lock is what lets other connections write. (Otherwise the buffer is empty here.)
    MainFile *m = mainOf(f);
    if (m->wal)
        (void)flush(m->wal);
    return m->real->pMethods->xUnlock(m->real, l);
}
int mainCheckReserved(sqlite3_file *f, int *out)
{
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int mainFileControl(sqlite3_file *f, int op, void *arg)
{
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int mainSectorSize(sqlite3_file *f)
{
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int mainDevice(sqlite3_file *f)
{
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int mainShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
    return realOf(f)->pMethods->xShmMap(realOf(f), region, size, extend, pp);
}
int mainShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    MainFile *m = mainOf(f);
    if ((flags & SQLITE_SHM_UNLOCK) && offset <= kWriteLockSlot && kWriteLockSlot < offset + n &&
        m->wal)
        (void)flush(m->wal); // frames past the log's end: a failure loses nothing
    return m->real->pMethods->xShmLock(m->real, offset, n, flags);
}
void mainShmBarrier(sqlite3_file *f)
{
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int mainShmUnmap(sqlite3_file *f, int del)
{
    return realOf(f)->pMethods->xShmUnmap(realOf(f), del);
}
int mainFetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    return realOf(f)->pMethods->xFetch(realOf(f), off, amt, pp);
}
int mainUnfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return realOf(f)->pMethods->xUnfetch(realOf(f), off, p);
}

// ---- the file system layer ----

int vfsOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    if (flags & SQLITE_OPEN_MAIN_DB) {
        MainFile *m = mainOf(f);
        m->real = reinterpret_cast<sqlite3_file *>(m + 1);
        m->wal = nullptr;
        m->base.pMethods = nullptr;
        const int rc = g_real->xOpen(g_real, name, m->real, flags, outFlags);
        if (rc != SQLITE_OK) {
            if (m->real->pMethods) // SQLite closes only what it is handed back open
                m->real->pMethods->xClose(m->real);
            return rc;
        }
        if (m->real->pMethods->iVersion < 3) {
            // No shared memory or no memory map: not this layer's to wrap. The real file
            // moves to the front, where SQLite expects it.
            m->real->pMethods->xClose(m->real);
            return g_real->xOpen(g_real, name, f, flags, outFlags);
        }
        m->base.pMethods = &g_mainMethods;
        return SQLITE_OK;
    }
    if (!(flags & SQLITE_OPEN_WAL))
        return g_real->xOpen(g_real, name, f, flags, outFlags);
    WalFile *w = walOf(f);
    *w = WalFile{};
    w->real = reinterpret_cast<sqlite3_file *>(w + 1);
    w->commitEnd = -1;
    const int rc = g_real->xOpen(g_real, name, w->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (w->real->pMethods)
            w->real->pMethods->xClose(w->real);
        return rc;
    }
    // Frames are buffered only where the release of the write lock can be seen.
    sqlite3_file *db = sqlite3_database_file_object(name);
    if (db && db->pMethods == &g_mainMethods && !mainOf(db)->wal) {
        w->main = mainOf(db);
        w->main->wal = w;
    } else {
        w->through = true;
    }
    w->base.pMethods = &g_walMethods;
    return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs *, const char *name, int sync)
{
    return g_real->xDelete(g_real, name, sync);
}
int vfsAccess(sqlite3_vfs *, const char *name, int flags, int *out)
{
    return g_real->xAccess(g_real, name, flags, out);
}
int vfsFullPathname(sqlite3_vfs *, const char *name, int n, char *out)
{
    return g_real->xFullPathname(g_real, name, n, out);
}
void *vfsDlOpen(sqlite3_vfs *, const char *name)
{
    return g_real->xDlOpen(g_real, name);
}
void vfsDlError(sqlite3_vfs *, int n, char *out)
{
    g_real->xDlError(g_real, n, out);
}
void (*vfsDlSym(sqlite3_vfs *, void *h, const char *sym))(void)
{
    return g_real->xDlSym(g_real, h, sym);
}
void vfsDlClose(sqlite3_vfs *, void *h)
{
    g_real->xDlClose(g_real, h);
}
int vfsRandomness(sqlite3_vfs *, int n, char *out)
{
    return g_real->xRandomness(g_real, n, out);
}
int vfsSleep(sqlite3_vfs *, int us)
{
    return g_real->xSleep(g_real, us);
}
int vfsCurrentTime(sqlite3_vfs *, double *out)
{
    return g_real->xCurrentTime(g_real, out);
}
int vfsGetLastError(sqlite3_vfs *, int n, char *out)
{
    return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}
int vfsCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out)
{
    return g_real->xCurrentTimeInt64(g_real, out);
}

bool registerVfs()
{
    g_real = sqlite3_vfs_find(nullptr);
    if (!g_real || g_real->iVersion < 2 || !g_real->xCurrentTimeInt64)
        return false;
    g_walMethods = sqlite3_io_methods{};
    g_walMethods.iVersion = 1; // the log is neither shared memory nor memory-mapped
    g_walMethods.xClose = walClose;
    g_walMethods.xRead = walRead;
    g_walMethods.xWrite = walWrite;
    g_walMethods.xTruncate = walTruncate;
    g_walMethods.xSync = walSync;
    g_walMethods.xFileSize = walFileSize;
    g_walMethods.xLock = walLock;
    g_walMethods.xUnlock = walUnlock;
    g_walMethods.xCheckReservedLock = walCheckReserved;
    g_walMethods.xFileControl = walFileControl;
    g_walMethods.xSectorSize = walSectorSize;
    g_walMethods.xDeviceCharacteristics = walDevice;

    g_mainMethods = sqlite3_io_methods{};
    g_mainMethods.iVersion = 3;
    g_mainMethods.xClose = mainClose;
    g_mainMethods.xRead = mainRead;
    g_mainMethods.xWrite = mainWrite;
    g_mainMethods.xTruncate = mainTruncate;
    g_mainMethods.xSync = mainSync;
    g_mainMethods.xFileSize = mainFileSize;
    g_mainMethods.xLock = mainLock;
    g_mainMethods.xUnlock = mainUnlock;
    g_mainMethods.xCheckReservedLock = mainCheckReserved;
    g_mainMethods.xFileControl = mainFileControl;
    g_mainMethods.xSectorSize = mainSectorSize;
    g_mainMethods.xDeviceCharacteristics = mainDevice;
    g_mainMethods.xShmMap = mainShmMap;
    g_mainMethods.xShmLock = mainShmLock;
    g_mainMethods.xShmBarrier = mainShmBarrier;
    g_mainMethods.xShmUnmap = mainShmUnmap;
    g_mainMethods.xFetch = mainFetch;
    g_mainMethods.xUnfetch = mainUnfetch;

    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = int(qMax(sizeof(WalFile), sizeof(MainFile))) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = kWalBufferVfs;
    g_vfs.xOpen = vfsOpen;
    g_vfs.xDelete = vfsDelete;
    g_vfs.xAccess = vfsAccess;
    g_vfs.xFullPathname = vfsFullPathname;
    g_vfs.xDlOpen = vfsDlOpen;
    g_vfs.xDlError = vfsDlError;
    g_vfs.xDlSym = vfsDlSym;
    g_vfs.xDlClose = vfsDlClose;
    g_vfs.xRandomness = vfsRandomness;
    g_vfs.xSleep = vfsSleep;
    g_vfs.xCurrentTime = vfsCurrentTime;
    g_vfs.xGetLastError = vfsGetLastError;
    g_vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
    return sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK;
}

} // namespace

const char *walBufferVfs()
{
    static const bool ok = registerVfs(); // thread-safe once, as configureSqlite()
    return ok ? kWalBufferVfs : nullptr;
}

WalBufferCounts walBufferCounts()
{
    return {g_frameWrites.load(std::memory_order_relaxed),
            g_fileWrites.load(std::memory_order_relaxed),
            g_commitFlushes.load(std::memory_order_relaxed)};
}

} // namespace sitrep::store
