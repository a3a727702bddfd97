// SPDX-License-Identifier: MIT
// Synthetic incidents for the triage classifier: a fixed set of failure kinds, each with
// its category, subcategory and assignment group, written with paraphrased titles
// (synonyms, word order, filler) and a priority told by urgency words and severity. A share
// of the labels is replaced by a wrong one (label noise), as in a real ticket history. The
// kinds are data: tests/fixtures/triage-synth-kinds.json.
// Shared by tests/unit/tst_triage*.cpp and tests/bench/bench_triage.cpp.
#pragma once

#include "engine/command.h"
#include "triage/classifier.h"
#include "triage/triageresult.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <random>

namespace sitrep::testing {

struct SynthKind {
    QString category, subcategory, group;
    QStringList subjects; // what broke, in several words
    QStringList symptoms; // how it shows
    QStringList services;
    QString fix; // resolution note
};

/// The failure kinds, read once from tests/fixtures/triage-synth-kinds.json.
inline const QList<SynthKind> &synthKinds()
{
    static const QList<SynthKind> kinds = [] {
        const QString path =
            QStringLiteral(SITREP_SOURCE_DIR "/tests/fixtures/triage-synth-kinds.json");
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        const auto texts = [](const QJsonValue &v) {
            QStringList out;
            for (const QJsonValue &t : v.toArray())
                out << t.toString();
            return out;
        };
        QList<SynthKind> out;
        for (const QJsonValue &v : QJsonDocument::fromJson(f.readAll()).array()) {
            const QJsonObject o = v.toObject();
            out << SynthKind{o[u"category"].toString(), o[u"subcategory"].toString(),
                             o[u"group"].toString(),    texts(o[u"subjects"]),
                             texts(o[u"symptoms"]),     texts(o[u"services"]),
                             o[u"fix"].toString()};
        }
        if (out.isEmpty())
            qFatal("no failure kinds in %s", qPrintable(path));
        return out;
    }();
    return kinds;
}

inline const QStringList &synthPriorities()
{
    static const QStringList p{"P1", "P2", "P3", "P4"};
    return p;
}

struct SynthIncident {
    QJsonObject open; // Command::open args, labels included
    QString fix;
    triage::Example example;
};

/// `n` incidents from a fixed seed. `noise` is the share of labels (per field) replaced by
/// another value of that field.
inline QList<SynthIncident> generateSynthIncidents(int n, quint64 seed, double noise = 0.15)
{
    std::mt19937_64 rng(seed);
    auto pick = [&](const auto &list) -> decltype(auto) {
        return list[int(std::uniform_int_distribution<int>(0, int(list.size()) - 1)(rng))];
    };
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    static const QStringList urgencyWords[4] = {
        {"outage", "all customers affected", "complete outage", "site down", "critical impact"},
        {"degraded", "many users affected", "major impact", "partial outage"},
        {"intermittent", "some users", "minor degradation", "sporadic"},
        {"cosmetic", "single user", "low impact", "warning only", "no customer impact"},
    };
    static const char *sevFor[4] = {"critical", "high", "medium", "low"};
    static const QStringList templates{"%1 %2",  "%2 on %1",        "Users report %1 %2",
                                       "%1: %2", "Alert: %2 in %1", "%2 (%1)"};
    static const QStringList fillers{"Seen in the dashboards since the morning.",
                                     "Paged by monitoring.",
                                     "Customer support escalated it.",
                                     "Started after the last deploy.",
                                     "On-call is looking.",
                                     "Error budget burning.",
                                     ""};
    QStringList categories, subcategories, groups;
    for (const auto &k : synthKinds()) {
        if (!categories.contains(k.category))
            categories << k.category;
        subcategories << k.subcategory;
        if (!groups.contains(k.group))
            groups << k.group;
    }
    auto noisy = [&](const QString &truth, const QStringList &all) {
        if (!chance(noise))
            return truth;
        QString other;
        do
            other = pick(all);
        while (other == truth);
        return other;
    };
    // Priorities are uneven, as in real life: most incidents are P3.
    std::discrete_distribution<int> prioDist({10, 25, 45, 20});
    QList<SynthIncident> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
        const SynthKind &k = synthKinds()[int(
            std::uniform_int_distribution<int>(0, int(synthKinds().size()) - 1)(rng))];
        const int p = prioDist(rng);
        QString title =
            templates[int(std::uniform_int_distribution<int>(0, int(templates.size()) - 1)(rng))]
                .arg(pick(k.subjects), pick(k.symptoms));
        const QString urgency = pick(urgencyWords[p]);
        if (chance(0.5))
            title += QStringLiteral(" - ") + urgency;
        const QString description =
            QStringLiteral("%1 %2, %3. %4")
                .arg(pick(k.subjects), pick(k.symptoms), urgency, pick(fillers));
        // Severity follows priority most of the time.
        const int sev = chance(0.75) ? p : std::clamp(p + (chance(0.5) ? 1 : -1), 0, 3);
        SynthIncident s;
        s.fix = k.fix;
        const QString svc = pick(k.services);
        const QString cat = noisy(k.category, categories),
                      sub = noisy(k.subcategory, subcategories),
                      prio = noisy(synthPriorities()[p], synthPriorities()),
                      grp = noisy(k.group, groups);
        s.open = QJsonObject{{"title", title},
                             {"description", description},
                             {"severity", QString::fromLatin1(sevFor[sev])},
                             {"priority", prio},
                             {"category", cat},
                             {"subcategory", sub},
                             {"assignment_group", grp},
                             {"services", QJsonArray{svc}},
                             {"alerts", QJsonArray{QStringLiteral("%1-alert").arg(svc)}}};
        s.example.input.title = title;
        s.example.input.description = description;
        s.example.input.services = {svc};
        s.example.input.alerts = {QStringLiteral("%1-alert").arg(svc)};
        s.example.input.severity = QString::fromLatin1(sevFor[sev]);
        s.example.labels = {
            {"category", cat}, {"subcategory", sub}, {"priority", prio}, {"assignment_group", grp}};
        out << s;
    }
    return out;
}

/// One batch that opens and resolves `n` synthetic incidents (labels included), each under a
/// fresh uid, for a store the classifier can learn from.
inline QList<engine::Command> openAndResolveSynthIncidents(int n, quint64 seed, double noise)
{
    using engine::Command;
    QList<Command> batch;
    for (const auto &s : generateSynthIncidents(n, seed, noise)) {
        QJsonObject open = s.open;
        const QString uid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        open[u"uid"] = uid;
        batch << Command::open(open, QStringLiteral("tester"));
        batch << Command::transition(
            uid, QStringLiteral("resolved"), QStringLiteral("tester"),
            {{QStringLiteral("resolution_note"), s.fix},
             {QStringLiteral("root_cause"), QStringLiteral("configuration")}});
    }
    return batch;
}

inline QList<triage::Example> examplesOf(const QList<SynthIncident> &list)
{
    QList<triage::Example> out;
    out.reserve(list.size());
    for (const auto &s : list)
        out << s.example;
    return out;
}

/// The keys of a triage suggestion's event payload (the contract), sorted.
inline QStringList suggestionPayloadKeys()
{
    return {QStringLiteral("articles"),
            QStringLiteral("assignment_group"),
            QStringLiteral("category"),
            QStringLiteral("confidence"),
            QStringLiteral("confidences"),
            QStringLiteral("model_version"),
            QStringLiteral("priority"),
            QStringLiteral("subcategory"),
            QStringLiteral("suggested_resolution")};
}

/// A knowledge-base article suggested with a triage result (one with no file location).
inline triage::ArticleMatch articleMatch(const QString &id, const QString &title,
                                         const QString &source, double relevance)
{
    return {id, title, source, {}, relevance};
}

/// The keys of a JSON object, sorted.
inline QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

} // namespace sitrep::testing
