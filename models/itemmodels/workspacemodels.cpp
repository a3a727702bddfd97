// SPDX-License-Identifier: MIT
#include "itemmodels/workspacemodels.h"

#include "itemmodels/incidentcolumns.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

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

} // namespace

// The row-level difference between the current rows and the next ones, applied through the
// model's insert/remove/dataChanged notifications. Falls back to a reset only when rows that
// stay changed their relative order (which an append-only log does not do).
template <class T>
void KeyedTableModel<T>::apply(const QList<T> &next, const QStringList &keys,
                               bool (*same)(const T &, const T &))
{
    const QStringList nextKeys = uniqueKeys(keys);
    const QSet<QString> nextSet(nextKeys.cbegin(), nextKeys.cend());
    const QSet<QString> curSet(m_keys.cbegin(), m_keys.cend());
    // The rows that stay must keep their order, else a reset is the honest notification.
    QStringList stay;
    for (const QString &k : nextKeys)
        if (curSet.contains(k))
            stay << k;
    QStringList kept;
    for (const QString &k : std::as_const(m_keys))
        if (nextSet.contains(k))
            kept << k;
    if (stay != kept) {
        this->beginResetModel();
        m_rows = next;
        m_keys = nextKeys;
        this->endResetModel();
        return;
    }
    for (int i = int(m_keys.size()) - 1; i >= 0; --i) {
        if (nextSet.contains(m_keys[i]))
            continue;
        int first = i;
        while (first > 0 && !nextSet.contains(m_keys[first - 1]))
            --first;
        this->beginRemoveRows({}, first, i);
        m_rows.remove(first, i - first + 1);
        m_keys.remove(first, i - first + 1);
        this->endRemoveRows();
        i = first;
    }
    int j = 0;
    for (int n = 0; n < nextKeys.size(); ++n) {
        if (j < m_keys.size() && m_keys[j] == nextKeys[n]) {
            if (!same(m_rows[j], next[n])) {
                m_rows[j] = next[n];
                Q_EMIT this->dataChanged(this->index(j, 0),
                                         this->index(j, this->columnCount() - 1));
            }
            ++j;
            continue;
        }
        this->beginInsertRows({}, j, j);
        m_rows.insert(j, next[n]);
        m_keys.insert(j, nextKeys[n]);
        this->endInsertRows();
        ++j;
    }
}

template <class T> QVariant KeyedTableModel<T>::data(const QModelIndex &index, int role) const
{
    if (!this->checkIndex(index, QAbstractItemModel::CheckIndexOption::IndexIsValid |
                                     QAbstractItemModel::CheckIndexOption::ParentIsInvalid))
        return {};
    const T &item = m_rows[index.row()];
    return role == Qt::DisplayRole ? display(item, index.column())
                                   : roleData(item, index.column(), role);
}

template class KeyedTableModel<EvidenceItem>;
template class KeyedTableModel<StatusUpdateItem>;

// ---- EvidenceModel -----------------------------------------------------------------------

EvidenceModel::EvidenceModel(QObject *parent)
    : KeyedTableModel(
          staticMetaObject.className(),
          {QT_TR_NOOP("Kind"), QT_TR_NOOP("Evidence"), QT_TR_NOOP("Who"), QT_TR_NOOP("When")},
          parent)
{
}

void EvidenceModel::setItems(const QList<EvidenceItem> &items)
{
    QStringList keys;
    keys.reserve(items.size());
    for (const auto &e : items)
        keys << QStringLiteral("%1|%2|%3|%4|%5")
                    .arg(e.at)
                    .arg(e.actor, e.kind, e.sha256, e.url.isEmpty() ? e.name : e.url);
    apply(items, keys, [](const EvidenceItem &a, const EvidenceItem &b) {
        return a.title == b.title && a.name == b.name && a.mime == b.mime && a.size == b.size;
    });
}

QVariant EvidenceModel::display(const EvidenceItem &e, int column) const
{
    switch (column) {
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
}

QVariant EvidenceModel::roleData(const EvidenceItem &e, int, int role) const
{
    switch (role) {
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
        return {};
    }
}

// ---- StatusUpdateModel -------------------------------------------------------------------

StatusUpdateModel::StatusUpdateModel(QObject *parent)
    : KeyedTableModel(staticMetaObject.className(),
                      {QT_TR_NOOP("Time"), QT_TR_NOOP("Audience"), QT_TR_NOOP("Status"),
                       QT_TR_NOOP("Who"), QT_TR_NOOP("Message")},
                      parent)
{
}

void StatusUpdateModel::setItems(const QList<StatusUpdateItem> &items)
{
    QStringList keys;
    keys.reserve(items.size());
    for (const auto &u : items)
        keys << QStringLiteral("%1|%2|%3").arg(u.at).arg(u.actor, u.message);
    apply(items, keys, [](const StatusUpdateItem &a, const StatusUpdateItem &b) {
        return a.status == b.status && a.visibility == b.visibility;
    });
}

QVariant StatusUpdateModel::display(const StatusUpdateItem &u, int column) const
{
    switch (column) {
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
}

QVariant StatusUpdateModel::roleData(const StatusUpdateItem &u, int column, int role) const
{
    switch (role) {
    case Qt::ToolTipRole:
        return column == Message ? QVariant(u.message) : QVariant();
    case VisibilityRole:
        return u.visibility;
    case TimestampRole:
        return u.at;
    default:
        return {};
    }
}

} // namespace sitrep::itemmodels
