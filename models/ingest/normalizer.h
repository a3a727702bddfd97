// SPDX-License-Identifier: MIT
#pragma once

#include "ingest/alert.h"
#include "ingest/ingestconfig.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sitrep::ingest {

/// Turns one webhook body of a source into unified Alerts, following each tool's published
/// payload format. Pure: no I/O, no clock. Errors (code "invalid") name the field at fault.
/// `headers` have lower-case names; only Sentry reads one (sentry-hook-resource).
Result<QList<Alert>> normalize(const QString &source, const QByteArray &body,
                               const IngestConfig &config,
                               const QHash<QByteArray, QByteArray> &headers = {});

/// The webhook sources normalize() reads besides "generic": alertmanager, pagerduty, sentry,
/// grafana, datadog.
const QStringList &webhookSources();

/// Prometheus Alertmanager webhook, version 4.
Result<QList<Alert>> normalizeAlertmanager(const QJsonObject &root, const IngestConfig &config);
/// Grafana unified alerting webhook (version "1"): Alertmanager's shape plus Grafana's links.
Result<QList<Alert>> normalizeGrafana(const QJsonObject &root, const IngestConfig &config);
/// PagerDuty Events API v2 (enqueue): trigger, acknowledge, resolve.
Result<QList<Alert>> normalizePagerDuty(const QJsonObject &root, const IngestConfig &config);
/// Sentry integration webhooks: event_alert (issue alert), issue, metric_alert.
Result<QList<Alert>> normalizeSentry(const QJsonObject &root, const QString &resource,
                                     const IngestConfig &config);
/// Datadog webhook integration; the payload is a user template, so every field is optional.
Result<QList<Alert>> normalizeDatadog(const QJsonObject &root, const IngestConfig &config);

/// A generic event of seed 003: {"type": "...", "payload": {...}}.
struct GenericEvent {
    QString type; // alert.triggered | engineer.ack | mitigation.approved | alert.resolved |
                  // postmortem.created
    QJsonObject payload;
    QString
        ref; // payload.id: the alert/incident the event is about (may be empty for alert.triggered)
    Alert alert; // for alert.triggered / alert.resolved
};
QStringList genericEventTypes();
/// Generic event types that only a person may send (an approval): ingest refuses them, 403.
QStringList personOnlyEventTypes();
Result<GenericEvent> normalizeGeneric(const QByteArray &body, const IngestConfig &config);

/// Parses an RFC 3339 / ISO 8601 time (any fraction digits, Z or +hh:mm or +hhmm) or epoch
/// seconds/milliseconds; 0 for Go's zero time 0001-01-01T00:00:00Z, -1 if invalid.
qint64 parseAlertTime(const QString &text);
/// The parsed top-level object, or an "invalid" error naming the JSON problem.
Result<QJsonObject> parseJsonObject(const QByteArray &body);

} // namespace sitrep::ingest
