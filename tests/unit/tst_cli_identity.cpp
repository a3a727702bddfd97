// SPDX-License-Identifier: MIT
// Who acts on the command line (sync::Identity through the real sitrep binary): the login
// name or --actor without a back end; the token's user with one, --actor a usage error,
// SITREP_USER refused, writes refused until the user is known.
#include "store/store.h"
#include "sync/identity.h"
#include "unit/clitestutil.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace sitrep;
using testing::CliRun;

class TestCliIdentity : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;
    QString m_db;

    CliRun run(QStringList args)
    {
        args << QStringLiteral("--db") << m_db;
        return testing::runSitrep(args, m_home.path(), QStringLiteral("2026-03-02T10:00:00Z"));
    }

    QStringList actorsOf(const QString &uid, const QString &kind)
    {
        store::Store st;
        if (!st.open(m_db))
            return {};
        QStringList out;
        for (const auto &e : st.timeline(uid))
            if (e.kind == kind)
                out << e.actor;
        return out;
    }

    void remember(const QString &user, const QString &role)
    {
        store::Store st;
        QVERIFY(st.open(m_db));
        QVERIFY(sync::Identity(st).remember(sync::BackendUser{user, role}));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_db = m_home.filePath(QStringLiteral("sitrep.db"));
    }

    void withoutBackend_loginNameOrActorOption()
    {
        auto r =
            run({QStringLiteral("create"), QStringLiteral("--title"), QStringLiteral("Disk full"),
                 QStringLiteral("--severity"), QStringLiteral("low"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString uid = r.json().object()[u"uid"].toString();
        QVERIFY(!uid.isEmpty());
        QCOMPARE(actorsOf(uid, QStringLiteral("incident.opened")),
                 QStringList{QStringLiteral("tester")});
        r = run({QStringLiteral("note"), uid, QStringLiteral("from a script"),
                 QStringLiteral("--actor"), QStringLiteral("cron-bot")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(actorsOf(uid, QStringLiteral("note.added")),
                 QStringList{QStringLiteral("cron-bot")});
    }

    void withBackend_neverReached_writesRefusedReadsWork()
    {
        auto r = run({QStringLiteral("config"), QStringLiteral("set"),
                      QStringLiteral("backend.url"), QStringLiteral("http://127.0.0.1:9")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = run({QStringLiteral("list"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString uid = r.json().array().first().toObject()[u"uid"].toString();
        QVERIFY(!uid.isEmpty());
        r = run({QStringLiteral("note"), uid, QStringLiteral("who am I")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"sitrep sync") && r.err.count(u'\n') == 1, qPrintable(r.err));
        QCOMPARE(actorsOf(uid, QStringLiteral("note.added")).size(), 1);
        r = run({QStringLiteral("show"), uid});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void withBackend_theTokensUserActs_overridesRefused()
    {
        remember(QStringLiteral("alice"), QStringLiteral("commander"));
        auto r = run({QStringLiteral("list"), QStringLiteral("--json")});
        const QString uid = r.json().array().first().toObject()[u"uid"].toString();
        r = run({QStringLiteral("note"), uid, QStringLiteral("on it")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(actorsOf(uid, QStringLiteral("note.added")).last(), QStringLiteral("alice"));
        r = run({QStringLiteral("approve"), uid, QStringLiteral("--for"),
                 QStringLiteral("mitigating")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u"approved by alice"), qPrintable(r.out));

        // --actor is a usage error, for every command that takes it.
        for (const QStringList &cmd :
             {QStringList{QStringLiteral("approve"), uid, QStringLiteral("--actor"),
                          QStringLiteral("priya.raman")},
              QStringList{QStringLiteral("note"), uid, QStringLiteral("x"),
                          QStringLiteral("--actor=bob")},
              QStringList{QStringLiteral("remediation"), QStringLiteral("approve"), uid,
                          QStringLiteral("--actor"), QStringLiteral("bob")}}) {
            r = run(cmd);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(u"--actor") && r.err.contains(u"alice") &&
                         r.err.count(u'\n') == 1,
                     qPrintable(r.err));
        }
        QCOMPARE(actorsOf(uid, QStringLiteral("approval.granted")),
                 QStringList{QStringLiteral("alice")});

        // SITREP_USER naming someone else is refused; naming alice is harmless.
        qputenv("SITREP_USER", "bob");
        r = run({QStringLiteral("note"), uid, QStringLiteral("as bob")});
        qunsetenv("SITREP_USER");
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"SITREP_USER=bob") && r.err.contains(u"alice"), qPrintable(r.err));
        QVERIFY(!actorsOf(uid, QStringLiteral("note.added")).contains(QStringLiteral("bob")));
    }

    void viewer_changesNothing()
    {
        remember(QStringLiteral("wall-1"), QStringLiteral("viewer"));
        auto r = run({QStringLiteral("list"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString uid = r.json().array().first().toObject()[u"uid"].toString();
        const int notes = int(actorsOf(uid, QStringLiteral("note.added")).size());
        r = run({QStringLiteral("note"), uid, QStringLiteral("from the wall")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"viewer"), qPrintable(r.err));
        QCOMPARE(actorsOf(uid, QStringLiteral("note.added")).size(), notes);
    }
};

QTEST_GUILESS_MAIN(TestCliIdentity)
#include "tst_cli_identity.moc"
