// SPDX-License-Identifier: MIT
#include "demo/demogenerator.h"

#include "demo/demoservices.h"
#include "store/store.h"

#include <QJsonArray>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <random>

namespace sitrep::demo {

using engine::Command;

const QList<DemoService> &demoServices()
{
    static const QList<DemoService> s{
        {"checkout",
         "application",
         {"Checkout error rate above 5%", "Checkout latency p99 over 2s",
          "Payment confirmation page timing out"},
         {"deployment", "dependency"}},
        {"payments-api",
         "payments",
         {"Payments API returning 502s", "Card authorisations failing for EU issuers",
          "Refund queue backing up"},
         {"third_party", "capacity"}},
        {"ai-service",
         "application",
         {"LLM provider returning 429s", "AI Service high latency", "Embedding job stuck"},
         {"third_party", "capacity"}},
        {"query-engine",
         "database",
         {"Slow queries on reporting cluster", "Connection pool exhaustion in query engine",
          "Query planner regression after upgrade"},
         {"configuration", "software_bug"}},
        {"kafka",
         "infrastructure",
         {"Consumer lag on orders topic", "Partition rebalance storm",
          "Broker disk usage above 90%"},
         {"capacity", "configuration"}},
        {"postgresql",
         "database",
         {"PostgreSQL connection limit reached", "Replication lag above 60s",
          "Aurora failover triggered"},
         {"capacity", "hardware"}},
        {"auth",
         "security",
         {"Login failures spiking", "Token refresh errors for mobile clients", "SSO callback loop"},
         {"software_bug", "certificate"}},
        {"search",
         "application",
         {"Search index stale", "Search p95 latency degraded",
          "Autocomplete returning empty results"},
         {"software_bug", "capacity"}},
        {"cdn",
         "network",
         {"CDN cache hit ratio dropped", "Static assets 404 after release",
          "TLS handshake errors at edge"},
         {"configuration", "certificate"}},
        {"notifications",
         "application",
         {"Push notifications delayed", "Email bounce rate high", "SMS provider timeouts"},
         {"third_party", "dependency"}},
    };
    return s;
}

namespace {

const QStringList people{
    QStringLiteral("alice.nguyen"), QStringLiteral("bob.okafor"),  QStringLiteral("carla.diaz"),
    QStringLiteral("dev.patel"),    QStringLiteral("erin.walsh"),  QStringLiteral("farid.haddad"),
    QStringLiteral("grace.kim"),    QStringLiteral("hiro.tanaka"), QStringLiteral("ines.moreau")};
const QStringList commanders{QStringLiteral("priya.raman"), QStringLiteral("marcus.lee"),
                             QStringLiteral("sofia.rossi")};

struct Timed {
    qint64 at;
    int order;
    Command cmd;
};

} // namespace

QList<Command> generateDemoCommands(const DemoOptions &o)
{
    std::mt19937_64 rng(o.seed);
    auto uni = [&](double a, double b) {
        return std::uniform_real_distribution<double>(a, b)(rng);
    };
    auto pick = [&](int n) { return int(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
    auto logn = [&](double medianMin, double sigma) {
        return std::exp(std::log(medianMin) + sigma * std::normal_distribution<double>(0, 1)(rng));
    };
    const qint64 now = o.now;
    const qint64 span = qint64(o.days) * 86400000;
    QList<Timed> all;
    all.reserve(o.incidents * 8);
    int order = 0;
    qint64 stormAt = 0;
    int stormLeft = 0;
    int stormSvc = 0;
    for (int i = 0; i < o.incidents; ++i) {
        // Alert storms: bursts of related incidents on one service within minutes.
        qint64 created;
        int svc;
        if (stormLeft > 0) {
            --stormLeft;
            created = stormAt + qint64(uni(0, 20 * 60000));
            svc = stormSvc;
        } else {
            // More incidents recently: skew toward now.
            created = now - qint64(std::pow(uni(0, 1), 1.3) * double(span));
            svc = pick(int(demoServices().size()));
            if (uni(0, 1) < 0.03) {
                stormAt = created;
                stormSvc = svc;
                stormLeft = 3 + pick(6);
            }
        }
        created = qMin(created, now - 60000);
        const DemoService &sd = demoServices()[svc];
        const double r = uni(0, 1);
        const char *sev = r < 0.06 ? "critical" : r < 0.26 ? "high" : r < 0.7 ? "medium" : "low";
        const int sevIdx = r < 0.06 ? 0 : r < 0.26 ? 1 : r < 0.7 ? 2 : 3;
        const QString uid = QUuid::fromRfc4122(QByteArray::fromStdString([&] {
                                std::string b(16, '\0');
                                for (auto &c : b)
                                    c = char(rng() & 0xff);
                                b[6] = char((b[6] & 0x0f) | 0x40);
                                b[8] = char((b[8] & 0x3f) | 0x80);
                                return b;
                            }()))
                                .toString(QUuid::WithoutBraces);
        const QString svcName = QString::fromLatin1(sd.name);
        const QString title = QString::fromLatin1(sd.titles[pick(int(sd.titles.size()))]);
        QJsonObject open{
            {QStringLiteral("uid"), uid},
            {QStringLiteral("title"), title},
            {QStringLiteral("description"),
             QStringLiteral(
                 "%1 detected on %2. Alert fired from monitoring; customers may see errors.")
                 .arg(title, svcName)},
            {QStringLiteral("severity"), QString::fromLatin1(sev)},
            {QStringLiteral("category"), QString::fromLatin1(sd.category)},
            {QStringLiteral("services"), QJsonArray{svcName}},
            {QStringLiteral("alerts"), QJsonArray{QStringLiteral("%1-%2").arg(svcName).arg(i)}}};
        if (uni(0, 1) < 0.3) {
            static const char *impacts[] = {"Enterprise-wide", "Multiple departments",
                                            "Single department", "Single user"};
            static const char *urg[] = {"Critical", "High", "Medium", "Low"};
            open[u"impact"] = QString::fromLatin1(impacts[qMin(3, sevIdx + pick(2))]);
            open[u"urgency"] = QString::fromLatin1(urg[sevIdx]);
        }
        Command c = Command::open(open, QStringLiteral("alertmanager"));
        all.append({created, order++, c});
        auto at = [&](qint64 t, Command cmd) {
            if (t < now)
                all.append({t, order++, cmd});
        };
        static const double mttaMedian[] = {3, 8, 25, 120};
        static const double mttrMedian[] = {50, 140, 480, 2400};
        const qint64 ack = created + qint64(logn(mttaMedian[sevIdx], 0.7) * 60000);
        const qint64 resolved = ack + qint64(logn(mttrMedian[sevIdx], 0.6) * 60000);
        const QString person = people[pick(int(people.size()))];
        at(ack, Command::make(Command::Kind::Acknowledge, uid, {}, person));
        if (o.fullTimelines && sevIdx <= 1)
            at(ack + 60000,
               Command::make(Command::Kind::SetCommander, uid,
                             {{QStringLiteral("commander"), commanders[pick(3)]}}, person));
        const qint64 inv = ack + qint64(uni(1, 6) * 60000);
        at(inv, Command::transition(uid, QStringLiteral("investigating"), person));
        if (o.fullTimelines) {
            at(inv + 120000,
               Command::note(uid,
                             QStringLiteral("Looking at %1 dashboards; error budget burn is %2x.")
                                 .arg(svcName)
                                 .arg(2 + pick(12)),
                             person));
            if (sevIdx <= 2)
                at(inv + 300000,
                   Command::make(
                       Command::Kind::StatusUpdate, uid,
                       {{QStringLiteral("message"),
                         QStringLiteral(
                             "We are investigating degraded %1. Next update in 30 minutes.")
                             .arg(svcName)},
                        {QStringLiteral("visibility"),
                         sevIdx <= 1 ? QStringLiteral("external") : QStringLiteral("internal")}},
                       person));
        }
        const qint64 mit = inv + (resolved - inv) / 2;
        if (sevIdx == 0 || (open.contains(u"impact") && sevIdx <= 1))
            at(mit - 60000,
               Command::approve(uid, commanders[pick(3)], QStringLiteral("mitigating")));
        at(mit, Command::transition(uid, QStringLiteral("mitigating"), person));
        const QString cause = QString::fromLatin1(sd.causes[pick(int(sd.causes.size()))]);
        at(resolved,
           Command::transition(
               uid, QStringLiteral("resolved"), person,
               {{QStringLiteral("resolution_note"),
                 QStringLiteral(
                     "Mitigated on %1: rolled back and scaled; error rate back to baseline.")
                     .arg(svcName)},
                {QStringLiteral("root_cause"), cause},
                {QStringLiteral("time_spent"), int((resolved - created) / 60000)}}));
        if (sevIdx <= 1 && uni(0, 1) < 0.6)
            at(resolved + qint64(uni(12, 60) * 3600000),
               Command::transition(uid, QStringLiteral("postmortem"), commanders[pick(3)]));
    }
    std::stable_sort(all.begin(), all.end(), [](const Timed &a, const Timed &b) {
        return a.at != b.at ? a.at < b.at : a.order < b.order;
    });
    QList<Command> out;
    out.reserve(all.size());
    for (auto &t : all) {
        t.cmd.at = t.at;
        out << t.cmd;
    }
    return out;
}

Result<int> runDemo(engine::LifecycleEngine &engine, const DemoOptions &o,
                    const std::function<void(qint64, qint64)> &progress)
{
    DemoOptions opts = o;
    if (opts.now == 0)
        opts.now = engine.clock().nowMs();
    QList<Command> cmds = generateDemoCommands(opts);
    // The script speaks the sre lifecycle; map it onto whatever workflow the database uses
    // through the timestamps each state stamps.
    const auto &wf = engine.workflow();
    const QHash<QString, QString> mapping{
        {QStringLiteral("investigating"),
         wf.state(QStringLiteral("investigating")) ? QStringLiteral("investigating") : QString()},
        {QStringLiteral("mitigating"), wf.stateStamping(QStringLiteral("mitigated"))},
        {QStringLiteral("resolved"), wf.stateStamping(QStringLiteral("resolved"))},
        {QStringLiteral("postmortem"), wf.stateStamping(QStringLiteral("closed"))}};
    QList<Command> mapped;
    mapped.reserve(cmds.size());
    for (Command &c : cmds) {
        if (c.kind == Command::Kind::Transition) {
            const QString to = mapping.value(c.args[u"to"].toString());
            if (to.isEmpty())
                continue;
            c.args[u"to"] = to;
        } else if (c.kind == Command::Kind::Approve && c.args[u"for"].toString() == u"mitigating") {
            c.args[u"for"] = QStringLiteral("*");
        }
        mapped << c;
    }
    cmds = mapped;
    int ok = 0;
    constexpr int kBatch = 2000;
    for (qsizetype i = 0; i < cmds.size(); i += kBatch) {
        auto r = engine.executeBatch(cmds.mid(i, kBatch));
        if (!r)
            return Result<int>(r.error());
        for (const auto &x : *r)
            ok += x.ok() ? 1 : 0;
        if (progress)
            progress(qMin<qint64>(cmds.size(), i + kBatch), cmds.size());
    }
    return ok;
}

} // namespace sitrep::demo
