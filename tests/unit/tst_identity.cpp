// SPDX-License-Identifier: MIT
// Who acts: the one rule for the command line and the window (sync::Identity).
#include "store/store.h"
#include "sync/identity.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using sync::ActorInputs;
using sync::BackendUser;
using sync::Identity;

class TestIdentity : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<store::Store> m_store;

    static ActorInputs option(const QString &name) { return ActorInputs{true, name, {}, {}}; }
    /// Sets the database's back end to `url`.
    bool setBackend(const char *url)
    {
        return m_store->setMeta(QStringLiteral("backend.url"), QString::fromLatin1(url)).ok();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_store = std::make_unique<store::Store>();
        QVERIFY(m_store->open(
            m_dir.filePath(QStringLiteral("%1.db").arg(QTest::currentTestFunction()))));
    }

    void noBackend_actorOptionThenSettingThenEnvironmentThenLoginName()
    {
        Identity id(*m_store);
        QVERIFY(!id.hasBackend());
        QCOMPARE(*id.resolve(option(QStringLiteral("script-bot"))), QStringLiteral("script-bot"));
        QCOMPARE(*id.resolve(ActorInputs{
                     false, {}, QStringLiteral("env-user"), QStringLiteral("set-user")}),
                 QStringLiteral("set-user"));
        QCOMPARE(*id.resolve(ActorInputs{false, {}, QStringLiteral("env-user"), {}}),
                 QStringLiteral("env-user"));
        QCOMPARE(*id.resolve(ActorInputs{}), Identity::loginName());
        QVERIFY(!Identity::loginName().isEmpty());
    }

    void loginName_comesFromTheEnvironmentFirst()
    {
        const QByteArray saved = qgetenv("USER");
        qputenv("USER", "dana");
        QCOMPARE(Identity::loginName(), QStringLiteral("dana"));
        qunsetenv("USER");
        QVERIFY(!Identity::loginName().isEmpty()); // LOGNAME or the password database
        qputenv("USER", saved);
    }

    void backendNeverReached_refusesWritesAndSaysToSync()
    {
        QVERIFY(setBackend("https://sitrep.example.com"));
        Identity id(*m_store);
        QVERIFY(id.hasBackend());
        QVERIFY(!id.cached());
        const auto r = id.resolve(ActorInputs{});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Identity::Unknown);
        QVERIFY2(r.errorMessage().contains(u"sitrep sync"), qPrintable(r.errorMessage()));
        // For display only, the local name stands in.
        QCOMPARE(id.displayName(ActorInputs{false, {}, {}, QStringLiteral("set-user")}),
                 QStringLiteral("set-user"));
    }

    void backendKnown_actorIsTheTokensUser_overridesRefused()
    {
        QVERIFY(setBackend("https://sitrep.example.com"));
        Identity id(*m_store);
        QVERIFY(id.remember(BackendUser{QStringLiteral("alice"), QStringLiteral("commander")}));
        QCOMPARE(id.cached()->user, QStringLiteral("alice"));
        QCOMPARE(id.cached()->display(), QStringLiteral("alice (commander)"));
        QCOMPARE(*id.resolve(ActorInputs{}), QStringLiteral("alice"));

        auto r = id.resolve(option(QStringLiteral("priya.raman")));
        QVERIFY(!r);
        QCOMPARE(r.error().code, Identity::ActorOptionRefused);
        QVERIFY2(r.errorMessage().contains(u"--actor") && r.errorMessage().contains(u"alice"),
                 qPrintable(r.errorMessage()));
        QVERIFY(!r.errorMessage().contains(u'\n'));

        r = id.resolve(ActorInputs{false, {}, QStringLiteral("bob"), {}});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Identity::OverrideRefused);
        QVERIFY2(r.errorMessage().contains(u"SITREP_USER") && r.errorMessage().contains(u"alice"),
                 qPrintable(r.errorMessage()));

        r = id.resolve(ActorInputs{false, {}, {}, QStringLiteral("bob")});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Identity::OverrideRefused);
        QVERIFY2(r.errorMessage().contains(u"alice"), qPrintable(r.errorMessage()));

        // Naming the token's user itself is harmless.
        QCOMPARE(
            *id.resolve(ActorInputs{false, {}, QStringLiteral("alice"), QStringLiteral("alice")}),
            QStringLiteral("alice"));
        QCOMPARE(id.displayName(ActorInputs{false, {}, QStringLiteral("bob"), {}}),
                 QStringLiteral("alice"));
    }

    void viewer_writesNothing()
    {
        QVERIFY(setBackend("https://sitrep.example.com"));
        Identity id(*m_store);
        QVERIFY(id.remember(BackendUser{QStringLiteral("wall-1"), QStringLiteral("viewer")}));
        const auto r = id.resolve(ActorInputs{});
        QVERIFY(!r);
        QCOMPARE(r.error().code, Identity::ReadOnly);
        QCOMPARE(id.displayName(ActorInputs{}), QStringLiteral("wall-1"));
    }

    void anotherBackend_forgetsTheCachedUser()
    {
        QVERIFY(setBackend("https://a.example.com"));
        Identity id(*m_store);
        QVERIFY(id.remember(BackendUser{QStringLiteral("alice"), QStringLiteral("responder")}));
        QVERIFY(id.cached());
        QVERIFY(setBackend("https://b.example.com"));
        QVERIFY(!id.cached());
        QCOMPARE(id.resolve(ActorInputs{}).error().code, Identity::Unknown);
    }

    void olderBackendWithoutIdentities_keepsTheLocalRule()
    {
        QVERIFY(setBackend("https://old.example.com"));
        Identity id(*m_store);
        QVERIFY(id.rememberNoIdentities());
        QVERIFY(id.backendWithoutIdentities());
        QVERIFY(!id.cached());
        QCOMPARE(*id.resolve(option(QStringLiteral("script-bot"))), QStringLiteral("script-bot"));
    }

    void meAnswer_isChecked()
    {
        QVERIFY(BackendUser::fromJson({{QStringLiteral("user"), QStringLiteral("alice")},
                                       {QStringLiteral("role"), QStringLiteral("admin")}}));
        QVERIFY(!BackendUser::fromJson({{QStringLiteral("role"), QStringLiteral("admin")}}));
        QVERIFY(!BackendUser::fromJson({{QStringLiteral("user"), QStringLiteral("alice")},
                                        {QStringLiteral("role"), QStringLiteral("root")}}));
        const BackendUser wall{QStringLiteral("w"), QStringLiteral("viewer")};
        const BackendUser responder{QStringLiteral("r"), QStringLiteral("responder")};
        QVERIFY(!wall.mayWrite());
        QVERIFY(responder.mayWrite());
    }
};

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
