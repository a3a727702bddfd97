// SPDX-License-Identifier: MIT
// The rules an incident's fields follow: one function each in the core, applied the same
// way by the engine (open, set, assign) as by the window and the command line.
#include "coretestutil.h"

#include "engine/fieldrules.h"

#include <QJsonArray>
#include <QTest>

using namespace sitrep;
using namespace sitrep::engine;

class TestFieldRules : public QObject {
    Q_OBJECT

    Result<Outcome> set(testing::CoreFixture &fx, const QString &n, const QString &field,
                        const QJsonValue &value)
    {
        return fx.run(Command::Kind::SetField, n,
                      {{QStringLiteral("field"), field}, {QStringLiteral("value"), value}});
    }

private Q_SLOTS:
    void title_upTo300CharactersEverywhere()
    {
        QVERIFY(rules::checkTitle(QStringLiteral("Checkout 502s")));
        QVERIFY(!rules::checkTitle(QStringLiteral("   ")));
        QVERIFY(rules::checkTitle(QString(300, u'x')));
        QVERIFY(!rules::checkTitle(QString(301, u'x')));

        testing::CoreFixture fx;
        // A 250-character title (an alert's, say) opens, and stays editable: the same limit.
        const QString n = fx.open(QString(250, u'a'), QStringLiteral("high"));
        QVERIFY(set(fx, n, QStringLiteral("title"), QString(300, u'b')));
        QCOMPARE(fx.get(n).title, QString(300, u'b'));
        const auto tooLong = set(fx, n, QStringLiteral("title"), QString(301, u'c'));
        QVERIFY(!tooLong);
        QCOMPARE(tooLong.errorMessage(), rules::checkTitle(QString(301, u'c')).errorMessage());
        const auto open = fx.engine->execute(
            Command::open({{QStringLiteral("title"), QString(301, u'd')},
                           {QStringLiteral("severity"), QStringLiteral("low")}}));
        QVERIFY(!open);
        QCOMPARE(open.errorMessage(), tooLong.errorMessage());
    }

    void title_oneLineWithoutControlCharacters()
    {
        for (const QString &bad :
             {QStringLiteral("two\nlines"), QStringLiteral("tab\there"),
              QStringLiteral("red\x1b[31m"), QStringLiteral("bell\x07"),
              QStringLiteral("c1\u009b1m"), QStringLiteral("line\u2028break")}) {
            const auto r = rules::checkTitle(bad);
            QVERIFY2(!r, qPrintable(bad));
            QVERIFY2(r.errorMessage().startsWith(QStringLiteral(
                         "title must be one line of text without control characters")),
                     qPrintable(r.errorMessage()));
        }
        QCOMPARE(rules::checkTitle(QStringLiteral("a\x1b")).errorMessage(),
                 QStringLiteral(
                     "title must be one line of text without control characters (found U+001B)"));
        // Trailing line breaks are trimmed away; emoji and bidi marks are text.
        QVERIFY(rules::checkTitle(QStringLiteral("Checkout 502s\n")));
        QVERIFY(rules::checkTitle(QStringLiteral("\U0001F525 \u202Eevil")));
        // The engine applies it to new incidents and to edits alike.
        testing::CoreFixture fx;
        const QString n = fx.open(QStringLiteral("fine"), QStringLiteral("low"));
        QVERIFY(!set(fx, n, QStringLiteral("title"), QStringLiteral("not\nfine")));
        QVERIFY(!fx.engine->execute(
            Command::open({{QStringLiteral("title"), QStringLiteral("not\rfine")},
                           {QStringLiteral("severity"), QStringLiteral("low")}})));
        QCOMPARE(fx.get(n).title, QStringLiteral("fine"));
    }

    void services_personTypedNamesFollowTheRule_storedOnesStay()
    {
        QVERIFY(rules::checkServiceName(QStringLiteral("checkout-api")));
        QVERIFY(rules::checkServiceName(QStringLiteral("eu/payments_v2.1")));
        QVERIFY(!rules::checkServiceName(QStringLiteral("bad name!")));
        QVERIFY(!rules::checkServiceName(QStringLiteral("-leading")));
        QVERIFY(!rules::checkServiceName(QString(65, u's')));
        QCOMPARE(rules::splitServices(QStringLiteral(" a, b ,,a\nc ")),
                 QStringList({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));

        testing::CoreFixture fx;
        const QString n =
            fx.open({{QStringLiteral("title"), QStringLiteral("Checkout down")},
                     {QStringLiteral("severity"), QStringLiteral("high")},
                     {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout")}}});
        const auto bad = set(fx, n, QStringLiteral("services"),
                             QJsonArray{QStringLiteral("checkout"), QStringLiteral("bad name!")});
        QVERIFY(!bad);
        QVERIFY2(bad.errorMessage().contains(QStringLiteral("'bad name!' is not a service name")),
                 qPrintable(bad.errorMessage()));
        QCOMPARE(fx.get(n).services, QStringList{QStringLiteral("checkout")});
        QVERIFY(!fx.engine->execute(Command::open(
            {{QStringLiteral("title"), QStringLiteral("x")},
             {QStringLiteral("severity"), QStringLiteral("low")},
             {QStringLiteral("services"), QJsonArray{QStringLiteral("no spaces please")}}})));
        // An alert source's spelling is kept as sent, and stays valid when a person edits.
        const QString alert =
            fx.open({{QStringLiteral("title"), QStringLiteral("Disk full")},
                     {QStringLiteral("severity"), QStringLiteral("low")},
                     {QStringLiteral("source"), QStringLiteral("grafana")},
                     {QStringLiteral("services"), QJsonArray{QStringLiteral("Billing DB")}}});
        QVERIFY(set(fx, alert, QStringLiteral("services"),
                    QJsonArray{QStringLiteral("Billing DB"), QStringLiteral("billing-api")}));
        QCOMPARE(fx.get(alert).services,
                 QStringList({QStringLiteral("Billing DB"), QStringLiteral("billing-api")}));
    }

    void assignmentGroup_knownGroupsOnly_inTheirSpelling()
    {
        testing::CoreFixture fx;
        const auto &oc = fx.eng().oncall();
        QCOMPARE(*rules::checkAssignmentGroup(oc, QStringLiteral("payments")),
                 QStringLiteral("Payments"));
        QCOMPARE(*rules::checkAssignmentGroup(oc, QString()), QString());
        QVERIFY(!rules::checkAssignmentGroup(oc, QStringLiteral("Nope")));
        QCOMPARE(*rules::checkAssignmentGroup(oc, QStringLiteral("Legacy Team"),
                                              QStringLiteral("Legacy Team")),
                 QStringLiteral("Legacy Team"));

        const QString n = fx.open(QStringLiteral("Card payments failing"), QStringLiteral("high"));
        // `set` used to store any text as the group.
        const auto bad = set(fx, n, QStringLiteral("assignment_group"), QStringLiteral("Nope"));
        QVERIFY(!bad);
        QVERIFY2(bad.errorMessage().contains(QStringLiteral("unknown assignment group 'Nope'")),
                 qPrintable(bad.errorMessage()));
        QVERIFY(set(fx, n, QStringLiteral("assignment_group"), QStringLiteral("payments")));
        QCOMPARE(fx.get(n).assignmentGroup, QStringLiteral("Payments"));
        // Assign follows the same rule, with the same words.
        const auto assign =
            fx.run(Command::Kind::Assign, n, {{QStringLiteral("group"), QStringLiteral("Nope")}});
        QVERIFY(!assign);
        QCOMPARE(assign.errorMessage(), bad.errorMessage());
        // History opened with a group the schedule lacks (an import) keeps it, and stays editable.
        const QString old =
            fx.open({{QStringLiteral("title"), QStringLiteral("Imported")},
                     {QStringLiteral("severity"), QStringLiteral("low")},
                     {QStringLiteral("assignment_group"), QStringLiteral("Legacy Team")}});
        QCOMPARE(fx.get(old).assignmentGroup, QStringLiteral("Legacy Team"));
        QVERIFY(set(fx, old, QStringLiteral("title"), QStringLiteral("Imported, edited")));
        QVERIFY(set(fx, old, QStringLiteral("assignment_group"), QStringLiteral("Legacy Team")));
    }

    void priority_fromImpactAndUrgency_elseSeverity()
    {
        testing::CoreFixture fx;
        const auto &m = fx.eng().workflow().matrix();
        const QString hi = m.impacts().first(), lo = m.urgencies().last();
        QCOMPARE(rules::derivedPriority(m, hi, m.urgencies().first(), domain::Severity::Low),
                 m.at(0, 0));
        QCOMPARE(rules::derivedPriority(m, hi, QString(), domain::Severity::High),
                 domain::priorityForSeverity(domain::Severity::High));
        QCOMPARE(rules::derivedPriority(m, QString(), QString(), domain::Severity::Unknown),
                 domain::Priority::None);

        const QString n = fx.open(QStringLiteral("Checkout slow"), QStringLiteral("medium"));
        QVERIFY(set(fx, n, QStringLiteral("severity"), QStringLiteral("critical")));
        QCOMPARE(fx.get(n).priority, rules::derivedPriority(m, {}, {}, domain::Severity::Critical));
        QVERIFY(set(fx, n, QStringLiteral("impact"), hi));
        QVERIFY(set(fx, n, QStringLiteral("urgency"), lo));
        QCOMPARE(fx.get(n).priority, rules::derivedPriority(m, hi, lo, domain::Severity::Critical));
    }
};

QTEST_GUILESS_MAIN(TestFieldRules)
#include "tst_fieldrules.moc"
