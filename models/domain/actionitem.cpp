// SPDX-License-Identifier: MIT
#include "domain/actionitem.h"

#include <QHash>
#include <QJsonObject>

namespace sitrep::domain {

QList<ActionItem> actionItemsFrom(const QList<Event> &timeline)
{
    QList<ActionItem> items;
    QHash<QString, int> byId;
    for (const Event &e : timeline) {
        if (e.kind != kinds::ActionItem)
            continue;
        const QJsonObject &p = e.payload;
        const QString id = p[u"id"].toString();
        if (id.isEmpty())
            continue;
        const bool add = p[u"op"].toString(QStringLiteral("add")) == u"add";
        auto it = byId.constFind(id);
        if (it == byId.cend()) {
            if (!add && !p.contains(u"title"))
                continue; // an update of an item we never saw
            ActionItem a;
            a.id = id;
            a.incidentUid = e.incidentUid;
            a.createdAt = e.ts;
            a.status = QStringLiteral("open");
            byId.insert(id, int(items.size()));
            items << a;
            it = byId.constFind(id);
        }
        ActionItem &a = items[*it];
        applyActionItemFields(a, p);
        a.updatedAt = e.ts;
    }
    return items;
}

void applyActionItemFields(ActionItem &a, const QJsonObject &p)
{
    if (p.contains(u"title"))
        a.title = p[u"title"].toString();
    if (p.contains(u"owner"))
        a.owner = p[u"owner"].toString();
    if (p.contains(u"due"))
        a.due = p[u"due"].toString();
    if (p.contains(u"status"))
        a.status = p[u"status"].toString();
    if (p.contains(u"done")) {
        if (p[u"done"].toBool())
            a.status = QStringLiteral("done");
        else if (a.status == u"done")
            a.status = QStringLiteral("open");
    }
}

} // namespace sitrep::domain
