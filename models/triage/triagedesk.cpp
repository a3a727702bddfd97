// SPDX-License-Identifier: MIT
#include "triage/triagedesk.h"

#include "engine/lifecycleengine.h"
#include "store/store.h"
#include "triage/remoteprovider.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QPointer>
#include <QThread>

namespace sitrep::triage {

TriageDesk::TriageDesk(engine::LifecycleEngine &engine, QObject *parent)
    : QObject(parent), m_engine(engine)
{
}

std::optional<SuggestionState> TriageDesk::latest(const QString &incidentUid)
{
    return latestSuggestion(m_engine.store().timeline(incidentUid));
}

Result<KbDocument> TriageDesk::article(const QString &id)
{
    const TriageSettings settings = TriageSettings::fromStore(m_engine.store());
    return loadArticle(m_engine.store(), id, settings.kbDir);
}

bool TriageDesk::suggest(const QString &incidentUid, Done done)
{
    const auto inc = m_engine.store().incidentByUid(incidentUid);
    if (!inc)
        return false;
    const TriageSettings settings = TriageSettings::fromStore(m_engine.store());
    if (!settings.providerUrl.isEmpty()) {
        auto *remote = new RemoteProvider(settings.providerUrl, 10000, this);
        remote->suggest(*inc, [remote, done = std::move(done)](Result<TriageResult> r) {
            remote->deleteLater();
            done(r);
        });
        return true;
    }
    // Loading the model and indexing the knowledge base reads the whole cache: never on
    // the GUI thread. The worker uses its own read-only connection.
    const QString path = m_engine.store().path();
    const domain::Incident incident = *inc;
    QPointer<TriageDesk> self(this);
    QThread *t = QThread::create([path, incident, settings, self, done = std::move(done)] {
        store::Store ro;
        Result<TriageResult> r =
            Result<TriageResult>::fail(QStringLiteral("cannot read the database"));
        if (auto s = ro.openReadOnly(path); !s)
            r = Result<TriageResult>::fail(s.errorMessage());
        else
            r = suggestOnce(ro, incident, settings, false, QDateTime::currentMSecsSinceEpoch());
        // Checked on the application's thread: this object may be gone by then. From there
        // `done` runs on this object's thread (the same one, for a desk of the window).
        QMetaObject::invokeMethod(
            qApp,
            [self, r, done] {
                if (!self)
                    return;
                if (self->thread() == QThread::currentThread())
                    return done(r);
                QMetaObject::invokeMethod(
                    self.data(), [r, done] { done(r); }, Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    });
    connect(t, &QThread::finished, t, &QObject::deleteLater);
    t->start();
    return true;
}

} // namespace sitrep::triage
