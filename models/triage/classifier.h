// SPDX-License-Identifier: MIT
#pragma once

#include "triage/triageresult.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>

namespace sitrep::triage {

/// Words of a text, lower case, without stop words, lightly stemmed ("timeouts" and
/// "timed" -> "timeout"/"tim"), so paraphrases share features.
QStringList tokenize(const QString &text);

/// The feature terms of an incident: title words (counted twice), description words,
/// title bigrams, and tagged context terms (svc:, alert:, sev:, impact:, urgency:).
QStringList featureTerms(const TriageInput &input);

/// One labelled incident for training: labels by field name, a weight (feedback exemplars
/// weigh more than plain history).
struct Example {
    TriageInput input;
    QHash<QString, QString> labels;
    double weight = 1.0;
};

/// A sparse, L2-normalised TF-IDF vector: (feature index, value) pairs.
using SparseVector = QVector<QPair<int, float>>;

/// TF-IDF over a vocabulary learned from the training set (terms in at least `minDf`
/// documents, at most `maxFeatures` of the most frequent).
class Vectorizer {
public:
    void fit(const QList<QStringList> &documents, int minDf, int maxFeatures);
    SparseVector transform(const QStringList &terms) const;
    int size() const { return int(m_idf.size()); }
    void write(QDataStream &out) const;
    bool read(QDataStream &in);

private:
    QHash<QString, int> m_index;
    QVector<float> m_idf;
};

/// Multinomial logistic regression for one field. Calibrated on a held-out part of the
/// training data in two steps: a temperature for the class probabilities (log loss), then
/// Platt scaling of the top label's probability, so the confidence of a suggestion matches
/// how often such suggestions are right (a single temperature cannot fix a model that is
/// too sure of some inputs and too unsure of others).
class SoftmaxHead {
public:
    struct Options {
        int epochs = 0; // 0: chosen from the data size
        double learningRate = 0.5;
        double l2 = 3e-4;
        quint64 seed = 42;
    };
    /// Trains on (x, label index, weight). `labels` names the classes.
    void train(const QList<SparseVector> &x, const QVector<int> &y, const QVector<float> &w,
               const QStringList &labels, int features, const Options &options);
    /// Fits the temperature, then the confidence mapping, on held-out (x, y).
    void calibrate(const QList<SparseVector> &x, const QVector<int> &y);
    /// The calibrated confidence of a top-label probability.
    double confidence(double topProbability) const;
    /// Calibrated class probabilities.
    QVector<double> probabilities(const SparseVector &x) const;
    FieldSuggestion predict(const SparseVector &x) const;

    const QStringList &labels() const { return m_labels; }
    double temperature() const { return m_temperature; }
    void write(QDataStream &out) const;
    bool read(QDataStream &in);

private:
    QVector<double> logits(const SparseVector &x) const;

    QStringList m_labels;
    int m_features = 0;
    QVector<float> m_w; // class-major: m_w[k * (features + 1) + j], bias at j = features
    double m_temperature = 1.0;
    double m_plattA = 1.0, m_plattB = 0.0; // confidence = sigmoid(a * logit(p) + b)
};

/// Quality of one field on a test set.
struct FieldMetrics {
    int n = 0;
    double accuracy = 0;
    double majorityBaseline =
        0; // accuracy of always answering the training set's most common label
    QString majorityLabel;
    double ece = 0; // expected calibration error, 10 equal-width bins
};

/// Expected calibration error of (confidence, correct) pairs over `bins` equal-width bins.
double expectedCalibrationError(const QVector<double> &confidence, const QVector<bool> &correct,
                                int bins = 10);

/// The trained classifier: one vectorizer shared by one softmax head per field.
class TriageModel {
public:
    struct TrainOptions {
        int minExamples = 20; // fewer labelled incidents: "not enough data"
        double calibrationShare = 0.15;
        int maxFeatures = 50000;
        quint64 seed = 42;
        SoftmaxHead::Options head;
    };
    /// Trains every field that has at least two labels among the examples. Fails with
    /// code "not_enough_data" when fewer than minExamples carry a category.
    static Result<TriageModel> train(const QList<Example> &examples, const TrainOptions &options);
    static Result<TriageModel> train(const QList<Example> &examples)
    {
        return train(examples, TrainOptions{});
    }

    /// Suggestions for the fields this model knows.
    QHash<QString, FieldSuggestion> predict(const TriageInput &input) const;
    /// Per-field probabilities of every label (for evaluation and tests).
    QHash<QString, QVector<double>> probabilities(const TriageInput &input) const;
    const SoftmaxHead *head(const QString &field) const;

    /// Accuracy, majority baseline and ECE per field on labelled test examples.
    QHash<QString, FieldMetrics> evaluate(const QList<Example> &test) const;

    QByteArray serialize() const;
    static Result<TriageModel> deserialize(const QByteArray &data);

    qint64 version = 0;               // set when saved
    int trainedOn = 0;                // examples used
    QHash<QString, QString> majority; // most common label per field in the training set

private:
    Vectorizer m_vectorizer;
    QHash<QString, SoftmaxHead> m_heads;
};

} // namespace sitrep::triage
