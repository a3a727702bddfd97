// SPDX-License-Identifier: MIT
#include "triage/triageservice.h"

#include "engine/lifecycleengine.h"
#include "store/store.h"
#include "triage/logging.h"
#include "triage/remoteprovider.h"

#include <QPointer>

namespace sitrep::triage {

using namespace sitrep::domain;

/// What a background load or training run hands back to the service's thread.
struct TriageService::Loaded {
    std::optional<StoredModel> stored;    // the newest saved model (load)
    std::shared_ptr<TriageModel> trained; // a new model to save, when one was trained
    TrainingState state;
    std::shared_ptr<const ArticleIndex> kb;
    QString error;      // the load failed
    QString trainError; // training was due but failed (e.g. not enough data)
    bool trainingDue = false;
};

TriageService::TriageService(engine::LifecycleEngine &engine, QObject *parent)
    : QObject(parent), m_engine(engine)
{
    // One worker: suggestions and training never compete for the two cores of a small box,
    // and suggestions are recorded in the order incidents arrived.
    m_pool.setMaxThreadCount(1);
}

TriageService::~TriageService()
{
    m_pool.waitForDone();
}

void TriageService::start()
{
    if (m_started)
        return;
    m_started = true;
    m_settings = TriageSettings::fromStore(m_engine.store());
    if (!m_settings.providerUrl.isEmpty())
        m_remote = new RemoteProvider(m_settings.providerUrl, 10000, this);
    QPointer<TriageService> self(this);
    // Runs inside the engine's transaction: only note what happened, do the work after COMMIT.
    m_engine.addCommitHook([self](store::Store &, const QList<Event> &events) -> Status {
        if (!self)
            return {};
        for (const auto &e : events) {
            if (e.kind == kinds::Opened)
                self->m_newIncidents << e.incidentUid;
            else if (e.kind == kinds::Transitioned || e.kind == AcceptedKind ||
                     e.kind == RejectedKind)
                ++self->m_changesSinceCheck;
        }
        return {};
    });
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this, &TriageService::afterCommit);
    startTraining(false);
}

void TriageService::afterCommit()
{
    const QStringList fresh = std::exchange(m_newIncidents, {});
    if (m_settings.automatic)
        for (const QString &uid : fresh)
            suggest(uid);
    if (m_changesSinceCheck >= std::min(m_settings.retrainAfter, m_settings.feedbackRetrainAfter) &&
        !m_training) {
        m_changesSinceCheck = 0;
        startTraining(false);
    }
}

void TriageService::suggest(const QString &uid)
{
    if (m_inFlight.contains(uid))
        return;
    const auto inc = m_engine.store().incidentByUid(uid);
    if (!inc) // the transaction that opened it was rolled back
        return;
    if (m_remote) {
        m_inFlight.insert(uid);
        ++m_jobs;
        m_remote->suggest(*inc, [this, uid](Result<TriageResult> r) {
            m_inFlight.remove(uid);
            --m_jobs;
            if (!r) {
                qCWarning(lcTriage) << "remote triage failed for" << uid << r.errorMessage();
                Q_EMIT suggestionFailed(uid, r.errorMessage());
                return;
            }
            if (auto s = recordSuggestion(m_engine, *r); !s)
                Q_EMIT suggestionFailed(uid, s.errorMessage());
            else
                Q_EMIT suggestionRecorded(uid);
        });
        return;
    }
    if (!m_loaded) {
        if (!m_waiting.contains(uid))
            m_waiting << uid;
        return;
    }
    if (!m_model) {
        Q_EMIT suggestionFailed(uid,
                                QStringLiteral("not enough data to suggest yet: no triage model "
                                               "(resolve more incidents, or sitrep triage train)"));
        return;
    }
    m_inFlight.insert(uid);
    ++m_jobs;
    auto model = m_model;
    auto kb = m_kb;
    Incident incident = *inc;
    m_engine.store().loadAlerts(incident);
    m_pool.start([this, model, kb, incident] {
        TriageResult r = suggestLocally(*model, kb.get(), incident);
        QMetaObject::invokeMethod(
            this,
            [this, r] {
                m_inFlight.remove(r.incidentUid);
                --m_jobs;
                if (auto s = recordSuggestion(m_engine, r); !s)
                    Q_EMIT suggestionFailed(r.incidentUid, s.errorMessage());
                else
                    Q_EMIT suggestionRecorded(r.incidentUid);
            },
            Qt::QueuedConnection);
    });
}

void TriageService::retrain()
{
    startTraining(true);
}

void TriageService::startTraining(bool force)
{
    if (m_training)
        return;
    m_training = true;
    const QString path = m_engine.store().path();
    const TriageSettings settings = m_settings;
    const bool load = !m_loaded;
    const std::optional<StoredModel> saved = m_stored;
    m_pool.start([this, path, settings, force, load, saved] {
        auto out = std::make_shared<Loaded>();
        store::Store ro;
        if (auto s = ro.openReadOnly(path); !s) {
            out->error = s.errorMessage();
        } else {
            std::optional<StoredModel> current = saved;
            if (load) {
                auto l = loadLatestModel(ro);
                if (!l)
                    out->error = l.errorMessage();
                else
                    current = *l;
                out->stored = current;
            }
            auto st = trainingState(ro);
            if (!st) {
                out->error = st.errorMessage();
            } else if (out->error.isEmpty()) {
                out->state = *st;
                out->trainingDue = force || retrainDue(current, *st, settings);
                if (out->trainingDue) {
                    auto ex = collectExamples(ro, settings, &out->state);
                    auto m = ex ? TriageModel::train(*ex) : Result<TriageModel>(ex.error());
                    if (m)
                        out->trained = std::make_shared<TriageModel>(std::move(*m));
                    else
                        out->trainError = m.errorMessage();
                }
                // Resolution notes change with the data the model learns from: rebuild both.
                if (load || out->trained) {
                    auto kb = buildKnowledgeBase(ro, settings);
                    if (kb)
                        out->kb = std::make_shared<const ArticleIndex>(std::move(*kb));
                    else
                        out->error = kb.errorMessage();
                }
            }
        }
        QMetaObject::invokeMethod(
            this, [this, out, force] { finishTraining(out, force); }, Qt::QueuedConnection);
    });
}

void TriageService::finishTraining(std::shared_ptr<Loaded> loaded, bool force)
{
    m_training = false;
    const bool firstLoad = !m_loaded;
    if (!loaded->error.isEmpty()) {
        qCWarning(lcTriage) << "triage model load failed:" << loaded->error;
        Q_EMIT trainingFailed(loaded->error);
    }
    if (firstLoad && loaded->stored) {
        m_stored = loaded->stored;
        m_model = loaded->stored->model;
    }
    if (loaded->kb)
        m_kb = loaded->kb;
    if (loaded->trained) {
        if (auto s = saveModel(m_engine.store(), *loaded->trained, loaded->state,
                               m_engine.clock().nowMs());
            !s) {
            qCWarning(lcTriage) << "cannot save the triage model:" << s.errorMessage();
            Q_EMIT trainingFailed(s.errorMessage());
        } else {
            StoredModel sm;
            sm.model = loaded->trained;
            sm.trainedAt = loaded->state;
            sm.createdAt = m_engine.clock().nowMs();
            m_stored = sm;
            m_model = loaded->trained;
            Q_EMIT modelTrained(loaded->trained->version);
        }
    } else if (!loaded->trainError.isEmpty() && (force || firstLoad)) {
        Q_EMIT trainingFailed(loaded->trainError);
    }
    if (firstLoad) {
        m_loaded = true;
        Q_EMIT ready();
        drainPending();
    }
}

void TriageService::drainPending()
{
    const QStringList waiting = std::exchange(m_waiting, {});
    for (const QString &uid : waiting)
        suggest(uid);
}

} // namespace sitrep::triage
