// SPDX-License-Identifier: MIT
// Impact x urgency -> priority: every cell of seed 000's matrix, a custom matrix from YAML,
// and the severity fallback when impact and urgency are unknown.
#include "unit/coretestutil.h"

#include "workflow/prioritymatrix.h"
#include "workflow/yamlutil.h"

#include <QFile>
#include <QTest>

using namespace sitrep;
using namespace sitrep::testing;
using domain::Priority;
using engine::Command;

Q_DECLARE_METATYPE(sitrep::domain::Priority)

class TestPriorityMatrix : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultMatrix_everyCell_data();
    void defaultMatrix_everyCell();
    void defaultMatrix_everyCell_throughEngine_data() { defaultMatrix_everyCell_data(); }
    void defaultMatrix_everyCell_throughEngine();
    void shippedMatrixFile_equalsSeed();
    void names_matchedLoosely();
    void unknownNames_giveNone();
    void customMatrix_fromYaml();
    void customMatrix_inWorkflow_drivesEngine();
    void customMatrix_errors_data();
    void customMatrix_errors();
    void severityFallback_data();
    void severityFallback();
    void severityFallback_explicitPriorityWins();
    void fieldChanges_recomputePriority();
    void impactWithoutUrgency_isRefused();
};

void TestPriorityMatrix::defaultMatrix_everyCell_data()
{
    QTest::addColumn<QString>("impact");
    QTest::addColumn<QString>("urgency");
    QTest::addColumn<Priority>("priority");
    // Seed 000, verbatim.
    const QStringList impacts{"Enterprise-wide", "Multiple departments", "Single department",
                              "Single user"};
    const QStringList urgencies{"Critical", "High", "Medium", "Low"};
    const Priority cells[4][4] = {{Priority::P1, Priority::P1, Priority::P2, Priority::P2},
                                  {Priority::P1, Priority::P2, Priority::P2, Priority::P3},
                                  {Priority::P2, Priority::P2, Priority::P3, Priority::P3},
                                  {Priority::P2, Priority::P3, Priority::P3, Priority::P4}};
    for (int i = 0; i < 4; ++i)
        for (int u = 0; u < 4; ++u)
            QTest::newRow(qPrintable(impacts[i] + QStringLiteral(" x ") + urgencies[u]))
                << impacts[i] << urgencies[u] << cells[i][u];
}

void TestPriorityMatrix::defaultMatrix_everyCell()
{
    QFETCH(QString, impact);
    QFETCH(QString, urgency);
    QFETCH(Priority, priority);
    const workflow::PriorityMatrix m;
    QCOMPARE(m.priority(impact, urgency), priority);
    // Every preset carries the same matrix.
    for (const QString &name : workflow::Workflow::presetNames())
        QCOMPARE(workflow::Workflow::load(name)->matrix().priority(impact, urgency), priority);
}

void TestPriorityMatrix::defaultMatrix_everyCell_throughEngine()
{
    QFETCH(QString, impact);
    QFETCH(QString, urgency);
    QFETCH(Priority, priority);
    CoreFixture fx(QStringLiteral("itil"));
    // Severity says low; impact x urgency decides.
    const QString n = fx.open({{"title", "VPN drops"},
                               {"severity", "low"},
                               {"impact", impact.toLower()},
                               {"urgency", urgency.toUpper()}});
    QVERIFY(!n.isEmpty());
    const auto inc = fx.get(n);
    QCOMPARE(inc.priority, priority);
    QCOMPARE(inc.impact, impact); // stored with the matrix's spelling
    QCOMPARE(inc.urgency, urgency);
    const auto pol = fx.eng().workflow().policy(priority);
    QCOMPARE(inc.responseDue, inc.createdAt + pol.responseMinutes * kMinute);
    QCOMPARE(inc.resolutionDue, inc.createdAt + pol.resolutionMinutes * kMinute);
}

void TestPriorityMatrix::shippedMatrixFile_equalsSeed()
{
    auto node = workflow::loadYamlFile(QStringLiteral(":/sitrep/config/priority_matrix.yaml"));
    QVERIFY2(node.ok(), qPrintable(node.errorMessage()));
    auto m = workflow::PriorityMatrix::fromYaml(*node, QStringLiteral("priority_matrix.yaml"));
    QVERIFY2(m.ok(), qPrintable(m.errorMessage()));
    const workflow::PriorityMatrix def;
    QCOMPARE(m->impacts(), def.impacts());
    QCOMPARE(m->urgencies(), def.urgencies());
    for (int i = 0; i < 4; ++i)
        for (int u = 0; u < 4; ++u)
            QCOMPARE(m->at(i, u), def.at(i, u));
}

void TestPriorityMatrix::names_matchedLoosely()
{
    const workflow::PriorityMatrix m;
    QCOMPARE(m.impactIndex(QStringLiteral("enterprise wide")), 0);
    QCOMPARE(m.impactIndex(QStringLiteral("ENTERPRISE_WIDE")), 0);
    QCOMPARE(m.impactIndex(QStringLiteral(" multiple-departments ")), 1);
    QCOMPARE(m.impactIndex(QStringLiteral("3")), 2);
    QCOMPARE(m.urgencyIndex(QStringLiteral("low")), 3);
    QCOMPARE(m.urgencyIndex(QStringLiteral("1")), 0);
    QCOMPARE(m.priority(QStringLiteral("single user"), QStringLiteral("low")), Priority::P4);
}

void TestPriorityMatrix::unknownNames_giveNone()
{
    const workflow::PriorityMatrix m;
    QCOMPARE(m.priority(QStringLiteral("planet-wide"), QStringLiteral("Critical")), Priority::None);
    QCOMPARE(m.priority(QStringLiteral("Single user"), QString()), Priority::None);
    QCOMPARE(m.priority(QStringLiteral("5"), QStringLiteral("1")), Priority::None);
    QCOMPARE(m.priority(QStringLiteral("0"), QStringLiteral("1")), Priority::None);
    QCOMPARE(m.at(-1, 0), Priority::None);
    QCOMPARE(m.at(0, 4), Priority::None);
    QCOMPARE(m.at(4, 0), Priority::None);
}

void TestPriorityMatrix::customMatrix_fromYaml()
{
    auto node = workflow::parseYaml("impacts: [global, regional, local]\n"
                                    "urgencies: [now, later]\n"
                                    "matrix:\n"
                                    "  global: [P1, P2]\n"
                                    "  regional: [P2, P3]\n"
                                    "  local: [3, p4]\n",
                                    QStringLiteral("m.yaml"));
    QVERIFY(node.ok());
    auto m = workflow::PriorityMatrix::fromYaml(*node, QStringLiteral("m.yaml"));
    QVERIFY2(m.ok(), qPrintable(m.errorMessage()));
    QCOMPARE(m->impacts().size(), 3);
    QCOMPARE(m->urgencies().size(), 2);
    QCOMPARE(m->priority(QStringLiteral("global"), QStringLiteral("now")), Priority::P1);
    QCOMPARE(m->priority(QStringLiteral("global"), QStringLiteral("later")), Priority::P2);
    QCOMPARE(m->priority(QStringLiteral("Regional"), QStringLiteral("NOW")), Priority::P2);
    QCOMPARE(m->priority(QStringLiteral("regional"), QStringLiteral("later")), Priority::P3);
    QCOMPARE(m->priority(QStringLiteral("local"), QStringLiteral("now")), Priority::P3);
    QCOMPARE(m->priority(QStringLiteral("local"), QStringLiteral("later")), Priority::P4);
    // The seed's names mean nothing here.
    QCOMPARE(m->priority(QStringLiteral("Enterprise-wide"), QStringLiteral("Critical")),
             Priority::None);
}

void TestPriorityMatrix::customMatrix_inWorkflow_drivesEngine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("wf.yaml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("name: custom\n"
            "states: [new, {id: done, stamps: resolved}]\n"
            "transitions: [{from: new, to: done}]\n"
            "priority_matrix:\n"
            "  impacts: [global, local]\n"
            "  urgencies: [now, later]\n"
            "  matrix:\n"
            "    global: [P1, P3]\n"
            "    local: [P2, P4]\n");
    f.close();
    CoreFixture fx(path);
    const QString a = fx.open({{"title", "a"}, {"impact", "global"}, {"urgency", "later"}});
    QCOMPARE(fx.get(a).priority, Priority::P3);
    // An incident always has a severity: without one given, it follows the priority.
    QCOMPARE(fx.get(a).severity, domain::Severity::Medium);
    const QString b = fx.open({{"title", "b"}, {"impact", "local"}, {"urgency", "now"}});
    QCOMPARE(fx.get(b).priority, Priority::P2);
    auto bad = fx.engine->execute(
        Command::open({{"title", "c"}, {"impact", "Enterprise-wide"}, {"urgency", "now"}}));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorMessage().contains(
                 QStringLiteral("unknown impact 'Enterprise-wide' (global, local)")),
             qPrintable(bad.errorMessage()));
    // Changing urgency later moves priority and the SLA deadlines with it.
    QVERIFY(fx.run(Command::Kind::SetField, b, {{"field", "urgency"}, {"value", "later"}}).ok());
    QCOMPARE(fx.get(b).priority, Priority::P4);
    QCOMPARE(fx.get(b).responseDue,
             fx.get(b).createdAt +
                 fx.eng().workflow().policy(Priority::P4).responseMinutes * kMinute);
}

void TestPriorityMatrix::customMatrix_errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not a mapping") << QByteArray("[P1, P2]") << "must be a mapping";
    QTest::newRow("no urgencies") << QByteArray("impacts: [a]\nmatrix: {a: [P1]}\n") << "urgencies";
    QTest::newRow("no matrix") << QByteArray("impacts: [a]\nurgencies: [x]\n") << "matrix";
    QTest::newRow("unknown impact row")
        << QByteArray("impacts: [a]\nurgencies: [x]\nmatrix: {b: [P1]}\n") << "unknown impact 'b'";
    QTest::newRow("short row") << QByteArray("impacts: [a]\nurgencies: [x, y]\nmatrix: {a: [P1]}\n")
                               << "expected 2";
    QTest::newRow("bad cell") << QByteArray("impacts: [a]\nurgencies: [x]\nmatrix: {a: [P5]}\n")
                              << "'P5' is not a priority";
    QTest::newRow("missing row") << QByteArray(
                                        "impacts: [a, b]\nurgencies: [x]\nmatrix: {a: [P1]}\n")
                                 << "no row for impact 'b'";
    QTest::newRow("duplicate row")
        << QByteArray("impacts: [a, b]\nurgencies: [x]\nmatrix: {a: [P1], A: [P2], b: [P3]}\n")
        << "twice";
}

void TestPriorityMatrix::customMatrix_errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, mentions);
    auto node = workflow::parseYaml(yaml, QStringLiteral("m.yaml"));
    QVERIFY(node.ok());
    auto m = workflow::PriorityMatrix::fromYaml(*node, QStringLiteral("m.yaml"));
    QVERIFY(!m.ok());
    QVERIFY2(m.errorMessage().startsWith(QStringLiteral("m.yaml:")), qPrintable(m.errorMessage()));
    QVERIFY2(m.errorMessage().contains(mentions), qPrintable(m.errorMessage()));
}

void TestPriorityMatrix::severityFallback_data()
{
    QTest::addColumn<QString>("severity");
    QTest::addColumn<Priority>("priority");
    QTest::newRow("critical") << "critical" << Priority::P1;
    QTest::newRow("high") << "high" << Priority::P2;
    QTest::newRow("medium") << "medium" << Priority::P3;
    QTest::newRow("low") << "low" << Priority::P4;
    QTest::newRow("SEV1") << "SEV1" << Priority::P1;
    QTest::newRow("sev-2") << "sev-2" << Priority::P2;
    QTest::newRow("3") << "3" << Priority::P3;
    QTest::newRow("minor") << "minor" << Priority::P4;
}

void TestPriorityMatrix::severityFallback()
{
    QFETCH(QString, severity);
    QFETCH(Priority, priority);
    QCOMPARE(domain::priorityForSeverity(domain::parseSeverity(severity)), priority);
    for (const QString &wf : workflow::Workflow::presetNames()) {
        CoreFixture fx(wf);
        const QString n = fx.open(QStringLiteral("from an alert"), severity);
        QVERIFY(!n.isEmpty());
        const auto inc = fx.get(n);
        QCOMPARE(inc.priority, priority);
        QVERIFY(inc.impact.isEmpty());
        QVERIFY(inc.urgency.isEmpty());
        QCOMPARE(inc.responseDue,
                 inc.createdAt + fx.eng().workflow().policy(priority).responseMinutes * kMinute);
    }
    QCOMPARE(domain::priorityForSeverity(domain::Severity::Unknown), Priority::None);
}

void TestPriorityMatrix::severityFallback_explicitPriorityWins()
{
    CoreFixture fx;
    const QString n = fx.open({{"title", "x"}, {"severity", "low"}, {"priority", "p2"}});
    QCOMPARE(fx.get(n).priority, Priority::P2);
    auto bad = fx.engine->execute(
        Command::open({{"title", "x"}, {"severity", "low"}, {"priority", "P0"}}));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("unknown priority 'P0'")),
             qPrintable(bad.errorMessage()));
    auto none = fx.engine->execute(Command::open({{"title", "x"}}));
    QVERIFY(!none.ok());
    QVERIFY2(none.errorMessage().contains(QStringLiteral("severity is required")),
             qPrintable(none.errorMessage()));
}

void TestPriorityMatrix::fieldChanges_recomputePriority()
{
    CoreFixture fx(QStringLiteral("itil"));
    const QString n = fx.open(QStringLiteral("mail slow"), QStringLiteral("low"));
    QCOMPARE(fx.get(n).priority, Priority::P4);
    // Severity drives priority while impact/urgency are unknown.
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "severity"}, {"value", "high"}}).ok());
    QCOMPARE(fx.get(n).priority, Priority::P2);
    // Impact alone is not enough for the matrix.
    QVERIFY(
        fx.run(Command::Kind::SetField, n, {{"field", "impact"}, {"value", "Single user"}}).ok());
    QCOMPARE(fx.get(n).priority, Priority::P2);
    // With both, the matrix decides: Single user x Low = P4.
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "urgency"}, {"value", "Low"}}).ok());
    QCOMPARE(fx.get(n).priority, Priority::P4);
    // Severity no longer moves it.
    QVERIFY(
        fx.run(Command::Kind::SetField, n, {{"field", "severity"}, {"value", "critical"}}).ok());
    QCOMPARE(fx.get(n).priority, Priority::P4);
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "impact"}, {"value", "Enterprise-wide"}})
                .ok());
    QCOMPARE(fx.get(n).priority, Priority::P2);
    QVERIFY(fx.run(Command::Kind::SetField, n, {{"field", "urgency"}, {"value", "critical"}}).ok());
    QCOMPARE(fx.get(n).priority, Priority::P1);
    auto bad = fx.run(Command::Kind::SetField, n, {{"field", "impact"}, {"value", "galactic"}});
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("Single department")),
             qPrintable(bad.errorMessage()));
    QVERIFY(fx.store.verify().ok);
}

void TestPriorityMatrix::impactWithoutUrgency_isRefused()
{
    CoreFixture fx(QStringLiteral("itil"));
    auto r = fx.engine->execute(
        Command::open({{"title", "x"}, {"severity", "low"}, {"impact", "Single user"}}));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorMessage().contains(QStringLiteral("both")), qPrintable(r.errorMessage()));
    auto u = fx.engine->execute(Command::open(
        {{"title", "x"}, {"severity", "low"}, {"impact", "Single user"}, {"urgency", "whenever"}}));
    QVERIFY(!u.ok());
    QVERIFY2(u.errorMessage().contains(QStringLiteral("unknown urgency 'whenever'")),
             qPrintable(u.errorMessage()));
    QCOMPARE(fx.store.incidentCount(), 0);
}

QTEST_GUILESS_MAIN(TestPriorityMatrix)
#include "tst_prioritymatrix.moc"
