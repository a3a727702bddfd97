// SPDX-License-Identifier: MIT
// A realistic incident history of any size for the benchmarks, loaded through the store's
// bulk path (store::BulkLoader: the event log with its hash chain, the projection folded
// from the events, search documents, service rows and every index).
//
// Every incident is generated on its own from the seed: a title from ~40 templates filled
// with services, regions, hosts, customers and numbers (hundreds of thousands of distinct
// titles), a description, 1-3 of 48 services, severity weighted towards SEV3/SEV4, the
// priority that follows from impact and urgency (not always the severity), an assignee out
// of 120 people (some unassigned), a team, creation times over two years with a daily
// rhythm, and a life through the SRE workflow whose pace depends on the priority: old
// incidents are closed (a few forgotten in resolved), recent ones are spread over every
// state, some breach their SLA, some carry notes and status updates. The same seed gives
// the same data.
#pragma once

#include "benchutil.h"

#include "domain/event.h"
#include "engine/lifecycleengine.h"
#include "store/bulkloader.h"
#include "store/store.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QUuid>

#include <cstdio>

namespace sitrep::bench {

struct IncidentSetOptions {
    qint64 incidents = 1000000;
    quint64 seed = 1;
    qint64 now = 1790000000000LL; // end of the history (ms), fixed so a seed gives the same data
    int days = 730;
};

namespace incidentset {

inline const char *const kServices[] = {"checkout",
                                        "payments-api",
                                        "auth",
                                        "search",
                                        "kafka",
                                        "postgresql",
                                        "redis",
                                        "api-gateway",
                                        "cdn",
                                        "dns",
                                        "ai-service",
                                        "query-engine",
                                        "billing",
                                        "notifications",
                                        "email-relay",
                                        "mobile-backend",
                                        "web-frontend",
                                        "inventory",
                                        "orders",
                                        "shipping",
                                        "recommendations",
                                        "feature-flags",
                                        "identity",
                                        "object-storage",
                                        "k8s-control-plane",
                                        "ingress",
                                        "service-mesh",
                                        "vault",
                                        "ci-runners",
                                        "artifact-registry",
                                        "metrics-pipeline",
                                        "log-ingest",
                                        "tracing",
                                        "data-warehouse",
                                        "etl-scheduler",
                                        "ml-training",
                                        "fraud-detection",
                                        "pricing",
                                        "catalog",
                                        "customer-portal",
                                        "support-desk",
                                        "sso",
                                        "rate-limiter",
                                        "websocket-gateway",
                                        "media-transcoder",
                                        "geo-lookup",
                                        "ledger",
                                        "reporting"};
inline const char *const kRegions[] = {"eu-west-1", "eu-central-1",   "us-east-1",
                                       "us-west-2", "ap-southeast-2", "ap-northeast-1",
                                       "sa-east-1", "ca-central-1"};
inline const char *const kCustomers[] = {
    "Acme Corp", "Globex",     "Initech",  "Umbrella", "Stark Industries", "Wayne Enterprises",
    "Hooli",     "Pied Piper", "Vandelay", "Soylent",  "Tyrell",           "Cyberdyne",
    "Wonka",     "Gringotts",  "Oscorp"};
inline const char *const kTitles[] = {"%S error rate above %N%",
                                      "%S latency p99 over %Ms",
                                      "%S returning 5xx in %R",
                                      "%S pods crash-looping after deploy %V",
                                      "%S health check failing on %H",
                                      "Disk usage above 9%D% on %H",
                                      "Memory pressure on %H (%S)",
                                      "Certificate for %S expires in %D days",
                                      "%S connection pool exhausted",
                                      "Consumer lag on %S topic above %N000 messages",
                                      "Replication lag on %S above %Ns",
                                      "%S degraded for %C",
                                      "Customer %C reports %S timeouts",
                                      "Elevated 429s from %S upstream",
                                      "%S deploy %V rolled back",
                                      "Backup job for %S failed",
                                      "%S queue depth growing in %R",
                                      "DNS resolution failures for %S in %R",
                                      "TLS handshake errors on %S",
                                      "%S CPU throttling on %H",
                                      "Cron job %S-cleanup missed its window",
                                      "Data inconsistency in %S after migration %V",
                                      "Login failures spiking for %S",
                                      "%S cache hit ratio dropped to %N%",
                                      "Security alert: unusual access to %S from %R",
                                      "%S out of file descriptors on %H",
                                      "Partial outage of %S in %R",
                                      "%S slow queries after index change %V",
                                      "Webhook deliveries from %S delayed",
                                      "%S autoscaling stuck at max in %R",
                                      "Payment confirmations delayed via %S",
                                      "%S feature flag %V misconfigured",
                                      "Network packet loss between %R and %S",
                                      "%S SLO burn rate alert (%Nx)",
                                      "Stale reads from %S replica %H",
                                      "%S batch job OOM-killed",
                                      "Third-party outage affecting %S",
                                      "%S configuration drift on %H",
                                      "Spike of 404s on %S after release %V",
                                      "Alertmanager: %S down in %R"};
inline const char *const kCauses[] = {
    "a bad deploy",    "an expired credential", "a noisy neighbour", "a schema migration",
    "a traffic spike", "a provider outage",     "a config push",     "a memory leak",
    "a hot partition", "a DNS change"};
inline const char *const kNotes[] = {"Rolled back the last deploy, watching error rates",
                                     "Scaled the deployment out by four replicas",
                                     "Paging the owning team for a second pair of eyes",
                                     "Customer support confirms reports from several tenants",
                                     "Failover to the standby region started",
                                     "Root cause looks like connection churn after the config push",
                                     "Mitigation in place, monitoring for thirty minutes",
                                     "Opened a ticket with the provider, reference attached",
                                     "Dashboards show recovery since the restart",
                                     "Blocking the offending client at the edge"};
inline const char *const kTeams[] = {"sre",  "platform", "payments", "identity", "data",
                                     "edge", "mobile",   "core-api", "infra",    "security"};

inline QString person(int i)
{
    static const char *const first[] = {"alice",   "bob",   "carol",  "dave",  "erin",
                                        "frank",   "grace", "heidi",  "ivan",  "judy",
                                        "mallory", "niaj",  "olivia", "peggy", "rupert",
                                        "sybil",   "trent", "victor", "wendy", "yusuf"};
    static const char *const last[] = {"", ".k", ".m", ".s", ".t", ".w"};
    return QString::fromLatin1(first[i % 20]) + QString::fromLatin1(last[(i / 20) % 6]);
}

inline QString uuid(QRandomGenerator &rng)
{
    quint32 w[4];
    rng.fillRange(w, 4);
    QByteArray b(reinterpret_cast<const char *>(w), 16);
    b[6] = char((b[6] & 0x0f) | 0x40);
    b[8] = char((b[8] & 0x3f) | 0x80);
    return QUuid::fromRfc4122(b).toString(QUuid::WithoutBraces);
}

/// The events of incident `n` (1-based), created at `createdAt`.
inline QList<domain::Event> incidentEvents(QRandomGenerator &rng, qint64 n, qint64 createdAt,
                                           qint64 now)
{
    using namespace domain;
    auto pick = [&](auto &arr) {
        return QString::fromLatin1(arr[rng.bounded(int(std::size(arr)))]);
    };
    const QString svc = pick(kServices);
    QString title = pick(kTitles);
    title.replace(QStringLiteral("%S"), svc);
    title.replace(QStringLiteral("%R"), pick(kRegions));
    title.replace(QStringLiteral("%C"), pick(kCustomers));
    title.replace(
        QStringLiteral("%H"),
        QStringLiteral("%1-%2").arg(svc.left(6)).arg(rng.bounded(1, 400), 3, 10, QLatin1Char('0')));
    title.replace(QStringLiteral("%V"), QStringLiteral("v%1.%2.%3")
                                            .arg(rng.bounded(1, 9))
                                            .arg(rng.bounded(0, 40))
                                            .arg(rng.bounded(0, 20)));
    title.replace(QStringLiteral("%M"), QString::number(rng.bounded(1, 12)));
    title.replace(QStringLiteral("%N"), QString::number(rng.bounded(2, 60)));
    title.replace(QStringLiteral("%D"), QString::number(rng.bounded(0, 10)));
    QJsonArray services{svc};
    for (int k = rng.bounded(3); k > 0; --k) {
        const QString more = pick(kServices);
        if (!services.contains(more))
            services.append(more);
    }
    // SEV1 3%, SEV2 12%, SEV3 40%, SEV4 45%; priority follows the impact/urgency matrix,
    // which mostly but not always matches the severity.
    const int roll = rng.bounded(100);
    const int sev = roll < 3 ? 1 : roll < 15 ? 2 : roll < 55 ? 3 : 4;
    const int prio = std::clamp(sev + (rng.bounded(10) == 0 ? (rng.bounded(2) ? 1 : -1) : 0), 1, 4);
    static const char *const sevNames[] = {"", "critical", "high", "medium", "low"};
    static const char *const levels[] = {"", "high", "high", "medium", "low"};
    static const int respMin[] = {0, 5, 15, 60, 240};
    static const int resoMin[] = {0, 240, 480, 1440, 4320};
    const QString assignee = rng.bounded(10) == 0 ? QString() : person(rng.bounded(120));
    const QString actor = QStringLiteral("ingest");

    QList<Event> out;
    const QString incidentUid = uuid(rng);
    qint64 ts = createdAt;
    auto add = [&](const QString &kind, const QString &who, QJsonObject payload) {
        Event e;
        e.id = uuid(rng);
        e.incidentUid = incidentUid;
        e.ts = ts;
        e.hlc = (ts << 16) | qint64(out.size());
        e.actor = who;
        e.kind = kind;
        e.payload = std::move(payload);
        e.origin = QStringLiteral("backend");
        out << e;
    };
    add(kinds::Opened, actor,
        {{QStringLiteral("number"), QStringLiteral("INC%1").arg(n, 7, 10, QLatin1Char('0'))},
         {QStringLiteral("title"), title},
         {QStringLiteral("description"), QStringLiteral("%1 on %2 since %3, probably %4.")
                                             .arg(title, svc, pick(kRegions), pick(kCauses))},
         {QStringLiteral("severity"), QLatin1String(sevNames[sev])},
         {QStringLiteral("priority"), QStringLiteral("P%1").arg(prio)},
         {QStringLiteral("impact"), QLatin1String(levels[prio])},
         {QStringLiteral("urgency"), QLatin1String(levels[sev])},
         {QStringLiteral("category"), QStringLiteral("infrastructure")},
         {QStringLiteral("services"), services},
         {QStringLiteral("assignee"), assignee},
         {QStringLiteral("assignment_group"), pick(kTeams)},
         {QStringLiteral("reporter"),
          rng.bounded(3) == 0 ? person(rng.bounded(120)) : QStringLiteral("alertmanager")},
         {QStringLiteral("state"), QStringLiteral("triggered")},
         {QStringLiteral("open"), true},
         {QStringLiteral("sla"), QStringLiteral("running")},
         {QStringLiteral("response_minutes"), respMin[prio]},
         {QStringLiteral("resolution_minutes"), resoMin[prio]}});
    // Life through the SRE workflow: time to acknowledge and to resolve spread per severity;
    // whatever would happen after `now` has not happened yet.
    const QString responder = assignee.isEmpty() ? person(rng.bounded(120)) : assignee;
    const qint64 mtta = qint64(rng.bounded(respMin[prio] * 2 + 2)) * 60000 + rng.bounded(60000);
    const qint64 mttr = mtta + qint64(rng.bounded(resoMin[prio] * 3 / 2 + 30)) * 60000;
    struct Step {
        const char *to;
        const char *stamp;
        const char *sla;
        bool open;
        qint64 at;
    };
    const Step steps[] = {
        {"acknowledged", "acknowledged", "running", true, mtta},
        {"investigating", "", "running", true, mtta + (mttr - mtta) / 4},
        {"mitigating", "mitigated", "running", true, mtta + (mttr - mtta) * 3 / 4},
        {"resolved", "resolved", "stopped", true, mttr},
        {"postmortem", "closed", "stopped", false,
         mttr + qint64(sev <= 2 ? rng.bounded(1, 96) : rng.bounded(1, 14 * 24)) * 3600000}};
    // Resolved incidents are closed (the SRE workflow's closed state is postmortem) after a
    // postmortem for SEV1/SEV2, after review for the rest; a few are forgotten in resolved.
    const int lastStep = rng.bounded(1000) < 15 ? 3 : 4;
    QString from = QStringLiteral("triggered");
    bool breached = false;
    for (int s = 0; s <= lastStep; ++s) {
        if (createdAt + steps[s].at > now)
            break;
        if (!breached && steps[s].at > qint64(resoMin[prio]) * 60000 &&
            createdAt + qint64(resoMin[prio]) * 60000 <= now) {
            ts = createdAt + qint64(resoMin[prio]) * 60000;
            add(kinds::SlaBreached, QStringLiteral("sitrep"),
                {{QStringLiteral("sla"), QStringLiteral("resolution")}});
            breached = true;
        }
        ts = createdAt + steps[s].at;
        if (s == 1 && rng.bounded(4) == 0)
            add(kinds::NoteAdded, responder, {{QStringLiteral("text"), pick(kNotes)}});
        if (s == 2 && sev <= 2)
            add(kinds::StatusUpdate, responder,
                {{QStringLiteral("text"), QStringLiteral("Mitigation in progress for %1").arg(svc)},
                 {QStringLiteral("visibility"), QStringLiteral("external")}});
        QJsonObject p{{QStringLiteral("from"), from},
                      {QStringLiteral("to"), QLatin1String(steps[s].to)},
                      {QStringLiteral("open"), steps[s].open},
                      {QStringLiteral("sla"), QLatin1String(steps[s].sla)}};
        if (*steps[s].stamp)
            p.insert(QStringLiteral("stamps"), QLatin1String(steps[s].stamp));
        add(kinds::Transitioned, responder, p);
        from = QLatin1String(steps[s].to);
    }
    return out;
}

} // namespace incidentset

/// Fills the empty store at `store` with `o.incidents` generated incidents through `loader`;
/// progress goes to stderr.
inline Status generateIncidentSet(store::Store &store, store::BulkLoader &loader,
                                  const IncidentSetOptions &o)
{
    if (auto s = loader.begin(); !s)
        return s;
    QRandomGenerator rng(quint32(o.seed * 2654435761u + 17));
    const qint64 span = qint64(o.days) * 86400000LL;
    const qint64 start = o.now - span;
    const qint64 chunk = 20000;
    Stopwatch sw;
    QList<domain::Event> batch;
    for (qint64 i = 0; i < o.incidents; ++i) {
        // Even spread with jitter, denser by day than by night (UTC office hours).
        qint64 t = start + span * i / o.incidents +
                   rng.bounded(int(std::max<qint64>(1, span / o.incidents)));
        const int hour = int((t / 3600000) % 24);
        if ((hour < 6 || hour > 20) && rng.bounded(2) == 0)
            t -= 6 * 3600000LL;
        batch << incidentset::incidentEvents(rng, i + 1, std::max(start, t), o.now);
        if ((i + 1) % chunk == 0 || i + 1 == o.incidents) {
            if (auto s = loader.add(batch); !s)
                return s;
            batch.clear();
            fprintf(stderr, "\r  %lld/%lld incidents, %lld events, %.0f s", (long long)(i + 1),
                    (long long)o.incidents, (long long)loader.loaded(), sw.seconds());
        }
    }
    fprintf(stderr, "\n  projection, search, services, indexes ...\n");
    if (auto s = loader.finish(); !s)
        return s;
    if (auto s = store.db().exec(QStringLiteral("UPDATE counters SET value=(SELECT max(id) FROM "
                                                "incidents) WHERE name='incident_number'"));
        !s)
        return s;
    (void)store.db().exec(QStringLiteral("ANALYZE"));
    (void)store.db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    fprintf(stderr, "  %lld incidents in %.1f s\n", (long long)o.incidents, sw.seconds());
    return {};
}

/// The same through the store's bulk loader alone: no projection but the incidents.
inline Status generateIncidentSet(store::Store &store, const IncidentSetOptions &o)
{
    store::BulkLoader loader(store);
    return generateIncidentSet(store, loader, o);
}

/// The same through the engine's bulk loader: its projections are current afterwards.
inline Status generateIncidentSet(engine::LifecycleEngine &engine, const IncidentSetOptions &o)
{
    store::BulkLoader loader = engine.bulkLoader();
    return generateIncidentSet(engine.store(), loader, o);
}

} // namespace sitrep::bench
