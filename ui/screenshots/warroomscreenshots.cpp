// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "ui/createincidentdialog.h"
#include "ui/incidentlistview.h"
#include "ui/incidentworkspace.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>

namespace sitrep::ui {

static QWidget *createWarRoomScreenshot(const QString &view, host::AppContext &context,
                                        const QSize &size)
{
    if (view == u"create") {
        auto *d = new CreateIncidentDialog(context.engine(), QStringLiteral("alice"));
        d->findChild<QLineEdit *>(QStringLiteral("titleEdit"))
            ->setText(QStringLiteral("Checkout API returns 502 for EU customers"));
        d->findChild<QPlainTextEdit *>(QStringLiteral("descriptionEdit"))
            ->setPlainText(QStringLiteral(
                "Error rate on checkout-api jumped to 18% at 09:12 UTC after the edge deploy."));
        auto *sev = d->findChild<QComboBox *>(QStringLiteral("severityCombo"));
        sev->setCurrentIndex(2);
        auto *impact = d->findChild<QComboBox *>(QStringLiteral("impactCombo"));
        impact->setCurrentIndex(1);
        auto *urgency = d->findChild<QComboBox *>(QStringLiteral("urgencyCombo"));
        urgency->setCurrentIndex(2);
        d->findChild<QLineEdit *>(QStringLiteral("servicesEdit"))
            ->setText(QStringLiteral("checkout-api, payments"));
        d->resize(size.boundedTo(QSize(900, 800)).expandedTo(d->sizeHint()));
        return d;
    }
    auto *w = new MainWindow(context);
    w->setPassive(true);
    w->resize(size);
    w->waitUntilLoaded(10000);
    if (view == u"list-selection") {
        // Three incidents selected; the palette's "Assign…" asks above the list.
        QTableView *t = w->listView()->table();
        for (int r = 1; r <= 3 && r < t->model()->rowCount(); ++r)
            t->selectionModel()->setCurrentIndex(
                t->model()->index(r, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        for (QAction *a : w->paletteActions())
            if (a->objectName() == u"actionAssign")
                a->trigger();
        w->listView()->askEdit()->setText(QStringLiteral("priya.raman"));
    }
    if (view == u"incident" || view == u"incident-edit") {
        // The busiest open incident of the highest severity makes the fullest picture.
        store::ListQuery q;
        q.open = true;
        q.sort = store::SortKey::Severity;
        q.descending = false;
        q.limit = 40;
        QString best;
        qint64 most = -1;
        for (const auto &inc : context.store().list(q)) {
            if (inc.severity == domain::Severity::Unknown)
                continue;
            const qint64 score = inc.eventCount - qint64(inc.severity) * 1000;
            if (score > most) {
                most = score;
                best = inc.uid;
            }
        }
        if (best.isEmpty())
            if (auto any = context.store().list(store::ListQuery{}); !any.isEmpty())
                best = any.first().uid;
        if (!best.isEmpty())
            if (auto *ws = w->openIncident(best); ws && view == u"incident-edit")
                ws->editFields(QStringLiteral("severity"));
    }
    return w;
}

ScreenshotArea warRoomScreenshots()
{
    return {{QStringLiteral("list"), QStringLiteral("incident"), QStringLiteral("create"),
             QStringLiteral("incident-edit"), QStringLiteral("list-selection")},
            &createWarRoomScreenshot,
            false};
}

} // namespace sitrep::ui
