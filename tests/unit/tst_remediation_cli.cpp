// SPDX-License-Identifier: MIT
// The remediation command line, run as the real binary: maintenance windows and changes
// (add, list, end, rm, with clear errors), a preview showing which control stops an
// action, settings, a dry-run decision and the audit export.
#include "remediation/remediator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestRemediationCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString db() const { return m_dir.filePath(QStringLiteral("cli.db")); }

    struct Run {
        int code = -1;
        QString out;
        QString err;
    };
    Run sitrep(QStringList args, const QByteArray &now = "2026-03-02T10:00:00Z")
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SITREP_NOW"), QString::fromLatin1(now));
        env.insert(QStringLiteral("USER"), QStringLiteral("alice"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        args << QStringLiteral("--db") << db();
        p.start(QStringLiteral(SITREP_BINARY), args);
        if (!p.waitForFinished(30000))
            return {};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void maintenance_addListEndRemove()
    {
        Run r =
            sitrep({QStringLiteral("maintenance"), QStringLiteral("add"), QStringLiteral("--ci"),
                    QStringLiteral("orders-db"), QStringLiteral("--start"),
                    QStringLiteral("2026-03-02T09:30:00Z"), QStringLiteral("--duration"),
                    QStringLiteral("2h"), QStringLiteral("--reason"), QStringLiteral("upgrade")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString id = r.out.trimmed();
        QVERIFY(id.toInt() > 0);
        r = sitrep(
            {QStringLiteral("maintenance"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].toObject()[u"ci"].toString(), QStringLiteral("orders-db"));
        QCOMPARE(list[0].toObject()[u"active"].toBool(), true);
        QCOMPARE(list[0].toObject()[u"created_by"].toString(), QStringLiteral("alice"));
        QCOMPARE(list[0].toObject()[u"ends_at"].toString(), QStringLiteral("2026-03-02T11:30:00Z"));
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("end"), id},
                   "2026-03-02T10:15:00Z");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("list")}, "2026-03-02T10:20:00Z");
        QCOMPARE(r.out.trimmed(), QString()); // ended: not listed without --all
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("list"), QStringLiteral("--all")},
                   "2026-03-02T10:20:00Z");
        QVERIFY(r.out.contains(QStringLiteral("ended")));
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("rm"), id});
        QCOMPARE(r.code, 0);
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("rm"), id});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("no maintenance window")));
    }

    void maintenance_badInputIsRefused()
    {
        Run r =
            sitrep({QStringLiteral("maintenance"), QStringLiteral("add"), QStringLiteral("--ci"),
                    QStringLiteral("x"), QStringLiteral("--duration"), QStringLiteral("soon")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("--duration 'soon'")));
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("add"), QStringLiteral("--ci"),
                    QStringLiteral("x"), QStringLiteral("--start"),
                    QStringLiteral("2026-03-02T12:00:00Z"), QStringLiteral("--end"),
                    QStringLiteral("2026-03-02T11:00:00Z")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("end after it starts")));
        r = sitrep({QStringLiteral("maintenance"), QStringLiteral("add"),
                    QStringLiteral("--duration"), QStringLiteral("1h")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("configuration item")));
        QCOMPARE(sitrep({QStringLiteral("maintenance"), QStringLiteral("frobnicate")}).code, 2);
    }

    void change_addListRemove_andItBlocksRemediation()
    {
        Run r = sitrep({QStringLiteral("change"), QStringLiteral("add"), QStringLiteral("--ci"),
                        QStringLiteral("cart-db"), QStringLiteral("--summary"),
                        QStringLiteral("max_connections 500"), QStringLiteral("--ref"),
                        QStringLiteral("CHG0001"), QStringLiteral("--at"),
                        QStringLiteral("2026-03-02T09:50:00Z")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString id = r.out.trimmed();
        r = sitrep({QStringLiteral("change"), QStringLiteral("list")});
        QVERIFY(r.out.contains(QStringLiteral("CHG0001")));
        QVERIFY(sitrep({QStringLiteral("change"), QStringLiteral("add"), QStringLiteral("--ci"),
                        QStringLiteral("cart-db")})
                    .err.contains(QStringLiteral("summary")));
        // An incident on that service, categorised by a person: the change stops the action.
        r = sitrep({QStringLiteral("create"), QStringLiteral("--title"),
                    QStringLiteral("cart db down"), QStringLiteral("--severity"),
                    QStringLiteral("high"), QStringLiteral("--service"), QStringLiteral("cart-db"),
                    QStringLiteral("--category"), QStringLiteral("database"),
                    QStringLiteral("--workflow"), QStringLiteral("pipeline")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString number = r.out.trimmed();
        r = sitrep({QStringLiteral("remediation"), QStringLiteral("preview"), number});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject preview = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(preview[u"decision"].toString(), QStringLiteral("remediation.skipped"));
        QCOMPARE(preview[u"control"].toString(), QStringLiteral("recent_change"));
        QVERIFY(preview[u"reason"].toString().contains(QStringLiteral("CHG0001")));
        // 31 minutes after the change it would go ahead.
        r = sitrep({QStringLiteral("remediation"), QStringLiteral("preview"), number},
                   "2026-03-02T10:21:00Z");
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()[u"decision"].toString(),
                 QStringLiteral("remediation.queued"));
        QCOMPARE(sitrep({QStringLiteral("change"), QStringLiteral("rm"), id}).code, 0);
    }

    void remediation_configAndAuditExport()
    {
        QCOMPARE(
            sitrep({QStringLiteral("remediation"), QStringLiteral("config"), QStringLiteral("set"),
                    QStringLiteral("remediation.dry_run"), QStringLiteral("true")})
                .code,
            0);
        Run r =
            sitrep({QStringLiteral("remediation"), QStringLiteral("config"), QStringLiteral("set"),
                    QStringLiteral("remediation.queue.p1"), QStringLiteral("p1")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral(".fifo")));
        r = sitrep(
            {QStringLiteral("remediation"), QStringLiteral("config"), QStringLiteral("list")});
        QVERIFY(r.out.contains(QStringLiteral("remediation.dry_run = true")));
        QVERIFY(r.out.contains(QStringLiteral("remediation.audit_retention_days = 2557")));
        // A decision in dry-run mode is audited as skipped. `run --once` decides, sends
        // nothing, then fails on the results queue: nothing listens on that endpoint.
        r = sitrep({QStringLiteral("create"), QStringLiteral("--title"),
                    QStringLiteral("cache poisoned"), QStringLiteral("--severity"),
                    QStringLiteral("medium"), QStringLiteral("--service"), QStringLiteral("edge"),
                    QStringLiteral("--category"), QStringLiteral("cache")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString number = r.out.trimmed();
        r = sitrep({QStringLiteral("remediation"), QStringLiteral("run"), QStringLiteral("--once"),
                    QStringLiteral("--endpoint"), QStringLiteral("http://127.0.0.1:9/"),
                    QStringLiteral("--wait"), QStringLiteral("0")});
        QCOMPARE(r.code, 1);
        r = sitrep({QStringLiteral("remediation"), QStringLiteral("list"),
                    QStringLiteral("--incident"), number, QStringLiteral("--json")});
        const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].toObject()[u"control"].toString(), QStringLiteral("dry_run"));
        const QString csv = m_dir.filePath(QStringLiteral("audit.csv"));
        r = sitrep({QStringLiteral("remediation"), QStringLiteral("audit"),
                    QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--out"),
                    csv});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.startsWith("id,recorded_at,incident,"));
        QVERIFY(text.contains(",lambda_invoke,edge-flush-cache,skipped,dry_run,"));
        r = sitrep({QStringLiteral("remediation"), QStringLiteral("audit"),
                    QStringLiteral("--format"), QStringLiteral("xml"), QStringLiteral("--out"),
                    csv});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("csv or json")));
        QVERIFY(!sitrep({QStringLiteral("remediation"), QStringLiteral("retry"),
                         QStringLiteral("nope")})
                     .err.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRemediationCli)
#include "tst_remediation_cli.moc"
