// SPDX-License-Identifier: MIT
#pragma once

#include "triage/triagestore.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QThreadPool>

#include <memory>
#include <optional>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::triage {

class RemoteProvider;

/// Suggests triage for every new incident and keeps the model fresh. It watches the
/// engine's commits (window, `sitrep serve` ingestion, anything on the same engine): a new
/// incident is queued in the commit hook, suggested on a worker thread after the commit,
/// and the suggestion recorded as `triage.suggested` through the engine. Training and the
/// knowledge-base build also run on the worker, reading through their own connection;
/// the model is saved back on this object's thread. A retrain starts when enough new
/// resolved incidents or feedback arrived (TriageSettings).
class TriageService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriageService)
public:
    explicit TriageService(engine::LifecycleEngine &engine, QObject *parent = nullptr);
    ~TriageService() override;

    /// Reads the settings, loads the newest model and builds the knowledge base (in the
    /// background), then trains if that is due.
    void start();
    /// Suggests for one incident now (background) and records it.
    void suggest(const QString &incidentUid);
    /// Trains a new model in the background (even if not due).
    void retrain();

    std::shared_ptr<const TriageModel> model() const { return m_model; }
    bool busy() const { return m_jobs > 0 || m_training; }
    const TriageSettings &settings() const { return m_settings; }

Q_SIGNALS:
    void ready();
    void suggestionRecorded(const QString &incidentUid);
    void suggestionFailed(const QString &incidentUid, const QString &message);
    void modelTrained(qint64 version);
    void trainingFailed(const QString &message);

private:
    struct Loaded;
    void afterCommit();
    void startTraining(bool force);
    void finishTraining(std::shared_ptr<Loaded> loaded, bool force);
    void drainPending();

    engine::LifecycleEngine &m_engine;
    TriageSettings m_settings;
    QThreadPool m_pool;
    std::shared_ptr<const TriageModel> m_model;
    std::shared_ptr<const ArticleIndex> m_kb;
    std::optional<StoredModel> m_stored;
    RemoteProvider *m_remote = nullptr;
    QStringList m_newIncidents; // from the commit hook, not yet suggested
    QStringList m_waiting;      // queued before the model was loaded
    QSet<QString> m_inFlight;
    int m_changesSinceCheck = 0; // transitions and feedback seen since the last due check
    int m_jobs = 0;
    bool m_started = false;
    bool m_loaded = false;
    bool m_training = false;
};

} // namespace sitrep::triage
