// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QMap>
#include <QString>
#include <QUrl>

namespace sitrep::notify {

/// One named notification channel of the workflow's priority policies (page_oncall,
/// notify_leadership, slack_critical, team_channel, ticket, ...) and how it is delivered.
struct ChannelDef {
    enum class Transport { Sns, Slack, Webhook };
    QString name;
    Transport transport = Transport::Webhook;
    QString topic;        // sns: topic name or ARN
    bool warRoom = false; // slack: one channel per incident (created on first use)
    QString slackChannel; // slack: a fixed channel id when not a war room
    QUrl url;             // webhook
    QString secret;       // webhook: name of the secret holding a bearer token (optional)
};
QString transportName(ChannelDef::Transport t);

/// Where notifications go. Loaded from YAML (resources/config/notifications.yaml is the
/// shipped example); secrets are named, never written here.
struct NotifyConfig {
    QMap<QString, ChannelDef> channels;
    QString slaTopic = QStringLiteral("sitrep-sla-alerts");        // sla.breached events
    QString statusTopic = QStringLiteral("sitrep-status-updates"); // external status updates
    QUrl slackBaseUrl = QUrl(QStringLiteral("https://slack.com/api/"));
    QString slackTokenSecret = QStringLiteral("slack_bot_token");
    QString warRoomPrefix = QStringLiteral("inc");
    int maxAttempts = 8;
    int retryBaseMs = 2000; // first retry delay, doubled per attempt (with jitter)
    int retryMaxMs = 300000;
    int timeoutMs = 15000;

    static Result<NotifyConfig> fromYaml(const QByteArray &text, const QString &source);
    static Result<NotifyConfig> load(const QString &path);
    /// Everything that must hold before delivery starts (URLs valid, https off loopback).
    Status validate() const;
};

/// Plain http only to loopback; everything else needs https.
bool isAllowedUrl(const QUrl &url);

} // namespace sitrep::notify
