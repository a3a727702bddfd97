// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "domain/synckinds.h"
#include "engine/lifecycleengine.h"
#include "host/appcontext.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "ui/incidentworkspace.h"
#include "ui/settings/statuslabel.h"

#include <QLabel>
#include <QMainWindow>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QThread>
#include <QVBoxLayout>

namespace sitrep::ui {

using engine::Command;

namespace {

/// Two replicas in a scratch folder and the workspace of the first; owns all of them.
class ConflictScene final : public QWidget {
public:
    // The workspace goes before the replicas its widgets work on.
    ~ConflictScene() override
    {
        qDeleteAll(findChildren<QWidget *>(QString(), Qt::FindDirectChildrenOnly));
    }
    QTemporaryDir dir;
    std::unique_ptr<host::AppContext> a, b;
};

Result<std::unique_ptr<host::AppContext>> replica(const QString &path, const QString &workflow)
{
    {
        auto first = host::AppContext::open(path, workflow);
        if (!first)
            return first;
        if (auto s = sync::Outbox::enable((*first)->store()); !s)
            return Result<std::unique_ptr<host::AppContext>>(s.error());
    }
    return host::AppContext::open(path, workflow);
}

/// The incident both scenes are about, opened by `reporter`.
Result<engine::Outcome> openCheckoutIncident(engine::LifecycleEngine &e, const QString &reporter)
{
    return e.execute(Command::open(
        {{QStringLiteral("title"), QStringLiteral("Checkout API returning 502 for EU customers")},
         {QStringLiteral("description"),
          QStringLiteral("Error rate 18% on checkout-api since the 14:02 deploy.")},
         {QStringLiteral("severity"), QStringLiteral("high")},
         {QStringLiteral("services"), QStringLiteral("checkout")}},
        reporter));
}

Status deliver(host::AppContext &from, host::AppContext &to)
{
    sync::Outbox box(from.store());
    QList<domain::Event> events;
    for (const auto &row : box.pending(100000)) {
        events << row.event;
        if (auto s = box.queue().markDelivered(row.id); !s)
            return s;
    }
    if (events.isEmpty())
        return {};
    auto r = to.engine().mergeRemote(events);
    return r ? Status() : Status(r.error());
}

/// A responder's window on a team back end: who they are in the status bar, and a change
/// the back end refused shown on its incident.
class TeamScene final : public QMainWindow {
public:
    ~TeamScene() override { delete takeCentralWidget(); }
    QTemporaryDir dir;
    std::unique_ptr<host::AppContext> ctx;
    sync::SyncStatus status;
};

QWidget *createTeamScene(host::AppContext &context, const QSize &size)
{
    auto scene = std::make_unique<TeamScene>();
    auto fail = [](const QString &why) {
        return new QLabel(QStringLiteral("Cannot stage the team view: %1").arg(why));
    };
    auto ctx = replica(scene->dir.filePath(QStringLiteral("team.db")),
                       context.store().meta(QStringLiteral("workflow")));
    if (!ctx)
        return fail(ctx.errorMessage());
    scene->ctx = std::move(*ctx);
    auto &e = scene->ctx->engine();
    auto opened = openCheckoutIncident(e, QStringLiteral("alice"));
    if (!opened)
        return fail(opened.errorMessage());
    const QString uid = opened->incidentUid;
    (void)e.execute(
        Command::note(uid, QStringLiteral("Rolling back 1.42.0"), QStringLiteral("alice")));
    // What the sync loop records when the back end answers 403 to an approval by a responder.
    (void)e.execute(Command::make(
        Command::Kind::Record, uid,
        {{QStringLiteral("kind"), domain::kinds::SyncRejected},
         {QStringLiteral("payload"),
          QJsonObject{
              {QStringLiteral("kind"), domain::kinds::ApprovalGranted},
              {QStringLiteral("code"), 403},
              {QStringLiteral("message"),
               QStringLiteral(
                   "Not shared: the back end refused an approval by alice (HTTP 403: approvals "
                   "need a commander or an admin; alice is a responder). It stays on this "
                   "machine only.")}}}},
        engine::SystemActor));
    auto *w = new IncidentWorkspace(e, uid, QStringLiteral("alice"), scene.get());
    w->setRecordReminders(false);
    scene->setCentralWidget(w);
    scene->status.setIdentity(QStringLiteral("alice (responder)"));
    scene->status.update(true, 0, 1, {});
    scene->statusBar()->addPermanentWidget(syncStatusLabel(scene->status, scene.get()));
    scene->resize(size);
    return scene.release();
}

} // namespace

static QWidget *createSyncScreenshot(const QString &view, host::AppContext &context,
                                     const QSize &size)
{
    if (view == u"team")
        return createTeamScene(context, size);
    if (view != u"conflict")
        return nullptr;
    auto scene = std::make_unique<ConflictScene>();
    auto fail = [](const QString &why) {
        return new QLabel(QStringLiteral("Cannot stage the conflict: %1").arg(why));
    };
    // The scene follows the workflow the database uses (the default when it has none).
    const QString wf = context.store().meta(QStringLiteral("workflow"));
    auto a = replica(scene->dir.filePath(QStringLiteral("a.db")), wf);
    auto b = a ? replica(scene->dir.filePath(QStringLiteral("b.db")), wf) : decltype(a)(a.error());
    if (!a || !b)
        return fail(a ? b.errorMessage() : a.errorMessage());
    scene->a = std::move(*a);
    scene->b = std::move(*b);
    auto &ea = scene->a->engine();
    auto &eb = scene->b->engine();
    auto opened = openCheckoutIncident(ea, QStringLiteral("priya.raman"));
    if (!opened)
        return fail(opened.errorMessage());
    const QString uid = opened->incidentUid;
    // Two people move the incident while one of them is offline: the first move wins the
    // fold, the second becomes a conflict on both replicas.
    QList<QString> targets;
    for (const QString &to : ea.allowedTransitions(*scene->a->store().incidentByUid(uid)))
        if (ea.whyNot(*scene->a->store().incidentByUid(uid), to).isEmpty())
            targets << to;
    if (targets.size() < 2)
        return fail(
            QStringLiteral("the workflow offers fewer than two moves from its first state"));
    Status s = deliver(*scene->a, *scene->b);
    if (s) {
        (void)ea.execute(Command::note(uid, QStringLiteral("Rolling back 1.42.0 is on the table"),
                                       QStringLiteral("priya.raman")));
        if (!eb.execute(Command::transition(uid, targets[0], QStringLiteral("marco.bianchi"))))
            s = Status::fail(QStringLiteral("first move refused"));
    }
    QThread::msleep(3);
    if (s && !ea.execute(Command::transition(uid, targets[1], QStringLiteral("priya.raman"))))
        s = Status::fail(QStringLiteral("second move refused"));
    for (int i = 0; s && i < 2; ++i) {
        s = deliver(*scene->b, *scene->a);
        if (s)
            s = deliver(*scene->a, *scene->b);
    }
    if (!s)
        return fail(s.errorMessage());
    auto *layout = new QVBoxLayout(scene.get());
    layout->setContentsMargins(0, 0, 0, 0);
    auto *w = new IncidentWorkspace(ea, uid, QStringLiteral("priya.raman"), scene.get());
    w->setRecordReminders(false);
    layout->addWidget(w);
    return scene.release();
}

ScreenshotArea syncScreenshots()
{
    return {{QStringLiteral("conflict"), QStringLiteral("team")}, &createSyncScreenshot, false};
}

} // namespace sitrep::ui
