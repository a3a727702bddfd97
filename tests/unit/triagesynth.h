// SPDX-License-Identifier: MIT
// Synthetic incidents for the triage classifier: a fixed set of failure kinds, each with
// its category, subcategory and assignment group, written with paraphrased titles
// (synonyms, word order, filler) and a priority told by urgency words and severity. A share
// of the labels is replaced by a wrong one (label noise), as in a real ticket history.
// Shared by tests/unit/tst_triage*.cpp and tests/bench/bench_triage.cpp.
#pragma once

#include "engine/command.h"
#include "triage/classifier.h"

#include <QJsonArray>
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

inline const QList<SynthKind> &synthKinds()
{
    static const QList<SynthKind> k{
        {"database",
         "connectivity",
         "Platform Engineering",
         {"Aurora cluster", "Postgres primary", "database", "RDS instance", "DB writer"},
         {"connection timeout", "refusing connections", "connection pool exhausted",
          "too many clients", "ECONNREFUSED from app"},
         {"postgresql", "orders-db"},
         "Raised max_connections and recycled the pgbouncer pool."},
        {"database",
         "performance",
         "Data Platform",
         {"reporting queries", "query engine", "Postgres replica", "slow SQL",
          "analytics database"},
         {"slow queries", "replication lag", "query plan regression", "lock contention",
          "high read IOPS"},
         {"query-engine", "postgresql"},
         "Added the missing index and analyzed the table."},
        {"network",
         "dns",
         "Network Operations",
         {"DNS resolver", "Route53 zone", "internal DNS", "name resolution", "CoreDNS"},
         {"NXDOMAIN errors", "lookups failing", "resolution timeouts", "SERVFAIL responses",
          "stale records"},
         {"dns", "edge"},
         "Flushed resolver caches and fixed the zone delegation."},
        {"network",
         "cdn",
         "Network Operations",
         {"CDN edge", "CloudFront distribution", "static assets", "edge cache", "Fastly POP"},
         {"cache hit ratio dropped", "404 on assets", "TLS handshake errors", "origin overload",
          "stale content served"},
         {"cdn", "web"},
         "Invalidated the distribution and restored the origin rule."},
        {"application",
         "checkout",
         "Commerce Team",
         {"checkout flow", "cart service", "checkout API", "order submission", "basket page"},
         {"returning 502", "error rate above 5%", "timing out", "orders failing", "blank page"},
         {"checkout", "cart"},
         "Rolled back the checkout release."},
        {"application",
         "search",
         "Discovery Team",
         {"search index", "autocomplete", "product search", "Elasticsearch cluster",
          "search results"},
         {"stale results", "empty responses", "latency degraded", "reindex stuck",
          "shard failures"},
         {"search"},
         "Rebuilt the search index from the snapshot."},
        {"security",
         "authentication",
         "Identity Team",
         {"login", "SSO callback", "token refresh", "OAuth provider", "MFA prompt"},
         {"failures spiking", "redirect loop", "401 for valid users", "sessions dropped",
          "certificate expired"},
         {"auth"},
         "Rotated the signing certificate and cleared sessions."},
        {"infrastructure",
         "messaging",
         "Streaming Team",
         {"Kafka consumers", "orders topic", "broker", "SQS queue", "event bus"},
         {"consumer lag growing", "partition rebalance storm", "messages stuck",
          "disk usage above 90%", "DLQ filling"},
         {"kafka", "orders-stream"},
         "Scaled the consumer group and rebalanced partitions."},
        {"infrastructure",
         "compute",
         "Cloud Infrastructure",
         {"ECS tasks", "Kubernetes nodes", "autoscaling group", "EC2 fleet", "worker pods"},
         {"crash looping", "out of memory", "not scaling", "node not ready", "CPU throttled"},
         {"k8s", "workers"},
         "Raised the memory limit and scaled out the node group."},
        {"payments",
         "card",
         "Payments Team",
         {"card authorisations", "payments API", "Stripe webhooks", "refund queue",
          "3DS challenge"},
         {"declines for EU issuers", "returning 500", "webhook backlog", "refunds delayed",
          "provider timeouts"},
         {"payments-api"},
         "Failed over to the secondary acquirer."},
    };
    return k;
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

/// The keys of a JSON object, sorted.
inline QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

} // namespace sitrep::testing
