// SPDX-License-Identifier: MIT
#include "runbooks/escalationtimer.h"

#include "engine/lifecycleengine.h"
#include "runbooks/logging.h"

#include <QTimer>

namespace sitrep::runbooks {

EscalationTimer::EscalationTimer(engine::LifecycleEngine &engine, const engine::Clock &clock,
                                 QObject *parent)
    : QObject(parent), m_engine(engine), m_clock(clock)
{
    m_library.load(RunbookLibrary::defaultFolders(
        RunbookLibrary::userFolder(engine.store().meta(QStringLiteral("runbooks.folder")))));
    m_scheduler = std::make_unique<EscalationScheduler>(engine, m_library, clock);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        tickNow();
        schedule();
    });
}

EscalationTimer::~EscalationTimer() = default;

void EscalationTimer::start()
{
    tickNow();
    schedule();
}

void EscalationTimer::stop()
{
    m_timer->stop();
}

int EscalationTimer::tickNow()
{
    auto n = m_scheduler->tick();
    if (!n) {
        qCWarning(lcRunbooks).noquote() << "escalation tick failed:" << n.errorMessage();
        return 0;
    }
    if (*n > 0)
        Q_EMIT escalated(*n);
    return *n;
}

void EscalationTimer::schedule()
{
    qint64 wait = 60 * 1000;
    if (const qint64 next = m_scheduler->nextDueAt(); next > 0)
        wait = qBound<qint64>(0, next - m_clock.nowMs(), wait);
    m_timer->start(int(wait));
}

} // namespace sitrep::runbooks
