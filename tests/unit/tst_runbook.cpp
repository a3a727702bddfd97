// SPDX-License-Identifier: MIT
// Runbook parsing (seed 004 format), good and bad files, the library with a user folder,
// matching to incidents, and checked steps read back from the timeline.
#include "pm_fixture.h"

#include "runbooks/runbook.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestRunbook : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void seedRunbook_loadsUnchanged();
    void shippedRunbooks_allParseWithStepsAndEscalation();
    void duration_parses();
    void malformed_errorNamesFileAndLine_data();
    void malformed_errorNamesFileAndLine();
    void library_userFolderOverridesAndReportsBrokenFiles();
    void match_byAlertNameThenService();
    void checkedSteps_lastEventPerStepWins();
    void cli_validateReportsFileAndLine();
};

static QByteArray seedRunbookText()
{
    // The YAML block of seed 004, as written there.
    QFile f(QStringLiteral(SITREP_SOURCE_DIR "/../shared/seeds/004_8c959c6698e4829b.txt"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray all = f.readAll();
    const qsizetype start = all.indexOf("# runbooks/high-api-latency.yaml");
    const qsizetype end = all.indexOf("```", start);
    return start < 0 || end < 0 ? QByteArray() : all.mid(start, end - start);
}

void TestRunbook::seedRunbook_loadsUnchanged()
{
    QFile shipped(QStringLiteral(":/sitrep/runbooks/high-api-latency.yaml"));
    QVERIFY(shipped.open(QIODevice::ReadOnly));
    const QByteArray text = shipped.readAll();
    const QByteArray seed = seedRunbookText();
    if (!seed.isEmpty())
        QCOMPARE(text, seed); // verbatim copy of the seed
    auto rb = runbooks::parseRunbook(text, QStringLiteral("high-api-latency.yaml"));
    QVERIFY2(rb.ok(), qPrintable(rb.errorMessage()));
    QCOMPARE(rb->name, QStringLiteral("High API Latency"));
    QCOMPARE(rb->id, QStringLiteral("high-api-latency"));
    QCOMPARE(rb->severity, QStringLiteral("SEV2"));
    QCOMPARE(rb->triggers.size(), 1);
    QCOMPARE(rb->triggers[0].alert, QStringLiteral("APILatencyHigh"));
    QCOMPARE(rb->triggers[0].expr,
             QStringLiteral("http_request_duration_seconds{quantile=\"0.95\"} > 1"));
    QCOMPARE(rb->triggers[0].forMs, 5 * Min);
    QCOMPARE(rb->steps.size(), 6);
    QCOMPARE(rb->steps[0].name, QStringLiteral("Acknowledge"));
    QCOMPARE(rb->steps[0].commands,
             QStringList{QStringLiteral("pd incident acknowledge --id $INCIDENT_ID")});
    QCOMPARE(rb->steps[1].links,
             QStringList{QStringLiteral("https://grafana.company.com/d/api-performance")});
    QCOMPARE(rb->steps[2].checks.size(), 3);
    QCOMPARE(rb->steps[3].options.size(), 3);
    QCOMPARE(rb->steps[3].options[1].action, QStringLiteral("Enable circuit breaker"));
    QCOMPARE(rb->steps[3].options[1].command,
             QStringLiteral("kubectl set env deployment/api CIRCUIT_BREAKER=true"));
    QCOMPARE(rb->steps[5].actions.size(), 3);
    QCOMPARE(runbooks::Runbook::allCommands(rb->steps[3]).size(), 3);
    QCOMPARE(rb->escalation.size(), 2);
    QCOMPARE(rb->escalation[0].afterMs, 15 * Min);
    QCOMPARE(rb->escalation[0].contact, QStringLiteral("senior-sre"));
    QCOMPARE(rb->escalation[0].until, QStringLiteral("resolved")); // the default
    QCOMPARE(rb->escalation[1].afterMs, 30 * Min);
    QCOMPARE(rb->escalation[1].contact, QStringLiteral("engineering-manager"));
}

void TestRunbook::shippedRunbooks_allParseWithStepsAndEscalation()
{
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders());
    QVERIFY2(lib.errors().isEmpty(), qPrintable(lib.errors().join(u'\n')));
    // Seed 001's table plus seed 004's runbook.
    for (const char *id : {"llm-provider-failover", "high-latency-investigation", "slow-query",
                           "connection-pool-exhaustion", "consumer-lag", "partition-rebalance",
                           "connection-limit", "replication-lag", "high-api-latency"}) {
        const auto *rb = lib.find(QString::fromLatin1(id));
        QVERIFY2(rb, id);
        QVERIFY2(rb->steps.size() >= 4, id);
        QVERIFY2(!rb->triggers.isEmpty(), id);
        QVERIFY2(!rb->escalation.isEmpty(), id);
        int commands = 0;
        for (const auto &s : rb->steps)
            commands += int(runbooks::Runbook::allCommands(s).size());
        QVERIFY2(commands >= 4, id);
    }
    QCOMPARE(lib.runbooks().size(), 9);
}

void TestRunbook::duration_parses()
{
    QCOMPARE(runbooks::parseDuration(QStringLiteral("15m")), 15 * Min);
    QCOMPARE(runbooks::parseDuration(QStringLiteral("1h30m")), 90 * Min);
    QCOMPARE(runbooks::parseDuration(QStringLiteral("90s")), 90 * 1000LL);
    QCOMPARE(runbooks::parseDuration(QStringLiteral("2d")), 2 * 24 * 60 * Min);
    QCOMPARE(runbooks::parseDuration(QStringLiteral("20")), 20 * Min);
    QCOMPARE(runbooks::parseDuration(QStringLiteral("soon")), -1LL);
    QCOMPARE(runbooks::parseDuration(QStringLiteral("15 minutes")), -1LL);
    QCOMPARE(runbooks::parseDuration(QString()), -1LL);
}

void TestRunbook::malformed_errorNamesFileAndLine_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    // Line 0: the parser names some line; an empty message: any message.
    struct Case {
        const char *tag, *yaml;
        int line;
        const char *message;
    };
    const Case cases[] = {
        {"syntax", "name: X\nsteps:\n  - name: A\n    commands: [a, b\n", 0, ""},
        {"no name", "steps:\n  - name: A\n", 1, "no 'name'"},
        {"no steps", "name: X\ntriggers:\n  - alert: A\n", 1, "'steps'"},
        {"step without name", "name: X\nsteps:\n  - name: A\n  - description: no name\n", 4,
         "needs a 'name'"},
        {"unknown step key", "name: X\nsteps:\n  - name: A\n    comands: [ls]\n", 4,
         "unknown key 'comands'"},
        {"bad for", "name: X\ntriggers:\n  - alert: A\n    for: soon\nsteps:\n  - name: A\n", 4,
         "'for: soon'"},
        {"bad after",
         "name: X\nsteps:\n  - name: A\nescalation:\n  - after: later\n    contact: x\n", 5,
         "'after: later'"},
        {"bad until",
         "name: X\nsteps:\n  - name: A\nescalation:\n  - after: 5m\n    contact: x\n    until: "
         "closed\n",
         7, "acknowledged or resolved"},
        {"no contact", "name: X\nsteps:\n  - name: A\nescalation:\n  - after: 5m\n", 5,
         "'contact'"},
        {"option without action",
         "name: X\nsteps:\n  - name: A\n    options:\n      - command: ls\n", 5, "'action'"},
        {"commands not a list", "name: X\nsteps:\n  - name: A\n    commands: {a: b}\n", 4,
         "list of text"},
        {"not a mapping", "- just\n- a list\n", 1, "mapping"}};
    for (const Case &c : cases)
        QTest::newRow(c.tag) << QByteArray(c.yaml) << c.line << QString::fromUtf8(c.message);
}

void TestRunbook::malformed_errorNamesFileAndLine()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, line);
    QFETCH(QString, message);
    auto rb = runbooks::parseRunbook(yaml, QStringLiteral("/runbooks/broken.yaml"));
    QVERIFY(!rb.ok());
    const QString e = rb.errorMessage();
    QVERIFY2(e.startsWith(QStringLiteral("/runbooks/broken.yaml:")), qPrintable(e));
    if (line > 0)
        QVERIFY2(e.startsWith(QStringLiteral("/runbooks/broken.yaml:%1:").arg(line)),
                 qPrintable(e));
    else
        QVERIFY2(
            QRegularExpression(QStringLiteral("^/runbooks/broken.yaml:\\d+:")).match(e).hasMatch(),
            qPrintable(e));
    if (!message.isEmpty())
        QVERIFY2(e.contains(message), qPrintable(e));
}

void TestRunbook::library_userFolderOverridesAndReportsBrokenFiles()
{
    QTemporaryDir user;
    auto write = [&](const QString &name, const QByteArray &text) {
        QFile f(user.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    };
    write(
        QStringLiteral("slow-query.yaml"),
        "name: Our slow query runbook\nservices: [query-engine]\nsteps:\n  - name: Ask the DBA\n");
    write(QStringLiteral("custom.yml"), "name: Custom\ntriggers:\n  - alert: DiskFull\nsteps:\n  - "
                                        "name: Free space\n    commands: [df -h]\n");
    write(QStringLiteral("broken.yaml"), "name: Broken\nsteps:\n  - name: A\n  - nam: B\n");
    write(QStringLiteral("notes.txt"), "not a runbook");
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders(user.path()));
    QCOMPARE(lib.runbooks().size(), 10); // 9 shipped, one replaced, one added
    QCOMPARE(lib.find(QStringLiteral("slow-query"))->name,
             QStringLiteral("Our slow query runbook"));
    QVERIFY(lib.find(QStringLiteral("custom")));
    QVERIFY(lib.find(QStringLiteral("high api latency"))); // by name, any case
    QCOMPARE(lib.errors().size(), 1);
    QVERIFY2(lib.errors().first().startsWith(user.filePath(QStringLiteral("broken.yaml")) +
                                             QStringLiteral(":4:")),
             qPrintable(lib.errors().first()));
}

void TestRunbook::match_byAlertNameThenService()
{
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders());
    domain::Incident inc;
    inc.title = QStringLiteral("p95 latency above 1s");
    inc.alerts = {QStringLiteral("APILatencyHigh")};
    inc.services = {QStringLiteral("api")};
    auto m = lib.match(inc);
    QVERIFY(!m.isEmpty());
    QCOMPARE(m.first()->id, QStringLiteral("high-api-latency"));

    domain::Incident lag;
    lag.title = QStringLiteral("Consumer lag on orders topic");
    lag.services = {QStringLiteral("kafka")};
    m = lib.match(lag);
    QCOMPARE(m.size(), 2);
    QCOMPARE(m.first()->id, QStringLiteral("consumer-lag"));
    QCOMPARE(m.last()->id, QStringLiteral("partition-rebalance"));

    domain::Incident pg;
    pg.title = QStringLiteral("Something odd");
    pg.services = {QStringLiteral("PostgreSQL")};
    pg.alerts = {QStringLiteral("PostgresReplicationLagHigh")};
    QCOMPARE(lib.match(pg).first()->id, QStringLiteral("replication-lag"));

    domain::Incident none;
    none.title = QStringLiteral("Printer on fire");
    none.services = {QStringLiteral("office")};
    QVERIFY(lib.match(none).isEmpty());
}

void TestRunbook::checkedSteps_lastEventPerStepWins()
{
    Env env;
    const QString uid = env.open(QStringLiteral("Slow API"), QStringLiteral("high"),
                                 {QStringLiteral("api")}, T0, {QStringLiteral("APILatencyHigh")});
    QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders());
    const auto *rb = lib.find(QStringLiteral("high-api-latency"));
    auto check = [&](int step, bool on, qint64 at) {
        return !env.run(Command::make(Command::Kind::Record, uid,
                                      {{QStringLiteral("kind"), runbooks::StepCheckedKind},
                                       {QStringLiteral("payload"),
                                        runbooks::stepCheckedPayload(*rb, step, on)}},
                                      QStringLiteral("dana")),
                        at)
                    .isEmpty();
    };
    QVERIFY(check(0, true, T0 + Min));
    QVERIFY(check(2, true, T0 + 2 * Min));
    QVERIFY(check(0, false, T0 + 3 * Min));
    QVERIFY(check(3, true, T0 + 4 * Min));
    const auto tl = env.store.timeline(uid);
    QCOMPARE(runbooks::checkedSteps(tl, rb->id), (QSet<int>{2, 3}));
    QVERIFY(runbooks::checkedSteps(tl, QStringLiteral("other")).isEmpty());
    // The timeline line names the runbook and the step.
    bool found = false;
    for (const auto &e : tl)
        found = found || (e.kind == runbooks::StepCheckedKind &&
                          e.payload[u"message"].toString() ==
                              QStringLiteral("High API Latency step 3 'Identify Bottleneck' done"));
    QVERIFY(found);
}

void TestRunbook::cli_validateReportsFileAndLine()
{
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.yaml"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("name: Bad\nsteps:\n  - name: A\nescalation:\n  - after: whenever\n    contact: x\n");
    f.close();
    QProcess p;
    p.start(QStringLiteral(SITREP_BINARY),
            {QStringLiteral("runbook"), QStringLiteral("validate"),
             QStringLiteral(SITREP_SOURCE_DIR "/resources/runbooks/high-api-latency.yaml"), bad});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(p.readAllStandardOutput().contains(
        "high-api-latency.yaml: ok (High API Latency, 6 steps, 2 escalations)"));
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains(bad.toUtf8() + ":5: 'after: whenever'"), err.constData());
}

QTEST_GUILESS_MAIN(TestRunbook)
#include "tst_runbook.moc"
