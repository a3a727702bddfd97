// SPDX-License-Identifier: MIT
// The sync loop against the team back end's contract (resources/api/sitrep.yaml): identity
// from /api/me, refused events shown on their incident and never retried, batch drain
// through /api/events, the long-polled change feed, an opaque cursor. The back end here is a
// small responder inside this test that answers the contract's JSON.
#include "domain/synckinds.h"
#include "fixtures/appcontext.h"
#include "fixtures/httpmessage.h"
#include "host/appcontext.h"
#include "sync/identity.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "sync/syncsettings.h"
#include "unit/asynctestutil.h"
#include "unit/synctestutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>
#include <QtTest>

#include <functional>

using namespace sitrep;
using engine::Command;

namespace {

struct Request {
    QByteArray method;
    QString path;
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;
    QJsonObject body;
};

/// A back end that speaks the contract over real HTTP on loopback, one request per
/// connection. Its cursor is deliberately not a number.
class Responder final : public QObject {
public:
    QStringList features;
    QJsonObject me{{QStringLiteral("user"), QStringLiteral("alice")},
                   {QStringLiteral("role"), QStringLiteral("commander")}};
    QList<QJsonObject> log;                             // the change feed, in order
    QList<Request> requests;                            // everything received
    int unavailable = 0;                                // answer the next N writes with 503
    int unauthorized = 0;                               // answer the next N requests with 401
    std::function<QString(const QJsonObject &)> refuse; // non-empty: the event is refused (403)

    /// Announces `announced` (none: an older back end).
    explicit Responder(QStringList announced = {}) : features(std::move(announced))
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    /// What a current back end announces.
    static QStringList everyFeature()
    {
        return {QStringLiteral("changes.wait"), QStringLiteral("events.batch"),
                QStringLiteral("me")};
    }
    static QString cursorAt(qsizetype n)
    {
        return n == 0 ? QStringLiteral("0") : QStringLiteral("c:%1/x+y &z").arg(n);
    }
    qsizetype waiters() const { return m_waiters.size(); }
    QList<Request> requestsTo(const QString &path) const
    {
        return testing::requestsTo(requests, path);
    }

    /// Another client's event: goes into the feed and wakes the long polls.
    void publish(const QJsonObject &event)
    {
        log << event;
        wake();
    }

    void wake()
    {
        const auto waiting = m_waiters;
        m_waiters.clear();
        for (const auto &w : waiting)
            if (w.socket)
                answerChanges(w.socket, w.since, 500);
    }

private:
    struct Waiter {
        QPointer<QTcpSocket> socket;
        qsizetype since = 0;
    };
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Waiter> m_waiters;

    static qsizetype parseCursor(const QString &c)
    {
        if (c == u"0")
            return 0;
        // "c:N/x+y &z": anything else is a client that did not pass the cursor on as it came.
        if (!c.startsWith(u"c:") || !c.endsWith(u"/x+y &z"))
            return -1;
        return c.mid(2).section(u'/', 0, 0).toLongLong();
    }

    void reply(QTcpSocket *s, int status, const QJsonObject &body, const QByteArray &extra = {})
    {
        const QByteArray payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) +
                          " X\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(payload.size()) + "\r\nConnection: close\r\n" + extra +
                          "\r\n";
        s->write(head + payload);
        s->disconnectFromHost();
    }

    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const auto m = testing::takeHttpMessage(buf);
        if (!m)
            return;
        Request r;
        r.method = m->startWord(0);
        const QUrl target(QString::fromLatin1(m->startWord(1)));
        r.path = target.path();
        r.query = QUrlQuery(target);
        r.headers = m->headersByLowerName<QHash<QByteArray, QByteArray>>();
        r.body = QJsonDocument::fromJson(m->body).object();
        m_buffers.remove(s);
        requests << r;
        const qsizetype before = log.size();
        handle(s, r);
        if (log.size() > before)
            wake(); // an append on this back end wakes every long poll
    }

    QJsonObject renumbered(const QJsonObject &opened)
    {
        const QString number = QStringLiteral("INC%1").arg(log.size() + 1, 7, 10, QLatin1Char('0'));
        return {
            {QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
            {QStringLiteral("incidentId"), opened[u"incidentId"]},
            {QStringLiteral("hlc"), QString::number(opened[u"hlc"].toString().toLongLong() + 1)},
            {QStringLiteral("ts"), opened[u"ts"]},
            {QStringLiteral("actor"), QStringLiteral("backend")},
            {QStringLiteral("kind"), QStringLiteral("incident.renumbered")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("number"), number},
                         {QStringLiteral("message"),
                          QStringLiteral("numbered %1 by the back end").arg(number)}}},
            {QStringLiteral("origin"), QStringLiteral("backend")}};
    }

    bool known(const QString &id) const
    {
        return std::any_of(log.cbegin(), log.cend(),
                           [&](const QJsonObject &e) { return e[u"id"].toString() == id; });
    }

    void answerChanges(QTcpSocket *s, qsizetype since, int limit)
    {
        QJsonArray events;
        qsizetype i = since;
        for (; i < log.size() && events.size() < limit; ++i)
            events << log[i];
        reply(s, 200,
              {{QStringLiteral("events"), events},
               {QStringLiteral("cursor"), cursorAt(i)},
               {QStringLiteral("more"), i < log.size()},
               {QStringLiteral("total"), int(log.size())}});
    }

    void handle(QTcpSocket *s, const Request &r)
    {
        if (unauthorized > 0) {
            --unauthorized;
            return reply(s, 401,
                         {{QStringLiteral("error"), QStringLiteral("unauthorized")},
                          {QStringLiteral("message"), QStringLiteral("token revoked")}});
        }
        if (r.path == u"/api/health") {
            QJsonObject o{{QStringLiteral("ok"), true},
                          {QStringLiteral("api"), QStringLiteral("1")}};
            if (!features.isEmpty())
                o[QStringLiteral("features")] = QJsonArray::fromStringList(features);
            return reply(s, 200, o);
        }
        if (r.path == u"/api/me" && features.contains(QStringLiteral("me")))
            return reply(s, 200, me);
        const bool write = r.method == "POST";
        if (write && unavailable > 0) {
            --unavailable;
            return reply(s, 503, {{QStringLiteral("error"), QStringLiteral("unavailable")}},
                         "Retry-After: 0\r\n");
        }
        if (r.path == u"/api/events" && features.contains(QStringLiteral("events.batch"))) {
            QJsonArray results, extra;
            int accepted = 0, duplicates = 0, refusedCount = 0;
            for (const auto &v : r.body[u"events"].toArray()) {
                const QJsonObject e = v.toObject();
                const QString id = e[u"id"].toString();
                if (known(id)) {
                    ++duplicates;
                    results << QJsonObject{{QStringLiteral("id"), id},
                                           {QStringLiteral("status"), QStringLiteral("duplicate")}};
                } else if (const QString why = refuse ? refuse(e) : QString(); !why.isEmpty()) {
                    ++refusedCount;
                    results << QJsonObject{{QStringLiteral("id"), id},
                                           {QStringLiteral("status"), QStringLiteral("refused")},
                                           {QStringLiteral("code"), 403},
                                           {QStringLiteral("error"), why}};
                } else {
                    log << e;
                    ++accepted;
                    results << QJsonObject{{QStringLiteral("id"), id},
                                           {QStringLiteral("status"), QStringLiteral("accepted")}};
                    if (e[u"kind"].toString() == domain::kinds::Opened) {
                        const QJsonObject ren = renumbered(e);
                        log << ren;
                        extra << ren;
                    }
                }
            }
            return reply(s, 200,
                         {{QStringLiteral("results"), results},
                          {QStringLiteral("events"), extra},
                          {QStringLiteral("accepted"), accepted},
                          {QStringLiteral("duplicates"), duplicates},
                          {QStringLiteral("refused"), refusedCount}});
        }
        if (r.path == u"/api/incidents" && write) {
            const QJsonObject e = r.body[u"event"].toObject();
            if (const QString why = refuse ? refuse(e) : QString(); !why.isEmpty())
                return reply(s, 403,
                             {{QStringLiteral("error"), QStringLiteral("forbidden")},
                              {QStringLiteral("message"), why}});
            QJsonArray extra;
            if (!known(e[u"id"].toString())) {
                log << e;
                const QJsonObject ren = renumbered(e);
                log << ren;
                extra << ren;
            }
            return reply(s, 201,
                         {{QStringLiteral("incidentId"), e[u"incidentId"]},
                          {QStringLiteral("number"), QStringLiteral("INC")},
                          {QStringLiteral("state"), QStringLiteral("new")},
                          {QStringLiteral("priority"), QStringLiteral("P2")},
                          {QStringLiteral("slaDeadline"), QStringLiteral("2030-01-01T00:00:00Z")},
                          {QStringLiteral("events"), extra}});
        }
        if (r.path.startsWith(u"/api/incidents/") && r.path.endsWith(u"/events") && write) {
            for (const auto &v : r.body[u"events"].toArray()) {
                const QJsonObject e = v.toObject();
                if (const QString why = refuse ? refuse(e) : QString(); !why.isEmpty())
                    return reply(s, 403,
                                 {{QStringLiteral("error"), QStringLiteral("forbidden")},
                                  {QStringLiteral("message"), why}});
                if (!known(e[u"id"].toString()))
                    log << e;
            }
            return reply(s, 200,
                         {{QStringLiteral("accepted"), 1}, {QStringLiteral("duplicates"), 0}});
        }
        if (r.path == u"/api/changes") {
            const qsizetype since =
                parseCursor(r.query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded));
            if (since < 0)
                return reply(
                    s, 400,
                    {{QStringLiteral("error"), QStringLiteral("bad cursor")},
                     {QStringLiteral("message"),
                      r.query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded)}});
            const int limit = r.query.queryItemValue(QStringLiteral("limit")).toInt();
            const int wait = r.query.queryItemValue(QStringLiteral("wait")).toInt();
            if (since >= log.size() && wait > 0 &&
                features.contains(QStringLiteral("changes.wait"))) {
                m_waiters << Waiter{s, since};
                QPointer<QTcpSocket> p(s);
                QTimer::singleShot(wait * 1000, this, [this, p, since] {
                    for (qsizetype i = 0; i < m_waiters.size(); ++i)
                        if (m_waiters[i].socket == p) {
                            m_waiters.removeAt(i);
                            answerChanges(p, since, 500);
                            return;
                        }
                });
                return;
            }
            return answerChanges(s, since, limit > 0 ? limit : 500);
        }
        reply(s, 404, {{QStringLiteral("error"), QStringLiteral("not found")}});
    }
};

} // namespace

class TestSyncBackend : public QObject {
    Q_OBJECT

    testing::Replicas m_replicas;

    // A database set up for sync with `url` as its back end.
    std::unique_ptr<host::AppContext> client(const QUrl &url) { return m_replicas.open(url); }

    static sync::SyncOptions options(const QUrl &url) { return testing::syncOptions(url); }

    struct ClientWithIncident {
        std::unique_ptr<host::AppContext> ctx;
        QString uid;
    };
    // A client of `url` with one incident of its own, `title`, waiting in the outbox (and no
    // uid when it did not open).
    ClientWithIncident clientWithIncident(const QUrl &url, const QString &title)
    {
        ClientWithIncident c{client(url), {}};
        if (c.ctx)
            c.uid = openIncident(*c.ctx, title);
        return c;
    }

    static QString openIncident(host::AppContext &ctx, const QString &title,
                                const QString &actor = QStringLiteral("alice"))
    {
        auto r = ctx.engine().execute(
            Command::open({{QStringLiteral("title"), title},
                           {QStringLiteral("severity"), QStringLiteral("high")}},
                          actor));
        return r ? r->incidentUid : QString();
    }

    struct Writer {
        std::unique_ptr<host::AppContext> ctx;
        QString uid;
        std::unique_ptr<sync::SyncService> svc;
        bool sent = false;
    };
    // A client of `url` that opened `title` and sent it in one sync cycle of its service.
    Writer writerOf(const QUrl &url, const QString &title)
    {
        auto [ctx, uid] = clientWithIncident(url, title);
        Writer w{std::move(ctx), uid, nullptr};
        if (!w.uid.isEmpty()) {
            w.svc = std::make_unique<sync::SyncService>(w.ctx->engine(), options(url));
            w.sent = testing::syncOnce(*w.svc).ok;
        }
        return w;
    }

    static bool addNote(host::AppContext &ctx, const QString &uid, const QString &text,
                        const QString &actor)
    {
        return ctx.engine().execute(Command::note(uid, text, actor)).ok();
    }

    /// The ids of the events waiting in the outbox, in send order.
    static QStringList queuedIds(host::AppContext &ctx)
    {
        QStringList ids;
        for (const auto &e : sync::Outbox(ctx.store()).pending(100))
            ids << e.event.id;
        return ids;
    }

    static QList<domain::Event> eventsOfKind(host::AppContext &ctx, const QString &uid,
                                             const QString &kind)
    {
        return testing::eventsOfKind(ctx.store(), uid, kind);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void syncOnce_answersThroughItsCallbackAfterReturning()
    {
        Responder backend;
        auto [ctx, uid] = clientWithIncident(backend.url(), QStringLiteral("Disk full"));
        QVERIFY(!uid.isEmpty());
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        QSignalSpy finished(&svc, &sync::SyncService::cycleFinished);
        std::optional<sync::SyncReport> report;
        svc.syncOnce([&report](const sync::SyncReport &r) { report = r; });
        // Nothing ran to its end inside the call: the cycle goes on in the caller's loop.
        QVERIFY(!report);
        QVERIFY(svc.busy());
        QTRY_VERIFY_WITH_TIMEOUT(report.has_value(), 30000);
        QVERIFY2(report->ok, qPrintable(report->error));
        QVERIFY(report->sent >= 1);
        QCOMPARE(finished.size(), 1);
        // Asked again while a cycle runs: the answer is that of a cycle started after it.
        svc.runCycle();
        QVERIFY(svc.busy());
        report.reset();
        svc.syncOnce([&report](const sync::SyncReport &r) { report = r; });
        QTRY_VERIFY_WITH_TIMEOUT(report.has_value(), 30000);
        QVERIFY(report->ok);
        QCOMPARE(finished.size(), 3);
    }

    void me_isLearnedCachedAndShown()
    {
        Responder backend(Responder::everyFeature());
        auto ctx = client(backend.url());
        QVERIFY(ctx);
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        const auto r = testing::syncOnce(svc);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(backend.requestsTo(QStringLiteral("/api/me")).size(), 1);
        QCOMPARE(
            backend.requestsTo(QStringLiteral("/api/me")).first().headers.value("authorization"),
            QByteArray("Bearer token-of-alice"));
        const auto me = sync::Identity(ctx->store()).cached();
        QVERIFY(me);
        QCOMPARE(me->user, QStringLiteral("alice"));
        QCOMPARE(me->role, QStringLiteral("commander"));
        QCOMPARE(svc.status()->identity(), QStringLiteral("alice (commander)"));
        // A new role is picked up at the next sync.
        backend.me[QStringLiteral("role")] = QStringLiteral("responder");
        QVERIFY(testing::syncOnce(svc).ok);
        QCOMPARE(sync::Identity(ctx->store()).cached()->role, QStringLiteral("responder"));
        // The connection test learns it too, for the database whose back end it is.
        backend.me[QStringLiteral("user")] = QStringLiteral("bob");
        auto t = testing::awaitCallback<Result<QString>>([&](auto done) {
            sync::SyncSettings::testConnection(
                backend.url(), QStringLiteral("t"), 5000,
                [done](const Status &s, const QString &message) {
                    done(s ? Result<QString>(message) : Result<QString>(s.error()));
                },
                &ctx->store());
        });
        QVERIFY2(t, qPrintable(t.errorMessage()));
        QVERIFY2(t->contains(u"as bob (responder)"), qPrintable(*t));
        QCOMPARE(sync::Identity(ctx->store()).cached()->user, QStringLiteral("bob"));
    }

    void olderBackend_noIdentitiesAndOneEventAtATime()
    {
        Responder backend; // no features: an older back end
        auto [ctx, uid] = clientWithIncident(backend.url(), QStringLiteral("Disk full"));
        QVERIFY(!uid.isEmpty());
        QVERIFY(addNote(*ctx, uid, QStringLiteral("cleaning up"), QStringLiteral("alice")));
        const qint64 queued = sync::Outbox(ctx->store()).pendingCount();
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        const auto r = testing::syncOnce(svc);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.sent, int(queued));
        QVERIFY(backend.requestsTo(QStringLiteral("/api/events")).isEmpty());
        QVERIFY(backend.requestsTo(QStringLiteral("/api/me")).isEmpty());
        QCOMPARE(backend.requestsTo(QStringLiteral("/api/incidents")).size(), 1);
        for (const auto &req : backend.requestsTo(QStringLiteral("/api/changes")))
            QVERIFY(!req.query.hasQueryItem(QStringLiteral("wait")));
        QVERIFY(sync::Identity(ctx->store()).backendWithoutIdentities());
        QVERIFY(svc.status()->identity().isEmpty());
    }

    void forbidden_isRejectedShownOnTheIncidentAndNotRetried()
    {
        Responder backend; // the one-event path
        backend.refuse = [](const QJsonObject &e) {
            return e[u"actor"].toString() == u"mallory"
                       ? QStringLiteral("actor must be the sender (alice)")
                       : QString();
        };
        auto [ctx, uid] = clientWithIncident(backend.url(), QStringLiteral("API errors"));
        QVERIFY(!uid.isEmpty());
        QVERIFY(addNote(*ctx, uid, QStringLiteral("forged"), QStringLiteral("mallory")));
        QVERIFY(addNote(*ctx, uid, QStringLiteral("real"), QStringLiteral("alice")));
        const qint64 queued = sync::Outbox(ctx->store()).pendingCount();
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        const auto r = testing::syncOnce(svc);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rejected, 1);
        QCOMPARE(r.sent, int(queued) - 1); // the others still go out, the later note too
        sync::Outbox box(ctx->store());
        QCOMPARE(box.pendingCount(), qint64(0));
        QCOMPARE(box.rejectedCount(), qint64(1));
        // The incident says so, in a sentence, and that sentence stays here.
        const auto shown = eventsOfKind(*ctx, uid, domain::kinds::SyncRejected);
        QCOMPARE(shown.size(), 1);
        const QString message = shown.first().payload[u"message"].toString();
        QVERIFY2(message.contains(u"refused a note by mallory") &&
                     message.contains(u"actor must be the sender"),
                 qPrintable(message));
        QCOMPARE(shown.first().payload[u"code"].toInt(), 403);
        QCOMPARE(shown.first().payload[u"kind"].toString(), domain::kinds::NoteAdded);
        const auto posts =
            backend.requestsTo(QStringLiteral("/api/incidents/%1/events").arg(uid)).size();
        // Nothing is retried, and the refusal itself is never sent.
        QVERIFY(testing::syncOnce(svc).ok);
        QCOMPARE(backend.requestsTo(QStringLiteral("/api/incidents/%1/events").arg(uid)).size(),
                 posts);
        for (const auto &e : backend.log)
            QVERIFY(e[u"kind"].toString() != domain::kinds::SyncRejected);
        QVERIFY(svc.status()->text().contains(u"refused by the back end"));
        const auto v = ctx->store().verify();
        QVERIFY2(v.ok, qPrintable(v.faults.join(u'\n')));
    }

    void unauthorized_isRetriedWithBackoffAndShown()
    {
        Responder backend({QStringLiteral("events.batch"), QStringLiteral("me")});
        auto [ctx, uid] = clientWithIncident(backend.url(), QStringLiteral("Login broken"));
        QVERIFY(!uid.isEmpty());
        backend.unauthorized = 1;
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        auto r = testing::syncOnce(svc);
        QVERIFY(!r.ok);
        QVERIFY(svc.status()->unauthorized());
        QVERIFY2(svc.status()->text().contains(u"token refused"), qPrintable(svc.status()->text()));
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), ctx->store().maxSeq());
        QCOMPARE(sync::Outbox(ctx->store()).rejectedCount(), qint64(0));
        r = testing::syncOnce(svc); // the token works again
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(!svc.status()->unauthorized());
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), qint64(0));
    }

    void batch_drainsInOrderWithAStableKeyAndPerEventResults()
    {
        Responder backend({QStringLiteral("events.batch"), QStringLiteral("me")});
        backend.refuse = [](const QJsonObject &e) {
            return e[u"kind"].toString() == domain::kinds::ApprovalGranted
                       ? QStringLiteral("approvals need a commander")
                       : QString();
        };
        auto ctx = client(backend.url());
        QVERIFY(ctx);
        const QString a = openIncident(*ctx, QStringLiteral("Checkout down"));
        const QString b = openIncident(*ctx, QStringLiteral("Search slow"));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(addNote(*ctx, a, QStringLiteral("a%1").arg(i), QStringLiteral("alice")));
            QVERIFY(addNote(*ctx, b, QStringLiteral("b%1").arg(i), QStringLiteral("alice")));
        }
        QVERIFY(ctx->engine().execute(Command::approve(a, QStringLiteral("alice"))));
        sync::Outbox box(ctx->store());
        const auto queued = box.pending(1000);
        QVERIFY(queued.size() >= 9);
        auto o = options(backend.url());
        o.batchSize = 4;
        sync::SyncService svc(ctx->engine(), o);
        backend.unavailable = 1; // the first batch fails once: its retry carries the same key
        auto r = testing::syncOnce(svc);
        QVERIFY(!r.ok);
        r = testing::syncOnce(svc);
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto posts = backend.requestsTo(QStringLiteral("/api/events"));
        QCOMPARE(posts.size(), 1 + (queued.size() + 3) / 4);
        QCOMPARE(posts[0].headers.value("idempotency-key"),
                 posts[1].headers.value("idempotency-key"));
        QCOMPARE(posts[0].body, posts[1].body);
        QCOMPARE(QString::fromLatin1(posts[1].headers.value("idempotency-key")),
                 sync::SyncService::batchKey(queued.mid(0, 4)));
        QVERIFY(posts[1].headers.value("idempotency-key") !=
                posts[2].headers.value("idempotency-key"));
        // Every event once, in outbox order (so each incident's events in their order).
        QStringList sent;
        for (qsizetype i = 1; i < posts.size(); ++i) {
            QVERIFY(posts[i].body[u"events"].toArray().size() <= 4);
            for (const auto &v : posts[i].body[u"events"].toArray())
                sent << v.toObject()[u"id"].toString();
        }
        QStringList expected;
        for (const auto &q : queued)
            expected << q.event.id;
        QCOMPARE(sent, expected);
        QVERIFY(backend.requestsTo(QStringLiteral("/api/incidents")).isEmpty());
        // Per-event results: the approval refused and shown; the rest sent; numbers merged.
        QCOMPARE(r.rejected, 1);
        QCOMPARE(box.pendingCount(), qint64(0));
        QCOMPARE(box.rejectedCount(), qint64(1));
        QCOMPARE(eventsOfKind(*ctx, a, domain::kinds::SyncRejected).size(), 1);
        QVERIFY(eventsOfKind(*ctx, a, domain::kinds::SyncRejected)
                    .first()
                    .payload[u"message"]
                    .toString()
                    .contains(u"approvals need a commander"));
        QVERIFY(ctx->store().incidentByUid(a)->number.startsWith(u"INC"));
        QVERIFY(ctx->store().incidentByUid(b)->number.startsWith(u"INC"));
    }

    void batchKey_dependsOnTheEventsOnly()
    {
        QList<sync::OutboxEntry> rows(3);
        for (int i = 0; i < 3; ++i) {
            rows[i].id = i + 1;
            rows[i].event.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        }
        const QString key = sync::SyncService::batchKey(rows);
        QCOMPARE(QUuid::fromString(key).version(), QUuid::Sha1);
        auto again = rows;
        again[0].attempts = 5;
        QCOMPARE(sync::SyncService::batchKey(again), key);
        QVERIFY(sync::SyncService::batchKey(rows.mid(0, 2)) != key);
        std::swap(again[0], again[1]);
        QVERIFY(sync::SyncService::batchKey(again) != key);
    }

    void cursor_isPassedOnAsTheBackEndGaveIt()
    {
        Responder backend;
        QVERIFY(writerOf(backend.url(), QStringLiteral("Queue stuck")).sent);
        auto ctx = client(backend.url());
        QVERIFY(ctx);
        auto o = options(backend.url());
        o.pageSize = 1;
        sync::SyncService svc(ctx->engine(), o);
        const auto r = testing::syncOnce(svc);
        QVERIFY2(r.ok, qPrintable(r.error)); // the responder answers 400 to a mangled cursor
        QCOMPARE(r.pulled, int(backend.log.size()));
        QCOMPARE(ctx->store().meta(QStringLiteral("sync.cursor")),
                 Responder::cursorAt(backend.log.size()));
    }

    void longPoll_deliversAnotherClientsNoteWithinASecond()
    {
        Responder backend(Responder::everyFeature());
        const Writer writer = writerOf(backend.url(), QStringLiteral("Payments failing"));
        QVERIFY(writer.sent);
        const QString &uid = writer.uid;

        auto reader = client(backend.url());
        QVERIFY(reader);
        sync::SyncService svc(reader->engine(), options(backend.url()));
        svc.start();
        QTRY_VERIFY_WITH_TIMEOUT(svc.waiting() && backend.waiters() == 1, 5000);
        QVERIFY(reader->store().incidentByUid(uid));
        const auto polls = backend.requestsTo(QStringLiteral("/api/changes"));
        QCOMPARE(polls.last().query.queryItemValue(QStringLiteral("wait")), QStringLiteral("25"));

        // The writer's note reaches the waiting reader at once, not after intervalMs.
        QVERIFY(addNote(*writer.ctx, uid, QStringLiteral("rolled back 4.2.1"),
                        QStringLiteral("alice")));
        QElapsedTimer t;
        t.start();
        QVERIFY(testing::syncOnce(*writer.svc).ok);
        QTRY_VERIFY_WITH_TIMEOUT(!eventsOfKind(*reader, uid, domain::kinds::NoteAdded).isEmpty(),
                                 1000);
        QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(eventsOfKind(*reader, uid, domain::kinds::NoteAdded)
                     .first()
                     .payload[u"text"]
                     .toString(),
                 QStringLiteral("rolled back 4.2.1"));
        // And it waits again.
        QTRY_VERIFY_WITH_TIMEOUT(svc.waiting() && backend.waiters() == 1, 5000);
        svc.stop();
        QVERIFY(!svc.waiting());
    }

    void longPoll_aLocalChangeEndsTheWaitAndIsSentAtOnce()
    {
        Responder backend(Responder::everyFeature());
        auto [ctx, uid] = clientWithIncident(backend.url(), QStringLiteral("DNS flapping"));
        QVERIFY(!uid.isEmpty());
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        svc.start();
        QTRY_VERIFY_WITH_TIMEOUT(svc.waiting() && sync::Outbox(ctx->store()).pendingCount() == 0,
                                 5000);
        const qsizetype posts = backend.requestsTo(QStringLiteral("/api/events")).size();
        QVERIFY(addNote(*ctx, uid, QStringLiteral("TTL lowered"), QStringLiteral("alice")));
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            backend.requestsTo(QStringLiteral("/api/events")).size() == posts + 1, 1000);
        QVERIFY(t.elapsed() < 1000);
        QTRY_COMPARE_WITH_TIMEOUT(sync::Outbox(ctx->store()).pendingCount(), qint64(0), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(svc.waiting(), 2000);
        svc.stop();
    }

    void olderBackend_keepsIntervalPolling()
    {
        Responder backend;
        auto ctx = client(backend.url());
        QVERIFY(ctx);
        auto o = options(backend.url());
        o.intervalMs = 100;
        sync::SyncService svc(ctx->engine(), o);
        svc.start();
        QTRY_VERIFY_WITH_TIMEOUT(backend.requestsTo(QStringLiteral("/api/changes")).size() >= 3,
                                 5000);
        QVERIFY(!svc.waiting());
        for (const auto &req : backend.requestsTo(QStringLiteral("/api/changes")))
            QVERIFY(!req.query.hasQueryItem(QStringLiteral("wait")));
        svc.stop();
    }

    void whenDelivered_answersOnceTheBackEndHasTheEvents()
    {
        Responder backend(Responder::everyFeature());
        auto ctx = client(backend.url());
        QVERIFY(ctx);
        sync::SyncService svc(ctx->engine(), options(backend.url()));
        svc.start();
        QTRY_VERIFY_WITH_TIMEOUT(svc.waiting(), 10000); // in sync, long-polling
        openIncident(*ctx, QStringLiteral("Checkout down"));
        const QStringList ids = queuedIds(*ctx);
        QVERIFY(!ids.isEmpty());
        const Status s = testing::awaitCallback<Status>(
            [&](auto done) { svc.whenDelivered(ids, 10000, done); }, 20000);
        QVERIFY2(s.ok(), qPrintable(s.errorMessage()));
        QStringList stored;
        for (const QJsonObject &e : std::as_const(backend.log))
            stored << e.value(u"id").toString();
        for (const QString &id : std::as_const(ids))
            QVERIFY2(stored.contains(id), qPrintable(id));
        // Nothing waiting: answered at once.
        bool now = false;
        svc.whenDelivered(ids, 10, [&](const Status &st) { now = st.ok(); });
        QVERIFY(now);
        svc.stop();
    }

    void whenDelivered_failsWhenTheBackEndIsAway()
    {
        // Nothing listens on port 9: the events stay queued and the wait ends at its deadline.
        const QUrl away(QStringLiteral("http://127.0.0.1:9"));
        auto ctx = client(away);
        QVERIFY(ctx);
        sync::SyncService svc(ctx->engine(), options(away));
        svc.start();
        openIncident(*ctx, QStringLiteral("Checkout down"));
        const QStringList ids = queuedIds(*ctx);
        QElapsedTimer t;
        t.start();
        const Status s = testing::awaitCallback<Status>(
            [&](auto done) { svc.whenDelivered(ids, 500, done); }, 20000);
        QVERIFY(!s.ok());
        QVERIFY2(s.errorMessage().contains(QStringLiteral("not confirmed")),
                 qPrintable(s.errorMessage()));
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(sync::Outbox(ctx->store()).pendingCount(), qint64(ids.size()));
        svc.stop();
    }
};

QTEST_GUILESS_MAIN(TestSyncBackend)
#include "tst_sync_backend.moc"
