// SPDX-License-Identifier: MIT
#include "host/appcontext.h"

#include "domain/isotime.h"
#include "host/workflowactions.h"
#include "postmortem/postmortemstore.h"
#include "problems/kbprojection.h"
#include "sync/outbox.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QStandardPaths>

#include <limits>

namespace sitrep::host {

QString resolveDatabasePath(const QString &cliValue)
{
    if (!cliValue.isEmpty())
        return cliValue;
    const QString env = qEnvironmentVariable("SITREP_DB");
    if (!env.isEmpty())
        return env;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share/sitrep") : dir)
        .filePath(QStringLiteral("sitrep.db"));
}

qint64 parseTimeArg(const QString &text, qint64 now)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t == u"now")
        return now;
    bool ok = false;
    const qint64 ms = t.toLongLong(&ok);
    if (ok)
        return ms;
    return domain::parseIsoTime(t);
}

Result<std::unique_ptr<AppContext>> AppContext::open(const QString &dbPath,
                                                     const QString &workflowOverride)
{
    using R = Result<std::unique_ptr<AppContext>>;
    auto ctx = std::unique_ptr<AppContext>(new AppContext);
    ctx->m_dbPath = dbPath;
    const QString pinned = qEnvironmentVariable("SITREP_NOW");
    if (!pinned.isEmpty()) {
        const qint64 t = parseTimeArg(pinned, QDateTime::currentMSecsSinceEpoch());
        if (t < 0)
            return R::fail(QStringLiteral("SITREP_NOW '%1' is not a time").arg(pinned));
        ctx->m_clock = std::make_unique<engine::ManualClock>(t);
    } else {
        ctx->m_clock = std::make_unique<engine::SystemClock>();
    }
    ctx->m_store = std::make_unique<store::Store>();
    if (auto s = ctx->m_store->open(dbPath); !s)
        return R(s.error());
    QString wfName = ctx->m_store->meta(QStringLiteral("workflow"), QStringLiteral("sre"));
    if (!workflowOverride.isEmpty())
        wfName = workflowOverride;
    auto wf = workflow::Workflow::load(wfName);
    if (!wf)
        return R(wf.error());
    if (!workflowOverride.isEmpty())
        if (auto s = ctx->m_store->setMeta(QStringLiteral("workflow"), workflowOverride); !s)
            return R(s.error());
    auto oc = workflow::OnCallSchedule::load(ctx->m_store->meta(QStringLiteral("oncall_file")));
    if (!oc)
        return R(oc.error());
    ctx->m_engine =
        std::make_unique<engine::LifecycleEngine>(*ctx->m_store, *wf, *oc, *ctx->m_clock);
    registerWorkflowActions(*ctx->m_engine);
    // A database set up for sync queues every change it commits, whichever front end made it.
    sync::Outbox::attach(*ctx->m_engine);
    registerProjections(*ctx->m_engine);
    return R(std::move(ctx));
}

void registerProjections(engine::LifecycleEngine &engine)
{
    // Every resolve, from whichever front end, updates the knowledge base in its transaction.
    engine.addProjection(problems::knowledgebase::projection());
    engine.addProjection(postmortem::actionItemsProjection());
}

Result<WorkflowSwitch> switchWorkflow(AppContext &context, const QString &nameOrPath,
                                      const QHash<QString, QString> &mapping, const QString &actor)
{
    using R = Result<WorkflowSwitch>;
    auto wf = workflow::Workflow::load(nameOrPath);
    if (!wf)
        return R(wf.error());
    store::Store &st = context.store();
    // Open incidents per state (the states users see, not case folded: they are ids).
    QMap<QString, qint64> openByState;
    {
        auto q = st.db().prepareOnce(
            QStringLiteral("SELECT state, count(*) FROM incidents WHERE is_open=1 GROUP BY state"));
        if (!q)
            return R::fail(st.db().lastError(), QStringLiteral("db"));
        while (q->step()) {
            store::RowReader row(*q);
            const QString state = row.text();
            openByState.insert(state, row.int64());
        }
    }
    // FROM as typed -> the open state it names; TO -> the new workflow's state.
    QHash<QString, QString> moves;
    for (auto it = mapping.cbegin(); it != mapping.cend(); ++it) {
        QString from;
        for (auto s = openByState.cbegin(); s != openByState.cend(); ++s)
            if (s.key().compare(it.key().trimmed(), Qt::CaseInsensitive) == 0)
                from = s.key();
        const QString to = wf->canonicalState(it.value());
        if (to.isEmpty()) {
            QStringList names;
            for (const auto &x : wf->states())
                names << x.id;
            return R::fail(
                QStringLiteral("--map %1=%2: workflow '%3' has no state '%2' (states: %4)")
                    .arg(it.key(), it.value(), wf->name(), names.join(QStringLiteral(", "))),
                QStringLiteral("invalid"));
        }
        if (from.isEmpty())
            return R::fail(QStringLiteral("--map %1=%2: no open incident is in state '%1'")
                               .arg(it.key(), it.value()),
                           QStringLiteral("invalid"));
        if (from != to)
            moves.insert(from, to);
    }
    QStringList stranded;
    for (auto s = openByState.cbegin(); s != openByState.cend(); ++s)
        if (!wf->state(s.key()) && !moves.contains(s.key()))
            stranded << QStringLiteral("%1 in '%2'").arg(s.value()).arg(s.key());
    if (!stranded.isEmpty())
        return R::fail(
            QStringLiteral(
                "workflow '%1' has no state for open incidents (%2); map each with --map FROM=TO")
                .arg(wf->name(), stranded.join(QStringLiteral(", "))),
            QStringLiteral("conflict"));

    QList<engine::Command> commands;
    for (auto m = moves.cbegin(); m != moves.cend(); ++m) {
        store::ListQuery q;
        q.states = {m.key()};
        q.open = true;
        q.sort = store::SortKey::Number;
        q.descending = false;
        q.limit = std::numeric_limits<int>::max();
        for (const auto &inc : st.list(q))
            commands << engine::Command::make(engine::Command::Kind::MapState, inc.uid,
                                              {{QStringLiteral("to"), m.value()}}, actor);
    }
    // A file is remembered by its absolute path, so the database finds it from anywhere.
    const QString saved =
        QFileInfo::exists(nameOrPath) ? QFileInfo(nameOrPath).absoluteFilePath() : nameOrPath;
    WorkflowSwitch out;
    out.name = wf->name();
    out.source = wf->source();
    if (commands.isEmpty()) {
        if (auto s = st.setMeta(QStringLiteral("workflow"), saved); !s)
            return R(s.error());
        return out;
    }
    // The moves run under the new workflow, and the workflow is saved in their transaction:
    // both happen or neither does.
    engine::LifecycleEngine eng(st, *wf, context.engine().oncall(), context.clock());
    registerWorkflowActions(eng);
    sync::Outbox::attach(eng);
    registerProjections(eng);
    eng.addCommitHook([saved](store::Store &s, const QList<domain::Event> &) {
        return s.setMeta(QStringLiteral("workflow"), saved);
    });
    auto r = eng.executeBatch(commands);
    if (!r)
        return R(r.error());
    for (const auto &one : *r) {
        if (!one)
            return R(one.error()); // cannot happen after the checks above; never silent
        if (one->noop)
            continue;
        ++out.moved;
        for (const auto &e : one->events)
            if (e.kind == domain::kinds::Transitioned)
                out.moves << QStringLiteral("%1: %2 -> %3")
                                 .arg(one->number, e.payload[u"from"].toString(),
                                      e.payload[u"to"].toString());
    }
    out.moves.sort();
    return out;
}

} // namespace sitrep::host
