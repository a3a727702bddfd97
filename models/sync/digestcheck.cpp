// SPDX-License-Identifier: MIT
#include "sync/digestcheck.h"

#include "domain/digest.h"

#include <limits>
#include <memory>

namespace sitrep::sync {

QString DigestMismatch::describe() const
{
    if (backEnd.isEmpty())
        return QStringLiteral("incident %1 (%2): the back end holds none of its events")
            .arg(number, incidentUid);
    return QStringLiteral("incident %1 (%2): its events differ from the back end's (digest %3 "
                          "here, %4 there)")
        .arg(number, incidentUid, local.left(16), backEnd.left(16));
}

QString localDigest(store::Store &store, const QString &incidentUid)
{
    return domain::incidentDigest(domain::digestEvents(store.timeline(incidentUid)));
}

namespace {
struct DigestRun {
    store::Store *store = nullptr;
    RestClient *client = nullptr;
    QList<domain::Incident> incidents;
    qsizetype next = 0;
    QList<DigestMismatch> mismatches;
    std::function<void(Result<QList<DigestMismatch>>)> done;
};

void step(const std::shared_ptr<DigestRun> &run)
{
    using R = Result<QList<DigestMismatch>>;
    if (run->next >= run->incidents.size())
        return run->done(run->mismatches);
    const domain::Incident inc = run->incidents.at(run->next++);
    run->client->send(
        "GET", QStringLiteral("/api/incidents/%1/digest").arg(inc.uid), nullptr, {},
        [run, inc](const HttpReply &r) {
            const QString local = localDigest(*run->store, inc.uid);
            QString remote;
            if (r.ok()) {
                remote = r.json().value(u"digest").toString();
                if (remote.isEmpty())
                    return run->done(R::fail(
                        QStringLiteral("the back end's digest of %1 is not in the contract's form")
                            .arg(inc.number)));
            } else if (r.status != 404) {
                return run->done(
                    R::fail(QStringLiteral("digest of %1: %2").arg(inc.number, r.describe())));
            }
            if (remote != local)
                run->mismatches << DigestMismatch{inc.uid, inc.number, local, remote};
            step(run);
        });
}
} // namespace

void compareDigests(store::Store &store, RestClient &client,
                    std::function<void(Result<QList<DigestMismatch>>)> done)
{
    auto run = std::make_shared<DigestRun>();
    run->store = &store;
    run->client = &client;
    store::ListQuery q;
    q.limit = std::numeric_limits<int>::max();
    run->incidents = store.list(q);
    run->done = std::move(done);
    step(run);
}

} // namespace sitrep::sync
