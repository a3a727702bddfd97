// SPDX-License-Identifier: MIT
// The timeline reads as sentences: every kind of event the engine, the services and the
// sync record, and an unknown one from a newer replica, says what happened in words, with
// times as dates; the model itself passes QAbstractItemModelTester.
#include "pm_fixture.h"

#include "itemmodels/incidentdetails.h"
#include "itemmodels/timelinemodel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestTimelineModel : public QObject {
    Q_OBJECT

    static Command record(const QString &uid, const QString &kind, const QJsonObject &payload,
                          const QString &actor = QStringLiteral("system"))
    {
        return Command::make(Command::Kind::Record, uid,
                             {{QStringLiteral("kind"), kind}, {QStringLiteral("payload"), payload}},
                             actor);
    }

private Q_SLOTS:
    void everyKind_hasASentence()
    {
        Env env;
        const QString uid = env.knownIncident();
        QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
        const QString ms = QString::number(T0 + 90 * Min);
        qint64 at = T0 + 80 * Min;
        auto run = [&](Command c) {
            QVERIFY2(!env.run(c, at += Min).isEmpty(), qPrintable(env.error));
        };
        run(Command::make(
            Command::Kind::SetField, uid,
            {{QStringLiteral("field"), QStringLiteral("services")},
             {QStringLiteral("value"), QJsonArray{QStringLiteral("api"), QStringLiteral("db")}}}));
        run(Command::make(Command::Kind::SetField, uid,
                          {{QStringLiteral("field"), QStringLiteral("category")},
                           {QStringLiteral("value"), QString()}}));
        run(Command::make(Command::Kind::Assign, uid,
                          {{QStringLiteral("assignee"), QStringLiteral("erin")}}));
        run(Command::make(Command::Kind::LinkAlert, uid,
                          {{QStringLiteral("alert"), QStringLiteral("am-123")},
                           {QStringLiteral("title"), QStringLiteral("HighLatency")}}));
        run(Command::make(Command::Kind::Approve, uid,
                          {{QStringLiteral("for"), QStringLiteral("*")}},
                          QStringLiteral("marcus")));
        run(Command::make(
            Command::Kind::AttachEvidence, uid,
            {{QStringLiteral("url"), QStringLiteral("https://grafana.example/d/1")}}));
        run(Command::make(Command::Kind::StatusUpdate, uid,
                          {{QStringLiteral("message"), QStringLiteral("Stable")},
                           {QStringLiteral("visibility"), QStringLiteral("external")}}));
        run(Command::make(Command::Kind::AddResponder, uid,
                          {{QStringLiteral("responder"), QStringLiteral("erin")}}));
        run(Command::make(Command::Kind::ActionItem, uid,
                          {{QStringLiteral("title"), QStringLiteral("Alert on pool size")},
                           {QStringLiteral("owner"), QStringLiteral("casey")},
                           {QStringLiteral("due"), QStringLiteral("2026-04-01")}}));
        run(record(uid, QStringLiteral("alert.resolved"),
                   {{QStringLiteral("alert"), QStringLiteral("am-123")},
                    {QStringLiteral("ended_at"), T0 + 85 * Min}}));
        run(record(uid, QStringLiteral("alert.updated"),
                   {{QStringLiteral("alert"), QStringLiteral("am-124")},
                    {QStringLiteral("status"), QStringLiteral("firing")}}));
        run(record(uid, domain::kinds::Reminder,
                   {{QStringLiteral("reminder"), QStringLiteral("no_status_update")},
                    {QStringLiteral("since"), T0},
                    {QStringLiteral("text"), QStringLiteral("No status update for 15m")}}));
        run(record(uid, domain::kinds::Escalation,
                   {{QStringLiteral("contact"), QStringLiteral("dba-oncall")},
                    {QStringLiteral("runbook"), QStringLiteral("slow-query")},
                    {QStringLiteral("rule"), 0},
                    {QStringLiteral("after"), QStringLiteral("10m")},
                    {QStringLiteral("until"), QStringLiteral("acknowledged")},
                    {QStringLiteral("due_at"), ms}}));
        run(record(uid, QStringLiteral("notification.delivered"),
                   {{QStringLiteral("channel"), QStringLiteral("slack_ops")},
                    {QStringLiteral("transport"), QStringLiteral("slack")},
                    {QStringLiteral("attempts"), 1},
                    {QStringLiteral("event_id"), QStringLiteral("e1")}}));
        run(record(uid, QStringLiteral("notification.failed"),
                   {{QStringLiteral("channel"), QStringLiteral("pager")},
                    {QStringLiteral("transport"), QStringLiteral("webhook")},
                    {QStringLiteral("attempts"), 3},
                    {QStringLiteral("error"), QStringLiteral("HTTP 503")}}));
        run(record(uid, QStringLiteral("postmortem.created"),
                   {{QStringLiteral("owners"), QJsonArray{QStringLiteral("casey")}},
                    {QStringLiteral("review_at"), ms},
                    {QStringLiteral("message"), QStringLiteral("x")}}));
        run(record(uid, QStringLiteral("postmortem.status_changed"),
                   {{QStringLiteral("from"), QStringLiteral("draft")},
                    {QStringLiteral("to"), QStringLiteral("in_review")},
                    {QStringLiteral("version"), 2}}));
        run(record(uid, QStringLiteral("postmortem.published"),
                   {{QStringLiteral("from"), QStringLiteral("in_review")},
                    {QStringLiteral("to"), QStringLiteral("published")},
                    {QStringLiteral("version"), 3}}));
        run(record(uid, QStringLiteral("postmortem.restored"),
                   {{QStringLiteral("version"), 4}, {QStringLiteral("from_version"), 1}}));
        run(record(uid, QStringLiteral("runbook.step_checked"),
                   {{QStringLiteral("runbook"), QStringLiteral("slow-query")},
                    {QStringLiteral("runbook_name"), QStringLiteral("Slow Query")},
                    {QStringLiteral("step"), 1},
                    {QStringLiteral("step_name"), QStringLiteral("Find the query")},
                    {QStringLiteral("checked"), true}}));
        run(record(uid, QStringLiteral("runbook.attached"),
                   {{QStringLiteral("runbook"), QStringLiteral("slow-query")}}));
        run(record(
            uid, QStringLiteral("service.health"),
            {{QStringLiteral("service"), QStringLiteral("api")}, {QStringLiteral("severity"), 2}}));
        run(record(uid, QStringLiteral("problem.linked"),
                   {{QStringLiteral("problem"), QStringLiteral("PRB0000001")},
                    {QStringLiteral("title"), QStringLiteral("Pool too small")}}));
        run(record(uid, QStringLiteral("known_error.linked"),
                   {{QStringLiteral("known_error"), QStringLiteral("KE0000001")},
                    {QStringLiteral("title"), QStringLiteral("Pool too small")}}));
        run(record(uid, QStringLiteral("triage.suggested"),
                   {{QStringLiteral("category"), QStringLiteral("database")},
                    {QStringLiteral("priority"), QStringLiteral("P2")},
                    {QStringLiteral("assignment_group"), QStringLiteral("DBA")},
                    {QStringLiteral("confidence"), 0.87},
                    {QStringLiteral("model_version"), QStringLiteral("m-3")}}));
        run(record(uid, QStringLiteral("triage.accepted"),
                   {{QStringLiteral("field"), QStringLiteral("category")},
                    {QStringLiteral("value"), QStringLiteral("database")},
                    {QStringLiteral("model_version"), QStringLiteral("m-3")}}));
        run(record(uid, QStringLiteral("triage.rejected"),
                   {{QStringLiteral("field"), QStringLiteral("priority")},
                    {QStringLiteral("value"), QStringLiteral("P2")},
                    {QStringLiteral("corrected"), QStringLiteral("P1")}}));
        run(record(uid, QStringLiteral("remediation.skipped"),
                   {{QStringLiteral("control"), QStringLiteral("dry_run")},
                    {QStringLiteral("reason"), QStringLiteral("dry run")}}));
        run(record(uid, QStringLiteral("custom.thing_happened"),
                   {{QStringLiteral("started_at"), ms},
                    {QStringLiteral("note"), QStringLiteral("from a newer replica")}}));
        // One nobody touched: both SLA clocks run out.
        const QString late = env.open(QStringLiteral("Nobody looked"), QStringLiteral("high"),
                                      {QStringLiteral("cdn")}, T0);
        QVERIFY(env.engine->checkSla(T0 + 100 * 24 * 60 * Min).ok());

        const auto tl = env.store.timeline(uid) + env.store.timeline(late);
        static const QRegularExpression dump(QStringLiteral("\\b[a-z_]+=\\S")),
            epoch(QStringLiteral("\\d{12,}"));
        QSet<QString> kinds;
        for (const auto &e : tl) {
            kinds.insert(e.kind);
            const QString what = itemmodels::describeTimelineEvent(e);
            const QString label = itemmodels::timelineKindLabel(e.kind);
            QVERIFY2(!what.trimmed().isEmpty(), qPrintable(e.kind));
            QVERIFY2(!dump.match(what).hasMatch(),
                     qPrintable(e.kind + QStringLiteral(": ") + what));
            QVERIFY2(!epoch.match(what).hasMatch(),
                     qPrintable(e.kind + QStringLiteral(": ") + what));
            QVERIFY2(!what.startsWith(e.kind), qPrintable(what));
            QVERIFY2(!label.contains(u'.') && !label.contains(u'_'), qPrintable(label));
        }
        QVERIFY(kinds.size() >= 30);
        // A few in full: what a commander reads.
        auto find = [&](const QString &kind) {
            for (const auto &e : tl)
                if (e.kind == kind)
                    return itemmodels::describeTimelineEvent(e);
            return QString();
        };
        QCOMPARE(find(QStringLiteral("alert.resolved")),
                 QStringLiteral("Alert am-123 resolved at %1")
                     .arg(QDateTime::fromMSecsSinceEpoch(T0 + 85 * Min)
                              .toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        QCOMPARE(find(domain::kinds::StatusUpdate),
                 QStringLiteral("Status update (external): Stable"));
        QVERIFY(find(domain::kinds::SlaBreached)
                    .startsWith(QStringLiteral("Response SLA breached: no response by 20")));
        QVERIFY(find(QStringLiteral("custom.thing_happened"))
                    .startsWith(QStringLiteral("Custom thing happened: ")));
    }

    void model_passesTheTesterThroughAppendsAndFilters()
    {
        Env env;
        const QString uid = env.knownIncident();
        itemmodels::TimelineModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto tl = env.store.timeline(uid);
        m.setEvents(tl.mid(0, 3));
        m.setEvents(tl);
        QCOMPARE(m.rowCount(), int(tl.size()));
        m.setKindFilter({domain::kinds::NoteAdded});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, itemmodels::TimelineModel::Kind).data().toString(),
                 QStringLiteral("Note"));
        m.setKindFilter({});
        m.setEvents(tl.mid(2));
        QCOMPARE(m.rowCount(), int(tl.size()) - 2);
    }
};

QTEST_GUILESS_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
