// SPDX-License-Identifier: MIT
#include "problems/problemlistmodel.h"

#include <QCoreApplication>
#include <QDateTime>

#include <iterator>

namespace sitrep::problems {

ProblemListModel::ProblemListModel(ProblemStore &store, QObject *parent)
    : TableModel(staticMetaObject.className(),
                 {QT_TR_NOOP("Problem"), QT_TR_NOOP("Title"), QT_TR_NOOP("Status"),
                  QT_TR_NOOP("Incidents"), QT_TR_NOOP("Known errors"), QT_TR_NOOP("Owner"),
                  QT_TR_NOOP("Updated")},
                 parent),
      m_store(store)
{
    refresh();
}

void ProblemListModel::refresh()
{
    beginResetModel();
    m_rows.clear();
    for (const Problem &p : m_store.problems(m_openOnly))
        m_rows << Row{p, int(m_store.knownErrorsOf(p.id).size())};
    endResetModel();
}

void ProblemListModel::setOpenOnly(bool on)
{
    if (on == m_openOnly)
        return;
    m_openOnly = on;
    refresh();
}

int ProblemListModel::rowOf(const QString &number) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].problem.number == number)
            return i;
    return -1;
}

QString ProblemListModel::statusLabel(const QString &status)
{
    if (status == u"open")
        return tr("Open");
    if (status == u"known_error")
        return tr("Known error");
    if (status == u"resolved")
        return tr("Resolved");
    if (status == u"closed")
        return tr("Closed");
    return status;
}

QVariant ProblemListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    const Problem &p = r.problem;
    if (role == NumberRole)
        return p.number;
    if (role == SortRole) // the counts sort as the numbers they show, the time as a time
        return index.column() == Updated ? QVariant(p.updatedAt) : data(index, Qt::DisplayRole);
    if (role == Qt::ToolTipRole && index.column() == Title)
        return p.description.isEmpty() ? p.title : p.description;
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Incidents || index.column() == KnownErrors))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    // What each column shows, in Column order.
    using Shown = QVariant (*)(const Row &);
    static constexpr Shown shown[] = {
        [](const Row &row) -> QVariant { return row.problem.number; },
        [](const Row &row) -> QVariant { return row.problem.title; },
        [](const Row &row) -> QVariant { return statusLabel(row.problem.status); },
        [](const Row &row) -> QVariant { return int(row.problem.incidents.size()); },
        [](const Row &row) -> QVariant { return row.knownErrors; },
        [](const Row &row) -> QVariant { return row.problem.owner; },
        [](const Row &row) -> QVariant {
            return QDateTime::fromMSecsSinceEpoch(row.problem.updatedAt, Qt::UTC)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        },
    };
    static_assert(std::size(shown) == ColumnCount);
    return index.column() < ColumnCount ? shown[index.column()](r) : QVariant();
}

} // namespace sitrep::problems
