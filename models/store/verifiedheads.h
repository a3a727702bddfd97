// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"
#include "util/result.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace sitrep::store {

/// What `sitrep verify` last found good for one incident: how many events its log held and
/// the hash of the last one.
struct VerifiedHead {
    qint64 count = 0;
    QString head; // hex
    bool operator==(const VerifiedHead &) const = default;
};
using VerifiedHeads = QHash<QString, VerifiedHead>; // by incident uid

/// The verified heads are kept outside the database file, in `<database>.verified` next to
/// it: whoever can rewrite the database can rewrite any record inside it, so a log cut short
/// (events dropped from the end of a chain, or a chain written again) would verify again.
QString verifiedHeadsPath(const QString &databasePath);
/// Reads the file: empty when there is none; fails when it is there but unreadable.
Result<VerifiedHeads> loadVerifiedHeads(const QString &path);
/// Writes the file (a new file renamed over the old one).
Status saveVerifiedHeads(const QString &path, const VerifiedHeads &heads);

/// One pass over the log: its heads now (`now`), and what is wrong against the heads
/// verified before: an incident whose log is shorter than verified, or whose chain no longer
/// holds the verified head at its place.
QStringList checkVerifiedHeads(Store &store, const VerifiedHeads &verified, VerifiedHeads *now);

} // namespace sitrep::store
