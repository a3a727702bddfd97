// SPDX-License-Identifier: MIT
// The store's projector: the one fold from events to a row of the incidents projection.
// Hand-written events fold to the expected row; folding an incident's timeline gives the row
// the engine wrote; a rebuild from the log gives the rows, services, search documents and
// dashboard rollups the live path wrote; and the engine, a merge and the bulk loader hash an
// event the same way (domain::chainHash).
#include "unit/coretestutil.h"

#include "domain/event.h"
#include "store/bulkloader.h"
#include "store/incidentcolumns.h"
#include "store/projector.h"

#include <QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <random>

using namespace sitrep;
using namespace sitrep::testing;
using domain::Event;
using domain::Incident;
using engine::Command;
using store::Db;
using store::Stmt;

namespace {

Event makeEvent(const QString &incident, int n, const QString &kind, const QJsonObject &payload,
                qint64 ts)
{
    Event e;
    e.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 10, QLatin1Char('0'));
    e.incidentUid = incident;
    e.ts = ts;
    e.hlc = ts << 16;
    e.actor = QStringLiteral("dana");
    e.kind = kind;
    e.payload = payload;
    e.hash = QString::number(n).repeated(2); // stands for the chain head
    return e;
}

// begin(), add(log) and finish() of a bulk load into `st`: the first failure, if any.
Status bulkLoad(store::Store &st, const QList<Event> &log,
                store::BulkLoader::AfterLoad afterLoad = {})
{
    store::BulkLoader loader(st, std::move(afterLoad));
    if (auto s = loader.begin(); !s)
        return s;
    if (auto s = loader.add(log); !s)
        return s;
    return loader.finish();
}

// Every table the store derives from the log, as text, in key order.
QStringList projectionRows(store::Store &st)
{
    QStringList out;
    for (const char *sql :
         {"SELECT * FROM incidents ORDER BY id",
          "SELECT * FROM incident_services ORDER BY service, incident",
          "SELECT rowid, body, incident FROM search ORDER BY rowid",
          "SELECT * FROM metrics_daily WHERE incidents<>0 ORDER BY service, day, severity, grp",
          "SELECT * FROM metrics_open WHERE open<>0 ORDER BY service, severity, grp"}) {
        const auto rows = testing::queryRows(st, QString::fromLatin1(sql), [](store::RowReader &r) {
            const QVariant v = r.value();
            return v.isNull() ? QStringLiteral("NULL")
                              : QString::fromLatin1(v.toByteArray().toHex());
        });
        if (!rows)
            return {rows.errorMessage()};
        for (const QString &row : *rows)
            out << QString::fromLatin1(sql).section(u' ', 3, 3) + u':' + row;
    }
    return out;
}

QString describe(const Incident &i)
{
    return QStringList{i.uid,
                       i.number,
                       i.title,
                       i.state,
                       QString::number(i.open),
                       QString::number(int(i.severity)),
                       QString::number(int(i.priority)),
                       i.services.join(u','),
                       i.assignee,
                       i.commander,
                       i.responders.join(u','),
                       QString::number(i.createdAt),
                       QString::number(i.acknowledgedAt),
                       QString::number(i.resolvedAt),
                       QString::number(i.updatedAt),
                       QString::number(i.responseDue),
                       QString::number(i.resolutionDue),
                       QString::number(i.slaPausedMs),
                       QString::number(i.slaPausedSince),
                       i.resolutionNote,
                       i.headHash,
                       QString::number(i.eventCount)}
        .join(u'\n');
}

} // namespace

class TestProjector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void apply_handWrittenEvents_foldTheRow()
    {
        const QString uid = QStringLiteral("6f9619ff-8b86-4011-b42d-00c04fc964ff");
        const qint64 t = baseTime();
        Incident inc;
        store::applyEvent(
            inc, makeEvent(uid, 1, domain::kinds::Opened,
                           {{QStringLiteral("number"), QStringLiteral("INC0000007")},
                            {QStringLiteral("title"), QStringLiteral("Checkout 502s")},
                            {QStringLiteral("severity"), QStringLiteral("high")},
                            {QStringLiteral("priority"), QStringLiteral("P2")},
                            {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout")}},
                            {QStringLiteral("state"), QStringLiteral("triggered")},
                            {QStringLiteral("open"), true},
                            {QStringLiteral("sla"), QStringLiteral("running")},
                            {QStringLiteral("response_minutes"), 15},
                            {QStringLiteral("resolution_minutes"), 240}},
                           t));
        QCOMPARE(inc.uid, uid);
        QCOMPARE(inc.number, QStringLiteral("INC0000007"));
        QCOMPARE(inc.state, QStringLiteral("triggered"));
        QVERIFY(inc.open);
        QCOMPARE(inc.services, QStringList{QStringLiteral("checkout")});
        QCOMPARE(inc.createdAt, t);
        QCOMPARE(inc.responseDue, t + 15 * kMinute);
        QCOMPARE(inc.resolutionDue, t + 240 * kMinute);
        QCOMPARE(inc.eventCount, qint64(1));

        // Paused for ten minutes while waiting on a vendor: the deadlines move with it.
        store::applyEvent(inc,
                          makeEvent(uid, 2, domain::kinds::Transitioned,
                                    {{QStringLiteral("from"), QStringLiteral("triggered")},
                                     {QStringLiteral("to"), QStringLiteral("waiting")},
                                     {QStringLiteral("stamps"), QStringLiteral("acknowledged")},
                                     {QStringLiteral("sla"), QStringLiteral("paused")}},
                                    t + 5 * kMinute));
        QCOMPARE(inc.acknowledgedAt, t + 5 * kMinute);
        QCOMPARE(inc.slaPausedSince, t + 5 * kMinute);
        store::applyEvent(inc, makeEvent(uid, 3, domain::kinds::Transitioned,
                                         {{QStringLiteral("from"), QStringLiteral("waiting")},
                                          {QStringLiteral("to"), QStringLiteral("investigating")},
                                          {QStringLiteral("sla"), QStringLiteral("running")}},
                                         t + 15 * kMinute));
        QCOMPARE(inc.slaPausedSince, qint64(0));
        QCOMPARE(inc.slaPausedMs, 10 * kMinute);
        QCOMPARE(inc.resolutionDue, t + 250 * kMinute);

        // A transition from a state the incident already left is a conflict: not applied.
        store::applyEvent(inc, makeEvent(uid, 4, domain::kinds::Transitioned,
                                         {{QStringLiteral("from"), QStringLiteral("triggered")},
                                          {QStringLiteral("to"), QStringLiteral("closed")},
                                          {QStringLiteral("open"), false},
                                          {QStringLiteral("stamps"), QStringLiteral("closed")}},
                                         t + 16 * kMinute));
        QCOMPARE(inc.state, QStringLiteral("investigating"));
        QVERIFY(inc.open);

        // Background events count, but do not make the incident look touched.
        store::applyEvent(inc, makeEvent(uid, 5, domain::kinds::SlaBreached,
                                         {{QStringLiteral("sla"), QStringLiteral("response")}},
                                         t + 20 * kMinute));
        QCOMPARE(inc.slaBreached, int(domain::SlaResponseBreached));
        QCOMPARE(inc.updatedAt, t + 16 * kMinute);

        store::applyEvent(
            inc, makeEvent(uid, 6, domain::kinds::FieldSet,
                           {{QStringLiteral("field"), QStringLiteral("resolution_note")},
                            {QStringLiteral("value"), QStringLiteral("Rolled back release 42")}},
                           t + 30 * kMinute));
        store::applyEvent(inc, makeEvent(uid, 7, domain::kinds::Transitioned,
                                         {{QStringLiteral("from"), QStringLiteral("investigating")},
                                          {QStringLiteral("to"), QStringLiteral("resolved")},
                                          {QStringLiteral("open"), false},
                                          {QStringLiteral("stamps"), QStringLiteral("resolved")},
                                          {QStringLiteral("sla"), QStringLiteral("stopped")}},
                                         t + 40 * kMinute));
        QCOMPARE(inc.state, QStringLiteral("resolved"));
        QVERIFY(!inc.open);
        QCOMPARE(inc.resolvedAt, t + 40 * kMinute);
        QCOMPARE(inc.resolutionNote, QStringLiteral("Rolled back release 42"));
        QCOMPARE(inc.eventCount, qint64(7));
        QCOMPARE(inc.headHash, QStringLiteral("77")); // the last event's hash is the chain head
    }

    // The opening reads its payload in one walk over the keys: each name it reads gives what a
    // lookup of that name gives, whatever else the payload carries (names that sort before,
    // between and after the ones it reads, values of another type), and a name it lacks
    // gives what an empty payload gives.
    void apply_opening_readsEachNameAsALookupWould()
    {
        const QString uid = QStringLiteral("6f9619ff-8b86-4011-b42d-00c04fc964ff");
        const qint64 t = baseTime();
        const QStringList texts = {QStringLiteral("number"),
                                   QStringLiteral("title"),
                                   QStringLiteral("description"),
                                   QStringLiteral("severity"),
                                   QStringLiteral("priority"),
                                   QStringLiteral("impact"),
                                   QStringLiteral("urgency"),
                                   QStringLiteral("category"),
                                   QStringLiteral("subcategory"),
                                   QStringLiteral("assignee"),
                                   QStringLiteral("assignment_group"),
                                   QStringLiteral("reporter"),
                                   QStringLiteral("commander"),
                                   QStringLiteral("state"),
                                   QStringLiteral("sla")};
        const QStringList lists = {QStringLiteral("services"), QStringLiteral("cis"),
                                   QStringLiteral("alerts")};
        const QStringList numbers = {QStringLiteral("response_minutes"),
                                     QStringLiteral("resolution_minutes")};
        // Not read by an opening: folded by other events, or by nothing.
        const QStringList others = {QStringLiteral("a"),          QStringLiteral("alert"),
                                    QStringLiteral("numbers"),    QStringLiteral("responders"),
                                    QStringLiteral("root_cause"), QStringLiteral("time_spent"),
                                    QStringLiteral("titlex"),     QStringLiteral("zz"),
                                    QStringLiteral("Title")};
        const QStringList severities = {QStringLiteral("critical"), QStringLiteral("sev2"),
                                        QStringLiteral("3"), QStringLiteral("p4"),
                                        QStringLiteral("nonsense")};
        const QStringList slaModes = {QStringLiteral("running"), QStringLiteral("paused"),
                                      QStringLiteral("stopped"), QStringLiteral("other")};
        std::mt19937 rng(20261208);
        const auto pick = [&rng](int n) { return int(rng() % unsigned(n)); };
        for (int round = 0; round < 2000; ++round) {
            QJsonObject p;
            const auto someValue = [&](const QString &name) -> QJsonValue {
                switch (pick(6)) {
                case 0:
                    return 17;
                case 1:
                    return true;
                case 2:
                    return QJsonArray{name};
                case 3:
                    return QJsonObject{{name, 1}};
                default:
                    return name + QString::number(pick(3)) + QStringLiteral(" \u00e9");
                }
            };
            for (const QString &name : texts) {
                if (pick(3) == 0)
                    continue;
                QJsonValue v = QStringLiteral("%1 %2").arg(name).arg(pick(100));
                if (name == u"severity")
                    v = severities.at(pick(int(severities.size())));
                else if (name == u"priority")
                    v = QStringLiteral("P%1").arg(pick(6));
                else if (name == u"sla")
                    v = slaModes.at(pick(int(slaModes.size())));
                p.insert(name, pick(8) == 0 ? someValue(name) : v);
            }
            for (const QString &name : lists) {
                if (pick(3) == 0)
                    continue;
                QJsonArray a;
                for (int i = pick(4); i > 0; --i)
                    a.append(QStringLiteral("%1-%2").arg(name).arg(pick(3))); // repeats too
                p.insert(name, pick(8) == 0 ? someValue(name) : QJsonValue(a));
            }
            for (const QString &name : numbers)
                if (pick(3) != 0)
                    p.insert(name, pick(8) == 0 ? someValue(name) : QJsonValue(pick(300) - 20));
            if (pick(3) != 0)
                p.insert(QStringLiteral("open"), pick(8) == 0 ? someValue(QStringLiteral("open"))
                                                              : QJsonValue(pick(2) == 0));
            for (const QString &name : others)
                if (pick(2) == 0)
                    p.insert(name, someValue(name));

            Incident inc;
            store::applyEvent(inc, makeEvent(uid, round + 1, domain::kinds::Opened, p, t));
            const auto text = [&p](const char *name) {
                return p.value(QLatin1String(name)).toString();
            };
            const auto list = [&p](const char *name) {
                QStringList out;
                for (const auto &v : p.value(QLatin1String(name)).toArray())
                    out << v.toString();
                return out;
            };
            const QByteArray where = QJsonDocument(p).toJson(QJsonDocument::Compact);
            QVERIFY2(inc.uid == uid, where.constData());
            QVERIFY2(inc.number == text("number"), where.constData());
            QVERIFY2(inc.title == text("title"), where.constData());
            QVERIFY2(inc.description == text("description"), where.constData());
            QVERIFY2(inc.severity == domain::parseSeverity(text("severity")), where.constData());
            QVERIFY2(inc.priority == domain::parsePriority(text("priority")), where.constData());
            QVERIFY2(inc.impact == text("impact"), where.constData());
            QVERIFY2(inc.urgency == text("urgency"), where.constData());
            QVERIFY2(inc.category == text("category"), where.constData());
            QVERIFY2(inc.subcategory == text("subcategory"), where.constData());
            QVERIFY2(inc.assignee == text("assignee"), where.constData());
            QVERIFY2(inc.assignmentGroup == text("assignment_group"), where.constData());
            QVERIFY2(inc.reporter == text("reporter"), where.constData());
            QVERIFY2(inc.commander == text("commander"), where.constData());
            QVERIFY2(inc.services == list("services"), where.constData());
            QVERIFY2(inc.cis == list("cis"), where.constData());
            QStringList alerts = list("alerts");
            alerts.removeDuplicates(); // a link folded twice counts once
            QVERIFY2(inc.alerts == alerts, where.constData());
            QVERIFY2(inc.alertCount == alerts.size(), where.constData());
            // Folded by other events only.
            QVERIFY2(inc.responders.isEmpty() && inc.rootCause.isEmpty() &&
                         inc.timeSpentMinutes == 0 && inc.extra.isEmpty(),
                     where.constData());
            QVERIFY2(inc.state == text("state"), where.constData());
            QVERIFY2(inc.open == p.value(QLatin1String("open")).toBool(true), where.constData());
            QVERIFY2(inc.createdAt == t, where.constData());
            const auto due = [&p, t](const char *name) -> qint64 {
                if (!p.contains(QLatin1String(name)))
                    return 0;
                const qint64 r = p.value(QLatin1String(name)).toInteger();
                return r > 0 ? t + r * kMinute : 0;
            };
            QVERIFY2(inc.responseDue == due("response_minutes"), where.constData());
            QVERIFY2(inc.resolutionDue == due("resolution_minutes"), where.constData());
            const bool pauses = text("sla") == u"paused" || text("sla") == u"stopped";
            QVERIFY2(inc.slaPausedSince == (pauses ? t : 0), where.constData());
            QVERIFY2(inc.eventCount == 1, where.constData());
        }
    }

    void apply_timeline_equalsTheStoredRow()
    {
        CoreFixture fx;
        const QString a = fx.open(QStringLiteral("Payments timeouts"), QStringLiteral("critical"));
        const QString b = fx.open(QStringLiteral("Search slow"), QStringLiteral("low"));
        QVERIFY(fx.transition(a, QStringLiteral("investigating")).ok());
        QVERIFY(fx.run(Command::Kind::Note, a,
                       {{QStringLiteral("text"), QStringLiteral("looking at the gateway")}})
                    .ok());
        QVERIFY(fx.run(Command::Kind::SetCommander, a,
                       {{QStringLiteral("commander"), QStringLiteral("erin")}})
                    .ok());
        QVERIFY(
            fx.run(Command::Kind::Assign, b, {{QStringLiteral("assignee"), QStringLiteral("sam")}})
                .ok());
        fx.clock.advance(3 * kHour);
        QVERIFY(fx.eng().checkSla(fx.clock.nowMs()).ok());
        QVERIFY(fx.transition(a, QStringLiteral("resolved"), resolution()).ok());
        for (const QString &ref : {a, b}) {
            const Incident stored = fx.get(ref);
            QList<Event> timeline = fx.store.timeline(stored.uid);
            QVERIFY(timeline.size() > 1);
            Incident folded;
            for (const Event &e : std::as_const(timeline))
                store::applyEvent(folded, e);
            QCOMPARE(describe(folded), describe(stored));
        }
    }

    void rebuild_equalsIncremental()
    {
        CoreFixture fx;
        QStringList refs;
        for (int i = 0; i < 12; ++i) {
            refs << fx.open(QJsonObject{
                {QStringLiteral("title"), QStringLiteral("Incident %1").arg(i)},
                {QStringLiteral("severity"),
                 i % 2 ? QStringLiteral("high") : QStringLiteral("low")},
                {QStringLiteral("services"),
                 QJsonArray{i % 3 ? QStringLiteral("checkout") : QStringLiteral("search")}}});
            fx.clock.advance(7 * kMinute);
        }
        for (int i = 0; i < refs.size(); ++i) {
            if (i % 2 == 0)
                QVERIFY(fx.transition(refs[i], QStringLiteral("investigating")).ok());
            if (i % 3 == 0)
                QVERIFY(fx.run(Command::Kind::Note, refs[i],
                               {{QStringLiteral("text"), QStringLiteral("note %1").arg(i)}})
                            .ok());
            if (i % 4 == 0)
                QVERIFY(fx.run(Command::Kind::SetField, refs[i],
                               {{QStringLiteral("field"), QStringLiteral("services")},
                                {QStringLiteral("value"), QJsonArray{QStringLiteral("payments")}}})
                            .ok());
            if (i % 5 == 0)
                QVERIFY(fx.transition(refs[i], QStringLiteral("resolved"), resolution()).ok());
            fx.clock.advance(11 * kMinute);
        }
        fx.clock.advance(5 * kHour);
        QVERIFY(fx.eng().checkSla(fx.clock.nowMs()).ok());
        const QStringList live = projectionRows(fx.store);
        QVERIFY(live.size() > 40);
        QVERIFY(fx.store.rebuildProjection().ok());
        QCOMPARE(projectionRows(fx.store), live);
        // Inside a transaction it leaves committing to the caller.
        QVERIFY(fx.store.db().begin().ok());
        QVERIFY(fx.store.rebuildProjection().ok());
        QVERIFY(fx.store.db().inTransaction());
        QVERIFY(fx.store.db().commit().ok());
        QCOMPARE(projectionRows(fx.store), live);
        const auto rep = fx.store.verify();
        QVERIFY2(rep.ok, qPrintable(rep.faults.join(u'\n')));
    }

    // An incident write sets only the indexed columns whose value changed (each index on a
    // column an UPDATE sets is rewritten): a note sets none of the columns the list's indexes
    // are on, an assignment sets the assignee, and a write with nothing changed writes
    // nothing. The unindexed text columns go with every UPDATE (cheaper than SQLite copying
    // them from the old row), and no index or trigger reads them.
    void update_setsOnlyTheColumnsThatChanged()
    {
        QStringList unindexed;
        for (const char *c : store::kIncidentUnindexedTextColumns)
            unindexed << QString::fromLatin1(c);
        CoreFixture fx;
        const QString a = fx.open(QStringLiteral("Payments timeouts"), QStringLiteral("critical"));
        Db &db = fx.store.db();
        QVERIFY(db.exec(QStringLiteral("CREATE TEMP TABLE sets(col TEXT)")).ok());
        const QStringList cols =
            QString::fromLatin1(store::kIncidentColumns).split(QStringLiteral(", ")).mid(1);
        for (const QString &c : cols)
            QVERIFY(db.exec(QStringLiteral("CREATE TEMP TRIGGER set_%1 AFTER UPDATE OF %1 ON "
                                           "incidents BEGIN INSERT INTO sets VALUES('%1'); END")
                                .arg(c))
                        .ok());
        const auto setColumns = [&] {
            QStringList out;
            Stmt *q = db.prepare(QStringLiteral("SELECT col FROM sets ORDER BY col"));
            while (q->step())
                out << store::RowReader(*q).text();
            q->reset();
            (void)db.exec(QStringLiteral("DELETE FROM sets"));
            return out;
        };
        fx.clock.advance(kMinute);
        QVERIFY(fx.run(Command::Kind::Note, a,
                       {{QStringLiteral("text"), QStringLiteral("looking at the gateway")}})
                    .ok());
        QStringList noted = unindexed;
        noted << QStringLiteral("event_count") << QStringLiteral("head_hash")
              << QStringLiteral("updated_at");
        std::sort(noted.begin(), noted.end());
        QCOMPARE(setColumns(), noted);
        fx.clock.advance(kMinute);
        QVERIFY(
            fx.run(Command::Kind::Assign, a, {{QStringLiteral("assignee"), QStringLiteral("sam")}})
                .ok());
        const QStringList assigned = setColumns();
        QVERIFY2(assigned.contains(QStringLiteral("assignee")), qPrintable(assigned.join(u' ')));
        for (const QString &untouched :
             {QStringLiteral("title"), QStringLiteral("severity"), QStringLiteral("number"),
              QStringLiteral("state"), QStringLiteral("created_at"), QStringLiteral("commander")})
            QVERIFY2(!assigned.contains(untouched), qPrintable(untouched));
        // Nothing changed: no UPDATE at all.
        Incident inc = fx.get(a);
        const Incident before = inc;
        const int changes = sqlite3_total_changes(db.handle());
        QVERIFY(fx.store.writeIncident(inc, &before).ok());
        QCOMPARE(sqlite3_total_changes(db.handle()), changes);
        QCOMPARE(setColumns(), QStringList{});
        // And what was written in parts is what a rebuild writes whole.
        const QStringList live = projectionRows(fx.store);
        QVERIFY(fx.store.rebuildProjection().ok());
        QCOMPARE(projectionRows(fx.store), live);
    }

    // The text columns every incident UPDATE sets, changed or not, are in no index (not even
    // a UNIQUE one, an expression or a partial index's condition) and no trigger reads them:
    // setting one to the value it has must rewrite nothing and fire nothing.
    void unindexedTextColumns_areInNoIndexAndNoTrigger()
    {
        CoreFixture fx;
        Db &db = fx.store.db();
        QStringList indexed, schema;
        Stmt *ix = db.prepare(QStringLiteral("SELECT name FROM pragma_index_list('incidents')"));
        QStringList indexes;
        while (ix->step())
            indexes << store::RowReader(*ix).text();
        ix->reset();
        QVERIFY(indexes.size() > 10);
        for (const QString &index : std::as_const(indexes)) {
            auto q = db.prepareOnce(
                QStringLiteral("SELECT name FROM pragma_index_xinfo('%1') WHERE key AND name IS "
                               "NOT NULL")
                    .arg(index));
            while (q->step())
                indexed << store::RowReader(*q).text();
        }
        auto q = db.prepareOnce(
            QStringLiteral("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND ((type='index' "
                           "AND tbl_name='incidents') OR type='trigger')"));
        while (q->step())
            schema << store::RowReader(*q).text();
        QVERIFY(!schema.isEmpty());
        QStringList textColumns;
        auto t = db.prepareOnce(
            QStringLiteral("SELECT name FROM pragma_table_info('incidents') WHERE type='TEXT'"));
        while (t->step())
            textColumns << store::RowReader(*t).text();
        for (const char *c : store::kIncidentUnindexedTextColumns) {
            const QString col = QString::fromLatin1(c);
            QVERIFY2(textColumns.contains(col), c);
            QVERIFY2(!indexed.contains(col), c);
            const QRegularExpression word(QStringLiteral("\\b%1\\b").arg(col));
            for (const QString &sql : std::as_const(schema))
                QVERIFY2(!sql.contains(word), qPrintable(col + QStringLiteral(": ") + sql));
        }
    }

    // The bulk load's row insert (uid and head hash handed over as bytes) writes exactly the
    // row and alert links writeIncident(incident, &incident) writes: no search document, no
    // services (the bulk load writes those set-wise).
    void insertIncidentRow_writesWhatWriteIncidentWrites()
    {
        CoreFixture a;
        const QString ref = a.open(QStringLiteral("Checkout \"5xx\" ünïcode \U0001F525"),
                                   QStringLiteral("critical"));
        QVERIFY(
            a.run(Command::Kind::Assign, ref, {{QStringLiteral("assignee"), QStringLiteral("sam")}})
                .ok());
        QVERIFY(a.transition(ref, QStringLiteral("investigating")).ok());
        Incident inc = a.get(ref);
        QVERIFY(!inc.headHash.isEmpty());
        inc.services = {QStringLiteral("checkout"), QStringLiteral("pay\"ments")};
        inc.alerts = {QStringLiteral("alert-1"), QStringLiteral("alert-2")};
        inc.alertCount = 2;
        const auto rows = [](store::Store &st) {
            QStringList out = projectionRows(st);
            const auto links = testing::queryRows(
                st,
                QStringLiteral("SELECT incident, alert, ord FROM incident_alerts ORDER BY 1, 3"));
            out << (links ? *links : QStringList{links.errorMessage()});
            return out;
        };
        CoreFixture viaWrite, viaInsert;
        Incident w = inc, i = inc;
        w.rowid = i.rowid = 0;
        w.alertsInTable = i.alertsInTable = 0;
        QVERIFY(viaWrite.store.writeIncident(w, &w).ok());
        const Status s =
            viaInsert.store.insertIncidentRow(i, QUuid::fromString(inc.uid).toRfc4122(),
                                              QByteArray::fromHex(inc.headHash.toLatin1()));
        QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
        QCOMPARE(i.rowid, w.rowid);
        QCOMPARE(i.alertsInTable, qint64(2));
        const QStringList written = rows(viaWrite.store);
        QVERIFY(written.size() > 3);
        QVERIFY(!written.join(u'\n').contains(QStringLiteral("search:")));
        QCOMPARE(rows(viaInsert.store), written);
        // A uid that is already there: the unique key refuses it, with the incident named.
        Incident again = inc;
        again.rowid = 0;
        const Status dupe = viaInsert.store.insertIncidentRow(
            again, QUuid::fromString(inc.uid).toRfc4122(), QByteArray(32, 'x'));
        QVERIFY(!dupe.ok());
        QVERIFY2(dupe.errorMessage().contains(inc.number), qPrintable(dupe.errorMessage()));
    }

    // A batch of rows converted ahead (as the bulk load fills one on another thread while it
    // writes the previous one) writes, row after row, exactly what writeIncident writes for
    // each: text in any script, escapes in lists, empty values (empty text, not NULL), no
    // head hash, alert links, and a row id given or left to SQLite.
    void insertIncidentRows_batchWritesWhatWriteIncidentWrites()
    {
        CoreFixture a;
        const QString first = a.open(QStringLiteral("Checkout \"5xx\" ünïcode \U0001F525"),
                                     QStringLiteral("critical"));
        QVERIFY(a.transition(first, QStringLiteral("investigating")).ok());
        const QString second = a.open(QStringLiteral("Ошибка оплаты"), QStringLiteral("low"));
        QVERIFY(a.run(Command::Kind::Assign, second,
                      {{QStringLiteral("assignee"), QStringLiteral("é")}})
                    .ok());
        const QString third = a.open(QStringLiteral("Disk full"), QStringLiteral("high"));
        QList<Incident> incidents{a.get(first), a.get(second), a.get(third)};
        incidents[0].services = {QStringLiteral("checkout"), QStringLiteral("pay\"ments")};
        incidents[0].alerts = {QStringLiteral("alert-1"), QStringLiteral("alert-2")};
        incidents[0].alertCount = 2;
        incidents[1].headHash.clear();
        incidents[1].extra[QStringLiteral("postmortem")] = QStringLiteral("draft");
        incidents[2].description.clear();
        const auto rows = [](store::Store &st) {
            QStringList out = projectionRows(st);
            const auto links = testing::queryRows(
                st, QStringLiteral(
                        "SELECT incident, alert, ord, once FROM incident_alerts ORDER BY 1, 3"));
            out << (links ? *links : QStringList{links.errorMessage()});
            // Each value's type too: the rows above are bytes, the same for text and a blob.
            QStringList types;
            for (const QString &c : QString::fromLatin1(store::kIncidentColumns).split(u','))
                types << QStringLiteral("typeof(%1)").arg(c.trimmed());
            const auto typed = testing::queryRows(
                st, QStringLiteral("SELECT %1 FROM incidents ORDER BY id").arg(types.join(u',')));
            out << (typed ? *typed : QStringList{typed.errorMessage()});
            return out;
        };
        CoreFixture viaWrite, viaBatch;
        QList<Incident> written = incidents, batched = incidents;
        store::IncidentRowBatch batch;
        for (qsizetype k = 0; k < incidents.size(); ++k) {
            written[k].alertsInTable = batched[k].alertsInTable = 0;
            written[k].rowid = batched[k].rowid = 0;
            QVERIFY(viaWrite.store.writeIncident(written[k], &written[k]).ok());
            batch.add(batched[k], QUuid::fromString(incidents[k].uid).toRfc4122(),
                      QByteArray::fromHex(incidents[k].headHash.toLatin1()));
        }
        QCOMPARE(batch.size(), qsizetype(3));
        const Status s = viaBatch.store.insertIncidentRows(batch);
        QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
        for (qsizetype k = 0; k < incidents.size(); ++k) {
            QCOMPARE(batched[k].rowid, written[k].rowid);
            QCOMPARE(batched[k].alertsInTable, written[k].alertsInTable);
        }
        const QStringList expected = rows(viaWrite.store);
        QVERIFY(expected.join(u'\n').contains(
            QString::fromLatin1(QStringLiteral("Ошибка оплаты").toUtf8().toHex())));
        QCOMPARE(rows(viaBatch.store), expected);
        // Row ids given (the bulk load numbers its rows itself) are the rows' ids.
        CoreFixture viaIds;
        QList<Incident> numbered = incidents;
        store::IncidentRowBatch idBatch;
        for (qsizetype k = 0; k < numbered.size(); ++k) {
            numbered[k].rowid = 10 + k;
            numbered[k].alertsInTable = 0;
            idBatch.add(numbered[k], QUuid::fromString(numbered[k].uid).toRfc4122(), {});
        }
        QVERIFY(viaIds.store.insertIncidentRows(idBatch).ok());
        const auto ids = testing::queryRows(
            viaIds.store, QStringLiteral("SELECT id, number FROM incidents ORDER BY id"));
        QVERIFY(ids);
        QCOMPARE(*ids, (QStringList{QStringLiteral("10|") + incidents[0].number,
                                    QStringLiteral("11|") + incidents[1].number,
                                    QStringLiteral("12|") + incidents[2].number}));
        // A batch whose second row repeats a uid: the rows before it are written, the error
        // names the incident, and the caller's transaction decides (the bulk load cancels).
        CoreFixture viaBad;
        QList<Incident> bad{incidents[0], incidents[0]};
        store::IncidentRowBatch badBatch;
        for (Incident &i : bad) {
            i.rowid = 0;
            i.alertsInTable = 0;
            badBatch.add(i, QUuid::fromString(i.uid).toRfc4122(), QByteArray(32, 'x'));
        }
        const Status dupe = viaBad.store.insertIncidentRows(badBatch);
        QVERIFY(!dupe.ok());
        QVERIFY2(dupe.errorMessage().contains(incidents[0].number),
                 qPrintable(dupe.errorMessage()));
        // Emptied, a batch takes new rows (the bulk load reuses two).
        badBatch.clear();
        QCOMPARE(badBatch.size(), qsizetype(0));
    }

    // finish() builds the indexes reading through a memory map, with temporary storage in
    // files (sorted runs), and puts the connection's settings back whether the load commits
    // or fails (a failed load leaves nothing behind).
    void bulkLoad_mapsTheDatabaseWhileItFinishes_thenPutsTheSettingBack()
    {
        CoreFixture a;
        const QString ref = a.open(QStringLiteral("Disk full on db-3"), QStringLiteral("high"));
        QVERIFY(a.transition(ref, QStringLiteral("investigating")).ok());
        const QList<Event> log = a.store.eventsAfter(0, 100);
        const auto pragma = [](store::Store &st, const char *name) {
            return st.db().scalar(QStringLiteral("PRAGMA %1").arg(QLatin1String(name)), {}, -1);
        };
        const auto mmapSize = [&](store::Store &st) { return pragma(st, "mmap_size"); };
        for (const bool fails : {true, false}) {
            CoreFixture b;
            const qint64 before = mmapSize(b.store);
            const qint64 tempStore = pragma(b.store, "temp_store"),
                         cacheSize = pragma(b.store, "cache_size"),
                         threads = pragma(b.store, "threads");
            QCOMPARE(tempStore, qint64(2)); // Store::open() keeps temporary tables in memory
            qint64 during = -1, tempDuring = -1, cacheDuring = 0;
            store::BulkLoader loader(b.store, [&](store::Store &st, const QSet<QString> &) {
                during = mmapSize(st);
                tempDuring = pragma(st, "temp_store");
                cacheDuring = pragma(st, "cache_size");
                return fails ? Status::fail(QStringLiteral("projection refused")) : Status{};
            });
            QVERIFY(loader.begin().ok());
            QVERIFY(loader.add(log).ok());
            QCOMPARE(loader.finish().ok(), !fails);
            QVERIFY2(during > (qint64(1) << 30), qPrintable(QString::number(during)));
            QCOMPARE(tempDuring, qint64(1));  // files, for the whole load
            QCOMPARE(cacheDuring, cacheSize); // the small cache was for the index builds only
            QCOMPARE(mmapSize(b.store), before);
            QCOMPARE(pragma(b.store, "temp_store"), tempStore);
            QCOMPARE(pragma(b.store, "cache_size"), cacheSize);
            QCOMPARE(pragma(b.store, "threads"), threads);
            QCOMPARE(b.store.maxSeq(), fails ? qint64(0) : qint64(log.size()));
            QCOMPARE(b.store.incidentCount(), fails ? qint64(0) : qint64(1));
        }
    }

    // The bulk load builds search on a thread of its own in a scratch database and copies it
    // in: the documents are the ones the live path wrote (Store::searchDocument), the index
    // is whole and answers the same, live writes after the load go on in it, and no scratch
    // file stays behind, whether the load commits or fails.
    void bulkLoad_search_builtBesideAndCopiedIn_isTheLivePaths()
    {
        QTemporaryDir tmp;
        const QByteArray tmpdirBefore = qgetenv("TMPDIR");
        qputenv("TMPDIR", tmp.path().toUtf8());
        const auto restoreTmp = qScopeGuard([&] {
            if (tmpdirBefore.isNull())
                qunsetenv("TMPDIR");
            else
                qputenv("TMPDIR", tmpdirBefore);
        });
        CoreFixture a;
        QStringList refs;
        for (int i = 0; i < 30; ++i) {
            const QString ref = a.open(QJsonObject{
                {QStringLiteral("title"), QStringLiteral("Disk full on db-%1").arg(i)},
                {QStringLiteral("severity"), QStringLiteral("high")},
                {QStringLiteral("services"),
                 QJsonArray{QStringLiteral("checkout"), QStringLiteral("pay-%1").arg(i % 3)}}});
            QVERIFY(!ref.isEmpty());
            refs << ref;
        }
        QVERIFY(a.run(Command::Kind::Assign, refs[4],
                      {{QStringLiteral("assignee"), QStringLiteral("samira")}})
                    .ok());
        QVERIFY(a.run(Command::Kind::Note, refs[7],
                      {{QStringLiteral("text"), QStringLiteral("rolled back the zebra deploy")}})
                    .ok());
        const QList<Event> log = a.store.eventsAfter(0, 1000);
        const auto searchRows = [](store::Store &st) {
            const auto rows = testing::queryRows(
                st, QStringLiteral("SELECT rowid, body, incident FROM search ORDER BY rowid"));
            return rows ? *rows : QStringList{rows.errorMessage()};
        };
        const auto whole = [](store::Store &st) {
            return st.db()
                .exec(QStringLiteral("INSERT INTO search(search) VALUES('integrity-check')"))
                .ok();
        };
        const auto found = [](store::Store &st, const QString &words) {
            store::ListQuery q;
            q.search = words;
            return st.count(q);
        };
        const auto scratchFiles = [&] {
            return QDir(tmp.path()).entryList(QDir::Files | QDir::NoDotAndDotDot);
        };
        {
            CoreFixture b;
            const Status done = bulkLoad(b.store, log);
            QVERIFY2(done.ok(), qPrintable(done.errorMessage()));
            QCOMPARE(scratchFiles(), QStringList{});
            QCOMPARE(searchRows(b.store), searchRows(a.store));
            QVERIFY(whole(b.store));
            for (const QString &words :
                 {QStringLiteral("disk"), QStringLiteral("db-17"), QStringLiteral("checkout"),
                  QStringLiteral("pay-2"), QStringLiteral("samira"), QStringLiteral("zebra"),
                  refs[12]}) {
                QVERIFY2(found(b.store, words) > 0, qPrintable(words));
                QCOMPARE(found(b.store, words), found(a.store, words));
            }
            // Live writes go on in the copied index.
            QVERIFY(b.eng()
                        .execute(Command::note(log.first().incidentUid,
                                               QStringLiteral("quokka sighted in the rack")))
                        .ok());
            QCOMPARE(found(b.store, QStringLiteral("quokka")), qint64(1));
            // (b numbers its own incidents apart from a's, as a replica that syncs does.)
            QVERIFY(b.store.setMeta(QStringLiteral("number_prefix"), QStringLiteral("B")).ok());
            QVERIFY(
                !b.open(QStringLiteral("Pelican on the roof"), QStringLiteral("low")).isEmpty());
            QCOMPARE(found(b.store, QStringLiteral("pelican")), qint64(1));
            QVERIFY(whole(b.store));
        }
        {
            CoreFixture c;
            QStringList during;
            QVERIFY(!bulkLoad(c.store, log, [&](store::Store &, const QSet<QString> &) {
                         during = scratchFiles();
                         return Status::fail(QStringLiteral("projection refused"));
                     }).ok());
            QCOMPARE(during.size(), 1); // the scratch database, there until the load ends
            QVERIFY2(during.first().startsWith(QStringLiteral("sitrep-search-")),
                     qPrintable(during.first()));
            QCOMPARE(scratchFiles(), QStringList{});
            QCOMPARE(c.store.incidentCount(), qint64(0));
            QVERIFY(whole(c.store));
            QVERIFY(
                !c.open(QStringLiteral("Pelican on the roof"), QStringLiteral("low")).isEmpty());
            QCOMPARE(found(c.store, QStringLiteral("pelican")), qint64(1));
        }
        {
            // No temporary folder to write in: search is written in place and the sorts stay
            // in memory; the result is the same.
            CoreFixture d; // its folder made first
            QFile notAFolder(tmp.filePath(QStringLiteral("not-a-folder")));
            QVERIFY(notAFolder.open(QIODevice::WriteOnly));
            notAFolder.close();
            qputenv("TMPDIR", notAFolder.fileName().toUtf8());
            qint64 tempDuring = -1;
            const Status done =
                bulkLoad(d.store, log, [&](store::Store &st, const QSet<QString> &) {
                    tempDuring = st.db().scalar(QStringLiteral("PRAGMA temp_store"), {}, -1);
                    return Status{};
                });
            QVERIFY2(done.ok(), qPrintable(done.errorMessage()));
            qputenv("TMPDIR", tmp.path().toUtf8());
            QCOMPARE(tempDuring, qint64(2));
            QCOMPARE(searchRows(d.store), searchRows(a.store));
            QVERIFY(whole(d.store));
            QCOMPARE(found(d.store, QStringLiteral("zebra")), qint64(1));
            QCOMPARE(scratchFiles(), QStringList{QStringLiteral("not-a-folder")});
        }
        {
            // A search table that holds a document already keeps it; the built ones join it.
            CoreFixture e;
            QVERIFY(e.store.db()
                        .exec(QStringLiteral("INSERT INTO search(rowid, body, incident) "
                                             "VALUES(999999999, 'stray heron', 999999999)"))
                        .ok());
            QVERIFY(bulkLoad(e.store, log).ok());
            const auto matches = [&](const char *word) {
                return e.store.db().scalar(
                    QStringLiteral("SELECT count(*) FROM search WHERE search MATCH ?"),
                    {QString::fromLatin1(word)}, -1);
            };
            QCOMPARE(matches("heron"), qint64(1));
            QCOMPARE(matches("zebra"), qint64(1));
            QCOMPARE(matches("disk"), qint64(30));
            QVERIFY(whole(e.store));
            QCOMPARE(scratchFiles(), QStringList{QStringLiteral("not-a-folder")});
        }
    }

    // A load large enough that every index's keys are sorted in several runs on the sort
    // threads and merged: each index holds exactly its table's rows (the integrity check), and
    // reads in index order what a sort of the table gives.
    void bulkLoad_indexesSortedInRuns_holdEveryRowInOrder()
    {
        constexpr int n = 60000;
        static const char *sev[] = {"critical", "high", "medium", "low"};
        QList<Event> log;
        log.reserve(n);
        std::mt19937 rng(11);
        for (int i = 0; i < n; ++i) {
            Event e;
            e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            e.incidentUid = QUuid::createUuid().toString(QUuid::WithoutBraces);
            e.ts = 1767225600000LL + qint64(rng() % 100000000);
            e.hlc = e.ts << 16;
            e.actor = QStringLiteral("ingest");
            e.kind = domain::kinds::Opened;
            e.payload = {
                {QStringLiteral("number"), QStringLiteral("INC%1").arg(rng())},
                {QStringLiteral("title"),
                 QStringLiteral("node %1 disk %2 full").arg(rng() % 5000).arg(rng() % 100)},
                {QStringLiteral("severity"), QLatin1String(sev[rng() % 4])},
                {QStringLiteral("state"), QStringLiteral("triggered")},
                {QStringLiteral("open"), rng() % 3 == 0}};
            log << e;
        }
        CoreFixture b;
        const Status done = bulkLoad(b.store, log);
        QVERIFY2(done.ok(), qPrintable(done.errorMessage()));
        QCOMPARE(b.store.incidentCount(), qint64(n));
        auto check = b.store.db().prepareOnce(QStringLiteral("PRAGMA integrity_check"));
        QVERIFY(check && check->step());
        QCOMPARE(store::RowReader(*check).text(), QStringLiteral("ok"));
        const auto order = [&](const char *from, const char *by) {
            const auto rows = testing::queryRows(
                b.store, QStringLiteral("SELECT id FROM incidents %1 ORDER BY %2, id")
                             .arg(QLatin1String(from), QLatin1String(by)));
            return rows ? *rows : QStringList();
        };
        for (const auto &[index, by] :
             {std::pair{"incidents_title", "title"}, std::pair{"incidents_uid", "uid"},
              std::pair{"incidents_severity", "severity, created_at"}}) {
            const QStringList indexed =
                order(qPrintable(QStringLiteral("INDEXED BY %1").arg(QLatin1String(index))), by);
            QCOMPARE(indexed.size(), n);
            QCOMPARE(indexed, order("NOT INDEXED", by));
        }
        QVERIFY(b.store.verify().ok);
    }

    void chainHash_isTheSameForEveryWriter()
    {
        // The live path's hash is domain::chainHash() over the event's fields.
        CoreFixture a;
        const QString ref = a.open(QStringLiteral("Disk full on db-3"), QStringLiteral("high"));
        QVERIFY(a.run(Command::Kind::Note, ref,
                      {{QStringLiteral("text"), QStringLiteral("ünïcode \U0001F525 note")}})
                    .ok());
        QVERIFY(a.transition(ref, QStringLiteral("investigating")).ok());
        const QList<Event> log = a.store.eventsAfter(0, 100);
        QVERIFY(log.size() >= 3);
        const QString replica = a.store.meta(QStringLiteral("replica_id"));
        QVERIFY(!replica.isEmpty());
        for (const Event &e : log) {
            // Appended here: this replica's id is the origin, and the hash covers it.
            QCOMPARE(e.origin, replica);
            QCOMPARE(e.rule, domain::HashRule::WithOrigin);
            const QByteArray raw = domain::chainHash(
                e.rule, e.prevHash.toLatin1(), e.id.toLatin1(), e.incidentUid.toLatin1(), e.hlc,
                e.ts, e.actor.toUtf8(), e.kind.toUtf8(), e.origin.toUtf8(), e.payloadJson());
            QCOMPARE(QString::fromLatin1(raw.toHex()), e.hash);
            QCOMPARE(e.computeHash(), e.hash);
        }
        // The bulk loader re-chains onto its own replica with the same function: loaded in
        // the same order, every hash is the one the engine wrote.
        CoreFixture b;
        store::BulkLoader loader(b.store);
        QVERIFY(loader.begin().ok());
        QVERIFY(loader.add(log).ok());
        QVERIFY(loader.finish().ok());
        QList<Event> loaded = b.store.eventsAfter(0, 100);
        QCOMPARE(loaded.size(), log.size());
        for (int i = 0; i < log.size(); ++i) {
            QCOMPARE(loaded[i].hash, log[i].hash);
            QCOMPARE(loaded[i].prevHash, log[i].prevHash);
        }
        // ... and so does a merge.
        CoreFixture c;
        auto merged = c.eng().mergeRemote(log);
        QVERIFY2(merged.ok(), qPrintable(merged.errorMessage()));
        QList<Event> viaMerge = c.store.eventsAfter(0, 100);
        QCOMPARE(viaMerge.size(), log.size());
        for (int i = 0; i < log.size(); ++i)
            QCOMPARE(viaMerge[i].hash, log[i].hash);
        QVERIFY(b.store.verify().ok);
        QVERIFY(c.store.verify().ok);
        QCOMPARE(describe(b.get(ref)), describe(a.get(ref)));
    }
};

QTEST_GUILESS_MAIN(TestProjector)
#include "tst_projector.moc"
