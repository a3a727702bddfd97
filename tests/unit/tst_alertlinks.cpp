// SPDX-License-Identifier: MIT
// Alert links (table incident_alerts, the row's alert_count): an alert joins an incident
// once, whichever way it is linked (the opening, a command, twice in one batch, again in a
// later one, a remote replica's record under another id); a link is found by its once-only
// event in the log or, made otherwise, by name; verify and a rebuild give the same links as
// the live path; merges of remote links converge; the bulk load writes them; migration 0910
// moves the JSON lists of older databases into the table, and 1000 keys it in link order.
#include "unit/coretestutil.h"
#include "unit/migrationtestutil.h"

#include "domain/canonicaljson.h"
#include "domain/event.h"
#include "store/sqlite.h"

#include <QJsonArray>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace sitrep;
using namespace sitrep::testing;
using engine::Command;

namespace {

/// Every link as "NUMBER ORD ALERT", in incident and link order.
QStringList linkRows(store::Store &st)
{
    return st.db().texts(
        QStringLiteral("SELECT i.number || ' ' || a.ord || ' ' || a.alert FROM incident_alerts a "
                       "JOIN incidents i ON i.id = a.incident ORDER BY i.number, a.ord"));
}

/// Every link as "ALERT ONCE" (once: 1 when the log holds its once-only event), by alert.
QStringList linkFlags(store::Store &st)
{
    return st.db().texts(
        QStringLiteral("SELECT alert || ' ' || once FROM incident_alerts ORDER BY alert"));
}

/// The links the store looks up by name: what the partial index holds.
QStringList linksByName(store::Store &st)
{
    return st.db().texts(QStringLiteral("SELECT alert FROM incident_alerts INDEXED BY "
                                        "incident_alerts_by_name WHERE once = 0 ORDER BY alert"));
}

/// Store::alertLinked() as the engine asks it, for incident `number`.
bool linked(CoreFixture &fx, const QString &number, const QString &alert)
{
    const auto inc = fx.get(number);
    return fx.store.alertLinked(inc.rowid, alert,
                                domain::onceEventId(inc.uid, domain::kinds::AlertLinked, alert));
}

/// An alert.linked of `alert` on incident `number` as a remote replica recorded it, under `id`.
domain::Event remoteLink(CoreFixture &fx, const QString &number, const QString &alert,
                         const QString &id)
{
    domain::Event e;
    e.id = id;
    e.incidentUid = fx.get(number).uid;
    e.ts = fx.clock.nowMs() + kMinute;
    e.hlc = e.ts << 16;
    e.actor = QStringLiteral("old-client");
    e.kind = domain::kinds::AlertLinked;
    e.payload = {{QStringLiteral("alert"), alert}};
    return e;
}

/// Merges, a minute apart, a link of each of `alerts` on incident `number` as a replica from
/// before once-only links recorded it: under an id of its own.
bool mergeLegacyLinks(CoreFixture &fx, const QString &number, const QStringList &alerts)
{
    for (const QString &alert : alerts) {
        fx.clock.advance(kMinute);
        if (!fx.engine->mergeRemote({remoteLink(fx, number, alert, store::Store::newUuid())}))
            return false;
    }
    return true;
}

/// The incident rows as far as links change them.
QStringList incidentRows(store::Store &st)
{
    return st.db().texts(QStringLiteral(
        "SELECT json_array(id, number, alert_count, event_count, hex(head_hash), updated_at) "
        "FROM incidents ORDER BY id"));
}

Command link(const QString &incident, const QString &alert)
{
    return Command::make(Command::Kind::LinkAlert, incident,
                         {{QStringLiteral("alert"), alert},
                          {QStringLiteral("source"), QStringLiteral("alertmanager")}},
                         QStringLiteral("alertmanager"));
}

qint64 linkedEvents(store::Store &st)
{
    return st.db().scalar(QStringLiteral("SELECT count(*) FROM events WHERE kind=?"),
                          {domain::kinds::AlertLinked});
}

/// Merges every event of `from`'s incident into `to`: what went wrong, empty when it merged.
QString exchange(CoreFixture &from, CoreFixture &to, const QString &uid)
{
    const auto m = to.engine->mergeRemote(from.store.timeline(uid));
    return m ? QString() : QStringLiteral("merge failed: ") + m.errorMessage();
}

/// Opens a high-severity incident titled `title` with `alert` linked by the opening.
QString openWithAlert(CoreFixture &fx, const QString &title, const QString &alert)
{
    return fx.open(QJsonObject{{QStringLiteral("title"), title},
                               {QStringLiteral("severity"), QStringLiteral("high")},
                               {QStringLiteral("alerts"), QJsonArray{alert}}});
}

} // namespace

class TestAlertLinks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void sameAlertLinkedTwice_recordedOnce();
    void writtenArguments_storedAsTheirCanonicalBytes();
    void verifyAndRebuild_giveTheLiveLinks();
    void verify_findsChangedLinks();
    void mergeOfRemoteLinks_converges();
    void links_foundByOnceEventOrByName();
    void bulkLoad_writesTheLinks();
    void migration_movesTheJsonListIntoTheTable();
    void migration_keysTheLinksInLinkOrder();
};

void TestAlertLinks::sameAlertLinkedTwice_recordedOnce()
{
    CoreFixture fx;
    const QString n = openWithAlert(fx, QStringLiteral("Links"), QStringLiteral("am:a"));
    QVERIFY(!n.isEmpty());
    QCOMPARE(fx.get(n).alertCount, qint64(1));
    // Linked by the opening: no alert.linked event holds it, only the table knows.
    auto r = fx.engine->execute(link(n, QStringLiteral("am:a")));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QVERIFY(r->noop);
    QCOMPARE(linkedEvents(fx.store), qint64(0));
    // Twice in one batch: the batch's working copy knows its own link.
    auto b =
        fx.engine->executeBatch({link(n, QStringLiteral("am:b")), link(n, QStringLiteral("am:b"))});
    QVERIFY2(b, qPrintable(b.errorMessage()));
    QVERIFY(!(*b)[0]->noop);
    QVERIFY((*b)[1]->noop);
    // Again in a later batch.
    fx.clock.advance(kMinute);
    r = fx.engine->execute(link(n, QStringLiteral("am:b")));
    QVERIFY(r);
    QVERIFY(r->noop);
    QCOMPARE(linkedEvents(fx.store), qint64(1));

    // A replica from before once-only links recorded the same link under its own id: the
    // log then holds two, and the projection counts the alert once.
    domain::Event legacy;
    legacy.id = store::Store::newUuid();
    legacy.incidentUid = fx.get(n).uid;
    legacy.ts = fx.clock.nowMs() + kMinute;
    legacy.hlc = legacy.ts << 16;
    legacy.actor = QStringLiteral("old-client");
    legacy.kind = domain::kinds::AlertLinked;
    legacy.payload = {{QStringLiteral("alert"), QStringLiteral("am:b")}};
    auto m = fx.engine->mergeRemote({legacy});
    QVERIFY2(m, qPrintable(m.errorMessage()));
    QCOMPARE(m->applied, 1);
    QCOMPARE(linkedEvents(fx.store), qint64(2));

    const auto inc = fx.get(n);
    QCOMPARE(inc.alertCount, qint64(2));
    QCOMPARE(fx.store.alerts(inc.rowid),
             (QStringList{QStringLiteral("am:a"), QStringLiteral("am:b")}));
    QCOMPARE(linkRows(fx.store),
             (QStringList{n + QStringLiteral(" 1 am:a"), n + QStringLiteral(" 2 am:b")}));
    QVERIFY(linked(fx, n, QStringLiteral("am:a")));
    QVERIFY(linked(fx, n, QStringLiteral("am:b")));
    QVERIFY(!linked(fx, n, QStringLiteral("am:c")));
    const auto v = fx.engine->verify();
    QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
}

// A link made from arguments written in canonical form (as the correlator makes them) stores
// exactly those bytes, which are what the arguments as an object give; arguments changed after
// the command was made, or an alert id that needs trimming, are written anew from the object.
void TestAlertLinks::writtenArguments_storedAsTheirCanonicalBytes()
{
    CoreFixture fx;
    const QString n = openWithAlert(fx, QStringLiteral("Written"), QStringLiteral("am:a"));
    QVERIFY(!n.isEmpty());
    const auto written = [](const QString &alert) {
        domain::CanonicalObjectWriter w;
        w.string(QLatin1String("alert"), alert)
            .string(QLatin1String("group"), QStringLiteral("alertname=Disk, service=db"))
            .string(QLatin1String("host"), QStringLiteral("db-1"))
            .string(QLatin1String("service"), QStringLiteral("db"))
            .string(QLatin1String("severity"), QStringLiteral("high"))
            .string(QLatin1String("source"), QStringLiteral("alertmanager"))
            .string(QLatin1String("status"), QStringLiteral("firing"))
            // Escapes, a character beyond the BMP and a lone surrogate.
            .string(QLatin1String("title"), QStringLiteral("Disk \"full\"\t\u00e9 ") +
                                                QString::fromUcs4(U"\U0001F525") + QChar(0xdc00))
            .string(QLatin1String("url"), QStringLiteral("http://prometheus:9090/graph?g0.expr=x"));
        return w.finish();
    };
    const auto linkedPayload = [&](const QString &alert) -> std::optional<domain::Event> {
        for (const domain::Event &e : fx.store.timeline(fx.get(n).uid))
            if (e.kind == domain::kinds::AlertLinked && e.payload[u"alert"].toString() == alert)
                return e;
        return std::nullopt;
    };

    const domain::CanonicalObject args = written(QStringLiteral("am:w"));
    auto r = fx.engine->execute(
        Command::make(Command::Kind::LinkAlert, n, args, QStringLiteral("alertmanager")));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QVERIFY(!r->noop);
    auto e = linkedPayload(QStringLiteral("am:w"));
    QVERIFY(e);
    QCOMPARE(e->payloadRaw, args.json());
    QCOMPARE(e->payloadRaw, domain::canonicalJson(args.object()));
    QCOMPARE(e->payload, args.object());

    // Changed after it was made: the change is what is stored.
    Command changed = Command::make(Command::Kind::LinkAlert, n, written(QStringLiteral("am:x")),
                                    QStringLiteral("alertmanager"));
    changed.args[u"title"] = QStringLiteral("Changed");
    r = fx.engine->execute(changed);
    QVERIFY2(r, qPrintable(r.errorMessage()));
    e = linkedPayload(QStringLiteral("am:x"));
    QVERIFY(e);
    QCOMPARE(e->payload[u"title"].toString(), QStringLiteral("Changed"));
    QCOMPARE(e->payloadRaw, domain::canonicalJson(changed.args));

    // An alert id with spaces around it: linked and stored trimmed.
    r = fx.engine->execute(Command::make(Command::Kind::LinkAlert, n,
                                         written(QStringLiteral(" am:y ")),
                                         QStringLiteral("alertmanager")));
    QVERIFY2(r, qPrintable(r.errorMessage()));
    e = linkedPayload(QStringLiteral("am:y"));
    QVERIFY(e);
    QJsonObject trimmed = written(QStringLiteral("am:y")).object();
    QCOMPARE(e->payload, trimmed);
    QCOMPARE(e->payloadRaw, domain::canonicalJson(trimmed));

    QCOMPARE(fx.store.alerts(fx.get(n).rowid),
             (QStringList{QStringLiteral("am:a"), QStringLiteral("am:w"), QStringLiteral("am:x"),
                          QStringLiteral("am:y")}));
    const auto v = fx.engine->verify();
    QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
}

void TestAlertLinks::verifyAndRebuild_giveTheLiveLinks()
{
    CoreFixture fx;
    const QString a = openWithAlert(fx, QStringLiteral("First"), QStringLiteral("x1"));
    const QString b = fx.open(QStringLiteral("Second"), QStringLiteral("low"));
    QVERIFY(fx.engine->executeBatch({link(a, QStringLiteral("x2")), link(b, QStringLiteral("y1")),
                                     link(a, QStringLiteral("x3"))}));
    for (int i = 2; i <= 5; ++i) {
        fx.clock.advance(kMinute);
        QVERIFY(fx.engine->execute(link(b, QStringLiteral("y%1").arg(i))));
    }
    QVERIFY(fx.run(Command::Kind::Note, a, {{QStringLiteral("text"), QStringLiteral("noted")}}));
    const QStringList links = linkRows(fx.store);
    const QStringList rows = incidentRows(fx.store);
    QCOMPARE(links.size(), 8);
    QCOMPARE(links.first(), a + QStringLiteral(" 1 x1"));
    QCOMPARE(fx.get(b).alertCount, qint64(5));

    const auto v = fx.engine->verify();
    QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    QVERIFY(fx.engine->rebuildProjections().ok());
    QCOMPARE(linkRows(fx.store), links);
    QCOMPARE(incidentRows(fx.store), rows);
    QVERIFY(fx.engine->verify().ok);
}

void TestAlertLinks::verify_findsChangedLinks()
{
    CoreFixture fx;
    const QString n = fx.open(QStringLiteral("Tampered"), QStringLiteral("high"));
    for (const char *alert : {"t1", "t2", "t3"})
        QVERIFY(fx.engine->execute(link(n, QString::fromLatin1(alert))));
    const QStringList links = linkRows(fx.store);
    const QStringList rows = incidentRows(fx.store);
    QVERIFY(fx.engine->verify().ok);

    const char *const tampering[] = {
        "DELETE FROM incident_alerts WHERE alert = 't2'",
        "UPDATE incident_alerts SET ord = 7 WHERE alert = 't3'",
        "INSERT INTO incident_alerts(incident, alert, ord) SELECT id, 't9', 4 FROM incidents",
        "UPDATE incidents SET alert_count = 2",
    };
    for (const char *sql : tampering) {
        QVERIFY(fx.store.db().exec(QString::fromLatin1(sql)).ok());
        const auto v = fx.engine->verify();
        QVERIFY2(!v.ok, sql);
        QVERIFY(fx.engine->rebuildProjections().ok());
        QCOMPARE(linkRows(fx.store), links);
        QCOMPARE(incidentRows(fx.store), rows);
        QVERIFY(fx.engine->verify().ok);
    }
    // The fault names the incident and the alert.
    QVERIFY(
        fx.store.db().exec(QStringLiteral("DELETE FROM incident_alerts WHERE alert = 't1'")).ok());
    const auto v = fx.store.verify();
    QVERIFY(std::any_of(v.faults.cbegin(), v.faults.cend(), [&](const QString &f) {
        return f.contains(n) && f.contains(QStringLiteral("alert t1"));
    }));
}

void TestAlertLinks::mergeOfRemoteLinks_converges()
{
    CoreFixture a, b;
    const QString n = a.open(QStringLiteral("Shared"), QStringLiteral("high"));
    const QString uid = a.get(n).uid;
    QCOMPARE(exchange(a, b, uid), QString());
    // Each replica links its own alerts, interleaved in time, then they exchange their logs.
    for (int i = 0; i < 3; ++i) {
        a.clock.advance(kMinute);
        QVERIFY(a.engine->execute(link(n, QStringLiteral("a%1").arg(i))));
        b.clock.set(a.clock.nowMs() + 1000);
        QVERIFY(b.engine->execute(link(n, QStringLiteral("b%1").arg(i))));
    }
    QCOMPARE(exchange(a, b, uid), QString());
    QCOMPARE(exchange(b, a, uid), QString());
    const QStringList expected{QStringLiteral("a0"), QStringLiteral("b0"), QStringLiteral("a1"),
                               QStringLiteral("b1"), QStringLiteral("a2"), QStringLiteral("b2")};
    QCOMPARE(a.store.alerts(a.get(n).rowid), expected);
    QCOMPARE(b.store.alerts(b.get(n).rowid), expected);
    QCOMPARE(a.get(n).alertCount, qint64(6));
    QCOMPARE(b.get(n).alertCount, qint64(6));
    QCOMPARE(linkRows(a.store), linkRows(b.store));

    // Both link the same alert (one once-only event id, each replica's own copy of it) and
    // a replica-only one: after the exchange both hold each alert once.
    a.clock.advance(kMinute);
    b.clock.set(a.clock.nowMs() + 1000);
    QVERIFY(a.engine->execute(link(n, QStringLiteral("shared"))));
    QVERIFY(b.engine->execute(link(n, QStringLiteral("shared"))));
    QVERIFY(b.engine->execute(link(n, QStringLiteral("b-only"))));
    QCOMPARE(exchange(a, b, uid), QString());
    QCOMPARE(exchange(b, a, uid), QString());
    for (CoreFixture *fx : {&a, &b}) {
        QStringList links = fx->store.alerts(fx->get(n).rowid);
        QCOMPARE(fx->get(n).alertCount, qint64(8));
        QCOMPARE(links.size(), 8);
        QCOMPARE(links.mid(0, 6), expected);
        std::sort(links.begin() + 6, links.end());
        QCOMPARE(links.mid(6), (QStringList{QStringLiteral("b-only"), QStringLiteral("shared")}));
        const auto v = fx->engine->verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    }
    QCOMPARE(linkedEvents(a.store), qint64(8));
    QCOMPARE(linkedEvents(b.store), qint64(8));
}

void TestAlertLinks::links_foundByOnceEventOrByName()
{
    CoreFixture fx;
    const QString n = openWithAlert(fx, QStringLiteral("Keys"), QStringLiteral("am:open"));
    // Links the engine makes carry their once-only event: found in the log, and nothing of
    // them goes into the index by name (a storm's links write no random key there).
    for (int i = 0; i < 50; ++i)
        QVERIFY(fx.engine->execute(link(n, QStringLiteral("am:%1").arg(i, 2, 10, QChar(u'0')))));
    QCOMPARE(linksByName(fx.store), QStringList{QStringLiteral("am:open")});
    QCOMPARE(
        fx.store.db().scalar(QStringLiteral("SELECT count(*) FROM incident_alerts WHERE once")),
        qint64(50));
    // A replica from before once-only links: a new alert under its own id is looked up by
    // name; one that repeats a link made by its once-only event changes nothing.
    QVERIFY(mergeLegacyLinks(fx, n, {QStringLiteral("am:legacy"), QStringLiteral("am:07")}));
    QCOMPARE(linksByName(fx.store),
             (QStringList{QStringLiteral("am:legacy"), QStringLiteral("am:open")}));
    for (const char *alert : {"am:open", "am:00", "am:07", "am:49", "am:legacy"}) {
        QVERIFY2(linked(fx, n, QString::fromLatin1(alert)), alert);
        const auto r = fx.engine->execute(link(n, QString::fromLatin1(alert)));
        QVERIFY(r && r->noop);
    }
    QVERIFY(!linked(fx, n, QStringLiteral("am:50")));
    QCOMPARE(fx.get(n).alertCount, qint64(52));
    QCOMPARE(linkedEvents(fx.store), qint64(52));
    // A once-only event for a link made by name (written by a replica that had not seen the
    // link): the link stays where it is and is found by that event from then on.
    fx.clock.advance(kMinute);
    const QString uid = fx.get(n).uid;
    QVERIFY(fx.engine->mergeRemote({remoteLink(
        fx, n, QStringLiteral("am:legacy"),
        domain::onceEventId(uid, domain::kinds::AlertLinked, QStringLiteral("am:legacy")))}));
    QCOMPARE(linksByName(fx.store), QStringList{QStringLiteral("am:open")});
    QVERIFY(linked(fx, n, QStringLiteral("am:legacy")));
    QCOMPARE(fx.get(n).alertCount, qint64(52));
    const QStringList rows = linkRows(fx.store), flags = linkFlags(fx.store);
    QCOMPARE(rows.at(51), n + QStringLiteral(" 52 am:legacy"));

    // Verify and a rebuild give the same keys; a changed key is a fault.
    auto v = fx.engine->verify();
    QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    QVERIFY(fx.engine->rebuildProjections().ok());
    QCOMPARE(linkRows(fx.store), rows);
    QCOMPARE(linkFlags(fx.store), flags);
    for (const char *alert : {"am:open", "am:07"}) {
        QVERIFY(fx.store.db()
                    .run(QStringLiteral("UPDATE incident_alerts SET once = 1 - once WHERE alert=?"),
                         QString::fromLatin1(alert))
                    .ok());
        v = fx.store.verify();
        QVERIFY2(!v.ok, alert);
        QVERIFY(std::any_of(v.faults.cbegin(), v.faults.cend(), [&](const QString &f) {
            return f.contains(n) && f.contains(QString::fromLatin1(alert));
        }));
        QVERIFY(fx.engine->rebuildProjections().ok());
        QCOMPARE(linkFlags(fx.store), flags);
    }
    // Two links of one alert by name are refused by the index.
    QVERIFY(!fx.store.db()
                 .exec(QStringLiteral("INSERT INTO incident_alerts(incident, ord, alert, once) "
                                      "SELECT id, 99, 'am:open', 0 FROM incidents"))
                 .ok());
}

void TestAlertLinks::bulkLoad_writesTheLinks()
{
    CoreFixture source;
    const QString n = openWithAlert(source, QStringLiteral("Loaded"), QStringLiteral("l0"));
    for (int i = 1; i <= 4; ++i)
        QVERIFY(source.engine->execute(link(n, QStringLiteral("l%1").arg(i))));
    CoreFixture target;
    auto loader = target.engine->bulkLoader();
    QVERIFY(loader.begin().ok());
    QVERIFY(loader.add(source.store.timeline(source.get(n).uid)).ok());
    const auto s = loader.finish();
    QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    QCOMPARE(linkRows(target.store), linkRows(source.store));
    QCOMPARE(target.get(n).alertCount, qint64(5));
    const auto v = target.engine->verify();
    QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    // Linking on the loaded copy goes on from the loaded links.
    QVERIFY(target.engine->execute(link(n, QStringLiteral("l1")))->noop);
    QVERIFY(!target.engine->execute(link(n, QStringLiteral("l5")))->noop);
    QCOMPARE(linkRows(target.store).last(), n + QStringLiteral(" 6 l5"));
}

void TestAlertLinks::migration_movesTheJsonListIntoTheTable()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    {
        // A database at the schema before the migration (every earlier migration, applied as
        // Store::migrate does) with incidents whose links are a JSON list in the row.
        store::Db db;
        QVERIFY(db.open(path).ok());
        const auto migrated = applyMigrationsBefore(db, QStringLiteral("0910_incident_alerts"));
        QVERIFY2(migrated, qPrintable(migrated.errorMessage()));
        QVERIFY(
            db.exec(QStringLiteral(
                        "INSERT INTO incidents(id, uid, number, title, state, created_at, "
                        "updated_at, alerts) VALUES "
                        "(1, x'01', 'INC0000001', 'Two', 'triggered', 1, 1, '[\"am:1\",\"am:2\"]'),"
                        "(2, x'02', 'INC0000002', 'None', 'triggered', 1, 1, '[]')"))
                .ok());
    }
    store::Store st;
    const auto s = st.open(path);
    QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    QCOMPARE(st.alerts(1), (QStringList{QStringLiteral("am:1"), QStringLiteral("am:2")}));
    QCOMPARE(st.alerts(2), QStringList{});
    QCOMPARE(st.incidentByRowId(1)->alertCount, qint64(2));
    QCOMPARE(st.incidentByRowId(2)->alertCount, qint64(0));
    QCOMPARE(linkRows(st), (QStringList{QStringLiteral("INC0000001 1 am:1"),
                                        QStringLiteral("INC0000001 2 am:2")}));
    QCOMPARE(st.db().scalar(QStringLiteral(
                 "SELECT count(*) FROM pragma_table_info('incidents') WHERE name = 'alerts'")),
             qint64(0));
}

void TestAlertLinks::migration_keysTheLinksInLinkOrder()
{
    // Links of every kind: the opening's, the engine's, and a replica's under its own id, one
    // new and one repeating a link; then the table as it was before migration 1000, which a
    // second opening of the database applies.
    CoreFixture fx;
    QStringList rows, flags;
    QString n;
    {
        n = openWithAlert(fx, QStringLiteral("Upgraded"), QStringLiteral("am:open"));
        for (const char *alert : {"am:1", "am:2", "am:3"})
            QVERIFY(fx.engine->execute(link(n, QString::fromLatin1(alert))));
        QVERIFY(mergeLegacyLinks(fx, n, {QStringLiteral("am:legacy"), QStringLiteral("am:2")}));
        rows = linkRows(fx.store);
        flags = linkFlags(fx.store);
        QCOMPARE(flags, (QStringList{QStringLiteral("am:1 1"), QStringLiteral("am:2 1"),
                                     QStringLiteral("am:3 1"), QStringLiteral("am:legacy 0"),
                                     QStringLiteral("am:open 0")}));
        for (const char *sql : {
                 "CREATE TABLE old_links(incident INTEGER NOT NULL, alert TEXT NOT NULL, ord "
                 "INTEGER NOT NULL, PRIMARY KEY(incident, alert)) WITHOUT ROWID",
                 "INSERT INTO old_links SELECT incident, alert, ord FROM incident_alerts",
                 "DROP TABLE incident_alerts",
                 "ALTER TABLE old_links RENAME TO incident_alerts",
                 "CREATE INDEX incident_alerts_in_order ON incident_alerts(incident, ord)",
                 "DELETE FROM schema_migrations WHERE name = '1000_incident_alerts_link_order'",
             })
            QVERIFY2(fx.store.db().exec(QString::fromLatin1(sql)).ok(), sql);
        store::Store again;
        const auto s = again.open(fx.dbPath);
        QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
    }
    QCOMPARE(
        fx.store.db().scalar(QStringLiteral("SELECT count(*) FROM schema_migrations WHERE name = "
                                            "'1000_incident_alerts_link_order'")),
        qint64(1));
    QCOMPARE(linkRows(fx.store), rows);
    QCOMPARE(linkFlags(fx.store), flags);
    QCOMPARE(linksByName(fx.store),
             (QStringList{QStringLiteral("am:legacy"), QStringLiteral("am:open")}));
    const auto v = fx.engine->verify();
    QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    for (const char *alert : {"am:open", "am:1", "am:2", "am:legacy"}) {
        const auto r = fx.engine->execute(link(n, QString::fromLatin1(alert)));
        QVERIFY2(r && r->noop, alert);
    }
    QVERIFY(!fx.engine->execute(link(n, QStringLiteral("am:4")))->noop);
    QCOMPARE(linkRows(fx.store).last(), n + QStringLiteral(" 6 am:4"));
}

QTEST_GUILESS_MAIN(TestAlertLinks)
#include "tst_alertlinks.moc"
