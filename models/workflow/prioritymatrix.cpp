// SPDX-License-Identifier: MIT
#include "workflow/prioritymatrix.h"

#include "workflow/yamlutil.h"

namespace sitrep::workflow {

using domain::Priority;

PriorityMatrix::PriorityMatrix()
    : m_impacts{QStringLiteral("Enterprise-wide"), QStringLiteral("Multiple departments"),
                QStringLiteral("Single department"), QStringLiteral("Single user")},
      m_urgencies{QStringLiteral("Critical"), QStringLiteral("High"), QStringLiteral("Medium"),
                  QStringLiteral("Low")},
      m_cells{{Priority::P1, Priority::P1, Priority::P2, Priority::P2},
              {Priority::P1, Priority::P2, Priority::P2, Priority::P3},
              {Priority::P2, Priority::P2, Priority::P3, Priority::P3},
              {Priority::P2, Priority::P3, Priority::P3, Priority::P4}}
{
}

static int indexIn(const QStringList &names, const QString &name)
{
    const QString n = looseName(name);
    if (n.isEmpty())
        return -1;
    for (int i = 0; i < names.size(); ++i)
        if (looseName(names[i]) == n)
            return i;
    bool ok = false;
    const int k = n.toInt(&ok);
    if (ok && k >= 1 && k <= names.size())
        return k - 1;
    return -1;
}

int PriorityMatrix::impactIndex(const QString &name) const
{
    return indexIn(m_impacts, name);
}
int PriorityMatrix::urgencyIndex(const QString &name) const
{
    return indexIn(m_urgencies, name);
}

Priority PriorityMatrix::at(int impact, int urgency) const
{
    if (impact < 0 || impact >= m_cells.size() || urgency < 0 || urgency >= m_urgencies.size())
        return Priority::None;
    return m_cells[impact][urgency];
}

Priority PriorityMatrix::priority(const QString &impact, const QString &urgency) const
{
    return at(impactIndex(impact), urgencyIndex(urgency));
}

Result<PriorityMatrix> PriorityMatrix::fromYaml(const YAML::Node &node, const QString &source)
{
    using R = Result<PriorityMatrix>;
    if (!node.IsMap())
        return R::fail(
            yamlError(source, node.Mark(), QStringLiteral("priority_matrix must be a mapping")));
    PriorityMatrix m;
    m.m_impacts = strList(node["impacts"]);
    m.m_urgencies = strList(node["urgencies"]);
    if (m.m_impacts.isEmpty() || m.m_urgencies.isEmpty())
        return R::fail(
            yamlError(source, node.Mark(),
                      QStringLiteral("priority_matrix needs 'impacts' and 'urgencies' lists")));
    const YAML::Node rows = node["matrix"];
    if (!rows || !rows.IsMap())
        return R::fail(yamlError(
            source, node.Mark(),
            QStringLiteral("priority_matrix needs a 'matrix' mapping impact -> priorities")));
    m.m_cells = QList<QList<Priority>>(m.m_impacts.size());
    QList<bool> seen(m.m_impacts.size(), false);
    for (const auto &kv : rows) {
        const QString impact = str(kv.first);
        const int i = indexIn(m.m_impacts, impact);
        if (i < 0)
            return R::fail(yamlError(source, kv.first.Mark(),
                                     QStringLiteral("unknown impact '%1' in matrix").arg(impact)));
        if (seen[i])
            return R::fail(
                yamlError(source, kv.first.Mark(),
                          QStringLiteral("impact '%1' appears twice in matrix").arg(impact)));
        const QStringList cells = strList(kv.second);
        if (cells.size() != m.m_urgencies.size())
            return R::fail(yamlError(source, kv.second.Mark(),
                                     QStringLiteral("impact '%1' has %2 priorities, expected %3")
                                         .arg(impact)
                                         .arg(cells.size())
                                         .arg(m.m_urgencies.size())));
        for (const QString &c : cells) {
            const Priority p = domain::parsePriority(c);
            if (p == Priority::None)
                return R::fail(yamlError(source, kv.second.Mark(),
                                         QStringLiteral("'%1' is not a priority (P1-P4)").arg(c)));
            m.m_cells[i].append(p);
        }
        seen[i] = true;
    }
    for (int i = 0; i < seen.size(); ++i)
        if (!seen[i])
            return R::fail(
                yamlError(source, rows.Mark(),
                          QStringLiteral("matrix has no row for impact '%1'").arg(m.m_impacts[i])));
    return m;
}

} // namespace sitrep::workflow
