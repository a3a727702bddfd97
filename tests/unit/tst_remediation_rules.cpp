// SPDX-License-Identifier: MIT
// Remediation rules: the condition language, typed action specs, rule files (errors name
// file and line), the built-in defaults and the triage contract.
#include "fixtures/support.h"
#include "remediation/remediator.h"
#include "remediation/rules.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace sitrep;
using namespace sitrep::remediation;

class TestRemediationRules : public QObject {
    Q_OBJECT

    static domain::Incident incident()
    {
        domain::Incident i;
        i.uid = QStringLiteral("0b8f3c1e-0000-4000-8000-000000000001");
        i.number = QStringLiteral("INC0000042");
        i.title = QStringLiteral("Orders API crash loop");
        i.severity = domain::Severity::High;
        i.priority = domain::Priority::P2;
        i.services = {QStringLiteral("orders-db"), QStringLiteral("orders-api")};
        i.state = QStringLiteral("TRIAGE");
        return i;
    }

    static bool matches(const QString &cond, const QString &category, double confidence)
    {
        auto c = Condition::parse(cond);
        if (!c)
            qFatal("%s: %s", qPrintable(cond), qPrintable(c.errorMessage()));
        const domain::Incident i = incident();
        return c->matches({&i, category, confidence});
    }

    static QString ruleError(const QByteArray &yaml)
    {
        RuleSet set;
        auto s = set.add(yaml, QStringLiteral("rules.yaml"));
        return s ? QString() : s.errorMessage();
    }

private Q_SLOTS:
    void condition_seedExample_matchesOnlyAboveThreshold()
    {
        const QString c = QStringLiteral("category = database AND confidence > 0.85");
        QVERIFY(matches(c, QStringLiteral("database"), 0.94));
        QVERIFY(!matches(c, QStringLiteral("database"), 0.85));
        QVERIFY(!matches(c, QStringLiteral("network"), 0.99));
        QVERIFY(matches(c, QStringLiteral("Database"), 0.86)); // case-insensitive text
    }

    void condition_operatorsAndGrouping()
    {
        QVERIFY(matches(QStringLiteral("service = orders-db"), {}, 0));
        QVERIFY(!matches(QStringLiteral("service != orders-db"), {}, 0));
        QVERIFY(matches(QStringLiteral("service in (billing, orders-api)"), {}, 0));
        QVERIFY(matches(QStringLiteral("priority <= P2 AND severity = sev2"), {}, 0));
        QVERIFY(!matches(QStringLiteral("priority = P1"), {}, 0));
        QVERIFY(matches(QStringLiteral("severity >= high"), {}, 0));
        QVERIFY(matches(QStringLiteral("title ~ \"crash\" AND NOT category = cdn"),
                        QStringLiteral("application"), 0));
        QVERIFY(matches(
            QStringLiteral("(category = cdn OR category = application) AND confidence >= 0.8"),
            QStringLiteral("application"), 0.8));
        QVERIFY(!matches(
            QStringLiteral("category = cdn OR (category = application AND confidence >= 0.9)"),
            QStringLiteral("application"), 0.8));
        QVERIFY(matches(QStringLiteral("state = triage and confidence == 0.5"), {}, 0.5));
    }

    void condition_errorsSayWhatAndWhere()
    {
        auto unknown = Condition::parse(QStringLiteral("categry = database"));
        QVERIFY(!unknown);
        QVERIFY2(
            unknown.errorMessage().contains(QStringLiteral("unknown field 'categry' at column 1")),
            qPrintable(unknown.errorMessage()));
        auto noValue = Condition::parse(QStringLiteral("category = database AND confidence >"));
        QVERIFY(!noValue);
        QVERIFY2(noValue.errorMessage().contains(QStringLiteral("column 37")),
                 qPrintable(noValue.errorMessage()));
        QVERIFY(!Condition::parse(QStringLiteral("confidence > high")));
        QVERIFY(!Condition::parse(QStringLiteral("confidence > 1.5")));
        QVERIFY(!Condition::parse(QStringLiteral("priority = P9")));
        QVERIFY(!Condition::parse(QStringLiteral("category > database")));
        QVERIFY(!Condition::parse(QStringLiteral("(category = a")));
        QVERIFY(!Condition::parse(QStringLiteral("category = 'open")));
        QVERIFY(!Condition::parse(QString()));
        QCOMPARE(Condition::parse(QStringLiteral("category = db AND confidence > 0.85"))
                     ->confidenceFloor()
                     .value(),
                 0.85);
    }

    void actionSpec_eachTypeValidatesItsParams()
    {
        const auto spec = [](const char *type, const QString &target, const QJsonObject &params) {
            return ActionSpec::fromJson({{QStringLiteral("type"), QLatin1String(type)},
                                         {QStringLiteral("target"), target},
                                         {QStringLiteral("params"), params}});
        };
        QVERIFY(spec("ssm_run_command", QStringLiteral("i-1"),
                     {{QStringLiteral("document"), QStringLiteral("AWS-RunShellScript")},
                      {QStringLiteral("commands"), QJsonArray{QStringLiteral("true")}}}));
        QVERIFY(!spec("ssm_run_command", QStringLiteral("i-1"),
                      {{QStringLiteral("document"), QStringLiteral("AWS-RunShellScript")}}));
        QVERIFY(spec("lambda_invoke", QStringLiteral("fn"), {}));
        QVERIFY(!spec("lambda_invoke", QStringLiteral("fn"),
                      {{QStringLiteral("invocation_type"), QStringLiteral("Later")}}));
        QVERIFY(spec("ecs_service_update", QStringLiteral("svc"),
                     {{QStringLiteral("cluster"), QStringLiteral("prod")},
                      {QStringLiteral("force_new_deployment"), true}}));
        QVERIFY(!spec("ecs_service_update", QStringLiteral("svc"),
                      {{QStringLiteral("cluster"), QStringLiteral("prod")}}));
        QVERIFY(
            spec("rds_reboot", QStringLiteral("db-1"), {{QStringLiteral("force_failover"), true}}));
        QVERIFY(!spec("rds_reboot", QStringLiteral("db-1"),
                      {{QStringLiteral("force_failover"), QStringLiteral("yes")}}));
        QVERIFY(spec("cloudfront_invalidation", QStringLiteral("E123"),
                     {{QStringLiteral("paths"), QJsonArray{QStringLiteral("/*")}}}));
        QVERIFY(!spec("cloudfront_invalidation", QStringLiteral("E123"),
                      {{QStringLiteral("paths"), QJsonArray{QStringLiteral("img/*")}}}));
        QVERIFY(spec("scale_asg", QStringLiteral("web-asg"),
                     {{QStringLiteral("desired_capacity"), 6}}));
        QVERIFY(!spec("scale_asg", QStringLiteral("web-asg"),
                      {{QStringLiteral("desired_capacity"), 6}, {QStringLiteral("max_size"), 4}}));
        QVERIFY(!spec("scale_asg", QString(), {{QStringLiteral("desired_capacity"), 6}}));
        auto unknown = spec("ec2_terminate", QStringLiteral("i-1"), {});
        QVERIFY(!unknown);
        QVERIFY(unknown.errorMessage().contains(QStringLiteral("scale_asg")));
    }

    void actionSpec_resolvesPlaceholders()
    {
        ActionSpec s;
        s.type = ActionType::LambdaInvoke;
        s.target = QStringLiteral("{service}-flush");
        s.params = {{QStringLiteral("payload"),
                     QJsonObject{{QStringLiteral("incident"), QStringLiteral("{number}")}}}};
        const ActionSpec r = s.resolved(incident(), QStringLiteral("cache"));
        QCOMPARE(r.target, QStringLiteral("orders-db-flush"));
        QCOMPARE(r.params[u"payload"].toObject()[u"incident"].toString(),
                 QStringLiteral("INC0000042"));
    }

    void defaults_loadAndCoverEveryActionType()
    {
        auto set = RuleSet::defaults();
        QVERIFY2(set, qPrintable(set.errorMessage()));
        QSet<QString> types;
        for (const Rule &r : set->rules())
            types.insert(actionTypeName(r.action.type));
        QCOMPARE(types.size(), actionTypeNames().size());
        QVERIFY(set->hook(QStringLiteral("scale_up_service")));
        const domain::Incident i = incident();
        const Rule *db = set->match({&i, QStringLiteral("database"), 0.94});
        QVERIFY(db);
        QCOMPARE(db->id, QStringLiteral("database-reboot"));
        QVERIFY(!set->match({&i, QStringLiteral("database"), 0.5}));
    }

    void ruleFile_errorsNameFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("rules:\n  - id: a\n    when: [unclosed\n")
                                << QStringLiteral("rules.yaml:");
        QTest::newRow("unknown-type")
            << QByteArray("rules:\n  - id: a\n    when: category = db\n    action:\n      type: "
                          "reboot_everything\n      target: x\n")
            << QStringLiteral("rules.yaml:5: rule 'a': unknown action type 'reboot_everything'");
        QTest::newRow("bad-condition")
            << QByteArray("version: 1\nrules:\n  - id: a\n    when: category === db\n    action: "
                          "{type: rds_reboot, target: x}\n")
            << QStringLiteral("rules.yaml:4: rule 'a':");
        QTest::newRow("no-target")
            << QByteArray(
                   "rules:\n  - id: a\n    when: category = db\n    action: {type: rds_reboot}\n")
            << QStringLiteral("rules.yaml:4: rule 'a': rds_reboot needs a target");
        QTest::newRow("duplicate")
            << QByteArray(
                   "rules:\n  - {id: a, when: category = db, action: {type: rds_reboot, target: "
                   "x}}\n"
                   "  - {id: a, when: category = db, action: {type: rds_reboot, target: y}}\n")
            << QStringLiteral("rules.yaml:3: rule 'a' is defined twice");
        QTest::newRow("unknown-key") << QByteArray("rules:\n  - id: a\n    whn: category = db\n")
                                     << QStringLiteral("rules.yaml:3: unknown rule key 'whn'");
        QTest::newRow("unknown-hook")
            << QByteArray("rules:\n  - {id: a, when: category = db, hook: nope, action: {type: "
                          "rds_reboot, target: x}}\n")
            << QStringLiteral("rules.yaml:2: rule 'a': unknown hook 'nope'");
        QTest::newRow("bad-confidence")
            << QByteArray("rules:\n  - id: a\n    when: category = db\n    min_confidence: 2\n    "
                          "action: {type: rds_reboot, target: x}\n")
            << QStringLiteral("rules.yaml:4: rule 'a': min_confidence");
        QTest::newRow("hook-endpoint")
            << QByteArray("remediation_hooks:\n  - id: h\n    endpoint: not a url\n")
            << QStringLiteral("rules.yaml:3: hook 'h': endpoint");
        QTest::newRow("scale-params")
            << QByteArray("rules:\n  - id: a\n    when: category = db\n    action:\n      type: "
                          "scale_asg\n      target: x\n      params: {desired_capacity: lots}\n")
            << QStringLiteral("rules.yaml:5: rule 'a': scale_asg needs params.desired_capacity");
    }

    void ruleFile_errorsNameFileAndLine()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const QString err = ruleError(yaml);
        QVERIFY2(err.startsWith(expected), qPrintable(err));
    }

    void ruleFile_brokenFileKeepsNothing()
    {
        RuleSet set;
        QVERIFY(set.add(
            "rules:\n  - {id: good, when: category = db, action: {type: rds_reboot, target: x}}\n",
            QStringLiteral("a.yaml")));
        QVERIFY(!set.add("rules:\n  - {id: ok, when: category = db, action: {type: rds_reboot, "
                         "target: x}}\n  - {id: bad}\n",
                         QStringLiteral("b.yaml")));
        QCOMPARE(set.rules().size(), 1);
        QCOMPARE(set.rules().first().id, QStringLiteral("good"));
    }

    void ruleFolder_loadsInNameOrderAndReportsTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(testing::writeFile(
            dir.filePath(QStringLiteral("10-first.yaml")),
            "rules:\n  - {id: first, when: category = db, action: {type: rds_reboot, target: "
            "x}}\n"));
        const QString second = dir.filePath(QStringLiteral("20-second.yaml"));
        QVERIFY(testing::writeFile(
            second,
            "rules:\n  - {id: second, when: category = db, action: {type: rds_reboot, target: "
            "y}}\n  - {id: broken, when: nope = 1, action: {type: rds_reboot, target: y}}\n"));
        auto set = RuleSet::load(dir.path());
        QVERIFY(!set);
        QVERIFY2(set.errorMessage().startsWith(second + QStringLiteral(":3:")),
                 qPrintable(set.errorMessage()));
        QVERIFY(testing::writeFile(
            second, "rules:\n  - {id: second, when: category = db, action: {type: rds_reboot, "
                    "target: y}}\n"));
        set = RuleSet::load(dir.path());
        QVERIFY2(set, qPrintable(set.errorMessage()));
        QCOMPARE(set->rules().size(), 2);
        QCOMPARE(set->rules().first().id, QStringLiteral("first"));
    }

    void triageFacts_followTheContract()
    {
        const auto ev = [](const QString &kind, const QString &actor, const QJsonObject &p) {
            domain::Event e;
            e.kind = kind;
            e.actor = actor;
            e.payload = p;
            return e;
        };
        const auto suggested = [&](const char *category, double confidence) {
            return ev(kinds::TriageSuggested, QStringLiteral("triage"),
                      {{QStringLiteral("category"), QLatin1String(category)},
                       {QStringLiteral("confidence"), confidence}});
        };
        const auto accepted = [&](const char *actor, const char *field, const char *value) {
            return ev(kinds::TriageAccepted, QLatin1String(actor),
                      {{QStringLiteral("field"), QLatin1String(field)},
                       {QStringLiteral("value"), QLatin1String(value)}});
        };
        // The facts as "category confidence (source)".
        const auto facts = [](const QList<domain::Event> &timeline) {
            const TriageFacts f = triageFacts(timeline);
            return QStringLiteral("%1 %2 (%3)").arg(f.category).arg(f.confidence).arg(f.source);
        };
        QList<domain::Event> tl;
        tl << ev(domain::kinds::Opened, QStringLiteral("alertmanager-ingest"),
                 {{QStringLiteral("category"), QString()}});
        QCOMPARE(facts(tl), QStringLiteral(" 0 (none)"));
        tl << suggested("network", 0.6) << suggested("database", 0.91);
        QCOMPARE(facts(tl), QStringLiteral("database 0.91 (suggested)"));
        // Accepting another field leaves the category a suggestion.
        tl << accepted("alice", "priority", "P2");
        QCOMPARE(facts(tl), QStringLiteral("database 0.91 (suggested)"));
        tl << accepted("alice", "category", "database");
        QCOMPARE(facts(tl), QStringLiteral("database 1 (accepted)"));
        // A corrected category counts as the person's answer.
        domain::Event corrected = accepted("carol", "category", "network");
        corrected.payload[u"corrected"] = QStringLiteral("storage");
        QCOMPARE(triageFacts({corrected}).category, QStringLiteral("storage"));
        // A later suggestion does not undo a person's decision.
        tl << suggested("cdn", 0.99);
        QCOMPARE(triageFacts(tl).category, QStringLiteral("database"));
        // A person setting the field counts as 1.0 as well.
        const QList<domain::Event> set{ev(domain::kinds::FieldSet, QStringLiteral("bob"),
                                          {{QStringLiteral("field"), QStringLiteral("category")},
                                           {QStringLiteral("value"), QStringLiteral("cache")}})};
        QCOMPARE(facts(set), QStringLiteral("cache 1 (person)"));
    }
};

QTEST_GUILESS_MAIN(TestRemediationRules)
#include "tst_remediation_rules.moc"
