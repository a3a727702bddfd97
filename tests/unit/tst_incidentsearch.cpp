// SPDX-License-Identifier: MIT
// Search finds what people type in the middle of an outage: the start of a word ("check",
// "502"), a service, an assignee or a team, in the war-room list, the palette and the
// command line alike; and an older database's search documents learn the same.
#include "pm_fixture.h"

#include "query/incidentquery.h"
#include "store/sqlite.h"

#include <QtTest>

using namespace sitrep;
using namespace pmtest;

class TestIncidentSearch : public QObject {
    Q_OBJECT

    /// Titles the list shows for `text` (the list's own SQL, as the lazy model runs it).
    static QStringList listTitles(Env &env, const QString &text)
    {
        query::IncidentFilter f;
        f.search = text;
        query::IncidentQuery q(f, query::IncidentSort::Created, true);
        q.planSearch(env.store.db());
        QList<QVariant> binds;
        const QString sql = q.offsetPageSql(0, 100, binds);
        QStringList out;
        if (auto *s = env.store.db().prepare(sql)) {
            s->bindAll(binds);
            while (s->step())
                out << query::IncidentQuery::readRow(*s).title;
            s->reset();
        }
        out.sort();
        return out;
    }
    static QStringList storeTitles(Env &env, const QString &text)
    {
        store::ListQuery q;
        q.search = text;
        QStringList out;
        for (const auto &i : env.store.list(q))
            out << i.title;
        out.sort();
        return out;
    }
    static QStringList paletteTitles(Env &env, const QString &text)
    {
        QStringList out;
        for (const auto &r : query::quickFind(env.store, text, 20))
            out << r.title;
        out.sort();
        return out;
    }

    void seed(Env &env)
    {
        env.run(
            Command::open({{QStringLiteral("title"), QStringLiteral("Checkout 502s in eu-west-1")},
                           {QStringLiteral("severity"), QStringLiteral("high")},
                           {QStringLiteral("services"), QJsonArray{QStringLiteral("checkout-api")}},
                           {QStringLiteral("assignee"), QStringLiteral("priya.raman")},
                           {QStringLiteral("assignment_group"), QStringLiteral("Payments")}}),
            T0);
        env.run(
            Command::open({{QStringLiteral("title"), QStringLiteral("Ledger totals drift")},
                           {QStringLiteral("severity"), QStringLiteral("medium")},
                           {QStringLiteral("services"),
                            QJsonArray{QStringLiteral("ledger"), QStringLiteral("payments-api")}},
                           {QStringLiteral("assignee"), QStringLiteral("marcus.lee")}}),
            T0 + Min);
        env.run(Command::open({{QStringLiteral("title"), QStringLiteral("CDN cache misses")},
                               {QStringLiteral("severity"), QStringLiteral("low")},
                               {QStringLiteral("services"), QJsonArray{QStringLiteral("cdn")}}}),
                T0 + 2 * Min);
    }

private Q_SLOTS:
    void prefixes_findTheStartOfAWord()
    {
        Env env;
        seed(env);
        const QStringList checkout{QStringLiteral("Checkout 502s in eu-west-1")};
        for (const QString &typed : {QStringLiteral("check"), QStringLiteral("502"),
                                     QStringLiteral("Checkout 50"), QStringLiteral("eu-we")}) {
            QCOMPARE(listTitles(env, typed), checkout);
            QCOMPARE(storeTitles(env, typed), checkout);
            QCOMPARE(paletteTitles(env, typed), checkout);
        }
        QVERIFY(listTitles(env, QStringLiteral("zebra")).isEmpty());
        // In double quotes a word is matched exactly.
        QVERIFY(listTitles(env, QStringLiteral("\"check\"")).isEmpty());
        QCOMPARE(listTitles(env, QStringLiteral("\"checkout\"")), checkout);
        // Punctuation alone is no search and no error.
        QCOMPARE(query::IncidentQuery::ftsQuery(QStringLiteral(" - ")), QString());
        QCOMPARE(query::IncidentQuery::ftsQuery(QStringLiteral("a\"b")),
                 QStringLiteral("\"a\"\"b\"*"));
    }

    void servicesAssigneesAndGroups_areFound()
    {
        Env env;
        seed(env);
        QCOMPARE(listTitles(env, QStringLiteral("ledger")),
                 QStringList{QStringLiteral("Ledger totals drift")});
        QCOMPARE(listTitles(env, QStringLiteral("payments-api")),
                 QStringList{QStringLiteral("Ledger totals drift")});
        QCOMPARE(listTitles(env, QStringLiteral("priya")),
                 QStringList{QStringLiteral("Checkout 502s in eu-west-1")});
        QCOMPARE(storeTitles(env, QStringLiteral("marcus.lee")),
                 QStringList{QStringLiteral("Ledger totals drift")});
        QCOMPARE(paletteTitles(env, QStringLiteral("payments")),
                 (QStringList{QStringLiteral("Checkout 502s in eu-west-1"),
                              QStringLiteral("Ledger totals drift")}));
        // A new assignee is found at once, the old one no longer.
        domain::Incident ledger;
        for (const auto &i : env.store.list(store::ListQuery{}))
            if (i.title == u"Ledger totals drift")
                ledger = i;
        QVERIFY(
            !env.run(Command::make(Command::Kind::Assign, ledger.uid,
                                   {{QStringLiteral("assignee"), QStringLiteral("sofia.rossi")}},
                                   QStringLiteral("dana")),
                     T0 + 5 * Min)
                 .isEmpty());
        const auto cdn = listTitles(env, QStringLiteral("sofia"));
        QCOMPARE(cdn.size(), 1);
        QVERIFY(listTitles(env, QStringLiteral("marcus")).isEmpty());
        // Rebuilding the projection writes the same documents.
        QVERIFY(env.store.rebuildProjection().ok());
        QCOMPARE(listTitles(env, QStringLiteral("sofia")), cdn);
        QCOMPARE(listTitles(env, QStringLiteral("ledger")),
                 QStringList{QStringLiteral("Ledger totals drift")});
    }

    void olderDatabase_searchDocumentsAreRewritten()
    {
        Env env;
        seed(env);
        // As a database written before services and people were searchable.
        auto &db = env.store.db();
        QVERIFY(db.exec(QStringLiteral("DELETE FROM search WHERE rowid < 1000000000000")).ok());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO search(rowid, body, incident) SELECT id, "
                                       "number || ' ' || title || char(10) || "
                                       "description, id FROM incidents"))
                    .ok());
        QVERIFY(
            db.exec(QStringLiteral("DELETE FROM schema_migrations WHERE name LIKE '0810%'")).ok());
        QVERIFY(listTitles(env, QStringLiteral("priya")).isEmpty());
        store::Store again;
        QVERIFY(again.open(env.dbPath()).ok()); // migrations run
        store::ListQuery q;
        q.search = QStringLiteral("priya");
        QCOMPARE(again.list(q).size(), 1);
        QCOMPARE(again.list(q).first().title, QStringLiteral("Checkout 502s in eu-west-1"));
        q.search = QStringLiteral("check");
        QCOMPARE(again.list(q).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestIncidentSearch)
#include "tst_incidentsearch.moc"
