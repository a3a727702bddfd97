// SPDX-License-Identifier: MIT
#include "postmortem/automation.h"

#include "engine/lifecycleengine.h"
#include "postmortem/ics.h"
#include "postmortem/logging.h"
#include "postmortem/postmortemstore.h"

#include <QDir>
#include <QSaveFile>

namespace sitrep::postmortem {

PostmortemAutomation::PostmortemAutomation(engine::LifecycleEngine &engine, PostmortemStore &store,
                                           QObject *parent)
    : QObject(parent), m_engine(engine), m_store(store)
{
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this,
            &PostmortemAutomation::onEventsAppended);
}

PostmortemAutomation::PostmortemAutomation(engine::LifecycleEngine &engine, QObject *parent)
    : QObject(parent), m_engine(engine), m_owned(std::make_unique<PostmortemStore>(engine)),
      m_store(*m_owned)
{
    m_template = effectiveTemplate(engine.store().meta(TemplateMetaKey));
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this,
            &PostmortemAutomation::onEventsAppended);
}

PostmortemAutomation::~PostmortemAutomation() = default;

void PostmortemAutomation::onEventsAppended(const QStringList &, const QStringList &incidentUids)
{
    // Opening a document records an event, which comes back here: do not nest.
    if (m_busy)
        return;
    m_busy = true;
    for (const QString &uid : incidentUids) {
        auto inc = m_engine.store().incidentByUid(uid);
        if (!inc || !inc->extra.contains(u"postmortem") || m_store.document(uid))
            continue;
        auto d = m_store.ensureDocument(uid, engine::SystemActor, m_template);
        if (!d) {
            qCWarning(lcPostmortem).noquote()
                << "cannot open the postmortem of" << inc->number << d.errorMessage();
            continue;
        }
        if (!m_icsFolder.isEmpty()) {
            QDir().mkpath(m_icsFolder);
            QSaveFile f(QDir(m_icsFolder).filePath(inc->number + QStringLiteral("-review.ics")));
            if (f.open(QIODevice::WriteOnly)) {
                f.write(toIcs(reviewInvitation(*d, *inc, m_engine.clock().nowMs(), m_mailDomain)));
                if (!f.commit())
                    qCWarning(lcPostmortem).noquote() << "cannot write" << f.fileName();
            }
        }
        Q_EMIT documentCreated(uid);
    }
    m_busy = false;
}

} // namespace sitrep::postmortem
