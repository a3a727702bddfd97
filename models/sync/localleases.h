// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"
#include "sync/leasekeeper.h"

namespace sitrep::sync {

/// Leases kept in the `leases` table of one SQLite database, for headless agents on one
/// machine that share a database file and no back end. Each take or renewal reads the wall
/// clock inside BEGIN IMMEDIATE (holding the write lock), so the times the holders write
/// are in the order of their writes; the processes share one clock. A database that is busy
/// for longer than renewMs / 2 counts as a failed renewal, never as a hang.
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
    LeaseAnswer take(const QString &job);

    QString m_path;
    store::Store m_store; // its own connection: never inside the engine's transaction
};

} // namespace sitrep::sync
