// SPDX-License-Identifier: MIT
// pg::RowReader on a throwaway PostgreSQL 15 cluster: each typed read against the column
// types it takes, NULLs, reading into fields, the mismatches it reports; then the back end's
// own queries (schema, users, the event log, idempotency, leases) run in this process, where
// a row that does not match its reads fails the test.
#include "fixtures/teamserver/teamserver.h"
#include "server/eventlog.h"
#include "server/pg.h"
#include "server/requesthandler.h"
#include "server/schema.h"
#include "server/servermetrics.h"
#include "server/users.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>
#include <QtTest>

#include <latch>
#include <thread>

using namespace sitrep;
using namespace sitrep::server;

namespace {

const QRegularExpression kMismatch(QStringLiteral("row does not match its reads"));

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

/// The rows a query answered; -1 when it failed (query() has said why).
int rowsAnswered(const pg::Result &r)
{
    return r.ok() ? r.rows() : -1;
}

/// A P1 incident.opened event for `incident`, numbered `number` by its replica, at `ts`.
QJsonObject openedEvent(const QString &incident, const QString &number, qint64 ts)
{
    return {
        {QStringLiteral("id"), uuid()},
        {QStringLiteral("incidentId"), incident},
        {QStringLiteral("hlc"), QStringLiteral("100")},
        {QStringLiteral("ts"), ts},
        {QStringLiteral("actor"), QStringLiteral("ana")},
        {QStringLiteral("kind"), QStringLiteral("incident.opened")},
        {QStringLiteral("payload"), QJsonObject{{QStringLiteral("state"), QStringLiteral("new")},
                                                {QStringLiteral("priority"), QStringLiteral("P1")},
                                                {QStringLiteral("number"), number},
                                                {QStringLiteral("resolution_minutes"), 60}}}};
}

} // namespace

class TestServerRowReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void typedReads_takeTheirColumnTypes();
    void nulls_readAsEmptyOrNothing();
    void read_fillsFieldsInSelectOrder();
    void value_walksUnknownColumns();
    void mismatches_areReported();
    void uncheckedMismatch_warns();
    void serverQueries_matchTheirReads();
    void storedFormJson_isWhatQtWritesForTheStoredForm_arraysReadBack();
    void pipeline_stopsAtTheFirstFailure_preparedStatementsSurviveIt();
    void append_sameKeyAtOnce_storedOnce_everyoneGetsTheFirstAnswer();

private:
    pg::Result query(const QByteArray &sql, const pg::Params &params = {});
    ApiResponse request(const QByteArray &method, const QByteArray &target,
                        const QJsonObject &body = {}, const QByteArray &key = {});

    testing::PgCluster m_pg;
    std::unique_ptr<pg::Connection> m_db;
    ServerMetrics m_metrics;
    QByteArray m_token;
};

void TestServerRowReader::initTestCase()
{
    QVERIFY2(m_pg.start(), qPrintable(m_pg.error()));
    m_db = std::make_unique<pg::Connection>(m_pg.url());
    QVERIFY2(m_db->open(), qPrintable(m_db->lastError()));
}

void TestServerRowReader::init()
{
    if (QByteArrayView(QTest::currentTestFunction()) != "uncheckedMismatch_warns")
        QTest::failOnWarning(kMismatch);
}

pg::Result TestServerRowReader::query(const QByteArray &sql, const pg::Params &params)
{
    pg::Result r = m_db->exec(sql, params);
    if (!r.ok())
        qWarning("%s: %s", sql.constData(), qPrintable(r.error()));
    return r;
}

namespace {

http::HttpRequest httpRequest(const QByteArray &token, const QByteArray &method,
                              const QByteArray &target, const QJsonObject &body,
                              const QByteArray &key)
{
    http::HttpRequest req;
    req.method = method;
    req.target = target;
    req.path = target.contains('?') ? target.left(target.indexOf('?')) : target;
    req.version = "HTTP/1.1";
    req.headers.insert("authorization", "Bearer " + token);
    if (!key.isEmpty())
        req.headers.insert("idempotency-key", key);
    if (!body.isEmpty())
        req.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return req;
}

} // namespace

ApiResponse TestServerRowReader::request(const QByteArray &method, const QByteArray &target,
                                         const QJsonObject &body, const QByteArray &key)
{
    QString route;
    return handleRequest(*m_db, httpRequest(m_token, method, target, body, key), m_metrics, 1,
                         FeedHead{}, &route);
}

void TestServerRowReader::typedReads_takeTheirColumnTypes()
{
    pg::Result r = query("SELECT 7::smallint, 70000::integer, 9000000000::bigint, 42::oid, "
                         "'héllo'::text, 'v'::varchar(4), 'c'::char(3), 'n'::name, true, false, "
                         "'A1B2C3D4-0000-4000-8000-00000000ABCD'::uuid, '{\"a\": 1}'::json, "
                         "'{\"b\": [1, 2]}'::jsonb, '{\"c\":\"d\"}'::text, '\\x00ff41'::bytea");
    QCOMPARE(rowsAnswered(r), 1);
    pg::RowReader row(r, 0);
    QCOMPARE(row.columnCount(), 15);
    QCOMPARE(row.int64(), 7);
    QCOMPARE(row.int64(), 70000);
    QCOMPARE(row.int64(), 9000000000LL);
    QCOMPARE(row.int64(), 42);
    QCOMPARE(row.text(), QStringLiteral("héllo"));
    QCOMPARE(row.text(), QStringLiteral("v"));
    QCOMPARE(row.text(), QStringLiteral("c  ")); // char(n) keeps its padding
    QCOMPARE(row.text(), QStringLiteral("n"));
    QCOMPARE(row.boolean(), true);
    QCOMPARE(row.boolean(), false);
    QCOMPARE(row.uuid(), QStringLiteral("a1b2c3d4-0000-4000-8000-00000000abcd"));
    QCOMPARE(row.json(), (QJsonObject{{QStringLiteral("a"), 1}}));
    QCOMPARE(row.json(), (QJsonObject{{QStringLiteral("b"), QJsonArray{1, 2}}}));
    QCOMPARE(row.jsonText(), QByteArray("{\"c\":\"d\"}")); // as stored, not re-encoded
    QCOMPARE(row.bytea(), QByteArray("\x00\xff\x41", 3));
    QCOMPARE(row.column(), 15);
    QCOMPARE(row.error(), QString());
}

void TestServerRowReader::nulls_readAsEmptyOrNothing()
{
    const QByteArray nulls = "NULL::bigint, NULL::text, NULL::boolean, NULL::uuid, NULL::jsonb, "
                             "NULL::bytea";
    pg::Result r = query("SELECT " + nulls + ", " + nulls);
    QVERIFY(r.ok());
    pg::RowReader row(r, 0);
    QVERIFY(row.isNull());
    QCOMPARE(row.int64(), 0);
    QCOMPARE(row.text(), QString());
    QCOMPARE(row.boolean(), false);
    QCOMPARE(row.uuid(), QString());
    QCOMPARE(row.json(), QJsonObject());
    QCOMPARE(row.bytea(), QByteArray());
    QCOMPARE(row.nullableInt64(), std::nullopt);
    QCOMPARE(row.nullableText(), std::nullopt);
    QCOMPARE(row.nullableBoolean(), std::nullopt);
    QCOMPARE(row.nullableUuid(), std::nullopt);
    QCOMPARE(row.nullableJson(), std::nullopt);
    row.skip(); // the bytea
    QCOMPARE(row.error(), QString());

    // The nullable reads of values that are there.
    pg::Result v = query("SELECT 0::bigint, ''::text, false, "
                         "'00000000-0000-4000-8000-000000000001'::uuid, '{}'::jsonb");
    QVERIFY(v.ok());
    pg::RowReader given(v, 0);
    QVERIFY(!given.isNull());
    QCOMPARE(given.nullableInt64(), std::optional<qint64>(0));
    QCOMPARE(given.nullableText(), std::optional<QString>(QString()));
    QCOMPARE(given.nullableBoolean(), std::optional<bool>(false));
    QCOMPARE(given.nullableUuid(),
             std::optional<QString>(QStringLiteral("00000000-0000-4000-8000-000000000001")));
    QCOMPARE(given.nullableJson(), std::optional<QJsonObject>(QJsonObject()));
    QCOMPARE(given.error(), QString());
}

void TestServerRowReader::read_fillsFieldsInSelectOrder()
{
    enum class Level { Low, High };
    pg::Result r = query("SELECT name, n, flag, level, doc, note, missing FROM (VALUES "
                         "('first', 1::bigint, true, 1, '{\"x\": 1}'::jsonb, 'a', NULL::text), "
                         "('second', 2, false, 0, '{}', NULL, 'b')) AS t(name, n, flag, level, "
                         "doc, note, missing) ORDER BY n");
    QCOMPARE(rowsAnswered(r), 2);
    struct Item {
        QString name;
        int n = 0;
        bool flag = false;
        Level level = Level::Low;
        QJsonObject doc;
        std::optional<QString> note;
        std::optional<QString> missing;
    };
    QList<Item> items;
    for (int i = 0; i < r.rows(); ++i) {
        pg::RowReader row(r, i);
        Item x;
        row.read(x.name, x.n, x.flag, x.level, x.doc, x.note, x.missing);
        QCOMPARE(row.error(), QString());
        items << x;
    }
    QCOMPARE(items[0].name, QStringLiteral("first"));
    QCOMPARE(items[0].n, 1);
    QCOMPARE(items[0].flag, true);
    QCOMPARE(items[0].level, Level::High);
    QCOMPARE(items[0].doc, (QJsonObject{{QStringLiteral("x"), 1}}));
    QCOMPARE(items[0].note, std::optional<QString>(QStringLiteral("a")));
    QCOMPARE(items[0].missing, std::nullopt);
    QCOMPARE(items[1].name, QStringLiteral("second"));
    QCOMPARE(items[1].n, 2);
    QCOMPARE(items[1].flag, false);
    QCOMPARE(items[1].level, Level::Low);
    QCOMPARE(items[1].doc, QJsonObject());
    QCOMPARE(items[1].note, std::nullopt);
    QCOMPARE(items[1].missing, std::optional<QString>(QStringLiteral("b")));
}

void TestServerRowReader::value_walksUnknownColumns()
{
    pg::Result r = query("SELECT 12::bigint, 'x'::text, NULL::text, true, "
                         "'00000000-0000-4000-8000-00000000000a'::uuid");
    QVERIFY(r.ok());
    pg::RowReader row(r, 0);
    QList<QByteArray> values;
    while (row.column() < row.columnCount())
        values << row.value();
    QCOMPARE(values, (QList<QByteArray>{"12", "x", QByteArray(), "t",
                                        "00000000-0000-4000-8000-00000000000a"}));
    QVERIFY(values[2].isNull());
    QCOMPARE(row.error(), QString());
}

void TestServerRowReader::mismatches_areReported()
{
    pg::Result r = query("SELECT 5::bigint AS count, 'x'::text AS label");
    QVERIFY(r.ok());
    {
        // A column read as a type it does not hold: the first mismatch is named.
        pg::RowReader row(r, 0);
        QCOMPARE(row.text(), QString());
        QCOMPARE(row.int64(), 0);
        QCOMPARE(row.error(), QStringLiteral("column 0 (count) holds bigint, read as text"));
    }
    {
        pg::RowReader row(r, 0);
        row.skip();
        QCOMPARE(row.boolean(), false);
        QCOMPARE(row.error(), QStringLiteral("column 1 (label) holds text, read as a boolean"));
    }
    {
        pg::RowReader row(r, 0);
        QCOMPARE(row.uuid(), QString());
        QCOMPARE(row.error(), QStringLiteral("column 0 (count) holds bigint, read as a uuid"));
    }
    {
        // Text is not JSON unless asked as JSON; JSON is not text.
        pg::Result j = query("SELECT '{}'::jsonb AS doc");
        pg::RowReader row(j, 0);
        QCOMPARE(row.text(), QString());
        QCOMPARE(row.error(), QStringLiteral("column 0 (doc) holds jsonb, read as text"));
    }
    {
        pg::RowReader row(r, 0);
        qint64 count = 0;
        row.read(count);
        QCOMPARE(count, 5);
        QCOMPARE(row.error(), QStringLiteral("read 1 of 2 columns"));
    }
    {
        pg::RowReader row(r, 0);
        row.skip(2);
        QCOMPARE(row.int64(), 0);
        QCOMPARE(row.error(), QStringLiteral("read column 2 of a row of 2 columns"));
    }
    {
        pg::RowReader row(r, 0);
        row.skip(3);
        QCOMPARE(row.error(), QStringLiteral("read column 2 of a row of 2 columns"));
    }
    {
        pg::RowReader row(r, 1);
        QCOMPARE(row.columnCount(), 0);
        QCOMPARE(row.int64(), 0);
        QCOMPARE(row.error(), QStringLiteral("no row 1 in a result of 1 rows"));
    }
    {
        // A failed statement has no rows.
        pg::Result failed = m_db->exec("SELECT no_such_column");
        QVERIFY(!failed.ok());
        pg::RowReader row(failed, 0);
        QCOMPARE(row.text(), QString());
        QCOMPARE(row.error(), QStringLiteral("no row 0 in a result of 0 rows"));
    }
}

void TestServerRowReader::uncheckedMismatch_warns()
{
#ifndef QT_NO_DEBUG
    QSKIP("an unchecked mismatch asserts in debug builds");
#endif
    pg::Result r = query("SELECT 5::bigint AS count, 'x'::text AS label");
    QVERIFY(r.ok());
    QTest::ignoreMessage(QtWarningMsg,
                         "sitrep.server: row does not match its reads: read 1 of 2 columns");
    {
        pg::RowReader row(r, 0);
        QCOMPARE(row.int64(), 5);
    }
    QTest::ignoreMessage(
        QtWarningMsg,
        "sitrep.server: row does not match its reads: column 1 (label) holds text, read as an "
        "integer");
    {
        pg::RowReader row(r, 0);
        qint64 count = 0, label = 0;
        row.read(count, label);
    }
}

void TestServerRowReader::serverQueries_matchTheirReads()
{
    // The schema: a boolean and an integer read.
    auto migrated = migrate(*m_db);
    QVERIFY2(migrated, qPrintable(migrated.errorMessage()));
    auto version = currentSchemaVersion(*m_db);
    QVERIFY(version);
    QCOMPARE(*version, schemaVersion());

    // Users: the list and the token look-up.
    Users users(*m_db);
    auto token = users.add(QStringLiteral("ana"), Role::Admin);
    QVERIFY2(token, qPrintable(token.errorMessage()));
    QVERIFY(users.add(QStringLiteral("bob"), Role::Viewer));
    QVERIFY(users.disable(QStringLiteral("bob")));
    auto list = users.list();
    QVERIFY(list);
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).name, QStringLiteral("ana"));
    QCOMPARE(list->at(0).role, Role::Admin);
    QCOMPARE(list->at(0).disabled, false);
    QVERIFY2(QDateTime::fromString(list->at(0).createdAt, Qt::ISODate).isValid(),
             qPrintable(list->at(0).createdAt));
    QVERIFY(!list->at(0).tokenSetAt.isEmpty());
    QCOMPARE(list->at(1).name, QStringLiteral("bob"));
    QCOMPARE(list->at(1).role, Role::Viewer);
    QCOMPARE(list->at(1).disabled, true);
    auto who = users.authenticate(token->toUtf8());
    QVERIFY(who && who->has_value());
    QVERIFY((*who)->id > 0);
    QCOMPARE((*who)->name, QStringLiteral("ana"));
    QCOMPARE((*who)->role, Role::Admin);
    m_token = token->toUtf8();
    QCOMPARE(request("GET", "/readyz").status, 200);

    // An incident opened: its number; again under another key: the number and the
    // renumbering the back end knows; the same key again: the first answer replayed.
    const QString incident = uuid();
    const qint64 ts = QDateTime::currentMSecsSinceEpoch();
    const QJsonObject opened = openedEvent(incident, QStringLiteral("T-1"), ts);
    const QJsonObject openBody{{QStringLiteral("incidentId"), incident},
                               {QStringLiteral("event"), opened}};
    const ApiResponse first = request("POST", "/api/incidents", openBody, "open-1");
    QCOMPARE(first.status, 201);
    const QJsonObject firstJson = QJsonDocument::fromJson(first.body).object();
    QCOMPARE(firstJson.value(u"number").toString(), QStringLiteral("INC0000001"));
    const ApiResponse again = request("POST", "/api/incidents", openBody, "open-2");
    QCOMPARE(again.status, 200);
    const QJsonObject againJson = QJsonDocument::fromJson(again.body).object();
    QCOMPARE(againJson.value(u"duplicate").toBool(), true);
    QCOMPARE(againJson.value(u"number").toString(), QStringLiteral("INC0000001"));
    const QJsonArray renumbered = againJson.value(u"events").toArray();
    QCOMPARE(renumbered.size(), 1);
    QCOMPARE(renumbered[0].toObject().value(u"kind").toString(),
             QStringLiteral("incident.renumbered"));
    const ApiResponse replayed = request("POST", "/api/incidents", openBody, "open-1");
    QCOMPARE(replayed.status, 201);
    QCOMPARE(replayed.body, first.body);
    QVERIFY(replayed.headers.contains(
        qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true"))));
    QJsonObject otherBody = openBody;
    otherBody.insert(QStringLiteral("note"), 1);
    QCOMPARE(request("POST", "/api/incidents", otherBody, "open-1").status, 422);

    // A field set on it: the locked incident row and the stored event ids.
    const QJsonObject fieldSet{
        {QStringLiteral("id"), uuid()},
        {QStringLiteral("incidentId"), incident},
        {QStringLiteral("hlc"), QStringLiteral("205")},
        {QStringLiteral("ts"), ts + 1},
        {QStringLiteral("actor"), QStringLiteral("ana")},
        {QStringLiteral("kind"), QStringLiteral("incident.field_set")},
        {QStringLiteral("payload"), QJsonObject{{QStringLiteral("field"), QStringLiteral("team")},
                                                {QStringLiteral("value"), QStringLiteral("db")}}}};
    const ApiResponse set =
        request("POST", "/api/incidents/" + incident.toUtf8() + "/events",
                {{QStringLiteral("events"), QJsonArray{fieldSet, fieldSet}}}, "set-1");
    QCOMPARE(set.status, 200);
    const QJsonObject setJson = QJsonDocument::fromJson(set.body).object();
    QCOMPARE(setJson.value(u"accepted").toInt(), 1);
    QCOMPARE(setJson.value(u"duplicates").toInt(), 1);

    // The incident as the back end has it.
    const ApiResponse view = request("GET", "/api/incidents/" + incident.toUtf8());
    QCOMPARE(view.status, 200);
    const QJsonObject viewJson = QJsonDocument::fromJson(view.body).object();
    QCOMPARE(viewJson.value(u"number").toString(), QStringLiteral("INC0000001"));
    QCOMPARE(viewJson.value(u"state").toString(), QStringLiteral("new"));
    QCOMPARE(viewJson.value(u"priority").toString(), QStringLiteral("P1"));
    QCOMPARE(viewJson.value(u"slaDeadline").toString(),
             QDateTime::fromMSecsSinceEpoch(ts + 60 * 60000, Qt::UTC).toString(Qt::ISODate));
    QCOMPARE(viewJson.value(u"fields").toObject(),
             (QJsonObject{{QStringLiteral("team"), QStringLiteral("db")}}));
    QVERIFY(view.headers.contains(qMakePair(QByteArray("ETag"), QByteArray("\"v1\""))));
    EventLog log(*m_db);
    auto maxHlc = log.maxHlc(incident);
    QVERIFY(maxHlc);
    QCOMPARE(*maxHlc, 205);
    const ApiResponse digest = request("GET", "/api/incidents/" + incident.toUtf8() + "/digest");
    QCOMPARE(digest.status, 200);
    QCOMPARE(QJsonDocument::fromJson(digest.body).object().value(u"events").toInt(), 3);

    // The change feed: every event once, then nothing after its cursor (counted exactly
    // from the start, estimated after).
    auto page = log.changes(Cursor{}, 2, EventLog::Total::Exact);
    QVERIFY(page);
    QCOMPARE(page->count, 2);
    QCOMPARE(page->total, 3);
    QVERIFY(page->more);
    QVERIFY(page->next.xid > 0 && page->next.seq > 0);
    const QJsonArray firstTwo = QJsonDocument::fromJson(page->eventsJson).array();
    QCOMPARE(firstTwo.size(), 2);
    QCOMPARE(firstTwo[0].toObject().value(u"kind").toString(), QStringLiteral("incident.opened"));
    auto rest = log.changes(page->next, 10, EventLog::Total::Estimate);
    QVERIFY(rest);
    QCOMPARE(rest->count, 1);
    QVERIFY(!rest->more);
    QCOMPARE(QJsonDocument::fromJson(rest->eventsJson).array()[0].toObject().value(u"kind"),
             QJsonValue(QStringLiteral("incident.field_set")));
    QVERIFY(rest->total >= 0);

    // Leases: taken, listed, refused to another holder while held.
    const ApiResponse taken = request(
        "PUT", "/api/leases/sweep",
        {{QStringLiteral("holder"), QStringLiteral("h1")}, {QStringLiteral("ttlMs"), 30000}});
    QCOMPARE(taken.status, 200);
    const QJsonObject takenJson = QJsonDocument::fromJson(taken.body).object();
    const QDateTime acquired =
        QDateTime::fromString(takenJson.value(u"acquiredAt").toString(), Qt::ISODateWithMs);
    const QDateTime expires =
        QDateTime::fromString(takenJson.value(u"expiresAt").toString(), Qt::ISODateWithMs);
    QVERIFY(acquired.isValid());
    QCOMPARE(acquired.msecsTo(expires), 30000);
    const ApiResponse leases = request("GET", "/api/leases");
    QCOMPARE(leases.status, 200);
    const QJsonArray held =
        QJsonDocument::fromJson(leases.body).object().value(u"leases").toArray();
    QCOMPARE(held.size(), 1);
    QCOMPARE(held[0].toObject().value(u"name").toString(), QStringLiteral("sweep"));
    QCOMPARE(held[0].toObject().value(u"holder").toString(), QStringLiteral("h1"));
    QCOMPARE(held[0].toObject().value(u"user").toString(), QStringLiteral("ana"));
    QCOMPARE(held[0].toObject().value(u"ttlMs").toInt(), 30000);
    QCOMPARE(held[0].toObject().value(u"expiresAt"), takenJson.value(u"expiresAt"));
    const ApiResponse refused = request(
        "PUT", "/api/leases/sweep",
        {{QStringLiteral("holder"), QStringLiteral("h2")}, {QStringLiteral("ttlMs"), 30000}});
    QCOMPARE(refused.status, 409);
    const QJsonObject refusedJson = QJsonDocument::fromJson(refused.body).object();
    QCOMPARE(refusedJson.value(u"holder").toString(), QStringLiteral("h1"));
    QCOMPARE(refusedJson.value(u"expiresAt"), takenJson.value(u"expiresAt"));
}

void TestServerRowReader::storedFormJson_isWhatQtWritesForTheStoredForm_arraysReadBack()
{
    // The append writes the stored form itself: the same bytes QJsonDocument writes, for
    // every kind of string (escapes, control characters, beyond ASCII, a lone surrogate),
    // with and without origin and hashRule.
    const QStringList strings{
        QString(),
        QStringLiteral("ana"),
        QStringLiteral("quote \" backslash \\ slash /"),
        QStringLiteral("\b\f\n\r\t") + QChar(0x01) + QChar(0x1f) + QChar(0x7f),
        QStringLiteral("caf\u00e9 \u2603 \U0001F525"),
        QStringLiteral("lone ") + QChar(0xd800) + QStringLiteral(" surrogate"),
    };
    auto qt = [](const QString &s) {
        const QByteArray a = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
        return a.mid(1, a.size() - 2);
    };
    for (const QString &s : strings) {
        QByteArray mine;
        appendJsonString(mine, s);
        QCOMPARE(mine, qt(s));
        for (int rule : {0, 1, 2}) {
            QJsonObject e{{QStringLiteral("id"), uuid().toUpper()},
                          {QStringLiteral("incidentId"), QStringLiteral("{%1}").arg(uuid())},
                          {QStringLiteral("hlc"), QStringLiteral("1234")},
                          {QStringLiteral("ts"), qint64(1733000000123)},
                          {QStringLiteral("actor"), s},
                          {QStringLiteral("kind"), QStringLiteral("note.added")},
                          {QStringLiteral("payload"),
                           QJsonObject{{QStringLiteral("text"), s},
                                       {QStringLiteral("n"), 1.5},
                                       {QStringLiteral("list"), QJsonArray{s, 2, true}}}}};
            if (rule)
                e.insert(QStringLiteral("hashRule"), rule);
            if (!s.isEmpty())
                e.insert(QStringLiteral("origin"), s);
            const QString role = s.isEmpty() ? QStringLiteral("responder") : s;
            QCOMPARE(storedFormJson(e, s, role),
                     QJsonDocument(storedForm(e, s, role)).toJson(QJsonDocument::Compact));
        }
    }
    // The text arrays of the append read back as they went in.
    const QList<QByteArray> values{
        "", "plain", "quote \" and \\ backslash", "{brace,comma}", "NULL", "caf\xc3\xa9"};
    pg::Result back = query("SELECT unnest($1::text[])", {pgTextArray(values)});
    QVERIFY(back.ok());
    QCOMPARE(back.rows(), values.size());
    for (int i = 0; i < back.rows(); ++i)
        QCOMPARE(pg::RowReader(back, i).text().toUtf8(), values[i]);
    // And so do the binary arrays (text and uuid elements, and none).
    pg::BinaryArray texts(pg::BinaryArray::Type::Text), ids(pg::BinaryArray::Type::Uuid),
        none(pg::BinaryArray::Type::Text);
    QStringList uuids;
    for (const QByteArray &v : values) {
        texts.add(v);
        uuids << uuid();
        ids.addUuid(uuids.last().toUpper());
    }
    pg::Result binary =
        m_db->execPrepared("SELECT t, i FROM unnest($1::text[], $2::uuid[]) AS u(t, i)",
                           {texts.data(), ids.data()}, 0b11);
    QVERIFY2(binary.ok(), qPrintable(binary.error()));
    QCOMPARE(binary.rows(), values.size());
    for (int i = 0; i < binary.rows(); ++i) {
        pg::RowReader row(binary, i);
        QCOMPARE(row.text().toUtf8(), values[i]);
        QCOMPARE(row.uuid(), uuids[i]);
    }
    pg::Result empty = m_db->execPrepared("SELECT cardinality($1::text[])", {none.data()}, 0b1);
    QVERIFY2(empty.ok(), qPrintable(empty.error()));
    QCOMPARE(pg::RowReader(empty, 0).int64(), 0);
}

void TestServerRowReader::pipeline_stopsAtTheFirstFailure_preparedStatementsSurviveIt()
{
    pg::Connection db(m_pg.url());
    QVERIFY2(db.open(), qPrintable(db.lastError()));
    std::vector<pg::Result> r = db.pipeline({{"BEGIN"},
                                             {"SELECT $1::int + 1", {"41"}},
                                             {"SELECT $1::int / 0", {"1"}},
                                             {"SELECT $1::int", {"7"}},
                                             {"COMMIT"}});
    QCOMPARE(r.size(), size_t(5));
    QVERIFY(r[0].ok());
    QVERIFY(r[1].ok());
    QCOMPARE(pg::RowReader(r[1], 0).int64(), 42);
    QVERIFY(!r[2].ok());
    QCOMPARE(r[2].sqlState(), QByteArray("22012"));
    QVERIFY(!r[3].ok());
    QVERIFY(!r[4].ok());
    // The transaction failed and stays open until rolled back; the statements prepared
    // inside it stay prepared.
    QVERIFY(!db.execPrepared("SELECT $1::int", {"7"}).ok());
    QVERIFY(db.exec("ROLLBACK").ok());
    pg::Result again = db.execPrepared("SELECT $1::int + 1", {"1"});
    QVERIFY2(again.ok(), qPrintable(again.error()));
    QCOMPARE(pg::RowReader(again, 0).int64(), 2);
    std::vector<pg::Result> next = db.pipeline({{"SELECT $1::int", {"7"}}});
    QVERIFY2(next[0].ok(), qPrintable(next[0].error()));
    QCOMPARE(pg::RowReader(next[0], 0).int64(), 7);
    // A statement that cannot be prepared answers its error; nothing of the pipeline runs.
    std::vector<pg::Result> bad =
        db.pipeline({{"INSERT INTO nowhere VALUES ($1)", {"1"}}, {"SELECT $1::int", {"7"}}});
    QCOMPARE(bad[0].sqlState(), QByteArray("42P01"));
    QVERIFY(!bad[1].ok());
    QVERIFY(db.exec("SELECT 1").ok());
}

void TestServerRowReader::append_sameKeyAtOnce_storedOnce_everyoneGetsTheFirstAnswer()
{
    // Several instances take the same request (a client's retry through another instance)
    // at the same moment: the events are stored once, the incident counts them once, and
    // every answer is the first one. A refused event's error (quotes, beyond ASCII) is
    // part of the answer.
    QVERIFY(!m_token.isEmpty());
    const QString incident = uuid();
    const QJsonObject opened =
        openedEvent(incident, QStringLiteral("T-2"), QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(request("POST", "/api/incidents",
                     {{QStringLiteral("incidentId"), incident}, {QStringLiteral("event"), opened}},
                     "race-open")
                 .status,
             201);
    QJsonArray events;
    for (int i = 0; i < 20; ++i)
        events << QJsonObject{
            {QStringLiteral("id"), uuid()},
            {QStringLiteral("incidentId"), incident},
            {QStringLiteral("hlc"), QString::number(200 + i)},
            {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
            {QStringLiteral("actor"), QStringLiteral("ana")},
            {QStringLiteral("kind"), QStringLiteral("note.added")},
            {QStringLiteral("payload"), QJsonObject{{QStringLiteral("text"), QString::number(i)}}}};
    const QString forged = QStringLiteral("eve \"the \u00e9vil\"");
    QJsonObject refused = events[0].toObject();
    refused.insert(QStringLiteral("id"), uuid());
    refused.insert(QStringLiteral("actor"), forged);
    events << refused;
    const QJsonObject body{{QStringLiteral("events"), events}};

    constexpr int kRacers = 6;
    std::vector<ApiResponse> answers(kRacers);
    std::latch go(kRacers);
    std::vector<std::thread> racers;
    for (int t = 0; t < kRacers; ++t)
        racers.emplace_back([&, t] {
            pg::Connection db(m_pg.url());
            const bool open = bool(db.open());
            go.arrive_and_wait();
            if (!open)
                return;
            QString route;
            answers[size_t(t)] =
                handleRequest(db, httpRequest(m_token, "POST", "/api/events", body, "race-key"),
                              m_metrics, 1, FeedHead{}, &route);
        });
    for (auto &t : racers)
        t.join();
    int replayed = 0;
    for (const ApiResponse &a : answers) {
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, answers[0].body);
        replayed +=
            a.headers.contains(qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true")));
    }
    QCOMPARE(replayed, kRacers - 1);
    const QJsonObject answer = QJsonDocument::fromJson(answers[0].body).object();
    QCOMPARE(answer.value(u"accepted").toInt(), 20);
    QCOMPARE(answer.value(u"duplicates").toInt(), 0);
    QCOMPARE(answer.value(u"refused").toInt(), 1);
    const QJsonArray results = answer.value(u"results").toArray();
    QCOMPARE(results.size(), 21);
    QCOMPARE(results[0].toObject(),
             (QJsonObject{{QStringLiteral("id"), events[0].toObject().value(u"id")},
                          {QStringLiteral("status"), QStringLiteral("accepted")}}));
    const QJsonObject no = results[20].toObject();
    QCOMPARE(no.value(u"status").toString(), QStringLiteral("refused"));
    QCOMPARE(no.value(u"code").toInt(), 403);
    QCOMPARE(no.value(u"error").toString(),
             QStringLiteral("ana cannot record an event as '%1'").arg(forged));
    QCOMPARE(answer.value(u"events").toArray(), QJsonArray());

    pg::Result counted =
        query("SELECT (SELECT count(*) FROM events WHERE incident = $1 AND kind = 'note.added'), "
              "version, max_hlc FROM incidents WHERE id = $1",
              {incident.toUtf8()});
    QVERIFY(counted.ok());
    pg::RowReader row(counted, 0);
    QCOMPARE(row.int64(), 20);
    QCOMPARE(row.int64(), 20);
    QCOMPARE(row.int64(), 219);
}

QTEST_GUILESS_MAIN(TestServerRowReader)
#include "tst_server_rowreader.moc"
