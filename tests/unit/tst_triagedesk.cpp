// SPDX-License-Identifier: MIT
// TriageDesk, what the window's triage panel talks to: latest() gives the newest
// triage.suggested of the timeline with the decisions made on it since (nothing for an
// incident without one or an unknown one, a malformed suggestion skipped); article() finds
// knowledge-base documents (resolutions, known errors, Markdown articles) and fails for an
// unknown id; suggest() is false for an unknown incident, otherwise calls `done` once, on
// the desk's thread, with the local model's result ("not_enough_data" without a model) or
// the configured remote provider's answer; `done` is not called once the desk is gone.
#include "coretestutil.h"
#include "localhttpserver.h"
#include "triagesynth.h"

#include "triage/triagedesk.h"
#include "triage/triagestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <QUuid>

using namespace sitrep;
using namespace sitrep::triage;
using engine::Command;
using testing::CoreFixture;

namespace {

TriageResult suggestion(const QString &uid, const QString &category, double confidence,
                        const QString &version)
{
    TriageResult r;
    r.incidentUid = uid;
    r.fields.insert(QStringLiteral("category"), FieldSuggestion{category, confidence});
    r.fields.insert(QStringLiteral("priority"), FieldSuggestion{QStringLiteral("P2"), 0.6});
    r.modelVersion = version;
    r.suggestedResolution = QStringLiteral("Restart it");
    return r;
}

/// What one `done` call saw.
struct DoneLog {
    int calls = 0;
    std::optional<Result<TriageResult>> result;
    QThread *thread = nullptr;
    TriageDesk::Done callback()
    {
        return [this](const Result<TriageResult> &r) {
            ++calls;
            result = r;
            thread = QThread::currentThread();
        };
    }
};

QString openDatabaseIncident(CoreFixture &f)
{
    return f.open(QJsonObject{
        {QStringLiteral("title"), QStringLiteral("Postgres primary refusing connections")},
        {QStringLiteral("description"),
         QStringLiteral("Aurora cluster connection pool exhausted, too many clients.")},
        {QStringLiteral("severity"), QStringLiteral("high")},
        {QStringLiteral("services"), QJsonArray{QStringLiteral("postgresql")}}});
}

} // namespace

class TestTriageDesk : public QObject {
    Q_OBJECT

    std::unique_ptr<CoreFixture> fx;
    QString number, uid; // the database incident to suggest for

    /// A fixture with resolved history and a saved model, and a database incident opened.
    void trainAndOpen()
    {
        fx = std::make_unique<CoreFixture>();
        testing::executeAll(*fx, testing::openAndResolveSynthIncidents(160, 5, 0.1));
        auto m = trainAndSave(fx->store, TriageSettings::fromStore(fx->store), fx->clock.nowMs());
        QVERIFY2(m, qPrintable(m.errorMessage()));
        number = openDatabaseIncident(*fx);
        uid = fx->get(number).uid;
    }

    /// Asks the desk for a suggestion and waits for its answer: later than the call, once,
    /// on the desk's thread.
    void suggestAndWait(TriageDesk &desk, const QString &incidentUid, DoneLog &log)
    {
        QVERIFY(desk.suggest(incidentUid, log.callback()));
        QCOMPARE(log.calls, 0); // not from inside suggest()
        QTRY_COMPARE_WITH_TIMEOUT(log.calls, 1, 20000);
        QCOMPARE(log.thread, desk.thread());
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup() { fx.reset(); }

    void latest_noneWithoutASuggestion()
    {
        CoreFixture f;
        TriageDesk desk(f.eng());
        const QString uid =
            f.get(f.open(QStringLiteral("No triage yet"), QStringLiteral("low"))).uid;
        QVERIFY(!desk.latest(uid));
        QVERIFY(!desk.latest(QUuid::createUuid().toString(QUuid::WithoutBraces)));
        QVERIFY(!desk.latest(QString()));
    }

    void latest_newestSuggestionAndItsDecisions()
    {
        CoreFixture f;
        TriageDesk desk(f.eng());
        const QString number = f.open(QStringLiteral("Checkout errors"), QStringLiteral("high"));
        const QString uid = f.get(number).uid;
        const QString other =
            f.get(f.open(QStringLiteral("Other incident"), QStringLiteral("low"))).uid;
        QVERIFY(recordSuggestion(
            f.eng(), suggestion(uid, QStringLiteral("database"), 0.7, QStringLiteral("local-v1"))));
        QVERIFY(recordSuggestion(f.eng(), suggestion(other, QStringLiteral("security"), 0.99,
                                                     QStringLiteral("local-v9"))));
        f.clock.advance(5 * testing::kMinute);
        QVERIFY(recordSuggestion(
            f.eng(), suggestion(uid, QStringLiteral("network"), 0.9, QStringLiteral("local-v2"))));
        const qint64 secondAt = f.clock.nowMs();
        QVERIFY(f.eng().execute(Command::note(uid, QStringLiteral("looking"))));

        auto s = desk.latest(uid);
        QVERIFY(s);
        QCOMPARE(s->result.fields.value(QStringLiteral("category")).value,
                 QStringLiteral("network"));
        QCOMPARE(s->result.fields.value(QStringLiteral("category")).confidence, 0.9);
        QCOMPARE(s->result.fields.value(QStringLiteral("priority")).value, QStringLiteral("P2"));
        QCOMPARE(s->result.modelVersion, QStringLiteral("local-v2"));
        QCOMPARE(s->result.suggestedResolution, QStringLiteral("Restart it"));
        QCOMPARE(s->result.incidentUid, uid);
        QCOMPARE(s->at, secondAt);
        QString lastSuggested;
        for (const auto &e : f.store.timeline(uid))
            if (e.kind == u"triage.suggested")
                lastSuggested = e.id;
        QCOMPARE(s->eventId, lastSuggested);
        QVERIFY(s->decisions.isEmpty());
        // The other incident's suggestion is its own.
        QCOMPARE(desk.latest(other)->result.modelVersion, QStringLiteral("local-v9"));

        // Decisions on the newest suggestion.
        QVERIFY(recordFeedback(
            f.eng(), uid,
            {FieldFeedback{QStringLiteral("category"), true, QStringLiteral("network"), {}},
             FieldFeedback{QStringLiteral("priority"), false, QStringLiteral("P2"),
                           QStringLiteral("P1")}},
            QStringLiteral("local-v2"), QStringLiteral("alice")));
        s = desk.latest(uid);
        QCOMPARE(s->decisions.value(QStringLiteral("category")), QStringLiteral("accepted"));
        QCOMPARE(s->decisions.value(QStringLiteral("priority")), QStringLiteral("rejected"));
        QCOMPARE(s->decisions.size(), 2);

        // A newer suggestion starts with no decisions.
        f.clock.advance(testing::kMinute);
        QVERIFY(recordSuggestion(
            f.eng(), suggestion(uid, QStringLiteral("database"), 0.8, QStringLiteral("local-v3"))));
        s = desk.latest(uid);
        QCOMPARE(s->result.modelVersion, QStringLiteral("local-v3"));
        QVERIFY(s->decisions.isEmpty());

        // A malformed suggestion on the timeline is passed over.
        QVERIFY(f.run(Command::Kind::Record, uid,
                      {{QStringLiteral("kind"), QStringLiteral("triage.suggested")},
                       {QStringLiteral("payload"), QJsonObject{{QStringLiteral("category"), 5},
                                                               {QStringLiteral("confidence"), 7}}}},
                      QStringLiteral("triage")));
        QCOMPARE(desk.latest(uid)->result.modelVersion, QStringLiteral("local-v3"));
    }

    void article_findsDocumentsAndFailsForUnknownIds()
    {
        CoreFixture f;
        TriageDesk desk(f.eng());
        // A resolved incident is an article.
        const QString n = f.open(QStringLiteral("Orders API 502s"), QStringLiteral("high"));
        QVERIFY(f.transition(n, QStringLiteral("resolved"), testing::resolution()));
        auto a = desk.article(QStringLiteral("resolution:") + n);
        QVERIFY2(a, qPrintable(a.errorMessage()));
        QCOMPARE(a->id, QStringLiteral("resolution:") + n);
        QCOMPARE(a->source, QStringLiteral("resolution"));
        QCOMPARE(a->title, n + QStringLiteral(": Orders API 502s"));
        QCOMPARE(a->resolution, QStringLiteral("Rolled back the bad deploy"));
        QVERIFY(a->body.contains(QStringLiteral("**Root cause:** change")));
        // A known error.
        QVERIFY(f.store.db().exec(QStringLiteral(
            "INSERT INTO kb_articles(id, kind, title, body, updated_at) VALUES('KE0000042', "
            "'known_error', 'Pool exhaustion after failover', 'Clients keep dead connections.', "
            "1)")));
        auto ke = desk.article(QStringLiteral("KE0000042"));
        QVERIFY2(ke, qPrintable(ke.errorMessage()));
        QCOMPARE(ke->source, QStringLiteral("known_error"));
        QCOMPARE(ke->title, QStringLiteral("Pool exhaustion after failover"));
        QCOMPARE(ke->body, QStringLiteral("Clients keep dead connections."));
        // A Markdown article from the configured folder.
        QTemporaryDir kb;
        QVERIFY(QDir(kb.path()).mkpath(QStringLiteral("network")));
        QFile md(kb.filePath(QStringLiteral("network/dns.md")));
        QVERIFY(md.open(QIODevice::WriteOnly));
        md.write("# DNS lookups failing\n\nResolvers time out.\n\n## Resolution\n\nFlush the "
                 "caches.\n");
        md.close();
        QVERIFY(f.store.setMeta(QStringLiteral("triage.kb_dir"), kb.path()));
        auto m = desk.article(QStringLiteral("md:network/dns.md"));
        QVERIFY2(m, qPrintable(m.errorMessage()));
        QCOMPARE(m->title, QStringLiteral("DNS lookups failing"));
        QCOMPARE(m->source, QStringLiteral("markdown"));
        QVERIFY(m->resolution.contains(QStringLiteral("Flush the caches.")));

        for (const QString &unknown :
             {QStringLiteral("resolution:INC9999999"), QStringLiteral("KE0000001"),
              QStringLiteral("md:network/missing.md"), QStringLiteral("runbook:no-such-runbook"),
              QString()}) {
            auto r = desk.article(unknown);
            QVERIFY2(!r, qPrintable(unknown));
            QCOMPARE(r.error().code, QStringLiteral("not_found"));
        }
    }

    void suggest_unknownIncident_falseAndNoCallback()
    {
        CoreFixture f;
        TriageDesk desk(f.eng());
        DoneLog log;
        QVERIFY(!desk.suggest(QUuid::createUuid().toString(QUuid::WithoutBraces), log.callback()));
        QVERIFY(!desk.suggest(QString(), log.callback()));
        QTest::qWait(50);
        QCOMPARE(log.calls, 0);
    }

    void suggest_withoutAModel_notEnoughData()
    {
        CoreFixture f;
        TriageDesk desk(f.eng());
        const QString uid = f.get(openDatabaseIncident(f)).uid;
        DoneLog log;
        suggestAndWait(desk, uid, log);
        QVERIFY(log.result.has_value());
        QVERIFY(!*log.result);
        QCOMPARE(log.result->error().code, QStringLiteral("not_enough_data"));
        // Nothing was trained or recorded on its behalf.
        auto stored = loadLatestModel(f.store);
        QVERIFY(stored);
        QVERIFY(!stored->has_value());
        QVERIFY(!desk.latest(uid));
    }

    void suggest_localModel_doneOnceOnTheDesksThread()
    {
        trainAndOpen();
        QVERIFY(!QTest::currentTestFailed());
        TriageDesk desk(fx->eng());
        DoneLog log;
        suggestAndWait(desk, uid, log);
        QVERIFY(log.result.has_value());
        QVERIFY2(*log.result, qPrintable(log.result->errorMessage()));
        const TriageResult &r = **log.result;
        QCOMPARE(r.incidentUid, uid);
        QCOMPARE(r.number, number);
        QCOMPARE(r.fields.value(QStringLiteral("category")).value, QStringLiteral("database"));
        for (const auto &fs : r.fields) {
            QVERIFY(!fs.value.isEmpty());
            QVERIFY(fs.confidence >= 0.0 && fs.confidence <= 1.0);
        }
        QVERIFY(r.articles.size() <= 3);
        // suggest() computes; it does not record.
        QVERIFY(!desk.latest(uid));
        QTest::qWait(100);
        QCOMPARE(log.calls, 1);
    }

    void suggest_deskGone_doneNotCalled()
    {
        trainAndOpen();
        QVERIFY(!QTest::currentTestFailed());
        DoneLog gone, alive;
        {
            auto desk = std::make_unique<TriageDesk>(fx->eng());
            QVERIFY(desk->suggest(uid, gone.callback()));
        } // destroyed while its worker runs
        TriageDesk later(fx->eng());
        QVERIFY(later.suggest(uid, alive.callback()));
        // The second worker started after the first and does the same work: once it has
        // answered, the first one has long finished.
        QTRY_COMPARE_WITH_TIMEOUT(alive.calls, 1, 20000);
        QTest::qWait(300);
        QCOMPARE(gone.calls, 0);
        QVERIFY(*alive.result);
    }

    void suggest_remoteProvider_answersThroughDone()
    {
        CoreFixture f;
        testing::RecordingServer provider;
        provider.body =
            QJsonDocument(
                QJsonObject{{QStringLiteral("category"), QStringLiteral("network")},
                            {QStringLiteral("confidence"), 0.77},
                            {QStringLiteral("model_version"), QStringLiteral("remote-7")}})
                .toJson(QJsonDocument::Compact);
        QVERIFY(f.store.setMeta(QStringLiteral("triage.provider_url"),
                                provider.url().toString() + QStringLiteral("/triage")));
        TriageDesk desk(f.eng());
        const QString number = openDatabaseIncident(f);
        const QString uid = f.get(number).uid;
        DoneLog log;
        suggestAndWait(desk, uid, log);
        QVERIFY(log.result.has_value());
        QVERIFY2(*log.result, qPrintable(log.result->errorMessage()));
        QCOMPARE(provider.requests.size(), 1);
        QCOMPARE(provider.requests.first().startLine, QByteArray("POST /triage HTTP/1.1"));
        const TriageResult &r = **log.result;
        QCOMPARE(r.modelVersion, QStringLiteral("remote-7"));
        QCOMPARE(r.fields.value(QStringLiteral("category")).value, QStringLiteral("network"));
        QCOMPARE(r.fields.value(QStringLiteral("category")).confidence, 0.77);
        QCOMPARE(r.incidentUid, uid);
        QTest::qWait(100);
        QCOMPARE(log.calls, 1);
    }

    void suggest_remoteProvider_deskGone_doneNotCalled()
    {
        CoreFixture f;
        testing::RecordingServer provider;
        provider.hold = true;
        provider.body = QByteArray("{\"category\":\"network\",\"confidence\":0.5}");
        QVERIFY(f.store.setMeta(QStringLiteral("triage.provider_url"),
                                provider.url().toString() + QStringLiteral("/triage")));
        const QString uid = f.get(openDatabaseIncident(f)).uid;
        DoneLog log;
        {
            TriageDesk desk(f.eng());
            QVERIFY(desk.suggest(uid, log.callback()));
            QTRY_COMPARE(provider.held.size(), 1);
        }
        provider.answerAll();
        QTest::qWait(300);
        QCOMPARE(log.calls, 0);
    }

    void suggest_deskOnAnotherThread_doneRunsThere()
    {
        trainAndOpen();
        QVERIFY(!QTest::currentTestFailed());
        QThread worker;
        worker.start();
        auto *desk = new TriageDesk(fx->eng());
        desk->moveToThread(&worker);
        DoneLog log;
        QVERIFY(desk->suggest(uid, log.callback()));
        QTRY_COMPARE_WITH_TIMEOUT(log.calls, 1, 20000);
        QCOMPARE(log.thread, &worker);
        QVERIFY(*log.result);
        QMetaObject::invokeMethod(desk, &QObject::deleteLater);
        worker.quit();
        QVERIFY(worker.wait(5000));
    }
};

QTEST_GUILESS_MAIN(TestTriageDesk)
#include "tst_triagedesk.moc"
