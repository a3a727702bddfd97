// SPDX-License-Identifier: MIT
// The workspace's triage panel, driven through its widgets offscreen: it shows the
// recorded suggestion, Accept / Reject per field (with a correction) and for all record
// feedback through the engine, an article opens below the list, and asking for a new
// suggestion without a model says why inline.
#include "unit/coretestutil.h"
#include "unit/triagesynth.h"

#include "triage/triagestore.h"
#include "ui/triage/triagepanel.h"

#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QtTest>

using namespace sitrep;
using namespace sitrep::triage;
using sitrep::testing::CoreFixture;

class TestTriagePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void panel_showsSuggestion_recordsDecisions();
    void suggestAgain_withoutModel_explainsInline();
};

static int count(CoreFixture &f, const QString &n, const QString &kind)
{
    int c = 0;
    for (const auto &e : f.store.timeline(f.get(n).uid))
        c += e.kind == kind ? 1 : 0;
    return c;
}

void TestTriagePanel::panel_showsSuggestion_recordsDecisions()
{
    CoreFixture f;
    QTemporaryDir kb;
    {
        QFile md(kb.filePath(QStringLiteral("dns.md")));
        QVERIFY(md.open(QIODevice::WriteOnly));
        md.write("# DNS resolution failures\n\n## Resolution\nFlush the resolver cache.\n");
    }
    QVERIFY(f.store.setMeta(QStringLiteral("triage.kb_dir"), kb.path()));
    const QString n =
        f.open(QStringLiteral("Internal DNS lookups failing"), QStringLiteral("high"));
    TriageResult r;
    r.incidentUid = f.get(n).uid;
    r.fields.insert(QStringLiteral("category"), {QStringLiteral("network"), 0.91});
    r.fields.insert(QStringLiteral("subcategory"), {QStringLiteral("dns"), 0.84});
    r.fields.insert(QStringLiteral("priority"), {QStringLiteral("P3"), 0.55});
    r.fields.insert(QStringLiteral("assignment_group"),
                    {QStringLiteral("Platform Engineering"), 0.8});
    r.articles << testing::articleMatch("md:dns.md", "DNS resolution failures", "markdown", 0.7);
    r.suggestedResolution = QStringLiteral("Flush the resolver cache.");
    r.modelVersion = QStringLiteral("local-v2");
    QVERIFY(recordSuggestion(f.eng(), r));

    ui::TriagePanel panel(f.eng(), f.get(n).uid, QStringLiteral("alice"));
    panel.resize(1200, 800);
    panel.show();
    auto label = [&](const QString &name) { return panel.findChild<QLabel *>(name); };
    auto button = [&](const QString &name) { return panel.findChild<QPushButton *>(name); };
    QCOMPARE(label(QStringLiteral("triageValue_category"))->text(), QStringLiteral("network"));
    QCOMPARE(panel.findChild<QProgressBar *>(QStringLiteral("triageConfidence_category"))->value(),
             91);
    QCOMPARE(label(QStringLiteral("triageResolution"))->text(),
             QStringLiteral("Flush the resolver cache."));
    QVERIFY(label(QStringLiteral("triageSource"))->text().contains(u"local-v2"));

    // Accept one field: recorded, set on the incident, the row is done.
    QTest::mouseClick(button(QStringLiteral("triageAccept_category")), Qt::LeftButton);
    QCOMPARE(count(f, n, AcceptedKind), 1);
    QCOMPARE(f.get(n).category, QStringLiteral("network"));
    QVERIFY(label(QStringLiteral("triageStatus_category"))->text().contains(u"accepted"));
    QVERIFY(!button(QStringLiteral("triageAccept_category"))->isEnabled());

    // A bad correction is refused inline and writes nothing; a good one is recorded and set.
    auto *fix = panel.findChild<QLineEdit *>(QStringLiteral("triageCorrection_priority"));
    fix->setText(QStringLiteral("P9"));
    QTest::mouseClick(button(QStringLiteral("triageReject_priority")), Qt::LeftButton);
    QVERIFY(panel.messageText().contains(u"unknown priority 'P9'"));
    QCOMPARE(count(f, n, RejectedKind), 0);
    fix->setText(QStringLiteral("P1"));
    QTest::mouseClick(button(QStringLiteral("triageReject_priority")), Qt::LeftButton);
    QCOMPARE(count(f, n, RejectedKind), 1);
    QCOMPARE(f.get(n).priority, domain::Priority::P1);
    QVERIFY(panel.messageText().isEmpty());

    // Accept all takes the two fields left.
    QTest::mouseClick(button(QStringLiteral("triageAcceptAll")), Qt::LeftButton);
    QCOMPARE(count(f, n, AcceptedKind), 3);
    QCOMPARE(f.get(n).assignmentGroup, QStringLiteral("Platform Engineering"));
    QVERIFY(!button(QStringLiteral("triageAcceptAll"))->isEnabled());
    auto st = latestSuggestion(f.store.timeline(f.get(n).uid));
    QVERIFY(st);
    QCOMPARE(st->decisions.size(), 4);

    // The article opens below the list, with its file.
    auto *arts = panel.findChild<QTreeWidget *>(QStringLiteral("triageArticles"));
    QCOMPARE(arts->topLevelItemCount(), 1);
    QCOMPARE(arts->topLevelItem(0)->text(0), QStringLiteral("70%"));
    arts->setCurrentItem(arts->topLevelItem(0));
    QVERIFY(panel.articleText().contains(u"Flush the resolver cache."));
    QVERIFY(button(QStringLiteral("triageOpenFile"))->isEnabled());
}

void TestTriagePanel::suggestAgain_withoutModel_explainsInline()
{
    CoreFixture f;
    const QString n = f.open(QStringLiteral("Checkout returning 502"), QStringLiteral("high"));
    ui::TriagePanel panel(f.eng(), f.get(n).uid, QStringLiteral("alice"));
    QVERIFY(!panel.current());
    QVERIFY(panel.findChild<QLabel *>(QStringLiteral("triageSource"))
                ->text()
                .contains(u"No triage suggestion yet"));
    panel.suggestAgain();
    QTRY_VERIFY_WITH_TIMEOUT(panel.messageText().contains(u"no triage model"), 10000);
    QCOMPARE(count(f, n, SuggestedKind), 0);
    QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("triageSuggest"))->isEnabled());
}

QTEST_MAIN(TestTriagePanel)
#include "tst_triagepanel.moc"
