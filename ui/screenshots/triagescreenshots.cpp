// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "ui/triage/triagepanel.h"

#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sitrep::ui {

using namespace sitrep::triage;

static QWidget *createTriageScreenshot(const QString &view, host::AppContext &context,
                                       const QSize &size)
{
    if (view != u"triage")
        return nullptr;
    auto &st = context.store();
    store::ListQuery q;
    q.open = true;
    q.sort = store::SortKey::Severity;
    q.descending = false;
    q.limit = 1;
    auto list = st.list(q);
    if (list.isEmpty())
        list = st.list(store::ListQuery{});
    auto *w = new QWidget;
    w->setObjectName(QStringLiteral("triageScreenshot"));
    auto *v = new QVBoxLayout(w);
    auto *title = new QLabel(w);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    title->setFont(big);
    v->addWidget(title);
    if (list.isEmpty()) {
        title->setText(QObject::tr("No incidents in this database."));
        w->resize(size);
        return w;
    }
    domain::Incident inc = list.first();
    st.loadAlerts(inc);
    title->setText(QStringLiteral("%1  %2").arg(inc.number, inc.title));
    auto *panel = new TriagePanel(context.engine(), inc.uid, QStringLiteral("alice"), w);
    v->addWidget(panel, 1);
    if (!panel->current()) {
        // Not suggested yet: show what the model says without recording it.
        const TriageSettings settings = TriageSettings::fromStore(st);
        std::shared_ptr<const TriageModel> model;
        if (auto m = loadLatestModel(st); m && m->has_value())
            model = (*m)->model;
        QString error;
        if (!model) {
            auto ex = collectExamples(st, settings);
            auto trained = ex ? TriageModel::train(*ex) : Result<TriageModel>(ex.error());
            if (trained)
                model = std::make_shared<const TriageModel>(std::move(*trained));
            else
                error = trained.errorMessage();
        }
        if (model) {
            auto kb = buildKnowledgeBase(st, settings);
            TriageResult r = suggestLocally(*model, kb ? &*kb : nullptr, inc);
            if (model->version == 0)
                r.modelVersion = QStringLiteral("a model trained for this view");
            panel->showSuggestion(r);
        } else {
            title->setText(title->text() + QStringLiteral(" — ") + error);
        }
    }
    if (auto *arts = panel->findChild<QTreeWidget *>(QStringLiteral("triageArticles"));
        arts && arts->topLevelItemCount() > 0)
        arts->setCurrentItem(arts->topLevelItem(0));
    w->resize(size);
    return w;
}

ScreenshotArea triageScreenshots()
{
    return {{QStringLiteral("triage")}, &createTriageScreenshot, false};
}

} // namespace sitrep::ui
