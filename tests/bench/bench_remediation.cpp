// SPDX-License-Identifier: MIT
// Auto-remediation throughput against the fauxqs emulator on 127.0.0.1: decisions (rule
// match, safety controls, timeline event and outbox row in one transaction) and decisions
// plus the FIFO send (ten per SendMessageBatch, one transaction per batch for the sent
// events), against the bare SQS client sending the same number of FIFO messages one by one
// and ten per batch, in the same run. Ratios are against the one-by-one client. Prints a
// table; asserts nothing.
//
// Usage: bench_remediation [N]   (default 500 incidents; SITREP_BENCH_REMEDIATION_ROUNDS)
#include "benchutil.h"
#include "integration/fauxqsfixture.h"

#include "aws/sqsclient.h"
#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "remediation/dispatcher.h"
#include "remediation/remediator.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QUuid>

#include <cstdio>

using namespace sitrep;
using namespace sitrep::remediation;
using sitrep::testing::await;

namespace {

struct World {
    QTemporaryDir dir;
    store::Store store;
    engine::ManualClock clock{QDateTime::currentMSecsSinceEpoch()};
    std::unique_ptr<engine::LifecycleEngine> engine;
    std::unique_ptr<Remediator> rem;
};

/// A fresh database with n P2 incidents, each with a triage suggestion one rule matches.
std::unique_ptr<World> makeWorld(int n, const RemediationConfig &cfg)
{
    auto w = std::make_unique<World>();
    if (!w->store.open(w->dir.filePath(QStringLiteral("bench.db"))))
        return nullptr;
    w->engine = std::make_unique<engine::LifecycleEngine>(
        w->store, *workflow::Workflow::load(QStringLiteral("pipeline")),
        *workflow::OnCallSchedule::load({}), w->clock);
    host::registerWorkflowActions(*w->engine);
    w->rem = std::make_unique<Remediator>(*w->engine, *RuleSet::defaults(), cfg);
    QList<engine::Command> open;
    for (int i = 0; i < n; ++i)
        open << engine::Command::open(
            {{QStringLiteral("title"), QStringLiteral("orders-db-%1 refuses connections").arg(i)},
             {QStringLiteral("severity"), QStringLiteral("high")},
             {QStringLiteral("services"), QJsonArray{QStringLiteral("orders-db-%1").arg(i)}}},
            QStringLiteral("bench"));
    auto opened = w->engine->executeBatch(open);
    if (!opened)
        return nullptr;
    QList<engine::Command> suggest;
    for (const auto &o : *opened)
        suggest << engine::Command::make(
            engine::Command::Kind::Record, o->incidentUid,
            {{QStringLiteral("kind"), kinds::TriageSuggested},
             {QStringLiteral("payload"),
              QJsonObject{{QStringLiteral("category"), QStringLiteral("database")},
                          {QStringLiteral("confidence"), 0.93}}}},
            QStringLiteral("triage"));
    if (!w->engine->executeBatch(suggest))
        return nullptr;
    // Start the scan after the set-up, so it sees only what is measured.
    (void)w->store.setMeta(QStringLiteral("remediation.cursor"), QStringLiteral("0"));
    return w;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int n = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 500;
    if (n <= 0)
        n = 500;
    const int rounds =
        std::max(1, qEnvironmentVariableIntValue("SITREP_BENCH_REMEDIATION_ROUNDS")
                        ? qEnvironmentVariableIntValue("SITREP_BENCH_REMEDIATION_ROUNDS")
                        : 3);

    testing::FauxqsProcess fauxqs;
    if (const QString why = fauxqs.start(); !why.isEmpty()) {
        std::printf("bench_remediation skipped: %s\n", qPrintable(why));
        return 0;
    }
    QNetworkAccessManager nam;
    aws::SqsClient sqs(nam, fauxqs.endpoint(),
                       std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
                           QStringLiteral("AKIDBENCH"), QStringLiteral("secret"), {}}));
    RemediationConfig cfg;
    {
        auto w = makeWorld(1, cfg);
        RemediationDispatcher d(*w->rem, nam, &sqs);
        auto ok = await<bool>([&](auto cb) {
            d.provisionQueues(
                [cb](Status s) { cb(s ? Result<bool>(true) : Result<bool>(s.error())); });
        });
        if (!ok) {
            std::fprintf(stderr, "cannot create the queues: %s\n", qPrintable(ok.errorMessage()));
            return 1;
        }
    }
    auto url = await<QString>([&](auto cb) { sqs.getQueueUrl(cfg.standardQueue, cb); });
    if (!url)
        return 1;

    struct Row {
        QString name;
        double seconds = 0; // best round
        double cpu = 0;
    };
    QList<Row> rows{{QStringLiteral("bare SQS client: SendMessage (FIFO), one by one")},
                    {QStringLiteral("bare SQS client: SendMessageBatch (FIFO), 10 per call")},
                    {QStringLiteral("Sitrep: decisions (rules, controls, event + outbox row)")},
                    {QStringLiteral("Sitrep: decisions + enqueue + FIFO send")}};
    const auto keep = [](Row &r, double s, double cpu) {
        if (s > 0 && (r.seconds <= 0 || s < r.seconds)) {
            r.seconds = s;
            r.cpu = cpu;
        }
    };
    for (int round = 0; round < rounds; ++round) {
        {
            bench::Stopwatch t;
            for (int i = 0; i < n; ++i) {
                aws::SqsSendEntry e;
                e.body = QStringLiteral("{\"bench\":%1}").arg(i);
                e.messageGroupId = QStringLiteral("bench-%1").arg(i % 50);
                e.messageDeduplicationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
                if (!await<aws::SqsSendResult>([&](auto cb) { sqs.sendMessage(*url, e, cb); }))
                    return 1;
            }
            keep(rows[0], t.seconds(), t.cpuSeconds());
        }
        {
            bench::Stopwatch t;
            for (int i = 0; i < n; i += 10) {
                QList<aws::SqsSendEntry> batch;
                for (int j = i; j < std::min(n, i + 10); ++j) {
                    aws::SqsSendEntry e;
                    e.id = QString::number(j - i);
                    e.body = QStringLiteral("{\"bench\":%1}").arg(j);
                    e.messageGroupId = QStringLiteral("bench-%1").arg(j % 50);
                    e.messageDeduplicationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
                    batch << e;
                }
                auto r = await<aws::SqsBatchResult>(
                    [&](auto cb) { sqs.sendMessageBatch(*url, batch, cb); });
                if (!r || !r->failed.isEmpty())
                    return 1;
            }
            keep(rows[1], t.seconds(), t.cpuSeconds());
        }
        {
            auto w = makeWorld(n, cfg);
            if (!w)
                return 1;
            bench::Stopwatch t;
            auto decided = w->rem->scan();
            const double s = t.seconds(), cpu = t.cpuSeconds();
            if (!decided || *decided != n) {
                std::fprintf(stderr, "decided %d of %d: %s\n", decided ? *decided : -1, n,
                             qPrintable(decided.errorMessage()));
                return 1;
            }
            keep(rows[2], s, cpu);
        }
        {
            auto w = makeWorld(n, cfg);
            if (!w)
                return 1;
            RemediationDispatcher d(*w->rem, nam, &sqs);
            bench::Stopwatch t;
            auto decided = w->rem->scan();
            int sent = 0;
            while (sent < n) {
                RoundStats s;
                auto r = await<bool>([&](auto cb) {
                    d.sendDue([&s, cb](RoundStats st) {
                        s = st;
                        cb(true);
                    });
                });
                if (!r || s.sent == 0)
                    break;
                sent += s.sent;
            }
            const double s = t.seconds(), cpu = t.cpuSeconds();
            if (!decided || sent != n) {
                std::fprintf(stderr, "sent %d of %d\n", sent, n);
                return 1;
            }
            keep(rows[3], s, cpu);
        }
    }
    const double ceiling = rows[0].seconds > 0 ? n / rows[0].seconds : 0;
    std::printf("\nAuto-remediation, %d incidents (P2, rule database-reboot), fauxqs 1.9.2 on "
                "127.0.0.1, best of %d rounds\n",
                n, rounds);
    bench::Table table({QStringLiteral("run"), QStringLiteral("seconds"), QStringLiteral("CPU s"),
                        QStringLiteral("per second"), QStringLiteral("vs bare client")});
    for (const Row &r : rows) {
        const double rate = r.seconds > 0 ? n / r.seconds : 0;
        table.add({r.name, QString::number(r.seconds, 'f', 3), QString::number(r.cpu, 'f', 3),
                   bench::num(rate),
                   ceiling > 0 ? QStringLiteral("%1x").arg(rate / ceiling, 0, 'f', 2)
                               : QStringLiteral("-")});
    }
    table.print();
    fauxqs.stop();
    return 0;
}
