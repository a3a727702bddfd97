// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace sitrep::domain {

/// An action item as the event log tells it (action_item events folded).
struct ActionItem {
    QString id;
    QString incidentUid;
    QString number;
    QString title;
    QString owner;
    QString due;    // YYYY-MM-DD or empty
    QString status; // open | in_progress | done
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    bool isDone() const { return status == u"done"; }
};

/// Folds the action_item events of one timeline (add, then updates by id). The one fold
/// every view uses, so an item closed in one place shows as done everywhere.
QList<ActionItem> actionItemsFrom(const QList<Event> &timeline);

/// Applies the fields one action_item event payload carries (title, owner, due, status, done)
/// to an item; fields the payload leaves out keep their value. Used by the fold above and by
/// the action_items projection so both read an event the same way.
void applyActionItemFields(ActionItem &item, const QJsonObject &payload);

} // namespace sitrep::domain
