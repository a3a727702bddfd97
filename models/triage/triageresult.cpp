// SPDX-License-Identifier: MIT
#include "triage/triageresult.h"

#include <QJsonArray>

#include <cmath>

namespace sitrep::triage {

TriageInput TriageInput::fromIncident(const domain::Incident &i)
{
    TriageInput in;
    in.title = i.title;
    in.description = i.description;
    in.services = i.services;
    in.alerts = i.alerts;
    in.severity =
        i.severity == domain::Severity::Unknown ? QString() : domain::severityName(i.severity);
    in.impact = i.impact;
    in.urgency = i.urgency;
    return in;
}

static double rounded(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

QJsonObject TriageResult::eventPayload() const
{
    QJsonObject p;
    QJsonObject conf;
    for (const QString &f : suggestedFields()) {
        const auto it = fields.constFind(f);
        p[f] = it == fields.cend() ? QString() : it->value;
        if (it != fields.cend())
            conf[f] = rounded(it->confidence);
    }
    p[u"confidence"] = rounded(confidence());
    p[u"confidences"] = conf;
    QJsonArray arts;
    for (const auto &a : articles)
        arts << QJsonObject{{QStringLiteral("id"), a.id},
                            {QStringLiteral("title"), a.title},
                            {QStringLiteral("relevance"), rounded(a.relevance)},
                            {QStringLiteral("source"), a.source}};
    p[u"articles"] = arts;
    p[u"suggested_resolution"] = suggestedResolution;
    p[u"model_version"] = modelVersion;
    return p;
}

QJsonObject TriageResult::aiTriageResult() const
{
    QJsonObject r;
    for (const QString &f : suggestedFields())
        r[f + QStringLiteral("_suggestion")] = fields.value(f).value;
    r[u"confidence"] = rounded(confidence());
    QJsonArray arts;
    for (const auto &a : articles)
        arts << QJsonObject{{QStringLiteral("id"), a.id},
                            {QStringLiteral("title"), a.title},
                            {QStringLiteral("relevance"), rounded(a.relevance)}};
    r[u"kb_articles"] = arts;
    r[u"suggested_resolution"] = suggestedResolution;
    return QJsonObject{{QStringLiteral("ai_triage_result"), r}};
}

Result<TriageResult> TriageResult::fromJson(const QJsonObject &json)
{
    using R = Result<TriageResult>;
    TriageResult t;
    const bool seedShape = json.contains(u"ai_triage_result");
    const QJsonObject o = seedShape ? json[u"ai_triage_result"].toObject() : json;
    if (seedShape && !json[u"ai_triage_result"].isObject())
        return R::fail(QStringLiteral("ai_triage_result is not an object"),
                       QStringLiteral("invalid"));
    const QJsonObject confs = o[u"confidences"].toObject();
    const double overall = o[u"confidence"].toDouble(-1);
    if (o.contains(u"confidence") && (!o[u"confidence"].isDouble() || overall < 0 || overall > 1))
        return R::fail(QStringLiteral("confidence must be a number between 0 and 1"),
                       QStringLiteral("invalid"));
    for (const QString &f : suggestedFields()) {
        const QJsonValue v = o.value(seedShape ? f + QStringLiteral("_suggestion") : f);
        if (!v.isUndefined() && !v.isNull() && !v.isString())
            return R::fail(QStringLiteral("%1 must be a string").arg(f), QStringLiteral("invalid"));
        const QString value = v.toString().trimmed();
        if (value.isEmpty())
            continue;
        double c = confs.value(f).toDouble(-1);
        if (c < 0)
            c = overall >= 0 ? overall : 0;
        t.fields.insert(f, FieldSuggestion{value, qBound(0.0, c, 1.0)});
    }
    const QJsonValue arts =
        o.value(seedShape ? QStringLiteral("kb_articles") : QStringLiteral("articles"));
    if (!arts.isUndefined() && !arts.isArray())
        return R::fail(QStringLiteral("articles must be an array"), QStringLiteral("invalid"));
    for (const auto &v : arts.toArray()) {
        const QJsonObject a = v.toObject();
        if (a[u"id"].toString().isEmpty())
            return R::fail(QStringLiteral("an article needs an id"), QStringLiteral("invalid"));
        t.articles << ArticleMatch{a[u"id"].toString(),
                                   a[u"title"].toString(),
                                   a[u"source"].toString(QStringLiteral("remote")),
                                   {},
                                   qBound(0.0, a[u"relevance"].toDouble(), 1.0)};
    }
    t.suggestedResolution = o[u"suggested_resolution"].toString();
    t.modelVersion = o[u"model_version"].toString();
    if (t.fields.isEmpty() && t.articles.isEmpty())
        return R::fail(
            QStringLiteral(
                "the answer holds no suggestion (no category, priority, group or article)"),
            QStringLiteral("invalid"));
    return t;
}

QJsonObject incidentRequestJson(const domain::Incident &i)
{
    return QJsonObject{
        {QStringLiteral("number"), i.number},
        {QStringLiteral("uid"), i.uid},
        {QStringLiteral("short_description"), i.title},
        {QStringLiteral("description"), i.description},
        {QStringLiteral("severity"),
         i.severity == domain::Severity::Unknown ? QString() : domain::severityName(i.severity)},
        {QStringLiteral("priority"),
         i.priority == domain::Priority::None ? QString() : domain::priorityName(i.priority)},
        {QStringLiteral("impact"), i.impact},
        {QStringLiteral("urgency"), i.urgency},
        {QStringLiteral("category"), i.category},
        {QStringLiteral("services"), QJsonArray::fromStringList(i.services)},
        {QStringLiteral("alerts"), QJsonArray::fromStringList(i.alerts)},
        {QStringLiteral("cmdb_ci"), QJsonArray::fromStringList(i.cis)}};
}

} // namespace sitrep::triage
