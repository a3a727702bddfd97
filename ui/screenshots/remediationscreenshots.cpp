// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "demo/demogenerator.h"
#include "host/appcontext.h"
#include "host/workflowactions.h"
#include "remediation/remediator.h"
#include "ui/remediation/remediationview.h"

#include <QJsonArray>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>

namespace sitrep::ui {

using namespace sitrep::remediation;

namespace {

constexpr qint64 kMinute = 60000;

/// A scratch database with a short demo history and remediation records.
struct Scratch {
    QTemporaryDir dir;
    store::Store store;
    std::unique_ptr<engine::ManualClock> clock;
    std::unique_ptr<engine::LifecycleEngine> engine;
};

Status seed(Scratch &s, qint64 now)
{
    if (auto st = s.store.open(s.dir.filePath(QStringLiteral("screenshot.db"))); !st)
        return st;
    auto wf = workflow::Workflow::load(QStringLiteral("pipeline"));
    auto oc = workflow::OnCallSchedule::load({});
    if (!wf || !oc)
        return Status::fail(QStringLiteral("cannot load the pipeline workflow"));
    s.clock = std::make_unique<engine::ManualClock>(now - 2 * 3600000);
    s.engine = std::make_unique<engine::LifecycleEngine>(s.store, *wf, *oc, *s.clock);
    host::registerWorkflowActions(*s.engine);
    RemediationStore rs(s.store);
    (void)rs.addMaintenance(QStringLiteral("payments-db"), now - 20 * kMinute, now + 100 * kMinute,
                            QStringLiteral("Aurora minor version upgrade"), QStringLiteral("dana"),
                            now - 30 * kMinute);
    (void)rs.addMaintenance(QStringLiteral("search-api"), now + 22 * 60 * kMinute,
                            now + 26 * 60 * kMinute, QStringLiteral("index rebuild, weekly"),
                            QStringLiteral("sam"), now - 60 * kMinute);
    (void)rs.addMaintenance(QStringLiteral("edge-cdn"), now - 5 * kMinute, now + 55 * kMinute,
                            QStringLiteral("certificate rotation"), QStringLiteral("lee"),
                            now - 6 * kMinute);
    (void)rs.addChange(QStringLiteral("checkout-api"), now - 12 * kMinute,
                       QStringLiteral("deploy v2026.11.3 (connection pool 40 -> 80)"),
                       QStringLiteral("CHG0004211"), QStringLiteral("alex"), now - 12 * kMinute);
    (void)rs.addChange(QStringLiteral("orders-db"), now - 95 * kMinute,
                       QStringLiteral("parameter group: max_connections 500"),
                       QStringLiteral("CHG0004207"), QStringLiteral("dana"), now - 95 * kMinute);
    (void)rs.addChange(QStringLiteral("web-frontend"), now - 26 * 60 * kMinute,
                       QStringLiteral("feature flag new-cart on for 10%"),
                       QStringLiteral("CHG0004188"), QStringLiteral("kim"),
                       now - 26 * 60 * kMinute);
    Remediator rem(*s.engine, *RuleSet::defaults(), RemediationConfig{});
    struct Case {
        const char *title, *severity, *service, *category;
        double confidence;
        bool deadLetter;
    };
    const Case cases[] = {
        {"Orders database refuses new connections", "high", "orders-db", "database", 0.93, true},
        {"Stale product images served at the edge", "medium", "catalog-cdn", "cdn", 0.88, true},
        {"Checkout tier saturated, p99 latency 4 s", "high", "web-frontend", "capacity", 0.91,
         false},
        {"Payments primary failing over repeatedly", "critical", "ledger-db", "database", 0.97,
         false},
    };
    for (const Case &c : cases) {
        s.clock->advance(7 * kMinute);
        auto open = s.engine->execute(engine::Command::open(
            {{QStringLiteral("title"), QLatin1String(c.title)},
             {QStringLiteral("severity"), QLatin1String(c.severity)},
             {QStringLiteral("services"), QJsonArray{QLatin1String(c.service)}}},
            QStringLiteral("alertmanager-ingest")));
        if (!open)
            return Status(open.error());
        (void)s.engine->execute(engine::Command::make(
            engine::Command::Kind::Record, open->number,
            {{QStringLiteral("kind"), kinds::TriageSuggested},
             {QStringLiteral("payload"),
              QJsonObject{{QStringLiteral("category"), QLatin1String(c.category)},
                          {QStringLiteral("confidence"), c.confidence}}}},
            QStringLiteral("triage")));
        if (auto d = rem.scan(); !d)
            return Status(d.error());
        const auto rows = rs.remediations({}, open->incidentUid);
        if (rows.isEmpty() || !c.deadLetter)
            continue;
        s.clock->advance(kMinute);
        const auto due = rs.dueDispatch(s.clock->nowMs(), 10);
        for (const auto &d : due)
            if (d.correlationId == rows.first().correlationId)
                (void)rem.recordSent(d, QStringLiteral("screenshot"));
        s.clock->advance(4 * kMinute);
        (void)rem.recordDeadLetter(rows.first().message, 3);
    }
    s.clock->set(now);
    return {};
}

/// Owns the scratch database (when the scene uses one) and the Remediator the view acts
/// through, for as long as the view shows them.
class Host final : public QWidget {
public:
    Host(std::unique_ptr<Scratch> scratch, engine::LifecycleEngine &engine)
        : m_scratch(std::move(scratch))
    {
        QString error;
        if (auto rem = Remediator::fromSettings(engine); rem)
            m_remediator = std::make_unique<Remediator>(std::move(*rem));
        else
            error = rem.errorMessage();
        m_view = new RemediationView(engine, QStringLiteral("alice"), m_remediator.get(), error);
        auto *l = new QVBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(m_view);
    }
    ~Host() override { delete m_view; }
    RemediationView *view() const { return m_view; }

private:
    std::unique_ptr<Scratch> m_scratch;
    std::unique_ptr<Remediator> m_remediator;
    RemediationView *m_view = nullptr;
};

} // namespace

static QStringList remediationScreenshotViews()
{
    return {QStringLiteral("maintenance"), QStringLiteral("remediation-failed")};
}

static QWidget *createRemediationScreenshot(const QString &view, host::AppContext &context,
                                            const QSize &size)
{
    if (!remediationScreenshotViews().contains(view))
        return nullptr;
    const auto page =
        view == u"maintenance" ? RemediationView::Page::Maintenance : RemediationView::Page::Failed;
    RemediationStore own(context.store());
    const qint64 now = context.clock().nowMs();
    const bool hasOwn = view == u"maintenance" ? !own.maintenance(now).isEmpty() ||
                                                     !own.changes(now - 7LL * 86400000).isEmpty()
                                               : !own.failed().isEmpty();
    if (hasOwn) {
        auto *host = new Host(nullptr, context.engine());
        host->view()->showPage(page);
        host->resize(size);
        return host;
    }
    auto scratch = std::make_unique<Scratch>();
    if (auto s = seed(*scratch, now); !s || !scratch->engine) {
        auto *err = new QLabel(
            QObject::tr("Cannot build the remediation screenshot: %1").arg(s.errorMessage()));
        err->resize(size);
        return err;
    }
    engine::LifecycleEngine &eng = *scratch->engine;
    auto *host = new Host(std::move(scratch), eng);
    RemediationView *v = host->view();
    v->showPage(page);
    if (page == RemediationView::Page::Failed && v->failedTable()->rowCount() > 0)
        v->failedTable()->selectRow(0);
    host->resize(size);
    return host;
}

ScreenshotArea remediationScreenshots()
{
    return {remediationScreenshotViews(), &createRemediationScreenshot, false};
}

} // namespace sitrep::ui
