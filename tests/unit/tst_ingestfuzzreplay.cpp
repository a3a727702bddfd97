// SPDX-License-Identifier: MIT
// The ingest fuzz targets' entry points in the regular build: every seed of their corpora
// plus a fixed number of deterministic mutations per target. The libFuzzer build
// (-DSITREP_FUZZ=ON) explores much further; this keeps the invariants checked on every run.
#include "fuzz/ingestfuzz.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace sitrep::ingest;

namespace {

QList<QByteArray> seeds(const QString &target, const QStringList &payloads)
{
    QList<QByteArray> out;
    QDir corpus(QStringLiteral(SITREP_SOURCE_DIR "/tests/fuzz/corpus/") + target);
    for (const QString &f : corpus.entryList(QDir::Files)) {
        QFile file(corpus.filePath(f));
        if (file.open(QIODevice::ReadOnly))
            out << file.readAll();
    }
    for (const QString &p : payloads) {
        QFile file(QStringLiteral(SITREP_TESTDATA_DIR "/payloads/") + p);
        if (file.open(QIODevice::ReadOnly))
            out << file.readAll();
    }
    out << QByteArray() << QByteArray("{}") << QByteArray("[]") << QByteArray("null");
    return out;
}

QByteArray mutate(QByteArray s, const QList<QByteArray> &pool, QRandomGenerator &rng)
{
    static const QList<QByteArray> tokens{"null",
                                          "[]",
                                          "{}",
                                          "\"\"",
                                          "0",
                                          "-1",
                                          "1e999",
                                          "true",
                                          "\"0001-01-01T00:00:00Z\"",
                                          "\\u0000",
                                          "\\ud800",
                                          "\"alerts\"",
                                          "\"labels\"",
                                          "\"status\":\"resolved\"",
                                          "\"event_action\":\"trigger\"",
                                          "\r\n",
                                          "Content-Length: 99999999999\r\n",
                                          "Transfer-Encoding: chunked\r\n",
                                          ":",
                                          "\xff\xfe",
                                          QByteArray(300, 'x')};
    const int rounds = 1 + int(rng.bounded(4));
    for (int r = 0; r < rounds; ++r) {
        const qsizetype pos = s.isEmpty() ? 0 : qsizetype(rng.bounded(quint32(s.size())));
        switch (rng.bounded(6)) {
        case 0:
            if (!s.isEmpty())
                s[pos] = char(rng.bounded(256));
            break;
        case 1:
            s.insert(pos, tokens[rng.bounded(quint32(tokens.size()))]);
            break;
        case 2:
            s.remove(pos, qsizetype(rng.bounded(64)));
            break;
        case 3:
            s.truncate(pos);
            break;
        case 4: {
            const QByteArray &other = pool[rng.bounded(quint32(pool.size()))];
            if (!other.isEmpty())
                s.insert(pos, other.mid(rng.bounded(quint32(other.size()))));
            break;
        }
        default:
            if (!s.isEmpty())
                s.insert(pos, s.mid(pos, qsizetype(rng.bounded(32))));
            break;
        }
    }
    return s;
}

constexpr int kMutationsPerTarget = 20000;

} // namespace

class TestIngestFuzzReplay : public QObject {
    Q_OBJECT

    void run(const QString &target, const QStringList &payloads,
             const std::function<int(const uint8_t *, size_t)> &entry)
    {
        const QList<QByteArray> pool = seeds(target, payloads);
        QVERIFY(pool.size() > 4);
        for (const QByteArray &s : pool)
            entry(reinterpret_cast<const uint8_t *>(s.constData()), size_t(s.size()));
        QRandomGenerator rng(0x5173e9u);
        int wellFormed = 0; // mutations that still parse, so the normalizers' own checks run
        for (int i = 0; i < kMutationsPerTarget; ++i) {
            const QByteArray m = mutate(pool[rng.bounded(quint32(pool.size()))], pool, rng);
            entry(reinterpret_cast<const uint8_t *>(m.constData()), size_t(m.size()));
            if (QJsonDocument::fromJson(m).isObject() || m.contains("\r\n\r\n"))
                ++wellFormed;
        }
        QVERIFY2(wellFormed > kMutationsPerTarget / 50, qPrintable(QString::number(wellFormed)));
    }

    static std::function<int(const uint8_t *, size_t)> normalizer(const QString &source)
    {
        return [source](const uint8_t *d, size_t n) { return fuzz::normalizerInput(source, d, n); };
    }

private Q_SLOTS:
    /// One row per normalizer: its fuzz target's seeds and the example payloads it starts from.
    void normalizers_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QStringList>("payloads");
        const auto row = [](const char *source, const QStringList &payloads) {
            QTest::newRow(source) << QString::fromLatin1(source) << payloads;
        };
        row("alertmanager",
            {QStringLiteral("alertmanager_webhook_v4_example_grafana_oncall.json")});
        row("grafana", {QStringLiteral("grafana_unified_alerting_webhook.json")});
        row("pagerduty", {QStringLiteral("pagerduty_events_v2_enqueue.json")});
        row("sentry", {QStringLiteral("sentry_issue_alert_webhook.json")});
        row("datadog", {QStringLiteral("datadog_webhook_default_template.json")});
        row("generic", {});
    }
    void normalizers()
    {
        QFETCH(QString, source);
        QFETCH(QStringList, payloads);
        run(QStringLiteral("fuzz_normalizer_") + source, payloads, normalizer(source));
    }
    void httpParser()
    {
        run(QStringLiteral("fuzz_ingest_http"), {},
            [](const uint8_t *d, size_t n) { return fuzz::httpParserInput(d, n); });
    }
};

QTEST_GUILESS_MAIN(TestIngestFuzzReplay)
#include "tst_ingestfuzzreplay.moc"
