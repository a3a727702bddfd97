// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>

#include <atomic>

namespace sitrep::engine {

/// Wall-clock source for the engine, so SLA, reminders and escalations are testable.
class Clock {
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;
};

class SystemClock final : public Clock {
public:
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

/// A clock tests and the demo generator move by hand.
class ManualClock final : public Clock {
public:
    explicit ManualClock(qint64 start = 0) : m_now(start) {}
    qint64 nowMs() const override { return m_now.load(); }
    void set(qint64 ms) { m_now.store(ms); }
    void advance(qint64 ms) { m_now.fetch_add(ms); }

private:
    std::atomic<qint64> m_now;
};

/// Hybrid logical clock: 48 bits of milliseconds, 16 bits of counter. Monotonic per
/// replica and never behind any clock it has observed.
class HybridLogicalClock {
public:
    qint64 tick(qint64 physicalMs)
    {
        const qint64 candidate = physicalMs << 16;
        m_last = candidate > m_last ? candidate : m_last + 1;
        return m_last;
    }
    void observe(qint64 remote)
    {
        if (remote > m_last)
            m_last = remote;
    }
    qint64 last() const { return m_last; }
    static qint64 physical(qint64 hlc) { return hlc >> 16; }

private:
    qint64 m_last = 0;
};

} // namespace sitrep::engine
