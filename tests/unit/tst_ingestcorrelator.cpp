// SPDX-License-Identifier: MIT
// Correlation before the engine: grouping, dedup, window, threshold, flapping, the
// all-alerts-resolved policy, restart, generic seed-003 events. Real SQLite on disk.
#include "domain/canonicaljson.h"
#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "ingest/correlator.h"
#include "ingest/ingestpipeline.h"
#include "ingest/normalizer.h"
#include "store/store.h"
#include "unit/migrationtestutil.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace sitrep;
using namespace sitrep::ingest;

namespace {

constexpr qint64 T0 = 1767225600000; // 2026-01-01T00:00:00Z
constexpr qint64 Minute = 60000;

struct Env {
    Env() = default;
    /// An environment on another workflow than sre.
    explicit Env(const QString &workflow) : workflowName(workflow) {}
    /// An environment whose alert groups open an incident only from `threshold` alerts on.
    explicit Env(int threshold) { config.threshold = threshold; }

    QTemporaryDir dir;
    engine::ManualClock clock{T0};
    std::unique_ptr<store::Store> store;
    std::unique_ptr<engine::LifecycleEngine> engine;
    std::unique_ptr<IngestPipeline> pipeline;
    QString workflowName = QStringLiteral("sre");
    IngestConfig config = IngestConfig::defaults();

    bool open()
    {
        store = std::make_unique<store::Store>();
        if (!store->open(dir.filePath(QStringLiteral("t.db"))))
            return false;
        auto wf = workflow::Workflow::load(workflowName);
        auto oc = workflow::OnCallSchedule::load({});
        if (!wf || !oc)
            return false;
        engine = std::make_unique<engine::LifecycleEngine>(*store, *wf, *oc, clock);
        host::registerWorkflowActions(*engine);
        pipeline = std::make_unique<IngestPipeline>(*engine, config);
        return true;
    }
    void close()
    {
        pipeline.reset();
        engine.reset();
        store.reset();
    }
    QList<domain::Incident> incidents()
    {
        store::ListQuery q;
        q.limit = 1000;
        q.sort = store::SortKey::Number;
        q.descending = false;
        return store->list(q);
    }
    QList<domain::Event> eventsOfKind(const QString &uid, const QString &kind)
    {
        QList<domain::Event> out;
        for (const auto &e : store->timeline(uid))
            if (e.kind == kind)
                out << e;
        return out;
    }
    qint64 count(const QString &table)
    {
        auto q = store->db().prepareOnce(QStringLiteral("SELECT COUNT(*) FROM ") + table);
        return q && q->step() ? store::RowReader(*q).int64() : -1;
    }
};

struct Am {
    QString alertname, service, instance, status = QStringLiteral("firing"),
                                          severity = QStringLiteral("warning");
};

QByteArray amBody(const QList<Am> &alerts)
{
    QJsonArray arr;
    for (const Am &a : alerts) {
        QJsonObject labels{{QStringLiteral("alertname"), a.alertname},
                           {QStringLiteral("service"), a.service},
                           {QStringLiteral("instance"), a.instance},
                           {QStringLiteral("severity"), a.severity}};
        arr << QJsonObject{{QStringLiteral("status"), a.status},
                           {QStringLiteral("labels"), labels},
                           {QStringLiteral("annotations"),
                            QJsonObject{{QStringLiteral("summary"),
                                         a.alertname + QStringLiteral(" on ") + a.service}}},
                           {QStringLiteral("startsAt"), QStringLiteral("2026-01-01T00:00:00Z")},
                           {QStringLiteral("endsAt"), QStringLiteral("0001-01-01T00:00:00Z")}};
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("version"), QStringLiteral("4")},
                                     {QStringLiteral("status"), QStringLiteral("firing")},
                                     {QStringLiteral("alerts"), arr}})
        .toJson(QJsonDocument::Compact);
}

QList<Am> hosts(const QString &alertname, const QString &service, int from, int to,
                const QString &status = QStringLiteral("firing"))
{
    QList<Am> out;
    for (int i = from; i < to; ++i)
        out << Am{alertname, service, QStringLiteral("host-%1:9100").arg(i), status};
    return out;
}

/// The alert most tests send: "A" on service "s", from hosts [from, to).
QList<Am> alertA(int from, int to, const QString &status = QStringLiteral("firing"))
{
    return hosts(QStringLiteral("A"), QStringLiteral("s"), from, to, status);
}

} // namespace

#define INGEST(env, list)                                                                          \
    [&]() {                                                                                        \
        auto r_ = (env).pipeline->ingest(QStringLiteral("alertmanager"), amBody(list));            \
        if (!r_)                                                                                   \
            qWarning() << r_.errorMessage();                                                       \
        return r_;                                                                                 \
    }()

/// Opens `env` and sends alert A from `count` hosts: the incident they opened, empty (with a
/// warning) when opening, ingesting or the incident failed.
QString openedIncident(Env &env, int count = 1)
{
    if (!env.open() || !INGEST(env, alertA(0, count)).ok() || env.incidents().isEmpty())
        return {};
    return env.incidents().first().uid;
}

class TestIngestCorrelator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fortyHosts_sameAlert_oneService_makeOneIncident()
    {
        Env env;
        QVERIFY(env.open());
        int opened = 0;
        for (int batch = 0; batch < 4; ++batch) {
            env.clock.advance(20000);
            auto r = INGEST(env, hosts(QStringLiteral("HighLatency"), QStringLiteral("checkout"),
                                       batch * 10, batch * 10 + 10));
            QVERIFY(r.ok());
            opened += r->opened;
        }
        QCOMPARE(opened, 1);
        const auto incs = env.incidents();
        QCOMPARE(incs.size(), 1);
        QCOMPARE(incs[0].alertCount, qint64(40));
        QCOMPARE(incs[0].services, QStringList{QStringLiteral("checkout")});
        QCOMPARE(incs[0].severity, domain::Severity::Medium);
        QVERIFY(incs[0].title.contains(u"HighLatency"));
        QCOMPARE(env.eventsOfKind(incs[0].uid, domain::kinds::AlertLinked).size(), 40);
        QVERIFY(env.store->verify().ok);
    }

    void linkPayload_isTheAlertsFieldsInCanonicalBytes()
    {
        // The correlator writes each link's arguments in canonical form as it makes them, and
        // the log stores those bytes: they must be what the alert's fields as an object give
        // (service, host and url only when the alert has them).
        Env env;
        QVERIFY(env.open());
        // Not a raw string literal: the meta-object compiler does not read those.
        const QByteArray body =
            "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":["
            "{\"status\":\"firing\",\"labels\":{\"alertname\":\"Disk "
            "\\\"full\\\"\\t\\u00e9\",\"service\":\"db\","
            "\"instance\":\"db-1:9100\",\"severity\":\"critical\"},\"annotations\":{\"summary\":"
            "\"Disk\"},"
            "\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
            "\"generatorURL\":\"http://prometheus:9090/graph?g0.expr=disk\"},"
            "{\"status\":\"firing\",\"labels\":{\"alertname\":\"Disk "
            "\\\"full\\\"\\t\\u00e9\",\"service\":\"db\","
            "\"severity\":\"critical\"},\"annotations\":{\"summary\":\"Disk\"},"
            "\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}]}";
        auto r = env.pipeline->ingest(QStringLiteral("alertmanager"), body);
        QVERIFY2(r, qPrintable(r.errorMessage()));
        const auto alerts = normalize(QStringLiteral("alertmanager"), body, env.config);
        QVERIFY(alerts);
        QCOMPARE(alerts->size(), 2);
        const auto incs = env.incidents();
        QCOMPARE(incs.size(), 1);
        const auto links = env.eventsOfKind(incs[0].uid, domain::kinds::AlertLinked);
        QCOMPARE(links.size(), 2);
        int withUrl = 0, withHost = 0;
        for (const Alert &a : *alerts) {
            const auto e = std::find_if(links.cbegin(), links.cend(), [&](const domain::Event &l) {
                return l.payload[u"alert"].toString() == a.id();
            });
            QVERIFY2(e != links.cend(), qPrintable(a.id()));
            const QString group = e->payload[u"group"].toString();
            QVERIFY(!group.isEmpty());
            QJsonObject expected{{QStringLiteral("alert"), a.id()},
                                 {QStringLiteral("source"), a.source},
                                 {QStringLiteral("title"), a.title},
                                 {QStringLiteral("status"), alertStatusName(a.status)},
                                 {QStringLiteral("severity"), domain::severityName(a.severity)},
                                 {QStringLiteral("group"), group}};
            if (!a.service.isEmpty())
                expected[u"service"] = a.service;
            if (!a.host.isEmpty()) {
                expected[u"host"] = a.host;
                ++withHost;
            }
            if (!a.links.isEmpty()) {
                expected[u"url"] = a.links.first().href;
                ++withUrl;
            }
            QCOMPARE(e->payload, expected);
            QCOMPARE(e->payloadRaw, domain::canonicalJson(expected));
        }
        QCOMPARE(withUrl, 1);
        QCOMPARE(withHost, 1);
        QVERIFY(env.store->verify().ok);
    }

    void controlCharactersInAlert_stillOpenAOneLineIncident()
    {
        // Incident titles refuse control characters; an alert carrying them (an escape
        // sequence in the name, a line break in a label) still opens its incident, with
        // each run of them turned into a space.
        Env env;
        QVERIFY(env.open());
        const QList<Am> alert{Am{QStringLiteral("High\x1b[31mLatency"),
                                 QStringLiteral("pay\nments"), QStringLiteral("host-1:9100")}};
        auto r = INGEST(env, alert);
        QVERIFY(r.ok());
        QCOMPARE(r->opened, 1);
        const auto incs = env.incidents();
        QCOMPARE(incs.size(), 1);
        for (const QChar c : incs[0].title)
            QVERIFY2(c.category() != QChar::Other_Control, qPrintable(incs[0].title));
        QVERIFY2(incs[0].title.contains(u"Latency"), qPrintable(incs[0].title));
        QVERIFY(env.store->verify().ok);
    }

    void differentServiceOrAlertname_separateIncidents()
    {
        Env env;
        QVERIFY(env.open());
        QVERIFY(INGEST(env, hosts(QStringLiteral("HighLatency"), QStringLiteral("checkout"), 0, 3))
                    .ok());
        QVERIFY(
            INGEST(env, hosts(QStringLiteral("HighLatency"), QStringLiteral("search"), 0, 3)).ok());
        QVERIFY(
            INGEST(env, hosts(QStringLiteral("DiskFull"), QStringLiteral("checkout"), 0, 3)).ok());
        QCOMPARE(env.incidents().size(), 3);
    }

    void repeatedAlert_isDeduplicated_noNewEvents()
    {
        Env env;
        QVERIFY(env.open());
        const auto list = hosts(QStringLiteral("HighLatency"), QStringLiteral("checkout"), 0, 5);
        QVERIFY(INGEST(env, list).ok());
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), 5);
        const qint64 seq = env.store->maxSeq();
        env.clock.advance(Minute);
        auto again = INGEST(env, list);
        QVERIFY(again.ok());
        QCOMPARE(again->deduplicated, 5);
        QCOMPARE(again->opened, 0);
        QCOMPARE(again->attached, 0);
        QCOMPARE(env.store->maxSeq(), seq);
        // Duplicates inside one body count once.
        auto dup = INGEST(env, hosts(QStringLiteral("X"), QStringLiteral("y"), 0, 1) +
                                   hosts(QStringLiteral("X"), QStringLiteral("y"), 0, 1));
        QCOMPARE(dup->opened, 1);
        QCOMPARE(dup->deduplicated, 1);
        QCOMPARE(env.incidents().size(), 2);
    }

    // A repeat moves only the last sighting: the state write must not set the columns the
    // state tables' indexes are on (SQLite rewrites an index entry for every column an
    // UPDATE sets, changed or not), and the rows must still say what happened.
    void stateWrite_setsIndexedColumnsOnlyWhenTheyChange()
    {
        Env env;
        const QString uid = openedIncident(env, 3);
        QVERIFY(!uid.isEmpty());
        auto &db = env.store->db();
        QVERIFY(db.exec(QStringLiteral("CREATE TEMP TABLE writes(what TEXT)")).ok());
        const struct {
            const char *name, *columns, *table;
        } watched[] = {{"alert_keys", "group_id, incident, status, reported, severity, first_seen",
                        "ingest_alerts"},
                       {"alert_seen", "last_seen", "ingest_alerts"},
                       {"group_keys", "incident, severity, group_key, first_seen", "ingest_groups"},
                       {"group_seen", "last_seen", "ingest_groups"}};
        for (const auto &w : watched)
            QVERIFY(db.exec(QStringLiteral("CREATE TEMP TRIGGER %1 AFTER UPDATE OF %2 ON main.%3 "
                                           "BEGIN INSERT INTO writes VALUES('%1'); END")
                                .arg(QLatin1String(w.name), QLatin1String(w.columns),
                                     QLatin1String(w.table)))
                        .ok());
        const auto writes = [&](const char *what) {
            return db.scalar(QStringLiteral("SELECT COUNT(*) FROM writes WHERE what=?"),
                             {QString::fromLatin1(what)});
        };
        const auto lastSeen = [&](const QString &table) {
            return db.texts(QStringLiteral("SELECT DISTINCT last_seen FROM %1").arg(table));
        };
        // The repeat: three alerts and their group seen again, nothing indexed set.
        env.clock.advance(Minute);
        auto again = INGEST(env, alertA(0, 3));
        QVERIFY(again.ok());
        QCOMPARE(again->deduplicated, 3);
        QCOMPARE(writes("alert_seen"), 3);
        QCOMPARE(writes("alert_keys"), 0);
        QCOMPARE(writes("group_seen"), 1);
        QCOMPARE(writes("group_keys"), 0);
        const QStringList now{QString::number(T0 + Minute)};
        QCOMPARE(lastSeen(QStringLiteral("ingest_alerts")), now);
        QCOMPARE(lastSeen(QStringLiteral("ingest_groups")), now);
        // A resolution changes an alert's status: its indexed columns are written.
        auto resolved = INGEST(env, alertA(0, 1, QStringLiteral("resolved")));
        QVERIFY(resolved.ok());
        QCOMPARE(resolved->resolved, 1);
        QCOMPARE(writes("alert_keys"), 1);
        QCOMPARE(
            db.scalar(
                QStringLiteral(
                    "SELECT COUNT(*) FROM ingest_alerts WHERE status='resolved' AND incident=?"),
                {uid}),
            1);
        // A more severe alert joins: the group's severity is written, and the incident says so.
        Am critical{QStringLiteral("A"), QStringLiteral("s"), QStringLiteral("host-9:9100")};
        critical.severity = QStringLiteral("critical");
        auto raised = INGEST(env, QList<Am>{critical});
        QVERIFY(raised.ok());
        QCOMPARE(raised->attached, 1);
        QCOMPARE(writes("group_keys"), 1);
        QCOMPARE(env.store->incidentByUid(uid)->severity, domain::Severity::Critical);
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), 4);
        QCOMPARE(env.store->verify().ok, true);
    }

    void window_pendingGroupExpires()
    {
        Env env(2);
        QVERIFY(env.open());
        auto first = INGEST(env, alertA(0, 1));
        QCOMPARE(first->pending, 1);
        env.clock.advance(6 * Minute); // past the 5 minute window: the first alert's group ended
        auto second = INGEST(env, alertA(1, 2));
        QCOMPARE(second->opened, 0);
        QCOMPARE(env.incidents().size(), 0);
        env.clock.advance(4 * Minute); // inside the new group's window
        auto third = INGEST(env, alertA(2, 3));
        QCOMPARE(third->opened, 1);
        const auto incs = env.incidents();
        QCOMPARE(incs.size(), 1);
        QCOMPARE(incs[0].alertCount, qint64(2)); // host-1 and host-2; host-0's group expired
    }

    void window_resolvedIncident_takesAlertsOnlyInsideWindow()
    {
        Env env;
        const QString uid = openedIncident(env);
        QVERIFY(!uid.isEmpty());
        auto t = env.engine->execute(engine::Command::transition(
            uid, QStringLiteral("resolved"), QStringLiteral("alice"),
            {{QStringLiteral("resolution_note"), QStringLiteral("fixed")},
             {QStringLiteral("root_cause"), QStringLiteral("config")}}));
        QVERIFY2(t.ok(), qPrintable(t.errorMessage()));
        env.clock.advance(2 * Minute);
        auto inside = INGEST(env, alertA(1, 2));
        QCOMPARE(inside->opened, 0);
        QCOMPARE(inside->attached, 1);
        env.clock.advance(10 * Minute);
        auto outside = INGEST(env, alertA(2, 3));
        QCOMPARE(outside->opened, 1);
        QCOMPARE(env.incidents().size(), 2);
    }

    void window_unresolvedIncident_keepsCollecting()
    {
        Env env;
        QVERIFY(!openedIncident(env).isEmpty());
        env.clock.advance(60 * Minute);
        auto later = INGEST(env, alertA(1, 2));
        QCOMPARE(later->opened, 0);
        QCOMPARE(later->attached, 1);
        QCOMPARE(env.incidents().size(), 1);
        QCOMPARE(env.incidents().first().alertCount, qint64(2)); // an hour apart, one incident
    }

    void threshold_opensOnlyWhenCrossed()
    {
        Env env(3);
        QVERIFY(env.open());
        auto a = INGEST(env, alertA(0, 2));
        QCOMPARE(a->opened, 0);
        QCOMPARE(a->pending, 2);
        QCOMPARE(env.incidents().size(), 0);
        QCOMPARE(env.store->maxSeq(), 0); // nothing in the log below the threshold
        // A repeat does not count twice.
        auto rep = INGEST(env, alertA(0, 1));
        QCOMPARE(rep->opened, 0);
        auto b = INGEST(env, alertA(2, 3));
        QCOMPARE(b->opened, 1);
        const auto incs = env.incidents();
        QCOMPARE(incs.size(), 1);
        QCOMPARE(incs[0].alertCount, qint64(3));
        auto c = INGEST(env, alertA(3, 4));
        QCOMPARE(c->attached, 1);
        QCOMPARE(env.incidents().first().alertCount, qint64(4));
    }

    // Only the firing alerts of a group still waiting for its threshold are indexed by group
    // (ingest_alerts_waiting): the threshold lookup finds each of them through that index, and
    // alerts that joined an incident, or resolved while waiting, leave it.
    void threshold_waitingAlertsAreTheIndexedOnes()
    {
        Env env(3);
        QVERIFY(env.open());
        store::Db &db = env.store->db();
        const auto waiting = [&db] {
            return db.scalar(QStringLiteral("SELECT count(*) FROM ingest_alerts INDEXED BY "
                                            "ingest_alerts_waiting WHERE incident='' AND "
                                            "status='firing'"));
        };
        QVERIFY(INGEST(env, alertA(0, 2)).ok());
        QCOMPARE(waiting(), qint64(2));
        QVERIFY(INGEST(env, alertA(1, 2, QStringLiteral("resolved"))).ok());
        QVERIFY(INGEST(env, alertA(2, 3)).ok());
        QCOMPARE(waiting(), qint64(2)); // host-1 resolved while waiting: it no longer counts
        // The lookup the correlator makes reads the waiting alerts through the index.
        QStringList plan;
        store::Stmt *q = db.prepare(QStringLiteral(
            "EXPLAIN QUERY PLAN SELECT id FROM ingest_alerts WHERE group_id=? AND incident='' "
            "AND status='firing'"));
        QVERIFY(q);
        q->bind(1, QStringLiteral("g"));
        while (q->step()) {
            store::RowReader row(*q);
            row.skip(3);
            plan << row.text();
        }
        q->reset();
        QVERIFY2(plan.join(u' ').contains(QStringLiteral("ingest_alerts_waiting")),
                 qPrintable(plan.join(u' ')));
        // The third firing alert opens the incident with all three firing ones stored before.
        auto opened = INGEST(env, alertA(3, 4));
        QCOMPARE(opened->opened, 1);
        QCOMPARE(env.incidents().first().alertCount, qint64(3));
        QCOMPARE(waiting(), qint64(0));
        QVERIFY(INGEST(env, alertA(4, 6)).ok());
        QCOMPARE(env.incidents().first().alertCount, qint64(5));
        QCOMPARE(waiting(), qint64(0));
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), qint64(6));
    }

    void flapping_isDamped()
    {
        Env env;
        QVERIFY(env.open());
        // Two alerts, so resolving the flapping one never resolves the whole incident.
        QVERIFY(INGEST(env, alertA(0, 2)).ok());
        const QString uid = env.incidents().first().uid;
        int suppressed = 0;
        for (int i = 0; i < 10; ++i) {
            env.clock.advance(20000);
            auto r = INGEST(
                env,
                alertA(0, 1, i % 2 == 0 ? QStringLiteral("resolved") : QStringLiteral("firing")));
            QVERIFY(r.ok());
            suppressed += r->suppressed;
        }
        QVERIFY(suppressed >= 5);
        QCOMPARE(env.eventsOfKind(uid, QStringLiteral("alert.flapping")).size(), 1);
        const int changes = int(env.eventsOfKind(uid, QStringLiteral("alert.resolved")).size() +
                                env.eventsOfKind(uid, QStringLiteral("alert.fired")).size());
        QCOMPARE(changes, env.config.flapMaxChanges); // up to max_changes pass, the rest are damped
        // Quiet for longer than the flap window: changes count again.
        env.clock.advance(11 * Minute);
        auto r = INGEST(env, alertA(0, 1, QStringLiteral("resolved")));
        QCOMPARE(r->suppressed, 0);
    }

    void flappingAlert_blocksAllResolved()
    {
        Env env;
        const QString uid = openedIncident(env);
        QVERIFY(!uid.isEmpty());
        for (int i = 0; i < 9; ++i) {
            env.clock.advance(10000);
            QVERIFY(INGEST(env, alertA(0, 1,
                                       i % 2 == 0 ? QStringLiteral("resolved")
                                                  : QStringLiteral("firing")))
                        .ok());
        }
        // Ends resolved while flapping: the suggestions made before damping stay, no new one.
        const auto before = env.eventsOfKind(uid, Correlator::AllResolvedKind).size();
        env.clock.advance(10000);
        QVERIFY(INGEST(env, alertA(0, 1, QStringLiteral("resolved"))).ok());
        QCOMPARE(env.eventsOfKind(uid, Correlator::AllResolvedKind).size(), before);
    }

    void allResolved_sre_suggests()
    {
        Env env;
        const QString uid = openedIncident(env, 2);
        QVERIFY(!uid.isEmpty());
        auto one = INGEST(env, alertA(0, 1, QStringLiteral("resolved")));
        QCOMPARE(one->resolved, 1);
        QCOMPARE(env.eventsOfKind(uid, Correlator::AllResolvedKind).size(), 0);
        auto two = INGEST(env, alertA(1, 2, QStringLiteral("resolved")));
        QCOMPARE(two->resolved, 1);
        const auto ev = env.eventsOfKind(uid, Correlator::AllResolvedKind);
        QCOMPARE(ev.size(), 1);
        QCOMPARE(ev[0].payload[u"policy"].toString(), QStringLiteral("suggest"));
        QCOMPARE(ev[0].payload[u"suggest"].toString(), QStringLiteral("resolved"));
        QCOMPARE(ev[0].actor, engine::SystemActor);
        QCOMPARE(env.store->incidentByUid(uid)->state,
                 QStringLiteral("triggered")); // only a suggestion
        QCOMPARE(env.eventsOfKind(uid, QStringLiteral("alert.resolved")).size(), 2);
        // A resolution repeated is a no-op.
        auto rep = INGEST(env, alertA(1, 2, QStringLiteral("resolved")));
        QCOMPARE(rep->deduplicated, 1);
        QCOMPARE(env.eventsOfKind(uid, Correlator::AllResolvedKind).size(), 1);
    }

    void allResolved_itil_records()
    {
        Env env(QStringLiteral("itil"));
        const QString uid = openedIncident(env);
        QVERIFY(!uid.isEmpty());
        QVERIFY(INGEST(env, alertA(0, 1, QStringLiteral("resolved"))).ok());
        const auto ev = env.eventsOfKind(uid, Correlator::AllResolvedKind);
        QCOMPARE(ev.size(), 1);
        QCOMPARE(ev[0].payload[u"policy"].toString(), QStringLiteral("record"));
        QVERIFY(!ev[0].payload.contains(u"suggest"));
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("New"));
    }

    void allResolved_pipeline_transitionsAsSystem()
    {
        Env env(QStringLiteral("pipeline"));
        const QString uid = openedIncident(env, 3);
        QVERIFY(!uid.isEmpty());
        QVERIFY(INGEST(env, alertA(0, 3, QStringLiteral("resolved"))).ok());
        const auto inc = env.store->incidentByUid(uid);
        QCOMPARE(inc->state, QStringLiteral("RESOLVED"));
        QCOMPARE(inc->resolutionNote, QStringLiteral("all alerts resolved"));
        const auto tr = env.eventsOfKind(uid, domain::kinds::Transitioned);
        QCOMPARE(tr.size(), 1);
        QCOMPARE(tr[0].actor, engine::SystemActor);
        bool noted = false;
        for (const auto &e : env.eventsOfKind(uid, domain::kinds::NoteAdded))
            noted |= e.payload[u"text"].toString() == u"all alerts resolved";
        QVERIFY(noted);
    }

    void allResolved_transitionBlockedByGuard_isRecorded()
    {
        Env env(QStringLiteral("pipeline"));
        env.config.allResolvedRootCause.clear(); // the resolution guard wants a root cause
        const QString uid = openedIncident(env);
        QVERIFY(!uid.isEmpty());
        auto r = INGEST(env, alertA(0, 1, QStringLiteral("resolved")));
        QVERIFY(r.ok());
        QCOMPARE(r->messages.size(), 1);
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("DETECTED"));
        const auto ev = env.eventsOfKind(uid, Correlator::AllResolvedKind);
        QCOMPARE(ev.size(), 1);
        QVERIFY(ev[0].payload[u"blocked"].toString().contains(u"root-cause"));
    }

    void restart_keepsGroups()
    {
        Env env(2);
        QVERIFY(env.open());
        QVERIFY(INGEST(env, alertA(0, 1)).ok()); // pending
        env.close();
        QVERIFY(env.open());
        auto b = INGEST(env, alertA(1, 2));
        QCOMPARE(b->opened, 1);
        QCOMPARE(env.incidents().first().alertCount, qint64(2));
        env.close();
        QVERIFY(env.open());
        auto c = INGEST(env, alertA(2, 3));
        QCOMPARE(c->opened, 0);
        QCOMPARE(c->attached, 1);
        QCOMPARE(env.incidents().size(), 1);
    }

    // Migration 0960 moves alert state from a WITHOUT ROWID table keyed by the alert id into a
    // rowid table with the id UNIQUE: every row and column stays, the id stays unique, and the
    // pipeline goes on with the moved state.
    void upgrade_alertStateMovesToARowidTable()
    {
        Env env;
        const QString kMigration = QStringLiteral("0960_ingest_alerts_rowid");
        const QString selectAll = QStringLiteral(
            "SELECT id, group_id, incident, status, reported, severity, first_seen, last_seen, "
            "flap_start, flap_changes, flapping, alert FROM ingest_alerts ORDER BY id");
        const auto rows = [&](store::Db &db) {
            QStringList out;
            store::Stmt *q = db.prepare(selectAll);
            while (q->step()) {
                store::RowReader row(*q);
                QStringList cols;
                for (int c = 0; c < 12; ++c)
                    cols << row.text();
                out << cols.join(u'|');
            }
            q->reset();
            return out;
        };
        QStringList before;
        {
            store::Db db;
            QVERIFY(db.open(env.dir.filePath(QStringLiteral("t.db"))).ok());
            const Status s = testing::applyMigrationsBefore(db, kMigration);
            QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
            QVERIFY(db.exec(QStringLiteral(
                                "INSERT INTO ingest_alerts VALUES "
                                "('alertmanager:f00d', 'g1', '', 'firing', 'firing', 2, 10, 20, "
                                "10, 0, 0, '{\"title\":\"B\"}'),"
                                "('alertmanager:0bad', 'g1', 'x', 'resolved', 'firing', 1, 5, 30, "
                                "5, 3, 1, '{\"title\":\"A\"}')"))
                        .ok());
            before = rows(db);
        }
        QCOMPARE(before.size(), 2);
        QVERIFY(env.open());
        QCOMPARE(rows(env.store->db()), before);
        QCOMPARE(env.store->db().scalar(QStringLiteral(
                     "SELECT count(*) FROM sqlite_schema WHERE name='ingest_alerts' AND "
                     "sql LIKE '%WITHOUT ROWID%'")),
                 qint64(0));
        QCOMPARE(env.store->db().scalar(QStringLiteral(
                     "SELECT count(*) FROM sqlite_schema WHERE type='index' AND name IN "
                     "('ingest_alerts_waiting', 'ingest_alerts_by_incident')")),
                 qint64(2)); // 0980 replaced the by-group index with the waiting alerts'

        QVERIFY(!env.store->db()
                     .exec(QStringLiteral("INSERT INTO ingest_alerts(id, group_id, status, "
                                          "reported, first_seen, last_seen, alert) VALUES "
                                          "('alertmanager:f00d', 'g2', 'firing', 'firing', 1, 1, "
                                          "'{}')"))
                     .ok());
        auto r = INGEST(env, alertA(0, 3));
        QVERIFY(r.ok());
        QCOMPARE(r->opened, 1);
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), qint64(5));
        auto again = INGEST(env, alertA(0, 3));
        QVERIFY(again.ok());
        QCOMPARE(again->deduplicated, 3);
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), qint64(5));
    }

    void moreSevereAlert_raisesSeverity()
    {
        Env env;
        QVERIFY(!openedIncident(env).isEmpty());
        QList<Am> crit{Am{QStringLiteral("A"), QStringLiteral("s"), QStringLiteral("host-9"),
                          QStringLiteral("firing"), QStringLiteral("critical")}};
        QVERIFY(INGEST(env, crit).ok());
        QCOMPARE(env.incidents().first().severity, domain::Severity::Critical);
    }

    void closedIncident_newAlertOpensAnother()
    {
        Env env(QStringLiteral("itil"));
        const QString uid = openedIncident(env);
        QVERIFY(!uid.isEmpty());
        QVERIFY(env.engine->execute(engine::Command::transition(uid, QStringLiteral("Cancelled")))
                    .ok());
        auto r = INGEST(env, alertA(0, 1));
        QCOMPARE(r->opened, 1);
        QCOMPARE(env.incidents().size(), 2);
    }

    void pagerDuty_acknowledge_acknowledgesIncident()
    {
        Env env;
        QVERIFY(env.open());
        auto t = env.pipeline->ingest(
            QStringLiteral("pagerduty"),
            R"({"routing_key":"k","event_action":"trigger","dedup_key":"d1","payload":{"summary":"Disk full","source":"db-1","severity":"error","group":"db"}})");
        QVERIFY2(t.ok(), qPrintable(t.errorMessage()));
        QCOMPARE(t->opened, 1);
        auto a = env.pipeline->ingest(
            QStringLiteral("pagerduty"),
            R"({"routing_key":"k","event_action":"acknowledge","dedup_key":"d1"})");
        QVERIFY2(a.ok(), qPrintable(a.errorMessage()));
        QVERIFY(env.incidents().first().acknowledgedAt > 0);
        auto r = env.pipeline->ingest(
            QStringLiteral("pagerduty"),
            R"({"routing_key":"k","event_action":"resolve","dedup_key":"d1"})");
        QCOMPARE(r->resolved, 1);
    }

    void generic_seedEvents_walkThePipelineWorkflow()
    {
        Env env(QStringLiteral("pipeline"));
        QVERIFY(env.open());
        auto send = [&](const char *json) {
            return env.pipeline->ingest(QStringLiteral("generic"), QByteArray(json));
        };
        auto t = send(
            R"({"type":"alert.triggered","payload":{"id":"test-1","severity":"P2","title":"High Latency","source":"prometheus"}})");
        QVERIFY2(t.ok(), qPrintable(t.errorMessage()));
        QCOMPARE(t->opened, 1);
        const QString uid = env.incidents().first().uid;
        QCOMPARE(env.store->incidentByUid(uid)->severity, domain::Severity::High);
        auto again = send(
            R"({"type":"alert.triggered","payload":{"id":"test-1","severity":"P2","title":"High Latency"}})");
        QCOMPARE(again->deduplicated, 1);

        auto ack = send(R"({"type":"engineer.ack","payload":{"id":"test-1","engineer":"alice"}})");
        QVERIFY2(ack.ok(), qPrintable(ack.errorMessage()));
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("TRIAGE"));
        QVERIFY(send(R"({"type":"engineer.ack","payload":{"id":"test-1","engineer":"alice"}})")
                    .ok()); // idempotent

        // Approvals come from people, never from an alert source: refused, nothing stored.
        const qint64 beforeApproval = env.store->maxSeq();
        auto noApprover = send(R"({"type":"mitigation.approved","payload":{"id":"test-1"}})");
        QVERIFY(!noApprover.ok());
        QCOMPARE(noApprover.error().code, errors::Forbidden);
        auto mit =
            send(R"({"type":"mitigation.approved","payload":{"id":"test-1","approver":"bob"}})");
        QVERIFY(!mit.ok());
        QCOMPARE(mit.error().code, errors::Forbidden);
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("TRIAGE"));
        QCOMPARE(env.store->maxSeq(), beforeApproval);
        // A person moves it on.
        auto byHand = env.engine->execute(
            engine::Command::transition(uid, QStringLiteral("MITIGATING"), QStringLiteral("bob")));
        QVERIFY2(byHand.ok(), qPrintable(byHand.errorMessage()));
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("MITIGATING"));

        const qint64 seq = env.store->maxSeq();
        auto guarded = send(R"({"type":"alert.resolved","payload":{"id":"test-1"}})");
        QVERIFY(!guarded.ok());
        QCOMPARE(guarded.error().code, errors::Conflict);
        QVERIFY(guarded.errorMessage().contains(u"resolution note"));
        QCOMPARE(env.store->maxSeq(), seq); // nothing stored
        auto res = send(
            R"({"type":"alert.resolved","payload":{"id":"test-1","resolution_note":"rolled back","root_cause":"deploy"}})");
        QVERIFY2(res.ok(), qPrintable(res.errorMessage()));
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("RESOLVED"));
        auto pm = send(R"({"type":"postmortem.created","payload":{"id":"test-1"}})");
        QVERIFY2(pm.ok(), qPrintable(pm.errorMessage()));
        QCOMPARE(env.store->incidentByUid(uid)->state, QStringLiteral("POST_MORTEM"));

        auto unknown = send(R"({"type":"engineer.ack","payload":{"id":"nope"}})");
        QCOMPARE(unknown.error().code, errors::NotFound);
        // An incident number works as the reference too.
        auto byNumber =
            send(qPrintable(QStringLiteral(R"({"type":"engineer.ack","payload":{"id":"%1"}})")
                                .arg(env.incidents().first().number)));
        QVERIFY(byNumber.ok());
        QVERIFY(env.store->verify().ok);
    }

    void unknownSource_andBadBody_storeNothing()
    {
        Env env;
        QVERIFY(env.open());
        auto u = env.pipeline->ingest(QStringLiteral("nagios"), "{}");
        QCOMPARE(u.error().code, errors::UnknownSource);
        auto m =
            env.pipeline->ingest(QStringLiteral("alertmanager"), "{\"alerts\":[{\"labels\":{}}]}");
        QCOMPARE(m.error().code, errors::Invalid);
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), 0);
        QCOMPARE(env.store->maxSeq(), 0);
    }

    void correlationStateFailure_rollsBackTheEvents()
    {
        Env env;
        QVERIFY(env.open());
        // The correlation rows commit with the events or not at all: a failing write of the
        // rows (inside the engine's transaction) takes the incident and its events with it.
        QVERIFY(
            env.store->db()
                .exec(QStringLiteral("CREATE TEMP TRIGGER no_alerts BEFORE INSERT ON ingest_alerts "
                                     "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
                .ok());
        auto r = INGEST(env, alertA(0, 3));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, errors::Database);
        QVERIFY(r.errorMessage().contains(u"disk says no"));
        QCOMPARE(env.store->maxSeq(), 0);
        QCOMPARE(env.store->incidentCount(), 0);
        QCOMPARE(env.count(QStringLiteral("ingest_groups")), 0);
        QVERIFY(env.store->db().exec(QStringLiteral("DROP TRIGGER no_alerts")).ok());
        QVERIFY(INGEST(env, alertA(0, 3)).ok());
        QCOMPARE(env.store->incidentCount(), 1);
    }

    void unreadableState_failsWithDbCode_noCrash()
    {
        Env env;
        QVERIFY(env.open());
        QVERIFY(env.store->db()
                    .exec(QStringLiteral("ALTER TABLE ingest_alerts RENAME TO ingest_alerts_away"))
                    .ok());
        auto r = INGEST(env, alertA(0, 3));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, errors::Database);
        QCOMPARE(env.store->maxSeq(), 0);
    }

    void readOnlyDatabase_failsWithDbCode()
    {
        Env env;
        QVERIFY(env.open());
        QVERIFY(env.store->db().exec(QStringLiteral("PRAGMA query_only = 1")).ok());
        auto r = INGEST(env, alertA(0, 1));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, errors::Database);
        QVERIFY(env.store->db().exec(QStringLiteral("PRAGMA query_only = 0")).ok());
        QCOMPARE(env.store->maxSeq(), 0);
        QCOMPARE(env.count(QStringLiteral("ingest_alerts")), 0);
        // And it works once the database takes writes again.
        QVERIFY(INGEST(env, alertA(0, 1)).ok());
        QCOMPARE(env.incidents().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestIngestCorrelator)
#include "tst_ingestcorrelator.moc"
