// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <random>

namespace sitrep::delivery {

/// When to try again after a failure: the one retry schedule of everything that leaves this
/// machine (sync, notifications, remediation, the SQS alert consumer's polls).
///
/// The delay before retry number n (1-based) is base * 2^(n-1), capped at `maxMs`, with
/// "equal jitter": half of it fixed, half random, so clients that failed together do not
/// retry together. A delay the receiver asked for (Retry-After) wins when it is longer, but is
/// clamped to `maxServerDelayMs` so a broken or hostile answer cannot park a queue for days.
class BackoffPolicy {
public:
    /// No delay given by the receiver.
    static constexpr qint64 NoServerDelay = -1;

    BackoffPolicy() = default;
    BackoffPolicy(qint64 baseMs, qint64 maxMs, int maxAttempts = 0);

    qint64 baseMs() const { return m_baseMs; }
    qint64 maxMs() const { return m_maxMs; }
    /// Attempts before a delivery is given up (dead-lettered); 0: retried for ever.
    int maxAttempts() const { return m_maxAttempts; }
    void setMaxAttempts(int attempts) { m_maxAttempts = qMax(0, attempts); }
    qint64 maxServerDelayMs() const { return m_maxServerDelayMs; }
    void setMaxServerDelayMs(qint64 ms) { m_maxServerDelayMs = qMax<qint64>(0, ms); }
    /// Makes the jitter repeatable (tests, benchmarks); 0 seeds from the system.
    void seed(quint32 seed);

    /// The delay before retry number `failures` (1-based), in ms. `serverDelayMs` is the
    /// receiver's own (Retry-After), or NoServerDelay.
    qint64 delayMs(int failures, qint64 serverDelayMs = NoServerDelay);
    /// `now` plus delayMs().
    qint64 nextAt(qint64 now, int failures, qint64 serverDelayMs = NoServerDelay)
    {
        return now + delayMs(failures, serverDelayMs);
    }
    /// The capped delay before jitter: delayMs() lies in [cap/2, cap].
    qint64 capMs(int failures) const;
    /// A receiver's delay as this policy honours it: within [0, maxServerDelayMs].
    qint64 clampServerDelay(qint64 serverDelayMs) const;
    /// True when `attempts` made so far use up maxAttempts.
    bool exhausted(int attempts) const { return m_maxAttempts > 0 && attempts >= m_maxAttempts; }

private:
    qint64 m_baseMs = 500;
    qint64 m_maxMs = 60000;
    int m_maxAttempts = 0;
    qint64 m_maxServerDelayMs = 15 * 60 * 1000;
    // Seeded on first use: queues are built per commit, most never draw a delay.
    std::mt19937 m_rng;
    bool m_seeded = false;
};

} // namespace sitrep::delivery
