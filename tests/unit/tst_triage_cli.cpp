// SPDX-License-Identifier: MIT
// `sitrep triage ...` as users run it: the real binary on a temporary database filled by
// `sitrep demo` (fixed seed and clock, so every run sees the same data). Suggestions with
// values the history knows and confidences in [0, 1], --record, accept and reject written
// to the timeline and the incident, train, eval, status, automatic suggestions for new
// incidents, and bad input: non-zero exit, a reason on stderr, the database untouched.
#include "unit/clitestutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <array>

namespace {

using Run = sitrep::testing::CliRun;

// Triage command lines that must fail (each names its row), with what the error must say.
// Quotes keep "a fifth" one argument; TARGET and OTHER stand for the incidents with and
// without a suggestion.
const std::array<const char *, 2> kBadTriageCommands[] = {
    {"frobnicate", "unknown triage subcommand 'frobnicate'"},
    {"suggest INC9999999", "no incident 'INC9999999'"},
    {"suggest INC9999999 --record", "no incident 'INC9999999'"},
    {"suggest", "missing argument"},
    {"suggest TARGET OTHER", "unexpected argument 'OTHER'"},
    {"suggest TARGET --bogus", "Unknown option 'bogus'"},
    {"accept INC9999999", "no incident 'INC9999999'"},
    {"accept OTHER", "has no triage suggestion"},
    {"accept TARGET colour", "unknown triage field 'colour'"},
    {"accept TARGET category colour", "unknown triage field 'colour'"},
    {"reject TARGET", "missing argument"},
    {"reject TARGET category priority", "unexpected argument 'priority'"},
    {"reject TARGET priority --correct P9", "unknown priority 'P9'"},
    {"reject OTHER category", "has no triage suggestion"},
    {"reject TARGET priority --correct", "Missing value after '--correct'"},
    {"train now", "unexpected argument 'now'"},
    {"eval --holdout 0.95", "--holdout must be a share"},
    {"eval --holdout \"a fifth\"", "--holdout must be a share"},
    {"eval --holdout nan", "--holdout must be a share"},
    {"accept TARGET category --correct database", "--correct goes with reject"},
    {"accept TARGET --correct P1", "--correct goes with reject"},
    {"eval --holdout 0", "--holdout must be a share"},
};

// Rows of one query, each row's columns as text joined by '|'.
QStringList query(const QString &path, const QString &sql, const QStringList &binds = {})
{
    QStringList out;
    const auto db = sitrep::testing::openReadOnly(path);
    if (!db)
        return {QStringLiteral("<cannot open>")};
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.toUtf8().constData(), -1, &st, nullptr) != SQLITE_OK) {
        out << QStringLiteral("<%1: %2>").arg(sql, QString::fromUtf8(sqlite3_errmsg(db.get())));
        return out;
    }
    for (int i = 0; i < binds.size(); ++i)
        sqlite3_bind_text(st, i + 1, binds[i].toUtf8().constData(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        QStringList cols;
        for (int i = 0; i < sqlite3_column_count(st); ++i)
            cols << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, i)));
        out << cols.join(u'|');
    }
    sqlite3_finalize(st);
    return out;
}

qint64 scalar(const QString &path, const QString &sql, const QStringList &binds = {})
{
    const QStringList rows = query(path, sql, binds);
    bool ok = false;
    const qint64 v = rows.value(0).toLongLong(&ok);
    return ok ? v : -1;
}

// Everything a triage command could change: the event log, the incidents, the saved models.
QStringList snapshot(const QString &path)
{
    QStringList s;
    s << query(path, QStringLiteral("SELECT count(*), coalesce(max(seq), 0) FROM events"));
    s << query(path, QStringLiteral("SELECT hex(uid), category, subcategory, priority, "
                                    "assignment_group, updated_at FROM incidents ORDER BY id"));
    s << query(path, QStringLiteral("SELECT version, examples, resolved_count, feedback_count, "
                                    "hex(model) FROM triage_models ORDER BY version"));
    s << query(path, QStringLiteral("SELECT key, value FROM meta ORDER BY key"));
    return s;
}

// Events of one kind on one incident: "actor|payload" in log order.
QStringList eventsOf(const QString &path, const QString &number, const QString &kind)
{
    return query(
        path,
        QStringLiteral(
            "SELECT e.actor, e.payload FROM events e JOIN incidents i ON i.uid = e.incident "
            "WHERE i.number = ? AND e.kind = ? ORDER BY e.seq"),
        {number, kind});
}

QJsonObject payloadOf(const QString &row)
{
    return QJsonDocument::fromJson(row.section(u'|', 1).toUtf8()).object();
}

const QStringList kPriorities{QStringLiteral("P1"), QStringLiteral("P2"), QStringLiteral("P3"),
                              QStringLiteral("P4")};

} // namespace

class TestTriageCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_template; // demo history (resolved incidents with categories) plus two open incidents
    QString m_target;   // open: "Checkout error rate above 5%" on checkout, no category
    QString m_other;    // open: "Login failures spiking" on auth, no category
    QString m_suggested;        // a copy of the template where m_target has a recorded suggestion
    QSet<QString> m_categories; // the categories of the resolved history
    qint64 m_resolved = 0;
    int m_copies = 0;

    Run sitrep(QStringList args, const QString &db)
    {
        // After the subcommand, so that an option left without its value at the end stays so.
        if (!db.isEmpty()) {
            const qsizetype at =
                args.value(0) == u"triage" ? qMin<qsizetype>(2, args.size()) : args.size();
            args.insert(at, db);
            args.insert(at, QStringLiteral("--db"));
        }
        return sitrep::testing::runSitrep(args, m_dir.path(),
                                          QStringLiteral("2026-03-02T10:00:00Z"));
    }

    QString copyOf(const QString &from)
    {
        const QString path = m_dir.filePath(QStringLiteral("copy%1.db").arg(++m_copies));
        QFile::copy(from, path);
        for (const char *suffix : {"-wal", "-shm"})
            if (QFile::exists(from + QLatin1String(suffix)))
                QFile::copy(from + QLatin1String(suffix), path + QLatin1String(suffix));
        return path;
    }

    QString create(const QString &db, const QString &title, const QString &severity,
                   const QString &service)
    {
        const Run r =
            sitrep({QStringLiteral("create"), QStringLiteral("--title"), title,
                    QStringLiteral("--severity"), severity, QStringLiteral("--service"), service},
                   db);
        return r.code == 0 ? r.out.trimmed() : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(SITREP_BINARY)), SITREP_BINARY);
        m_template = m_dir.filePath(QStringLiteral("template.db"));
        Run r = sitrep({QStringLiteral("demo"), QStringLiteral("--incidents"),
                        QStringLiteral("150"), QStringLiteral("--seed"), QStringLiteral("7")},
                       m_template);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_resolved = scalar(m_template,
                            QStringLiteral("SELECT count(*) FROM incidents WHERE resolved_at > 0"));
        QVERIFY2(m_resolved >= 100, qPrintable(QString::number(m_resolved)));
        for (const QString &c :
             query(m_template, QStringLiteral("SELECT DISTINCT category FROM incidents WHERE "
                                              "resolved_at > 0 AND category <> ''")))
            m_categories.insert(c);
        QVERIFY(m_categories.size() >= 3);
        QVERIFY(m_categories.contains(QStringLiteral("application")));
        m_target = create(m_template, QStringLiteral("Checkout error rate above 5%"),
                          QStringLiteral("high"), QStringLiteral("checkout"));
        QVERIFY(!m_target.isEmpty());
        m_other = create(m_template, QStringLiteral("Login failures spiking"),
                         QStringLiteral("medium"), QStringLiteral("auth"));
        QVERIFY(!m_other.isEmpty());
        // No model yet: opening incidents suggested nothing.
        QCOMPARE(scalar(m_template,
                        QStringLiteral("SELECT count(*) FROM events WHERE kind LIKE 'triage.%'")),
                 0);
        QCOMPARE(scalar(m_template, QStringLiteral("SELECT count(*) FROM triage_models")), 0);

        m_suggested = copyOf(m_template);
        r = sitrep({QStringLiteral("triage"), QStringLiteral("suggest"), m_target,
                    QStringLiteral("--record")},
                   m_suggested);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(eventsOf(m_suggested, m_target, QStringLiteral("triage.suggested")).size(), 1);
    }

    void help_listsEverySubcommand()
    {
        Run r = sitrep({QStringLiteral("triage"), QStringLiteral("help")}, {});
        QCOMPARE(r.code, 0);
        for (const char *sub : {"suggest NUMBER", "accept NUMBER", "reject NUMBER FIELD", "train",
                                "eval", "status", "--record", "--correct", "--holdout"})
            QVERIFY2(r.out.contains(QLatin1String(sub)), sub);
        // Without a subcommand: the same help, but a usage error.
        r = sitrep({QStringLiteral("triage")}, {});
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.contains(QStringLiteral("Usage: sitrep triage SUBCOMMAND")));
        // The top-level help names the command.
        r = sitrep({QStringLiteral("help")}, {});
        QVERIFY(r.out.contains(QStringLiteral("triage suggest|accept|reject|train|eval|status")));
    }

    void suggest_json_trainsFirstAndRecordsNothing()
    {
        const QString db = copyOf(m_template);
        const QStringList eventsBefore =
            query(db, QStringLiteral("SELECT count(*), max(seq) FROM events"));
        Run r = sitrep({QStringLiteral("triage"), QStringLiteral("suggest"), m_target,
                        QStringLiteral("--json")},
                       db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        QJsonParseError pe;
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &pe).object();
        QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(pe.errorString()));
        QCOMPARE(o[u"number"].toString(), m_target);
        const QJsonObject ai = o[u"ai_triage_result"].toObject();
        const QString category = ai[u"category_suggestion"].toString();
        QVERIFY2(m_categories.contains(category), qPrintable(category));
        // Every checkout incident of the history is an application incident.
        QCOMPARE(category, QStringLiteral("application"));
        QVERIFY2(kPriorities.contains(ai[u"priority_suggestion"].toString()),
                 qPrintable(ai[u"priority_suggestion"].toString()));
        QVERIFY(ai[u"confidence"].isDouble());
        const double conf = ai[u"confidence"].toDouble();
        QVERIFY2(conf > 0 && conf <= 1, qPrintable(QString::number(conf)));
        const QJsonArray articles = ai[u"kb_articles"].toArray();
        QVERIFY(!articles.isEmpty());
        QVERIFY(articles.size() <= 3);
        double previous = 2;
        for (const auto &a : articles) {
            const double rel = a.toObject()[u"relevance"].toDouble(-1);
            QVERIFY2(rel >= 0 && rel <= 1, qPrintable(QString::number(rel)));
            QVERIFY(rel <= previous); // best first
            previous = rel;
            QVERIFY(!a.toObject()[u"id"].toString().isEmpty());
        }
        // The history's resolutions are articles: the best one's note is the suggested resolution.
        QVERIFY2(ai[u"suggested_resolution"].toString().contains(QStringLiteral("rolled back")),
                 qPrintable(ai[u"suggested_resolution"].toString()));

        const QJsonObject payload = o[u"event_payload"].toObject();
        QCOMPARE(payload[u"category"].toString(), category);
        QCOMPARE(payload[u"model_version"].toString(), QStringLiteral("local-v1"));
        const QJsonObject confs = payload[u"confidences"].toObject();
        QVERIFY(confs.contains(u"category"));
        QVERIFY(confs.contains(u"priority"));
        for (auto it = confs.begin(); it != confs.end(); ++it)
            QVERIFY2(it->isDouble() && it->toDouble() >= 0 && it->toDouble() <= 1,
                     qPrintable(it.key()));

        // There was no model: suggest trained and saved one, and wrote no event without --record.
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM triage_models")), 1);
        QCOMPARE(query(db, QStringLiteral("SELECT count(*), max(seq) FROM events")), eventsBefore);
        // The incident itself is unchanged: a suggestion is only a suggestion.
        QCOMPARE(query(db, QStringLiteral("SELECT category FROM incidents WHERE number = ?"),
                       {m_target}),
                 QStringList{QString()});

        // The text form says the same, with a confidence per field, from the saved model.
        r = sitrep({QStringLiteral("triage"), QStringLiteral("suggest"), m_target}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.startsWith(m_target + QStringLiteral("  (model local-v1)\n")));
        const auto m =
            QRegularExpression(QStringLiteral("^  category:\\s+(\\S+)  \\((\\d\\.\\d{3})\\)$"),
                               QRegularExpression::MultilineOption)
                .match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));
        QCOMPARE(m.captured(1), category);
        QCOMPARE(m.captured(2).toDouble(), conf);
        const auto pm =
            QRegularExpression(QStringLiteral("^  priority:\\s+(P[1-4])  \\((\\d\\.\\d{3})\\)$"),
                               QRegularExpression::MultilineOption)
                .match(r.out);
        QVERIFY2(pm.hasMatch(), qPrintable(r.out));
        QCOMPARE(pm.captured(1), ai[u"priority_suggestion"].toString());
        QVERIFY(pm.captured(2).toDouble() <= 1);
        QVERIFY(r.out.contains(QStringLiteral("  suggested resolution: ") +
                               ai[u"suggested_resolution"].toString()));
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM triage_models")),
                 1); // no second training
        QCOMPARE(query(db, QStringLiteral("SELECT count(*), max(seq) FROM events")), eventsBefore);
    }

    void suggestRecord_acceptReject_writeTheTimelineAndTheIncident()
    {
        const QString db = copyOf(m_template);
        const qint64 eventsBefore = scalar(db, QStringLiteral("SELECT count(*) FROM events"));
        Run r = sitrep({QStringLiteral("triage"), QStringLiteral("suggest"), m_target,
                        QStringLiteral("--record"), QStringLiteral("--json"),
                        QStringLiteral("--actor"), QStringLiteral("dana")},
                       db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject printed = r.json().object()[u"event_payload"].toObject();
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM events")), eventsBefore + 1);
        const QStringList suggested = eventsOf(db, m_target, QStringLiteral("triage.suggested"));
        QCOMPARE(suggested.size(), 1);
        QCOMPARE(suggested[0].section(u'|', 0, 0), QStringLiteral("dana"));
        const QJsonObject recorded = payloadOf(suggested[0]);
        QCOMPARE(recorded[u"category"].toString(), printed[u"category"].toString());
        QCOMPARE(recorded[u"priority"].toString(), printed[u"priority"].toString());
        QCOMPARE(recorded[u"model_version"].toString(), QStringLiteral("local-v1"));
        const QString category = recorded[u"category"].toString();
        const QString priority = recorded[u"priority"].toString();
        QVERIFY(m_categories.contains(category));
        QVERIFY(kPriorities.contains(priority));

        // Accept the category: a triage.accepted event and the value set on the incident.
        r = sitrep({QStringLiteral("triage"), QStringLiteral("accept"), m_target,
                    QStringLiteral("category"), QStringLiteral("--actor"), QStringLiteral("erin")},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, QStringLiteral("%1: category accepted (%2)\n").arg(m_target, category));
        const QStringList accepted = eventsOf(db, m_target, QStringLiteral("triage.accepted"));
        QCOMPARE(accepted.size(), 1);
        QCOMPARE(accepted[0].section(u'|', 0, 0), QStringLiteral("erin"));
        QCOMPARE(payloadOf(accepted[0])[u"field"].toString(), QStringLiteral("category"));
        QCOMPARE(payloadOf(accepted[0])[u"value"].toString(), category);
        QCOMPARE(payloadOf(accepted[0])[u"model_version"].toString(), QStringLiteral("local-v1"));
        QCOMPARE(query(db, QStringLiteral("SELECT category FROM incidents WHERE number = ?"),
                       {m_target}),
                 QStringList{category});

        // Reject the priority with a correction that differs from the suggestion.
        // Typed in lower case: recorded in the spelling the model learns from, "P1".
        const QString corrected = priority == u"P1" ? QStringLiteral("P4") : QStringLiteral("P1");
        r = sitrep({QStringLiteral("triage"), QStringLiteral("reject"), m_target,
                    QStringLiteral("priority"), QStringLiteral("--correct"), corrected.toLower()},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, QStringLiteral("%1: priority rejected (%2 -> %3)\n")
                            .arg(m_target, priority, corrected));
        const QStringList rejected = eventsOf(db, m_target, QStringLiteral("triage.rejected"));
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected[0].section(u'|', 0, 0),
                 QStringLiteral("tester")); // $USER without --actor
        QCOMPARE(payloadOf(rejected[0])[u"field"].toString(), QStringLiteral("priority"));
        QCOMPARE(payloadOf(rejected[0])[u"value"].toString(), priority);
        QCOMPARE(payloadOf(rejected[0])[u"corrected"].toString(), corrected);
        QCOMPARE(query(db, QStringLiteral("SELECT priority FROM incidents WHERE number = ?"),
                       {m_target}),
                 QStringList{corrected.mid(1)});

        // Reject without a correction: recorded, the incident keeps its value.
        const QString categoryBefore =
            query(db, QStringLiteral("SELECT category FROM incidents WHERE number = ?"), {m_target})
                .value(0);
        r = sitrep({QStringLiteral("triage"), QStringLiteral("reject"), m_target,
                    QStringLiteral("category")},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, QStringLiteral("%1: category rejected (%2)\n").arg(m_target, category));
        QCOMPARE(eventsOf(db, m_target, QStringLiteral("triage.rejected")).size(), 2);
        QVERIFY(!payloadOf(eventsOf(db, m_target, QStringLiteral("triage.rejected")).value(1))
                     .contains(u"corrected"));
        QCOMPARE(
            query(db, QStringLiteral("SELECT category FROM incidents WHERE number = ?"), {m_target})
                .value(0),
            categoryBefore);

        // Accept without fields: every field the suggestion has, one event each.
        QStringList fields;
        for (const char *f : {"category", "subcategory", "priority", "assignment_group"})
            if (!recorded[QLatin1String(f)].toString().isEmpty())
                fields << QLatin1String(f);
        QVERIFY(fields.contains(QStringLiteral("category")) &&
                fields.contains(QStringLiteral("priority")));
        r = sitrep({QStringLiteral("triage"), QStringLiteral("accept"), m_target}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.count(QStringLiteral(" accepted (")), fields.size());
        const QStringList allAccepted = eventsOf(db, m_target, QStringLiteral("triage.accepted"));
        QCOMPARE(allAccepted.size(), 1 + fields.size());
        for (int i = 0; i < fields.size(); ++i)
            QCOMPARE(payloadOf(allAccepted[1 + i])[u"field"].toString(), fields[i]);
        QCOMPARE(query(db, QStringLiteral("SELECT priority FROM incidents WHERE number = ?"),
                       {m_target}),
                 QStringList{priority.mid(1)});

        // The feedback counts for training: status sees it, a retrain is due.
        r = sitrep({QStringLiteral("triage"), QStringLiteral("status")}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const qint64 feedback =
            scalar(db, QStringLiteral("SELECT count(*) FROM events WHERE kind IN "
                                      "('triage.accepted', 'triage.rejected')"));
        QCOMPARE(feedback, 3 + fields.size());
        QVERIFY2(
            r.out.contains(
                QStringLiteral("cache: %1 resolved incidents, %2 feedback events; retrain due: yes")
                    .arg(m_resolved)
                    .arg(feedback)),
            qPrintable(r.out));
        // Other incidents were not touched.
        QCOMPARE(eventsOf(db, m_other, QStringLiteral("triage.accepted")).size(), 0);
    }

    void trainAndStatus()
    {
        const QString db = copyOf(m_template);
        const QStringList eventsBefore =
            query(db, QStringLiteral("SELECT count(*), max(seq) FROM events"));
        Run r = sitrep({QStringLiteral("triage"), QStringLiteral("status")}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.startsWith(QStringLiteral("no model yet\n")));
        QVERIFY2(
            r.out.contains(
                QStringLiteral("cache: %1 resolved incidents, 0 feedback events; retrain due: yes")
                    .arg(m_resolved)),
            qPrintable(r.out));
        QVERIFY(r.out.contains(
            QStringLiteral("provider: local; knowledge-base folder: -; automatic: on")));
        r = sitrep({QStringLiteral("triage"), QStringLiteral("status"), QStringLiteral("--json")},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.json().object()[u"model"].isNull());
        QCOMPARE(r.json().object()[u"retrain_due"], QJsonValue(true));

        r = sitrep({QStringLiteral("triage"), QStringLiteral("train"), QStringLiteral("--json")},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject t = r.json().object();
        QCOMPARE(t[u"version"].toInt(), 1);
        QCOMPARE(t[u"resolved"].toInteger(), m_resolved);
        QCOMPARE(t[u"examples"].toInteger(), m_resolved); // no feedback exemplars yet
        QCOMPARE(t[u"feedback"].toInteger(), 0);
        QVERIFY(t[u"ms"].toInteger(-1) >= 0);
        QCOMPARE(
            query(
                db,
                QStringLiteral(
                    "SELECT version, examples, resolved_count, feedback_count FROM triage_models")),
            QStringList{QStringLiteral("1|%1|%1|0").arg(m_resolved)});

        r = sitrep({QStringLiteral("triage"), QStringLiteral("train")}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(
            QRegularExpression(QStringLiteral("^model v2 trained on %1 examples \\(%1 resolved "
                                              "incidents, 0 feedback events\\) in \\d+ ms\n$")
                                   .arg(m_resolved))
                .match(r.out)
                .hasMatch(),
            qPrintable(r.out));
        QCOMPARE(scalar(db, QStringLiteral("SELECT max(version) FROM triage_models")), 2);
        // Training reads the log, it does not write to it.
        QCOMPARE(query(db, QStringLiteral("SELECT count(*), max(seq) FROM events")), eventsBefore);

        r = sitrep({QStringLiteral("triage"), QStringLiteral("status")}, db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith(
                     QStringLiteral("model v2 trained on %1 examples (%1 resolved, 0 feedback)\n")
                         .arg(m_resolved)),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("retrain due: no")));
        r = sitrep({QStringLiteral("triage"), QStringLiteral("status"), QStringLiteral("--json")},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject st = r.json().object();
        QCOMPARE(st[u"model"][u"version"].toInt(), 2);
        QCOMPARE(st[u"model"][u"trained_on"].toInteger(), m_resolved);
        QCOMPARE(st[u"cache"][u"resolved"].toInteger(), m_resolved);
        QCOMPARE(st[u"cache"][u"feedback"].toInteger(), 0);
        QCOMPARE(st[u"retrain_due"], QJsonValue(false));
        QCOMPARE(st[u"provider"].toString(), QStringLiteral("local"));
        QCOMPARE(st[u"automatic"], QJsonValue(true));

        // Settings show in status; only the five newest models are kept.
        QCOMPARE(sitrep({QStringLiteral("config"), QStringLiteral("set"),
                         QStringLiteral("triage.auto"), QStringLiteral("off")},
                        db)
                     .code,
                 0);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(sitrep({QStringLiteral("triage"), QStringLiteral("train")}, db).code, 0);
        QCOMPARE(query(db, QStringLiteral("SELECT group_concat(version) FROM (SELECT version FROM "
                                          "triage_models ORDER BY version)")),
                 QStringList{QStringLiteral("2,3,4,5,6")});
        r = sitrep({QStringLiteral("triage"), QStringLiteral("status")}, db);
        QVERIFY(r.out.startsWith(QStringLiteral("model v6 ")));
        QVERIFY(r.out.contains(QStringLiteral("automatic: off")));
    }

    void eval_reportsMetricsOnHeldOutIncidents()
    {
        const QString db = copyOf(m_template);
        const QStringList before = snapshot(db);
        Run r = sitrep({QStringLiteral("triage"), QStringLiteral("eval"), QStringLiteral("--json")},
                       db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = r.json().object();
        const qint64 nTest = qint64(double(m_resolved) * 0.2);
        for (const char *f : {"category", "priority"}) {
            QVERIFY2(o.contains(QLatin1String(f)), f);
            const QJsonObject m = o[QLatin1String(f)].toObject();
            QCOMPARE(m[u"n"].toInteger(),
                     nTest); // every demo incident has a category and a priority
            for (const char *k : {"accuracy", "majority_baseline", "ece"}) {
                const double v = m[QLatin1String(k)].toDouble(-1);
                QVERIFY2(v >= 0 && v <= 1, k);
            }
            QVERIFY(!m[u"majority_label"].toString().isEmpty());
        }
        QVERIFY(m_categories.contains(o[u"category"].toObject()[u"majority_label"].toString()));
        // On this history the category follows the service: the model beats the majority guess.
        QVERIFY(o[u"category"].toObject()[u"accuracy"].toDouble() >
                o[u"category"].toObject()[u"majority_baseline"].toDouble());

        // The text form, with another share; the same data gives the same numbers.
        r = sitrep({QStringLiteral("triage"), QStringLiteral("eval"), QStringLiteral("--holdout"),
                    QStringLiteral("0.5")},
                   db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const qint64 half = qint64(double(m_resolved) * 0.5);
        QVERIFY2(r.out.startsWith(QStringLiteral("trained on %1, tested on %2 held-out incidents\n")
                                      .arg(m_resolved - half)
                                      .arg(half)),
                 qPrintable(r.out));
        QVERIFY(QRegularExpression(
                    QStringLiteral(
                        "^category\\s+%1\\s+[01]\\.\\d{3}\\s+[01]\\.\\d{3}\\s+[01]\\.\\d{3}$")
                        .arg(half),
                    QRegularExpression::MultilineOption)
                    .match(r.out)
                    .hasMatch());
        QCOMPARE(sitrep({QStringLiteral("triage"), QStringLiteral("eval"),
                         QStringLiteral("--holdout"), QStringLiteral("0.5")},
                        db)
                     .out,
                 r.out);
        // Eval saves no model and writes nothing.
        QCOMPARE(snapshot(db), before);
    }

    void create_suggestsAutomaticallyOnceAModelExists()
    {
        const QString db = copyOf(m_template);
        QCOMPARE(sitrep({QStringLiteral("triage"), QStringLiteral("train")}, db).code, 0);
        const QString number = create(db, QStringLiteral("Checkout latency p99 over 2s"),
                                      QStringLiteral("high"), QStringLiteral("checkout"));
        QVERIFY(!number.isEmpty());
        const QStringList s = eventsOf(db, number, QStringLiteral("triage.suggested"));
        QCOMPARE(s.size(), 1);
        QCOMPARE(s[0].section(u'|', 0, 0), QStringLiteral("triage"));
        QCOMPARE(payloadOf(s[0])[u"category"].toString(), QStringLiteral("application"));
        QVERIFY(kPriorities.contains(payloadOf(s[0])[u"priority"].toString()));
        // The recorded suggestion is what accept works on.
        Run r = sitrep({QStringLiteral("triage"), QStringLiteral("accept"), number,
                        QStringLiteral("category")},
                       db);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(
            query(db, QStringLiteral("SELECT category FROM incidents WHERE number = ?"), {number}),
            QStringList{QStringLiteral("application")});

        // triage.auto off: new incidents get no suggestion.
        QCOMPARE(sitrep({QStringLiteral("config"), QStringLiteral("set"),
                         QStringLiteral("triage.auto"), QStringLiteral("off")},
                        db)
                     .code,
                 0);
        const QString quiet = create(db, QStringLiteral("Checkout error rate above 5%"),
                                     QStringLiteral("high"), QStringLiteral("checkout"));
        QVERIFY(!quiet.isEmpty());
        QCOMPARE(eventsOf(db, quiet, QStringLiteral("triage.suggested")).size(), 0);
    }

    void notEnoughData_isAClearError()
    {
        const QString db = m_dir.filePath(QStringLiteral("small.db"));
        const QString number = create(db, QStringLiteral("Checkout error rate above 5%"),
                                      QStringLiteral("high"), QStringLiteral("checkout"));
        QVERIFY(!number.isEmpty());
        const QStringList before = snapshot(db);
        for (const QStringList &args :
             {QStringList{QStringLiteral("train")}, QStringList{QStringLiteral("suggest"), number},
              QStringList{QStringLiteral("suggest"), number, QStringLiteral("--record")},
              QStringList{QStringLiteral("eval")}}) {
            const Run r = sitrep(QStringList{QStringLiteral("triage")} + args, db);
            QVERIFY2(r.code == 1, qPrintable(args.join(u' ')));
            QVERIFY2(r.err.startsWith(QStringLiteral("sitrep triage: not enough data")),
                     qPrintable(r.err));
            QVERIFY(r.out.isEmpty());
        }
        QCOMPARE(snapshot(db), before);
        const Run r = sitrep({QStringLiteral("triage"), QStringLiteral("status")}, db);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral(
            "no model yet\ncache: 0 resolved incidents, 0 feedback events; retrain due: no")));
    }

    void badInput_failsClearlyAndChangesNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        for (const auto &[command, message] : kBadTriageCommands)
            QTest::newRow(command)
                << QProcess::splitCommand(QString::fromUtf8(command)) << QString::fromUtf8(message);
    }

    void badInput_failsClearlyAndChangesNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        args.replaceInStrings(QStringLiteral("TARGET"), m_target);
        args.replaceInStrings(QStringLiteral("OTHER"), m_other);
        message.replace(QStringLiteral("TARGET"), m_target)
            .replace(QStringLiteral("OTHER"), m_other);
        const QStringList before = snapshot(m_suggested);
        QVERIFY(before.size() > 3);
        const Run r = sitrep(QStringList{QStringLiteral("triage")} + args, m_suggested);
        QVERIFY2(r.code != 0, qPrintable(r.out));
        QVERIFY2(r.err.startsWith(QStringLiteral("sitrep triage: ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count(u'\n'), 1); // one line
        QCOMPARE(snapshot(m_suggested), before);
    }

    void missingDatabase_isRefusedAndNotCreated()
    {
        const QString missing = m_dir.filePath(QStringLiteral("nowhere/none.db"));
        const QString missingHere = m_dir.filePath(QStringLiteral("none.db"));
        for (const QStringList &args :
             {QStringList{QStringLiteral("status")}, QStringList{QStringLiteral("train")},
              QStringList{QStringLiteral("eval")},
              QStringList{QStringLiteral("suggest"), QStringLiteral("INC0000001")},
              QStringList{QStringLiteral("accept"), QStringLiteral("INC0000001")}}) {
            for (const QString &path : {missing, missingHere}) {
                const Run r = sitrep(QStringList{QStringLiteral("triage")} + args, path);
                QVERIFY2(r.code == 1, qPrintable(args.join(u' ')));
                QCOMPARE(r.err, QStringLiteral("sitrep triage: no database at %1\n").arg(path));
                QVERIFY(r.out.isEmpty());
                QVERIFY(!QFile::exists(path));
            }
        }
        // A file that is not a database is refused too, and left as it was.
        const QString junk = m_dir.filePath(QStringLiteral("junk.db"));
        {
            QFile f(junk);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        const Run r = sitrep({QStringLiteral("triage"), QStringLiteral("status")}, junk);
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.startsWith(QStringLiteral("sitrep triage: ")), qPrintable(r.err));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray(4096, 'x'));
    }
};

QTEST_GUILESS_MAIN(TestTriageCli)
#include "tst_triage_cli.moc"
