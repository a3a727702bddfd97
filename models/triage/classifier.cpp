// SPDX-License-Identifier: MIT
#include "triage/classifier.h"

#include <QDataStream>
#include <QIODevice>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace sitrep::triage {

// --- text ---

static const QSet<QString> &stopWords()
{
    static const QSet<QString> s = [] {
        const QStringList words =
            QStringLiteral("the a an and or of to in on for is are was were be been it its at by "
                           "with from as this that we our has have after into some may can not no "
                           "but all any since")
                .split(u' ');
        return QSet<QString>(words.begin(), words.end());
    }();
    return s;
}

static QString stem(QString w)
{
    if (w.size() > 5 && w.endsWith(QLatin1String("ing")))
        w.chop(3);
    else if (w.size() > 4 && w.endsWith(QLatin1String("ies")))
        w = w.left(w.size() - 3) + u'y';
    else if (w.size() > 4 && w.endsWith(QLatin1String("ed")))
        w.chop(2);
    else if (w.size() > 3 && w.endsWith(u's') && !w.endsWith(QLatin1String("ss")))
        w.chop(1);
    return w;
}

QStringList tokenize(const QString &text)
{
    QStringList out;
    QString cur;
    auto flush = [&] {
        if (cur.size() >= 2 && !stopWords().contains(cur))
            out << stem(cur);
        cur.clear();
    };
    for (const QChar c : text) {
        if (c.isLetterOrNumber())
            cur += c.toLower();
        else
            flush();
    }
    flush();
    return out;
}

static QString tag(const QString &prefix, const QString &value)
{
    QString v = value.trimmed().toLower();
    v.replace(u' ', u'_');
    return prefix + v;
}

QStringList featureTerms(const TriageInput &in)
{
    QStringList terms;
    const QStringList title = tokenize(in.title);
    terms << title << title;
    for (int i = 0; i + 1 < title.size(); ++i)
        terms << title[i] + u'_' + title[i + 1];
    terms << tokenize(in.description.left(4000));
    for (const auto &s : in.services)
        if (!s.trimmed().isEmpty())
            terms << tag(QStringLiteral("svc:"), s);
    for (const auto &a : in.alerts) {
        if (a.trimmed().isEmpty())
            continue;
        terms << tag(QStringLiteral("alert:"), a) << tokenize(a);
    }
    if (!in.severity.isEmpty())
        terms << tag(QStringLiteral("sev:"), in.severity);
    if (!in.impact.isEmpty())
        terms << tag(QStringLiteral("impact:"), in.impact);
    if (!in.urgency.isEmpty())
        terms << tag(QStringLiteral("urgency:"), in.urgency);
    return terms;
}

// --- vectorizer ---

void Vectorizer::fit(const QList<QStringList> &documents, int minDf, int maxFeatures)
{
    QHash<QString, int> df;
    for (const auto &doc : documents) {
        QSet<QString> seen(doc.cbegin(), doc.cend());
        for (const auto &t : seen)
            ++df[t];
    }
    QList<QPair<QString, int>> kept;
    for (auto it = df.cbegin(); it != df.cend(); ++it)
        if (it.value() >= minDf)
            kept << qMakePair(it.key(), it.value());
    std::sort(kept.begin(), kept.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (kept.size() > maxFeatures)
        kept.resize(maxFeatures);
    m_index.clear();
    m_idf.resize(kept.size());
    const double n = double(documents.size());
    for (int i = 0; i < kept.size(); ++i) {
        m_index.insert(kept[i].first, i);
        m_idf[i] = float(std::log((1.0 + n) / (1.0 + kept[i].second)) + 1.0);
    }
}

SparseVector Vectorizer::transform(const QStringList &terms) const
{
    QHash<int, int> tf;
    for (const auto &t : terms) {
        const auto it = m_index.constFind(t);
        if (it != m_index.cend())
            ++tf[*it];
    }
    SparseVector v;
    v.reserve(tf.size());
    double norm = 0;
    for (auto it = tf.cbegin(); it != tf.cend(); ++it) {
        const float x = float((1.0 + std::log(double(it.value()))) * m_idf[it.key()]);
        v << qMakePair(it.key(), x);
        norm += double(x) * x;
    }
    if (norm > 0) {
        const float inv = float(1.0 / std::sqrt(norm));
        for (auto &p : v)
            p.second *= inv;
    }
    std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    return v;
}

void Vectorizer::write(QDataStream &out) const
{
    out << m_index << m_idf;
}

bool Vectorizer::read(QDataStream &in)
{
    in >> m_index >> m_idf;
    if (in.status() != QDataStream::Ok || m_index.size() != m_idf.size())
        return false;
    for (int v : std::as_const(m_index))
        if (v < 0 || v >= m_idf.size())
            return false;
    return true;
}

// --- softmax head ---

static void softmaxInPlace(QVector<double> &z)
{
    const double m = *std::max_element(z.cbegin(), z.cend());
    double sum = 0;
    for (double &v : z) {
        v = std::exp(v - m);
        sum += v;
    }
    for (double &v : z)
        v /= sum;
}

// The probabilities of logits `z` at temperature `t`.
static QVector<double> softmaxAt(QVector<double> z, double t)
{
    for (double &v : z)
        v /= t;
    softmaxInPlace(z);
    return z;
}

void SoftmaxHead::train(const QList<SparseVector> &x, const QVector<int> &y,
                        const QVector<float> &w, const QStringList &labels, int features,
                        const Options &o)
{
    m_labels = labels;
    m_features = features;
    const int k = int(labels.size());
    const int d = features + 1;
    m_w.fill(0.0f, qsizetype(k) * d);
    m_temperature = 1.0;
    const int n = int(x.size());
    if (n == 0 || k < 2)
        return;
    const int epochs = o.epochs > 0 ? o.epochs : std::clamp(300000 / n, 4, 20);
    std::mt19937_64 rng(o.seed);
    QVector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // Weights are stored divided by `scale`, so the L2 shrink of every step is one multiply.
    double scale = 1.0;
    qint64 t = 0;
    QVector<double> z(k);
    for (int e = 0; e < epochs; ++e) {
        std::shuffle(order.begin(), order.end(), rng);
        for (int i : std::as_const(order)) {
            const double lr = o.learningRate / (1.0 + o.learningRate * o.l2 * double(t++));
            const SparseVector &xi = x[i];
            for (int c = 0; c < k; ++c) {
                const float *row = m_w.constData() + qsizetype(c) * d;
                double s = row[features];
                for (const auto &[j, v] : xi)
                    s += double(row[j]) * v;
                z[c] = s * scale;
            }
            softmaxInPlace(z);
            scale *= (1.0 - lr * o.l2);
            if (scale < 1e-6) {
                for (float &v : m_w)
                    v = float(v * scale);
                scale = 1.0;
            }
            for (int c = 0; c < k; ++c) {
                const double g = double(w[i]) * (z[c] - (c == y[i] ? 1.0 : 0.0));
                if (std::abs(g) < 1e-9)
                    continue;
                const float step = float(lr * g / scale);
                float *row = m_w.data() + qsizetype(c) * d;
                for (const auto &[j, v] : xi)
                    row[j] -= step * v;
                row[features] -= step;
            }
        }
    }
    for (float &v : m_w)
        v = float(v * scale);
}

QVector<double> SoftmaxHead::logits(const SparseVector &x) const
{
    const int k = int(m_labels.size());
    const int d = m_features + 1;
    QVector<double> z(k, 0.0);
    if (m_w.size() != qsizetype(k) * d)
        return z;
    for (int c = 0; c < k; ++c) {
        const float *row = m_w.constData() + qsizetype(c) * d;
        double s = row[m_features];
        for (const auto &[j, v] : x)
            if (j < m_features)
                s += double(row[j]) * v;
        z[c] = s;
    }
    return z;
}

void SoftmaxHead::calibrate(const QList<SparseVector> &x, const QVector<int> &y)
{
    if (x.isEmpty() || m_labels.size() < 2)
        return;
    QList<QVector<double>> zs;
    zs.reserve(x.size());
    for (const auto &xi : x)
        zs << logits(xi);
    double bestT = 1.0, bestLoss = std::numeric_limits<double>::infinity();
    for (int i = 0; i <= 80; ++i) {
        const double t = std::exp(std::log(0.1) + (std::log(10.0) - std::log(0.1)) * i / 80.0);
        double loss = 0;
        for (int n = 0; n < zs.size(); ++n)
            loss -= std::log(std::max(softmaxAt(zs[n], t)[y[n]], 1e-12));
        if (loss < bestLoss) {
            bestLoss = loss;
            bestT = t;
        }
    }
    m_temperature = bestT;

    // Platt scaling of the top label: fit sigmoid(a * logit(p_top) + b) to "was it right",
    // by Newton's method on the log loss with Platt's smoothed targets.
    QVector<double> s, t;
    int positives = 0;
    for (int n = 0; n < zs.size(); ++n) {
        const QVector<double> p = softmaxAt(zs[n], bestT);
        const auto top = int(std::max_element(p.cbegin(), p.cend()) - p.cbegin());
        const double q = std::clamp(p[top], 1e-6, 1.0 - 1e-6);
        s << std::log(q / (1.0 - q));
        const bool right = top == y[n];
        positives += right ? 1 : 0;
        t << (right ? 1.0 : 0.0);
    }
    const int negatives = int(s.size()) - positives;
    const double hi = (positives + 1.0) / (positives + 2.0), lo = 1.0 / (negatives + 2.0);
    for (double &v : t)
        v = v > 0.5 ? hi : lo;
    // A weak prior towards the identity (a = 1, b = 0) keeps the fit defined when the
    // held-out answers are all right (or all wrong).
    constexpr double prior = 1.0;
    double a = 1.0, b = 0.0;
    for (int it = 0; it < 100; ++it) {
        double ga = prior * (a - 1.0), gb = prior * b, haa = prior, hab = 0, hbb = prior;
        for (int n = 0; n < s.size(); ++n) {
            const double p = 1.0 / (1.0 + std::exp(-(a * s[n] + b)));
            const double d = p - t[n], w = p * (1.0 - p);
            ga += d * s[n];
            gb += d;
            haa += w * s[n] * s[n];
            hab += w * s[n];
            hbb += w;
        }
        const double det = haa * hbb - hab * hab;
        if (std::abs(det) < 1e-12)
            break;
        double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
        const double step = std::abs(da) + std::abs(db);
        if (step > 2.0) { // damped: the log loss is convex, but a full step can overshoot
            da *= 2.0 / step;
            db *= 2.0 / step;
        }
        a -= da;
        b -= db;
        if (std::abs(da) + std::abs(db) < 1e-9)
            break;
    }
    if (std::isfinite(a) && std::isfinite(b)) {
        m_plattA = a;
        m_plattB = b;
    }
}

double SoftmaxHead::confidence(double p) const
{
    const double q = std::clamp(p, 1e-6, 1.0 - 1e-6);
    return 1.0 / (1.0 + std::exp(-(m_plattA * std::log(q / (1.0 - q)) + m_plattB)));
}

QVector<double> SoftmaxHead::probabilities(const SparseVector &x) const
{
    const QVector<double> z = logits(x);
    return z.isEmpty() ? z : softmaxAt(z, m_temperature);
}

FieldSuggestion SoftmaxHead::predict(const SparseVector &x) const
{
    const QVector<double> p = probabilities(x);
    if (p.isEmpty())
        return {};
    const auto best = int(std::max_element(p.cbegin(), p.cend()) - p.cbegin());
    return FieldSuggestion{m_labels[best], confidence(p[best])};
}

void SoftmaxHead::write(QDataStream &out) const
{
    out << m_labels << qint32(m_features) << m_w << m_temperature << m_plattA << m_plattB;
}

bool SoftmaxHead::read(QDataStream &in)
{
    qint32 f = 0;
    in >> m_labels >> f >> m_w >> m_temperature >> m_plattA >> m_plattB;
    m_features = f;
    // A damaged model must not give NaN confidences: every number is finite.
    const bool finite =
        std::isfinite(m_temperature) && std::isfinite(m_plattA) && std::isfinite(m_plattB) &&
        std::all_of(m_w.cbegin(), m_w.cend(), [](float w) { return std::isfinite(w); });
    return in.status() == QDataStream::Ok && f >= 0 &&
           m_w.size() == qsizetype(m_labels.size()) * (f + 1) && m_temperature > 0 && finite;
}

// --- metrics ---

double expectedCalibrationError(const QVector<double> &confidence, const QVector<bool> &correct,
                                int bins)
{
    if (confidence.isEmpty() || bins < 1)
        return 0;
    QVector<double> sumConf(bins, 0), sumAcc(bins, 0);
    QVector<int> count(bins, 0);
    for (int i = 0; i < confidence.size(); ++i) {
        const int b = std::clamp(int(confidence[i] * bins), 0, bins - 1);
        sumConf[b] += confidence[i];
        sumAcc[b] += correct[i] ? 1.0 : 0.0;
        ++count[b];
    }
    double ece = 0;
    for (int b = 0; b < bins; ++b)
        if (count[b] > 0)
            ece += std::abs(sumAcc[b] - sumConf[b]) / double(confidence.size());
    return ece;
}

// --- model ---

Result<TriageModel> TriageModel::train(const QList<Example> &examples, const TrainOptions &o)
{
    using R = Result<TriageModel>;
    int withCategory = 0;
    for (const auto &e : examples)
        if (!e.labels.value(QStringLiteral("category")).isEmpty())
            ++withCategory;
    if (withCategory < o.minExamples)
        return R::fail(QStringLiteral("not enough data: %1 resolved incident(s) with a category, "
                                      "at least %2 needed to train")
                           .arg(withCategory)
                           .arg(o.minExamples),
                       QStringLiteral("not_enough_data"));

    TriageModel m;
    QList<QStringList> docs;
    docs.reserve(examples.size());
    for (const auto &e : examples)
        docs << featureTerms(e.input);
    m.m_vectorizer.fit(docs, examples.size() >= 200 ? 2 : 1, o.maxFeatures);
    QList<SparseVector> x;
    x.reserve(docs.size());
    for (const auto &d : docs)
        x << m.m_vectorizer.transform(d);

    // One shuffled split, shared by all fields: most to fit, the rest to calibrate.
    std::mt19937_64 rng(o.seed);
    QVector<int> order(int(examples.size()));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const int calibN =
        examples.size() >= 100 ? int(double(examples.size()) * o.calibrationShare) : 0;
    QSet<int> calibSet(order.cbegin(), order.cbegin() + calibN);

    for (const QString &field : suggestedFields()) {
        QHash<QString, double> freq;
        for (const auto &e : examples) {
            const QString l = e.labels.value(field);
            if (!l.isEmpty())
                freq[l] += e.weight;
        }
        if (freq.size() < 2)
            continue;
        QStringList labels = freq.keys();
        labels.sort();
        m.majority.insert(field, *std::max_element(labels.cbegin(), labels.cend(),
                                                   [&](const QString &a, const QString &b) {
                                                       return freq[a] != freq[b] ? freq[a] < freq[b]
                                                                                 : a > b;
                                                   }));
        QHash<QString, int> idx;
        for (int i = 0; i < labels.size(); ++i)
            idx.insert(labels[i], i);
        QList<SparseVector> fx, cx;
        QVector<int> fy, cy;
        QVector<float> fw;
        for (int i = 0; i < examples.size(); ++i) {
            const QString l = examples[i].labels.value(field);
            if (l.isEmpty())
                continue;
            if (calibSet.contains(i)) {
                cx << x[i];
                cy << idx[l];
            } else {
                fx << x[i];
                fy << idx[l];
                fw << float(examples[i].weight);
            }
        }
        SoftmaxHead h;
        SoftmaxHead::Options ho = o.head;
        ho.seed = o.seed ^ qHash(field);
        h.train(fx, fy, fw, labels, m.m_vectorizer.size(), ho);
        h.calibrate(cx, cy);
        m.m_heads.insert(field, h);
    }
    m.trainedOn = int(examples.size());
    return m;
}

const SoftmaxHead *TriageModel::head(const QString &field) const
{
    const auto it = m_heads.constFind(field);
    return it == m_heads.cend() ? nullptr : &*it;
}

QHash<QString, FieldSuggestion> TriageModel::predict(const TriageInput &input) const
{
    QHash<QString, FieldSuggestion> out;
    const SparseVector x = m_vectorizer.transform(featureTerms(input));
    for (auto it = m_heads.cbegin(); it != m_heads.cend(); ++it)
        out.insert(it.key(), it->predict(x));
    return out;
}

QHash<QString, QVector<double>> TriageModel::probabilities(const TriageInput &input) const
{
    QHash<QString, QVector<double>> out;
    const SparseVector x = m_vectorizer.transform(featureTerms(input));
    for (auto it = m_heads.cbegin(); it != m_heads.cend(); ++it)
        out.insert(it.key(), it->probabilities(x));
    return out;
}

QHash<QString, FieldMetrics> TriageModel::evaluate(const QList<Example> &test) const
{
    QHash<QString, FieldMetrics> out;
    QHash<QString, QVector<double>> conf;
    QHash<QString, QVector<bool>> correct;
    QHash<QString, int> majorityHits;
    for (const auto &e : test) {
        const auto pred = predict(e.input);
        for (auto it = pred.cbegin(); it != pred.cend(); ++it) {
            const QString truth = e.labels.value(it.key());
            if (truth.isEmpty())
                continue;
            conf[it.key()] << it->confidence;
            correct[it.key()] << (it->value == truth);
            if (majority.value(it.key()) == truth)
                ++majorityHits[it.key()];
        }
    }
    for (auto it = conf.cbegin(); it != conf.cend(); ++it) {
        FieldMetrics fm;
        const auto &c = correct[it.key()];
        fm.n = int(c.size());
        fm.accuracy = double(std::count(c.cbegin(), c.cend(), true)) / fm.n;
        fm.majorityLabel = majority.value(it.key());
        fm.majorityBaseline = double(majorityHits.value(it.key())) / fm.n;
        fm.ece = expectedCalibrationError(*it, c, 10);
        out.insert(it.key(), fm);
    }
    return out;
}

static constexpr quint32 kMagic = 0x53545247; // "STRG"
static constexpr quint32 kFormat = 2;

QByteArray TriageModel::serialize() const
{
    QByteArray raw;
    QDataStream out(&raw, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << kMagic << kFormat << qint64(version) << qint32(trainedOn) << majority;
    m_vectorizer.write(out);
    out << qint32(m_heads.size());
    QStringList names = m_heads.keys();
    names.sort();
    for (const auto &n : names) {
        out << n;
        m_heads[n].write(out);
    }
    return qCompress(raw, 6);
}

Result<TriageModel> TriageModel::deserialize(const QByteArray &data)
{
    using R = Result<TriageModel>;
    const QByteArray raw = qUncompress(data);
    if (raw.isEmpty())
        return R::fail(QStringLiteral("the stored triage model is damaged (cannot decompress)"),
                       QStringLiteral("corrupt"));
    QDataStream in(raw);
    in.setVersion(QDataStream::Qt_6_4);
    quint32 magic = 0, format = 0;
    qint64 version = 0;
    qint32 trained = 0, heads = 0;
    TriageModel m;
    in >> magic >> format;
    if (magic != kMagic || format != kFormat)
        return R::fail(QStringLiteral("the stored triage model has an unknown format"),
                       QStringLiteral("corrupt"));
    in >> version >> trained >> m.majority;
    if (!m.m_vectorizer.read(in))
        return R::fail(QStringLiteral("the stored triage model is damaged (vocabulary)"),
                       QStringLiteral("corrupt"));
    in >> heads;
    if (in.status() != QDataStream::Ok || heads < 0 || heads > 16)
        return R::fail(QStringLiteral("the stored triage model is damaged (fields)"),
                       QStringLiteral("corrupt"));
    for (int i = 0; i < heads; ++i) {
        QString name;
        in >> name;
        SoftmaxHead h;
        if (!h.read(in))
            return R::fail(
                QStringLiteral("the stored triage model is damaged (field %1)").arg(name),
                QStringLiteral("corrupt"));
        m.m_heads.insert(name, h);
    }
    m.version = version;
    m.trainedOn = trained;
    return m;
}

} // namespace sitrep::triage
