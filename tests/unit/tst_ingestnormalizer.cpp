// SPDX-License-Identifier: MIT
// The per-source normalizers against the published example payloads and bad input.
#include "ingest/normalizer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sitrep;
using namespace sitrep::ingest;

class TestIngestNormalizer : public QObject {
    Q_OBJECT

    IngestConfig m_cfg = IngestConfig::defaults();

    QByteArray payload(const char *name)
    {
        QFile f(QStringLiteral(SITREP_TESTDATA_DIR "/payloads/") + QLatin1String(name));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return f.readAll();
    }

#define NEED_PAYLOAD(var, name)                                                                    \
    const QByteArray var = payload(name);                                                          \
    if (var.isEmpty())                                                                             \
        QSKIP("reference payload " name " not found under SITREP_TESTDATA_DIR/payloads");

    // An Alertmanager body with one firing alert of these labels (no fingerprint).
    static QByteArray amBody(const QJsonObject &labels)
    {
        const QJsonObject alert{{QStringLiteral("status"), QStringLiteral("firing")},
                                {QStringLiteral("labels"), labels}};
        return QJsonDocument(QJsonObject{{QStringLiteral("version"), QStringLiteral("4")},
                                         {QStringLiteral("status"), QStringLiteral("firing")},
                                         {QStringLiteral("alerts"), QJsonArray{alert}}})
            .toJson();
    }

private Q_SLOTS:
    void alertmanager_examplePayload_firingWithZeroEndsAt()
    {
        NEED_PAYLOAD(body, "alertmanager_webhook_v4_example_grafana_oncall.json");
        auto r = normalize(QStringLiteral("alertmanager"), body, m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        QCOMPARE(r->size(), 1);
        const Alert &a = r->first();
        QCOMPARE(a.source, QStringLiteral("alertmanager"));
        QCOMPARE(a.status, Alert::Status::Firing);
        QCOMPARE(a.alertname, QStringLiteral("TestAlert"));
        QCOMPARE(a.title, QStringLiteral("TestAlert"));
        QCOMPARE(a.description,
                 QStringLiteral("This alert was sent by user for the demonstration purposes"));
        QCOMPARE(a.endsAt, 0); // 0001-01-01T00:00:00Z = unresolved
        QCOMPARE(a.startsAt, QDateTime::fromString(QStringLiteral("2018-12-25T15:47:47.377Z"),
                                                   Qt::ISODateWithMs)
                                 .toMSecsSinceEpoch());
        QCOMPARE(a.labels.value(u"region").toString(), QStringLiteral("eu-1"));
        QCOMPARE(a.severity, domain::Severity::Medium); // no severity label: the "*" mapping
        // No fingerprint in the payload: a stable hash of the label set.
        QCOMPARE(a.fingerprint.size(), 16);
        auto again = normalize(QStringLiteral("alertmanager"), body, m_cfg);
        QCOMPARE(again->first().fingerprint, a.fingerprint);
        QCOMPARE(a.links.first().href, QStringLiteral("http://f1d1ef51d710:9093"));
    }

    void alertmanager_resolvedWithFingerprintAndGoEscapes()
    {
        const QByteArray body =
            R"({"version":"4","status":"resolved","alerts":[{"status":"resolved",
            "labels":{"alertname":"HighLatency","service":"checkout","instance":"web-1:9100","severity":"critical"},
            "annotations":{"summary":"p99 \u003e 2s \u0026 rising"},"startsAt":"2024-05-01T10:00:00.123456789+02:00",
            "endsAt":"2024-05-01T10:05:00Z","generatorURL":"http://prom/graph","fingerprint":"abc123"}]})";
        auto r = normalize(QStringLiteral("alertmanager"), body, m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        const Alert &a = r->first();
        QCOMPARE(a.status, Alert::Status::Resolved);
        QCOMPARE(a.fingerprint, QStringLiteral("abc123"));
        QCOMPARE(a.id(), QStringLiteral("alertmanager:abc123"));
        QCOMPARE(a.title, QStringLiteral("p99 > 2s & rising"));
        QCOMPARE(a.service, QStringLiteral("checkout"));
        QCOMPARE(a.host, QStringLiteral("web-1:9100"));
        QCOMPARE(a.severity, domain::Severity::Critical);
        QCOMPARE(a.startsAt,
                 QDateTime(QDate(2024, 5, 1), QTime(8, 0, 0, 123), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(a.endsAt, QDateTime(QDate(2024, 5, 1), QTime(10, 5), Qt::UTC).toMSecsSinceEpoch());
    }

    void grafana_examplePayload_twoAlertsWithLinks()
    {
        NEED_PAYLOAD(body, "grafana_unified_alerting_webhook.json");
        auto r = normalize(QStringLiteral("grafana"), body, m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        QCOMPARE(r->size(), 2);
        QCOMPARE(r->at(0).fingerprint, QStringLiteral("c6eadffa33fcdf37"));
        QCOMPARE(r->at(0).alertname, QStringLiteral("High memory usage"));
        QCOMPARE(r->at(0).title, QStringLiteral("This alert was triggered for zone us-1"));
        QCOMPARE(r->at(1).fingerprint, QStringLiteral("bc97ff14869b13e3"));
        QCOMPARE(r->at(1).status, Alert::Status::Firing);
        QStringList hrefs;
        for (const auto &l : r->at(0).links)
            hrefs << l.href;
        QVERIFY(hrefs.contains(QStringLiteral("https://play.grafana.org/alerting/1afz29v7z/edit")));
        QVERIFY(hrefs.contains(QStringLiteral("https://myrunbook.com/runbook/1234")));
        QVERIFY(hrefs.contains(QStringLiteral(
            "https://play.grafana.org/alerting/silence/"
            "new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1")));
        QVERIFY(!hrefs.contains(QString())); // empty dashboardURL/panelURL are not links
        QCOMPARE(r->at(0).startsAt,
                 QDateTime(QDate(2021, 10, 12), QTime(7, 51, 3, 157), Qt::UTC).toMSecsSinceEpoch());
    }

    void pagerduty_examplePayload_trigger()
    {
        NEED_PAYLOAD(body, "pagerduty_events_v2_enqueue.json");
        auto r = normalize(QStringLiteral("pagerduty"), body, m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        QCOMPARE(r->size(), 1);
        const Alert &a = r->first();
        QCOMPARE(a.fingerprint, QStringLiteral("srv01/mysql"));
        QCOMPARE(a.status, Alert::Status::Firing);
        QCOMPARE(a.title, QStringLiteral("DISK at 99% on machine prod-datapipe03.example.com"));
        QCOMPARE(a.severity, domain::Severity::Critical);
        QCOMPARE(a.host, QStringLiteral("prod-datapipe03.example.com"));
        QCOMPARE(a.service, QStringLiteral("prod-datapipe"));
        QCOMPARE(a.alertname, QStringLiteral("disk"));
        QCOMPARE(a.annotations.value(u"free space").toString(), QStringLiteral("1%"));
        QCOMPARE(a.annotations.value(u"load avg").toString(), QStringLiteral("0.75"));
        // +0000 offsets (no colon) parse.
        QCOMPARE(a.startsAt,
                 QDateTime(QDate(2015, 7, 17), QTime(8, 42, 58, 315), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(a.links.size(), 2);
    }

    void pagerduty_resolveNeedsDedupKey()
    {
        auto bad = normalize(QStringLiteral("pagerduty"),
                             R"({"routing_key":"k","event_action":"resolve"})", m_cfg);
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorMessage().contains(u"dedup_key"));
        auto ok = normalize(
            QStringLiteral("pagerduty"),
            R"({"routing_key":"k","event_action":"resolve","dedup_key":"srv01/mysql"})", m_cfg);
        QVERIFY(ok.ok());
        QCOMPARE(ok->first().status, Alert::Status::Resolved);
        QCOMPARE(ok->first().fingerprint, QStringLiteral("srv01/mysql"));
        auto sev = normalize(
            QStringLiteral("pagerduty"),
            R"({"event_action":"trigger","payload":{"summary":"x","source":"h","severity":"bad"}})",
            m_cfg);
        QVERIFY(!sev.ok());
        QVERIFY(sev.errorMessage().contains(u"payload.severity"));
        auto missing = normalize(
            QStringLiteral("pagerduty"),
            R"({"event_action":"trigger","payload":{"source":"h","severity":"info"}})", m_cfg);
        QVERIFY(!missing.ok());
        QVERIFY(missing.errorMessage().contains(u"payload.summary"));
    }

    void sentry_examplePayload_issueAlert()
    {
        NEED_PAYLOAD(body, "sentry_issue_alert_webhook.json");
        auto r = normalize(QStringLiteral("sentry"), body, m_cfg,
                           {{"sentry-hook-resource", "event_alert"}});
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        const Alert &a = r->first();
        QCOMPARE(a.fingerprint, QStringLiteral("issue-1117540176"));
        QCOMPARE(a.title, QStringLiteral("ReferenceError: heck is not defined"));
        QCOMPARE(a.alertname, QStringLiteral("Very Important Alert Rule!"));
        QCOMPARE(a.service, QStringLiteral("front-end"));
        QCOMPARE(a.severity, domain::Severity::High); // level error
        QCOMPARE(a.labels.value(u"browser").toString(), QStringLiteral("Chrome 75.0.3770"));
        QCOMPARE(a.startsAt,
                 QDateTime(QDate(2019, 8, 19), QTime(21, 6, 17, 677), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(a.links.first().href,
                 QStringLiteral("https://sentry.io/organizations/test-org/issues/1117540176/events/"
                                "e4874d664c3540c1a32eab185f12c5ab/"));
        // Without the header the kind is inferred from the body.
        auto inferred = normalize(QStringLiteral("sentry"), body, m_cfg);
        QVERIFY(inferred.ok());
        QCOMPARE(inferred->first().fingerprint, a.fingerprint);
    }

    void sentry_issueResolved_sameFingerprint()
    {
        const QByteArray body =
            R"({"action":"resolved","data":{"issue":{"id":"1117540176","title":"ReferenceError","level":"error","project":{"slug":"front-end"}}}})";
        auto r =
            normalize(QStringLiteral("sentry"), body, m_cfg, {{"sentry-hook-resource", "issue"}});
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        QCOMPARE(r->first().status, Alert::Status::Resolved);
        QCOMPARE(r->first().fingerprint, QStringLiteral("issue-1117540176"));
        auto assigned =
            normalize(QStringLiteral("sentry"), QByteArray(body).replace("resolved", "assigned"),
                      m_cfg, {{"sentry-hook-resource", "issue"}});
        QVERIFY(assigned.ok());
        QVERIFY(assigned->isEmpty());
        auto unknown = normalize(QStringLiteral("sentry"), body, m_cfg,
                                 {{"sentry-hook-resource", "installation"}});
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.errorMessage().contains(u"installation"));
    }

    void datadog_templatePlaceholders_areAbsent()
    {
        // The default template with nothing substituted names no alert: refused, like {}.
        NEED_PAYLOAD(body, "datadog_webhook_default_template.json");
        auto r = normalize(QStringLiteral("datadog"), body, m_cfg);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("invalid"));
        QVERIFY2(r.errorMessage().contains(u"names no alert"), qPrintable(r.errorMessage()));
        auto empty = normalize(QStringLiteral("datadog"), "{}", m_cfg);
        QVERIFY(!empty.ok());
        QVERIFY2(empty.errorMessage().contains(u"names no alert"),
                 qPrintable(empty.errorMessage()));
        // A placeholder stays absent next to real fields.
        auto filled = normalize(QStringLiteral("datadog"),
                                R"({"title":"Disk full","date":"$DATE","id":"$ID"})", m_cfg);
        QVERIFY2(filled.ok(), qPrintable(filled.errorMessage()));
        const Alert &a = filled->first();
        QCOMPARE(a.title, QStringLiteral("Disk full"));
        QVERIFY(!a.fingerprint.isEmpty());
        QCOMPARE(a.status, Alert::Status::Firing);
        QCOMPARE(a.startsAt, 0);
        QVERIFY(!a.annotations.contains(u"event_id"));
    }

    void datadog_filledTemplate_monitorTransition()
    {
        const QByteArray trig =
            R"({"id":"1","title":"[Triggered on {host:web-1}] CPU high on checkout","body":"cpu > 90",
            "alert_id":"12345","alert_transition":"Triggered","alert_type":"error","hostname":"web-1",
            "tags":"service:checkout,env:prod","date":"1700000000000","priority":"P2","link":"https://app.datadoghq.com/event/1"})";
        auto r = normalize(QStringLiteral("datadog"), trig, m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        const Alert a = r->first();
        QCOMPARE(a.title, QStringLiteral("CPU high on checkout"));
        QCOMPARE(a.service, QStringLiteral("checkout"));
        QCOMPARE(a.host, QStringLiteral("web-1"));
        QCOMPARE(a.severity, domain::Severity::High);
        QCOMPARE(a.fingerprint, QStringLiteral("12345/web-1"));
        QCOMPARE(a.startsAt, 1700000000000LL);
        QByteArray rec = trig;
        rec.replace("\"Triggered\"", "\"Recovered\"")
            .replace("Triggered on", "Recovered on")
            .replace("\"1\"", "\"2\"");
        auto back = normalize(QStringLiteral("datadog"), rec, m_cfg);
        QCOMPARE(back->first().status, Alert::Status::Resolved);
        QCOMPARE(back->first().fingerprint, a.fingerprint);
        QCOMPARE(back->first().alertname, a.alertname);
        // Non-string values do not break it: every field is optional.
        auto odd = normalize(QStringLiteral("datadog"),
                             R"({"title":42,"tags":["a:b",7],"org":"x"})", m_cfg);
        QVERIFY(odd.ok());
    }

    void generic_seedEvent()
    {
        auto g = normalizeGeneric(
            R"({"type":"alert.triggered","payload":{"id":"test-1","severity":"P2","title":"High Latency"}})",
            m_cfg);
        QVERIFY2(g.ok(), qPrintable(g.errorMessage()));
        QCOMPARE(g->alert.fingerprint, QStringLiteral("test-1"));
        QCOMPARE(g->alert.severity, domain::Severity::High);
        QCOMPARE(g->alert.title, QStringLiteral("High Latency"));
        auto noType = normalizeGeneric(R"({"payload":{}})", m_cfg);
        QVERIFY(noType.errorMessage().contains(u"'type'"));
        auto badType = normalizeGeneric(R"({"type":"alert.exploded","payload":{}})", m_cfg);
        QVERIFY(badType.errorMessage().contains(u"alert.exploded"));
        auto noTitle =
            normalizeGeneric(R"({"type":"alert.triggered","payload":{"id":"x"}})", m_cfg);
        QVERIFY(noTitle.errorMessage().contains(u"payload.title"));
        auto noId = normalizeGeneric(R"({"type":"engineer.ack","payload":{}})", m_cfg);
        QVERIFY(noId.errorMessage().contains(u"payload.id"));
    }

    void badInput_clearErrors_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("malformed")
            << "alertmanager" << QByteArray("{\"alerts\": [") << "malformed JSON";
        QTest::newRow("empty") << "grafana" << QByteArray("") << "empty body";
        QTest::newRow("array") << "datadog" << QByteArray("[1,2]") << "JSON object";
        QTest::newRow("no alerts")
            << "alertmanager" << QByteArray("{\"version\":\"4\"}") << "'alerts'";
        QTest::newRow("alerts not array")
            << "alertmanager" << QByteArray("{\"alerts\":{}}") << "must be an array";
        QTest::newRow("no labels")
            << "alertmanager" << QByteArray("{\"alerts\":[{\"status\":\"firing\"}]}")
            << "alerts[0].labels";
        QTest::newRow("bad status")
            << "grafana"
            << QByteArray("{\"alerts\":[{\"status\":\"on fire\",\"labels\":{\"a\":\"b\"}}]}")
            << "alerts[0].status";
        QTest::newRow("version") << "alertmanager"
                                 << QByteArray("{\"version\":\"3\",\"alerts\":[]}") << "version";
        QTest::newRow("unknown source") << "nagios" << QByteArray("{}") << "unknown source";
        QTest::newRow("pd action")
            << "pagerduty" << QByteArray("{\"event_action\":\"explode\"}") << "event_action";
        QTest::newRow("sentry no data")
            << "sentry" << QByteArray("{\"action\":\"triggered\"}") << "'data'";
    }
    void badInput_clearErrors()
    {
        QFETCH(QString, source);
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        auto r = normalize(source, body, m_cfg);
        QVERIFY(!r.ok());
        QVERIFY2(r.errorMessage().contains(mentions), qPrintable(r.errorMessage()));
        QVERIFY(!r.error().code.isEmpty());
    }

    void severityMapping_isConfigurable()
    {
        auto cfg =
            IngestConfig::fromYaml("severity:\n  alertmanager: {warning: critical, \"*\": low}\n",
                                   QStringLiteral("t.yaml"));
        QVERIFY2(cfg.ok(), qPrintable(cfg.errorMessage()));
        const QByteArray body =
            R"({"alerts":[{"status":"firing","labels":{"alertname":"A","severity":"warning"}},
                                             {"status":"firing","labels":{"alertname":"B","severity":"whatever"}}]})";
        auto r = normalize(QStringLiteral("alertmanager"), body, *cfg);
        QCOMPARE(r->at(0).severity, domain::Severity::Critical);
        QCOMPARE(r->at(1).severity, domain::Severity::Low);
        auto bad = IngestConfig::fromYaml("severity:\n  alertmanager: {warning: dire}\n",
                                          QStringLiteral("t.yaml"));
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorMessage().contains(u"t.yaml:2"));
        auto unknownKey = IngestConfig::fromYaml("corelation: {}\n", QStringLiteral("t.yaml"));
        QVERIFY(unknownKey.errorMessage().contains(u"corelation"));
    }

    void shippedConfig_loadsAndMatchesDefaults()
    {
        auto c = IngestConfig::load(QStringLiteral(":/sitrep/config/ingest.yaml"));
        QVERIFY2(c.ok(), qPrintable(c.errorMessage()));
        const IngestConfig d = IngestConfig::defaults();
        QCOMPARE(c->groupBy, d.groupBy);
        QCOMPARE(c->windowMs, d.windowMs);
        QCOMPARE(c->threshold, d.threshold);
        QCOMPARE(c->flapMaxChanges, d.flapMaxChanges);
        QCOMPARE(c->allResolvedRootCause, d.allResolvedRootCause);
        for (auto it = d.severityMap.cbegin(); it != d.severityMap.cend(); ++it)
            QCOMPARE(c->severityMap.value(it.key()), it.value());
    }

    // A storm normalizes label sets without rebuilding them; what the labels, the fingerprint
    // and the stored text come out as must not change for that.
    void labels_nonStringValuesBecomeTextAndLongOnesAreClipped()
    {
        const QString longValue(5000, u'v');
        const QJsonObject labels{{QStringLiteral("alertname"), QStringLiteral("Disk")},
                                 {QStringLiteral("replicas"), 5},
                                 {QStringLiteral("critical"), true},
                                 {QStringLiteral("note"), longValue},
                                 {QStringLiteral("nested"), QJsonObject{{QStringLiteral("a"), 1}}}};
        auto r = normalize(QStringLiteral("alertmanager"), amBody(labels), m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        const QJsonObject &got = r->first().labels;
        QCOMPARE(got.size(), labels.size());
        QCOMPARE(got.value(u"alertname").toString(), QStringLiteral("Disk"));
        QCOMPARE(got.value(u"replicas").toString(), QStringLiteral("5"));
        QCOMPARE(got.value(u"critical").toString(), QStringLiteral("true"));
        QCOMPARE(got.value(u"note").toString(), longValue.left(4096));
        QCOMPARE(got.value(u"nested").toString(), QStringLiteral("{\"a\":1}"));
        // A set of short strings comes through as it was sent.
        const QJsonObject plain{{QStringLiteral("alertname"), QStringLiteral("Disk")},
                                {QStringLiteral("service"), QStringLiteral("db")}};
        auto p = normalize(QStringLiteral("alertmanager"), amBody(plain), m_cfg);
        QVERIFY2(p.ok(), qPrintable(p.errorMessage()));
        QCOMPARE(p->first().labels, plain);
    }

    void labelFingerprint_isTheHashOfTheLabelsInKeyOrder()
    {
        // Keys beyond ASCII too: one above the surrogates and one outside the BMP, whose
        // order differs between UTF-16 and code points.
        const QJsonObject labels{{QStringLiteral("zone"), QStringLiteral("eu-1")},
                                 {QStringLiteral("alertname"), QStringLiteral("Disk")},
                                 {QString(QChar(0xFF21)), QStringLiteral("wide")},
                                 {QString::fromUcs4(U"\U0001F600"), QStringLiteral("smile")},
                                 {QStringLiteral("replicas"), 3}};
        auto r = normalize(QStringLiteral("alertmanager"), amBody(labels), m_cfg);
        QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
        // The definition: SHA-256 of key 0x1f value 0x1e for each label, keys sorted as
        // QStrings, the first 16 hex digits.
        QStringList keys = labels.keys();
        std::sort(keys.begin(), keys.end());
        QByteArray canon;
        for (const QString &k : std::as_const(keys))
            canon += k.toUtf8() + '\x1f' + r->first().labels.value(k).toString().toUtf8() + '\x1e';
        const QString expected = QString::fromLatin1(
            QCryptographicHash::hash(canon, QCryptographicHash::Sha256).toHex().left(16));
        QCOMPARE(r->first().fingerprint, expected);
        // Pinned: a fingerprint is an alert's identity in stored state.
        const QJsonObject two{{QStringLiteral("b"), QStringLiteral("2")},
                              {QStringLiteral("a"), QStringLiteral("1")}};
        auto t = normalize(QStringLiteral("alertmanager"), amBody(two), m_cfg);
        QVERIFY2(t.ok(), qPrintable(t.errorMessage()));
        QCOMPARE(t->first().fingerprint,
                 QString::fromLatin1(QCryptographicHash::hash(QByteArray("a\x1f"
                                                                         "1\x1e"
                                                                         "b\x1f"
                                                                         "2\x1e"),
                                                              QCryptographicHash::Sha256)
                                         .toHex()
                                         .left(16)));
    }

    void alertJsonText_isTheCompactJsonOfToJson()
    {
        QList<Alert> alerts;
        for (const char *name : {"alertmanager_webhook_v4_example_grafana_oncall.json",
                                 "grafana_unified_alerting_webhook.json"}) {
            const QByteArray body = payload(name);
            if (body.isEmpty())
                continue;
            auto r = normalize(QString::fromLatin1(name).section(u'_', 0, 0), body, m_cfg);
            QVERIFY2(r.ok(), qPrintable(r.errorMessage()));
            alerts << *r;
        }
        Alert odd;
        odd.source = QStringLiteral("generic");
        odd.fingerprint = QStringLiteral("q\"uote\\back");
        odd.title = QStringLiteral("tab\there, newline\n, bell\a, ") + QChar(0x2028) +
                    QString::fromUcs4(U" \U0001F600 \u00e9");
        odd.description = QString(QChar(0x7f)) + QStringLiteral("</script>");
        odd.status = Alert::Status::Acknowledged;
        odd.severity = domain::Severity::Critical;
        odd.startsAt = -5;
        odd.endsAt = 9007199254740993LL;
        odd.labels = QJsonObject{{QStringLiteral("k"), QStringLiteral("v\u0001")}};
        // Three links, one with an empty text: written and read back in their order.
        odd.links = {{QStringLiteral("http://x/?a=1&b=\"2\""), QStringLiteral("source")},
                     {QStringLiteral("https://runbooks/\u00e9"), QStringLiteral("run\tbook")},
                     {QStringLiteral("https://dash/1"), QString()}};
        alerts << odd << Alert{};
        for (const Alert &a : std::as_const(alerts)) {
            QCOMPARE(a.toJsonText(), QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact));
            // What is stored reads back as the same alert, its links in their order.
            const Alert back = Alert::fromJson(QJsonDocument::fromJson(a.toJsonText()).object());
            QVERIFY(back.links == a.links);
            QCOMPARE(back.toJsonText(), a.toJsonText());
        }
    }

    void parseAlertTime_forms()
    {
        QCOMPARE(parseAlertTime(QStringLiteral("0001-01-01T00:00:00Z")), 0);
        QCOMPARE(parseAlertTime(QStringLiteral("1566248777.677")), 1566248777677LL);
        QCOMPARE(parseAlertTime(QStringLiteral("2021-10-12T09:51:03+02:00")),
                 QDateTime(QDate(2021, 10, 12), QTime(7, 51, 3), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(parseAlertTime(QStringLiteral("yesterday")), -1);
        QCOMPARE(parseAlertTime(QString()), -1);
    }

    // The common UTC form is read without the general parser: the same answers either way.
    void parseAlertTime_utcFormAgreesWithTheIsoReader_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        const auto iso = [](const char *s) {
            return QDateTime::fromString(QString::fromLatin1(s), Qt::ISODateWithMs)
                .toMSecsSinceEpoch();
        };
        QTest::newRow("seconds") << "2026-01-01T00:00:00Z" << iso("2026-01-01T00:00:00Z");
        QTest::newRow("one digit") << "2024-05-01T10:05:00.5Z" << iso("2024-05-01T10:05:00.500Z");
        QTest::newRow("two digits") << "2024-05-01T10:05:00.55Z" << iso("2024-05-01T10:05:00.550Z");
        QTest::newRow("millis") << "2018-12-25T15:47:47.377Z" << iso("2018-12-25T15:47:47.377Z");
        QTest::newRow("nanos") << "2018-12-25T15:47:47.377123456Z"
                               << iso("2018-12-25T15:47:47.377Z");
        QTest::newRow("lower z, space") << "2024-02-29 23:59:59z" << iso("2024-02-29T23:59:59Z");
        QTest::newRow("before 1970")
            << "1969-12-31T23:59:59.999Z" << iso("1969-12-31T23:59:59.999Z");
        QTest::newRow("zero time") << "0001-01-01T00:00:00Z" << qint64(0);
        QTest::newRow("no such day") << "2023-02-29T00:00:00Z" << qint64(-1);
        QTest::newRow("no such hour") << "2023-02-01T25:00:00Z" << qint64(-1);
        QTest::newRow("end of day") << "2023-02-01T24:00:00Z" << iso("2023-02-01T24:00:00Z");
        QTest::newRow("empty fraction") << "2023-02-01T10:00:00.Z" << qint64(-1);
        QTest::newRow("letter in fraction") << "2023-02-01T10:00:00.1aZ" << qint64(-1);
        QTest::newRow("letter in year") << "2O23-02-01T10:00:00Z" << qint64(-1);
        QTest::newRow("offset") << "2021-10-12T09:51:03.1+02:00" << iso("2021-10-12T07:51:03.100Z");
    }

    void parseAlertTime_utcFormAgreesWithTheIsoReader()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        // Before 1970 the answer is negative, which callers clamp, as the general reader's.
        QCOMPARE(parseAlertTime(text), expected);
    }
};

QTEST_GUILESS_MAIN(TestIngestNormalizer)
#include "tst_ingestnormalizer.moc"
