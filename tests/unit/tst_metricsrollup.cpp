// SPDX-License-Identifier: MIT
// The dashboard rollups (metrics_daily, metrics_open): after a mix of incidents (opened,
// acknowledged, resolved, closed, paused, moved between severities, groups and services,
// over several days) the rollups the triggers keep equal a recomputation from the
// projection; rebuildMetricsRollups and MetricsRollupBuilder (add every incident, write)
// give the very same rows, as do a remote merge and a rebuild of the projection; a tampered,
// missing or extra row is reported as a fault, no more than maxFaults of them, and `verify` reports
// it too.
#include "coretestutil.h"

#include "store/metricsrollup.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

#include <functional>

using namespace sitrep;
using testing::CoreFixture;
using testing::kDay;
using testing::kMinute;

namespace {

const QString kDailyCols =
    QStringLiteral("service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, "
                   "resolve_sum, response_met, response_missed, response_pending, "
                   "resolution_met, resolution_missed, resolution_pending");
const QString kOpenCols = QStringLiteral(
    "service, severity, grp, open, without_commander, unacknowledged, breached_paused, "
    "running_due");

/// The rows of a rollup with any non-zero sum, in key order, one string each (a row whose
/// sums are all zero says nothing: the triggers may leave one behind after a decrement).
QStringList rows(store::Store &st, const QString &table, const QString &cols, int keys)
{
    QStringList out;
    const QStringList names = cols.split(QStringLiteral(", "));
    QStringList order;
    for (int k = 1; k <= keys; ++k)
        order << QString::number(k);
    auto q = st.db().prepareOnce(QStringLiteral("SELECT %1 FROM %2 ORDER BY %3")
                                     .arg(cols, table, order.join(QStringLiteral(", "))));
    if (!q)
        qFatal("cannot read %s: %s", qPrintable(table), qPrintable(st.db().lastError()));
    while (q->step()) {
        QStringList fields;
        bool any = false;
        for (store::RowReader r(*q); r.column() < names.size();) {
            const int c = r.column();
            const QVariant v = r.value();
            fields << names[c] + u'=' + v.toString();
            if (c >= keys && v.toLongLong() != 0)
                any = true;
        }
        if (any)
            out << fields.join(u' ');
    }
    return out;
}

struct Snapshot {
    QStringList daily, open;
    bool operator==(const Snapshot &) const = default;
};

Snapshot snapshot(store::Store &st)
{
    return {rows(st, QStringLiteral("metrics_daily"), kDailyCols, 4),
            rows(st, QStringLiteral("metrics_open"), kOpenCols, 3)};
}

void compareSnapshots(const Snapshot &got, const Snapshot &want)
{
    QCOMPARE(got.daily, want.daily);
    QCOMPARE(got.open, want.open);
}

/// Runs a rollup writer in a transaction of its own, as the callers of these functions do.
Status inTransaction(store::Db &db, const std::function<Status()> &write)
{
    if (auto s = db.begin(); !s)
        return s;
    if (auto s = write(); !s) {
        db.rollback();
        return s;
    }
    return db.commit();
}

qint64 scalar(store::Store &st, const QString &sql)
{
    auto q = st.db().prepareOnce(sql);
    if (!q || !q->step())
        qFatal("%s: %s", qPrintable(sql), qPrintable(st.db().lastError()));
    return store::RowReader(*q).int64();
}

/// sum(column) over the rows of a rollup `where`.
qint64 sumOf(store::Store &st, const QString &table, const QString &column, const QString &where)
{
    return scalar(st, QStringLiteral("SELECT sum(%1) FROM %2 WHERE %3").arg(column, table, where));
}

QList<domain::Incident> allIncidents(store::Store &st)
{
    store::ListQuery q;
    q.limit = 100000;
    return st.list(q);
}

QJsonObject incident(const QString &title, const QString &severity, const QStringList &services,
                     const QString &group = {})
{
    QJsonObject o{{QStringLiteral("title"), title},
                  {QStringLiteral("severity"), severity},
                  {QStringLiteral("services"), QJsonArray::fromStringList(services)}};
    if (!group.isEmpty())
        o.insert(QStringLiteral("assignment_group"), group);
    return o;
}

#define CHECK_OK(expr)                                                                             \
    do {                                                                                           \
        auto r_ = (expr);                                                                          \
        QVERIFY2(r_, qPrintable(r_.errorMessage()));                                               \
    } while (false)

/// Three days of SRE incidents: every path through the lifecycle and every field the keys
/// are made of changing after the incident was opened.
void fillSre(CoreFixture &f)
{
    for (int day = 0; day < 3; ++day) {
        // Acknowledged in time, then resolved: response and resolution met.
        const QString a = f.open(
            incident(QStringLiteral("Checkout failing %1").arg(day), QStringLiteral("critical"),
                     {QStringLiteral("checkout"), QStringLiteral("payments-api")},
                     QStringLiteral("Payments")));
        QVERIFY(!a.isEmpty());
        f.clock.advance(3 * kMinute);
        CHECK_OK(f.transition(a, QStringLiteral("acknowledged")));
        f.clock.advance(57 * kMinute);
        CHECK_OK(f.transition(a, QStringLiteral("resolved"), testing::resolution()));

        // Acknowledged late (P2: 15 minutes), still open; then its severity and group change.
        const QString b = f.open(incident(QStringLiteral("Search slow %1").arg(day),
                                          QStringLiteral("high"), {QStringLiteral("search")}));
        f.clock.advance(20 * kMinute);
        CHECK_OK(f.transition(b, QStringLiteral("acknowledged")));
        if (day == 1) {
            CHECK_OK(f.run(engine::Command::Kind::SetField, b,
                           {{QStringLiteral("field"), QStringLiteral("severity")},
                            {QStringLiteral("value"), QStringLiteral("medium")}}));
            CHECK_OK(f.run(engine::Command::Kind::SetField, b,
                           {{QStringLiteral("field"), QStringLiteral("assignment_group")},
                            {QStringLiteral("value"), QStringLiteral("Data Platform")}}));
        }

        // Untouched: both SLAs pending, no services, no commander.
        const QString c = f.open(
            incident(QStringLiteral("Disk filling %1").arg(day), QStringLiteral("medium"), {}));
        QVERIFY(!c.isEmpty());

        // Resolved without an acknowledgement, then closed; its services change on the way.
        const QString d =
            f.open(incident(QStringLiteral("Batch job stuck %1").arg(day), QStringLiteral("low"),
                            {QStringLiteral("search"), QStringLiteral("checkout")},
                            QStringLiteral("Data Platform")));
        CHECK_OK(f.run(engine::Command::Kind::SetField, d,
                       {{QStringLiteral("field"), QStringLiteral("services")},
                        {QStringLiteral("value"),
                         QJsonArray{QStringLiteral("kafka"), QStringLiteral("search")}}}));
        f.clock.advance(2 * kMinute);
        CHECK_OK(f.transition(d, QStringLiteral("resolved"), testing::resolution()));
        CHECK_OK(f.transition(d, QStringLiteral("postmortem")));

        // A commander, and reopened after resolution.
        const QString e = f.open(incident(QStringLiteral("Login errors %1").arg(day),
                                          QStringLiteral("high"), {QStringLiteral("auth")}));
        CHECK_OK(f.run(engine::Command::Kind::SetCommander, e,
                       {{QStringLiteral("commander"), QStringLiteral("carol")}}));
        f.clock.advance(10 * kMinute);
        CHECK_OK(f.transition(e, QStringLiteral("resolved"), testing::resolution()));
        CHECK_OK(f.transition(e, QStringLiteral("investigating")));

        f.clock.advance(kDay);
    }
}

} // namespace

class TestMetricsRollup : public QObject {
    Q_OBJECT

    /// Fills a fresh database and checks the triggers kept the rollups equal to the log.
    void checkConsistent(CoreFixture &f)
    {
        QVERIFY(store::hasMetricsRollups(f.store.db()));
        const QStringList faults =
            store::compareMetricsRollups(f.store.db(), QStringLiteral("incidents"));
        QVERIFY2(faults.isEmpty(), qPrintable(faults.join(u'\n')));
    }

private Q_SLOTS:
    void triggers_equalARecomputation()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        checkConsistent(f);
        const Snapshot s = snapshot(f.store);
        QVERIFY(s.daily.size() > 10);
        QVERIFY(!s.open.isEmpty());
        // The totals the dashboard shows are right, not just self-consistent.
        const qint64 total = f.store.incidentCount();
        QCOMPARE(total, 15);
        const QString daily = QStringLiteral("metrics_daily"),
                      open = QStringLiteral("metrics_open");
        QCOMPARE(sumOf(f.store, daily, "incidents", "service=''"), total);
        QCOMPARE(sumOf(f.store, open, "open", "service=''"),
                 scalar(f.store, QStringLiteral("SELECT count(*) FROM incidents WHERE is_open=1")));
        // Three days of creation.
        QCOMPARE(
            scalar(f.store, QStringLiteral(
                                "SELECT count(DISTINCT day) FROM metrics_daily WHERE incidents>0")),
            3);
        // checkout: "a" of every day (d moved from checkout to kafka/search).
        QCOMPARE(sumOf(f.store, daily, "incidents", "service='checkout'"), 3);
        QCOMPARE(sumOf(f.store, daily, "incidents", "service='kafka'"), 3);
        QCOMPARE(sumOf(f.store, daily, "resolved", "service='checkout'"), 3);
        // "a": acknowledged after 3 minutes, resolved after 60, both in time.
        QCOMPARE(sumOf(f.store, daily, "ack_sum", "service='payments-api'"), 3 * 3 * kMinute);
        QCOMPARE(sumOf(f.store, daily, "resolve_sum", "service='payments-api'"), 3 * 60 * kMinute);
        QCOMPARE(sumOf(f.store, daily, "response_met", "service='payments-api'"), 3);
        // "b": acknowledged after 20 minutes against 15 (P2), or 60 on day 1 (moved to P3).
        QCOMPARE(sumOf(f.store, daily, "response_missed", "service='search' AND resolved=0"), 2);
        QCOMPARE(sumOf(f.store, daily, "response_met", "service='search' AND resolved=0"), 1);
        // "b" of day 1 is now medium in Data Platform, in both rollups.
        QCOMPARE(sumOf(f.store, open, "open",
                       QStringLiteral("service='search' AND grp='Data Platform' AND severity=%1")
                           .arg(int(domain::Severity::Medium))),
                 1);
        // "e" has a commander; "c" and "b" have none.
        QCOMPARE(sumOf(f.store, open, "without_commander", "service=''"),
                 scalar(f.store,
                        QStringLiteral(
                            "SELECT count(*) FROM incidents WHERE is_open=1 AND commander=''")));
        QCOMPARE(sumOf(f.store, open, "open", "service='auth'") -
                     sumOf(f.store, open, "without_commander", "service='auth'"),
                 3);
    }

    void pausedSla_equalsARecomputation()
    {
        CoreFixture f(QStringLiteral("itil"));
        const QString a = f.open(incident(QStringLiteral("Printer offline"), QStringLiteral("low"),
                                          {QStringLiteral("printing")}));
        QVERIFY(!a.isEmpty());
        CHECK_OK(f.transition(a, QStringLiteral("In Progress")));
        CHECK_OK(f.transition(a, QStringLiteral("Pending Customer")));
        // Paused long after its deadline, and another paused before it.
        const QString b = f.open(
            incident(QStringLiteral("VPN drops"), QStringLiteral("high"), {QStringLiteral("vpn")}));
        f.clock.advance(3 * kDay);
        CHECK_OK(f.transition(b, QStringLiteral("In Progress")));
        CHECK_OK(f.transition(b, QStringLiteral("Pending Customer")));
        const QString c = f.open(incident(QStringLiteral("Mail slow"), QStringLiteral("medium"),
                                          {QStringLiteral("mail")}));
        f.clock.advance(2 * kDay);
        CHECK_OK(f.transition(c, QStringLiteral("In Progress")));
        CHECK_OK(f.transition(c, QStringLiteral("Pending Vendor")));
        CHECK_OK(f.transition(c, QStringLiteral("In Progress")));
        CHECK_OK(f.transition(c, QStringLiteral("Pending Customer")));
        checkConsistent(f);
        QVERIFY(scalar(f.store,
                       QStringLiteral("SELECT count(*) FROM incidents WHERE sla_paused_since>0")) >=
                2);
        QCOMPARE(
            scalar(f.store, QStringLiteral(
                                "SELECT sum(breached_paused) FROM metrics_open WHERE service=''")),
            scalar(f.store,
                   QStringLiteral("SELECT count(*) FROM incidents WHERE is_open=1 AND sla_due>0 "
                                  "AND sla_paused_since>0 AND sla_due<=sla_paused_since")));
        QVERIFY(scalar(f.store,
                       QStringLiteral(
                           "SELECT sum(breached_paused) FROM metrics_open WHERE service=''")) >= 1);
    }

    void otherWritePaths_keepTheRollups()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        // A remote merge (an older replica's incident, no severity) goes through the triggers.
        QVERIFY(!f.openWithoutSeverity(QStringLiteral("From an old replica"), QStringLiteral("P3"))
                     .isEmpty());
        checkConsistent(f);
        QCOMPARE(scalar(f.store, QStringLiteral(
                                     "SELECT sum(incidents) FROM metrics_daily WHERE service=''")),
                 f.store.incidentCount());
        // A rebuild of the projection from the log gives the same rollups.
        const Snapshot before = snapshot(f.store);
        CHECK_OK(f.store.rebuildProjection());
        compareSnapshots(snapshot(f.store), before);
        checkConsistent(f);
        const store::VerifyReport report = f.store.verify();
        QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
    }

    // The rollup triggers of incident updates name the columns they read (UPDATE OF, 0975),
    // so an UPDATE that sets none of them (a note, an alert link) runs no trigger: each
    // column a trigger reads must be in its list, and a change of any one of them alone must
    // still reach the rollups.
    void updateTriggers_listEveryColumnTheyRead()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        store::Db &db = f.store.db();
        store::Stmt *q = db.prepare(
            QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND "
                           "tbl_name='incidents' AND sql LIKE '%AFTER UPDATE%'"));
        QStringList listed;
        int triggers = 0;
        static const QRegularExpression of(QStringLiteral("AFTER UPDATE OF (.*?) ON incidents"),
                                           QRegularExpression::DotMatchesEverythingOption);
        static const QRegularExpression read(QStringLiteral("\\b(?:NEW|OLD)\\.([a-z_]+)"));
        while (q->step()) {
            store::RowReader row(*q);
            const QString name = row.text(), sql = row.text();
            ++triggers;
            const auto m = of.match(sql);
            QVERIFY2(m.hasMatch(), qPrintable(name + QStringLiteral(": no column list")));
            QStringList cols = m.captured(1).split(u',');
            for (QString &c : cols)
                c = c.trimmed();
            for (auto it = read.globalMatch(sql); it.hasNext();) {
                const QString col = it.next().captured(1);
                QVERIFY2(cols.contains(col), qPrintable(name + QStringLiteral(" reads ") + col));
            }
            listed = cols;
        }
        q->reset();
        QCOMPARE(triggers, 2);
        // Each listed column changed alone, straight in SQL, keeps the rollups right.
        const qint64 id =
            scalar(f.store,
                   QStringLiteral("SELECT id FROM incidents WHERE is_open=1 ORDER BY id LIMIT 1"));
        QVERIFY(id > 0);
        for (const QString &col : std::as_const(listed)) {
            if (col == u"id")
                continue;
            const QString change = col == u"assignment_group" || col == u"commander"
                                       ? QStringLiteral("%1 = %1 || 'x'")
                                   : col == u"is_open" ? QStringLiteral("%1 = 1 - %1")
                                                       : QStringLiteral("%1 = %1 + 86400000 + 1");
            QVERIFY(db.exec(QStringLiteral("UPDATE incidents SET %1 WHERE id=%2")
                                .arg(change.arg(col))
                                .arg(id))
                        .ok());
            const QStringList faults =
                store::compareMetricsRollups(db, QStringLiteral("incidents"));
            QVERIFY2(faults.isEmpty(), qPrintable(col + u'\n' + faults.join(u'\n')));
        }
    }

    void rebuild_givesTheSameRows()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        const Snapshot before = snapshot(f.store);
        QVERIFY(f.store.db().exec(QStringLiteral("DELETE FROM metrics_daily")));
        QVERIFY(f.store.db().exec(QStringLiteral("DELETE FROM metrics_open")));
        QVERIFY(!store::compareMetricsRollups(f.store.db(), QStringLiteral("incidents")).isEmpty());
        CHECK_OK(inTransaction(f.store.db(),
                               [&] { return store::rebuildMetricsRollups(f.store.db()); }));
        compareSnapshots(snapshot(f.store), before);
        checkConsistent(f);
    }

    void builder_givesTheSameRows()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        const Snapshot before = snapshot(f.store);
        const auto incidents = allIncidents(f.store);
        QCOMPARE(qint64(incidents.size()), f.store.incidentCount());
        store::MetricsRollupBuilder b;
        for (const auto &i : incidents)
            b.add(i);
        QVERIFY(
            f.store.db().exec(QStringLiteral("UPDATE metrics_daily SET incidents=incidents+5")));
        CHECK_OK(inTransaction(f.store.db(), [&] { return b.write(f.store.db()); }));
        compareSnapshots(snapshot(f.store), before);
        checkConsistent(f);
    }

    void builder_countsARepeatedServiceOnce()
    {
        CoreFixture f;
        domain::Incident i = f.get(f.open(incident(
            QStringLiteral("Queue backlog"), QStringLiteral("high"), {QStringLiteral("kafka")})));
        i.services = {QStringLiteral("kafka"), QStringLiteral("kafka"), QString()};
        store::MetricsRollupBuilder b;
        b.add(i);
        CHECK_OK(inTransaction(f.store.db(), [&] { return b.write(f.store.db()); }));
        QCOMPARE(
            scalar(f.store, QStringLiteral(
                                "SELECT sum(incidents) FROM metrics_daily WHERE service='kafka'")),
            1);
        QCOMPARE(scalar(f.store, QStringLiteral("SELECT count(*) FROM metrics_daily")),
                 2); // '' and kafka
        QCOMPARE(scalar(f.store,
                        QStringLiteral("SELECT sum(open) FROM metrics_open WHERE service='kafka'")),
                 1);
        checkConsistent(f);
    }

    void tamperedRows_areFaults()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        auto &db = f.store.db();
        checkConsistent(f);
        // One sum changed in metrics_daily: reported in both directions, naming the row.
        QVERIFY(db.exec(QStringLiteral("UPDATE metrics_daily SET ack_sum=ack_sum+1 WHERE "
                                       "service='payments-api' AND day=(SELECT min(day) FROM "
                                       "metrics_daily)")));
        QStringList faults = store::compareMetricsRollups(db, QStringLiteral("incidents"));
        QCOMPARE(faults.size(), 2);
        for (const QString &fault : faults) {
            QVERIFY2(fault.contains(QStringLiteral("metrics_daily")), qPrintable(fault));
            QVERIFY2(fault.contains(QStringLiteral("service=payments-api")), qPrintable(fault));
            QVERIFY2(fault.contains(QStringLiteral("day=2026-03-02")), qPrintable(fault));
        }
        QVERIFY(faults.join(u'\n').contains(QStringLiteral("stored row differs from the log")));
        CHECK_OK(inTransaction(f.store.db(), [&] { return store::rebuildMetricsRollups(db); }));
        checkConsistent(f);

        // A row missing from metrics_open: the log gives a row the rollup lacks.
        QVERIFY(db.exec(QStringLiteral("DELETE FROM metrics_open WHERE service='auth'")));
        faults = store::compareMetricsRollups(db, QStringLiteral("incidents"));
        QVERIFY(!faults.isEmpty());
        for (const QString &fault : faults) {
            QVERIFY2(fault.contains(QStringLiteral("metrics_open")), qPrintable(fault));
            QVERIFY2(fault.contains(QStringLiteral("service=auth")), qPrintable(fault));
            QVERIFY2(fault.contains(QStringLiteral("lacks")), qPrintable(fault));
        }
        // ...and `verify` says so too.
        const store::VerifyReport report = f.store.verify();
        QVERIFY(!report.ok);
        QVERIFY2(report.faults.join(u'\n').contains(QStringLiteral("metrics_open")),
                 qPrintable(report.faults.join(u'\n')));

        // An extra row for a service no incident has.
        CHECK_OK(inTransaction(f.store.db(), [&] { return store::rebuildMetricsRollups(db); }));
        QVERIFY(db.exec(
            QStringLiteral(
                "INSERT INTO metrics_open(%1) VALUES('ghost', 2, 'Payments', 1, 1, 1, 0, 1)")
                .arg(kOpenCols)));
        faults = store::compareMetricsRollups(db, QStringLiteral("incidents"));
        QCOMPARE(faults.size(), 1);
        QVERIFY2(faults.first().contains(QStringLiteral("service=ghost")),
                 qPrintable(faults.first()));
        // An all-zero row is no fault (the triggers leave such rows behind).
        QVERIFY(db.exec(QStringLiteral("DELETE FROM metrics_open WHERE service='ghost'")));
        QVERIFY(db.exec(
            QStringLiteral(
                "INSERT INTO metrics_open(%1) VALUES('ghost', 2, 'Payments', 0, 0, 0, 0, 0)")
                .arg(kOpenCols)));
        QVERIFY(store::compareMetricsRollups(db, QStringLiteral("incidents")).isEmpty());
    }

    void manyFaults_atMostMaxFaults()
    {
        CoreFixture f;
        fillSre(f);
        QVERIFY(!QTest::currentTestFailed());
        auto &db = f.store.db();
        // Every stored row now differs; the log gives each non-empty one back.
        const qint64 nonEmpty = snapshot(f.store).daily.size();
        QVERIFY(db.exec(QStringLiteral("UPDATE metrics_daily SET incidents=incidents+1")));
        const qint64 n = scalar(f.store, QStringLiteral("SELECT count(*) FROM metrics_daily"));
        QVERIFY(nonEmpty > 10);
        QCOMPARE(store::compareMetricsRollups(db, QStringLiteral("incidents"), 3).size(), 3);
        QCOMPARE(store::compareMetricsRollups(db, QStringLiteral("incidents"), 1).size(), 1);
        QCOMPARE(store::compareMetricsRollups(db, QStringLiteral("incidents")).size(), 20);
        QCOMPARE(qint64(store::compareMetricsRollups(db, QStringLiteral("incidents"), 1000).size()),
                 n + nonEmpty);
        // The scratch tables are gone afterwards.
        QCOMPARE(scalar(f.store,
                        QStringLiteral(
                            "SELECT count(*) FROM sqlite_temp_master WHERE name LIKE 'rollup_%'")),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestMetricsRollup)
#include "tst_metricsrollup.moc"
