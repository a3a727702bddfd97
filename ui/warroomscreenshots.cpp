// SPDX-License-Identifier: MIT
#include "warroomscreenshots.h"

#include "app/appcontext.h"
#include "createincidentdialog.h"
#include "incidentlistview.h"
#include "incidentworkspace.h"
#include "mainwindow.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>

namespace sitrep::ui {

QWidget *createWarRoomScreenshot(const QString &view, app::AppContext &context, const QSize &size)
{
    if (view == u"create") {
        auto *d = new CreateIncidentDialog(context.engine(), QStringLiteral("alice"));
        d->findChild<QLineEdit *>(QStringLiteral("titleEdit"))->setText(QStringLiteral("Checkout API returns 502 for EU customers"));
        d->findChild<QPlainTextEdit *>(QStringLiteral("descriptionEdit"))
            ->setPlainText(QStringLiteral("Error rate on checkout-api jumped to 18% at 09:12 UTC after the edge deploy."));
        auto *sev = d->findChild<QComboBox *>(QStringLiteral("severityCombo"));
        sev->setCurrentIndex(2);
        auto *impact = d->findChild<QComboBox *>(QStringLiteral("impactCombo"));
        impact->setCurrentIndex(1);
        auto *urgency = d->findChild<QComboBox *>(QStringLiteral("urgencyCombo"));
        urgency->setCurrentIndex(2);
        d->findChild<QLineEdit *>(QStringLiteral("servicesEdit"))->setText(QStringLiteral("checkout-api, payments"));
        d->resize(size.boundedTo(QSize(900, 800)).expandedTo(d->sizeHint()));
        return d;
    }
    auto *w = new MainWindow(context);
    w->setPassive(true);
    w->resize(size);
    w->waitUntilLoaded(10000);
    if (view == u"incident") {
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
            w->openIncident(best);
    }
    return w;
}

} // namespace sitrep::ui
