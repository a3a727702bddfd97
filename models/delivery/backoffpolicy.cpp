// SPDX-License-Identifier: MIT
#include "delivery/backoffpolicy.h"

#include <algorithm>

namespace sitrep::delivery {

BackoffPolicy::BackoffPolicy(qint64 baseMs, qint64 maxMs, int maxAttempts)
    : m_baseMs(qMax<qint64>(0, baseMs)), m_maxMs(qMax<qint64>(0, maxMs)),
      m_maxAttempts(qMax(0, maxAttempts))
{
}

void BackoffPolicy::seed(quint32 seed)
{
    m_rng.seed(seed ? seed : std::random_device{}());
    m_seeded = true;
}

qint64 BackoffPolicy::capMs(int failures) const
{
    // 2^20 times the base is past any sane cap already; the shift stays in range.
    const int n = std::clamp(failures, 1, 21);
    const double raw = double(m_baseMs) * double(1LL << (n - 1));
    return qint64(std::min<double>(raw, double(m_maxMs)));
}

qint64 BackoffPolicy::clampServerDelay(qint64 serverDelayMs) const
{
    return std::clamp<qint64>(serverDelayMs, 0, m_maxServerDelayMs);
}

qint64 BackoffPolicy::delayMs(int failures, qint64 serverDelayMs)
{
    if (!m_seeded)
        seed(0);
    const qint64 cap = capMs(failures);
    std::uniform_int_distribution<qint64> jitter(0, cap / 2);
    const qint64 own = cap - cap / 2 + jitter(m_rng);
    if (serverDelayMs < 0)
        return own;
    return std::max(own, clampServerDelay(serverDelayMs));
}

} // namespace sitrep::delivery
