// SPDX-License-Identifier: MIT
#include "app/cli_triage.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "host/appcontext.h"
#include "triage/remoteprovider.h"
#include "triage/triagestore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <random>

namespace sitrep::cli {

using namespace sitrep::triage;

namespace {

QString pct(double v)
{
    return QStringLiteral("%1").arg(v, 0, 'f', 3);
}

void printResult(const TriageResult &r)
{
    // Suggestions may come from a remote provider: printed without terminal controls.
    out() << r.number << "  (model " << printable(r.modelVersion) << ")\n";
    for (const QString &f : suggestedFields()) {
        const auto it = r.fields.constFind(f);
        out() << QStringLiteral("  %1 %2\n")
                     .arg(f + u':', -18)
                     .arg(it == r.fields.cend()
                              ? QStringLiteral("-")
                              : QStringLiteral("%1  (%2)")
                                    .arg(printable(it->value), pct(it->confidence)));
    }
    out() << "  articles:\n";
    if (r.articles.isEmpty())
        out() << "    none\n";
    for (const auto &a : r.articles)
        out() << QStringLiteral("    %1  %2  %3 [%4]\n")
                     .arg(pct(a.relevance), printable(a.id), printable(a.title),
                          printable(a.source));
    out() << "  suggested resolution: "
          << (r.suggestedResolution.isEmpty() ? QStringLiteral("-")
                                              : printable(r.suggestedResolution))
          << "\n";
}

Result<TriageResult> suggestFor(host::AppContext &ctx, const domain::Incident &inc,
                                const TriageSettings &settings, bool trainIfMissing)
{
    if (!settings.providerUrl.isEmpty()) {
        RemoteProvider remote(settings.providerUrl);
        return waitFor<TriageResult>([&](auto done) { remote.suggest(inc, done); });
    }
    return suggestOnce(ctx.store(), inc, settings, trainIfMissing, ctx.clock().nowMs());
}

} // namespace

void suggestForNewIncident(host::AppContext &ctx, const QString &number)
{
    const TriageSettings settings = TriageSettings::fromStore(ctx.store());
    if (!settings.automatic)
        return;
    const auto inc = ctx.store().findIncident(number);
    if (!inc)
        return;
    if (settings.providerUrl.isEmpty()) {
        // Only with a trained model: opening an incident never waits for a training run.
        auto m = loadLatestModel(ctx.store());
        if (!m || !m->has_value())
            return;
    }
    auto r = suggestFor(ctx, *inc, settings, false);
    if (!r) {
        fprintf(stderr, "sitrep: no triage suggestion for %s: %s\n", number.toUtf8().constData(),
                r.errorMessage().toUtf8().constData());
        return;
    }
    if (auto s = recordSuggestion(ctx.engine(), *r); !s)
        fprintf(stderr, "sitrep: triage suggestion for %s not recorded: %s\n",
                number.toUtf8().constData(), s.errorMessage().toUtf8().constData());
}

int runTriage(const QStringList &args)
{
    const QString sub = args.value(2);
    CliSession s(args, {.named = true, .startHint = false});
    if (sub.isEmpty() || sub == u"help") {
        out() << commandHelp(s.spec());
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    static const QHash<QString, QPair<int, int>> positional{
        {QStringLiteral("suggest"), {1, 1}}, {QStringLiteral("accept"), {1, 5}},
        {QStringLiteral("reject"), {2, 2}},  {QStringLiteral("train"), {0, 0}},
        {QStringLiteral("eval"), {0, 0}},    {QStringLiteral("status"), {0, 0}}};
    if (!positional.contains(sub))
        return s.usage(QStringLiteral("unknown triage subcommand '%1'%2 (sitrep triage --help)")
                           .arg(sub, didYouMean(sub, positional.keys())));
    const auto [minPos, maxPos] = positional.value(sub);
    if (!s.parse(2, 0, maxPos))
        return s.code();
    const QStringList pos = s.positional();
    if (pos.size() < minPos)
        return s.usage(QStringLiteral("missing argument (sitrep triage --help)"));
    // Who acts (sync/identity.h): only recording on a timeline needs someone.
    const bool writes =
        (sub == u"suggest" && s.has("record")) || sub == u"accept" || sub == u"reject";
    if (!s.open(DbAccess::Existing, ActorCheck::OnWrite) || (writes && !s.requireActor()))
        return s.code();
    host::AppContext &ctx = s.context();
    const TriageSettings settings = TriageSettings::fromStore(ctx.store());
    const QString actor = s.actor();
    const bool asJson = s.json();

    if (sub == u"suggest") {
        const auto inc = ctx.store().findIncident(pos[0]);
        if (!inc)
            return s.fail(QStringLiteral("no incident '%1'").arg(pos[0]));
        auto r = suggestFor(ctx, *inc, settings, true);
        if (!r)
            return s.fail(r.errorMessage());
        if (s.has("record"))
            if (auto done = recordSuggestion(ctx.engine(), *r, actor); !done)
                return s.fail(done.errorMessage());
        if (asJson) {
            QJsonObject o = r->aiTriageResult();
            o[u"number"] = r->number;
            o[u"event_payload"] = r->eventPayload();
            out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        } else {
            printResult(*r);
        }
        return 0;
    }
    if (sub == u"accept" || sub == u"reject") {
        const auto inc = ctx.store().findIncident(pos[0]);
        if (!inc)
            return s.fail(QStringLiteral("no incident '%1'").arg(pos[0]));
        const auto st = latestSuggestion(ctx.store().timeline(inc->uid));
        if (!st)
            return s.fail(
                QStringLiteral("%1 has no triage suggestion (sitrep triage suggest %1 --record)")
                    .arg(inc->number));
        if (sub == u"accept" && s.has("correct"))
            return s.fail(
                QStringLiteral(
                    "--correct goes with reject (sitrep triage reject %1 FIELD --correct V)")
                    .arg(inc->number));
        // The spelling the incident and the model use ("p1" -> "P1"): a correction is a training
        // label.
        QString corrected = s.value("correct").trimmed();
        if (!corrected.isEmpty() && pos.value(1) == u"priority" &&
            domain::parsePriority(corrected) != domain::Priority::None)
            corrected = domain::priorityName(domain::parsePriority(corrected));
        QStringList fields = pos.mid(1);
        if (fields.isEmpty())
            for (const QString &f : suggestedFields())
                if (st->result.fields.contains(f))
                    fields << f;
        QList<FieldFeedback> fb;
        for (const QString &f : std::as_const(fields)) {
            if (!suggestedFields().contains(f))
                return s.fail(QStringLiteral("unknown triage field '%1' (fields: %2)")
                                  .arg(f, suggestedFields().join(QStringLiteral(", "))));
            if (!st->result.fields.contains(f))
                return s.fail(QStringLiteral("the suggestion has no %1").arg(f));
            fb << FieldFeedback{f, sub == u"accept", st->result.fields[f].value, corrected};
        }
        if (auto done = recordFeedback(ctx.engine(), inc->uid, fb, st->result.modelVersion, actor);
            !done)
            return s.fail(done.errorMessage());
        for (const auto &f : std::as_const(fb))
            out() << inc->number << ": " << f.field << ' ' << (f.accepted ? "accepted" : "rejected")
                  << " (" << f.value
                  << (f.corrected.isEmpty() ? QString() : QStringLiteral(" -> ") + f.corrected)
                  << ")\n";
        return 0;
    }
    if (sub == u"train") {
        QElapsedTimer t;
        t.start();
        auto r = trainAndSave(ctx.store(), settings, ctx.clock().nowMs());
        if (!r)
            return s.fail(r.errorMessage());
        if (asJson)
            out() << QJsonDocument(
                         QJsonObject{{QStringLiteral("version"), r->model->version},
                                     {QStringLiteral("examples"), r->model->trainedOn},
                                     {QStringLiteral("resolved"), r->trainedAt.resolved},
                                     {QStringLiteral("feedback"), r->trainedAt.feedbackCount},
                                     {QStringLiteral("ms"), t.elapsed()}})
                         .toJson(QJsonDocument::Indented);
        else
            out() << QStringLiteral("model v%1 trained on %2 examples (%3 resolved incidents, %4 "
                                    "feedback events) in %5 ms\n")
                         .arg(r->model->version)
                         .arg(r->model->trainedOn)
                         .arg(r->trainedAt.resolved)
                         .arg(r->trainedAt.feedbackCount)
                         .arg(t.elapsed());
        return 0;
    }
    if (sub == u"eval") {
        bool ok = false;
        const double share = s.value("holdout").toDouble(&ok);
        if (!ok || !(share > 0 && share < 0.9)) // also refuses "nan"
            return s.fail(QStringLiteral("--holdout must be a share between 0 and 0.9, like 0.2"));
        auto ex = collectExamples(ctx.store(), settings);
        if (!ex)
            return s.fail(ex.errorMessage());
        // A fixed shuffle, so two runs on the same data print the same numbers.
        QList<Example> all = *ex;
        std::mt19937_64 rng(20261123);
        std::shuffle(all.begin(), all.end(), rng);
        const int nTest = int(double(all.size()) * share);
        const QList<Example> test = all.mid(0, nTest), train = all.mid(nTest);
        auto m = TriageModel::train(train);
        if (!m)
            return s.fail(m.errorMessage());
        if (test.isEmpty())
            return s.fail(QStringLiteral("not enough data: no incident left to test on"));
        const auto metrics = m->evaluate(test);
        QJsonObject o;
        if (!asJson)
            out() << QStringLiteral(
                         "trained on %1, tested on %2 held-out incidents\n%3 %4 %5 %6 %7\n")
                         .arg(train.size())
                         .arg(test.size())
                         .arg(QStringLiteral("field"), -17)
                         .arg(QStringLiteral("n"), 6)
                         .arg(QStringLiteral("accuracy"), 9)
                         .arg(QStringLiteral("majority"), 9)
                         .arg(QStringLiteral("ECE"), 6);
        for (const QString &f : suggestedFields()) {
            if (!metrics.contains(f))
                continue;
            const FieldMetrics &fm = metrics[f];
            if (asJson)
                o[f] = QJsonObject{{QStringLiteral("n"), fm.n},
                                   {QStringLiteral("accuracy"), fm.accuracy},
                                   {QStringLiteral("majority_baseline"), fm.majorityBaseline},
                                   {QStringLiteral("majority_label"), fm.majorityLabel},
                                   {QStringLiteral("ece"), fm.ece}};
            else
                out() << QStringLiteral("%1 %2 %3 %4 %5\n")
                             .arg(f, -17)
                             .arg(fm.n, 6)
                             .arg(pct(fm.accuracy), 9)
                             .arg(pct(fm.majorityBaseline), 9)
                             .arg(pct(fm.ece), 6);
        }
        if (asJson)
            out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }
    // status
    auto m = loadLatestModel(ctx.store());
    if (!m)
        return s.fail(m.errorMessage());
    auto st = trainingState(ctx.store());
    if (!st)
        return s.fail(st.errorMessage());
    const bool due = retrainDue(*m, *st, settings);
    const QString provider =
        settings.providerUrl.isEmpty() ? QStringLiteral("local") : settings.providerUrl.toString();
    if (asJson) {
        QJsonObject o{
            {QStringLiteral("model"), QJsonValue::Null},
            {QStringLiteral("cache"), QJsonObject{{QStringLiteral("resolved"), st->resolved},
                                                  {QStringLiteral("feedback"), st->feedbackCount}}},
            {QStringLiteral("retrain_due"), due},
            {QStringLiteral("provider"), provider},
            {QStringLiteral("kb_dir"), settings.kbDir},
            {QStringLiteral("automatic"), settings.automatic}};
        if (m->has_value())
            o[QStringLiteral("model")] =
                QJsonObject{{QStringLiteral("version"), (*m)->model->version},
                            {QStringLiteral("trained_on"), (*m)->model->trainedOn},
                            {QStringLiteral("resolved"), (*m)->trainedAt.resolved},
                            {QStringLiteral("feedback"), (*m)->trainedAt.feedbackCount}};
        out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }
    if (!m->has_value())
        out() << "no model yet\n";
    else
        out() << QStringLiteral("model v%1 trained on %2 examples (%3 resolved, %4 feedback)\n")
                     .arg((*m)->model->version)
                     .arg((*m)->model->trainedOn)
                     .arg((*m)->trainedAt.resolved)
                     .arg((*m)->trainedAt.feedbackCount);
    out() << QStringLiteral("cache: %1 resolved incidents, %2 feedback events; retrain due: %3\n")
                 .arg(st->resolved)
                 .arg(st->feedbackCount)
                 .arg(due ? QStringLiteral("yes") : QStringLiteral("no"));
    out() << "provider: " << provider << "; knowledge-base folder: "
          << (settings.kbDir.isEmpty() ? QStringLiteral("-") : settings.kbDir)
          << "; automatic: " << (settings.automatic ? "on" : "off") << "\n";
    return 0;
}

} // namespace sitrep::cli
