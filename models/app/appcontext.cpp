// SPDX-License-Identifier: MIT
#include "app/appcontext.h"

#include "domain/isotime.h"
#include "problems/knowledgebase.h"
#include "sync/outbox.h"

#include <QDir>
#include <QStandardPaths>

namespace sitrep::app {

QString resolveDatabasePath(const QString &cliValue)
{
    if (!cliValue.isEmpty())
        return cliValue;
    const QString env = qEnvironmentVariable("SITREP_DB");
    if (!env.isEmpty())
        return env;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share/sitrep") : dir).filePath(QStringLiteral("sitrep.db"));
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

Result<std::unique_ptr<AppContext>> AppContext::open(const QString &dbPath, const QString &workflowOverride)
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
    ctx->m_engine = std::make_unique<engine::LifecycleEngine>(*ctx->m_store, *wf, *oc, *ctx->m_clock);
    // A database set up for sync queues every change it commits, whichever front end made it.
    sync::Outbox::attach(*ctx->m_engine);
    // Every resolve, from whichever front end, updates the knowledge base in its transaction.
    problems::knowledgebase::attach(*ctx->m_engine);
    return R(std::move(ctx));
}

} // namespace sitrep::app
