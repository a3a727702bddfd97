// SPDX-License-Identifier: MIT
#pragma once

#include "sync/leasekeeper.h"

#include <QUrl>

namespace sitrep::sync {

class RestClient;

/// Leases kept by the team back end (`PUT`/`DELETE /api/leases/{name}`, resources/api/
/// sitrep.yaml): any number of headless agents of a team, on any machines, run each
/// singleton job in one of them. The token must be an agent's or an admin's. Every request
/// ends within renewMs and a half (no answer is a failed renewal, tried again at the next
/// one), so a network that hangs never holds a job past its time.
class BackendLeases final : public LeaseKeeper {
    Q_OBJECT
public:
    BackendLeases(QUrl serverUrl, QString token, LeaseTiming timing, QObject *parent = nullptr);
    ~BackendLeases() override;

protected:
    void request(const QString &job, AnswerFn done) override;
    void release(const QString &job, std::function<void()> done) override;

private:
    static QString path(const QString &job);

    RestClient *m_client;
};

} // namespace sitrep::sync
