// SPDX-License-Identifier: MIT
#pragma once

#include "sync/leases.h"

#include <QElapsedTimer>
#include <QTimer>

#include <functional>
#include <map>

namespace sitrep::sync {

/// What a shared place (the back end, a shared database) answered to "take or renew".
enum class LeaseAnswer {
    Held,   // this holder has it, for ttl from when the request was sent
    Taken,  // another holder has it
    Failed, // no answer, or an answer that says nothing (retried at the next renewal)
};

/// The part of every shared lease keeper that does not depend on where leases are kept:
/// takes each wanted job's lease and renews it every renewMs; a lease counts as held until
/// ttl minus a margin after the request that took or renewed it was SENT (not answered), so
/// the holder gives a job up before the shared expiry and two holders never overlap: when
/// no renewal was confirmed by then it emits lost() and holds() turns false. Free leases are
/// tried again every renewMs. stop() emits lost() for every held job, then releases the
/// leases (after any take still in flight has ended, so it cannot re-take them) and emits
/// released() when every release has ended. Deleting a keeper without stop() is what a
/// crash looks like to the others: its leases lapse after ttl.
class LeaseKeeper : public Leases {
    Q_OBJECT
public:
    explicit LeaseKeeper(LeaseTiming timing, QObject *parent = nullptr);
    ~LeaseKeeper() override;

    void want(const QString &job) override;
    bool holds(const QString &job) const override;
    void start() override;
    void stop() override;
    QString holderId() const override { return m_holder; }
    LeaseTiming timing() const { return m_timing; }
    /// How long before the shared expiry a held lease is given up (clock drift, late timers).
    int marginMs() const;

Q_SIGNALS:
    /// After stop(): every release has been answered or has failed (bounded).
    void released();

protected:
    using AnswerFn = std::function<void(LeaseAnswer)>;
    /// Asks to take or renew `job` for ttl; `done` runs once, now or later, with the answer.
    virtual void request(const QString &job, AnswerFn done) = 0;
    /// Gives `job` up; `done` runs once when that ended (whatever the outcome).
    virtual void release(const QString &job, std::function<void()> done) = 0;
    /// Logs why leases cannot be kept, once until a lease is held again.
    void warnOnce(const QString &why);

private:
    struct Job {
        bool held = false;
        qint64 until = 0; // m_clock ms: held until then unless renewed
        bool inFlight = false;
        bool releaseAfter = false; // stopped while a take was in flight: release when it ends
        bool releasing = false;
    };
    void attempt(const QString &job);
    void onAnswer(const QString &job, qint64 sentMs, quint64 generation, LeaseAnswer answer);
    void sendRelease(const QString &job);
    void expireDue();
    void scheduleExpiry();
    void lose(const QString &job);

    LeaseTiming m_timing;
    QString m_holder;
    std::map<QString, Job> m_jobs; // stable references while slots call want()
    QElapsedTimer m_clock;
    QTimer m_renew;
    QTimer m_expiry;
    bool m_started = false;
    quint64 m_generation = 0; // answers of an earlier start() are not this one's
    QString m_lastWarning;
    int m_releasing = 0; // releases sent or waiting for a take in flight
};

} // namespace sitrep::sync
