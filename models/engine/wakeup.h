// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaObject>

#include <functional>

class QObject;
class QTimer;

namespace sitrep::engine {

class LifecycleEngine;

/// The wake-up of a background worker (the notifier, the remediation dispatcher): while
/// started it calls `kick` after every commit of the engine and every `intervalMs`, and once
/// right away on start. The worker's kick decides what a round does.
class Wakeup {
public:
    Wakeup(LifecycleEngine &engine, QObject *owner, std::function<void()> kick);
    Wakeup(const Wakeup &) = delete;
    Wakeup &operator=(const Wakeup &) = delete;

    /// Does nothing when already started.
    void start(int intervalMs);
    void stop();
    bool running() const { return m_running; }

private:
    LifecycleEngine &m_engine;
    QObject *m_owner;
    std::function<void()> m_kick;
    QTimer *m_timer = nullptr; // a child of the owner
    QMetaObject::Connection m_onCommit;
    bool m_running = false;
};

} // namespace sitrep::engine
