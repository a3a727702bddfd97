// SPDX-License-Identifier: MIT
#include "notify/notifyconfig.h"

#include "util/enumnames.h"
#include "workflow/yamlutil.h"

#include <QHostAddress>

namespace sitrep::notify {

using workflow::str;

QString transportName(ChannelDef::Transport t)
{
    static constexpr util::EnumName<ChannelDef::Transport> names[] = {
        {ChannelDef::Transport::Sns, "sns"},
        {ChannelDef::Transport::Slack, "slack"},
        {ChannelDef::Transport::Webhook, "webhook"}};
    return util::nameOf(names, t);
}

bool isAllowedUrl(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return false;
    if (url.scheme() == u"https")
        return true;
    const QHostAddress a(url.host());
    return url.scheme() == u"http" &&
           (url.host() == u"localhost" || (!a.isNull() && a.isLoopback()));
}

Result<NotifyConfig> NotifyConfig::fromYaml(const QByteArray &text, const QString &source)
{
    using R = Result<NotifyConfig>;
    auto doc = workflow::parseYaml(text, source);
    if (!doc)
        return doc.error();
    const YAML::Node root = *doc;
    NotifyConfig c;
    if (!root || root.IsNull())
        return c;
    if (!root.IsMap())
        return R::fail(
            workflow::yamlError(source, root.Mark(), QStringLiteral("expected a mapping")));
    if (root["sla_topic"])
        c.slaTopic = str(root["sla_topic"]);
    if (root["status_topic"])
        c.statusTopic = str(root["status_topic"]);
    if (const auto s = root["slack"]; s && s.IsMap()) {
        if (s["base_url"]) {
            QString base = str(s["base_url"]);
            if (!base.endsWith(u'/'))
                base += u'/';
            c.slackBaseUrl = QUrl(base);
        }
        if (s["token_secret"])
            c.slackTokenSecret = str(s["token_secret"]);
        if (s["war_room_prefix"])
            c.warRoomPrefix = str(s["war_room_prefix"]);
    }
    if (const auto d = root["delivery"]; d && d.IsMap()) {
        if (d["max_attempts"])
            c.maxAttempts = std::max(1, d["max_attempts"].as<int>(c.maxAttempts));
        if (d["retry_base_ms"])
            c.retryBaseMs = std::max(0, d["retry_base_ms"].as<int>(c.retryBaseMs));
        if (d["retry_max_ms"])
            c.retryMaxMs = std::max(0, d["retry_max_ms"].as<int>(c.retryMaxMs));
        if (d["timeout_ms"])
            c.timeoutMs = std::max(1000, d["timeout_ms"].as<int>(c.timeoutMs));
    }
    if (const auto chans = root["channels"]; chans) {
        if (!chans.IsMap())
            return R::fail(workflow::yamlError(
                source, chans.Mark(), QStringLiteral("channels must map names to definitions")));
        for (auto it = chans.begin(); it != chans.end(); ++it) {
            ChannelDef ch;
            ch.name = QString::fromStdString(it->first.as<std::string>());
            const YAML::Node n = it->second;
            const QString type = str(n["type"]).toLower();
            if (type == u"sns") {
                ch.transport = ChannelDef::Transport::Sns;
                ch.topic = str(n["topic"]);
                if (ch.topic.isEmpty())
                    return R::fail(workflow::yamlError(
                        source, n.Mark(),
                        QStringLiteral("channel '%1': sns needs a topic").arg(ch.name)));
            } else if (type == u"slack") {
                ch.transport = ChannelDef::Transport::Slack;
                ch.warRoom = n["war_room"] && n["war_room"].as<bool>(false);
                ch.slackChannel = str(n["channel"]);
                if (!ch.warRoom && ch.slackChannel.isEmpty())
                    return R::fail(workflow::yamlError(
                        source, n.Mark(),
                        QStringLiteral("channel '%1': slack needs war_room: true or a channel id")
                            .arg(ch.name)));
            } else if (type == u"webhook") {
                ch.transport = ChannelDef::Transport::Webhook;
                ch.url = QUrl(str(n["url"]));
                ch.secret = str(n["secret"]);
            } else {
                return R::fail(workflow::yamlError(
                    source, n.Mark(),
                    QStringLiteral("channel '%1': unknown type '%2' (sns, slack, webhook)")
                        .arg(ch.name, type)));
            }
            c.channels.insert(ch.name, ch);
        }
    }
    if (auto v = c.validate(); !v)
        return R::fail(QStringLiteral("%1: %2").arg(source, v.errorMessage()));
    return c;
}

Result<NotifyConfig> NotifyConfig::load(const QString &path)
{
    return workflow::loadConfigFile(path, &NotifyConfig::fromYaml);
}

Status NotifyConfig::validate() const
{
    for (const ChannelDef &c : channels) {
        if (c.transport == ChannelDef::Transport::Webhook && !isAllowedUrl(c.url))
            return Status::fail(
                QStringLiteral(
                    "channel '%1': webhook URL '%2' must be https (plain http only on loopback)")
                    .arg(c.name, c.url.toString()));
        if (c.transport == ChannelDef::Transport::Slack && !isAllowedUrl(slackBaseUrl))
            return Status::fail(
                QStringLiteral("Slack base URL '%1' must be https (plain http only on loopback)")
                    .arg(slackBaseUrl.toString()));
    }
    return {};
}

} // namespace sitrep::notify
