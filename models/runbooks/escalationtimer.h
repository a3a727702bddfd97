// SPDX-License-Identifier: MIT
#pragma once

#include "runbooks/escalationscheduler.h"
#include "runbooks/runbook.h"

#include <QObject>

#include <memory>

class QTimer;

namespace sitrep::runbooks {

/// Drives an EscalationScheduler from the event loop: ticks at start, at every due time it
/// knows of, and at least once a minute (new incidents, clock changes). Owns its runbook
/// library (compiled-in runbooks plus the user folder). For the GUI and `sitrep serve`.
class EscalationTimer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EscalationTimer)
public:
    EscalationTimer(engine::LifecycleEngine &engine, const engine::Clock &clock,
                    QObject *parent = nullptr);
    ~EscalationTimer() override;

    void start();
    void stop();
    /// Runs one tick now; returns how many escalations were recorded.
    int tickNow();
    const RunbookLibrary &library() const { return m_library; }

Q_SIGNALS:
    void escalated(int count);

private:
    void schedule();

    engine::LifecycleEngine &m_engine;
    const engine::Clock &m_clock;
    RunbookLibrary m_library;
    std::unique_ptr<EscalationScheduler> m_scheduler;
    QTimer *m_timer = nullptr;
};

} // namespace sitrep::runbooks
