// SPDX-License-Identifier: MIT
#include "app/cli_aws.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "aws/snsclient.h"
#include "aws/sqsclient.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "ingest/ingestpipeline.h"
#include "ingest/sqsconsumer.h"
#include "notify/notifier.h"
#include "secrets/secretstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace sitrep::cli {

using namespace sitrep::aws;
using namespace sitrep::host;
using namespace sitrep::ingest;

int runAws(const QStringList &args)
{
    CliSession s(args, {.named = true});
    const QString verb = args.value(2);
    if (!s.isSubcommand(verb))
        return s.unknownSubcommand(verb, HelpTo::Stdout);
    if (!s.parse(2, 0, 0) || !s.open(DbAccess::MayCreate))
        return s.code();
    store::Store &st = s.store();
    const QString reg =
        s.optionOrSetting("region", QStringLiteral("aws.region"),
                          qEnvironmentVariable("AWS_REGION", QStringLiteral("us-east-1")));
    // Environment, then the keys stored in the keychain, then ~/.aws/credentials.
    secrets::KeychainSecretStore keychain;
    auto creds = ChainCredentialsProvider::withKeychain(
        keychain, s.optionOrSetting("profile", QStringLiteral("aws.profile")));
    QNetworkAccessManager nam;
    quitOnStopSignals();

    if (verb == u"consume") {
        const QString queueUrl = s.optionOrSetting("queue", QStringLiteral("aws.alert_queue"));
        if (queueUrl.isEmpty())
            return s.fail(QStringLiteral(
                "no queue: pass --queue URL or `sitrep config set aws.alert_queue URL`"));
        AwsEndpoint ep;
        ep.region = reg;
        const QString epText = s.optionOrSetting("endpoint", QStringLiteral("aws.endpoint"));
        if (!epText.isEmpty()) {
            ep.url = QUrl(epText);
        } else {
            // The queue URL names its own endpoint.
            const QUrl q(queueUrl);
            ep.url = QUrl(QStringLiteral("%1://%2/").arg(q.scheme(), q.authority()));
        }
        if (auto v = ep.validate(); !v)
            return s.fail(v.errorMessage());
        SqsClient sqs(nam, ep, creds);
        ingest::IngestPipeline pipeline(s.engine());
        SqsConsumerConfig cfg;
        cfg.queueUrl = queueUrl;
        cfg.waitSeconds = s.value("wait").toInt();
        if (s.has("visibility"))
            cfg.visibilityTimeout = s.value("visibility").toInt();
        SqsAlertConsumer consumer(sqs, st, SqsAlertConsumer::pipelineHandler(pipeline), cfg);
        consumer.attachTo(s.engine());
        // Fault injection for crash tests: die after the commit, before the delete.
        if (qEnvironmentVariable("SITREP_FAULT") == u"exit_before_delete")
            consumer.setBeforeDeleteHook([](const SqsMessage &) -> bool { std::_Exit(3); });
        QObject::connect(&consumer, &SqsAlertConsumer::pollFailed, &consumer, [](const QString &e) {
            fprintf(stderr, "sitrep aws: %s\n", printable(e).toUtf8().constData());
        });
        if (s.has("once")) {
            auto r = waitFor<int>([&](auto cb) { consumer.pollOnce(cb); });
            if (!r)
                return s.fail(r.errorMessage());
        } else {
            consumer.start();
            QCoreApplication::exec();
            consumer.stop();
        }
        const auto &stats = consumer.stats();
        const QJsonObject o{{QStringLiteral("received"), stats.received},
                            {QStringLiteral("ingested"), stats.ingested},
                            {QStringLiteral("duplicates"), stats.duplicates},
                            {QStringLiteral("rejected"), stats.rejected},
                            {QStringLiteral("retried"), stats.retried},
                            {QStringLiteral("deleted"), stats.deleted}};
        printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    // notify
    // The channels the settings name (file, topics, Slack, channel lines), else the
    // shipped example.
    AwsSettings settings(st, keychain);
    // Tokens kept in the channel lines (older versions) move to the keychain first.
    if (auto moved = waitFor<int>([&](auto done) { settings.moveChannelSecrets(done); }); !moved)
        fprintf(stderr, "sitrep aws: %s\n", printable(moved.errorMessage()).toUtf8().constData());
    AwsConfig awsConfig = settings.load();
    if (s.has("config"))
        awsConfig.notifyConfig = s.value("config");
    if (!awsConfig.notifierConfigured())
        awsConfig.notifyConfig = QStringLiteral(":/sitrep/config/notifications.yaml");
    auto nc = AwsSettings::notifyConfig(awsConfig);
    if (!nc)
        return s.fail(nc.errorMessage());
    std::unique_ptr<SnsClient> sns;
    const QString epText =
        s.optionOrSetting("endpoint", QStringLiteral("aws.endpoint"),
                          QStringLiteral("https://sns.%1.amazonaws.com/").arg(reg));
    AwsEndpoint ep;
    ep.url = QUrl(epText);
    ep.region = reg;
    if (auto v = ep.validate(); !v)
        return s.fail(v.errorMessage());
    sns = std::make_unique<SnsClient>(nam, ep, creds);
    QString slackToken;
    if (s.has("slack-token-file")) {
        QFile f(s.value("slack-token-file"));
        if (!f.open(QIODevice::ReadOnly))
            return s.fail(QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        slackToken = QString::fromUtf8(f.readLine(4096).trimmed());
    }
    notify::Notifier notifier(s.engine(), *nc, nam, snsTopicPublisher(sns.get()),
                              [&](const QString &name, std::function<void(const QString &)> done) {
                                  if (name == nc->slackTokenSecret && !slackToken.isEmpty())
                                      return done(slackToken);
                                  keychain.value(name, std::move(done));
                              });
    // Fault injection for crash tests: die after Slack answered, before the outcome commits.
    if (qEnvironmentVariable("SITREP_FAULT") == u"exit_after_slack_answer")
        notifier.setAfterAttemptHook([](const notify::Delivery &d) -> bool {
            if (d.transport == u"slack")
                std::_Exit(3);
            return true;
        });
    if (s.has("once")) {
        auto q = notifier.scan();
        if (!q)
            return s.fail(q.errorMessage());
        auto n = waitFor<int>([&](auto cb) { notifier.deliverDue([cb](int a) { cb(a); }); });
        const QJsonObject o{{QStringLiteral("queued"), *q},
                            {QStringLiteral("attempts"), n ? *n : 0},
                            {QStringLiteral("pending"), notifier.pendingCount()},
                            {QStringLiteral("failed"), qint64(notifier.counts().undeliverable())},
                            {QStringLiteral("dead_letters"), qint64(notifier.counts().dead)}};
        printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    notifier.start();
    // Commits by other processes (CLI, GUI, sync) are picked up by the retry timer's scan.
    QCoreApplication::exec();
    notifier.stop();
    return 0;
}

} // namespace sitrep::cli
