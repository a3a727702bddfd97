// SPDX-License-Identifier: MIT
// The status-bar sync label: who the token belongs to, then the sync state; a refused token
// stands out like being offline with changes waiting.
#include "sync/syncservice.h"
#include "ui/settings/statuslabel.h"

#include <QtTest>

#include <memory>

using namespace sitrep;

class TestSyncStatusLabel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identity_isShownBeforeTheState()
    {
        sync::SyncStatus status;
        const std::unique_ptr<ui::SettingsStatusLabel> label(ui::syncStatusLabel(status));
        status.update(true, 0, 0, {});
        QCOMPARE(label->text(), QStringLiteral("⇅ Sync: in sync"));
        status.setIdentity(QStringLiteral("alice (commander)"));
        QCOMPARE(label->text(), QStringLiteral("⇅ Sync: alice (commander) · in sync"));
        status.update(true, 3, 1, {});
        QVERIFY2(label->text().contains(u"alice (commander) · syncing, 3 change(s) waiting, 1 "
                                        u"change(s) refused by the back end"),
                 qPrintable(label->text()));
    }

    void refusedToken_isShownAsAProblem()
    {
        sync::SyncStatus status;
        const std::unique_ptr<ui::SettingsStatusLabel> label(ui::syncStatusLabel(status));
        status.setIdentity(QStringLiteral("alice (responder)"));
        status.update(true, 2, 0, QStringLiteral("HTTP 401: token revoked"));
        QVERIFY(label->text().startsWith(u"⇅ "));
        status.setUnauthorized(true);
        QVERIFY2(label->text().startsWith(u"⚠ ") &&
                     label->text().contains(u"token refused, 2 change(s) waiting"),
                 qPrintable(label->text()));
        QVERIFY(label->toolTip().contains(u"token revoked"));
        QVERIFY(label->styleSheet().contains(u"bold"));
        status.setUnauthorized(false);
        QVERIFY(label->text().startsWith(u"⇅ "));
    }
};

QTEST_MAIN(TestSyncStatusLabel)
#include "tst_syncstatuslabel.moc"
