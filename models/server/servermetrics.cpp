// SPDX-License-Identifier: MIT
#include "server/servermetrics.h"

#include <QList>
#include <QMutexLocker>

#include <algorithm>

namespace sitrep::server {

void ServerMetrics::countRequest(const QString &route, int status)
{
    QMutexLocker lock(&m_mutex);
    ++m_requests[qMakePair(route, status)];
}

void ServerMetrics::observeAppend(double seconds, int events)
{
    QMutexLocker lock(&m_mutex);
    const auto it = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
    ++m_appendBuckets[size_t(it - kBuckets.begin())];
    m_appendSum += seconds;
    ++m_appendCount;
    m_eventsAppended += events;
}

QByteArray ServerMetrics::render() const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    out += "# HELP sitrep_http_requests_total Requests answered, by route and status.\n"
           "# TYPE sitrep_http_requests_total counter\n";
    QList<QPair<QString, int>> keys = m_requests.keys();
    std::sort(keys.begin(), keys.end());
    for (const auto &k : keys)
        out += "sitrep_http_requests_total{route=\"" + k.first.toUtf8() + "\",status=\"" +
               QByteArray::number(k.second) + "\"} " + QByteArray::number(m_requests.value(k)) +
               '\n';
    out += "# HELP sitrep_append_seconds Time to store one append request (transaction included).\n"
           "# TYPE sitrep_append_seconds histogram\n";
    qint64 cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += m_appendBuckets[i];
        out += "sitrep_append_seconds_bucket{le=\"" + QByteArray::number(kBuckets[i]) + "\"} " +
               QByteArray::number(cumulative) + '\n';
    }
    cumulative += m_appendBuckets[kBuckets.size()];
    out += "sitrep_append_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(cumulative) + '\n';
    out += "sitrep_append_seconds_sum " + QByteArray::number(m_appendSum, 'g', 9) + '\n';
    out += "sitrep_append_seconds_count " + QByteArray::number(m_appendCount) + '\n';
    auto single = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' +
               name + ' ' + QByteArray::number(value) + '\n';
    };
    single("sitrep_events_appended_total", "counter", "Events stored (repeats not counted).",
           m_eventsAppended);
    single("sitrep_live_waiters", "gauge", "Change-feed long polls waiting for something newer.",
           m_waiters.load());
    single("sitrep_http_connections", "gauge", "Open client connections.", m_connections.load());
    single("sitrep_db_pool_size", "gauge", "Database connections the pool may open.",
           m_poolSize.load());
    single("sitrep_db_connections_open", "gauge", "Database connections open.", m_dbOpen.load());
    single("sitrep_db_connections_busy", "gauge", "Database connections running a request.",
           m_dbBusy.load());
    single("sitrep_notifications_total", "counter",
           "Change notifications received from other instances.", m_notifies.load());
    out += "# HELP sitrep_lease_requests_total Lease takes and renewals, by outcome.\n"
           "# TYPE sitrep_lease_requests_total counter\n";
    const char *outcomes[] = {"acquired", "renewed", "refused"};
    for (size_t i = 0; i < m_leases.size(); ++i)
        out += QByteArray("sitrep_lease_requests_total{outcome=\"") + outcomes[i] + "\"} " +
               QByteArray::number(m_leases[i].load()) + '\n';
    return out;
}

} // namespace sitrep::server
