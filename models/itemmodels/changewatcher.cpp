// SPDX-License-Identifier: MIT
#include "itemmodels/changewatcher.h"

#include "engine/lifecycleengine.h"

namespace sitrep::itemmodels {

ChangeWatcher::ChangeWatcher(engine::LifecycleEngine &engine, int pollMs, QObject *parent)
    : QObject(parent), m_engine(engine)
{
    m_lastSeq = m_engine.store().maxSeq();
    m_dataVersion = m_engine.store().dataVersion();
    m_timer.setInterval(pollMs);
    connect(&m_timer, &QTimer::timeout, this, &ChangeWatcher::poll);
    // Own writes do not move data_version on this connection: listen for them directly,
    // after the current event is done (the engine emits from inside execute()).
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this, &ChangeWatcher::poll,
            Qt::QueuedConnection);
    m_timer.start();
}

void ChangeWatcher::poll()
{
    auto &store = m_engine.store();
    const qint64 dv = store.dataVersion();
    const qint64 top = store.maxSeq();
    if (top <= m_lastSeq) {
        m_dataVersion = dv;
        return;
    }
    m_dataVersion = dv;
    QList<domain::Event> all;
    QSet<QString> uids;
    // A bounded read per tick: a bulk import far away is summarised by its last batch.
    const QList<domain::Event> batch = store.eventsAfter(m_lastSeq, 2000);
    for (const auto &e : batch)
        uids.insert(e.incidentUid);
    all = batch;
    m_lastSeq = batch.isEmpty() ? top : batch.last().seq;
    if (batch.size() == 2000)
        m_lastSeq = top; // skip the rest: the list refreshes as a whole anyway
    if (!all.isEmpty())
        Q_EMIT eventsArrived(all, uids);
}

} // namespace sitrep::itemmodels
