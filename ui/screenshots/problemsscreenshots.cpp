// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "problems/problemlistmodel.h"
#include "ui/problems/problemsview.h"

namespace sitrep::ui {

static QStringList problemsScreenshotViews()
{
    return {QStringLiteral("problems"), QStringLiteral("knowledge-base")};
}

static QWidget *createProblemsScreenshot(const QString &view, host::AppContext &ctx, const QSize &)
{
    if (!problemsScreenshotViews().contains(view))
        return nullptr;
    auto *v = new ProblemsView(ctx.engine(), QStringLiteral("screenshot"));
    auto &m = v->model();
    QString best;
    int most = -1;
    for (int r = 0; r < m.rowCount(); ++r)
        if (const auto &p = m.problemAt(r); int(p.incidents.size()) > most) {
            most = int(p.incidents.size());
            best = p.number;
        }
    v->selectProblem(best);
    if (view == u"knowledge-base")
        v->showKnowledgeBase();
    return v;
}

ScreenshotArea problemsScreenshots()
{
    return {problemsScreenshotViews(), &createProblemsScreenshot, false};
}

} // namespace sitrep::ui
