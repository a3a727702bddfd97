// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::query {

/// "1h 05m", "3d 4h", "42s": a compact, readable duration for timers, the list and the
/// reminder texts; negative durations get a leading minus.
QString formatDuration(qint64 ms);

} // namespace sitrep::query
