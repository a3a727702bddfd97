// SPDX-License-Identifier: MIT
// Shared set-up for the core tests: a real SQLite file in a temporary folder, a workflow,
// the built-in on-call schedule and a clock the test moves by hand.
#pragma once

#include "engine/clock.h"
#include "engine/lifecycleengine.h"
#include "fixtures/support.h"
#include "host/workflowactions.h"
#include "store/store.h"
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace sitrep::testing {

/// 2026-03-02 10:00 UTC, a Monday; far from every rotation hand-off in oncall.yaml.
inline qint64 baseTime()
{
    return QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
}

inline constexpr qint64 kMinute = 60 * 1000;
inline constexpr qint64 kHour = 60 * kMinute;
inline constexpr qint64 kDay = 24 * kHour;

/// The opened event of an incident as an older replica recorded it (to merge as a remote
/// event): a priority and no severity, the workflow's initial state and its SLA policy.
inline domain::Event legacyOpened(const workflow::Workflow &wf, const QString &number,
                                  const QString &title, domain::Priority priority, qint64 ts)
{
    const auto pol = wf.policy(priority);
    domain::Event e;
    e.id = store::Store::newUuid();
    e.incidentUid = store::Store::newUuid();
    e.ts = ts;
    e.hlc = e.ts << 16;
    e.actor = QStringLiteral("old-client");
    e.kind = domain::kinds::Opened;
    e.payload = {{QStringLiteral("number"), number},
                 {QStringLiteral("title"), title},
                 {QStringLiteral("priority"), domain::priorityName(priority)},
                 {QStringLiteral("state"), wf.initialState()},
                 {QStringLiteral("open"), true},
                 {QStringLiteral("sla"), workflow::slaModeName(wf.state(wf.initialState())->sla)},
                 {QStringLiteral("response_minutes"), pol.responseMinutes},
                 {QStringLiteral("resolution_minutes"), pol.resolutionMinutes},
                 {QStringLiteral("workflow"), wf.name()}};
    return e;
}

/// A store, an engine and a manual clock on a fresh database file.
class CoreFixture {
public:
    explicit CoreFixture(const QString &workflow = QStringLiteral("sre"),
                         const QByteArray &oncallYaml = {})
        : clock(baseTime())
    {
        dbPath = dir.filePath(QStringLiteral("sitrep.db"));
        auto s = store.open(dbPath);
        if (!s)
            qFatal("cannot open test database: %s", qPrintable(s.errorMessage()));
        auto wf = workflow::Workflow::load(workflow);
        if (!wf)
            qFatal("cannot load workflow: %s", qPrintable(wf.errorMessage()));
        auto oc =
            oncallYaml.isEmpty()
                ? workflow::OnCallSchedule::load({})
                : workflow::OnCallSchedule::fromYaml(oncallYaml, QStringLiteral("oncall.yaml"));
        if (!oc)
            qFatal("cannot load on-call schedule: %s", qPrintable(oc.errorMessage()));
        engine = std::make_unique<engine::LifecycleEngine>(store, *wf, *oc, clock);
        host::registerWorkflowActions(*engine);
    }

    engine::LifecycleEngine &eng() { return *engine; }

    /// Opens an incident; fails the test (returns empty) when the engine refuses.
    QString open(const QJsonObject &args)
    {
        auto r = engine->execute(engine::Command::open(args, QStringLiteral("tester")));
        if (!r) {
            qWarning("open failed: %s", qPrintable(r.errorMessage()));
            return {};
        }
        return r->number;
    }
    /// An incident as an older replica recorded it, merged as a remote event: a priority
    /// and no severity (the engine now always sets one). Returns its uid.
    QString openWithoutSeverity(const QString &title, const QString &priority)
    {
        const domain::Event e = legacyOpened(
            engine->workflow(), QStringLiteral("INC9%1").arg(++m_legacy, 6, 10, QLatin1Char('0')),
            title, domain::parsePriority(priority), clock.nowMs());
        if (auto r = engine->mergeRemote({e}); !r) {
            qWarning("merge failed: %s", qPrintable(r.errorMessage()));
            return {};
        }
        return e.incidentUid;
    }
    QString open(const QString &title, const QString &severity)
    {
        return open(
            QJsonObject{{QStringLiteral("title"), title}, {QStringLiteral("severity"), severity}});
    }

    domain::Incident get(const QString &ref)
    {
        auto i = store.findIncident(ref);
        if (!i)
            qFatal("no incident %s", qPrintable(ref));
        return *i;
    }

    Result<engine::Outcome> run(engine::Command::Kind kind, const QString &incident,
                                const QJsonObject &args,
                                const QString &actor = QStringLiteral("tester"))
    {
        return engine->execute(engine::Command::make(kind, incident, args, actor));
    }
    Result<engine::Outcome> transition(const QString &incident, const QString &to,
                                       const QJsonObject &extra = {},
                                       const QString &actor = QStringLiteral("tester"))
    {
        return engine->execute(engine::Command::transition(incident, to, actor, extra));
    }
    Result<engine::Outcome> approve(const QString &incident,
                                    const QString &forState = QStringLiteral("*"),
                                    const QString &actor = QStringLiteral("alice"))
    {
        return engine->execute(engine::Command::approve(incident, actor, forState));
    }

    QStringList kindsOf(const QString &ref)
    {
        QStringList out;
        for (const auto &e : store.timeline(get(ref).uid))
            out << e.kind;
        return out;
    }

    QTemporaryDir dir;
    QString dbPath;
    store::Store store;
    engine::ManualClock clock;
    std::unique_ptr<engine::LifecycleEngine> engine;

private:
    int m_legacy = 0;
};

/// Runs `batch` in one go; fails the test unless the batch and each of its commands went
/// through.
inline void executeAll(CoreFixture &f, const QList<engine::Command> &batch)
{
    auto r = f.eng().executeBatch(batch);
    QVERIFY(r);
    for (const auto &one : *r)
        QVERIFY2(one, qPrintable(one.errorMessage()));
}

/// What verify() finds wrong with `store`, one fault a line; empty only when it finds the
/// store whole.
inline QString faultsFound(store::Store &store)
{
    const auto rep = store.verify();
    if (rep.ok)
        return {};
    return rep.faults.isEmpty() ? QStringLiteral("verify failed and named no fault")
                                : rep.faults.join(u'\n');
}

/// Resolution fields that satisfy the resolution_required guard.
inline QJsonObject resolution()
{
    return {{QStringLiteral("resolution_note"), QStringLiteral("Rolled back the bad deploy")},
            {QStringLiteral("root_cause"), QStringLiteral("change")}};
}

} // namespace sitrep::testing
