// SPDX-License-Identifier: MIT
// RemediationStore and RemediationConfig on a real database: maintenance windows (add,
// list with and without ended ones, the active-at rule at its boundaries, overlapping
// windows, ending and removing, invalid input refused with nothing written), change records
// (add, list since, the recent-change window at its boundaries, invalid input), the settings
// (every key, its validation, nothing stored when refused, load ignoring garbage), the
// remediation and audit rows as the remediation flow writes them (filters, order, limit,
// lookup, time range of the audit), and the CSV / JSON export of the audit trail.
#include "coretestutil.h"

#include "remediation/remediator.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sitrep;
using namespace sitrep::remediation;
using testing::CoreFixture;
using testing::kHour;
using testing::kMinute;

namespace {

qint64 count(store::Store &st, const QString &table)
{
    auto q = st.db().prepareOnce(QStringLiteral("SELECT count(*) FROM %1").arg(table));
    return q && q->step() ? store::RowReader(*q).int64() : -1;
}

QList<qint64> ids(const QList<MaintenanceWindow> &ws)
{
    QList<qint64> out;
    for (const auto &w : ws)
        out << w.id;
    return out;
}

QList<qint64> ids(const QList<ChangeRecord> &cs)
{
    QList<qint64> out;
    for (const auto &c : cs)
        out << c.id;
    return out;
}

/// Every field of the settings as "name=value", in declaration order: two settings compared
/// this way name the field that differs in the failure message.
QStringList fields(const RemediationConfig &c)
{
    const auto text = [](bool b) { return b ? QStringLiteral("true") : QStringLiteral("false"); };
    return {QStringLiteral("dryRun=") + text(c.dryRun),
            QStringLiteral("confidenceThreshold=%1").arg(c.confidenceThreshold),
            QStringLiteral("changeWindowMinutes=%1").arg(c.changeWindowMinutes),
            QStringLiteral("rules=") + c.rules,
            QStringLiteral("p1Queue=") + c.p1Queue,
            QStringLiteral("standardQueue=") + c.standardQueue,
            QStringLiteral("dlq=") + c.dlq,
            QStringLiteral("resultsQueue=") + c.resultsQueue,
            QStringLiteral("p1VisibilityTimeout=%1").arg(c.p1VisibilityTimeout),
            QStringLiteral("standardVisibilityTimeout=%1").arg(c.standardVisibilityTimeout),
            QStringLiteral("p1Consumers=%1").arg(c.p1Consumers),
            QStringLiteral("standardConsumers=%1").arg(c.standardConsumers),
            QStringLiteral("maxReceiveCount=%1").arg(c.maxReceiveCount),
            QStringLiteral("autoIdentity=") + c.autoIdentity};
}

} // namespace

class TestRemediationStore : public QObject {
    Q_OBJECT

    std::unique_ptr<CoreFixture> fx;
    std::unique_ptr<RemediationStore> rs;
    qint64 now = 0;

    /// For the remediation flow: the pipeline workflow and a Remediator, as the app has.
    std::unique_ptr<Remediator> remediator()
    {
        rs.reset();
        fx = std::make_unique<CoreFixture>(QStringLiteral("pipeline"));
        rs = std::make_unique<RemediationStore>(fx->store);
        auto r = Remediator::fromSettings(fx->eng());
        if (!r)
            qFatal("remediator: %s", qPrintable(r.errorMessage()));
        return std::make_unique<Remediator>(std::move(*r));
    }

    /// Opens a P2 orders-db incident, records a confident `database` suggestion and scans.
    QString decide(Remediator &rem, const QString &severity = QStringLiteral("high"))
    {
        const QString n = fx->open(
            {{QStringLiteral("title"), QStringLiteral("Orders database refuses connections")},
             {QStringLiteral("severity"), severity},
             {QStringLiteral("services"), QJsonArray{QStringLiteral("orders-db")}}});
        auto r = fx->run(engine::Command::Kind::Record, n,
                         {{QStringLiteral("kind"), kinds::TriageSuggested},
                          {QStringLiteral("payload"),
                           QJsonObject{{QStringLiteral("category"), QStringLiteral("database")},
                                       {QStringLiteral("confidence"), 0.95}}}},
                         QStringLiteral("triage"));
        if (!r)
            qFatal("suggest: %s", qPrintable(r.errorMessage()));
        auto s = rem.scan();
        if (!s || *s != 1)
            qFatal("scan did not decide once");
        return n;
    }

private Q_SLOTS:
    void init()
    {
        fx = std::make_unique<CoreFixture>();
        rs = std::make_unique<RemediationStore>(fx->store);
        now = fx->clock.nowMs();
    }
    void cleanup()
    {
        rs.reset();
        fx.reset();
    }

    // --- maintenance windows ---

    void maintenance_addAndList()
    {
        auto later =
            rs->addMaintenance(QStringLiteral("  orders-db "), now + 2 * kHour, now + 3 * kHour,
                               QStringLiteral(" upgrade  "), QStringLiteral("alice"), now);
        auto running = rs->addMaintenance(QStringLiteral("billing"), now - kHour, now + kHour, {},
                                          QStringLiteral("bob"), now);
        auto ended = rs->addMaintenance(QStringLiteral("search"), now - 3 * kHour, now - 2 * kHour,
                                        {}, QStringLiteral("bob"), now);
        QVERIFY(later && running && ended);
        QVERIFY(*later != *running && *running != *ended);
        // Not ended at `now`, by start time.
        QCOMPARE(ids(rs->maintenance(now)), (QList<qint64>{*running, *later}));
        QCOMPARE(ids(rs->maintenance(now, true)), (QList<qint64>{*ended, *running, *later}));
        const MaintenanceWindow w = rs->maintenance(now).last();
        QCOMPARE(w.ci, QStringLiteral("orders-db")); // trimmed
        QCOMPARE(w.reason, QStringLiteral("upgrade"));
        QCOMPARE(w.createdBy, QStringLiteral("alice"));
        QCOMPARE(w.startsAt, now + 2 * kHour);
        QCOMPARE(w.endsAt, now + 3 * kHour);
        QCOMPARE(w.createdAt, now);
        const QJsonObject j = w.toJson();
        QCOMPARE(j[u"id"].toInteger(), *later);
        QCOMPARE(j[u"starts_at"].toString(), QStringLiteral("2026-03-02T12:00:00Z"));
        QCOMPARE(j[u"ends_at"].toString(), QStringLiteral("2026-03-02T13:00:00Z"));
        QCOMPARE(j[u"ci"].toString(), QStringLiteral("orders-db"));
        // A window ending exactly now has ended.
        QCOMPARE(ids(rs->maintenance(now + kHour)), (QList<qint64>{*later}));
    }

    void maintenance_activeAtItsBoundaries()
    {
        const qint64 s = now + kHour, e = now + 2 * kHour;
        auto id = rs->addMaintenance(QStringLiteral("orders-db"), s, e, QStringLiteral("drill"),
                                     QStringLiteral("alice"), now);
        QVERIFY(id);
        const MaintenanceWindow w = rs->maintenance(now).first();
        QVERIFY(!w.activeAt(s - 1));
        QVERIFY(w.activeAt(s));
        QVERIFY(w.activeAt(e - 1));
        QVERIFY(!w.activeAt(e));
        const QStringList cis{QStringLiteral("billing"), QStringLiteral("ORDERS-DB")};
        QVERIFY(!rs->activeMaintenance(cis, s - 1));
        QCOMPARE(rs->activeMaintenance(cis, s)->id, *id); // case does not matter
        QCOMPARE(rs->activeMaintenance(cis, e - 1)->reason, QStringLiteral("drill"));
        QVERIFY(!rs->activeMaintenance(cis, e));
        QVERIFY(!rs->activeMaintenance({QStringLiteral("billing")}, s));
        QVERIFY(!rs->activeMaintenance({}, s));
    }

    void maintenance_overlappingWindows_theOneEndingLastWins()
    {
        auto shortW = rs->addMaintenance(QStringLiteral("orders-db"), now - kHour, now + kHour,
                                         QStringLiteral("short"), QStringLiteral("a"), now);
        auto longW = rs->addMaintenance(QStringLiteral("orders-db"), now - kMinute, now + 5 * kHour,
                                        QStringLiteral("long"), QStringLiteral("a"), now);
        QVERIFY(shortW && longW);
        QCOMPARE(rs->activeMaintenance({QStringLiteral("orders-db")}, now)->id, *longW);
        // After the short one ends the long one still covers.
        QCOMPARE(rs->activeMaintenance({QStringLiteral("orders-db")}, now + 2 * kHour)->id, *longW);
        // Before the long one starts only the short one does.
        QCOMPARE(rs->activeMaintenance({QStringLiteral("orders-db")}, now - 30 * kMinute)->id,
                 *shortW);
    }

    void maintenance_invalidInput_refusedAndNothingWritten()
    {
        const QString by = QStringLiteral("alice");
        QVERIFY(!rs->addMaintenance(QString(), now, now + kHour, {}, by, now));
        QVERIFY(!rs->addMaintenance(QStringLiteral("   "), now, now + kHour, {}, by, now));
        QVERIFY(!rs->addMaintenance(QStringLiteral("x"), 0, now + kHour, {}, by, now));
        QVERIFY(!rs->addMaintenance(QStringLiteral("x"), now, 0, {}, by, now));
        QVERIFY(!rs->addMaintenance(QStringLiteral("x"), -5, now, {}, by, now));
        QVERIFY(!rs->addMaintenance(QStringLiteral("x"), now, now, {}, by, now));
        auto backwards = rs->addMaintenance(QStringLiteral("x"), now + kHour, now, {}, by, now);
        QVERIFY(!backwards);
        QVERIFY2(backwards.errorMessage().contains(QStringLiteral("end after")),
                 qPrintable(backwards.errorMessage()));
        QCOMPARE(count(fx->store, QStringLiteral("remediation_maintenance")), 0);
        QVERIFY(rs->maintenance(now, true).isEmpty());
    }

    void maintenance_endAndRemove()
    {
        auto running = rs->addMaintenance(QStringLiteral("db"), now - kHour, now + kHour, {},
                                          QStringLiteral("a"), now);
        auto future = rs->addMaintenance(QStringLiteral("db"), now + kHour, now + 2 * kHour, {},
                                         QStringLiteral("a"), now);
        auto past = rs->addMaintenance(QStringLiteral("db"), now - 2 * kHour, now - kHour, {},
                                       QStringLiteral("a"), now);
        QVERIFY(running && future && past);
        auto unknown = rs->endMaintenance(9999, now);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, QStringLiteral("not_found"));
        auto notStarted = rs->endMaintenance(*future, now);
        QVERIFY(!notStarted);
        QCOMPARE(notStarted.error().code, QStringLiteral("invalid"));
        auto over = rs->endMaintenance(*past, now);
        QVERIFY(!over);
        QCOMPARE(over.error().code, QStringLiteral("invalid"));
        // Refusals changed nothing.
        QCOMPARE(rs->maintenance(now, true).size(), 3);
        QCOMPARE(rs->maintenance(now, true)[1].endsAt, now + kHour);

        QVERIFY(rs->endMaintenance(*running, now));
        QVERIFY(!rs->activeMaintenance({QStringLiteral("db")}, now));
        QCOMPARE(ids(rs->maintenance(now)), (QList<qint64>{*future}));
        const auto all = rs->maintenance(now, true);
        QCOMPARE(all[1].id, *running);
        QCOMPARE(all[1].endsAt, now);
        QVERIFY(!rs->endMaintenance(*running, now)); // ended already

        QVERIFY(rs->removeMaintenance(*future));
        auto again = rs->removeMaintenance(*future);
        QVERIFY(!again);
        QCOMPARE(again.error().code, QStringLiteral("not_found"));
        QCOMPARE(ids(rs->maintenance(now, true)), (QList<qint64>{*past, *running}));
    }

    void maintenance_startingNow_isActive_endingItAsksToRemoveIt()
    {
        // A window starting exactly now is active now (activeAt, activeMaintenance). It has
        // been in effect for no time, so ending it (ends_at must stay after starts_at) is
        // refused with the command that removes it, and the window is left as it was.
        auto id = rs->addMaintenance(QStringLiteral("db"), now, now + kHour, {},
                                     QStringLiteral("a"), now);
        QVERIFY(id);
        QVERIFY(rs->maintenance(now).first().activeAt(now));
        QCOMPARE(rs->activeMaintenance({QStringLiteral("db")}, now)->id, *id);
        const Status ended = rs->endMaintenance(*id, now);
        QVERIFY(!ended);
        QCOMPARE(ended.error().code, QStringLiteral("invalid"));
        QVERIFY2(
            ended.errorMessage().contains(QStringLiteral("has not been in effect yet")) &&
                ended.errorMessage().contains(QStringLiteral("sitrep maintenance rm %1").arg(*id)),
            qPrintable(ended.errorMessage()));
        QCOMPARE(rs->maintenance(now).first().endsAt, now + kHour);
    }

    // --- change records ---

    void changes_addListAndFilter()
    {
        auto a = rs->addChange(QStringLiteral(" orders-db "), now - 3 * kHour,
                               QStringLiteral(" index rebuild "), QStringLiteral(" CHG1 "),
                               QStringLiteral("bob"), now);
        auto b = rs->addChange(QStringLiteral("billing"), now - kHour, QStringLiteral("deploy"), {},
                               QStringLiteral("bob"), now);
        auto c =
            rs->addChange(QStringLiteral("orders-db"), now - 2 * kHour, QStringLiteral("config"),
                          QStringLiteral("CHG3"), QStringLiteral("carol"), now);
        QVERIFY(a && b && c);
        // Newest first.
        QCOMPARE(ids(rs->changes()), (QList<qint64>{*b, *c, *a}));
        // After `since` only (strictly).
        QCOMPARE(ids(rs->changes(now - 2 * kHour)), (QList<qint64>{*b}));
        QCOMPARE(ids(rs->changes(now - 2 * kHour - 1)), (QList<qint64>{*b, *c}));
        const ChangeRecord first = rs->changes().last();
        QCOMPARE(first.ci, QStringLiteral("orders-db"));
        QCOMPARE(first.summary, QStringLiteral("index rebuild"));
        QCOMPARE(first.ref, QStringLiteral("CHG1"));
        QCOMPARE(first.createdBy, QStringLiteral("bob"));
        QCOMPARE(first.implementedAt, now - 3 * kHour);
        QCOMPARE(first.createdAt, now);
        QCOMPARE(first.toJson()[u"implemented_at"].toString(),
                 QStringLiteral("2026-03-02T07:00:00Z"));
        QCOMPARE(first.toJson()[u"ref"].toString(), QStringLiteral("CHG1"));

        QVERIFY(rs->removeChange(*c));
        QCOMPARE(ids(rs->changes()), (QList<qint64>{*b, *a}));
        auto gone = rs->removeChange(*c);
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, QStringLiteral("not_found"));
    }

    void changes_invalidInput_refusedAndNothingWritten()
    {
        QVERIFY(!rs->addChange(QString(), now, QStringLiteral("x"), {}, QStringLiteral("a"), now));
        QVERIFY(!rs->addChange(QStringLiteral(" "), now, QStringLiteral("x"), {},
                               QStringLiteral("a"), now));
        QVERIFY(!rs->addChange(QStringLiteral("db"), now, QStringLiteral("   "), {},
                               QStringLiteral("a"), now));
        QVERIFY(!rs->addChange(QStringLiteral("db"), 0, QStringLiteral("deploy"), {},
                               QStringLiteral("a"), now));
        QCOMPARE(count(fx->store, QStringLiteral("remediation_changes")), 0);
    }

    void recentChange_windowBoundaries()
    {
        const qint64 window = 30 * kMinute;
        auto edge = rs->addChange(QStringLiteral("orders-db"), now - window,
                                  QStringLiteral("at the edge"), {}, QStringLiteral("a"), now);
        QVERIFY(edge);
        const QStringList cis{QStringLiteral("ORDERS-DB")};
        // (now - window, now]: exactly `window` ago is outside.
        QVERIFY(!rs->recentChange(cis, now, window));
        QCOMPARE(rs->recentChange(cis, now - 1, window)->id, *edge);
        // A change in the future is not recent yet.
        auto future = rs->addChange(QStringLiteral("orders-db"), now + kMinute,
                                    QStringLiteral("scheduled"), {}, QStringLiteral("a"), now);
        QVERIFY(future);
        QVERIFY(!rs->recentChange(cis, now, window));
        QCOMPARE(rs->recentChange(cis, now + kMinute, window)->id, *future);
        // Across several CIs, the latest.
        auto older = rs->addChange(QStringLiteral("billing"), now - 20 * kMinute,
                                   QStringLiteral("older"), {}, QStringLiteral("a"), now);
        auto newer = rs->addChange(QStringLiteral("search"), now - 5 * kMinute,
                                   QStringLiteral("newer"), {}, QStringLiteral("a"), now);
        QVERIFY(older && newer);
        QCOMPARE(
            rs->recentChange({QStringLiteral("billing"), QStringLiteral("search")}, now, window)
                ->summary,
            QStringLiteral("newer"));
        QCOMPARE(
            rs->recentChange({QStringLiteral("search"), QStringLiteral("billing")}, now, window)
                ->summary,
            QStringLiteral("newer"));
        QCOMPARE(rs->recentChange({QStringLiteral("billing")}, now, window)->id, *older);
        QVERIFY(!rs->recentChange({QStringLiteral("billing")}, now, 10 * kMinute));
        QVERIFY(!rs->recentChange({QStringLiteral("unrelated")}, now, window));
    }

    // --- settings ---

    void config_defaultsOnAFreshDatabase()
    {
        // The documented defaults...
        const QStringList want{"dryRun=false",
                               "confidenceThreshold=0.8",
                               "changeWindowMinutes=30",
                               "rules=",
                               "p1Queue=sitrep-remediation-p1.fifo",
                               "standardQueue=sitrep-remediation-standard.fifo",
                               "dlq=sitrep-remediation-dlq.fifo",
                               "resultsQueue=sitrep-remediation-results.fifo",
                               "p1VisibilityTimeout=30",
                               "standardVisibilityTimeout=120",
                               "p1Consumers=4",
                               "standardConsumers=1",
                               "maxReceiveCount=3",
                               "autoIdentity=sitrep-auto-remediation"};
        QCOMPARE(fields(RemediationConfig{}), want);
        // ...are what a fresh database loads.
        QCOMPARE(fields(RemediationConfig::load(fx->store)), want);
        QCOMPARE(RemediationConfig::get(fx->store, QStringLiteral("remediation.dry_run")),
                 QString());
        QCOMPARE(
            RemediationConfig::get(fx->store, QStringLiteral("remediation.audit_retention_days")),
            QStringLiteral("2557"));
    }

    void config_everyKeySetAndLoaded()
    {
        QTemporaryDir rulesDir;
        const QHash<QString, QString> values{
            {QStringLiteral("remediation.dry_run"), QStringLiteral(" YES ")},
            {QStringLiteral("remediation.confidence_threshold"), QStringLiteral(" 0.65")},
            {QStringLiteral("remediation.change_window_minutes"), QStringLiteral("0")},
            {QStringLiteral("remediation.rules"), rulesDir.path()},
            {QStringLiteral("remediation.queue.p1"), QStringLiteral("ops-p1.fifo")},
            {QStringLiteral("remediation.queue.standard"), QStringLiteral("ops-std.fifo")},
            {QStringLiteral("remediation.queue.dlq"), QStringLiteral("ops-dlq.fifo")},
            {QStringLiteral("remediation.queue.results"), QStringLiteral("ops-results.fifo")},
            {QStringLiteral("remediation.p1.visibility_timeout"), QStringLiteral("45")},
            {QStringLiteral("remediation.standard.visibility_timeout"), QStringLiteral("43200")},
            {QStringLiteral("remediation.p1.consumers"), QStringLiteral("64")},
            {QStringLiteral("remediation.standard.consumers"), QStringLiteral("1")},
            {QStringLiteral("remediation.max_receive_count"), QStringLiteral("1000")},
            {QStringLiteral("remediation.audit_retention_days"), QStringLiteral("90")},
        };
        const auto keys = RemediationConfig::keys();
        QCOMPARE(keys.size(), values.size()); // a new key needs a line here
        for (const auto &k : keys) {
            QVERIFY2(values.contains(k.first), qPrintable(k.first));
            QVERIFY2(!k.second.isEmpty(), qPrintable(k.first));
            auto s = RemediationConfig::set(fx->store, k.first, values[k.first]);
            QVERIFY2(s, qPrintable(k.first + QStringLiteral(": ") + s.errorMessage()));
        }
        const QStringList want{"dryRun=true",
                               "confidenceThreshold=0.65",
                               "changeWindowMinutes=0",
                               "rules=" + QFileInfo(rulesDir.path()).absoluteFilePath(),
                               "p1Queue=ops-p1.fifo",
                               "standardQueue=ops-std.fifo",
                               "dlq=ops-dlq.fifo",
                               "resultsQueue=ops-results.fifo",
                               "p1VisibilityTimeout=45",
                               "standardVisibilityTimeout=43200",
                               "p1Consumers=64",
                               "standardConsumers=1",
                               "maxReceiveCount=1000",
                               "autoIdentity=sitrep-auto-remediation"};
        QCOMPARE(fields(RemediationConfig::load(fx->store)), want);
        // Stored normalised.
        QCOMPARE(RemediationConfig::get(fx->store, QStringLiteral("remediation.dry_run")),
                 QStringLiteral("true"));
        QCOMPARE(
            RemediationConfig::get(fx->store, QStringLiteral("remediation.confidence_threshold")),
            QStringLiteral("0.65"));
        QCOMPARE(
            RemediationConfig::get(fx->store, QStringLiteral("remediation.audit_retention_days")),
            QStringLiteral("90"));
        QCOMPARE(RemediationStore(fx->store).retentionDays(), 90);
        // Switched off again, and the rule folder cleared.
        QVERIFY(RemediationConfig::set(fx->store, QStringLiteral("remediation.dry_run"),
                                       QStringLiteral("off")));
        QVERIFY(RemediationConfig::set(fx->store, QStringLiteral("remediation.rules"), {}));
        QVERIFY(!RemediationConfig::load(fx->store).dryRun);
        QCOMPARE(RemediationConfig::load(fx->store).rules, QString());
    }

    void config_invalidValues_refusedAndNothingStored_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        const auto row = [](const char *name, const char *key, const char *value) {
            QTest::newRow(name) << QString::fromLatin1(key) << QString::fromUtf8(value);
        };
        row("unknown key", "remediation.nope", "1");
        row("not remediation", "triage.auto", "on");
        row("dry run word", "remediation.dry_run", "maybe");
        row("dry run empty", "remediation.dry_run", "");
        row("threshold above 1", "remediation.confidence_threshold", "1.01");
        row("threshold below 0", "remediation.confidence_threshold", "-0.1");
        row("threshold text", "remediation.confidence_threshold", "high");
        row("rules missing", "remediation.rules", "/no/such/rules/folder");
        row("queue not fifo", "remediation.queue.p1", "ops-p1");
        row("queue slash", "remediation.queue.dlq", "a/b.fifo");
        row("queue space", "remediation.queue.results", "a b.fifo");
        row("window negative", "remediation.change_window_minutes", "-1");
        row("window over a week", "remediation.change_window_minutes", "10081");
        row("visibility over 12h", "remediation.p1.visibility_timeout", "43201");
        row("visibility negative", "remediation.standard.visibility_timeout", "-3");
        row("consumers zero", "remediation.p1.consumers", "0");
        row("consumers 65", "remediation.standard.consumers", "65");
        row("consumers fraction", "remediation.p1.consumers", "2.5");
        row("receive count zero", "remediation.max_receive_count", "0");
        row("receive count 1001", "remediation.max_receive_count", "1001");
        row("retention zero", "remediation.audit_retention_days", "0");
        row("retention text", "remediation.audit_retention_days", "forever");
        // A FIFO queue name of 81 characters (at most 80).
        QTest::newRow("queue too long") << QStringLiteral("remediation.queue.standard")
                                        << QString(76, u'q') + QStringLiteral(".fifo");
    }
    void config_invalidValues_refusedAndNothingStored()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        const QString before = RemediationConfig::get(fx->store, key);
        auto s = RemediationConfig::set(fx->store, key, value);
        QVERIFY(!s);
        QVERIFY(!s.errorMessage().isEmpty());
        QCOMPARE(RemediationConfig::get(fx->store, key), before);
        QCOMPARE(RemediationStore(fx->store).retentionDays(), 2557);
        // The loaded settings are still the defaults.
        QCOMPARE(fields(RemediationConfig::load(fx->store)), fields(RemediationConfig{}));
    }

    void config_load_ignoresGarbageInTheDatabase()
    {
        // Values written around `set` (an old version, a hand edit) do not break loading.
        QVERIFY(
            fx->store.setMeta(QStringLiteral("remediation.dry_run"), QStringLiteral("perhaps")));
        QVERIFY(fx->store.setMeta(QStringLiteral("remediation.confidence_threshold"),
                                  QStringLiteral("very")));
        QVERIFY(
            fx->store.setMeta(QStringLiteral("remediation.p1.consumers"), QStringLiteral("lots")));
        QVERIFY(fx->store.setMeta(QStringLiteral("remediation.max_receive_count"),
                                  QStringLiteral("7")));
        const RemediationConfig c = RemediationConfig::load(fx->store);
        QCOMPARE(c.dryRun, false);
        QCOMPARE(c.confidenceThreshold, 0.8);
        QCOMPARE(c.p1Consumers, 4);
        QCOMPARE(c.maxReceiveCount, 7);
    }

    // --- remediation and audit rows, as the flow writes them ---

    void remediationRows_filtersOrderAndLookup()
    {
        auto rem = remediator();
        const QString first = decide(*rem);
        fx->clock.advance(5 * kMinute);
        const QString second = decide(*rem);
        const QString firstUid = fx->get(first).uid, secondUid = fx->get(second).uid;
        const auto all = rs->remediations();
        QCOMPARE(all.size(), 2);
        // Newest first.
        QCOMPARE(all[0].number, second);
        QCOMPARE(all[1].number, first);
        const RemediationRow r = all[1];
        QCOMPARE(r.incident, firstUid);
        QCOMPARE(r.status, QStringLiteral("queued"));
        QCOMPARE(r.rule, QStringLiteral("database-reboot"));
        QCOMPARE(r.actionType, QStringLiteral("rds_reboot"));
        QCOMPARE(r.target, QStringLiteral("orders-db-primary"));
        QCOMPARE(r.priority, QStringLiteral("P2"));
        QCOMPARE(r.transport, QStringLiteral("sqs"));
        QCOMPARE(r.destination, QStringLiteral("sitrep-remediation-standard.fifo"));
        QCOMPARE(r.attempt, 1);
        QCOMPARE(r.createdAt, testing::baseTime());
        QCOMPARE(r.updatedAt, testing::baseTime());
        QVERIFY(!r.correlationId.isEmpty());
        QVERIFY(all[0].correlationId != r.correlationId);
        // The row names the timeline event that put it there.
        const auto tl = fx->store.timeline(firstUid);
        QCOMPARE(r.lastEvent, tl.last().id);
        QCOMPARE(tl.last().kind, kinds::Queued);
        QCOMPARE(r.message[u"incident"].toObject()[u"number"].toString(), first);

        // Filters.
        QCOMPARE(rs->remediations({QStringLiteral("queued")}).size(), 2);
        QCOMPARE(rs->remediations({QStringLiteral("skipped"), QStringLiteral("failed")}).size(), 0);
        QCOMPARE(rs->remediations({QStringLiteral("skipped"), QStringLiteral("queued")}).size(), 2);
        const auto onlySecond = rs->remediations({}, secondUid);
        QCOMPARE(onlySecond.size(), 1);
        QCOMPARE(onlySecond.first().number, second);
        QCOMPARE(rs->remediations({QStringLiteral("queued")}, firstUid).first().number, first);
        QVERIFY(rs->remediations({}, QStringLiteral("no-such-incident")).isEmpty());
        QCOMPARE(rs->remediations({}, {}, 1).size(), 1);
        QCOMPARE(rs->remediations({}, {}, 1).first().number, second);
        QVERIFY(rs->failed().isEmpty());

        // Lookup by correlation id.
        const auto found = rs->remediation(r.correlationId);
        QVERIFY(found);
        QCOMPARE(found->toJson(), r.toJson());
        QVERIFY(!rs->remediation(QStringLiteral("nope")));
        const QJsonObject j = r.toJson();
        QCOMPARE(j[u"correlation_id"].toString(), r.correlationId);
        QCOMPARE(j[u"created_at"].toString(), QStringLiteral("2026-03-02T10:00:00Z"));
        QCOMPARE(j[u"message"].toObject(), r.message);

        // The outbox rows behind them.
        QCOMPARE(rs->pendingDispatchCount(), 2);
        QCOMPARE(rs->pendingSqsCount(), 2);
        QVERIFY(rs->dueDispatch(fx->clock.nowMs(), 10, false).isEmpty()); // no hooks
        const auto due = rs->dueDispatch(fx->clock.nowMs(), 10);
        QCOMPARE(due.size(), 2);
        QCOMPARE(rs->dueDispatch(fx->clock.nowMs(), 1).size(), 1);
        QSet<QString> corr;
        for (const auto &d : due) {
            corr.insert(d.correlationId);
            QCOMPARE(d.attempt, 1);
            QCOMPARE(d.transport, QStringLiteral("sqs"));
            QCOMPARE(d.status, QStringLiteral("pending"));
            QCOMPARE(d.tries, 0);
            QCOMPARE(d.method, QStringLiteral("POST"));
            QCOMPARE(QJsonDocument::fromJson(d.body).object(),
                     rs->remediation(d.correlationId)->message);
        }
        QCOMPARE(corr, (QSet<QString>{all[0].correlationId, all[1].correlationId}));
    }

    void auditRows_asADryRunWritesThem()
    {
        auto rem = remediator();
        RemediationConfig c = rem->config();
        c.dryRun = true;
        rem->setConfig(c);
        const QString n = decide(*rem);
        const QString uid = fx->get(n).uid;
        const RemediationRow row = rs->remediations().first();
        QCOMPARE(row.status, QStringLiteral("skipped"));
        QCOMPARE(row.control, controls::DryRun);
        QCOMPARE(rs->pendingDispatchCount(), 0);
        const auto audit = rs->audit();
        QCOMPARE(audit.size(), 1);
        const AuditRecord a = audit.first();
        QVERIFY(a.id > 0);
        QCOMPARE(a.recordedAt, testing::baseTime());
        QCOMPARE(a.incident, uid);
        QCOMPARE(a.number, n);
        QCOMPARE(a.workflow, QStringLiteral("pipeline"));
        QVERIFY(!a.workflowVersion.isEmpty());
        QCOMPARE(a.rule, row.rule);
        QCOMPARE(a.actionType, QStringLiteral("rds_reboot"));
        QCOMPARE(a.target, QStringLiteral("orders-db-primary"));
        QCOMPARE(a.result, QStringLiteral("skipped"));
        QCOMPARE(a.control, controls::DryRun);
        QCOMPARE(a.correlationId, row.correlationId);
        QCOMPARE(a.attempt, 1);
        QCOMPARE(a.sitrepEvent, row.lastEvent); // the timeline event of the decision
        QVERIFY(a.output.startsWith(row.reason));
        QVERIFY(a.output.contains(QStringLiteral("\nwould send: ")));
        // The time range: [from, to), to = 0 meaning open-ended.
        QCOMPARE(rs->audit(a.recordedAt).size(), 1);
        QCOMPARE(rs->audit(a.recordedAt + 1).size(), 0);
        QCOMPARE(rs->audit(0, a.recordedAt).size(), 0);
        QCOMPARE(rs->audit(0, a.recordedAt + 1).size(), 1);
        QCOMPARE(rs->audit(a.recordedAt, a.recordedAt + 1).size(), 1);
    }

    // --- export ---

    void exportAudit_csvQuotesAndJsonFields()
    {
        AuditRecord plain;
        plain.id = 7;
        plain.recordedAt = testing::baseTime();
        plain.incident = QStringLiteral("uid-1");
        plain.number = QStringLiteral("INC0000001");
        plain.workflow = QStringLiteral("pipeline");
        plain.workflowVersion = QStringLiteral("2");
        plain.rule = QStringLiteral("database-reboot");
        plain.actionType = QStringLiteral("rds_reboot");
        plain.target = QStringLiteral("orders-db-primary");
        plain.result = QStringLiteral("success");
        plain.identity = QStringLiteral("executor");
        plain.correlationId = QStringLiteral("c-1");
        plain.attempt = 3;
        plain.sitrepEvent = QStringLiteral("e-1");
        AuditRecord awkward = plain;
        awkward.id = 8;
        awkward.result = QStringLiteral("failure");
        awkward.output = QStringLiteral("said \"no\", then\nleft");
        awkward.approvedBy = QStringLiteral("Doe, Jane");

        const QByteArray csv =
            RemediationStore::exportAudit({plain, awkward}, QStringLiteral("csv"));
        const QByteArray header =
            "id,recorded_at,incident,incident_uid,workflow,workflow_version,rule,action_type,"
            "target,result,control,identity,approved_by,event_id,correlation_id,attempt,"
            "sitrep_event,output\r\n";
        QVERIFY(csv.startsWith(header));
        const QByteArray expected =
            header +
            "7,2026-03-02T10:00:00Z,INC0000001,uid-1,pipeline,2,database-reboot,rds_reboot,"
            "orders-db-primary,success,,executor,,,c-1,3,e-1,\r\n"
            "8,2026-03-02T10:00:00Z,INC0000001,uid-1,pipeline,2,database-reboot,rds_reboot,"
            "orders-db-primary,failure,,executor,\"Doe, Jane\",,c-1,3,e-1,"
            "\"said \"\"no\"\", then\nleft\"\r\n";
        QCOMPARE(csv, expected);
        QCOMPARE(RemediationStore::exportAudit({}, QStringLiteral("csv")), header);

        const QJsonArray json =
            QJsonDocument::fromJson(
                RemediationStore::exportAudit({plain, awkward}, QStringLiteral("json")))
                .array();
        QCOMPARE(json.size(), 2);
        const QJsonObject o = json[1].toObject();
        QCOMPARE(o[u"id"].toInteger(), 8);
        QCOMPARE(o[u"incident"].toString(), QStringLiteral("INC0000001"));
        QCOMPARE(o[u"incident_uid"].toString(), QStringLiteral("uid-1"));
        QCOMPARE(o[u"output"].toString(), awkward.output);
        QCOMPARE(o[u"approved_by"].toString(), QStringLiteral("Doe, Jane"));
        QCOMPARE(o[u"attempt"].toInt(), 3);
        QCOMPARE(o[u"recorded_at"].toString(), QStringLiteral("2026-03-02T10:00:00Z"));
        QCOMPARE(QJsonDocument::fromJson(RemediationStore::exportAudit({}, QStringLiteral("json")))
                     .array()
                     .size(),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestRemediationStore)
#include "tst_remediationstore.moc"
