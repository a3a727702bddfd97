// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "triage/articleindex.h"
#include "triage/classifier.h"
#include "triage/triageresult.h"
#include "util/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace sitrep::store {
class Store;
}
namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::triage {

/// Per-database triage settings (`sitrep config set triage.* ...`).
struct TriageSettings {
    QString kbDir;                // triage.kb_dir: folder of Markdown articles
    QUrl providerUrl;             // triage.provider_url: remote provider instead of the local model
    bool automatic = true;        // triage.auto: suggest for every new incident (on | off)
    int retrainAfter = 50;        // triage.retrain_after: new resolved incidents before retraining
    int feedbackRetrainAfter = 5; // new feedback events before retraining
    double feedbackWeight = 3.0;  // weight of a feedback exemplar against one resolved incident
    int maxExamples = 200000;     // newest resolved incidents used for training

    static TriageSettings fromStore(store::Store &store);
};

/// The settable keys with a line of help each, for `sitrep config`.
const QList<QPair<QString, QString>> &settingKeys();
/// Checks a value before `sitrep config set` stores it. An empty kb_dir or provider_url
/// clears it (back to no folder / the local model).
Status validateSetting(const QString &key, const QString &value);

/// What the cache holds for training, to decide whether a retrain is due.
struct TrainingState {
    qint64 resolved = 0;      // resolved incidents
    qint64 feedbackSeq = 0;   // seq of the newest feedback event
    qint64 feedbackCount = 0; // feedback events
};

/// A saved model and what it was trained on.
struct StoredModel {
    std::shared_ptr<const TriageModel> model;
    TrainingState trainedAt;
    qint64 createdAt = 0;
};

/// Training data from the store: every resolved incident with its labels (weight 1), then
/// one exemplar per incident that got feedback, labelled with the accepted value or the
/// correction (weight settings.feedbackWeight; the newest feedback per field wins).
Result<QList<Example>> collectExamples(store::Store &store, const TriageSettings &settings,
                                       TrainingState *state = nullptr);
Result<TrainingState> trainingState(store::Store &store);
/// True when there is no model yet (and enough data), or enough new resolved incidents or
/// feedback since the saved one.
bool retrainDue(const std::optional<StoredModel> &current, const TrainingState &now,
                const TriageSettings &settings);

/// Saves a new version (numbered after the newest; the last five are kept) and sets
/// model.version.
Status saveModel(store::Store &store, TriageModel &model, const TrainingState &state, qint64 now);
/// The newest saved model; empty when none was trained yet.
Result<std::optional<StoredModel>> loadLatestModel(store::Store &store);
/// Trains on the store's data and saves the result.
Result<StoredModel> trainAndSave(store::Store &store, const TriageSettings &settings, qint64 now);

/// Builds a knowledge base from the store, the runbooks and settings.kbDir.
Result<ArticleIndex> buildKnowledgeBase(store::Store &store, const TriageSettings &settings,
                                        QStringList *warnings = nullptr);

/// The local provider: classifier fields plus knowledge-base articles and the top
/// article's resolution as the suggested resolution.
TriageResult suggestLocally(const TriageModel &model, const ArticleIndex *kb,
                            const domain::Incident &incident);
/// Loads the newest model (training one first when there is none and `trainIfMissing`),
/// builds the knowledge base and suggests. "not_enough_data" when nothing can be trained.
Result<TriageResult> suggestOnce(store::Store &store, const domain::Incident &incident,
                                 const TriageSettings &settings, bool trainIfMissing, qint64 now);

/// One field's accept or reject.
struct FieldFeedback {
    QString field;
    bool accepted = false;
    QString value;     // the suggested value
    QString corrected; // the right value, when rejecting with a correction
};

/// Records feedback as `triage.accepted` / `triage.rejected` events (payload {"field",
/// "value", "corrected" (rejections with a correction), "model_version"}) and sets each
/// accepted value, or correction, on the incident through the engine, in one batch. Bad
/// input (unknown field, empty value, invalid priority) is refused before anything is written.
Status recordFeedback(engine::LifecycleEngine &engine, const QString &incident,
                      const QList<FieldFeedback> &feedback, const QString &modelVersion,
                      const QString &actor);
/// Records a suggestion on the timeline as `triage.suggested`.
Status recordSuggestion(engine::LifecycleEngine &engine, const TriageResult &result,
                        const QString &actor = QStringLiteral("triage"));

/// The newest suggestion of a timeline and what happened to each field since.
struct SuggestionState {
    TriageResult result;
    qint64 at = 0;
    QString eventId;
    QHash<QString, QString> decisions; // field -> "accepted" | "rejected"
};
std::optional<SuggestionState> latestSuggestion(const QList<domain::Event> &timeline);

} // namespace sitrep::triage
