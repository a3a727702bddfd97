// SPDX-License-Identifier: MIT
#include "engine/wakeup.h"

#include "engine/lifecycleengine.h"

#include <QTimer>

namespace sitrep::engine {

Wakeup::Wakeup(LifecycleEngine &engine, QObject *owner, std::function<void()> kick)
    : m_engine(engine), m_owner(owner), m_kick(std::move(kick))
{
}

void Wakeup::start(int intervalMs)
{
    if (m_running)
        return;
    m_running = true;
    m_onCommit = QObject::connect(&m_engine, &LifecycleEngine::eventsAppended, m_owner,
                                  [this] { m_kick(); });
    if (!m_timer) {
        m_timer = new QTimer(m_owner);
        QObject::connect(m_timer, &QTimer::timeout, m_owner, [this] { m_kick(); });
    }
    m_timer->start(intervalMs);
    m_kick();
}

void Wakeup::stop()
{
    m_running = false;
    QObject::disconnect(m_onCommit);
    if (m_timer)
        m_timer->stop();
}

} // namespace sitrep::engine
