// SPDX-License-Identifier: MIT
// The command line, as users run it: the real sitrep binary on a temporary database.
// Round trips through every subcommand, --json outputs that parse, and bad input for every
// subcommand: non-zero exit, a one-line reason, the database untouched.
#include "unit/clitestutil.h"
#include "unit/tamperutil.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>

namespace {

using Run = sitrep::testing::CliRun;
using sitrep::testing::rewriteEventLog;

const char *const kNow = "2026-03-02T10:00:00Z";

QString atDays(int days)
{
    return QDateTime::fromString(QString::fromLatin1(kNow), Qt::ISODate)
        .addDays(days)
        .toString(Qt::ISODate);
}

// Everything a command could change, as text: the log, the projection, meta, counters, files.
QStringList snapshot(const QString &path)
{
    QStringList out;
    const auto handle = sitrep::testing::openReadOnly(path);
    if (!handle)
        return {QStringLiteral("<cannot open>")};
    sqlite3 *db = handle.get();
    for (const char *sql :
         {"SELECT count(*), coalesce(max(seq), 0) FROM events",
          "SELECT * FROM incidents ORDER BY id", "SELECT * FROM meta ORDER BY key",
          "SELECT * FROM counters ORDER BY name",
          "SELECT sha256, size FROM attachments ORDER BY sha256"}) {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
            out << QStringLiteral("<%1: %2>")
                       .arg(QString::fromLatin1(sql), QString::fromUtf8(sqlite3_errmsg(db)));
            continue;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            QStringList cols;
            for (int i = 0; i < sqlite3_column_count(st); ++i)
                cols << QString::fromLatin1(
                    QByteArray(static_cast<const char *>(sqlite3_column_blob(st, i)),
                               sqlite3_column_bytes(st, i))
                        .toHex());
            out << cols.join(u',');
        }
        sqlite3_finalize(st);
    }
    return out;
}

qint64 maxSeq(const QString &path)
{
    const QStringList s = snapshot(path);
    return s.isEmpty() ? -1
                       : QByteArray::fromHex(s.first().section(u',', 1, 1).toLatin1()).toLongLong();
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private:
    Run sitrep(QStringList args, const QString &db = {},
               const QString &now = QString::fromLatin1(kNow));
    QString freshCopy();
    QString refusal(const QStringList &args, const QString &db, int code, const QStringList &says);

    QTemporaryDir m_dir;
    QString m_template; // a database with a few incidents in known states
    int m_copies = 0;

private Q_SLOTS:
    void initTestCase();
    void help_listsCommands();
    void roundTrip_fullLifecycle();
    void create_json_andMatrix();
    void list_filters();
    void export_jsonAndCsv();
    void bulkClose_dryRunThenClose();
    void tick_recordsBreachesOnce();
    void oncall_answers();
    void verify_detectsTamper();
    void demo_thenVerifyAndRebuild();
    void rebuild_refusesALogShorterThanVerified();
    void workflow_switchAndShow();
    void badInput_exitsNonZeroAndChangesNothing_data();
    void badInput_exitsNonZeroAndChangesNothing();
    void notADatabase_isRefused();
    void missingDatabase_isRefusedByReadingCommands();
    void sitrepDbEnvironment_isUsed();
    void dbOptionFirst_isTheSameCommand();
    // Conventions: help, version, typos, exit codes, the manual.
    void help_worksOnEveryCommand();
    void help_listsActorOnlyWhereAccepted();
    void version_isPrinted();
    void typo_suggestsTheCommandInOneLine();
    void typoInOption_suggestsTheOption();
    void exitCodes_usageIsTwo_failureIsOne();
    void manPage_comesFromTheTable();
    // Read-only commands never write.
    void readingCommands_changeNothing();
    void listWithWorkflow_isAUsageErrorAndSwitchesNothing();
    void windowWithWorkflow_isAUsageError();
    void postmortemShow_recordsNothing();
    void screenshotPostmortem_recordsNothing();
    void workflowSet_refusesStrandedIncidents_thenMapsThem();
    void createWorkflow_onlyForADatabaseWithoutIncidents();
    // No silent damage.
    void demo_refusesADatabaseWithIncidents();
    void dbInMissingFolder_isAnError();
    void title_withControlCharacters_isRefused();
    void configUnset_andBadUrlNamed();
    void serverText_isStrippedOfTerminalControls();
    // Exports.
    void exportCsvPerIncident_oneRowEach();
    void approveWithoutFor_namesTheGate();
    // Local safety.
    void verify_neverBlocksWriters();
    void verify_detectsTamperedProjections();
    void attach_onlyRegularFiles_upToTheLimit();
    void attach_evidenceLinks_httpOnly();
    void writeErrors_areErrors_data();
    void writeErrors_areErrors();
    void standardOutputErrors_areErrors();
    void csvExport_cellsNeverStartAFormula();
};

Run TestCli::sitrep(QStringList args, const QString &db, const QString &now)
{
    if (!db.isEmpty())
        args << QStringLiteral("--db") << db;
    return sitrep::testing::runSitrep(args, m_dir.path(), now);
}

QString TestCli::freshCopy()
{
    const QString path = m_dir.filePath(QStringLiteral("copy%1.db").arg(++m_copies));
    QFile::copy(m_template, path);
    if (QFile::exists(m_template + QStringLiteral("-wal")))
        QFile::copy(m_template + QStringLiteral("-wal"), path + QStringLiteral("-wal"));
    return path;
}

/// Runs `args` on `db` expecting a refusal: exit `code`, an error that says each of `says`,
/// and the database as it was. What went wrong (with the command and its error), or empty.
QString TestCli::refusal(const QStringList &args, const QString &db, int code,
                         const QStringList &says)
{
    const QStringList before = snapshot(db);
    const Run r = sitrep(args, db);
    QStringList wrong;
    if (r.code != code)
        wrong << QStringLiteral("exit %1, not %2").arg(r.code).arg(code);
    for (const QString &text : says)
        if (!r.err.contains(text))
            wrong << QStringLiteral("the error does not say \"%1\"").arg(text);
    if (snapshot(db) != before)
        wrong << QStringLiteral("the database changed");
    if (wrong.isEmpty())
        return {};
    return args.join(u' ') + QStringLiteral(": ") + wrong.join(QStringLiteral("; ")) +
           QStringLiteral("\nstderr: ") + r.err;
}

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(SITREP_BINARY)), SITREP_BINARY);
    m_template = m_dir.filePath(QStringLiteral("template.db"));
    // INC1 critical, triggered; INC2 high, acknowledged; INC3 critical, acknowledged.
    QCOMPARE(sitrep({"create", "--title", "Checkout returns 500", "--severity", "critical",
                     "--service", "checkout"},
                    m_template)
                 .code,
             0);
    QCOMPARE(sitrep({"create", "--title", "Search is slow", "--severity", "high"}, m_template).code,
             0);
    QCOMPARE(sitrep({"ack", "INC0000002"}, m_template).code, 0);
    QCOMPARE(
        sitrep({"create", "--title", "Payments timeouts", "--severity", "critical"}, m_template)
            .code,
        0);
    QCOMPARE(sitrep({"ack", "3"}, m_template).code, 0);
    QCOMPARE(maxSeq(m_template) > 0, true);
}

void TestCli::help_listsCommands()
{
    const Run r = sitrep({"help"});
    QCOMPARE(r.code, 0);
    for (const char *c : {"create", "list", "show", "transition", "approve", "note", "bulk-close",
                          "oncall", "export", "verify"})
        QVERIFY2(r.out.contains(QString::fromLatin1(c)), c);
}

void TestCli::roundTrip_fullLifecycle()
{
    const QString db = m_dir.filePath(QStringLiteral("life.db"));
    Run r = sitrep({"create", "--title", "Checkout 500s", "--severity", "critical", "--service",
                    "checkout", "--service", "payments-api", "--description", "Error rate at 12%",
                    "--category", "payments"},
                   db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("INC0000001"));

    r = sitrep({"show", "INC0000001", "--json"}, db);
    QCOMPARE(r.code, 0);
    QJsonObject o = r.json().object();
    QCOMPARE(o[u"title"].toString(), QStringLiteral("Checkout 500s"));
    QCOMPARE(o[u"priority"].toString(), QStringLiteral("P1"));
    QCOMPARE(o[u"severity_label"].toString(), QStringLiteral("SEV1"));
    QCOMPARE(o[u"state"].toString(), QStringLiteral("triggered"));
    QCOMPARE(o[u"assignment_group"].toString(), QStringLiteral("Payments"));
    QVERIFY(!o[u"assignee"].toString().isEmpty());
    QCOMPARE(o[u"reporter"].toString(), QStringLiteral("tester"));
    QCOMPARE(o[u"affected_services"].toArray().size(), 2);
    QVERIFY(o[u"timeline"].toArray().size() >= 2);
    QVERIFY(o[u"allowed_transitions"].toArray().contains(QStringLiteral("acknowledged")));

    r = sitrep({"ack", "INC0000001"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("INC0000001: acknowledged"));

    r = sitrep({"transition", "1", "mitigating"}, db);
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(QStringLiteral("approval")), qPrintable(r.err));
    r = sitrep({"approve", "1", "--for", "mitigating", "--actor", "alice", "--comment", "go"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("approved by alice for mitigating")), qPrintable(r.out));
    r = sitrep({"transition", "1", "mitigating", "--note", "rolling back", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"number"].toString(), QStringLiteral("INC0000001"));
    QVERIFY(r.json().object()[u"events"].toArray().size() >= 2);

    QCOMPARE(sitrep({"note", "INC0000001", "database", "looks", "fine"}, db).code, 0);
    QCOMPARE(sitrep({"set", "1", "root-cause", "change"}, db).code, 0);
    r = sitrep({"set", "1", "services", "checkout,web", "--json"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY(r.json().isObject());
    QCOMPARE(sitrep({"assign", "1", "--to", "bob"}, db).code, 0);
    r = sitrep({"link-alert", "1", "ALERT-7", "--source", "prometheus", "--title", "HighErrorRate"},
               db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("INC0000001: alert linked"));
    r = sitrep({"link-alert", "1", "ALERT-7"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("INC0000001: unchanged"));
    QCOMPARE(sitrep({"attach", "1", "--url", "https://grafana.example/d/abc", "--kind", "dashboard",
                     "--title", "Errors"},
                    db)
                 .code,
             0);
    const QString png = m_dir.filePath(QStringLiteral("graph.png"));
    {
        QFile f(png);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromHex("89504e470d0a1a0a") + QByteArray(64, 'x'));
    }
    r = sitrep({"attach", "1", "--file", png, "--json"}, db);
    QCOMPARE(r.code, 0);
    const QJsonObject ev = r.json().object()[u"events"].toArray().first().toObject();
    QCOMPARE(ev[u"kind"].toString(), QStringLiteral("evidence.attached"));
    QCOMPARE(ev[u"payload"].toObject()[u"name"].toString(), QStringLiteral("graph.png"));
    QCOMPARE(ev[u"payload"].toObject()[u"sha256"].toString().size(), 64);
    QCOMPARE(sitrep({"status", "1", "Mitigation", "in", "progress", "--external"}, db).code, 0);
    QCOMPARE(sitrep({"commander", "1", "carol"}, db).code, 0);
    QCOMPARE(sitrep({"responder", "1", "dave"}, db).code, 0);

    r = sitrep({"transition", "1", "resolved"}, db);
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(QStringLiteral("resolution note")), qPrintable(r.err));
    r = sitrep({"transition", "1", "resolved", "--resolution-note", "Rolled back 4.2",
                "--time-spent", "42"},
               db, atDays(1));
    QCOMPARE(r.code, 0);

    r = sitrep({"show", "1", "--json"}, db);
    o = r.json().object();
    QCOMPARE(o[u"state"].toString(), QStringLiteral("resolved"));
    QCOMPARE(o[u"open"].toBool(), false);
    QCOMPARE(o[u"resolution_note"].toString(), QStringLiteral("Rolled back 4.2"));
    QCOMPARE(o[u"root_cause_category"].toString(), QStringLiteral("change"));
    QCOMPARE(o[u"time_spent_minutes"].toInt(), 42);
    QCOMPARE(o[u"assignee"].toString(), QStringLiteral("bob"));
    QCOMPARE(o[u"incident_commander"].toString(), QStringLiteral("carol"));
    QCOMPARE(o[u"responders"].toArray(), QJsonArray{QStringLiteral("dave")});
    QCOMPARE(o[u"related_alerts"].toArray(), QJsonArray{QStringLiteral("ALERT-7")});
    QCOMPARE(o[u"affected_services"].toArray(),
             (QJsonArray{QStringLiteral("checkout"), QStringLiteral("web")}));
    QCOMPARE(o[u"approvals"].toObject()[u"mitigating"].toString(), QStringLiteral("alice"));
    QCOMPARE(o[u"resolved_at"].toString(), QStringLiteral("2026-03-03T10:00:00.000Z"));
    QCOMPARE(o[u"extra"].toObject()[u"postmortem"].toString(), QStringLiteral("draft"));
    QStringList kinds;
    QString noteText;
    for (const auto &e : o[u"timeline"].toArray()) {
        kinds << e.toObject()[u"kind"].toString();
        if (e.toObject()[u"kind"].toString() == u"note.added" && noteText.isEmpty())
            noteText = e.toObject()[u"payload"].toObject()[u"text"].toString();
    }
    for (const char *k : {"incident.opened", "incident.transitioned", "approval.granted",
                          "note.added", "incident.field_set", "incident.assigned", "alert.linked",
                          "evidence.attached", "status.update", "commander.set", "responder.added",
                          "postmortem.drafted", "notification.requested"})
        QVERIFY2(kinds.contains(QString::fromLatin1(k)), k);
    QCOMPARE(noteText, QStringLiteral("rolling back"));

    // The text view shows the same incident with its timeline.
    r = sitrep({"show", "INC0000001"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QStringLiteral("Checkout 500s")));
    QVERIFY(r.out.contains(QStringLiteral("Timeline:")));
    QVERIFY(r.out.contains(QStringLiteral("SEV1")));
    // Who is working it and which alerts it carries; the timeline in sentences.
    QVERIFY2(r.out.contains(QStringLiteral("  responders dave\n")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("  alerts ALERT-7\n")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("Alert ALERT-7 linked: HighErrorRate")),
             qPrintable(r.out));
    QVERIFY2(!QRegularExpression(QStringLiteral("\\b[a-z_]+=\\S")).match(r.out).hasMatch(),
             qPrintable(r.out));

    // The lifecycle continues into the postmortem.
    QCOMPARE(sitrep({"transition", "1", "postmortem"}, db).code, 0);
    r = sitrep({"verify"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith(QStringLiteral("ok: ")), qPrintable(r.out));
    r = sitrep({"verify", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"ok"].toBool(), true);
    QCOMPARE(qint64(r.json().object()[u"events"].toInteger()), maxSeq(db));
}

void TestCli::create_json_andMatrix()
{
    const QString db = m_dir.filePath(QStringLiteral("create.db"));
    Run r = sitrep({"create", "--title", "VPN", "--impact", "Multiple departments", "--urgency",
                    "high", "--severity", "low", "--json", "--workflow", "itil"},
                   db);
    QCOMPARE(r.code, 0);
    const QJsonObject o = r.json().object();
    QCOMPARE(o[u"number"].toString(), QStringLiteral("INC0000001"));
    QCOMPARE(o[u"priority"].toString(), QStringLiteral("P2"));
    QCOMPARE(o[u"impact"].toString(), QStringLiteral("Multiple departments"));
    QCOMPARE(o[u"urgency"].toString(), QStringLiteral("High"));
    QCOMPARE(o[u"state"].toString(), QStringLiteral("New"));
    r = sitrep({"create", "--title", "from alert", "--severity", "sev2", "--assignee", "zed",
                "--alert", "A1", "--alert", "A2", "--ci", "db-01"},
               db);
    QCOMPARE(r.code, 0);
    r = sitrep({"show", r.out.trimmed(), "--json"}, db);
    QCOMPARE(r.json().object()[u"priority"].toString(), QStringLiteral("P2"));
    QCOMPARE(r.json().object()[u"assignee"].toString(), QStringLiteral("zed"));
    QCOMPARE(r.json().object()[u"related_alerts"].toArray().size(), 2);
    QCOMPARE(r.json().object()[u"affected_cis"].toArray(), QJsonArray{QStringLiteral("db-01")});
}

void TestCli::list_filters()
{
    const QString db = freshCopy();
    Run r = sitrep({"list", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().array().size(), 3);
    r = sitrep({"list", "--priority", "P1", "--json"}, db);
    QCOMPARE(r.json().array().size(), 2);
    r = sitrep({"list", "--state", "acknowledged", "--json"}, db);
    QCOMPARE(r.json().array().size(), 2);
    r = sitrep({"list", "--state", "Triggered", "--severity", "critical", "--json"}, db);
    QCOMPARE(r.json().array().size(), 1);
    QCOMPARE(r.json().array().first().toObject()[u"number"].toString(),
             QStringLiteral("INC0000001"));
    r = sitrep({"list", "--search", "slow", "--json"}, db);
    QCOMPARE(r.json().array().size(), 1);
    QCOMPARE(r.json().array().first().toObject()[u"title"].toString(),
             QStringLiteral("Search is slow"));
    r = sitrep({"list", "--limit", "1", "--json"}, db);
    QCOMPARE(r.json().array().size(), 1);
    r = sitrep({"list", "--service", "checkout"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed().split(u'\n').size(), 1);
    QVERIFY(r.out.contains(QStringLiteral("INC0000001")));
    r = sitrep({"list", "--search", "nothing-like-this"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QStringLiteral("no incidents match")));
}

void TestCli::export_jsonAndCsv()
{
    const QString db = freshCopy();
    QCOMPARE(sitrep({"note", "2", "a, note \"with\" commas"}, db).code, 0);
    Run r = sitrep({"export", "--format", "json"}, db);
    QCOMPARE(r.code, 0);
    const QJsonArray all = r.json().array();
    QCOMPARE(all.size(), 3);
    int events = 0;
    for (const auto &i : all) {
        QVERIFY(i.toObject()[u"timeline"].toArray().size() > 0);
        events += int(i.toObject()[u"timeline"].toArray().size());
        QCOMPARE(i.toObject()[u"timeline"].toArray().first().toObject()[u"kind"].toString(),
                 QStringLiteral("incident.opened"));
    }
    QCOMPARE(qint64(events), maxSeq(db));
    QCOMPARE(all.first().toObject()[u"number"].toString(),
             QStringLiteral("INC0000001")); // oldest first

    r = sitrep({"export", "--format", "json", "--priority", "P2"}, db);
    QCOMPARE(r.json().array().size(), 1);

    r = sitrep({"export", "--format", "csv"}, db);
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.trimmed().split(u'\n');
    QVERIFY(lines.first().startsWith(QStringLiteral("number,uid,title")));
    QCOMPARE(qint64(lines.size() - 1), maxSeq(db)); // one row per event
    QVERIFY(r.out.contains(QStringLiteral("INC0000002")));

    const QString file = m_dir.filePath(QStringLiteral("export.json"));
    r = sitrep({"export", "--format", "json", "--out", file}, db);
    QCOMPARE(r.code, 0);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll()).array().size(), 3);
}

void TestCli::bulkClose_dryRunThenClose()
{
    const QString db = freshCopy();
    // INC2 is touched again 20 days in; only INC1 and INC3 go stale.
    QCOMPARE(sitrep({"note", "2", "still on it"}, db, atDays(20)).code, 0);
    const qint64 before = maxSeq(db);
    Run r = sitrep({"bulk-close", "--stale-days", "30", "--dry-run", "--json"}, db, atDays(40));
    QCOMPARE(r.code, 0);
    QJsonObject o = r.json().object();
    QCOMPARE(o[u"dry_run"].toBool(), true);
    QCOMPARE(o[u"incidents"].toArray(),
             (QJsonArray{QStringLiteral("INC0000001"), QStringLiteral("INC0000003")}));
    QCOMPARE(o[u"state"].toString(), QStringLiteral("resolved"));
    QCOMPARE(maxSeq(db), before);
    r = sitrep({"bulk-close", "--stale-days", "30"}, db, atDays(40));
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("Found 2 stale incidents")), qPrintable(r.out));
    QVERIFY(maxSeq(db) > before);
    r = sitrep({"show", "3", "--json"}, db);
    QCOMPARE(r.json().object()[u"state"].toString(), QStringLiteral("resolved"));
    QCOMPARE(r.json().object()[u"close_code"].toString(), QStringLiteral("auto_closed_stale"));
    r = sitrep({"show", "2", "--json"}, db);
    QCOMPARE(r.json().object()[u"state"].toString(), QStringLiteral("acknowledged"));
    r = sitrep({"bulk-close", "--stale-days", "30", "--json"}, db, atDays(40));
    QCOMPARE(r.json().object()[u"incidents"].toArray().size(), 0);
    QCOMPARE(sitrep({"verify"}, db).code, 0);
}

void TestCli::tick_recordsBreachesOnce()
{
    const QString db = freshCopy();
    Run r = sitrep({"tick"}, db, atDays(1));
    QCOMPARE(r.code, 0);
    // INC1: response and resolution; INC2, INC3 (acknowledged): resolution.
    QCOMPARE(r.out.trimmed(), QStringLiteral("4 SLA breaches recorded"));
    r = sitrep({"tick"}, db, atDays(2));
    QCOMPARE(r.out.trimmed(), QStringLiteral("0 SLA breaches recorded"));
    r = sitrep({"show", "1", "--json"}, db);
    QCOMPARE(r.json().object()[u"sla_response_breached"].toBool(), true);
    QCOMPARE(r.json().object()[u"sla_resolution_breached"].toBool(), true);
}

void TestCli::oncall_answers()
{
    const QString db = freshCopy();
    Run r = sitrep({"oncall", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().array().size(), 5);
    r = sitrep({"oncall", "--group", "Payments", "--at", "2026-01-08T20:00:00Z", "--json"}, db);
    QCOMPARE(r.code, 0);
    const QJsonObject o = r.json().array().first().toObject();
    QCOMPARE(o[u"member"].toString(), QStringLiteral("ines.moreau"));
    QCOMPARE(o[u"from"].toString(), QStringLiteral("2026-01-08 20:00"));
    QCOMPARE(o[u"until"].toString(), QStringLiteral("2026-01-12 08:00"));
    r = sitrep({"oncall", "--group", "payments", "--at", "2026-01-08T19:59:00Z"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("hiro.tanaka")), qPrintable(r.out));
}

void TestCli::verify_detectsTamper()
{
    const QString db = freshCopy();
    QCOMPARE(sitrep({"verify"}, db).code, 0);
    QCOMPARE(rewriteEventLog(
                 db, "events_append_only_update",
                 QStringLiteral("UPDATE events SET payload=json_set(payload, '$.title', 'Nothing "
                                "happened') WHERE seq=1")),
             QString());
    Run r = sitrep({"verify"}, db);
    QVERIFY(r.code != 0);
    QVERIFY2(r.out.contains(QStringLiteral("FAULT")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("FAILED")), qPrintable(r.out));
    r = sitrep({"verify", "--json"}, db);
    QVERIFY(r.code != 0);
    QCOMPARE(r.json().object()[u"ok"].toBool(), false);
    QVERIFY(!r.json().object()[u"faults"].toArray().isEmpty());
}

void TestCli::demo_thenVerifyAndRebuild()
{
    const QString db = m_dir.filePath(QStringLiteral("demo.db"));
    Run r = sitrep({"demo", "--incidents", "25", "--seed", "5", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"incidents"].toInt(), 25);
    QVERIFY(r.json().object()[u"commands"].toInt() > 25);
    QCOMPARE(sitrep({"verify"}, db).code, 0);
    const QStringList before = snapshot(db);
    r = sitrep({"rebuild"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("rebuilt 25 incidents")), qPrintable(r.out));
    QCOMPARE(snapshot(db), before);
    QCOMPARE(sitrep({"verify"}, db).code, 0);
}

// Events cut from the end of a chain leave a log whose hashes all check out: the heads the
// last verify found good, kept next to the database file, catch it.
void TestCli::rebuild_refusesALogShorterThanVerified()
{
    const QString db = freshCopy();
    const QString heads = db + QStringLiteral(".verified");
    QVERIFY(!QFile::exists(heads));
    QCOMPARE(sitrep({"verify"}, db).code, 0);
    QVERIFY(QFile::exists(heads));
    QCOMPARE(sitrep({"rebuild"}, db).code, 0);
    // The last event of one incident goes; its chain still checks out.
    QCOMPARE(rewriteEventLog(
                 db, "events_append_only_delete",
                 QStringLiteral("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events "
                                "WHERE incident = (SELECT incident FROM events WHERE seq = 1))")),
             QString());
    Run r = sitrep({"rebuild"}, db);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QStringLiteral("refusing to rebuild")) &&
                 r.err.contains(QStringLiteral("were verified")),
             qPrintable(r.err));
    r = sitrep({"verify", "--json"}, db);
    QVERIFY(r.code != 0);
    const QString faults =
        QJsonDocument(r.json().object()[u"faults"].toArray()).toJson(QJsonDocument::Compact);
    QVERIFY2(faults.contains(QStringLiteral("shorter than the one verified")), qPrintable(faults));
    // A failed verify keeps the old floor.
    QCOMPARE(sitrep({"rebuild"}, db).code, 1);
}

void TestCli::workflow_switchAndShow()
{
    const QString db = m_dir.filePath(QStringLiteral("wf.db"));
    // A reader does not start a database.
    Run r = sitrep({"workflow", "--json"}, db);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QStringLiteral("no database at")), qPrintable(r.err));
    QVERIFY(!QFile::exists(db));
    QCOMPARE(sitrep({"create", "--title", "first", "--severity", "low"},
                    m_dir.filePath(QStringLiteral("wf-sre.db")))
                 .code,
             0);
    r = sitrep({"workflow", "--json"}, m_dir.filePath(QStringLiteral("wf-sre.db")));
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"name"].toString(), QStringLiteral("sre"));
    QCOMPARE(r.json().object()[u"states"].toArray().size(), 6);
    r = sitrep({"workflow", "set", "pipeline", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"workflow"].toString(), QStringLiteral("pipeline"));
    // Remembered by the database.
    r = sitrep({"workflow", "show"}, db);
    QVERIFY2(r.out.startsWith(QStringLiteral("workflow pipeline")), qPrintable(r.out));
    r = sitrep({"workflow"}, db);
    QVERIFY2(r.out.startsWith(QStringLiteral("workflow pipeline")), qPrintable(r.out));
    QCOMPARE(sitrep({"create", "--title", "x", "--severity", "low"}, db).code, 0);
    r = sitrep({"show", "1", "--json"}, db);
    QCOMPARE(r.json().object()[u"state"].toString(), QStringLiteral("DETECTED"));
}

void TestCli::badInput_exitsNonZeroAndChangesNothing_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("reason");
    const auto row = [](const char *name, const QStringList &args, const QString &reason) {
        QTest::newRow(name) << args << reason;
    };
    const QString longTitle(301, u'x');
    // A create that would succeed, and a switch to the itil workflow, with something more.
    const auto createLow = [](const QStringList &more) {
        return QStringList{"create", "--title", "x", "--severity", "low"} + more;
    };
    const auto setItil = [](const QStringList &more) {
        return QStringList{"workflow", "set", "itil"} + more;
    };
    // demo
    row("demo zero", {"demo", "--incidents", "0"}, "--incidents");
    row("demo words", {"demo", "--incidents", "many"}, "--incidents");
    row("demo seed", {"demo", "--seed", "x"}, "--seed");
    row("demo extra", {"demo", "more"}, "unexpected argument");
    row("demo on incidents", {"demo", "--incidents", "5"}, "already holds 3 incidents");
    // create
    row("create no title", {"create", "--severity", "high"}, "--title is required");
    row("create no severity", {"create", "--title", "x"}, "--severity is required");
    row("create bad severity", {"create", "--title", "x", "--severity", "apocalyptic"},
        "unknown severity 'apocalyptic'");
    row("create blank title", {"create", "--title", "  ", "--severity", "high"},
        "title is required");
    row("create long title", {"create", "--title", longTitle, "--severity", "high"}, "longer than");
    row("create impact alone", createLow({"--impact", "Single user"}), "impact and urgency");
    row("create bad urgency",
        {"create", "--title", "x", "--impact", "Single user", "--urgency", "meh"},
        "unknown urgency 'meh'");
    row("create bad priority", {"create", "--title", "x", "--priority", "P0"}, "unknown priority");
    row("create bad group", createLow({"--group", "Nope"}), "unknown assignment group 'Nope'");
    row("create unknown option", createLow({"--colour", "red"}), "colour");
    row("create extra", createLow({"stray"}), "unexpected argument 'stray'");
    row("create switches workflow", createLow({"--workflow", "itil"}),
        "--workflow is only for a database with no incidents yet");
    row("create title newline", {"create", "--title", "line one\nline two", "--severity", "low"},
        "one line");
    row("create title escape", {"create", "--title", "red\x1b[31m alert", "--severity", "low"},
        "U+001B");
    row("create title bell", {"create", "--title", "ding\x07", "--severity", "low"}, "U+0007");
    row("set title tab", {"set", "1", "title", "tab\there"}, "U+0009");
    // list
    row("list priority", {"list", "--priority", "P9"}, "unknown priority 'P9'");
    row("list state", {"list", "--state", "nowhere"}, "unknown state 'nowhere'");
    row("list limit", {"list", "--limit", "0"}, "--limit");
    row("list severity", {"list", "--severity", "huge"}, "unknown severity");
    row("list extra", {"list", "extra"}, "unexpected argument");
    row("list switches workflow", {"list", "--workflow", "itil"}, "Unknown option 'workflow'");
    row("show switches workflow", {"show", "1", "--workflow", "pipeline"},
        "Unknown option 'workflow'");
    row("list actor", {"list", "--actor", "bob"}, "Unknown option 'actor'");
    // show
    row("show missing", {"show"}, "missing argument");
    row("show unknown", {"show", "INC0009999"}, "no incident 'INC0009999'");
    row("show extra", {"show", "1", "2"}, "unexpected argument '2'");
    // transition
    row("transition missing state", {"transition", "1"}, "missing argument");
    row("transition unknown state", {"transition", "1", "exploded"}, "unknown state 'exploded'");
    row("transition not allowed", {"transition", "1", "postmortem"},
        "cannot move INC0000001 from 'triggered' to 'postmortem'; allowed from 'triggered': "
        "acknowledged, investigating, resolved");
    row("transition guard", {"transition", "1", "resolved"},
        "needs a resolution note and a root-cause category");
    row("transition p1 gate", {"transition", "3", "mitigating"}, "approval");
    row("transition unknown incident", {"transition", "9999", "resolved"}, "no incident '9999'");
    row("transition bad minutes",
        {"transition", "1", "resolved", "--resolution-note", "x", "--root-cause", "y",
         "--time-spent", "abc"},
        "time_spent");
    row("transition same", {"transition", "2", "acknowledged"}, "already");
    // ack
    row("ack missing", {"ack"}, "missing argument");
    row("ack unknown", {"ack", "9999"}, "no incident");
    row("ack twice", {"ack", "2"}, "already acknowledged");
    row("acknowledge twice", {"acknowledge", "INC0000003"}, "already acknowledged");
    // assign
    row("assign nobody", {"assign", "1"}, "needs an assignee or a group");
    row("assign bad group", {"assign", "1", "--group", "Nope"}, "unknown assignment group 'Nope'");
    row("assign unknown incident", {"assign", "9999", "--to", "bob"}, "no incident");
    // approve
    row("approve system", {"approve", "1", "--for", "mitigating", "--actor", "system"}, "human");
    row("approve no gate", {"approve", "1"}, "waits at no approval gate from 'triggered'");
    row("approve bad state", {"approve", "1", "--for", "nirvana"}, "unknown state 'nirvana'");
    row("approve missing", {"approve"}, "missing argument");
    // note
    row("note missing text", {"note", "1"}, "missing argument");
    row("note blank", {"note", "1", "   "}, "needs text");
    row("note unknown incident", {"note", "9999", "hello"}, "no incident");
    // set
    row("set unknown field", {"set", "1", "colour", "red"}, "unknown field 'colour'");
    row("set bad severity", {"set", "1", "severity", "apocalyptic"}, "unknown severity");
    row("set state", {"set", "1", "state", "resolved"}, "transition");
    row("set missing value", {"set", "1", "severity"}, "missing argument");
    row("set bad minutes", {"set", "1", "time-spent", "soon"}, "time_spent");
    row("set bad impact", {"set", "1", "impact", "cosmic"}, "unknown impact 'cosmic'");
    // link-alert
    row("link-alert missing", {"link-alert", "1"}, "missing argument");
    row("link-alert blank", {"link-alert", "1", "  "}, "alert id");
    row("link-alert unknown incident", {"link-alert", "9999", "A-1"}, "no incident");
    // attach
    row("attach nothing", {"attach", "1"}, "url or a file");
    row("attach bad url", {"attach", "1", "--url", "not a url"}, "not a valid URL");
    row("attach missing file", {"attach", "1", "--file", "/nonexistent/graph.png"},
        "cannot read /nonexistent/graph.png");
    row("attach bad kind", {"attach", "1", "--url", "https://example.org", "--kind", "smell"},
        "unknown evidence kind 'smell'");
    // status
    row("status missing", {"status", "1"}, "missing argument");
    row("status blank", {"status", "1", " "}, "needs a message");
    row("status unknown incident", {"status", "9999", "hello"}, "no incident");
    // commander / responder
    row("commander missing", {"commander", "1"}, "missing argument");
    row("commander blank", {"commander", "1", " "}, "commander");
    row("responder missing", {"responder", "1"}, "missing argument");
    row("responder blank", {"responder", "1", " "}, "responder");
    // bulk-close
    row("bulk-close no days", {"bulk-close"}, "--stale-days");
    row("bulk-close zero", {"bulk-close", "--stale-days", "0"}, "--stale-days");
    row("bulk-close words", {"bulk-close", "--stale-days", "a-month"}, "--stale-days");
    // oncall
    row("oncall bad group", {"oncall", "--group", "Nope"}, "unknown assignment group 'Nope'");
    row("oncall bad time", {"oncall", "--at", "teatime"}, "not a time");
    // export
    row("export no format", {"export"}, "--format");
    row("export xml", {"export", "--format", "xml"}, "--format must be json or csv");
    row("export bad filter", {"export", "--format", "json", "--priority", "P9"},
        "unknown priority");
    row("export unwritable", {"export", "--format", "json", "--out", "/nonexistent/dir/x.json"},
        "cannot write");
    row("export per bogus", {"export", "--format", "csv", "--per", "week"},
        "--per must be event or incident");
    row("export per json", {"export", "--format", "json", "--per", "incident"},
        "--per applies to --format csv");
    // verify, rebuild, tick, workflow
    row("verify extra", {"verify", "now"}, "unexpected argument");
    row("rebuild extra", {"rebuild", "all"}, "unexpected argument");
    row("tick extra", {"tick", "tock"}, "unexpected argument");
    row("workflow unknown verb", {"workflow", "sre"}, "unknown workflow subcommand 'sre'");
    row("workflow extra", {"workflow", "show", "sre"}, "unexpected argument 'sre'");
    row("workflow old option", {"workflow", "--workflow", "itil"}, "Unknown option 'workflow'");
    row("workflow missing file", {"workflow", "set", "/nonexistent/flow.yaml"},
        "/nonexistent/flow.yaml");
    row("workflow set stranded", {"workflow", "set", "itil"},
        "workflow 'itil' has no state for open incidents (2 in 'acknowledged', 1 in 'triggered')");
    row("workflow map unknown target",
        setItil({"--map", "triggered=Nowhere", "--map", "acknowledged=New"}),
        "workflow 'itil' has no state 'Nowhere'");
    row("workflow map no equals", setItil({"--map", "triggered"}), "must look like FROM=TO");
    row("workflow map partial", setItil({"--map", "triggered=New"}), "2 in 'acknowledged'");
    // not a command at all
    row("unknown command", {"frobnicate"}, "unknown command 'frobnicate'");
}

void TestCli::badInput_exitsNonZeroAndChangesNothing()
{
    QFETCH(QStringList, args);
    QFETCH(QString, reason);
    const QString db = freshCopy();
    const QStringList before = snapshot(db);
    const qint64 seq = maxSeq(db);
    QVERIFY(seq > 0);
    const Run r = sitrep(args, db);
    QVERIFY2(r.code > 0, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.code).arg(r.err)));
    const QString err = r.err.trimmed();
    QVERIFY2(err.startsWith(QStringLiteral("sitrep: ")), qPrintable(err));
    QVERIFY2(!err.contains(u'\n'), qPrintable(QStringLiteral("more than one line: ") + err));
    QVERIFY2(err.contains(reason), qPrintable(err));
    QCOMPARE(maxSeq(db), seq);
    QCOMPARE(snapshot(db), before);
}

void TestCli::notADatabase_isRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("notes.txt"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray("groceries: eggs, milk\n").repeated(100));
    f.close();
    for (const QStringList &args : {QStringList{"list"}, QStringList{"verify"},
                                    QStringList{"create", "--title", "x", "--severity", "low"}}) {
        const Run r = sitrep(args, path);
        QVERIFY(r.code > 0);
        QVERIFY2(r.err.trimmed().startsWith(QStringLiteral("sitrep: ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("not a database")) ||
                     r.err.contains(QStringLiteral("not a Sitrep database")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.trimmed().contains(u'\n'), qPrintable(r.err));
    }
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("groceries: eggs, milk\n").repeated(100));
}

void TestCli::missingDatabase_isRefusedByReadingCommands()
{
    // A mistyped --db must not turn into a silently empty cache.
    const QString path = m_dir.filePath(QStringLiteral("typo.db"));
    for (const QStringList &args :
         {QStringList{"list"}, QStringList{"show", "INC0000001"}, QStringList{"verify"},
          QStringList{"note", "INC0000001", "hello"}, QStringList{"oncall"},
          QStringList{"workflow"}, QStringList{"export", "--format", "csv"},
          QStringList{"config", "list"}, QStringList{"postmortem", "show", "1"}}) {
        const Run r = sitrep(args, path);
        QVERIFY2(r.code > 0, qPrintable(args.join(u' ')));
        QVERIFY2(r.err.contains(QStringLiteral("no database at")), qPrintable(r.err));
        QVERIFY2(!QFile::exists(path), qPrintable(args.join(u' ')));
    }
    const Run created = sitrep({"create", "--title", "first", "--severity", "low"}, path);
    QCOMPARE(created.code, 0);
    QVERIFY(QFile::exists(path));
    QCOMPARE(sitrep({"list", "--json"}, path).json().array().size(), 1);
}

void TestCli::sitrepDbEnvironment_isUsed()
{
    const QString db = m_dir.filePath(QStringLiteral("env.db"));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SITREP_DB"), db);
    env.insert(QStringLiteral("SITREP_NOW"), QString::fromLatin1(kNow));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SITREP_BINARY), {"create", "--title", "via env", "--severity", "low"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const Run r = sitrep({"list", "--json"}, db);
    QCOMPARE(r.json().array().size(), 1);
}

// "sitrep --db PATH COMMAND" runs COMMAND on PATH (it used to open the window instead).
void TestCli::dbOptionFirst_isTheSameCommand()
{
    const QString db = freshCopy();
    const Run created =
        sitrep({"--db", db, "create", "--title", "db first", "--severity", "low", "--json"});
    QCOMPARE(created.code, 0);
    const QString number = created.json().object().value(u"number").toString();
    QVERIFY(number.startsWith(u"INC"));
    const Run shown = sitrep({QStringLiteral("--db=%1").arg(db), "show", number, "--json"});
    QCOMPARE(shown.code, 0);
    QCOMPARE(shown.json().object().value(u"title").toString(), QStringLiteral("db first"));
    QCOMPARE(sitrep({"list", "--json"}, db).json().array().size(),
             sitrep({"--db", db, "list", "--json"}).json().array().size());
    // An unknown word after --db is still an unknown command, not the window.
    const Run typo = sitrep({"--db", db, "lsit"});
    QVERIFY(typo.code != 0);
    QVERIFY2(typo.err.contains(u"lsit"), qPrintable(typo.err));
}

// --- conventions ---------------------------------------------------------------------

void TestCli::help_worksOnEveryCommand()
{
    const Run all = sitrep({"help"});
    QCOMPARE(all.code, 0);
    // Every command listed in the usage answers --help with its own usage, exit 0, and
    // `sitrep help COMMAND` says the same.
    QStringList names;
    const QStringList lines = all.out.split(u'\n');
    const qsizetype start = lines.indexOf(QStringLiteral("Commands:"));
    QVERIFY(start > 0);
    for (qsizetype i = start + 1; i < lines.size() && !lines[i].trimmed().isEmpty(); ++i)
        if (lines[i].startsWith(QStringLiteral("  ")) &&
            !lines[i].startsWith(QStringLiteral("   ")))
            names << lines[i].trimmed().section(u' ', 0, 0);
    for (const char *c : {"demo", "create", "list", "show", "ack", "transition", "approve",
                          "export", "workflow", "config", "postmortem", "triage", "remediation",
                          "aws", "serve", "sync", "wall", "screenshot", "help"})
        QVERIFY2(names.contains(QString::fromLatin1(c)), c);
    for (const QString &c : std::as_const(names)) {
        const Run r = sitrep({c, "--help"});
        QVERIFY2(r.code == 0, qPrintable(c + QStringLiteral(": ") + r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("Usage: sitrep ") + c), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("--help")), qPrintable(c));
        QVERIFY2(!r.err.contains(QStringLiteral("sitrep")), qPrintable(r.err));
        QCOMPARE(sitrep({"help", c}).out, r.out);
    }
    // -h too, and after other arguments; the option table is the parser's.
    const Run create = sitrep({"create", "--title", "x", "-h"});
    QCOMPARE(create.code, 0);
    for (const char *o : {"--title T", "--severity S", "--service X", "--workflow NAME|FILE",
                          "--db PATH", "--json"})
        QVERIFY2(create.out.contains(QString::fromLatin1(o)), o);
    const Run pm = sitrep({"postmortem", "show", "--help"});
    QCOMPARE(pm.code, 0);
    QVERIFY(pm.out.contains(QStringLiteral("export NUMBER --format md|html|pdf --out FILE")));
}

void TestCli::help_listsActorOnlyWhereAccepted()
{
    // --actor is in the help of every command that records who acted, and only there: the
    // others refuse it (a usage error), so the help is the truth.
    for (const char *c : {"create", "ack", "transition", "assign", "approve", "note", "set",
                          "link-alert", "attach", "status", "commander", "responder", "workflow",
                          "postmortem", "triage", "remediation", "maintenance", "change"}) {
        const Run r = sitrep({c, "--help"});
        QVERIFY2(r.out.contains(QStringLiteral("--actor NAME")), c);
    }
    const QString db = freshCopy();
    for (const char *c :
         {"list", "show", "export", "verify", "oncall", "demo", "tick", "rebuild", "bulk-close"}) {
        const Run help = sitrep({c, "--help"});
        QVERIFY2(!help.out.contains(QStringLiteral("--actor")), c);
        const Run r = sitrep({c, "--actor", "bob"}, db);
        QVERIFY2(
            r.code == 2,
            qPrintable(QStringLiteral("%1: %2 %3").arg(QLatin1String(c)).arg(r.code).arg(r.err)));
        QVERIFY2(r.err.contains(QStringLiteral("Unknown option 'actor'")), qPrintable(r.err));
    }
    // Where it is accepted, it is what gets recorded.
    const Run note = sitrep({"note", "1", "checked the graphs", "--actor", "priya", "--json"}, db);
    QCOMPARE(note.code, 0);
    QCOMPARE(note.json().object()[u"events"].toArray().first().toObject()[u"actor"].toString(),
             QStringLiteral("priya"));
}

void TestCli::version_isPrinted()
{
    const Run r = sitrep({"--version"});
    QCOMPARE(r.code, 0);
    QVERIFY2(QRegularExpression(QStringLiteral("^sitrep \\d+\\.\\d+\\.\\d+\\n$"))
                 .match(r.out)
                 .hasMatch(),
             qPrintable(r.out));
    QVERIFY(r.err.isEmpty());
}

void TestCli::typo_suggestsTheCommandInOneLine()
{
    for (const auto &[typo, meant] :
         {std::pair{"lsit", "list"}, std::pair{"craete", "create"}, std::pair{"exprot", "export"},
          std::pair{"trasition", "transition"}}) {
        const Run r = sitrep({QString::fromLatin1(typo)});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out)); // no page of usage
        QCOMPARE(r.err.count(u'\n'), 1);
        QVERIFY2(r.err.contains(QStringLiteral("did you mean '%1'?").arg(QLatin1String(meant))),
                 qPrintable(r.err));
    }
    const Run far = sitrep({"frobnicate"});
    QCOMPARE(far.code, 2);
    QVERIFY2(!far.err.contains(QStringLiteral("did you mean")), qPrintable(far.err));
    QVERIFY2(far.err.contains(QStringLiteral("sitrep help")), qPrintable(far.err));
    const Run helpTypo = sitrep({"help", "lsit"});
    QCOMPARE(helpTypo.code, 2);
    QVERIFY2(helpTypo.err.contains(QStringLiteral("did you mean 'list'?")),
             qPrintable(helpTypo.err));
}

void TestCli::typoInOption_suggestsTheOption()
{
    QCOMPARE(refusal({"create", "--titel", "x", "--severity", "low"}, freshCopy(), 2,
                     {QStringLiteral("Unknown option 'titel'; did you mean --title?")}),
             QString());
}

void TestCli::exitCodes_usageIsTwo_failureIsOne()
{
    const QString db = freshCopy();
    const QStringList before = snapshot(db);
    // The command line was wrong: 2.
    for (const QStringList &args :
         {QStringList{"show"}, QStringList{"show", "1", "2"},
          QStringList{"list", "--colour", "red"}, QStringList{"transition", "1"},
          QStringList{"config", "frob"}, QStringList{"postmortem"},
          QStringList{"postmortem", "shwo", "1"}, QStringList{"triage", "sugest", "1"},
          QStringList{"maintenance", "frobnicate"}, QStringList{"aws", "consme"},
          QStringList{"serve", "--lisen", "x"}, QStringList{"secret", "set"},
          QStringList{"create", "--severity", "low"}}) {
        const Run r = sitrep(args, db);
        QVERIFY2(
            r.code == 2,
            qPrintable(
                QStringLiteral("%1: exit %2, %3").arg(args.join(u' ')).arg(r.code).arg(r.err)));
    }
    // The command was understood and refused: 1.
    for (const QStringList &args :
         {QStringList{"show", "INC0009999"}, QStringList{"transition", "1", "postmortem"},
          QStringList{"list", "--priority", "P9"}, QStringList{"postmortem", "show", "9999"},
          QStringList{"config", "set", "sync.page_size", "lots"}}) {
        const Run r = sitrep(args, db);
        QVERIFY2(
            r.code == 1,
            qPrintable(
                QStringLiteral("%1: exit %2, %3").arg(args.join(u' ')).arg(r.code).arg(r.err)));
    }
    QCOMPARE(snapshot(db), before);
    // A verify that finds damage is a failure like any other (it used to exit 2).
    QCOMPARE(rewriteEventLog(
                 db, "events_append_only_update",
                 QStringLiteral(
                     "UPDATE events SET payload=json_set(payload, '$.title', 'x') WHERE seq=1")),
             QString());
    QCOMPARE(sitrep({"verify"}, db).code, 1);
}

void TestCli::manPage_comesFromTheTable()
{
    const Run r = sitrep({"help", "--man"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(QStringLiteral(".TH SITREP 1 ")));
    for (const char *section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS",
                                ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES"})
        QVERIFY2(r.out.contains(QString::fromLatin1(section)), section);
    QVERIFY(r.out.contains(QStringLiteral(".B SITREP_DB")));
    // Each command and each of its options, as the help lists them.
    for (const char *c : {"create", "export", "workflow", "config", "postmortem"}) {
        QVERIFY2(r.out.contains(QStringLiteral(".SS \"sitrep %1").arg(QLatin1String(c))), c);
        const QStringList help = sitrep({c, "--help"}).out.split(u'\n');
        for (const QString &line : help) {
            const QString t = line.trimmed();
            if (!t.startsWith(QStringLiteral("--")) || t.startsWith(QStringLiteral("--help")))
                continue;
            const QString name = t.section(u' ', 0, 0).mid(2);
            QVERIFY2(r.out.contains(QStringLiteral("\\-\\-%1")
                                        .arg(QString(name).replace(u'-', QStringLiteral("\\-")))),
                     qPrintable(QString::fromLatin1(c) + u' ' + name));
        }
    }
    // It renders without a single warning where groff is installed.
    if (QStandardPaths::findExecutable(QStringLiteral("groff")).isEmpty())
        QSKIP("groff is not installed; the roff text was checked above");
    QProcess groff;
    groff.start(QStringLiteral("groff"), {QStringLiteral("-man"), QStringLiteral("-Tutf8"),
                                          QStringLiteral("-ww"), QStringLiteral("-z")});
    QVERIFY(groff.waitForStarted());
    groff.write(r.out.toUtf8());
    groff.closeWriteChannel();
    QVERIFY(groff.waitForFinished(30000));
    QCOMPARE(groff.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(groff.readAllStandardError()), QString());
}

// --- read-only commands --------------------------------------------------------------

void TestCli::readingCommands_changeNothing()
{
    const QString db = freshCopy();
    const QStringList before = snapshot(db);
    for (const QStringList &args :
         {QStringList{"list"}, QStringList{"list", "--json"}, QStringList{"show", "1"},
          QStringList{"show", "2", "--json"}, QStringList{"export", "--format", "csv"},
          QStringList{"export", "--format", "csv", "--per", "incident"},
          QStringList{"export", "--format", "json"}, QStringList{"verify"}, QStringList{"oncall"},
          QStringList{"workflow"}, QStringList{"workflow", "show", "--json"},
          QStringList{"config", "list"},
          QStringList{"bulk-close", "--stale-days", "1", "--dry-run"}}) {
        const Run r = sitrep(args, db, atDays(10));
        QVERIFY2(r.code == 0, qPrintable(args.join(u' ') + QStringLiteral(": ") + r.err));
        QVERIFY2(snapshot(db) == before, qPrintable(args.join(u' ')));
    }
}

void TestCli::listWithWorkflow_isAUsageErrorAndSwitchesNothing()
{
    const QString db = freshCopy();
    QCOMPARE(refusal({"list", "--workflow", "itil"}, db, 2, {}), QString());
    // The open incidents are where they were, in the workflow they were in.
    const Run shown = sitrep({"show", "1", "--json"}, db);
    QCOMPARE(shown.json().object()[u"state"].toString(), QStringLiteral("triggered"));
    QVERIFY(shown.json().object()[u"allowed_transitions"].toArray().contains(
        QStringLiteral("acknowledged")));
    QVERIFY(sitrep({"workflow"}, db).out.startsWith(QStringLiteral("workflow sre")));
}

void TestCli::windowWithWorkflow_isAUsageError()
{
    // The window used to save --workflow for good; it is refused before anything opens.
    const QString db = freshCopy();
    const QStringList before = snapshot(db);
    for (const QStringList &args :
         {QStringList{"--workflow", "itil"}, QStringList{"wall", "--workflow=itil"},
          QStringList{"screenshot", "list", m_dir.filePath(QStringLiteral("wf.png")), "--workflow",
                      "itil"}}) {
        const Run r = sitrep(args, db);
        QVERIFY2(r.code == 2, qPrintable(args.join(u' ') + QStringLiteral(": ") + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("sitrep workflow set")), qPrintable(r.err));
    }
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("wf.png"))));
    QCOMPARE(snapshot(db), before);
}

void TestCli::postmortemShow_recordsNothing()
{
    const QString db = freshCopy();
    QCOMPARE(sitrep({"transition", "2", "resolved", "--resolution-note", "Rolled back",
                     "--root-cause", "change"},
                    db)
                 .code,
             0);
    const QStringList before = snapshot(db);
    Run r = sitrep({"postmortem", "show", "2"}, db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("Search is slow")), qPrintable(r.out));
    r = sitrep({"postmortem", "show", "2", "--json"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"version"].toInt(), 0); // a draft, not a saved document
    const QString md = m_dir.filePath(QStringLiteral("pm-preview.md"));
    QCOMPARE(sitrep({"postmortem", "export", "2", "--format", "md", "--out", md}, db).code, 0);
    QVERIFY(QFile::exists(md));
    QCOMPARE(snapshot(db), before);
    // Saving it is a change, and is recorded.
    QCOMPARE(sitrep({"postmortem", "status", "2", "in_review"}, db).code, 0);
    QVERIFY(maxSeq(db) >
            QByteArray::fromHex(before.first().section(u',', 1, 1).toLatin1()).toLongLong());
}

void TestCli::screenshotPostmortem_recordsNothing()
{
    const QString db = m_dir.filePath(QStringLiteral("shot.db"));
    QCOMPARE(sitrep({"demo", "--incidents", "40", "--seed", "7"}, db).code, 0);
    const QStringList before = snapshot(db);
    const QString png = m_dir.filePath(QStringLiteral("postmortem.png"));
    const Run r = sitrep({"screenshot", "postmortem", png, "--size", "800x600"}, db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(QFileInfo(png).size() > 1000);
    QCOMPARE(snapshot(db), before);
    // Nor does a picture start a database where there was none.
    const QString none = m_dir.filePath(QStringLiteral("no-shot.db"));
    const Run empty = sitrep(
        {"screenshot", "list", m_dir.filePath(QStringLiteral("empty.png")), "--size", "800x600"},
        none);
    QVERIFY2(empty.code == 0, qPrintable(empty.err));
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("empty.png"))));
    QVERIFY(!QFile::exists(none));
}

void TestCli::workflowSet_refusesStrandedIncidents_thenMapsThem()
{
    const QString db = freshCopy();
    QCOMPARE(refusal({"workflow", "set", "itil"}, db, 1,
                     {QStringLiteral("1 in 'triggered'"), QStringLiteral("--map FROM=TO")}),
             QString());

    Run r = sitrep({"workflow", "set", "itil", "--map", "triggered=new", "--map",
                    "Acknowledged=In Progress", "--actor", "lead"},
                   db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.startsWith(QStringLiteral("workflow itil ")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("3 open incidents moved")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("INC0000001: triggered -> New")), qPrintable(r.out));
    QVERIFY(sitrep({"workflow"}, db).out.startsWith(QStringLiteral("workflow itil")));
    r = sitrep({"show", "2", "--json"}, db);
    const QJsonObject o = r.json().object();
    QCOMPARE(o[u"state"].toString(), QStringLiteral("In Progress"));
    QCOMPARE(o[u"open"].toBool(), true);
    QVERIFY(o[u"allowed_transitions"].toArray().contains(QStringLiteral("Resolved")));
    const QJsonObject moved = o[u"timeline"].toArray().last().toObject();
    QCOMPARE(moved[u"kind"].toString(), QStringLiteral("incident.transitioned"));
    QCOMPARE(moved[u"actor"].toString(), QStringLiteral("lead"));
    QCOMPARE(moved[u"payload"].toObject()[u"workflow"].toString(), QStringLiteral("itil"));
    // The moves are ordinary events: the log verifies and the projection rebuilds the same.
    QCOMPARE(sitrep({"verify"}, db).code, 0);
    const QStringList after = snapshot(db);
    QCOMPARE(sitrep({"rebuild"}, db).code, 0);
    QCOMPARE(snapshot(db), after);
    // Work goes on in the new workflow.
    QCOMPARE(sitrep({"transition", "1", "In Progress"}, db).code, 0);
    // Back to sre: New and In Progress exist there neither.
    r = sitrep({"workflow", "set", "sre"}, db);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QStringLiteral("3 in 'In Progress'")), qPrintable(r.err));
}

void TestCli::createWorkflow_onlyForADatabaseWithoutIncidents()
{
    const QString db = m_dir.filePath(QStringLiteral("wf-create.db"));
    Run r = sitrep(
        {"create", "--title", "first", "--severity", "low", "--workflow", "pipeline", "--json"},
        db);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().object()[u"state"].toString(), QStringLiteral("DETECTED"));
    QCOMPARE(refusal({"create", "--title", "second", "--severity", "low", "--workflow", "itil"}, db,
                     2, {QStringLiteral("sitrep workflow set itil")}),
             QString());
    // A refused create on a new database leaves no database behind.
    const QString fresh = m_dir.filePath(QStringLiteral("wf-refused.db"));
    r = sitrep({"create", "--title", "x", "--severity", "apocalyptic", "--workflow", "itil"},
               fresh);
    QCOMPARE(r.code, 1);
    QVERIFY(!QFile::exists(fresh));
}

// --- no silent damage ------------------------------------------------------------------

void TestCli::demo_refusesADatabaseWithIncidents()
{
    const QString db = freshCopy();
    QCOMPARE(refusal({"demo", "--incidents", "5"}, db, 1, {QStringLiteral("--force")}), QString());
    const Run r = sitrep({"demo", "--incidents", "5", "--force", "--json"}, db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(r.json().object()[u"incidents"].toInt(), 8);
}

void TestCli::dbInMissingFolder_isAnError()
{
    const QString folder = m_dir.filePath(QStringLiteral("no-such-folder"));
    const QString db = folder + QStringLiteral("/sitrep.db");
    for (const QStringList &args :
         {QStringList{"create", "--title", "x", "--severity", "low"},
          QStringList{"demo", "--incidents", "3"}, QStringList{"workflow", "set", "itil"},
          QStringList{"config", "set", "sync.page_size", "10"}, QStringList{"list"},
          QStringList{"screenshot", "list", m_dir.filePath(QStringLiteral("nowhere.png"))}}) {
        const Run r = sitrep(args, db);
        QVERIFY2(r.code == 1, qPrintable(args.join(u' ') + QStringLiteral(": ") + r.err));
        QVERIFY2(r.err.contains(folder) || r.err.contains(QStringLiteral("no database at")),
                 qPrintable(r.err));
        QVERIFY2(!QFileInfo::exists(folder), qPrintable(args.join(u' ')));
    }
    const Run r = sitrep({"create", "--title", "x", "--severity", "low"}, db);
    QVERIFY2(r.err.contains(QStringLiteral("no folder %1").arg(folder)), qPrintable(r.err));
}

void TestCli::title_withControlCharacters_isRefused()
{
    const QString db = freshCopy();
    const QStringList before = snapshot(db);
    for (const QString &title :
         {QStringLiteral("two\nlines"), QStringLiteral("carriage\rreturn"),
          QStringLiteral("\x1b]0;owned\x07title"), QStringLiteral("nul\x01here"),
          QStringLiteral("line\u2028separator")}) {
        Run r = sitrep({"create", "--title", title, "--severity", "low"}, db);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(
                     QStringLiteral("title must be one line of text without control characters")),
                 qPrintable(r.err));
        r = sitrep({"set", "1", "title", title}, db);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("title must be one line")), qPrintable(r.err));
    }
    QCOMPARE(snapshot(db), before);
    // Ordinary text, accents and symbols included, is fine.
    QCOMPARE(sitrep({"create", "--title", QStringLiteral("Zahlungen schlagen fehl – 5xx ≥ 2 %"),
                     "--severity", "low"},
                    db)
                 .code,
             0);
}

void TestCli::configUnset_andBadUrlNamed()
{
    const QString db = freshCopy();
    Run r = sitrep({"config", "set", "backend.url", "not a url"}, db);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QStringLiteral("'not a url'")), qPrintable(r.err));
    r = sitrep({"config", "set", "sync.page_size", "250"}, db);
    QCOMPARE(r.code, 0);
    QCOMPARE(sitrep({"config", "get", "sync.page_size"}, db).out.trimmed(), QStringLiteral("250"));
    r = sitrep({"config", "unset", "sync.page_size"}, db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(sitrep({"config", "get", "sync.page_size"}, db).out.trimmed(), QString());
    QVERIFY(sitrep({"config", "list"}, db).out.contains(QStringLiteral("sync.page_size = \n")));
    r = sitrep({"config", "unset", "sync.page_siez"}, db);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QStringLiteral("did you mean 'sync.page_size'?")), qPrintable(r.err));
    QCOMPARE(sitrep({"config", "unset"}, db).code, 2);
    // A refused setting on a database that was not there leaves none behind.
    const QString fresh = m_dir.filePath(QStringLiteral("config-new.db"));
    r = sitrep({"config", "set", "backend.url", "ftp://example.org"}, fresh);
    QCOMPARE(r.code, 1);
    QVERIFY(!QFile::exists(fresh));
    QCOMPARE(sitrep({"config", "set", "sync.page_size", "100"}, fresh).code, 0);
    QVERIFY(QFile::exists(fresh));
}

void TestCli::serverText_isStrippedOfTerminalControls()
{
    // Notes, actors and alert titles arrive from back ends and payloads: what the terminal
    // gets is their text, never their escape sequences.
    const QString db = freshCopy();
    const QString evil = QStringLiteral("\x1b[2J\x1b]0;pwned\x07red\x1b[31m alert\x1b[0m\x9b"
                                        "1m done\x07");
    QCOMPARE(sitrep({"note", "1", evil, "--actor", QStringLiteral("mallory\x1b[8m")}, db).code, 0);
    QCOMPARE(sitrep({"link-alert", "1", "A-9", "--title", evil}, db).code, 0);
    Run r = sitrep({"show", "1"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("red alert done")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("mallory")), qPrintable(r.out));
    for (const QChar c : r.out)
        QVERIFY2(c == u'\n' || c.category() != QChar::Other_Control,
                 qPrintable(QStringLiteral("U+%1 in output").arg(c.unicode(), 4, 16)));
    // JSON keeps the text as sent (escaped by the JSON encoder).
    r = sitrep({"show", "1", "--json"}, db);
    QVERIFY(r.out.contains(QStringLiteral("\\u001b[2J")));
    // Errors quote what was typed without its controls too.
    r = sitrep({"show", QStringLiteral("\x1b[2JINC")}, db);
    QCOMPARE(r.code, 1);
    QVERIFY(!r.err.contains(QChar(0x1b)));
    QVERIFY2(r.err.contains(QStringLiteral("no incident 'INC'")), qPrintable(r.err));
}

// --- exports ---------------------------------------------------------------------------

void TestCli::exportCsvPerIncident_oneRowEach()
{
    const QString db = freshCopy();
    QCOMPARE(sitrep({"set", "2", "title", "Search, \"slow\" again"}, db).code, 0);
    Run r = sitrep({"export", "--format", "csv", "--per", "incident"}, db);
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.trimmed().split(u'\n');
    QCOMPARE(lines.size(), 4); // header + one per incident
    QVERIFY(lines[0].startsWith(QStringLiteral("number,uid,title,severity,priority,state,open,")));
    QVERIFY(lines[0].endsWith(QStringLiteral(",events")));
    QVERIFY(lines[1].startsWith(QStringLiteral("INC0000001,")));
    QVERIFY2(lines[2].contains(
                 QStringLiteral(",\"Search, \"\"slow\"\" again\",high,P2,acknowledged,true,")),
             qPrintable(lines[2]));
    QCOMPARE(lines[1].section(u',', -1).toInt(),
             sitrep({"show", "1", "--json"}, db).json().object()[u"timeline"].toArray().size());
    // Filters apply as to the event export.
    r = sitrep({"export", "--format", "csv", "--per", "incident", "--state", "acknowledged"}, db);
    QCOMPARE(r.out.trimmed().split(u'\n').size(), 3);
    // The event export is still the default.
    r = sitrep({"export", "--format", "csv"}, db);
    QCOMPARE(qint64(r.out.trimmed().split(u'\n').size() - 1), maxSeq(db));
}

void TestCli::approveWithoutFor_namesTheGate()
{
    const QString db = freshCopy();
    // INC3 is a critical incident, acknowledged: mitigating waits for a human approval.
    Run r = sitrep({"approve", "3", "--actor", "alice"}, db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(r.out.trimmed(), QStringLiteral("INC0000003: approved by alice for mitigating"));
    r = sitrep({"show", "3", "--json"}, db);
    QCOMPARE(r.json().object()[u"approvals"].toObject()[u"mitigating"].toString(),
             QStringLiteral("alice"));
    QCOMPARE(sitrep({"transition", "3", "mitigating"}, db).code, 0);
    // With --for, the state given is named.
    r = sitrep({"approve", "1", "--for", "Mitigating", "--actor", "alice"}, db);
    QCOMPARE(r.out.trimmed(), QStringLiteral("INC0000001: approved by alice for mitigating"));
}

// --- local safety ----------------------------------------------------------------------

void TestCli::verify_neverBlocksWriters()
{
    // Big enough that each rebuild takes a while. A verify that held the write lock while
    // rebuilding (as it did) let no write through from the start of a rebuild to its end.
    const QString db = m_dir.filePath(QStringLiteral("busy.db"));
    QCOMPARE(sitrep({"demo", "--incidents", "3000", "--seed", "7"}, db).code, 0);
    QProcess verify;
    sitrep::testing::startSitrep(verify, {"verify", "--db", db}, m_dir.path(),
                                 QString::fromLatin1(kNow));
    QVERIFY(verify.waitForStarted());
    sqlite3 *h = nullptr;
    QCOMPARE(sqlite3_open(db.toUtf8().constData(), &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 20000);
    // Write the whole time verify runs, and count the writes done during each rebuild: the
    // incidents projection (with the dashboard rollups), then the other projections.
    const QString phases[] = {QStringLiteral("rebuilding the projection from the log"),
                              QStringLiteral("rebuilding the projections (")};
    int during[2] = {0, 0};
    qint64 slowest = 0;
    int writes = 0;
    QString progress;
    while (verify.state() != QProcess::NotRunning) {
        const int phase = progress.contains(phases[1]) ? 1 : progress.contains(phases[0]) ? 0 : -1;
        QElapsedTimer t;
        t.start();
        const QByteArray sql = QStringLiteral("INSERT OR REPLACE INTO meta(key, value) "
                                              "VALUES('probe', '%1')")
                                   .arg(writes++)
                                   .toUtf8();
        QCOMPARE(sqlite3_exec(h, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
        slowest = std::max(slowest, t.elapsed());
        if (phase >= 0 && verify.state() != QProcess::NotRunning)
            ++during[phase];
        verify.waitForFinished(20);
        progress += QString::fromUtf8(verify.readAllStandardError());
    }
    sqlite3_close(h);
    QCOMPARE(verify.exitCode(), 0);
    QVERIFY2(verify.readAllStandardOutput().startsWith("ok: "), qPrintable(progress));
    const QString tally = QStringLiteral("%1 and %2 writes during the rebuilds, the slowest took "
                                         "%3 ms")
                              .arg(during[0])
                              .arg(during[1])
                              .arg(slowest);
    qInfo("%s", qPrintable(tally));
    QVERIFY2(during[0] >= 3 && during[1] >= 3, qPrintable(tally + u'\n' + progress));
}

void TestCli::verify_detectsTamperedProjections()
{
    const QString db = m_dir.filePath(QStringLiteral("tamper.db"));
    QCOMPARE(sitrep({"demo", "--incidents", "40", "--seed", "11"}, db).code, 0);
    QCOMPARE(sitrep({"verify"}, db).code, 0);
    const auto tamper = [&](const char *sql) {
        const QString copy = m_dir.filePath(QStringLiteral("tamper%1.db").arg(++m_copies));
        QFile::copy(db, copy);
        sqlite3 *h = nullptr;
        if (sqlite3_open(copy.toUtf8().constData(), &h) != SQLITE_OK)
            return QString();
        const int rc = sqlite3_exec(h, sql, nullptr, nullptr, nullptr);
        const int changed = sqlite3_changes(h);
        sqlite3_close(h);
        return rc == SQLITE_OK && changed > 0 ? copy : QString();
    };
    // The incidents projection.
    QString copy = tamper("UPDATE incidents SET title='Nothing happened' WHERE rowid=1");
    QVERIFY(!copy.isEmpty());
    Run r = sitrep({"verify"}, copy);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains(QStringLiteral("projection row differs from the log")),
             qPrintable(r.out));
    // A registered projection (rebuilt on a copy of the database).
    copy = tamper("DELETE FROM kb_articles WHERE rowid IN (SELECT rowid FROM kb_articles "
                  "LIMIT 1)");
    QVERIFY(!copy.isEmpty());
    const QStringList before = snapshot(copy);
    r = sitrep({"verify"}, copy);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains(QStringLiteral("projection knowledge_base: 1 row(s) of kb_articles")),
             qPrintable(r.out));
    QCOMPARE(snapshot(copy), before); // verify changed nothing
    // An event.
    copy = tamper("DROP TRIGGER events_append_only_update; UPDATE events SET "
                  "payload=json_set(payload, '$.title', 'x') WHERE seq=1");
    QVERIFY(!copy.isEmpty());
    r = sitrep({"verify"}, copy);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains(QStringLiteral("content changed")), qPrintable(r.out));
}

void TestCli::attach_onlyRegularFiles_upToTheLimit()
{
    const QString db = freshCopy();
    // A device would be read without end: refused at once, nothing recorded.
    QCOMPARE(refusal({"attach", "1", "--file", "/dev/zero"}, db, 1,
                     {QStringLiteral("/dev/zero is not a regular file")}),
             QString());
    // Above the default limit of 50 MiB (a sparse file: no disk needed).
    const QString big = m_dir.filePath(QStringLiteral("big.bin"));
    {
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(50) * 1024 * 1024 + 1));
    }
    QCOMPARE(refusal({"attach", "1", "--file", big}, db, 1, {QStringLiteral("larger than 50 MiB")}),
             QString());
    // The limit is a setting of the database.
    QCOMPARE(sitrep({"config", "set", "evidence.max_mb", "0"}, db).code, 1);
    QCOMPARE(sitrep({"config", "set", "evidence.max_mb", "lots"}, db).code, 1);
    QCOMPARE(sitrep({"config", "set", "evidence.max_mb", "1"}, db).code, 0);
    const QString two = m_dir.filePath(QStringLiteral("two.bin"));
    {
        QFile f(two);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(QByteArray(2 * 1024 * 1024, 'x')) > 0);
    }
    QCOMPARE(refusal({"attach", "1", "--file", two}, db, 1, {QStringLiteral("larger than 1 MiB")}),
             QString());
    QCOMPARE(sitrep({"config", "set", "evidence.max_mb", "3"}, db).code, 0);
    const Run r = sitrep({"attach", "1", "--file", two}, db);
    QVERIFY2(r.code == 0, qPrintable(r.err));
}

void TestCli::attach_evidenceLinks_httpOnly()
{
    const QString db = freshCopy();
    const QStringList before = snapshot(db);
    for (const char *url : {"javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi",
                            "ftp://files.example.com/x", "smb://share/x"}) {
        const Run r = sitrep({"attach", "1", "--url", url}, db);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("http or https")), qPrintable(r.err));
    }
    QCOMPARE(snapshot(db), before);
    for (const char *url : {"https://grafana.example/d/1", "http://kibana.local:5601/app"}) {
        const Run r = sitrep({"attach", "1", "--url", url}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }
}

void TestCli::writeErrors_areErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("export json") << QStringList{"export", "--format", "json"};
    QTest::newRow("export csv") << QStringList{"export", "--format", "csv"};
    QTest::newRow("export csv per incident")
        << QStringList{"export", "--format", "csv", "--per", "incident"};
    QTest::newRow("postmortem md") << QStringList{"postmortem", "export", "1", "--format", "md"};
    QTest::newRow("postmortem html")
        << QStringList{"postmortem", "export", "1", "--format", "html"};
    QTest::newRow("postmortem pdf") << QStringList{"postmortem", "export", "1", "--format", "pdf"};
    QTest::newRow("postmortem ics") << QStringList{"postmortem", "ics", "1"};
    QTest::newRow("knowledge base") << QStringList{"problem", "kb"};
    QTest::newRow("remediation audit") << QStringList{"remediation", "audit", "--format", "csv"};
}

void TestCli::writeErrors_areErrors()
{
    QFETCH(QStringList, args);
    QVERIFY(QFileInfo(QStringLiteral("/dev/full")).exists());
    const QString db = freshCopy();
    const Run r = sitrep(args + QStringList{"--out", "/dev/full"}, db);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QStringLiteral("cannot write /dev/full")), qPrintable(r.err));
    QVERIFY2(!r.out.contains(QStringLiteral("written")), qPrintable(r.out));
    QVERIFY2(!r.err.contains(QStringLiteral("exported")), qPrintable(r.err));
    // The same command writes a file where there is room.
    const QString file = m_dir.filePath(QStringLiteral("out-%1").arg(++m_copies));
    const Run ok = sitrep(args + QStringList{"--out", file}, db);
    QVERIFY2(ok.code == 0, qPrintable(ok.err));
    QVERIFY(QFileInfo(file).size() > 0);
}

void TestCli::standardOutputErrors_areErrors()
{
    const QString db = freshCopy();
    for (const QStringList &args :
         {QStringList{"export", "--format", "json"}, QStringList{"export", "--format", "csv"},
          QStringList{"list"}, QStringList{"show", "1", "--json"}, QStringList{"problem", "kb"}}) {
        QProcess p;
        p.setStandardOutputFile(QStringLiteral("/dev/full"));
        sitrep::testing::startSitrep(p, args + QStringList{"--db", db}, m_dir.path(),
                                     QString::fromLatin1(kNow));
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 1, qPrintable(args.join(u' ') + QStringLiteral(": ") + err));
        QVERIFY2(err.contains(QStringLiteral("cannot write to standard output")), qPrintable(err));
    }
}

void TestCli::csvExport_cellsNeverStartAFormula()
{
    const QString db = freshCopy();
    QCOMPARE(sitrep({"set", "1", "title", "=HYPERLINK(\"http://evil.example\",\"x\")"}, db).code,
             0);
    // An option value may start with '-' where a positional argument may not.
    QCOMPARE(sitrep({"create", "--title", "-2+3", "--severity", "low"}, db).code, 0);
    QCOMPARE(sitrep({"set", "3", "title", "@SUM(A1:A9)"}, db).code, 0);
    QCOMPARE(sitrep({"assign", "3", "--to", "+cmd"}, db).code, 0);
    Run r = sitrep({"export", "--format", "csv", "--per", "incident"}, db);
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.trimmed().split(u'\n');
    QCOMPARE(lines.size(), 5);
    QVERIFY2(lines[1].contains(QStringLiteral(",\"'=HYPERLINK(\"\"http://evil.example\"\",")),
             qPrintable(lines[1]));
    QVERIFY2(lines[4].contains(QStringLiteral(",'-2+3,")), qPrintable(lines[4]));
    QVERIFY2(lines[3].contains(QStringLiteral(",'@SUM(A1:A9),")), qPrintable(lines[3]));
    QVERIFY2(lines[3].contains(QStringLiteral(",'+cmd,")), qPrintable(lines[3]));
    // No cell of any row starts a formula; the numbers written on purpose stay numbers.
    for (const QString &line : lines.mid(1)) {
        QVERIFY2(!QRegularExpression(QStringLiteral("(^|,)\"?[=+@\\t\\r-]")).match(line).hasMatch(),
                 qPrintable(line));
        bool number = false;
        line.section(u',', -1).toInt(&number);
        QVERIFY2(number, qPrintable(line));
    }
    // The event export too (titles in the head of every row, payload JSON as it is).
    r = sitrep({"export", "--format", "csv"}, db);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QStringLiteral(",'-2+3,")));
    QVERIFY(!r.out.contains(QStringLiteral(",-2+3,")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
