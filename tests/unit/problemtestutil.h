// SPDX-License-Identifier: MIT
// What the problem and knowledge-base tests share: their replica-lag problem and its known
// error.
#pragma once

#include "problems/problemstore.h"

namespace pmtest {

/// The replica-lag problem, recorded by erin, owned by `owner` (nobody when empty).
inline sitrep::Result<sitrep::problems::Problem>
replicaLagProblem(sitrep::problems::ProblemStore &ps, const QString &owner = {})
{
    return ps.createProblem(QStringLiteral("Replica lag during batch loads"), {}, owner,
                            QStringLiteral("erin"));
}

/// A known error titled `title` of the replica-lag problem `problem`, recorded by erin: lag
/// above 60 s on postgresql, caused by WAL volume, worked around by reading from the primary.
inline sitrep::Result<sitrep::problems::KnownError>
replicaLagKnownError(sitrep::problems::ProblemStore &ps, const QString &problem,
                     const QString &title)
{
    return ps.createKnownError(title, QStringLiteral("Replication lag above 60s"),
                               QStringLiteral("Route reads to the primary"),
                               QStringLiteral("WAL volume"), {QStringLiteral("postgresql")},
                               problem, QStringLiteral("erin"));
}

} // namespace pmtest
