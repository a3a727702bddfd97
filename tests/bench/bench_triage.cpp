// SPDX-License-Identifier: MIT
// bench_triage: the triage classifier and knowledge base.
//
//   bench_triage [--incidents N] [--seed S] [--queries N]
//
// 1. Quality on synthetic incidents with paraphrased titles and 15% label noise (10,000 to
//    train, 2,000 held out): accuracy, always-the-majority baseline and expected
//    calibration error (10 bins) per field.
// 2. A cache of N resolved incidents (default 50,000) written through the engine: the time
//    to read the training set from the store, train, save; the knowledge-base index build.
// 3. Suggestion latency (classifier + knowledge-base search + resolution) for incidents of
//    the cache, p50 / p99, as a ratio to raw SQLite fetching the same incident's row by
//    number in the same run.

#include "benchutil.h"
#include "unit/triagesynth.h"

#include "engine/clock.h"
#include "engine/lifecycleengine.h"
#include "host/workflowactions.h"
#include "store/store.h"
#include "triage/triagestore.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QUuid>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

using namespace sitrep;
using bench::Stopwatch;
using engine::Command;

namespace {

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(int(v.size()) - 1, int(p * double(v.size())))];
}

QString ms(double v)
{
    return QStringLiteral("%1 ms").arg(v, 0, 'f', v < 1 ? 3 : 1);
}

QString us(double msValue)
{
    return QStringLiteral("%1 µs").arg(msValue * 1000.0, 0, 'f', 1);
}

} // namespace

int main(int argc, char **argv)
{
    // As the app has it, for both sides of every comparison: before any connection.
    store::configureSqlite();
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(
        app, {{"incidents", "Resolved incidents in the cache.", "N", "50000", 100},
              {"seed", "Random seed.", "S", "20261123"},
              {"queries", "Suggestions to time.", "N", "1000", 10}});
    const int n = args.value("incidents").toInt();
    const quint64 seed = args.value("seed").toULongLong();
    const int queries = args.value("queries").toInt();

    // 1. Quality.
    {
        const auto ex = testing::examplesOf(testing::generateSynthIncidents(12000, seed, 0.15));
        Stopwatch sw;
        auto m = triage::TriageModel::train(ex.mid(0, 10000));
        const double trainMs = sw.millis();
        if (!m) {
            fprintf(stderr, "bench_triage: %s\n", qPrintable(m.errorMessage()));
            return 1;
        }
        const auto metrics = m->evaluate(ex.mid(10000));
        printf("\nQuality: 10,000 synthetic incidents to train (%.0f ms), 2,000 held out, 15%% "
               "label noise\n\n",
               trainMs);
        bench::Table t({QStringLiteral("field"), QStringLiteral("accuracy"),
                        QStringLiteral("majority baseline"), QStringLiteral("points above"),
                        QStringLiteral("ECE (10 bins)")});
        for (const QString &f : triage::suggestedFields()) {
            const auto fm = metrics.value(f);
            t.add({f, QString::number(fm.accuracy, 'f', 3),
                   QString::number(fm.majorityBaseline, 'f', 3),
                   QString::number((fm.accuracy - fm.majorityBaseline) * 100, 'f', 1),
                   QString::number(fm.ece, 'f', 3)});
        }
        t.print();
    }

    // 2. A cache of resolved incidents, written through the engine.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("triage.db"));
    store::Store st;
    if (auto s = st.open(path); !s) {
        fprintf(stderr, "bench_triage: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    engine::ManualClock clock(1790000000000LL);
    auto wf = workflow::Workflow::load(QStringLiteral("sre"));
    auto oc = workflow::OnCallSchedule::load({});
    if (!wf || !oc) {
        fprintf(stderr, "bench_triage: cannot load the workflow\n");
        return 1;
    }
    engine::LifecycleEngine eng(st, *wf, *oc, clock);
    host::registerWorkflowActions(eng);
    const auto synth = testing::generateSynthIncidents(n, seed + 1, 0.15);
    Stopwatch fill;
    QStringList numbers;
    for (int i = 0; i < n; i += 2000) {
        QList<Command> batch;
        for (int j = i; j < std::min(n, i + 2000); ++j) {
            QJsonObject open = synth[j].open;
            const QString uid = QUuid::createUuid().toString(QUuid::WithoutBraces);
            open[u"uid"] = uid;
            batch << Command::open(open, QStringLiteral("bench"));
            batch << Command::transition(
                uid, QStringLiteral("resolved"), QStringLiteral("bench"),
                {{QStringLiteral("resolution_note"), synth[j].fix},
                 {QStringLiteral("root_cause"), QStringLiteral("configuration")}});
        }
        auto r = eng.executeBatch(batch);
        if (!r) {
            fprintf(stderr, "bench_triage: %s\n", qPrintable(r.errorMessage()));
            return 1;
        }
        for (const auto &one : *r)
            if (one && !numbers.contains(one->number) && (numbers.size() < queries * 2) &&
                one->events.first().kind == domain::kinds::Opened)
                numbers << one->number;
    }
    printf("\nCache: %s resolved incidents written through the engine in %.1f s\n\n",
           qPrintable(bench::num(n)), fill.seconds());

    const triage::TriageSettings settings;
    Stopwatch collect;
    triage::TrainingState state;
    auto ex = triage::collectExamples(st, settings, &state);
    const double collectMs = collect.millis();
    if (!ex) {
        fprintf(stderr, "bench_triage: %s\n", qPrintable(ex.errorMessage()));
        return 1;
    }
    Stopwatch train;
    auto model = triage::TriageModel::train(*ex);
    const double trainMs = train.millis();
    const double trainCpu = train.cpuSeconds();
    if (!model) {
        fprintf(stderr, "bench_triage: %s\n", qPrintable(model.errorMessage()));
        return 1;
    }
    Stopwatch save;
    const qint64 blobSize = model->serialize().size();
    if (auto s = triage::saveModel(st, *model, state, clock.nowMs()); !s) {
        fprintf(stderr, "bench_triage: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const double saveMs = save.millis();
    Stopwatch load;
    auto loaded = triage::loadLatestModel(st);
    const double loadMs = load.millis();
    Stopwatch kbTime;
    auto kb = triage::buildKnowledgeBase(st, settings);
    const double kbMs = kbTime.millis();
    if (!loaded || !*loaded || !kb) {
        fprintf(stderr, "bench_triage: cannot load the model or build the knowledge base\n");
        return 1;
    }
    bench::Table tt({QStringLiteral("step"), QStringLiteral("time"), QStringLiteral("notes")});
    tt.add({QStringLiteral("read training set from the store"), ms(collectMs),
            QStringLiteral("%1 examples").arg(bench::num(ex->size()))});
    tt.add({QStringLiteral("train (4 fields, calibrated)"), ms(trainMs),
            QStringLiteral("%1 s CPU").arg(trainCpu, 0, 'f', 1)});
    tt.add({QStringLiteral("save model"), ms(saveMs), bench::bytes(blobSize)});
    tt.add({QStringLiteral("load model"), ms(loadMs), {}});
    tt.add({QStringLiteral("build knowledge-base index"), ms(kbMs),
            QStringLiteral("%1 articles").arg(bench::num(kb->size()))});
    tt.print();

    // 3. Latency: raw SQLite row fetch vs a full suggestion, same incidents, interleaved.
    sqlite3 *raw = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &raw, SQLITE_OPEN_READONLY, nullptr) !=
        SQLITE_OK) {
        fprintf(stderr, "bench_triage: cannot open the database raw\n");
        return 1;
    }
    sqlite3_stmt *byNumber = nullptr;
    sqlite3_prepare_v2(
        raw,
        "SELECT title, description, services, (SELECT json_group_array(alert) FROM incident_alerts "
        "a WHERE a.incident = incidents.id), severity FROM incidents WHERE number = ?",
        -1, &byNumber, nullptr);
    const auto &m = *(*loaded)->model;
    QList<double> rawMs, suggestMs, predictMs, searchMs;
    std::mt19937_64 rng(seed);
    for (int q = 0; q < queries; ++q) {
        const QString number = numbers[int(rng() % quint64(numbers.size()))];
        const QByteArray num = number.toUtf8();
        Stopwatch r;
        sqlite3_bind_text(byNumber, 1, num.constData(), int(num.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(byNumber) == SQLITE_ROW) {
            volatile auto t = sqlite3_column_text(byNumber, 0);
            (void)t;
        }
        sqlite3_reset(byNumber);
        rawMs << r.millis();

        Stopwatch s;
        auto inc = st.incidentByNumber(number);
        st.loadAlerts(*inc);
        const auto result = triage::suggestLocally(m, &*kb, *inc);
        suggestMs << s.millis();
        if (result.fields.isEmpty())
            fprintf(stderr, "bench_triage: empty suggestion for %s\n", qPrintable(number));

        const auto in = triage::TriageInput::fromIncident(*inc);
        Stopwatch pr;
        (void)m.predict(in);
        predictMs << pr.millis();
        Stopwatch se;
        (void)kb->search(in, 3);
        searchMs << se.millis();
    }
    sqlite3_finalize(byNumber);
    sqlite3_close(raw);
    const double rawP50 = percentile(rawMs, 0.5), rawP99 = percentile(rawMs, 0.99);
    printf("\nSuggestion latency over %d incidents of the %s-incident cache\n\n", queries,
           qPrintable(bench::num(n)));
    bench::Table lt({QStringLiteral("operation"), QStringLiteral("p50"), QStringLiteral("p99"),
                     QStringLiteral("p50 / raw"), QStringLiteral("p99 / raw")});
    auto row = [&](const QString &name, const QList<double> &v) {
        const double p50 = percentile(v, 0.5), p99 = percentile(v, 0.99);
        lt.add({name, us(p50), us(p99), QStringLiteral("%1x").arg(p50 / rawP50, 0, 'f', 0),
                QStringLiteral("%1x").arg(p99 / rawP99, 0, 'f', 0)});
    };
    lt.add({QStringLiteral("raw SQLite: incident row by number"), us(rawP50), us(rawP99),
            QStringLiteral("1x"), QStringLiteral("1x")});
    row(QStringLiteral("suggestion (row + classifier + KB + resolution)"), suggestMs);
    row(QStringLiteral("  classifier alone"), predictMs);
    row(QStringLiteral("  knowledge-base search alone"), searchMs);
    lt.print();
    return 0;
}
