// SPDX-License-Identifier: MIT
// The row reader: columns read in SELECT order with their types checked, and a row whose
// reads do not match its columns (too few, too many, a wrong type) reported by error() or,
// when nobody asked, by a warning when the reader goes out of scope.
#include "store/sqlite.h"

#include <QtTest>

using namespace sitrep::store;

class TstRowReader : public QObject {
    Q_OBJECT

    Db m_db;

    // The one row of `sql`, stepped; the statement stays valid until the next call.
    Stmt *row(const QString &sql)
    {
        Stmt *s = m_db.prepare(sql);
        if (!s || !s->step())
            return nullptr;
        return s;
    }

private slots:
    void initTestCase() { QVERIFY(m_db.open(QStringLiteral(":memory:"))); }

    void readsColumnsInOrder()
    {
        Stmt *s = row(QStringLiteral("SELECT 7 AS id, 'seven' AS name, 2.5 AS ratio, "
                                     "x'0102' AS raw, NULL AS gone"));
        QVERIFY(s);
        RowReader r(*s);
        QCOMPARE(r.columnCount(), 5);
        QCOMPARE(r.int64(), qint64(7));
        QCOMPARE(r.text(), QStringLiteral("seven"));
        QCOMPARE(r.real(), 2.5);
        QCOMPARE(r.blob(), QByteArray("\x01\x02", 2));
        QVERIFY(r.isNull());
        QCOMPARE(r.column(), 4); // peeking does not move
        QCOMPARE(r.text(), QString());
        QCOMPARE(r.error(), QString());
    }

    void nullReadsAsZeroOrEmpty()
    {
        Stmt *s = row(QStringLiteral("SELECT NULL, NULL, NULL, NULL"));
        QVERIFY(s);
        RowReader r(*s);
        QCOMPARE(r.int64(), qint64(0));
        QCOMPARE(r.real(), 0.0);
        QVERIFY(r.text().isNull());
        QVERIFY(r.blob().isNull());
        QCOMPARE(r.error(), QString());
    }

    void lenientConversions()
    {
        // What SQLite converts without loss of meaning: numbers as text, integers and floats
        // as either number, text as bytes.
        Stmt *s = row(QStringLiteral("SELECT 42, 3.0, 4, 'abc'"));
        QVERIFY(s);
        RowReader r(*s);
        QCOMPARE(r.text(), QStringLiteral("42"));
        QCOMPARE(r.int64(), qint64(3));
        QCOMPARE(r.real(), 4.0);
        QCOMPARE(r.blob(), QByteArray("abc"));
        QCOMPARE(r.error(), QString());
    }

    void skipCountsAsRead()
    {
        Stmt *s = row(QStringLiteral("SELECT 1, 2, 3"));
        QVERIFY(s);
        {
            RowReader r(*s);
            r.skip(2);
            QCOMPARE(r.int64(), qint64(3));
            QCOMPARE(r.error(), QString());
        }
        RowReader r(*s);
        r.skip(4);
        QCOMPARE(r.error(), QStringLiteral("read column 3 of a row of 3 columns"));
    }

    void readsThatDoNotMatchTheRow_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QStringList>("reads");   // in order: int64, real, text or blob
        QTest::addColumn<QVariantList>("values"); // what each read gave
        QTest::addColumn<QString>("error");
        const QString empty;
        QTest::newRow("too few reads")
            << QStringLiteral("SELECT 1, 2, 3") << QStringList{"int64", "int64"}
            << QVariantList{qint64(1), qint64(2)} << QStringLiteral("read 2 of 3 columns");
        // Past the end: empty, and an error.
        QTest::newRow("too many reads")
            << QStringLiteral("SELECT 1, 2") << QStringList{"int64", "int64", "text"}
            << QVariantList{qint64(1), qint64(2), empty}
            << QStringLiteral("read column 2 of a row of 2 columns");
        QTest::newRow("text as int64")
            << QStringLiteral("SELECT 1 AS a, 'x' AS b") << QStringList{"int64", "int64"}
            << QVariantList{qint64(1), qint64(0)}
            << QStringLiteral("column 1 (b) holds text, read as a number");
        QTest::newRow("text as real")
            << QStringLiteral("SELECT 1 AS a, '2.5' AS b") << QStringList{"int64", "real"}
            << QVariantList{qint64(1), 0.0}
            << QStringLiteral("column 1 (b) holds text, read as a number");
        QTest::newRow("blob as text")
            << QStringLiteral("SELECT 1 AS a, x'00' AS uid") << QStringList{"int64", "text"}
            << QVariantList{qint64(1), empty}
            << QStringLiteral("column 1 (uid) holds blob, read as text");
        QTest::newRow("integer as blob")
            << QStringLiteral("SELECT 1 AS a, 5 AS n") << QStringList{"int64", "blob"}
            << QVariantList{qint64(1), QByteArray()}
            << QStringLiteral("column 1 (n) holds integer, read as a blob");
        QTest::newRow("first error wins")
            << QStringLiteral("SELECT 'a' AS first, 'b' AS second")
            << QStringList{"int64", "int64", "int64"}
            << QVariantList{qint64(0), qint64(0), qint64(0)}
            << QStringLiteral("column 0 (first) holds text, read as a number");
    }

    void readsThatDoNotMatchTheRow()
    {
        QFETCH(QString, sql);
        QFETCH(QStringList, reads);
        QFETCH(QVariantList, values);
        QFETCH(QString, error);
        Stmt *s = row(sql);
        QVERIFY(s);
        RowReader r(*s);
        QVariantList got;
        for (const QString &as : std::as_const(reads)) {
            if (as == u"int64")
                got << r.int64();
            else if (as == u"real")
                got << r.real();
            else if (as == u"text")
                got << r.text();
            else
                got << r.blob();
        }
        QCOMPARE(got, values);
        QCOMPARE(r.error(), error);
    }

    void valueOfAnyColumn()
    {
        Stmt *s = row(QStringLiteral("SELECT NULL, 1, 1.5, 'x', x'ff'"));
        QVERIFY(s);
        RowReader r(*s);
        QVERIFY(r.value().isNull());
        QCOMPARE(r.value(), QVariant(qint64(1)));
        QCOMPARE(r.value(), QVariant(1.5));
        QCOMPARE(r.value(), QVariant(QStringLiteral("x")));
        QCOMPARE(r.value(), QVariant(QByteArray("\xff", 1)));
        QCOMPARE(r.error(), QString());
    }

    void everyRowOfAQuery()
    {
        QVERIFY(m_db.exec(QStringLiteral("CREATE TABLE t(id INTEGER, name TEXT);"
                                         "INSERT INTO t VALUES(1, 'one'), (2, 'two')")));
        Stmt *s = m_db.prepare(QStringLiteral("SELECT id, name FROM t ORDER BY id"));
        QVERIFY(s);
        QStringList out;
        while (s->step()) {
            RowReader r(*s);
            const qint64 id = r.int64();
            out << QString::number(id) + u'=' + r.text();
            QCOMPARE(r.error(), QString());
        }
        QCOMPARE(out, (QStringList{QStringLiteral("1=one"), QStringLiteral("2=two")}));
    }

    void unaskedMismatchWarns()
    {
#ifndef QT_NO_DEBUG
        QSKIP("debug builds assert on a mismatched row instead of warning");
#else
        Stmt *s = row(QStringLiteral("SELECT 1, 2"));
        QVERIFY(s);
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral(
                              "row does not match its reads: read 1 of 2 columns.*SELECT 1, 2")));
        {
            RowReader r(*s);
            r.int64();
        }
        // A reader whose error() was asked does not warn again.
        RowReader r(*s);
        QVERIFY(!r.error().isEmpty());
#endif
    }
};

QTEST_GUILESS_MAIN(TstRowReader)
#include "tst_rowreader.moc"
