// SPDX-License-Identifier: MIT
// Triage against the store and engine: suggestions recorded for new incidents in the
// contract shape, feedback recorded and learnt by the next model, background retraining,
// the remote provider against a local HTTP server, and an empty cache.
#include "coretestutil.h"
#include "triagesynth.h"
#include "unit/asynctestutil.h"

#include "triage/remoteprovider.h"
#include "triage/triageservice.h"
#include "triage/triagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace sitrep;
using namespace sitrep::triage;
using sitrep::testing::CoreFixture;

namespace {

/// Starts `svc` and waits up to `timeoutMs` for it to say ready().
bool startReady(TriageService &svc, int timeoutMs)
{
    QSignalSpy ready(&svc, &TriageService::ready);
    svc.start();
    return ready.wait(timeoutMs);
}

QList<domain::Event> eventsOfKind(CoreFixture &f, const QString &ref, const QString &kind)
{
    QList<domain::Event> out;
    for (const auto &e : f.store.timeline(f.get(ref).uid))
        if (e.kind == kind)
            out << e;
    return out;
}

/// A one-route HTTP server: answers every POST with `status` and `body`, keeps the requests.
class FakeProvider : public QObject {
public:
    int status = 200;
    QByteArray body;
    QList<QByteArray> requests;
    QTcpServer server;

    FakeProvider()
    {
        server.listen(QHostAddress::LocalHost, 0);
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                auto *buf = new QByteArray;
                connect(s, &QTcpSocket::disconnected, s, [s, buf] {
                    delete buf;
                    s->deleteLater();
                });
                connect(s, &QTcpSocket::readyRead, s, [this, s, buf] {
                    buf->append(s->readAll());
                    const int end = int(buf->indexOf("\r\n\r\n"));
                    if (end < 0)
                        return;
                    const QByteArray head = buf->left(end).toLower();
                    const int cl = int(head.indexOf("content-length:"));
                    const int len = cl < 0 ? 0
                                           : head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15)
                                                 .trimmed()
                                                 .toInt();
                    if (buf->size() < end + 4 + len)
                        return;
                    requests << buf->left(end + 4 + len);
                    buf->clear();
                    s->write("HTTP/1.1 " + QByteArray::number(status) +
                             " X\r\nContent-Type: application/json\r\nContent-Length: " +
                             QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" +
                             body);
                    s->disconnectFromHost();
                });
            }
        });
    }
    QString url() const
    {
        return QStringLiteral("http://127.0.0.1:%1/triage").arg(server.serverPort());
    }
};

} // namespace

class TestTriageService : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void newIncident_getsSuggestionRecordedInContractShape();
    void emptyCache_newIncident_notEnoughData();
    void feedback_recordedAndSetsFieldThroughEngine();
    void feedback_badInput_writesNothing();
    void feedback_changesTheNextModel();
    void service_retrainsInBackgroundAfterFeedback();
    void remoteProvider_localServer_recordsItsAnswer();
    void remoteProvider_errors_areClear();
};

void TestTriageService::newIncident_getsSuggestionRecordedInContractShape()
{
    CoreFixture f;
    testing::executeAll(f, testing::openAndResolveSynthIncidents(300, 11, 0.15));
    TriageService svc(f.eng());
    QSignalSpy trained(&svc, &TriageService::modelTrained);
    QSignalSpy recorded(&svc, &TriageService::suggestionRecorded);
    QSignalSpy failed(&svc, &TriageService::suggestionFailed);
    QVERIFY(startReady(svc, 20000));
    QCOMPARE(trained.size(), 1); // no model yet and data enough: trained on start
    QCOMPARE(trained.first().first().toLongLong(), 1);

    const QString n = f.open(QJsonObject{
        {"title", "Postgres primary refusing connections - outage"},
        {"description", "Aurora cluster connection pool exhausted, all customers affected."},
        {"severity", "critical"},
        {"services", QJsonArray{"postgresql"}}});
    QVERIFY(recorded.wait(10000));
    QCOMPARE(failed.size(), 0);
    QCOMPARE(recorded.first().first().toString(), f.get(n).uid);
    const auto ev = eventsOfKind(f, n, SuggestedKind);
    QCOMPARE(ev.size(), 1);
    QCOMPARE(ev.first().actor, QStringLiteral("triage"));
    const QJsonObject p = ev.first().payload;
    QCOMPARE(testing::sortedKeys(p), testing::suggestionPayloadKeys());
    QCOMPARE(p[u"category"].toString(), QStringLiteral("database"));
    QCOMPARE(p[u"subcategory"].toString(), QStringLiteral("connectivity"));
    QCOMPARE(p[u"priority"].toString(), QStringLiteral("P1"));
    QCOMPARE(p[u"assignment_group"].toString(), QStringLiteral("Platform Engineering"));
    QCOMPARE(p[u"confidence"].toDouble(), p[u"confidences"].toObject()[u"category"].toDouble());
    QVERIFY(p[u"confidence"].toDouble() > 0.5 && p[u"confidence"].toDouble() <= 1.0);
    QCOMPARE(p[u"confidences"].toObject().size(), 4);
    const QJsonArray arts = p[u"articles"].toArray();
    QVERIFY(!arts.isEmpty() && arts.size() <= 3);
    for (const auto &a : arts) {
        QVERIFY(!a[u"id"].toString().isEmpty());
        QVERIFY(!a[u"title"].toString().isEmpty());
        QVERIFY(!a[u"source"].toString().isEmpty());
        QVERIFY(a[u"relevance"].toDouble() > 0);
    }
    QCOMPARE(p[u"suggested_resolution"].toString(),
             QStringLiteral("Raised max_connections and recycled the pgbouncer pool."));
    QCOMPARE(p[u"model_version"].toString(), QStringLiteral("local-v1"));
    // The panel reads it back from the timeline.
    auto st = latestSuggestion(f.store.timeline(f.get(n).uid));
    QVERIFY(st);
    QCOMPARE(st->result.fields[QStringLiteral("category")].value, QStringLiteral("database"));
    QVERIFY(st->decisions.isEmpty());
}

void TestTriageService::emptyCache_newIncident_notEnoughData()
{
    CoreFixture f;
    TriageService svc(f.eng());
    QSignalSpy failed(&svc, &TriageService::suggestionFailed);
    QSignalSpy trainFailed(&svc, &TriageService::trainingFailed);
    QVERIFY(startReady(svc, 10000));
    QVERIFY(!svc.model());
    const QString n = f.open(QStringLiteral("DNS lookups failing"), QStringLiteral("high"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
    QVERIFY(failed.first().at(1).toString().contains(u"not enough data"));
    QVERIFY(eventsOfKind(f, n, SuggestedKind).isEmpty());
    // An explicit retrain says why it cannot.
    svc.retrain();
    QVERIFY(trainFailed.wait(5000));
    QVERIFY(trainFailed.last().first().toString().startsWith(u"not enough data"));
}

void TestTriageService::feedback_recordedAndSetsFieldThroughEngine()
{
    CoreFixture f;
    const QString n = f.open(QStringLiteral("Kafka consumers lagging"), QStringLiteral("medium"));
    QVERIFY(recordFeedback(
        f.eng(), n,
        {FieldFeedback{QStringLiteral("category"), true, QStringLiteral("infrastructure"), {}},
         FieldFeedback{QStringLiteral("priority"), false, QStringLiteral("P4"),
                       QStringLiteral("P2")},
         FieldFeedback{QStringLiteral("subcategory"), false, QStringLiteral("compute"), {}}},
        QStringLiteral("local-v4"), QStringLiteral("alice")));
    const auto inc = f.get(n);
    QCOMPARE(inc.category, QStringLiteral("infrastructure"));
    QCOMPARE(inc.priority, domain::Priority::P2);
    QCOMPARE(inc.subcategory, QString()); // a bare rejection changes nothing
    const auto acc = eventsOfKind(f, n, AcceptedKind);
    const auto rej = eventsOfKind(f, n, RejectedKind);
    QCOMPARE(acc.size(), 1);
    QCOMPARE(rej.size(), 2);
    QCOMPARE(acc.first().actor, QStringLiteral("alice"));
    QCOMPARE(acc.first().payload, (QJsonObject{{"field", "category"},
                                               {"value", "infrastructure"},
                                               {"model_version", "local-v4"}}));
    QCOMPARE(rej.first().payload, (QJsonObject{{"field", "priority"},
                                               {"value", "P4"},
                                               {"corrected", "P2"},
                                               {"model_version", "local-v4"}}));
    QVERIFY(!rej.last().payload.contains(u"corrected"));
}

void TestTriageService::feedback_badInput_writesNothing()
{
    CoreFixture f;
    const QString n = f.open(QStringLiteral("Search index stale"), QStringLiteral("low"));
    const qint64 before = f.store.maxSeq();
    auto bad = [&](const QList<FieldFeedback> &fb) {
        return recordFeedback(f.eng(), n, fb, QStringLiteral("local-v1"), QStringLiteral("alice"));
    };
    QVERIFY(bad({FieldFeedback{QStringLiteral("category"), true, QStringLiteral("application"), {}},
                 FieldFeedback{QStringLiteral("priority"), false, QStringLiteral("P3"),
                               QStringLiteral("P9")}})
                .errorMessage()
                .contains(u"unknown priority 'P9'"));
    QVERIFY(bad({FieldFeedback{QStringLiteral("colour"), true, QStringLiteral("red"), {}}})
                .errorMessage()
                .contains(u"unknown triage field"));
    QVERIFY(bad({FieldFeedback{QStringLiteral("category"), true, QString(), {}}})
                .errorMessage()
                .contains(u"no value"));
    QVERIFY(!bad({}));
    QCOMPARE(
        recordFeedback(f.eng(), QStringLiteral("INC9999999"),
                       {FieldFeedback{QStringLiteral("category"), true, QStringLiteral("x"), {}}},
                       QString(), QStringLiteral("alice"))
            .error()
            .code,
        QStringLiteral("not_found"));
    QCOMPARE(f.store.maxSeq(), before);
    QCOMPARE(f.get(n).category, QString());
}

void TestTriageService::feedback_changesTheNextModel()
{
    CoreFixture f;
    testing::executeAll(f, testing::openAndResolveSynthIncidents(300, 21, 0.15));
    TriageSettings settings;
    auto v1 = trainAndSave(f.store, settings, f.clock.nowMs());
    QVERIFY2(v1, qPrintable(v1.errorMessage()));
    QCOMPARE(v1->model->version, 1);
    // A kind of incident the history never saw: the model cannot know it is a security matter.
    const TriageInput probe{QStringLiteral("Zorblax vault seal broken"),
                            QStringLiteral("zorblax vault reports seal broken"),
                            {},
                            {},
                            QStringLiteral("high"),
                            {},
                            {}};
    auto securityProb = [&](const TriageModel &m) {
        const auto *h = m.head(QStringLiteral("category"));
        return m.probabilities(probe)[QStringLiteral("category")]
                                     [int(h->labels().indexOf(QStringLiteral("security")))];
    };
    const double before = securityProb(*v1->model);
    QVERIFY(v1->model->predict(probe)[QStringLiteral("category")].value != u"security");

    for (const char *title : {"Zorblax vault seal broken", "Seal broken on zorblax vault",
                              "Zorblax vault: seal broken again"}) {
        const QString n = f.open(QString::fromLatin1(title), QStringLiteral("high"));
        const QString guess =
            v1->model->predict(TriageInput::fromIncident(f.get(n)))[QStringLiteral("category")]
                .value;
        QVERIFY(recordFeedback(
            f.eng(), n,
            {FieldFeedback{QStringLiteral("category"), false, guess, QStringLiteral("security")}},
            QStringLiteral("local-v1"), QStringLiteral("alice")));
    }
    auto state = trainingState(f.store);
    QVERIFY(state);
    QCOMPARE(state->feedbackCount, 3);
    TrainingState used;
    auto ex = collectExamples(f.store, settings, &used);
    QVERIFY(ex);
    QCOMPARE(ex->size(), 303);
    QCOMPARE(ex->last().weight, settings.feedbackWeight);
    QCOMPARE(ex->last().labels.value(QStringLiteral("category")), QStringLiteral("security"));

    auto v2 = trainAndSave(f.store, settings, f.clock.nowMs());
    QVERIFY(v2);
    QCOMPARE(v2->model->version, 2);
    const double after = securityProb(*v2->model);
    qInfo("P(security | zorblax) %.3f -> %.3f", before, after);
    QVERIFY(after > before + 0.3);
    QCOMPARE(v2->model->predict(probe)[QStringLiteral("category")].value,
             QStringLiteral("security"));
    auto latest = loadLatestModel(f.store);
    QVERIFY(latest && latest->has_value());
    QCOMPARE((*latest)->model->version, 2);
    QCOMPARE((*latest)->trainedAt.feedbackCount, 3);
}

void TestTriageService::service_retrainsInBackgroundAfterFeedback()
{
    CoreFixture f;
    testing::executeAll(f, testing::openAndResolveSynthIncidents(200, 5, 0.15));
    QVERIFY(f.store.setMeta(QStringLiteral("triage.auto"), QStringLiteral("off")));
    TriageService svc(f.eng());
    QSignalSpy trained(&svc, &TriageService::modelTrained);
    QSignalSpy recorded(&svc, &TriageService::suggestionRecorded);
    QVERIFY(startReady(svc, 20000));
    QCOMPARE(trained.size(), 1);
    const QString n =
        f.open(QStringLiteral("DNS resolver lookups failing"), QStringLiteral("high"));
    // Four feedback events: below the threshold of five, nothing happens.
    QVERIFY(recordFeedback(
        f.eng(), n,
        {FieldFeedback{QStringLiteral("category"), true, QStringLiteral("network"), {}},
         FieldFeedback{QStringLiteral("subcategory"), true, QStringLiteral("dns"), {}},
         FieldFeedback{QStringLiteral("priority"), true, QStringLiteral("P2"), {}},
         FieldFeedback{
             QStringLiteral("assignment_group"), true, QStringLiteral("Platform Engineering"), {}}},
        QStringLiteral("local-v1"), QStringLiteral("alice")));
    QTest::qWait(300);
    QCOMPARE(trained.size(), 1);
    QVERIFY(recordFeedback(
        f.eng(), n,
        {FieldFeedback{QStringLiteral("category"), true, QStringLiteral("network"), {}}},
        QStringLiteral("local-v1"), QStringLiteral("alice")));
    QVERIFY(trained.wait(20000));
    QCOMPARE(trained.last().first().toLongLong(), 2);
    QCOMPARE(svc.model()->version, 2);
    QCOMPARE(recorded.size(), 0); // triage.auto = off
}

void TestTriageService::remoteProvider_localServer_recordsItsAnswer()
{
    FakeProvider fake;
    fake.body =
        R"({"ai_triage_result": {"category_suggestion": "database", "subcategory_suggestion": "connectivity",
        "priority_suggestion": "P1", "assignment_group_suggestion": "Platform Engineering", "confidence": 0.92,
        "kb_articles": [{"id": "KB0001234", "title": "Aurora Connection Pool Exhaustion", "relevance": 0.95}],
        "suggested_resolution": "Check Aurora connection pool utilization."}})";
    CoreFixture f;
    QVERIFY(f.store.setMeta(QStringLiteral("triage.provider_url"), fake.url()));
    TriageService svc(f.eng());
    QSignalSpy recorded(&svc, &TriageService::suggestionRecorded);
    QSignalSpy failed(&svc, &TriageService::suggestionFailed);
    svc.start();
    const QString n = f.open(QStringLiteral("Aurora RDS connection pool exhausted in prod"),
                             QStringLiteral("critical"));
    QVERIFY(recorded.wait(10000));
    QCOMPARE(failed.size(), 0);
    QCOMPARE(fake.requests.size(), 1);
    const QByteArray req = fake.requests.first();
    QVERIFY(req.startsWith("POST /triage HTTP/1.1"));
    const QJsonObject sent = QJsonDocument::fromJson(req.mid(req.indexOf("\r\n\r\n") + 4)).object();
    QCOMPARE(sent[u"short_description"].toString(),
             QStringLiteral("Aurora RDS connection pool exhausted in prod"));
    QCOMPARE(sent[u"number"].toString(), n);
    const auto ev = eventsOfKind(f, n, SuggestedKind);
    QCOMPARE(ev.size(), 1);
    const QJsonObject p = ev.first().payload;
    QCOMPARE(p[u"category"].toString(), QStringLiteral("database"));
    QCOMPARE(p[u"assignment_group"].toString(), QStringLiteral("Platform Engineering"));
    QCOMPARE(p[u"confidence"].toDouble(), 0.92);
    QCOMPARE(p[u"articles"].toArray().first()[u"id"].toString(), QStringLiteral("KB0001234"));
    QCOMPARE(p[u"model_version"].toString(), QStringLiteral("remote"));
}

void TestTriageService::remoteProvider_errors_areClear()
{
    FakeProvider fake;
    CoreFixture f;
    const QString n = f.open(QStringLiteral("Anything"), QStringLiteral("low"));
    const auto inc = f.get(n);
    RemoteProvider p(QUrl(fake.url()), 5000);
    const auto suggestAndWait = [&inc](RemoteProvider &provider) {
        return testing::awaitCallback<Result<TriageResult>>(
            [&](auto done) { provider.suggest(inc, done); });
    };
    fake.status = 500;
    fake.body = R"({"error":"boom"})";
    // The answer comes through the callback, after suggest() has returned.
    bool answered = false;
    p.suggest(inc, [&answered](const Result<TriageResult> &) { answered = true; });
    QVERIFY(!answered);
    QTRY_VERIFY(answered);
    auto r = suggestAndWait(p);
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(u"HTTP 500"), qPrintable(r.errorMessage()));
    fake.status = 200;
    fake.body = "<html>";
    r = suggestAndWait(p);
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(u"not a JSON object"), qPrintable(r.errorMessage()));
    fake.body = R"({"category": "db", "confidence": 7})";
    r = suggestAndWait(p);
    QVERIFY(!r);
    QVERIFY(r.errorMessage().contains(u"between 0 and 1"));
    // Plain http is for this machine only.
    RemoteProvider far(QUrl(QStringLiteral("http://triage.example.com/x")));
    r = suggestAndWait(far);
    QVERIFY(!r);
    QVERIFY(RemoteProvider::checkUrl(QUrl(QStringLiteral("https://triage.example.com/x"))));
    QVERIFY(!RemoteProvider::checkUrl(QUrl(QStringLiteral("https://u:p@triage.example.com/x"))));
    // Nobody listening.
    const quint16 port = fake.server.serverPort();
    fake.server.close();
    RemoteProvider gone(QUrl(QStringLiteral("http://127.0.0.1:%1/t").arg(port)), 3000);
    r = suggestAndWait(gone);
    QVERIFY(!r);
    QCOMPARE(r.error().code, QStringLiteral("network"));
    QVERIFY(eventsOfKind(f, n, SuggestedKind).isEmpty());
}

QTEST_GUILESS_MAIN(TestTriageService)
#include "tst_triage_service.moc"
