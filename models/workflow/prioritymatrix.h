// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace YAML {
class Node;
}

namespace sitrep::workflow {

/// Impact x urgency -> priority. The default is seed 000's ITIL matrix; a workflow file
/// or a separate YAML file can replace it.
class PriorityMatrix {
public:
    PriorityMatrix(); // the default matrix
    static Result<PriorityMatrix> fromYaml(const YAML::Node &node, const QString &source);

    const QStringList &impacts() const { return m_impacts; }
    const QStringList &urgencies() const { return m_urgencies; }
    /// Index of an impact/urgency name (case, spaces, '-' and '_' ignored; "1".."n" accepted), -1
    /// if none.
    int impactIndex(const QString &name) const;
    int urgencyIndex(const QString &name) const;
    domain::Priority at(int impact, int urgency) const;
    /// Priority for names; None when either is unknown.
    domain::Priority priority(const QString &impact, const QString &urgency) const;

private:
    QStringList m_impacts;
    QStringList m_urgencies;
    QList<QList<domain::Priority>> m_cells;
};

} // namespace sitrep::workflow
