// SPDX-License-Identifier: MIT
#include "ingest/ingestconfig.h"

#include "workflow/yamlutil.h"

namespace sitrep::ingest {

using domain::Severity;
using workflow::str;
using workflow::strList;
using workflow::yamlError;

static Result<qint64> minutes(const YAML::Node &n, const QString &src, const QString &what,
                              qint64 fallback)
{
    if (!n)
        return fallback;
    bool ok = false;
    const double v = str(n).toDouble(&ok);
    if (!ok || v < 0)
        return Result<qint64>::fail(yamlError(
            src, n.Mark(),
            QStringLiteral("%1 must be a number of minutes, not '%2'").arg(what, str(n))));
    return qint64(v * 60000);
}

static Result<int> count(const YAML::Node &n, const QString &src, const QString &what, int fallback,
                         int min)
{
    if (!n)
        return fallback;
    bool ok = false;
    const int v = str(n).toInt(&ok);
    if (!ok || v < min)
        return Result<int>::fail(
            yamlError(src, n.Mark(),
                      QStringLiteral("%1 must be a whole number >= %2, not '%3'")
                          .arg(what)
                          .arg(min)
                          .arg(str(n))));
    return v;
}

// `text` over `c`: what the YAML says replaces what `c` says.
static Result<IngestConfig> readOnto(IngestConfig c, const QByteArray &text, const QString &src)
{
    using R = Result<IngestConfig>;
    auto doc = workflow::parseYaml(text, src);
    if (!doc)
        return R(doc.error());
    const YAML::Node root = *doc;
    if (!root || root.IsNull())
        return c;
    if (!root.IsMap())
        return R::fail(
            yamlError(src, root.Mark(), QStringLiteral("expected a mapping at the top level")));
    try {
        static const QStringList known{QStringLiteral("correlation"), QStringLiteral("flapping"),
                                       QStringLiteral("labels"), QStringLiteral("severity"),
                                       QStringLiteral("all_alerts_resolved")};
        for (auto it = root.begin(); it != root.end(); ++it) {
            const QString k = str(it->first);
            if (!known.contains(k))
                return R::fail(yamlError(src, it->first.Mark(),
                                         QStringLiteral("unknown key '%1' (known: %2)")
                                             .arg(k, known.join(QStringLiteral(", ")))));
        }
        if (const auto corr = root["correlation"]) {
            if (corr["group_by"]) {
                c.groupBy = strList(corr["group_by"]);
                if (c.groupBy.isEmpty())
                    return R::fail(yamlError(src, corr["group_by"].Mark(),
                                             QStringLiteral("group_by needs at least one field")));
            }
            auto w =
                minutes(corr["window_minutes"], src, QStringLiteral("window_minutes"), c.windowMs);
            if (!w)
                return R(w.error());
            c.windowMs = *w;
            auto t = count(corr["threshold"], src, QStringLiteral("threshold"), c.threshold, 1);
            if (!t)
                return R(t.error());
            c.threshold = *t;
        }
        if (const auto flap = root["flapping"]) {
            auto w = minutes(flap["window_minutes"], src, QStringLiteral("flapping.window_minutes"),
                             c.flapWindowMs);
            if (!w)
                return R(w.error());
            c.flapWindowMs = *w;
            auto m = count(flap["max_changes"], src, QStringLiteral("flapping.max_changes"),
                           c.flapMaxChanges, 1);
            if (!m)
                return R(m.error());
            c.flapMaxChanges = *m;
        }
        if (const auto labels = root["labels"]) {
            if (labels["service"])
                c.serviceLabels = strList(labels["service"]);
            if (labels["host"])
                c.hostLabels = strList(labels["host"]);
        }
        if (const auto sev = root["severity"]) {
            if (!sev.IsMap())
                return R::fail(
                    yamlError(src, sev.Mark(),
                              QStringLiteral("severity must map source -> {word: severity}")));
            for (auto s = sev.begin(); s != sev.end(); ++s) {
                const QString source = str(s->first).toLower();
                if (!s->second.IsMap())
                    return R::fail(
                        yamlError(src, s->second.Mark(),
                                  QStringLiteral("severity.%1 must be a mapping").arg(source)));
                QHash<QString, Severity> t;
                for (auto w = s->second.begin(); w != s->second.end(); ++w) {
                    const Severity v = domain::parseSeverity(str(w->second));
                    if (v == Severity::Unknown)
                        return R::fail(yamlError(
                            src, w->second.Mark(),
                            QStringLiteral("unknown severity '%1' (critical, high, medium, low)")
                                .arg(str(w->second))));
                    t.insert(str(w->first).toLower(), v);
                }
                c.severityMap.insert(source, t);
            }
        }
        if (const auto ar = root["all_alerts_resolved"]) {
            if (ar["note"])
                c.allResolvedNote = str(ar["note"]);
            if (ar["root_cause"])
                c.allResolvedRootCause = str(ar["root_cause"]);
        }
    } catch (const YAML::Exception &e) {
        return R::fail(yamlError(src, e.mark, QString::fromStdString(e.msg)));
    }
    return c;
}

static Result<IngestConfig> readDefaults(const QByteArray &text, const QString &src)
{
    return readOnto(IngestConfig(), text, src);
}

IngestConfig IngestConfig::defaults()
{
    // The shipped ingest.yaml over the struct's initial values, so the defaults are written
    // down once. It is compiled in: it cannot be missing or wrong in a build that passed its
    // tests.
    static const IngestConfig d = [] {
        auto c =
            workflow::loadConfigFile(QStringLiteral(":/sitrep/config/ingest.yaml"), &readDefaults);
        if (!c)
            qFatal("the built-in ingest configuration: %s", qPrintable(c.errorMessage()));
        return *c;
    }();
    return d;
}

Result<IngestConfig> IngestConfig::fromYaml(const QByteArray &text, const QString &src)
{
    return readOnto(defaults(), text, src);
}

Result<IngestConfig> IngestConfig::load(const QString &path)
{
    return workflow::loadConfigFile(path, &IngestConfig::fromYaml);
}

Severity IngestConfig::severityFor(const QString &source, const QString &raw) const
{
    const auto t = severityMap.constFind(source);
    if (t == severityMap.cend())
        return domain::parseSeverity(raw);
    const QString key = raw.trimmed().toLower();
    if (!key.isEmpty()) {
        if (auto v = t->constFind(key); v != t->cend())
            return *v;
        if (const Severity s = domain::parseSeverity(key); s != Severity::Unknown)
            return s;
    }
    return t->value(QStringLiteral("*"), Severity::Unknown);
}

} // namespace sitrep::ingest
