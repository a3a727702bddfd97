// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "ui/postmortem/actionitemsview.h"
#include "ui/postmortem/postmortemeditor.h"
#include "ui/postmortem/runbookchecklist.h"

#include <QLabel>

namespace sitrep::ui {

static QString pickIncident(host::AppContext &ctx, bool open, const runbooks::RunbookLibrary *lib)
{
    store::ListQuery q;
    q.open = open ? std::optional<bool>(true) : std::optional<bool>(false);
    q.limit = 200;
    q.sort = store::SortKey::Updated;
    QString best;
    qint64 bestScore = -1;
    for (auto inc : ctx.store().list(q)) {
        if (!open && inc.resolvedAt <= 0)
            continue;
        qint64 score = inc.eventCount;
        if (lib) {
            ctx.store().loadAlerts(inc); // runbooks match alert names too
            const auto m = lib->match(inc);
            if (m.isEmpty())
                continue;
            score += runbooks::matchScore(*m.first(), inc) * 10;
        }
        if (score > bestScore) {
            bestScore = score;
            best = inc.uid;
        }
    }
    return best;
}

static QWidget *createPostmortemScreenshot(const QString &view, host::AppContext &ctx,
                                           const QSize &)
{
    const QString me = QStringLiteral("screenshot");
    if (view == u"postmortem") {
        const QString uid = pickIncident(ctx, false, nullptr);
        if (uid.isEmpty())
            return new QLabel(QStringLiteral("No resolved incidents: run `sitrep demo` first."));
        auto *e = new PostmortemEditor(ctx.engine(), uid, me);
        e->setAttribute(Qt::WA_DeleteOnClose);
        return e;
    }
    if (view == u"runbook") {
        auto *lib = new runbooks::RunbookLibrary;
        lib->load(runbooks::RunbookLibrary::defaultFolders(runbooks::RunbookLibrary::userFolder(
            ctx.store().meta(QStringLiteral("runbooks.folder")))));
        QString uid = pickIncident(ctx, true, lib);
        if (uid.isEmpty())
            uid = pickIncident(ctx, false, lib);
        if (uid.isEmpty()) {
            delete lib;
            return new QLabel(
                QStringLiteral("No incident matches a runbook: run `sitrep demo` first."));
        }
        auto *w = new RunbookChecklist(ctx.engine(), *lib, uid, me);
        QObject::connect(w, &QObject::destroyed, [lib] { delete lib; });
        return w;
    }
    if (view == u"action-items")
        return new ActionItemsView(ctx.engine(), me);
    return nullptr;
}

ScreenshotArea postmortemScreenshots()
{
    return {
        {QStringLiteral("postmortem"), QStringLiteral("runbook"), QStringLiteral("action-items")},
        &createPostmortemScreenshot,
        false};
}

} // namespace sitrep::ui
