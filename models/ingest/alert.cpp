// SPDX-License-Identifier: MIT
#include "ingest/alert.h"

namespace sitrep::ingest {

QString alertStatusName(Alert::Status s)
{
    switch (s) {
    case Alert::Status::Firing:
        return QStringLiteral("firing");
    case Alert::Status::Resolved:
        return QStringLiteral("resolved");
    case Alert::Status::Acknowledged:
        return QStringLiteral("acknowledged");
    }
    return {};
}

QJsonObject Alert::toJson() const
{
    QJsonObject o{{QStringLiteral("source"), source},
                  {QStringLiteral("fingerprint"), fingerprint},
                  {QStringLiteral("status"), alertStatusName(status)},
                  {QStringLiteral("severity"), domain::severityName(severity)},
                  {QStringLiteral("raw_severity"), rawSeverity},
                  {QStringLiteral("alertname"), alertname},
                  {QStringLiteral("service"), service},
                  {QStringLiteral("host"), host},
                  {QStringLiteral("title"), title},
                  {QStringLiteral("description"), description},
                  {QStringLiteral("labels"), labels},
                  {QStringLiteral("annotations"), annotations},
                  {QStringLiteral("starts_at"), startsAt},
                  {QStringLiteral("ends_at"), endsAt},
                  {QStringLiteral("links"), links}};
    return o;
}

Alert Alert::fromJson(const QJsonObject &o)
{
    Alert a;
    a.source = o[u"source"].toString();
    a.fingerprint = o[u"fingerprint"].toString();
    const QString st = o[u"status"].toString();
    a.status = st == u"resolved"       ? Status::Resolved
               : st == u"acknowledged" ? Status::Acknowledged
                                       : Status::Firing;
    a.severity = domain::parseSeverity(o[u"severity"].toString());
    a.rawSeverity = o[u"raw_severity"].toString();
    a.alertname = o[u"alertname"].toString();
    a.service = o[u"service"].toString();
    a.host = o[u"host"].toString();
    a.title = o[u"title"].toString();
    a.description = o[u"description"].toString();
    a.labels = o[u"labels"].toObject();
    a.annotations = o[u"annotations"].toObject();
    a.startsAt = o[u"starts_at"].toInteger();
    a.endsAt = o[u"ends_at"].toInteger();
    a.links = o[u"links"].toArray();
    return a;
}

} // namespace sitrep::ingest
