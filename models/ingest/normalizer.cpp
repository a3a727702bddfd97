// SPDX-License-Identifier: MIT
#include "ingest/normalizer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <utility>

namespace sitrep::ingest {

using R = Result<QList<Alert>>;

namespace {

constexpr int kMaxAlertsPerBody = 10000;
constexpr int kMaxField = 4096;

Error invalid(const QString &message)
{
    return Error{message, QStringLiteral("invalid")};
}

/// A JSON scalar as text; objects and arrays as compact JSON; null/undefined as empty.
QString text(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 15);
    }
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}

QString clip(const QString &s, int max = kMaxField)
{
    return s.size() > max ? s.left(max) : s;
}

/// An object of string values (label sets): non-string scalars become text.
QJsonObject stringMap(const QJsonValue &v)
{
    const QJsonObject o = v.toObject();
    // Usually every value is a string and nothing needs clipping: then the object is
    // already the map, and a storm does not build each label set a second time.
    bool asIs = true;
    for (auto it = o.constBegin(); asIs && it != o.constEnd(); ++it)
        asIs = it.value().isString() && it.key().size() <= 256 &&
               it.value().toString().size() <= kMaxField;
    if (asIs)
        return o;
    QJsonObject out;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        out.insert(clip(it.key(), 256), clip(text(it.value())));
    return out;
}

QString firstOf(const QJsonObject &labels, const QStringList &keys)
{
    for (const QString &k : keys) {
        const QString v = labels.value(k).toString().trimmed();
        if (!v.isEmpty())
            return v;
    }
    return {};
}

QString shortHash(const QByteArray &data)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex().left(16));
}

/// Alertmanager's own fingerprint is a hash of the label set; ours is stable the same way.
QString labelFingerprint(const QJsonObject &labels)
{
    // Keys in QString order. A JSON object keeps its keys sorted, so its own order is that
    // order whenever each key is above the one before (checked, not assumed: the
    // fingerprint of a label set must never change); otherwise they are sorted here.
    QByteArray canon;
    QString previous;
    bool ascending = true;
    for (auto it = labels.constBegin(); ascending && it != labels.constEnd(); ++it) {
        const QString k = it.key();
        ascending = it == labels.constBegin() || previous < k;
        canon += k.toUtf8();
        canon += '\x1f';
        canon += it.value().toString().toUtf8();
        canon += '\x1e';
        previous = k;
    }
    if (!ascending) {
        canon.clear();
        QStringList keys = labels.keys();
        std::sort(keys.begin(), keys.end());
        for (const QString &k : keys)
            canon += k.toUtf8() + '\x1f' + labels.value(k).toString().toUtf8() + '\x1e';
    }
    return shortHash(canon);
}

void addLink(QList<AlertLink> &links, const QString &href, const QString &label)
{
    const QString h = href.trimmed();
    if (h.isEmpty())
        return;
    for (const AlertLink &l : std::as_const(links))
        if (l.href == h)
            return;
    links.append({clip(h), label});
}

Result<QJsonArray> alertsArray(const QJsonObject &root)
{
    if (!root.contains(u"alerts"))
        return Result<QJsonArray>(invalid(QStringLiteral("missing field 'alerts'")));
    if (!root.value(u"alerts").isArray())
        return Result<QJsonArray>(invalid(QStringLiteral("'alerts' must be an array")));
    const QJsonArray a = root.value(u"alerts").toArray();
    if (a.size() > kMaxAlertsPerBody)
        return Result<QJsonArray>(
            invalid(QStringLiteral("too many alerts in one body (%1, at most %2)")
                        .arg(a.size())
                        .arg(kMaxAlertsPerBody)));
    return a;
}

/// Alertmanager and Grafana share the alert shape.
R promStyle(const QJsonObject &root, const QString &source, const IngestConfig &config)
{
    auto arr = alertsArray(root);
    if (!arr)
        return R(arr.error());
    const QString groupStatus = root.value(u"status").toString();
    const QString external = root.value(u"externalURL").toString();
    QList<Alert> out;
    out.reserve(arr->size());
    for (qsizetype i = 0; i < arr->size(); ++i) {
        const QJsonValue v = arr->at(i);
        const auto where = [i] { return QStringLiteral("alerts[%1]").arg(i); }; // for errors
        if (!v.isObject())
            return R(invalid(QStringLiteral("%1 must be an object").arg(where())));
        const QJsonObject a = v.toObject();
        const QJsonValue labels = a.value(u"labels");
        if (!labels.isObject())
            return R(invalid(QStringLiteral("%1.labels is missing or not an object").arg(where())));
        Alert al;
        al.source = source;
        al.labels = stringMap(labels);
        if (al.labels.isEmpty())
            return R(invalid(QStringLiteral("%1.labels is empty").arg(where())));
        al.annotations = stringMap(a.value(u"annotations"));
        const QString st = a.contains(u"status") ? a.value(u"status").toString() : groupStatus;
        if (st == u"firing")
            al.status = Alert::Status::Firing;
        else if (st == u"resolved")
            al.status = Alert::Status::Resolved;
        else
            return R(invalid(QStringLiteral("%1.status must be 'firing' or 'resolved', not '%2'")
                                 .arg(where(), clip(st, 64))));
        al.fingerprint = clip(a.value(u"fingerprint").toString().trimmed(), 256);
        if (al.fingerprint.isEmpty())
            al.fingerprint = labelFingerprint(al.labels);
        al.alertname = al.labels.value(u"alertname").toString();
        al.service = firstOf(al.labels, config.serviceLabels);
        al.host = firstOf(al.labels, config.hostLabels);
        // The lists of keys are made once, not for every alert.
        static const QStringList severityKeys{QStringLiteral("severity"),
                                              QStringLiteral("priority"), QStringLiteral("level")};
        static const QStringList titleKeys{QStringLiteral("summary"), QStringLiteral("title"),
                                           QStringLiteral("message")};
        static const QStringList descriptionKeys{QStringLiteral("description"),
                                                 QStringLiteral("message")};
        al.rawSeverity = firstOf(al.labels, severityKeys);
        al.severity = config.severityFor(source, al.rawSeverity);
        // Whitespace alone is no title: simplified before each fallback is considered.
        al.title = firstOf(al.annotations, titleKeys).simplified();
        if (al.title.isEmpty())
            al.title = al.alertname.simplified();
        if (al.title.isEmpty())
            al.title = QStringLiteral("Alert %1").arg(al.fingerprint);
        al.title = clip(al.title, 300);
        al.description = firstOf(al.annotations, descriptionKeys);
        const QString starts = a.value(u"startsAt").toString();
        const QString ends = a.value(u"endsAt").toString();
        al.startsAt = qMax<qint64>(0, parseAlertTime(starts));
        al.endsAt = qMax<qint64>(0, parseAlertTime(ends));
        addLink(al.links, a.value(u"generatorURL").toString(), QStringLiteral("source"));
        addLink(al.links, al.annotations.value(u"runbook_url").toString(),
                QStringLiteral("runbook"));
        if (source == u"grafana") {
            addLink(al.links, a.value(u"dashboardURL").toString(), QStringLiteral("dashboard"));
            addLink(al.links, a.value(u"panelURL").toString(), QStringLiteral("panel"));
            addLink(al.links, a.value(u"silenceURL").toString(), QStringLiteral("silence"));
            if (a.value(u"values").isObject())
                al.annotations.insert(QStringLiteral("values"), text(a.value(u"values")));
        }
        addLink(al.links, external, source);
        out << al;
    }
    return out;
}

QString sentrySeverityWord(const QString &level)
{
    return level.trimmed().toLower();
}

/// "[Triggered on {host:web-1}] Disk full" -> "Disk full"
QString stripBracketPrefix(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^\\s*\\[[^\\]]*\\]\\s*"));
    return QString(s).remove(re).trimmed();
}

/// Datadog template values that were not substituted ("$EVENT_TITLE") count as absent.
QString dd(const QJsonObject &o, const char *key)
{
    static const QRegularExpression placeholder(QStringLiteral("^\\$[A-Z0-9_.]+$"));
    const QJsonValue v = o.value(QLatin1String(key));
    QString s = v.isString()                   ? v.toString().trimmed()
                : (v.isDouble() || v.isBool()) ? text(v)
                                               : QString();
    if (placeholder.match(s).hasMatch())
        return {};
    return clip(s);
}

} // namespace

Result<QJsonObject> parseJsonObject(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return Result<QJsonObject>(invalid(QStringLiteral("empty body: expected a JSON object")));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError)
        return Result<QJsonObject>(invalid(QStringLiteral("malformed JSON at offset %1: %2")
                                               .arg(err.offset)
                                               .arg(err.errorString())));
    if (!doc.isObject())
        return Result<QJsonObject>(
            invalid(QStringLiteral("expected a JSON object at the top level")));
    return doc.object();
}

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z", the form nearly every source sends, read without a
// regular expression; nothing (-1) for anything else, which the general reader then takes.
// Same result as the general reader: a date or time that does not exist is no time.
static qint64 utcTimestamp(QStringView t)
{
    const auto digits = [&](qsizetype at, qsizetype n, int &out) {
        out = 0;
        for (qsizetype i = at; i < at + n; ++i) {
            const char16_t c = t[i].unicode();
            if (c < u'0' || c > u'9')
                return false;
            out = out * 10 + int(c - u'0');
        }
        return true;
    };
    if (t.size() < 20 || (t.back() != u'Z' && t.back() != u'z') || t[4] != u'-' || t[7] != u'-' ||
        (t[10] != u'T' && t[10] != u' ') || t[13] != u':' || t[16] != u':')
        return -1;
    int y, mo, d, h, mi, s, ms = 0;
    if (!digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d) || !digits(11, 2, h) ||
        !digits(14, 2, mi) || !digits(17, 2, s))
        return -1;
    if (t.size() > 20) {
        // A fraction: its first three digits are milliseconds, the rest are dropped.
        if (t[19] != u'.' || t.size() < 22)
            return -1;
        int digit = 0;
        for (qsizetype i = 20; i < t.size() - 1; ++i) {
            if (!digits(i, 1, digit))
                return -1;
            if (i < 23)
                ms = ms * 10 + digit;
        }
        for (qsizetype i = t.size() - 1; i < 23; ++i)
            ms *= 10;
    } else if (t[19] != u'Z' && t[19] != u'z') {
        return -1;
    }
    const QDate date(y, mo, d);
    const QTime time(h, mi, s, ms);
    if (!date.isValid() || !time.isValid())
        return -1;
    constexpr qint64 kUnixEpochJulianDay = 2440588;
    return (date.toJulianDay() - kUnixEpochJulianDay) * 86400000LL + time.msecsSinceStartOfDay();
}

qint64 parseAlertTime(const QString &input)
{
    QString t = input.trimmed();
    if (t.isEmpty())
        return -1;
    if (const qint64 fast = utcTimestamp(t); fast >= 0)
        return fast;
    if (t.startsWith(QLatin1String("0001-01-01")))
        return 0;
    static const QRegularExpression numeric(QStringLiteral("^\\d+(\\.\\d+)?$"));
    if (numeric.match(t).hasMatch()) {
        const double v = t.toDouble();
        if (!std::isfinite(v) || v > 1.0e15)
            return -1;
        return v > 1.0e11 ? qint64(v) : qint64(v * 1000.0); // ms or seconds
    }
    // Qt wants at most 3 fraction digits and +hh:mm offsets.
    static const QRegularExpression re(
        QStringLiteral("^(\\d{4}-\\d{2}-\\d{2}[T "
                       "]\\d{2}:\\d{2}(?::\\d{2})?)(?:\\.(\\d+))?(Z|z|[+-]\\d{2}:?\\d{2})?$"));
    const auto m = re.match(t);
    if (!m.hasMatch())
        return -1;
    QString s = m.captured(1);
    s.replace(u' ', u'T');
    const QString frac = m.captured(2);
    if (!frac.isEmpty())
        s += u'.' + (frac + QStringLiteral("000")).left(3);
    QString zone = m.captured(3);
    if (zone.isEmpty() || zone == u"z")
        zone = QStringLiteral("Z");
    if (zone.size() == 5)
        zone.insert(3, u':');
    const QDateTime dt = QDateTime::fromString(s + zone, Qt::ISODateWithMs);
    return dt.isValid() ? dt.toMSecsSinceEpoch() : -1;
}

R normalizeAlertmanager(const QJsonObject &root, const IngestConfig &config)
{
    const QString version = text(root.value(u"version"));
    if (!version.isEmpty() && version != u"4")
        return R(
            invalid(QStringLiteral("unsupported Alertmanager webhook version '%1' (expected 4)")
                        .arg(clip(version, 32))));
    return promStyle(root, QStringLiteral("alertmanager"), config);
}

R normalizeGrafana(const QJsonObject &root, const IngestConfig &config)
{
    return promStyle(root, QStringLiteral("grafana"), config);
}

R normalizePagerDuty(const QJsonObject &root, const IngestConfig &config)
{
    const QString action = root.value(u"event_action").toString();
    if (action.isEmpty())
        return R(invalid(
            QStringLiteral("missing field 'event_action' (trigger, acknowledge, resolve)")));
    Alert al;
    al.source = QStringLiteral("pagerduty");
    if (action == u"trigger")
        al.status = Alert::Status::Firing;
    else if (action == u"acknowledge")
        al.status = Alert::Status::Acknowledged;
    else if (action == u"resolve")
        al.status = Alert::Status::Resolved;
    else
        return R(
            invalid(QStringLiteral("event_action must be trigger, acknowledge or resolve, not '%1'")
                        .arg(clip(action, 64))));
    al.fingerprint = clip(root.value(u"dedup_key").toString().trimmed(), 255);
    const QJsonObject p = root.value(u"payload").toObject();
    if (al.status == Alert::Status::Firing) {
        if (!root.value(u"payload").isObject())
            return R(invalid(QStringLiteral(
                "missing field 'payload' (a trigger needs summary, source, severity)")));
        for (const char *f : {"summary", "source", "severity"})
            if (p.value(QLatin1String(f)).toString().trimmed().isEmpty())
                return R(
                    invalid(QStringLiteral("missing field 'payload.%1'").arg(QLatin1String(f))));
        static const QStringList sev{QStringLiteral("critical"), QStringLiteral("error"),
                                     QStringLiteral("warning"), QStringLiteral("info")};
        if (!sev.contains(p.value(u"severity").toString()))
            return R(
                invalid(QStringLiteral(
                            "payload.severity must be critical, error, warning or info, not '%1'")
                            .arg(clip(p.value(u"severity").toString(), 64))));
    } else if (al.fingerprint.isEmpty()) {
        return R(invalid(QStringLiteral("missing field 'dedup_key' (needed to %1)").arg(action)));
    }
    const QJsonObject details = stringMap(p.value(u"custom_details"));
    for (const char *f : {"component", "group", "class"})
        if (p.contains(QLatin1String(f)))
            al.labels.insert(QLatin1String(f), clip(text(p.value(QLatin1String(f)))));
    al.annotations = details;
    al.host = clip(p.value(u"source").toString().trimmed(), 256);
    al.service = details.value(u"service").toString();
    if (al.service.isEmpty())
        al.service = clip(p.value(u"group").toString().trimmed(), 256);
    if (al.service.isEmpty())
        al.service = clip(p.value(u"component").toString().trimmed(), 256);
    al.alertname = clip(p.value(u"class").toString().trimmed(), 256);
    al.title = clip(p.value(u"summary").toString().simplified(), 300);
    if (al.alertname.isEmpty())
        al.alertname = al.title;
    if (al.title.isEmpty())
        al.title = QStringLiteral("PagerDuty event %1").arg(al.fingerprint);
    al.rawSeverity = p.value(u"severity").toString();
    al.severity = config.severityFor(al.source, al.rawSeverity);
    al.startsAt = qMax<qint64>(0, parseAlertTime(p.value(u"timestamp").toString()));
    if (al.fingerprint.isEmpty())
        al.fingerprint =
            shortHash((al.title + u'\x1f' + al.host + u'\x1f' + al.service + u'\x1f' + al.alertname)
                          .toUtf8());
    for (const auto &l : root.value(u"links").toArray())
        addLink(al.links, l.toObject().value(u"href").toString(),
                clip(l.toObject().value(u"text").toString(), 256));
    addLink(al.links, root.value(u"client_url").toString(),
            clip(root.value(u"client").toString(), 256));
    if (root.contains(u"client"))
        al.labels.insert(QStringLiteral("client"), clip(text(root.value(u"client")), 256));
    return QList<Alert>{al};
}

// A Sentry webhook about one object of its data (an issue, a metric alert): the field that
// holds it, the prefix of its alert's fingerprint, and the actions that fire the alert or are
// Sentry's own bookkeeping ("resolved" resolves it).
struct SentryObjectKind {
    QString key;
    QString prefix;
    QString name; // for an unknown action
    QStringList firing;
    QStringList bookkeeping;
};

// `data.<kind.key>`, an object with a non-empty id, and `action`: sets the alert's fingerprint
// (the prefix and the id) and status and returns the object; nullopt for bookkeeping, which is
// nothing for an incident.
Result<std::optional<QJsonObject>> sentryObject(const QJsonObject &data, const QString &action,
                                                const SentryObjectKind &kind, Alert &al)
{
    if (!data.value(kind.key).isObject())
        return invalid(QStringLiteral("missing field 'data.%1'").arg(kind.key));
    QJsonObject object = data.value(kind.key).toObject();
    const QString id = text(object.value(u"id")).trimmed();
    if (id.isEmpty())
        return invalid(QStringLiteral("missing field 'data.%1.id'").arg(kind.key));
    if (kind.bookkeeping.contains(action))
        return std::optional<QJsonObject>();
    if (action == u"resolved")
        al.status = Alert::Status::Resolved;
    else if (kind.firing.contains(action))
        al.status = Alert::Status::Firing;
    else
        return invalid(
            QStringLiteral("unknown Sentry %1 action '%2'").arg(kind.name, clip(action, 64)));
    al.fingerprint = clip(kind.prefix + id, 255);
    return std::optional<QJsonObject>(std::move(object));
}

R normalizeSentry(const QJsonObject &root, const QString &resourceIn, const IngestConfig &config)
{
    static const SentryObjectKind issueKind{
        QStringLiteral("issue"),
        QStringLiteral("issue-"),
        QStringLiteral("issue"),
        {QStringLiteral("created"), QStringLiteral("unresolved")},
        {QStringLiteral("assigned"), QStringLiteral("ignored"), QStringLiteral("archived")}};
    static const SentryObjectKind metricAlertKind{
        QStringLiteral("metric_alert"),
        QStringLiteral("metric-"),
        QStringLiteral("metric alert"),
        {QStringLiteral("critical"), QStringLiteral("warning")},
        {}};
    const QJsonObject data = root.value(u"data").toObject();
    if (!root.value(u"data").isObject())
        return R(invalid(QStringLiteral("missing field 'data'")));
    QString resource = resourceIn.trimmed().toLower();
    if (resource.isEmpty())
        resource = data.contains(u"event")          ? QStringLiteral("event_alert")
                   : data.contains(u"metric_alert") ? QStringLiteral("metric_alert")
                   : data.contains(u"issue")        ? QStringLiteral("issue")
                                                    : QString();
    const QString action = root.value(u"action").toString();
    Alert al;
    al.source = QStringLiteral("sentry");
    static const QRegularExpression projectInUrl(QStringLiteral("/projects/[^/]+/([^/]+)/"));
    if (resource == u"event_alert" || resource == u"error") {
        if (!data.value(u"event").isObject())
            return R(invalid(QStringLiteral("missing field 'data.event'")));
        const QJsonObject e = data.value(u"event").toObject();
        const QString issue = text(e.value(u"issue_id")).trimmed();
        const QString hash = e.value(u"hashes").toArray().first().toString();
        const QString eventId = e.value(u"event_id").toString();
        al.fingerprint = clip(!issue.isEmpty()  ? QStringLiteral("issue-") + issue
                              : !hash.isEmpty() ? QStringLiteral("hash-") + hash
                                                : eventId,
                              255);
        if (al.fingerprint.isEmpty())
            return R(
                invalid(QStringLiteral("data.event has neither issue_id, hashes nor event_id")));
        for (const auto &t : e.value(u"tags").toArray()) {
            const QJsonArray kv = t.toArray();
            if (kv.size() == 2)
                al.labels.insert(clip(text(kv[0]), 256), clip(text(kv[1])));
        }
        for (const char *f : {"environment", "release", "platform", "level", "culprit", "location"})
            if (!text(e.value(QLatin1String(f))).isEmpty())
                al.labels.insert(QLatin1String(f), clip(text(e.value(QLatin1String(f)))));
        al.title = e.value(u"title").toString();
        if (al.title.isEmpty())
            al.title = e.value(u"message").toString();
        al.rawSeverity = sentrySeverityWord(e.value(u"level").toString());
        al.alertname = data.value(u"triggered_rule").toString();
        if (al.alertname.isEmpty())
            al.alertname = data.value(u"issue_alert").toObject().value(u"title").toString();
        if (al.alertname.isEmpty())
            al.alertname = e.value(u"metadata").toObject().value(u"type").toString();
        const auto m = projectInUrl.match(e.value(u"url").toString());
        al.service = m.hasMatch() ? m.captured(1) : text(e.value(u"project"));
        al.host = al.labels.value(u"server_name").toString();
        const QString culprit = e.value(u"culprit").toString();
        const QJsonObject md = e.value(u"metadata").toObject();
        al.description = md.value(u"value").toString();
        if (!culprit.isEmpty())
            al.annotations.insert(QStringLiteral("culprit"), clip(culprit));
        if (!md.isEmpty())
            al.annotations.insert(QStringLiteral("metadata"), clip(text(md)));
        qint64 t = parseAlertTime(e.value(u"datetime").toString());
        if (t <= 0 && e.value(u"timestamp").isDouble())
            t = qint64(e.value(u"timestamp").toDouble() * 1000.0);
        al.startsAt = qMax<qint64>(0, t);
        addLink(al.links, e.value(u"web_url").toString(), QStringLiteral("Sentry event"));
        addLink(al.links, e.value(u"issue_url").toString(), QStringLiteral("Sentry issue API"));
        al.status = Alert::Status::Firing;
    } else if (resource == u"issue") {
        const auto found = sentryObject(data, action, issueKind, al);
        if (!found)
            return R(found.error());
        if (!*found)
            return QList<Alert>{};
        const QJsonObject &is = **found;
        al.title = is.value(u"title").toString();
        al.rawSeverity = sentrySeverityWord(is.value(u"level").toString());
        al.alertname = is.value(u"metadata").toObject().value(u"type").toString();
        al.service = is.value(u"project").toObject().value(u"slug").toString();
        al.startsAt = qMax<qint64>(0, parseAlertTime(is.value(u"firstSeen").toString()));
        addLink(al.links, is.value(u"web_url").toString(), QStringLiteral("Sentry issue"));
        addLink(al.links, is.value(u"permalink").toString(), QStringLiteral("Sentry issue"));
    } else if (resource == u"metric_alert") {
        const auto found = sentryObject(data, action, metricAlertKind, al);
        if (!found)
            return R(found.error());
        const QJsonObject &ma = found->value_or(QJsonObject());
        al.rawSeverity = action == u"critical" ? QStringLiteral("fatal") : action;
        al.alertname = ma.value(u"alert_rule").toObject().value(u"name").toString();
        al.title = data.value(u"description_title").toString();
        if (al.title.isEmpty())
            al.title = ma.value(u"title").toString(al.alertname);
        al.description = data.value(u"description_text").toString();
        const QJsonArray projects = ma.value(u"alert_rule").toObject().value(u"projects").toArray();
        al.service = projects.isEmpty() ? QString() : text(projects.first());
        al.startsAt = qMax<qint64>(0, parseAlertTime(ma.value(u"date_started").toString()));
        addLink(al.links, data.value(u"web_url").toString(), QStringLiteral("Sentry metric alert"));
    } else {
        return R(invalid(
            resource.isEmpty()
                ? QStringLiteral("cannot tell the Sentry webhook kind: no Sentry-Hook-Resource "
                                 "header and no data.event/issue/metric_alert")
                : QStringLiteral(
                      "unsupported Sentry-Hook-Resource '%1' (event_alert, issue, metric_alert)")
                      .arg(clip(resource, 64))));
    }
    al.severity = config.severityFor(al.source, al.rawSeverity);
    al.title = clip(al.title.simplified(), 300);
    if (al.title.isEmpty())
        al.title = QStringLiteral("Sentry %1").arg(al.fingerprint);
    al.service = clip(al.service, 256);
    al.alertname = clip(al.alertname, 256);
    al.description = clip(al.description);
    return QList<Alert>{al};
}

R normalizeDatadog(const QJsonObject &root, const IngestConfig &config)
{
    Alert al;
    al.source = QStringLiteral("datadog");
    // Tags: "service:web,env:prod" (the $TAGS variable) or an array of "k:v".
    QStringList tags;
    if (root.value(u"tags").isArray()) {
        for (const auto &t : root.value(u"tags").toArray())
            tags << t.toString();
    } else {
        tags = dd(root, "tags").split(u',', Qt::SkipEmptyParts);
    }
    for (const QString &t : std::as_const(tags)) {
        const QString s = t.trimmed();
        const int c = s.indexOf(u':');
        if (s.isEmpty())
            continue;
        al.labels.insert(clip(c > 0 ? s.left(c) : s, 256), clip(c > 0 ? s.mid(c + 1) : QString()));
    }
    for (const char *f : {"event_type", "alert_type", "alert_transition", "alert_status",
                          "alert_metric", "alert_scope", "alert_priority", "priority", "org_name"})
        if (const QString v = dd(root, f); !v.isEmpty())
            al.labels.insert(QLatin1String(f), v);
    const QJsonObject org = root.value(u"org").toObject();
    if (const QString v = dd(org, "name"); !v.isEmpty())
        al.labels.insert(QStringLiteral("org"), v);

    const QString transition = dd(root, "alert_transition").toLower();
    const QString alertType = dd(root, "alert_type").toLower();
    const QString eventType = dd(root, "event_type").toLower();
    const bool recovered = transition == u"recovered" || transition == u"resolved" ||
                           transition == u"ok" || alertType == u"success" ||
                           eventType.endsWith(QLatin1String("recovery"));
    al.status = recovered ? Alert::Status::Resolved : Alert::Status::Firing;

    const QString rawTitle =
        !dd(root, "alert_title").isEmpty() ? dd(root, "alert_title") : dd(root, "title");
    al.title = stripBracketPrefix(rawTitle);
    al.alertname = al.title;
    al.host = dd(root, "hostname");
    if (al.host.isEmpty())
        al.host = dd(root, "host");
    if (al.host.isEmpty())
        al.host = al.labels.value(u"host").toString();
    al.service = dd(root, "service");
    if (al.service.isEmpty())
        al.service = firstOf(al.labels, config.serviceLabels);
    al.description = dd(root, "body");
    al.rawSeverity = !dd(root, "alert_priority").isEmpty() ? dd(root, "alert_priority")
                     : !dd(root, "priority").isEmpty()     ? dd(root, "priority")
                                                           : alertType;
    al.severity = config.severityFor(al.source, al.rawSeverity);
    const QString alertId = dd(root, "alert_id");
    if (alertId.isEmpty() && al.title.isEmpty() && dd(root, "aggreg_key").isEmpty())
        return R(invalid(QStringLiteral(
            "Datadog webhook names no alert: expected 'alert_id', 'aggreg_key', 'alert_title' or "
            "'title' ($ALERT_ID, $AGGREG_KEY, $EVENT_TITLE in the payload template)")));
    const QString scope = !dd(root, "alert_scope").isEmpty() ? dd(root, "alert_scope") : al.host;
    if (!alertId.isEmpty())
        al.fingerprint = scope.isEmpty() ? alertId : alertId + u'/' + scope;
    else if (!dd(root, "aggreg_key").isEmpty())
        al.fingerprint = dd(root, "aggreg_key");
    else
        al.fingerprint = shortHash((al.title + u'\x1f' + al.host + u'\x1f' + al.service).toUtf8());
    al.fingerprint = clip(al.fingerprint, 255);
    al.title = al.title.simplified(); // whitespace alone is no title
    if (al.title.isEmpty()) {
        const QString id = dd(root, "id").simplified();
        al.title = id.isEmpty() ? QStringLiteral("Datadog event")
                                : QStringLiteral("Datadog event %1").arg(id);
    }
    al.title = clip(al.title, 300);
    qint64 t = parseAlertTime(dd(root, "date"));
    if (t <= 0)
        t = parseAlertTime(dd(root, "last_updated"));
    al.startsAt = qMax<qint64>(0, t);
    addLink(al.links, dd(root, "link"), QStringLiteral("Datadog"));
    if (const QString id = dd(root, "id"); !id.isEmpty())
        al.annotations.insert(QStringLiteral("event_id"), id);
    return QList<Alert>{al};
}

QStringList genericEventTypes()
{
    return {QStringLiteral("alert.triggered"), QStringLiteral("engineer.ack"),
            QStringLiteral("mitigation.approved"), QStringLiteral("alert.resolved"),
            QStringLiteral("postmortem.created")};
}

QStringList personOnlyEventTypes()
{
    return {QStringLiteral("mitigation.approved")};
}

Result<GenericEvent> normalizeGeneric(const QByteArray &body, const IngestConfig &config)
{
    using RG = Result<GenericEvent>;
    auto root = parseJsonObject(body);
    if (!root)
        return RG(root.error());
    GenericEvent ev;
    if (!root->value(u"type").isString() || root->value(u"type").toString().isEmpty())
        return RG(invalid(QStringLiteral("missing field 'type' (%1)")
                              .arg(genericEventTypes().join(QStringLiteral(", ")))));
    ev.type = root->value(u"type").toString();
    if (!genericEventTypes().contains(ev.type))
        return RG(
            invalid(QStringLiteral("unknown event type '%1' (%2)")
                        .arg(clip(ev.type, 64), genericEventTypes().join(QStringLiteral(", ")))));
    if (!root->value(u"payload").isObject())
        return RG(invalid(QStringLiteral("missing field 'payload' (an object)")));
    ev.payload = root->value(u"payload").toObject();
    const QJsonObject &p = ev.payload;
    ev.ref = clip(text(p.value(u"id")).trimmed(), 255);
    if (ev.type != u"alert.triggered" && ev.ref.isEmpty())
        return RG(
            invalid(QStringLiteral("missing field 'payload.id' (the alert or incident of '%1')")
                        .arg(ev.type)));
    Alert &al = ev.alert;
    al.source = QStringLiteral("generic");
    al.status = ev.type == u"alert.resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
    const QJsonObject meta = p.value(u"metadata").toObject();
    al.title = clip(p.value(u"title").toString().simplified(), 300);
    if (ev.type == u"alert.triggered" && al.title.isEmpty())
        return RG(invalid(QStringLiteral("missing field 'payload.title'")));
    al.rawSeverity = text(p.value(u"severity"));
    al.severity = config.severityFor(al.source, al.rawSeverity);
    if (ev.type == u"alert.triggered" && !al.rawSeverity.isEmpty() &&
        al.severity == domain::Severity::Unknown)
        return RG(invalid(QStringLiteral("unknown severity '%1' (P1, P2, P3, P4)")
                              .arg(clip(al.rawSeverity, 64))));
    al.service =
        clip(p.value(u"service").toString(meta.value(u"service").toString()).trimmed(), 256);
    al.host = clip(p.value(u"host").toString(meta.value(u"host").toString()).trimmed(), 256);
    al.alertname = clip(p.value(u"alertname").toString(al.title).trimmed(), 256);
    al.description = clip(p.value(u"description").toString());
    al.labels = stringMap(meta);
    if (p.contains(u"source"))
        al.labels.insert(QStringLiteral("source"), clip(text(p.value(u"source")), 256));
    al.fingerprint = ev.ref.isEmpty()
                         ? shortHash((al.title + u'\x1f' + al.service + u'\x1f' + al.host).toUtf8())
                         : ev.ref;
    al.startsAt = qMax<qint64>(0, parseAlertTime(text(p.value(u"createdAt"))));
    return ev;
}

const QStringList &webhookSources()
{
    static const QStringList s{QStringLiteral("alertmanager"), QStringLiteral("pagerduty"),
                               QStringLiteral("sentry"), QStringLiteral("grafana"),
                               QStringLiteral("datadog")};
    return s;
}

R normalize(const QString &source, const QByteArray &body, const IngestConfig &config,
            const QHash<QByteArray, QByteArray> &headers)
{
    if (source == u"generic") {
        auto g = normalizeGeneric(body, config);
        if (!g)
            return R(g.error());
        return QList<Alert>{g->alert};
    }
    if (!webhookSources().contains(source))
        return R::fail(QStringLiteral("unknown source '%1' (%2, generic)")
                           .arg(clip(source, 64), webhookSources().join(QStringLiteral(", "))),
                       QStringLiteral("unknown_source"));
    auto root = parseJsonObject(body);
    if (!root)
        return R(root.error());
    if (source == u"alertmanager")
        return normalizeAlertmanager(*root, config);
    if (source == u"grafana")
        return normalizeGrafana(*root, config);
    if (source == u"pagerduty")
        return normalizePagerDuty(*root, config);
    if (source == u"sentry")
        return normalizeSentry(*root, QString::fromLatin1(headers.value("sentry-hook-resource")),
                               config);
    return normalizeDatadog(*root, config);
}

} // namespace sitrep::ingest
