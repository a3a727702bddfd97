// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sitrep::store {
class Store;
}

namespace sitrep::itemmodels {

struct EvidenceItem {
    QString kind; // metric, log, trace, file, screenshot, link, dashboard
    QString title;
    QString url;
    QString sha256; // attached file (content in the attachments table)
    QString name;
    QString mime;
    qint64 size = 0;
    qint64 at = 0;
    QString actor;
    bool isImage() const { return mime.startsWith(QLatin1String("image/")); }
};

struct StatusUpdateItem {
    QString message;
    QString status;
    QString visibility; // internal | external
    QString actor;
    qint64 at = 0;
};

struct ActionItemRow {
    QString id;
    QString title;
    QString owner;
    QString due;
    bool done = false;
};

/// Health of an affected service: the worst severity among its firing alerts (0 = healthy),
/// unless a person overrode it (Record kind "service.health").
struct ServiceHealth {
    QString service;
    int severity = 0;
    int firingAlerts = 0;
    bool overridden = false;
    QString overriddenBy;
};

/// Everything the incident workspace shows, folded from the projection row and the log.
struct IncidentDetails {
    domain::Incident incident;
    QList<domain::Event> timeline;
    QList<EvidenceItem> evidence;
    QList<StatusUpdateItem> statusUpdates;
    QList<ActionItemRow> actionItems;
    QList<ServiceHealth> services;
    QString approver; // who approved (any target), empty if nobody
};

/// Reads one incident and its timeline (a single index range scan).
std::optional<IncidentDetails> loadIncidentDetails(store::Store &store, const QString &uidOrNumber);

/// The content of an attached file, empty if unknown.
QByteArray attachmentData(store::Store &store, const QString &sha256);

/// One line per event for the timeline ("Transitioned triggered -> acknowledged").
QString describeTimelineEvent(const domain::Event &e);
/// A short name for an event kind ("Note", "State", "SLA"), for the timeline's Kind column.
QString timelineKindLabel(const QString &kind);

} // namespace sitrep::itemmodels
