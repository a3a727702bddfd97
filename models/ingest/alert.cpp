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

QJsonArray linksJson(const QList<AlertLink> &links)
{
    QJsonArray out;
    for (const AlertLink &l : links)
        out.append(QJsonObject{{QStringLiteral("href"), l.href}, {QStringLiteral("text"), l.text}});
    return out;
}

} // namespace

QJsonObject Alert::toJson() const
{
    QJsonObject o{{QStringLiteral("status"), alertStatusName(status)},
                  {QStringLiteral("severity"), domain::severityName(severity)},
                  {QStringLiteral("links"), linksJson(links)}};
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
    // Every key of toJson(), in the sorted order Qt writes an object's keys in; each written
    // with the punctuation around it in one go.
    QByteArray out;
    out.reserve(512);
    const auto text = [&](const char *key, QStringView v) {
        out += key;
        domain::appendJsonString(out, v);
    };
    text("{\"alertname\":", alertname);
    out += ",\"annotations\":";
    out += domain::canonicalJson(annotations);
    text(",\"description\":", description);
    out += ",\"ends_at\":";
    out += QByteArray::number(endsAt);
    text(",\"fingerprint\":", fingerprint);
    text(",\"host\":", host);
    out += ",\"labels\":";
    out += domain::canonicalJson(labels);
    out += ",\"links\":[";
    for (const AlertLink &l : links) { // the keys of a link in their sorted order
        text(&l == &links.first() ? "{\"href\":" : ",{\"href\":", l.href);
        text(",\"text\":", l.text);
        out += '}';
    }
    text("],\"raw_severity\":", rawSeverity);
    text(",\"service\":", service);
    text(",\"severity\":", domain::severityName(severity));
    text(",\"source\":", source);
    out += ",\"starts_at\":";
    out += QByteArray::number(startsAt);
    text(",\"status\":", alertStatusName(status));
    text(",\"title\":", title);
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
    for (const QJsonValue &l : o[u"links"].toArray()) {
        const QJsonObject link = l.toObject();
        a.links.append({link[u"href"].toString(), link[u"text"].toString()});
    }
    return a;
}

} // namespace sitrep::ingest
