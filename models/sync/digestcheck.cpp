// SPDX-License-Identifier: MIT
#include "sync/digestcheck.h"

#include "domain/digest.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

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

/// Incidents per POST /api/digests (the contract's maxItems).
constexpr qsizetype kDigestsPerRequest = 500;

struct DigestRun {
    store::Store *store = nullptr;
    RestClient *client = nullptr;
    QList<domain::Incident> incidents;
    qsizetype next = 0;
    bool batches = true; // false once the back end turns out not to know POST /api/digests
    QList<DigestMismatch> mismatches;
    std::function<void(Result<QList<DigestMismatch>>)> done;

    void compare(const domain::Incident &inc, const QString &remote)
    {
        const QString local = localDigest(*store, inc.uid);
        if (remote != local)
            mismatches << DigestMismatch{inc.uid, inc.number, local, remote};
    }
};

bool isDigest(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(text).hasMatch();
}

void step(const std::shared_ptr<DigestRun> &run);

// One incident at a time, for a back end older than POST /api/digests.
void stepOne(const std::shared_ptr<DigestRun> &run)
{
    using R = Result<QList<DigestMismatch>>;
    const domain::Incident inc = run->incidents.at(run->next++);
    run->client->send(
        "GET", QStringLiteral("/api/incidents/%1/digest").arg(inc.uid), nullptr, {},
        [run, inc](const HttpReply &r) {
            QString remote;
            if (r.ok()) {
                remote = r.json().value(u"digest").toString();
                if (!isDigest(remote))
                    return run->done(R::fail(
                        QStringLiteral("the back end's digest of %1 is not in the contract's form")
                            .arg(inc.number)));
            } else if (r.status != 404) {
                return run->done(
                    R::fail(QStringLiteral("digest of %1: %2").arg(inc.number, r.describe())));
            }
            run->compare(inc, remote);
            step(run);
        });
}

void stepBatch(const std::shared_ptr<DigestRun> &run)
{
    using R = Result<QList<DigestMismatch>>;
    const QList<domain::Incident> chunk = run->incidents.mid(run->next, kDigestsPerRequest);
    QJsonArray ids;
    for (const domain::Incident &inc : chunk)
        ids.append(inc.uid);
    const QJsonObject body{{QStringLiteral("incidents"), ids}};
    run->client->send(
        "POST", QStringLiteral("/api/digests"), &body, {}, [run, chunk](const HttpReply &r) {
            if (r.status == 404 || r.status == 405) { // an older back end: one request per incident
                run->batches = false;
                return step(run);
            }
            if (!r.ok())
                return run->done(R::fail(QStringLiteral("digests: %1").arg(r.describe())));
            const QJsonValue list = r.json().value(u"digests");
            if (!list.isArray())
                return run->done(R::fail(QStringLiteral("the back end's digests are not in the "
                                                        "contract's form (no digests[])")));
            QHash<QString, QString> remote;
            for (const QJsonValue &v : list.toArray()) {
                const QString uid =
                    QUuid::fromString(v[u"incidentId"].toString()).toString(QUuid::WithoutBraces);
                const QString digest = v[u"digest"].toString();
                if (!isDigest(digest) || uid == QUuid().toString(QUuid::WithoutBraces))
                    return run->done(R::fail(QStringLiteral("the back end's digests are not in the "
                                                            "contract's form")));
                remote.insert(uid, digest);
            }
            for (const domain::Incident &inc : chunk)
                run->compare(inc, remote.value(inc.uid));
            run->next += chunk.size();
            step(run);
        });
}

void step(const std::shared_ptr<DigestRun> &run)
{
    if (run->next >= run->incidents.size())
        return run->done(run->mismatches);
    if (run->batches)
        stepBatch(run);
    else
        stepOne(run);
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
