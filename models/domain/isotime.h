// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::domain {

/// Milliseconds since the epoch of an ISO 8601 date-time ("2026-03-01T10:00:00Z", with or
/// without milliseconds) or date (midnight UTC); a time without a zone is taken as UTC.
/// -1 when `text` is neither.
qint64 parseIsoTime(const QString &text);

} // namespace sitrep::domain
