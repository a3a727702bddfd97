// SPDX-License-Identifier: MIT
// On-call rotations, hand-off times, overrides, routing by category and service, the default
// group, and routing plus assignment of new incidents through the engine.
#include "unit/coretestutil.h"
#include "unit/yamlerrorcheck.h"

#include <QJsonArray>
#include <QTest>

using namespace sitrep;
using namespace sitrep::testing;
using engine::Command;

namespace {

qint64 utc(int y, int m, int d, int h, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), Qt::UTC).toMSecsSinceEpoch();
}

const QByteArray kSchedule =
    "groups:\n"                                                                             // 1
    "  - name: Core\n"                                                                      // 2
    "    members: [ana, ben, cem]\n"                                                        // 3
    "    rotation: {length_hours: 24, handoff: \"06:30\", start: \"2026-02-01\"}\n"         // 4
    "    overrides:\n"                                                                      // 5
    "      - {member: zoe, from: \"2026-02-03T12:00:00Z\", to: \"2026-02-03T18:00:00Z\"}\n" // 6
    "  - name: Db\n"                                                                        // 7
    "    members: [dina]\n"                                                                 // 8
    "    rotation: {length_days: 7}\n"                                                      // 9
    "  - name: Edge\n"                                                                      // 10
    "    members: [eli, fay]\n"                                                             // 11
    "routing:\n"                                                                            // 12
    "  - {category: database, service: billing, group: Core}\n"                             // 13
    "  - {category: database, group: Db}\n"                                                 // 14
    "  - {service: cdn, group: Edge}\n"                                                     // 15
    "  - {default: true, group: Edge}\n";                                                   // 16

} // namespace

class TestOnCall : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void builtInSchedule_loads();
    void rotation_handOffAtConfiguredTime();
    void rotation_wrapsAround();
    void rotation_beforeStart_usesPreviousShift();
    void rotation_defaultsAndDayLength();
    void override_winsInsideWindowOnly();
    void unknownGroup_isError();
    void routing_byCategoryAndService_data();
    void routing_byCategoryAndService();
    void routing_defaultIsFirstGroupWhenUnset();
    void errors_nameFileAndLine_data();
    void errors_nameFileAndLine();
    void newIncident_isRoutedAndAssigned();
    void newIncident_explicitAssigneeOrGroup();
    void newIncident_pipelineAssignsAtTriage();
    void assignCommand_groupAssignsOnCall();
};

void TestOnCall::builtInSchedule_loads()
{
    auto s = workflow::OnCallSchedule::load({});
    QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    QCOMPARE(s->groups().size(), 5);
    QVERIFY(s->group(QStringLiteral("platform engineering")));
    QCOMPARE(s->route(QStringLiteral("database"), {}), QStringLiteral("Data Platform"));
    QCOMPARE(s->route(QString(), {QStringLiteral("checkout")}), QStringLiteral("Payments"));
    QCOMPARE(s->route(QStringLiteral("misc"), {}), QStringLiteral("Platform Engineering"));
    // Platform Engineering: weekly from Monday 2026-01-05 09:00 UTC.
    QCOMPARE(s->onCall(QStringLiteral("Platform Engineering"), utc(2026, 1, 5, 9))->member,
             QStringLiteral("alice.nguyen"));
    QCOMPARE(s->onCall(QStringLiteral("Platform Engineering"), utc(2026, 1, 12, 9))->member,
             QStringLiteral("bob.okafor"));
    // Payments: 84 h shifts handing off at 08:00.
    auto p = s->onCall(QStringLiteral("Payments"), utc(2026, 1, 8, 19, 59));
    QCOMPARE(p->member, QStringLiteral("hiro.tanaka"));
    QCOMPARE(p->shiftEnd, utc(2026, 1, 8, 20));
    QCOMPARE(s->onCall(QStringLiteral("Payments"), utc(2026, 1, 8, 20))->member,
             QStringLiteral("ines.moreau"));
}

void TestOnCall::rotation_handOffAtConfiguredTime()
{
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    const QString g = QStringLiteral("Core");
    auto a = s->onCall(g, utc(2026, 2, 1, 6, 30));
    QCOMPARE(a->member, QStringLiteral("ana"));
    QCOMPARE(a->shiftStart, utc(2026, 2, 1, 6, 30));
    QCOMPARE(a->shiftEnd, utc(2026, 2, 2, 6, 30));
    QVERIFY(!a->override);
    QCOMPARE(s->onCall(g, utc(2026, 2, 2, 6, 29))->member, QStringLiteral("ana"));
    QCOMPARE(s->onCall(g, utc(2026, 2, 2, 6, 30) - 1)->member, QStringLiteral("ana"));
    QCOMPARE(s->onCall(g, utc(2026, 2, 2, 6, 30))->member, QStringLiteral("ben"));
    QCOMPARE(s->onCall(g, utc(2026, 2, 3, 6, 30))->member, QStringLiteral("cem"));
    QCOMPARE(s->onCall(g, utc(2026, 2, 3, 6, 30))->group, g);
}

void TestOnCall::rotation_wrapsAround()
{
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    const QString g = QStringLiteral("core"); // names are case-insensitive
    QCOMPARE(s->onCall(g, utc(2026, 2, 4, 7))->member, QStringLiteral("ana"));
    QCOMPARE(s->onCall(g, utc(2026, 2, 1, 7) + 300 * kDay)->member,
             QStringLiteral("ana")); // 100 turns
    QCOMPARE(s->onCall(g, utc(2026, 2, 1, 7) + 301 * kDay)->member, QStringLiteral("ben"));
    QCOMPARE(s->onCall(g, utc(2026, 2, 4, 7))->group, QStringLiteral("Core"));
}

void TestOnCall::rotation_beforeStart_usesPreviousShift()
{
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    const QString g = QStringLiteral("Core");
    auto a = s->onCall(g, utc(2026, 2, 1, 6, 29));
    QCOMPARE(a->member, QStringLiteral("cem"));
    QCOMPARE(a->shiftStart, utc(2026, 1, 31, 6, 30));
    QCOMPARE(a->shiftEnd, utc(2026, 2, 1, 6, 30));
    QCOMPARE(s->onCall(g, utc(2026, 1, 31, 6, 30))->member, QStringLiteral("cem"));
    QCOMPARE(s->onCall(g, utc(2026, 1, 31, 6, 29))->member, QStringLiteral("ben"));
    QCOMPARE(s->onCall(g, utc(2025, 12, 1, 12))->member.isEmpty(), false);
}

void TestOnCall::rotation_defaultsAndDayLength()
{
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    const auto *db = s->group(QStringLiteral("Db"));
    QVERIFY(db);
    QCOMPARE(db->rotationHours, 168);
    // Defaults: start 2026-01-05, hand-off 09:00.
    auto a = s->onCall(QStringLiteral("Db"), utc(2026, 3, 1, 12));
    QCOMPARE(a->member, QStringLiteral("dina"));
    QCOMPARE(a->shiftStart, utc(2026, 2, 23, 9));
    const auto *edge = s->group(QStringLiteral("Edge"));
    QCOMPARE(edge->rotationHours, 168);
    QCOMPARE(edge->start, utc(2026, 1, 5, 9));
}

void TestOnCall::override_winsInsideWindowOnly()
{
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    const QString g = QStringLiteral("Core");
    QCOMPARE(s->onCall(g, utc(2026, 2, 3, 11, 59))->member, QStringLiteral("cem"));
    auto o = s->onCall(g, utc(2026, 2, 3, 12));
    QCOMPARE(o->member, QStringLiteral("zoe"));
    QVERIFY(o->override);
    QCOMPARE(o->shiftStart, utc(2026, 2, 3, 12));
    QCOMPARE(o->shiftEnd, utc(2026, 2, 3, 18));
    QCOMPARE(s->onCall(g, utc(2026, 2, 3, 18) - 1)->member, QStringLiteral("zoe"));
    auto after = s->onCall(g, utc(2026, 2, 3, 18));
    QCOMPARE(after->member, QStringLiteral("cem"));
    QVERIFY(!after->override);
}

void TestOnCall::unknownGroup_isError()
{
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    auto a = s->onCall(QStringLiteral("Nobody"), utc(2026, 2, 3, 12));
    QVERIFY(!a.ok());
    QVERIFY2(a.errorMessage().contains(QStringLiteral("'Nobody'")), qPrintable(a.errorMessage()));
}

void TestOnCall::routing_byCategoryAndService_data()
{
    QTest::addColumn<QString>("category");
    QTest::addColumn<QStringList>("services");
    QTest::addColumn<QString>("group");
    QTest::newRow("category and service") << "database" << QStringList{"billing"} << "Core";
    QTest::newRow("category, other service") << "database" << QStringList{"search"} << "Db";
    QTest::newRow("category only") << "Database" << QStringList{} << "Db";
    QTest::newRow("service only") << "" << QStringList{"CDN"} << "Edge";
    QTest::newRow("any of the services") << "network" << QStringList{"dns", "cdn"} << "Edge";
    QTest::newRow("rule order wins") << "database" << QStringList{"cdn", "billing"} << "Core";
    QTest::newRow("nothing matches") << "hardware" << QStringList{"printer"} << "Edge";
    QTest::newRow("nothing given") << "" << QStringList{} << "Edge";
}

void TestOnCall::routing_byCategoryAndService()
{
    QFETCH(QString, category);
    QFETCH(QStringList, services);
    QFETCH(QString, group);
    auto s = workflow::OnCallSchedule::fromYaml(kSchedule, QStringLiteral("oc.yaml"));
    QCOMPARE(s->route(category, services), group);
}

void TestOnCall::routing_defaultIsFirstGroupWhenUnset()
{
    auto s = workflow::OnCallSchedule::fromYaml(
        "groups:\n  - {name: A, members: [x]}\n  - {name: B, members: [y]}\n"
        "routing:\n  - {service: web, group: B}\n",
        QStringLiteral("oc.yaml"));
    QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    QCOMPARE(s->route(QString(), {QStringLiteral("web")}), QStringLiteral("B"));
    QCOMPARE(s->route(QString(), {QStringLiteral("api")}), QStringLiteral("A"));
}

void TestOnCall::errors_nameFileAndLine_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no groups") << QByteArray("routing: []\n") << 1 << "groups";
    QTest::newRow("no members") << QByteArray("groups:\n  - name: A\n    members: []\n") << 2
                                << "no members";
    QTest::newRow("no name") << QByteArray("groups:\n  - members: [a]\n") << 2 << "without a name";
    QTest::newRow("bad length")
        << QByteArray("groups:\n  - name: A\n    members: [a]\n    rotation: {length_hours: 0}\n")
        << 4 << "positive";
    QTest::newRow("huge length in days")
        << QByteArray(
               "groups:\n  - name: A\n    members: [a]\n    rotation: {length_days: 100000000}\n")
        << 4 << "positive";
    QTest::newRow("huge length in hours")
        << QByteArray(
               "groups:\n  - name: A\n    members: [a]\n    rotation: {length_hours: 2000000000}\n")
        << 4 << "positive";
    QTest::newRow("empty member") << QByteArray("groups:\n  - name: A\n    members: [a, \"\"]\n")
                                  << 3 << "empty member name";
    QTest::newRow("bare tag member")
        << QByteArray("groups:\n  - name: A\n    members: [!x, b]\n") << 3 << "empty member name";
    QTest::newRow("bad handoff")
        << QByteArray(
               "groups:\n  - name: A\n    members: [a]\n    rotation: {handoff: \"25:99\"}\n")
        << 4 << "handoff";
    QTest::newRow("bad override")
        << QByteArray("groups:\n  - name: A\n    members: [a]\n    overrides:\n      - {member: b, "
                      "from: \"2026-02-03T18:00:00Z\", to: \"2026-02-03T12:00:00Z\"}\n")
        << 5 << "override";
    QTest::newRow("unknown routing group")
        << QByteArray(
               "groups:\n  - name: A\n    members: [a]\nrouting:\n  - {category: x, group: B}\n")
        << 5 << "unknown group 'B'";
    QTest::newRow("scalar group") << QByteArray("groups:\n  - A\n") << 2 << "";
    QTest::newRow("syntax") << QByteArray("groups:\n  - {name: A\n") << 3 << "";
}

void TestOnCall::errors_nameFileAndLine()
{
    verifyYamlRowRefused(QStringLiteral("oc.yaml"), &workflow::OnCallSchedule::fromYaml);
}

void TestOnCall::newIncident_isRoutedAndAssigned()
{
    CoreFixture fx(QStringLiteral("sre"), kSchedule);
    fx.clock.set(utc(2026, 2, 3, 13)); // Core: cem's shift, zoe's override
    const QString a =
        fx.open({{"title", "replica lag"}, {"severity", "high"}, {"category", "database"}});
    QCOMPARE(fx.get(a).assignmentGroup, QStringLiteral("Db"));
    QCOMPARE(fx.get(a).assignee, QStringLiteral("dina"));
    const QString b = fx.open({{"title", "invoices stuck"},
                               {"severity", "high"},
                               {"category", "database"},
                               {"services", QJsonArray{"billing"}}});
    QCOMPARE(fx.get(b).assignmentGroup, QStringLiteral("Core"));
    QCOMPARE(fx.get(b).assignee, QStringLiteral("zoe"));
    const QString c =
        fx.open({{"title", "images slow"}, {"severity", "low"}, {"services", "cdn, web"}});
    QCOMPARE(fx.get(c).assignmentGroup, QStringLiteral("Edge"));
    QVERIFY(QStringList({"eli", "fay"}).contains(fx.get(c).assignee));
    const QString d = fx.open({{"title", "???"}, {"severity", "low"}});
    QCOMPARE(fx.get(d).assignmentGroup, QStringLiteral("Edge"));
    // The assignment is an event of its own, made by the on-call rotation.
    bool viaOnCall = false;
    for (const auto &e : fx.store.timeline(fx.get(a).uid))
        if (e.kind == domain::kinds::Assigned)
            viaOnCall = e.payload[u"via"].toString() == u"on-call";
    QVERIFY(viaOnCall);
    // After the override ends, Core's regular on-call gets new incidents.
    fx.clock.set(utc(2026, 2, 3, 19));
    const QString e = fx.open({{"title", "invoices stuck again"},
                               {"severity", "high"},
                               {"category", "database"},
                               {"services", QJsonArray{"billing"}}});
    QCOMPARE(fx.get(e).assignee, QStringLiteral("cem"));
}

void TestOnCall::newIncident_explicitAssigneeOrGroup()
{
    CoreFixture fx(QStringLiteral("sre"), kSchedule);
    fx.clock.set(utc(2026, 2, 1, 12));
    const QString a = fx.open(
        {{"title", "x"}, {"severity", "low"}, {"category", "database"}, {"assignee", "someone"}});
    QCOMPARE(fx.get(a).assignee, QStringLiteral("someone"));
    QVERIFY(fx.get(a).assignmentGroup.isEmpty());
    const QString b = fx.open({{"title", "x"},
                               {"severity", "low"},
                               {"category", "database"},
                               {"assignment_group", "Core"}});
    QCOMPARE(fx.get(b).assignmentGroup, QStringLiteral("Core"));
    QCOMPARE(fx.get(b).assignee, QStringLiteral("ana"));
}

void TestOnCall::newIncident_pipelineAssignsAtTriage()
{
    CoreFixture fx(QStringLiteral("pipeline"), kSchedule);
    fx.clock.set(utc(2026, 2, 2, 7));
    const QString n = fx.open({{"title", "x"}, {"severity", "medium"}, {"category", "database"}});
    QCOMPARE(fx.get(n).assignmentGroup, QStringLiteral("Db")); // routed at open
    QVERIFY(fx.get(n).assignee.isEmpty());                     // assigned at triage
    fx.clock.set(utc(2026, 2, 2, 8));
    QVERIFY(fx.transition(n, QStringLiteral("TRIAGE")).ok());
    QCOMPARE(fx.get(n).assignee, QStringLiteral("dina"));
}

void TestOnCall::assignCommand_groupAssignsOnCall()
{
    CoreFixture fx(QStringLiteral("sre"), kSchedule);
    fx.clock.set(utc(2026, 2, 2, 12));
    const QString n = fx.open({{"title", "x"}, {"severity", "low"}, {"assignee", "first"}});
    QVERIFY(fx.run(Command::Kind::Assign, n, {{"group", "core"}}).ok());
    QCOMPARE(fx.get(n).assignee, QStringLiteral("ben"));
    QCOMPARE(fx.get(n).assignmentGroup, QStringLiteral("Core"));
    // The same again changes nothing.
    auto same = fx.run(Command::Kind::Assign, n, {{"group", "Core"}});
    QVERIFY(same.ok());
    QVERIFY(same->noop);
    QVERIFY(fx.run(Command::Kind::Assign, n, {{"assignee", "cem"}}).ok());
    QCOMPARE(fx.get(n).assignee, QStringLiteral("cem"));
    QCOMPARE(fx.get(n).assignmentGroup, QStringLiteral("Core"));
    auto bad = fx.run(Command::Kind::Assign, n, {{"group", "Nope"}});
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("unknown assignment group 'Nope'")),
             qPrintable(bad.errorMessage()));
    QVERIFY(!fx.run(Command::Kind::Assign, n, {}).ok());
}

QTEST_GUILESS_MAIN(TestOnCall)
#include "tst_oncall.moc"
