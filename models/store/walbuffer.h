// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

namespace sitrep::store {

/// The name under which the file system layer below is registered with SQLite.
inline constexpr char kWalBufferVfs[] = "sitrep-walbuffer";

/// The platform's file system layer for SQLite, writing each transaction's write-ahead log
/// frames with one call instead of two per page (walbuffer.cpp says when they reach the
/// file). Registered on the first call, not as the process default; Db::open() uses it.
/// nullptr when it cannot be registered: SQLite's default layer then serves.
const char *walBufferVfs();

/// Since the process started: write calls SQLite made on log files opened through the layer,
/// the writes the layer made to them, and the buffers it wrote out because a transaction's
/// commit frame was complete (before SQLite shows the frames to other connections).
struct WalBufferCounts {
    qint64 logWrites = 0;
    qint64 fileWrites = 0;
    qint64 commitWrites = 0;
};
WalBufferCounts walBufferCounts();

} // namespace sitrep::store
