// SPDX-License-Identifier: MIT
#include "query/warroomreminders.h"

#include "query/duration.h"

#include <QCoreApplication>

#include <algorithm>

namespace sitrep::query {

using namespace sitrep::domain;

static bool recorded(const QList<Event> &timeline, const QString &id, qint64 since)
{
    for (const Event &e : timeline)
        if (e.kind == kinds::Reminder && e.payload[u"reminder"].toString() == id &&
            e.payload[u"since"].toInteger() == since)
            return true;
    return false;
}

QList<Reminder> warRoomReminders(const Incident &inc, const QList<Event> &timeline, qint64 now,
                                 qint64 statusUpdateEveryMs)
{
    QList<Reminder> out;
    // The texts kept their translation context when the rules moved here.
    const auto tr = [](const char *s) {
        return QCoreApplication::translate("sitrep::itemmodels", s);
    };
    if (inc.open && inc.resolvedAt == 0 && inc.commander.isEmpty() &&
        now - inc.createdAt >= NoCommanderAfterMs) {
        Reminder r{QStringLiteral("no_commander"),
                   tr("No incident commander for %1: assign one now")
                       .arg(formatDuration(now - inc.createdAt)),
                   inc.createdAt, false};
        r.recorded = recorded(timeline, r.id, r.since);
        out << r;
    }
    if (inc.open && inc.resolvedAt == 0 && statusUpdateEveryMs > 0) {
        const qint64 last = std::max(inc.lastStatusUpdateAt, inc.createdAt);
        if (now - last >= statusUpdateEveryMs) {
            Reminder r{QStringLiteral("no_status_update"),
                       tr("No status update for %1: post one (every %2 minutes)")
                           .arg(formatDuration(now - last))
                           .arg(statusUpdateEveryMs / 60000),
                       last, false};
            r.recorded = recorded(timeline, r.id, r.since);
            out << r;
        }
    }
    // Resolved but not yet closed (a state that stamps "closed", e.g. sre's postmortem):
    // resolved states are not open, so `open` cannot tell.
    if (inc.resolvedAt > 0 && inc.closedAt == 0 && now - inc.resolvedAt >= PostmortemDueMs) {
        Reminder r{QStringLiteral("postmortem_due"),
                   tr("Postmortem was due %1 ago (48 hours after resolution)")
                       .arg(formatDuration(now - inc.resolvedAt - PostmortemDueMs)),
                   inc.resolvedAt, false};
        r.recorded = recorded(timeline, r.id, r.since);
        out << r;
    }
    return out;
}

QJsonObject reminderPayload(const Reminder &r)
{
    return {{QStringLiteral("reminder"), r.id},
            {QStringLiteral("since"), r.since},
            {QStringLiteral("text"), r.text}};
}

} // namespace sitrep::query
