// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace sitrep::ingest {

/// A link an alert carries (its source's page, a runbook, a dashboard): stored as
/// {"href", "text"}.
struct AlertLink {
    QString href;
    QString text;
    bool operator==(const AlertLink &) const = default;
};

/// One alert from any source, after its normalizer: the unit the correlator works on.
struct Alert {
    enum class Status { Firing, Resolved, Acknowledged };

    QString source;      // alertmanager | pagerduty | sentry | grafana | datadog | generic
    QString fingerprint; // stable identity of the alert inside its source
    Status status = Status::Firing;
    domain::Severity severity = domain::Severity::Unknown;
    QString rawSeverity; // as the source said it, before the severity mapping
    QString alertname;   // rule / check / class name; part of the default grouping key
    QString service;
    QString host;
    QString title;
    QString description;
    QJsonObject labels;
    QJsonObject annotations;
    qint64 startsAt = 0; // ms since epoch, 0 = unknown
    qint64 endsAt = 0;   // ms since epoch, 0 = not ended
    QList<AlertLink> links;

    /// "source:fingerprint": the id linked to incidents.
    QString id() const { return source + u':' + fingerprint; }
    QJsonObject toJson() const;
    /// toJson() as compact JSON text, written straight from the fields: the same bytes as
    /// domain::canonicalJson(toJson()) (what the correlator stores), without the object.
    QByteArray toJsonText() const;
    static Alert fromJson(const QJsonObject &o);
};

QString alertStatusName(Alert::Status s); // firing | resolved | acknowledged

} // namespace sitrep::ingest
