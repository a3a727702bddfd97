// SPDX-License-Identifier: MIT
// sitrep-server against a real PostgreSQL 15 cluster, two instances behind HAProxy: schema,
// users and tokens, the identity rules, idempotency, the live change feed across instances,
// probes and metrics, rate limits, TLS, a killed instance, a restarted database, shutdown.
#include "fixtures/teamserver/teamserver.h"
#include "sync/restclient.h"
#include "unit/synctestutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QUuid>
#include <QtTest>

#include <csignal>

using namespace sitrep;
using sitrep::sync::HttpReply;
using sitrep::sync::RestClient;
using sitrep::testing::TeamBackEnd;

namespace {

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

qint64 g_hlc = 1000;

QJsonObject mkEvent(const QString &incident, const QString &kind, const QString &actor,
                    const QJsonObject &payload = {}, const QString &id = uuid())
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("incidentId"), incident},
            {QStringLiteral("hlc"), QString::number(++g_hlc)},
            {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("payload"), payload},
            {QStringLiteral("origin"), QStringLiteral("test")}};
}

QJsonObject opened(const QString &incident, const QString &actor)
{
    return mkEvent(incident, QStringLiteral("incident.opened"), actor,
                   {{QStringLiteral("state"), QStringLiteral("triggered")},
                    {QStringLiteral("priority"), QStringLiteral("P2")},
                    {QStringLiteral("number"), QStringLiteral("TMP-1")},
                    {QStringLiteral("resolution_minutes"), 240}});
}

HttpReply post(RestClient &c, const QString &path, const QJsonObject &body,
               const QByteArray &key = {})
{
    return testing::call(c, "POST", path, &body,
                         {{"Idempotency-Key", key.isEmpty() ? uuid().toLatin1() : key}});
}

HttpReply batch(RestClient &c, const QJsonArray &events, const QByteArray &key = {})
{
    return post(c, QStringLiteral("/api/events"), {{QStringLiteral("events"), events}}, key);
}

/// Opens an incident as `actor` and returns its id.
QString openIncident(RestClient &c, const QString &actor)
{
    const QString id = uuid();
    const QJsonObject ev = opened(id, actor);
    const HttpReply r = post(c, QStringLiteral("/api/incidents"),
                             {{QStringLiteral("incidentId"), id}, {QStringLiteral("event"), ev}},
                             ev.value(u"id").toString().toLatin1());
    if (r.status != 201)
        qWarning() << "open failed" << r.describe();
    return r.status == 201 ? id : QString();
}

/// One result of a batch append (its status, code, error).
QJsonObject result(const HttpReply &r, int i = 0)
{
    return r.json().value(u"results").toArray().at(i).toObject();
}

HttpReply putLease(RestClient &c, const QString &name, const QString &holder, int ttlMs)
{
    const QJsonObject body{{QStringLiteral("holder"), holder}, {QStringLiteral("ttlMs"), ttlMs}};
    return testing::call(c, "PUT", QStringLiteral("/api/leases/") + name, &body);
}

HttpReply deleteLease(RestClient &c, const QString &name, const QString &holder)
{
    return testing::call(c, "DELETE",
                         QStringLiteral("/api/leases/%1?holder=%2")
                             .arg(name, QString::fromLatin1(QUrl::toPercentEncoding(holder))));
}

QString resultStatus(const HttpReply &r, int i = 0)
{
    return result(r, i).value(u"status").toString();
}

/// Reads the feed to its end and returns the cursor there (empty when a page failed).
QString catchUp(RestClient &c)
{
    QString cursor = QStringLiteral("0");
    for (;;) {
        const HttpReply page = testing::call(
            c, "GET", QStringLiteral("/api/changes?since=%1&limit=20000").arg(cursor));
        if (page.status != 200) {
            qWarning() << "catching up failed:" << page.describe();
            return {};
        }
        cursor = page.json().value(u"cursor").toString();
        if (!page.json().value(u"more").toBool())
            return cursor;
    }
}

} // namespace

class TestServer : public QObject {
    Q_OBJECT
    TeamBackEnd m_team;
    QString m_alice, m_bob, m_wall, m_agent;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_team.start(2), testing::TeamBackEnd::kNotStarted);
        m_alice = m_team.addUser(QStringLiteral("alice"), QStringLiteral("commander"));
        m_bob = m_team.addUser(QStringLiteral("bob"), QStringLiteral("responder"));
        m_wall = m_team.addUser(QStringLiteral("wall"), QStringLiteral("viewer"));
        m_agent = m_team.addUser(QStringLiteral("agent-1"), QStringLiteral("agent"));
        QVERIFY(m_alice.startsWith(u"sitrep_") && !m_bob.isEmpty() && !m_wall.isEmpty() &&
                !m_agent.isEmpty());
    }

    void migrate_secondRunChangesNothing_andServeWaitsForIt()
    {
        testing::PgCluster pg;
        QVERIFY2(pg.start(), qPrintable(pg.error()));
        const QString url = QString::fromUtf8(pg.url());
        QByteArray out;
        // A server on an empty database refuses to start and says what to do.
        QCOMPARE(
            testing::serverCli({QStringLiteral("serve"), QStringLiteral("--listen"),
                                QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"), url},
                               &out),
            1);
        QVERIFY2(out.contains("sitrep-server migrate"), out.constData());
        QCOMPARE(testing::serverCli({QStringLiteral("migrate"), QStringLiteral("--database"), url},
                                    &out),
                 0);
        QVERIFY2(out.contains("applied 2 migration"), out.constData());
        const QByteArray schema = pg.sql(QStringLiteral(
            "SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY table_name, "
            "column_name) FROM information_schema.columns WHERE table_schema = 'public'"));
        QCOMPARE(testing::serverCli({QStringLiteral("migrate"), QStringLiteral("--database"), url},
                                    &out),
                 0);
        QVERIFY2(out.contains("schema is current"), out.constData());
        QCOMPARE(pg.sql(QStringLiteral("SELECT string_agg(table_name || '.' || column_name, ',' "
                                       "ORDER BY table_name, column_name) FROM "
                                       "information_schema.columns WHERE table_schema = 'public'")),
                 schema);
        QCOMPARE(pg.sql(QStringLiteral("SELECT count(*) FROM schema_migrations")), QByteArray("2"));
        // The same through a configuration file, as the systemd unit runs it.
        QTemporaryDir etc;
        const QString config = etc.filePath(QStringLiteral("server.yaml"));
        QVERIFY(testing::writeFile(config,
                                   "database: " + pg.url() + "\nlisten: 127.0.0.1:0\npool: 4\n"));
        QCOMPARE(testing::serverCli({QStringLiteral("migrate"), QStringLiteral("--config"), config},
                                    &out),
                 0);
        QVERIFY2(out.contains("schema is current"), out.constData());
        QVERIFY(testing::writeFile(config, "database: " + pg.url() + "\nlisen: 127.0.0.1:0\n"));
        QCOMPARE(testing::serverCli({QStringLiteral("migrate"), QStringLiteral("--config"), config},
                                    &out),
                 1);
        QVERIFY2(out.contains("unknown setting 'lisen'"), out.constData());
        QCOMPARE(testing::serverCli({QStringLiteral("migrate"), QStringLiteral("--config"),
                                     etc.filePath(QStringLiteral("none.yaml"))},
                                    &out),
                 1);
        QVERIFY2(out.contains("no configuration file"), out.constData());
        // Bad input: a clear error and the usage exit code; a reserved name: refused.
        const struct {
            const char *name, *role;
            int exitCode;
            const char *says;
        } refused[] = {{"carol", "boss", 2, "unknown role 'boss'"},
                       {"system", "admin", 1, "reserved"}};
        for (const auto &r : refused) {
            QCOMPARE(
                testing::serverCli({QStringLiteral("user"), QStringLiteral("add"),
                                    QString::fromLatin1(r.name), QStringLiteral("--role"),
                                    QString::fromLatin1(r.role), QStringLiteral("--database"), url},
                                   &out),
                r.exitCode);
            QVERIFY2(out.contains(r.says), out.constData());
        }
        QCOMPARE(testing::serverCli({QStringLiteral("frobnicate")}, &out), 2);
    }

    void tokens_storedOnlyAsHashes_revokedAtOnce()
    {
        const QString url = QString::fromUtf8(m_team.pg.url());
        const QString token = m_team.addUser(QStringLiteral("dave"), QStringLiteral("responder"));
        QVERIFY(token.startsWith(u"sitrep_"));
        // Nothing in the database holds the token itself.
        QVERIFY(!m_team.pg.sql(QStringLiteral("SELECT string_agg(u::text, ' ') FROM users u"))
                     .contains(token.toUtf8()));
        RestClient dave(m_team.url(), token);
        HttpReply me = testing::call(dave, "GET", QStringLiteral("/api/me"));
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(u"user").toString(), QStringLiteral("dave"));
        QCOMPARE(me.json().value(u"role").toString(), QStringLiteral("responder"));
        // A rotated token fails on the next request; the new one works, on every instance.
        QByteArray out;
        QCOMPARE(testing::serverCli({QStringLiteral("token"), QStringLiteral("rotate"),
                                     QStringLiteral("dave"), QStringLiteral("--database"), url},
                                    &out),
                 0);
        const QString fresh = QString::fromUtf8(out.trimmed().split('\n').last());
        QCOMPARE(testing::call(dave, "GET", QStringLiteral("/api/me")).status, 401);
        dave.setToken(fresh);
        for (const auto &s : m_team.servers) {
            RestClient direct(s->url(), fresh);
            QCOMPARE(testing::call(direct, "GET", QStringLiteral("/api/me")).status, 200);
        }
        // Disabled: refused at once everywhere.
        QCOMPARE(testing::serverCli({QStringLiteral("user"), QStringLiteral("disable"),
                                     QStringLiteral("dave"), QStringLiteral("--database"), url},
                                    &out),
                 0);
        for (const auto &s : m_team.servers) {
            RestClient direct(s->url(), fresh);
            const HttpReply r =
                testing::call(direct, "GET", QStringLiteral("/api/changes?since=0"));
            QCOMPARE(r.status, 401);
            QVERIFY(!r.body.contains(fresh.toUtf8()));
        }
        QCOMPARE(testing::serverCli({QStringLiteral("user"), QStringLiteral("list"),
                                     QStringLiteral("--json"), QStringLiteral("--database"), url},
                                    &out),
                 0);
        const QJsonArray users = QJsonDocument::fromJson(out).array();
        bool sawDave = false;
        for (const auto &u : users)
            if (u.toObject().value(u"name").toString() == u"dave") {
                sawDave = true;
                QVERIFY(u.toObject().value(u"disabled").toBool());
            }
        QVERIFY(sawDave);
        RestClient nobody(m_team.url(), QStringLiteral("sitrep_not-a-real-token"));
        QCOMPARE(testing::call(nobody, "GET", QStringLiteral("/api/me")).status, 401);
    }

    void identity_forgedActorRefused_viewerReadsOnly_onlyCommandersApprove()
    {
        RestClient alice(m_team.url(), m_alice), bob(m_team.url(), m_bob),
            wall(m_team.url(), m_wall), agent(m_team.url(), m_agent);
        const QString inc = openIncident(bob, QStringLiteral("bob"));
        QVERIFY(!inc.isEmpty());
        // Bob cannot write as Alice, nor as a made-up person.
        HttpReply r =
            batch(bob, {mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("alice"),
                                {{QStringLiteral("text"), QStringLiteral("forged")}})});
        QCOMPARE(r.status, 200);
        QCOMPARE(resultStatus(r), QStringLiteral("refused"));
        QCOMPARE(result(r).value(u"code").toInt(), 403);
        QVERIFY(result(r).value(u"error").toString().contains(u"alice"));
        r = post(bob, QStringLiteral("/api/incidents/%1/events").arg(inc),
                 {{QStringLiteral("events"), QJsonArray{mkEvent(inc, QStringLiteral("note.added"),
                                                                QStringLiteral("priya.raman"))}}});
        QCOMPARE(r.status, 403);
        // The system and alert sources may be relayed by anyone who writes.
        r = batch(agent,
                  {mkEvent(inc, QStringLiteral("alert.linked"), QStringLiteral("alertmanager")),
                   mkEvent(inc, QStringLiteral("sla.breached"), QStringLiteral("system"))});
        QCOMPARE(r.json().value(u"accepted").toInt(), 2);
        // A viewer reads and writes nothing.
        QCOMPARE(testing::call(wall, "GET", QStringLiteral("/api/changes?since=0")).status, 200);
        QCOMPARE(batch(wall, {mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("wall"))})
                     .status,
                 403);
        // Approvals: a responder's is refused, an agent's too, a commander's accepted under her
        // name.
        r = batch(bob, {mkEvent(inc, QStringLiteral("approval.granted"), QStringLiteral("bob"),
                                {{QStringLiteral("for"), QStringLiteral("mitigating")}})});
        QCOMPARE(resultStatus(r), QStringLiteral("refused"));
        QVERIFY(result(r).value(u"error").toString().contains(u"commander"));
        r = batch(agent,
                  {mkEvent(inc, QStringLiteral("approval.granted"), QStringLiteral("system"))});
        QCOMPARE(resultStatus(r), QStringLiteral("refused"));
        r = batch(alice, {mkEvent(inc, QStringLiteral("approval.granted"), QStringLiteral("bob"))});
        QCOMPARE(resultStatus(r), QStringLiteral("refused"));
        r = batch(bob, {mkEvent(inc, QStringLiteral("remediation.queued"), QStringLiteral("bob"),
                                {{QStringLiteral("approved_by"), QStringLiteral("bob")}})});
        QCOMPARE(resultStatus(r), QStringLiteral("refused"));
        r = batch(alice, {mkEvent(inc, QStringLiteral("approval.granted"), QStringLiteral("alice"),
                                  {{QStringLiteral("for"), QStringLiteral("mitigating")}})});
        QCOMPARE(resultStatus(r), QStringLiteral("accepted"));
        // Only the back end numbers incidents.
        r = batch(alice,
                  {mkEvent(inc, QStringLiteral("incident.renumbered"), QStringLiteral("backend"))});
        QCOMPARE(resultStatus(r), QStringLiteral("refused"));
        // Every stored event says who relayed it.
        const QByteArray relayed =
            m_team.pg.sql(QStringLiteral("SELECT string_agg(actor || '/' || sent_by || '/' || "
                                         "sent_role, ',' ORDER BY seq) FROM events "
                                         "WHERE incident = '%1'")
                              .arg(inc));
        QCOMPARE(relayed, QByteArray("bob/bob/responder,backend/backend/backend,alertmanager/"
                                     "agent-1/agent,system/agent-1/agent,"
                                     "alice/alice/commander"));
        const HttpReply feed =
            testing::call(wall, "GET", QStringLiteral("/api/changes?since=0&limit=20000"));
        bool sawSentBy = false;
        for (const auto &v : feed.json().value(u"events").toArray())
            if (v.toObject().value(u"actor").toString() == u"alertmanager")
                sawSentBy = v.toObject().value(u"sentBy").toObject().value(u"user").toString() ==
                            u"agent-1";
        QVERIFY(sawSentBy);
    }

    void leases_takeRenewConflictExpiryRelease_onEveryInstance()
    {
        const QString admin = m_team.addUser(QStringLiteral("root"), QStringLiteral("admin"));
        QVERIFY(!admin.isEmpty());
        // Two agents, each on its own instance: the instances share nothing but the database.
        RestClient one(m_team.servers[0]->url(), m_agent), two(m_team.servers[1]->url(), admin);
        const QString a = QStringLiteral("host-a:101:abcdef"),
                      b = QStringLiteral("host-b:202:fedcba");
        HttpReply r = putLease(one, QStringLiteral("sla-tick"), a, 60000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"holder").toString(), a);
        QCOMPARE(r.json().value(u"user").toString(), QStringLiteral("agent-1"));
        QCOMPARE(r.json().value(u"ttlMs").toInt(), 60000);
        const QString firstExpiry = r.json().value(u"expiresAt").toString();
        const QString acquiredAt = r.json().value(u"acquiredAt").toString();
        // The expiry is the database's clock plus the ttl.
        QCOMPARE(
            m_team.pg.sql(QStringLiteral("SELECT held_by || ' ' || (expires_at - renewed_at = "
                                         "interval '60 s') FROM leases WHERE name = 'sla-tick'")),
            QByteArray("agent-1 true"));
        // Another holder, on the other instance, is refused and told who has it until when.
        r = putLease(two, QStringLiteral("sla-tick"), b, 60000);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json().value(u"holder").toString(), a);
        QCOMPARE(r.json().value(u"expiresAt").toString(), firstExpiry);
        // The holder renews: a later expiry, the same acquisition.
        QTest::qWait(20);
        r = putLease(one, QStringLiteral("sla-tick"), a, 60000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(u"expiresAt").toString() > firstExpiry);
        QCOMPARE(r.json().value(u"acquiredAt").toString(), acquiredAt);
        // The same holder id under another user's token does not renew it.
        QCOMPARE(putLease(two, QStringLiteral("sla-tick"), a, 60000).status, 409);
        // Only the holder releases it; then the other takes it at once.
        r = deleteLease(two, QStringLiteral("sla-tick"), b);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json().value(u"holder").toString(), a);
        r = deleteLease(one, QStringLiteral("sla-tick"), a);
        QCOMPARE(r.status, 204);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(deleteLease(one, QStringLiteral("sla-tick"), a).status, 204); // nothing held
        QCOMPARE(putLease(two, QStringLiteral("sla-tick"), b, 60000).status, 200);
        // An expired lease goes to whoever asks next, on any instance.
        QCOMPARE(putLease(one, QStringLiteral("notifier"), a, 1000).status, 200);
        QCOMPARE(putLease(two, QStringLiteral("notifier"), b, 1000).status, 409);
        QTest::qWait(1100);
        r = putLease(two, QStringLiteral("notifier"), b, 1000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(u"acquiredAt").toString() != acquiredAt);
        // The late holder's renewal is now refused: it lost the job.
        QCOMPARE(putLease(one, QStringLiteral("notifier"), a, 1000).status, 409);
        // Who holds what, for operators.
        const HttpReply list = testing::call(one, "GET", QStringLiteral("/api/leases"));
        QCOMPARE(list.status, 200);
        QStringList held;
        for (const auto &v : list.json().value(u"leases").toArray())
            held << v.toObject().value(u"name").toString() + u'=' +
                        v.toObject().value(u"user").toString();
        QVERIFY2(held.contains(QStringLiteral("sla-tick=root")), qPrintable(held.join(u' ')));
        QCOMPARE(deleteLease(two, QStringLiteral("sla-tick"), b).status, 204);
        QCOMPARE(deleteLease(two, QStringLiteral("notifier"), b).status, 204);
        // Counted in the metrics.
        RestClient anon(m_team.servers[1]->url(), QString());
        const QByteArray metrics = testing::call(anon, "GET", QStringLiteral("/metrics")).body;
        QVERIFY2(metrics.contains("sitrep_lease_requests_total{outcome=\"acquired\"} 2"),
                 metrics.constData());
        QVERIFY(metrics.contains("route=\"PUT /api/leases/{name}\",status=\"409\""));
    }

    void leases_manyTakersAtOnce_exactlyOneGetsIt()
    {
        // Twenty holders ask for one free lease at the same moment, through both instances.
        std::vector<std::unique_ptr<RestClient>> clients;
        int answered = 0, granted = 0, refused = 0;
        for (int i = 0; i < 20; ++i) {
            clients.push_back(std::make_unique<RestClient>(m_team.servers[i % 2]->url(), m_agent));
            const QJsonObject body{{QStringLiteral("holder"), QStringLiteral("racer-%1").arg(i)},
                                   {QStringLiteral("ttlMs"), 30000}};
            clients.back()->send("PUT", QStringLiteral("/api/leases/race"), &body, {},
                                 [&](const HttpReply &r) {
                                     ++answered;
                                     granted += r.status == 200;
                                     refused += r.status == 409;
                                 });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 20, 20000);
        QCOMPARE(granted, 1);
        QCOMPARE(refused, 19);
        QCOMPARE(m_team.pg.sql(QStringLiteral("SELECT count(*) FROM leases WHERE name = 'race'")),
                 QByteArray("1"));
    }

    void leases_onlyAgentsAndAdmins_badInputIs400()
    {
        RestClient bob(m_team.url(), m_bob), wall(m_team.url(), m_wall),
            alice(m_team.url(), m_alice), agent(m_team.url(), m_agent),
            anon(m_team.url(), QString());
        for (RestClient *c : {&bob, &wall, &alice}) {
            const HttpReply r =
                putLease(*c, QStringLiteral("escalations"), QStringLiteral("h"), 5000);
            QCOMPARE(r.status, 403);
            QVERIFY2(r.body.contains("only agents and admins"), r.body.constData());
            QCOMPARE(deleteLease(*c, QStringLiteral("escalations"), QStringLiteral("h")).status,
                     403);
        }
        QCOMPARE(putLease(anon, QStringLiteral("escalations"), QStringLiteral("h"), 5000).status,
                 401);
        const struct {
            const char *name;
            const char *holder;
            int ttl;
        } bad[] = {{"escalations", "h", 999},   {"escalations", "h", 300001},
                   {"escalations", "", 5000},   {"Escalations", "h", 5000},
                   {"-escalations", "h", 5000}, {"escalations", "tab\there", 5000}};
        for (const auto &b : bad) {
            const HttpReply r =
                putLease(agent, QString::fromLatin1(b.name), QString::fromLatin1(b.holder), b.ttl);
            QVERIFY2(r.status == 400,
                     qPrintable(QStringLiteral("%1 %2 %3: %4")
                                    .arg(QString::fromLatin1(b.name), QString::fromLatin1(b.holder))
                                    .arg(b.ttl)
                                    .arg(r.describe())));
        }
        QCOMPARE(putLease(agent, QString(65, u'a'), QStringLiteral("h"), 5000).status, 400);
        QCOMPARE(putLease(agent, QStringLiteral("escalations"), QString(201, u'h'), 5000).status,
                 400);
        QCOMPARE(putLease(agent, QStringLiteral("escalations"), QString(200, u'h'), 5000).status,
                 200);
        QCOMPARE(deleteLease(agent, QStringLiteral("escalations"), QString(200, u'h')).status, 204);
        // Not JSON, a ttl that is not an integer, no holder on a release.
        QJsonObject fractional{{QStringLiteral("holder"), QStringLiteral("h")},
                               {QStringLiteral("ttlMs"), 1500.5}};
        QCOMPARE(testing::call(agent, "PUT", QStringLiteral("/api/leases/escalations"), &fractional)
                     .status,
                 400);
        QCOMPARE(testing::call(agent, "PUT", QStringLiteral("/api/leases/escalations")).status,
                 400);
        QCOMPARE(testing::call(agent, "DELETE", QStringLiteral("/api/leases/escalations")).status,
                 400);
        QCOMPARE(testing::call(agent, "POST", QStringLiteral("/api/leases/escalations")).status,
                 404);
        QCOMPARE(m_team.pg.sql(QStringLiteral("SELECT count(*) FROM leases WHERE name = "
                                              "'escalations'")),
                 QByteArray("0"));
    }

    void idempotency_sameKeyAnswersTheFirstAnswer_otherBodyIs422()
    {
        RestClient bob(m_team.url(), m_bob);
        const QString inc = openIncident(bob, QStringLiteral("bob"));
        const QJsonArray events{mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"))};
        const HttpReply first = batch(bob, events, "key-1");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.json().value(u"accepted").toInt(), 1);
        const HttpReply again = batch(bob, events, "key-1");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, first.body);
        const HttpReply other = batch(
            bob, {mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"))}, "key-1");
        QCOMPARE(other.status, 422);
        // The same events under a new key: stored once, reported as repeats.
        const HttpReply dup = batch(bob, events, "key-2");
        QCOMPARE(dup.json().value(u"duplicates").toInt(), 1);
        QCOMPARE(m_team.pg.sql(QStringLiteral("SELECT count(*) FROM events WHERE id = '%1'")
                                   .arg(events[0].toObject().value(u"id").toString())),
                 QByteArray("1"));
        // Writes need a key; a bad body is a clear 400 or 422.
        const QJsonObject body{{QStringLiteral("events"), events}};
        QCOMPARE(testing::call(bob, "POST", QStringLiteral("/api/events"), &body).status, 400);
        QCOMPARE(batch(bob, {QJsonObject{{QStringLiteral("id"), QStringLiteral("nope")}}})
                     .json()
                     .value(u"refused")
                     .toInt(),
                 1);
        QCOMPARE(batch(bob, {}).status, 422);
    }

    void hashRule_unknownOrWithoutOrigin_isRefused_andDigestCoversOrigin()
    {
        RestClient bob(m_team.url(), m_bob);
        const QString inc = openIncident(bob, QStringLiteral("bob"));
        QJsonObject unknown = mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"));
        unknown[u"hashRule"] = 7;
        QJsonObject noOrigin = mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"));
        noOrigin[u"hashRule"] = 2;
        noOrigin.remove(u"origin");
        QJsonObject local = mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"));
        local[u"hashRule"] = 2;
        local[u"origin"] = QStringLiteral("local");
        QJsonObject good = mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"));
        good[u"hashRule"] = 2;
        good[u"origin"] = QStringLiteral("laptop-1");
        const HttpReply r = batch(bob, {unknown, noOrigin, local, good});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"refused").toInt(), 3);
        QVERIFY2(result(r, 0).value(u"error").toString().contains(u"hashRule must be 1 or 2"),
                 qPrintable(r.describe()));
        for (int i : {1, 2})
            QVERIFY2(result(r, i).value(u"error").toString().contains(u"origin"),
                     qPrintable(r.describe()));
        QCOMPARE(resultStatus(r, 3), QStringLiteral("accepted"));
        // The back end keeps the rule and the origin, and its digest covers the origin: the
        // same events under another origin give another digest.
        const auto digest = [&] {
            return testing::call(bob, "GET", QStringLiteral("/api/incidents/%1/digest").arg(inc))
                .json()
                .value(u"digest")
                .toString();
        };
        const QString before = digest();
        QVERIFY(!before.isEmpty());
        m_team.pg.sql(QStringLiteral("UPDATE events SET body = replace(body, "
                                     "'\"origin\":\"laptop-1\"', '\"origin\":\"laptop-2\"') "
                                     "WHERE id = '%1'")
                          .arg(good.value(u"id").toString()));
        QVERIFY(digest() != before);

        // Many digests in one request, for any role (a read): the same digest as the GET,
        // incidents without events left out, bad input a 422.
        RestClient wall(m_team.url(), m_wall);
        const QString empty = uuid();
        const QJsonObject ask{{QStringLiteral("incidents"), QJsonArray{inc, empty}}};
        const HttpReply many = testing::call(wall, "POST", QStringLiteral("/api/digests"), &ask);
        QCOMPARE(many.status, 200);
        const QJsonArray got = many.json().value(u"digests").toArray();
        QCOMPARE(got.size(), 1);
        QCOMPARE(got[0][u"incidentId"].toString(), inc);
        QCOMPARE(got[0][u"digest"].toString(), digest());
        QCOMPARE(got[0][u"events"].toInt(), 3); // opened, renumbered, the note
        QJsonArray tooMany;
        for (int i = 0; i < 501; ++i)
            tooMany.append(uuid());
        for (const QJsonArray &bad : {QJsonArray{}, QJsonArray{QStringLiteral("nope")}, tooMany}) {
            const QJsonObject b{{QStringLiteral("incidents"), bad}};
            QCOMPARE(testing::call(wall, "POST", QStringLiteral("/api/digests"), &b).status, 422);
        }
    }

    void changeFeed_longPollWokenByAnAppendOnAnotherInstance()
    {
        RestClient bob(m_team.url(), m_bob);
        const QString inc = openIncident(bob, QStringLiteral("bob"));
        // Catch up to the end of the feed on instance 1.
        RestClient one(m_team.servers[0]->url(), m_alice), two(m_team.servers[1]->url(), m_bob);
        const QString cursor = catchUp(one);
        QVERIFY(!cursor.isEmpty());
        // Nothing new: an empty answer after the wait, same cursor.
        QElapsedTimer t;
        t.start();
        HttpReply idle =
            testing::call(one, "GET", QStringLiteral("/api/changes?since=%1&wait=1").arg(cursor));
        QCOMPARE(idle.status, 200);
        QVERIFY(t.elapsed() >= 900);
        QCOMPARE(idle.json().value(u"events").toArray().size(), 0);
        QCOMPARE(idle.json().value(u"cursor").toString(), cursor);

        // A long poll on instance 1, an append on instance 2.
        one.setTimeoutMs(30000);
        HttpReply woke;
        bool done = false;
        QElapsedTimer since;
        one.send("GET", QStringLiteral("/api/changes?since=%1&wait=20").arg(cursor), nullptr, {},
                 [&](const HttpReply &r) {
                     woke = r;
                     done = true;
                 });
        QTest::qWait(300);
        const QJsonObject note = mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"),
                                         {{QStringLiteral("text"), QStringLiteral("live")}});
        since.start();
        QCOMPARE(batch(two, {note}).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        const qint64 latency = since.elapsed();
        qInfo() << "append on instance 2 reached a waiter on instance 1 in" << latency << "ms";
        QVERIFY2(latency < 1000, qPrintable(QString::number(latency)));
        QCOMPARE(woke.status, 200);
        const QJsonArray events = woke.json().value(u"events").toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].toObject().value(u"id").toString(), note.value(u"id").toString());
        QVERIFY(woke.json().value(u"cursor").toString() != cursor);
        // A cursor that is not ours is a clear 400.
        QCOMPARE(testing::call(one, "GET", QStringLiteral("/api/changes?since=banana")).status,
                 400);
        QCOMPARE(testing::call(one, "GET", QStringLiteral("/api/changes?wait=61")).status, 400);
    }

    void probesAndMetrics_needNoToken_apiDoes()
    {
        RestClient anon(m_team.url(), QString());
        QCOMPARE(testing::call(anon, "GET", QStringLiteral("/healthz")).status, 200);
        const HttpReply ready = testing::call(anon, "GET", QStringLiteral("/readyz"));
        QCOMPARE(ready.status, 200);
        QCOMPARE(ready.json().value(u"schema").toInt(), 2);
        const HttpReply metrics = testing::call(anon, "GET", QStringLiteral("/metrics"));
        QCOMPARE(metrics.status, 200);
        for (const char *name :
             {"sitrep_http_requests_total{route=\"GET /healthz\",status=\"200\"}",
              "sitrep_append_seconds_bucket", "sitrep_live_waiters", "sitrep_db_connections_open",
              "sitrep_db_pool_size"})
            QVERIFY2(metrics.body.contains(name), name);
        QCOMPARE(testing::call(anon, "GET", QStringLiteral("/api/changes")).status, 401);
        QCOMPARE(testing::call(anon, "GET", QStringLiteral("/api/health")).status, 401);
        RestClient alice(m_team.url(), m_alice);
        const HttpReply health = testing::call(alice, "GET", QStringLiteral("/api/health"));
        QCOMPARE(health.status, 200);
        QVERIFY(
            health.json().value(u"features").toArray().contains(QStringLiteral("changes.wait")));
        QCOMPARE(testing::call(alice, "GET", QStringLiteral("/nowhere")).status, 404);
        QCOMPARE(testing::call(alice, "DELETE", QStringLiteral("/api/events")).status, 404);
    }

    void rateLimit_answers429WithRetryAfter()
    {
        testing::ServerProcess tight;
        QVERIFY(
            tight.start(m_team.pg.url(), {QStringLiteral("--rate-limit"), QStringLiteral("2")}));
        RestClient bob(tight.url(), m_bob);
        int limited = 0, ok = 0;
        HttpReply last;
        for (int i = 0; i < 30; ++i) {
            const HttpReply r = testing::call(bob, "GET", QStringLiteral("/api/me"));
            if (r.status == 429) {
                ++limited;
                last = r;
            } else if (r.status == 200) {
                ++ok;
            }
        }
        QVERIFY(ok >= 10);
        QVERIFY(limited > 0);
        QVERIFY(last.retryAfterMs >= 1000);
        // Another token has its own allowance.
        RestClient alice(tight.url(), m_alice);
        QCOMPARE(testing::call(alice, "GET", QStringLiteral("/api/me")).status, 200);
    }

    void tls_servesHttps_andPlainHttpStaysOnLoopback()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem")),
                      key = dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                       QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1")});
        QVERIFY(openssl.waitForFinished(30000));
        QCOMPARE(openssl.exitCode(), 0);
        testing::ServerProcess secure;
        QVERIFY(secure.start(m_team.pg.url(), {QStringLiteral("--tls-cert"), cert,
                                               QStringLiteral("--tls-key"), key}));
        QSslSocket s;
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setCaCertificates(QSslCertificate::fromPath(cert));
        s.setSslConfiguration(conf);
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), secure.port());
        QVERIFY2(s.waitForEncrypted(10000), qPrintable(s.errorString()));
        s.write("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                m_alice.toUtf8() + "\r\nConnection: close\r\n\r\n");
        QByteArray got;
        while (s.waitForReadyRead(5000))
            got += s.readAll();
        QVERIFY2(got.startsWith("HTTP/1.1 200"), got.constData());
        QVERIFY(got.contains("\"user\":\"alice\""));
        // Off loopback without TLS: refused, with the reason.
        QByteArray out;
        QCOMPARE(testing::serverCli({QStringLiteral("serve"), QStringLiteral("--listen"),
                                     QStringLiteral("0.0.0.0:0"), QStringLiteral("--database"),
                                     QString::fromUtf8(m_team.pg.url())},
                                    &out),
                 1);
        QVERIFY2(out.contains("plain HTTP is only for loopback"), out.constData());
    }

    void sigkillOneInstance_everyAcknowledgedEventIsThereOnce()
    {
        RestClient setup(m_team.url(), m_bob);
        const QString inc = openIncident(setup, QStringLiteral("bob"));
        QVERIFY(!inc.isEmpty());
        // Eight writers append batches through HAProxy; each batch is retried (same key, same
        // events) until it is acknowledged. One instance dies in the middle.
        struct Writer {
            std::unique_ptr<RestClient> client;
            QJsonArray batch;
            QByteArray key;
            int failures = 0;
        };
        std::vector<Writer> writers(8);
        QSet<QString> acknowledged;
        int batches = 0;
        int inflight = 0;
        bool stop = false;
        std::function<void(Writer &)> next;
        std::function<void(Writer &)> sendCurrent = [&](Writer &w) {
            const QJsonObject body{{QStringLiteral("events"), w.batch}};
            ++inflight;
            w.client->send(
                "POST", QStringLiteral("/api/events"), &body, {{"Idempotency-Key", w.key}},
                [&, wp = &w](const HttpReply &r) {
                    --inflight;
                    if (r.ok()) {
                        for (const auto &v : r.json().value(u"results").toArray()) {
                            const QString status = v.toObject().value(u"status").toString();
                            if (status == u"accepted" || status == u"duplicate")
                                acknowledged.insert(v.toObject().value(u"id").toString());
                        }
                        ++batches;
                        next(*wp);
                    } else {
                        ++wp->failures;
                        ++inflight; // the retry is still this batch's
                        QTimer::singleShot(50, [&, wp] {
                            --inflight;
                            sendCurrent(*wp);
                        });
                    }
                });
        };
        next = [&](Writer &w) {
            if (stop)
                return;
            w.batch = {};
            for (int i = 0; i < 20; ++i)
                w.batch.append(mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"),
                                       {{QStringLiteral("text"), QStringLiteral("n")}}));
            w.key = uuid().toLatin1();
            sendCurrent(w);
        };
        for (Writer &w : writers) {
            w.client = std::make_unique<RestClient>(m_team.url(), m_bob);
            w.client->setTimeoutMs(5000);
            next(w);
        }
        QTest::qWait(1500);
        const int before = batches;
        m_team.servers[0]->kill();
        QTest::qWait(2500);
        stop = true;
        // Every batch in flight is retried until it is acknowledged.
        QTRY_COMPARE_WITH_TIMEOUT(inflight, 0, 30000);
        int failures = 0;
        for (const Writer &w : writers)
            failures += w.failures;
        qInfo() << "batches acknowledged" << batches << "(" << before
                << "before the kill), retried after failures" << failures;
        QVERIFY(batches > before);
        QCOMPARE(acknowledged.size(), qsizetype(batches) * 20);
        // Every acknowledged event is in the log exactly once, and nothing else is.
        const QByteArray counts =
            m_team.pg.sql(QStringLiteral("SELECT count(*) || ' ' || count(DISTINCT id) FROM events "
                                         "WHERE incident = '%1' AND kind = 'note.added'")
                              .arg(inc));
        QCOMPARE(counts, QByteArray::number(acknowledged.size()) + ' ' +
                             QByteArray::number(acknowledged.size()));
        QVERIFY(m_team.servers[0]->restart());
    }

    void changeFeed_pagesHoldEveryEventOnce_inOrder()
    {
        // Transaction ids past a power of ten: the order is numeric, never textual.
        QString burn;
        for (int i = 0; i < 1100; ++i)
            burn += QStringLiteral("BEGIN; SELECT pg_current_xact_id(); COMMIT; ");
        m_team.pg.sql(burn);
        RestClient bob(m_team.url(), m_bob);
        const QString inc = openIncident(bob, QStringLiteral("bob"));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(batch(bob, {mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"))})
                         .status,
                     200);
        const QByteArray expected = m_team.pg.sql(QStringLiteral("SELECT count(*) FROM events"));
        QString cursor = QStringLiteral("0");
        QSet<QString> seen;
        QPair<quint64, qint64> last{0, 0};
        for (int pages = 0; pages < 100000; ++pages) {
            const HttpReply page = testing::call(
                bob, "GET", QStringLiteral("/api/changes?since=%1&limit=997").arg(cursor));
            QCOMPARE(page.status, 200);
            for (const auto &v : page.json().value(u"events").toArray()) {
                const QString id = v.toObject().value(u"id").toString();
                QVERIFY2(!seen.contains(id), qPrintable(id));
                seen.insert(id);
            }
            cursor = page.json().value(u"cursor").toString();
            const QStringList parts = cursor.split(u'-');
            const QPair<quint64, qint64> at{parts.value(0).toULongLong(),
                                            parts.value(1).toLongLong()};
            QVERIFY2(at >= last, qPrintable(cursor));
            last = at;
            if (!page.json().value(u"more").toBool())
                break;
        }
        QVERIFY(last.first >= 1000);
        QCOMPARE(QByteArray::number(seen.size()), expected);
    }

    void postgresRestart_clientsRecoverByThemselves()
    {
        RestClient bob(m_team.url(), m_bob);
        bob.setTimeoutMs(3000);
        const QString inc = openIncident(bob, QStringLiteral("bob"));
        QVERIFY(!inc.isEmpty());
        QVERIFY(m_team.pg.stopServer());
        // While the database is away: a clear 503 with Retry-After, never a hang.
        const HttpReply down =
            batch(bob, {mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"))});
        QVERIFY2(down.status == 503, qPrintable(down.describe()));
        QVERIFY(down.retryAfterMs >= 1000);
        RestClient anon(m_team.servers[1]->url(), QString());
        QCOMPARE(testing::call(anon, "GET", QStringLiteral("/readyz")).status, 503);
        QVERIFY(m_team.pg.restart());
        // Back: the same request goes through with nobody restarting the servers.
        const QJsonObject note = mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"));
        QTRY_VERIFY_WITH_TIMEOUT(batch(bob, {note}).status == 200, 10000);
        QCOMPARE(m_team.pg.sql(QStringLiteral("SELECT count(*) FROM events WHERE id = '%1'")
                                   .arg(note.value(u"id").toString())),
                 QByteArray("1"));
        QTRY_COMPARE_WITH_TIMEOUT(testing::call(anon, "GET", QStringLiteral("/readyz")).status, 200,
                                  10000);
        // The live feed reconnected its notifications too.
        RestClient one(m_team.servers[0]->url(), m_alice), two(m_team.servers[1]->url(), m_bob);
        const QString cursor = catchUp(one);
        QVERIFY(!cursor.isEmpty());
        one.setTimeoutMs(30000);
        bool done = false;
        one.send("GET", QStringLiteral("/api/changes?since=%1&wait=15").arg(cursor), nullptr, {},
                 [&](const HttpReply &r) {
                     done = r.status == 200 && r.json().value(u"events").toArray().size() == 1;
                 });
        QTest::qWait(300);
        QCOMPARE(
            batch(two, {mkEvent(inc, QStringLiteral("note.added"), QStringLiteral("bob"))}).status,
            200);
        QTRY_VERIFY_WITH_TIMEOUT(done, 3000);
    }

    void sigterm_answersWaiters_andExitsCleanly()
    {
        testing::ServerProcess s;
        QVERIFY(s.start(m_team.pg.url()));
        RestClient alice(s.url(), m_alice);
        alice.setTimeoutMs(60000);
        const QString cursor = catchUp(alice);
        QVERIFY(!cursor.isEmpty());
        int answered = 0;
        for (int i = 0; i < 3; ++i)
            alice.send("GET", QStringLiteral("/api/changes?since=%1&wait=50").arg(cursor), nullptr,
                       {}, [&](const HttpReply &r) { answered += r.status == 200; });
        QTest::qWait(300);
        QElapsedTimer t;
        t.start();
        ::kill(pid_t(s.pid()), SIGTERM);
        QTRY_COMPARE_WITH_TIMEOUT(answered, 3, 5000);
        QCOMPARE(s.terminate(5000), 0);
        QVERIFY(t.elapsed() < 5000);
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
