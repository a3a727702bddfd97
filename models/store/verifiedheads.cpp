// SPDX-License-Identifier: MIT
#include "store/verifiedheads.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace sitrep::store {

QString verifiedHeadsPath(const QString &databasePath)
{
    return databasePath + QStringLiteral(".verified");
}

Result<VerifiedHeads> loadVerifiedHeads(const QString &path)
{
    using R = Result<VerifiedHeads>;
    QFile f(path);
    if (!f.exists())
        return VerifiedHeads{};
    if (!f.open(QIODevice::ReadOnly))
        return R::fail(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return R::fail(QStringLiteral("%1 is not the verified heads of a Sitrep log").arg(path));
    VerifiedHeads out;
    const QJsonObject incidents = doc.object().value(u"incidents").toObject();
    for (auto it = incidents.begin(); it != incidents.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        out.insert(it.key(), {o.value(u"count").toInteger(), o.value(u"head").toString()});
    }
    return out;
}

Status saveVerifiedHeads(const QString &path, const VerifiedHeads &heads)
{
    QJsonObject incidents;
    qint64 events = 0;
    for (auto it = heads.begin(); it != heads.end(); ++it) {
        incidents.insert(it.key(), QJsonObject{{QStringLiteral("count"), it->count},
                                               {QStringLiteral("head"), it->head}});
        events += it->count;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Status::fail(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    f.write(QJsonDocument(QJsonObject{{QStringLiteral("events"), events},
                                      {QStringLiteral("incidents"), incidents}})
                .toJson(QJsonDocument::Compact));
    if (!f.commit())
        return Status::fail(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

QStringList checkVerifiedHeads(Store &store, const VerifiedHeads &verified, VerifiedHeads *now)
{
    VerifiedHeads heads;
    QHash<QString, QString> hashAtVerified; // uid -> hash of its event at the verified count
    auto q = store.db().prepareOnce(
        QStringLiteral("SELECT incident, hash FROM events ORDER BY incident, seq"));
    QByteArray cur;
    VerifiedHead *h = nullptr;
    qint64 want = 0;
    QString uid;
    while (q && q->step()) {
        RowReader row(*q);
        const QByteArray inc = row.blob();
        const QString hash = QString::fromLatin1(row.blob().toHex());
        if (!h || inc != cur) {
            cur = inc;
            uid = Store::blobToUuid(inc);
            h = &heads[uid];
            want = verified.value(uid).count;
        }
        h->head = hash;
        if (++h->count == want)
            hashAtVerified.insert(uid, hash);
    }
    QStringList faults;
    for (auto it = verified.begin(); it != verified.end(); ++it) {
        const qint64 has = heads.value(it.key()).count;
        if (has < it->count)
            faults << QStringLiteral("incident %1: its log holds %2 events, %3 were verified")
                          .arg(it.key())
                          .arg(has)
                          .arg(it->count);
        else if (hashAtVerified.value(it.key()) != it->head)
            faults << QStringLiteral("incident %1: the verified head (event %2) is no longer "
                                     "in its chain")
                          .arg(it.key())
                          .arg(it->count);
    }
    faults.sort();
    if (now)
        *now = std::move(heads);
    return faults;
}

} // namespace sitrep::store
