// SPDX-License-Identifier: MIT
// The triage classifier and knowledge base: quality on synthetic incidents with label
// noise, calibration, persistence, article ranking, result shapes and bad input.
#include "coretestutil.h"
#include "triagesynth.h"

#include "problems/problemstore.h"
#include "runbooks/runbook.h"
#include "triage/articleindex.h"
#include "triage/classifier.h"
#include "triage/triagestore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

#include <array>

using namespace sitrep;
using namespace sitrep::triage;
using sitrep::testing::CoreFixture;

class TestTriage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void syntheticNoisyLabels_meetsAccuracyBaselineAndCalibration();
    void model_serializeRoundTrip_predictsTheSame();
    void model_damagedBlob_clearError();
    void train_emptyOrTinyData_notEnoughData();
    void suggestOnce_emptyCache_notEnoughData();
    void ece_knownValues();
    void knowledgeBase_ranksMatchingArticleFirst();
    void knowledgeBase_markdownResolutionSection();
    void knowledgeBase_fromStore_includesResolutionsKnownErrorsRunbooks();
    void result_eventPayloadHasContractShape();
    void result_fromJson_readsSeedShapeAndRefusesBadInput();
};

void TestTriage::syntheticNoisyLabels_meetsAccuracyBaselineAndCalibration()
{
    const auto all = testing::generateSynthIncidents(2500, 20261123, 0.15);
    const auto examples = testing::examplesOf(all);
    const QList<Example> train = examples.mid(0, 2000), test = examples.mid(2000);
    auto m = TriageModel::train(train);
    QVERIFY2(m, qPrintable(m.errorMessage()));
    const auto metrics = m->evaluate(test);
    for (const QString &f : suggestedFields()) {
        QVERIFY2(metrics.contains(f), qPrintable(f));
        const FieldMetrics &fm = metrics[f];
        qInfo("%-17s n=%d accuracy=%.3f majority=%.3f (%s) ece=%.3f", qPrintable(f), fm.n,
              fm.accuracy, fm.majorityBaseline, qPrintable(fm.majorityLabel), fm.ece);
        QCOMPARE(fm.n, 500);
        QVERIFY2(fm.accuracy >= 0.75,
                 qPrintable(QStringLiteral("%1 accuracy %2").arg(f).arg(fm.accuracy)));
        QVERIFY2(fm.accuracy >= fm.majorityBaseline + 0.20,
                 qPrintable(QStringLiteral("%1 accuracy %2 vs majority %3")
                                .arg(f)
                                .arg(fm.accuracy)
                                .arg(fm.majorityBaseline)));
        QVERIFY2(fm.ece <= 0.10, qPrintable(QStringLiteral("%1 ECE %2").arg(f).arg(fm.ece)));
    }
}

void TestTriage::model_serializeRoundTrip_predictsTheSame()
{
    const auto ex = testing::examplesOf(testing::generateSynthIncidents(400, 7));
    auto m = TriageModel::train(ex);
    QVERIFY(m);
    m->version = 12;
    auto back = TriageModel::deserialize(m->serialize());
    QVERIFY2(back, qPrintable(back.errorMessage()));
    QCOMPARE(back->version, 12);
    QCOMPARE(back->trainedOn, 400);
    for (int i = 0; i < 20; ++i) {
        const auto a = m->predict(ex[i].input), b = back->predict(ex[i].input);
        for (const QString &f : suggestedFields()) {
            QCOMPARE(b[f].value, a[f].value);
            QVERIFY(qAbs(b[f].confidence - a[f].confidence) < 1e-9);
        }
    }
}

void TestTriage::model_damagedBlob_clearError()
{
    auto r = TriageModel::deserialize(QByteArray("not a model"));
    QVERIFY(!r);
    QCOMPARE(r.error().code, QStringLiteral("corrupt"));
    auto m = TriageModel::train(testing::examplesOf(testing::generateSynthIncidents(100, 3)));
    QVERIFY(m);
    QByteArray raw = qUncompress(m->serialize());
    raw.truncate(raw.size() / 2);
    auto cut = TriageModel::deserialize(qCompress(raw));
    QVERIFY(!cut);
    QVERIFY(cut.errorMessage().contains(u"damaged"));
}

void TestTriage::train_emptyOrTinyData_notEnoughData()
{
    auto none = TriageModel::train({});
    QVERIFY(!none);
    QCOMPARE(none.error().code, QStringLiteral("not_enough_data"));
    QVERIFY(none.errorMessage().startsWith(u"not enough data"));
    auto tiny = TriageModel::train(testing::examplesOf(testing::generateSynthIncidents(5, 1)));
    QVERIFY(!tiny);
    QVERIFY(tiny.errorMessage().contains(u"5 resolved"));
    // Incidents without any category do not count.
    auto unlabelled = testing::examplesOf(testing::generateSynthIncidents(50, 1));
    for (auto &e : unlabelled)
        e.labels.remove(QStringLiteral("category"));
    QCOMPARE(TriageModel::train(unlabelled).error().code, QStringLiteral("not_enough_data"));
}

void TestTriage::suggestOnce_emptyCache_notEnoughData()
{
    CoreFixture f;
    const QString n = f.open(QStringLiteral("DNS lookups failing"), QStringLiteral("high"));
    auto r = suggestOnce(f.store, f.get(n), TriageSettings{}, true, f.clock.nowMs());
    QVERIFY(!r);
    QCOMPARE(r.error().code, QStringLiteral("not_enough_data"));
    QVERIFY2(r.errorMessage().contains(u"not enough data"), qPrintable(r.errorMessage()));
    auto loaded = loadLatestModel(f.store);
    QVERIFY(loaded);
    QVERIFY(!loaded->has_value()); // nothing half-written
}

void TestTriage::ece_knownValues()
{
    QCOMPARE(expectedCalibrationError({}, {}), 0.0);
    // Ten answers at 0.95 confidence, all right: |1.0 - 0.95| = 0.05.
    QVERIFY(qAbs(expectedCalibrationError(QVector<double>(10, 0.95), QVector<bool>(10, true)) -
                 0.05) < 1e-9);
    // Half right at 0.55 and half right at 0.85: bins 5 and 8, gaps 0.05 and 0.35, equal weight.
    QVector<double> c{0.55, 0.55, 0.85, 0.85};
    QVector<bool> ok{true, false, true, false};
    QVERIFY(qAbs(expectedCalibrationError(c, ok) - 0.2) < 1e-9);
}

static void writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

void TestTriage::knowledgeBase_ranksMatchingArticleFirst()
{
    ArticleIndex kb;
    // Markdown articles: id, title, matched text, resolution.
    const std::array<std::array<const char *, 4>, 4> articles{{
        {"md:dns.md", "DNS resolution failures",
         "NXDOMAIN SERVFAIL resolver lookups failing CoreDNS", "Flush caches"},
        {"md:cdn.md", "CDN cache hit ratio", "CloudFront edge cache hit ratio dropped invalidation",
         "Invalidate"},
        {"md:kafka.md", "Kafka consumer lag", "consumer lag growing partition rebalance broker",
         "Scale consumers"},
        {"md:dns2.md", "Resolver cache", "resolver cache stale records after DNS change",
         "Lower TTL"},
    }};
    for (const auto &[id, title, text, resolution] : articles)
        kb.add({.id = QString::fromUtf8(id),
                .title = QString::fromUtf8(title),
                .source = QStringLiteral("markdown"),
                .location = {},
                .text = QString::fromUtf8(text),
                .body = {},
                .resolution = QString::fromUtf8(resolution)});
    kb.finalize();
    const auto hits = kb.search(QStringLiteral("Internal DNS lookups failing with NXDOMAIN"));
    QVERIFY(!hits.isEmpty());
    QVERIFY(hits.size() <= 3);
    QCOMPARE(hits.first().id, QStringLiteral("md:dns.md"));
    QCOMPARE(hits.at(1).id, QStringLiteral("md:dns2.md")); // shares "DNS" only
    for (int i = 1; i < hits.size(); ++i)
        QVERIFY(hits[i - 1].relevance >= hits[i].relevance);
    QVERIFY(hits.first().relevance > 0 && hits.first().relevance <= 1);
    for (const auto &h : hits)
        QVERIFY(h.id != u"md:cdn.md"); // nothing in common
    QCOMPARE(kb.search(QStringLiteral("consumer lag on the orders topic")).first().id,
             QStringLiteral("md:kafka.md"));
    QVERIFY(kb.search(QStringLiteral("zzz qqq")).isEmpty());
}

void TestTriage::knowledgeBase_markdownResolutionSection()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("net")));
    writeFile(dir.filePath(QStringLiteral("net/dns.md")),
              "# DNS resolution failures\n\nWhen lookups fail with NXDOMAIN.\n\n## "
              "Symptoms\nSERVFAIL\n\n## Resolution\nFlush the resolver cache.\nCheck the "
              "delegation.\n\n## See also\nother\n");
    writeFile(dir.filePath(QStringLiteral("notitle.md")),
              "Plain text about certificates expiring.\n");
    writeFile(dir.filePath(QStringLiteral("ignored.txt")), "not markdown");
    QStringList warnings;
    const auto docs = ArticleIndex::markdownArticles(dir.path(), &warnings);
    QVERIFY(warnings.isEmpty());
    QCOMPARE(docs.size(), 2);
    QCOMPARE(docs[0].id, QStringLiteral("md:net/dns.md"));
    QCOMPARE(docs[0].title, QStringLiteral("DNS resolution failures"));
    QCOMPARE(docs[0].resolution,
             QStringLiteral("Flush the resolver cache.\nCheck the delegation."));
    QVERIFY(docs[0].location.endsWith(u"net/dns.md"));
    QCOMPARE(docs[1].title, QStringLiteral("notitle"));
    ArticleIndex::markdownArticles(dir.filePath(QStringLiteral("missing")), &warnings);
    QCOMPARE(warnings.size(), 1);
    QVERIFY(warnings.first().contains(u"does not exist"));
}

void TestTriage::knowledgeBase_fromStore_includesResolutionsKnownErrorsRunbooks()
{
    CoreFixture f;
    const QString a =
        f.open(QStringLiteral("Aurora connection pool exhausted"), QStringLiteral("high"));
    QVERIFY(f.run(engine::Command::Kind::Transition, a,
                  {{QStringLiteral("to"), QStringLiteral("resolved")},
                   {QStringLiteral("resolution_note"),
                    QStringLiteral("Raised max_connections to 2500 and recycled pgbouncer.")},
                   {QStringLiteral("root_cause"), QStringLiteral("capacity")}}));
    const QString b = f.open(QStringLiteral("Checkout page blank"), QStringLiteral("low"));
    QVERIFY(f.run(engine::Command::Kind::Transition, b,
                  {{QStringLiteral("to"), QStringLiteral("resolved")},
                   {QStringLiteral("resolution_note"), QStringLiteral("Rolled back the release.")},
                   {QStringLiteral("root_cause"), QStringLiteral("change")}}));
    problems::ProblemStore ps(f.eng());
    QVERIFY(ps.createKnownError(QStringLiteral("Certificate expiry on SSO"),
                                QStringLiteral("SSO callback loop, certificate expired"),
                                QStringLiteral("Rotate the signing certificate."), QString(),
                                {QStringLiteral("auth")}, QString(), QStringLiteral("tester")));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("dns.md")),
              "# DNS resolution failures\n\nNXDOMAIN.\n\n## Fix\nFlush caches.\n");
    TriageSettings s;
    s.kbDir = dir.path();
    auto kb = buildKnowledgeBase(f.store, s);
    QVERIFY2(kb, qPrintable(kb.errorMessage()));
    QVERIFY(kb->find(QStringLiteral("resolution:") + a));
    QVERIFY(kb->find(QStringLiteral("KE0000001")));
    QVERIFY(kb->find(QStringLiteral("md:dns.md")));
    QVERIFY(kb->find(QStringLiteral("runbook:replication-lag")));

    auto top = [&](const QString &q) { return kb->search(q).value(0); };
    QCOMPARE(top(QStringLiteral("Aurora connection pool exhausted again")).id,
             QStringLiteral("resolution:") + a);
    QCOMPARE(top(QStringLiteral("SSO callback loop, users cannot log in")).id,
             QStringLiteral("KE0000001"));
    QCOMPARE(top(QStringLiteral("lookups fail with NXDOMAIN")).source, QStringLiteral("markdown"));
    QCOMPARE(top(QStringLiteral("Replication lag above 60s on the replica")).source,
             QStringLiteral("runbook"));

    // The article text for the panel, without an index.
    auto art = loadArticle(f.store, QStringLiteral("resolution:") + a, s.kbDir);
    QVERIFY(art);
    QVERIFY(art->body.contains(u"max_connections"));
    QVERIFY(loadArticle(f.store, QStringLiteral("md:dns.md"), s.kbDir));
    QVERIFY(
        loadArticle(f.store, QStringLiteral("KE0000001"), s.kbDir)->resolution.contains(u"Rotate"));
    QCOMPARE(loadArticle(f.store, QStringLiteral("nope"), s.kbDir).error().code,
             QStringLiteral("not_found"));
}

void TestTriage::result_eventPayloadHasContractShape()
{
    TriageResult r;
    r.fields.insert(QStringLiteral("category"), {QStringLiteral("database"), 0.9234});
    r.fields.insert(QStringLiteral("priority"), {QStringLiteral("P1"), 0.61});
    r.articles << testing::articleMatch("KE0000001", "Pool", "known_error", 0.95);
    r.suggestedResolution = QStringLiteral("Check the pool.");
    r.modelVersion = QStringLiteral("local-v3");
    const QJsonObject p = r.eventPayload();
    QCOMPARE(testing::sortedKeys(p), testing::suggestionPayloadKeys());
    QCOMPARE(p[u"category"].toString(), QStringLiteral("database"));
    QCOMPARE(p[u"subcategory"].toString(), QString());
    QCOMPARE(p[u"confidence"].toDouble(), 0.923);
    QCOMPARE(p[u"confidences"].toObject()[u"category"].toDouble(), 0.923);
    QCOMPARE(p[u"confidences"].toObject()[u"priority"].toDouble(), 0.61);
    QVERIFY(!p[u"confidences"].toObject().contains(u"subcategory"));
    const QJsonObject art = p[u"articles"].toArray().first().toObject();
    QCOMPARE(testing::sortedKeys(art), (QStringList{"id", "relevance", "source", "title"}));
    QCOMPARE(p[u"model_version"].toString(), QStringLiteral("local-v3"));

    const QJsonObject seed = r.aiTriageResult()[u"ai_triage_result"].toObject();
    QCOMPARE(seed[u"category_suggestion"].toString(), QStringLiteral("database"));
    QCOMPARE(seed[u"priority_suggestion"].toString(), QStringLiteral("P1"));
    QCOMPARE(seed[u"kb_articles"].toArray().size(), 1);
    QCOMPARE(seed[u"suggested_resolution"].toString(), QStringLiteral("Check the pool."));

    auto back = TriageResult::fromJson(p);
    QVERIFY(back);
    QCOMPARE(back->fields.value(QStringLiteral("priority")).value, QStringLiteral("P1"));
    QCOMPARE(back->articles.first().source, QStringLiteral("known_error"));
}

void TestTriage::result_fromJson_readsSeedShapeAndRefusesBadInput()
{
    const QByteArray seedText =
        R"({"ai_triage_result": {"category_suggestion": "database", "subcategory_suggestion": "connectivity",
        "priority_suggestion": "P1", "assignment_group_suggestion": "Platform Engineering", "confidence": 0.92,
        "kb_articles": [{"id": "KB0001234", "title": "Aurora Connection Pool Exhaustion", "relevance": 0.95}],
        "suggested_resolution": "Check Aurora connection pool utilization."}})";
    auto r = TriageResult::fromJson(QJsonDocument::fromJson(seedText).object());
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->fields.size(), 4);
    QCOMPARE(r->fields[QStringLiteral("assignment_group")].value,
             QStringLiteral("Platform Engineering"));
    QCOMPARE(r->confidence(), 0.92);
    QCOMPARE(r->articles.first().id, QStringLiteral("KB0001234"));

    auto bad = [](const char *json) {
        return TriageResult::fromJson(QJsonDocument::fromJson(json).object());
    };
    QVERIFY(!bad(R"({"category": "db", "confidence": 2})"));
    QVERIFY(!bad(R"({"category": 5})"));
    QVERIFY(!bad(R"({"category": "db", "articles": {}})"));
    QVERIFY(!bad(R"({"articles": [{"title": "no id"}]})"));
    QVERIFY(!bad(R"({"ai_triage_result": "x"})"));
    auto empty = bad("{}");
    QVERIFY(!empty);
    QVERIFY(empty.errorMessage().contains(u"no suggestion"));
}

QTEST_GUILESS_MAIN(TestTriage)
#include "tst_triage.moc"
