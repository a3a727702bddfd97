// SPDX-License-Identifier: MIT
// The incident's inline error for changes the back end refused (sync.rejected events).
#include "domain/synckinds.h"
#include "host/appcontext.h"
#include "ui/sync/refusalbanner.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;
using engine::Command;

class TestRefusalBanner : public QObject {
    Q_OBJECT

    static Result<engine::Outcome> refuse(host::AppContext &ctx, const QString &uid,
                                          const QString &message)
    {
        return ctx.engine().execute(Command::make(
            Command::Kind::Record, uid,
            {{QStringLiteral("kind"), domain::kinds::SyncRejected},
             {QStringLiteral("payload"), QJsonObject{{QStringLiteral("message"), message}}}},
            engine::SystemActor));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void hiddenWithoutRefusals_showsTheLatestOtherwise()
    {
        QTemporaryDir dir;
        auto ctx = host::AppContext::open(dir.filePath(QStringLiteral("a.db")));
        QVERIFY(ctx);
        auto r = (*ctx)->engine().execute(
            Command::open({{QStringLiteral("title"), QStringLiteral("x")},
                           {QStringLiteral("severity"), QStringLiteral("low")}}));
        QVERIFY(r);
        QWidget host;
        auto *banner = new ui::RefusalBanner((*ctx)->engine(), r->incidentUid, &host);
        host.show();
        QVERIFY(banner->isHidden());
        QCOMPARE(banner->refusals(), 0);
        QVERIFY(refuse(
            **ctx, r->incidentUid,
            QStringLiteral("Not shared: the back end refused a note by bob (HTTP 403: forged)")));
        QVERIFY(banner->isVisible());
        QCOMPARE(
            banner->text(),
            QStringLiteral("⚠ Not shared: the back end refused a note by bob (HTTP 403: forged)"));
        QVERIFY(refuse(**ctx, r->incidentUid,
                       QStringLiteral("Not shared: the back end refused an approval by bob (HTTP "
                                      "403: commanders only)")));
        QCOMPARE(banner->refusals(), 2);
        QVERIFY2(banner->text().contains(u"2 change(s)") &&
                     banner->text().contains(u"commanders only"),
                 qPrintable(banner->text()));
        // Another incident's refusals are not this one's.
        auto other = (*ctx)->engine().execute(
            Command::open({{QStringLiteral("title"), QStringLiteral("y")},
                           {QStringLiteral("severity"), QStringLiteral("low")}}));
        QVERIFY(refuse(**ctx, other->incidentUid, QStringLiteral("elsewhere")));
        QCOMPARE(banner->refusals(), 2);
    }
};

QTEST_MAIN(TestRefusalBanner)
#include "tst_refusalbanner.moc"
