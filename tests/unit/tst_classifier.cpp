// SPDX-License-Identifier: MIT
// The pieces of the triage classifier below TriageModel: tokenize (case, stop words, short
// words, stemming) and featureTerms (title twice, bigrams, tagged context terms); the
// Vectorizer (vocabulary limited by minDf and maxFeatures, ordered by document frequency,
// TF-IDF values, L2-normalised sorted vectors, unknown terms ignored, write/read round trip,
// corrupt streams refused); the SoftmaxHead (separable data predicted right, example
// weights honoured, probabilities summing to 1, calibrate() moving the temperature the
// right way with confidence in [0, 1], deterministic training, write/read round trip,
// corrupt streams refused).
#include "triage/classifier.h"

#include <QDataStream>
#include <QTest>

#include <cmath>
#include <limits>

using namespace sitrep::triage;

namespace {

double squaredNorm(const SparseVector &v)
{
    double s = 0;
    for (const auto &p : v)
        s += double(p.second) * p.second;
    return s;
}

/// True when `v` has exactly one entry, at `index`, of value 1 (a lone known term).
bool lone(const SparseVector &v, int index)
{
    return v.size() == 1 && v.first().first == index && std::abs(v.first().second - 1.0f) < 1e-6f;
}

float valueAt(const SparseVector &v, int index)
{
    for (const auto &p : v)
        if (p.first == index)
            return p.second;
    return 0.0f;
}

template <typename T> QByteArray written(const T &thing)
{
    QByteArray buf;
    QDataStream out(&buf, QIODevice::WriteOnly);
    thing.write(out);
    return buf;
}

template <typename T> bool readInto(T &thing, const QByteArray &buf)
{
    QDataStream in(buf);
    return thing.read(in);
}

/// Three classes over 6 features: class c lights feature c (and, weaker, 3 + c), with a
/// little of every other feature mixed in, in `perClass` variations.
struct Separable {
    QList<SparseVector> x;
    QVector<int> y;
    QVector<float> w;
    QStringList labels{QStringLiteral("database"), QStringLiteral("network"),
                       QStringLiteral("security")};
    int features = 6;

    explicit Separable(int perClass)
    {
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < perClass; ++i) {
                SparseVector v;
                const float noise = 0.05f * float(i % 5);
                for (int j = 0; j < features; ++j) {
                    float value = noise;
                    if (j == c)
                        value = 0.9f;
                    else if (j == 3 + c)
                        value = 0.4f;
                    v << qMakePair(j, value);
                }
                x << v;
                y << c;
                w << 1.0f;
            }
    }
    static SparseVector probe(int c) { return {{c, 1.0f}}; }
};

SoftmaxHead trained(const Separable &d, quint64 seed = 42)
{
    SoftmaxHead h;
    SoftmaxHead::Options o;
    o.seed = seed;
    h.train(d.x, d.y, d.w, d.labels, d.features, o);
    return h;
}

void checkDistribution(const QVector<double> &p, int size)
{
    QCOMPARE(p.size(), size);
    double sum = 0;
    for (double v : p) {
        QVERIFY2(v >= 0.0 && v <= 1.0, qPrintable(QString::number(v)));
        sum += v;
    }
    QVERIFY2(std::abs(sum - 1.0) < 1e-9, qPrintable(QString::number(sum, 'g', 17)));
}

} // namespace

class TestClassifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --- text ---

    void tokenize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("case, punctuation, stop words")
            << "The Checkout-API is DOWN!!" << QStringList{"checkout", "api", "down"};
        QTest::newRow("one-letter words dropped") << "a b c db" << QStringList{"db"};
        QTest::newRow("numbers kept") << "HTTP 503 from v2" << QStringList{"http", "503", "v2"};
        QTest::newRow("plural") << "timeouts errors" << QStringList{"timeout", "error"};
        QTest::newRow("ss kept") << "packet loss" << QStringList{"packet", "loss"};
        QTest::newRow("ing") << "failing ping" << QStringList{"fail", "ping"};
        QTest::newRow("ies") << "queries dies" << QStringList{"query", "die"};
        QTest::newRow("ed") << "timed crashed bed" << QStringList{"tim", "crash", "bed"};
        QTest::newRow("short words unstemmed") << "is gas ups" << QStringList{"gas", "ups"};
        QTest::newRow("letters of other scripts")
            << "Zürich Ärger" << QStringList{"zürich", "ärger"};
        QTest::newRow("only stop words") << "it was the one and only" << QStringList{"one", "only"};
        QTest::newRow("empty") << "" << QStringList{};
    }
    void tokenize()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QCOMPARE(sitrep::triage::tokenize(text), tokens);
    }

    void featureTerms_titleTwiceBigramsAndTags()
    {
        TriageInput in;
        in.title = QStringLiteral("Disk full");
        in.description = QStringLiteral("Node disk");
        in.services = {QStringLiteral("Orders DB"), QStringLiteral("  ")};
        in.alerts = {QStringLiteral("HighCPU load"), QString()};
        in.severity = QStringLiteral("High");
        in.impact = QStringLiteral("2 - Medium");
        in.urgency = QStringLiteral("1 - High");
        const QStringList expected{"disk",
                                   "full",
                                   "disk",
                                   "full",
                                   "disk_full",
                                   "node",
                                   "disk",
                                   "svc:orders_db",
                                   "alert:highcpu_load",
                                   "highcpu",
                                   "load",
                                   "sev:high",
                                   "impact:2_-_medium",
                                   "urgency:1_-_high"};
        QCOMPARE(featureTerms(in), expected);
        // Nothing given, nothing out.
        QVERIFY(featureTerms(TriageInput{}).isEmpty());
        // Only the first 4000 characters of the description count.
        TriageInput longText;
        longText.description = QString(3998, u'x') + QStringLiteral(" tail");
        QCOMPARE(featureTerms(longText), QStringList{QString(3998, u'x')});
    }

    // --- vectorizer ---

    void vectorizer_minDfAndMaxFeatures()
    {
        const QList<QStringList> docs{{"a", "b", "c", "c", "c"}, {"a", "b"}, {"a", "d"}};
        Vectorizer v;
        v.fit(docs, 2, 100);
        QCOMPARE(v.size(), 2); // a (3 documents), b (2); c is in one document however often
        QVERIFY(v.transform({"c", "d"}).isEmpty());
        // The most frequent term first.
        QVERIFY(lone(v.transform({"a"}), 0));
        QVERIFY(lone(v.transform({"b"}), 1));

        v.fit(docs, 1, 3);
        QCOMPARE(v.size(), 3); // a, b, then c before d (equal frequency: by name)
        QVERIFY(lone(v.transform({"c"}), 2));
        QVERIFY(v.transform({"d"}).isEmpty());

        v.fit(docs, 1, 1);
        QCOMPARE(v.size(), 1);
        QVERIFY(lone(v.transform({"a", "b", "c"}), 0));

        v.fit(docs, 4, 100); // in more documents than there are
        QCOMPARE(v.size(), 0);
        QVERIFY(v.transform({"a"}).isEmpty());

        v.fit({}, 1, 100);
        QCOMPARE(v.size(), 0);
    }

    void vectorizer_tfIdfValues()
    {
        const QList<QStringList> docs{{"a", "b", "c"}, {"a", "b"}, {"a", "d"}};
        Vectorizer v;
        v.fit(docs, 1, 100);
        // idf = ln((1 + n) / (1 + df)) + 1, tf = 1 + ln(count).
        const double idfA = 1.0, idfB = std::log(4.0 / 3.0) + 1.0;
        const double xa = (1.0 + std::log(2.0)) * idfA, xb = 1.0 * idfB;
        const double norm = std::sqrt(xa * xa + xb * xb);
        const SparseVector t = v.transform({"b", "a", "zzz", "a"});
        QCOMPARE(t.size(), 2);
        QCOMPARE(t[0].first, 0);
        QCOMPARE(t[1].first, 1);
        QVERIFY(std::abs(t[0].second - xa / norm) < 1e-6);
        QVERIFY(std::abs(t[1].second - xb / norm) < 1e-6);
        // A rarer term weighs more than a common one at the same count.
        const SparseVector ac = v.transform({"a", "c"});
        QVERIFY(valueAt(ac, 2) > valueAt(ac, 0));
    }

    void vectorizer_vectorsAreNormalisedSortedAndUnique()
    {
        QList<QStringList> docs;
        for (int i = 0; i < 40; ++i) {
            QStringList d;
            for (int j = 0; j <= i % 7; ++j)
                d << QStringLiteral("t%1").arg((i * 7 + j * 3) % 23);
            docs << d;
        }
        Vectorizer v;
        v.fit(docs, 1, 1000);
        QVERIFY(v.size() > 10);
        for (const auto &d : docs) {
            const SparseVector x = v.transform(d + QStringList{"unknown", "t5", "t5"});
            QVERIFY(!x.isEmpty());
            QVERIFY2(std::abs(squaredNorm(x) - 1.0) < 1e-5, qPrintable(d.join(u' ')));
            for (int i = 0; i < x.size(); ++i) {
                QVERIFY(x[i].first >= 0 && x[i].first < v.size());
                QVERIFY(x[i].second > 0);
                if (i > 0)
                    QVERIFY(x[i - 1].first < x[i].first);
            }
        }
        QVERIFY(v.transform({}).isEmpty());
        QVERIFY(v.transform({"nothing", "known"}).isEmpty());
    }

    void vectorizer_roundTrip_sameTransforms()
    {
        const QList<QStringList> docs{{"disk", "full", "node"},
                                      {"disk", "latency"},
                                      {"dns", "timeout", "node"},
                                      {"dns", "servfail"}};
        Vectorizer v;
        v.fit(docs, 1, 100);
        const QByteArray buf = written(v);
        Vectorizer back;
        QVERIFY(readInto(back, buf));
        QCOMPARE(back.size(), v.size());
        for (const auto &d : docs + QList<QStringList>{{"disk", "dns", "x"}, {}})
            QCOMPARE(back.transform(d), v.transform(d));
        // Reading replaces what was there.
        Vectorizer other;
        other.fit({{"q", "r", "s", "t", "u"}}, 1, 100);
        QVERIFY(readInto(other, buf));
        QCOMPARE(other.size(), v.size());
        QVERIFY(other.transform({"q"}).isEmpty());
        QCOMPARE(other.transform({"disk"}), v.transform({"disk"}));
    }

    void vectorizer_corruptStream_refused()
    {
        Vectorizer v;
        v.fit({{"a", "b", "c"}, {"a", "d"}}, 1, 100);
        const QByteArray buf = written(v);
        Vectorizer r;
        QVERIFY(!readInto(r, QByteArray()));
        QVERIFY(!readInto(r, buf.left(buf.size() / 2)));
        QVERIFY(!readInto(r, buf.left(buf.size() - 1)));
        // An index outside the idf table.
        {
            QByteArray bad;
            QDataStream out(&bad, QIODevice::WriteOnly);
            out << QHash<QString, int>{{"a", 0}, {"b", 5}} << QVector<float>{1.0f, 1.5f};
            QVERIFY(!readInto(r, bad));
        }
        {
            QByteArray bad;
            QDataStream out(&bad, QIODevice::WriteOnly);
            out << QHash<QString, int>{{"a", -1}} << QVector<float>{1.0f};
            QVERIFY(!readInto(r, bad));
        }
        // Sizes that disagree.
        {
            QByteArray bad;
            QDataStream out(&bad, QIODevice::WriteOnly);
            out << QHash<QString, int>{{"a", 0}, {"b", 1}} << QVector<float>{1.0f};
            QVERIFY(!readInto(r, bad));
        }
        // A good stream still reads after bad ones.
        QVERIFY(readInto(r, buf));
        QCOMPARE(r.transform({"a", "c"}), v.transform({"a", "c"}));
    }

    // --- softmax head ---

    void softmax_separableData_predictedRight()
    {
        const Separable d(20);
        const SoftmaxHead h = trained(d);
        QCOMPARE(h.labels(), d.labels);
        QCOMPARE(h.temperature(), 1.0);
        for (int i = 0; i < d.x.size(); ++i) {
            const FieldSuggestion s = h.predict(d.x[i]);
            QCOMPARE(s.value, d.labels[d.y[i]]);
            QVERIFY(s.confidence > 0.5 && s.confidence <= 1.0);
            checkDistribution(h.probabilities(d.x[i]), 3);
        }
        for (int c = 0; c < 3; ++c) {
            QCOMPARE(h.predict(Separable::probe(c)).value, d.labels[c]);
            const QVector<double> p = h.probabilities(Separable::probe(c));
            checkDistribution(p, 3);
            QVERIFY(p[c] > 0.5);
        }
        // Nothing known: a distribution still, and feature indexes beyond the model ignored.
        checkDistribution(h.probabilities({}), 3);
        QCOMPARE(h.probabilities({{0, 1.0f}, {99, 5.0f}}), h.probabilities({{0, 1.0f}}));
    }

    void softmax_weightsCount()
    {
        // Examples that contradict the data: ignored with weight 0, decisive when heavy.
        Separable d(10);
        for (int i = 0; i < 10; ++i) {
            d.x << Separable::probe(0);
            d.y << 2;
            d.w << 0.0f;
        }
        QCOMPARE(trained(d).predict(Separable::probe(0)).value, QStringLiteral("database"));
        for (int i = d.w.size() - 10; i < d.w.size(); ++i)
            d.w[i] = 20.0f;
        QCOMPARE(trained(d).predict(Separable::probe(0)).value, QStringLiteral("security"));
    }

    void softmax_untrainedOrOneLabel()
    {
        const SoftmaxHead none;
        QVERIFY(none.probabilities({{0, 1.0f}}).isEmpty());
        QCOMPARE(none.predict({{0, 1.0f}}).value, QString());
        QCOMPARE(none.predict({{0, 1.0f}}).confidence, 0.0);
        // One label: nothing to learn, that label with probability 1.
        const Separable d(5);
        SoftmaxHead one;
        one.train(d.x, QVector<int>(d.x.size(), 0), d.w, {QStringLiteral("only")}, d.features, {});
        QCOMPARE(one.probabilities(Separable::probe(1)), QVector<double>{1.0});
        QCOMPARE(one.predict(Separable::probe(1)).value, QStringLiteral("only"));
        // No examples: uniform.
        SoftmaxHead empty;
        empty.train({}, {}, {}, d.labels, d.features, {});
        const QVector<double> p = empty.probabilities(Separable::probe(0));
        checkDistribution(p, 3);
        QCOMPARE(p[0], p[2]);
    }

    void softmax_deterministic()
    {
        const Separable d(15);
        const QByteArray first = written(trained(d));
        QCOMPARE(written(trained(d)), first);
        QVERIFY(written(trained(d, 7)) != first); // the seed is what varies it
        SoftmaxHead::Options fixed;
        fixed.epochs = 3;
        SoftmaxHead a, b;
        a.train(d.x, d.y, d.w, d.labels, d.features, fixed);
        b.train(d.x, d.y, d.w, d.labels, d.features, fixed);
        QCOMPARE(written(a), written(b));
        QVERIFY(written(a) != first);
    }

    void calibrate_temperatureMovesTheRightWay()
    {
        const Separable d(20);
        // Held-out answers the model gets right: it may be sharper (temperature <= 1).
        SoftmaxHead right = trained(d);
        const double before = right.predict(Separable::probe(0)).confidence;
        right.calibrate(d.x, d.y);
        QVERIFY2(right.temperature() <= 1.0, qPrintable(QString::number(right.temperature())));
        QVERIFY(right.temperature() >= 0.1);
        QVERIFY(right.predict(Separable::probe(0)).confidence >= 0.5);
        // Held-out answers that mostly disagree: softer (temperature > 1) and less confident.
        SoftmaxHead wrong = trained(d);
        QVector<int> shuffled = d.y;
        for (int i = 0; i < shuffled.size(); ++i)
            shuffled[i] = (d.y[i] + (i % 3)) % 3; // one in three right
        wrong.calibrate(d.x, shuffled);
        QVERIFY2(wrong.temperature() > 1.0, qPrintable(QString::number(wrong.temperature())));
        QVERIFY(wrong.temperature() <= 10.0 + 1e-9);
        const FieldSuggestion s = wrong.predict(Separable::probe(0));
        QCOMPARE(s.value, QStringLiteral("database")); // the ranking does not change
        QVERIFY2(s.confidence < before,
                 qPrintable(QStringLiteral("%1 vs %2").arg(s.confidence).arg(before)));
        for (const auto &x : d.x)
            checkDistribution(wrong.probabilities(x), 3);
        // Confidence stays a probability, whatever it is asked about.
        for (const SoftmaxHead *h : {&right, &wrong})
            for (double p : {0.0, 1e-12, 0.2, 1.0 / 3.0, 0.5, 0.9, 1.0 - 1e-12, 1.0}) {
                const double c = h->confidence(p);
                QVERIFY2(c >= 0.0 && c <= 1.0, qPrintable(QString::number(c)));
            }
        for (const auto &x : d.x) {
            const double c = wrong.predict(x).confidence;
            QVERIFY2(c >= 0.0 && c <= 1.0, qPrintable(QString::number(c)));
        }
    }

    void calibrate_nothingHeldOut_changesNothing()
    {
        const Separable d(10);
        SoftmaxHead h = trained(d);
        const QByteArray before = written(h);
        h.calibrate({}, {});
        QCOMPARE(written(h), before);
        QCOMPARE(h.temperature(), 1.0);
        // Identity mapping before calibration: confidence = p.
        QVERIFY(std::abs(h.confidence(0.7) - 0.7) < 1e-9);
    }

    void softmax_roundTrip_sameProbabilities()
    {
        const Separable d(12);
        SoftmaxHead h = trained(d);
        QVector<int> mixed = d.y;
        for (int i = 0; i < mixed.size(); i += 4)
            mixed[i] = (mixed[i] + 1) % 3;
        h.calibrate(d.x, mixed);
        const QByteArray buf = written(h);
        SoftmaxHead back;
        QVERIFY(readInto(back, buf));
        QCOMPARE(back.labels(), h.labels());
        QCOMPARE(back.temperature(), h.temperature());
        QCOMPARE(written(back), buf);
        for (const auto &x : d.x) {
            QCOMPARE(back.probabilities(x), h.probabilities(x));
            QCOMPARE(back.predict(x).value, h.predict(x).value);
            QCOMPARE(back.predict(x).confidence, h.predict(x).confidence);
        }
    }

    void softmax_corruptStream_refused()
    {
        const Separable d(6);
        const QByteArray buf = written(trained(d));
        SoftmaxHead r;
        QVERIFY(!readInto(r, QByteArray()));
        QVERIFY(!readInto(r, buf.left(buf.size() / 2)));
        QVERIFY(!readInto(r, buf.left(buf.size() - 1)));
        const auto stream = [](const QStringList &labels, qint32 features, const QVector<float> &w,
                               double t, double a, double b) {
            QByteArray out;
            QDataStream s(&out, QIODevice::WriteOnly);
            s << labels << features << w << t << a << b;
            return out;
        };
        const QStringList two{QStringLiteral("x"), QStringLiteral("y")};
        // The well-formed case reads...
        QVERIFY(readInto(r, stream(two, 2, QVector<float>(6, 0.5f), 1.0, 1.0, 0.0)));
        // ...weights that do not fit labels x (features + 1) do not.
        QVERIFY(!readInto(r, stream(two, 2, QVector<float>(5, 0.5f), 1.0, 1.0, 0.0)));
        QVERIFY(!readInto(r, stream(two, 3, QVector<float>(6, 0.5f), 1.0, 1.0, 0.0)));
        QVERIFY(!readInto(r, stream(two, -1, QVector<float>(0), 1.0, 1.0, 0.0)));
        // A temperature that is not positive.
        QVERIFY(!readInto(r, stream(two, 2, QVector<float>(6, 0.5f), 0.0, 1.0, 0.0)));
        QVERIFY(!readInto(r, stream(two, 2, QVector<float>(6, 0.5f), -2.0, 1.0, 0.0)));
        QVERIFY(!readInto(r, stream(two, 2, QVector<float>(6, 0.5f),
                                    std::numeric_limits<double>::quiet_NaN(), 1.0, 0.0)));
    }

    void softmax_nonFiniteConfidenceMapping_refused()
    {
        // A damaged Platt parameter (NaN) would make every confidence NaN.
        const QStringList two{QStringLiteral("x"), QStringLiteral("y")};
        QByteArray buf;
        {
            QDataStream s(&buf, QIODevice::WriteOnly);
            s << two << qint32(2) << QVector<float>(6, 0.5f) << 1.0
              << std::numeric_limits<double>::quiet_NaN() << 0.0;
        }
        SoftmaxHead r;
        const bool accepted = readInto(r, buf);
        QVERIFY(!accepted);
        if (accepted) {
            const double c = r.predict({{0, 1.0f}}).confidence;
            QVERIFY(c >= 0.0 && c <= 1.0);
        }
    }
};

QTEST_GUILESS_MAIN(TestClassifier)
#include "tst_classifier.moc"
