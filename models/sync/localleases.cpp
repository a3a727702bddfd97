// SPDX-License-Identifier: MIT
#include "sync/localleases.h"

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
        warnOnce(QStringLiteral("cannot open the database: %1").arg(s.errorMessage()));
        m_store.close();
        return false;
    }
    const int busyMs = qBound(1, timing().renewMs / 4, 500);
    return bool(m_store.db().exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(busyMs)));
}

LeaseAnswer LocalLeases::take(const QString &job, qint64 now)
{
    store::Db &db = m_store.db();
    const Status taken =
        db.run(QStringLiteral("INSERT INTO leases(name, holder, expires_at) VALUES(?, ?, ?) "
                              "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, "
                              "expires_at = excluded.expires_at "
                              "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?"),
               job, holderId(), now + timing().ttlMs, now);
    if (!taken)
        return LeaseAnswer::Failed;
    return db.changes() == 1 ? LeaseAnswer::Held : LeaseAnswer::Taken;
}

void LocalLeases::request(const QString &job, AnswerFn done)
{
    // Every job of one renewal in one transaction, answered from the event loop.
    if (m_pending.isEmpty())
        QTimer::singleShot(0, this, &LocalLeases::flush);
    m_pending.append({job, std::move(done)});
}

void LocalLeases::flush()
{
    const auto pending = std::exchange(m_pending, {});
    QList<LeaseAnswer> answers(pending.size(), LeaseAnswer::Failed);
    if (ensureOpen() && m_store.db().begin()) {
        // Read under the write lock: a later writer reads a later time.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (qsizetype i = 0; i < pending.size(); ++i)
            answers[i] = take(pending[i].first, now);
        if (!m_store.db().commit()) {
            m_store.db().rollback();
            answers.fill(LeaseAnswer::Failed);
        }
    }
    for (qsizetype i = 0; i < pending.size(); ++i)
        pending[i].second(answers[i]);
}

void LocalLeases::release(const QString &job, std::function<void()> done)
{
    if (ensureOpen())
        (void)m_store.db().run(QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"),
                               job, holderId());
    QTimer::singleShot(0, this, std::move(done));
}

} // namespace sitrep::sync
