// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"
#include "sync/leasekeeper.h"

namespace sitrep::sync {

/// Leases kept in the `leases` table of one SQLite database, for headless agents on one
/// machine that share a database file and no back end. Each take or renewal reads the wall
/// clock inside BEGIN IMMEDIATE (holding the write lock), so the times the holders write
/// are in the order of their writes; the processes share one clock. The requests of one
/// renewal share one transaction; a database that stays locked for longer than a quarter of
/// renewMs (at most 500 ms) fails that renewal, which is tried again at the next one.
class LocalLeases final : public LeaseKeeper {
    Q_OBJECT
public:
    LocalLeases(QString databasePath, LeaseTiming timing, QObject *parent = nullptr);
    ~LocalLeases() override;

protected:
    void request(const QString &job, AnswerFn done) override;
    void release(const QString &job, std::function<void()> done) override;

private:
    bool ensureOpen();
    void flush();
    LeaseAnswer take(const QString &job, qint64 now);

    QString m_path;
    QList<QPair<QString, AnswerFn>> m_pending; // asked since the last flush()
    store::Store m_store; // its own connection: never inside the engine's transaction
};

} // namespace sitrep::sync
