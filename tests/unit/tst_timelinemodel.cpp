// SPDX-License-Identifier: MIT
// The timeline reads as sentences: every kind of event the engine, the services and the
// sync record, and an unknown one from a newer replica, says what happened in words, with
// times as dates; the model itself passes QAbstractItemModelTester.
#include "pm_fixture.h"

#include "itemmodels/incidentdetails.h"
#include "itemmodels/timelinemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

#include <utility>

using namespace sitrep;
using namespace pmtest;

namespace {

/// Events the services and the sync record, by kind, with their payloads (JSON written with
/// single quotes; $ms stands for a time in milliseconds).
const std::pair<const char *, const char *> kRecordedEvents[] = {
    {"notification.delivered",
     "{'channel': 'slack_ops', 'transport': 'slack', 'attempts': 1, 'event_id': 'e1'}"},
    {"notification.failed",
     "{'channel': 'pager', 'transport': 'webhook', 'attempts': 3, 'error': 'HTTP 503'}"},
    {"postmortem.created", "{'owners': ['casey'], 'review_at': '$ms', 'message': 'x'}"},
    {"postmortem.status_changed", "{'from': 'draft', 'to': 'in_review', 'version': 2}"},
    {"postmortem.published", "{'from': 'in_review', 'to': 'published', 'version': 3}"},
    {"postmortem.restored", "{'version': 4, 'from_version': 1}"},
    {"runbook.step_checked", "{'runbook': 'slow-query', 'runbook_name': 'Slow Query', 'step': 1, "
                             "'step_name': 'Find the query', 'checked': true}"},
    {"runbook.attached", "{'runbook': 'slow-query'}"},
    {"service.health", "{'service': 'api', 'severity': 2}"},
    {"problem.linked", "{'problem': 'PRB0000001', 'title': 'Pool too small'}"},
    {"known_error.linked", "{'known_error': 'KE0000001', 'title': 'Pool too small'}"},
    {"triage.suggested", "{'category': 'database', 'priority': 'P2', 'assignment_group': 'DBA', "
                         "'confidence': 0.87, 'model_version': 'm-3'}"},
    {"triage.accepted", "{'field': 'category', 'value': 'database', 'model_version': 'm-3'}"},
    {"triage.rejected", "{'field': 'priority', 'value': 'P2', 'corrected': 'P1'}"},
    {"remediation.skipped", "{'control': 'dry_run', 'reason': 'dry run'}"},
    {"custom.thing_happened", "{'started_at': '$ms', 'note': 'from a newer replica'}"},
};

} // namespace

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
        for (const auto &[kind, payload] : kRecordedEvents) {
            const QJsonObject p =
                QJsonDocument::fromJson(
                    QByteArray(payload).replace('\'', '"').replace("$ms", ms.toLatin1()))
                    .object();
            QVERIFY2(!p.isEmpty(), kind);
            QVERIFY2(!env.run(record(uid, QLatin1String(kind), p), at += Min).isEmpty(),
                     qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(kind), env.error)));
        }
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
