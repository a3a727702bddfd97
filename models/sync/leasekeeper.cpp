// SPDX-License-Identifier: MIT
#include "sync/leasekeeper.h"

#include "sync/logging.h"

#include <limits>

namespace sitrep::sync {

LeaseKeeper::LeaseKeeper(LeaseTiming timing, QObject *parent)
    : Leases(parent), m_timing(timing), m_holder(newHolderId())
{
    m_timing.ttlMs = qMax(m_timing.ttlMs, 2);
    m_timing.renewMs = qBound(1, m_timing.renewMs, m_timing.ttlMs);
    m_clock.start();
    m_renew.setInterval(m_timing.renewMs);
    m_renew.setTimerType(Qt::PreciseTimer);
    connect(&m_renew, &QTimer::timeout, this, [this] {
        for (const auto &[job, state] : m_jobs)
            attempt(job);
    });
    // A coarse timer may fire 5% late: the expiry must not.
    m_expiry.setSingleShot(true);
    m_expiry.setTimerType(Qt::PreciseTimer);
    connect(&m_expiry, &QTimer::timeout, this, &LeaseKeeper::expireDue);
}

LeaseKeeper::~LeaseKeeper() = default;

int LeaseKeeper::marginMs() const
{
    return qMin(m_timing.ttlMs / 10, 1000);
}

void LeaseKeeper::want(const QString &job)
{
    if (m_jobs.count(job))
        return;
    m_jobs.emplace(job, Job{});
    if (m_started)
        attempt(job);
}

bool LeaseKeeper::holds(const QString &job) const
{
    const auto it = m_jobs.find(job);
    return it != m_jobs.end() && it->second.held && m_clock.elapsed() < it->second.until;
}

void LeaseKeeper::start()
{
    if (m_started)
        return;
    m_started = true;
    ++m_generation;
    m_renew.start();
    for (const auto &[job, state] : m_jobs)
        attempt(job);
}

void LeaseKeeper::stop()
{
    if (!m_started)
        return;
    m_started = false;
    ++m_generation;
    m_renew.stop();
    m_expiry.stop();
    for (auto &[job, state] : m_jobs) {
        const bool held = state.held;
        if (held)
            lose(job);
        if (state.inFlight) {
            state.releaseAfter = true; // its answer may still give it to us
            ++m_releasing;
        } else if (held) {
            ++m_releasing;
            sendRelease(job);
        }
    }
    if (m_releasing == 0)
        Q_EMIT released();
}

void LeaseKeeper::attempt(const QString &job)
{
    Job &state = m_jobs[job];
    if (state.inFlight || state.releasing)
        return;
    state.inFlight = true;
    const qint64 sent = m_clock.elapsed();
    const quint64 generation = m_generation;
    request(job, [this, job, sent, generation](LeaseAnswer answer) {
        onAnswer(job, sent, generation, answer);
    });
}

void LeaseKeeper::onAnswer(const QString &job, qint64 sentMs, quint64 generation,
                           LeaseAnswer answer)
{
    Job &state = m_jobs[job];
    state.inFlight = false;
    if (generation != m_generation || !m_started) {
        if (state.releaseAfter) {
            state.releaseAfter = false;
            sendRelease(job);
        }
        return;
    }
    const qint64 until = sentMs + m_timing.ttlMs - marginMs();
    if (answer == LeaseAnswer::Held && m_clock.elapsed() < until) {
        m_lastWarning.clear();
        state.until = qMax(state.until, until);
        scheduleExpiry();
        if (!state.held) {
            state.held = true;
            qCInfo(lcSync) << "lease" << job << "acquired by" << m_holder;
            Q_EMIT acquired(job);
        }
    } else if (answer == LeaseAnswer::Taken && state.held) {
        lose(job);
    }
    // Failed, or a late answer: the lease stays held until its time is up.
}

void LeaseKeeper::sendRelease(const QString &job)
{
    m_jobs[job].releasing = true;
    release(job, [this, job] {
        m_jobs[job].releasing = false;
        if (--m_releasing == 0 && !m_started)
            Q_EMIT released();
    });
}

void LeaseKeeper::warnOnce(const QString &why)
{
    if (why == m_lastWarning)
        return;
    m_lastWarning = why;
    qCWarning(lcSync).noquote() << "leases:" << why;
}

void LeaseKeeper::lose(const QString &job)
{
    m_jobs[job].held = false;
    qCInfo(lcSync) << "lease" << job << "lost by" << m_holder;
    Q_EMIT lost(job);
}

void LeaseKeeper::expireDue()
{
    const qint64 now = m_clock.elapsed();
    for (auto &[job, state] : m_jobs)
        if (state.held && state.until <= now) {
            qCWarning(lcSync) << "lease" << job << "was not renewed in time: giving the job up";
            lose(job);
        }
    scheduleExpiry();
}

void LeaseKeeper::scheduleExpiry()
{
    qint64 next = std::numeric_limits<qint64>::max();
    for (const auto &[job, state] : m_jobs)
        if (state.held)
            next = qMin(next, state.until);
    if (next == std::numeric_limits<qint64>::max()) {
        m_expiry.stop();
        return;
    }
    m_expiry.start(int(qBound(qint64(0), next - m_clock.elapsed(), qint64(1) << 30)));
}

} // namespace sitrep::sync
