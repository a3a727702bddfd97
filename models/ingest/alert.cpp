// SPDX-License-Identifier: MIT
#include "ingest/alert.h"

#include "domain/canonicaljson.h"
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

namespace {

/// A member of Alert and its name in the JSON form, the same both ways.
template <typename T> struct Field {
    const char16_t *key;
    T Alert::*member;
};

constexpr Field<QString> TextFields[] = {{u"source", &Alert::source},
                                         {u"fingerprint", &Alert::fingerprint},
                                         {u"raw_severity", &Alert::rawSeverity},
                                         {u"alertname", &Alert::alertname},
                                         {u"service", &Alert::service},
                                         {u"host", &Alert::host},
                                         {u"title", &Alert::title},
                                         {u"description", &Alert::description}};
constexpr Field<QJsonObject> ObjectFields[] = {{u"labels", &Alert::labels},
                                               {u"annotations", &Alert::annotations}};
constexpr Field<qint64> TimeFields[] = {{u"starts_at", &Alert::startsAt},
                                        {u"ends_at", &Alert::endsAt}};

} // namespace

QJsonObject Alert::toJson() const
{
    QJsonObject o{{QStringLiteral("status"), alertStatusName(status)},
                  {QStringLiteral("severity"), domain::severityName(severity)},
                  {QStringLiteral("links"), links}};
    for (const auto &f : TextFields)
        o.insert(QStringView(f.key), this->*f.member);
    for (const auto &f : ObjectFields)
        o.insert(QStringView(f.key), this->*f.member);
    for (const auto &f : TimeFields)
        o.insert(QStringView(f.key), this->*f.member);
    return o;
}

QByteArray Alert::toJsonText() const
{
    // Every key of toJson(), in the sorted order Qt writes an object's keys in.
    QByteArray out;
    out.reserve(512);
    const auto key = [&](const char *k) {
        out += out.isEmpty() ? "{\"" : ",\"";
        out += k;
        out += "\":";
    };
    const auto text = [&](const char *k, const QString &v) {
        key(k);
        domain::appendJsonString(out, v);
    };
    text("alertname", alertname);
    key("annotations");
    out += domain::canonicalJson(annotations);
    text("description", description);
    key("ends_at");
    out += QByteArray::number(endsAt);
    text("fingerprint", fingerprint);
    text("host", host);
    key("labels");
    out += domain::canonicalJson(labels);
    key("links");
    out += domain::canonicalJson(links);
    text("raw_severity", rawSeverity);
    text("service", service);
    text("severity", domain::severityName(severity));
    text("source", source);
    key("starts_at");
    out += QByteArray::number(startsAt);
    text("status", alertStatusName(status));
    text("title", title);
    out += '}';
    return out;
}

Alert Alert::fromJson(const QJsonObject &o)
{
    Alert a;
    for (const auto &f : TextFields)
        a.*f.member = o[QStringView(f.key)].toString();
    for (const auto &f : ObjectFields)
        a.*f.member = o[QStringView(f.key)].toObject();
    for (const auto &f : TimeFields)
        a.*f.member = o[QStringView(f.key)].toInteger();
    a.status = util::valueOf(StatusNames, o[u"status"].toString()).value_or(Status::Firing);
    a.severity = domain::parseSeverity(o[u"severity"].toString());
    a.links = o[u"links"].toArray();
    return a;
}

} // namespace sitrep::ingest
