// SPDX-License-Identifier: MIT
#include "ingest/alert.h"

#include "util/enumnames.h"

namespace sitrep::ingest {

namespace {

constexpr util::EnumName<Alert::Status> StatusNames[] = {
    {Alert::Status::Firing, "firing"},
    {Alert::Status::Resolved, "resolved"},
    {Alert::Status::Acknowledged, "acknowledged"}};

} // namespace

QString alertStatusName(Alert::Status s)
{
    return util::nameOf(StatusNames, s);
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
    a.status = util::valueOf(StatusNames, st).value_or(Status::Firing);
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
