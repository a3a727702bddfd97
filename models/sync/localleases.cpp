// SPDX-License-Identifier: MIT
#include "sync/localleases.h"

#include "sync/logging.h"

#include <QDateTime>
#include <QTimer>

namespace sitrep::sync {

LocalLeases::LocalLeases(QString databasePath, LeaseTiming timing, QObject *parent)
    : LeaseKeeper(timing, parent), m_path(std::move(databasePath))
{
}

LocalLeases::~LocalLeases() = default;

bool LocalLeases::ensureOpen()
{
    if (m_store.db().isOpen())
        return true;
    if (auto s = m_store.open(m_path); !s) {
        qCWarning(lcSync) << "leases: cannot open" << m_path << s.errorMessage();
        m_store.close();
        return false;
    }
    const int busyMs = qMax(1, timing().renewMs / 2);
    return bool(m_store.db().exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(busyMs)));
}

LeaseAnswer LocalLeases::take(const QString &job)
{
    store::Db &db = m_store.db();
    if (!db.begin())
        return LeaseAnswer::Failed;
    // Read under the write lock: a later writer reads a later time.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const Status taken =
        db.run(QStringLiteral("INSERT INTO leases(name, holder, expires_at) VALUES(?, ?, ?) "
                              "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, "
                              "expires_at = excluded.expires_at "
                              "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?"),
               job, holderId(), now + timing().ttlMs, now);
    const bool mine = taken && db.changes() == 1;
    if (!taken || !db.commit()) {
        db.rollback();
        return LeaseAnswer::Failed;
    }
    return mine ? LeaseAnswer::Held : LeaseAnswer::Taken;
}

void LocalLeases::request(const QString &job, AnswerFn done)
{
    const LeaseAnswer answer = ensureOpen() ? take(job) : LeaseAnswer::Failed;
    // Answered from the event loop, as a back end's answer would be.
    QTimer::singleShot(0, this, [done = std::move(done), answer] { done(answer); });
}

void LocalLeases::release(const QString &job, std::function<void()> done)
{
    if (ensureOpen())
        (void)m_store.db().run(QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"),
                               job, holderId());
    QTimer::singleShot(0, this, std::move(done));
}

} // namespace sitrep::sync
