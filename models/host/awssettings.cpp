// SPDX-License-Identifier: MIT
#include "host/awssettings.h"

#include "aws/snsclient.h"
#include "aws/sqsclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QUrlQuery>

#include <algorithm>
#include <memory>
#include <optional>

namespace sitrep::host {
using namespace sitrep::aws;

using notify::ChannelDef;

namespace {

// Each meta key and the field it sets, in the order of AwsConfig.
using KeyField = std::pair<QString, QString AwsConfig::*>;
const QList<KeyField> &keyFields()
{
    static const QList<KeyField> f{
        {QStringLiteral("aws.endpoint"), &AwsConfig::endpoint},
        {QStringLiteral("aws.region"), &AwsConfig::region},
        {QStringLiteral("aws.profile"), &AwsConfig::profile},
        {QStringLiteral("aws.alert_queue"), &AwsConfig::alertQueue},
        {QStringLiteral("aws.sla_topic"), &AwsConfig::slaTopic},
        {QStringLiteral("aws.status_topic"), &AwsConfig::statusTopic},
        {QStringLiteral("notify.config"), &AwsConfig::notifyConfig},
        {QStringLiteral("notify.slack_base_url"), &AwsConfig::slackBaseUrl},
        {QStringLiteral("notify.channels"), &AwsConfig::channels}};
    return f;
}

} // namespace

QStringList AwsConfig::keys()
{
    QStringList names;
    for (const auto &[key, field] : keyFields())
        names << key;
    return names;
}

QString AwsConfig::effectiveRegion() const
{
    if (!region.trimmed().isEmpty())
        return region.trimmed();
    return qEnvironmentVariable("AWS_REGION", QStringLiteral("us-east-1"));
}

bool AwsConfig::notifierConfigured() const
{
    return !notifyConfig.trimmed().isEmpty() || !channels.trimmed().isEmpty() ||
           !slaTopic.trimmed().isEmpty() || !statusTopic.trimmed().isEmpty();
}

static Status checkUrl(const QString &what, const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != u"https" && url.scheme() != u"http"))
        return Status::fail(
            QStringLiteral("%1 '%2' is not an http(s) URL").arg(what, text.trimmed()));
    if (!notify::isAllowedUrl(url))
        return Status::fail(QStringLiteral("%1 %2 must use https (plain http only on loopback)")
                                .arg(what, url.toString()));
    if (!url.userInfo().isEmpty())
        return Status::fail(
            QStringLiteral("%1: put no credentials in the URL; keys go to the system keychain")
                .arg(what));
    return {};
}

Status AwsConfig::validate() const
{
    if (!endpoint.trimmed().isEmpty())
        if (auto s = checkUrl(QStringLiteral("AWS endpoint"), endpoint); !s)
            return s;
    if (!region.trimmed().isEmpty() &&
        !QRegularExpression(QStringLiteral("^[a-z]{2}(-[a-z]+)+-\\d+$"))
             .match(region.trimmed())
             .hasMatch())
        return Status::fail(QStringLiteral("'%1' does not look like an AWS region (e.g. eu-west-1)")
                                .arg(region.trimmed()));
    if (consumerConfigured()) {
        // Without an endpoint the queue URL names where requests go, so it is held to the
        // endpoint rule; with one it is only the queue's name (emulators answer with
        // URLs like http://sqs.us-east-1.localhost:port/...).
        const QUrl q(alertQueue.trimmed(), QUrl::StrictMode);
        if (!endpoint.trimmed().isEmpty()) {
            if (!q.isValid() || q.host().isEmpty() ||
                (q.scheme() != u"https" && q.scheme() != u"http"))
                return Status::fail(QStringLiteral("alert queue URL '%1' is not an http(s) URL")
                                        .arg(alertQueue.trimmed()));
        } else if (auto s = checkUrl(QStringLiteral("alert queue URL"), alertQueue); !s) {
            return s;
        }
    }
    for (const QString *topic : {&slaTopic, &statusTopic})
        if (topic->trimmed().contains(QRegularExpression(QStringLiteral("\\s"))))
            return Status::fail(QStringLiteral("topic '%1' contains spaces").arg(topic->trimmed()));
    if (!slackBaseUrl.trimmed().isEmpty())
        if (auto s = checkUrl(QStringLiteral("Slack base URL"), slackBaseUrl); !s)
            return s;
    if (auto c = parseChannels(channels); !c)
        return c.error();
    return {};
}

Result<AwsEndpoint> AwsConfig::sqsEndpoint() const
{
    AwsEndpoint ep;
    ep.region = effectiveRegion();
    if (!endpoint.trimmed().isEmpty()) {
        ep.url = QUrl(endpoint.trimmed());
    } else if (consumerConfigured()) {
        const QUrl q(alertQueue.trimmed());
        ep.url = QUrl(QStringLiteral("%1://%2/").arg(q.scheme(), q.authority()));
    } else {
        ep.url = QUrl(QStringLiteral("https://sqs.%1.amazonaws.com/").arg(ep.region));
    }
    if (auto v = ep.validate(); !v)
        return v.error();
    return ep;
}

Result<AwsEndpoint> AwsConfig::snsEndpoint() const
{
    AwsEndpoint ep;
    ep.region = effectiveRegion();
    ep.url = QUrl(endpoint.trimmed().isEmpty()
                      ? QStringLiteral("https://sns.%1.amazonaws.com/").arg(ep.region)
                      : endpoint.trimmed());
    if (auto v = ep.validate(); !v)
        return v.error();
    return ep;
}

Result<QList<ChannelDef>> AwsConfig::parseChannels(const QString &text)
{
    using R = Result<QList<ChannelDef>>;
    QList<ChannelDef> out;
    int lineNo = 0;
    for (const QString &raw : text.split(u'\n')) {
        ++lineNo;
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList f = line.split(QRegularExpression(QStringLiteral("\\s+")));
        const auto bad = [&](const QString &why) {
            return R::fail(QStringLiteral("channels line %1: %2").arg(lineNo).arg(why));
        };
        if (f.size() < 3)
            return bad(QStringLiteral("expected NAME TYPE TARGET (e.g. team_channel webhook "
                                      "https://chat.example.com/hook)"));
        if (!QRegularExpression(QStringLiteral("^[A-Za-z0-9_.:-]+$")).match(f[0]).hasMatch())
            return bad(QStringLiteral("'%1' is not a channel name").arg(f[0]));
        ChannelDef c;
        c.name = f[0];
        const QString type = f[1].toLower();
        if (type == u"webhook") {
            if (f.size() > 4)
                return bad(QStringLiteral("webhook takes a URL and an optional secret name"));
            if (auto s = checkUrl(QStringLiteral("webhook URL"), f[2]); !s)
                return bad(s.errorMessage());
            c.transport = ChannelDef::Transport::Webhook;
            c.url = QUrl(f[2]);
            if (f.size() == 4) {
                if (f[3].startsWith(SecretReferencePrefix)) {
                    c.secret = f[3].mid(SecretReferencePrefix.size());
                    if (!isSecretName(c.secret))
                        return bad(QStringLiteral("'%1' is not a secret name").arg(c.secret));
                } else {
                    // The token itself: looked up where storeChannelSecrets() puts it.
                    c.secret = channelSecretName(c.name);
                }
            }
        } else if (type == u"slack") {
            c.transport = ChannelDef::Transport::Slack;
            if (f[2] == u"war_room")
                c.warRoom = true;
            else
                c.slackChannel = f[2];
        } else if (type == u"sns") {
            c.transport = ChannelDef::Transport::Sns;
            c.topic = f[2];
        } else {
            return bad(QStringLiteral("unknown type '%1' (webhook, slack, sns)").arg(f[1]));
        }
        out << c;
    }
    return out;
}

QString channelSecretName(const QString &channel)
{
    return QStringLiteral("notify.webhook.") + channel;
}

bool isSecretName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.:-]*$"));
    return re.match(name).hasMatch();
}

namespace {

/// The fields of the lines of `channels` that hold a webhook token itself, by line index.
QMap<int, QStringList> plainSecretLines(const QString &channels)
{
    QMap<int, QStringList> out;
    if (!AwsConfig::parseChannels(channels))
        return out; // a line that does not parse is reported where the settings are used
    const QStringList lines = channels.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList f = line.split(QRegularExpression(QStringLiteral("\\s+")));
        if (f.size() == 4 && f[1].toLower() == u"webhook" &&
            !f[3].startsWith(SecretReferencePrefix))
            out.insert(i, f);
    }
    return out;
}

} // namespace

bool AwsConfig::hasPlainSecrets() const
{
    return !plainSecretLines(channels).isEmpty();
}

bool AwsConfig::set(const QString &key, const QString &v)
{
    for (const auto &[k, field] : keyFields()) {
        if (k == key) {
            this->*field = v;
            return true;
        }
    }
    return false;
}

QString AwsConfig::value(const QString &key) const
{
    for (const auto &[k, field] : keyFields())
        if (k == key)
            return this->*field;
    return {};
}

AwsConfig AwsConfig::load(store::Store &store)
{
    AwsConfig c;
    for (const QString &key : keys())
        c.set(key, store.meta(key));
    return c;
}

AwsConfig AwsSettings::load()
{
    return AwsConfig::load(m_store);
}

Status AwsSettings::save(const AwsConfig &config)
{
    if (auto v = config.validate(); !v)
        return v;
    if (!config.notifyConfig.trimmed().isEmpty())
        if (auto n = notifyConfig(config); !n)
            return n.error();
    auto &db = m_store.db();
    if (auto s = db.begin(); !s)
        return s;
    for (const QString &key : AwsConfig::keys()) {
        if (auto s = m_store.setMeta(key, config.value(key).trimmed()); !s) {
            db.rollback();
            return s;
        }
    }
    return db.commit();
}

void AwsSettings::setAccessKey(const QString &accessKeyId, const QString &secretAccessKey,
                               const QString &sessionToken, secrets::SecretStore::Done done)
{
    using Step = std::function<void(secrets::SecretStore::Done)>;
    secrets::SecretStore &keychain = m_secrets;
    const auto put = [&keychain](const QString &name, const QString &value) -> Step {
        return [&keychain, name, value](secrets::SecretStore::Done next) {
            keychain.store(name, value, std::move(next));
        };
    };
    if (accessKeyId.trimmed().isEmpty())
        return secrets::SecretStore::sequence({put(secrets::AwsAccessKeyIdSecret, {}),
                                               put(secrets::AwsSecretAccessKeySecret, {}),
                                               put(secrets::AwsSessionTokenSecret, {})},
                                              std::move(done));
    if (auto c = checkAccessKey(accessKeyId, secretAccessKey); !c)
        return done(c);
    // An empty session token removes the one stored with older keys.
    secrets::SecretStore::sequence({put(secrets::AwsAccessKeyIdSecret, accessKeyId.trimmed()),
                                    put(secrets::AwsSecretAccessKeySecret, secretAccessKey),
                                    put(secrets::AwsSessionTokenSecret, sessionToken)},
                                   std::move(done));
}

Status AwsSettings::checkAccessKey(const QString &accessKeyId, const QString &secretAccessKey)
{
    if (secretAccessKey.isEmpty())
        return Status::fail(QStringLiteral("an access key id needs its secret access key"));
    // Only the first characters are ever echoed.
    if (!QRegularExpression(QStringLiteral("^[A-Z0-9]{16,128}$"))
             .match(accessKeyId.trimmed())
             .hasMatch())
        return Status::fail(
            QStringLiteral("'%1…' does not look like an AWS access key id (AKIA…/ASIA…)")
                .arg(accessKeyId.trimmed().left(4)));
    return {};
}

void AwsSettings::secret(const QString &name, std::function<void(const QString &)> done)
{
    m_secrets.value(name, std::move(done));
}

void AwsSettings::setSecret(const QString &name, const QString &value,
                            secrets::SecretStore::Done done)
{
    m_secrets.store(name, value, std::move(done));
}

void AwsSettings::storeChannelSecrets(const QString &channels,
                                      std::function<void(Result<QString>)> done)
{
    using Done = secrets::SecretStore::Done;
    if (auto parsed = AwsConfig::parseChannels(channels); !parsed)
        return done(parsed.error());
    auto lines = std::make_shared<QStringList>(channels.split(u'\n'));
    QList<std::function<void(Done)>> steps;
    secrets::SecretStore &store = m_secrets;
    const QMap<int, QStringList> plainLines = plainSecretLines(channels);
    for (auto it = plainLines.cbegin(); it != plainLines.cend(); ++it) {
        const int i = it.key();
        const QStringList f = it.value();
        const QString plain = f[3], name = channelSecretName(f[0]);
        const auto refer = [lines, i, f](const QString &to) {
            (*lines)[i] = QStringList{f[0], f[1], f[2], SecretReferencePrefix + to}.join(u' ');
        };
        // Keeps the token as `name`, unless that secret holds it already.
        const auto keep = [&store, refer, plain, name](Done next) {
            store.read(name, [&store, refer, plain, name, next](Result<QString> have) {
                if (have && *have == plain) {
                    refer(name);
                    return next({});
                }
                store.write(name, plain, [refer, name, next](Status w) {
                    if (w)
                        refer(name);
                    next(w);
                });
            });
        };
        steps << [&store, refer, keep, plain](Done next) {
            if (!isSecretName(plain))
                return keep(next);
            // Older versions took the field for the name of a secret: if it is one, it stays one.
            store.read(plain, [refer, keep, plain, next](Result<QString> named) {
                if (named) {
                    refer(plain);
                    return next({});
                }
                if (named.error().code != u"not_found")
                    return next(named.error());
                keep(next);
            });
        };
    }
    secrets::SecretStore::sequence(steps, [lines, done](Status s) {
        if (!s)
            return done(Result<QString>::fail(
                QStringLiteral("cannot move a webhook secret into the secret store: %1")
                    .arg(s.errorMessage()),
                s.error().code));
        done(lines->join(u'\n'));
    });
}

void AwsSettings::moveChannelSecrets(std::function<void(Result<int>)> done)
{
    static const QString key = QStringLiteral("notify.channels");
    const QString text = m_store.meta(key);
    const int plain = int(plainSecretLines(text).size());
    if (plain == 0)
        return done(0);
    store::Store &st = m_store;
    storeChannelSecrets(text, [&st, plain, done](Result<QString> lines) {
        if (!lines)
            return done(lines.error());
        if (auto s = st.setMeta(key, *lines); !s)
            return done(s.error());
        // The old row may linger in free space and in the write-ahead log: rewrite the file.
        if (auto s = st.compact(); !s)
            return done(s.error());
        done(plain);
    });
}

Result<notify::NotifyConfig> AwsSettings::notifyConfig(const AwsConfig &config)
{
    notify::NotifyConfig n;
    if (!config.notifyConfig.trimmed().isEmpty()) {
        auto loaded = notify::NotifyConfig::load(config.notifyConfig.trimmed());
        if (!loaded)
            return loaded.error();
        n = *loaded;
    } else {
        // Without a channels file nothing is published unless the settings name it.
        n.slaTopic.clear();
        n.statusTopic.clear();
    }
    if (!config.slaTopic.trimmed().isEmpty())
        n.slaTopic = config.slaTopic.trimmed();
    if (!config.statusTopic.trimmed().isEmpty())
        n.statusTopic = config.statusTopic.trimmed();
    if (!config.slackBaseUrl.trimmed().isEmpty()) {
        QString base = config.slackBaseUrl.trimmed();
        if (!base.endsWith(u'/'))
            base += u'/';
        n.slackBaseUrl = QUrl(base);
    }
    auto channels = AwsConfig::parseChannels(config.channels);
    if (!channels)
        return channels.error();
    for (const auto &c : *channels)
        n.channels.insert(c.name, c);
    if (auto v = n.validate(); !v)
        return v.error();
    return n;
}

std::shared_ptr<CredentialsProvider> AwsSettings::credentials(const AwsConfig &config)
{
    return ChainCredentialsProvider::withKeychain(m_secrets, config.profile.trimmed());
}

// ---------------------------------------------------------------- connection test

static QString hostPort(const QUrl &url)
{
    return QStringLiteral("%1:%2")
        .arg(url.host())
        .arg(url.port(url.scheme() == u"https" ? 443 : 80));
}

QString explainAwsError(const Error &e, const QUrl &endpoint)
{
    const QString code = e.code;
    if (code == u"dns")
        return QStringLiteral("the name '%1' was not found (DNS)").arg(endpoint.host());
    if (code == u"tls")
        return QStringLiteral("TLS failed with %1: %2")
            .arg(hostPort(endpoint), e.message.section(QStringLiteral(": "), -1));
    if (code == u"refused")
        return QStringLiteral("nothing is listening at %1 (connection refused)")
            .arg(hostPort(endpoint));
    if (code == u"timeout")
        return QStringLiteral("%1 did not answer in time").arg(hostPort(endpoint));
    if (code == u"network")
        return QStringLiteral("cannot reach %1: %2")
            .arg(hostPort(endpoint), e.message.section(QStringLiteral(": "), -1));
    if (code == u"credentials" || code == u"config")
        return e.message;
    if (code.startsWith(u"HTTP"))
        return QStringLiteral("%1 answered HTTP %2 without an AWS error code")
            .arg(hostPort(endpoint), code.mid(4));
    QString hint;
    if (code == u"InvalidClientTokenId" || code == u"UnrecognizedClientException")
        hint = QStringLiteral("the access key id is not known there");
    else if (code == u"SignatureDoesNotMatch" || code == u"IncompleteSignature")
        hint = QStringLiteral(
            "the secret access key does not match the key id (or the region is wrong)");
    else if (code == u"ExpiredToken" || code == u"ExpiredTokenException")
        hint = QStringLiteral("the session token has expired");
    else if (code == u"AccessDenied" || code == u"AccessDeniedException" ||
             code == u"AuthorizationError")
        hint = QStringLiteral("the key may not do this");
    else if (code == u"QueueDoesNotExist" || code.endsWith(u"NonExistentQueue"))
        return QStringLiteral("AWS error AWS.SimpleQueueService.NonExistentQueue "
                              "(QueueDoesNotExist): the queue does not exist");
    else if (code == u"NotFound")
        hint = QStringLiteral("it does not exist");
    const QString msg = e.message.section(QStringLiteral(": "), 2);
    return QStringLiteral("AWS error %1%2%3")
        .arg(code, hint.isEmpty() ? QString() : QStringLiteral(": ") + hint,
             msg.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(msg));
}

namespace {

/// Runs the checks one after the other and hands the list over at the end.
class ConnectionTest final : public QObject {
public:
    ConnectionTest(QNetworkAccessManager &nam, AwsConfig config,
                   std::shared_ptr<CredentialsProvider> creds, QString slackToken, int timeoutMs,
                   std::function<void(QList<ConnectionCheck>)> done)
        : m_nam(nam), m_config(std::move(config)), m_creds(std::move(creds)),
          m_slackToken(std::move(slackToken)), m_timeoutMs(timeoutMs), m_done(std::move(done))
    {
    }

    void run()
    {
        if (auto v = m_config.validate(); !v)
            return add(QStringLiteral("settings"), false, v.errorMessage(), true);
        auto nc = AwsSettings::notifyConfig(m_config);
        if (!nc)
            return add(QStringLiteral("notification channels"), false, nc.errorMessage(), true);
        m_notify = *nc;
        bool usesSns = !m_notify.slaTopic.isEmpty() || !m_notify.statusTopic.isEmpty();
        bool usesSlack = false;
        for (const auto &c : std::as_const(m_notify.channels)) {
            usesSns = usesSns || c.transport == ChannelDef::Transport::Sns;
            usesSlack = usesSlack || c.transport == ChannelDef::Transport::Slack;
        }
        usesSlack = usesSlack || !m_config.slackBaseUrl.trimmed().isEmpty();
        const bool usesAws =
            m_config.consumerConfigured() || usesSns || !m_config.endpoint.trimmed().isEmpty();
        if (!usesAws)
            return plan(usesSns, usesSlack, usesAws);
        // The keys first: the keychain answers later, and the other checks need them.
        QPointer<ConnectionTest> self(this);
        const auto checked = [self, usesSns, usesSlack](const Result<AwsCredentials> &c) {
            if (!self)
                return;
            if (!c) {
                self->add(QStringLiteral("AWS credentials"), false, c.errorMessage());
                self->m_skipSqs = true;
            } else {
                self->add(QStringLiteral("AWS credentials"), true,
                          QStringLiteral("access key %1…").arg(c->accessKeyId.left(4)));
            }
            self->plan(usesSns && c.ok(), usesSlack, true);
        };
        if (!m_creds)
            return checked(Result<AwsCredentials>::fail(QStringLiteral("no credentials provider")));
        m_creds->credentials(checked);
    }

private:
    // The checks to run once the keys are known, one after the other.
    void plan(bool usesSns, bool usesSlack, bool usesAws)
    {
        m_steps.clear();
        if (m_config.consumerConfigured() && !m_skipSqs)
            m_steps << [this] { checkQueue(); };
        if (usesSns) {
            m_steps << [this] { checkTopics(); };
        }
        if (usesSlack)
            m_steps << [this] { checkSlack(); };
        for (const auto &c : std::as_const(m_notify.channels))
            if (c.transport == ChannelDef::Transport::Webhook)
                m_checks << ConnectionCheck{
                    QStringLiteral("webhook %1").arg(c.name), true,
                    QStringLiteral("%1 (not called: a test post would notify people)")
                        .arg(c.url.toString())};
        if (!usesAws && !usesSlack && m_checks.isEmpty())
            m_checks << ConnectionCheck{
                QStringLiteral("AWS"), false,
                QStringLiteral("nothing to test: set an alert queue, a topic or a channel")};
        next();
    }

    void add(const QString &subject, bool ok, const QString &detail, bool stop = false)
    {
        m_checks << ConnectionCheck{subject, ok, detail};
        if (stop)
            finish();
    }

    void finish()
    {
        m_steps.clear();
        auto done = std::move(m_done);
        auto checks = m_checks;
        deleteLater();
        if (done)
            done(checks);
    }

    void next()
    {
        if (m_steps.isEmpty())
            return finish();
        auto step = m_steps.takeFirst();
        step();
    }

    // The endpoint a check calls, with the test's timeout; without one the check fails with
    // the reason and the test moves on to the next step.
    std::optional<AwsEndpoint> endpointOf(const QString &check, Result<AwsEndpoint> ep)
    {
        if (!ep) {
            add(check, false, ep.errorMessage());
            next();
            return std::nullopt;
        }
        ep->timeoutMs = m_timeoutMs;
        return *ep;
    }

    void checkQueue()
    {
        const auto ep = endpointOf(QStringLiteral("SQS alert queue"), m_config.sqsEndpoint());
        if (!ep)
            return;
        m_sqs = std::make_unique<SqsClient>(m_nam, *ep, m_creds);
        const QUrl url = ep->url;
        QPointer<ConnectionTest> self(this);
        m_sqs->getQueueAttributes(
            m_config.alertQueue.trimmed(),
            {QStringLiteral("QueueArn"), QStringLiteral("ApproximateNumberOfMessages")},
            [self, url](Result<QMap<QString, QString>> r) {
                if (!self)
                    return;
                if (!r)
                    self->add(QStringLiteral("SQS alert queue"), false,
                              explainAwsError(r.error(), url));
                else
                    self->add(QStringLiteral("SQS alert queue"), true,
                              QStringLiteral("%1 reachable, %2 message(s) waiting")
                                  .arg(r->value(QStringLiteral("QueueArn")).section(u':', -1),
                                       r->value(QStringLiteral("ApproximateNumberOfMessages"),
                                                QStringLiteral("0"))));
                self->next();
            });
    }

    void checkTopics()
    {
        const auto ep = endpointOf(QStringLiteral("SNS"), m_config.snsEndpoint());
        if (!ep)
            return;
        m_sns = std::make_unique<SnsClient>(m_nam, *ep, m_creds);
        QStringList wanted;
        for (const QString &t : {m_notify.slaTopic, m_notify.statusTopic})
            if (!t.isEmpty())
                wanted << t;
        for (const auto &c : std::as_const(m_notify.channels))
            if (c.transport == ChannelDef::Transport::Sns && !wanted.contains(c.topic))
                wanted << c.topic;
        listTopics(ep->url, wanted, {}, {});
    }

    void listTopics(const QUrl &url, const QStringList &wanted, QStringList found,
                    const QString &token)
    {
        QList<QPair<QString, QString>> params;
        if (!token.isEmpty())
            params << qMakePair(QStringLiteral("NextToken"), token);
        QPointer<ConnectionTest> self(this);
        m_sns->call(
            QStringLiteral("ListTopics"), params,
            [self, url, wanted, found](Result<QByteArray> r) mutable {
                if (!self)
                    return;
                if (!r) {
                    self->add(QStringLiteral("SNS"), false, explainAwsError(r.error(), url));
                    return self->next();
                }
                static const QRegularExpression arnRe(
                    QStringLiteral("<TopicArn>([^<]+)</TopicArn>"));
                for (auto it = arnRe.globalMatch(QString::fromUtf8(*r)); it.hasNext();)
                    found << it.next().captured(1);
                const QString nextToken = SnsClient::xmlValue(*r, QStringLiteral("NextToken"));
                if (!nextToken.isEmpty() && found.size() < 10000)
                    return self->listTopics(url, wanted, found, nextToken);
                self->add(QStringLiteral("SNS"), true,
                          QStringLiteral("%1 accepted the key (%2 topic(s) visible)")
                              .arg(url.host())
                              .arg(found.size()));
                for (const QString &t : wanted) {
                    const bool there =
                        std::any_of(found.cbegin(), found.cend(), [&](const QString &arn) {
                            return arn == t || arn.endsWith(u':' + t);
                        });
                    // Topics given by name are created on first publish; an ARN must exist.
                    const bool ok = there || !t.startsWith(QStringLiteral("arn:"));
                    self->add(QStringLiteral("SNS topic %1").arg(t), ok,
                              there ? QStringLiteral("exists")
                              : ok  ? QStringLiteral("not there yet: created on the first publish "
                                                      "(needs sns:CreateTopic)")
                                    : QStringLiteral("AWS error NotFound: no such topic"));
                }
                self->next();
            });
    }

    void checkSlack()
    {
        const QUrl base = m_notify.slackBaseUrl;
        if (m_slackToken.isEmpty()) {
            add(QStringLiteral("Slack"), false,
                QStringLiteral("no Slack token stored (secret '%1')")
                    .arg(m_notify.slackTokenSecret));
            return next();
        }
        QNetworkRequest req(base.resolved(QUrl(QStringLiteral("auth.test"))));
        req.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
        req.setRawHeader("Authorization", "Bearer " + m_slackToken.toUtf8());
        req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        req.setTransferTimeout(m_timeoutMs);
        QNetworkReply *reply = m_nam.post(req, QByteArray());
        QPointer<ConnectionTest> self(this);
        connect(reply, &QNetworkReply::finished, this, [self, reply, base]() {
            reply->deleteLater();
            if (!self)
                return;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
            QString detail;
            bool ok = false;
            if (status == 0) {
                Error e{reply->errorString(), QStringLiteral("network")};
                switch (reply->error()) {
                case QNetworkReply::HostNotFoundError:
                    e.code = QStringLiteral("dns");
                    break;
                case QNetworkReply::SslHandshakeFailedError:
                    e.code = QStringLiteral("tls");
                    break;
                case QNetworkReply::ConnectionRefusedError:
                    e.code = QStringLiteral("refused");
                    break;
                case QNetworkReply::OperationCanceledError:
                case QNetworkReply::TimeoutError:
                    e.code = QStringLiteral("timeout");
                    break;
                default:
                    break;
                }
                detail = explainAwsError(e, base);
            } else if (status / 100 != 2) {
                detail = QStringLiteral("%1 answered HTTP %2%3")
                             .arg(hostPort(base))
                             .arg(status)
                             .arg(status == 404
                                      ? QStringLiteral(
                                            " (is the base URL the Web API's, ending in /api/?)")
                                      : QString());
            } else if (!o.value(u"ok").toBool()) {
                const QString err =
                    o.value(u"error").toString(QStringLiteral("not a Slack answer"));
                detail = QStringLiteral("Slack error %1%2")
                             .arg(err, err == u"invalid_auth" || err == u"not_authed"
                                           ? QStringLiteral(": the token was refused")
                                           : QString());
            } else {
                ok = true;
                detail = QStringLiteral("token accepted for %1 (%2)")
                             .arg(o.value(u"team").toString(), o.value(u"user").toString());
            }
            self->add(QStringLiteral("Slack"), ok, detail);
            self->next();
        });
    }

    QNetworkAccessManager &m_nam;
    AwsConfig m_config;
    std::shared_ptr<CredentialsProvider> m_creds;
    QString m_slackToken;
    int m_timeoutMs;
    std::function<void(QList<ConnectionCheck>)> m_done;
    notify::NotifyConfig m_notify;
    QList<std::function<void()>> m_steps;
    QList<ConnectionCheck> m_checks;
    std::unique_ptr<SqsClient> m_sqs;
    std::unique_ptr<SnsClient> m_sns;
    bool m_skipSqs = false;
};

} // namespace

void testAwsConnection(QNetworkAccessManager &nam, const AwsConfig &config,
                       std::shared_ptr<CredentialsProvider> credentials, const QString &slackToken,
                       int timeoutMs, std::function<void(QList<ConnectionCheck>)> done)
{
    auto *t = new ConnectionTest(nam, config, std::move(credentials), slackToken, timeoutMs,
                                 std::move(done));
    t->run();
}

AwsSettings::AwsSettings(store::Store &store, secrets::SecretStore &secrets)
    : m_store(store), m_secrets(secrets)
{
}
AwsSettings::~AwsSettings() = default;

void AwsSettings::testConnection(const AwsConfig &config,
                                 std::shared_ptr<CredentialsProvider> credentials,
                                 const QString &slackToken, int timeoutMs,
                                 std::function<void(QList<ConnectionCheck>)> done)
{
    if (!m_nam)
        m_nam = std::make_unique<QNetworkAccessManager>();
    testAwsConnection(*m_nam, config, std::move(credentials), slackToken, timeoutMs,
                      std::move(done));
}

} // namespace sitrep::host
