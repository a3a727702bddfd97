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
    out += "# HELP sitrep_events_appended_total Events stored (repeats not counted).\n"
           "# TYPE sitrep_events_appended_total counter\n"
           "sitrep_events_appended_total " +
           QByteArray::number(m_eventsAppended) + '\n';
    out += "# HELP sitrep_live_waiters Change-feed long polls waiting for something newer.\n"
           "# TYPE sitrep_live_waiters gauge\n"
           "sitrep_live_waiters " +
           QByteArray::number(m_waiters.load()) + '\n';
    out += "# HELP sitrep_http_connections Open client connections.\n"
           "# TYPE sitrep_http_connections gauge\n"
           "sitrep_http_connections " +
           QByteArray::number(m_connections.load()) + '\n';
    out += "# HELP sitrep_db_pool_size Database connections the pool may open.\n"
           "# TYPE sitrep_db_pool_size gauge\n"
           "sitrep_db_pool_size " +
           QByteArray::number(m_poolSize.load()) + '\n';
    out += "# HELP sitrep_db_connections_open Database connections open.\n"
           "# TYPE sitrep_db_connections_open gauge\n"
           "sitrep_db_connections_open " +
           QByteArray::number(m_dbOpen.load()) + '\n';
    out += "# HELP sitrep_db_connections_busy Database connections running a request.\n"
           "# TYPE sitrep_db_connections_busy gauge\n"
           "sitrep_db_connections_busy " +
           QByteArray::number(m_dbBusy.load()) + '\n';
    out += "# HELP sitrep_notifications_total Change notifications received from other instances.\n"
           "# TYPE sitrep_notifications_total counter\n"
           "sitrep_notifications_total " +
           QByteArray::number(m_notifies.load()) + '\n';
    return out;
}

} // namespace sitrep::server
