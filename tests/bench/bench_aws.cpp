// SPDX-License-Identifier: MIT
// SQS receive-commit-delete throughput against the fauxqs emulator on 127.0.0.1: Sitrep's
// alert consumer (decode the SNS envelope, inbox dedup, one engine commit per message,
// batch delete) against a bare client making the same SQS calls (receive, batch delete)
// on the same emulator in the same run, as the ceiling.
//
//   bench_aws [messages]     (default 2000; SITREP_BENCH_AWS_MESSAGES also works)
#include "engine/command.h"
#include "host/appcontext.h"
#include "ingest/ingestpipeline.h"
#include "ingest/sqsconsumer.h"
#include "integration/fauxqsfixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <cstdio>

using namespace sitrep;
using namespace sitrep::aws;
using namespace sitrep::host;
using namespace sitrep::ingest;
using sitrep::testing::await;

namespace {

QString envelope(int i)
{
    const QByteArray alert = testing::genericAlert(
        QStringLiteral("bench alert %1").arg(i), QStringLiteral("svc-%1").arg(i % 50),
        QStringLiteral("high"), QStringLiteral("fp-%1").arg(i));
    const QJsonObject env{
        {QStringLiteral("Type"), QStringLiteral("Notification")},
        {QStringLiteral("MessageId"), QStringLiteral("bench-%1").arg(i)},
        {QStringLiteral("TopicArn"), QStringLiteral("arn:aws:sns:us-east-1:000000000000:bench")},
        {QStringLiteral("Message"), QString::fromUtf8(alert)},
        {QStringLiteral("MessageAttributes"),
         QJsonObject{{QStringLiteral("source"),
                      QJsonObject{{QStringLiteral("Type"), QStringLiteral("String")},
                                  {QStringLiteral("Value"), QStringLiteral("generic")}}}}}};
    return QString::fromUtf8(QJsonDocument(env).toJson(QJsonDocument::Compact));
}

bool fill(SqsClient &sqs, const QString &url, int n)
{
    for (int i = 0; i < n; i += 10) {
        QList<SqsSendEntry> batch;
        for (int j = i; j < std::min(n, i + 10); ++j) {
            SqsSendEntry e;
            e.id = QString::number(j - i);
            e.body = envelope(j);
            batch << e;
        }
        auto r = await<SqsBatchResult>([&](auto cb) { sqs.sendMessageBatch(url, batch, cb); });
        if (!r || !r->failed.isEmpty()) {
            std::fprintf(stderr, "fill failed: %s\n",
                         qPrintable(r ? r->failed.first().message : r.errorMessage()));
            return false;
        }
    }
    return true;
}

QString queue(SqsClient &sqs, const QString &name)
{
    auto r = await<QString>([&](auto cb) { sqs.createQueue(name, {}, cb); });
    return r ? *r : QString();
}

/// The ceiling: the same receive and batch-delete calls, doing nothing with the messages.
double bareRun(SqsClient &sqs, const QString &url, int n)
{
    QElapsedTimer t;
    t.start();
    int deleted = 0;
    while (deleted < n) {
        SqsReceiveRequest req;
        req.queueUrl = url;
        req.waitSeconds = 1;
        req.messageAttributeNames = {QStringLiteral("All")};
        auto r = await<QList<SqsMessage>>([&](auto cb) { sqs.receiveMessage(req, cb); });
        if (!r)
            return -1;
        QList<QPair<QString, QString>> handles;
        for (const auto &m : *r)
            handles.append({QString::number(handles.size()), m.receiptHandle});
        if (handles.isEmpty())
            continue;
        auto d = await<SqsBatchResult>([&](auto cb) { sqs.deleteMessageBatch(url, handles, cb); });
        if (!d)
            return -1;
        deleted += d->successful.size();
    }
    return t.nsecsElapsed() / 1e9;
}

double consumerRun(SqsAlertConsumer &consumer, int n)
{
    QElapsedTimer t;
    t.start();
    while (consumer.stats().deleted < n) {
        auto r = await<int>([&](auto cb) { consumer.pollOnce(cb); });
        if (!r)
            return -1;
    }
    return t.nsecsElapsed() / 1e9;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int n = qEnvironmentVariableIntValue("SITREP_BENCH_AWS_MESSAGES");
    if (argc > 1)
        n = QString::fromLocal8Bit(argv[1]).toInt();
    if (n <= 0)
        n = 2000;

    testing::FauxqsProcess fauxqs;
    if (const QString why = fauxqs.start(); !why.isEmpty()) {
        std::printf("bench_aws skipped: %s\n", qPrintable(why));
        return 0;
    }
    QNetworkAccessManager nam;
    SqsClient sqs(nam, fauxqs.endpoint(),
                  std::make_shared<StaticCredentialsProvider>(
                      AwsCredentials{QStringLiteral("AKIDBENCH"), QStringLiteral("secret"), {}}));
    QTemporaryDir dir;
    auto ctx =
        host::AppContext::open(dir.filePath(QStringLiteral("bench.db")), QStringLiteral("sre"));
    if (!ctx) {
        std::fprintf(stderr, "%s\n", qPrintable(ctx.errorMessage()));
        return 1;
    }

    struct Row {
        QString name;
        double seconds; // best of the rounds
    };
    // Rounds interleave the runs, so load from anything else on the machine hits all of
    // them alike; each row keeps its best round.
    const int rounds = std::max(1, qEnvironmentVariableIntValue("SITREP_BENCH_AWS_ROUNDS")
                                       ? qEnvironmentVariableIntValue("SITREP_BENCH_AWS_ROUNDS")
                                       : 3);
    QList<Row> rows{
        {QStringLiteral("bare client: receive + batch delete (ceiling)"), 0},
        {QStringLiteral("Sitrep consumer: envelope, inbox dedup, engine open, delete"), 0},
        {QStringLiteral("Sitrep consumer: envelope, inbox dedup, ingest pipeline, delete"), 0}};
    const auto keep = [](Row &row, double s) {
        if (s > 0 && (row.seconds <= 0 || s < row.seconds))
            row.seconds = s;
    };
    ingest::IngestPipeline pipeline((*ctx)->engine());
    auto probe = pipeline.ingest(QStringLiteral("generic"), QByteArray("{}"));
    const bool pipelineReady =
        probe || !probe.errorMessage().contains(QStringLiteral("not implemented"));
    SqsConsumerConfig cfg;
    cfg.waitSeconds = 1;
    for (int round = 0; round < rounds; ++round) {
        // Each queue is filled right before its run, so every run sees the emulator
        // holding the same number of messages.
        const QString bareUrl = queue(sqs, QStringLiteral("bench-bare-%1").arg(round));
        if (!fill(sqs, bareUrl, n))
            return 1;
        keep(rows[0], bareRun(sqs, bareUrl, n));

        cfg.queueUrl = queue(sqs, QStringLiteral("bench-engine-%1").arg(round));
        if (!fill(sqs, cfg.queueUrl, n))
            return 1;
        // Opens one incident per message through the engine (its own transaction each).
        SqsAlertConsumer viaEngine(
            sqs, (*ctx)->store(),
            [&](const InboundAlert &a) -> Status {
                const QJsonObject p =
                    QJsonDocument::fromJson(a.body).object()[u"payload"].toObject();
                auto r = (*ctx)->engine().execute(
                    engine::Command::open({{QStringLiteral("title"), p[u"title"].toString()},
                                           {QStringLiteral("severity"), QStringLiteral("high")}},
                                          QStringLiteral("sqs")));
                return r ? Status() : Status(r.error());
            },
            cfg);
        viaEngine.attachTo((*ctx)->engine());
        keep(rows[1], consumerRun(viaEngine, n));

        if (pipelineReady) {
            cfg.queueUrl = queue(sqs, QStringLiteral("bench-pipeline-%1").arg(round));
            if (!fill(sqs, cfg.queueUrl, n))
                return 1;
            SqsAlertConsumer viaPipeline(sqs, (*ctx)->store(),
                                         SqsAlertConsumer::pipelineHandler(pipeline), cfg);
            viaPipeline.attachTo((*ctx)->engine());
            keep(rows[2], consumerRun(viaPipeline, n));
        }
    }
    if (!pipelineReady)
        rows.removeLast();

    const double ceiling = rows[0].seconds > 0 ? n / rows[0].seconds : 0;
    std::printf("\nSQS receive-commit-delete, %d messages, fauxqs 1.9.2 on 127.0.0.1, batches of "
                "10, best of %d rounds\n",
                n, rounds);
    std::printf("| %-66s | %9s | %10s | %8s |\n", "run", "seconds", "msgs/s", "ratio");
    std::printf("|%s|%s|%s|%s|\n", QByteArray(68, '-').constData(), QByteArray(11, '-').constData(),
                QByteArray(12, '-').constData(), QByteArray(10, '-').constData());
    for (const Row &r : rows) {
        const double rate = r.seconds > 0 ? n / r.seconds : 0;
        std::printf("| %-66s | %9.2f | %10.0f | %7.2fx |\n", qPrintable(r.name), r.seconds, rate,
                    ceiling > 0 ? rate / ceiling : 0);
    }
    if (!pipelineReady)
        std::printf("(ingest pipeline not implemented in this tree: its row is left out)\n");
    fauxqs.stop();
    return 0;
}
