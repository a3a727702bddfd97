// SPDX-License-Identifier: MIT
#include "sync/wire.h"

#include "domain/digest.h"
#include "sync/logging.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QUuid>

namespace sitrep::sync {

QJsonObject eventToWire(const domain::Event &e, const QString &origin)
{
    QJsonObject o{{QStringLiteral("id"), e.id},
                  {QStringLiteral("incidentId"), e.incidentUid},
                  {QStringLiteral("hlc"), QString::number(e.hlc)},
                  {QStringLiteral("ts"), e.ts},
                  {QStringLiteral("actor"), e.actor},
                  {QStringLiteral("kind"), e.kind},
                  {QStringLiteral("payload"), e.payload},
                  // Only a rule-1 event may be relabelled: rule 2 hashes the origin it carries.
                  {QStringLiteral("origin"), e.rule == domain::HashRule::Original &&
                                                     (e.origin.isEmpty() || e.origin == u"local")
                                                 ? origin
                                                 : e.origin}};
    // Rule 1 is what a missing field means, so older back ends and peers see what they knew.
    if (e.rule != domain::HashRule::Original)
        o.insert(QStringLiteral("hashRule"), int(e.rule));
    return o;
}

Result<domain::Event> eventFromWire(const QJsonObject &o)
{
    using R = Result<domain::Event>;
    domain::Event e;
    const QUuid id = QUuid::fromString(o.value(u"id").toString());
    const QUuid inc = QUuid::fromString(o.value(u"incidentId").toString());
    if (id.isNull())
        return R::fail(QStringLiteral("event without a valid id"));
    if (inc.isNull())
        return R::fail(QStringLiteral("event %1 without a valid incidentId")
                           .arg(id.toString(QUuid::WithoutBraces)));
    bool ok = false;
    e.id = id.toString(QUuid::WithoutBraces);
    e.incidentUid = inc.toString(QUuid::WithoutBraces);
    e.hlc = o.value(u"hlc").toString().toLongLong(&ok);
    if (!ok || e.hlc <= 0)
        return R::fail(QStringLiteral("event %1 without a valid hlc").arg(e.id));
    e.ts = o.value(u"ts").toInteger();
    e.actor = o.value(u"actor").toString();
    e.kind = o.value(u"kind").toString();
    if (e.kind.isEmpty())
        return R::fail(QStringLiteral("event %1 without a kind").arg(e.id));
    e.payload = o.value(u"payload").toObject();
    e.origin = o.value(u"origin").toString(QStringLiteral("remote"));
    // The rule its hash is computed under; the origin it covers must be the writer's own.
    const auto rule = domain::hashRuleFrom(o.value(u"hashRule").toInteger(1));
    if (!rule)
        return R::fail(QStringLiteral("event %1 with an unknown hashRule").arg(e.id));
    e.rule = *rule;
    if (e.rule == domain::HashRule::WithOrigin && !o.value(u"origin").isString())
        return R::fail(QStringLiteral("event %1 of hashRule 2 without an origin").arg(e.id));
    if (const QString problem = domain::originProblem(e.rule, e.origin); !problem.isEmpty())
        return R::fail(QStringLiteral("event %1: %2").arg(e.id, problem));
    // Who the back end says sent it (an older back end records nobody: left empty).
    const QJsonObject sentBy = o.value(u"sentBy").toObject();
    e.sentBy = sentBy.value(u"user").toString();
    e.sentRole = sentBy.value(u"role").toString();
    return e;
}

namespace {

/// The events of an answer's `key` (absent: none); any invalid one is an error.
Result<QList<domain::Event>> eventsFromWire(const QJsonObject &o, const QString &key)
{
    using R = Result<QList<domain::Event>>;
    const QJsonValue v = o.value(key);
    if (v.isUndefined())
        return QList<domain::Event>{};
    if (!v.isArray())
        return R::fail(QStringLiteral("'%1' is not an array").arg(key));
    QList<domain::Event> events;
    const QJsonArray a = v.toArray();
    events.reserve(a.size());
    for (const auto &item : a) {
        if (!item.isObject())
            return R::fail(QStringLiteral("an item of '%1' is not an object").arg(key));
        auto e = eventFromWire(item.toObject());
        if (!e)
            return R(e.error());
        events << *e;
    }
    return events;
}

} // namespace

Result<ChangePage> changePageFromWire(const QJsonObject &o)
{
    using R = Result<ChangePage>;
    ChangePage page;
    if (!o.value(u"events").isArray())
        return R::fail(QStringLiteral("bad change feed: 'events' is not an array"));
    const QJsonArray items = o.value(u"events").toArray();
    page.received = items.size();
    page.events.reserve(items.size());
    for (const auto &item : items) {
        auto e = item.isObject() ? eventFromWire(item.toObject())
                                 : Result<domain::Event>::fail(QStringLiteral("not an object"));
        if (e) {
            page.events << *e;
        } else {
            ++page.invalid;
            qCWarning(lcSync) << "change feed: left out an event that is not valid:"
                              << e.errorMessage();
        }
    }
    if (!o.value(u"cursor").isString())
        return R::fail(QStringLiteral("bad change feed: no cursor"));
    page.cursor = o.value(u"cursor").toString();
    if (!o.value(u"more").isBool())
        return R::fail(QStringLiteral("bad change feed: 'more' is not a boolean"));
    page.more = o.value(u"more").toBool();
    if (o.contains(u"total")) {
        const QJsonValue t = o.value(u"total");
        if (!t.isDouble() || t.toDouble() < 0 || t.toDouble() != double(t.toInteger()))
            return R::fail(QStringLiteral("bad change feed: 'total' is not a count"));
        page.total = t.toInteger();
    }
    return page;
}

Result<BatchAnswer> batchAnswerFromWire(const QJsonObject &o, const QStringList &ids)
{
    using R = Result<BatchAnswer>;
    const auto bad = [](const QString &why) {
        return R::fail(QStringLiteral("the back end's answer to a batch append: %1").arg(why));
    };
    BatchAnswer answer;
    if (!o.value(u"results").isArray())
        return bad(QStringLiteral("no results"));
    const QJsonArray results = o.value(u"results").toArray();
    if (results.size() != ids.size())
        return bad(QStringLiteral("%1 results for a batch of %2 events")
                       .arg(results.size())
                       .arg(ids.size()));
    int counts[3] = {0, 0, 0};
    static const QStringList statuses{QStringLiteral("accepted"), QStringLiteral("duplicate"),
                                      QStringLiteral("refused")};
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject r = results[i].toObject();
        AppendResult res{r.value(u"id").toString(), r.value(u"status").toString(), 0,
                         r.value(u"error").toString()};
        if (res.id != ids[i])
            return bad(
                QStringLiteral("result %1 names event %2, not %3").arg(i).arg(res.id, ids[i]));
        const auto which = statuses.indexOf(res.status);
        if (which < 0)
            return bad(QStringLiteral("result %1 has the unknown status '%2'")
                           .arg(i)
                           .arg(res.status.left(32)));
        ++counts[which];
        if (res.status == u"refused") {
            res.code = r.value(u"code").toInt(403);
            if (res.error.isEmpty())
                res.error = QStringLiteral("refused");
        }
        answer.results << res;
    }
    const char *keys[3] = {"accepted", "duplicates", "refused"};
    for (int k = 0; k < 3; ++k) {
        const QJsonValue v = o.value(QLatin1String(keys[k]));
        if (!v.isDouble() || v.toInt(-1) != counts[k])
            return bad(
                QStringLiteral("'%1' does not match its results").arg(QLatin1String(keys[k])));
    }
    auto events = eventsFromWire(o, QStringLiteral("events"));
    if (!events)
        return bad(events.errorMessage());
    answer.events = std::move(*events);
    return answer;
}

Status checkEndpoint(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return Status::fail(QStringLiteral("'%1' is not a valid URL").arg(url.toString()));
    const QString scheme = url.scheme().toLower();
    if (scheme == u"https")
        return {};
    if (scheme != u"http")
        return Status::fail(
            QStringLiteral("'%1': only http(s) back ends are supported").arg(url.toString()));
    const QHostAddress addr(url.host());
    if (url.host().compare(u"localhost", Qt::CaseInsensitive) == 0 ||
        (!addr.isNull() && addr.isLoopback()))
        return {};
    return Status::fail(
        QStringLiteral("'%1' is not on this machine: use https").arg(url.toString()));
}

} // namespace sitrep::sync
