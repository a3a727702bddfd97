// SPDX-License-Identifier: MIT
// The event log's SHA-256 gives QCryptographicHash's digest. canonicalJson writes exactly the bytes
// QJsonDocument::toJson(Compact) writes: event payloads are hashed in that spelling, so a single
// differing byte would break the chain.
#include "domain/canonicaljson.h"
#include "domain/event.h"
#include "domain/sha256.h"

#include <QCryptographicHash>
#include <QUuid>

#include <QJsonDocument>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace sitrep;

namespace {

QString randomString(std::mt19937 &rng)
{
    // Plain words most of the time, then every kind of unit that needs care.
    static const char16_t pool[] = {u'a',   u'Z',   u'0',   u' ',   u'"',  u'\\',  u'/',
                                    u'\b',  u'\f',  u'\n',  u'\r',  u'\t', 0x01,   0x1f,
                                    0x7f,   0x80,   0xe9,   0x7ff,  0x800, 0x20ac, 0xfffd,
                                    0xffff, 0xd83d, 0xde00, 0xdbff, 0xdc00};
    const int n = int(rng() % 12);
    QString s;
    for (int i = 0; i < n; ++i) {
        if (rng() % 3 == 0)
            s += QChar(pool[rng() % std::size(pool)]);
        else
            s += QChar(u'a' + char16_t(rng() % 26));
        if (rng() % 9 == 0)
            s += QString::fromUcs4(U"\U0001F525"); // a valid surrogate pair
    }
    return s;
}

QJsonValue randomValue(std::mt19937 &rng, int depth);

QJsonObject randomObject(std::mt19937 &rng, int depth)
{
    QJsonObject o;
    const int n = int(rng() % 7);
    for (int i = 0; i < n; ++i)
        o.insert(randomString(rng), randomValue(rng, depth + 1));
    return o;
}

QJsonValue randomValue(std::mt19937 &rng, int depth)
{
    static const double doubles[] = {0.0,
                                     -0.0,
                                     0.1,
                                     -2.5,
                                     1e15,
                                     1e16,
                                     1e21,
                                     1e-7,
                                     123456789.125,
                                     3.0,
                                     9007199254740993.0,
                                     std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::denorm_min(),
                                     std::numeric_limits<double>::infinity(),
                                     std::nan("")};
    switch (rng() % (depth > 3 ? 6 : 8)) {
    case 0:
        return QJsonValue(bool(rng() % 2));
    case 1:
        return QJsonValue(qint64(rng()) * (rng() % 2 ? 1 : -1) * qint64(rng() % 100000));
    case 2:
        return QJsonValue(doubles[rng() % std::size(doubles)]);
    case 3:
        return QJsonValue(int(rng() % 1000) - 500);
    case 4:
        return QJsonValue(randomString(rng));
    case 5:
        return QJsonValue(QJsonValue::Null);
    case 6: {
        QJsonArray a;
        const int n = int(rng() % 5);
        for (int i = 0; i < n; ++i)
            a.append(randomValue(rng, depth + 1));
        return a;
    }
    default:
        return randomObject(rng, depth);
    }
}

} // namespace

class TestCanonicalJson : public QObject {
    Q_OBJECT
private slots:
    void knownCases()
    {
        const QJsonObject o{
            {QStringLiteral("b"), 1},
            {QStringLiteral("a"), QStringLiteral("x\"y\\z\n\u00e9\u20ac")},
            {QStringLiteral("c"), QJsonArray{1.5, true, QJsonValue::Null, QJsonObject{}}},
            {QStringLiteral("d"), qint64(1) << 60},
            {QStringLiteral("e"), 1e15}};
        QCOMPARE(domain::canonicalJson(o), QJsonDocument(o).toJson(QJsonDocument::Compact));
        QCOMPARE(domain::canonicalJson(QJsonObject{}), QByteArray("{}"));
        QCOMPARE(domain::canonicalJson(QStringList{}), QByteArray("[]"));
        const QStringList l{QStringLiteral("checkout"), QStringLiteral("tab\there"),
                            QString(QChar(0xd800))};
        QCOMPARE(domain::canonicalJson(l),
                 QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
    }

    // Parsed documents keep Qt's own integer/double split: the text the back end sent,
    // parsed and written again, comes out the same both ways.
    void parsedNumbers()
    {
        const QByteArray text =
            R"({"a":1,"b":1.0,"c":-0,"d":1e3,"e":12345678901234567890,"f":0.30000000000000004,"g":-9007199254740993})";
        const QJsonObject o = QJsonDocument::fromJson(text).object();
        QCOMPARE(domain::canonicalJson(o), QJsonDocument(o).toJson(QJsonDocument::Compact));
    }

    void sha256_equalsQt()
    {
        std::mt19937 rng(7);
        for (int n : {0, 1, 55, 56, 63, 64, 65, 500, 4097}) {
            QByteArray a(n, Qt::Uninitialized), b(int(rng() % 200), Qt::Uninitialized);
            for (char &c : a)
                c = char(rng());
            for (char &c : b)
                c = char(rng());
            QCryptographicHash q(QCryptographicHash::Sha256);
            q.addData(a);
            q.addData(b);
            domain::Sha256 ours;
            ours.add(a).add(b);
            QCOMPARE(ours.result(), q.result());
        }
        QCOMPARE(
            domain::Sha256().add("abc").result().toHex(),
            QByteArray(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")); // FIPS 180-2
                                                                                      // example
    }

    // The writer gives the bytes canonicalJson() writes for the object inserts would build,
    // and that object, whatever the members and whether their keys come sorted.
    void objectWriter_sameAsInserts()
    {
        std::mt19937 rng(20261207);
        static const char *const keys[] = {
            "alerts", "assignee", "b",       "ba",    "c\"q",     "cis", "number", "open",
            "sla",    "state",    "t\u00e9", "title", "workflow", "x y", "z\\",    "\x7f"};
        for (int i = 0; i < 5000; ++i) {
            QList<int> picked;
            for (int k = 0; k < int(std::size(keys)); ++k)
                if (rng() % 2)
                    picked << k;
            if (rng() % 4 == 0) // out of order now and then
                std::shuffle(picked.begin(), picked.end(), rng);
            QJsonObject want;
            domain::CanonicalObjectWriter w;
            for (int k : std::as_const(picked)) {
                const QLatin1String key(keys[k]);
                switch (rng() % 5) {
                case 0: {
                    const QString v = randomString(rng);
                    want.insert(QString(key), v);
                    w.string(key, v);
                    break;
                }
                case 1: {
                    const bool v = rng() % 2;
                    want.insert(QString(key), v);
                    w.boolean(key, v);
                    break;
                }
                case 2: {
                    const qint64 v = qint64(rng()) * (rng() % 2 ? 1 : -1) * qint64(rng() % 100000);
                    want.insert(QString(key), v);
                    w.integer(key, v);
                    break;
                }
                case 3: {
                    QStringList v;
                    for (int n = int(rng() % 4); n > 0; --n)
                        v << randomString(rng);
                    want.insert(QString(key), QJsonArray::fromStringList(v));
                    w.strings(key, v);
                    break;
                }
                default: {
                    const QJsonValue v = randomValue(rng, 1);
                    want.insert(QString(key), v);
                    w.value(key, v);
                }
                }
            }
            const domain::CanonicalObject got = w.finish();
            QCOMPARE(got.json(), domain::canonicalJson(want));
            QCOMPARE(got.json(), QJsonDocument(want).toJson(QJsonDocument::Compact));
            QCOMPARE(domain::canonicalJson(got.object()), got.json());
            QCOMPARE(got.object().keys(), want.keys());
            for (auto it = want.constBegin(); it != want.constEnd(); ++it) {
                const QJsonValue v = got.object().value(it.key());
                // NaN is unequal to itself: its spelling is compared above.
                if (!(it->isDouble() && std::isnan(it->toDouble())))
                    QCOMPARE(v, *it);
                QCOMPARE(v.type(), it->type());
            }
        }
        const domain::CanonicalObject empty = domain::CanonicalObjectWriter().finish();
        QCOMPARE(empty.json(), QByteArray("{}"));
        QVERIFY(empty.object().isEmpty());
    }

    // With a cache, an object of bytes seen before is taken from it: the same bytes and object
    // as without, the cache bounded, and objects the bytes alone do not decide never cached.
    void objectWriter_cacheGivesTheSame()
    {
        QHash<QByteArray, QJsonObject> cache;
        const auto transition = [](const QString &to, bool open) {
            domain::CanonicalObjectWriter w;
            w.string(QLatin1String("from"), u"triggered")
                .boolean(QLatin1String("open"), open)
                .string(QLatin1String("to"), to);
            return w;
        };
        for (int round = 0; round < 3; ++round)
            for (const char *to : {"acknowledged", "resolved", "caf\u00e9 \"x\""}) {
                const QString t = QString::fromUtf8(to);
                const domain::CanonicalObject plain = transition(t, round % 2).finish();
                const domain::CanonicalObject cached = transition(t, round % 2).finish(cache);
                QCOMPARE(cached.json(), plain.json());
                QCOMPARE(cached.object(), plain.object());
                QCOMPARE(cached.json(), domain::canonicalJson(cached.object()));
            }
        QCOMPARE(cache.size(), 6);
        // Full: emptied before the next object is kept.
        domain::CanonicalObjectWriter w;
        w.integer(QLatin1String("n"), 7);
        QCOMPARE(w.finish(cache, 6).object(), (QJsonObject{{QStringLiteral("n"), 7}}));
        QCOMPARE(cache.size(), 1);
        // Keys out of order and values kept as given are not cached.
        domain::CanonicalObjectWriter unsorted;
        unsorted.string(QLatin1String("b"), u"1").string(QLatin1String("a"), u"2");
        const domain::CanonicalObject u = unsorted.finish(cache);
        QCOMPARE(u.json(), QByteArray(R"({"a":"2","b":"1"})"));
        domain::CanonicalObjectWriter kept;
        kept.value(QLatin1String("n"), 3.0);
        QCOMPARE(kept.finish(cache).object(), (QJsonObject{{QStringLiteral("n"), 3.0}}));
        QCOMPARE(cache.size(), 1);
    }

    // What the writer reads back is what a read of the payload from the log gives.
    void objectWriter_objectAsReadFromTheLog()
    {
        domain::CanonicalObjectWriter w;
        w.strings(QLatin1String("a"), {QStringLiteral("x"), QString(QChar(0xd800))})
            .boolean(QLatin1String("b"), false)
            .integer(QLatin1String("c"), qint64(1) << 60)
            .string(QLatin1String("d"), QStringLiteral("caf\u00e9 \"quoted\"\n"));
        const domain::CanonicalObject got = w.finish();
        const QJsonObject read = QJsonDocument::fromJson(got.json()).object();
        QCOMPARE(got.object(), read);
        QCOMPARE(got.object()[u"c"].toInteger(), qint64(1) << 60);
        // A value() is kept as given: 3.0 stays a double that is not an integer in CBOR.
        domain::CanonicalObjectWriter v;
        v.value(QLatin1String("n"), 3.0).value(QLatin1String("u"), QJsonValue::Undefined);
        const domain::CanonicalObject kept = v.finish();
        QCOMPARE(kept.json(), QByteArray(R"({"n":3})"));
        QCOMPARE(kept.object(), (QJsonObject{{QStringLiteral("n"), 3.0}}));
    }

    // Event::computeHash() is SHA-256 over the fields' UTF-8 and the times in decimal, as the
    // hash chain has always been defined (spelled out here with Qt's own conversions).
    void eventHash_sameAsDefinition()
    {
        const auto reference = [](const domain::Event &e) {
            QByteArray in;
            if (e.rule == domain::HashRule::WithOrigin)
                in += "rule 2\n";
            in += e.prevHash.toUtf8() + '\n' + e.id.toUtf8() + '\n' + e.incidentUid.toUtf8() +
                  '\n' + QByteArray::number(e.hlc) + '\n' + QByteArray::number(e.ts) + '\n' +
                  e.actor.toUtf8() + '\n' + e.kind.toUtf8() + '\n';
            if (e.rule == domain::HashRule::WithOrigin)
                in += e.origin.toUtf8() + '\n';
            in += e.payloadJson();
            return QString::fromLatin1(
                QCryptographicHash::hash(in, QCryptographicHash::Sha256).toHex());
        };
        std::mt19937 rng(20261207);
        const QString longAscii(300, u'x');
        const qint64 times[] = {0,
                                1,
                                -1,
                                1735689600000,
                                (qint64(1735689600000) << 16) | 7,
                                std::numeric_limits<qint64>::max(),
                                std::numeric_limits<qint64>::min()};
        for (int i = 0; i < 3000; ++i) {
            const auto text = [&]() -> QString {
                switch (rng() % 5) {
                case 0:
                    return {};
                case 1:
                    return longAscii.left(int(rng() % 300));
                case 2:
                    return randomString(rng);
                default:
                    return QStringLiteral("alice.nguyen");
                }
            };
            domain::Event e;
            e.id = i % 7 ? QStringLiteral("0f8e2a44-5d1c-4f3b-9a2e-6b7c8d9e0f1a") : text();
            e.incidentUid = i % 5 ? QStringLiteral("3c9d7e52-1b4f-5a86-9e0d-6f2a8b41c7d5") : text();
            e.prevHash = i % 3 ? QString(64, u'a') : text();
            e.hlc = times[rng() % std::size(times)];
            e.ts = times[rng() % std::size(times)];
            e.actor = text();
            e.kind = i % 2 ? QStringLiteral("incident.opened") : text();
            e.origin = text();
            e.rule = i % 4 ? domain::HashRule::WithOrigin : domain::HashRule::Original;
            e.payload = randomObject(rng, 2);
            if (i % 2)
                e.payloadRaw = domain::canonicalJson(e.payload);
            QCOMPARE(e.computeHash(), reference(e));
        }
    }

    // Once-only event ids and correlated incident uids are QUuid's version 5 UUIDs of their
    // names, the incident named in QUuid's spelling whatever spelling it is given in.
    void nameUuids_sameAsQUuid()
    {
        const QUuid once(QStringLiteral("{3c9d7e52-1b4f-5a86-9e0d-6f2a8b41c7d5}"));
        const QUuid incidents(QStringLiteral("{8e4a1f37-62c9-5d0b-a3e8-1d7f5b92c604}"));
        std::mt19937 rng(20261207);
        for (int i = 0; i < 3000; ++i) {
            const QString plain = QUuid::createUuid().toString(QUuid::WithoutBraces);
            QString uid;
            switch (i % 6) {
            case 0:
                uid = plain;
                break;
            case 1:
                uid = plain.toUpper();
                break;
            case 2:
                uid = QLatin1Char('{') + plain + QLatin1Char('}');
                break;
            case 3:
                uid = randomString(rng); // no UUID at all: the null one
                break;
            case 4:
                uid = plain.left(35) + QLatin1Char('g');
                break;
            default:
                uid = QString();
            }
            const QString kind = i % 2 ? QStringLiteral("sla.breached") : randomString(rng);
            QString key = randomString(rng);
            if (i % 5 == 0)
                key += QString(200, u'k'); // past the stack buffer
            const QString incident = QUuid::fromString(uid).toString(QUuid::WithoutBraces);
            const QString want = QUuid::createUuidV5(once, incident + u'\n' + kind + u'\n' + key)
                                     .toString(QUuid::WithoutBraces);
            QCOMPARE(domain::onceEventId(uid, kind, key), want);
            // Asked again, as the projection asks right after the engine: the id kept.
            QCOMPARE(domain::onceEventId(uid, kind, key), want);
            // Any part different: never the id kept for the others.
            QVERIFY(domain::onceEventId(uid, kind, key + u'x') != want);
            QVERIFY(domain::onceEventId(uid, kind + u'x', key) != want);
            QVERIFY(domain::onceEventId(QUuid::createUuid().toString(), kind, key) != want);
            QCOMPARE(domain::onceEventId(uid, kind, key), want);
            QCOMPARE(domain::correlatedIncidentUid(key, i - 100),
                     QUuid::createUuidV5(incidents, key + u'\n' + QString::number(i - 100))
                         .toString(QUuid::WithoutBraces));
        }
    }

    void randomDocuments()
    {
        std::mt19937 rng(20261123);
        for (int i = 0; i < 20000; ++i) {
            const QJsonObject o = randomObject(rng, 0);
            const QByteArray want = QJsonDocument(o).toJson(QJsonDocument::Compact);
            const QByteArray got = domain::canonicalJson(o);
            if (got != want)
                QFAIL(qPrintable(QStringLiteral("document %1:\n  Qt:   %2\n  ours: %3")
                                     .arg(i)
                                     .arg(QString::fromUtf8(want.toHex(' ')),
                                          QString::fromUtf8(got.toHex(' ')))));
            // And through a parse, as payloads arrive from the wire.
            const QJsonObject back = QJsonDocument::fromJson(want).object();
            QCOMPARE(domain::canonicalJson(back),
                     QJsonDocument(back).toJson(QJsonDocument::Compact));
        }
    }
};

QTEST_GUILESS_MAIN(TestCanonicalJson)
#include "tst_canonicaljson.moc"
