// SPDX-License-Identifier: MIT
#pragma once

#include "engine/clock.h"
#include "engine/lifecycleengine.h"
#include "store/store.h"
#include "util/result.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>

namespace sitrep::host {

/// Where the database lives when nothing says otherwise: --db, then SITREP_DB, then the
/// application data folder.
QString resolveDatabasePath(const QString &cliValue);

/// Everything a front end (CLI, GUI, server) needs, built once and passed down: the store,
/// the workflow and on-call schedule the database is configured with, the clock, the engine.
class AppContext {
public:
    /// Opens the database; `workflowOverride` (preset name or YAML path) is saved as the
    /// database's workflow when given. SITREP_NOW (ISO time or ms) pins the clock, for tests.
    static Result<std::unique_ptr<AppContext>> open(const QString &dbPath,
                                                    const QString &workflowOverride = {});

    store::Store &store() { return *m_store; }
    engine::LifecycleEngine &engine() { return *m_engine; }
    const engine::Clock &clock() const { return *m_clock; }
    QString dbPath() const { return m_dbPath; }

private:
    QString m_dbPath;
    std::unique_ptr<engine::Clock> m_clock;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<engine::LifecycleEngine> m_engine;
};

/// Registers the projections of the event log every engine on a Sitrep database keeps (the
/// knowledge base, the action items). AppContext::open() does it for its engine; an engine
/// built elsewhere on the same database gets the same set from here.
void registerProjections(engine::LifecycleEngine &engine);

/// What saving a new workflow for a database did.
struct WorkflowSwitch {
    QString name;      // the workflow now saved
    QString source;    // preset or file it came from
    int moved = 0;     // open incidents moved by the mapping
    QStringList moves; // "INC0000001: triggered -> New", in number order
};

/// Saves `nameOrPath` (preset name or YAML file) as the database's workflow. Open incidents
/// in a state the mapping names (FROM -> TO, state names as users type them) move to TO,
/// which must be a state of the new workflow, with one event each, in the same transaction
/// that saves the workflow. Refused, with nothing changed, while open incidents sit in
/// states the new workflow lacks and the mapping does not cover: the error names them.
Result<WorkflowSwitch> switchWorkflow(AppContext &context, const QString &nameOrPath,
                                      const QHash<QString, QString> &mapping, const QString &actor);

/// Parses an ISO 8601 time, "now", or milliseconds since the epoch; -1 if invalid.
qint64 parseTimeArg(const QString &text, qint64 now);

} // namespace sitrep::host
