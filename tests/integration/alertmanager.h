// SPDX-License-Identifier: MIT
// A real Prometheus Alertmanager for the integration tests: one route to Sitrep's webhook,
// its process on 127.0.0.1, and the wait until it says it is ready.
#pragma once

#include "fixtures/network.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QProcess>
#include <QString>
#include <QTest>
#include <QUrl>

namespace sitrep::testing {

/// Alertmanager's configuration: alerts grouped by `groupBy` (a YAML list's items), each
/// group sent after 1 s (and again after an hour) to `webhook` with `token` as its bearer
/// credentials; resolved ones too when `sendResolved`.
inline QByteArray alertmanagerConfig(const QString &groupBy, const QString &webhook,
                                     const QByteArray &token, bool sendResolved)
{
    return QStringLiteral("route:\n"
                          "  receiver: sitrep\n"
                          "  group_by: [%1]\n"
                          "  group_wait: 1s\n"
                          "  group_interval: 1s\n"
                          "  repeat_interval: 1h\n"
                          "receivers:\n"
                          "  - name: sitrep\n"
                          "    webhook_configs:\n"
                          "      - url: %2\n"
                          "        send_resolved: %3\n"
                          "        http_config:\n"
                          "          authorization:\n"
                          "            credentials: %4\n")
        .arg(groupBy, webhook, sendResolved ? QStringLiteral("true") : QStringLiteral("false"),
             QString::fromLatin1(token))
        .toUtf8();
}

/// Starts `am` (the Alertmanager `binary`) with `configFile`, listening on 127.0.0.1:`port`
/// with no cluster and its data in `dataDir`, and waits until /-/ready answers 200 (each ask
/// `askMs` at most, 100 asks). Empty when it is ready, else why not.
inline QString startAlertmanager(QProcess &am, const QString &binary, const QString &configFile,
                                 quint16 port, const QString &dataDir, QNetworkAccessManager &nam,
                                 int askMs)
{
    am.setProcessChannelMode(QProcess::MergedChannels);
    am.start(binary,
             {QStringLiteral("--config.file=") + configFile,
              QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
              QStringLiteral("--cluster.listen-address="),
              QStringLiteral("--storage.path=") + dataDir, QStringLiteral("--log.level=warn")});
    if (!am.waitForStarted(5000))
        return am.errorString();
    const QUrl ready(QStringLiteral("http://127.0.0.1:%1/-/ready").arg(port));
    for (int i = 0; i < 100; ++i) {
        if (replyStatus(nam.get(QNetworkRequest(ready)), askMs) == 200)
            return {};
        QTest::qWait(100);
    }
    const QByteArray out = am.readAll();
    return out.isEmpty() ? QStringLiteral("Alertmanager never said it was ready")
                         : QString::fromUtf8(out);
}

} // namespace sitrep::testing
