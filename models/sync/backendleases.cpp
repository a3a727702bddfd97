// SPDX-License-Identifier: MIT
#include "sync/backendleases.h"

#include "sync/restclient.h"

#include <QUrl>

namespace sitrep::sync {

BackendLeases::BackendLeases(QUrl serverUrl, QString token, LeaseTiming timing, QObject *parent)
    : LeaseKeeper(timing, parent),
      m_client(new RestClient(std::move(serverUrl), std::move(token), this))
{
    // An answer that has not come by the next renewal is a failed one.
    m_client->setTimeoutMs(this->timing().renewMs);
    m_client->setDeadlineMs(qMax(1, this->timing().renewMs / 2));
    m_client->setMaxAnswerBytes(64 * 1024);
}

BackendLeases::~BackendLeases()
{
    // Requests in flight end here without calling back into a keeper that is going away.
    delete m_client;
}

QString BackendLeases::path(const QString &job)
{
    return QStringLiteral("/api/leases/") + QString::fromLatin1(QUrl::toPercentEncoding(job));
}

void BackendLeases::request(const QString &job, AnswerFn done)
{
    const QJsonObject body{{QStringLiteral("holder"), holderId()},
                           {QStringLiteral("ttlMs"), timing().ttlMs}};
    m_client->send("PUT", path(job), &body, {}, [this, done](const HttpReply &r) {
        if (r.status == 200 && r.json().value(u"holder").toString() == holderId())
            return done(LeaseAnswer::Held);
        if (r.status == 409)
            return done(LeaseAnswer::Taken);
        // Unreachable, refused token or role, overloaded: tried again at the next renewal.
        warnOnce(r.describe());
        done(LeaseAnswer::Failed);
    });
}

void BackendLeases::release(const QString &job, std::function<void()> done)
{
    const QString query =
        QStringLiteral("?holder=") + QString::fromLatin1(QUrl::toPercentEncoding(holderId()));
    m_client->send("DELETE", path(job) + query, nullptr, {},
                   [done = std::move(done)](const HttpReply &) { done(); });
}

} // namespace sitrep::sync
