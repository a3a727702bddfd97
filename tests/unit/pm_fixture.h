// SPDX-License-Identifier: MIT
// Shared by the postmortem, runbook and problem tests: a real store on disk, the sre
// workflow, and an engine driven by a ManualClock with the application's projections.
#pragma once

#include "engine/clock.h"
#include "engine/lifecycleengine.h"
#include "fixtures/support.h"
#include "host/appcontext.h"
#include "host/workflowactions.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace pmtest {

using sitrep::engine::Command;

/// 2026-03-10 09:00:00 UTC
inline constexpr qint64 T0 = 1773133200000LL;
inline constexpr qint64 Min = 60 * 1000;

struct Env {
    QTemporaryDir dir;
    sitrep::store::Store store;
    sitrep::engine::ManualClock clock{T0};
    std::unique_ptr<sitrep::engine::LifecycleEngine> engine;
    QString error;

    explicit Env(const QString &workflow = QStringLiteral("sre"))
    {
        if (!dir.isValid()) {
            error = QStringLiteral("no temporary dir");
            return;
        }
        if (auto s = store.open(dir.filePath(QStringLiteral("sitrep.db"))); !s) {
            error = s.errorMessage();
            return;
        }
        auto wf = sitrep::workflow::Workflow::load(workflow);
        auto oc = sitrep::workflow::OnCallSchedule::load({});
        if (!wf || !oc) {
            error = !wf ? wf.errorMessage() : oc.errorMessage();
            return;
        }
        engine = std::make_unique<sitrep::engine::LifecycleEngine>(store, *wf, *oc, clock);
        sitrep::host::registerWorkflowActions(*engine);
        // The knowledge base and the action items, as the application's engine has them.
        sitrep::host::registerProjections(*engine);
    }
    QString dbPath() const { return dir.filePath(QStringLiteral("sitrep.db")); }

    /// Runs a command at `at` (ms); returns the incident uid, empty (and error set) if rejected.
    QString run(Command c, qint64 at)
    {
        c.at = at;
        clock.set(at);
        auto r = engine->execute(c);
        if (!r) {
            error = r.errorMessage();
            return {};
        }
        return r->incidentUid;
    }
    QString open(const QString &title, const QString &severity, const QStringList &services,
                 qint64 at, const QStringList &alerts = {})
    {
        QJsonObject a{
            {QStringLiteral("title"), title},
            {QStringLiteral("severity"), severity},
            {QStringLiteral("description"), QStringLiteral("Customers see errors on %1.")
                                                .arg(services.join(QStringLiteral(", ")))},
            {QStringLiteral("services"), QJsonArray::fromStringList(services)},
            {QStringLiteral("assignee"), QStringLiteral("dana")}};
        if (!alerts.isEmpty())
            a[QStringLiteral("alerts")] = QJsonArray::fromStringList(alerts);
        return run(Command::open(a, QStringLiteral("alertmanager")), at);
    }
    /// The known timeline of the tests: opened at T0, acked +3m, commander +4m, two notes,
    /// investigating +10m, mitigating +30m, resolved +75m.
    QString knownIncident()
    {
        const QString uid = open(QStringLiteral("API latency spike - p95 > 5s"),
                                 QStringLiteral("high"), {QStringLiteral("api")}, T0);
        if (uid.isEmpty())
            return {};
        run(Command::make(Command::Kind::Acknowledge, uid, {}, QStringLiteral("dana")),
            T0 + 3 * Min);
        run(Command::make(Command::Kind::SetCommander, uid,
                          {{QStringLiteral("commander"), QStringLiteral("casey")}},
                          QStringLiteral("dana")),
            T0 + 4 * Min);
        run(Command::note(uid,
                          QStringLiteral("Database queries running slow. Checking connection pool"),
                          QStringLiteral("dana")),
            T0 + 8 * Min);
        run(Command::transition(uid, QStringLiteral("investigating"), QStringLiteral("dana")),
            T0 + 10 * Min);
        run(Command::note(uid, QStringLiteral("Increased connection pool size from 50 to 200"),
                          QStringLiteral("dana")),
            T0 + 25 * Min);
        run(Command::transition(uid, QStringLiteral("mitigating"), QStringLiteral("dana")),
            T0 + 30 * Min);
        run(Command::transition(
                uid, QStringLiteral("resolved"), QStringLiteral("casey"),
                {{QStringLiteral("resolution_note"),
                  QStringLiteral(
                      "Increased DB connection pool. Latency back to normal (<100ms p95)")},
                 {QStringLiteral("root_cause"), QStringLiteral("capacity")}}),
            T0 + 75 * Min);
        return error.isEmpty() ? uid : QString();
    }
};

} // namespace pmtest
