// SPDX-License-Identifier: MIT
#include "itemmodels/workspacemodels.h"

#include "itemmodels/incidentcolumns.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

#include <functional>

namespace sitrep::itemmodels {

namespace {

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

/// Keys made unique by counting repeats (the same link attached twice in one millisecond).
QStringList uniqueKeys(QStringList keys)
{
    QHash<QString, int> seen;
    for (QString &k : keys) {
        const int n = seen[k]++;
        if (n > 0)
            k += u'#' + QString::number(n);
    }
    return keys;
}

/// The row-level difference between the current rows and the next ones, applied through
/// the model's insert/remove/dataChanged notifications. Falls back to a reset only when
/// rows that stay changed their relative order (which an append-only log does not do).
struct RowSync {
    std::function<void(int, int)> beginRemove, beginInsert;
    std::function<void()> endRemove, endInsert, beginReset, endReset;
    std::function<void(int)> changed;
};

template <class T, class Same>
void syncRows(QList<T> &rows, QStringList &keys, const QList<T> &next, const QStringList &nextKeys,
              const RowSync &s, Same same)
{
    const QSet<QString> nextSet(nextKeys.cbegin(), nextKeys.cend());
    const QSet<QString> curSet(keys.cbegin(), keys.cend());
    // The rows that stay must keep their order, else a reset is the honest notification.
    QStringList stay;
    for (const QString &k : nextKeys)
        if (curSet.contains(k))
            stay << k;
    QStringList kept;
    for (const QString &k : std::as_const(keys))
        if (nextSet.contains(k))
            kept << k;
    if (stay != kept) {
        s.beginReset();
        rows = next;
        keys = nextKeys;
        s.endReset();
        return;
    }
    for (int i = int(keys.size()) - 1; i >= 0; --i) {
        if (nextSet.contains(keys[i]))
            continue;
        int first = i;
        while (first > 0 && !nextSet.contains(keys[first - 1]))
            --first;
        s.beginRemove(first, i);
        rows.remove(first, i - first + 1);
        keys.remove(first, i - first + 1);
        s.endRemove();
        i = first;
    }
    int j = 0;
    for (int n = 0; n < nextKeys.size(); ++n) {
        if (j < keys.size() && keys[j] == nextKeys[n]) {
            if (!same(rows[j], next[n])) {
                rows[j] = next[n];
                s.changed(j);
            }
            ++j;
            continue;
        }
        s.beginInsert(j, j);
        rows.insert(j, next[n]);
        keys.insert(j, nextKeys[n]);
        s.endInsert();
        ++j;
    }
}

} // namespace

// ---- EvidenceModel -----------------------------------------------------------------------

EvidenceModel::EvidenceModel(QObject *parent) : QAbstractTableModel(parent) {}

void EvidenceModel::setItems(const QList<EvidenceItem> &items)
{
    QStringList keys;
    keys.reserve(items.size());
    for (const auto &e : items)
        keys << QStringLiteral("%1|%2|%3|%4|%5")
                    .arg(e.at)
                    .arg(e.actor, e.kind, e.sha256, e.url.isEmpty() ? e.name : e.url);
    RowSync s{[this](int a, int b) { beginRemoveRows({}, a, b); },
              [this](int a, int b) { beginInsertRows({}, a, b); },
              [this] { endRemoveRows(); },
              [this] { endInsertRows(); },
              [this] { beginResetModel(); },
              [this] { endResetModel(); },
              [this](int r) { Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1)); }};
    syncRows(m_rows, m_keys, items, uniqueKeys(keys), s,
             [](const EvidenceItem &a, const EvidenceItem &b) {
                 return a.title == b.title && a.name == b.name && a.mime == b.mime &&
                        a.size == b.size;
             });
}

int EvidenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EvidenceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EvidenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EvidenceItem &e = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Kind:
            return e.kind;
        case Title:
            return e.title.isEmpty() ? e.name : e.title;
        case Who:
            return e.actor;
        case When:
            return when(e.at);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return e.url.isEmpty() ? e.name : e.url;
    case UrlRole:
        return e.url;
    case Sha256Role:
        return e.sha256;
    case IsImageRole:
        return e.isImage();
    case TimestampRole:
        return e.at;
    default:
        break;
    }
    return {};
}

QVariant EvidenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Kind:
        return tr("Kind");
    case Title:
        return tr("Evidence");
    case Who:
        return tr("Who");
    case When:
        return tr("When");
    default:
        break;
    }
    return {};
}

// ---- StatusUpdateModel -------------------------------------------------------------------

StatusUpdateModel::StatusUpdateModel(QObject *parent) : QAbstractTableModel(parent) {}

void StatusUpdateModel::setItems(const QList<StatusUpdateItem> &items)
{
    QStringList keys;
    keys.reserve(items.size());
    for (const auto &u : items)
        keys << QStringLiteral("%1|%2|%3").arg(u.at).arg(u.actor, u.message);
    RowSync s{[this](int a, int b) { beginRemoveRows({}, a, b); },
              [this](int a, int b) { beginInsertRows({}, a, b); },
              [this] { endRemoveRows(); },
              [this] { endInsertRows(); },
              [this] { beginResetModel(); },
              [this] { endResetModel(); },
              [this](int r) { Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1)); }};
    syncRows(m_rows, m_keys, items, uniqueKeys(keys), s,
             [](const StatusUpdateItem &a, const StatusUpdateItem &b) {
                 return a.status == b.status && a.visibility == b.visibility;
             });
}

int StatusUpdateModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StatusUpdateModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StatusUpdateModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StatusUpdateItem &u = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return when(u.at);
        case Audience:
            return u.visibility == u"external" ? tr("External") : tr("Internal");
        case Status:
            return workflowStateLabel(u.status);
        case Who:
            return u.actor;
        case Message:
            return u.message;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == Message ? QVariant(u.message) : QVariant();
    case VisibilityRole:
        return u.visibility;
    case TimestampRole:
        return u.at;
    default:
        break;
    }
    return {};
}

QVariant StatusUpdateModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Audience:
        return tr("Audience");
    case Status:
        return tr("Status");
    case Who:
        return tr("Who");
    case Message:
        return tr("Message");
    default:
        break;
    }
    return {};
}

} // namespace sitrep::itemmodels
