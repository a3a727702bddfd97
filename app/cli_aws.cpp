// SPDX-License-Identifier: MIT
#include "app/cli_aws.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "host/appcontext.h"
#include "ingest/ingestpipeline.h"
#include "notify/notifier.h"
#include "host/awsservices.h"
#include "host/awssettings.h"
#include "aws/snsclient.h"
#include "aws/sqsclient.h"
#include "ingest/sqsconsumer.h"
#include "secrets/secretstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace sitrep::cli {

namespace {

using namespace sitrep::aws;
using namespace sitrep::host;
using namespace sitrep::ingest;

int awsFail(const QString &message)
{
    return failWith("aws", message);
}

void onStop(int)
{
    QCoreApplication::quit();
}

int usage(const QString &verb)
{
    out() << commandHelp(*findCommand(QStringLiteral("aws")));
    out().flush();
    if (verb.isEmpty())
        return ExitUsage;
    const QString near = closestMatch(verb, {QStringLiteral("consume"), QStringLiteral("notify")});
    failWith("aws",
             QStringLiteral("unknown aws subcommand '%1'%2")
                 .arg(verb, near.isEmpty() ? QString()
                                           : QStringLiteral("; did you mean '%1'?").arg(near)));
    return ExitUsage;
}

/// Runs `start` and waits for its callback (Ctrl-C ends the wait as well).
template <typename T, typename Start>
Result<T> wait(Start &&start)
{
    std::optional<Result<T>> out;
    QEventLoop loop;
    start([&](Result<T> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    if (!out)
        return Result<T>::fail(QStringLiteral("interrupted"));
    return std::move(*out);
}

} // namespace

int runAws(const QStringList &args)
{
    const QString verb = args.value(2);
    if (verb != u"consume" && verb != u"notify")
        return usage(verb);
    QCommandLineParser p;
    const QString cmd = QStringLiteral("aws");
    const QCommandLineOption db = tableOption(cmd, QStringLiteral("db"));
    const QCommandLineOption endpoint = tableOption(cmd, QStringLiteral("endpoint"));
    const QCommandLineOption region = tableOption(cmd, QStringLiteral("region"));
    const QCommandLineOption profile = tableOption(cmd, QStringLiteral("profile"));
    const QCommandLineOption queue = tableOption(cmd, QStringLiteral("queue"));
    const QCommandLineOption once = tableOption(cmd, QStringLiteral("once"));
    const QCommandLineOption waitS = tableOption(cmd, QStringLiteral("wait"));
    const QCommandLineOption visibility = tableOption(cmd, QStringLiteral("visibility"));
    const QCommandLineOption config = tableOption(cmd, QStringLiteral("config"));
    const QCommandLineOption slackFile = tableOption(cmd, QStringLiteral("slack-token-file"));
    addTableOptions(p, *findCommand(cmd));
    QStringList rest = args;
    rest.removeAt(1); // "aws"
    rest.removeAt(1); // the verb
    if (!p.parse(rest)) {
        failWith("aws", p.errorText());
        return ExitUsage;
    }
    if (!p.positionalArguments().isEmpty()) {
        failWith("aws",
                 QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
        return ExitUsage;
    }

    auto path = databasePath(p.value(db), true);
    if (!path)
        return awsFail(path.errorMessage());
    auto ctx = host::AppContext::open(*path);
    if (!ctx)
        return awsFail(ctx.errorMessage());
    store::Store &st = (*ctx)->store();
    const auto setting = [&](const QCommandLineOption &o, const QString &key, const QString &fallback = {}) {
        return p.isSet(o) ? p.value(o) : st.meta(key, fallback);
    };
    const QString reg = setting(region, QStringLiteral("aws.region"), qEnvironmentVariable("AWS_REGION", QStringLiteral("us-east-1")));
    // Environment, then the keys stored in the keychain, then ~/.aws/credentials.
    secrets::KeychainSecretStore keychain;
    auto creds = ChainCredentialsProvider::withKeychain(keychain, setting(profile, QStringLiteral("aws.profile")));
    QNetworkAccessManager nam;
    std::signal(SIGINT, onStop);
    std::signal(SIGTERM, onStop);

    if (verb == u"consume") {
        const QString queueUrl = setting(queue, QStringLiteral("aws.alert_queue"));
        if (queueUrl.isEmpty())
            return awsFail(QStringLiteral("no queue: pass --queue URL or `sitrep config set aws.alert_queue URL`"));
        AwsEndpoint ep;
        ep.region = reg;
        const QString epText = setting(endpoint, QStringLiteral("aws.endpoint"));
        if (!epText.isEmpty()) {
            ep.url = QUrl(epText);
        } else {
            // The queue URL names its own endpoint.
            const QUrl q(queueUrl);
            ep.url = QUrl(QStringLiteral("%1://%2/").arg(q.scheme(), q.authority()));
        }
        if (auto v = ep.validate(); !v)
            return awsFail(v.errorMessage());
        SqsClient sqs(nam, ep, creds);
        ingest::IngestPipeline pipeline((*ctx)->engine());
        SqsConsumerConfig cfg;
        cfg.queueUrl = queueUrl;
        cfg.waitSeconds = p.value(waitS).toInt();
        if (p.isSet(visibility))
            cfg.visibilityTimeout = p.value(visibility).toInt();
        SqsAlertConsumer consumer(sqs, st, SqsAlertConsumer::pipelineHandler(pipeline), cfg);
        consumer.attachTo((*ctx)->engine());
        // Fault injection for crash tests: die after the commit, before the delete.
        if (qEnvironmentVariable("SITREP_FAULT") == u"exit_before_delete")
            consumer.setBeforeDeleteHook([](const SqsMessage &) -> bool { std::_Exit(3); });
        QObject::connect(&consumer, &SqsAlertConsumer::pollFailed, &consumer, [](const QString &e) {
            fprintf(stderr, "sitrep aws: %s\n", printable(e).toUtf8().constData());
        });
        if (p.isSet(once)) {
            auto r = wait<int>([&](auto cb) { consumer.pollOnce(cb); });
            if (!r)
                return awsFail(r.errorMessage());
        } else {
            consumer.start();
            QCoreApplication::exec();
            consumer.stop();
        }
        const auto &s = consumer.stats();
        const QJsonObject o{{QStringLiteral("received"), s.received}, {QStringLiteral("ingested"), s.ingested},
                            {QStringLiteral("duplicates"), s.duplicates}, {QStringLiteral("rejected"), s.rejected},
                            {QStringLiteral("retried"), s.retried}, {QStringLiteral("deleted"), s.deleted}};
        printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    // notify
    // The channels the settings name (file, topics, Slack, channel lines), else the
    // shipped example.
    AwsConfig awsConfig = AwsSettings(st, keychain).load();
    if (p.isSet(config))
        awsConfig.notifyConfig = p.value(config);
    if (!awsConfig.notifierConfigured())
        awsConfig.notifyConfig = QStringLiteral(":/sitrep/config/notifications.yaml");
    auto nc = AwsSettings::notifyConfig(awsConfig);
    if (!nc)
        return awsFail(nc.errorMessage());
    std::unique_ptr<SnsClient> sns;
    const QString epText = setting(endpoint, QStringLiteral("aws.endpoint"), QStringLiteral("https://sns.%1.amazonaws.com/").arg(reg));
    AwsEndpoint ep;
    ep.url = QUrl(epText);
    ep.region = reg;
    if (auto v = ep.validate(); !v)
        return awsFail(v.errorMessage());
    sns = std::make_unique<SnsClient>(nam, ep, creds);
    QString slackToken;
    if (p.isSet(slackFile)) {
        QFile f(p.value(slackFile));
        if (!f.open(QIODevice::ReadOnly))
            return awsFail(QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        slackToken = QString::fromUtf8(f.readLine(4096).trimmed());
    }
    notify::Notifier notifier((*ctx)->engine(), *nc, nam, snsTopicPublisher(sns.get()), [&](const QString &name) -> QString {
        if (name == nc->slackTokenSecret && !slackToken.isEmpty())
            return slackToken;
        auto r = keychain.read(name);
        return r ? *r : QString();
    });
    // Fault injection for crash tests: die after Slack answered, before the outcome commits.
    if (qEnvironmentVariable("SITREP_FAULT") == u"exit_after_slack_answer")
        notifier.setAfterAttemptHook([](const notify::Delivery &d) -> bool {
            if (d.transport == u"slack")
                std::_Exit(3);
            return true;
        });
    if (p.isSet(once)) {
        auto q = notifier.scan();
        if (!q)
            return awsFail(q.errorMessage());
        auto n = wait<int>([&](auto cb) { notifier.deliverDue([cb](int a) { cb(a); }); });
        const QJsonObject o{{QStringLiteral("queued"), *q}, {QStringLiteral("attempts"), n ? *n : 0},
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
