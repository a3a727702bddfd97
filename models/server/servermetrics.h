// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>

namespace sitrep::server {

/// The server's Prometheus metrics. Counters are updated from any thread; render() writes
/// the text exposition format.
class ServerMetrics {
public:
    void countRequest(const QString &route, int status);
    void observeAppend(double seconds, int events);
    void setWaiters(int n) { m_waiters = n; }
    void setConnections(int n) { m_connections = n; }
    void setDbOpen(int n) { m_dbOpen = n; }
    void dbBusy(int delta) { m_dbBusy += delta; }
    void setPoolSize(int n) { m_poolSize = n; }
    void countNotify() { ++m_notifies; }
    /// A lease request's outcome: taken by a new holder, renewed by its holder, or refused
    /// because another holder has it.
    enum class Lease { Acquired, Renewed, Refused };
    void countLease(Lease outcome) { ++m_leases[size_t(outcome)]; }
    QByteArray render() const;

private:
    static constexpr std::array<double, 12> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5,   5};
    mutable QMutex m_mutex;
    QHash<QPair<QString, int>, qint64> m_requests;
    std::array<qint64, kBuckets.size() + 1> m_appendBuckets{};
    double m_appendSum = 0;
    qint64 m_appendCount = 0;
    qint64 m_eventsAppended = 0;
    std::atomic<int> m_waiters{0};
    std::atomic<int> m_connections{0};
    std::atomic<int> m_dbOpen{0};
    std::atomic<int> m_dbBusy{0};
    std::atomic<int> m_poolSize{0};
    std::atomic<qint64> m_notifies{0};
    std::array<std::atomic<qint64>, 3> m_leases{};
};

} // namespace sitrep::server
