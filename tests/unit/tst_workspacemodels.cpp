// SPDX-License-Identifier: MIT
// Evidence and status-update models of the incident workspace: a new list is applied as
// row inserts, removals and changes, never as a reset while the order of kept rows holds.

#include "itemmodels/workspacemodels.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace sitrep::itemmodels;

static EvidenceItem link(qint64 at, const QString &url, const QString &title = {})
{
    EvidenceItem e;
    e.kind = QStringLiteral("link");
    e.url = url;
    e.title = title.isEmpty() ? url : title;
    e.at = at;
    e.actor = QStringLiteral("alice");
    return e;
}

static StatusUpdateItem update(qint64 at, const QString &msg,
                               const QString &visibility = QStringLiteral("internal"))
{
    StatusUpdateItem u;
    u.at = at;
    u.message = msg;
    u.actor = QStringLiteral("bob");
    u.visibility = visibility;
    u.status = QStringLiteral("investigating");
    return u;
}

class TestWorkspaceModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void evidence_appendIsAnInsertAndKeepsRows()
    {
        EvidenceModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setItems({link(1, QStringLiteral("https://a")), link(2, QStringLiteral("https://b"))});
        QCOMPARE(m.rowCount(), 2);
        QPersistentModelIndex first(m.index(0, EvidenceModel::Title));
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        m.setItems({link(1, QStringLiteral("https://a")), link(2, QStringLiteral("https://b")),
                    link(3, QStringLiteral("https://c"))});
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 2);
        QCOMPARE(reset.size(), 0);
        QVERIFY(first.isValid());
        QCOMPARE(first.data().toString(), QStringLiteral("https://a"));
        QCOMPARE(m.index(2, EvidenceModel::Title).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("https://c"));
    }

    void evidence_removalAndEditAreRowNotifications()
    {
        EvidenceModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setItems({link(1, QStringLiteral("https://a")), link(2, QStringLiteral("https://b")),
                    link(3, QStringLiteral("https://c"))});
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        m.setItems({link(1, QStringLiteral("https://a")),
                    link(3, QStringLiteral("https://c"), QStringLiteral("Trace of the timeout"))});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(m.index(1, EvidenceModel::Title).data().toString(),
                 QStringLiteral("Trace of the timeout"));
        QCOMPARE(reset.size(), 0);
        // Same list again: no notification at all.
        m.setItems(m.items());
        QCOMPARE(changed.size(), 1);
    }

    void evidence_reorderedRowsReset()
    {
        EvidenceModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setItems({link(1, QStringLiteral("https://a")), link(2, QStringLiteral("https://b"))});
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        m.setItems({link(2, QStringLiteral("https://b")), link(1, QStringLiteral("https://a"))});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(m.index(0, EvidenceModel::Title).data().toString(), QStringLiteral("https://b"));
    }

    void evidence_sameLinkTwiceIsTwoRows()
    {
        EvidenceModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setItems({link(1, QStringLiteral("https://a")), link(1, QStringLiteral("https://a"))});
        QCOMPARE(m.rowCount(), 2);
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        m.setItems({link(1, QStringLiteral("https://a")), link(1, QStringLiteral("https://a")),
                    link(1, QStringLiteral("https://a"))});
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(inserted.size(), 1);
    }

    void statusUpdates_appendAndAudience()
    {
        StatusUpdateModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setItems({update(10, QStringLiteral("Investigating elevated errors"))});
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        m.setItems(
            {update(10, QStringLiteral("Investigating elevated errors")),
             update(20, QStringLiteral("Mitigated, monitoring"), QStringLiteral("external"))});
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(m.index(1, StatusUpdateModel::Audience).data().toString(),
                 QStringLiteral("External"));
        QCOMPARE(m.index(1, StatusUpdateModel::Message).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Mitigated, monitoring"));
        QCOMPARE(m.index(0, StatusUpdateModel::Audience).data().toString(),
                 QStringLiteral("Internal"));
        m.setItems({});
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(reset.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceModels)
#include "tst_workspacemodels.moc"
